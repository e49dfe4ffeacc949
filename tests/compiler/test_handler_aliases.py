"""Handler aliases (issue 13, point 1): ``on_track = on_identify = send`` and ``on_page = handle``
are handlers, in CPython (the runner) and in the bundle (Segment's onTrack ... declarations)."""

from __future__ import annotations

import asyncio

import pytest

from segfn.compiler import compile_module

from .conftest import node_outcome

pytestmark = pytest.mark.node

MODULE = '''
from segfn.runtime import Setting
from functions import helpers

KIND = "insert"
NAME = "aliases"


async def send(event, settings):
    return {"handled": event["type"], "by": "send"}


def handle(event, settings, tag="page"):
    return {"handled": event["type"], "by": tag}


on_track = on_identify = send
on_page = handle
on_screen = helpers.screen
'''

HELPERS = '''
def screen(event, settings):
    return {"handled": event["type"], "by": "helpers.screen"}
'''


def test_handler_aliases_handle_their_events_on_both_sides(harness, tmp_path):
    folder = tmp_path / "functions"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    (folder / "helpers.py").write_text(HELPERS)
    path = folder / "aliases.py"
    path.write_text(MODULE)
    bundle = compile_module(path)
    assert bundle.manifest["handlers"] == ["onIdentify", "onTrack", "onPage", "onScreen"]
    import sys
    sys.path.insert(0, str(tmp_path))
    try:
        sys.modules.pop("functions", None)
        sys.modules.pop("functions.helpers", None)
        namespace: dict = {}
        exec(compile(path.read_text(), str(path), "exec"), namespace)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("functions", None)
        sys.modules.pop("functions.helpers", None)
    bid, handlers = harness.load(bundle.js)
    try:
        for kind, js in (("track", "onTrack"), ("identify", "onIdentify"), ("page", "onPage"), ("screen", "onScreen")):
            result = namespace[f"on_{kind}"]({"type": kind}, {})
            if asyncio.iscoroutine(result):
                result = asyncio.run(result)
            assert node_outcome(harness.call(bid, js, {"type": kind}, {})) == ("ok", result)
    finally:
        harness.unload(bid)
