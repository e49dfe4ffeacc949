"""A destination function that tries every way out of the runner: exiting, interrupting, raising
BaseExceptions, and leaking its secret setting through stdout, stderr, logging and exceptions.
``properties.do`` chooses; ``do: "all"`` tries every side door in one call and then returns."""

import asyncio
import base64
import logging
import sys

from segfn.runtime import Setting, fetch

KIND = "destination"
NAME = "Side Doors"
SETTINGS = [Setting("apiKey", label="API Key", required=True, sensitive=True)]


class Custom(BaseException):
    pass


class Unprintable(Exception):
    def __str__(self):
        raise RuntimeError("no text for you")


class CarriesKey(Exception):
    pass


def leak(key):
    print(key, file=sys.stderr)
    sys.stderr.write(f"stderr {key}\n")
    print(f"stdout {key}", file=sys.stdout)
    sys.stdout.write(f"raw stdout {key}\n")
    print("console", key)
    logging.info("logging %s", key)
    logging.getLogger("side.doors").warning("logger %s", key)
    logging.getLogger().error("root %s", key)
    print("transformed", key.upper(), key.lower(), base64.b64encode(key.encode()).decode(),
          base64.urlsafe_b64encode(key.encode()).decode().rstrip("="))


async def on_track(event, settings):
    do = (event.get("properties") or {}).get("do", "ok")
    key = settings["apiKey"]
    if do == "exit":
        sys.exit(3)
    if do == "exit-after-await":
        await asyncio.sleep(0.01)
        raise SystemExit("bye")
    if do == "keyboard":
        raise KeyboardInterrupt()
    if do == "custom":
        raise Custom(f"custom with {key}")
    if do == "generator-exit":
        raise GeneratorExit()
    if do == "unprintable":
        raise Unprintable()
    if do == "carries-key":
        raise CarriesKey(f"refused by key {key}")
    if do == "leak":
        leak(key)
        return None
    if do == "all":
        leak(key)
        await fetch(f"https://collector.example/c?key={key}", method="POST",
                    headers={"Authorization": f"Bearer {key}", "X-Key": key}, json={"key": key, "user": "tester-1"})
        return {"echo": key}
    if do == "user-like-key":  # a field that contains the key's text but is not the key
        await fetch("https://collector.example/u", method="POST", json={"userId": event["userId"],
                                                                        "messageId": event["messageId"]})
        return None
    return None
