"""A compact index of when each ``messageId`` was first seen, for dedupe's 24-hour window in replay.

A dict of ids to datetimes costs about 200 bytes a message; a day's archive has millions. This
index keeps a 64-bit fingerprint of the key, the time in milliseconds (as 32 bits from a base,
which covers 49 days; a time outside that range is kept exactly on the side) and a 16-bit tag (the
source that sent it first) in flat arrays: 14 bytes a slot, 19 to 28 bytes a key at the table's
load (it grows by half when three quarters full). The table is split in 64 shards that grow
one at a time, so growing never holds two copies of the whole index.

Two different keys with the same fingerprint would count as one: for a million keys the chance
that any two share one is about 3 in 100 million (docs/semantics.md, "Replay").
"""

from __future__ import annotations

from array import array
from typing import Hashable

_SHARDS = 64
_MASK64 = (1 << 64) - 1
_SPAN = 1 << 32  # milliseconds a 32-bit offset covers
_EMPTY = 0


class _Shard:
    __slots__ = ("keys", "times", "tags", "used", "size")

    def __init__(self, size: int = 64) -> None:
        self.keys = array("Q", bytes(8 * size))
        self.times = array("I", bytes(4 * size))
        self.tags = array("H", bytes(2 * size))
        self.used = 0
        self.size = size

    def slot(self, fingerprint: int) -> int:
        """The slot holding ``fingerprint``, or the empty one where it would go."""
        keys, size = self.keys, self.size
        i = (fingerprint >> 6) % size
        while True:
            found = keys[i]
            if found == fingerprint or found == _EMPTY:
                return i
            i += 1
            if i == size:
                i = 0

    def grow(self) -> None:
        old_keys, old_times, old_tags = self.keys, self.times, self.tags
        self.__init__(self.size * 3 // 2)
        for fingerprint, moment, tag in zip(old_keys, old_times, old_tags):
            if fingerprint != _EMPTY:
                i = self.slot(fingerprint)
                self.keys[i] = fingerprint
                self.times[i] = moment
                self.tags[i] = tag
                self.used += 1


class SeenIndex:
    """``check(key, at_ms, window_ms, tag)``: the tag recorded with ``key`` when it was seen less than
    ``window_ms`` before ``at_ms`` (a duplicate); otherwise None, and ``at_ms`` and ``tag`` (0 to
    65535) become its first sighting. The rule of ``messages.Deduper``, in flat arrays."""

    def __init__(self) -> None:
        self._shards = [_Shard() for _ in range(_SHARDS)]
        self._base: int | None = None
        self._outside: dict[int, int] = {}  # fingerprint -> ms, for times past the 32-bit span
        self.count = 0

    def __len__(self) -> int:
        return self.count

    def check(self, key: Hashable, at_ms: int, window_ms: int, tag: int = 0) -> int | None:
        fingerprint = (hash(key) & _MASK64) or 1
        shard = self._shards[fingerprint & (_SHARDS - 1)]
        i = shard.slot(fingerprint)
        if self._base is None:
            self._base = at_ms - _SPAN // 2
        offset = at_ms - self._base
        if shard.keys[i] == fingerprint:
            first = self._outside.get(fingerprint)
            if first is None:
                first = self._base + shard.times[i]
            if at_ms - first < window_ms:
                return shard.tags[i]
        else:
            shard.keys[i] = fingerprint
            shard.used += 1
            self.count += 1
        shard.tags[i] = tag
        if 0 <= offset < _SPAN:
            shard.times[i] = offset
            self._outside.pop(fingerprint, None)
        else:
            self._outside[fingerprint] = at_ms
        if shard.used * 4 > shard.size * 3:
            shard.grow()
        return None
