"""FQL's ``match(s, pattern)``: Segment's glob (``* ? [..] [^..] a-z \\x``), anchored, ``/`` not special.

tsub ports segmentio/glob (itself Go's path.Match without the separator rule) to JavaScript, so it works
on UTF-16 code units. Its algorithm splits the pattern into chunks at each run of ``*``; every chunk
is a fixed-length sequence of single-unit operations. The first chunk must match at the start, each
middle chunk at its leftmost position after the previous one, the last one at the very end, and a
trailing ``*`` swallows the rest. Any malformed chunk (an unclosed ``[``, a lone ``\\``, ``[]``, ...)
makes the whole match false, whatever the string, because a true answer has to walk every chunk.

Here each chunk becomes a small compiled regular expression (one code unit per operation), so the walk
above runs in C; compiled patterns are cached.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .jsvalues import utf16_units


class _Malformed(Exception):
    pass


def _scan_chunks(pattern: str) -> tuple[list[tuple[bool, str]], bool]:
    """Split like the reference scanner: (star before it, chunk) pairs, and whether a star ends it."""
    chunks: list[tuple[bool, str]] = []
    while pattern:
        star = False
        while pattern and pattern[0] == "*":
            pattern = pattern[1:]
            star = True
        in_range = False
        i = 0
        while i < len(pattern):
            c = pattern[i]
            if c == "\\":
                if i + 1 < len(pattern):
                    i += 1
            elif c == "[":
                in_range = True
            elif c == "]":
                in_range = False
            elif c == "*" and not in_range:
                break
            i += 1
        chunk, pattern = pattern[:i], pattern[i:]
        if star and chunk == "":
            return chunks, True
        chunks.append((star, chunk))
    return chunks, False


def _unit(char: str) -> str:
    return f"\\u{ord(char):04x}"


def _escaped_char(chunk: str, i: int) -> tuple[str, int]:
    """A possibly escaped character inside ``[...]``; malformed where the reference reports an error."""
    if i >= len(chunk) or chunk[i] in "-]":
        raise _Malformed
    if chunk[i] == "\\":
        i += 1
        if i >= len(chunk):
            raise _Malformed
    if i + 1 >= len(chunk):  # the reference needs something after every class character
        raise _Malformed
    return chunk[i], i + 1


def _chunk_regex(chunk: str) -> str:
    parts: list[str] = []
    i = 0
    while i < len(chunk):
        c = chunk[i]
        if c == "[":
            i += 1
            negated = i < len(chunk) and chunk[i] == "^"
            if negated:
                i += 1
            ranges: list[str] = []
            count = 0
            while True:
                if i < len(chunk) and chunk[i] == "]" and count > 0:
                    i += 1
                    break
                lo, i = _escaped_char(chunk, i)
                hi = lo
                if i < len(chunk) and chunk[i] == "-":
                    hi, i = _escaped_char(chunk, i + 1)
                if lo <= hi:
                    ranges.append(_unit(lo) + "-" + _unit(hi))
                count += 1
            body = "".join(ranges)
            if negated:
                parts.append(f"[^{body}]" if body else "(?s:.)")
            else:
                parts.append(f"[{body}]" if body else "(?!)")
        elif c == "?":
            parts.append("(?s:.)")
            i += 1
        else:
            if c == "\\":
                i += 1
                if i >= len(chunk):
                    raise _Malformed
                c = chunk[i]
            parts.append(_unit(c))
            i += 1
    return "".join(parts)


class Glob:
    """A compiled pattern; ``matches(s)`` takes a Python string and compares UTF-16 code units."""

    __slots__ = ("pattern", "_chunks", "_trailing", "_malformed", "_whole")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._whole = None
        units = utf16_units(pattern)
        chunks, self._trailing = _scan_chunks(units)
        try:
            self._chunks = [(star, re.compile(_chunk_regex(chunk), re.DOTALL), len(chunk) and _width(chunk))
                            for star, chunk in chunks]
            self._malformed = False
        except _Malformed:
            self._chunks = []
            self._malformed = True
        if not self._malformed and not any(star for star, _, _ in self._chunks) and not self._trailing:
            # no star at all: one anchored regex for the whole pattern
            self._whole = re.compile("".join(_chunk_regex(c) for _, c in chunks) + r"\Z", re.DOTALL)

    def matches(self, text: str) -> bool:
        if self._malformed:
            return False
        s = utf16_units(text)
        if self._whole is not None:
            return self._whole.match(s) is not None
        pos = 0
        last = len(self._chunks) - 1
        for index, (star, regex, width) in enumerate(self._chunks):
            final = index == last and not self._trailing
            if not star:
                if regex.match(s, pos) is None:
                    return False
                pos += width
                if final and pos != len(s):
                    return False
                continue
            if final:
                start = len(s) - width
                return start >= pos and regex.match(s, start) is not None
            found = regex.search(s, pos)
            if found is None:
                return False
            pos = found.end()
        return self._trailing or pos == len(s)


def _width(chunk: str) -> int:
    """How many code units a well-formed chunk consumes (each operation takes exactly one)."""
    width = 0
    i = 0
    while i < len(chunk):
        c = chunk[i]
        if c == "[":
            i += 1
            if i < len(chunk) and chunk[i] == "^":
                i += 1
            count = 0
            while not (chunk[i] == "]" and count > 0):
                _, i = _escaped_char(chunk, i)
                if chunk[i] == "-":
                    _, i = _escaped_char(chunk, i + 1)
                count += 1
            i += 1
        else:
            i += 2 if c == "\\" else 1
        width += 1
    return width


@lru_cache(maxsize=1024)
def compile_glob(pattern: str) -> Glob:
    return Glob(pattern)


def glob_match(text: str, pattern: str) -> bool:
    """``match(text, pattern)`` as tsub answers it for two strings."""
    return compile_glob(pattern).matches(text)
