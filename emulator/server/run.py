"""Serving the app with waitress (a production WSGI server, not Flask's development server)."""

from __future__ import annotations

import threading
from typing import Any

import waitress
from waitress import wasyncore
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
        self.port = int(self.server.effective_port)  # waitress reports it as a string
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()
        app.extensions["segfn"].listening(self.port)
        if "segfn_guard" in app.extensions:  # the bound address is a Host name the debugger answers to
            app.extensions["segfn_guard"].bound(host)

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    def run(self) -> None:
        """Serve in this thread until Ctrl-C or SIGTERM (waitress's own loop), then close."""
        try:
            self.server.run()
        finally:
            self._close()

    def start(self) -> "WebServer":
        """Serve on a thread until ``stop``."""
        self._stopping.clear()
        self._thread = threading.Thread(target=self._serve_until_stopped, name="segfn-web", daemon=True)
        self._thread.start()
        return self

    def _serve_until_stopped(self) -> None:
        try:
            while not self._stopping.is_set():
                wasyncore.poll(0.1, self.server._map)
        finally:
            self._close()

    def _close(self) -> None:
        """In the serving thread: let running requests finish, then close every socket."""
        self.server.task_dispatcher.shutdown(timeout=5)
        for channel in list(self.server._map.values()):  # the listening socket, its trigger, connections
            try:
                channel.close()
            except OSError:
                pass

    def stop(self) -> None:
        """Stop serving (the caller closes the ``LocalSegment``)."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
