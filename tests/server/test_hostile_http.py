"""HTTP that a client library never sends, over raw sockets: segfn serve answers each with a 4xx
saying what is wrong (never a 5xx), keeps serving, and delivers the good message sent next.

Found by attacking a running ``segfn serve`` (the cases test_bad_input.py's 80-odd did not hold)."""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from segfn.emulator.local import LocalSegment, ServeOptions
from segfn.emulator.server import create_app
from segfn.emulator.server.run import WebServer
from tests.server.conftest import SPRIG_LIKE, WRITE_KEY, exchange, sprig_like_server, wait_for, write_workspace

SPRIG = {"Content-Type": "application/json", "Authorization": "API-Key reader"}


def track(**fields: Any) -> dict[str, Any]:
    return {"userId": "u-1", "event": "Survey Shown", **fields}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sprig_like_server(tmp_path_factory.mktemp("hostile-http")) as running:
        yield running


def still_serving(url: str, local, name: str) -> None:
    canary = f"canary-hostile-{name}"
    ok = requests.post(url + "/v1/track", json=track(messageId=canary), auth=(WRITE_KEY, ""), timeout=10)
    assert ok.status_code == 200 and ok.json() == {"success": True}
    wait_for(lambda: [m for m in local.store.messages(q=canary, outcome="delivered") if m["messageId"] == canary], 20,
             lambda: f"{canary} not delivered: {local.store.messages(q=canary)}")


BODY = json.dumps(track()).encode()


@pytest.mark.parametrize("coding", ["foo", "gzip, chunked", "chunked, gzip", "identity", "deflate"])
@pytest.mark.parametrize("path", ["/v1/track", "/__segfn__/flush", "/sprig/v2/users", "/"])
def test_a_transfer_encoding_other_than_chunked_is_a_400(server, path, coding):
    """waitress answers 501 to an unknown Transfer-Encoding. RFC 9112 (6.3) requires 400 when chunked
    is not the last coding (the body's end cannot be found); segfn answers 400 to all, as JSON where
    every answer is JSON, and says what to send instead."""
    url, local = server
    host = urlsplit(url).netloc
    status, headers, payload = exchange(url, f"POST {path} HTTP/1.1\nHost: {host}\nContent-Type: application/json\n"
                                             f"Authorization: Basic dGVzdC13cml0ZS1rZXk6\nTransfer-Encoding: {coding}",
                                        b"0\r\n\r\n")
    assert status == 400, payload
    said = payload.decode()
    assert "a Transfer-Encoding other than chunked is not supported" in said
    if path != "/":
        assert headers["content-type"] == "application/json"
        assert json.loads(payload)["code"] == "bad_request"
    still_serving(url, local, f"te-{coding}-{path}")


def test_a_sprig_event_time_no_date_holds_is_refused_and_the_user_still_reads(server):
    """An event timestamp past the year 9999 was stored, and every later read of that user was a 500
    (the mock could not write its date): it is now 422 at the door, and the user reads back."""
    url, local = server
    ok = requests.post(url + "/sprig/v2/users", headers=SPRIG, timeout=10,
                       json={"userId": "sprig-late", "events": [{"event": "e", "timestamp": 1_700_000_000_000}]})
    assert ok.status_code == 202, ok.text
    for stamp in (10 ** 20, 253402300800000, 10 ** 400):
        late = requests.post(url + "/sprig/v2/users", headers=SPRIG, timeout=10,
                             data=b'{"userId": "sprig-late", "events": [{"event": "e", "timestamp": %d}]}' % stamp)
        assert late.status_code == 422 and "$.events[0].timestamp" in late.json()["error"], late.text
    last = requests.post(url + "/sprig/v2/users", headers=SPRIG, timeout=10,
                         json={"userId": "sprig-late", "events": [{"event": "e", "timestamp": 253402300799999}]})
    assert last.status_code == 202, last.text
    read = requests.get(url + "/sprig/v2/users/sprig-late", headers=SPRIG, timeout=10)
    assert read.status_code == 200, read.text
    assert read.json()["events"][0]["updatedAt"] == "9999-12-31T23:59:59.999Z"
    still_serving(url, local, "sprig-late")


def test_idle_and_half_sent_connections_do_not_keep_other_clients_out(server):
    """waitress stops accepting at its connection limit (100) and closed idle connections only after
    120 s: 100 silent connections, or a slowloris client's half-sent headers, kept every client out.
    Past the limit the least recently active of them are closed, and a good call gets through."""
    url, local = server
    parts = urlsplit(url)
    limit = 100  # waitress's connection_limit, which WebServer keeps
    hostile = []
    try:
        for index in range(limit + 60):
            conn = socket.create_connection((parts.hostname, parts.port), timeout=10)
            if index % 2:  # half the headers of a call, never finished
                conn.sendall(f"POST /v1/track HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: applic".encode())
            hostile.append(conn)
        for round_ in range(3):
            still_serving(url, local, f"crowded-{round_}")
    finally:
        for conn in hostile:
            conn.close()


def test_a_client_that_never_reads_its_answer_is_closed_and_its_memory_freed(tmp_path):
    """A client that asks for a large answer and never reads it kept the answer in segfn's memory for
    as long as it stayed connected (waitress never times out a connection with output pending): a
    ``?full=1`` list of 400 messages of 25 KB is 20 MB, a hundred such clients 2 GB. The connection
    is closed once its answer has not moved for ``stall`` seconds (30 in segfn serve, 1 here), and
    the server keeps serving meanwhile."""
    local = LocalSegment(ServeOptions(workspace=write_workspace(tmp_path, [SPRIG_LIKE]), db=tmp_path / "s.sqlite",
                                      retry_window=timedelta(seconds=30), env={}))
    web = WebServer(create_app(local=local), port=0)
    web.keeper.stall, web.keeper.every = 1.0, 0.2
    web.start()
    try:
        blob = "z" * 25_000
        for start in range(0, 400, 16):
            batch = [track(type="track", messageId=f"big-{n}", properties={"blob": blob}) for n in range(start, start + 16)]
            answer = requests.post(web.url + "/v1/batch", json={"batch": batch}, auth=(WRITE_KEY, ""), timeout=30)
            assert answer.status_code == 200, answer.text
        parts = urlsplit(web.url)
        readers = []
        for _ in range(3):
            reader = socket.socket()
            reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            reader.connect((parts.hostname, parts.port))
            reader.sendall(f"GET /__segfn__/messages?limit=1000&full=1 HTTP/1.1\r\nHost: {parts.netloc}\r\n\r\n".encode())
            readers.append(reader)

        def pending() -> int:
            return sum(c.total_outbufs_len for c in list(web.server.active_channels.values()))

        try:
            wait_for(lambda: pending() > 30_000_000, 60, lambda: f"the answers were not built: {pending():,} bytes")
            still_serving(web.url, local, "never-read")
            wait_for(lambda: pending() == 0, 20, lambda: f"{pending():,} bytes still held for clients that read nothing")
            for reader in readers:  # and the clients see their connection closed
                reader.settimeout(10)
                received = b""
                while chunk := reader.recv(1 << 20):
                    received += chunk
                assert len(received) < 20_000_000
        finally:
            for reader in readers:
                reader.close()
    finally:
        web.stop()
        local.close()


def test_analytics_ruby_s_import_path_is_a_batch(server):
    """analytics-ruby (current releases, lib/segment/analytics/defaults.rb: ``PATH = '/v1/import'``)
    posts its batches to ``/v1/import``, Segment's older name for ``/v1/batch``; segfn answered 404 and
    every event from a Ruby app was lost. The body is analytics-ruby's: ``{batch, sentAt}``, Basic auth."""
    url, local = server
    batch = {"sentAt": "2024-05-01T10:00:01.000Z", "batch": [
        {"type": "identify", "userId": "ruby-1", "traits": {"plan": "pro"}, "messageId": "ruby-identify",
         "timestamp": "2024-05-01T10:00:00.000Z", "context": {"library": {"name": "analytics-ruby", "version": "2.4.0"}}},
        {"type": "track", "userId": "ruby-1", "event": "Signed Up", "messageId": "ruby-track",
         "timestamp": "2024-05-01T10:00:00.500Z", "context": {"library": {"name": "analytics-ruby", "version": "2.4.0"}}}]}
    answer = requests.post(url + "/v1/import", json=batch, auth=(WRITE_KEY, ""), timeout=10,
                           headers={"Accept": "application/json", "User-Agent": "analytics-ruby/2.4.0"})
    assert answer.status_code == 200 and answer.json() == {"success": True}, answer.text
    for message_id in ("ruby-identify", "ruby-track"):
        wait_for(lambda: [m for m in local.store.messages(q=message_id, outcome="delivered") if m["messageId"] == message_id],
                 20, lambda: f"{message_id} not delivered")
    bad = requests.post(url + "/v1/import", json={"batch": {"type": "track"}}, auth=(WRITE_KEY, ""), timeout=10)
    assert bad.status_code == 400 and bad.json()["path"] == "$.batch", bad.text


def test_a_fixture_that_is_a_loop_of_symbolic_links_is_a_400(server):
    """Python 3.11's Path.resolve raises RuntimeError (not OSError) on a symlink loop: replaying one
    was a 500."""
    url, local = server
    fixtures = local.workspace.root / "fixtures"
    fixtures.mkdir(exist_ok=True)
    (fixtures / "loop-a.json").symlink_to("loop-b.json")
    (fixtures / "loop-b.json").symlink_to("loop-a.json")
    answer = requests.post(url + "/__segfn__/replay", json={"fixture": "fixtures/loop-a.json"}, timeout=10,
                           headers={"X-Segfn-Control": "1"})
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"error": "fixtures/loop-a.json: not a usable path (a loop of symbolic links)",
                             "path": "$.fixture"}
    still_serving(url, local, "symlink-loop")


@pytest.mark.parametrize("path", ["/v1/track", "/__segfn__/health", "/"])
def test_a_request_with_bare_lf_line_ends_gets_a_400_not_silence(server, path):
    """waitress finds the end of the headers only at CRLF CRLF: a request written with bare LFs got no
    answer, its connection held until waitress's 120 s idle timeout."""
    url, local = server
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(f"POST {path} HTTP/1.1\nHost: {parts.netloc}\nContent-Type: application/json\n"
                     f"Content-Length: 2\n\n{{}}".encode())
        answer = b""
        while chunk := conn.recv(65536):  # the server answers and closes: no timeout
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 400"), answer
    assert b"the request's lines end with a bare LF; HTTP lines end with CRLF" in payload
    if path.startswith(("/v1/", "/__segfn__/")):
        assert json.loads(payload)["code"] == "bad_request"
    still_serving(url, local, f"bare-lf-{path}")


def test_headers_over_waitress_limit_under_v1_get_a_json_431_a_page_can_read(server):
    """waitress reads a request whose headers pass its 256 KB limit as ``GET /`` and answered text
    without CORS headers, even under ``/v1/`` where every answer, errors included, carries them."""
    url, local = server
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(f"POST /v1/track HTTP/1.1\r\nHost: {parts.netloc}\r\nOrigin: https://shop.example\r\n".encode())
        conn.sendall(b"X-Big: " + b"a" * 300_000 + b"\r\n\r\n")
        answer = b""
        try:
            while chunk := conn.recv(65536):
                answer += chunk
        except ConnectionResetError:  # waitress closes with the rest of the headers unread
            pass
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.split(b"\r\n")[0].split(b" ")[1] == b"431", answer[:200]  # HTTP/1.0: waitress read it as GET /
    assert b"Access-Control-Allow-Origin: *" in head and b"Content-Type: application/json" in head
    assert json.loads(payload)["code"] == "request_header_fields_too_large"
    still_serving(url, local, "big-headers")


@pytest.mark.parametrize("size", ["ffffffffffffffffffff", "1000000", "2000000"])
def test_a_chunk_declared_past_the_body_limit_is_a_413_at_once(server, size):
    """A Content-Length past the 16 MB segfn reads is a 413 before the body is read; a chunk declaring
    a size past it got no answer until its bytes came (or the connection timed out)."""
    url, local = server
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=10) as conn:
        conn.sendall(f"POST /v1/track HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
                     f"Transfer-Encoding: chunked\r\n\r\n{size}\r\n{{\"userId\": ".encode())
        answer = b""  # no timeout: the answer comes, and the server closes, while the client still waits
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, payload = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), answer
    assert json.loads(payload)["code"] == "request_too_large"
    still_serving(url, local, f"chunk-{size}")


def test_reads_and_calls_racing_a_reset_are_never_a_500(tmp_path):
    """The store read its backlog in three statements: a reset between them left the oldest waiting
    delivery's message gone, and the read raised (every page showing stats, and with --max-backlog
    every Tracking API call, answered 500, about one in ten under a reset loop). Calls, pages and
    resets run together for a few seconds here; every answer is below 500."""
    import threading
    import time

    local = LocalSegment(ServeOptions(workspace=write_workspace(tmp_path, [SPRIG_LIKE]), db=tmp_path / "s.sqlite",
                                      retry_window=timedelta(seconds=30), env={}, max_backlog=100_000))
    web = WebServer(create_app(local=local), port=0).start()
    statuses: dict[str, list[int]] = {"calls": [], "pages": [], "resets": []}
    stop = time.monotonic() + 5

    def loop(kind: str, send) -> None:
        session = requests.Session()
        n = 0
        while time.monotonic() < stop:
            statuses[kind].append(send(session, n).status_code)
            n += 1

    def call(session, n):
        return session.post(web.url + "/v1/batch", auth=(WRITE_KEY, ""), timeout=30, json={"batch": [
            track(type="track", messageId=f"race-{threading.get_ident()}-{n}"), track(type="identify")]})

    def page(session, n):
        path = ("/__segfn__/health", "/__segfn__/messages?limit=20&full=1", "/__segfn__/summary", "/")[n % 4]
        return session.get(web.url + path, timeout=30)

    def reset(session, n):
        return session.post(web.url + "/__segfn__/reset", json={}, headers={"X-Segfn-Control": "1"}, timeout=30)

    try:
        threads = [threading.Thread(target=loop, args=("calls", call)) for _ in range(3)]
        threads += [threading.Thread(target=loop, args=("pages", page)) for _ in range(2)]
        threads += [threading.Thread(target=loop, args=("resets", reset))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert all(statuses.values()), statuses
        for kind, found in statuses.items():
            assert set(found) == {200}, (kind, sorted(set(found)))
        still_serving(web.url, local, "after-resets")
    finally:
        web.stop()
        local.close()
