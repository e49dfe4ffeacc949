"""Where a function's ``fetch`` goes when ``segfn serve`` runs it: stubs, the mock Sprig, or the
network for the hosts the workspace allows.

The rule (docs/semantics.md, "Server"), on top of ``Router``'s order (faults, stubs, allowed hosts,
mocks, else a clear FetchError):

- a request to this server's own ``/sprig`` (a ``baseUrl`` of ``http://127.0.0.1:8787/sprig``)
  goes to the in-process mock Sprig, as if it had been sent to ``https://api.sprig.com``;
- a request to a Sprig host (``api.sprig.com``, and the legacy ``api.userleap.com``) goes to the mock
  Sprig, unless ``allow_network`` lists that host: then the user asked for the real Sprig;
- any other host reaches the network only when ``allow_network`` lists it.
"""

from __future__ import annotations

from typing import Iterable
from urllib.parse import urlsplit

from segfn.runtime import Request, Response, Transport

from .faults import HostFaults
from .stubs import StubSet
from .transport import Http, Router

SPRIG_HOSTS = frozenset({"api.sprig.com", "api.userleap.com"})
SPRIG_BASE = "https://api.sprig.com"
MOUNT = "/sprig"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1", "0.0.0.0"})


class Outbound(Router):
    """``Router`` for ``segfn serve``: ``mock`` answers Sprig's hosts and this server's ``/sprig``,
    ``real`` is the network (urllib unless a test passes its own). ``port`` is this server's port
    once it is listening (so ``http://127.0.0.1:<port>/sprig`` is recognised as the mock)."""

    def __init__(self, mock: Transport, real: Transport | None = None, *, port: int | None = None,
                 stubs: StubSet | None = None, allow_network: Iterable[str] = (),
                 faults: HostFaults | None = None) -> None:
        super().__init__(stubs, mocks={host: mock for host in SPRIG_HOSTS}, network=real or Http(),
                         allow_network=allow_network, faults=faults,
                         offline="segfn serve reaches the network only for the hosts in workspace.toml's "
                                 "allow_network")
        self.mock = mock
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

    async def send(self, request: Request, key: str, *, stubs: StubSet | None = None,
                   allow_network: frozenset[str] | None = None) -> Response:
        if self.is_local_mock(request.url):
            parts = urlsplit(request.url)
            path = parts.path[len(MOUNT):] or "/"
            url = SPRIG_BASE + path + (f"?{parts.query}" if parts.query else "")
            return await self.mock(Request(request.method, url, request.headers, request.body))
        return await super().send(request, key, stubs=stubs, allow_network=allow_network)
