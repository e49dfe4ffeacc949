"""Where a function's ``fetch`` goes: stubs, in-process mocks, or the real network.

A transport is an async callable ``Request -> Response`` (see ``segfn/runtime.py``), like
httpx's transports: the function never knows which one it talks to. ``Router`` is the one replay and
``segfn serve`` use; it may also be ``scoped`` to one delivery, so stub sequences and fault draws count
per delivery.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import threading
import urllib.error
import urllib.request
from collections import Counter, OrderedDict
from typing import Iterable, Mapping
from urllib.parse import urlsplit

from segfn.runtime import FetchError, Headers, Request, Response, Transport

from .faults import HostFaults, inject
from .stubs import StubSet, unstubbed


class AnswerOk:
    """Answers every request ``200 {}`` (a test double; replay never answers this way)."""

    async def __call__(self, request: Request) -> Response:
        return Response(200, "{}", Headers({"Content-Type": "application/json"}), "OK", request.url)


class ByHost:
    """Sends each request to the transport registered for its host, else to ``default``."""

    def __init__(self, routes: Mapping[str, Transport], default: Transport) -> None:
        self.routes = {host.lower(): transport for host, transport in routes.items()}
        self.default = default

    async def __call__(self, request: Request) -> Response:
        host = (urlsplit(request.url).hostname or "").lower()
        return await self.routes.get(host, self.default)(request)


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


class Router:
    """Where ``fetch`` goes, in this order:

    1. ``faults`` for the request's host (``--faults``) may fail it or slow it down;
    2. the first stub that matches answers it;
    3. a host in ``allow_network`` goes to ``network`` (``segfn serve`` only; replay has no network);
    4. a host with an in-process mock (the mock Sprig) goes to it;
    5. anything else raises FetchError ENOTFOUND naming the host and the stub to add (``offline``
       says why the network was not used). Nothing is ever answered by default.

    ``scoped(key)`` gives the transport for one delivery: stub sequences and fault draws count the
    requests of that delivery only (its attempts share them). Counts for the most recent
    ``max_scopes`` deliveries are kept.
    """

    def __init__(self, stubs: StubSet | None = None, *, mocks: Mapping[str, Transport] | None = None,
                 network: Transport | None = None, allow_network: Iterable[str] = (),
                 faults: HostFaults | None = None, offline: str = "segfn replay reaches no network",
                 max_scopes: int = 100_000) -> None:
        self.stubs = stubs or StubSet()
        self.mocks = {host.lower(): mock for host, mock in (mocks or {}).items()}
        self.network = network
        self.allow_network = frozenset(h.lower() for h in allow_network)
        self.faults = faults or HostFaults()
        self.offline = offline
        self.max_scopes = max_scopes
        self._scopes: OrderedDict[str, Counter[str]] = OrderedDict()
        self._lock = threading.Lock()

    def scoped(self, key: str) -> Transport:
        """The transport for the delivery ``key`` (e.g. messageId and destination)."""
        async def send(request: Request) -> Response:
            return await self.send(request, key)
        return send

    async def __call__(self, request: Request) -> Response:
        return await self.send(request, "")

    def _count(self, key: str, what: str) -> int:
        """How many times delivery ``key`` has asked for ``what`` before (and count this one)."""
        with self._lock:
            counts = self._scopes.get(key)
            if counts is None:
                counts = self._scopes[key] = Counter()
                if len(self._scopes) > self.max_scopes:
                    self._scopes.popitem(last=False)
            else:
                self._scopes.move_to_end(key)
            n = counts[what]
            counts[what] += 1
            return n

    def bound(self, stubs: StubSet, allow_network: Iterable[str]) -> "BoundRouter":
        """This router with its own ``stubs`` and allowed hosts (one workspace's), sharing its
        counts, mocks, network and faults: what a pipeline built from that workspace sends through,
        so reloading another workspace never changes the rules of attempts already running."""
        return BoundRouter(self, stubs, allow_network)

    async def send(self, request: Request, key: str, *, stubs: StubSet | None = None,
                   allow_network: frozenset[str] | None = None) -> Response:
        # A request is I/O: the coroutine waits for its answer and the event loop runs the others
        # meanwhile, as Node does at `await fetch(...)`. Answered without waiting, the coroutines of an
        # asyncio.gather ran one after the other, each to its end, and printed in another order than
        # the bundle does in Segment. (One step of the runner's inline drive when nothing is gathered.)
        await asyncio.sleep(0)
        host = host_of(request.url)
        faults = self.faults.for_host(host) if self.faults else None
        if faults is not None:
            n = self._count(key, f"host:{host}")
            return await inject(faults, request, f"{host}:{key}:{n}",
                                lambda r: self._answer(r, key, stubs, allow_network))
        return await self._answer(request, key, stubs, allow_network)

    async def _answer(self, request: Request, key: str, stubs: StubSet | None = None,
                      allow_network: frozenset[str] | None = None) -> Response:
        stubs = self.stubs if stubs is None else stubs
        allowed = self.allow_network if allow_network is None else allow_network
        stub = stubs.find(request.method, request.url)
        if stub is not None:
            n = self._count(key, f"stub:{stubs.index(stub)}")
            return await stub.answer(n).respond(request)
        host = host_of(request.url)
        if host in allowed and self.network is not None:
            return await self.network(request)
        mock = self.mocks.get(host)
        if mock is not None:
            return await mock(request)
        raise unstubbed(request, self.offline)


class BoundRouter:
    """A ``Router`` with one workspace's stubs and allowed hosts fixed (``Router.bound``)."""

    def __init__(self, router: Router, stubs: StubSet, allow_network: Iterable[str]) -> None:
        self.router = router
        self.stubs = stubs
        self.allow_network = frozenset(h.lower() for h in allow_network)

    def scoped(self, key: str) -> Transport:
        async def send(request: Request) -> Response:
            return await self.router.send(request, key, stubs=self.stubs, allow_network=self.allow_network)
        return send

    async def __call__(self, request: Request) -> Response:
        return await self.router.send(request, "", stubs=self.stubs, allow_network=self.allow_network)


_CODES = {errno.ECONNREFUSED: "ECONNREFUSED", errno.ECONNRESET: "ECONNRESET",
          errno.EHOSTUNREACH: "EHOSTUNREACH", errno.ETIMEDOUT: "ETIMEDOUT"}


class Http:
    """The real network, through urllib on a worker thread; failures become ``FetchError``."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout

    async def __call__(self, request: Request) -> Response:
        return await asyncio.to_thread(self._send, request)

    def _send(self, request: Request) -> Response:
        data = request.body.encode("utf-8") if request.body is not None else None
        req = urllib.request.Request(request.url, data=data, method=request.method,
                                     headers=request.headers.to_dict())
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as answer:
                return self._response(request, answer.status, answer.reason, answer.headers, answer.read())
        except urllib.error.HTTPError as answer:  # 4xx/5xx are answers, not failures (node-fetch)
            return self._response(request, answer.code, answer.reason, answer.headers, answer.read())
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, socket.gaierror):
                code = "ENOTFOUND"
            elif isinstance(reason, OSError):
                code = _CODES.get(reason.errno or 0, "ECONNRESET")
            else:
                code = "ECONNRESET"
            raise FetchError(f"request to {request.url} failed, reason: {code} {reason}", code) from None
        except (TimeoutError, socket.timeout):
            raise FetchError(f"request to {request.url} failed, reason: ETIMEDOUT", "ETIMEDOUT") from None
        except (ConnectionError, OSError) as exc:
            raise FetchError(f"request to {request.url} failed, reason: ECONNRESET {exc}", "ECONNRESET") from None

    @staticmethod
    def _response(request: Request, status: int, reason: str, headers, body: bytes) -> Response:
        return Response(status, body.decode("utf-8", "replace"), Headers(dict(headers.items())), reason or "",
                        request.url)
