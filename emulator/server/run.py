"""Serving the app with waitress (a production WSGI server, not Flask's development server)."""

from __future__ import annotations

import threading
from typing import Any

import waitress
from flask import Flask

MAX_REQUEST_BODY = 16 * 1024 * 1024  # waitress refuses bigger bodies before Flask sees them


class WebServer:
    """waitress listening on ``host:port`` (port 0: any free port) for ``app``.

    ``run()`` blocks (``segfn serve``); ``start()`` runs it on a thread (tests, benchmarks).
    """

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> None:
        self.app = app
        self.server: Any = waitress.create_server(app, host=host, port=port, threads=threads, ident="segfn",
                                                  max_request_body_size=MAX_REQUEST_BODY, clear_untrusted_proxy_headers=True)
        self.host = host
        self.port = self.server.effective_port
        self._thread: threading.Thread | None = None
        app.extensions["segfn"].listening(self.port)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    def run(self) -> None:
        self.server.run()

    def start(self) -> "WebServer":
        self._thread = threading.Thread(target=self.run, name="segfn-web", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening; the caller closes the ``LocalSegment``."""
        self.server.task_dispatcher.shutdown(timeout=5)
        for channel in list(self.server._map.values()):  # the server socket, its trigger, open connections
            try:
                channel.close()
            except OSError:
                pass
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
