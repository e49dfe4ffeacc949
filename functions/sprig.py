"""Sprig destination function (starter version; the full mapping replaces it)."""

from functions.runtime import RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Sprig (segfn)"
SETTINGS = [
    Setting("apiKey", label="API Key", type="string", required=True, sensitive=True,
            description="Sprig API key (Connect > Segment in Sprig)"),
]


async def send(body, settings):
    res = await fetch("https://api.sprig.com/v2/users", method="POST",
                      headers={"Authorization": f"API-Key {settings['apiKey']}"}, json=body)
    if res.status >= 500 or res.status == 429:
        raise RetryError(f"Sprig answered {res.status}")
    if res.status >= 400:
        raise ValidationError(f"Sprig answered {res.status}")
    return res.status


async def on_identify(event, settings):
    if not event.get("userId"):
        raise ValidationError("Sprig needs a userId")
    return await send({"userId": event["userId"], "attributes": event.get("traits") or {}}, settings)


async def on_track(event, settings):
    if not event.get("userId"):
        raise ValidationError("Sprig needs a userId")
    return await send({"userId": event["userId"], "events": [{"event": event["event"]}]}, settings)
