"""Probes of collections (defaultdict, Counter, OrderedDict), itertools (chain, islice, groupby,
product) and functools (reduce, partial), CPython vs Node."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.node

HEAD = ("from collections import defaultdict, Counter, OrderedDict\nimport collections, itertools, functools\n"
        "from itertools import chain, islice, groupby, product\nfrom functools import reduce, partial\n")

PROBES = {
    "defaultdict_forms": ("""
def f(x):
    by_type = defaultdict(list)
    counts = defaultdict(int)
    nested = defaultdict(dict)
    for e in x:
        by_type[e["type"]].append(e["id"])
        counts[e["type"]] += 1
        nested[e["type"]][e["id"]] = True
    plain = defaultdict(None, {"a": 1})
    out = [by_type, counts, dict(nested), repr(counts), repr(defaultdict(set)), counts["nope"], "nope" in counts,
           counts.get("other"), len(counts), sorted(counts), repr(counts.copy()), counts == dict(counts)]
    try:
        out.append(plain["missing"])
    except KeyError as e:
        out.append(["KeyError", str(e)])
    sets = defaultdict(set)
    sets["a"].add(1)
    out.append(sorted(sets["a"]))
    lam = defaultdict(lambda: "n/a")
    out.append([lam["q"], dict(lam)])
    return out
""", [[{"type": "track", "id": "1"}, {"type": "page", "id": "2"}, {"type": "track", "id": "3"}], []]),
    "defaultdict_errors": ("""
def f(x):
    try:
        return defaultdict(x)
    except TypeError as e:
        return str(e)
""", [1, "list"]),
    "counter_forms": ("""
def f(x):
    c = Counter(x)
    d = Counter({"a": 2, "z": -1}, b=3)
    c.update(["a", "a"])
    c.update({"b": 5})
    e = c.copy()
    e.subtract(["a"])
    e.subtract({"b": 10})
    return [dict(c), c.most_common(), c.most_common(2), c.most_common(0), c.most_common(-1), c["zzz"], "zzz" in c,
            sorted(c.elements()), c.total(), repr(c), repr(Counter()), dict(c + d), dict(c - d), dict(c | d),
            dict(c & d), dict(+d), dict(-d), repr(e), len(c), sorted(c)[:3], repr(d)]
""", [["a", "b", "a", "c", "b", "a"], "mississippi", [], ["x"]]),
    "counter_word_counts": ("""
def f(x):
    words = Counter(w.lower() for w in x.split())
    top = [w for w, n in words.most_common(3)]
    return [top, words.most_common(1)[0] if words else None, sum(words.values())]
""", ["the cat and the hat and The bat", "", "a b c d e f a b a"]),
    "ordereddict_forms": ("""
def f(x):
    o = OrderedDict(x)
    o["k"] = 1
    o.move_to_end(list(o)[0])
    o.move_to_end("k", last=False)
    first = o.popitem(last=False)
    last = o.popitem()
    out = [list(o.items()), first, last, repr(o), repr(OrderedDict()), o == dict(o),
           OrderedDict(a=1, b=2) == OrderedDict(b=2, a=1), OrderedDict(a=1, b=2) == {"b": 2, "a": 1},
           OrderedDict(a=1, b=2) == OrderedDict(a=1, b=2)]
    for call in (lambda: o.move_to_end("missing"), lambda: OrderedDict().popitem(), lambda: {"a": 1}.popitem(last=True)):
        try:
            out.append(call())
        except (KeyError, TypeError) as e:
            out.append([type(e).__name__, str(e)])
    return out
""", [[["a", 1], ["b", 2], ["c", 3]], {"x": 1, "y": 2}]),
    "copies_keep_the_kind": ("""
import copy

def f(x):
    dd = defaultdict(list, {"a": [1]})
    c = Counter(x)
    o = OrderedDict(b=1, a=2)
    d2, c2, o2 = copy.deepcopy(dd), copy.copy(c), copy.deepcopy(o)
    d2["new"].append(1)
    dd["a"].append(2)
    return [repr(d2), repr(dd), repr(c2), c2["missing"], repr(o2), o2 == OrderedDict(a=2, b=1), repr(copy.copy(dd))]
""", [["a", "b", "a"]]),
    "itertools_forms": ("""
def f(x):
    return [list(chain(x, [9], "ab")), list(chain.from_iterable([x, x])), list(islice(x, 2)), list(islice(x, 1, None)),
            list(islice(x, 0, 5, 2)), list(islice(x, None)), [(k, list(g)) for k, g in groupby(x)],
            [(k, len(list(g))) for k, g in groupby(sorted(x), key=lambda v: v % 2)], list(product(x[:2], "ab")),
            list(product([0, 1], repeat=2)), list(itertools.product()), [list(g) for _, g in groupby([])]]
""", [[3, 1, 1, 2, 2, 2, 5], [], [1]]),
    "islice_errors": ("""
def f(x):
    try:
        return list(islice([1, 2, 3], *x))
    except ValueError as e:
        return str(e)
""", [[-1], [1, -1], [-1, 2], [0, 2, 0], [None, None, None], [1.5], [1, 1.5], [0, 2, -1], [True]]),
    "functools_forms": ("""
def add(a, b):
    return a + b

def scale(v, factor=1, *, offset=0):
    return v * factor + offset

def f(x):
    double = partial(scale, factor=2)
    shifted = functools.partial(scale, 3, offset=10)
    out = [reduce(add, x, 0), reduce(lambda a, b: a if a > b else b, x, -1), double(5), double(5, offset=1),
           shifted(), shifted(factor=4), list(map(double, x)), reduce(add, ["a", "b"]), partial(int, "7")()]
    try:
        out.append(reduce(add, []))
    except TypeError as e:
        out.append(str(e))
    return out
""", [[1, 2, 3], [], [5]]),
}


@pytest.mark.parametrize("name", sorted(PROBES))
def test_collections_probe(probe, name):
    source, inputs = PROBES[name]
    probe.check(HEAD + source, inputs)


@settings(max_examples=6)
@given(st.lists(st.tuples(st.lists(st.sampled_from("abcde"), max_size=12), st.lists(st.sampled_from("abcde"), max_size=12),
                          st.integers(-2, 5)), min_size=25, max_size=25))
def test_counter_arithmetic_on_generated_lists(probe, cases):
    source = HEAD + """
def f(x):
    a, b = Counter(x[0]), Counter(x[1])
    b.subtract(x[0][:2])
    return [dict(a + b), dict(a - b), dict(a | b), dict(a & b), dict(-b), dict(+b), a.most_common(x[2]),
            [(k, len(list(g))) for k, g in groupby(x[0])], list(islice(x[1], max(x[2], 0)))]
"""
    probe.check(source, [list(c) for c in cases])


REFUSED = [
    ("from collections import deque\n", "collections.deque is not in the supported standard library subset",
     "from collections"),
    ("import itertools\ndef g(x):\n    return itertools.permutations(x)",
     "itertools.permutations is not in the supported standard library subset", "itertools.permutations"),
    ("import functools\ndef g(x):\n    return functools.lru_cache(x)",
     "functools.lru_cache is not in the supported standard library subset", "functools.lru_cache"),
]


@pytest.mark.parametrize("code,message,anchor", REFUSED, ids=[r[1][:40] for r in REFUSED])
def test_refused_collections_neighbours(tmp_path, code, message, anchor):
    from tests.compiler.test_compile_errors import assert_refused

    assert_refused(tmp_path, code, message, anchor)
