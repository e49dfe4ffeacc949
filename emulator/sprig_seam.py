"""The seam between ``segfn serve`` and the mock Sprig API.

The product's mock (``emulator.sprig.MockSprig``: ``.transport``, ``.reset()``, fault injection) is
built by the Sprig work. Until it is importable, the server uses ``StandInSprig`` below: a small
recorder that keeps what ``POST /v2/users`` sends in the shape ``GET /v2/users/{id}`` answers
(Sprig's documented read-back: ``{id, createdAt, attributes, events: [{event, count, createdAt,
updatedAt}], externalUserId}``), honours ``POST /v2/purge/visitors``, and can inject faults. It
validates nothing beyond JSON and an auth header: that is the real mock's job.

``load_mock_sprig``, ``set_faults`` and ``get_faults`` are the only places that know which one runs.
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
import uuid
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote, urlsplit

from functions.runtime import FetchError, Headers, Request, Response

from .errors import SegfnError


class FaultConfigError(SegfnError):
    """A fault injection request that the mock cannot take."""


@dataclass
class Faults:
    """Injected failures: ``error_rate`` of requests answer ``status``; each waits ``latency_ms``;
    ``drop_connections`` turns the failures into dropped connections (``FetchError``)."""

    error_rate: float = 0.0
    status: int = 500
    latency_ms: float = 0.0
    drop_connections: bool = False
    seed: int | None = None

    @classmethod
    def parse(cls, config: Any) -> "Faults":
        if not isinstance(config, dict):
            raise FaultConfigError("faults must be a JSON object such as {\"error_rate\": 0.3, \"status\": 500}")
        known = {f for f in cls.__dataclass_fields__}
        unknown = sorted(set(config) - known)
        if unknown:
            raise FaultConfigError(f"unknown fault setting(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        faults = cls(**config)
        if not isinstance(faults.error_rate, (int, float)) or isinstance(faults.error_rate, bool) \
                or not 0 <= faults.error_rate <= 1:
            raise FaultConfigError("error_rate must be a number from 0 to 1")
        if not isinstance(faults.status, int) or isinstance(faults.status, bool) or not 100 <= faults.status <= 599:
            raise FaultConfigError("status must be an HTTP status code (100-599)")
        if not isinstance(faults.latency_ms, (int, float)) or isinstance(faults.latency_ms, bool) \
                or not 0 <= faults.latency_ms <= 60000:
            raise FaultConfigError("latency_ms must be a number from 0 to 60000")
        if not isinstance(faults.drop_connections, bool):
            raise FaultConfigError("drop_connections must be true or false")
        return faults


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _answer(status: int, body: Any, url: str) -> Response:
    return Response(status, json.dumps(body), Headers({"Content-Type": "application/json"}), "", url)


class StandInSprig:
    """Records what Sprig would receive and hold. Thread-safe; ``transport`` is async."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.faults = Faults()
        self._rng = random.Random()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.users: dict[str, dict[str, Any]] = {}
            self.requests: list[dict[str, Any]] = []
            self.faults = Faults()

    def configure_faults(self, faults: Faults) -> None:
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed)

    async def transport(self, request: Request) -> Response:
        with self._lock:
            faults = self.faults
            failing = faults.error_rate > 0 and self._rng.random() < faults.error_rate
        if faults.latency_ms:
            await asyncio.sleep(faults.latency_ms / 1000)
        if failing and faults.drop_connections:
            raise FetchError(f"request to {request.url} failed, reason: socket hang up", "ECONNRESET")
        if failing:
            return _answer(faults.status, {"error": f"injected fault ({faults.status})"}, request.url)
        return self.handle(request)

    def handle(self, request: Request) -> Response:
        path = urlsplit(request.url).path.rstrip("/")
        auth = request.headers.get("authorization") or ""
        try:
            body = request.json()
        except ValueError:
            body = ...
        with self._lock:
            self.requests.append({"method": request.method, "path": path, "json": None if body is ... else body,
                                  "authorized": bool(auth)})
            if request.method == "GET" and path.startswith("/v2/users/"):
                user = self.users.get(unquote(path[len("/v2/users/"):]))
                return _answer(200, user, request.url) if user else _answer(404, {"error": "user not found"},
                                                                              request.url)
            if request.method != "POST" or path not in ("/v2/users", "/v2/purge/visitors"):
                return _answer(404, {"error": f"no such endpoint: {request.method} {path}"}, request.url)
            if not auth.startswith(("API-Key ", "Bearer ")) or not auth.split(" ", 1)[1].strip():
                return _answer(403, {"error": "missing or malformed Authorization header"}, request.url)
            if body is ... or not isinstance(body, dict):
                return _answer(400, {"error": "the body must be a JSON object"}, request.url)
            if path == "/v2/users":
                return self._upsert(body, request.url)
            ids = [str(i) for i in body.get("userIds") or []]
            for user_id in ids:
                self.users.pop(user_id, None)
            return _answer(200, {"requestId": uuid.uuid4().hex}, request.url)

    def _upsert(self, body: dict[str, Any], url: str) -> Response:
        user_id = body.get("userId")
        if not isinstance(user_id, (str, int)) or isinstance(user_id, bool) or user_id == "":
            return _answer(400, {"error": "userId is required"}, url)
        now = _now()
        user = self.users.setdefault(str(user_id), {"id": uuid.uuid4().hex[:12], "createdAt": now, "attributes": {},
                                                    "events": [], "externalUserId": str(user_id)})
        if isinstance(body.get("attributes"), dict):
            user["attributes"].update(body["attributes"])
        if isinstance(body.get("emailAddress"), str):
            user["attributes"]["!email"] = body["emailAddress"]
        for item in body.get("events") or []:
            name = item.get("event") if isinstance(item, dict) else None
            if not isinstance(name, str):
                continue
            found = next((e for e in user["events"] if e["event"] == name), None)
            if found is None:
                user["events"].append({"event": name, "count": 1, "createdAt": now, "updatedAt": now})
            else:
                found["count"] += 1
                found["updatedAt"] = now
        return _answer(202, {}, url)


def load_mock_sprig() -> Any:
    """The product's ``emulator.sprig.MockSprig`` when it is importable, else the stand-in."""
    try:
        from emulator.sprig import MockSprig  # type: ignore[attr-defined]
    except ImportError:
        return StandInSprig()
    return MockSprig()


def set_faults(mock: Any, config: Any) -> dict[str, Any]:
    """Inject faults into whichever mock runs; returns the configuration now in force."""
    if isinstance(mock, StandInSprig):
        mock.configure_faults(Faults.parse(config))
        return get_faults(mock)
    for name in ("configure_faults", "set_faults", "inject"):
        method = getattr(mock, name, None)
        if callable(method):
            method(**config) if isinstance(config, dict) else method(config)
            return get_faults(mock)
    raise FaultConfigError(f"{type(mock).__name__} has no fault injection this server knows how to call")


def get_faults(mock: Any) -> dict[str, Any]:
    faults = getattr(mock, "faults", None)
    if faults is None:
        return {}
    if hasattr(faults, "__dataclass_fields__"):
        return asdict(faults)
    return dict(faults) if isinstance(faults, dict) else {"faults": str(faults)}
