"""Segment's documented destination template: retry on 5xx and 429."""

from segfn.runtime import RetryError, Setting, fetch

KIND = "destination"
NAME = "Retry on 5xx"
SETTINGS = [Setting("apiKey", required=True, sensitive=True)]


async def on_track(event, settings):
    res = await fetch("https://api.example.com/track", method="POST", json=event)
    if res.status >= 500 or res.status == 429:
        raise RetryError(f"answered {res.status}")
    return res.status
