"""Each rule of functions/sprig.py's mapping, read from the request the mock Sprig received."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segfn.emulator.errors import MessageRejected, RetryRequested, UnsupportedEventType
from segfn.emulator.sprig import Faults, MockSprig

from .conftest import sent

TS = "2024-10-30T04:48:18.620Z"  # Sprig's own action test: 1730263698620 ms
TS_MS = 1730263698620


def identify(**traits):
    return {"type": "identify", "userId": "u-1", "traits": traits, "timestamp": TS}


def test_identify_flattens_traits_and_sends_the_email_as_email_address(call, sprig):
    result = call(identify(email="ada@example.com", plan="pro", company={"name": "Acme", "address": {"city": "Lyon"}}))
    assert result.ok
    assert sent(sprig) == [{"userId": "u-1", "emailAddress": "ada@example.com", "attributes": {
        "email": "ada@example.com", "plan": "pro", "company.name": "Acme", "company.address.city": "Lyon"}}]
    assert sprig.received[0].path == "/v2/users" and sprig.received[0].status == 202
    assert sprig.user("u-1")["attributes"]["company.address.city"] == "Lyon"


def test_engage_audience_booleans_arrive_as_boolean_attributes(call, sprig):
    call(identify(order_completed_last_30days=True))
    call(identify(order_completed_last_30days=False))
    assert [b["attributes"] for b in sent(sprig)] == [{"order_completed_last_30days": True},
                                                      {"order_completed_last_30days": False}]
    assert sprig.user("u-1")["attributes"] == {"order_completed_last_30days": False}  # merged, latest wins


def test_arrays_of_scalars_and_nulls_pass_as_sprigs_action_sends_them(call, sprig):
    call(identify(roles=["admin", "billing"], scores=[1, 2.5, True], avatar=None, tags=[]))
    assert sent(sprig)[0]["attributes"] == {"roles": ["admin", "billing"], "scores": [1, 2.5, True],
                                            "avatar": None, "tags": []}


def test_attributes_sprig_cannot_take_are_left_out_and_logged(call, sprig):
    result = call(identify(**{"!email": "x@y.z", "ok": 1, "addresses": [{"city": "Nice"}], "mixed": [1, None],
                              "n" * 256: "long name", "": "empty name", "empty": {}}))
    assert sent(sprig)[0]["attributes"] == {"ok": 1}
    assert any("left out 5 attribute(s)" in line for line in result.logs), result.logs


def test_long_string_values_are_cut_to_255_characters(call, sprig):
    call(identify(bio="é" * 300))
    assert sent(sprig)[0]["attributes"]["bio"] == "é" * 255


@pytest.mark.parametrize("email", ["not-an-email", "ada lovelace@example.com", "a@b@example.com",
                                   "@example.com", "x" * 250 + "@example.com", 42])
def test_an_email_that_is_not_one_stays_an_attribute_only(call, sprig, email):
    result = call(identify(email=email))
    assert result.ok, result.exception  # Sprig would refuse the whole identify (422) for a bad emailAddress
    assert "emailAddress" not in sent(sprig)[0]
    assert sent(sprig)[0]["attributes"] == {"email": email if not isinstance(email, str) else email[:255]}


def test_an_email_with_surrounding_whitespace_is_trimmed_for_email_address(call, sprig):
    result = call(identify(email=" ada@example.com\n"))
    assert result.ok and sent(sprig)[0]["emailAddress"] == "ada@example.com"
    assert sprig.user("u-1")["attributes"]["!email"] == "ada@example.com"


def test_track_sends_one_event_with_the_timestamp_in_epoch_milliseconds(call, sprig):
    call({"type": "track", "userId": "u-1", "event": "Survey Viewed", "timestamp": TS, "properties": {"a": 1}})
    assert sent(sprig) == [{"userId": "u-1", "events": [{"event": "Survey Viewed", "timestamp": TS_MS}]}]
    assert sprig.user("u-1")["events"][0]["event"] == "Survey Viewed"


@pytest.mark.parametrize("stamps, expected", [
    ({"timestamp": TS, "originalTimestamp": "2020-01-01T00:00:00Z"}, TS_MS),
    ({"originalTimestamp": TS, "receivedAt": "2020-01-01T00:00:00Z"}, TS_MS),
    ({"timestamp": "yesterday", "originalTimestamp": TS}, TS_MS),
    ({"receivedAt": TS}, TS_MS),
    ({"timestamp": "2024-10-30T06:48:18.620+02:00"}, TS_MS),
])
def test_track_timestamp_falls_back_to_original_timestamp_then_received_at(call, sprig, stamps, expected):
    call({"type": "track", "userId": "u-1", "event": "E", **stamps})
    assert sent(sprig)[0]["events"][0]["timestamp"] == expected


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ms=st.integers(min_value=0, max_value=4102444800000), offset_minutes=st.sampled_from([0, 60, -300, 330]))
def test_the_event_timestamp_is_exact_to_the_millisecond(call, sprig, ms, offset_minutes):
    """What JavaScript's ``Date.parse`` gives for the same string (float products can lose 1 ms)."""
    zone = timezone(timedelta(minutes=offset_minutes))
    stamp = datetime.fromtimestamp(ms // 1000, zone).replace(microsecond=(ms % 1000) * 1000).isoformat(
        timespec="milliseconds")
    sprig.reset()
    call({"type": "track", "userId": "u-1", "event": "E", "timestamp": stamp})
    assert sent(sprig)[0]["events"][0]["timestamp"] == ms, stamp


def test_track_without_any_usable_timestamp_is_rejected(call, sprig):
    result = call({"type": "track", "userId": "u-1", "event": "E", "timestamp": "soon"})
    assert isinstance(result.error, MessageRejected) and "no usable timestamp" in str(result.exception)
    assert sprig.received == []


def test_screen_is_an_event_named_by_the_screen(call, sprig):
    call({"type": "screen", "userId": "u-1", "name": "Checkout", "timestamp": TS})
    assert sent(sprig) == [{"userId": "u-1", "events": [{"event": "Checkout", "timestamp": TS_MS}]}]
    result = call({"type": "screen", "userId": "u-1", "timestamp": TS})
    assert isinstance(result.error, MessageRejected) and "needs a name" in str(result.exception)


@pytest.mark.parametrize("settings, expected", [
    ({}, ["Viewed Marketing Pricing Page"]),
    ({"trackAllPages": True}, ["Loaded a Page", "Viewed Marketing Pricing Page"]),
    ({"trackNamedPages": False, "trackCategorizedPages": True}, ["Viewed Marketing Page"]),
    ({"trackAllPages": True, "trackCategorizedPages": True}, ["Loaded a Page", "Viewed Marketing Pricing Page",
                                                              "Viewed Marketing Page"]),
])
def test_page_follows_segments_classic_page_conventions(call, sprig, settings, expected):
    """Segment's integration framework: a named page is "Viewed {category} {name} Page" (its fullName)."""
    call({"type": "page", "userId": "u-1", "name": "Pricing", "category": "Marketing", "timestamp": TS}, **settings)
    assert [e["event"] for e in sent(sprig)[0]["events"]] == expected
    assert all(e["timestamp"] == TS_MS for e in sent(sprig)[0]["events"])


@pytest.mark.parametrize("page, expected", [
    ({"name": "Pricing"}, ["Viewed Pricing Page"]),
    ({"properties": {"name": "Pricing", "category": "Docs"}}, ["Viewed Docs Pricing Page", "Viewed Docs Page"]),
    ({"category": "Docs"}, ["Viewed Docs Page"]),
    ({"name": "Pricing", "category": None}, ["Viewed Pricing Page"]),
])
def test_page_names_come_from_the_call_or_its_properties(call, sprig, page, expected):
    call({"type": "page", "userId": "u-1", "timestamp": TS, **page}, trackCategorizedPages=True)
    assert [e["event"] for e in sent(sprig)[0]["events"]] == expected


def test_a_page_no_setting_names_is_unsupported(call, sprig):
    result = call({"type": "page", "userId": "u-1", "timestamp": TS, "properties": {"url": "https://x.example/"}})
    assert isinstance(result.error, UnsupportedEventType) and sprig.received == []


def test_alias_upserts_the_user_only(call, sprig):
    call({"type": "alias", "userId": "u-2", "previousId": "anon-1", "timestamp": TS})
    assert sent(sprig) == [{"userId": "u-2"}] and sprig.user("u-2")["attributes"] == {}


def test_group_is_not_supported(call, sprig):
    result = call({"type": "group", "userId": "u-1", "groupId": "g", "timestamp": TS})
    assert isinstance(result.error, UnsupportedEventType) and sprig.received == []


def test_delete_purges_the_user(call, sprig):
    call(identify(plan="pro"))
    call({"type": "delete", "userId": "u-1", "timestamp": TS})
    assert sprig.received[-1].path == "/v2/purge/visitors" and sent(sprig)[-1] == {"userIds": ["u-1"]}
    assert sprig.received[-1].status == 200 and sprig.state.purges[0].user_ids == ("u-1",)


def test_a_message_without_user_id_is_rejected_with_a_message_that_says_so(call, sprig):
    result = call({"type": "track", "anonymousId": "a-1", "event": "E", "timestamp": TS})
    assert isinstance(result.error, MessageRejected)
    assert "Sprig keys users by userId" in str(result.exception) and sprig.received == []


def test_numeric_user_ids_are_sent_as_strings(call, sprig):
    call({"type": "track", "userId": 90210, "event": "E", "timestamp": TS})
    assert sent(sprig)[0]["userId"] == "90210"


@pytest.mark.parametrize("status", [500, 502, 503, 429])
def test_5xx_and_429_are_retried(call, status):
    result = call(identify(plan="x"), via=MockSprig(faults=Faults(error_rate=1.0, status=status)))
    assert isinstance(result.error, RetryRequested) and str(status) in str(result.exception)


def test_a_dropped_connection_is_retried(call):
    result = call(identify(plan="x"), via=MockSprig(faults=Faults(drop_rate=1.0)))
    assert isinstance(result.error, RetryRequested) and "could not be reached" in str(result.exception)


def test_4xx_is_rejected_with_sprigs_error_text(call, sprig):
    result = call(identify(plan="x"), apiKey="wrong-key")
    assert isinstance(result.error, MessageRejected)
    assert str(result.exception) == "Sprig refused the request (403): Invalid API key"


def test_auth_scheme_and_base_url_settings(call, sprig):
    call(identify(plan="x"), authScheme="Bearer", baseUrl="https://api.userleap.com/")
    assert sprig.received[0].headers["Authorization"] == "Bearer test-key"
    assert sprig.received[0].path == "/v2/users"
    call(identify(plan="x"))
    assert sprig.received[1].headers["Authorization"] == "API-Key test-key"
    result = call(identify(plan="x"), authScheme="Basic")
    assert isinstance(result.error, MessageRejected) and "authScheme" in str(result.exception)


def test_batch_sends_one_request_per_user_for_track_and_screen_and_answers_per_event(call, sprig):
    events = [
        {"type": "track", "userId": "u-1", "event": "A", "timestamp": TS},
        {"type": "screen", "userId": "u-2", "name": "Home", "timestamp": TS},
        {"type": "track", "userId": "u-1", "event": "B", "timestamp": TS},
        {"type": "group", "userId": "u-1", "groupId": "g", "timestamp": TS},
        {"type": "track", "anonymousId": "a", "event": "C", "timestamp": TS},
        {"type": "identify", "userId": "u-3", "traits": {"plan": "pro"}, "timestamp": TS},
    ]
    result = call(events)
    assert result.ok
    assert sent(sprig) == [
        {"userId": "u-1", "events": [{"event": "A", "timestamp": TS_MS}, {"event": "B", "timestamp": TS_MS}]},
        {"userId": "u-2", "events": [{"event": "Home", "timestamp": TS_MS}]},
        {"userId": "u-3", "attributes": {"plan": "pro"}},
    ]
    statuses = [r["status"] for r in result.returned]
    assert statuses == [202, 202, 202, 400, 400, 202]
    assert "Unsupported Event Type" in result.returned[3]["errormessage"]
    assert "userId" in result.returned[4]["errormessage"]


def test_batch_marks_a_users_events_500_when_sprig_fails_for_them(call):
    result = call([{"type": "track", "userId": "u", "event": "A", "timestamp": TS}] * 2,
                  via=MockSprig(faults=Faults(error_rate=1.0)))
    assert [r["status"] for r in result.returned] == [500, 500]
