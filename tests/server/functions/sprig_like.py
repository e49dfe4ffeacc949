"""A destination that maps every call type onto Sprig's POST /v2/users, simply and stably, so the
server's tests do not depend on how the product's functions/sprig.py evolves."""

from datetime import datetime

from segfn.runtime import RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Sprig Like"
SETTINGS = [
    Setting("apiKey", label="API Key", required=True, sensitive=True),
    Setting("baseUrl", label="Base URL"),
]


async def send(body, settings):
    base = settings.get("baseUrl") or "https://api.sprig.com"
    res = await fetch(f"{base}/v2/users", method="POST",
                      headers={"Authorization": f"API-Key {settings['apiKey']}"}, json=body)
    if res.status >= 500 or res.status == 429:
        raise RetryError(f"Sprig answered {res.status}")
    if res.status >= 400:
        raise ValidationError(f"Sprig answered {res.status}: {await res.text()}")
    return res.status


def sprig_event(name, event):
    """Sprig's event shape: the name and the message's timestamp in epoch milliseconds."""
    return {"event": name, "timestamp": int(datetime.fromisoformat(event["timestamp"]).timestamp() * 1000)}


def user(event):
    if event.get("userId") is None:
        raise ValidationError("Sprig needs a userId")
    return str(event["userId"])


async def on_identify(event, settings):
    return await send({"userId": user(event), "attributes": event.get("traits") or {}}, settings)


async def on_track(event, settings):
    print("track", event["event"], "for", user(event))
    return await send({"userId": user(event), "events": [sprig_event(event["event"], event)]}, settings)


async def on_page(event, settings):
    return await send({"userId": user(event), "events": [sprig_event(f"Viewed {event.get('name')} Page", event)]}, settings)


async def on_screen(event, settings):
    return await send({"userId": user(event), "events": [sprig_event(f"Screen {event.get('name')}", event)]}, settings)


async def on_group(event, settings):
    return await send({"userId": user(event), "attributes": {"groupId": str(event["groupId"])}}, settings)


async def on_alias(event, settings):
    return await send({"userId": user(event), "attributes": {"previousId": str(event["previousId"])}}, settings)
