"""The clock-and-randomness contract between the check's two sides (compiler/determinism.py, the
harness's ``seed``/``now``): a plain JavaScript bundle that builds CPython's ``random`` and ``uuid4``
on ``crypto.getRandomValues`` words, as the compiled runtime does, gives what Python gives under
``deterministic``; the frozen ``Date`` gives the instant Python's frozen clock gives."""

from __future__ import annotations

import datetime as dt
import random
import time
import types
import uuid

import pytest
from hypothesis import given, settings, strategies as st

from segfn.compiler.determinism import (OTHER_TZ, Determinism, SeededRandom, WordStream, deterministic,
                                        seeded_uuid4, time_zone)

pytestmark = pytest.mark.node

# What the compiled runtime does (the contract), written by hand: words from getRandomValues,
# CPython's random() and getrandbits(), Lib/random.py's _randbelow, randint, choice and shuffle.
SNIPPET = r"""
function words(n) { return Array.from(crypto.getRandomValues(new Uint32Array(n))); }
function random() { const [a, b] = words(2); return ((a >>> 5) * 67108864 + (b >>> 6)) / 9007199254740992; }
function getrandbits(k) {
  if (k <= 32) return BigInt(words(1)[0] >>> (32 - k));
  let out = 0n, shift = 0n;
  while (k > 0) { let w = words(1)[0]; if (k < 32) w = w >>> (32 - k); out |= BigInt(w) << shift; shift += 32n; k -= 32; }
  return out;
}
function randbelow(n) {
  const k = n.toString(2).length;
  let r = getrandbits(k);
  while (r >= BigInt(n)) r = getrandbits(k);
  return Number(r);
}
function uuid4() {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
async function onTrack(event) {
  const out = { now: Date.now(), date: new Date().getTime(), iso: new Date().toISOString(),
                hours: new Date().getHours(), explicit: new Date(0).getTime(), calls: [] };
  for (const op of event.ops) {
    if (op === "random") out.calls.push(random());
    else if (op === "bits70") out.calls.push(getrandbits(70).toString());
    else if (op === "bits5") out.calls.push(Number(getrandbits(5)));
    else if (op === "randint") out.calls.push(1 + randbelow(100));
    else if (op === "choice") out.calls.push(["a", "b", "c", "d", "e"][randbelow(5)]);
    else if (op === "shuffle") { const x = [1, 2, 3, 4, 5, 6, 7]; for (let i = x.length - 1; i > 0; i--) { const j = randbelow(i + 1); [x[i], x[j]] = [x[j], x[i]]; } out.calls.push(x); }
    else if (op === "uuid4") out.calls.push(uuid4());
    else if (op === "words") out.calls.push(words(3));
  }
  return out;
}
"""

OPS = ["random", "bits70", "bits5", "randint", "choice", "shuffle", "uuid4", "words"]


def python_side(ops: list[str], stream_words) -> list:
    out = []
    for op in ops:
        if op == "random":
            out.append(random.random())
        elif op == "bits70":
            out.append(str(random.getrandbits(70)))
        elif op == "bits5":
            out.append(random.getrandbits(5))
        elif op == "randint":
            out.append(random.randint(1, 100))
        elif op == "choice":
            out.append(random.choice(["a", "b", "c", "d", "e"]))
        elif op == "shuffle":
            x = [1, 2, 3, 4, 5, 6, 7]
            random.shuffle(x)
            out.append(x)
        elif op == "uuid4":
            out.append(str(uuid.uuid4()))
        elif op == "words":
            out.append(stream_words(3))
    return out


@pytest.fixture(scope="module")
def snippet(harness):
    bundle, handlers = harness.load(SNIPPET, filename="determinism.js")
    assert handlers == ["onTrack"]
    yield bundle
    harness.unload(bundle)


@settings(max_examples=60, deadline=None)
@given(seed=st.one_of(st.integers(0, 2 ** 40), st.text("abc:-", max_size=6)),
       now=st.integers(0, 4102444800000), ops=st.lists(st.sampled_from(OPS), max_size=8))
def test_node_and_python_draw_the_same_randomness_and_see_the_same_clock(harness, snippet, seed, now, ops):
    node = harness.call(snippet, "onTrack", {"ops": ops}, {}, control={"seed": seed, "now": now})
    assert node.error is None, node.error
    with deterministic(seed, now) as det:
        calls = python_side(ops, det.stream.take)
        python_now = round(time.time() * 1000)
        utc = dt.datetime.now(dt.timezone.utc)
    assert node.returned["calls"] == calls
    assert node.returned["now"] == node.returned["date"] == now == python_now
    assert node.returned["explicit"] == 0  # a Date with an argument is not frozen
    assert node.returned["iso"] == utc.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert node.returned["hours"] == utc.hour  # Node runs in UTC, as Segment's Lambda does


def test_without_seed_and_now_the_bundle_gets_the_real_clock_and_real_randomness(harness, snippet):
    before = time.time() * 1000
    a, b = (harness.call(snippet, "onTrack", {"ops": ["words", "uuid4"]}, {}) for _ in range(2))
    assert a.returned["calls"] != b.returned["calls"]
    assert before - 1000 <= a.returned["now"] <= time.time() * 1000 + 1000


def test_the_word_stream_is_sha256_of_seed_and_block_read_little_endian():
    import hashlib
    import struct

    stream = WordStream(7)
    first = stream.take(9)
    assert first[:8] == list(struct.unpack("<8I", hashlib.sha256(b"7:0").digest()))
    assert first[8] == struct.unpack("<I", hashlib.sha256(b"7:1").digest()[:4])[0]


def test_uuid4_is_version_4_from_four_little_endian_words():
    stream, copy = WordStream("u"), WordStream("u")
    made = seeded_uuid4(stream)
    raw = b"".join(w.to_bytes(4, "little") for w in copy.take(4))
    assert made.version == 4 and made == uuid.UUID(bytes=raw, version=4)


def test_seeded_random_is_lib_random_on_the_stream():
    rng = SeededRandom(WordStream(3))
    copy = WordStream(3)
    a, b = copy.next() >> 5, copy.next() >> 6
    assert rng.random() == (a * 67108864 + b) / 2 ** 53
    assert rng.getrandbits(32) == copy.next()


def test_a_function_module_that_imported_names_from_random_and_uuid_is_patched_too():
    module = types.ModuleType("fn")
    exec("from random import randint, random as rnd\nfrom uuid import uuid4", module.__dict__)
    with deterministic(1, 0, modules=[module]):
        drawn = (module.randint(1, 10 ** 6), module.rnd(), str(module.uuid4()))
    with deterministic(1, 0):
        expected = (random.randint(1, 10 ** 6), random.random(), str(uuid.uuid4()))
    assert drawn == expected
    assert module.randint is random.randint and module.uuid4 is uuid.uuid4  # restored
    assert random.randint.__self__ is random._inst


def test_each_case_starts_a_fresh_stream_and_moves_the_clock():
    with Determinism() as det:
        det.case(5, 1_000)
        first = (random.random(), time.time())
        det.case(5, 86_400_000)
        second = (random.random(), time.time())
    assert first[0] == second[0]
    assert (first[1], second[1]) == (1.0, 86_400.0)


def test_under_another_time_zone_the_frozen_local_clock_is_that_zones_wall_time():
    now = 1_700_000_000_000  # 2023-11-14T22:13:20Z, EST (UTC-5) in New York
    with time_zone(OTHER_TZ), deterministic(0, now):
        local = dt.datetime.now()
        from_timestamp = dt.datetime.fromtimestamp(time.time())
    assert local == from_timestamp == dt.datetime(2023, 11, 14, 17, 13, 20)
    with time_zone("UTC"), deterministic(0, now):
        assert dt.datetime.now() == dt.datetime(2023, 11, 14, 22, 13, 20)


@pytest.mark.parametrize("zone", ["UTC", OTHER_TZ, "Asia/Kolkata"])
def test_an_aware_now_is_the_frozen_instant_in_every_time_zone(zone):
    """datetime.now(tz) names one instant whatever the machine's zone; freezegun 1.5 adds its local
    offset to it too (a tester's check warned that now(timezone.utc) depended on the time zone)."""
    now = 1_700_000_000_000
    module = types.ModuleType("fn")
    exec("from datetime import datetime, timezone, timedelta", module.__dict__)
    with time_zone(zone), deterministic(0, now, modules=[module]):
        utc = module.datetime.now(module.timezone.utc)
        ist = dt.datetime.now(dt.timezone(dt.timedelta(hours=5, minutes=30)))
        stamp = module.datetime.now(module.timezone.utc).timestamp()
        local, wall = dt.datetime.now(), dt.datetime.fromtimestamp(now / 1000)
    assert utc == dt.datetime(2023, 11, 14, 22, 13, 20, tzinfo=dt.timezone.utc)
    assert ist.isoformat() == "2023-11-15T03:43:20+05:30"
    assert stamp == now / 1000
    assert local == wall  # naive: the zone's wall time, as CPython gives it
    assert module.datetime.now(module.timezone.utc).year == dt.datetime.now().year  # restored, real clock
