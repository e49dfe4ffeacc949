"""Demandbase: firmographics by IP (track) or email domain (identify), sent back to Segment."""

import base64
from urllib.parse import urlencode

from segfn.runtime import InvalidEventPayload, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Demandbase Enrich"
SETTINGS = [Setting("demandbaseKey", label="Demandbase key", required=True, sensitive=True),
            Setting("segmentWriteKey", label="Segment write key", required=True, sensitive=True)]


def email_domain(event):
    email = (event.get("traits") or {}).get("email")
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].strip().lower() or None


async def demandbase(url: str) -> dict:
    res = await fetch(url, headers={"Accept": "application/json"})
    if not res.ok:
        raise ValidationError("Demandbase API did not return a valid response")
    return await res.json()


async def send_identify(event, traits, settings):
    body = {"traits": traits}
    for key in ("anonymousId", "userId"):
        if event.get(key):
            body[key] = event[key]
    token = base64.b64encode(settings["segmentWriteKey"].encode()).decode()
    res = await fetch("https://api.segment.io/v1/identify", method="POST",
                      headers={"Authorization": "Basic " + token}, json=body)
    return await res.json()


async def on_track(event, settings):
    ip = (event.get("context") or {}).get("ip")
    if not ip:
        raise InvalidEventPayload("IP Address is required")
    query = urlencode({"key": settings["demandbaseKey"], "query": ip})
    traits = await demandbase(f"https://api.company-target.com/api/v2/ip.json?{query}")
    return await send_identify(event, traits, settings)


async def on_identify(event, settings):
    domain = email_domain(event)
    if domain is None:
        raise InvalidEventPayload("Email Address is required")
    query = urlencode({"key": settings["demandbaseKey"], "domain": domain})
    traits = await demandbase(f"https://autocomplete.demandbase.com/api/v3/email.json?{query}")
    return await send_identify(event, traits, settings)
