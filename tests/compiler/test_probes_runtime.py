"""Segment's runtime objects beyond fetch, CPython against the bundle in the Segment-like vm: the
function ``cache`` (process-local, with its TTL) and ``res.json()`` on a body that is not JSON."""

from __future__ import annotations

import json

import pytest

from segfn import runtime
from segfn.compiler import compile_module
from segfn.compiler.jsjson import js_normalise
from segfn.runtime import Headers, Response

from .conftest import node_outcome, python_outcome

pytestmark = pytest.mark.node


class Counter:
    """A token endpoint answering 1, 2, 3... (the same sequence for each side)."""

    def __init__(self):
        self.n = 0

    async def __call__(self, request):
        self.n += 1
        return Response(200, json.dumps({"token": self.n}), Headers({"Content-Type": "application/json"}), "OK",
                        request.url)


def sequential(probe, source: str, inputs: list, transport_factory):
    """Each input in order on each side (state such as the cache carries from one to the next)."""
    path, text = probe.module(source)
    bundle = compile_module(path)
    namespace: dict = {}
    exec(compile(text, str(path), "exec"), namespace)
    runtime.cache.clear()
    transport = transport_factory()
    python = [python_outcome(namespace, js_normalise(arg), transport) for arg in inputs]
    bid, _ = probe.harness.load(bundle.js)
    transport = transport_factory()
    try:
        node = [node_outcome(probe.harness.call(bid, "onTrack", {"x": arg}, {}, transport)) for arg in inputs]
    finally:
        probe.harness.unload(bid)
    return python, node


CACHE = '''
from segfn.runtime import cache

async def token():
    res = await fetch("https://auth.example.com/token", method="POST")
    return (await res.json())["token"]

async def f(x):
    if x.get("drop"):
        cache.delete("tok")
    return [await cache.load(x.get("key", "tok"), x.get("ttl"), token), await cache.load("other", -1, token)]
'''


def test_cache_keeps_a_value_until_deleted_or_expired(probe):
    inputs = [{"ttl": 60000}, {"ttl": 60000}, {"drop": True, "ttl": 0}, {"ttl": 0}, {"drop": True, "ttl": None},
              {"ttl": 5}, {"key": 1}, {"ttl": "1", "drop": True}]
    python, node = sequential(probe, CACHE, inputs, Counter)
    assert node == python
    assert [p[1] for p in python[:6]] == [[1, 2], [1, 2], [3, 2], [4, 2], [5, 2], [5, 2]]
    assert python[6] == ("error", "TypeError", "cache keys must be str, not int")
    assert python[7] == ("error", "TypeError", "cache ttl_ms must be a number or None, not str")


def test_a_call_with_fresh_cache_starts_empty_as_in_segments_tester(probe):
    path, _ = probe.module(CACHE)
    bid, _ = probe.harness.load(compile_module(path).js)
    try:
        calls = [probe.harness.call(bid, "onTrack", {"x": {"ttl": -1}}, {}, Counter(), control)
                 for control in (None, None, {"freshCache": True}, None)]
    finally:
        probe.harness.unload(bid)
    assert [c.returned for c in calls] == [[1, 2], [1, 2], [1, 2], [1, 2]]
    assert calls[2].requests == calls[0].requests and calls[1].requests == []
