"""The same clock and the same randomness on both sides of ``segfn check``.

The contract with the compiler (issue 13): a compiled bundle reads the clock only through
``Date.now()`` (and ``new Date()`` without arguments), and randomness only through
``crypto.getRandomValues(new Uint32Array(n))``, consuming 32-bit words in order. Its runtime builds
CPython's ``random`` algorithms on those words exactly as ``random.Random`` builds them on
``getrandbits(32)``, and ``uuid4`` from 16 bytes taken from 4 words (each little-endian).

For one case of the check, both sides get a seed and an instant (whole milliseconds since the epoch):

- the word stream: the eight little-endian uint32 words of ``sha256(f"{seed}:{i}")`` for i = 0, 1, ...
  (:class:`WordStream`; the harness's ``crypto.getRandomValues`` reads the same stream);
- Python: :func:`deterministic` patches ``random``'s module functions, ``uuid.uuid4`` (also where a
  function module imported them by name) and freezes the clock with freezegun at the instant; Node:
  the harness's ``call`` takes ``{"seed": s, "now": ms}`` and gives the bundle's context the same
  ``crypto.getRandomValues`` and a ``Date`` frozen there.

``random.random()`` from two words a, b is ``((a >> 5) * 67108864 + (b >> 6)) / 2**53``, and
``getrandbits(k)`` fills k bits from words least significant first, dropping the low bits of the last
(CPython's ``Modules/_randommodule.c``); everything else (``randint``, ``choice``, ``shuffle``,
``uniform``...) is ``Lib/random.py`` on top of those two.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import os
import random
import struct
import time
import uuid
from contextlib import contextmanager
from typing import Any, Iterable, Iterator

from freezegun import freeze_time
from freezegun import api as _freezegun_api

UTC = "UTC"
OTHER_TZ = "America/New_York"  # the non-UTC zone the Python reference also runs under


class WordStream:
    """The seeded stream of 32-bit words both sides draw from, in order."""

    def __init__(self, seed: int | str) -> None:
        self.seed = seed
        self._block = 0
        self._words: list[int] = []

    def next(self) -> int:
        if not self._words:
            digest = hashlib.sha256(f"{self.seed}:{self._block}".encode()).digest()
            self._words = list(struct.unpack("<8I", digest))[::-1]  # popped from the end: word 0 first
            self._block += 1
        return self._words.pop()

    def take(self, n: int) -> list[int]:
        return [self.next() for _ in range(n)]


class SeededRandom(random.Random):
    """``random.Random`` drawing every bit from a :class:`WordStream` (``_randbelow`` then comes from
    ``getrandbits``, as ``Random.__init_subclass__`` arranges for a class that defines it)."""

    def __init__(self, stream: WordStream) -> None:
        self.stream = stream
        super().__init__(0)

    def seed(self, a: Any = None, version: int = 2) -> None:  # noqa: D102 - keeps the stream; see below
        # Random.__init__ seeds the C generator, which nothing here reads; a function calling
        # random.seed() keeps drawing from the check's stream (the compiler rejects random.seed).
        super().seed(a, version)

    def random(self) -> float:
        a, b = self.stream.next() >> 5, self.stream.next() >> 6
        return (a * 67108864 + b) * (1.0 / 9007199254740992.0)

    def getrandbits(self, k: int) -> int:
        if k < 0:
            raise ValueError("number of bits must be non-negative")
        if k == 0:
            return 0
        if k <= 32:
            return self.stream.next() >> (32 - k)
        out, shift = 0, 0
        while k > 0:
            word = self.stream.next()
            if k < 32:
                word >>= 32 - k
            out |= word << shift
            shift += 32
            k -= 32
        return out


def seeded_uuid4(stream: WordStream) -> uuid.UUID:
    """A version-4 UUID from the next 4 words, each written little-endian."""
    raw = b"".join(struct.pack("<I", w) for w in stream.take(4))
    return uuid.UUID(bytes=raw, version=4)


def _random_functions() -> dict[str, Any]:
    """The ``random`` module's functions: the bound methods of its hidden ``Random`` instance."""
    inst = random._inst  # noqa: SLF001 - the instance behind random.random, random.randint, ...
    return {name: value for name, value in vars(random).items()
            if getattr(value, "__self__", None) is inst}


_RANDOM_FUNCTIONS = _random_functions()
_REAL_UUID4 = uuid.uuid4


def instant(now_ms: int) -> _dt.datetime:
    """The naive UTC datetime freezegun freezes at, for whole milliseconds since the epoch."""
    return _dt.datetime(1970, 1, 1) + _dt.timedelta(milliseconds=now_ms)


def set_time_zone(name: str) -> None:
    """Change this process's local time zone (what ``time.localtime`` and naive datetimes use)."""
    os.environ["TZ"] = name
    time.tzset()


@contextmanager
def time_zone(name: str | None) -> Iterator[None]:
    """Run under the ``TZ`` named (None: leave it), then put the process's zone back."""
    if name is None:
        yield
        return
    before = os.environ.get("TZ")
    set_time_zone(name)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("TZ", None)
            time.tzset()
        else:
            set_time_zone(before)


def _local_offset(now_ms: int) -> _dt.timedelta:
    """The process's UTC offset at that instant, read from the real (unfrozen) C clock."""
    return _dt.timedelta(seconds=_freezegun_api.real_localtime(now_ms / 1000).tm_gmtoff)


def _aware_now(cls, tz: _dt.tzinfo | None = None) -> _dt.datetime:
    """``FakeDatetime.now`` as CPython's: an aware ``now(tz)`` is the frozen instant seen in ``tz``.
    freezegun 1.5 adds its local-time offset to aware results too, so under TZ=America/New_York
    ``now(timezone.utc)`` came out four or five hours early."""
    if tz is None:
        return _NAIVE_NOW.__get__(None, cls)()
    frozen = cls._time_to_freeze() or _freezegun_api.real_datetime.utcnow()
    return _freezegun_api.datetime_to_fakedatetime(tz.fromutc(frozen.replace(tzinfo=tz)))


_NAIVE_NOW = _freezegun_api.FakeDatetime.__dict__["now"]
_CLOCK_FAKES = {id(getattr(_freezegun_api, f"real_{name}")): getattr(_freezegun_api, f"fake_{name}")
                for name in ("time", "time_ns", "localtime", "gmtime", "strftime", "monotonic", "monotonic_ns",
                             "perf_counter", "perf_counter_ns")}
_CLOCK_FAKES[id(_freezegun_api.real_datetime)] = _freezegun_api.FakeDatetime
_CLOCK_FAKES[id(_freezegun_api.real_date)] = _freezegun_api.FakeDate


class Determinism:
    """Frozen clock and seeded randomness for a run of cases (freezegun starts once: it scans every
    loaded module, ~6 ms). Use as a context manager, then :meth:`case` before each case.

    ``modules`` are function modules whose globals may hold ``from random import ...`` or
    ``from uuid import uuid4`` names; those are swapped too. The clock follows the process's time
    zone (``datetime.now()`` is the local wall time of the instant, as unfrozen Python gives it)."""

    def __init__(self, modules: Iterable[Any] = ()) -> None:
        self.modules = list(modules)
        self.stream = WordStream(0)
        self.rng = SeededRandom(self.stream)
        self._freezer = None
        self._factory = None
        self._undo: list[tuple[Any, str, Any]] = []

    def __enter__(self) -> "Determinism":
        self._freezer = freeze_time(instant(0), real_asyncio=True)
        self._factory = self._freezer.start()
        self._undo.append((_freezegun_api.FakeDatetime, "now", _NAIVE_NOW))
        _freezegun_api.FakeDatetime.now = classmethod(_aware_now)
        replacements = {id(real): getattr(self.rng, name) for name, real in _RANDOM_FUNCTIONS.items()}
        replacements[id(_REAL_UUID4)] = lambda: seeded_uuid4(self.stream)
        # freezegun patches the modules of sys.modules only; a function module loaded from its file
        # (emulator.runner.load_function) keeps `from datetime import datetime` and `from time import
        # time` pointing at the real clock unless its names are swapped here as well
        replacements.update(_CLOCK_FAKES)
        for module in [random, uuid, *self.modules]:
            namespace = vars(module) if not isinstance(module, dict) else module
            for name, value in list(namespace.items()):
                fake = replacements.get(id(value))
                if fake is not None:
                    self._undo.append((namespace, name, value))
                    namespace[name] = fake
        return self

    def __exit__(self, *exc: Any) -> None:
        for namespace, name, value in reversed(self._undo):
            if isinstance(namespace, dict):
                namespace[name] = value
            else:
                setattr(namespace, name, value)
        self._undo.clear()
        if self._freezer is not None:
            self._freezer.stop()
            self._freezer = None

    def case(self, seed: int | str, now_ms: int) -> None:
        """Start a case: a fresh word stream for ``seed``, the clock at ``now_ms``."""
        self.stream.seed, self.stream._block, self.stream._words = seed, 0, []  # noqa: SLF001
        self._factory.move_to(instant(now_ms))
        # freezegun gives naive now() as UTC plus its tz offset; make that the real local offset.
        _freezegun_api.tz_offsets[-1] = _local_offset(now_ms)


@contextmanager
def deterministic(seed: int | str, now_ms: int, modules: Iterable[Any] = ()) -> Iterator[Determinism]:
    """One case's frozen clock (at ``now_ms``) and seeded ``random``/``uuid4``, restored on exit."""
    with Determinism(modules) as det:
        det.case(seed, now_ms)
        yield det
