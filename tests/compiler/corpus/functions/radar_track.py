"""Radar: location updates from track calls that carry a location."""

from segfn.runtime import EventNotSupported, FetchError, InvalidEventPayload, RetryError, Setting, fetch

KIND = "destination"
NAME = "Radar Track"
SETTINGS = [Setting("radarPublishableKey", label="Publishable key", required=True, sensitive=True)]

DEVICE_TYPES = {"ios": "iOS", "android": "Android"}


def dig(source: dict, path: str):
    value = source
    for key in path.split("."):
        if not isinstance(value, dict) or key not in value:
            return None
        value = value[key]
    return value


def put(target: dict, path: str, value) -> None:
    *parents, last = path.split(".")
    for key in parents:
        target = target.setdefault(key, {})
    target[last] = value


def payload(event: dict) -> dict:
    context = event.get("context") or {}
    location = context.get("location") or {}
    device = context.get("device") or {}
    out = {
        "deviceId": device.get("id") or event.get("anonymousId"),
        "latitude": location["latitude"], "longitude": location["longitude"],
        "accuracy": location.get("accuracy", 65),
        "deviceType": DEVICE_TYPES.get(str(device.get("type") or "").lower(), "Web"),
        "foreground": True, "stopped": True, "metadata": {},
        "updatedAt": event.get("sentAt") or event.get("timestamp"),
    }
    for source, target in (("anonymousId", "metadata.segmentAnonymousId"), ("userId", "userId"),
                           ("context.os.version", "deviceOS"), ("context.device.manufacturer", "deviceMake"),
                           ("context.device.model", "deviceModel")):
        value = dig(event, source)
        if value is not None:
            put(out, target, value)
    return out


async def on_track(event, settings):
    location = dig(event, "context.location") or {}
    if not (dig(event, "context.device.id") or event.get("anonymousId")) or \
            not (location.get("latitude") and location.get("longitude")):
        raise InvalidEventPayload("Missing required attributes")
    try:
        res = await fetch("https://api.radar.io/v1/track", method="POST",
                          headers={"Authorization": settings["radarPublishableKey"]}, json=payload(event))
    except FetchError as error:
        raise RetryError(str(error)) from None
    if res.status >= 500 or res.status == 429:
        raise RetryError(f"Failed with {res.status}")
    return None


async def on_identify(event, settings):
    raise EventNotSupported("identify is not supported")
