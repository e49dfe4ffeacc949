"""HubSpot: identify calls create or update contacts by email; Order Completed adds a deal.

Traits become HubSpot properties (lower-case, snake_case names); dates become midnight-UTC epoch
milliseconds, which is what HubSpot's date properties take."""

import re
from datetime import datetime, timezone

from segfn.runtime import EventNotSupported, RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "HubSpot Contacts"
SETTINGS = [Setting("accessToken", label="Private app access token", required=True, sensitive=True),
            Setting("portalId", label="Portal ID"),
            Setting("dealPipeline", label="Deal pipeline", description="default when empty")]

BASE = "https://api.hubapi.com"
RESERVED = {"email", "firstname", "lastname", "phone", "company", "website", "lifecyclestage"}
DATE_TRAITS = ("createdAt", "created_at", "birthday", "lastOrderDate")


class HubSpotError(Exception):
    def __init__(self, status, category, message):
        super().__init__(f"HubSpot {status} {category}: {message}")
        self.status = status
        self.category = category


def snake(name):
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return re.sub(r"[^a-z0-9_]", "_", name.lower())


def midnight_ms(value):
    """'2024-03-05T10:20:30Z' -> 1709596800000 (HubSpot date properties are midnight UTC)."""
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    midnight = datetime(moment.year, moment.month, moment.day, tzinfo=timezone.utc)
    return int(midnight.timestamp() * 1000)


def properties(traits):
    props = []
    for key, value in traits.items():
        if value is None or isinstance(value, (dict, list)):
            continue
        name = snake(key).replace("first_name", "firstname").replace("last_name", "lastname")
        if key in DATE_TRAITS:
            value = midnight_ms(value)
            if value is None:
                continue
        elif isinstance(value, bool):
            value = "true" if value else "false"
        props.append({"property": name, "value": value})
    props.sort(key=lambda p: (p["property"] not in RESERVED, p["property"]))
    return props


async def call(method, path, token, payload):
    res = await fetch(BASE + path, method=method, json=payload,
                      headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    if res.status in (429, 502, 503) or res.status >= 500:
        raise RetryError("HubSpot is unavailable (%d)" % res.status)
    text = await res.text()
    if res.status >= 400:
        import json
        try:
            detail = json.loads(text)
        except json.JSONDecodeError:
            detail = {"message": text[:80]}
        raise HubSpotError(res.status, detail.get("category", "UNKNOWN"), detail.get("message", ""))
    return text


async def on_identify(event, settings):
    traits = event.get("traits") or {}
    email = (traits.get("email") or "").strip()
    if "@" not in email:
        raise ValidationError("HubSpot contacts are keyed by email")
    await call("POST", f"/contacts/v1/contact/createOrUpdate/email/{email}/", settings["accessToken"],
               {"properties": properties(traits)})
    return email.lower()


async def on_track(event, settings):
    if event.get("event") != "Order Completed":
        raise EventNotSupported(f"{event.get('event')} is not sent to HubSpot")
    props = event.get("properties") or {}
    amount = props.get("revenue", props.get("total"))
    deal = {"dealname": "Order %s" % props.get("order_id", "?"),
            "amount": "%.2f" % float(amount or 0),
            "pipeline": settings.get("dealPipeline") or "default",
            "dealstage": "closedwon",
            "closedate": midnight_ms(event.get("timestamp") or "")}
    await call("POST", "/crm/v3/objects/deals", settings["accessToken"], {"properties": deal})
    return deal
