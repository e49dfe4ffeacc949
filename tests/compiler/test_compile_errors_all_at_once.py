"""Compile errors (issue 13, point 6): every error of a file at once, several in one statement and
each refused name of one import line; nothing reported twice, and nothing reported because of
something already reported (a refused import); handler names and signatures with a hint; the
``requests`` spellings a fetch response does not have, with the runtime's."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from segfn.compiler import CompileError, compile_module

HEAD = 'from segfn.runtime import fetch\nKIND = "destination"\nNAME = "bad"\n'


def problems(tmp_path: Path, code: str, handler: bool = True) -> list[tuple[int, int, str]]:
    folder = tmp_path / "functions"
    folder.mkdir(exist_ok=True)
    path = folder / "bad.py"
    tail = "\n\nasync def on_track(event, settings):\n    return None\n" if handler else "\n"
    path.write_text(HEAD + textwrap.dedent(code).strip("\n") + tail, encoding="utf-8")
    with pytest.raises(CompileError) as info:
        compile_module(path)
    return [(p.line - 3, p.col, p.message) for p in info.value.items]


def test_several_errors_in_one_statement_are_each_reported(tmp_path):
    found = problems(tmp_path, """
        def g(x):
            return first_unknown(x) + second_unknown + x.frobnicate()
    """)
    assert [(line, col) for line, col, _ in found] == [(2, 12), (2, 31), (2, 48)], found
    assert "name 'first_unknown' is not defined" in found[0][2]
    assert "name 'second_unknown' is not defined" in found[1][2]
    assert "the method .frobnicate() is not supported" in found[2][2]


def test_each_refused_name_of_one_import_line_is_reported(tmp_path):
    found = problems(tmp_path, "from json import dumps, load, loads, dump\nfrom hashlib import md5, blake2b")
    messages = [m for _, _, m in found]
    assert messages == ["json.load is not in the supported standard library subset (docs/python-subset.md)",
                        "json.dump is not in the supported standard library subset (docs/python-subset.md)",
                        "hashlib.blake2b is not in the supported standard library subset (docs/python-subset.md)"] \
        or sorted(messages) == sorted(["json.dump is not in the supported standard library subset (docs/python-subset.md)",
                                       "json.load is not in the supported standard library subset (docs/python-subset.md)",
                                       "hashlib.blake2b is not in the supported standard library subset (docs/python-subset.md)"])
    assert len(found) == 3


def test_a_refused_import_adds_no_errors_where_it_is_used(tmp_path):
    found = problems(tmp_path, """
        import requests
        from yaml import safe_load

        def g(x):
            res = requests.post(x, json=safe_load(x))
            return res.status_code + requests.codes.ok
    """)
    assert len(found) == 2, found
    assert found[0][:2] == (1, 1) and "the module 'requests' is not supported: Segment's runtime has fetch" in found[0][2]
    assert found[1][:2] == (2, 1) and "the module 'yaml' is not supported" in found[1][2]


def test_a_plain_class_is_never_called_an_exception_class(tmp_path):
    found = problems(tmp_path, """
        class Point:
            def __init__(self, x):
                self.x = x

        def g(x):
            try:
                return Point(x)
            except Point:
                raise Point(1)
    """)
    messages = " / ".join(m for _, _, m in found)
    assert "Point is not an exception class: it cannot be raised or caught" in messages
    assert "only exception classes" not in messages and "an exception class must" not in messages


@pytest.mark.parametrize("name", ["onTrack", "ontrack", "On_Track", "onIdentify"])
def test_a_segment_style_handler_name_is_an_error_with_the_python_spelling(tmp_path, name):
    found = problems(tmp_path, f"async def {name}(event, settings):\n    return None", handler=False)
    python = "on_identify" if "dentify" in name else "on_track"
    assert any(f"{name!r} is not a handler name: Segment's" in m and f"is written {python} in Python" in m
               for _, _, m in found), found


@pytest.mark.parametrize("signature,shown", [("event", "on_track(event)"), ("", "on_track()"),
                                             ("event, settings, extra", "on_track(event, settings, extra)"),
                                             ("event, settings, *, flag", None)])
def test_a_handler_with_the_wrong_signature_is_an_error(tmp_path, signature, shown):
    found = problems(tmp_path, f"async def on_track({signature}):\n    return None", handler=False)
    assert any("on_track must take (event, settings): Segment calls it with those two arguments" in m
               and (shown is None or f"(found {shown})" in m) for _, _, m in found), found


def test_a_handler_alias_must_be_a_function(tmp_path):
    found = problems(tmp_path, "HANDLER = 1\non_track = HANDLER", handler=False)
    assert any("on_track must be a function" in m for _, _, m in found), found


@pytest.mark.parametrize("attr,hint", [("status_code", "use res.status"), ("text", "use await res.text()"),
                                       ("content", "use await res.text()"), ("reason", "use res.status_text")])
def test_requests_spellings_get_the_runtimes_name(tmp_path, attr, hint):
    found = problems(tmp_path, f"""
        async def g(x):
            res = await fetch(x)
            return res.{attr}
    """)
    (problem,) = found
    assert problem[:2] == (3, 12) and f"a fetch response has no attribute {attr!r} in Segment's runtime: {hint}" in problem[2]


def test_every_error_of_the_file_at_once_and_none_twice(tmp_path):
    found = problems(tmp_path, """
        import os, requests

        def g(x):
            return undefined_a, undefined_a

        def h(x):
            with x:
                pass
            return eval(x) + os.environ["A"]
    """)
    assert len(found) == len(set(found))
    messages = [m for _, _, m in found]
    assert len(messages) == 6, found
    assert sum("'undefined_a' is not defined" in m for m in messages) == 2


def test_values_of_a_refused_import_add_no_errors_awaited_starred_or_assigned(tmp_path):
    found = problems(tmp_path, """
        import aiohttp
        import boto3

        async def g(x):
            parts = await aiohttp.gather(*[x for x in x], return_exceptions=True)
            client = boto3.client("s3")
            client.put_object(Bucket=x, Body=parts)
            first = client.list_objects()["Contents"][0]
            return first.frobnicate() + client.meta.region
    """)
    assert [(line, col) for line, col, _ in found] == [(1, 1), (2, 1)], found
    assert all("is not supported" in m and "the method" not in m for _, _, m in found)


def test_each_requests_keyword_of_fetch_is_reported_with_the_runtimes_spelling(tmp_path):
    found = problems(tmp_path, """
        async def g(x):
            return await fetch(x, data={"a": 1}, timeout=5, params={"q": 1}, method="POST", stream=True)
    """)
    assert [(line, col) for line, col, _ in found] == [(2, 27), (2, 42), (2, 53), (2, 85)], found
    assert "unexpected keyword argument 'data': send a str with body=" in found[0][2]
    assert "'timeout': Segment's fetch takes no timeout" in found[1][2]
    assert "'params': put the query in the URL" in found[2][2]
    assert "'stream' (method=, headers=, body=, json=)" in found[3][2]


def test_a_requests_method_of_a_response_gets_the_runtimes_way(tmp_path):
    found = problems(tmp_path, """
        async def g(x):
            res = await fetch(x)
            res.raise_for_status()
            return res.iter_lines()
    """)
    assert [(line, col) for line, col, _ in found] == [(3, 5), (4, 12)], found
    assert "a fetch response has no method .raise_for_status() in Segment's runtime: use if not res.ok" in found[0][2]
    assert "a fetch response has no method .iter_lines() in Segment's runtime (status, ok" in found[1][2]


def test_raising_an_instance_of_a_plain_class_is_an_error(tmp_path):
    found = problems(tmp_path, """
        class Point:
            pass

        def g(x):
            if x:
                raise Point()
            raise ValueError(x)
    """)
    assert found == [(6, 15, "Point is not an exception class: it cannot be raised (CPython raises TypeError: "
                             "exceptions must derive from BaseException)")], found


def test_the_bodies_of_refused_statements_are_still_checked(tmp_path):
    found = problems(tmp_path, """
        import functools

        @functools.lru_cache
        def cached(x):
            return first_unknown(x)

        class Box:
            pass

        def g(x):
            with open(x) as fh, open(x) as (a, b):
                data = fh.read() + a + second_unknown
            match x:
                case Box(size=1):
                    return third_unknown
                case _:
                    return data
    """)
    assert [(line, col) for line, col, _ in found] == [(3, 2), (5, 12), (11, 5), (12, 32), (14, 14), (15, 20)], found
    assert "decorators are not supported on functions" in found[0][2]
    assert "name 'first_unknown' is not defined" in found[1][2]
    assert "'with' is not supported" in found[2][2]
    assert "name 'second_unknown' is not defined" in found[3][2]  # fh, a and b add nothing
    assert "class patterns with attributes" in found[4][2]
    assert "name 'third_unknown' is not defined" in found[5][2]
