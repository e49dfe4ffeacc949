"""Hot-path JSON (orjson) held to the json module's answers, and to JSON's refusal of NaN."""

from __future__ import annotations

import json
import math

import pytest
from hypothesis import given, settings, strategies as st

from segfn.emulator import jsonio

numbers = st.one_of(
    st.integers(), st.integers(-(2 ** 70), 2 ** 70), st.sampled_from([2 ** 53 + 1, 2 ** 63, 2 ** 64, -(2 ** 63) - 1]),
    st.floats(allow_nan=False, allow_infinity=False), st.sampled_from([1e-05, 1e-07, 1.5e-5, 1e16, -0.0, 5e-324]))
texts = st.text(st.characters(codec="utf-8") | st.sampled_from(["\u2028", "\x7f", "\x00", '"', "\\"]))
values = st.recursive(st.none() | st.booleans() | numbers | texts,
                      lambda inner: st.lists(inner, max_size=4) | st.dictionaries(texts, inner, max_size=4),
                      max_leaves=25)


@settings(max_examples=400, deadline=None)
@given(values)
def test_loads_and_clone_give_the_json_modules_values(value):
    text = json.dumps(value, ensure_ascii=False)
    for given_text in (text, text.encode("utf-8"), json.dumps(value)):
        parsed = jsonio.loads(given_text)
        assert parsed == value and _same_types(parsed, value)
    copy = jsonio.clone(value)
    assert copy == value and _same_types(copy, value)


@settings(max_examples=400, deadline=None)
@given(values, st.integers(1, 400))
def test_size_over_is_exact(value, limit):
    exact = len(json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    assert jsonio.compact_size(value) == exact
    assert jsonio.size_over(value, limit) == (exact if exact > limit else None)


def test_floats_orjson_writes_longer_are_measured_as_json_writes_them():
    value = [1e-05] * 5  # orjson writes 0.00001 (7 bytes), json 1e-05 (5 bytes): 31 bytes in all
    assert jsonio.size_over(value, 31) is None and jsonio.size_over(value, 30) == 31


@pytest.mark.parametrize("text", ["18446744073709551616", "-9223372036854775809", '{"id": 123456789012345678901234567890}',
                                  '"12345678901234567890 is text"'])
def test_integers_past_64_bits_stay_exact(text):
    assert jsonio.loads(text) == json.loads(text)


@pytest.mark.parametrize("text, where", [("NaN", 1), ('{"a": Infinity}', 7), ("[1, -Infinity]", 6), ('{"x": 1e400}', 7),
                                         ('{"big": 123456789012345678901, "n": NaN}', 37)])
def test_nan_and_infinity_are_refused_with_where(text, where):
    with pytest.raises(json.JSONDecodeError) as caught:
        jsonio.loads(text)
    assert caught.value.lineno == 1 and caught.value.colno == where


def test_a_lone_surrogate_escape_is_read_as_json_reads_it():
    assert jsonio.loads('{"s": "\\ud800"}') == {"s": "\ud800"}


@pytest.mark.parametrize("text", ['{"a": 1,}', "{", "", "[1] x", b'{"a": "\xff"}'])
def test_invalid_json_raises_with_a_position(text):
    with pytest.raises(json.JSONDecodeError):
        jsonio.loads(text)


def test_contains_text_finds_secrets_anywhere():
    assert jsonio.contains_text({"h": ["Bearer s3cret"]}, ["s3cret"])
    assert jsonio.contains_text({"n": 2 ** 70, "k": "xs3cretx"}, ["s3cret"])
    assert not jsonio.contains_text({"h": ["Bearer ***"]}, ["s3cret"])


def _same_types(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.copysign(1, a) == math.copysign(1, b)
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same_types(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return all(_same_types(x, y) for x, y in zip(a, b))
    return True


def test_an_integer_past_4300_digits_is_an_error_saying_where():
    with pytest.raises(json.JSONDecodeError) as caught:
        jsonio.loads('{"a": [1,\n ' + "7" * 4301 + "]}")
    assert (caught.value.lineno, caught.value.colno) == (2, 2) and "4,301 digits" in caught.value.msg


def test_the_tracking_apis_reading_marks_huge_integers_and_mends_lone_surrogates():
    found: list = []
    value = jsonio.loads('{"\\ud800k": "a\\udc00", "n": [1, ' + "7" * 5000 + '], "ok": "\\ud83d\\ude00"}', unreadable=found)
    assert value["\ufffdk"] == "a\ufffd" and value["ok"] == "\U0001F600"
    assert found == ["7" * 5000] and isinstance(value["n"][1], jsonio.Unreadable)
    assert jsonio.find_unreadable(value) == ("$.n[1]", "7" * 5000)
    assert jsonio.find_unreadable({"a": [1, {"b": 2}]}) is None
    assert jsonio.loads("1" * 4300, unreadable=found) == int("1" * 4300)  # the limit itself is readable
