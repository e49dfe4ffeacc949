"""A local Segment, without HTTP: the workspace, its pipeline, the store, the delivery worker and the
mock Sprig, behind the few operations ``segfn serve`` offers (ingest, reset, reload, replay, faults).

The Flask layer (``emulator/server/``) only turns HTTP into calls on ``LocalSegment``.
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Mapping

from . import jsonio
from .batching import BatchPolicy
from .errors import BadRequestBody, ConfigError, IngestError, Unauthorized
from .faults import HostFaults
from .fixtures import FixtureProblem, read_calls
from .messages import AS_AUTO, AS_CLIENT, format_date
from .outbound import Outbound
from .pipeline import Pipeline, RetryPolicy
from .runner import DEFAULT_TIMEOUT, Runner
from .sprig import Faults, MockSprig
from .store import Store
from .worker import DEFAULT_BATCH_SIZE, DEFAULT_BATCH_WAIT, DeliveryWorker
from .workspace import Workspace, load_workspace


def masked_key(key: str | None) -> str:
    """A write key as an answer may echo it: at most its first three characters (a third of it for
    short ones), then ``***``, and its length; enough to tell a typo from the wrong key, never the key."""
    if not key:
        return "(none)"
    shown = key[:min(3, len(key) // 3)]
    return f"{shown + '***'!r} ({len(key)} characters)"


@dataclass(frozen=True)
class ServeOptions:
    """Everything ``segfn serve`` can be told."""

    workspace: Path = Path("workspace.toml")
    db: Path = Path(".segfn/serve.sqlite")
    retry_window: timedelta = timedelta(hours=4)
    batch_size: int = DEFAULT_BATCH_SIZE
    batch_wait: float = DEFAULT_BATCH_WAIT
    workers: int = 4
    seed: int = 0
    timeout: float = DEFAULT_TIMEOUT
    faults: HostFaults | None = None  # --faults: injected failures per host
    max_backlog: int | None = None  # past this many waiting deliveries the Tracking API answers 429
    allow_hosts: tuple[str, ...] = ()  # --allow-host: Host names the debugger and control API also answer
    env: Mapping[str, str] | None = field(default=None, compare=False)


@dataclass
class IngestReply:
    """What the Tracking API answers for one call that it took (HTTP 200)."""

    accepted: list[int]
    rejected: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"success": True}
        if self.rejected:
            out["rejected"] = self.rejected
        return out


class LocalSegment:
    """One running local Segment. Thread-safe: the web server calls it from many threads."""

    def __init__(self, options: ServeOptions, *, sprig: Any = None, real: Any = None) -> None:
        self.options = options
        self.sprig = sprig if sprig is not None else MockSprig()
        self.outbound = Outbound(self.sprig.transport, real, faults=options.faults)
        self.runner = Runner(timeout=options.timeout)
        self._reload_lock = threading.Lock()
        self.store = Store(options.db)
        try:
            self.pipeline = self._build()
        except BaseException:
            self.store.close()
            raise
        self.worker = DeliveryWorker(self, threads=options.workers)
        self._backlog = (0, 0.0)  # (count, when it was read): read at most every BACKLOG_EVERY seconds
        self._backlog_lock = threading.Lock()

    def _build(self) -> Pipeline:
        workspace = load_workspace(self.options.workspace, self.options.env)
        if not workspace.sources:
            raise ConfigError(f"{self.options.workspace}: sources: the server needs at least one source")
        # the pipeline's own view of the network rules: attempts it runs keep them across a reload
        transport = self.outbound.bound(workspace.stubs, workspace.allow_network)
        pipeline = Pipeline(workspace, transport=transport, runner=self.runner,
                            retry=RetryPolicy(window=self.options.retry_window), seed=self.options.seed,
                            deduper=self.store,
                            batch_default=BatchPolicy(self.options.batch_size, self.options.batch_wait))
        return pipeline

    @property
    def workspace(self) -> Workspace:
        return self.pipeline.workspace

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        self.worker.start()

    def listening(self, port: int) -> None:
        """The web server is up on ``port``: a ``baseUrl`` of ``http://127.0.0.1:<port>/sprig`` now
        means the mock."""
        self.outbound.port = port

    def close(self) -> None:
        self.worker.stop()
        self.runner.close()
        self.store.close()

    def reload(self) -> Workspace:
        """Load workspace.toml and the functions again; raises ``ConfigError`` and keeps the old ones
        when the new ones are bad."""
        with self._reload_lock:
            self.pipeline = self._build()
        self.worker.wake()
        return self.pipeline.workspace

    def reset(self) -> None:
        """Forget every message, delivery, attempt and dedupe record, and reset the mock Sprig."""
        self.store.reset()
        self.sprig.reset()

    # --- the Tracking API -------------------------------------------------------------------

    BACKLOG_EVERY = 0.2

    def backlog_full(self) -> int | None:
        """With ``max_backlog`` set and that many deliveries waiting: the seconds a client should wait
        before sending again (``Retry-After``), else None. Segment queues instead; this is for users
        who want back-pressure. The count is read at most every ``BACKLOG_EVERY`` seconds."""
        limit = self.options.max_backlog
        if limit is None:
            return None
        now = time.monotonic()
        with self._backlog_lock:
            count, read = self._backlog
            if now - read >= self.BACKLOG_EVERY:
                count = self.store.backlog()[0]
                self._backlog = (count, now)
        if count < limit:
            return None
        return max(1, math.ceil((count - limit + 1) / max(1, limit)))  # about the time to deliver the excess

    def ingest(self, endpoint: str, payload: Any, *, write_key: str | None, raw_size: int | None = None,
               fixture: str | None = None, as_: str = AS_CLIENT, unreadable: bool = False) -> IngestReply:
        """Accept one call and commit it. Raises ``Unauthorized`` (401) or ``BadRequestBody`` (400).
        ``as_``: what a fixture replayed through the server says it is (live calls are client calls);
        ``unreadable``: the body holds numbers ``decode_body`` marked (``TrackingApi.accept``)."""
        pipeline = self.pipeline
        if not isinstance(payload, dict):
            raise BadRequestBody("the body must be a JSON object")
        if write_key is None:
            body_key = payload.get("writeKey")
            if body_key is not None and not isinstance(body_key, str):
                raise BadRequestBody("writeKey must be a string", "$.writeKey")
            if not body_key:
                raise Unauthorized("no write key: send it as the Basic auth username or as writeKey in the body",
                                   "")
        result = pipeline.tracking_api.accept(endpoint, payload, write_key=write_key, raw_size=raw_size, as_=as_,
                                              unreadable=unreadable)
        source = pipeline.workspace.source_by_write_key(result.write_key)
        if source is None:
            raise Unauthorized(f"no source has the write key {masked_key(result.write_key)}", "")
        received = format_date(pipeline.tracking_api.clock())
        rejected = [{"message": r.raw, "code": r.error.code, "path": r.error.path, "reason": r.error.message,
                     "endpoint": endpoint, "received_at": received} for r in result.rejected]
        seqs = self.store.add_call(source.name, [a.message for a in result.accepted], rejected, fixture=fixture)
        if seqs:
            self.worker.wake()
        return IngestReply(seqs, [{"path": r["path"], "code": r["code"], "message": r["reason"]} for r in rejected])

    def replay(self, path: Path) -> dict[str, Any]:
        """Send a fixture file's calls through the Tracking API, as a library would. A call without
        a ``writeKey`` arrives on the first source, as in ``segfn replay``. A path that cannot name
        a file (a NUL byte, a name too long) or leaves the project is a ``BadRequestBody``; no
        answer names the project's absolute folder."""
        shown = str(path)[:80] + ("..." if len(str(path)) > 80 else "")
        if "\0" in str(path):
            raise BadRequestBody(f"{shown!r}: a fixture path cannot hold a NUL byte", "$.fixture")
        root = self.workspace.root.resolve()
        try:
            target = (root / path).resolve() if not path.is_absolute() else path.resolve()
            label = str(target.relative_to(root))
        except ValueError:
            raise BadRequestBody(f"{shown}: fixtures must be inside the project folder", "$.fixture") from None
        except OSError as exc:
            raise BadRequestBody(f"{shown}: not a usable path ({exc.strerror})", "$.fixture") from None
        except RuntimeError:  # Python 3.11's resolve() on a loop of symbolic links (3.13 raises OSError)
            raise BadRequestBody(f"{shown}: not a usable path (a loop of symbolic links)", "$.fixture") from None
        try:
            found = target.is_file()
        except OSError as exc:  # a name too long for the file system, say
            raise BadRequestBody(f"{shown}: not a usable path ({exc.strerror})", "$.fixture") from None
        if not found:
            raise BadRequestBody(f"{label[:80]}: no such fixture file", "$.fixture")
        default_key = self.workspace.sources[0].write_key
        report: dict[str, Any] = {"fixture": label, "calls": 0, "accepted": 0, "rejected": [], "problems": [],
                                  "seqs": []}
        for call in read_calls(target, label):
            if isinstance(call, FixtureProblem):
                report["problems"].append(str(call))
                continue
            report["calls"] += 1
            payload = jsonio.well_formed(call.payload)  # lone surrogates as the Tracking API reads them
            key = payload.get("writeKey") if isinstance(payload.get("writeKey"), str) else None
            try:
                reply = self.ingest(call.endpoint, payload, write_key=key or default_key, fixture=label,
                                    as_=call.as_ or AS_AUTO)
            except IngestError as error:
                report["rejected"].append({"call": call.index, "status": error.status, "message": str(error)})
                continue
            report["accepted"] += len(reply.accepted)
            report["seqs"].extend(reply.accepted)
            report["rejected"].extend({"call": call.index, **r} for r in reply.rejected)
        return report

    # --- the mock Sprig ---------------------------------------------------------------------

    def set_faults(self, config: Any) -> dict[str, Any]:
        """Replace the mock Sprig's injected faults; ``{}`` clears them. Raises FaultConfigError."""
        self.sprig.faults = Faults.from_config(config)
        return self.faults()

    def faults(self) -> dict[str, Any]:
        return self.sprig.faults.to_config()

    # --- what the debugger shows ------------------------------------------------------------

    def redact(self, value: Any) -> Any:
        """A last safety net before the server shows ``value``: every long sensitive setting's value
        (``Redactor.safety``). What functions produced was masked before it was stored; events and
        segfn's own words are shown as they are (a short key never rewrites ``tester-1``)."""
        return self.pipeline.redactor.safety(value)

    def settings_view(self) -> list[dict[str, Any]]:
        """Each destination's settings as the debugger may show them: sensitive values masked."""
        out = []
        for c in self.pipeline.connections:
            def masked(values: Mapping[str, Any], module: Any) -> dict[str, Any]:
                secret = module.sensitive_settings if module else frozenset()
                return {k: ("***" if k in secret else self.redact(v)) for k, v in values.items()}

            out.append({"destination": c.name, "function": c.function.path.name, "function_name": c.function.name,
                        "insert_function": c.insert.path.name if c.insert else None,
                        "batching": c.batch is not None,
                        "handlers": sorted(c.function.handlers),
                        "settings": masked(c.destination.settings, c.function),
                        "insert_settings": masked(c.destination.insert_settings, c.insert),
                        "filters": len(c.destination.filters)})
        return out
