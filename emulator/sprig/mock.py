"""The mock Sprig API: Sprig's documented endpoints, answered in-process.

``MockSprig.handle(method, path, headers, body)`` is the whole API as a plain function (the Flask
blueprint in ``emulator/server/sprig.py`` and the in-process ``transport`` both call it), so replay,
the local server and tests all talk to the same mock. Every request is checked the way Sprig states it:
the ``Authorization`` header (``API-Key <key>``, or ``Bearer <key>`` as Sprig's own Segment action sends),
then the body against JSON Schemas of the documented shapes. Faults and the rate limit are opt-in.
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator

from functions.runtime import FetchError, Headers, Request, Response

from .exceptions import BadRequest, Forbidden, InjectedFault, NotFound, SprigError, TooManyRequests, Unprocessable
from .models import RateLimit, SprigState

HOSTS = ("api.sprig.com", "api.userleap.com")
_USER_PATH = re.compile(r"^/v2/users/([^/]+)$")


def _validator(name: str) -> Draft202012Validator:
    text = resources.files("emulator.sprig").joinpath("schemas", name).read_text("utf-8")
    return Draft202012Validator(json.loads(text))


USERS_SCHEMA = _validator("users.json")
PURGE_SCHEMA = _validator("purge.json")
MAX_PURGE = 100


class FaultConfigError(ValueError):
    """Fault settings the mock cannot take (the control API answers 400 with this message)."""


@dataclass
class Faults:
    """Failures to inject, per run: a share of requests answered ``status`` (default 500), a share whose
    connection drops (in-process: ``fetch`` raises FetchError ECONNRESET), and latency. Seeded, so a
    replay with faults repeats."""

    error_rate: float = 0.0
    status: int = 500
    drop_rate: float = 0.0
    latency_ms: float = 0.0
    seed: int = 0
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        for name in ("error_rate", "drop_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"Faults.{name} must be between 0 and 1, not {getattr(self, name)!r}")
        if not 400 <= self.status <= 599:
            raise ValueError(f"Faults.status must be an HTTP error status (400-599), not {self.status!r}")
        self._rng = random.Random(self.seed)

    @classmethod
    def from_config(cls, config: Any) -> "Faults":
        """Faults from a JSON object (the control API's body); FaultConfigError says what is wrong."""
        if not isinstance(config, dict):
            raise FaultConfigError('faults must be a JSON object such as {"error_rate": 0.3, "status": 500}')
        known = ("error_rate", "status", "drop_rate", "latency_ms", "seed")
        unknown = sorted(set(config) - set(known))
        if unknown:
            raise FaultConfigError(f"unknown fault setting(s) {', '.join(unknown)}; known: {', '.join(known)}")
        for name in ("error_rate", "drop_rate"):
            value = config.get(name, 0.0)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise FaultConfigError(f"{name} must be a number from 0 to 1")
        status = config.get("status", 500)
        if isinstance(status, bool) or not isinstance(status, int) or not 400 <= status <= 599:
            raise FaultConfigError("status must be an HTTP error status (400-599)")
        latency = config.get("latency_ms", 0.0)
        if isinstance(latency, bool) or not isinstance(latency, (int, float)) or not 0 <= latency <= 60_000:
            raise FaultConfigError("latency_ms must be a number from 0 to 60000")
        seed = config.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise FaultConfigError("seed must be an integer")
        return cls(float(config.get("error_rate", 0.0)), status, float(config.get("drop_rate", 0.0)),
                   float(latency), seed)

    def to_config(self) -> dict:
        return {"error_rate": self.error_rate, "status": self.status, "drop_rate": self.drop_rate,
                "latency_ms": self.latency_ms, "seed": self.seed}

    def draw(self) -> str | None:
        """``"drop"``, ``"error"`` or None for this request."""
        roll = self._rng.random()
        if roll < self.drop_rate:
            return "drop"
        if roll < self.drop_rate + self.error_rate:
            return "error"
        return None


@dataclass(frozen=True)
class Received:
    """One request as the mock saw it (tests read these to assert what a function sent)."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any
    status: int


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    headers: dict[str, str] = field(default_factory=dict)

    def text(self) -> str:
        return "" if self.body is None else json.dumps(self.body, separators=(",", ":"))


DROPPED = Answer(0, None)  # the connection dropped before any answer (a fault)


class MockSprig:
    """Sprig's v2 API in memory. ``api_keys`` None accepts any non-empty key."""

    def __init__(self, *, api_keys: Iterable[str] | None = None, faults: Faults | None = None,
                 rate_limit: bool = False, clock: Callable[[], float] = time.time) -> None:
        self.api_keys = None if api_keys is None else frozenset(api_keys)
        self.faults = faults or Faults()
        self.rate_limit = RateLimit() if rate_limit else None
        self.clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget users, purges, received requests and rate-limit counts (faults stay)."""
        with self._lock:
            self.state = SprigState(self.clock)
            self.received: list[Received] = []
            if self.rate_limit is not None:
                self.rate_limit = RateLimit()

    def user(self, user_id: str) -> dict | None:
        """The user as ``GET /v2/users/{id}`` shows it, or None."""
        with self._lock:
            user = self.state.user(user_id)
            return None if user is None else user.to_json()

    # -- the API -----------------------------------------------------------------------------

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes | str | None) -> Answer:
        """Answer one request; never raises (faults that drop connections are the transport's job)."""
        headers = Headers(dict(headers))
        with self._lock:
            try:
                answer = self._route(method.upper(), path.split("?", 1)[0], headers, body)
            except SprigError as exc:
                extra = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else {}
                answer = Answer(exc.status, exc.body(), extra)
            self.received.append(Received(method.upper(), path, headers.to_dict(), _parsed(body), answer.status))
            return answer

    def _route(self, method: str, path: str, headers: Headers, body: Any) -> Answer:
        key = self._authorise(headers)
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
            self.state.upsert(self._body(headers, body, USERS_SCHEMA, Unprocessable))
            return Answer(202, {})
        if method == "POST" and path == "/v2/purge/visitors":
            payload = self._body(headers, body, PURGE_SCHEMA, BadRequest)
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

    def _authorise(self, headers: Headers) -> str:
        scheme, _, key = (headers.get("Authorization") or "").partition(" ")
        if scheme not in ("API-Key", "Bearer") or not key.strip():
            raise Forbidden("Missing or malformed Authorization header: expected 'API-Key <key>'")
        if self.api_keys is not None and key.strip() not in self.api_keys:
            raise Forbidden("Invalid API key")
        return key.strip()

    @staticmethod
    def _body(headers: Headers, body: Any, schema: Draft202012Validator, invalid: type[SprigError]) -> dict:
        if not (headers.get("Content-Type") or "").lower().startswith("application/json"):
            raise BadRequest("Content-Type must be application/json")
        try:
            payload = json.loads(body) if body else None
        except (ValueError, UnicodeDecodeError) as exc:
            raise BadRequest(f"Body is not valid JSON: {exc}") from None
        errors = sorted(schema.iter_errors(payload), key=lambda e: list(e.absolute_path))
        if errors:
            raise invalid("; ".join(f"{_where(e.absolute_path)}: {e.message}" for e in errors[:5]))
        return payload

    # -- in-process transport ----------------------------------------------------------------

    async def transport(self, request: Request) -> Response:
        """A ``fetch`` transport: the request answered by this mock, faults included."""
        if self.faults.latency_ms:
            await asyncio.sleep(self.faults.latency_ms / 1000)
        answer = self.handle(request.method, urlsplit(request.url).path or "/", request.headers, request.body)
        if answer is DROPPED:
            raise FetchError(f"request to {request.url} failed, reason: socket hang up", "ECONNRESET")
        return Response(answer.status, answer.text(),
                        Headers({"Content-Type": "application/json", **answer.headers}), "", request.url)


def _parsed(body: Any) -> Any:
    try:
        return json.loads(body) if body else None
    except (ValueError, UnicodeDecodeError):
        return body if isinstance(body, str) else None


def _where(path: Iterable[Any]) -> str:
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out
