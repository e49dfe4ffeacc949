"""Wavefront: an instantaneous event per track call, with checked annotations."""

from datetime import datetime, timezone

from segfn.runtime import EventNotSupported, InvalidEventPayload, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Wavefront Events"
SETTINGS = [Setting("apiKey", label="API token", required=True, sensitive=True),
            Setting("instance", label="Instance name")]

SEVERITIES = ("info", "warn", "severe")
ANNOTATIONS = {
    "type": lambda v: isinstance(v, str),
    "details": lambda v: isinstance(v, str),
    "severity": lambda v: isinstance(v, str) and v in SEVERITIES,
}


def millis(timestamp: str) -> int:
    moment = datetime.fromisoformat(timestamp)
    if moment.tzinfo is None:  # Segment's timestamps are UTC; a naive one must not take the machine's zone
        moment = moment.replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


async def on_track(event, settings):
    props = event.get("properties") or {}
    name = event.get("event")
    start = millis(event["timestamp"])
    annotations = {"prettyName": name}
    for key, valid in ANNOTATIONS.items():
        if key in props and valid(props[key]):
            annotations[key] = props[key]
    instance = settings.get("instance") or "longboard"
    res = await fetch(f"https://{instance}.wavefront.com/api/v2/event", method="POST",
                      headers={"Authorization": f"Bearer {settings['apiKey']}", "Accept": "application/json"},
                      json={"name": name, "startTime": start, "endTime": start + 1, "annotations": annotations})
    response = await res.json()
    status = response.get("status") or {}
    if status.get("code") == 200 and status.get("result") == "OK":
        return response
    if response.get("code") == 400 and response.get("message"):
        raise ValidationError(response["message"])
    if status.get("result") == "ERROR" or response.get("error"):
        raise InvalidEventPayload(str(response.get("message")))
    raise EventNotSupported("unexpected answer from Wavefront")


async def on_identify(event, settings):
    raise EventNotSupported("identify not supported")
