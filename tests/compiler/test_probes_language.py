"""Probes of the language constructs of issue 13 (compiled, run in Node, compared with CPython):
augmented assignment's errors, raising what a call returns, the builtins next/iter/pow/..., set and
dict operators, str.translate and the str.is* predicates, the walrus, match statements,
asyncio.gather. Each refused neighbour has a compile-error test with its message and position."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from tests.compiler.test_compile_errors_all_at_once import problems

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

BUILTINS = {
    "next_iter": ("def f(x):\n    it = iter(x)\n    first = next(it, 'none')\n    rest = list(it)\n"
                  "    return [first, rest, next(it, None), next(iter(x), 0)]",
                  [[], [1, 2, 3], "abc", "", (4, 5), {"a": 1, "b": 2}, {}]),
    "next_stop_iteration": ("def f(x):\n    it = iter(x)\n    next(it)\n    return next(it)", [[1], "a", [1, 2], {}]),
    "next_of_a_genexp_is_lazy": ("def f(x):\n    return next((int(v) for v in x if v), -1)",
                                 [["", "7", "bad"], [], ["", ""], ["x"]]),
    "next_of_zip_enumerate_map": ("def f(x):\n    return [next(zip(x, x), None), next(enumerate(x), None), "
                                  "next(map(str, x), None), next(filter(None, x), None), next(reversed(x), None)]",
                                  [[0, 1, 2], [], ["a"]]),
    "next_not_an_iterator": ("def f(x):\n    return next(x)", [[1], "a", None, 3, {"k": 1}]),
    "iter_type_names": ("def f(x):\n    it = iter(x)\n    return [len(it)] if x else type(it).__name__",
                        [[1], "é", "a"]),
    "iter_in_a_for_after_next": ("def f(x):\n    it = iter(x)\n    head = next(it, None)\n    out = []\n"
                                 "    for v in it:\n        out.append(v)\n    return [head, out, list(it)]",
                                 [[1, 2, 3], "xyz", []]),
    "pow_with_a_modulus": ("def f(x):\n    return pow(x[0], x[1], x[2])",
                           [[2, 10, 1000], [3, 200, 13], [-7, 3, 5], [7, 3, -5], [2, -1, 7], [4, -1, 8], [5, 0, 1],
                            [5, 3, 0], [2.5, 2, 3], ["a", 2, 3], [True, 5, 3], [0, 0, 7], [2 ** 40, 2 ** 40, 10 ** 9 + 7],
                            [3, 4, None]]),
    "pow_keywords": ("def f(x):\n    return [pow(base=x, exp=2), pow(x, 2, mod=5)]", [3, -4]),
    "divmod_reversed": ("def f(x):\n    return [divmod(x, 7), divmod(-x, 7), divmod(x, -7), list(reversed(str(x)))]",
                        [0, 13, 100, 2.5]),
    "reversed_is_an_iterator": ("def f(x):\n    r = reversed(x)\n    first = list(r)\n"
                                "    return [first, list(r), type(reversed(x)).__name__, [v for v in reversed(x)]]",
                                [[1, 2], "ab", (1, 2), {"a": 1, "b": 2}, None, 3]),
    "reversed_has_no_len": ("def f(x):\n    return len(reversed(x))", [[1], "a"]),
    "divmod_type_error": ("def f(x):\n    return divmod(x[0], x[1])", [["a", 1], [1, None], [7, 0], [7.5, 0]]),
    # sets
    "set_operators": ("def f(x):\n    a = set(x)\n    b = {1, 2, 'a'}\n"
                      "    return [sorted(a | b, key=str), sorted(a & b, key=str), sorted(a - b, key=str), "
                      "sorted(a ^ b, key=str), a <= b, a < b, a >= b, a > b, a == b, a != b]",
                      [[], [1], [1, 2, "a"], [1, 2, "a", 3], ["z", 2]]),
    "set_methods": ("def f(x):\n    a = set(x)\n    b = [1, 'a']\n"
                    "    return [a.isdisjoint(b), a.issubset(b), a.issuperset(b), sorted(a.symmetric_difference(b), key=str), "
                    "sorted(a.union(b, [9]), key=str), sorted(a.intersection(b), key=str), sorted(a.difference(b), key=str)]",
                    [[], [1], [1, "a", 2], ["b"]]),
    "set_in_place": ("def f(x):\n    a = set(x)\n    a.intersection_update([1, 2, 3])\n    b = set(x)\n"
                     "    b.difference_update([1], [2])\n    c = set(x)\n    c.symmetric_difference_update([3, 4])\n"
                     "    d = set(x)\n    d |= {9}\n    d &= {9, 1}\n    d -= {1}\n    d ^= {4}\n"
                     "    return [sorted(a), sorted(b), sorted(c), sorted(d)]",
                     [[], [1, 2], [1, 2, 3, 4, 5]]),
    "set_method_on_a_list": ("def f(x):\n    return x.isdisjoint([1])", [[1], "a"]),
    # str
    "str_predicates_more": ("def f(x):\n    return [x.isascii(), x.isidentifier(), x.isprintable(), x.istitle()]",
                            ["", "abc", "Abc Def", "ABC", "Abc def", "_x1", "1x", "é", "x\n", "a b", "ǅemal",
                             "\u00a0", "class", "Ab1 Cd", "𝔸bc", "a\u0300", "\u2028", "ǈ"]),
    "translate_maketrans": ("def f(x):\n    t = str.maketrans('abc', 'xyz', 'd')\n"
                            "    u = str.maketrans({'a': 'AA', 'b': None, 'é': 'e'})\n"
                            "    return [x.translate(t), x.translate(u), x.translate({ord('a'): 'A', ord('b'): None, 99: 100}), "
                            "x.translate({}), x.translate({'a': 'no'}), x.translate({ord(c): None for c in 'aeiou'})]",
                            ["", "abcd", "déjà vu", "ba😀c", "AaBb"]),
    "maketrans_errors": ("def f(x):\n    return str.maketrans(x[0], x[1]) and 1", [["ab", "c"], ["a", 1]]),
    "translate_bad_mapping": ("def f(x):\n    return 'abc'.translate({97: x})", [1.5, 0x110000, -1, "ok", None, 98]),
}


@pytest.mark.parametrize("name", sorted(AUG) + sorted(BUILTINS))
def test_language_probe(probe, name):
    source, inputs = {**AUG, **BUILTINS}[name]
    probe.check(source, inputs)


@settings(max_examples=60)
@given(st.integers(-10 ** 6, 10 ** 6), st.integers(-50, 200), st.integers(-10 ** 4, 10 ** 4))
def test_pow_with_a_modulus_is_cpythons(probe, base, exp, mod):
    probe.check("def f(x):\n    return pow(x[0], x[1], x[2])", [[base, exp, mod]])


@settings(max_examples=40)
@given(st.text(max_size=12), st.text(max_size=4), st.text(max_size=3))
def test_translate_is_cpythons(probe, text, frm, delete):
    to = frm[::-1]
    probe.check("def f(x):\n    return x[0].translate(str.maketrans(x[1], x[2], x[3]))", [[text, frm, to, delete]])


def test_next_of_a_name_bound_to_an_iterator_maker_goes_on_where_it_was(probe):
    probe.check("def f(x):\n    pairs = zip(x, x)\n    rows = enumerate(x)\n    back = reversed(x)\n"
                "    names = map(str, x)\n    kept = filter(None, x)\n"
                "    return [next(pairs, None), next(pairs, None), list(pairs), next(rows, None), list(rows),"
                " next(back, None), list(back), list(back), next(names, None), list(names), next(kept, 'none'), list(kept)]",
                [[], [1, 0, 2], "abc", (5, 6)])


MATCH_INPUTS = [None, True, False, 0, 1, 2, 1.0, "a", "track", "", [], [1], [1, 2], [1, 2, 3], [[1, 2], 3], ["x", {"k": 1}],
                {}, {"type": "track", "event": "Order"}, {"type": "track", "event": 3}, {"type": "identify", "traits": {"a": 1}},
                {"type": "page", "name": "Home", "extra": 1}, {"k": None}, {"k": 0, "j": [1, 2]}, {"__proto__": 1, "k": 5}]

MATCH = {
    "match_literals_and_alternatives": ('''
def f(x):
    match x:
        case None:
            return "none"
        case True:
            return "true"
        case 0 | 1.5:
            return "zero or 1.5"
        case 1 | 2:
            return "small"
        case "a" | "track":
            return "word"
        case _:
            return "other"''', MATCH_INPUTS),
    "match_sequences_with_star": ('''
def f(x):
    match x:
        case []:
            return "empty"
        case [one]:
            return ["one", one]
        case [first, *middle, last] if len(middle) > 0:
            return ["many", first, middle, last]
        case [[a, b], c]:
            return ["nested", a, b, c]
        case [a, b]:
            return ["pair", b, a]
        case (x, *_):
            return ["head", x]
    return "no match"''', MATCH_INPUTS + [(1, 2, 3), ("a",), "ab"]),
    "match_mappings_classes_and_captures": ('''
def f(x):
    match x:
        case {"type": "track", "event": str(name)}:
            return ["track", name]
        case {"type": "track", "event": other}:
            return ["odd track", other]
        case {"type": "identify", "traits": {"a": int() as a}, **rest}:
            return ["identify", a, rest]
        case {"type": str() as kind, **rest} if rest:
            return [kind, sorted(rest)]
        case {"k": None | 0 as k, **others}:
            return ["k", k, others]
        case {"k": v}:
            return ["k", v]
        case str(s) | int(s):
            return ["scalar", s]
        case list() | tuple():
            return "sequence"
        case dict():
            return "a dict"
        case bool(b):
            return ["bool", b]
    return None''', MATCH_INPUTS),
    "match_guard_failure_keeps_bindings_and_goes_on": ('''
def f(x):
    y = "unset"
    match x:
        case [y, *_] if y == 1:
            return ["first", y]
        case [_, z] if z:
            return ["second", z, y]
        case _:
            pass
    return ["fell through", y]''', [[1, 0], [2, 0], [2, 5], [], "s"]),
    "match_in_a_loop_with_break_and_continue": ('''
def f(x):
    out = []
    for item in x:
        match item:
            case "stop":
                break
            case "skip":
                continue
            case {"n": n} if n > 1:
                out.append(n * 2)
            case other:
                out.append(other)
    else:
        out.append("done")
    return out''', [["a", "skip", {"n": 3}, {"n": 1}, "stop", "b"], [], ["x"]]),
    "match_subject_evaluated_once": ('''
calls = []
def subject(x):
    calls.append(x)
    return x
def f(x):
    calls.clear()
    match subject(x):
        case 1:
            r = "one"
        case 2:
            r = "two"
        case _:
            r = "?"
    return [r, len(calls)]''', [1, 2, 3]),
    "walrus": ('''
def f(x):
    out = []
    if (n := len(x)) > 2:
        out.append(n)
    while (item := x.pop() if x else None) is not None:
        out.append(item)
    doubled = [y for v in [1, 2, 3] if (y := v * 2) > 2]
    return [out, doubled, y]''', [[1, 2, 3], [], ["a"]]),
    "dict_union": ('''
def f(x):
    d = {"a": 1, "b": 2} | x
    e = dict(x)
    e |= {"b": 3, "z": 0}
    e |= [("p", 1)]
    return [d, e, x | {}]''', [{}, {"a": 9, "c": 1}, {"b": None}]),
    "dict_union_errors": ("def f(x):\n    return {'a': 1} | x", [[1], None, "a", 1]),
}


@pytest.mark.parametrize("name", sorted(MATCH))
def test_match_walrus_and_union_probe(probe, name):
    source, inputs = MATCH[name]
    probe.check(source, inputs)


@pytest.mark.parametrize("pattern,col,message", [
    ("Point(x=0)", 14, "class patterns with attributes (x=...) are not supported"),
    ("Point(0)", 20, "positional patterns of a class need its __match_args__"),
    ("[a, *b, *c]", 14, "multiple starred names in sequence pattern"),
    ("[a] | b", 20, "alternative patterns bind different names"),
    ('{"k": 1, "k": 2}', 23, "mapping pattern checks duplicate key ('k')"),
])
def test_refused_patterns_say_why_and_where(tmp_path, pattern, col, message):
    found = problems(tmp_path, f"""
        class Point:
            def __init__(self, x):
                self.x = x

        def g(x):
            match x:
                case {pattern}:
                    return 1
            return 0
    """)
    assert len(found) == 1 and found[0][0] == 7 and message in found[0][2], found
    assert found[0][1] == col, (found, col)


ALIASING = {
    "in_place_operators_change_the_object": ('''
def f(x):
    s = set(x)
    alias = s
    s |= {100}
    s -= {x[0]} if x else set()
    s &= {100, 2, 3}
    s ^= {7}
    d = {"a": 1}
    same = d
    d |= {"b": 2}
    d |= [("c", 3)]
    lst = [1]
    other = lst
    lst += x
    return [sorted(alias), same, other]''', [[], [2, 3], [1, 2, 3, 100]]),
    "dict_in_place_union_errors": ("def f(x):\n    d = {}\n    d |= x\n    return d", [1, None, [1], ["ab"], [("a", 1, 2)]]),
}


@pytest.mark.parametrize("name", sorted(ALIASING))
def test_in_place_probe(probe, name):
    source, inputs = ALIASING[name]
    probe.check(source, inputs)


class Echo:
    """Answers each request with its own path as JSON (a 500 for paths holding "fail")."""

    async def __call__(self, request):
        import json as _json

        from segfn.runtime import Headers, Response

        path = request.url.split("/", 3)[3]
        status = 500 if "fail" in path else 200
        return Response(status, _json.dumps({"path": path}), Headers({"Content-Type": "application/json"}), "OK",
                        request.url)


GATHER = {
    "gather_results_in_order": ('''
import asyncio

async def get(i):
    res = await fetch(f"https://api.example.com/{i}")
    if not res.ok:
        raise ValueError(f"failed {i}")
    body = await res.json()
    return body["path"]

async def double(v):
    return v * 2

async def f(x):
    direct = await asyncio.gather(get("a"), double(3))
    many = await asyncio.gather(*[get(i) for i in x])
    nothing = await asyncio.gather()
    return [direct, many, nothing]''', [[], ["x", "y", "z"], ["x", "fail1", "y", "fail2"]]),
    "gather_first_exception_and_return_exceptions": ('''
from asyncio import gather

async def check(v):
    if v < 0:
        raise ValueError(f"negative {v}")
    if v == 0:
        raise KeyError("zero")
    return v

async def f(x):
    settled = await gather(*(check(v) for v in x), return_exceptions=True)
    shown = [type(r).__name__ + ":" + str(r) if isinstance(r, Exception) else r for r in settled]
    try:
        return [shown, await gather(*[check(v) for v in x])]
    except (ValueError, KeyError) as e:
        return [shown, type(e).__name__, str(e)]''', [[1, 2], [1, -1, 0], [0, -2], []]),
    "gather_starts_no_coroutine_before_its_arguments_are_all_made": ('''
import asyncio

async def work(log, tag):
    log.append(tag)
    res = await fetch(f"https://api.example.com/{tag}")
    if tag.startswith("fail"):
        raise ValueError(tag)
    return (await res.json())["path"]

async def f(x):
    log = []
    try:
        done = await asyncio.gather(work(log, "fail-a"), work(log, x["second"]), *[work(log, t) for t in x.get("more", [])])
        return ["done", done, log]
    except KeyError as e:
        return ["key", str(e), log]
    except ValueError as e:
        return ["value", str(e), log]''', [{}, {"second": "b"}, {"second": "b", "more": ["c", "fail-d"]}]),
    "gather_of_a_non_awaitable": ('''
import asyncio

async def f(x):
    return await asyncio.gather(x)''', [1, None]),
}


@pytest.mark.parametrize("name", sorted(GATHER))
def test_gather_probe(probe, name):
    source, inputs = GATHER[name]
    probe.check(source, inputs, transport=Echo())


def test_gather_must_be_awaited_and_takes_return_exceptions_only(tmp_path):
    found = problems(tmp_path, """
        import asyncio

        async def one():
            return 1

        async def g(x):
            pending = asyncio.gather(one())
            return await asyncio.gather(one(), timeout=3)
    """)
    assert [(line, col) for line, col, _ in found] == [(7, 15), (8, 40)], found
    assert "asyncio.gather() is a coroutine here: call it with 'await'" in found[0][2]
    assert "asyncio.gather() got an unexpected keyword argument 'timeout'" in found[1][2]


@pytest.mark.parametrize("code,line,col,message", [
    ("d = {}\n    for i, v in enumerate(x):\n        d[i] = v\n    return d", 4, 11, "this key is an int: use str(...) of it"),
    ("return {i: v for i, v in enumerate(x)}", 2, 13, "this key is an int"),
    ("return dict(enumerate(x))", 2, 17, "dict(enumerate(...)) has int keys"),
    ("d = {}\n    d[len(x)] += 1\n    return d", 3, 7, "this key is an int"),
    ("d = {}\n    d[1.5] = 1\n    return d", 3, 7, "this key is a float"),
    ("d = {}\n    d[None] = 1\n    return d", 3, 7, "this key is None"),
    ("d = {}\n    d[(1, 2)] = 1\n    return d", 3, 7, "this key is a tuple"),
    ("return {1: x}", 2, 13, "dict keys must be str"),
])
def test_a_dict_key_the_compiler_sees_is_not_a_str_is_refused(tmp_path, code, line, col, message):
    found = problems(tmp_path, "def g(x):\n    " + code)
    assert len(found) == 1 and found[0][:2] == (line, col) and message in found[0][2], found


def test_dict_annotations_with_non_str_keys_are_refused_each_one(tmp_path):
    found = problems(tmp_path, """
        from typing import Dict, Counter

        def g(x: dict[int, str], y: Dict[str, int]) -> Dict[float, str]:
            z: Counter[int] = {}
            return z
    """)
    assert [(line, col, m.split(":")[0]) for line, col, m in found] == [
        (3, 15, "dict[int, ...]"), (3, 53, "Dict[float, ...]"), (4, 16, "Counter[int]")], found


def test_keys_made_str_compile_and_agree(probe):
    probe.check("def f(x):\n    d = {}\n    for i, v in enumerate(x):\n        d[str(i)] = v\n"
                "    return [d, {str(i): v for i, v in enumerate(x)}, {v: i for i, v in enumerate(x)}]",
                [[], ["a", "b"], ["a", "a"]])


CORPUS_FINDINGS = {  # what the corpus (test_corpus.py) found, held here one construct at a time
    "exception_on_segments_error_class_with_init": ('''
from segfn.runtime import ValidationError, InvalidEventPayload

class OrderError(ValidationError):
    def __init__(self, order_id, reason):
        super().__init__(f"order {order_id}: {reason}")
        self.order_id = order_id

class Quiet(InvalidEventPayload):
    def __init__(self):
        super().__init__()

def f(x):
    try:
        if x:
            raise OrderError(x, "bad price")
        raise Quiet()
    except ValidationError as e:
        return [type(e).__name__, str(e), e.order_id, isinstance(e, ValidationError)]
    except InvalidEventPayload as e:
        return [type(e).__name__, str(e)]''', ["o-1", ""]),
    "join_of_a_non_iterable": ("def f(x):\n    return '; '.join(x)", [1, True, None, 2.5, ["a"], "ab", {"k": 1}]),
}


@pytest.mark.parametrize("name", sorted(CORPUS_FINDINGS))
def test_corpus_finding_probe(probe, name):
    source, inputs = CORPUS_FINDINGS[name]
    probe.check(source, inputs)


@pytest.mark.parametrize("code,line,col,message", [
    ("return list(map(lambda v: (w := v), x))", 2, 21, "':=' inside a lambda is not supported"),
    ("return iter(x, None)", 2, 12, "iter(callable, sentinel) is not supported"),
    ("return pow(x, 2, 3, 4)", 2, 12, "pow() takes at most 3 arguments (4 given)"),
    ("return next()", 2, 12, "next() takes 1 to 2 arguments (0 given)"),
    ("return x.translate({**x, 1: 'a'})", 2, 24, "a translate table with ** unpacking is not supported"),
    ("return str.maketrans(x, y=1)", 2, 29, "maketrans() got an unexpected keyword argument 'y'"),
])
def test_refused_neighbours_of_the_builtins_say_why_and_where(tmp_path, code, line, col, message):
    found = problems(tmp_path, "def g(x):\n    " + code)
    assert len(found) == 1 and found[0][:2] == (line, col) and message in found[0][2], found


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.sampled_from([1.5, -0.5]) | st.sampled_from(["", "a", "track", "k"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.sampled_from(["type", "event", "k", "j", "name", "traits"]),
                                                                 inner, max_size=4),
    max_leaves=8)


@settings(max_examples=8)
@given(st.lists(JSON_VALUES, min_size=10, max_size=30))
def test_match_statements_agree_with_cpython_on_any_json(probe, values):
    for name in ("match_literals_and_alternatives", "match_sequences_with_star", "match_mappings_classes_and_captures"):
        probe.check(MATCH[name][0], values)


@settings(max_examples=8)
@given(st.lists(st.lists(st.integers(-3, 3) | st.sampled_from(["a", "b"]), max_size=6), min_size=5, max_size=20))
def test_iterators_and_set_operators_agree_with_cpython(probe, values):
    probe.check(BUILTINS["next_iter"][0], values)
    probe.check("def f(x):\n    a = set(x)\n    b = {1, 'a', -2}\n    it = iter(x)\n"
                "    return [sorted(a | b, key=str), sorted(a & b, key=str), sorted(a - b, key=str), sorted(a ^ b, key=str),"
                " a <= b, a >= b, a.isdisjoint(b), next(it, None), list(it)]", values)
