"""The mock Sprig's hand-written check of ``POST /v2/users`` bodies, held to the JSON Schema."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from segfn.emulator.sprig.responses import USERS_SCHEMA, plainly_valid_user

texts = st.one_of(st.text(max_size=4), st.sampled_from(["", "a" * 255, "a" * 256, "!x", "a@b", "a@b\n", "a b@c", "é@x"]))
scalars = st.one_of(st.none(), st.booleans(), st.integers(-3, 2 ** 70), st.floats(allow_nan=False), texts)
values = st.one_of(scalars, st.lists(scalars, max_size=3), st.dictionaries(texts, scalars, max_size=2))
events = st.one_of(st.fixed_dictionaries({"event": texts, "timestamp": st.one_of(st.integers(-2, 2 ** 45), st.floats(0, 5),
                                                                                st.booleans(), texts)}),
                   st.dictionaries(st.sampled_from(["event", "timestamp", "extra"]), scalars, max_size=3), scalars)
bodies = st.one_of(
    st.fixed_dictionaries({"userId": texts}, optional={"emailAddress": texts, "attributes": st.dictionaries(texts, values, max_size=4)
                                                      | scalars, "events": st.lists(events, max_size=3) | scalars,
                                                      "other": scalars}),
    st.dictionaries(st.sampled_from(["userId", "emailAddress", "attributes", "events"]), values, max_size=4), values)


@settings(max_examples=1500, deadline=None)
@given(bodies)
def test_the_check_accepts_only_what_the_schema_accepts(body):
    if plainly_valid_user(body):
        assert USERS_SCHEMA.is_valid(body), body


def test_the_check_accepts_what_the_sprig_function_sends():
    body = {"userId": "user-1", "emailAddress": "ada@example.com",
            "attributes": {"plan": "pro", "seats": 5, "beta": True, "tags": ["a", 1], "gone": None},
            "events": [{"event": "Survey Shown", "timestamp": 1740787200000}]}
    assert plainly_valid_user(body) and USERS_SCHEMA.is_valid(body)


def test_the_mock_keeps_a_bounded_window_of_requests_and_counts_them_all():
    from segfn.emulator.sprig import MockSprig

    mock = MockSprig(recent=10)
    for i in range(45):
        mock.handle("POST", "/v2/users", {"Authorization": "API-Key k", "Content-Type": "application/json"},
                    f'{{"userId": "u-{i % 5}", "events": [{{"event": "E", "timestamp": {i}}}]}}')
    assert mock.requests == 45 and 10 <= len(mock.received) < 20
    assert mock.received[-1].json["events"][0]["timestamp"] == 44
    assert mock.user("u-4")["events"][0]["count"] == 9  # the state still holds every request's effect
