"""Values as JavaScript sees them after ``JSON.parse``: what CPython must be fed so that both sides
start from the same input (shared/specs/python-to-js.md, "Divergences no compiler can remove")."""

from __future__ import annotations

import re
from typing import Any

MAX_SAFE = 2 ** 53
_INDEX = re.compile(r"0|[1-9][0-9]*")


def _is_index(key: str) -> bool:
    return bool(_INDEX.fullmatch(key)) and int(key) < 2 ** 32 - 1


def js_normalise(value: Any) -> Any:
    """JSON ``value`` as JSON.parse would give it back, in Python terms: one number type (integral
    floats become ints, big ints are rounded through a double), tuples become lists, and objects
    list their integer-like keys first, in numeric order, as JavaScript objects iterate them."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        if abs(value) > MAX_SAFE:
            return int(float(value))
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError("NaN and Infinity are not JSON")
        return int(value) if value.is_integer() else value
    if isinstance(value, (list, tuple)):
        return [js_normalise(v) for v in value]
    if isinstance(value, dict):
        keys = [str(k) if not isinstance(k, str) else k for k in value]
        index = sorted((k for k in keys if _is_index(k)), key=int)
        rest = [k for k in keys if not _is_index(k)]
        source = {str(k): v for k, v in value.items()}
        return {k: js_normalise(source[k]) for k in [*index, *rest]}
    raise TypeError(f"not a JSON value: {type(value).__name__}")


def numbers_equal(a: Any, b: Any) -> bool:
    """Deep equality of JSON values with 5.0 == 5 (and booleans distinct from numbers)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if abs(a) > MAX_SAFE or abs(b) > MAX_SAFE:
            return float(a) == float(b)  # one double, printed with different digits
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(numbers_equal(x, y) for x, y in zip(a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(numbers_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b
