"""How ``on_batch`` batches form, the same way in ``segfn replay`` and ``segfn serve``.

Segment waits up to 10 s for 20 events before calling a destination function's ``onBatch``, and
support can raise the size to 400 (destination-functions.md, "Batching"). A destination in
``workspace.toml`` takes ``batch = {size = 20, wait = "10s"}`` (either key may be left out),
``batch = false`` (never batch: the single-event handlers run), or nothing (Segment's defaults;
``segfn serve --batch-size/--batch-wait`` replace them for serve).

Serve forms batches on the wall clock (``emulator/worker.py``). Replay forms them on the simulated
clock, deterministically (``BatchFormer``): per destination and *lane*, in input order, a batch takes
messages until it holds ``size`` or a message is received ``wait`` or more after its first one. A
``.json`` fixture is one lane; an archive's messages are spread over ``LANES`` lanes by
``messageId`` (by line when there is none), which is exactly how ``replay -j N`` shares an archive
over processes (``lane % N``), so every batch lies within one worker and ``-j 1`` and ``-j N`` form
the same batches. Pure: no I/O, no clock.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Generic, Hashable, TypeVar

from .durations import parse_duration
from .errors import unknown_key

DEFAULT_SIZE = 20  # destination-functions.md: "Segment waits up to 10 seconds ... for 20 events"
DEFAULT_WAIT = 10.0
MAX_SIZE = 400  # the most Segment's support raises it to
LANES = 64  # an archive's lanes; replay -j uses at most this many workers per archive


@dataclass(frozen=True)
class BatchPolicy:
    """``size`` events (1 to 400) or ``wait`` seconds (more than 0), whichever comes first."""

    size: int = DEFAULT_SIZE
    wait: float = DEFAULT_WAIT


def parse_batch(value: Any, where: str, problems: list[str]) -> BatchPolicy | bool:
    """A destination's ``batch`` value from workspace.toml: a ``BatchPolicy``, ``False`` (off) or
    ``True`` (not set: Segment's defaults). Each problem is appended naming ``where``."""
    if value is None or value is True:
        return True
    if value is False:
        return False
    if not isinstance(value, dict):
        problems.append(f"{where}: write batch = {{ size = 20, wait = \"10s\" }} or batch = false")
        return True
    problems.extend(unknown_key(f"{where}.{key}", key, ("size", "wait"))
                    for key in value if key not in ("size", "wait"))
    size = value.get("size", DEFAULT_SIZE)
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_SIZE:
        problems.append(f"{where}.size: must be a whole number from 1 to {MAX_SIZE} (Segment's default is "
                        f"{DEFAULT_SIZE}; support raises it to at most {MAX_SIZE})")
        size = DEFAULT_SIZE
    try:
        wait = parse_duration(value.get("wait", DEFAULT_WAIT))
        if wait <= 0:
            raise ValueError("a batch must wait more than 0 s")
    except ValueError as error:
        problems.append(f"{where}.wait: {error}")
        wait = DEFAULT_WAIT
    return BatchPolicy(size, wait)


def lane(line: int, payload: Any) -> int:
    """The lane of an archive line (0-based) with parsed ``payload``: by its ``messageId`` when it
    has one (so every copy of a message meets the same dedupe index), else by its line number."""
    message_id = payload.get("messageId") if isinstance(payload, dict) else None
    if isinstance(message_id, str) and message_id:
        return zlib.crc32(message_id.encode("utf-8", "surrogatepass")) % LANES
    return line % LANES


T = TypeVar("T")


@dataclass
class Batch(Generic[T]):
    """Items waiting to go to one destination together; ``first`` is when the first was received."""

    key: Hashable
    first: datetime
    items: list[T] = field(default_factory=list)
    last: datetime | None = None

    def sent_at(self, policy: BatchPolicy) -> datetime:
        """When serve would send it: as the last item arrives if full, else ``wait`` after the first."""
        if len(self.items) >= policy.size and self.last is not None:
            return self.last
        return self.first + timedelta(seconds=policy.wait)


class BatchFormer(Generic[T]):
    """Open batches keyed by (destination, lane); ``add`` returns the batches it closed."""

    def __init__(self) -> None:
        self.open: dict[Hashable, Batch[T]] = {}

    def add(self, key: Hashable, item: T, received: datetime, policy: BatchPolicy) -> list[Batch[T]]:
        closed: list[Batch[T]] = []
        batch = self.open.get(key)
        if batch is not None and received >= batch.first + timedelta(seconds=policy.wait):
            closed.append(self.open.pop(key))  # it left before this one arrived
            batch = None
        if batch is None:
            batch = self.open[key] = Batch(key, received)
        batch.items.append(item)
        batch.last = received
        if len(batch.items) >= policy.size:
            closed.append(self.open.pop(key))
        return closed

    def flush(self) -> list[Batch[T]]:
        """Every open batch, oldest first (the end of the input: each waited its ``wait`` out)."""
        closed = sorted(self.open.values(), key=lambda b: b.first)
        self.open.clear()
        return closed
