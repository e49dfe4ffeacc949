"""One JSON error model everywhere a function runs (issue 13, point 5): ``await res.json()`` and
``json.loads`` on text that is not JSON raise ``json.JSONDecodeError`` (a ``ValueError``) with CPython's
message, in CPython (segfn.runtime) and in the bundle; and ``json.dumps(default=...)``."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.compiler.test_probes_stdlib import Recorder

pytestmark = pytest.mark.node

BODIES = ['{"a": [1, 2.5]}', "", "not json", "<html>502 Bad Gateway</html>", '{"a": 1,}', "[1, 2", '"\\q"',
          "  ", '{"a": 1} trailing', "\ufeff{}", "\ufeff", '["😀😀", x]', '{"é😀": "\n😀" ,, }', '[1, 2.5e3, -0.0, "\\u00e9"]']

CATCHERS = {
    "except_value_error": """
async def f(x):
    res = await fetch("https://api.example.com/v1")
    try:
        return ["ok", await res.json()]
    except ValueError as e:
        return [type(e).__name__, str(e), isinstance(e, json.JSONDecodeError)]
""",
    "except_json_decode_error": """
async def f(x):
    res = await fetch("https://api.example.com/v1")
    try:
        return ["ok", await res.json()]
    except json.JSONDecodeError as e:
        return [type(e).__name__, str(e), e.msg, e.pos, e.lineno, e.colno]
""",
    "uncaught": """
async def f(x):
    res = await fetch("https://api.example.com/v1")
    data = await res.json()
    return data
""",
    "untyped_response": """
async def get(url):
    return await fetch(url)

async def read(res):
    return await res.json()

async def f(x):
    try:
        return await read(await get("https://api.example.com/v1"))
    except Exception as e:
        return [type(e).__name__, str(e)]
""",
    "body_read_twice": """
async def f(x):
    res = await fetch("https://api.example.com/v1")
    text = await res.text()
    try:
        return await res.json()
    except TypeError as e:
        return [len(text), str(e)]
""",
}


@pytest.mark.parametrize("name", sorted(CATCHERS))
@pytest.mark.parametrize("body", BODIES, ids=range(len(BODIES)))
def test_res_json_raises_the_same_error_on_both_sides(probe, name, body):
    probe.check("import json\n" + CATCHERS[name], [0], transport=Recorder([(200, body)]))


JSON_LOADS = """
import json
def f(x):
    try:
        return ["ok", json.loads(x)]
    except json.JSONDecodeError as e:
        return ["decode", str(e), e.pos, e.lineno, e.colno]
    except ValueError as e:
        return ["value", str(e)]
"""


@settings(max_examples=8)
@given(st.lists(st.one_of(st.text(alphabet='{}[]":,. \n\t\\0123456789abenrstu-+eE😀é', max_size=16),
                          st.recursive(st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.text(max_size=5),
                                       lambda c: st.lists(c, max_size=3) | st.dictionaries(st.text(max_size=3), c,
                                                                                         max_size=3)).map(json.dumps)),
                min_size=30, max_size=30))
def test_json_loads_errors_match_cpython(probe, texts):
    probe.check(JSON_LOADS, texts)


DUMPS_DEFAULT = """
import json
from datetime import datetime, timezone, date

class Money:
    def __init__(self, cents):
        self.cents = cents

def encode(o):
    if isinstance(o, datetime):
        return o.isoformat()
    if isinstance(o, Money):
        return {"cents": o.cents}
    if isinstance(o, set):
        return sorted(o)
    raise TypeError(f"cannot encode {type(o).__name__}")

def f(x):
    value = {"at": datetime(2024, 3, 5, tzinfo=timezone.utc), "price": Money(x), "tags": {"b", "a"}, "n": [x, None]}
    out = [json.dumps(value, default=encode), json.dumps(value, default=str, sort_keys=True)[:60],
           json.dumps({"d": date(2024, 1, x % 28 + 1)}, default=lambda o: o.isoformat())]
    for bad in (lambda: json.dumps(value), lambda: json.dumps({"d": date(2024, 1, 1)}, default=encode)):
        try:
            out.append(bad())
        except TypeError as e:
            out.append(str(e))
    return out
"""


def test_json_dumps_default(probe):
    probe.check(DUMPS_DEFAULT, [1, 250, 0])


def test_json_dumps_default_circular(probe):
    probe.check("""
import json
class Box:
    pass

def f(x):
    b = Box()
    try:
        return json.dumps(b, default=lambda o: o)
    except ValueError as e:
        return str(e)
""", [0])
