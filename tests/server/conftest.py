"""Helpers for the server's tests: temporary projects, servers on free ports, waiting for delivery."""

from __future__ import annotations

import contextlib
import json
import socket
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit

import pytest

from segfn.emulator.local import LocalSegment, ServeOptions
from segfn.emulator.server import create_app
from segfn.emulator.server.run import WebServer
from segfn.runtime import Headers, Request, Response

HERE = Path(__file__).parent
FUNCTIONS = HERE / "functions"
WRITE_KEY = "test-write-key"
API_KEY = "sprig-canary-k3y"  # a sensitive setting: must never appear in anything the server shows
SPRIG_AUTH = {"Authorization": "API-Key reader"}  # Sprig's API wants a key for reads too


def fn(name: str) -> str:
    return str(FUNCTIONS / f"{name}.py")


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + " }"
    raise TypeError(type(value))


def write_workspace(folder: Path, destinations: list[dict[str, Any]], *, sources: list[dict[str, Any]] | None = None,
                    name: str = "Acme", allow_network: list[str] | None = None) -> Path:
    """A workspace.toml in ``folder``; the default source is ``web`` with ``WRITE_KEY``."""
    lines = [f"name = {json.dumps(name)}"]
    if allow_network is not None:
        lines.append(f"allow_network = {_toml(allow_network)}")
    for source in sources or [{"name": "web", "write_key": WRITE_KEY}]:
        lines.append("[[sources]]")
        lines += [f"{k} = {_toml(v)}" for k, v in source.items()]
    for destination in destinations:
        lines.append("[[destinations]]")
        lines += [f"{k} = {_toml(v)}" for k, v in destination.items()]
    path = folder / "workspace.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


SPRIG_LIKE = {"name": "Sprig Cloud", "previous_names": ["Sprig", "UserLeap"], "function": fn("sprig_like"),
              "settings": {"apiKey": API_KEY}}


class Collector:
    """An in-process stand-in for every non-Sprig host a test function calls (httpx MockTransport
    style): it records each request and answers ``status`` (200 unless a test changes it)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.status = 200

    async def __call__(self, request: Request) -> Response:
        self.requests.append({"method": request.method, "url": request.url, "json": request.json()})
        return Response(self.status, "{}", Headers({"Content-Type": "application/json"}), "", request.url)


@dataclass
class Running:
    url: str
    local: LocalSegment
    web: WebServer
    stopped: bool = False

    @property
    def port(self) -> int:
        return self.web.port

    def stop(self) -> None:
        """Stop serving and close the store, as ``segfn serve`` does on Ctrl-C (the port is free,
        the SQLite file keeps everything accepted)."""
        if not self.stopped:
            self.stopped = True
            self.web.stop()
            self.local.close()

    def messages(self, **query: Any) -> list[dict[str, Any]]:
        return self.local.store.messages(**query)

    def message(self, seq: int) -> dict[str, Any]:
        return self.local.store.message(seq)

    def wait_settled(self, count: int | None = None, timeout: float = 20.0) -> dict[str, int]:
        """Wait until every accepted message is routed and every delivery final."""
        return wait_for(lambda: _settled(self.local.store.stats(), count), timeout,
                        lambda: f"not settled: {self.local.store.stats()}")


def _settled(stats: dict[str, int], count: int | None) -> dict[str, int] | None:
    if stats.get("unsettled", 0) == 0 and (count is None or stats.get("messages", 0) >= count):
        return stats
    return None


def wait_for(check: Callable[[], Any], timeout: float = 20.0, say: Callable[[], str] = lambda: "timed out") -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(say())
        time.sleep(0.05)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Running]]:
    """Start servers (on free ports unless ``port`` says; a stopped server's ``db`` and ``port``
    start it again); stops every one (web server, worker, runner, store) afterwards."""
    started: list[Running] = []

    def start(destinations: list[dict[str, Any]] | None = None, *, workspace: Path | None = None,
              retry_window: float = 4 * 3600, batch_size: int = 20, batch_wait: float = 10.0,
              db: Path | None = None, real: Any = None, port: int = 0, **options: Any) -> Running:
        # ``real`` stands for the network; the test functions reach it at collector.example
        path = workspace or write_workspace(tmp_path, destinations if destinations is not None else [SPRIG_LIKE],
                                            allow_network=["collector.example"] if real is not None else None)
        opts = ServeOptions(workspace=path, db=db or tmp_path / f"serve-{len(started)}.sqlite",
                            retry_window=timedelta(seconds=retry_window), batch_size=batch_size,
                            batch_wait=batch_wait, env={}, **options)
        local = LocalSegment(opts, real=real)
        app = create_app(local=local)
        web = WebServer(app, port=port, threads=8).start()
        running = Running(web.url, local, web)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()


@contextlib.contextmanager
def sprig_like_server(folder: Path) -> Iterator[tuple[str, Any]]:
    """``segfn serve``'s app on a free port, in this process, with the Sprig-like destination:
    ``(base URL, LocalSegment)``; what the hostile-input tests send their requests to."""
    local = LocalSegment(ServeOptions(workspace=write_workspace(folder, [SPRIG_LIKE]), db=folder / "s.sqlite",
                                      retry_window=timedelta(seconds=30), env={}))
    web = WebServer(create_app(local=local), port=0).start()
    try:
        yield web.url, local
    finally:
        web.stop()
        local.close()


def exchange(url: str, head: str, payload: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """Send ``head`` (request line and headers, without the blank line) and ``payload`` on a new
    connection; the status, headers and body of the answer, read until the server closes."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=20) as conn:
        conn.sendall(head.replace("\n", "\r\n").encode("latin-1") + b"\r\n\r\n" + payload)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    top, _, rest = answer.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, rest
