"""Retrack: alias a user to a hashed id and re-track the event with slugs of the old id, both calls at once."""

import asyncio
import base64
import hashlib

from segfn.runtime import FetchError, RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Retrack"
SETTINGS = [Setting("apiKey", label="Write key of the source to forward to", sensitive=True)]


async def call_segment(api_key: str, route: str, body: dict) -> int:
    token = base64.b64encode(f"{api_key}:".encode()).decode()
    try:
        res = await fetch(f"https://api.segment.io/v1/{route}", method="POST",
                          headers={"Authorization": f"Basic {token}"}, json=body)
    except FetchError as error:
        raise RetryError(str(error)) from error
    if res.status >= 500 or res.status == 429:
        raise RetryError(f"Failed with {res.status}")
    return res.status


async def on_track(event, settings):
    api_key = settings.get("apiKey")
    if not api_key:
        raise ValidationError("Forward source write key is required")
    user_id = str(event.get("userId") or "")
    anticipated = hashlib.md5(user_id.encode()).hexdigest()
    slugs = (user_id.split("-") + [None, None, None])[:3]
    statuses = await asyncio.gather(
        call_segment(api_key, "alias", {"previousId": user_id, "userId": anticipated,
                                        "timestamp": event.get("timestamp")}),
        call_segment(api_key, "track", {"event": event.get("event"), "userId": anticipated,
                                        "properties": {**(event.get("properties") or {}),
                                                       "slug1": slugs[0], "slug2": slugs[1], "slug3": slugs[2]}}),
    )
    return statuses
