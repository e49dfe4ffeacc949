"""The Tracking API's acceptance rules, normalisation, timestamp correction and dedupe."""

from __future__ import annotations

import gzip
import json
from datetime import datetime, timedelta, timezone

import pytest
from freezegun import freeze_time

from segfn.emulator.errors import BadRequestBody
from segfn.emulator.messages import (MAX_BATCH_MESSAGES, Deduper, TrackingApi, decode_body, format_date, parse_date,
                               schema_for)

NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=timezone.utc)


@pytest.fixture
def api() -> TrackingApi:
    return TrackingApi(clock=lambda: NOW, message_id=lambda: "generated-1")


# --- acceptance: each rule, with a bad input and the message it gets -------------------------

BAD_MESSAGES = [
    ({"event": "X"}, "no_user_anon_id", "$", "neither a userId nor an anonymousId"),
    ({"userId": "", "anonymousId": "", "event": "X"}, "no_user_anon_id", "$", "neither a userId"),
    ({"userId": "u"}, "no_event", "$.event", "needs an event name"),
    ({"userId": "u", "event": ""}, "no_event", "$.event", "needs an event name"),
    ({"userId": "u", "event": 5}, "no_event", "$.event", "needs an event name"),
    ({"userId": "u", "event": "X", "messageId": "m" * 101}, "message_id_too_long", "$.messageId", "at most 100"),
    ({"userId": "u", "event": "X", "messageId": 7}, "invalid_message_id", "$.messageId", "must be a string"),
    ({"userId": ["u"], "event": "X"}, "invalid_user_id", "$.userId", "userId must be a string"),
    ({"userId": "u", "event": "X", "properties": "nope"}, "invalid_field", "$.properties", "must be an object"),
    ({"userId": "u", "event": "X", "context": []}, "invalid_field", "$.context", "must be an object"),
    ({"userId": "u", "event": "X", "timestamp": "yesterday"}, "invalid_timestamp", "$.timestamp", "ISO-8601"),
]


@pytest.mark.parametrize("body, code, path, words", BAD_MESSAGES)
def test_a_bad_track_call_is_dropped_with_segments_code_and_a_json_path(api, body, code, path, words):
    result = api.accept("track", body)
    assert result.accepted == []
    [rejected] = result.rejected
    assert (rejected.error.code, rejected.error.path) == (code, path)
    assert words in str(rejected.error)
    assert rejected.error.status == 200  # Segment answers 200 and drops the message


@pytest.mark.parametrize("kind, body, code, path", [
    ("group", {"userId": "u"}, "no_group_id", "$.groupId"),
    ("alias", {"userId": "u"}, "no_previous_id", "$.previousId"),
    ("alias", {"anonymousId": "a", "previousId": "p"}, "no_user_id", "$.userId"),
    ("delete", {"anonymousId": "a"}, "no_user_id", "$.userId"),
    ("page", {"userId": "u", "name": 3}, "invalid_field", "$.name"),
    ("identify", {"userId": "u", "traits": "x"}, "invalid_field", "$.traits"),
])
def test_each_call_type_requires_its_fields(api, kind, body, code, path):
    [rejected] = api.accept(kind, body).rejected
    assert (rejected.error.code, rejected.error.path) == (code, path)


@pytest.mark.parametrize("kind", ["identify", "track", "page", "screen", "group", "alias", "delete"])
def test_every_call_type_has_a_schema_and_a_minimal_valid_message(api, kind):
    body = {"userId": "u", "event": "X", "groupId": "g", "previousId": "p"}
    assert schema_for(kind)["properties"]["type"] == {"const": kind}
    assert api.accept(kind, body).accepted[0].message["type"] == kind


def test_a_single_call_over_32_kb_is_a_400(api):
    body = {"userId": "u", "event": "X", "properties": {"blob": "x" * (32 * 1024)}}
    with pytest.raises(BadRequestBody, match=r"limit is 32768 \(32 KB\)"):
        api.accept("track", body)


def test_a_batch_over_500_kb_is_a_400(api):
    items = [{"type": "track", "userId": "u", "event": "X", "properties": {"b": "x" * 20_000}} for _ in range(30)]
    with pytest.raises(BadRequestBody, match=r"limit is 512000 \(500 KB\)"):
        api.accept("batch", {"batch": items})


def test_a_batch_item_over_32_kb_is_a_400_naming_the_item(api):
    items = [{"type": "track", "userId": "u", "event": "X"},
             {"type": "track", "userId": "u", "event": "X", "properties": {"b": "x" * 33_000}}]
    with pytest.raises(BadRequestBody) as caught:
        api.accept("batch", {"batch": items})
    assert caught.value.path == "$.batch[1]"


def test_a_batch_keeps_the_first_2500_messages_and_drops_the_rest(api):
    items = [{"type": "track", "userId": "u", "event": "X"} for _ in range(MAX_BATCH_MESSAGES + 1)]
    result = api.accept("batch", {"batch": items}, raw_size=1000)
    assert len(result.accepted) == MAX_BATCH_MESSAGES
    [dropped] = result.rejected
    assert dropped.error.code == "batch_too_many_messages"
    assert dropped.error.path == "$.batch[2500]"


def test_a_batch_without_a_batch_array_is_a_400(api):
    with pytest.raises(BadRequestBody, match="needs a `batch` array"):
        api.accept("batch", {"messages": []})


def test_bad_items_in_a_batch_do_not_lose_the_good_ones(api):
    items = [{"type": "track", "userId": "u", "event": "A"}, {"type": "nope", "userId": "u"}, "text",
             {"type": "track", "userId": "u", "event": "B"}]
    result = api.accept("batch", {"batch": items})
    assert [a.message["event"] for a in result.accepted] == ["A", "B"]
    assert [(r.error.code, r.error.path) for r in result.rejected] == [
        ("invalid_type", "$.batch[1].type"), ("invalid_message", "$.batch[2]")]


@pytest.mark.parametrize("raw, headers, words", [
    (b"{not json", {}, "invalid JSON at line 1, column 2"),
    (b"\xff\xfe{}", {}, "not UTF-8"),
    (b"{}", {"content_type": "text/plain"}, "Content-Type must be application/json"),
    (b"{}", {"content_encoding": "br"}, "Content-Encoding 'br' is not supported"),
    (b"not gzip", {"content_encoding": "gzip"}, "gzip body is corrupt"),
    (gzip.compress(b" " * 6_000_000, mtime=0), {"content_encoding": "gzip"}, "inflates past"),
    (b"[" * 100_000 + b"]" * 100_000, {}, "nested too deeply"),
])
def test_request_bodies_that_are_not_json_are_400s_with_a_clear_message(raw, headers, words):
    with pytest.raises(BadRequestBody, match=words):
        decode_body(raw, **headers)


def test_gzip_bodies_are_accepted():
    body = json.dumps({"userId": "u", "event": "X"}).encode()
    assert decode_body(gzip.compress(body), content_type="application/json", content_encoding="gzip") == {
        "userId": "u", "event": "X"}


# --- normalisation --------------------------------------------------------------------------


def test_normalisation_adds_message_id_received_at_and_timestamps(api):
    [accepted] = api.accept("track", {"userId": "u", "event": "X", "writeKey": "wk"}).accepted
    message = accepted.message
    assert accepted.generated_id and message["messageId"] == "generated-1"
    assert message["receivedAt"] == "2025-03-01T12:00:00.000Z"
    assert message["timestamp"] == "2025-03-01T12:00:00.000Z"  # no client time: receivedAt
    assert "originalTimestamp" not in message
    assert message["writeKey"] == "wk"  # kept, as Segment's events "may contain writeKey"


def test_a_supplied_message_id_is_kept(api):
    [accepted] = api.accept("track", {"userId": "u", "event": "X", "messageId": "mine"}).accepted
    assert (accepted.message["messageId"], accepted.generated_id) == ("mine", False)


@pytest.mark.parametrize("client, sent, expected", [
    # timestamp = receivedAt - (sentAt - originalTimestamp)   (spec/common.md)
    ("2025-03-01T11:00:00.000Z", "2025-03-01T11:00:05.000Z", "2025-03-01T11:59:55.000Z"),
    # the device clock runs 2 hours fast
    ("2025-03-01T13:59:00.000Z", "2025-03-01T14:00:00.000Z", "2025-03-01T11:59:00.000Z"),
    # no sentAt: a historical import keeps its timestamp
    ("2019-06-01T00:00:00.000Z", None, "2019-06-01T00:00:00.000Z"),
    # offsets and Segment's own unpadded example dates parse
    ("2025-03-01T12:00:00+01:00", "2025-03-01T11:00:00Z", "2025-03-01T12:00:00.000Z"),
])
def test_timestamp_correction(api, client, sent, expected):
    body = {"userId": "u", "event": "X", "timestamp": client}
    if sent:
        body["sentAt"] = sent
    [accepted] = api.accept("track", body).accepted
    assert accepted.message["timestamp"] == expected
    assert accepted.message["originalTimestamp"] == client  # verbatim


def test_a_batch_sent_at_corrects_every_item(api):
    body = {"sentAt": "2025-03-01T11:00:10.000Z", "batch": [
        {"type": "track", "userId": "u", "event": "A", "timestamp": "2025-03-01T11:00:00.000Z"},
        {"type": "track", "userId": "u", "event": "B", "timestamp": "2025-03-01T11:00:05.000Z",
         "sentAt": "2025-03-01T11:00:05.000Z"}]}
    a, b = (x.message["timestamp"] for x in api.accept("batch", body).accepted)
    assert (a, b) == ("2025-03-01T11:59:50.000Z", "2025-03-01T12:00:00.000Z")


def test_batch_context_and_integrations_merge_into_each_item_and_the_item_wins(api):
    body = {"context": {"ip": "1.1.1.1", "library": {"name": "x"}}, "integrations": {"All": False, "A": True},
            "batch": [{"type": "track", "userId": "u", "event": "X", "context": {"ip": "2.2.2.2"},
                       "integrations": {"A": False}},
                      {"type": "track", "userId": "u", "event": "Y"}]}
    first, second = (x.message for x in api.accept("batch", body).accepted)
    assert first["context"] == {"ip": "2.2.2.2", "library": {"name": "x"}}
    assert first["integrations"] == {"All": False, "A": False}
    assert second["context"] == {"ip": "1.1.1.1", "library": {"name": "x"}}


def test_single_calls_take_their_type_from_the_endpoint(api):
    [accepted] = api.accept("page", {"userId": "u", "type": "track", "name": "Home"}).accepted
    assert accepted.message["type"] == "page"


@pytest.mark.parametrize("text, expected", [
    ("2015-2-02T00:30:08.276Z", "2015-02-02T00:30:08.276Z"),
    ("2025-03-01", "2025-03-01T00:00:00.000Z"),
    ("2025-03-01T10:00:00.123456-05:30", "2025-03-01T15:30:00.123Z"),
    ("2025-13-01T00:00:00Z", None),
    ("soon", None),
])
def test_dates_parse_leniently_as_segments_libraries_write_them(text, expected):
    parsed = parse_date(text)
    assert (format_date(parsed) if parsed else None) == expected


# --- dedupe -------------------------------------------------------------------------------------


def test_dedupe_within_24_hours_across_every_source():
    with freeze_time("2025-03-01T00:00:00Z") as clock:
        dedupe = Deduper()
        now = lambda: datetime.now(timezone.utc)  # noqa: E731
        assert dedupe.seen_on("m1", "web", now()) is None
        assert dedupe.seen_on("m1", "ios", now()) == "web"  # another source: still a duplicate
        clock.tick(timedelta(hours=23, minutes=59))
        assert dedupe.seen_on("m1", "web", now()) == "web"
        clock.tick(timedelta(minutes=2))
        assert dedupe.seen_on("m1", "ios", now()) is None  # the window has passed: ios sent it first now
        assert dedupe.seen_on("m1", "web", now()) == "ios"


def test_the_clock_is_injectable_with_freezegun():
    with freeze_time("2030-01-02T03:04:05.678Z"):
        [accepted] = TrackingApi().accept("track", {"userId": "u", "event": "X"}).accepted
    assert accepted.message["receivedAt"] == "2030-01-02T03:04:05.678Z"
