"""Every construct outside the subset is a compile error with a clear message at file:line:col, all
errors of a file are reported at once, and the build exits 2 without writing the broken bundle."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from segfn.compiler import CompileError, compile_module
from segfn.commands.build import build

HEAD = 'from segfn.runtime import fetch, RetryError, FetchError\nKIND = "destination"\nNAME = "bad"\n'

# (code, a fragment of the message, the text the caret points at)
REJECTED = [
    ("class A:\n    pass\nclass B:\n    pass\nclass Point(A, B):\n    pass", "only one base class", "B):"),
    ("class Point(dict):\n    pass", "the base class must be object", "dict)"),
    ("def deco(f):\n    return f\n\n@deco\ndef g():\n    pass", "decorators are not supported", "deco\ndef"),
    ("def g(x):\n    with x:\n        pass", "'with' is not supported", "with x"),
    ("global Z", "'global' at module level", "global Z"),
    ("from json import *", "'import *' is not supported", "from json"),
    ("import os", "the module 'os' is not supported", "import os"),
    ("from subprocess import run", "the module 'subprocess' is not supported", "from subprocess"),
    ("def g(x):\n    return eval(x)", "eval() is not supported", "eval(x)"),
    ("def g(x, name):\n    return getattr(x, name)", "getattr() is not supported", "getattr("),
    ("def g(x):\n    return type(x)", "type() is only supported as type(x).__name__", "type(x)"),
    ("def g(x):\n    return id(x)", "id() is not supported", "id(x)"),
    ("def g(x):\n    return open(x)", "open() is not supported", "open(x)"),
    ("def g(x):\n    return x is 'a'", "use 'is' only with None, True or False", "x is 'a'"),
    ("def g(x):\n    return {1: x}", "dict keys must be str", "1: x"),
    ("def g(x):\n    d = {}\n    d[2] = x\n    return d", "dict keys must be str (a bundle's dicts are JSON objects), and this key is an int", "2] = x"),
    ("def g(x):\n    for v in {'a', 'b'}:\n        pass", "Python's set order is not defined", "{'a', 'b'}"),
    ("def g(x):\n    match x:\n        case str(a, b):\n            pass", "str() accepts 1 positional sub-pattern (2 given)", "b):"),
    ("async def g(x):\n    async for v in x:\n        pass", "'async for' is not supported", "async for"),
    ("def g(x):\n    return *x", "a starred expression is only allowed", "*x"),
    ("def g(x):\n    return 1j", "complex literals are not supported", "1j"),
    ("def g(x):\n    return x.strip('\\ud83d\\ude00')", "high surrogate followed by a low one", "'\\ud83d"),
    ("def g(x):\n    return 2 ** 60 + 18014398509481985 * 1000", "integer literals beyond 2**53", "18014398509481985000" if False else "18014398509481985"),
    ("from datetime import datetime\ndef g(x):\n    return datetime.now().strftime('%G')", "the strftime directive %G is not supported", "'%G'"),
    ("async def h():\n    return 1\n\nasync def g(x):\n    return h()", "call it with 'await'", "h()\n"),
    ("async def g(x):\n    return fetch(x)", "call it with 'await'", "fetch(x)"),
    ("import re\ndef g(x, p):\n    return re.match(p, x)", "must be string literals or module constants", "p, x)"),
    ("import re\ndef g(x):\n    return re.match(r'a++', x)", "possessive quantifiers are not supported", "r'a++'"),
    ("import re\ndef g(x):\n    return re.match(r'(?>a)', x)", "atomic groups", "r'(?>a)'"),
    ("def g(x):\n    x[1:2] = [3]", "assigning to a slice is not supported", "x[1:2]"),
    ("def g(x):\n    del x", "only 'del container[key]' and 'del lst[a:b]' are supported", "x\n\nasync"),
    ("def h(a, b):\n    return a\n\ndef g(x):\n    return h(x)", "missing required argument: 'b'", "h(x)"),
    ("def h(a):\n    return a\n\ndef g(x):\n    return h(x, c=1)", "unexpected keyword argument 'c'", "c=1"),
    ("def g(x):\n    return x.frobnicate()", "the method .frobnicate() is not supported", "x.frobnicate"),
    ("def g(x):\n    return undefined_name", "name 'undefined_name' is not defined", "undefined_name"),
    ("def g(x):\n    raise", "a bare 'raise' is only supported inside an except block", "raise"),
    ("def g(x):\n    return await x", "'await' outside an async function", "await x"),
    ("async def g(x):\n    res = await fetch(x)\n    return res.body", "a fetch response has no attribute 'body'", "res.body"),
    ("def g(x):\n    raise FetchError('x')", "FetchError is raised by fetch()", "FetchError('x')"),
    ("def g(x):\n    raise RetryError('a', 'b')", "takes one argument, the message", "RetryError('a', 'b')"),
    ("def g(x):\n    return super().x()", "super() is only supported inside a method of a class", "super()"),
    ("def g(x):\n    return x @ x", "the @ operator is not supported", "x @ x"),
    ("def g(x):\n    return sorted(x, cmp=1)", "unexpected keyword argument 'cmp'", "cmp=1"),
    ("import json\ndef g(x):\n    return json.load(x)", "json.load is not in the supported standard library subset", "json.load"),
    ("def g(x):\n    return x.__class__", "the attribute __class__ is not supported", "x.__class__"),
]


def write(tmp_path: Path, code: str) -> Path:
    folder = tmp_path / "functions"
    folder.mkdir(exist_ok=True)
    path = folder / "bad.py"
    path.write_text(HEAD + code + "\n\nasync def on_track(event, settings):\n    return None\n", encoding="utf-8")
    return path


def position(path: Path, anchor: str) -> tuple[int, int]:
    text = path.read_text(encoding="utf-8")
    at = text.index(anchor, len(HEAD))
    line = text.count("\n", 0, at) + 1
    col = at - (text.rfind("\n", 0, at) + 1) + 1
    return line, col


def assert_refused(tmp_path: Path, code: str, message: str, anchor: str) -> None:
    """``code`` does not compile, with an error saying ``message`` at the position of ``anchor``."""
    from segfn.compiler import CompileError, compile_module

    path = write(tmp_path, code)
    with pytest.raises(CompileError) as info:
        compile_module(path)
    line, col = position(path, anchor)
    match = [p for p in info.value.items if message in p.message]
    assert match, [p.render() for p in info.value.items]
    assert (match[0].line, match[0].col) == (line, col), match[0].render()


@pytest.mark.parametrize("code,message,anchor", [c for c in REJECTED if c[1]], ids=lambda v: None)
def test_rejected_construct(tmp_path, code, message, anchor):
    path = write(tmp_path, code)
    with pytest.raises(CompileError) as info:
        compile_module(path)
    problems = info.value.items
    line, col = position(path, anchor)
    match = [p for p in problems if message in p.message]
    assert match, f"expected {message!r}, got {[p.render() for p in problems]}"
    assert (match[0].line, match[0].col) == (line, col), match[0].render()
    rendered = match[0].render()
    assert rendered.startswith(f"{path}:{line}:{col}: ")
    caret_line = rendered.splitlines()[2]
    assert caret_line == "    " + " " * (col - 1) + "^"


def test_non_str_keys_rejected_where_known(tmp_path):
    path = write(tmp_path, "def g(x):\n    return {x: 1 for x in [1.5]}\n\ndef h(x):\n    return {2: 'a'}")
    with pytest.raises(CompileError) as info:
        compile_module(path)
    assert any("dict keys must be str" in p.message and "not int" in p.message for p in info.value.items)


def test_every_error_is_reported_at_once(tmp_path):
    path = write(tmp_path, "import os\n\ndef g(x):\n    return x is 1\n\ndef h(x):\n    with x:\n        pass\n    return eval(x)")
    with pytest.raises(CompileError) as info:
        compile_module(path)
    messages = [p.message for p in info.value.items]
    assert len(messages) == 4, messages
    assert [p.line for p in info.value.items] == sorted(p.line for p in info.value.items)


def test_syntax_error_has_position(tmp_path):
    path = write(tmp_path, "def g(x:\n    return x")
    with pytest.raises(CompileError) as info:
        compile_module(path)
    (problem,) = info.value.items
    assert problem.message.startswith("SyntaxError:") and problem.line == 4


def test_missing_kind_name_and_handlers(tmp_path):
    folder = tmp_path / "functions"
    folder.mkdir()
    path = folder / "empty.py"
    path.write_text("X = 1\n", encoding="utf-8")
    with pytest.raises(CompileError) as info:
        compile_module(path)
    text = "\n".join(info.value.problems)
    assert "KIND is missing" in text and "NAME is missing" in text and "defines no handler" in text


def test_build_exits_2_and_writes_only_good_bundles(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    bad = write(tmp_path, "def g(x):\n    return x is 1")
    good = tmp_path / "functions" / "good.py"
    good.write_text(HEAD + "\nasync def on_track(event, settings):\n    return event\n", encoding="utf-8")
    result = CliRunner().invoke(build, [str(bad), str(good), "-o", "out"])
    assert result.exit_code == 2
    assert f"{bad}:5:12: use 'is' only with None" in result.output.replace("'is' compares identity, which JavaScript values do not share with Python: ", "")
    assert (tmp_path / "out" / "good.js").exists()
    assert not (tmp_path / "out" / "bad.js").exists()
    assert "Traceback" not in result.output


@pytest.mark.parametrize("runtime_module", ["segfn.runtime", "functions.runtime"])
def test_the_runtime_compiles_from_segfn_and_from_the_old_functions_path(tmp_path, runtime_module):
    path = write(tmp_path, "")
    path.write_text(f'from {runtime_module} import fetch, RetryError\nKIND = "destination"\nNAME = "ok"\n'
                    "async def on_track(event, settings):\n    raise RetryError('later')\n", encoding="utf-8")
    bundle = compile_module(path)
    assert "async function onTrack(event, settings)" in bundle.js


def test_an_unknown_runtime_name_names_the_module_it_was_imported_from(tmp_path):
    path = write(tmp_path, "")
    path.write_text('from segfn.runtime import teleport\nKIND = "destination"\nNAME = "bad"\n'
                    "async def on_track(event, settings):\n    return None\n", encoding="utf-8")
    with pytest.raises(CompileError) as info:
        compile_module(path)
    assert [p.message for p in info.value.items] == ["segfn.runtime has no 'teleport'"]
