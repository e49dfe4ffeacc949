"""Slack: a message per track call, with the user's Gravatar (a port of Segment's functions library)."""

from __future__ import annotations

import hashlib
import json

from segfn.runtime import InvalidEventPayload, RetryError, Setting, fetch

KIND = "destination"
NAME = "Slack Gravatar"
SETTINGS = [Setting("webhookUrl", label="Webhook URL", required=True, sensitive=True)]


def gravatar(email: str) -> str:
    digest = hashlib.md5(email.strip().lower().encode("utf-8")).hexdigest()
    return f"https://www.gravatar.com/avatar/{digest}"


def section(event: dict) -> dict:
    email = event.get("email") or event.get("properties", {}).get("email")
    if not email:
        raise InvalidEventPayload("email is required")
    plan = (event.get("properties") or {}).get("plan", "free")
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": f"{email} {str(event.get('event', '')).lower()} for a *{plan}* plan"},
        "accessory": {"type": "image", "image_url": gravatar(email), "alt_text": email},
    }


async def on_track(event, settings):
    res = await fetch(settings["webhookUrl"], method="POST",
                      body=json.dumps({"blocks": [section(event)]}),
                      headers={"Content-Type": "application/json"})
    if res.status >= 500:
        raise RetryError(f"Slack answered {res.status}")
    return await res.text()
