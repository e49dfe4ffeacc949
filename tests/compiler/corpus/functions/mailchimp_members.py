"""Mailchimp: identify calls upsert audience members (PUT /3.0/lists/{list_id}/members/{md5(email)}),
track calls add tags or events to the member."""

from __future__ import annotations

import base64
import hashlib
import re
from enum import Enum
from typing import Any

from segfn.runtime import EventNotSupported, InvalidEventPayload, RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Mailchimp Members"
SETTINGS = [
    Setting("apiKey", label="API key (ends with the data center, e.g. -us6)", required=True, sensitive=True),
    Setting("listId", label="Audience ID", required=True),
    Setting("doubleOptIn", label="Send a confirmation email first", type="boolean"),
    Setting("tagEvents", label="Events that tag the member", type="array"),
]

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
MERGE_FIELDS = {"firstName": "FNAME", "lastName": "LNAME", "phone": "PHONE", "birthday": "BIRTHDAY"}


class Status(Enum):
    SUBSCRIBED = "subscribed"
    PENDING = "pending"
    UNSUBSCRIBED = "unsubscribed"


class MailchimpError(Exception):
    def __init__(self, status: int, title: str, detail: str = "") -> None:
        super().__init__(f"{status} {title}: {detail}" if detail else f"{status} {title}")
        self.status = status
        self.title = title


class Client:
    def __init__(self, api_key: str, list_id: str) -> None:
        self.api_key = api_key
        self.list_id = list_id

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> "Client":
        key = settings["apiKey"]
        if "-" not in key:
            raise ValidationError("The API key must end with its data center, e.g. -us6")
        return cls(key, settings["listId"])

    @property
    def base(self) -> str:
        dc = self.api_key.rsplit("-", 1)[-1]
        return f"https://{dc}.api.mailchimp.com/3.0"

    def headers(self) -> dict[str, str]:
        token = base64.b64encode(f"anystring:{self.api_key}".encode("utf-8")).decode("ascii")
        return {"Authorization": f"Basic {token}", "Content-Type": "application/json"}

    def member_url(self, email: str, *suffix: str) -> str:
        digest = hashlib.md5(email.lower().encode()).hexdigest()
        return "/".join([self.base, "lists", self.list_id, "members", digest, *suffix])

    async def send(self, method: str, url: str, **payload: Any) -> dict:
        res = await fetch(url, method=method, headers=self.headers(), json=payload)
        if res.status == 429 or res.status >= 500:
            raise RetryError(f"Mailchimp answered {res.status}")
        if res.status == 204:
            return {}
        answer = await res.json()
        if not res.ok:
            raise MailchimpError(res.status, answer.get("title", "Error"), answer.get("detail", ""))
        return answer


def email_of(event: dict) -> str:
    traits = event.get("traits") or (event.get("context") or {}).get("traits") or {}
    email = str(traits.get("email") or event.get("properties", {}).get("email") or "").strip()
    if not EMAIL.match(email):
        raise InvalidEventPayload(f"no valid email ({email!r})")
    return email


def merge_fields(traits: dict) -> dict:
    fields = {tag: str(traits[name]) for name, tag in MERGE_FIELDS.items() if traits.get(name)}
    if "FNAME" not in fields and isinstance(traits.get("name"), str) and traits["name"].strip():
        first, _, last = traits["name"].strip().partition(" ")
        fields["FNAME"] = first
        if last:
            fields["LNAME"] = last
    return fields


async def on_identify(event, settings):
    client = Client.from_settings(settings)
    email = email_of(event)
    traits = event.get("traits") or {}
    status = Status.PENDING if settings.get("doubleOptIn") else Status.SUBSCRIBED
    if traits.get("unsubscribed") is True:
        status = Status.UNSUBSCRIBED
    member = await client.send("PUT", client.member_url(email), email_address=email.lower(),
                               status_if_new=status.value, merge_fields=merge_fields(traits))
    return {"id": member.get("id"), "status": member.get("status", status.value)}


async def on_track(event, settings):
    client = Client.from_settings(settings)
    name = event.get("event") or ""
    email = email_of(event)
    if name in (settings.get("tagEvents") or []):
        tag = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
        await client.send("POST", client.member_url(email, "tags"), tags=[{"name": tag, "status": "active"}])
        return tag
    properties = {k: str(v) for k, v in sorted((event.get("properties") or {}).items()) if v is not None}
    await client.send("POST", client.member_url(email, "events"), name=name[:30], properties=properties)
    return name


async def on_page(event, settings):
    raise EventNotSupported("page is not supported")
