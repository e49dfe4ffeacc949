"""A webhook destination that forwards only the events its ``triggerEvents`` setting lists (the shape
of many real destination functions: a list setting matched against the event name)."""

from segfn.runtime import EventNotSupported, RetryError, Setting, fetch

KIND = "destination"
NAME = "Trigger events"
SETTINGS = [
    Setting("webhookUrl", label="Webhook URL", type="string", required=True),
    Setting("triggerEvents", label="Trigger events", type="array", required=True),
    Setting("includeProperties", label="Include properties", type="boolean"),
]


async def on_track(event, settings):
    name = event.get("event")
    if name not in settings["triggerEvents"]:
        return None
    body = {"event": name, "userId": event.get("userId")}
    if settings.get("includeProperties"):
        body["properties"] = event.get("properties") or {}
    res = await fetch(settings["webhookUrl"], method="POST", json=body)
    if res.status >= 500:
        raise RetryError(f"webhook answered {res.status}")
    return res.status


async def on_identify(event, settings):
    raise EventNotSupported("identify is not sent")
