"""The hot-path acceptance check says exactly what the JSON Schemas say, on generated messages."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from segfn.emulator.messages import MESSAGE_TYPES, _plainly_valid, _validators

SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False, allow_infinity=False),
                    st.sampled_from(["", "u1", "x" * 100, "x" * 101, "2025-03-01T10:00:00Z", "2015-2-02T00:30:08.276Z",
                                     "2025-13-01", "yesterday"]))
VALUES = st.one_of(SCALARS, st.just({}), st.just({"a": 1}), st.just([]), st.just(["a"]))
FIELDS = ["userId", "anonymousId", "messageId", "context", "integrations", "timestamp", "originalTimestamp",
          "sentAt", "receivedAt", "event", "properties", "traits", "name", "category", "groupId", "previousId"]


VALID = {"userId": "u1", "anonymousId": "a1", "messageId": "m1", "event": "Clicked", "groupId": "g1",
         "previousId": "p1", "timestamp": "2025-03-01T10:00:00Z", "context": {}, "properties": {}, "traits": {},
         "name": "Home"}


@st.composite
def messages(draw):
    """A valid message of a random type with a few fields removed or replaced."""
    kind = draw(st.sampled_from(MESSAGE_TYPES))
    message = {"type": kind, **{k: v for k, v in VALID.items() if draw(st.booleans())}}
    for key in draw(st.lists(st.sampled_from(FIELDS), max_size=2)):
        message.pop(key, None)
    message.update(draw(st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=2)))
    return kind, message


@settings(max_examples=3000, deadline=None)
@given(messages())
def test_the_fast_check_agrees_with_the_schemas(case):
    kind, message = case
    assert _plainly_valid(message, kind) == _validators()[kind].is_valid(message), message
