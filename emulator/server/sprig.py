"""The mock Sprig API over HTTP: a thin Flask blueprint over ``emulator.sprig.MockSprig.handle``.

Mounted by ``segfn serve`` at ``/sprig`` (so ``GET /sprig/v2/users/{id}`` shows what Sprig would hold,
and a ``baseUrl`` of ``http://127.0.0.1:8787/sprig`` reaches it from outside), or on its own with
``sprig_blueprint(MockSprig())``. The same mock object answers the functions' ``fetch`` in process.
"""

from __future__ import annotations

import time
from typing import Callable

from flask import Blueprint, Response, request

from segfn.emulator.sprig import DROPPED, MockSprig

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def sprig_blueprint(mock: MockSprig | Callable[[], MockSprig], url_prefix: str = "/sprig") -> Blueprint:
    """A blueprint answering Sprig's API from ``mock`` (or from the mock a callable returns per request,
    for servers that replace theirs)."""
    current = mock if callable(mock) and not isinstance(mock, MockSprig) else (lambda: mock)
    blueprint = Blueprint("sprig", __name__, url_prefix=url_prefix)

    @blueprint.route("/", defaults={"path": ""}, methods=_METHODS)
    @blueprint.route("/<path:path>", methods=_METHODS)
    def answer(path: str) -> Response:
        sprig = current()
        if sprig.faults.latency_ms:
            time.sleep(sprig.faults.latency_ms / 1000)
        reply = sprig.handle(request.method, "/" + path, dict(request.headers), request.get_data() or None)
        if reply is DROPPED:  # HTTP cannot drop a connection from inside a WSGI app: the nearest is 502
            return Response("", 502, {"Connection": "close"})
        return Response(reply.text(), reply.status, {"Content-Type": "application/json", **reply.headers})

    return blueprint
