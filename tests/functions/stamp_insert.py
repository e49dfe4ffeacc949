"""An insert function whose behaviour each test event chooses with ``properties.insert``."""

from segfn.runtime import DropEvent, RetryError, Setting

KIND = "insert"
NAME = "Stamp"
SETTINGS = [Setting("token", label="Token", sensitive=True)]


def on_track(event, settings):
    do = (event.get("properties") or {}).get("insert", "stamp")
    if do == "drop":
        raise DropEvent("bot traffic")
    if do == "none":
        return None
    if do == "retry":
        raise RetryError("insert busy")
    event["properties"]["stamped"] = True
    return event
