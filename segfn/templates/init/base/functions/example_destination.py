"""Destination function: send Segment identify and track calls to an HTTP API (an example to edit).

- identify: ``POST {baseUrl}/v1/users`` with ``{"id", "traits"}``;
- track: ``POST {baseUrl}/v1/events`` with ``{"userId", "event", "properties", "timestamp"}``;
- a message without a ``userId`` is rejected (ValidationError: Segment shows "Message Rejected");
- the API answering 429 or 5xx, or not answering, asks Segment to retry (RetryError); another 4xx
  rejects the message;
- page, screen, group, alias and delete have no handler: Segment reports "Unsupported Event Type".

``segfn replay`` answers the API from the ``[[stubs]]`` in workspace.toml; it never reaches the network.
"""

from segfn.runtime import FetchError, RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Example API"
DESCRIPTION = "Sends identify and track calls to the Example API."
SETTINGS = [
    Setting("apiKey", label="API Key", type="string", required=True, sensitive=True,
            description="The key the Example API gave you."),
    Setting("baseUrl", label="Base URL", type="string",
            description="The API's base URL; default https://api.example.com."),
]

DEFAULT_BASE_URL = "https://api.example.com"


def user_id_of(event):
    user_id = event.get("userId")
    if user_id is None or user_id == "":
        raise ValidationError("the Example API keys users by userId, and this message has none")
    return str(user_id)


async def post(path, body, settings):
    """Send one request; 5xx, 429 and network failures retry, other 4xx reject the message."""
    base = settings.get("baseUrl") or DEFAULT_BASE_URL
    try:
        res = await fetch(base.rstrip("/") + path, method="POST",
                          headers={"Authorization": f"Bearer {settings['apiKey']}"}, json=body)
    except FetchError as failure:
        raise RetryError(f"the Example API could not be reached: {failure}")
    if res.status >= 500 or res.status == 429:
        raise RetryError(f"the Example API answered {res.status}")
    if res.status >= 400:
        raise ValidationError(f"the Example API refused the call ({res.status}): {await res.text()}")
    return {"status": res.status}


async def on_identify(event, settings):
    traits = event.get("traits") or {}
    print(f"identify {user_id_of(event)}: {len(traits)} traits")
    return await post("/v1/users", {"id": user_id_of(event), "traits": traits}, settings)


async def on_track(event, settings):
    body = {"userId": user_id_of(event), "event": event.get("event"),
            "properties": event.get("properties") or {}, "timestamp": event.get("timestamp")}
    return await post("/v1/events", body, settings)
