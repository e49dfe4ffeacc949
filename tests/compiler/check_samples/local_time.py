"""Sends an event's time as epoch seconds, read with ``datetime.fromisoformat(...).timestamp()``: a
timestamp without an offset is read in the machine's local time zone, so the answer differs between
a developer in New York and Segment (UTC)."""

from datetime import datetime

from segfn.runtime import Setting, fetch

KIND = "destination"
NAME = "Local time"
SETTINGS = [Setting("endpoint", label="Endpoint", type="string")]


async def on_track(event, settings):
    stamp = event.get("timestamp")
    if not isinstance(stamp, str):
        return None
    try:
        seconds = int(datetime.fromisoformat(stamp).timestamp())
    except ValueError:
        return None
    await fetch(settings.get("endpoint") or "https://events.example.com/in", method="POST",
                json={"event": event.get("event"), "at": seconds})
    return seconds
