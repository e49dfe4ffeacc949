"""Replay fixtures through the pipeline and hold each one against its golden file.

Replays repeat: each call is received at the time the payload itself carries (its ``receivedAt``
when copied from Segment's debugger, else ``sentAt``, else ``timestamp``, else a fixed instant), ids
that Segment would generate are derived from the fixture's name, sampling, retry jitter and the mock
Sprig's injected faults are seeded by ``messageId``, and dedupe is scoped to one fixture file so a
file gives the same outcomes whether it is replayed alone or with the others. Nothing depends on
the order of messages with different ``messageId``s, which is what lets ``emulator/parallel.py``
split an archive over processes.

Archives stream: outcomes are counted as they come and not kept, so memory does not grow with the
number of messages (beyond the compact dedupe index).
"""

from __future__ import annotations

import hashlib
import itertools
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Hashable, Sequence
from urllib.parse import urlsplit

from . import goldens
from . import outcomes as oc
from .batching import Batch, BatchFormer, lane
from .errors import IngestError
from .fixtures import Call, FixtureProblem, discover, is_archive, read_calls
from .messages import AS_AUTO, Deduper, parse_date
from .outcomes import Outcome
from .pipeline import Pipeline, Route
from .faults import HostFaults
from .runner import DEFAULT_TIMEOUT, Runner
from .sprig import HOSTS, MockSprig
from .transport import Router

if TYPE_CHECKING:  # pragma: no cover
    from .parallel import Share

DEFAULT_RECEIVED = datetime(2025, 1, 1, tzinfo=timezone.utc)

MATCH, DIFFER, MISSING, UPDATED, NO_GOLDEN = "match", "differ", "missing", "updated", "none"


@dataclass
class FixtureResult:
    """One fixture's replay: its outcomes (kept for ``.json`` fixtures), counts, and golden verdict."""

    fixture: str
    path: Path | str  # a local file, or an fsspec URL
    golden_path: Path
    outcomes: list[Outcome] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # outcomes by kind, and "messages"
    summary: Counter[str] = field(default_factory=Counter)  # archives: outcomes by destination/kind/stage
    problems: list[FixtureProblem] = field(default_factory=list)
    golden: str = NO_GOLDEN
    diff: str = ""
    destinations: set[str] = field(default_factory=set)  # every destination its messages reached
    generated: set[str] = field(default_factory=set)  # messageIds segfn generated (.json fixtures)

    @property
    def messages(self) -> int:
        return self.counts["messages"]


def _call_time(call: Call) -> datetime:
    payload = call.payload
    items = payload.get("batch") if call.endpoint == "batch" else None
    first = items[0] if isinstance(items, list) and items else payload  # a batch of no list: the API says why
    if not isinstance(first, dict):
        first = {}
    for source, key in ((first, "receivedAt"), (payload, "sentAt"), (first, "sentAt"), (first, "timestamp"),
                        (first, "originalTimestamp")):
        value = source.get(key) if isinstance(source, dict) else None
        moment = parse_date(value) if isinstance(value, str) else None
        if moment is not None:
            return moment
    return DEFAULT_RECEIVED


def _id_factory(call: Call) -> Callable[[], str]:
    counter = itertools.count()

    def new_id() -> str:  # the hash only for calls that need an id
        seed = hashlib.sha1(f"{call.fixture}#{call.index}".encode()).hexdigest()[:16]
        return f"replay-{seed}-{next(counter)}"

    return new_id


class Replay:
    """Runs fixtures through one pipeline. ``root`` is the project folder holding ``fixtures/``."""

    def __init__(self, pipeline: Pipeline | None, root: Path, *, update: bool = False, as_: str = AS_AUTO,
                 sprig: MockSprig | None = None) -> None:
        self.pipeline = pipeline
        self.root = root
        self.update = update
        self.as_ = as_  # how to read messages whose fixture does not say (--as)
        self.sprig = sprig  # when it injects faults: their draws are seeded per message

    def close(self) -> None:
        if self.pipeline is not None:
            self.pipeline.close()

    def fixtures(self, paths: list[Path]) -> list[Path]:
        return discover(paths, exclude=self.root / "fixtures" / "expected")

    def label(self, path: Path | str) -> str:
        if isinstance(path, str):  # a URL
            return path
        try:
            return str(path.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)

    def run(self, path: Path | str, on_outcome: Callable[[Outcome], None] | None = None,
            on_progress: Callable[[int], None] | None = None, *,
            on_message: Callable[[int, list[Outcome]], None] | None = None, share: "Share | None" = None,
            judge: bool = True) -> FixtureResult:
        """Replay one fixture file; ``on_outcome`` sees every outcome as it is produced,
        ``on_message`` each message's outcomes with the index of its call, and ``on_progress``
        the bytes of an archive read so far. ``share`` replays only the archive lines that are that
        worker's (``-j N``); ``judge`` False leaves the golden comparison to the caller.

        Messages for a destination with ``on_batch`` wait in a batch (``emulator/batching.py``);
        every message's outcomes are still handed on in input order, once all of them are known."""
        label = self.label(path)
        result = FixtureResult(label, path, goldens.golden_path(path, self.root))
        archive = is_archive(path)
        self.pipeline.deduper = Deduper()
        # an archive's outcomes are only counted, unless someone reads them: no need for full records
        self.pipeline.records = not archive or on_outcome is not None or on_message is not None
        try:
            self._run(path, label, result, archive, on_outcome, on_progress, on_message, share)
        finally:
            self.pipeline.records = True
        if judge:
            self.judge(result)
        return result

    def _run(self, path: Path | str, label: str, result: FixtureResult, archive: bool,
             on_outcome: Callable[[Outcome], None] | None, on_progress: Callable[[int], None] | None,
             on_message: Callable[[int, list[Outcome]], None] | None, share: "Share | None") -> None:
        order = _InputOrder(self.pipeline, self.sprig)

        def emit(index: int, message_outcomes: list[Outcome]) -> None:
            result.counts["messages"] += 1
            for outcome in message_outcomes:
                result.counts[outcome.outcome] += 1
                if outcome.destination is not None:
                    result.destinations.add(outcome.destination)
                if archive:
                    result.summary[goldens.summary_key(outcome)] += 1
                else:
                    result.outcomes.append(outcome)
                if on_outcome:
                    on_outcome(outcome)
            if on_message:
                on_message(index, message_outcomes)

        for item in read_calls(path, label):
            if isinstance(item, FixtureProblem):
                if share is None or share.owns_problem(item.line):
                    result.problems.append(item)
                continue
            if on_progress and item.offset:
                on_progress(item.offset)
            lane_ = lane(item.index, item.payload) if archive or share is not None else 0
            owned = share is None or share.owns_lane(lane_)
            if not owned and order.next_close is None:
                continue  # another worker's line, and no batch is open here that its time could close
            received = _call_time(item)
            order.advance(item.index, received)  # every line's time, whoever replays it
            if not owned:
                continue
            if not archive:
                lane_ = 0
            self._call(item, None if archive else result.generated, order, lane_, received)
            order.drain(emit)
        order.finish(emit)

    def _call(self, call: Call, generated: set[str] | None, order: "_InputOrder", lane_: int,
              received: datetime) -> None:
        """Replay one call (received at ``received``, ``_call_time``): its messages' outcomes join
        ``order`` (some wait for their batch)."""
        try:
            ingested = self.pipeline.ingest(call.endpoint, call.payload, fixture=call.fixture,
                                            received=received, message_id=_id_factory(call),
                                            as_=call.as_ or self.as_)
        except IngestError as error:
            message_id = call.payload.get("messageId") if call.endpoint != "batch" else None
            order.done(call.index, [Outcome(message_id=message_id if isinstance(message_id, str) else None,
                                            destination=None, outcome=oc.REJECTED, stage="tracking_api",
                                            reason=str(error), category=error.code, fixture=call.fixture,
                                            message_type=call.endpoint)])
            return
        for rejected in ingested.rejected:
            order.done(call.index, [rejected])
        for message, was_generated in ingested.accepted:
            if was_generated and generated is not None:
                generated.add(message["messageId"])
            order.message(call.index, message, self.pipeline.route(message, ingested.source, call.fixture), lane_)

    def judge(self, result: FixtureResult) -> None:
        """Hold the result against its golden (or write it, with ``update``). A fixture that could
        not be read at all, and gave nothing, is not judged."""
        archive = is_archive(result.path)
        if result.problems and not result.outcomes and not archive:
            return
        generated = result.generated
        if archive:
            actual: Any = {"fixture": result.fixture, "summary": dict(sorted(result.summary.items()))}
        else:
            actual = {"fixture": result.fixture, "outcomes": [goldens.record(o, generated) for o in result.outcomes]}
        try:
            expected = goldens.load(result.golden_path)
        except goldens.UnreadableGolden as error:  # --update replaces a file; a folder stays a problem
            if not self.update or result.golden_path.is_dir():
                result.problems.append(FixtureProblem(result.fixture, error.where, f"{error.reason}; fix it, or "
                                                       f"accept this run's outcomes with segfn replay --update"))
                return
            expected = None
        if expected == actual:
            result.golden = MATCH
        elif self.update:
            try:
                goldens.write(result.golden_path, actual)
            except OSError as error:  # fixtures/expected a file, a read-only folder: this fixture's problem
                result.problems.append(FixtureProblem(result.fixture, str(result.golden_path),
                                                      f"cannot write the golden: {error.strerror or error}"))
                return
            result.golden = UPDATED
        elif expected is None:
            result.golden = MISSING
        else:
            result.golden = DIFFER
            result.diff = goldens.diff(expected, actual, result.fixture)


class _Waiting:
    """One message's outcomes, some still waiting for their batch."""

    __slots__ = ("index", "outcomes", "missing")

    def __init__(self, index: int, size: int) -> None:
        self.index = index
        self.outcomes: list[Outcome | None] = [None] * size
        self.missing = size


class _InputOrder:
    """Runs each message's routes (at once, or in a batch) and hands outcomes on in input order.

    A batch closes when it is full, when a line is received ``wait`` or more after its first
    message, when ``SPAN`` lines have passed since its first message (so an archive's memory stays
    bounded), or at the end of the file. Every line counts, including the lines another worker
    replays (``-j N``): each worker closes its batches where ``-j 1`` does.
    """

    SPAN = 10_000

    def __init__(self, pipeline: Pipeline, sprig: MockSprig | None) -> None:
        self.pipeline = pipeline
        self.sprig = sprig
        self.former: BatchFormer[tuple[_Waiting, int, Route]] = BatchFormer()
        self.lines: dict[Hashable, int] = {}  # open batch -> line of its first message
        self.queue: deque[_Waiting] = deque()
        self.next_close: tuple[datetime, int] | None = None  # earliest time / line any open batch closes at

    def done(self, index: int, outcomes: list[Outcome]) -> None:
        waiting = _Waiting(index, len(outcomes))
        waiting.outcomes, waiting.missing = list(outcomes), 0
        self.queue.append(waiting)

    def message(self, index: int, message: dict[str, Any], routes: list[Route], lane_: int) -> None:
        waiting = _Waiting(index, len(routes))
        self.queue.append(waiting)
        direct = [(p, r) for p, r in enumerate(routes) if r.stop is not None or r.connection.batch is None]
        if self.sprig is not None and any(r.stop is None for _, r in direct):
            self.sprig.faults.reseed(message["messageId"])
        for position, route in direct:
            self._fill(waiting, position, self.pipeline.deliver(route))
        received = parse_date(message["receivedAt"]) or DEFAULT_RECEIVED
        for position, route in enumerate(routes):
            if route.stop is not None or route.connection.batch is None:
                continue
            key = (route.connection.name, lane_)
            closed = self.former.add(key, (waiting, position, route), received, route.connection.batch)
            for batch in closed:
                self._send(batch)
            if key in self.former.open and key not in self.lines:  # a batch opened with this message
                self.lines[key] = index
                if not closed and self.next_close is not None:
                    deadline = received + timedelta(seconds=route.connection.batch.wait)
                    self.next_close = (min(self.next_close[0], deadline), self.next_close[1])
                    continue
            if closed or self.next_close is None:
                self._next_close()

    def advance(self, line: int, received: datetime) -> None:
        """A line was read (received at ``received``): close the batches that left before it."""
        if self.next_close is None or (received < self.next_close[0] and line < self.next_close[1]):
            return
        for key, batch in list(self.former.open.items()):
            policy = batch.items[0][2].connection.batch
            if received >= batch.first + timedelta(seconds=policy.wait) or line >= self.lines[key] + self.SPAN:
                self._send(self.former.open.pop(key))
        self._next_close()

    def drain(self, emit: Callable[[int, list[Outcome]], None]) -> None:
        while self.queue and not self.queue[0].missing:
            waiting = self.queue.popleft()
            emit(waiting.index, waiting.outcomes)

    def finish(self, emit: Callable[[int, list[Outcome]], None]) -> None:
        for batch in self.former.flush():
            self._send(batch)
        self.next_close = None
        self.drain(emit)

    def _send(self, batch: Batch[tuple[_Waiting, int, Route]]) -> None:
        self.lines.pop(batch.key, None)
        routes = [route for _, _, route in batch.items]
        if self.sprig is not None:
            self.sprig.faults.reseed("\x1e".join(str(r.message.get("messageId")) for r in routes))
        outcomes = self.pipeline.deliver_batch(routes, batch.sent_at(routes[0].connection.batch))
        for (waiting, position, _), outcome in zip(batch.items, outcomes):
            self._fill(waiting, position, outcome)

    def _next_close(self) -> None:
        if not self.former.open:
            self.next_close = None
            return
        self.next_close = (min(b.first + timedelta(seconds=b.items[0][2].connection.batch.wait)
                               for b in self.former.open.values()),
                           min(self.lines[k] for k in self.former.open) + self.SPAN)

    @staticmethod
    def _fill(waiting: _Waiting, position: int, outcome: Outcome) -> None:
        waiting.outcomes[position] = outcome
        waiting.missing -= 1


def sprig_hosts(workspace: Any) -> set[str]:
    """Sprig's hosts, plus the host of every ``baseUrl`` setting a destination sets."""
    hosts = set(HOSTS)
    for destination in workspace.destinations:
        base = destination.settings.get("baseUrl")
        if isinstance(base, str) and urlsplit(base).hostname:
            hosts.add(urlsplit(base).hostname)
    return hosts


def replay_pipeline(workspace: Any, *, seed: int = 0, sprig: MockSprig | None = None,
                    faults: HostFaults | None = None, timeout: float = DEFAULT_TIMEOUT) -> Pipeline:
    """The pipeline replay uses: offline. The workspace's stubs answer first, then the mock Sprig API
    (``sprig``, else a fresh one) answers Sprig's hosts; any other request fails with a FetchError
    naming the stub to add. ``faults`` (``--faults``) fail or slow requests per host; handlers time
    out after ``timeout`` seconds."""
    sprig = sprig or MockSprig()
    transport = Router(workspace.stubs, mocks={host: sprig.transport for host in sprig_hosts(workspace)},
                       faults=faults)
    return Pipeline(workspace, transport=transport, seed=seed, runner=Runner(timeout=timeout))


def merge_parts(parts: Sequence[FixtureResult]) -> FixtureResult:
    """One fixture's result from the results of its shares (``-j N``): counts and summaries add,
    problems and outcomes (already in line order within a part) are merged by line."""
    first = parts[0]
    merged = FixtureResult(first.fixture, first.path, first.golden_path)
    for part in parts:
        merged.counts.update(part.counts)
        merged.summary.update(part.summary)
        merged.problems.extend(part.problems)
        merged.outcomes.extend(part.outcomes)
        merged.generated |= part.generated
        merged.destinations |= part.destinations
    merged.problems.sort(key=lambda p: p.line if p.line is not None else float("inf"))
    return merged


_BUILD_VERDICTS: dict[tuple, str | None] = {}  # (module, digest of its files) -> its warning


def build_warnings(modules: Sequence[Path], root: Path | None = None) -> list[str]:
    """What ``segfn build`` would refuse in each function module, one warning per module (replay runs the
    Python as written, so a user learns it at the first replay rather than at deploy): the compiler's
    ``file:line:col: message`` problems with their carets, paths shown relative to ``root``. A module
    the compiler accepts gives nothing; each verdict is kept while the module's files are unchanged."""
    from dataclasses import replace

    from segfn.compiler import CompileError, compile_module  # the compiler is only needed here
    from segfn.compiler.bundle import module_files

    def shown(path: str | Path) -> str:
        if root is not None:
            try:
                return str(Path(path).resolve().relative_to(Path(root).resolve()))
            except ValueError:
                pass
        return str(path)

    out = []
    for path in dict.fromkeys(modules):
        try:
            digest = hashlib.sha256(b"".join(f.read_bytes() for f in module_files(path))).hexdigest()
        except OSError:
            continue  # the loader reports unreadable modules
        key = (str(Path(path).resolve()), shown(path), digest)
        if key not in _BUILD_VERDICTS:
            try:
                compile_module(path)
                verdict = None
            except CompileError as error:
                n = len(error.items)
                verdict = (f"{shown(path)}: segfn build refuses this function ({n} problem{'s' if n != 1 else ''}; "
                           "replay runs the Python as written):\n"
                           + "\n".join(replace(p, path=shown(p.path)).render() for p in error.items))
            except Exception as error:  # the compiler's own failure: said, never fatal to a replay
                verdict = f"{shown(path)}: segfn build could not compile this function: {type(error).__name__}: {error}"
            _BUILD_VERDICTS[key] = verdict
        if _BUILD_VERDICTS[key] is not None:
            out.append(_BUILD_VERDICTS[key])
    return out
