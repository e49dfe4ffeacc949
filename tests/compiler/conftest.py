"""Shared fixtures for the compiler's probes: one Node harness for the session, and ``Probe``, which
compiles a small Python function, runs it in CPython and in Node, and compares the outcomes."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from segfn.compiler import compile_module
from segfn.compiler.jsjson import js_normalise
from segfn.compiler.node import NodeHarness

settings.register_profile("ci", max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("dev", max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile("ci" if os.environ.get("CI") else "dev")

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="compiled bundles run in Node 20")

WRAPPER = '''
from segfn.runtime import DropEvent, RetryError, ValidationError, fetch
KIND = "insert"
NAME = "probe"
{source}

async def on_track(event, settings):
    return {call}
'''


def normalise(value):
    """JSON as both sides can express it: tuples as lists, integral floats as ints."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (list, tuple)):
        return [normalise(v) for v in value]
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items()}
    return value


def python_outcome(namespace: dict, arg, transport=None):
    from segfn import runtime

    async def run():
        token = runtime.current_transport.set(transport) if transport is not None else None
        try:
            return await namespace["on_track"]({"x": arg}, {})
        finally:
            if token is not None:
                runtime.current_transport.reset(token)

    try:
        result = asyncio.run(run())
        return ("ok", normalise(json.loads(json.dumps(result))))
    except Exception as exc:  # the probe's behaviour under test
        return ("error", type(exc).__name__, str(exc))


def node_outcome(result):
    if result.error is not None:
        return ("error", result.error["name"], result.error["message"])
    return ("ok", normalise(result.returned))


class Probe:
    """Compile ``def f(x)`` (or ``async def f(x)``) and compare CPython with Node on inputs."""

    def __init__(self, harness: NodeHarness, tmp: Path) -> None:
        self.harness = harness
        self.tmp = tmp
        self.count = 0

    def module(self, source: str) -> tuple[Path, str]:
        source = textwrap.dedent(source).strip("\n")
        call = "await f(event['x'])" if "async def f(" in source else "f(event['x'])"
        self.count += 1
        folder = self.tmp / f"p{self.count}" / "functions"
        folder.mkdir(parents=True)
        path = folder / "probe.py"
        path.write_text(WRAPPER.format(source=source, call=call), encoding="utf-8")
        return path, path.read_text(encoding="utf-8")

    def outcomes(self, source: str, inputs: list, transport=None):
        path, text = self.module(source)
        bundle = compile_module(path)
        namespace: dict = {}
        exec(compile(text, str(path), "exec"), namespace)
        bid, _ = self.harness.load(bundle.js)
        try:
            node = self.harness.call_many(bid, [("onTrack", {"x": arg}, {}) for arg in inputs], transport)
        finally:
            self.harness.unload(bid)
        return [(python_outcome(namespace, js_normalise(arg), transport), node_outcome(n))
                for arg, n in zip(inputs, node)]

    def check(self, source: str, inputs: list, transport=None) -> None:
        for arg, (py, js) in zip(inputs, self.outcomes(source, inputs, transport)):
            assert js == py, f"input {arg!r}: CPython {py!r} but Node {js!r}\n{textwrap.dedent(source)}"


@pytest.fixture(scope="session")
def harness():
    with NodeHarness() as h:
        yield h


@pytest.fixture
def probe(harness, tmp_path):
    return Probe(harness, tmp_path)
