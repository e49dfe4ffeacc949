"""A message's way through Segment, in Segment's order, to one outcome per destination.

    Tracking API (messages.py) -> dedupe -> source controls (routing.py)
    -> per connected destination:
         integrations object -> unsupported event type -> destination filters
         -> [attempt: insert function -> destination function], retried on RetryError/timeout

``route`` runs everything up to the destination's chain and is deterministic; ``attempt`` runs the
chain once (the server schedules attempts itself); ``deliver`` retries attempts on a simulated clock
(replay never sleeps). Every outcome passes through a ``Redactor`` so sensitive settings never leave
the pipeline.
"""

from __future__ import annotations

import base64
import random
import re
from dataclasses import dataclass, field, replace
from functools import cached_property
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from segfn import runtime

from . import jsonio
from . import outcomes as oc
from .batching import BatchPolicy
from .errors import (BadRequest, DeliveryError, RetriesExhausted, RetryRequested, Unauthorized,
                     UnsupportedEventType)
from .filters import DestinationFilters
from .messages import AS_CLIENT, Deduper, TrackingApi, format_date, parse_date, utcnow
from .outcomes import Attempt, Exchange, Outcome, StageRecord
from .routing import SourceControls, decide, destination_names
from .runner import HANDLERS, FunctionModule, Invocation, Runner, load_function
from .transport import Router
from .workspace import Destination, Source, Workspace


@dataclass(frozen=True)
class RetryPolicy:
    """Segment retries for four hours with randomised exponential backoff (destination-functions.md).

    Segment does not publish the schedule for functions; segfn borrows the one documented for source
    functions: a first wait of 1-3 minutes, doubling, capped at 20 minutes (docs/semantics.md).
    ``window`` can be compressed for local use (``segfn serve``).
    """

    window: timedelta = timedelta(hours=4)
    first_delay: tuple[float, float] = (60.0, 180.0)
    factor: float = 2.0
    max_delay: float = 1200.0

    def delays(self, rng: random.Random) -> Iterator[float]:
        """Seconds to wait before each retry, until the window would close."""
        scale = self.window.total_seconds() / timedelta(hours=4).total_seconds()
        delay, spent = rng.uniform(*self.first_delay) * scale, 0.0
        while delay > 0 and spent + delay <= self.window.total_seconds():
            yield delay
            spent += delay
            delay = min(delay * self.factor, self.max_delay * scale)


MASKED = "***"
_AUTH_HEADERS = frozenset({"authorization", "proxy-authorization", "x-api-key", "api-key", "cookie"})
LONG_SECRET = 8  # characters: a secret this long is masked wherever it appears, a shorter one only as a token


def _encodings(secret: str) -> set[str]:
    """What a function commonly makes of a secret before it sends or prints it."""
    raw = secret.encode("utf-8")
    out = {secret.upper(), secret.lower(), secret.swapcase()}
    for encoded in (base64.b64encode(raw).decode(), base64.urlsafe_b64encode(raw).decode()):
        out |= {encoded, encoded.rstrip("=")}
    return out - {secret}


class Redactor:
    """Masks every sensitive setting's value, and credentials in auth headers, with ``***``,
    without damaging data that only looks like a secret (docs/semantics.md, "Secrets").

    - Free text (logs, reasons, URLs, header values) and string values: a secret of ``LONG_SECRET``
      characters or more is masked wherever it occurs; a shorter one only where it stands alone, not
      next to a letter, digit, ``-`` or ``_`` (``apiKey = "test"`` masks ``API-Key test`` and
      ``?key=test``, never ``tester-1`` or ``m-test-1``).
    - A string value or key equal to a secret is masked whatever its length.
    - A long secret upper- or lower-cased, or in base64, counts as the secret (``_encodings``).
    So what is masked does not depend on the secret's value, only on where the function put it, and
    goldens are the same whichever key a run used.
    """

    def __init__(self, secrets: set[str]) -> None:
        given = {s for s in secrets if isinstance(s, str) and len(s) >= 3}
        # a long secret is also masked as a function commonly transforms it: upper or lower case, or
        # base64 (standard or URL-safe, with or without padding), e.g. key.upper() printed to a log
        given |= {v for s in given if len(s) >= LONG_SECRET for v in _encodings(s) if len(v) >= LONG_SECRET}
        self.secrets = sorted(given, key=len, reverse=True)
        self._exact = frozenset(self.secrets)
        long = [re.escape(s) for s in self.secrets if len(s) >= LONG_SECRET]
        short = [re.escape(s) for s in self.secrets if len(s) < LONG_SECRET]
        parts = long + ([r"(?<![A-Za-z0-9_-])(?:" + "|".join(short) + r")(?![A-Za-z0-9_-])"] if short else [])
        self._pattern = re.compile("|".join(parts)) if parts else None

    def text(self, value: str) -> str:
        if self._pattern is None or not isinstance(value, str):
            return value
        if value in self._exact:
            return MASKED
        return self._pattern.sub(MASKED, value) if any(s in value for s in self.secrets) else value

    def value(self, value: Any) -> Any:
        """``value`` with secrets masked; returned as is (not copied) when it holds none."""
        if not self.secrets or not self._holds_secret(value):
            return value
        return self._mask(value)

    def safety(self, value: Any) -> Any:
        """``value`` with only the long secrets (``LONG_SECRET`` characters or more) masked, wherever
        they occur: a net for data that did not pass through ``value`` or ``text``, which cannot
        damage data by chance."""
        long = [s for s in self.secrets if len(s) >= LONG_SECRET]
        if not long or not jsonio.contains_text(value, long):
            return value
        return Redactor(set(long))._mask(value)

    def _holds_secret(self, value: Any) -> bool:
        if isinstance(value, str):
            return any(secret in value for secret in self.secrets)
        return jsonio.contains_text(value, self.secrets)

    def _mask(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k): self._mask(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._mask(v) for v in value]
        return value

    def headers(self, headers: Mapping[str, str]) -> dict[str, str]:
        out = {}
        for name, value in headers.items():
            if name.lower() in _AUTH_HEADERS:
                scheme, _, rest = value.partition(" ")
                value = f"{scheme} {MASKED}" if rest else MASKED
            out[name] = self.text(value)
        return out

    def exchange(self, exchange: Exchange) -> Exchange:
        return Exchange(exchange.method, self.text(exchange.url), self.headers(exchange.headers),
                        self.value(exchange.body), exchange.status, self.value(exchange.response),
                        self.text(exchange.error) if exchange.error else None)


@dataclass(frozen=True)
class Connection:
    """A destination as the pipeline uses it: functions loaded, filters compiled, names resolved."""

    destination: Destination
    function: FunctionModule
    insert: FunctionModule | None
    filters: DestinationFilters
    names: tuple[str, ...]
    batch: BatchPolicy | None = None  # how on_batch batches form; None: the function has none, or batch = false

    @property
    def name(self) -> str:
        return self.destination.name

    @cached_property
    def file(self) -> str:
        """The destination function's file name, as stage records and reasons show it."""
        return self.function.path.name


@dataclass(frozen=True)
class Route:
    """A message at one destination after the deterministic stages: either stopped, or ``event``
    ready for the insert/destination function chain."""

    connection: Connection
    message: dict[str, Any]
    stages: tuple[StageRecord, ...]
    event: dict[str, Any] | None = None
    stop: Outcome | None = None
    fixture: str | None = None


@dataclass(frozen=True)
class AttemptResult:
    attempt: Attempt
    kind: str  # delivered | filtered | discarded | retry
    stage: str
    event: Any = None  # the event the destination function received
    error: DeliveryError | None = None
    stages: tuple[StageRecord, ...] = ()


@dataclass
class Ingested:
    """One Tracking API call: its source, the messages accepted, and rejection records."""

    source: Source
    accepted: list[tuple[dict[str, Any], bool]] = field(default_factory=list)  # (message, id generated)
    rejected: list[Outcome] = field(default_factory=list)


def clone(event: Any) -> Any:
    """A deep copy by JSON round trip: functions get their own event to change."""
    return jsonio.clone(event)


class Pipeline:
    """Segment's delivery pipeline for one workspace. Load once, then feed it messages."""

    def __init__(self, workspace: Workspace, *, transport: runtime.Transport | None = None,
                 clock: Callable[[], datetime] = utcnow, runner: Runner | None = None,
                 retry: RetryPolicy = RetryPolicy(), seed: int = 0, deduper: Deduper | None = None,
                 message_id: Callable[[], str] | None = None, batch_default: BatchPolicy = BatchPolicy()) -> None:
        self.workspace = workspace
        self.batch_default = batch_default  # for destinations whose entry has no batch (serve's --batch-size)
        self.transport = transport or Router(workspace.stubs)
        self.runner = runner or Runner()
        self.retry = retry
        self.seed = seed
        self.deduper = deduper or Deduper()
        self.tracking_api = TrackingApi(clock=clock, **({"message_id": message_id} if message_id else {}))
        self.controls = {s.name: SourceControls(s) for s in workspace.sources}
        self._sources: dict[str | None, Source] = {}  # write key -> source
        self._connected: dict[str, tuple[Source, list[Connection]]] = {}  # source name -> its connections
        self._stages: dict[tuple[str, str, str], StageRecord] = {}
        self.connections = tuple(self._connect(i, d) for i, d in enumerate(workspace.destinations))
        secrets: set[str] = set()
        for c in self.connections:
            secrets |= {str(c.destination.settings.get(n, "")) for n in c.function.sensitive_settings}
            if c.insert:
                secrets |= {str(c.destination.insert_settings.get(n, "")) for n in c.insert.sensitive_settings}
        self.redactor = Redactor(secrets)
        # False: outcomes of attempts carry only what an archive's counts need (messageId, destination,
        # outcome, stage, category): no reason, attempts, stage records or event, so nothing is redacted
        # or compared for them. Replay sets it for an archive whose outcomes no one reads one by one.
        self.records = True
        self._redacted: tuple[Invocation, tuple[Exchange, ...], tuple[str, ...]] | None = None

    def redacted(self, invocation: Invocation) -> tuple[tuple[Exchange, ...], tuple[str, ...]]:
        """An invocation's requests and logs with secrets masked. Every event of an ``on_batch``
        call records the whole call's requests, so the last invocation's are kept, not redone."""
        last = self._redacted
        if last is not None and last[0] is invocation:
            return last[1], last[2]
        redactor = self.redactor
        requests = tuple(redactor.exchange(x) for x in invocation.requests)
        logs = tuple(redactor.text(line) for line in invocation.logs)
        self._redacted = (invocation, requests, logs)
        return requests, logs

    def _connect(self, index: int, destination: Destination) -> Connection:
        """A destination's functions (imported and checked when the workspace loaded), filters and names."""
        def module(path: Path) -> FunctionModule:
            return self.workspace.functions.get(path) or load_function(path)

        function = module(destination.function)
        insert = module(destination.insert_function) if destination.insert_function else None
        names = destination_names(destination.name, destination.previous_names, function.name, self.workspace.name)
        batch = destination.batch_policy(self.batch_default) if "batch" in function.handlers else None
        return Connection(destination, function, insert, DestinationFilters(list(destination.filters)), names, batch)

    # --- Tracking API -------------------------------------------------------------------------

    def ingest(self, endpoint: str, payload: Any, *, write_key: str | None = None,
               raw_size: int | None = None, fixture: str | None = None, received: datetime | None = None,
               message_id: Callable[[], str] | None = None, as_: str = AS_CLIENT) -> Ingested:
        """Accept one call. Raises ``Unauthorized`` for an unknown write key and ``BadRequestBody``
        for a request Segment answers 400; per-message problems become ``rejected`` outcomes.
        ``as_``: client calls, already-processed payloads, or ``auto`` (``TrackingApi.accept``)."""
        result = self.tracking_api.accept(endpoint, payload, write_key=write_key, raw_size=raw_size,
                                          received=received, message_id=message_id, as_=as_)
        source = self._sources.get(result.write_key)
        if source is None:
            source = self.workspace.source_by_write_key(result.write_key)
            if source is not None and len(self._sources) < 1024:
                self._sources[result.write_key] = source
        if source is None:
            raise Unauthorized(f"no source has the write key {result.write_key!r}")
        ingested = Ingested(source, [(a.message, a.generated_id) for a in result.accepted])
        for rejected in result.rejected:
            raw = rejected.raw if isinstance(rejected.raw, dict) else {}
            ingested.rejected.append(Outcome(
                message_id=raw.get("messageId") if isinstance(raw.get("messageId"), str) else None,
                destination=None, outcome=oc.REJECTED, stage="tracking_api", reason=str(rejected.error),
                category=rejected.error.code, fixture=fixture,
                message_type=raw.get("type") if isinstance(raw.get("type"), str) else endpoint))
        return ingested

    # --- routing --------------------------------------------------------------------------------

    def route(self, message: dict[str, Any], source: Source, fixture: str | None = None) -> list[Route]:
        """Run the deterministic stages for every destination connected to the source."""
        connections = self._connected.get(source.name)
        if connections is None or connections[0] is not source:
            connections = self._connected[source.name] = (
                source, [c for c in self.connections if c.destination.connected_to(source)])
        connections = connections[1]
        received = parse_date(message["receivedAt"]) or utcnow()
        first = self.deduper.seen_on(message["messageId"], source.name, received)
        if first is not None:
            reason = _duplicate_reason(message["messageId"], first, source.name)
            return [self._stopped(c, message, (), oc.FILTERED, "dedupe", reason, fixture) for c in connections]
        controls = self.controls[source.name]
        stop = controls.check(message)
        if stop is not None:
            return [self._stopped(c, message, (), oc.FILTERED, stop.stage, stop.reason, fixture) for c in connections]
        event_filter = controls.event_filter(message)
        return [self._route_one(c, message, event_filter, fixture) for c in connections]

    def _stage(self, stage: str, decision: str, detail: str) -> StageRecord:
        """A stage record without an event, shared: records are frozen, and these repeat per message."""
        key = (stage, decision, detail)
        record = self._stages.get(key)
        if record is None:
            if len(self._stages) >= 4096:  # details name integrations keys and filters: few, but bounded
                self._stages.clear()
            record = self._stages[key] = StageRecord(stage, decision, detail)
        return record

    def _route_one(self, c: Connection, message: dict[str, Any], event_filter: Mapping[str, Any] | None,
                   fixture: str | None) -> Route:
        decision = decide(message.get("integrations"), c.names, event_filter)
        stages = [self._stage("integrations", "pass" if decision.enabled else "filtered", decision.reason)]
        if not decision.enabled:
            return self._stopped(c, message, stages, oc.FILTERED, "integrations", decision.reason, fixture)
        kind = message["type"]
        if kind not in c.function.handlers:
            reason = f"{kind} not supported: {c.file} has no {HANDLERS[kind]}"
            stages.append(StageRecord("event_type", "discarded", reason))
            return self._stopped(c, message, stages, oc.DISCARDED, "event_type", reason, fixture,
                                 UnsupportedEventType.category)
        stages.append(self._stage("event_type", "pass", f"{c.file} has {HANDLERS[kind]}"))
        if not c.filters:
            return Route(c, message, tuple(stages), event=message, fixture=fixture)
        rng = _SeededRandom(f"{self.seed}:filters:{message['messageId']}:{c.name}")
        result = c.filters.apply(message, rng)
        for d in result.decisions:
            shown = f"filter {d.index} ({d.title}): " + ("matched" if d.matched else "did not match")
            if d.actions:
                shown += f", applied {', '.join(d.actions)}"
            stages.append(self._stage("destination_filter", "filtered" if d.dropped else "pass", shown))
        if result.event is None:
            dropping = next((d for d in result.decisions if d.dropped), None)
            reason = f"dropped by destination filter {dropping.index} ({dropping.title})" if dropping else \
                "dropped by a destination filter"
            return self._stopped(c, message, stages, oc.FILTERED, "destination_filter", reason, fixture)
        if result.decisions:
            last = stages[-1]
            stages[-1] = StageRecord(last.stage, last.decision, last.detail, result.event)
        return Route(c, message, tuple(stages), event=result.event, fixture=fixture)

    def _stopped(self, c: Connection, message: dict[str, Any], stages: Any, outcome: str, stage: str,
                 reason: str, fixture: str | None, category: str | None = None) -> Route:
        record = Outcome(message_id=message.get("messageId"), destination=c.name, outcome=outcome, stage=stage,
                         reason=reason, category=category, stages=tuple(stages),  # segfn's words: nothing to mask
                         fixture=fixture, message_type=message.get("type"))
        return Route(c, message, tuple(stages), stop=record, fixture=fixture)

    # --- the function chain --------------------------------------------------------------------

    def attempt(self, route: Route, number: int, at: datetime) -> AttemptResult:
        """Run the insert function (if any) and the destination function once."""
        c = route.connection
        log = _AttemptLog(self, number, at)
        transport = self.delivery_transport([route])
        event = self._insert(route, log, transport)
        if isinstance(event, AttemptResult):
            return event
        inv = self.runner.invoke(c.function, clone(event), c.destination.settings, transport)
        log.absorb(inv)
        if inv.error is not None:
            log.stages.append(StageRecord("destination_function", _decision(inv.error),
                                          self.redactor.text(inv.error.reason)))
            return log.finish("retry" if inv.error.retry else oc.DISCARDED, "destination_function", event,
                              error=inv.error)
        log.stages.append(self._stage("destination_function", "pass", f"{c.file} returned"))
        return log.finish(oc.DELIVERED, "destination_function", event)

    def delivery_transport(self, routes: Sequence[Route]) -> runtime.Transport:
        """The transport for one delivery (or one batch): stub sequences and fault draws count its own
        requests, over all its attempts, whatever else runs (docs/semantics.md, "Stubs and faults")."""
        scoped = getattr(self.transport, "scoped", None)
        if scoped is None:
            return self.transport
        ids = "\x1e".join(str(r.message.get("messageId")) for r in routes)
        return scoped(f"{ids}\x1f{routes[0].connection.name}")

    def _insert(self, route: Route, log: "_AttemptLog", transport: runtime.Transport) -> Any:
        """Run the destination's insert function on the route's event: the event to go on with, or the
        ``AttemptResult`` that ends the attempt there (dropped, failed, or not an event)."""
        c, event = route.connection, route.event
        if c.insert is None:
            return event
        inv = self.runner.invoke(c.insert, clone(event), c.destination.insert_settings, transport)
        log.absorb(inv)
        if inv.dropped:
            reason = f"DropEvent: {inv.exception}" if str(inv.exception) else "DropEvent"
            log.stages.append(StageRecord("insert_function", "filtered", self.redactor.text(reason)))
            return log.finish(oc.FILTERED, "insert_function", reason=reason)
        if inv.error is not None:
            log.stages.append(StageRecord("insert_function", _decision(inv.error), self.redactor.text(inv.error.reason)))
            return log.finish("retry" if inv.error.retry else oc.DISCARDED, "insert_function", error=inv.error)
        if not isinstance(inv.returned, dict):
            error = BadRequest(f"the insert function returned {type(inv.returned).__name__}, not an event; "
                               f"return the event, or raise DropEvent to drop it")
            log.stages.append(StageRecord("insert_function", "discarded", error.reason))
            return log.finish(oc.DISCARDED, "insert_function", error=error)
        if self.records:
            log.stages.append(StageRecord("insert_function", "changed" if inv.returned != route.event else "pass",
                                          f"{c.insert.path.name} returned the event",
                                          self.redactor.value(inv.returned)))
        return inv.returned

    def attempt_batch(self, routes: Sequence[Route], numbers: Sequence[int], at: datetime,
                      batch_id: str | None = None) -> list[AttemptResult]:
        """Run one batch at one destination: the insert function per event, then ``on_batch`` once.

        ``routes`` all go to the same connection; results pair with them by position. What
        ``on_batch`` returns is read as Segment's per-event results (destination-functions.md,
        "Handling batching errors"): item ``i`` ``{"status": int, "errormessage": str}`` answers for
        event ``i``; 2xx is delivered, 5xx and 429 are retried, any other status is discarded (Bad
        Request). A position without a numeric status, or a return value that is not a list, counts
        as delivered, as a normal return does (Segment's own example returns ``Promise.all(...)``).
        ``RetryError`` or a timeout retries the whole batch; any other error discards it.
        """
        if not routes:
            return []
        c = routes[0].connection
        label = f"onBatch, batch {batch_id} of {len(routes)}" if batch_id else f"onBatch, batch of {len(routes)}"
        logs = [_AttemptLog(self, number, at) for number in numbers]
        results: list[AttemptResult | None] = [None] * len(routes)
        events: list[Any] = []
        transport = self.delivery_transport(routes)
        for index, route in enumerate(routes):
            if route.connection is not c:
                raise ValueError("a batch goes to one destination")
            event = self._insert(route, logs[index], transport)
            if isinstance(event, AttemptResult):
                results[index] = event
            else:
                events.append((index, event))
        if not events:
            return [r for r in results if r is not None]
        inv = self.runner.invoke_batch(c.function, [clone(e) for _, e in events], c.destination.settings,
                                       transport)
        returned = inv.returned if isinstance(inv.returned, list) else []
        for position, (index, event) in enumerate(events):
            log = logs[index]
            log.absorb(inv)
            if inv.error is not None:
                log.stages.append(StageRecord("destination_function", _decision(inv.error),
                                              self.redactor.text(f"{inv.error.reason} ({label})")))
                results[index] = log.finish("retry" if inv.error.retry else oc.DISCARDED, "destination_function",
                                            event, error=inv.error)
                continue
            status, message = _batch_status(returned[position] if position < len(returned) else None)
            if status is None or 200 <= status < 300:
                shown = f"{c.file} returned ({label}" + (f", status {status} for this event)"
                                                                       if status else ")")
                log.stages.append(StageRecord("destination_function", "pass", shown))
                results[index] = log.finish(oc.DELIVERED, "destination_function", event, reason=shown)
                continue
            reason = f"on_batch reported status {status} for this event" + (f": {message}" if message else "")
            error: DeliveryError = RetryRequested(reason) if status >= 500 or status == 429 else BadRequest(reason)
            log.stages.append(StageRecord("destination_function", _decision(error),
                                          self.redactor.text(f"{reason} ({label})")))
            results[index] = log.finish("retry" if error.retry else oc.DISCARDED, "destination_function", event,
                                        error=error)
        return [r for r in results if r is not None]

    def deliver(self, route: Route) -> Outcome:
        """Attempt until delivered or final, retrying on a simulated clock (no sleeping)."""
        if route.stop is not None:
            return route.stop
        at = parse_date(route.message["receivedAt"]) or utcnow()
        first = self.attempt(route, 1, at)
        return self._settle(route, first, at, lambda number, when: self.attempt(route, number, when))

    def deliver_batch(self, routes: Sequence[Route], at: datetime) -> list[Outcome]:
        """Deliver ``routes`` (one destination, none stopped) as one ``on_batch`` call at ``at``, then
        retry each event that needs it on its own schedule, alone in an ``on_batch`` call, as
        ``segfn serve`` does: its retries fall due at times drawn per message, so they seldom meet
        (docs/semantics.md, "Batching"). One outcome per route, in order."""
        results = self.attempt_batch(routes, [1] * len(routes), at)
        return [self._settle(route, result, at, lambda number, when, route=route:
                             self.attempt_batch([route], [number], when)[0])
                for route, result in zip(routes, results)]

    def _settle(self, route: Route, result: AttemptResult, at: datetime,
                attempt: Callable[[int, datetime], AttemptResult]) -> Outcome:
        """Retry after ``result`` (the first attempt, made at ``at``) until final or out of time."""
        delays: Iterator[float] | None = None  # drawn only when a retry comes
        attempts: list[Attempt] = [result.attempt]
        while result.kind == "retry":
            if delays is None:
                delays = self.retry.delays(random.Random(
                    f"{self.seed}:retry:{route.message['messageId']}:{route.connection.name}"))
            wait = next(delays, None)
            if wait is None:
                exhausted = RetriesExhausted(f"gave up after {len(attempts)} attempts over "
                                             f"{_hours(self.retry.window)}; last: {result.attempt.reason}")
                return self.outcome(route, attempts, replace(result, kind=oc.DISCARDED, error=exhausted))
            at += timedelta(seconds=wait)
            result = attempt(len(attempts) + 1, at)
            attempts.append(result.attempt)
        return self.outcome(route, attempts, result)

    def outcome(self, route: Route, attempts: list[Attempt], last: AttemptResult) -> Outcome:
        """The record for a route whose chain ended with ``last``."""
        kind = oc.RETRYING if last.kind == "retry" else last.kind
        if not self.records:
            return Outcome(message_id=route.message.get("messageId"), destination=route.connection.name,
                           outcome=kind, stage=last.stage, category=last.error.category if last.error else None,
                           fixture=route.fixture, message_type=route.message.get("type"))
        # a function's words may carry a secret; segfn's own (a file name, "returned") are left as they are
        reason = self.redactor.text(last.error.reason) if last.error else (last.attempt.reason or "")
        if kind == oc.DELIVERED and last.attempt.reason:  # on_batch: the batch, and this event's own status
            reason = last.attempt.reason
        elif kind == oc.DELIVERED:
            status = next((x.status for x in reversed(attempts[-1].requests)), None)
            reason = f"{route.connection.file} returned" + (f" (last HTTP status {status})" if status else "")
        return Outcome(message_id=route.message.get("messageId"), destination=route.connection.name, outcome=kind,
                       stage=last.stage, reason=reason,
                       category=last.error.category if last.error else None,
                       event=last.event if kind == oc.DELIVERED or last.stage == "destination_function" else None,
                       attempts=tuple(attempts), stages=route.stages + last.stages, fixture=route.fixture,
                       message_type=route.message.get("type"))

    def process(self, message: dict[str, Any], source: Source, fixture: str | None = None) -> list[Outcome]:
        """Route and deliver one accepted message: one outcome per connected destination."""
        return [self.deliver(r) for r in self.route(message, source, fixture)]

    def close(self) -> None:
        self.runner.close()


class _AttemptLog:
    """What one attempt gathers (requests, logs, time, stage records) until it ends in a result."""

    def __init__(self, pipeline: Pipeline, number: int, at: datetime) -> None:
        self.pipeline, self.number, self.at = pipeline, number, at
        self.requests: list[Exchange] = []
        self.logs: list[str] = []
        self.duration = 0.0
        self.stages: list[StageRecord] = []

    def absorb(self, invocation: Invocation) -> None:
        if not self.pipeline.records:
            return
        requests, logs = self.pipeline.redacted(invocation)  # masked as they come: the same as at the end
        self.requests.extend(requests)
        self.logs.extend(logs)
        self.duration += invocation.duration_ms

    def finish(self, kind: str, stage: str, delivered_event: Any = None, error: DeliveryError | None = None,
               reason: str | None = None) -> AttemptResult:
        if not self.pipeline.records:
            return AttemptResult(Attempt(self.number, "", kind, error.category if error else None), kind, stage,
                                 error=error)
        redactor = self.pipeline.redactor
        reason = redactor.text(reason if reason is not None else (error.reason if error else ""))
        attempt = Attempt(number=self.number, at=format_date(self.at), result=kind,
                          category=error.category if error else None, reason=reason or None,
                          duration_ms=self.duration, requests=tuple(self.requests), logs=tuple(self.logs))
        return AttemptResult(attempt, kind, stage, redactor.value(delivered_event), error, tuple(self.stages))


class _SeededRandom:
    """The draws of ``random.Random(seed)``, seeded only at the first draw: filters seldom sample,
    and seeding from a string hashes it."""

    __slots__ = ("seed", "_rng")

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self._rng: random.Random | None = None

    def random(self) -> float:
        if self._rng is None:
            self._rng = random.Random(self.seed)
        return self._rng.random()


def _duplicate_reason(message_id: str, first: str, source: str) -> str:
    """Why a message was deduplicated: Segment's dedupe spans the workspace (guides/duplicate-data.md)."""
    where = "this source" if first == source else f"source {first!r}"
    return f"messageId {message_id!r} was already received within 24 hours (first on {where})"


def _batch_status(entry: Any) -> tuple[int | None, str | None]:
    """An ``on_batch`` result item: its numeric ``status`` (None when it has none) and message."""
    if not isinstance(entry, dict):
        return None, None
    status = entry.get("status")
    if isinstance(status, bool) or not isinstance(status, (int, float)) or status != int(status):
        return None, None
    message = entry.get("errormessage", entry.get("errorMessage"))
    return int(status), message if isinstance(message, str) else None


def _decision(error: DeliveryError) -> str:
    return "retry" if error.retry else "discarded"


def _hours(window: timedelta) -> str:
    hours = window.total_seconds() / 3600
    return f"{hours:g} hours" if hours >= 1 else f"{window.total_seconds():g} seconds"
