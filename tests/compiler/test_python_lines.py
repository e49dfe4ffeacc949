"""An error leaving a compiled handler names the Python file:line that raised it (issue 13, point 7).

Each case runs the module in CPython and in Node: the Python frames the bundle puts first in the
error's stack (compiler/lines.py, ``$pyTrace``) are the lines of CPython's own traceback through the
module, innermost first, and the error's class and message are unchanged. Bundles name modules
``functions/x.py`` and hold no path of the machine that built them.
"""

from __future__ import annotations

import asyncio
import json
import re
import textwrap
import traceback
from pathlib import Path

from hypothesis import given, settings, strategies as st

from segfn.compiler import compile_module
from segfn.compiler.lines import decode
from segfn.runtime import Headers, Response

FRAME = re.compile(r"^    at (?:(\S+) \()?(functions/[\w/]+\.py):(\d+)\)?$")


class Answer:
    async def __call__(self, request):
        return Response(200, json.dumps({"id": 7}), Headers({"Content-Type": "application/json"}), "OK", request.url)


def write(tmp: Path, source: str, helpers: str | None = None) -> Path:
    folder = tmp / "functions"
    folder.mkdir(parents=True, exist_ok=True)
    if helpers is not None:
        (folder / "helpers.py").write_text(textwrap.dedent(helpers).lstrip("\n"), encoding="utf-8")
    path = folder / "lines.py"
    path.write_text(textwrap.dedent(source).lstrip("\n"), encoding="utf-8")
    return path


def dedupe(lines):
    out = []
    for line in lines:
        if not out or out[-1] != line:
            out.append(line)
    return out


def cpython_frames(path: Path, event: dict, transport=None) -> tuple[str, str, list[tuple[str, int]]]:
    """(class, message, [(file, line)] innermost first) of what on_track raises in CPython, the module
    imported as ``functions.lines`` from its own folder (its helpers as ``functions.helpers``)."""
    import importlib
    import sys
    import types

    from segfn import runtime

    root = str(path.parent.parent)
    saved = {m: sys.modules.pop(m) for m in list(sys.modules) if m == "functions" or m.startswith("functions.")}
    package = types.ModuleType("functions")
    package.__path__ = [str(path.parent)]
    sys.modules["functions"] = package
    try:
        module = importlib.import_module("functions.lines")

        async def run():
            token = runtime.current_transport.set(transport) if transport is not None else None
            try:
                return await _call(module.on_track, event)
            finally:
                if token is not None:
                    runtime.current_transport.reset(token)

        try:
            asyncio.run(run())
        except Exception as exc:  # the raise under test
            frames = [(str(Path(f.filename).relative_to(root)), f.lineno)
                      for f in traceback.extract_tb(exc.__traceback__) if f.filename.startswith(root)]
            return type(exc).__name__, str(exc), dedupe(frames[::-1])
        raise AssertionError("CPython raised nothing")
    finally:
        for m in [m for m in sys.modules if m == "functions" or m.startswith("functions.")]:
            del sys.modules[m]
        sys.modules.update(saved)


async def _call(handler, event):
    result = handler(event, {})
    if asyncio.iscoroutine(result):
        result = await result
    return result


def node_frames(harness, js: str, event: dict, transport=None, prefix: str = ""):
    bid, _ = harness.load(prefix + js)
    try:
        result = harness.call(bid, "onTrack", event, {}, transport)
    finally:
        harness.unload(bid)
    assert result.error is not None, result.returned
    frames = [(m.group(2), int(m.group(3))) for m in map(FRAME.match, result.error["stack"].split("\n")[1:]) if m]
    return result.error["name"], result.error["message"], dedupe(frames), result.error["stack"]


def same_trace(harness, path: Path, event: dict, transport_factory=lambda: None, prefix: str = ""):
    py = cpython_frames(path, event, transport_factory())
    name, message, frames, stack = node_frames(harness, compile_module(path).js, event, transport_factory(), prefix)
    assert (name, message) == py[:2], stack
    assert frames == py[2], f"CPython {py[2]}, Node's stack:\n{stack}"
    assert stack.startswith(f"{name}: {message}\n    at " if message else f"{name}\n    at "), stack
    return frames


HEAD = '''
from segfn.runtime import fetch, ValidationError
KIND = "insert"
NAME = "lines"
'''


def test_key_error_in_a_helper_names_its_line_and_the_callers(harness, tmp_path):
    path = write(tmp_path, HEAD + '''

def pick(props):
    return props["email"].lower()


async def on_track(event, settings):
    props = event.get("properties") or {}
    return {"email": pick(props)}
''')
    assert same_trace(harness, path, {"type": "track", "properties": {}}) == [
        ("functions/lines.py", 7), ("functions/lines.py", 12)]


def test_a_raise_in_a_nested_function_a_method_and_a_lambda(harness, tmp_path):
    path = write(tmp_path, HEAD + '''

class Cart:
    def __init__(self, items):
        self.items = items

    def total(self):
        if not self.items:
            raise ValidationError("empty cart")
        return sum(i["price"] for i in self.items)


async def on_track(event, settings):
    def check(p):
        if p.get("bad"):
            raise ValueError("bad " + p["bad"])
        return p
    props = check(event["properties"])
    if props.get("sort"):
        return sorted(props["sort"], key=lambda v: v["k"])
    return Cart(props.get("items", [])).total()
''')
    for props in ({"bad": "x"}, {"items": []}, {"items": [{"price": 1}, {}]}, {"sort": [{"k": 1}, {"j": 2}]}):
        assert same_trace(harness, path, {"type": "track", "properties": props})


def test_an_error_after_an_await_and_a_sync_handler(harness, tmp_path):
    path = write(tmp_path, HEAD + '''

async def send(event):
    res = await fetch("https://api.example.com/x", method="POST", json=event)
    body = await res.json()
    return body["missing"]


async def on_track(event, settings):
    return await send(event)
''')
    assert same_trace(harness, path, {"type": "track"}, Answer) == [("functions/lines.py", 9), ("functions/lines.py", 13)]
    path = write(tmp_path / "sync", HEAD + '''

def on_track(event, settings):
    total = 0
    for item in event["items"]:
        total += item
    return total
''')
    assert same_trace(harness, path, {"type": "track", "items": [1, "a"]}) == [("functions/lines.py", 9)]


def test_a_helper_module_is_named_by_its_own_file(harness, tmp_path):
    path = write(tmp_path, HEAD + '''
from functions.helpers import email_of


async def on_track(event, settings):
    return {"email": email_of(event)}
''', helpers='''
def email_of(event):
    traits = event["traits"]
    return traits["email"]
''')
    assert same_trace(harness, path, {"type": "track", "traits": {}}) == [
        ("functions/helpers.py", 3), ("functions/lines.py", 9)]


def test_lines_a_loader_puts_before_the_bundle_shift_nothing(harness, tmp_path):
    path = write(tmp_path, HEAD + '''

async def on_track(event, settings):
    raise ValueError("no")
''')
    for prefix in ("", "\n", "// Segment's own wrapper\n" * 7, "/* one line */ "):
        assert same_trace(harness, path, {"type": "track"}, prefix=prefix) == [("functions/lines.py", 7)]


def test_an_error_caught_by_the_function_keeps_its_message_and_a_handled_one_no_trace(harness, tmp_path):
    path = write(tmp_path, HEAD + '''

async def on_track(event, settings):
    try:
        event["nope"]
    except KeyError as e:
        return {"message": str(e), "args": list(e.args)}
''')
    bid, _ = harness.load(compile_module(path).js)
    try:
        result = harness.call(bid, "onTrack", {"type": "track"}, {}, None)
    finally:
        harness.unload(bid)
    assert result.error is None and result.returned == {"message": "'nope'", "args": ["nope"]}


@settings(max_examples=20)
@given(st.integers(0, 30), st.sampled_from(["raise RuntimeError('x')", "raise ValueError()", "event['k']", "1 // event['z']",
                                            "int(event['s'])", "[][event['z']]", "None + event['z']"]))
def test_the_line_is_cpythons_wherever_the_statement_is(harness, tmp_path_factory, padding, statement):
    pad = "".join(f"    v{i} = {i}\n" for i in range(padding))
    path = write(tmp_path_factory.mktemp("pad"), HEAD + f'''

async def on_track(event, settings):
{pad}    {statement}
    return None
''')
    frames = same_trace(harness, path, {"type": "track", "z": 0, "s": "x"})
    assert frames == [("functions/lines.py", 7 + padding)]


def test_bundles_hold_no_path_of_the_machine_and_are_the_same_anywhere(tmp_path):
    source = HEAD + '''
from functions.helpers import email_of


async def on_track(event, settings):
    return {"email": email_of(event)}
'''
    helpers = '''
def email_of(event):
    return event["traits"]["email"]
'''
    first = compile_module(write(tmp_path / "a" / "deep" / "project", source, helpers)).js
    second = compile_module(write(tmp_path / "elsewhere", source, helpers)).js
    assert first == second
    for part in (str(tmp_path), str(Path.home()), str(Path.cwd()), "/tmp", "/work"):
        assert part not in first
    table = json.loads(re.search(r"^const \$LINES = (\[.*\]);$", first, re.M).group(1))
    assert table[0] == ["functions/helpers.py", "functions/lines.py"]
    lines = first.split("\n")
    mapped = decode(table[1])
    # every mapped line is compiled code of the module it names (its section of the bundle)
    sections = [(i + 1, m.group(1)) for i, line in enumerate(lines) if (m := re.match(r"^// --- (functions/\S+) ---$", line))]
    for js_line, (file, _) in mapped.items():
        section = [name for start, name in sections if start < js_line][-1]
        assert section == table[0][file]


def test_a_check_difference_names_the_line_on_both_sides(harness, tmp_path):
    from segfn.compiler.check import Case, Checker, Difference, describe
    from segfn.emulator.runner import load_function

    path = write(tmp_path, HEAD + '''

def pick(props):
    return props["email"]


async def on_track(event, settings):
    return pick(event["properties"])
''')
    fn = load_function(path)
    checker = Checker(fn, compile_module(path), harness, other_tz=None)
    try:
        case = Case("probe", {"type": "track", "properties": {}})
        (py,), (js,) = checker.python([case], "UTC"), checker.node([case])
    finally:
        checker.close()
    assert py.error == js.error == ("KeyError", "'email'")
    assert py.where == js.where == "functions/lines.py:7"
    text = describe(Difference(case, ["error"], py, js), fn, {})
    assert text.count("raised KeyError: 'email' (at functions/lines.py:7)") == 2
