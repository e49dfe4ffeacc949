"""A destination function whose behaviour each test event chooses with ``properties.do``."""

import asyncio
import threading
import time

from segfn.runtime import (EventNotSupported, InvalidEventPayload, RetryError, Setting, ValidationError,
                               fetch)

KIND = "destination"
NAME = "Behave"
SETTINGS = [
    Setting("apiKey", label="API Key", required=True, sensitive=True),
    Setting("region", label="Region"),
    Setting("verbose", label="Verbose", type="boolean"),
]


async def on_track(event, settings):
    do = (event.get("properties") or {}).get("do", "ok")
    if do == "fetch":
        res = await fetch("https://api.example.com/collect", method="POST",
                          headers={"Authorization": f"Bearer {settings['apiKey']}"}, json={"e": event["event"]})
        print("sent with key", settings["apiKey"])
        return res.status
    if do == "print":
        print("hello", event["event"], 42)
        return None
    if do == "retry":
        raise RetryError("try later")
    if do == "reject":
        raise ValidationError("no good")
    if do == "invalid":
        raise InvalidEventPayload("missing thing")
    if do == "unsupported":
        raise EventNotSupported("not this one")
    if do == "crash":
        return {}["missing"]
    if do == "sleep":
        await asyncio.sleep(10)
    if do == "spin":
        # never yields to the event loop, well past the runner's timeout; then ends, so that the test
        # process is not left with a thread spinning for the GIL (it slowed every later threaded test)
        end = time.monotonic() + 2
        while time.monotonic() < end:
            pass
    if do == "forever":  # a loop that never ends, and swallows every Exception while it runs
        while True:
            try:
                pass
            except Exception:
                pass
    if do == "block":  # a blocking call that never yields to the event loop
        time.sleep(30)
    if do == "thread":  # where the handler ran, after waiting on a real timer when asked
        if (event.get("properties") or {}).get("wait"):
            await asyncio.sleep(0.01)
        return threading.get_ident()
    if do == "timeout-error":
        raise TimeoutError("the user's own timeout")
    if do == "write-key":  # a function that tells its API which source sent the event
        res = await fetch("https://api.example.com/collect", method="POST", json={"source": event["writeKey"]})
        return res.status
    if do == "network":
        await fetch("https://unreachable.example/", method="GET")
    return "ok"


def on_identify(event, settings):
    return {"sync": True, "settings": sorted(settings)}
