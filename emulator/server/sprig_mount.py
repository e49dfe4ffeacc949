"""The mock Sprig API at ``/sprig`` on the same server, so ``GET /sprig/v2/users/{id}`` shows what
Sprig would hold and a ``baseUrl`` of ``http://127.0.0.1:8787/sprig`` works from outside too.

Requests are handed to the mock's ``transport`` (the same object the functions' ``fetch`` reaches
in process), so both views share one state whichever mock runs (see ``emulator/sprig_seam.py``).
"""

from __future__ import annotations

import asyncio
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from emulator.outbound import SPRIG_BASE
from functions.runtime import FetchError, Headers, Request

_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]


def mount(app: Flask, local: Any) -> None:
    blueprint = Blueprint("sprig", __name__, url_prefix="/sprig")

    @blueprint.route("/", defaults={"path": ""}, methods=_METHODS)
    @blueprint.route("/<path:path>", methods=_METHODS)
    def forward(path: str) -> Any:
        body = request.get_data(as_text=True) if request.content_length or request.data else None
        url = f"{SPRIG_BASE}/{path}" + (f"?{request.query_string.decode()}" if request.query_string else "")
        headers = Headers({k: v for k, v in request.headers.items() if k.lower() not in ("host", "content-length")})
        mock = current_app.extensions["segfn"].sprig
        try:
            answer = asyncio.run(mock.transport(Request(request.method, url, headers, body or None)))
        except FetchError:
            return Response("", 502)  # an injected dropped connection: the nearest HTTP can say
        out = Response(answer.body, answer.status)
        for name, value in answer.headers.items():
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                out.headers[name] = value
        return out

    app.register_blueprint(blueprint)
