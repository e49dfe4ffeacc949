"""Every example in Segment's FQL reference (segment-docs src/api/public-api/fql.md), run through
segfn and through the real @segment/tsub. Where tsub answers differently from the docs, segfn answers
as tsub does (it is what Segment runs), and the test names the documented answer it departs from."""

from __future__ import annotations

import json

import pytest

from segfn.emulator.filters import compile_fql, matches

pytestmark = pytest.mark.node

EVENT = {"event": "Button Clicked", "type": "track",
         "context": {"library": {"name": "analytics.js", "version": "1.0"}},
         "properties": {"features": ["discounts", "dark-mode"]}}

# (FQL, the docs' answer, tsub's answer when it differs from the docs)
EXAMPLES = [
    ("event = 'Button Clicked'", True, None),
    ("event = 'Screen Tapped'", False, None),
    ("context.path.path = '/login'", False, None),
    ("type = 'identify' or type = 'track'", True, None),
    ("event = 'Button Clicked' and type = 'track'", True, None),
    ("match( context.library.version, '1.*' )", True, None),
    ("match( context.library.version, '2.*' )", False, None),
    ("type = 'track' and ( event = 'Click' or match( event, 'Button *' ) )", True, None),
    ("!contains( context.library.name, 'js' )", False, None),
    # tsub reads string elements of an `in` list as paths, and a string on the left as a literal:
    # "dark-mode" is looked up as a list of paths in properties.features, which it is not
    ("'dark-mode' in properties.features", True, False),
    ("'blink' in properties.features", False, None),
]

GLOBS = [
    ("abcd", "a*d", True), ("", "*", True), ("abc", "ab", False), ("abcd", "a??d", True), ("abcd", "*d", True),
    ("ab*d", "ab\\*d", True), ("abCd", "ab[cC]d", True), ("abcd", "ab[a-z]d", True), ("abcd", "ab[A-Z]d", False),
]

NULLS = [  # "Functions handle null with sensible defaults"
    ("contains( properties.v, 'x' )", False), ("length( properties.v ) = 0", True),
    ("lowercase( properties.v ) = null", True), ("typeof( properties.v ) = 'null'", False),
    ("match( properties.v, '*' )", False),
]


def _both(oracle, event, ir):
    matcher = {"type": "fql", "ir": json.dumps(ir)}  # tsub's matchers carry the IR as JSON text
    theirs = oracle.ask([{"op": "matches", "event": event, "matcher": matcher}])[0]
    assert theirs["ok"], theirs
    return matches(event, matcher), theirs["result"]


@pytest.mark.parametrize("text, documented, tsub", EXAMPLES)
def test_the_reference_examples(oracle, text, documented, tsub):
    ours, theirs = _both(oracle, EVENT, compile_fql(text))
    assert ours == theirs == (documented if tsub is None else tsub)


@pytest.mark.parametrize("s, pattern, documented", GLOBS)
def test_the_glob_table(oracle, s, pattern, documented):
    ours, theirs = _both(oracle, {"properties": {"s": s}}, ["match", "properties.s", {"value": pattern}])
    assert ours == theirs == documented


@pytest.mark.parametrize("text, tsub", NULLS)
def test_the_null_defaults(oracle, text, tsub):
    """The docs' null table; tsub's `typeof(null)` is JavaScript's "object", not the docs' "null"."""
    ours, theirs = _both(oracle, {"properties": {"v": None}}, compile_fql(text))
    assert ours == theirs == tsub


@pytest.mark.parametrize("text", [
    "type = 'track' and ( event = 'Click' or match( 'Button *', event ) )",
    "( type = 'track' or type = 'identify' ) and ( properties.enabled or match( traits.email, '*@company.com' ) )",
    "!( type in ['track', 'identify'] )",
])
def test_the_subexpression_examples_compile_and_agree(oracle, text):
    ours, theirs = _both(oracle, EVENT, compile_fql(text))
    assert ours == theirs


def test_the_only_send_events_with_user_id_filter_keeps_anonymous_events_as_tsub_does(oracle):
    """`length(userId) < 1` is NaN < 1 for a missing userId: false, so nothing is dropped."""
    ir = compile_fql("length( userId ) < 1")
    assert _both(oracle, {"type": "track", "anonymousId": "a"}, ir) == (False, False)
    assert _both(oracle, {"type": "track", "userId": ""}, ir) == (True, True)
