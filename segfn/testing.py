"""Test a project's functions from Python: the core of segfn's pytest plugin (no pytest in here).

``segfn.pytest_plugin`` turns these into fixtures; they work as plain objects too::

    project = Project.find(Path.cwd())                      # the nearest workspace.toml, loaded
    stubs, sprig = Stubs(), SprigMock()
    call = FunctionCaller(project, stubs, sprig)("functions/example_destination.py",
                                                  {"type": "track", "userId": "u1", "event": "Signed Up"})
    call.category, call.requests[0].url, call.logs
    report = ReplayRunner(project, stubs, sprig)()          # every fixture, held against its golden
    assert report.ok, report.explain()

Everything runs as ``segfn replay`` runs it: offline, each ``fetch`` answered by the stubs added in the
test first, then the workspace's stubs, then the mock Sprig API for Sprig's hosts; anything else fails
with a FetchError naming the stub to add. Sensitive settings are masked (``***``) in what comes back,
as in replay's reports and goldens.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from segfn.emulator import jsonio
from segfn.emulator import outcomes as oc
from segfn.emulator.errors import ConfigError
from segfn.emulator.messages import MESSAGE_TYPES
from segfn.emulator.outcomes import Exchange, Outcome
from segfn.emulator.pipeline import Redactor
from segfn.emulator.replay import DIFFER, MATCH, MISSING, FixtureResult, Replay, replay_pipeline, sprig_hosts
from segfn.emulator.runner import FunctionModule, Runner, load_function
from segfn.emulator.sprig import HOSTS, Faults, MockSprig
from segfn.emulator.stubs import Stub, StubSet, parse_stubs
from segfn.emulator.transport import Router
from segfn.emulator.workspace import Workspace, load_workspace
from segfn.runtime import Request, Response, Transport

WORKSPACE_FILE = "workspace.toml"


class SegfnTestError(Exception):
    """A test asked for something that cannot be: no workspace.toml, a bad one, a function module that
    does not load, a stub that is not valid. The message says what and where."""


def find_workspace(start: Path) -> Path | None:
    """The ``workspace.toml`` in ``start`` or the nearest folder above it, or None."""
    start = start.resolve()
    for folder in (start, *start.parents):
        candidate = folder / WORKSPACE_FILE
        if candidate.is_file():
            return candidate
    return None


@dataclass
class Project:
    """A project folder (``root``) and its workspace, loaded (None when the folder has no
    ``workspace.toml``: functions can still be called, with no workspace stubs and no settings)."""

    root: Path
    workspace: Workspace | None = None

    @classmethod
    def load(cls, path: Path, env: Mapping[str, str] | None = None) -> "Project":
        """Load ``path`` (a workspace.toml). Raises SegfnTestError listing every problem."""
        try:
            workspace = load_workspace(path, env=os.environ if env is None else env)
        except ConfigError as error:
            raise SegfnTestError("\n".join(error.problems)) from None
        return cls(workspace.root.resolve(), workspace)

    @classmethod
    def find(cls, start: Path) -> "Project":
        """The project of the nearest ``workspace.toml`` at or above ``start``; without one, ``start``
        itself with no workspace."""
        path = find_workspace(start)
        return cls.load(path) if path is not None else cls(start.resolve())

    def path(self, module: str | os.PathLike[str]) -> Path:
        """A function module's file: a path (relative to the project's root) or a module name
        (``sprig`` for ``functions/sprig.py``)."""
        if not isinstance(module, (str, os.PathLike)):
            raise SegfnTestError(f"module must be a path such as 'functions/my_function.py' or a module name "
                                 f"such as 'my_function' (found {type(module).__name__} {module!r})")
        text = os.fspath(module)
        candidate = Path(text)
        if candidate.suffix != ".py" and "/" not in text and os.sep not in text \
                and not (self.root / candidate).exists():
            candidate = Path("functions") / f"{text}.py"
        return (self.root / candidate).resolve()

    def settings_for(self, path: Path) -> dict[str, Any]:
        """The settings the workspace gives ``path``: those of the first destination that runs it as its
        function (``settings``) or as its insert function (``insert_settings``); else none."""
        if self.workspace is not None:
            for destination in self.workspace.destinations:
                if destination.function == path:
                    return dict(destination.settings)
                if destination.insert_function == path:
                    return dict(destination.insert_settings)
        return {}

    def module(self, path: Path) -> FunctionModule:
        loaded = self.workspace.functions.get(path) if self.workspace is not None else None
        if loaded is not None:
            return loaded
        if path.is_dir():
            raise SegfnTestError(f"{path}: is a folder; name a function module in it, such as {path}/my_function.py")
        if not path.is_file():
            raise SegfnTestError(f"{path}: no such function module")
        try:
            return load_function(path)
        except ConfigError as error:
            raise SegfnTestError("\n".join(error.problems)) from None


def _check_event(event: Any) -> None:
    """What segfn_function can call a handler with: a message (a dict whose ``type`` is a message type)
    or, for ``on_batch``, a list of them; all of it JSON (no NaN, sets or objects). Raises
    SegfnTestError with the JSON path of what is wrong, rather than running a handler on it."""
    items = event if isinstance(event, list) else [event]
    for index, item in enumerate(items):
        where = f"event[{index}]" if isinstance(event, list) else "event"
        if not isinstance(item, dict):
            raise SegfnTestError(f"{where} must be a message, a dict such as {{'type': 'track', 'event': ...}} "
                                 f"(found {type(item).__name__})")
        if item.get("type") not in MESSAGE_TYPES:
            raise SegfnTestError(f"{where}['type'] must be one of {', '.join(MESSAGE_TYPES)}: it chooses the "
                                 f"handler (found {item.get('type')!r})")
    found = _not_json(event, "event")
    if found:
        raise SegfnTestError(f"{found}: not JSON, as every Segment message is")


def _not_json(value: Any, where: str) -> str | None:
    """``where`` extended to the first value JSON cannot hold (NaN, infinity, a set, a non-string key),
    with what it is; None when all of ``value`` is JSON."""
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else f"{where} is {value!r}"
    if isinstance(value, (list, tuple)):
        return next((f for i, v in enumerate(value) if (f := _not_json(v, f"{where}[{i}]"))), None)
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return f"{where} has the key {key!r}, which is not a string"
            if found := _not_json(item, f"{where}[{key!r}]"):
                return found
        return None
    return f"{where} is a {type(value).__name__}"


class Stubs:
    """HTTP stubs a test adds; tried before the workspace's own (``[[stubs]]`` and fixtures/http/).

    ``add`` takes the keys of a ``[[stubs]]`` table (see ``segfn.emulator.stubs``): ``url`` (a pattern,
    ``{name}``, ``*`` and ``**`` wildcards), ``method``, ``status``, ``json`` or ``body``, ``headers``,
    ``delay``, ``error`` (a network failure such as ``"ECONNRESET"``), or ``sequence`` (a list of answers,
    the n-th request getting the n-th, the last repeating). A sequence counts the requests of the whole
    test under segfn_function, and those of each delivery (all its attempts) under segfn_replay, as
    ``segfn replay`` does."""

    def __init__(self) -> None:
        self._stubs: list[Stub] = []
        self._asked: list[int] = []  # requests each stub has answered for segfn_function

    def add(self, url: str, **answer: Any) -> Stub:
        """Add one stub; raises SegfnTestError saying which key is wrong."""
        found, problems = parse_stubs([{"url": url, **answer}], "segfn_stubs.add")
        if problems:
            raise SegfnTestError("\n".join(problems))
        self._stubs.extend(found)
        self._asked.append(0)
        return found[0]

    def __len__(self) -> int:
        return len(self._stubs)

    def stub_set(self, workspace: Workspace | None) -> StubSet:
        """These stubs, then the workspace's (replay counts sequences per delivery, as segfn replay does)."""
        return StubSet([*self._stubs, *(workspace.stubs.stubs if workspace is not None else ())])

    def transport(self, fallback: Transport) -> Transport:
        """``fetch`` for segfn_function: these stubs, their sequences counted over the whole test, then
        ``fallback``."""
        async def send(request: Request) -> Response:
            for index, stub in enumerate(self._stubs):
                if stub.matches(request.method, request.url):
                    n = self._asked[index]
                    self._asked[index] += 1
                    return await stub.answer(n).respond(request)
            return await fallback(request)
        return send


class SprigMock(MockSprig):
    """The mock Sprig API that answers Sprig's hosts in a test, with its state easy to read."""

    @property
    def users(self) -> dict[str, dict]:
        """User id -> the user as ``GET /v2/users/{id}`` shows it (attributes, events, ``!email``)."""
        with self._lock:
            ids = list(self.state.users)
        return {user_id: user for user_id in ids if (user := self.user(user_id)) is not None}

    @property
    def events(self) -> dict[str, dict[str, int]]:
        """User id -> event name -> how many times Sprig counted it."""
        return {user_id: {e["event"]: e["count"] for e in user["events"]} for user_id, user in self.users.items()}

    def fail(self, status: int = 500, rate: float = 1.0, *, drop_rate: float = 0.0, seed: int = 0) -> None:
        """From now on answer a ``rate`` share of requests with ``status`` (and drop a ``drop_rate`` share
        of connections: ``fetch`` raises FetchError). ``fail(rate=0)`` heals it."""
        self.faults = Faults(error_rate=rate, status=status, drop_rate=drop_rate, seed=seed)

    @property
    def purges(self) -> list[dict]:
        """Purge requests in order: ``{"userIds", "emails", "visitorIds"}``."""
        with self._lock:
            return [{"userIds": list(p.user_ids), "emails": list(p.emails), "visitorIds": list(p.visitor_ids)}
                    for p in self.state.purges]


def router(project: Project, stubs: StubSet, sprig: MockSprig) -> Router:
    """Replay's transport: ``stubs``, then the mock Sprig for Sprig's hosts; no network."""
    hosts = sprig_hosts(project.workspace) if project.workspace is not None else set(HOSTS)
    return Router(stubs, mocks={host: sprig.transport for host in hosts},
                  offline="tests reach no network (add a stub with segfn_stubs.add)")


# --- one handler ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FunctionCall:
    """What one handler did.

    ``outcome`` is Segment's word for it: ``delivered`` (returned), ``filtered`` (an insert function
    raised DropEvent), ``discarded`` (``category`` says why: Message Rejected, Unsupported Event Type,
    Bad Request, Invalid Settings) or ``retry`` (``category`` Retry or Timeout)."""

    returned: Any  # what the handler returned: an insert function's event, a destination's answer
    category: str | None  # Segment's Event Delivery category of the error, None when it returned
    reason: str | None  # the error's message (or DropEvent's), None when it returned
    dropped: bool  # an insert function raised DropEvent
    requests: tuple[Exchange, ...]  # every fetch, in order: method, url, headers, body (parsed JSON), status, response
    logs: tuple[str, ...]  # every print
    exception: BaseException | None = field(default=None, repr=False, compare=False)  # what it raised, as raised

    @property
    def outcome(self) -> str:
        if self.dropped:
            return oc.FILTERED
        if self.category is None:
            return oc.DELIVERED
        return "retry" if self.category in ("Retry", "Timeout") else oc.DISCARDED

    @property
    def event(self) -> Any:
        """An insert function's event as it goes on to the destination (None when dropped or failed)."""
        return self.returned if self.outcome == oc.DELIVERED else None


class FunctionCaller:
    """Calls one handler of a function module: ``caller(module, event, settings=None, timeout=5.0)``.

    ``module`` is a path relative to the project (``functions/sprig.py``) or a module name (``sprig``).
    The handler is the one for ``event["type"]`` (``on_batch`` when ``event`` is a list). ``settings``
    default to the workspace's for that module. The event is passed as given (a copy): no messageId or
    timestamps are added. An event that is no message (not a dict, a ``type`` that is not a message
    type, a value JSON cannot hold such as NaN or a set) raises SegfnTestError naming where, as do
    settings that are not a dict: no handler runs on what Segment would never send."""

    def __init__(self, project: Project, stubs: Stubs, sprig: MockSprig) -> None:
        self.project = project
        self.stubs = stubs
        self.sprig = sprig
        self.runners: dict[float, Runner] = {}  # by timeout
        workspace_stubs = project.workspace.stubs if project.workspace is not None else StubSet()
        self.transport = stubs.transport(router(project, workspace_stubs, sprig))  # counts over the test

    def __call__(self, module: str | os.PathLike[str], event: Any, settings: Mapping[str, Any] | None = None, *,
                 timeout: float = 5.0) -> FunctionCall:
        path = self.project.path(module)
        fn = self.project.module(path)
        _check_event(event)
        if settings is not None and not isinstance(settings, Mapping):
            raise SegfnTestError(f"settings must be a dict of setting name -> value (found {type(settings).__name__})")
        values = self.project.settings_for(path) if settings is None else dict(settings)
        runner = self.runners.get(timeout) or self.runners.setdefault(timeout, Runner(timeout=timeout))
        transport = self.transport
        payload = jsonio.clone(event)
        if isinstance(payload, list):
            invocation = runner.invoke_batch(fn, payload, values, transport)
        else:
            invocation = runner.invoke(fn, payload, values, transport)
        redactor = Redactor({str(values.get(s.name, "")) for s in fn.settings if s.sensitive})
        reason = None
        if invocation.error is not None:
            reason = redactor.text(str(invocation.error))
        elif invocation.dropped:
            reason = redactor.text(str(invocation.exception) or "DropEvent")
        return FunctionCall(returned=redactor.value(invocation.returned),
                            category=invocation.error.category if invocation.error is not None else None,
                            reason=reason, dropped=invocation.dropped,
                            requests=tuple(redactor.exchange(r) for r in invocation.requests),
                            logs=tuple(redactor.text(line) for line in invocation.logs),
                            exception=invocation.exception)

    def close(self) -> None:
        for runner in self.runners.values():
            runner.close()
        self.runners.clear()


# --- replay -----------------------------------------------------------------------------------


@dataclass
class ReplayReport:
    """Every fixture replayed: its outcomes and whether it matches its golden."""

    fixtures: list[FixtureResult]

    @property
    def outcomes(self) -> list[Outcome]:
        """Every outcome of every ``.json`` fixture, in order (archives keep counts only)."""
        return [o for f in self.fixtures for o in f.outcomes]

    @property
    def ok(self) -> bool:
        """Every fixture read whole and matching its golden."""
        return all(f.golden == MATCH and not f.problems for f in self.fixtures)

    def outcome(self, message_id: str, destination: str | None = None) -> Outcome:
        """The one outcome of ``message_id`` (at ``destination``); KeyError names what there is."""
        found = [o for o in self.outcomes if o.message_id == message_id
                 and (destination is None or o.destination == destination)]
        if len(found) != 1:
            there = sorted({f"{o.message_id} at {o.destination}" for o in self.outcomes if o.message_id == message_id})
            raise KeyError(f"{len(found)} outcomes of {message_id!r}"
                           + (f" at {destination!r}" if destination else "")
                           + (f"; there are: {', '.join(there)}" if there else "; no message has that id"))
        return found[0]

    def explain(self) -> str:
        """Why it is not ok: each fixture that differs (with its diff), lacks a golden, or could not be read."""
        lines = []
        for f in self.fixtures:
            if f.golden == DIFFER:
                lines += [f"{f.fixture}: golden differs", f.diff]
            elif f.golden == MISSING:
                lines.append(f"{f.fixture}: no golden (run segfn replay --update)")
            lines += [f"{f.fixture}: {p}" for p in f.problems]
        return "\n".join(lines)


class ReplayRunner:
    """Replays fixtures as ``segfn replay`` does: ``runner(*paths)`` (default: the project's
    ``fixtures/``; paths relative to the project's root) returns a ReplayReport."""

    def __init__(self, project: Project, stubs: Stubs, sprig: MockSprig) -> None:
        if project.workspace is None:
            raise SegfnTestError(f"no {WORKSPACE_FILE} in {project.root} or above it: segfn_replay replays "
                                 f"through a workspace")
        self.project = project
        self.stubs = stubs
        self.sprig = sprig

    def __call__(self, *paths: str | os.PathLike[str], seed: int = 0) -> ReplayReport:
        root = self.project.root
        wrong = [p for p in paths if not isinstance(p, (str, os.PathLike))]
        if wrong:
            raise SegfnTestError(f"paths are fixture files or folders, such as 'fixtures/messages/a.json' "
                                 f"(found {type(wrong[0]).__name__} {wrong[0]!r})")
        chosen = [root / p for p in paths] or [root / "fixtures"]
        missing = [str(p) for p in chosen if not p.exists()]
        if missing:
            raise SegfnTestError(f"no such fixture file or folder: {', '.join(missing)}")
        workspace = replace(self.project.workspace, stubs=self.stubs.stub_set(self.project.workspace))
        replay = Replay(replay_pipeline(workspace, seed=seed, sprig=self.sprig), root, sprig=self.sprig)
        try:
            return ReplayReport([replay.run(path) for path in replay.fixtures(chosen)])
        finally:
            replay.close()


__all__ = ["FunctionCall", "FunctionCaller", "Project", "ReplayReport", "ReplayRunner", "SegfnTestError",
           "SprigMock", "Stubs", "find_workspace", "router"]

