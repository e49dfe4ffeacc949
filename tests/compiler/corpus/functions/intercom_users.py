"""Intercom: identify calls create or update contacts, track calls become data events, group calls
attach companies. Intercom's API v2.10: Bearer token, Intercom-Version header, 409 on a duplicate."""

import html
import math
from functools import partial
from itertools import groupby
from operator import itemgetter

from segfn.runtime import EventNotSupported, RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Intercom Users"
SETTINGS = [Setting("accessToken", label="Access token", required=True, sensitive=True),
            Setting("region", label="Workspace region (us, eu, au)"),
            Setting("richLinkProperties", label="Properties sent as rich links", type="array")]

HOSTS = {"us": "api.intercom.io", "eu": "api.eu.intercom.io", "au": "api.au.intercom.io"}
STANDARD = ("email", "phone", "name", "avatar", "signed_up_at", "last_seen_at", "owner_id", "unsubscribed_from_emails")


def host(settings):
    region = str(settings.get("region") or "us").lower()
    try:
        return HOSTS[region]
    except KeyError:
        raise ValidationError(f"region must be one of {sorted(HOSTS)}, not {region!r}") from None


async def request(settings, method, path, payload=None):
    res = await fetch(f"https://{host(settings)}{path}", method=method, json=payload,
                      headers={"Authorization": f"Bearer {settings['accessToken']}", "Accept": "application/json",
                               "Intercom-Version": "2.10"})
    if res.status == 429 or res.status >= 500:
        raise RetryError(f"Intercom {res.status}")
    body = await res.json() if res.status != 204 else {}
    if res.status == 409:
        return {"duplicate": True, **body}
    if res.status >= 400:
        errors = sorted(body.get("errors") or [], key=itemgetter("code")) if isinstance(body, dict) else []
        raise ValidationError("; ".join(f"{e.get('code')}: {e.get('message')}" for e in errors) or f"Intercom {res.status}")
    return body


def seconds(value):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return math.floor(value / 1000) if value > 1e11 else math.floor(value)
    return None


def custom_attributes(traits):
    out = {}
    for key, value in traits.items():
        if key in STANDARD or key in ("id", "userId", "company", "companies", "createdAt"):
            continue
        if isinstance(value, (dict, list)):
            continue
        if isinstance(value, str):
            value = html.escape(value[:255], quote=False)
        out[key.replace(".", "_").replace("$", "")] = value
    return out


async def on_identify(event, settings):
    traits = event.get("traits") or {}
    contact = {"role": "user", "external_id": event.get("userId"),
               **{k: traits[k] for k in STANDARD if traits.get(k) is not None}}
    if (created := seconds(traits.get("createdAt"))) is not None:
        contact["signed_up_at"] = created
    if not contact.get("external_id") and not contact.get("email"):
        raise ValidationError("Intercom needs a userId or an email")
    contact["custom_attributes"] = custom_attributes(traits)
    return await request(settings, "POST", "/contacts", contact)


async def on_track(event, settings):
    props = event.get("properties") or {}
    rich = set(settings.get("richLinkProperties") or [])
    metadata = {}
    by_kind = groupby(sorted(props.items(), key=lambda kv: (type(kv[1]).__name__, kv[0])),
                      key=lambda kv: type(kv[1]).__name__)
    for kind, items in by_kind:
        for key, value in items:
            if kind in ("dict", "list", "NoneType"):
                continue
            metadata[key] = {"url": value, "value": key} if key in rich and kind == "str" else value
    send = partial(request, settings, "POST", "/events")
    return await send({"event_name": event.get("event", "").strip().lower().replace(" ", "-"),
                       "created_at": seconds(props.get("time")) or 1700000000,
                       "user_id": event.get("userId"), "metadata": dict(list(metadata.items())[:10])})


async def on_group(event, settings):
    traits = event.get("traits") or {}
    company = {"company_id": event.get("groupId"), "name": traits.get("name"),
               "monthly_spend": round(float(traits.get("monthlySpend") or 0), 2),
               "size": int(traits.get("employees") or 0)}
    return await request(settings, "POST", "/companies", {k: v for k, v in company.items() if v})


async def on_page(event, settings):
    raise EventNotSupported("page is not supported")
