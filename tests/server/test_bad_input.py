"""Bad input of every kind gets Segment's status and a message that says what and where, and the
server keeps serving: after each case a valid message is accepted, and at the end every valid
message has been delivered (nothing accepted before a bad request is lost)."""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import requests

from segfn.emulator.local import LocalSegment, ServeOptions
from segfn.emulator.server import create_app
from segfn.emulator.server.run import WebServer
from tests.server.conftest import SPRIG_LIKE, WRITE_KEY, wait_for, write_workspace

JSON = {"Content-Type": "application/json"}


def auth(key: str = WRITE_KEY) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{key}:".encode()).decode()}


def body(value: Any) -> bytes:
    return json.dumps(value).encode()


def track(**fields: Any) -> dict[str, Any]:
    return {"userId": "u-1", "event": "Survey Shown", **fields}


def bomb() -> bytes:
    """50 MB of zeros in a 50 KB gzip body: it must be refused, not inflated."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    chunk = b"0" * (1 << 20)
    return b"".join(compressor.compress(chunk) for _ in range(50)) + compressor.flush()


@dataclass
class Case:
    name: str
    path: str
    data: bytes | str
    status: int
    says: str  # a phrase the answer's message must contain
    headers: dict[str, str] = field(default_factory=lambda: {**JSON, **auth()})
    code: str | None = None  # the rejection code, for 200-but-dropped cases
    where: str | None = None  # the JSON path named
    method: str = "POST"


BIG = "x" * (33 * 1024)
CASES = [
    Case("invalid JSON", "/v1/track", b'{"userId": "u", "event": }', 400, "invalid JSON at line 1, column 26"),
    Case("empty body", "/v1/track", b"", 400, "invalid JSON"),
    Case("truncated JSON", "/v1/batch", b'{"batch": [{"type": "track"', 400, "invalid JSON"),
    Case("a JSON array body", "/v1/track", body([track()]), 400, "the body must be a JSON object"),
    Case("a JSON string body", "/v1/identify", body("hello"), 400, "the body must be a JSON object"),
    Case("batch without batch", "/v1/batch", body({"messages": []}), 400, "a batch body needs a `batch` array"),
    Case("batch that is an object", "/v1/batch", body({"batch": {"type": "track"}}), 400, "`batch` array"),
    Case("message over 32 KB", "/v1/track", body(track(properties={"blob": BIG})), 400, "the limit is 32768 (32 KB)"),
    Case("batch item over 32 KB", "/v1/batch",
         body({"batch": [track(type="track"), track(type="track", properties={"blob": BIG})]}), 400,
         "the limit is 32768 (32 KB)", where="$.batch[1]"),
    Case("batch over 500 KB", "/v1/batch",
         body({"batch": [track(type="track", properties={"blob": "y" * 30000}) for _ in range(20)]}), 400,
         "500 KB"),
    Case("2,501 events", "/v1/batch",
         body({"batch": [{"type": "track", "userId": "u", "event": "Bulk 2501"} for _ in range(2501)]}), 200,
         "at most 2500 messages", code="batch_too_many_messages", where="$.batch[2500]"),
    Case("101-character messageId", "/v1/track", body(track(messageId="m" * 101)), 200, "100",
         code="message_id_too_long", where="$.messageId"),
    Case("no userId or anonymousId", "/v1/track", body({"event": "A"}), 200, "neither a userId nor an anonymousId",
         code="no_user_anon_id", where="$"),
    Case("track without event", "/v1/track", body({"userId": "u"}), 200, "event", code="no_event",
         where="$.event"),
    Case("group without groupId", "/v1/group", body({"userId": "u"}), 200, "groupId", code="no_group_id",
         where="$.groupId"),
    Case("alias without previousId", "/v1/alias", body({"userId": "u"}), 200, "previousId",
         code="no_previous_id", where="$.previousId"),
    Case("userId of the wrong type", "/v1/track", body(track(userId={"id": 1})), 200, "userId must be",
         code="invalid_user_id", where="$.userId"),
    Case("properties of the wrong type", "/v1/track", body(track(properties="plan=pro")), 200,
         "properties must be an object", code="invalid_field", where="$.properties"),
    Case("event of the wrong type", "/v1/track", body(track(event=42)), 200, "event", code="no_event",
         where="$.event"),
    Case("timestamp that is not a date", "/v1/track", body(track(timestamp="yesterday")), 200, "ISO-8601",
         code="invalid_timestamp", where="$.timestamp"),
    Case("unknown type in a batch", "/v1/batch", body({"batch": [{"type": "purchase", "userId": "u"}]}), 200,
         "type must be one of", code="invalid_type", where="$.batch[0].type"),
    Case("batch item that is not an object", "/v1/batch", body({"batch": [7]}), 200, "JSON object",
         code="invalid_message", where="$.batch[0]"),
    Case("non-UTF-8 body", "/v1/track", b'{"userId": "u", "event": "caf\xe9"}', 400, "not UTF-8"),
    Case("deep nesting", "/v1/track", b'{"userId": "u", "event": "A", "properties": ' + b"[" * 100000
         + b"]" * 100000 + b"}", 400, "nested too deeply"),
    Case("wrong write key", "/v1/track", body(track()), 401, "no source has the write key 'not-a-key'",
         headers={**JSON, **auth("not-a-key")}),
    Case("no write key", "/v1/track", body(track()), 401, "no write key", headers=JSON),
    Case("malformed Basic auth", "/v1/track", body(track()), 401, "not valid Basic auth",
         headers={**JSON, "Authorization": "Basic %%%not-base64"}),
    Case("writeKey that is not a string", "/v1/track", body(track(writeKey=12345)), 400, "writeKey must be a string",
         headers=JSON, where="$.writeKey"),
    Case("form content type", "/v1/track", "userId=u&event=A", 400, "Content-Type must be application/json",
         headers={"Content-Type": "application/x-www-form-urlencoded", **auth()}),
    Case("missing content type", "/v1/track", body(track()), 400, "Content-Type is missing", headers=auth()),
    Case("gzip bomb", "/v1/batch", bomb(), 400, "inflates past",
         headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("gzip body whose JSON is over 500 KB", "/v1/batch",
         gzip.compress(body({"batch": [track(type="track", properties={"blob": "y" * 30000}) for _ in range(20)]}),
                       mtime=0), 400, "the limit is 512000 (500 KB)",
         headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("corrupt gzip", "/v1/track", b"\x1f\x8b\x08\x00not really gzip", 400, "gzip body is corrupt",
         headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("unsupported content encoding", "/v1/track", body(track()), 400, "not supported",
         headers={**JSON, **auth(), "Content-Encoding": "br"}),
    Case("unknown endpoint", "/v1/purchase", body(track()), 404, "no Tracking API endpoint /v1/purchase"),
    Case("GET on the Tracking API", "/v1/track", b"", 405, "Method Not Allowed", method="GET"),
    Case("a body declared over 500 KB", "/v1/batch", b"{" + b" " * (600 * 1024) + b"}", 400, "the limit is 512000"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-input")
    local = LocalSegment(ServeOptions(workspace=write_workspace(folder, [SPRIG_LIKE]), db=folder / "s.sqlite",
                                      retry_window=timedelta(seconds=30), env={}))
    web = WebServer(create_app(local=local), port=0).start()
    yield web.url, local
    web.stop()
    local.close()


def test_there_are_at_least_25_cases():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_its_status_and_a_clear_message(server, case: Case):
    url, local = server
    answer = requests.request(case.method, url + case.path, data=case.data, headers=case.headers, timeout=30)
    assert answer.status_code == case.status, answer.text
    reply = answer.json()  # always JSON, never a traceback or an HTML page
    assert "Traceback" not in answer.text
    if case.status == 200:
        [rejected] = reply["rejected"]
        assert case.says in rejected["message"]
        assert (rejected["code"], rejected["path"]) == (case.code, case.where)
    else:
        assert reply["success"] is False
        assert case.says in reply["message"], reply
        if case.where:
            assert reply["path"] == case.where
    # the server keeps serving, and commits a good message right after
    canary = f"canary-{case.name}"
    ok = requests.post(url + "/v1/track", json=track(messageId=canary), auth=(WRITE_KEY, ""), timeout=10)
    assert ok.status_code == 200
    assert [m["messageId"] for m in local.store.messages(q=canary)] == [canary]


def test_nothing_accepted_is_lost_and_every_good_message_is_delivered(tmp_path):
    """All the cases in a row against a fresh server, a good message before and after each: every
    good one ends delivered, and the 2,501-event batch's first 2,500 are kept."""
    local = LocalSegment(ServeOptions(workspace=write_workspace(tmp_path, [SPRIG_LIKE]), db=tmp_path / "s.sqlite",
                                      retry_window=timedelta(seconds=30), env={}))
    web = WebServer(create_app(local=local), port=0).start()
    try:
        good = []
        for index, case in enumerate(CASES):
            for when in ("before", "after"):
                good.append(f"good-{index}-{when}")
                answer = requests.post(web.url + "/v1/track", json=track(messageId=good[-1]), auth=(WRITE_KEY, ""),
                                       timeout=10)
                assert answer.status_code == 200
                if when == "before":
                    bad = requests.request(case.method, web.url + case.path, data=case.data, headers=case.headers,
                                           timeout=30)
                    assert bad.status_code == case.status
        wait_for(lambda: local.store.stats()["unsettled"] == 0, 300,  # generous: CI shares 2 cores
                 lambda: str(local.store.stats()))
        delivered = {m["messageId"] for m in local.store.messages(q="good-", outcome="delivered", limit=1000)}
        assert delivered == set(good)
        assert len(local.store.messages(event="Bulk 2501", outcome="delivered", limit=3000)) == 2500
    finally:
        web.stop()
        local.close()
