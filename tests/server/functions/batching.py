"""A destination with on_batch: posts each batch to a collector, then reports each event's status
from ``properties.status`` (default 200), as Segment's partial-failure results do; a status of
"invalid" fails the whole batch."""

from segfn.runtime import InvalidEventPayload, RetryError, Setting, fetch

KIND = "destination"
NAME = "Batching"
SETTINGS = [Setting("token", label="Token", sensitive=True)]


async def on_track(event, settings):
    await fetch("https://collector.example/one", method="POST", json={"id": event["messageId"]})


async def on_identify(event, settings):
    await fetch("https://collector.example/one", method="POST", json={"id": event["messageId"]})


async def on_batch(events, settings):
    res = await fetch("https://collector.example/batch", method="POST",
                      headers={"Authorization": f"Bearer {settings.get('token', '')}"},
                      json={"ids": [e["messageId"] for e in events]})
    if res.status >= 500:
        raise RetryError(f"collector answered {res.status}")
    statuses = [(e.get("properties") or {}).get("status", 200) for e in events]
    if "invalid" in statuses:  # the whole batch fails: Segment discards it all (Message Rejected)
        raise InvalidEventPayload("an event in this batch is invalid")
    if all(s == 200 for s in statuses):
        return None
    return [{"status": s} if s == 200 else {"status": s, "errormessage": f"event said {s}"} for s in statuses]
