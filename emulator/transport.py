"""Where a function's ``fetch`` goes: in-process answers for replay, or the real network.

A transport is an async callable ``Request -> Response`` (see ``segfn/runtime.py``), like
httpx's transports: the function never knows which one it talks to.
"""

from __future__ import annotations

import asyncio
import errno
import socket
import urllib.error
import urllib.request
from typing import Mapping
from urllib.parse import urlsplit

from segfn.runtime import FetchError, Headers, Request, Response, Transport


class AnswerOk:
    """Answers every request ``200 {}``: the stand-in for any API segfn does not emulate."""

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
