"""FQL constructs that Segment's documentation and ``@segment/tsub`` answer differently.

Destination functions run in cloud mode: Segment's servers filter their events, with code that is
not public. The public code is tsub 2.0.1 (what analytics.js runs in device mode), and segfn's engine
matches it exactly; Segment's FQL reference (segment-docs ``src/api/public-api/fql.md``) describes
some constructs otherwise. ``divergences(ir)`` finds those constructs in a compiled filter so that
``segfn`` can say, when the workspace loads, which answer it applies (tsub's) and which the docs
give. Each rule below is tsub's evaluation (``matchers.ts``) set against the FQL reference, and each
answer is checked against tsub itself by ``tests/filters/test_doc_divergences.py``:

- ``X in <path>`` (the list is the event's array): the docs test membership; tsub reads each string
  element of that array as a *path* and compares what it finds there, so a string is never found,
  and it throws (the event is not sent) when the path holds no array.
- ``typeof(X) = "null" | "bool" | "list" | "object"``: the docs name types ``null``, ``bool``,
  ``list``; tsub gives JavaScript's ``typeof``: ``object`` for null, lists and objects, ``boolean``.
- ``length(X)`` compared: the docs count bytes and their example drops events without ``userId``
  with ``length(userId) < 1``; tsub counts UTF-16 code units and gives NaN for a missing field, so
  every comparison with it is false.
- ``contains``/``match`` over a function (``contains(lowercase(event), "x")``): tsub never evaluates
  a function there, so the call is false whatever the event.

Pure: takes IR (as ``compile_fql`` returns it), returns descriptions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterator

_COMPARISONS = ("=", "!=", "<", "<=", ">", ">=")
_FUNCTIONS = ("contains", "match", "lowercase", "typeof", "length", "semver")
_TYPEOF = {
    "null": ("true for a null value", 'never true: typeof(null) is "object"'),
    "bool": ("true for true and false", 'never true: a boolean\'s type is "boolean"'),
    "list": ("true for an array", 'never true: an array\'s type is "object"'),
    "object": ("true for an object only", "true for null and for arrays too (JavaScript's typeof)"),
}


@dataclass(frozen=True)
class Divergence:
    """One construct: as FQL, what Segment's docs answer, and what tsub (and so segfn) answers."""

    construct: str
    documented: str
    tsub: str

    def __str__(self) -> str:
        return (f"{self.construct}: Segment's FQL docs say {self.documented}; @segment/tsub 2.0.1 answers "
                f"{self.tsub}. segfn applies tsub's answer (Segment's cloud-mode filtering is not public)")


def divergences(ir: Any) -> list[Divergence]:
    """Every construct in ``ir`` whose documented answer differs from tsub's, outermost first, each once."""
    found: list[Divergence] = []
    for item in _walk(ir):
        if item not in found:
            found.append(item)
    return found


def _walk(ir: Any) -> Iterator[Divergence]:
    if not isinstance(ir, list) or not ir or not isinstance(ir[0], str):
        return
    head, args = ir[0], ir[1:]
    if head == "in" and len(args) == 2 and isinstance(args[1], str):
        yield Divergence(f"{show(args[0])} in {args[1]}",
                         f"true when the array {args[1]} holds {show(args[0])}",
                         f"false: it reads each string in {args[1]} as a field path, and it fails (the "
                         f"event is not sent) when {args[1]} is missing or not an array")
    if head in _COMPARISONS and len(args) == 2:
        for side, other in ((args[0], args[1]), (args[1], args[0])):
            if _is_call(side, "typeof") and isinstance(other, dict) and other.get("value") in _TYPEOF:
                documented, tsub = _TYPEOF[other["value"]]
                yield Divergence(f"{show(side)} {head} {show(other)}", documented, tsub)
            if _is_call(side, "length"):
                yield Divergence(f"{show(side)} {head} {show(other)}",
                                 f"length counts bytes and a missing {show(side[1])} has length 0 (their "
                                 f"example drops events without userId with length(userId) < 1)",
                                 f"UTF-16 code units (\"ア\" is 1, the docs say 3), and NaN for a missing "
                                 f"{show(side[1])}, so every comparison with it is false")
    if head in ("contains", "match") and any(_is_call(a) for a in args):
        yield Divergence(show(ir), f"{head} evaluates the function inside it",
                         f"false whatever the event: {head} does not evaluate a function argument")
    for arg in args:
        yield from _walk(arg)


def _is_call(ir: Any, name: str | None = None) -> bool:
    return isinstance(ir, list) and bool(ir) and ir[0] in _FUNCTIONS and (name is None or ir[0] == name)


def show(ir: Any) -> str:
    """IR written back as FQL, near enough to find it in the filter: a path, a literal, a call."""
    if isinstance(ir, str):
        return ir
    if isinstance(ir, dict) and "value" in ir:
        value = ir["value"]
        if isinstance(value, list):
            return "[" + ", ".join(show(v) for v in value) + "]"
        return json.dumps(value, ensure_ascii=False)
    if isinstance(ir, list) and ir and ir[0] in _FUNCTIONS:
        return f"{ir[0]}({', '.join(show(a) for a in ir[1:])})"
    return json.dumps(ir, ensure_ascii=False)
