"""A signed webhook forwarder: chosen events go to the customer's endpoint as canonical JSON, with a
Stripe-style signature header (t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">) and an
idempotency key, so the receiver can check the sender and drop replays."""

import base64
import hashlib
import hmac
import json
import time
from urllib.parse import urlencode, urlsplit, urlunsplit

from segfn.runtime import InvalidEventPayload, RetryError, Setting, ValidationError, fetch

KIND = "destination"
NAME = "Signed Webhook"
SETTINGS = [Setting("webhookUrl", label="Endpoint URL", required=True),
            Setting("signingSecret", label="Signing secret", required=True, sensitive=True),
            Setting("events", label="Event names to forward (empty: all)", type="array"),
            Setting("headers", label="Extra headers", type="map"),
            Setting("includeContext", label="Send the context object", type="boolean")]

DROPPED_KEYS = dict.fromkeys(["integrations", "_metadata", "writeKey"], True)
VERSION = b"v1"


class DeliveryError(Exception):
    """The endpoint refused the delivery for good."""

    def __init__(self, status, body=""):
        self.status = status
        super().__init__("endpoint answered %s%s" % (status, f": {body}" if body else ""))


def canonical(payload) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def signature(secret: str, stamp: int, body: str) -> str:
    mac = hmac.new(secret.encode("utf-8"), digestmod=hashlib.sha256)
    mac.update(str(stamp).encode())
    mac.update(b".")
    mac.update(body.encode("utf-8"))
    return f"t={stamp},{VERSION.decode()}={mac.hexdigest()}"


def idempotency_key(event) -> str:
    seed = "|".join(str(event.get(k) or "") for k in ("messageId", "type", "timestamp"))
    return base64.urlsafe_b64encode(hashlib.sha1(seed.encode()).digest()).rstrip(b"=").decode()


def target(url: str, event) -> str:
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(f"webhookUrl must be an http(s) URL, not {url!r}")
    query = urlencode({"type": event.get("type", "unknown"), **({"event": event["event"]} if event.get("event") else {})})
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "&".join(filter(None, [parts.query, query])), ""))


async def deliver(event, settings):
    wanted = settings.get("events") or []
    if wanted and event.get("event", event.get("type")) not in wanted:
        return None
    if not event.get("messageId"):
        raise InvalidEventPayload("messageId is required for idempotency")
    payload = {k: v for k, v in event.items() if k not in DROPPED_KEYS}
    if not settings.get("includeContext"):
        payload.pop("context", None)
    body = canonical(payload)
    stamp = int(time.time())
    headers = {str(k): str(v) for k, v in (settings.get("headers") or {}).items()}
    headers.update({"Content-Type": "application/json; charset=utf-8",
                    "X-Signature": signature(settings["signingSecret"], stamp, body),
                    "Idempotency-Key": idempotency_key(event)})
    res = await fetch(target(settings["webhookUrl"], event), method="POST", headers=headers, body=body)
    if res.status >= 500 or res.status in (408, 425, 429):
        raise RetryError(f"endpoint answered {res.status}")
    if not 200 <= res.status < 300:
        raise DeliveryError(res.status, (await res.text()).strip()[:120])
    return {"status": res.status, "bytes": len(body.encode())}


on_track = on_identify = on_page = on_screen = on_group = on_alias = deliver
