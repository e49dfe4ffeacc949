"""Serving the app with waitress (a production WSGI server, not Flask's development server)."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
from typing import Any, Callable

import waitress
from waitress import wasyncore
from waitress.channel import HTTPChannel
from waitress.parser import HTTPRequestParser
from waitress.task import ErrorTask, ThreadedTaskDispatcher
from waitress.utilities import BadRequest, RequestEntityTooLarge, ServerNotImplemented
from flask import Flask

from segfn.emulator.messages import MAX_BATCH_BYTES

MAX_REQUEST_BODY = 16 * 1024 * 1024  # waitress refuses bigger bodies before Flask sees them
SPRIG_PREFIX = "/sprig"
JSON_PREFIXES = ("/v1/", "/__segfn__/", "/sprig/")  # where every answer is JSON (server/__init__.py)


class JsonErrorTask(ErrorTask):
    """waitress's own answers to a request it refuses before the app sees it (a body over
    ``MAX_REQUEST_BODY``: 413; a malformed request line or header, or a Transfer-Encoding other than
    chunked: 400), as JSON ``{"success": false,
    "code", "message"}`` under the JSON paths, like every other answer there; text elsewhere. Under
    ``/v1/`` it carries the CORS header, so a page can read it."""

    def execute(self) -> None:
        path = _request_path(self.request)
        if isinstance(self.request.error, ServerNotImplemented):
            # waitress answers 501 to a Transfer-Encoding other than chunked; RFC 9112 (6.3) says
            # 400 when chunked is not the last coding, since the body's end cannot be found; and a
            # client error is a 4xx in every case
            self.request.error = BadRequest("a Transfer-Encoding other than chunked is not supported; send the "
                                            "body with Content-Length or Transfer-Encoding: chunked")
        if not path.startswith(JSON_PREFIXES):
            return super().execute()
        error = self.request.error
        if error.code == 413:
            code, message = "request_too_large", (
                f"the body is over {MAX_REQUEST_BODY:,} bytes, more than segfn serve reads; a Tracking API call "
                f"holds at most {MAX_BATCH_BYTES:,} bytes (500 KB)")
        else:
            code, message = error.reason.lower().replace(" ", "_"), f"{error.reason}: {error.body}"
        body = json.dumps({"success": False, "code": code, "message": message}).encode()
        self.status = f"{error.code} {error.reason}"
        self.response_headers.extend([("Content-Type", "application/json"), ("X-Content-Type-Options", "nosniff")])
        if path.startswith("/v1/"):
            origin = (self.request.headers or {}).get("ORIGIN")
            self.response_headers.append(("Access-Control-Allow-Origin", origin or "*"))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


def _request_path(request: Any) -> str:
    """The path a refused request asked for. waitress reads headers over its limit (431) as
    ``GET /``, losing the path: the start line ``CrlfParser`` kept gives it back, so that such an
    answer under ``/v1/`` is JSON with the CORS header too."""
    path = getattr(request, "path", "") or ""
    start = getattr(request, "start_line", b"")
    if path in ("", "/") and start:
        parts = start.split(b" ")
        if len(parts) > 1 and parts[1].startswith(b"/"):
            return parts[1].split(b"?", 1)[0].decode("latin-1")
    return path


class CrlfParser(HTTPRequestParser):
    """waitress's request parser, answering at once two requests it left waiting for bytes.

    - Headers whose lines end with a bare LF: waitress finds the end of the headers only at CRLF
      CRLF, so such a request got no answer at all, its connection waiting until the 120 s idle
      timeout. It is a 400 now, as waitress already answers a bare LF inside a header line (RFC 9112
      2.2 lets a server refuse bare LFs).
    - A chunk whose declared size passes the body limit (16 MB): waitress waited for its bytes and
      refused only once they arrived; it is a 413 at once, as a Content-Length past the limit is."""

    start_line = b""  # the request line as received, for _request_path

    def received(self, data: bytes) -> int:
        if not self.start_line and not self.header_plus:
            self.start_line = data.lstrip(b"\r\n").split(b"\n", 1)[0][:8192].rstrip(b"\r")
        if self.body_rcv is None and not self.completed:
            seen = self.header_plus + data
            if b"\r\n\r\n" not in seen and b"\n\n" in seen:  # a CRLF header never holds LF LF
                try:  # the request line, when readable, so that the answer is JSON under the JSON paths
                    self.parse_header(seen.split(b"\n", 1)[0].rstrip(b"\r") + b"\r\n")
                except Exception:  # noqa: BLE001 - any start line waitress refuses: answer as for "/"
                    self.parse_header(b"GET / HTTP/1.0\r\n")
                self.error = BadRequest("the request's lines end with a bare LF; HTTP lines end with CRLF")
                self.completed = True
                return len(data)
        consumed = super().received(data)
        chunks = self.body_rcv
        if chunks is not None and not self.completed and self.chunked:
            # a chunk declared past the body limit: refused at once, as a Content-Length past it is (413),
            # rather than waiting for bytes that waitress would refuse anyway
            limit = self.adj.max_request_body_size
            if self.body_bytes_received + getattr(chunks, "chunk_remainder", 0) >= limit:
                self.error = RequestEntityTooLarge(f"exceeds max_body of {limit}")
                self.completed = True
        return consumed


class JsonErrorChannel(HTTPChannel):
    error_task_class = JsonErrorTask
    parser_class = CrlfParser


def _not_the_limit_lines(record: logging.LogRecord) -> bool:
    """waitress's "reached the connection limit, no longer accepting" and "listening again": with
    ``ConnectionKeeper`` closing idle connections at the limit, neither is true, and each came at every
    connection past the limit."""
    return "connection limit" not in str(record.msg)


log = logging.getLogger("segfn.serve")
QUEUE_LOGGER = "waitress.queue"  # waitress logs "Task queue depth is N" here for every queued request


class QueueDepthLine(logging.Filter):
    """waitress warns "Task queue depth is N" for every request that waits for a thread: ~30 requests
    at once fill stderr. This lets one line through per ``every`` seconds, in segfn's words, and
    drops the rest (the debugger shows the delivery backlog; this is only HTTP threads)."""

    def __init__(self, every: float = 30.0, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.every, self.clock = every, clock
        self.last: float | None = None
        self.lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        now = self.clock()
        with self.lock:
            if self.last is not None and now - self.last < self.every:
                return False
            self.last = now
        depth = record.args[0] if isinstance(record.args, tuple) and record.args else "some"
        record.msg = ("segfn serve: %s requests are waiting for an HTTP thread (raise --threads if this lasts); "
                      "said at most every %g s")
        record.args = (depth, self.every)
        return True


def quieten_queue_warnings(every: float = 30.0) -> None:
    """Install ``QueueDepthLine`` on waitress's queue logger, once per process."""
    logger = logging.getLogger(QUEUE_LOGGER)
    if not any(isinstance(f, QueueDepthLine) for f in logger.filters):
        logger.addFilter(QueueDepthLine(every))


class ConnectionKeeper:
    """Keeps connections that wait for nothing, or will never read their answer, from starving the
    others; installed on a waitress server (``install``), run by its loop between polls.

    - **At the connection limit** (waitress's ``connection_limit``, 100), waitress stops calling
      ``accept`` and closes an idle connection only after ``channel_timeout`` (120 s): 100 idle
      keep-alive connections, or a slowloris client sending headers a byte at a time, kept every other
      client out for minutes. Here the least recently active ``share`` of the connections with no
      complete request (idle keep-alives, half-sent requests) is closed instead, as waitress's own idle
      cleanup closes them; a request being served is never cut.
    - **A client that never reads** its answer kept it in memory for as long as it stayed connected
      (a ``?full=1`` list of 1,000 large messages is 20 MB: a hundred such connections, 2 GB), and a
      streamed answer past ``outbuf_high_watermark`` (16 MB) would hold its HTTP thread too. A
      connection whose pending answer has not moved for ``stall`` seconds is closed, which frees both.
    """

    def __init__(self, server: Any, *, share: float = 0.25, stall: float = 30.0, every: float = 1.0,
                 clock: Callable[[], float] = time.time) -> None:
        self.server, self.share, self.stall, self.every, self.clock = server, share, stall, every, clock
        self.next_check = 0.0
        self._readable = server.readable

    def install(self) -> "ConnectionKeeper":
        self.server.readable = self.readable  # wasyncore asks the instance before every poll
        return self

    def readable(self) -> bool:
        server = self.server
        now = self.clock()
        if now >= self.next_check:
            self.next_check = now + self.every
            self.close_stalled(now)
        if server.accepting and len(server._map) >= server.adj.connection_limit:
            self.close_idle()
        return self._readable()

    def close_idle(self) -> None:
        idle = [c for c in self.server.active_channels.values() if not c.requests and not c.will_close]
        idle.sort(key=lambda channel: channel.last_activity)
        for channel in idle[:max(1, int(len(idle) * self.share))]:
            channel.will_close = True  # closed by the loop's next pass, as waitress's maintenance does

    def close_stalled(self, now: float) -> None:
        for channel in list(self.server.active_channels.values()):
            if channel.total_outbufs_len and not channel.will_close and now - channel.last_activity > self.stall:
                log.warning("segfn serve: closed a connection from %s that read nothing of its answer for %g s "
                            "(%s bytes still to send)", channel.addr[0] if channel.addr else "?", self.stall,
                            f"{channel.total_outbufs_len:,}")
                # shut down, not closed: waitress is building its poll list and must not meet a closed file
                # descriptor (EBADF would end its loop); the socket turns readable and waitress closes it
                # as any connection the client ended, dropping its buffers and waking a waiting thread
                try:
                    channel.socket.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                channel.will_close = True


class SplitDispatcher:
    """waitress's task dispatcher, in two: requests to the mock Sprig (``/sprig/...``) run on threads
    of their own, so a slow mock (``latency_ms``) holds only those, and the Tracking API, the control
    API and the debugger keep their threads. waitress hands a dispatcher one connection per request
    to serve (``channel.requests[0]``), which is what is routed here."""

    def __init__(self, threads: int, sprig_threads: int) -> None:
        self.main = ThreadedTaskDispatcher()
        self.main.set_thread_count(threads)
        self.sprig = ThreadedTaskDispatcher()
        self.sprig.set_thread_count(sprig_threads)

    def add_task(self, channel: Any) -> None:
        requests = getattr(channel, "requests", None)
        path = getattr(requests[0], "path", "") if requests else ""
        to_sprig = path == SPRIG_PREFIX or (path or "").startswith(SPRIG_PREFIX + "/")
        (self.sprig if to_sprig else self.main).add_task(channel)

    def set_thread_count(self, count: int) -> None:
        self.main.set_thread_count(count)

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        main = self.main.shutdown(cancel_pending=cancel_pending, timeout=timeout)
        sprig = self.sprig.shutdown(cancel_pending=cancel_pending, timeout=timeout)
        return main and sprig


class WebServer:
    """waitress listening on ``host:port`` (port 0: any free port) for ``app``, with ``threads``
    threads for everything but the mock Sprig and as many again for it (``SplitDispatcher``).

    ``run()`` blocks (``segfn serve``); ``start()`` runs it on a thread (tests, benchmarks).
    """

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> None:
        self.app = app
        self.dispatcher = SplitDispatcher(threads, sprig_threads=threads)
        self.server: Any = waitress.create_server(app, host=host, port=port, threads=threads, ident="segfn",
                                                  max_request_body_size=MAX_REQUEST_BODY,
                                                  clear_untrusted_proxy_headers=True, _dispatcher=self.dispatcher)
        self.server.channel_class = JsonErrorChannel
        self.keeper = ConnectionKeeper(self.server).install()
        logging.getLogger("waitress").addFilter(_not_the_limit_lines)
        quieten_queue_warnings()
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
