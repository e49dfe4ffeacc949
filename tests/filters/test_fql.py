"""FQL text to tsub's IR: every construct, and errors that name the column with a caret."""

from __future__ import annotations

import pytest

from segfn.emulator.filters import FQLSyntaxError, compile_fql


@pytest.mark.parametrize("text, ir", [
    ('event = "Button Clicked"', ["=", "event", {"value": "Button Clicked"}]),
    ("event = 'single'", ["=", "event", {"value": "single"}]),
    ("properties.total >= 10.5", [">=", "properties.total", {"value": 10.5}]),
    ("properties.n < -3", ["<", "properties.n", {"value": -3}]),
    ("a != null", ["!=", "a", {"value": None}]),
    ("a = true and b = false", ["and", ["=", "a", {"value": True}], ["=", "b", {"value": False}]]),
    ("a <= 1 or b > 2", ["or", ["<=", "a", {"value": 1}], [">", "b", {"value": 2}]]),
    ("!( a = 1 )", ["!", ["=", "a", {"value": 1}]]),
    ("type in ['track', 'identify']", ["in", "type", {"value": [{"value": "track"}, {"value": "identify"}]}]),
    # the docs' escaped space: the IR path holds the plain name, which tsub's dlv can reach
    ("properties.product\\ 1.price = '19.99'", ["=", "properties.product 1.price", {"value": "19.99"}]),
    # an escaped dot stays escaped: tsub's dlv splits on every dot, so no IR path could reach it
    ("a.b\\.c = 1", ["=", "a.b\\.c", {"value": 1}]),
    ("contains( context.library.name, 'js' )", ["contains", "context.library.name", {"value": "js"}]),
    ("match( event, 'Button *' )", ["match", "event", {"value": "Button *"}]),
    ("lowercase( event ) = 'x'", ["=", ["lowercase", "event"], {"value": "x"}]),
    ("typeof( userId ) = 'string'", ["=", ["typeof", "userId"], {"value": "string"}]),
    ("length( userId ) > 0", [">", ["length", "userId"], {"value": 0}]),
])
def test_each_construct_compiles_to_tsubs_ir(text, ir):
    assert compile_fql(text) == ir


@pytest.mark.parametrize("text, column, words", [
    ("event = ", 9, "expected a value"),
    ("event = 'open", 9, "string"),
    ("(a = 1", 7, ")"),
    ("a = 1 b = 2", 7, ""),
    ("uppercase(event) = 'A'", 1, "uppercase() is in Segment's FQL reference but @segment/tsub"),
    ("a = 1 and snakecase(b) = 'x'", 11, "snakecase()"),
])
def test_syntax_errors_name_the_column_with_a_caret(text, column, words):
    with pytest.raises(FQLSyntaxError) as caught:
        compile_fql(text)
    error = caught.value
    assert error.column == column and words in error.message
    shown = str(error).splitlines()
    assert shown[1].strip() == text.strip() and shown[2].index("^") - shown[1].index(text[0]) == column - 1


@pytest.mark.parametrize("name", ["uppercase", "snakecase", "kebabcase", "titlecase", "bool", "string", "number"])
def test_documented_functions_tsub_lacks_are_an_error_not_a_silent_false(name):
    with pytest.raises(FQLSyntaxError, match=f"{name}\\(\\) is in Segment's FQL reference"):
        compile_fql(f"{name}(event) = 'x'")


def test_queries_over_5_kb_are_rejected_as_segment_does():
    clause = "event = 'aaaaaaaaaaaaaaaaaaaaaaaa'"
    long = " or ".join([clause] * 200)
    assert len(long.encode()) > 5 * 1024
    with pytest.raises(FQLSyntaxError, match="Segment limits FQL to 5 KB"):
        compile_fql(long)
    fits = " or ".join([clause] * 100)
    assert len(fits.encode()) <= 5 * 1024 and compile_fql(fits)[0] == "or"
