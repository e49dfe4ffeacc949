"""Probes of the code the compiler writes when static types allow plain JavaScript or a narrower helper
(``in`` a tuple of strings, ``in``/``[]`` on a dict, a str's slice, datetime fields, division by a
constant, ``re`` used as a test, a dict's ``.get`` after an ``isinstance`` guard, one-argument
``round``, ``startswith`` with one constant) and of the runtime's fast paths (strip with characters,
the compact JSON fetch sends). Each runs in CPython and Node 20; ``test_typed_code_is_plain_javascript``
checks the fast paths are taken."""

import pytest

from segfn.compiler import compile_module
from tests.compiler.test_probes_stdlib import Recorder

ANY = [None, True, False, 0, 1, "", "a", "b", "None", "1", [], ["a"], {}, {"a": 1}, 2.5]

PROBES = {
    "in_constant_strings": ("def f(x):\n    return [x in ('a', None), x not in ('a', 'b'), x in ['1'], "
                            "(x if x is None else str(x)) in ('None', 'a', '1'), x in ()]", ANY),
    "in_constant_strings_evaluates_once": ("def f(x):\n    seen = []\n    def g():\n        seen.append(1)\n"
                                           "        return x\n    return [g() in ('a', 'b', None), len(seen)]", ANY),
    "in_dict_str_key": ("def f(x):\n    d = {'a': 1, 'constructor': 3}\n    d['__proto__'] = 2\n    k = str(x)\n"
                        "    return [k in d, k not in d, 'toString' in d, 'hasOwnProperty' in d, "
                        "'valueOf' in {}]", ["a", "__proto__", "toString", "constructor", 1, None]),
    "datetime_fields": ("from datetime import datetime\ndef f(x):\n    m = datetime.fromisoformat(x)\n"
                        "    return [m.year, m.month, m.day, m.hour, m.minute, m.second, m.microsecond, "
                        "m.tzinfo is None, m.timestamp() if m.tzinfo is not None else None]",
                        ["2024-02-29T23:59:59.123456+02:00", "2024-01-05", "1970-01-01T00:00:00Z",
                         "2038-12-27T09:14:45.101Z", "0001-01-01T00:00:00-01:00", "bad", "2023-02-29"]),
    "division_by_constant": ("def f(x):\n    n = int(x)\n    v = float(x)\n"
                             "    return [n / 4, n / 1000000, n // 1000, -n // 7, n // 7, v / 0.5, v / 3, "
                             "str(n / 2), n // 1]",
                             [7, -7, 0, 1, -1, 999, 123456789, 2 ** 52 + 1, -(2 ** 52) - 3]),
    "re_as_test": ("import re\ndef f(x):\n    return [re.fullmatch(r'[^@\\s]+@[^@\\s]+', x) is None, "
                   "re.match('a+', x) is not None, None is re.search('b', x, re.I), "
                   "'y' if re.fullmatch('a|ab', x) else 'n', not re.search(r'\\d$', x), "
                   "bool(re.match(pattern='A', string=x, flags=re.IGNORECASE))]",
                   ["a@b", "ab", "B", "a b@c", "", "ab\n", "x1", "1\n", "a@b\u3000", "\x1ca@b", "aé@😀"]),
    "re_as_test_type_error": ("import re\ndef f(x):\n    return re.fullmatch('a', x) is None", [1, None, ["a"], "a"]),
    "strip_chars": ("def f(x):\n    return [x.rstrip('/'), x.strip('ab'), x.lstrip('😀'), x.strip(''), "
                    "x.rstrip('\\ude00a\\ud83d'), x.strip(' ')]",
                    ["https://api.sprig.com//", "abxba", "😀😀a", "///", "", "a😀", " \t x \t "]),
    "pair_loops": ("def f(x):\n    out = []\n    for i, v in enumerate(x, 1):\n        out.append([i, v])\n"
                   "        if v == 'stop':\n            break\n    else:\n        out.append('done')\n"
                   "    for k, v in {'a': x, 'b': 2}.items():\n        out.append(k + str(v))\n    return out",
                   ["ab", [1, "stop", 3], {"k": 1}, 5, None, []]),
    "guard_then_get": ("def f(x):\n    if not isinstance(x, dict):\n        return 'not a dict'\n"
                       "    return [x.get('a'), x.get('constructor'), x.get('__proto__', 0), x.get('toString', 'd'), "
                       "'a' in x, x.get('b', None)]",
                       [None, "s", [], {}, {"a": 1}, {"constructor": 2, "__proto__": 3}, {"a": {"b": 1}, "b": False}]),
    "guard_in_loop_or": ("def f(x):\n    out = []\n    for item in x:\n"
                         "        if item is None or not isinstance(item, dict) or not item:\n            continue\n"
                         "        out.append(item.get('k', -1))\n    return out",
                         [[None, {}, {"k": 1}, "s", {"j": 2}, [1]], []]),
    "guard_then_rebind": ("def f(x):\n    if not isinstance(x, dict):\n        raise ValueError('no')\n"
                          "    y = x.get('a')\n    x = [y]\n    return [y, x.get('a')]", [{"a": 1}, {}, "s"]),
    "guard_nonlocal_rebind": ("def f(x):\n    def g():\n        nonlocal x\n        x = 'now a string'\n"
                              "    if not isinstance(x, dict):\n        return None\n    g()\n"
                              "    return [x, x.get('a')]", [{"a": 1}, 3]),
    "affix_on_any": ("def f(x):\n    return [x.startswith('a'), x.endswith('😀'), str(x).startswith('N'), "
                     "str(x).endswith('')]", ANY + ["a😀", "😀a"]),
    "typed_dict_items": ("def f(x):\n    d = {'a': 1}\n    d['__proto__'] = 2\n    out = []\n"
                         "    for k in [x, 'a', '__proto__', 'toString', (1, 2), (1, [2])]:\n"
                         "        try:\n            out.append([k in d, k not in d, d[k]])\n"
                         "        except (KeyError, TypeError) as e:\n            out.append(repr(e))\n"
                         "        if isinstance(k, str):\n            d[k] = 3\n            out.append(d[k])\n"
                         "    d['constructor'] = 4\n    return [out, d, sorted(d.keys())]",
                         ["a", 1, None, True, "b", "constructor", "__proto__", [1], {}]),
    "str_slices": ("def f(x):\n    s = str(x)\n    n = len(s)\n"
                   "    return [s[:3], s[1:], s[-2:], s[:-1], s[2:1], s[:n * 2], s[::2], s[True:]]",
                   ANY + ["a😀b😀c", "😀", "\ud83d", "abcdef"]),
    "hashable_tuples": ("def f(x):\n    out = []\n    for c in [{'a': 1}, ['a', (1, 2)], {1, 2}, 'abc']:\n"
                        "        try:\n            out.append((1, 2) in c)\n        except TypeError as e:\n"
                        "            out.append(str(e))\n        try:\n            out.append((1, [x]) in c)\n"
                        "        except TypeError as e:\n            out.append(str(e))\n    return out", [1, "a"]),
    "rebound_by_nested_function": ("def f(x):\n    d = {'a': 1}\n    def g():\n        nonlocal d\n"
                                   "        d = x\n    g()\n    try:\n        return [d['a'], 'a' in d]\n"
                                   "    except (KeyError, TypeError) as e:\n        return repr(e)",
                                   [{"a": 2}, {}, "abc", ["a"], 1]),
    "global_rebound_by_function": ("G = {'a': 1}\ndef g(x):\n    global G\n    G = x\n"
                                   "def f(x):\n    g(x)\n    try:\n        return [G['a'], 'a' in G]\n"
                                   "    except (KeyError, TypeError) as e:\n        return repr(e)",
                                   [{"a": 2}, {}, "abc", ["a"], 1]),
    "return_type_includes_falling_off": ("def g(x):\n    if x == 1:\n        return 'a'\n"
                                         "def h(x):\n    if x == 2:\n        return\n    return 'b'\n"
                                         "def f(x):\n    try:\n        return [g(x) + 'c', h(x) + 'c']\n"
                                         "    except TypeError as e:\n        return str(e)", [1, 2, 3]),
    "typed_repeat": ("def f(x):\n    n = len(str(x))\n    seq = [x, 1]\n"
                     "    return [[0] * n, 'ab' * n, seq * True, [x] * (n - 3), seq * (n * 0)]", ANY),
    "typed_iteration": ("def f(x):\n    lst = [x, 1]\n    seen = []\n    for v in lst:\n"
                        "        seen.append(v)\n        if len(lst) < 5:\n            lst.append(len(lst))\n"
                        "        if v == 3:\n            lst.pop(0)\n"
                        "    s = str(x)\n    return [seen, [c for c in s], [c + d for c in s for d in ('a', 'b')]]",
                        ANY + ["a😀\ud83d", "😀😀"]),
    "constant_key_on_any": ("import re\ndef f(x):\n    try:\n        return x['a']\n"
                            "    except (KeyError, TypeError, IndexError) as e:\n        return repr(e)\n",
                            ANY + [{"a": 0}, {"__proto__": 1}, (1,), "abc"]),
    "constant_key_on_match_and_range": ("import re\ndef f(x):\n    m = re.match('(?P<a>.)', str(x))\n"
                                        "    try:\n        return [m['a'], range(3)['a']]\n"
                                        "    except TypeError as e:\n        return str(e)", ["xy", 5]),
    "typed_list_index": ("def f(x):\n    lst = [0] * 3\n    out = []\n"
                         "    for k in [x, 0, -1, True, 3, -4, '1', None, 1.5]:\n        try:\n"
                         "            lst[k] = 'set'\n            out.append(lst[k])\n"
                         "        except (IndexError, TypeError) as e:\n            out.append(repr(e))\n"
                         "    return [out, lst]", ANY),
    "affixes": ("def f(x):\n    return [x.startswith('a'), x.endswith(''), x.startswith(('a', 'b')), "
                "x.startswith('b', 1), x.endswith('c', 0, 2), x.endswith('😀')]",
                ["abc", "", "bab", "a😀", "😀"]),
}


@pytest.mark.node
@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(probe, name):
    source, inputs = PROBES[name]
    probe.check(source, inputs)


@pytest.mark.node
def test_affix_type_errors(probe):
    probe.check("def f(x):\n    return 'abc'.startswith(x)", [1, None, ["a"], ("a",)])


SEND = """
async def f(x):
    body = x.get("body")
    if x.get("computed"):
        body = {"third": 1 / 3, "big": 2 ** 70, "tiny": 1 / 30000, "whole": 6 / 2, "neg": -0.0 * 1}
    if x.get("nan"):
        body = {"n": float("nan")}
    if x.get("nested"):
        body = {"a": [[[{"b": [x.get("nested")]}]]]}
    res = await fetch("https://api.example.com/", method="POST", json=body)
    return json.loads((await res.json())["body"])
"""


@pytest.mark.node
def test_fetch_json_body_matches_python(probe):
    """What fetch(json=...) sends: the compact JSON CPython writes, for numbers JavaScript writes
    differently (1e-05, 1e+16, 1e+21), unicode, a __proto__ key, and values that need CPython's
    encoder (NaN is an error)."""
    bodies = [{"body": {"a": 1e-5, "b": 1e16, "c": 0.1, "d": 1e21, "e": 123.456, "f": [1.5e-7, 0.0001, 12345678.9],
                        "g": "é😀\n\"\\\u2028\x7f", "h": None, "i": True, "__proto__": 1, "10": "first?"}},
              {"computed": True}, {"nan": True}, {"nested": "deep"}, {"body": []}, {"body": "text"}]
    probe.check("import json\n" + SEND, bodies, transport=Recorder([(200, "echo")]))


def test_typed_code_is_plain_javascript(tmp_path):
    """The fast paths above are taken: without them the probes pass through the generic helpers."""
    folder = tmp_path / "functions"
    folder.mkdir()
    (folder / "typed.py").write_text('''
import re
from datetime import datetime

KIND = "destination"
NAME = "typed"


async def on_track(event, settings):
    if not isinstance(settings, dict):
        raise ValueError("settings")
    settings.get("k")
    kind = event.get("type")
    d = {"a": 1}
    moment = datetime.fromisoformat(event.get("timestamp"))
    n = int(event.get("n"))
    for i, v in enumerate(event.get("list")):
        for k, w in d.items():
            d[k] = w + i
    return [kind in ("track", "screen"), str(kind) in d, moment.tzinfo is None, moment.microsecond,
            moment.timestamp(), n / 1000, n // 1000, re.fullmatch("[a-z]+", str(kind)) is not None,
            str(kind).startswith("t"), kind.endswith("k"), d[str(kind)], str(kind)[:3], str(kind) in d, kind in d,
            round(n / 3)]
''', encoding="utf-8")
    js = compile_module(folder / "typed.py").js
    body = js[js.index("async function on_track"):]  # the handler; onTrack only hands its errors to $pyTrace
    assert '(kind === "track" || kind === "screen")' in body
    assert "$Object.hasOwn(d, " in body
    assert "moment.tzinfo === null" in body and "moment.timestamp()" in body and "moment.microsecond" in body
    assert "(n / 1000)" in body and "$Math.floor(n / 1000)" in body
    assert '$reTest("[a-z]+"' in body
    assert "for ([i, v] of $enumerate(" in body and "for ([k, w] of $itemPairs(d))" in body
    assert "$Object.hasOwn(settings, \"k\") ? settings[\"k\"] : null" in body  # settings narrowed to dict
    assert 'String(kind).startsWith("t")' in body or '.startsWith("t")' in body
    assert '$affixStr(kind, "k", "endswith")' in body and "$dictGet(d, " in body and "$strSlice(" in body
    assert "$dictHas(d, kind)" in body and "$round(" in body
    for generic in ("$contains", "$attr(", "$div(", "$floordiv(", "class $Pattern", "class $Match",
                    "$getitem", "$slice(", "$roundTo", "$affix("):
        assert generic not in js, generic
    # a str helper given another type hands a user object's method its call, only when classes exist
    assert "$callMethod(" not in body and "function $callMethod" not in js
