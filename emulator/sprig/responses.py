"""Sprig's documented endpoints as plain request handling (moto's responses layer): authorise,
rate-limit, inject faults, validate the body against the JSON Schema of Sprig's documented shape,
then change the state in ``models``. No HTTP server and no locking here: ``mock.MockSprig`` adds those.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable, Iterable

from jsonschema import Draft202012Validator

from segfn.runtime import Headers

from .. import jsonio
from .exceptions import BadRequest, Forbidden, InjectedFault, NotFound, SprigError, TooManyRequests, Unprocessable
from .faults import Faults
from .models import RateLimit, SprigState

MAX_PURGE = 100  # Sprig's documented limit of visitors per purge request
_USER_PATH = re.compile(r"^/v2/users/([^/]+)$")


def _validator(name: str) -> Draft202012Validator:
    text = resources.files("segfn.emulator.sprig").joinpath("schemas", name).read_text("utf-8")
    return Draft202012Validator(json.loads(text))


USERS_SCHEMA = _validator("users.json")
PURGE_SCHEMA = _validator("purge.json")
_EMAIL = re.compile(USERS_SCHEMA.schema["properties"]["emailAddress"]["pattern"])
_USER_KEYS = frozenset(USERS_SCHEMA.schema["properties"])
# the last millisecond of year 9999: a later event time is no date the mock (or a Segment timestamp) holds
MAX_TIMESTAMP_MS = USERS_SCHEMA.schema["properties"]["events"]["items"]["properties"]["timestamp"]["maximum"]


def _text(value: Any, low: int = 0) -> bool:
    return isinstance(value, str) and low <= len(value) <= 255


def _scalar(value: Any) -> bool:
    return isinstance(value, (str, int, float))  # bool is an int


def plainly_valid_user(body: Any) -> bool:
    """``users.json``'s rules written out, for the hot path: True only when the schema would accept
    ``body`` (when False, the schema itself decides and says why). ``tests/sprig/test_users_check.py`` holds
    this to the schema on generated bodies."""
    if not isinstance(body, dict) or not _USER_KEYS.issuperset(body) or not _text(body.get("userId"), 1):
        return False
    if "emailAddress" in body and not (_text(body["emailAddress"]) and _EMAIL.search(body["emailAddress"])):
        return False
    attributes = body.get("attributes", {})
    if not isinstance(attributes, dict):
        return False
    for name, value in attributes.items():
        if not _text(name, 1) or name.startswith("!"):
            return False
        if isinstance(value, list):
            if not all(_scalar(item) for item in value):
                return False
        elif not (value is None or _scalar(value)) or (isinstance(value, str) and len(value) > 255):
            return False
    events = body.get("events", [])
    if not isinstance(events, list):
        return False
    for event in events:
        if not (isinstance(event, dict) and event.keys() == {"event", "timestamp"} and _text(event["event"], 1)):
            return False
        stamp = event["timestamp"]
        if not (type(stamp) is int and 0 <= stamp <= MAX_TIMESTAMP_MS):
            return False
    return True


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        return "" if self.body is None else json.dumps(self.body, separators=(",", ":"))


DROPPED = Answer(0, None)  # the connection dropped before any answer (a fault)


class SprigResponses:
    """Answers one request against ``state``; raises a ``SprigError`` for every refusal."""

    def __init__(self, state: SprigState, *, api_keys: frozenset[str] | None, faults: Faults,
                 rate_limit: RateLimit | None, clock: Callable[[], float]) -> None:
        self.state = state
        self.api_keys = api_keys
        self.faults = faults
        self.rate_limit = rate_limit
        self.clock = clock

    def answer(self, method: str, path: str, headers: Headers, body: Any) -> Answer:
        key = self.authorise(headers)
        if self.rate_limit is not None:
            wait = self.rate_limit.retry_after(key, self.clock())
            if wait is not None:
                raise TooManyRequests("Rate limit exceeded: 1000 requests per 5 minutes", retry_after=wait)
        fault = self.faults.draw()
        if fault == "drop":
            return DROPPED
        if fault == "error":
            raise InjectedFault(self.faults.status)
        if method == "POST" and path == "/v2/users":
            self.state.upsert(self.body(headers, body, USERS_SCHEMA, Unprocessable))
            return Answer(202, {})
        if method == "POST" and path == "/v2/purge/visitors":
            payload = self.body(headers, body, PURGE_SCHEMA, BadRequest)
            count = sum(len(payload.get(k, ())) for k in ("userIds", "emails", "visitorIds"))
            if count > MAX_PURGE:
                raise BadRequest(f"At most {MAX_PURGE} visitors per purge request, got {count}")
            return Answer(200, {"requestId": self.state.purge(payload).request_id})
        found = _USER_PATH.match(path)
        if method == "GET" and found:
            user = self.state.user(found.group(1))
            if user is None:
                raise NotFound(f"User {found.group(1)} not found")
            return Answer(200, user.to_json())
        raise NotFound(f"Cannot {method} {path}")

    def authorise(self, headers: Headers) -> str:
        """The API key of an ``API-Key <key>`` (documented) or ``Bearer <key>`` (Sprig's own Segment
        action) header; 403 otherwise, as Sprig answers a bad key."""
        scheme, _, key = (headers.get("Authorization") or "").partition(" ")
        if scheme not in ("API-Key", "Bearer") or not key.strip():
            raise Forbidden("Missing or malformed Authorization header: expected 'API-Key <key>'")
        if self.api_keys is not None and key.strip() not in self.api_keys:
            raise Forbidden("Invalid API key")
        return key.strip()

    @staticmethod
    def body(headers: Headers, body: Any, schema: Draft202012Validator, invalid: type[SprigError]) -> dict:
        """The JSON body, checked against ``schema``: 400 for what is not JSON, ``invalid`` (422 for
        users, 400 for purges) naming the JSON path of each of the first five problems."""
        if not (headers.get("Content-Type") or "").lower().startswith("application/json"):
            raise BadRequest("Content-Type must be application/json")
        try:
            payload = jsonio.loads(body) if body else None
        except jsonio.TooDeep as exc:
            raise BadRequest(f"Body is not valid JSON: {exc}") from None
        except RecursionError:
            raise BadRequest("Body is not valid JSON: nested too deeply to read (at $)") from None
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest(f"Body is not valid JSON: {exc}") from None
        if schema is USERS_SCHEMA and plainly_valid_user(payload):
            return payload
        errors = sorted(schema.iter_errors(payload), key=lambda e: list(e.absolute_path))
        if errors:
            raise invalid("; ".join(f"{_where(e.absolute_path)}: {e.message}" for e in errors[:5]))
        return payload


def _where(path: Iterable[Any]) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out
