"""JSON on the hot path: orjson wherever it gives exactly the json module's answer, json where not.

The rules kept (``tests/foundation/test_jsonio.py`` holds them against the json module):

- numbers: integers of any size stay exact Python ints (orjson turns one past 64 bits into a float,
  so text with a run of 19 or more digits is parsed by json); ``NaN``, ``Infinity`` and a number
  that overflows to infinity (``1e400``) are not JSON and are refused, as JavaScript's
  ``JSON.parse`` and Segment refuse them;
- strings: a lone surrogate escape (``"\\ud800"``) is valid JSON and is read as the json module
  reads it (orjson refuses it); ``loads(..., unreadable=[])``, what the Tracking API uses, reads it
  as U+FFFD instead, as Go's ``encoding/json`` does (a lone surrogate cannot be written as UTF-8);
- an integer of more than 4,300 digits (Python's limit for reading one, ``sys.int_info``) is a
  ``JSONDecodeError`` saying where; with ``unreadable=[]`` it is read as an ``Unreadable`` marker
  (and listed), so a caller can refuse only the message that holds it;
- nesting: a value nested more than ``MAX_DEPTH`` (500) levels deep is refused with ``TooDeep`` (a
  ``RecursionError``, what the parsers raise past their own limits, so callers have one case), naming
  its JSON path: orjson reads 1,024 levels and json about 990, but segfn's own code after the parser
  (json.dumps, jsonschema, the debugger's templates, a function's recursion) needs stack to spare;
- errors are ``json.JSONDecodeError`` with a line and column, whichever parser found them;
- sizes are the bytes of the compact UTF-8 serialisation (``separators=(",", ":")``,
  ``ensure_ascii=False``), as the Tracking API's limits are measured on parsed input.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import orjson

# A run of 19 digits may be an integer past 2**63 (orjson keeps up to 64 bits exactly). Found by
# turning every digit into 0 and anything else into "." (bytes.translate runs at memory speed; a
# regular expression took four times orjson's own time).
_DIGITS = bytes(ord("0") if chr(i) in "0123456789" else ord(".") for i in range(256))
_LONG_RUN = b"0" * 19
# orjson's output may differ from json's only in how a float is written (1e-05 against 0.00001,
# 1e-07 against 1e-7): at most 5 bytes against 7 for one float, so a size up to half a limit is
# under it whichever writes it.
_SAFE_SHARE = 0.5
_STRICT = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS


MAX_DEPTH = 500  # levels of nesting read; the body itself is level 1
MAX_INT_DIGITS = getattr(sys.int_info, "default_max_str_digits", 4300) or 4300
_HUGE_INT = re.compile(rb"-?[0-9]{%d,}" % (MAX_INT_DIGITS + 1))
_SURROGATE = re.compile("[\ud800-\udfff]")


class Unreadable(str):
    """An integer of more than ``MAX_INT_DIGITS`` digits, kept as its text where it was found.

    No reader downstream holds it exactly (JavaScript's ``JSON.parse`` reads it as a float, past
    1e308 as ``Infinity``). A ``str`` so the value can still be measured and stored as text."""

    __slots__ = ()

    def reason(self) -> str:
        digits = len(self.lstrip("-"))
        return (f"a number with {digits:,} digits (more than {MAX_INT_DIGITS:,}): no JSON reader downstream "
                f"holds it exactly (JavaScript reads it as Infinity); send it as a string")


class TooDeep(RecursionError):
    """A JSON value nested more than ``MAX_DEPTH`` levels deep; ``path`` is where the limit is passed."""

    reason = (f"nested too deeply: more than {MAX_DEPTH} levels of arrays and objects (the body is level 1); "
              f"segfn reads at most {MAX_DEPTH}")

    def __init__(self, path: str) -> None:
        shown = path if len(path) <= 80 else path[:60] + "..." + path[-16:]
        super().__init__(f"nested too deeply: more than {MAX_DEPTH} levels of arrays and objects (at {shown}); "
                         f"segfn reads at most {MAX_DEPTH}")
        self.path = path


def clip_deep(value: Any, limit: int) -> Any:
    """``value`` (a message) with each of its own values nested past ``limit`` levels (``value`` is
    level 1) replaced by a short note: what can be kept, and written, of a message refused as too deep."""
    if not isinstance(value, dict):
        return f"(nested more than {limit} levels deep: left out)"
    out = {}
    for key, item in value.items():
        try:
            check_depth(item, limit - 1)
            out[key] = item
        except TooDeep:
            out[key] = f"(nested more than {limit - 1} levels deep: left out)"
    return out


def check_depth(value: Any, limit: int = MAX_DEPTH) -> None:
    """Raise ``TooDeep`` when ``value`` holds arrays or objects nested more than ``limit`` levels
    deep (``value`` itself, if a container, is level 1). Iterative: it never recurses itself."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            raise TooDeep(_path_to_depth(value, limit + 1))
        for child in (item.values() if isinstance(item, dict) else item):
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))


def _path_to_depth(value: Any, depth: int) -> str:
    """The JSON path of the first container found at ``depth`` levels (the root is level 1)."""
    stack: list[tuple[Any, int, str]] = [(value, 1, "$")]
    while stack:
        item, level, path = stack.pop()
        if level >= depth:
            return path
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for key, child in reversed(list(pairs)):
            if isinstance(child, (dict, list)):
                stack.append((child, level + 1, f"{path}[{key}]" if isinstance(item, list) else f"{path}.{key}"))
    return "$"


class _NotJson(ValueError):
    """A constant or an infinite number the json module would accept and JSON does not."""


def _refuse_constant(name: str) -> Any:
    raise _NotJson(f"{name} is not valid JSON")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise _NotJson(f"the number {text} overflows to infinity")
    return value


def loads(data: str | bytes, *, unreadable: list[Any] | None = None) -> Any:
    """Parse JSON text (``str``, or UTF-8 ``bytes``). Raises ``json.JSONDecodeError`` (a
    ``ValueError``) with the position, or ``RecursionError`` for nesting deeper than json reads.
    Nesting past ``MAX_DEPTH`` raises ``TooDeep``, a ``RecursionError`` naming the JSON path.

    With ``unreadable`` (a list), the text is read as a server reads what a client sent: a lone
    surrogate becomes U+FFFD, an integer past ``MAX_INT_DIGITS`` digits becomes an ``Unreadable``
    marker, appended to the list, instead of an error, and nesting past ``MAX_DEPTH`` (when orjson
    read the body, up to its 1,024 levels) appends the ``TooDeep`` instead of raising it: a caller can
    then refuse only the messages that hold what no reader downstream holds."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    value, by_json = _parse(data, raw, unreadable)
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH:  # else it cannot be that deep: nothing to walk
        try:
            check_depth(value)
        except TooDeep as deep:
            if unreadable is None or by_json:  # json's values are cleaned below, recursively: not past the limit
                raise
            unreadable.append(deep)
    # only json reads lone surrogates (orjson refuses them): only its values may need cleaning
    return well_formed(value) if by_json and unreadable is not None else value


def _parse(data: str | bytes, raw: bytes, unreadable: list[Unreadable] | None) -> tuple[Any, bool]:
    """The parsed value, and whether json (not orjson) read it."""
    if _LONG_RUN not in raw.translate(_DIGITS):
        try:
            return orjson.loads(raw), False
        except orjson.JSONDecodeError:
            pass  # json decides: lone surrogates are valid, and its error says where
    parse_int = int if unreadable is None else _reader_of_ints(unreadable)
    try:
        value = json.loads(data, parse_constant=_refuse_constant, parse_float=_finite, parse_int=parse_int)
    except UnicodeDecodeError as exc:  # bytes that are not UTF-8
        raise json.JSONDecodeError(f"not UTF-8 (invalid byte at offset {exc.start})", "", 0) from None
    except _NotJson as refused:
        try:
            orjson.loads(data)  # says where the constant is
        except orjson.JSONDecodeError as error:
            raise json.JSONDecodeError(str(refused), error.doc, error.pos) from None
        raise json.JSONDecodeError(str(refused), data if isinstance(data, str) else "", 0) from None
    except ValueError as exc:  # json's own errors, or int() past its digit limit
        if isinstance(exc, json.JSONDecodeError) or "integer string conversion" not in str(exc):
            raise
        found = _HUGE_INT.search(raw)  # int() refused a number past its digit limit: say where
        pos = found.start() if found else 0
        text = raw.decode("utf-8", "replace")
        raise json.JSONDecodeError(Unreadable(found.group().decode() if found else "").reason(), text,
                                   len(raw[:pos].decode("utf-8", "replace"))) from None
    return value, True


def _reader_of_ints(found: list[Unreadable]) -> Any:
    def read(text: str) -> Any:
        if len(text) - text.startswith("-") > MAX_INT_DIGITS:
            marker = Unreadable(text)
            found.append(marker)
            return marker
        return int(text)
    return read


def well_formed(value: Any) -> Any:
    """``value`` with every lone surrogate (in strings and keys) replaced by U+FFFD, as Go's
    ``encoding/json`` reads one; the same object when it holds none."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) and not isinstance(value, Unreadable) \
            else value
    if isinstance(value, dict):
        return {well_formed(k): well_formed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [well_formed(v) for v in value]
    return value


def find_unreadable(value: Any, path: str = "$") -> tuple[str, Unreadable] | None:
    """The JSON path and marker of the first ``Unreadable`` number in ``value``, or None."""
    if isinstance(value, Unreadable):
        return path, value
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list, Unreadable)):
                found = find_unreadable(item, f"{path}.{key}")
                if found:
                    return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, (dict, list, Unreadable)):
                found = find_unreadable(item, f"{path}[{index}]")
                if found:
                    return found
    return None


def _dumps_exact(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8", "surrogatepass")


def compact_size(value: Any) -> int:
    """Bytes of ``value`` serialised compactly as UTF-8 JSON."""
    return len(_dumps_exact(value))


def size_over(value: Any, limit: int) -> int | None:
    """``compact_size(value)`` when it is over ``limit``, else None: exact, and cheap for the
    values far under the limit that nearly every message is."""
    try:
        if len(orjson.dumps(value, option=_STRICT)) <= limit * _SAFE_SHARE:
            return None
    except TypeError:  # an integer past 64 bits, a lone surrogate: only json writes those
        pass
    size = compact_size(value)
    return size if size > limit else None


def clone(value: Any) -> Any:
    """A deep copy by JSON round trip, as ``json.loads(json.dumps(value))`` makes it."""
    try:
        return orjson.loads(orjson.dumps(value, option=_STRICT))
    except (TypeError, orjson.JSONDecodeError):
        return json.loads(json.dumps(value))


def contains_text(value: Any, needles: list[str]) -> bool:
    """Whether any of ``needles`` occurs in ``value`` serialised as JSON (keys, strings, and
    anything else as its ``str``): a quick test before walking the value."""
    try:
        text = orjson.dumps(value, default=str, option=orjson.OPT_NON_STR_KEYS)
        return any(needle.encode("utf-8", "surrogatepass") in text for needle in needles)
    except TypeError:
        text = json.dumps(value, ensure_ascii=False, default=str)
        return any(needle in text for needle in needles)
