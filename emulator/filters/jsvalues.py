"""JavaScript value semantics over JSON data held in Python objects.

@segment/tsub runs in JavaScript, so its answers depend on JS rules that Python does not share:
`===` never coerces but `1 === 1.0`, `true !== 1`; strings are UTF-16 (`"😀".length === 2`);
`JSON.stringify` puts integer-like keys first and prints numbers its own way; `undefined` is not
`null`. This module holds exactly those rules so that the evaluator and the transformers can stay
readable. Values are the ones `json.loads` makes, plus :data:`UNDEFINED` (a missing value, and a hole
left in an array by `delete`).
"""

from __future__ import annotations

import math
import re
from typing import Any


class _Undefined:
    """JavaScript's ``undefined``: what a missing key reads as, and an array hole."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False

    def __reduce__(self) -> str:
        return "UNDEFINED"


UNDEFINED: Any = _Undefined()
NAN = float("nan")
MAX_SAFE = 2**53
MAX_INDEX = 2**32 - 2  # the largest array index JavaScript has

# --- truthiness, typeof, equality -------------------------------------------------------------


def truthy(value: Any) -> bool:
    """JavaScript truthiness: false, 0, NaN, "", null and undefined are falsy; objects never are."""
    if value is True:
        return True
    if value is False or value is None or value is UNDEFINED:
        return False
    kind = type(value)
    if kind is str:
        return value != ""
    if kind is int:
        return value != 0
    if kind is float:
        return value != 0.0 and value == value
    return True


def js_typeof(value: Any) -> str:
    """The name JavaScript's ``typeof`` gives a JSON value (null, lists and objects are "object")."""
    kind = type(value)
    if kind is str:
        return "string"
    if kind is bool:
        return "boolean"
    if kind is int or kind is float:
        return "number"
    if value is UNDEFINED:
        return "undefined"
    return "object"


def is_number(value: Any) -> bool:
    """``typeof value === 'number'`` (Python's bool is an int; JavaScript's boolean is not a number)."""
    kind = type(value)
    return kind is int or kind is float


def as_double(value: int | float) -> float:
    """The double JavaScript holds for a JSON number: integers past 2**53 round, past 1.8e308 overflow."""
    if type(value) is float:
        return value
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


def number_equal(a: int | float, b: int | float) -> bool:
    if type(a) is int and type(b) is int and -MAX_SAFE <= a <= MAX_SAFE and -MAX_SAFE <= b <= MAX_SAFE:
        return a == b
    return as_double(a) == as_double(b)


def strict_equal(a: Any, b: Any) -> bool:
    """JavaScript's ``a === b``: same type and value; objects and arrays only by identity."""
    kind_a, kind_b = type(a), type(b)
    if kind_a is str:
        return kind_b is str and a == b
    if kind_a is int or kind_a is float:
        return (kind_b is int or kind_b is float) and number_equal(a, b)
    if kind_a is bool:
        return a is b
    return a is b


# --- numbers and keys as JavaScript prints them ------------------------------------------------


def number_to_string(value: int | float) -> str:
    """ECMAScript Number::toString: shortest round-trip digits, exponent form past 1e21 and below 1e-6."""
    if type(value) is int and -MAX_SAFE <= value <= MAX_SAFE:
        return str(value)
    x = as_double(value)
    if x != x:
        return "NaN"
    if x in (math.inf, -math.inf):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    sign = "-" if x < 0 else ""
    # repr gives the shortest digits that round-trip, as ECMAScript asks; only the layout differs.
    mantissa, _, exponent = repr(abs(x)).partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = (whole + fraction).lstrip("0")
    scale = (int(exponent) if exponent else 0) - len(fraction)  # value = int(digits) * 10**scale
    stripped = digits.rstrip("0")
    scale += len(digits) - len(stripped)
    digits = stripped
    k = len(digits)
    n = k + scale  # value = 0.<digits> * 10**n
    if k <= n <= 21:
        text = digits + "0" * (n - k)
    elif 0 < n <= 21:
        text = digits[:n] + "." + digits[n:]
    elif -6 < n <= 0:
        text = "0." + "0" * (-n) + digits
    else:
        e = n - 1
        text = digits[0] + ("." + digits[1:] if k > 1 else "") + "e" + ("+" if e > 0 else "-") + str(abs(e))
    return sign + text


_INDEX = re.compile(r"(?:0|[1-9][0-9]{0,9})\Z")


def array_index(key: str) -> int | None:
    """The array index a property key names ("0", "17"), or None ("01", "-1", "1.0", "length")."""
    if _INDEX.match(key):
        index = int(key)
        if index <= MAX_INDEX:
            return index
    return None


def js_keys(obj: dict) -> list[str]:
    """Own keys in JavaScript's order: integer-like keys ascending, then the rest as inserted."""
    integer_like = None
    for key in obj:
        if key and "0" <= key[0] <= "9" and array_index(key) is not None:
            integer_like = True
            break
    if integer_like is None:
        return list(obj)
    numbered = sorted((k for k in obj if array_index(k) is not None), key=int)
    return numbered + [k for k in obj if array_index(k) is None]


def to_property_key(value: Any) -> str:
    """``String(value)`` for a JSON value used as a property key (``obj[5]`` is ``obj["5"]``)."""
    kind = type(value)
    if kind is str:
        return value
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return number_to_string(value)
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    if kind is list:
        return ",".join("" if v is None or v is UNDEFINED else to_property_key(v) for v in value)
    return "[object Object]"


_JS_SPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" \
            "\u2028\u2029\u202f\u205f\u3000\ufeff"
_DECIMAL = re.compile(r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)\Z")
_RADIX = re.compile(r"0(?:[xX](?P<x>[0-9a-fA-F]+)|[oO](?P<o>[0-7]+)|[bB](?P<b>[01]+))\Z")


def to_number(value: Any) -> float:
    """JavaScript's ``Number(value)`` for JSON values, as relational comparisons apply it."""
    kind = type(value)
    if kind is bool:
        return 1.0 if value else 0.0
    if kind is int or kind is float:
        return as_double(value)
    if value is None:
        return 0.0
    if kind is str:
        text = value.strip(_JS_SPACE)
        if text == "":
            return 0.0
        if _DECIMAL.match(text):
            return float(text.replace("Infinity", "inf"))
        radix = _RADIX.match(text)
        if radix:
            base = 16 if radix["x"] else 8 if radix["o"] else 2
            return as_double(int(radix["x"] or radix["o"] or radix["b"], base))
        return NAN
    if kind is list:
        return to_number(to_property_key(value))
    return NAN  # undefined, objects


def parse_int(text: str) -> float:
    """``parseInt(text, 10)``: leading whitespace, a sign, then as many ASCII digits as there are."""
    match = re.match(r"[+-]?[0-9]+", text.lstrip(_JS_SPACE))
    if not match:
        return NAN
    return as_double(int(match.group()))


# --- UTF-16 ---------------------------------------------------------------------------------------


def utf16_length(text: str) -> int:
    if text.isascii():
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def utf16_units(text: str) -> str:
    """The string with every astral character split into its two surrogates, one Python char per
    UTF-16 code unit, so indexing, slicing and comparing behave as in JavaScript."""
    if text.isascii() or max(text) <= "\uffff":
        return text
    return "".join(c if c <= "\uffff" else _surrogates(c) for c in text)


def _surrogates(char: str) -> str:
    code = ord(char) - 0x10000
    return chr(0xD800 + (code >> 10)) + chr(0xDC00 + (code & 0x3FF))


# --- JSON.stringify ------------------------------------------------------------------------------

_ESCAPE = re.compile(r'[\x00-\x1f"\\\ud800-\udfff]')
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{ord(char):04x}"


def quote(text: str) -> str:
    """A string as ``JSON.stringify`` writes it (lone surrogates escaped, everything else raw)."""
    return '"' + _ESCAPE.sub(_escape, text) + '"'


def stringify(value: Any) -> str:
    """``JSON.stringify(value)`` byte for byte, for JSON values with holes (UNDEFINED) in arrays.

    A top-level UNDEFINED gives ``"undefined"`` here (JavaScript returns undefined, not a string)."""
    kind = type(value)
    if kind is str:
        return quote(value)
    if kind is dict:
        return "{" + ",".join(quote(k) + ":" + stringify(value[k]) for k in js_keys(value)
                              if value[k] is not UNDEFINED) + "}"
    if kind is list:
        return "[" + ",".join("null" if v is UNDEFINED else stringify(v) for v in value) + "]"
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        if kind is float and (value != value or value in (math.inf, -math.inf)):
            return "null"
        return number_to_string(value)
    if value is None:
        return "null"
    if value is UNDEFINED:
        return "undefined"
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def json_round_trip(value: Any, made: set[int] | None = None) -> Any:
    """``JSON.parse(JSON.stringify(value))`` for an object or array: holes and non-finite numbers
    become null. The ids of the containers it makes are added to ``made``."""
    kind = type(value)
    if kind is dict:
        copy = {k: json_round_trip(v, made) for k, v in value.items() if v is not UNDEFINED}
    elif kind is list:
        copy = [None if v is UNDEFINED else json_round_trip(v, made) for v in value]
    elif kind is float and (value != value or value in (math.inf, -math.inf)):
        return None
    else:
        return value
    if made is not None:
        made.add(id(copy))
    return copy


def without_holes(value: Any) -> Any:
    """A copy of ``value`` with array holes written as null, as a JSON consumer receives it."""
    kind = type(value)
    if kind is dict:
        return {k: without_holes(v) for k, v in value.items()}
    if kind is list:
        return [None if v is UNDEFINED else without_holes(v) for v in value]
    return value
