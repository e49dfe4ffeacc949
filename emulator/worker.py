"""The delivery worker of ``segfn serve``: routes what the Tracking API accepted and runs every
destination's functions, with Segment's retries and ``on_batch`` batching, recording each attempt.

One scheduler thread decides what to run; a small pool runs the functions. The scheduler:

1. routes accepted messages, oldest first (dedupe, source controls, integrations, filters), each in
   one transaction with its dedupe record (``Store.save_route``);
2. claims due deliveries, committing an ``in_flight`` attempt for each before its functions run;
   a destination whose function has ``on_batch`` is claimed as a batch once its ``batch`` size of
   deliveries are due or the oldest has waited its ``batch`` wait (workspace.toml; Segment's 20
   events or 10 s, or ``--batch-size``/``--batch-wait``, when not set; ``batch = false`` never
   batches: the single-event handlers run, as for a function without ``on_batch``);
   other destinations' deliveries are claimed ``ATTEMPT_CHUNK`` at a time, one job each chunk;
3. settles each attempt: delivered, filtered or discarded is final; a retryable failure waits the
   next delay of ``RetryPolicy.delays`` (seeded by messageId and destination, as replay seeds it),
   and when the delays are used up it is discarded as Retries Exhausted. A job's attempts are
   settled in one transaction, and routing commits ``ROUTE_CHUNK`` messages at a time: a sync to
   disk per batch, not per delivery, which is what lets delivery keep pace with ingest.

After ``kill -9``, ``start`` first turns attempts left in flight into ``interrupted`` ones and runs
them again, so every accepted message still reaches a final state.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Callable, Sequence

from . import outcomes as oc
from .batching import DEFAULT_SIZE, DEFAULT_WAIT
from .errors import RetriesExhausted, RetryRequested
from .messages import format_date
from .outcomes import Attempt, StageRecord
from .pipeline import AttemptResult, Pipeline, Route
from .store import DISCARDED, PENDING, RETRYING, Claim, Planned, Settlement, Store

if TYPE_CHECKING:  # pragma: no cover
    from .local import LocalSegment

log = logging.getLogger("segfn.worker")

DEFAULT_BATCH_SIZE = DEFAULT_SIZE
DEFAULT_BATCH_WAIT = DEFAULT_WAIT
IDLE_POLL = 0.25  # seconds between looks at the store when nothing woke the scheduler
ROUTE_CHUNK = 50  # messages routed in one transaction (short, so ingest's commits wait little)
ATTEMPT_CHUNK = 25  # deliveries of a destination without on_batch one job claims, runs and settles at once


def _iso(ts: float) -> tuple[datetime, str]:
    moment = datetime.fromtimestamp(ts, timezone.utc)
    return moment, format_date(moment)


def _attempt_json(attempt: Attempt, shared: dict[tuple[int, ...], list] | None) -> dict[str, Any]:
    """``attempt.to_json()``, its ``requests`` list shared with the attempts in ``shared`` that sent
    the same requests (keyed by the exchanges' ids: they live as long as ``shared`` is used)."""
    if shared is None or not attempt.requests:
        return attempt.to_json()
    key = tuple(map(id, attempt.requests))
    requests = shared.get(key)
    if requests is None:
        requests = shared[key] = [r.to_json() for r in attempt.requests]
    out = replace(attempt, requests=()).to_json()
    out["requests"] = requests
    return out


def plan(route: Route) -> Planned:
    """What routing decided for one destination, in the store's terms."""
    if route.stop is not None:
        stop = route.stop
        return Planned(route.connection.name, stop.outcome, stop.stage, stop.reason, stop.category,
                       [s.to_json() for s in stop.stages], None)
    return Planned(route.connection.name, PENDING, None, "waiting for its first attempt", None,
                   [s.to_json() for s in route.stages], route.event)


class DeliveryWorker:
    """Runs deliveries for one ``LocalSegment`` until stopped."""

    def __init__(self, local: "LocalSegment", *, threads: int = 4, clock: Callable[[], float] = time.time) -> None:
        """Each destination's batches form as its pipeline connection says (``Connection.batch``)."""
        self.local = local
        self.threads = max(1, threads)
        self.clock = clock
        self._pool: ThreadPoolExecutor | None = None
        self._busy = 0
        self._busy_lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._flush = threading.Event()
        self._thread: threading.Thread | None = None
        self._unrecorded: list[tuple[Claim, Settlement]] = []  # attempts' results the store refused
        self.recovered = 0

    @property
    def store(self) -> Store:
        return self.local.store

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Recover interrupted attempts, then run the scheduler on its own thread."""
        if self._thread is not None:
            return
        self.recovered = self.store.recover(self.clock())
        if self.recovered:
            log.warning("recovered %d attempt(s) interrupted by the last stop; attempting them again",
                        self.recovered)
        self._stop.clear()
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="segfn-delivery")
        self._thread = threading.Thread(target=self._loop, name="segfn-scheduler", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop claiming; let the attempts already running finish and record their results."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None
        self._record_unrecorded()  # what still fails stays in flight, and is attempted again after a restart

    def wake(self) -> None:
        """Something arrived: look at the store now rather than at the next poll."""
        self._wake.set()

    def flush(self) -> None:
        """Send every waiting batch now, without waiting for their ``batch`` wait."""
        self._flush.set()
        self._wake.set()

    def _loop(self) -> None:
        paused: str | None = None
        while not self._stop.is_set():
            problem = self.store.file_problem()
            if problem is not None:  # the file is gone or replaced: nothing written now would last
                if problem != paused:
                    log.error("delivery paused: %s", problem)
                paused = problem
                self._wake.wait(IDLE_POLL)
                self._wake.clear()
                continue
            paused = None
            try:
                worked = self.step()
            except Exception:  # the scheduler must outlive any one bad row
                log.exception("the delivery scheduler hit an error; it carries on")
                worked = False
            if not worked:
                self._wake.wait(IDLE_POLL)
                self._wake.clear()

    # --- one pass ---------------------------------------------------------------------------

    def step(self) -> bool:
        """Route what arrived and start what is due. True when it did anything."""
        pipeline = self.local.pipeline
        recorded = self._record_unrecorded()
        routed = self.route_pending(pipeline)
        started = self._dispatch(pipeline)
        return recorded or routed or started

    def route_pending(self, pipeline: Pipeline, limit: int = 200) -> bool:
        rows = self.store.unrouted(limit)
        for start in range(0, len(rows), ROUTE_CHUNK):
            with self.store.transaction():  # each message's dedupe record commits with its route
                for seq, source_name, message in rows[start:start + ROUTE_CHUNK]:
                    self.store.save_route(seq, self._plan(pipeline, seq, source_name, message), self.clock())
        return bool(rows)

    def _plan(self, pipeline: Pipeline, seq: int, source_name: str, message: dict[str, Any]) -> list[Planned]:
        source = pipeline.workspace.source_named(source_name)
        if source is None:
            return []  # the source left the workspace: nothing is connected to it
        try:
            return [plan(r) for r in pipeline.route(message, source)]
        except Exception as exc:  # a bug must not wedge the queue: record it, per destination
            log.exception("routing message %s failed", seq)
            return [Planned(c.name, DISCARDED, "integrations", f"segfn could not route it: {exc!r}", "Bad Request",
                            [], None) for c in pipeline.connections if c.destination.connected_to(source)]

    def _free(self) -> int:
        with self._busy_lock:
            return self.threads - self._busy

    def _submit(self, job: Callable[..., None], *args: Any) -> None:
        with self._busy_lock:
            self._busy += 1
        assert self._pool is not None
        self._pool.submit(self._guarded, job, *args)

    def _guarded(self, job: Callable[..., None], *args: Any) -> None:
        try:
            job(*args)
        finally:
            with self._busy_lock:
                self._busy -= 1
            self._wake.set()

    def _dispatch(self, pipeline: Pipeline) -> bool:
        if self._pool is None:
            return False
        free = self._free()
        if free <= 0:
            return False
        now = self.clock()
        _, at = _iso(now)
        batching = {c.name: c.batch for c in pipeline.connections if c.batch is not None}
        flush = self._flush.is_set()
        self._flush.clear()
        started = False
        # one destination at a time, each query reading only the index entries it claims: the
        # cost of a pass does not grow with the backlog (a destination no longer in the workspace
        # is claimed one by one, and _route_of gives its deliveries up)
        for name in self.store.waiting_destinations():
            if free <= 0:
                break
            policy = batching.get(name)
            if policy is not None:
                count, oldest = self.store.due(now, destination=name, limit=policy.size)
                if not count or not (flush or count >= policy.size or now - oldest >= policy.wait):
                    continue
                batch = uuid.uuid4().hex[:8]
                claims = self.store.claim(now, at, policy.size, destination=name, batch=batch)
                if claims:
                    self._submit(self.run_batch, claims, batch, now)
                    free -= 1
                    started = True
                continue
            claims = self.store.claim(now, at, free * ATTEMPT_CHUNK, destination=name)
            for start in range(0, len(claims), ATTEMPT_CHUNK):
                self._submit(self.run_many, claims[start:start + ATTEMPT_CHUNK], now)
                free -= 1
                started = True
        return started

    # --- running attempts -------------------------------------------------------------------

    def _route_of(self, pipeline: Pipeline, claim: Claim) -> Route | None:
        connection = next((c for c in pipeline.connections if c.name == claim.destination), None)
        if connection is None:
            self.store.give_up(claim, f"destination {claim.destination!r} is no longer in the workspace",
                               self.clock())
            return None
        stages = tuple(StageRecord(**s) for s in claim.route_stages)
        return Route(connection, claim.message, stages, event=claim.route_event)

    def run_many(self, claims: Sequence[Claim], started: float) -> None:
        """One attempt for each claim, one after the other; all settled in one transaction."""
        pipeline = self.local.pipeline
        moment, _ = _iso(started)
        settled: list[tuple[Claim, Settlement]] = []
        try:
            for claim in claims:
                route = self._route_of(pipeline, claim)
                if route is not None:
                    settled.append((claim, self.settlement(pipeline, route, claim,
                                                           pipeline.attempt(route, claim.number, moment))))
        except Exception as exc:
            log.exception("an attempt failed inside segfn")
            done = {claim.attempt for claim, _ in settled}
            settled += self._failures(pipeline, [c for c in claims if c.attempt not in done], moment, exc)
        self._settle(settled)

    def run_batch(self, claims: Sequence[Claim], batch: str, started: float) -> None:
        pipeline = self.local.pipeline
        moment, _ = _iso(started)
        try:
            pairs = [(c, self._route_of(pipeline, c)) for c in claims]
            pairs = [(c, r) for c, r in pairs if r is not None]
            if not pairs:
                return
            results = pipeline.attempt_batch([r for _, r in pairs], [c.number for c, _ in pairs], moment,
                                             batch_id=batch)
            shared: dict[tuple[int, ...], list] = {}  # the batch's requests, as JSON once (Store.settle_many)
            settled = [(claim, self.settlement(pipeline, route, claim, result, shared))
                       for (claim, route), result in zip(pairs, results)]
        except Exception as exc:
            log.exception("batch %s failed inside segfn", batch)
            settled = self._failures(pipeline, claims, moment, exc)
        self._settle(settled)

    def _settle(self, settled: Sequence[tuple[Claim, Settlement]]) -> None:
        """Commit attempts' results. A write the store refuses (its file read-only for a while, a
        full disk) is kept and committed by the scheduler once the store takes writes again, so the
        deliveries do not stay in flight until a restart."""
        try:
            self.store.settle_many(settled, self.clock())
        except sqlite3.Error as exc:
            log.warning("recording %d attempt(s) failed (%s); they are recorded once the store takes writes",
                        len(settled), exc)
            with self._busy_lock:
                self._unrecorded.extend(settled)

    def _record_unrecorded(self) -> bool:
        """Commit results that could not be committed when their attempts ended (``_settle``)."""
        with self._busy_lock:
            pending, self._unrecorded = self._unrecorded, []
        if not pending:
            return False
        try:
            self.store.settle_many(pending, self.clock())
        except sqlite3.Error:
            with self._busy_lock:
                self._unrecorded[:0] = pending
            return False
        return True

    def delays(self, pipeline: Pipeline, claim: Claim) -> list[float]:
        """The retry schedule of one delivery: the one replay simulates for it."""
        rng = random.Random(f"{pipeline.seed}:retry:{claim.message.get('messageId')}:{claim.destination}")
        return list(pipeline.retry.delays(rng))

    def settlement(self, pipeline: Pipeline, route: Route, claim: Claim, result: AttemptResult,
                   shared: dict[tuple[int, ...], list] | None = None) -> Settlement:
        """How an attempt's result moves its delivery on (final, or waiting for a retry). ``shared``:
        attempts whose requests are the same ``Exchange`` objects (one batch's) get one list for them."""
        now = self.clock()
        next_at = None
        state = result.kind
        if result.kind == "retry":
            delays = self.delays(pipeline, claim)
            if claim.number - 1 < len(delays):
                state, next_at = RETRYING, now + delays[claim.number - 1]
            else:
                window = pipeline.retry.window.total_seconds()
                shown = f"{window / 3600:g} hours" if window >= 3600 else f"{window:g} seconds"
                exhausted = RetriesExhausted(f"gave up after {claim.number} attempts over {shown}; "
                                             f"last: {result.attempt.reason}")
                result = replace(result, kind=oc.DISCARDED, error=exhausted)
                state = DISCARDED
        outcome = pipeline.outcome(route, [result.attempt], result)
        reason = outcome.reason
        if state == RETRYING:
            reason = f"{reason} (attempt {claim.number}; next in {next_at - now:.1f} s)"
        return Settlement(result=result.attempt.result, state=state, stage=outcome.stage, reason=reason,
                          category=outcome.category, attempt=_attempt_json(result.attempt, shared),
                          stages=[s.to_json() for s in outcome.stages], event=outcome.event, next_at=next_at)

    def _failures(self, pipeline: Pipeline, claims: Sequence[Claim], moment: datetime,
                  exc: Exception) -> list[tuple[Claim, Settlement]]:
        """segfn itself failed while running attempts: each becomes a retryable one, so the message
        is neither lost nor silently delivered."""
        out = []
        for claim in claims:
            connection = next((c for c in pipeline.connections if c.name == claim.destination), None)
            if connection is None:
                continue
            route = Route(connection, claim.message, tuple(StageRecord(**s) for s in claim.route_stages),
                          event=claim.route_event)
            error = RetryRequested(f"segfn failed while running this attempt: {exc!r}")
            attempt = Attempt(claim.number, format_date(moment), "retry", error.category, error.reason)
            result = AttemptResult(attempt, "retry", "destination_function", None, error)
            out.append((claim, self.settlement(pipeline, route, claim, result)))
        return out
