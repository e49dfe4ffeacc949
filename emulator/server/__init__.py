"""``segfn serve`` over HTTP: a thin Flask layer over ``emulator.local.LocalSegment``.

    /v1/*            the Tracking API (tracking.py), and the settings document clients load
                     first (cdn.py); both answer cross-origin
    /__segfn__/*     the control API (control.py)
    /sprig/*         the mock Sprig API (sprig.py)
    /, /messages/N, /destinations    the web debugger (debugger.py)

Everything but ``/v1/`` answers only the local user (guard.py): its own Host names, and state
changes only with the ``X-Segfn-Control`` header and a JSON body.

``create_app`` is the factory (usable from pytest); ``emulator.server.run`` serves an app with
waitress.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from flask import Flask, jsonify, request
from werkzeug.exceptions import HTTPException

from segfn.emulator.local import LocalSegment, ServeOptions

from . import cdn, control, debugger, guard, tracking
from .sprig import sprig_blueprint

_JSON_PREFIXES = ("/v1/", "/__segfn__/", "/sprig/")


def create_app(options: ServeOptions | None = None, *, local: LocalSegment | None = None, start: bool = True,
               sprig: Any = None, real: Any = None) -> Flask:
    """Build the app around a ``LocalSegment`` (built from ``options`` unless given) and, when
    ``start``, start its delivery worker. Raises ``ConfigError`` for a bad workspace or function."""
    local = local or LocalSegment(options or ServeOptions(), sprig=sprig, real=real)
    app = Flask(__name__, static_url_path="/__segfn__/static")
    app.json.sort_keys = False
    app.extensions["segfn"] = local
    app.register_blueprint(tracking.blueprint)
    app.register_blueprint(cdn.blueprint)
    app.register_blueprint(control.blueprint)
    app.register_blueprint(debugger.blueprint)
    app.register_blueprint(sprig_blueprint(lambda: local.sprig))
    app.extensions["segfn_guard"] = guard.Guard(local.options.allow_hosts)
    guard.install(app, app.extensions["segfn_guard"], _JSON_PREFIXES)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith(_JSON_PREFIXES):
            return jsonify({"success": False, "code": error.name.lower().replace(" ", "_"),
                            "message": f"{error.name}: {error.description}"}), error.code
        return error

    @app.errorhandler(sqlite3.Error)
    def store_failed(error: sqlite3.Error):
        problem = local.store.problem() or f"the database failed: {error}"
        app.logger.error("the store failed while answering %s %s: %s", request.method, request.path, problem)
        message = f"segfn's store is unavailable: {problem}"
        if request.path.startswith(_JSON_PREFIXES):
            return jsonify({"success": False, "code": "store_unavailable", "message": message}), 503
        return message + "\n", 503, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        app.logger.exception("unexpected error while answering %s %s", request.method, request.path)
        return jsonify({"success": False, "code": "internal_error",
                        "message": f"segfn failed while answering this request ({type(error).__name__}); "
                                   f"nothing it had already accepted is lost"}), 500

    if start:
        local.start()
    return app


def local_of(app: Flask) -> LocalSegment:
    return app.extensions["segfn"]
