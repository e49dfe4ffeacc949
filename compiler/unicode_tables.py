"""Character tables generated from CPython's own ``unicodedata``, emitted as JavaScript helpers.

JavaScript's regex property escapes follow Node's Unicode version and its own definitions (``\\s`` is
not Python's whitespace); ``str.isdigit`` and friends must answer exactly as CPython does, so the
bundle carries CPython's classification, computed here once per process and only when used.
"""

from __future__ import annotations

import functools
import sys

_ALL = range(sys.maxunicode + 1)


def _ranges(test) -> list[int]:
    out: list[int] = []
    start = None
    for cp in _ALL:
        if test(cp):
            if start is None:
                start = cp
        elif start is not None:
            out += [start, cp - 1]
            start = None
    if start is not None:
        out += [start, sys.maxunicode]
    return out


def _char(test):
    def check(cp: int) -> bool:
        if 0xD800 <= cp <= 0xDFFF:
            return False
        return test(chr(cp))

    return check


def _b36(x: int) -> str:
    digits = ""
    while True:
        digits = "0123456789abcdefghijklmnopqrstuvwxyz"[x % 36] + digits
        x //= 36
        if not x:
            return digits


def _js_array(name: str, values: list[int]) -> str:
    """A sorted list of code points, delta-encoded in base 36 (decoded once by ``$ranges``)."""
    deltas, prev = [], 0
    for v in values:
        deltas.append(_b36(v - prev))
        prev = v
    return f'const {name} = $ranges("{",".join(deltas)}");'


def _js_map(name: str, mapping: dict[int, str]) -> str:
    import json

    items = ",".join(f"{cp}:{json.dumps(v)}" for cp, v in sorted(mapping.items()))
    return f"const {name} = {{{items}}};"


@functools.lru_cache(maxsize=None)
def table(name: str) -> str:
    """The JavaScript declaration of one generated table."""
    import unicodedata

    if name == "$PY_WS":
        chars = [cp for cp in range(0x3001) if chr(cp).isspace()]
        parts, i = [], 0
        while i < len(chars):
            j = i
            while j + 1 < len(chars) and chars[j + 1] == chars[j] + 1:
                j += 1
            a, b = chars[i], chars[j]
            parts.append(f"\\\\u{a:04x}" if a == b else f"\\\\u{a:04x}-\\\\u{b:04x}")
            i = j + 1
        return f'const $PY_WS = "[{"".join(parts)}]";'
    if name == "$ND_STARTS":
        starts = [cp for cp in _ALL if not 0xD800 <= cp <= 0xDFFF and unicodedata.category(chr(cp)) == "Nd"
                  and unicodedata.decimal(chr(cp), -1) == 0]
        return _js_array(name, starts)
    tests = {
        "$NONPRINTABLE": _char(lambda c: not c.isprintable()),
        "$DIGIT": _char(str.isdigit),
        "$DECIMAL": _char(str.isdecimal),
        "$NUMERIC": _char(str.isnumeric),
        "$ALPHA": _char(str.isalpha),
        "$LOWER": _char(str.islower),
        "$UPPER": _char(str.isupper),
        "$TITLECASE": _char(lambda c: unicodedata.category(c) == "Lt"),
        "$CASED": _char(lambda c: c.islower() or c.isupper() or unicodedata.category(c) == "Lt"),
    }
    if name == "$NONPRINTABLE":
        return _js_array(name, _ranges(lambda cp: 0xD800 <= cp <= 0xDFFF or tests[name](cp)))
    if name in tests:
        return _js_array(name, _ranges(tests[name]))
    if name == "$TITLE_MAP":
        return _js_map(name, {cp: chr(cp).title() for cp in _ALL if not 0xD800 <= cp <= 0xDFFF
                              and chr(cp).title() != chr(cp).upper()})
    if name == "$FOLD_MAP":
        return _js_map(name, {cp: chr(cp).casefold() for cp in _ALL if not 0xD800 <= cp <= 0xDFFF
                              and chr(cp).casefold() != chr(cp).lower()})
    raise KeyError(name)


NAMES = ("$PY_WS", "$ND_STARTS", "$NONPRINTABLE", "$DIGIT", "$DECIMAL", "$NUMERIC", "$ALPHA", "$LOWER", "$UPPER",
         "$TITLECASE", "$CASED", "$TITLE_MAP", "$FOLD_MAP")
