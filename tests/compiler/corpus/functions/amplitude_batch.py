"""Amplitude HTTP API v2: events in batches (on_batch), with Amplitude's field names.

Amplitude takes at most a few hundred events per request and answers 400 with the indices of the
events it refused; 429 means the device or user is throttled."""

import json
import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

from segfn.runtime import RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Amplitude Batch"
SETTINGS = [Setting("apiKey", label="API key", required=True, sensitive=True),
            Setting("region", label="Data residency (us or eu)"),
            Setting("batchSize", label="Events per request"),
            Setting("skipEvents", label="Events not sent", type="array")]

ENDPOINTS = {"us": "https://api2.amplitude.com/2/httpapi", "eu": "https://api.eu.amplitude.com/2/httpapi"}
log = logging.getLogger(__name__)


@dataclass
class AmplitudeEvent:
    event_type: str
    time: int
    user_id: str | None = None
    device_id: str | None = None
    insert_id: str | None = None
    event_properties: dict = field(default_factory=dict)
    user_properties: dict = field(default_factory=dict)
    platform: str | None = None
    os_name: str | None = None
    ip: str | None = None

    def to_json(self) -> dict:
        return {key: value for key, value in asdict(self).items() if value or key == "time"}


def epoch_ms(timestamp) -> int:
    try:
        moment = datetime.fromisoformat(str(timestamp).replace("Z", "+00:00"))
    except ValueError:
        return 0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def convert(event: dict) -> AmplitudeEvent | None:
    context = event.get("context") or {}
    kind = event.get("type")
    if kind == "track":
        name = event.get("event")
    elif kind in ("page", "screen"):
        name = f"Viewed {event.get('name') or 'Page' if kind == 'page' else event.get('name') or 'Screen'}"
    elif kind == "identify":
        name = "$identify"
    else:
        return None
    if not (event.get("userId") or event.get("anonymousId")):
        return None
    props = event.get("properties") or {}
    return AmplitudeEvent(
        event_type=name or "Unnamed",
        time=epoch_ms(event.get("timestamp")),
        user_id=event.get("userId"),
        device_id=(context.get("device") or {}).get("id") or event.get("anonymousId"),
        insert_id=event.get("messageId"),
        event_properties={k: v for k, v in props.items() if v is not None},
        user_properties=dict(event.get("traits") or context.get("traits") or {}),
        platform=(context.get("library") or {}).get("name"),
        os_name=(context.get("os") or {}).get("name"),
        ip=context.get("ip"),
    )


def chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start:start + size]


async def send(url, api_key, events):
    body = json.dumps({"api_key": api_key, "events": [e.to_json() for e in events]}, separators=(",", ":"))
    res = await fetch(url, method="POST", body=body, headers={"Content-Type": "application/json"})
    if res.status == 429 or res.status >= 500:
        raise RetryError(f"Amplitude answered {res.status}")
    if res.status == 400:
        answer = await res.json()
        dropped = sorted(set(answer.get("events_with_invalid_fields", {}).get("time", [])))
        log.warning("Amplitude refused %d event(s): %s", len(dropped), dropped)
        raise ValidationError(answer.get("error") or "invalid request")
    return (await res.json()).get("events_ingested", len(events))


async def on_batch(events, settings):
    region = (settings.get("region") or "us").strip().lower()
    if region not in ENDPOINTS:
        raise ValidationError(f"unknown region {region!r}: use one of {', '.join(sorted(ENDPOINTS))}")
    try:
        size = max(1, min(int(settings.get("batchSize") or 100), 2000))
    except ValueError:
        size = 100
    skip = {name.lower() for name in settings.get("skipEvents") or []}
    converted = [c for c in map(convert, events) if c is not None and c.event_type.lower() not in skip]
    ingested = 0
    for part in chunks(converted, size):
        ingested += await send(ENDPOINTS[region], settings["apiKey"], part)
    return {"ingested": ingested, "skipped": len(events) - len(converted)}


async def on_track(event, settings):
    return await on_batch([event], settings)

on_page = on_screen = on_identify = on_track
