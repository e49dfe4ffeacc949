"""``segfn replay -j N``: the lines of each archive spread over N worker processes.

Each worker loads the workspace's functions itself and replays its share of an archive: it reads
the whole archive and replays the lines whose lane (``emulator/batching.py``: by ``messageId``, or
by line number for a line without one, whose id is generated and unique) falls to its share
(``Share``), so every copy of a message meets the same worker's dedupe index and dedupe decides as
in one process, and every ``on_batch`` batch forms within one worker as it does in one process.
An archive is shared over at most ``LANES`` (64) workers.
A ``.json`` fixture (a few messages) is replayed whole by the first worker.

The parent adds the parts of a fixture up (counts and summaries add, problems and outcomes are
merged by line), judges it against its golden, and hands outcomes on in input order: the results,
the goldens and the exit code are those of ``-j 1``. Each handler runs on its worker's main
thread, where the runner's timeout interrupts even a blocking call.
"""

from __future__ import annotations

import heapq
import multiprocessing
import time
import traceback
from collections import deque
from dataclasses import dataclass, field, replace
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, Callable

from .batching import LANES, lane
from .errors import ConfigError
from .fixtures import is_archive
from .outcomes import Outcome
from .replay import FixtureResult, Replay, merge_parts, replay_pipeline
from .runner import DEFAULT_TIMEOUT
from .faults import Faults, HostFaults
from .messages import AS_AUTO
from .sprig import MockSprig
from .workspace import Workspace

PROGRESS_EVERY = 0.2  # seconds between a worker's progress reports
OUTCOME_CHUNK = 256  # messages' outcomes a worker sends at once
MAX_BUFFERED = 64  # chunks the parent holds from a worker that is ahead before it stops reading it


class WorkerFailed(RuntimeError):
    """A worker process stopped or failed: the replay cannot give complete results."""


@dataclass(frozen=True)
class Share:
    """Worker ``index`` of ``count``: which archive lines it replays."""

    index: int
    count: int

    def owns(self, line: int, payload: Any) -> bool:
        """Whether line ``line`` (0-based) with parsed ``payload`` is this worker's to replay: the
        worker of its lane (``emulator/batching.py``), so that each ``on_batch`` batch, which forms
        within a lane, lies within one worker."""
        return self.owns_lane(lane(line, payload))

    def owns_lane(self, lane_: int) -> bool:
        """Whether the lines of lane ``lane_`` are this worker's."""
        return lane_ % self.count == self.index

    def owns_problem(self, line: int | None) -> bool:
        """A problem at a line goes with that line; one about the whole file to the first worker."""
        return (line or 0) % self.count == self.index if line is not None else self.index == 0


@dataclass(frozen=True)
class WorkerConfig:
    """What a worker needs to build the pipeline ``segfn replay`` builds."""

    workspace: Workspace
    root: Path
    seed: int = 0
    sprig_faults: dict | None = None  # --sprig-faults, as Faults.to_config() gives it
    faults: dict | None = None  # --faults, as HostFaults.to_config() gives it
    as_: str = AS_AUTO  # --as
    timeout: float = DEFAULT_TIMEOUT


def portable(config: WorkerConfig) -> WorkerConfig:
    """``config`` without the function modules the workspace imported (they cannot be pickled): each
    worker imports its own from the same files."""
    return replace(config, workspace=replace(config.workspace, functions={}))


def build_replay(config: WorkerConfig, workspace: Workspace | None = None) -> Replay:
    """The ``Replay`` that ``segfn replay`` builds for ``config`` (``workspace`` in its place when
    given: the Dask workers' copy, with the functions where that machine has them)."""
    sprig = MockSprig(faults=Faults.from_config(config.sprig_faults)) if config.sprig_faults is not None else None
    faults = HostFaults.from_config(config.faults) if config.faults is not None else None
    pipeline = replay_pipeline(workspace or config.workspace, seed=config.seed, sprig=sprig, faults=faults,
                               timeout=config.timeout)
    return Replay(pipeline, config.root, as_=config.as_, sprig=sprig)


def _work(conn: Connection, config: WorkerConfig) -> None:
    """A worker process: run tasks from the parent until told to stop."""
    try:
        replay = build_replay(config)
    except ConfigError as error:
        conn.send(("error", None, "\n".join(error.problems)))
        return
    while True:
        task = conn.recv()
        if task is None:
            break
        key, path, share, stream = task
        try:
            result = _run_task(conn, replay, key, Path(path), share, stream)
        except Exception:
            conn.send(("error", key, traceback.format_exc()))
            continue
        conn.send(("done", key, result))
    replay.pipeline.close()


def _run_task(conn: Connection, replay: Replay, key: int, path: Path, share: Share | None, stream: bool) -> FixtureResult:
    chunk: list[tuple[int, list[Outcome]]] = []
    last = [0.0]

    def on_message(line: int, outcomes: list[Outcome]) -> None:
        chunk.append((line, outcomes))
        if len(chunk) >= OUTCOME_CHUNK:
            conn.send(("outcomes", key, chunk[:]))
            chunk.clear()

    def on_progress(offset: int) -> None:
        now = time.monotonic()
        if now - last[0] >= PROGRESS_EVERY:
            last[0] = now
            conn.send(("progress", key, offset))

    result = replay.run(path, on_progress=on_progress, on_message=on_message if stream else None, share=share,
                        judge=False)
    if chunk:
        conn.send(("outcomes", key, chunk))
    return result


@dataclass
class _Part:
    """One worker's part of the fixture being replayed, as it arrives."""

    chunks: deque = field(default_factory=deque)  # of (line, outcomes), in line order
    offset: int = 0
    result: FixtureResult | None = None


class ParallelReplay:
    """``Replay``'s interface (``fixtures``, ``label``, ``run``) over ``jobs`` worker processes."""

    def __init__(self, config: WorkerConfig, jobs: int, *, update: bool = False) -> None:
        self.config = config
        self.jobs = jobs
        self.local = Replay(None, config.root, update=update)  # labels, discovery and judging only
        self.root = config.root
        context = multiprocessing.get_context("spawn")
        self.conns: list[Connection] = []
        self.processes = []
        for _ in range(jobs):
            ours, theirs = context.Pipe()
            process = context.Process(target=_work, args=(theirs, portable(config)), daemon=True)
            process.start()
            theirs.close()
            self.conns.append(ours)
            self.processes.append(process)
        self._tasks = 0

    def fixtures(self, paths: list[Path]) -> list[Path]:
        return self.local.fixtures(paths)

    def label(self, path: Path) -> str:
        return self.local.label(path)

    def run(self, path: Path, on_outcome: Callable[[Outcome], None] | None = None,
            on_progress: Callable[[int], None] | None = None) -> FixtureResult:
        """Replay one fixture over the workers; the same result as ``Replay.run`` gives."""
        self._tasks += 1
        key = self._tasks
        shares = min(self.jobs, LANES)  # a lane is never split, so at most LANES workers share an archive
        workers = range(shares) if is_archive(path) else range(1)
        stream = on_outcome is not None and is_archive(path)
        parts = {w: _Part() for w in workers}
        for w in workers:
            share = Share(w, shares) if is_archive(path) else None
            self.conns[w].send((key, str(path), share, stream))
        merged = _InOrder(parts, on_outcome if stream else None)
        while any(p.result is None for p in parts.values()):
            readable = [self.conns[w] for w, p in parts.items() if p.result is None and len(p.chunks) < MAX_BUFFERED]
            if not readable:  # every unfinished worker is far ahead of the slowest: hand on what we can
                readable = [self.conns[w] for w, p in parts.items() if p.result is None]
            for conn in wait(readable):
                w = self.conns.index(conn)
                kind, got_key, body = self._receive(w, path)
                if got_key != key:
                    continue
                part = parts[w]
                if kind == "outcomes":
                    part.chunks.extend(body)
                elif kind == "progress":
                    part.offset = body
                    if on_progress:
                        on_progress(sum(p.offset for p in parts.values()) // len(parts))
                elif kind == "done":
                    part.result = body
            merged.flush()
        merged.flush()
        result = merge_parts([p.result for p in parts.values()])
        if on_outcome is not None and not stream:
            for outcome in result.outcomes:
                on_outcome(outcome)
        self.local.judge(result)
        return result

    def _receive(self, worker: int, path: Path) -> tuple[str, int | None, Any]:
        try:
            kind, key, body = self.conns[worker].recv()
        except (EOFError, OSError):
            code = self.processes[worker].exitcode
            raise WorkerFailed(f"replay worker {worker + 1} of {self.jobs} stopped while replaying {self.label(path)}"
                               + (f" (exit code {code})" if code is not None else "")) from None
        if kind == "error":
            raise WorkerFailed(f"replay worker {worker + 1} of {self.jobs} failed"
                               + (f" while replaying {self.label(path)}" if key is not None else "") + f":\n{body}")
        return kind, key, body

    def close(self) -> None:
        for conn in self.conns:
            try:
                conn.send(None)
            except OSError:
                pass
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()
        for conn in self.conns:
            conn.close()


class _InOrder:
    """Hands the workers' outcomes on in line order: a line is handed on once every worker still
    running has sent something past it (each worker sends its lines in order)."""

    def __init__(self, parts: dict[int, _Part], on_outcome: Callable[[Outcome], None] | None) -> None:
        self.parts = parts
        self.on_outcome = on_outcome

    def flush(self) -> None:
        if self.on_outcome is None:
            return
        while True:
            heads = []
            for w, part in self.parts.items():
                if part.chunks:
                    heads.append((part.chunks[0][0], w))
                elif part.result is None:
                    return  # this worker may still send an earlier line
            if not heads:
                return
            _, w = heapq.nsmallest(1, heads)[0]
            _, outcomes = self.parts[w].chunks.popleft()
            for outcome in outcomes:
                self.on_outcome(outcome)
