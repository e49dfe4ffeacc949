"""The mock Sprig API: Sprig's documented endpoints, answered in-process.

``MockSprig.handle(method, path, headers, body)`` is the whole API as a plain function (the Flask
blueprint in ``emulator/server/sprig.py`` and the in-process ``transport`` both call it), so replay,
the local server and tests all talk to the same mock. The request handling itself is in
``responses``, the state in ``models``, the refusals in ``exceptions``, the injected failures in
``faults``; this module adds the lock, the record of what was received, and the transport.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import urlsplit

from segfn.runtime import FetchError, Headers, Request, Response

from .. import jsonio

from .exceptions import SprigError
from .faults import Faults
from .models import RateLimit, SprigState
from .responses import DROPPED, Answer, SprigResponses

HOSTS = ("api.sprig.com", "api.userleap.com")
RECENT = 1000  # requests the mock remembers as received (its state holds the rest of what they did)


@dataclass(frozen=True)
class Received:
    """One request as the mock saw it (tests read these to assert what a function sent)."""

    method: str
    path: str
    headers: dict[str, str]
    json: Any
    status: int


class MockSprig:
    """Sprig's v2 API in memory. ``api_keys`` None accepts any non-empty key; ``rate_limit`` turns on
    Sprig's 1,000 requests per 5 minutes per key; ``faults`` injects failures. ``received`` holds the
    last ``recent`` requests (up to twice that between trims), ``requests`` counts them all: memory
    stays flat however many arrive."""

    def __init__(self, *, api_keys: Iterable[str] | None = None, faults: Faults | None = None,
                 rate_limit: bool = False, clock: Callable[[], float] = time.time, recent: int = RECENT) -> None:
        self.api_keys = None if api_keys is None else frozenset(api_keys)
        self.faults = faults or Faults()
        self.rate_limit = RateLimit() if rate_limit else None
        self.clock = clock
        self.recent = recent
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Forget users, purges, received requests and rate-limit counts (faults stay)."""
        with self._lock:
            self.state = SprigState(self.clock)
            self.received: list[Received] = []
            self.requests = 0
            if self.rate_limit is not None:
                self.rate_limit = RateLimit()

    def user(self, user_id: str) -> dict | None:
        """The user as ``GET /v2/users/{id}`` shows it, or None."""
        with self._lock:
            user = self.state.user(user_id)
            return None if user is None else user.to_json()

    def handle(self, method: str, path: str, headers: Mapping[str, str], body: bytes | str | None) -> Answer:
        """Answer one request; never raises (a dropped connection is ``DROPPED``, the transport's job)."""
        headers = Headers(dict(headers))
        with self._lock:
            responses = SprigResponses(self.state, api_keys=self.api_keys, faults=self.faults,
                                       rate_limit=self.rate_limit, clock=self.clock)
            try:
                answer = responses.answer(method.upper(), path.split("?", 1)[0], headers, body)
            except SprigError as exc:
                extra = {"Retry-After": str(exc.retry_after)} if exc.retry_after is not None else {}
                answer = Answer(exc.status, exc.body(), extra)
            self.received.append(Received(method.upper(), path, headers.to_dict(), _parsed(body), answer.status))
            self.requests += 1
            if len(self.received) >= 2 * self.recent:  # trimmed now and then: a plain list, bounded
                del self.received[:-self.recent]
            return answer

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
        return jsonio.loads(body) if body else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        return body if isinstance(body, str) else None
