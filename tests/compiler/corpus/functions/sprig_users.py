"""Sprig: a data engineer's own destination for Sprig's user API (POST /v2/users, one user a request).

Identify upserts attributes (nested traits flattened with dots; Sprig takes strings, numbers and
booleans only), track and screen add events with their epoch-millisecond timestamps, Segment's
delete requests purge the visitor. The key decides the environment, so the region setting only
picks the host."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterator

from segfn.runtime import DropEvent, EventNotSupported, FetchError, RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Sprig Users"
SETTINGS = [Setting("apiKey", label="Sprig API key", required=True, sensitive=True),
            Setting("sendScreens", label="Send screen calls as events", type="boolean"),
            Setting("blockedTraits", label="Traits never sent", type="array")]

HOST = "https://api.sprig.com"
MAX_LENGTH = 255


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from flatten(inner, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(value, (str, int, float)) or value is None:  # bools are ints
        yield prefix, value
    else:
        yield prefix, str(value)


def attributes(traits: dict, blocked: set[str]) -> dict[str, Any]:
    out = {}
    for key, value in flatten(traits):
        if key in blocked or key.startswith("!") or value is None:
            continue
        if isinstance(value, str):
            value = value[:MAX_LENGTH]
        out[key[:MAX_LENGTH]] = value
    return out


def user_id(event: dict) -> str:
    traits = event.get("traits") or (event.get("context") or {}).get("traits") or {}
    found = event.get("userId") or traits.get("userId") or traits.get("id")
    if not found:
        raise DropEvent("Sprig needs a userId")
    return str(found)


def millis(timestamp: str | None) -> int:
    if not timestamp:
        return int(datetime.now(timezone.utc).timestamp() * 1000)
    moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    return round(moment.replace(tzinfo=moment.tzinfo or timezone.utc).timestamp() * 1000)


async def post(path: str, body: dict, settings: dict) -> int:
    try:
        res = await fetch(HOST + path, method="POST", json=body,
                          headers={"Authorization": f"API-Key {settings['apiKey']}"})
    except FetchError as error:
        raise RetryError(f"Sprig unreachable: {error}") from error
    if res.status in (429, 500, 502, 503, 504):
        raise RetryError(f"Sprig answered {res.status}, retry after {res.headers.get('Retry-After', '?')}s")
    if res.status in (400, 401, 403, 422):
        detail = await res.text()
        raise ValidationError(f"Sprig refused the request ({res.status}): {detail[:200]}")
    return res.status


async def on_identify(event, settings):
    traits = event.get("traits") or {}
    body = {"userId": user_id(event),
            "attributes": attributes(traits, set(settings.get("blockedTraits") or []))}
    if isinstance(traits.get("email"), str) and "@" in traits["email"]:
        body["emailAddress"] = traits["email"].strip()
    return await post("/v2/users", body, settings)


async def on_track(event, settings):
    name = event.get("event") if event.get("type") == "track" else event.get("name")
    if not name:
        raise ValidationError("an event needs a name")
    if name == "Signed Out":
        return None
    stamp = event.get("timestamp") or event.get("originalTimestamp")
    try:
        when = millis(stamp)
    except ValueError:
        raise ValidationError(f"bad timestamp {stamp!r}") from None
    return await post("/v2/users", {"userId": user_id(event), "events": [{"event": name[:MAX_LENGTH], "timestamp": when}]},
                      settings)


async def on_screen(event, settings):
    if not settings.get("sendScreens"):
        raise EventNotSupported("screen calls are off")
    return await on_track(event, settings)


async def on_delete(event, settings):
    return await post("/v2/purge/visitors", {"userIds": [user_id(event)]}, settings)


async def on_group(event, settings):
    raise EventNotSupported("group is not supported by Sprig")
