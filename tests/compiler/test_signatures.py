"""Parameter and return types learned from every call (compiler/signatures.py): each probe gives a
function callers of different kinds, runs it in CPython and Node 20, and compares. A type learned from
too few callers would send a str down a dict's path (``in`` as an own-property test, ``[]`` as a
KeyError) and the probe would differ."""

import ast

import pytest
from hypothesis import given, strategies as st

from segfn.compiler import bundle, compile_module
from segfn.compiler.signatures import closed_functions

PROBES = {
    "two_callers": ("def g(d):\n    return ['a' in d, d['a'] if 'a' in d else None]\n"
                    "def f(x):\n    return [g({'a': 1}), g(x)]", ["abc", "a", {"a": 2}, ["a"]]),
    "escaping_function": ("def g(d):\n    return 'a' in d\n"
                          "def f(x):\n    h = g\n    return [g({'a': 1}), h(x)]", ["abc", {"a": 2}, ["a"]]),
    "stored_in_a_dict": ("def g(d):\n    return 'a' in d\nTABLE = {'g': g}\n"
                         "def f(x):\n    return [g({}), TABLE['g'](x)]", ["abc", {"a": 2}]),
    "recursion": ("def walk(value, prefix, out):\n    for key, inner in value.items():\n"
                  "        name = f'{prefix}.{key}' if prefix else key\n"
                  "        if isinstance(inner, dict):\n            walk(inner, name, out)\n"
                  "        else:\n            out[name] = inner\n    return out\n"
                  "def f(x):\n    if not isinstance(x, dict):\n        return None\n"
                  "    out = walk(x, '', {})\n    return [out, [k[:2] for k in out], [k.startswith('a') for k in out]]",
                  [{"a": {"b": {"c": 1}, "d": [1]}, "ab": 2, "": {"": 3}}, {}, "s"]),
    "default_and_keyword": ("def g(d, key='a'):\n    return [key in d, d.get(key) if isinstance(d, dict) else None]\n"
                            "def f(x):\n    return [g({'a': 1}), g({'a': 1}, x), g(d=x, key='b'), g(key=x, d={'b': 2})]",
                            ["a", "b", {"b": 1}, 1]),
    "caller_in_lambda_and_comprehension": ("def g(d):\n    return 'a' in d\n"
                                           "def f(x):\n    call = lambda v: g(v)\n"
                                           "    return [g({}), call(x), [g(v) for v in [x, {'a': 0}]]]",
                                           ["abc", {"a": 1}, ["a"]]),
    "caller_in_nested_function": ("def g(d):\n    return 'a' in d\n"
                                  "def f(x):\n    def inner():\n        return g(x)\n    return [g({'a': 1}), inner()]",
                                  ["abc", {"a": 1}]),
    "returns_typed_from_a_later_function": ("def f(x):\n    v = later(x)\n    return [v + 'b', len(v)]\n"
                                            "def later(x):\n    if isinstance(x, str):\n        return x\n"
                                            "    return str(x)", ["a", 1, None, [1]]),
    "return_of_none_from_a_branch": ("def g(x):\n    for c in str(x):\n        if c == 'a':\n            return c\n"
                                     "def f(x):\n    try:\n        return g(x) + '!'\n    except TypeError as e:\n"
                                     "        return str(e)", ["xa", "b"]),
    "loop_variables": ("def f(x):\n    out = []\n    for i, v in enumerate(x):\n        out.append([i + 1, v])\n"
                       "    for k in {'a': 1, 'b': 2}:\n        out.append(k + '!')\n"
                       "    for k, v in {'a': x}.items():\n        out.append(k[:1])\n"
                       "    for c in ('x', 'y'):\n        out.append(c * 2)\n    return out", ["ab", [1, 2], {"k": 1}]),
    "positive_isinstance_branch": ("def f(x):\n    if isinstance(x, dict):\n        return ['a' in x, x.get('a')]\n"
                                   "    elif isinstance(x, str):\n        return [x[:2], x.startswith('a')]\n"
                                   "    if not isinstance(x, list):\n        return 'other'\n    else:\n"
                                   "        return [len(x), x[:1]]", [{"a": 1}, "abc", [1, 2], 3, None]),
    "and_of_isinstance": ("def f(x):\n    if isinstance(x, dict) and isinstance(x.get('e'), str) and x:\n"
                          "        return [x['e'], 'e' in x]\n    return None",
                          [{"e": "s"}, {"e": 1}, "e", {"f": "s"}]),
    # longer than the passes allowed to settle: compiled again without assumptions
    "long_call_chain": ("".join(f"def g{i}(d):\n    return g{i + 1}(d)\n" for i in range(9))
                        + "def g9(d):\n    return ['a' in d, d['a'] if 'a' in d else 0]\n"
                        "def f(x):\n    return [g0({'a': 1}), g0(x)]", ["abc", {"a": 2}]),
    "branch_that_rebinds": ("def f(x):\n    if isinstance(x, dict):\n        x = str(x)\n        return 'a' in x\n"
                            "    return None", [{"a": 1}, {"b": 1}]),
}


@pytest.mark.node
@pytest.mark.parametrize("name", sorted(PROBES))
def test_probe(probe, name):
    source, inputs = PROBES[name]
    probe.check(source, inputs)


def test_closed_functions_are_the_ones_only_called_by_name():
    tree = ast.parse("def a(): pass\ndef b(): pass\ndef c(): pass\ndef d(): pass\n"
                     "def use():\n    a()\n    x = b\n    return [c() for _ in range(2)]\nT = {'d': d}\n")
    assert closed_functions(tree, {"a", "b", "c", "d", "use"}) == {"a", "c", "use"}
    tree = ast.parse("def a(): pass\ndef f():\n    global a\n    a = 1\n")
    assert closed_functions(tree, {"a", "f"}) == {"f"}


def _module(tmp_path, body):
    folder = tmp_path / "functions"
    folder.mkdir(exist_ok=True)
    path = folder / "learned.py"
    path.write_text('from segfn.runtime import fetch\nKIND = "destination"\nNAME = "learned"\n' + body,
                    encoding="utf-8")
    return path


def test_learned_types_reach_the_code(tmp_path):
    """Segment passes handlers an event and settings object; closed helpers take their callers' types."""
    js = compile_module(_module(tmp_path, '''
def label(prefix, key):
    return f"{prefix}.{key}" if prefix else key


def copy(src, out):
    for key, value in src.items():
        out[label("", key)] = value
    return out


async def on_track(event, settings):
    out = copy(event, {})
    names = [name[:3] for name in out if name.startswith("a")]
    return [event.get("type"), settings.get("apiKey") is None, "x" in event, names]
''')).js
    body = js[js.index("// --- functions/learned.py"):]
    assert '$Object.hasOwn(event, "type") ? event["type"] : null' in body
    assert '$Object.hasOwn(settings, "apiKey")' in body
    assert "((prefix !== \"\") ? (prefix + \".\" + key) : key)" in body
    assert "name.startsWith(\"a\")" in body and "$strSlice(name, null, 3)" in body
    for generic in ("$m_get(", "$contains(", "$setitem(", "$affixStr(", "$slice("):
        assert generic not in body, generic


def test_learned_types_never_make_an_error(tmp_path):
    """``r.foo`` on what is always a fetch response would be a compile error with the learned type;
    the module compiles as it did without it (``$attr`` raises AttributeError at run time, as in Python)."""
    js = compile_module(_module(tmp_path, '''
def status_of(r):
    return r.foo


async def on_track(event, settings):
    res = await fetch("https://example.com")
    return status_of(res)
''')).js
    assert '$attr(r, "foo")' in js


def test_a_module_that_does_not_settle_is_compiled_without_assumptions(tmp_path, monkeypatch):
    """Each pass learns one more link of a long chain of calls; past MAX_PASSES the compiler stops
    learning and compiles once more with every parameter untyped."""
    passes = []
    real = bundle._compile_pass
    monkeypatch.setattr(bundle, "_compile_pass", lambda *a: passes.append(a[1]) or real(*a))
    chain = "".join(f"def g{i}(d):\n    return g{i + 1}(d)\n\n\n" for i in range(12))
    handler = 'def g12(d):\n    return "a" in d\n\n\nasync def on_track(event, settings):\n    return g0(event)\n'
    js = compile_module(_module(tmp_path, chain + handler)).js
    assert len(passes) == bundle.MAX_PASSES + 1 and passes[-1].params == {}
    assert '$contains(d, "a")' in js  # no learned type: the generic test


# --- generated call graphs -------------------------------------------------------------------------

OPERATIONS = ["'a' in d", "d['a']", "d[:2]", "d.startswith('a')", "[k for k in d]", "len(d)", "d.get('a')",
              "str(d) + '!'", "d * 2"]
ARGUMENTS = ["d", "{'a': 1}", "'abc'", "['a', 'b']", "str(d)", "[d]", "None", "{'a': d}", "x"]


@st.composite
def call_graphs(draw):
    """Up to four functions g0.. of (d, n), each trying one type-sensitive operation on d and calling
    others (itself included, n bounds the depth) with arguments of every kind; f(x) calls them."""
    count = draw(st.integers(1, 4))
    lines = []
    for i in range(count):
        op = draw(st.sampled_from(OPERATIONS))
        calls = draw(st.lists(st.tuples(st.integers(0, count - 1), st.sampled_from(ARGUMENTS)), max_size=3))
        lines += [f"def g{i}(d, n, x):", "    out = []", "    try:",
                  f"        out.append({op})", "    except Exception as e:", "        out.append(type(e).__name__)",
                  "    if n > 0:"]
        lines += [f"        out.append(g{j}({arg}, n - 1, x))" for j, arg in calls] or ["        pass"]
        lines.append("    return out")
    entry = [a.replace("d", "x") for a in draw(st.lists(st.sampled_from(ARGUMENTS), min_size=1, max_size=3))]
    lines += ["def f(x):", f"    return [g0(x, 2, x), {', '.join(f'g{count - 1}({a}, 1, x)' for a in entry)}]"]
    return "\n".join(lines)


@pytest.mark.node
@given(call_graphs())
def test_generated_call_graphs_behave_like_cpython(probe, source):
    """Whatever the call graph, what the compiler learns about parameters holds: no call passes a
    value its assumed type excludes (a str down a dict's path would raise a different error)."""
    probe.check(source, ["abc", {"a": 1, "b": {"a": 2}}, ["a"], None, 7, {"x": "y"}])
