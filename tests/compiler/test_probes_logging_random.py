"""logging, uuid and random, run as segfn check runs a function: the runner (CPython, its logs) against
the bundle in the harness (console.log), with the check's frozen clock and seeded words on both sides."""

from __future__ import annotations

import textwrap

import pytest

from segfn.compiler import compile_module
from segfn.compiler.determinism import Determinism
from segfn.emulator.runner import Runner, load_function

pytestmark = pytest.mark.node


def both_sides(harness, tmp_path, source: str, events: list, seed: int = 7, now_ms: int = 1709634030123):
    folder = tmp_path / "functions"
    folder.mkdir(exist_ok=True)
    path = folder / "probe.py"
    path.write_text('KIND = "insert"\nNAME = "probe"\n' + textwrap.dedent(source), encoding="utf-8")
    fn = load_function(path)
    bundle = compile_module(path)
    bid, _ = harness.load(bundle.js)
    out = []
    try:
        runner = Runner()
        with Determinism([fn.module]) as det:
            for i, event in enumerate(events):
                det.case(seed + i, now_ms)
                inv = runner.invoke(fn, event, {}, None)
                py = (inv.returned, type(inv.error).__name__ if inv.error else None, str(inv.error or ""), list(inv.logs))
                (node,) = harness.call_many(bid, [("onTrack", event, {}, {"seed": seed + i, "now": now_ms})], None)
                js = (node.returned, node.error["name"] if node.error else None,
                      node.error["message"] if node.error else "", list(node.logs))
                out.append((py, js))
        runner.close()
    finally:
        harness.unload(bid)
    return out


LOGGING = """
import logging

log = logging.getLogger(__name__)
named = logging.getLogger("orders.sync")
parent = logging.getLogger("orders")

def on_track(event, settings):
    level = event["properties"].get("level")
    if level is not None:
        parent.setLevel(level)
    log.debug("debug %s", 1)
    log.info("info %d items", 3)
    log.warning("user %s did %r", event.get("userId"), event.get("event"))
    named.info("child of %(who)s", {"who": "orders"})
    named.error("failed: %s", "timeout", exc_info=True)
    try:
        raise ValueError("bad")
    except ValueError:
        log.exception("caught %s", "it")
    logging.warning("root %s", "here")
    logging.info("root info")
    named.log(25, "custom %s", "level")
    log.critical("bad format %d", "x")
    log.warning("no args %s")
    return [named.getEffectiveLevel(), named.isEnabledFor(logging.INFO), log.getEffectiveLevel(), logging.DEBUG]
"""


@pytest.mark.parametrize("level", [None, "DEBUG", 20, "ERROR"])
def test_logging_lines_match_the_runner(harness, tmp_path, level):
    event = {"type": "track", "userId": "u1", "event": "Order Completed", "properties": {"level": level}}
    # the second call sees the level the first one set (loggers live in the process on both sides)
    for py, js in both_sides(harness, tmp_path, LOGGING, [event, {**event, "properties": {}}]):
        assert js == py


RANDOMNESS = """
import random
import uuid
import time
from datetime import datetime, timezone

def on_track(event, settings):
    items = list(range(10))
    random.shuffle(items)
    u = uuid.uuid4()
    return {
        "random": random.random(), "randint": random.randint(1, 6), "randrange": random.randrange(0, 100, 7),
        "choice": random.choice(["a", "b", "c"]), "uniform": random.uniform(1.5, 2.5), "shuffled": items,
        "bits": random.getrandbits(40), "uuid": str(u), "hex": u.hex, "version": u.version, "repr": repr(u),
        "uuid5": str(uuid.uuid5(uuid.NAMESPACE_DNS, event["userId"])), "url5": uuid.uuid5(uuid.NAMESPACE_URL, "é").hex,
        "same": uuid.UUID(str(u)) == u, "time": time.time(), "now": datetime.now(timezone.utc).isoformat(),
        "messageId": f"msg-{uuid.uuid4()}", "sample": random.sample(items, 3), "sample_big": random.sample(range(100), 8),
        "sample_str": random.sample("abcdef", 2), "choices": random.choices("abc", k=4),
        "weighted": random.choices(["x", "y", "z"], weights=[1, 0, 3], k=5),
        "cumulative": random.choices(["x", "y"], cum_weights=[0.5, 1.0], k=3),
    }
"""


def test_random_uuid_and_clock_under_the_checks_control(harness, tmp_path):
    events = [{"type": "track", "userId": f"user-{i}", "properties": {}} for i in range(6)]
    for py, js in both_sides(harness, tmp_path, RANDOMNESS, events):
        assert js == py


def test_random_errors(harness, tmp_path):
    source = """
import random

def on_track(event, settings):
    out = []
    for call in (lambda: random.choice([]), lambda: random.randrange(5, 5), lambda: random.randint(3, 1),
                 lambda: random.randrange(0, 10, 0), lambda: random.randrange(1.5), lambda: random.shuffle("ab"),
                 lambda: random.sample({"a": 1}, 1), lambda: random.sample([1, 2], 3),
                 lambda: random.choices([1, 2], weights=[1]), lambda: random.choices([1], weights=[0]),
                 lambda: random.choices([1], [1], cum_weights=[1])):
        try:
            out.append(call())
        except (IndexError, ValueError, TypeError) as e:
            out.append([type(e).__name__, str(e)])
    return out
"""
    for py, js in both_sides(harness, tmp_path, source, [{"type": "track", "properties": {}}]):
        assert js == py


REFUSED = [
    ("import random\ndef g(x):\n    return random.seed(1)", "random.seed is not in the supported standard library subset",
     "random.seed"),
    ("import logging\ndef g(x):\n    return logging.basicConfig(level=logging.INFO)",
     "logging.basicConfig is not in the supported standard library subset", "logging.basicConfig"),
    ("import uuid\ndef g(x):\n    return uuid.uuid1()", "uuid.uuid1 is not in the supported standard library subset",
     "uuid.uuid1"),
]


@pytest.mark.parametrize("code,message,anchor", REFUSED, ids=[r[1][:40] for r in REFUSED])
def test_refused_neighbours(tmp_path, code, message, anchor):
    from tests.compiler.test_compile_errors import assert_refused

    assert_refused(tmp_path, code, message, anchor)
