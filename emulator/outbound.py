"""Where a function's ``fetch`` goes when ``segfn serve`` runs it: the mock Sprig, or the network.

The rule (docs/semantics.md, "Server"):

- a request to a Sprig host (``api.sprig.com``, and the legacy ``api.userleap.com``) goes to the
  in-process mock Sprig, unless a destination's ``baseUrl`` setting names that host explicitly:
  then the user asked for the real Sprig and gets it;
- a request to this server's own ``/sprig`` (a ``baseUrl`` of ``http://127.0.0.1:8787/sprig``)
  goes to the same mock, in process, as if it had been sent to ``https://api.sprig.com``;
- anything else goes to the real network.
"""

from __future__ import annotations

from typing import Any, Iterable
from urllib.parse import urlsplit

from segfn.runtime import Request, Response, Transport

from .transport import Http

SPRIG_HOSTS = frozenset({"api.sprig.com", "api.userleap.com"})
SPRIG_BASE = "https://api.sprig.com"
MOUNT = "/sprig"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})


class Outbound:
    """A transport that sends Sprig's traffic to the mock and the rest to ``real``.

    ``base_urls`` are the destinations' ``baseUrl`` settings; ``port`` is this server's port once
    it is listening (so ``http://127.0.0.1:<port>/sprig`` is recognised as the mock).
    """

    def __init__(self, mock: Transport, real: Transport | None = None, *, base_urls: Iterable[Any] = (),
                 port: int | None = None) -> None:
        self.mock = mock
        self.real = real or Http()
        self.base_urls = tuple(base_urls)
        self.port = port

    def is_local_mock(self, url: str) -> bool:
        """Whether ``url`` points at this server's own ``/sprig`` mount."""
        parts = urlsplit(url)
        if (parts.hostname or "").lower() not in LOOPBACK:
            return False
        try:
            port = parts.port
        except ValueError:
            return False
        if self.port is not None and port != self.port:
            return False
        return parts.path == MOUNT or parts.path.startswith(MOUNT + "/")

    def real_hosts(self) -> frozenset[str]:
        """Hosts a ``baseUrl`` names explicitly (this server's ``/sprig`` aside): the real network."""
        hosts = set()
        for base in self.base_urls:
            if isinstance(base, str) and base and not self.is_local_mock(base):
                host = (urlsplit(base).hostname or "").lower()
                if host:
                    hosts.add(host)
        return frozenset(hosts)

    async def __call__(self, request: Request) -> Response:
        if self.is_local_mock(request.url):
            parts = urlsplit(request.url)
            path = parts.path[len(MOUNT):] or "/"
            url = SPRIG_BASE + path + (f"?{parts.query}" if parts.query else "")
            return await self.mock(Request(request.method, url, request.headers, request.body))
        host = (urlsplit(request.url).hostname or "").lower()
        if host in SPRIG_HOSTS and host not in self.real_hosts():
            return await self.mock(request)
        return await self.real(request)
