"""The mock Sprig API checks what it receives against Sprig's documented shapes and keeps state."""

from __future__ import annotations

import json

import pytest

from segfn.emulator.sprig import Faults, MockSprig

AUTH = {"Authorization": "API-Key k", "Content-Type": "application/json"}


def post(mock, path, body, headers=AUTH):
    return mock.handle("POST", path, headers, body if isinstance(body, str) else json.dumps(body))


@pytest.mark.parametrize("headers", [{}, {"Authorization": "k"}, {"Authorization": "Basic k"},
                                     {"Authorization": "API-Key "}, {"Authorization": "API-Key other"}])
def test_a_missing_malformed_or_unknown_key_is_403(headers):
    mock = MockSprig(api_keys={"k"})
    answer = post(mock, "/v2/users", {"userId": "u"}, {**headers, "Content-Type": "application/json"})
    assert answer.status == 403 and answer.body["error"]
    assert mock.user("u") is None  # nothing stored


@pytest.mark.parametrize("body, where", [
    ({}, "'userId' is a required property"),
    ({"userId": ""}, "$.userId"),
    ({"userId": 7}, "$.userId"),
    ({"userId": "u", "attributes": {"a": {"b": 1}}}, "$.attributes.a"),
    ({"userId": "u", "attributes": {"!email": "x"}}, "$.attributes"),
    ({"userId": "u", "attributes": {"a": "x" * 256}}, "$.attributes.a"),
    ({"userId": "u", "events": [{"event": "E"}]}, "$.events[0]"),
    ({"userId": "u", "events": [{"event": "E", "timestamp": "2024-01-01"}]}, "$.events[0].timestamp"),
    ({"userId": "u", "emailAddress": "nope"}, "$.emailAddress"),
    ({"userId": "u", "email": "a@b.c"}, "'email' was unexpected"),
])
def test_bodies_outside_the_documented_shape_are_422_with_the_json_path(body, where):
    answer = post(MockSprig(), "/v2/users", body)
    assert answer.status == 422 and where in answer.body["error"], answer.body


def test_invalid_json_and_wrong_content_type_are_400():
    mock = MockSprig()
    assert post(mock, "/v2/users", "{nope").status == 400
    answer = post(mock, "/v2/users", {"userId": "u"}, {"Authorization": "API-Key k", "Content-Type": "text/plain"})
    assert answer.status == 400 and "Content-Type" in answer.body["error"]


def test_upserts_merge_attributes_and_count_events_like_get_v2_users_shows():
    mock = MockSprig()
    assert post(mock, "/v2/users", {"userId": "u", "attributes": {"plan": "free", "seats": 1}}).status == 202
    post(mock, "/v2/users", {"userId": "u", "attributes": {"plan": "pro"}, "emailAddress": "a@b.c",
                             "events": [{"event": "E", "timestamp": 1000}, {"event": "E", "timestamp": 5000}]})
    answer = mock.handle("GET", "/v2/users/u", AUTH, None)
    assert answer.status == 200
    assert answer.body["attributes"] == {"plan": "pro", "seats": 1, "!email": "a@b.c"}
    assert answer.body["events"] == [{"event": "E", "count": 2, "createdAt": "1970-01-01T00:00:01.000Z",
                                      "updatedAt": "1970-01-01T00:00:05.000Z"}]
    assert set(answer.body) == {"id", "createdAt", "attributes", "events", "externalUserId"}
    assert mock.handle("GET", "/v2/users/nobody", AUTH, None).status == 404


def test_purges_wait_ten_days_unless_delay_seconds_says_otherwise():
    now = [1_000_000.0]
    mock = MockSprig(clock=lambda: now[0])
    post(mock, "/v2/users", {"userId": "u"})
    post(mock, "/v2/users", {"userId": "v"})
    answer = post(mock, "/v2/purge/visitors", {"userIds": ["u"]})
    assert answer.status == 200 and answer.body["requestId"]
    assert mock.user("u") is not None
    now[0] += 10 * 24 * 3600
    assert mock.user("u") is None
    post(mock, "/v2/purge/visitors", {"userIds": ["v"], "delaySeconds": 0})
    assert mock.user("v") is None


@pytest.mark.parametrize("body", [{}, {"userIds": []}, {"userIds": [f"u{i}" for i in range(101)]}, {"ids": ["u"]}])
def test_invalid_purges_are_400(body):
    assert post(MockSprig(), "/v2/purge/visitors", body).status == 400


def test_the_rate_limit_is_1000_requests_per_5_minutes_per_key():
    now = [0.0]
    mock = MockSprig(rate_limit=True, clock=lambda: now[0])
    for _ in range(1000):
        assert post(mock, "/v2/users", {"userId": "u"}).status == 202
    answer = post(mock, "/v2/users", {"userId": "u"})
    assert answer.status == 429 and answer.headers["Retry-After"] == "300"
    other = {"Authorization": "API-Key other", "Content-Type": "application/json"}
    assert post(mock, "/v2/users", {"userId": "u"}, other).status == 202  # per key
    now[0] = 300.0
    assert post(mock, "/v2/users", {"userId": "u"}).status == 202
    assert post(MockSprig(), "/v2/users", {"userId": "u"}).status == 202  # off by default


def test_faults_are_seeded_and_leave_no_state_behind():
    def statuses(seed):
        mock = MockSprig(faults=Faults(error_rate=0.3, status=503, seed=seed))
        return [post(mock, "/v2/users", {"userId": f"u{i}"}).status for i in range(200)], mock
    first, mock = statuses(1)
    assert first == statuses(1)[0]
    assert set(first) == {202, 503} and 40 <= first.count(503) <= 80
    failed = [i for i, s in enumerate(first) if s == 503]
    assert all(mock.user(f"u{i}") is None for i in failed)


def test_fault_settings_are_checked():
    with pytest.raises(ValueError, match="error_rate"):
        Faults(error_rate=1.5)
    with pytest.raises(ValueError, match="status"):
        Faults(status=200)


def test_reset_forgets_everything():
    mock = MockSprig()
    post(mock, "/v2/users", {"userId": "u"})
    mock.reset()
    assert mock.user("u") is None and mock.received == []
