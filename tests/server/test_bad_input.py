"""Bad input of every kind gets Segment's status and a message that says what and where, and the
server keeps serving: after each case a valid message is accepted and delivered, at the end every
valid message has been delivered (nothing accepted before a bad request is lost), a batch's valid
items are kept whatever its faulty ones hold, and no answer is ever 500.

Kinds (issue 17): lone surrogates, numbers past 4,300 digits, timestamps whose correction leaves
years 1-9999, NaN/Infinity/1e400, gzip cut short or with a wrong CRC or junk after it, huge ids on
the control and debugger paths, hostile fixture paths, bodies too deep for the mock Sprig."""

from __future__ import annotations

import base64
import gzip
import json
import zlib
from urllib.parse import urlsplit
from dataclasses import dataclass, field
from typing import Any

import pytest
import requests

from tests.server.conftest import WRITE_KEY, exchange, sprig_like_server, wait_for

JSON = {"Content-Type": "application/json"}
CONTROL = {**JSON, "X-Segfn-Control": "1"}  # what a state-changing control call must carry
SPRIG = {**JSON, "Authorization": "API-Key reader"}


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
    keep: tuple[str, ...] = ()  # messageIds of valid messages in the same call: stored and delivered
    stored: dict[str, Any] | None = None  # for a kept message: fields its stored copy must have
    html: bool = False  # a debugger page: an HTML answer, not JSON


def nested(levels: int) -> bytes:
    """JSON of exactly ``levels`` levels of objects and arrays: ``{"a": {"a": ... [1] ...}}``."""
    return b'{"a": ' * (levels - 1) + b"[1]" + b"}" * (levels - 1)


def deep_track(levels: int, message_id: str = "deep") -> bytes:
    """A track whose body is ``levels`` deep in all (the body is level 1, its properties level 2)."""
    return b'{"userId": "u", "event": "Deep", "messageId": "' + message_id.encode() + b'", "properties": ' \
        + nested(levels - 1) + b"}"


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
    Case("numeric messageId", "/v1/track", body(track(messageId=123)), 200, "messageId must be a string",
         code="invalid_message_id", where="$.messageId"),
    Case("X-Segfn-Control: 0", "/__segfn__/flush", body({}), 403, "X-Segfn-Control: 1",
         headers={**JSON, "X-Segfn-Control": "0"}),
    Case("X-Segfn-Control: yes", "/__segfn__/reset", body({}), 403, "X-Segfn-Control: 1",
         headers={**JSON, "X-Segfn-Control": "yes"}),
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
    Case("wrong write key", "/v1/track", body(track()), 401, "no source has the write key 'not***' (9 characters)",
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
    # --- lone surrogates: valid JSON escapes, read as U+FFFD (as Go's encoding/json reads them) ----------
    Case("lone high surrogate in event", "/v1/track", b'{"userId": "u", "event": "cut \\ud83d", "messageId": "sur-1"}',
         200, "", keep=("sur-1",), stored={"event": "cut \ufffd"}),
    Case("lone low surrogate in userId", "/v1/track", b'{"userId": "\\udc00u", "event": "A", "messageId": "sur-2"}',
         200, "", keep=("sur-2",), stored={"userId": "\ufffdu"}),
    Case("lone surrogate in a property key", "/v1/track",
         b'{"userId": "u", "event": "A", "messageId": "sur-3", "properties": {"\\ud800k": 1}}', 200, "",
         keep=("sur-3",), stored={"properties": {"\ufffdk": 1}}),
    Case("lone surrogate in a trait", "/v1/identify",
         b'{"userId": "u", "messageId": "sur-4", "traits": {"a": "x\\udbffy"}}', 200, "",
         keep=("sur-4",), stored={"traits": {"a": "x\ufffdy"}}),
    Case("reversed surrogate pair", "/v1/track", b'{"userId": "u", "event": "\\udc00\\ud800", "messageId": "sur-5"}',
         200, "", keep=("sur-5",), stored={"event": "\ufffd\ufffd"}),
    Case("a valid surrogate pair stays an emoji", "/v1/track",
         b'{"userId": "u", "event": "\\ud83d\\ude00", "messageId": "sur-6"}', 200, "", keep=("sur-6",),
         stored={"event": "\U0001F600"}),
    Case("lone surrogate in the messageId", "/v1/track", b'{"userId": "u", "event": "A", "messageId": "sur-7\\ud800"}',
         200, "", keep=("sur-7\ufffd",)),
    Case("lone surrogate in a context key", "/v1/page",
         b'{"userId": "u", "messageId": "sur-8", "context": {"\\udfff": {"\\ud800": "\\ud800"}}}', 200, "",
         keep=("sur-8",), stored={"context": {"\ufffd": {"\ufffd": "\ufffd"}}}),
    Case("lone surrogates in a batch keep every item", "/v1/batch",
         b'{"batch": [{"type": "track", "userId": "u", "event": "\\ud800", "messageId": "sur-9a"},'
         b' {"type": "track", "userId": "u", "event": "fine", "messageId": "sur-9b"}]}', 200, "",
         keep=("sur-9a", "sur-9b")),
    Case("lone surrogate in the batch context", "/v1/batch",
         b'{"context": {"k": "\\ud800"}, "batch": [{"type": "track", "userId": "u", "event": "A",'
         b' "messageId": "sur-10"}]}', 200, "", keep=("sur-10",), stored={"context": {"k": "\ufffd"}}),
    Case("lone surrogate in a body writeKey", "/v1/track", b'{"writeKey": "\\ud800key", "userId": "u", "event": "A"}',
         401, "no source has the write key", headers=JSON),
    Case("lone surrogate in a rejected message", "/v1/track", b'{"event": "\\ud800"}', 200,
         "neither a userId nor an anonymousId", code="no_user_anon_id", where="$"),
    Case("UTF-8-encoded surrogate bytes", "/v1/track", b'{"userId": "u", "event": "\xed\xa0\x80"}', 400,
         "not UTF-8 (invalid byte at offset 26)"),
    # --- numbers past 4,300 digits: only the message holding one is refused --------------------------
    Case("5,000-digit property", "/v1/track", b'{"userId": "u", "event": "A", "properties": {"n": ' + b"7" * 5000 + b"}}",
         200, "a number with 5,000 digits", code="invalid_number", where="$.properties.n"),
    Case("5,000-digit negative number in a list", "/v1/track",
         b'{"userId": "u", "event": "A", "properties": {"l": [1, 2, -' + b"7" * 5000 + b"]}}", 200,
         "5,000 digits", code="invalid_number", where="$.properties.l[2]"),
    Case("5,000-digit userId", "/v1/identify", b'{"userId": ' + b"1" * 5000 + b"}", 200, "5,000 digits",
         code="invalid_number", where="$.userId"),
    Case("4,301 digits", "/v1/track", b'{"userId": "u", "event": "A", "properties": {"n": ' + b"1" * 4301 + b"}}",
         200, "4,301 digits (more than 4,300)", code="invalid_number", where="$.properties.n"),
    Case("4,300 digits are kept exactly", "/v1/track",
         b'{"userId": "u", "event": "A", "messageId": "digits-4300", "properties": {"n": ' + b"1" * 4300 + b"}}",
         200, "", keep=("digits-4300",), stored={"properties": {"n": int("1" * 4300)}}),
    Case("a huge number in one batch item keeps the others", "/v1/batch",
         b'{"batch": [{"type": "track", "userId": "u", "event": "A", "messageId": "num-a"},'
         b' {"type": "track", "userId": "u", "event": "B", "properties": {"n": ' + b"9" * 5000 + b"}},"
         b' {"type": "track", "userId": "u", "event": "C", "messageId": "num-c"}]}', 200, "5,000 digits",
         code="invalid_number", where="$.batch[1].properties.n", keep=("num-a", "num-c")),
    Case("a huge number in the batch context", "/v1/batch",
         b'{"context": {"n": ' + b"9" * 5000 + b'}, "batch": [{"type": "track", "userId": "u", "event": "A"}]}', 400,
         "outside every message", where="$.context.n"),
    Case("a huge number in a gzip body", "/v1/track",
         gzip.compress(b'{"userId": "u", "event": "A", "properties": {"n": ' + b"5" * 6000 + b"}}"), 200,
         "6,000 digits", code="invalid_number", where="$.properties.n",
         headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("a 5,000-digit float overflows", "/v1/track",
         b'{"userId": "u", "event": "A", "properties": {"n": ' + b"9" * 5000 + b'.5}}', 400, "overflows to infinity"),
    # --- timestamps whose correction leaves years 1-9999 -----------------------------------------------
    Case("timestamp 0001 sent at 9999", "/v1/track",
         body(track(timestamp="0001-01-01T00:00:00Z", sentAt="9999-12-31T23:59:59Z")), 200, "outside the years 1-9999",
         code="invalid_timestamp", where="$.sentAt"),
    Case("timestamp 9999 sent at 0001", "/v1/track",
         body(track(timestamp="9999-12-31T23:59:59Z", sentAt="0001-01-01T00:00:00Z")), 200, "outside the years 1-9999",
         code="invalid_timestamp", where="$.sentAt"),
    Case("originalTimestamp 0001 sent at 9999", "/v1/track",
         body(track(originalTimestamp="0001-01-01", sentAt="9999-12-31")), 200, "outside the years 1-9999",
         code="invalid_timestamp", where="$.sentAt"),
    Case("a batch sentAt of 9999 refuses only the item it overflows", "/v1/batch",
         body({"sentAt": "9999-12-31T00:00:00Z", "batch": [
             {"type": "track", "userId": "u", "event": "A", "timestamp": "0001-01-01T00:00:00Z"},
             {"type": "track", "userId": "u", "event": "B", "messageId": "time-b", "timestamp": "9999-12-30T00:00:00Z"},
             {"type": "track", "userId": "u", "event": "C", "messageId": "time-c", "sentAt": "2024-01-01T00:00:00Z"}]}),
         200, "outside the years 1-9999", code="invalid_timestamp", where="$.batch[0].sentAt",
         keep=("time-b", "time-c")),
    Case("year 1 with a positive offset", "/v1/track", body(track(timestamp="0001-01-01T00:30:00+01:00")), 200,
         "ISO-8601", code="invalid_timestamp", where="$.timestamp"),
    Case("year 9999 with a negative offset", "/v1/track", body(track(sentAt="9999-12-31T23:30:00-01:00")), 200,
         "ISO-8601", code="invalid_timestamp", where="$.sentAt"),
    Case("year 0", "/v1/track", body(track(timestamp="0000-06-01T00:00:00Z")), 200, "ISO-8601",
         code="invalid_timestamp", where="$.timestamp"),
    Case("year 1 without sentAt is kept", "/v1/identify", body({"userId": "u", "timestamp": "0001-01-01T00:00:00Z",
                                                                 "messageId": "y1"}),
         200, "", keep=("y1",), stored={"timestamp": "0001-01-01T00:00:00.000Z"}),
    # --- NaN, Infinity, 1e400: not JSON ------------------------------------------------------------------
    Case("NaN userId", "/v1/track", b'{"userId": NaN, "event": "A"}', 400, "column 12: NaN is not valid JSON"),
    Case("Infinity property", "/v1/track", b'{"userId": "u", "event": "A", "properties": {"x": Infinity}}', 400,
         "Infinity is not valid JSON"),
    Case("-Infinity property", "/v1/track", b'{"userId": "u", "event": "A", "properties": {"x": -Infinity}}', 400,
         "-Infinity is not valid JSON"),
    Case("1e400", "/v1/track", b'{"userId": "u", "event": "A", "properties": {"x": 1e400}}', 400,
         "the number 1e400 overflows to infinity"),
    Case("-1e400", "/v1/identify", b'{"userId": "u", "traits": {"x": -1e400}}', 400, "overflows to infinity"),
    Case("NaN in one batch item", "/v1/batch",
         b'{"batch": [{"type": "track", "userId": "u", "event": "A", "properties": {"x": NaN}}]}', 400,
         "NaN is not valid JSON"),
    Case("NaN with a huge integer beside it", "/v1/track",
         b'{"userId": "u", "event": "A", "properties": {"big": 123456789012345678901, "n": NaN}}', 400,
         "NaN is not valid JSON"),
    Case("NaN as text/plain", "/v1/t", b'{"userId": NaN, "event": "A"}', 400, "NaN is not valid JSON",
         headers={"Content-Type": "text/plain", **auth()}),
    Case("Infinity in a gzip body", "/v1/track", gzip.compress(b'{"userId": "u", "event": "A", "n": Infinity}'), 400,
         "Infinity is not valid JSON", headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    # --- gzip: trailer, CRC, what follows the member -----------------------------------------------------
    Case("gzip without its CRC trailer", "/v1/track", gzip.compress(body(track()))[:-8], 400,
         "cut short (member 1, from byte 0): it ends before its CRC-32", headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("gzip without its length", "/v1/track", gzip.compress(body(track()))[:-4], 400, "cut short",
         headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("gzip cut in the middle", "/v1/track", gzip.compress(body(track(properties={"p": "y" * 500})))[:30], 400,
         "cut short", headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("gzip with a wrong CRC", "/v1/track",
         (lambda g: g[:-8] + bytes(b ^ 0xFF for b in g[-8:-4]) + g[-4:])(gzip.compress(body(track()))), 400,
         "its CRC-32 does not match the data", headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("gzip with a wrong length", "/v1/track",
         (lambda g: g[:-4] + b"\x01\x00\x00\x00")(gzip.compress(body(track()))), 400,
         "its length trailer does not match", headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("gzip with junk after the member", "/v1/track", gzip.compress(body(track())) + b"junk", 400,
         "4 byte(s) after its last member", headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("gzip with a second member cut short", "/v1/track",
         gzip.compress(b'{"userId": "u",') + gzip.compress(b' "event": "A"}')[:-8], 400,
         "cut short (member 2", headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("two gzip members are one body", "/v1/track",
         gzip.compress(b'{"userId": "u", "messageId": "gz-2",') + gzip.compress(b' "event": "A"}'), 200, "",
         keep=("gz-2",), headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("an empty gzip body", "/v1/track", b"", 400, "cut short",
         headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    # --- found by attacking segfn serve (hostile-http): each was a 500 ---------------------------------------
    Case("non-ASCII bytes in Basic auth", "/v1/track", body(track()), 401, "not valid Basic auth",
         headers={**JSON, "Authorization": "Basic \xff\xfe\xe9"}),
    Case("non-ASCII Basic auth on a batch", "/v1/batch", body({"batch": [track(type="track")]}), 401,
         "not valid Basic auth", headers={**JSON, "Authorization": "Basic d2\xe9=="}),
    Case("a timestamp offset of +99:99", "/v1/track", body(track(timestamp="2024-01-01T00:00:00+99:99")), 200,
         "ISO-8601", code="invalid_timestamp", where="$.timestamp"),
    Case("a sentAt offset of -24:00", "/v1/track", body(track(sentAt="2024-01-01T00:00:00-24:00")), 200,
         "ISO-8601", code="invalid_timestamp", where="$.sentAt"),
    Case("an offset of +05:99 minutes", "/v1/identify", body({"userId": "u", "timestamp": "2024-01-01T00:00:00+0599"}),
         200, "ISO-8601", code="invalid_timestamp", where="$.timestamp"),
    Case("an offset past 24 hours in one batch item keeps the others", "/v1/batch",
         body({"batch": [track(type="track", messageId="off-a"),
                         track(type="track", originalTimestamp="2024-01-01T00:00:00+99:00"),
                         track(type="track", messageId="off-c", timestamp="2024-01-01T00:00:00+23:59")]}),
         200, "ISO-8601", code="invalid_timestamp", where="$.batch[1].originalTimestamp", keep=("off-a", "off-c")),
    Case("a date in Arabic-Indic digits", "/v1/track", body(track(timestamp="\u0662\u0660\u0662\u0664-\u0660\u0661-\u0660\u0661")),
         200, "ISO-8601", code="invalid_timestamp", where="$.timestamp"),
    Case("a date in full-width digits", "/v1/page", body({"userId": "u", "sentAt": "\uff12\uff10\uff12\uff14-01-01"}),
         200, "ISO-8601", code="invalid_timestamp", where="$.sentAt"),
    # nesting past 500 levels (the body is level 1): only the message holding it is refused, as a number
    # past 4,300 digits is; past what orjson reads (1,024) the body is no JSON segfn can read: 400
    Case("1,000 levels deep", "/v1/track", deep_track(1000), 200, "nested too deeply: more than 500 levels",
         code="too_deep", where="$.properties" + ".a" * 499),
    Case("1,023 levels deep in one batch item keeps the others (orjson reads 1,024)", "/v1/batch",
         b'{"batch": [{"type": "track", "userId": "u", "event": "A", "messageId": "deep-a"}, {"type": "track", '
         b'"userId": "u", "event": "A", "context": ' + nested(1020) + b'}, {"type": "track", "userId": "u", '
         b'"event": "C", "messageId": "deep-c"}]}', 200, "nested too deeply", code="too_deep",
         where="$.batch[1].context" + ".a" * 497, keep=("deep-a", "deep-c")),
    Case("a userId 1,000 levels deep", "/v1/identify", b'{"userId": ' + nested(999) + b"}", 200,
         "nested too deeply", code="too_deep", where="$.userId" + ".a" * 499),
    Case("an array 995 levels deep", "/v1/alias",
         b'{"userId": "u", "previousId": "p", "traits": ' + b"[" * 994 + b"]" * 994 + b"}", 200,
         "nested too deeply", code="too_deep", where="$.traits" + "[0]" * 499),
    Case("501 levels deep", "/v1/track", deep_track(501), 200, "more than 500 levels", code="too_deep",
         where="$.properties" + ".a" * 499),
    Case("500 levels deep are kept", "/v1/track", deep_track(500, "deep-500"), 200, "", keep=("deep-500",)),
    Case("a batch item 498 levels deep is kept (the body is 500)", "/v1/batch",
         b'{"batch": [{"type": "track", "userId": "u", "event": "A", "messageId": "deep-498", "properties": '
         + nested(497) + b"}]}", 200, "", keep=("deep-498",)),
    Case("a batch context 600 levels deep refuses the batch", "/v1/batch",
         b'{"context": ' + nested(599) + b', "batch": [{"type": "track", "userId": "u", "event": "A"}]}', 400,
         "outside every message", where="$.context" + ".a" * 499),
    Case("2,000 levels deep is past what segfn can read", "/v1/track", deep_track(2000), 400, "nested too deeply"),
    Case("1,000 levels deep in a gzip body", "/v1/track", gzip.compress(deep_track(1000), mtime=0), 200,
         "nested too deeply", code="too_deep", where="$.properties" + ".a" * 499,
         headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("a gzip batch with an item 1,020 levels deep keeps the others", "/v1/batch",
         gzip.compress(b'{"batch": [{"type": "identify", "userId": "u", "messageId": "gz-deep-a", "traits": '
                       + nested(1019) + b'}, {"type": "identify", "userId": "u", "messageId": "gz-deep-b"}]}', mtime=0),
         200, "nested too deeply", code="too_deep", where="$.batch[0].traits" + ".a" * 497, keep=("gz-deep-b",),
         headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("a gzip message whose JSON is over 32 KB", "/v1/track",
         gzip.compress(b'{"userId": "u", "event": "A"' + b" " * (33 * 1024) + b"}", mtime=0), 400,
         "the limit is 32768 (32 KB)", headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    Case("a control body 600 levels deep", "/__segfn__/replay", nested(600), 400, "nested too deeply: more than 500",
         headers=CONTROL),
    Case("a Sprig body 600 levels deep", "/sprig/v2/users", b'{"userId": "u", "attributes": ' + nested(599) + b"}",
         400, "nested too deeply: more than 500", headers=SPRIG),
    Case("a Sprig purge delay of 10**40 seconds", "/sprig/v2/purge/visitors",
         body({"userIds": ["u-1"], "delaySeconds": 10 ** 40}), 400, "$.delaySeconds", headers=SPRIG),
    Case("a Sprig event after the year 9999", "/sprig/v2/users",
         body({"userId": "sprig-late", "events": [{"event": "e", "timestamp": 10 ** 20}]}), 422,
         "$.events[0].timestamp", headers=SPRIG),
    Case("a Sprig event at 1e308", "/sprig/v2/users",
         b'{"userId": "sprig-late", "events": [{"event": "e", "timestamp": 1e308}]}', 422, "$.events[0].timestamp",
         headers=SPRIG),
    Case("20,000 gzip members", "/v1/batch",
         b"".join(gzip.compress(bytes([c]), mtime=0)
                  for c in body({"batch": [track(type="track", messageId="gz-many")]})) + gzip.compress(b"", mtime=0) * 20000,
         200, "", keep=("gz-many",), headers={**JSON, **auth(), "Content-Encoding": "gzip"}),
    # --- the control API and the debugger: ids, fixture paths --------------------------------------------
    Case("debugger page of a huge id", "/messages/" + "9" * 30, b"", 404, "Not Found", method="GET", html=True),
    Case("debugger page past 64 bits", "/messages/9223372036854775808", b"", 404, "Not Found", method="GET",
         html=True),
    Case("control message of a huge id", "/__segfn__/messages/" + "9" * 30, b"", 404, "no message 9999",
         method="GET"),
    Case("control message past 64 bits", "/__segfn__/messages/9223372036854775808", b"", 404, "no message",
         method="GET"),
    Case("control messages after a huge id", "/__segfn__/messages?after=" + "9" * 30, b"", 400, "?after= must be",
         method="GET"),
    Case("control summary of a huge bucket", "/__segfn__/summary?bucket=" + "9" * 30, b"", 400, "?bucket= must be",
         method="GET"),
    Case("replay a NUL byte", "/__segfn__/replay", body({"fixture": "fixtures/a\x00b.json"}), 400,
         "cannot hold a NUL byte", headers=CONTROL, where="$.fixture"),
    Case("replay a 5,000-character name", "/__segfn__/replay", body({"fixture": "f" * 5000}), 400,
         "not a usable path (File name too long)", headers=CONTROL, where="$.fixture"),
    Case("replay outside the project", "/__segfn__/replay", body({"fixture": "../../../../etc/passwd"}), 400,
         "fixtures must be inside the project folder", headers=CONTROL, where="$.fixture"),
    Case("replay a missing fixture", "/__segfn__/replay", body({"fixture": "fixtures/none.json"}), 400,
         "no such fixture file", headers=CONTROL, where="$.fixture"),
    Case("replay without a fixture", "/__segfn__/replay", body({"fixtures": "x"}), 400, 'send {"fixture"',
         headers=CONTROL),
    Case("replay a body that is not JSON", "/__segfn__/replay", b"{fixture", 400, "the body must be JSON",
         headers=CONTROL),
    Case("replay a NaN body", "/__segfn__/replay", b'{"fixture": NaN}', 400, "the body must be JSON",
         headers=CONTROL),
    # --- the mock Sprig ---------------------------------------------------------------------------------
    Case("Sprig body 10,000 deep", "/sprig/v2/users", b"[" * 10000 + b"]" * 10000, 400, "nested too deeply",
         headers=SPRIG),
    Case("Sprig object 10,000 deep", "/sprig/v2/users", b'{"a":' * 10000 + b"1" + b"}" * 10000, 400,
         "nested too deeply", headers=SPRIG),
    Case("Sprig NaN", "/sprig/v2/users", b'{"userId": NaN}', 400, "NaN is not valid JSON", headers=SPRIG),
    Case("Sprig Infinity", "/sprig/v2/users", b'{"userId": "u", "attributes": {"a": Infinity}}', 400,
         "Infinity is not valid JSON", headers=SPRIG),
    Case("Sprig 1e400", "/sprig/v2/users", b'{"userId": "u", "attributes": {"a": 1e400}}', 400,
         "overflows to infinity", headers=SPRIG),
    Case("Sprig 5,000-digit number", "/sprig/v2/users", b'{"userId": "u", "attributes": {"a": ' + b"1" * 5000 + b"}}",
         400, "5,000 digits", headers=SPRIG),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with sprig_like_server(tmp_path_factory.mktemp("bad-input")) as running:
        yield running


def test_there_are_at_least_80_cases():
    assert len(CASES) >= 80


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input_gets_its_status_and_a_clear_message(server, case: Case):
    url, local = server
    answer = requests.request(case.method, url + case.path, data=case.data, headers=case.headers, timeout=30)
    assert answer.status_code == case.status, answer.text
    assert answer.status_code < 500 and "Traceback" not in answer.text
    if case.html:
        assert answer.headers["Content-Type"].startswith("text/html") and case.says in answer.text
    else:
        reply = answer.json()  # always JSON, never a traceback or an HTML page
        said = reply.get("message") or reply.get("error") or ""
        if case.status == 200:
            rejected = reply.get("rejected", [])
            if case.code is None:  # kept: nothing of the call is refused
                assert rejected == [], reply
            else:
                [refused] = rejected
                assert case.says in refused["message"], refused
                assert (refused["code"], refused["path"]) == (case.code, case.where)
        else:
            assert reply.get("success") is False or "error" in reply, reply
            assert case.says in said, reply
            if case.where:
                assert reply["path"] == case.where, reply
    for message_id in case.keep:  # the valid messages of the call are kept, and delivered
        [kept] = wait_for(lambda: [m for m in local.store.messages(q=message_id, outcome="delivered")
                                   if m["messageId"] == message_id], 20,
                          lambda: f"{message_id} not delivered: {local.store.messages(limit=3)}")
        if case.stored:
            stored = local.store.message(kept["seq"])["message"]
            assert {k: stored.get(k) for k in case.stored} == case.stored
    # the server keeps serving, and delivers a good message sent right after
    canary = f"canary-{case.name}"
    ok = requests.post(url + "/v1/track", json=track(messageId=canary), auth=(WRITE_KEY, ""), timeout=10)
    assert ok.status_code == 200 and ok.json() == {"success": True}
    wait_for(lambda: [m["messageId"] for m in local.store.messages(q=canary, outcome="delivered")] == [canary], 20,
             lambda: f"{canary} not delivered: {local.store.messages(q=canary)}")


def test_nothing_accepted_is_lost_and_every_good_message_is_delivered(tmp_path):
    """All the cases in a row against a fresh server, a good message before and after each: every
    good one ends delivered, and the 2,501-event batch's first 2,500 are kept."""
    with sprig_like_server(tmp_path) as (url, local):
        good = []
        for index, case in enumerate(CASES):
            for when in ("before", "after"):
                good.append(f"good-{index}-{when}")
                answer = requests.post(url + "/v1/track", json=track(messageId=good[-1]), auth=(WRITE_KEY, ""),
                                       timeout=10)
                assert answer.status_code == 200
                if when == "before":
                    bad = requests.request(case.method, url + case.path, data=case.data, headers=case.headers,
                                           timeout=30)
                    assert bad.status_code == case.status
                    good.extend(case.keep)
        wait_for(lambda: local.store.stats()["unsettled"] == 0, 300,  # generous: CI shares 2 cores
                 lambda: str(local.store.stats()))
        delivered = {m["messageId"] for m in local.store.messages(outcome="delivered", limit=10000)}
        assert set(good) <= delivered
        assert len(local.store.messages(event="Bulk 2501", outcome="delivered", limit=3000)) == 2500


@pytest.mark.parametrize("path", ["/v1/batch", "/__segfn__/replay", "/sprig/v2/users"])
def test_a_body_over_what_waitress_reads_is_a_json_413(server, path):
    """waitress refuses a declared body over MAX_REQUEST_BODY before the app runs; the answer is the
    same JSON shape as every other error under these paths, not waitress's text/plain page."""
    from segfn.emulator.server.run import MAX_REQUEST_BODY

    url, _ = server
    status, headers, payload = exchange(url, f"POST {path} HTTP/1.1\nHost: {urlsplit(url).netloc}\n"
                                             f"Content-Type: application/json\nOrigin: https://shop.example\n"
                                             f"Content-Length: {MAX_REQUEST_BODY + 1}")
    assert status == 413, payload
    assert headers["content-type"] == "application/json", headers
    reply = json.loads(payload)
    assert reply["success"] is False and reply["code"] == "request_too_large", reply
    assert "500 KB" in reply["message"] and "max_body" not in reply["message"]
    if path.startswith("/v1/"):
        assert headers["access-control-allow-origin"] == "https://shop.example"
