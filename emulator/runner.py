"""Run one handler of a Python function module the way Segment runs a function.

The runner loads a module from ``functions/``, checks its settings, calls the handler for the
message type (``async def`` or ``def``), records every ``fetch`` and every ``print``, enforces the
timeout, and maps what happened onto Segment's categories (see ``emulator/errors.py``):

=====================================  ============================================
the function                           outcome
=====================================  ============================================
returns                                delivered (an insert function: its event goes on)
raises DropEvent (insert function)     filtered at insert function
raises EventNotSupported / no handler  discarded: Unsupported Event Type
raises InvalidEventPayload /           discarded: Message Rejected
ValidationError
raises RetryError                      retried
runs past the timeout (5 s)            retried (Timeout)
raises anything else                   discarded: Bad Request
a required setting is missing          discarded: Invalid Settings
=====================================  ============================================

Handlers run on a dedicated event-loop thread so that a handler stuck in a loop can be abandoned
at its timeout instead of hanging replay or the server.
"""

from __future__ import annotations

import asyncio
import builtins
import contextvars
import hashlib
import importlib.util
import inspect
import json
import os
import sys
import threading
import time
import traceback
from concurrent.futures import Future, TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from segfn import runtime
from segfn.runtime import (DropEvent, EventNotSupported, FetchError, InvalidEventPayload, RetryError,
                               Setting, ValidationError)

from .errors import (BadRequest, ConfigError, DeliveryError, InvalidSettings, MessageRejected, RetryRequested,
                     TimedOut, UnsupportedEventType)
from .outcomes import Exchange

HANDLERS = {
    "identify": "on_identify",
    "track": "on_track",
    "page": "on_page",
    "screen": "on_screen",
    "group": "on_group",
    "alias": "on_alias",
    "delete": "on_delete",
    "batch": "on_batch",
}
KINDS = ("destination", "insert")
DEFAULT_TIMEOUT = 5.0

_LOGS: contextvars.ContextVar[list[str]] = contextvars.ContextVar("segfn_logs")


def _captured_print(*values: Any, sep: str | None = " ", end: str | None = "\n", file: Any = None,
                    flush: bool = False) -> None:
    """``print`` inside a function module: kept in the invocation's logs, like console.log in Segment."""
    logs = _LOGS.get(None)
    if logs is None or file is not None:
        builtins.print(*values, sep=sep, end=end, file=file, flush=flush)
        return
    text = (" " if sep is None else sep).join(str(v) for v in values)
    logs.append(text)


@dataclass(frozen=True)
class FunctionModule:
    """A loaded function module and what it declares."""

    path: Path
    name: str
    kind: str
    settings: tuple[Setting, ...]
    handlers: Mapping[str, Callable[..., Any]]
    module: Any
    digest: str  # sha256 of the source, so callers can tell when it changed

    def display_name(self, workspace_name: str) -> str:
        """How Segment names a destination function in the integrations object."""
        return f"{self.name} ({workspace_name})"

    @property
    def sensitive_settings(self) -> frozenset[str]:
        return frozenset(s.name for s in self.settings if s.sensitive)


def use_segment_time_zone() -> None:
    """Make this process's local time zone UTC, as it is where Segment runs functions (AWS Lambda).

    A naive ``datetime`` (``fromtimestamp(ts)``, ``.timestamp()`` of a naive value, ``now()``,
    ``astimezone()``) means local time; Segment's runtime is UTC, and so is every compiled bundle,
    so replay, serve and check give the same answers whatever the machine's ``TZ`` is. Called before
    a function module is loaded; it changes the whole process (``time.tzset``).
    """
    if os.environ.get("TZ") != "UTC" or time.localtime(0).tm_gmtoff != 0:
        os.environ["TZ"] = "UTC"
        time.tzset()


def load_function(path: str | Path) -> FunctionModule:
    """Import a function module from its file and check what it declares.

    Raises ``ConfigError`` with ``file:line:col`` for a syntax error, the failing line for an error
    raised while importing, and one problem per wrong declaration. Local time becomes UTC
    (:func:`use_segment_time_zone`).
    """
    use_segment_time_zone()
    path = Path(path).resolve()
    try:
        source = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the function module: {exc.strerror}") from None
    digest = hashlib.sha256(source).hexdigest()
    module_name = f"segfn_functions.{path.stem}_{digest[:12]}"
    try:
        code = compile(source, str(path), "exec")
    except SyntaxError as exc:
        raise ConfigError(_syntax_error(path, exc)) from None
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    module.print = _captured_print
    sys.modules[module_name] = module
    try:
        exec(code, module.__dict__)
    except Exception as exc:  # the module's own top-level code failed
        sys.modules.pop(module_name, None)
        raise ConfigError(_import_error(path, exc)) from None
    return FunctionModule(path=path, name=getattr(module, "NAME", ""), kind=getattr(module, "KIND", ""),
                          settings=tuple(getattr(module, "SETTINGS", ())), handlers=_handlers(path, module),
                          module=module, digest=digest)


def _handlers(path: Path, module: Any) -> dict[str, Callable[..., Any]]:
    problems = []
    kind, name, settings = getattr(module, "KIND", None), getattr(module, "NAME", None), getattr(module, "SETTINGS", [])
    if kind not in KINDS:
        problems.append(f"{path}: KIND must be \"destination\" or \"insert\" (found {kind!r})")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{path}: NAME must be the function's display name, a non-empty string (found {name!r})")
    if not isinstance(settings, (list, tuple)) or not all(isinstance(s, Setting) for s in settings):
        problems.append(f"{path}: SETTINGS must be a list of segfn.runtime.Setting")
    handlers = {}
    for kind_name, attribute in HANDLERS.items():
        handler = getattr(module, attribute, None)
        if handler is None:
            continue
        if not callable(handler):
            problems.append(f"{path}: {attribute} must be a function")
            continue
        handlers[kind_name] = handler
    if problems:
        raise ConfigError(problems)
    return handlers


def _syntax_error(path: Path, exc: SyntaxError) -> str:
    line = (exc.text or "").rstrip("\n")
    col = exc.offset or 1
    return f"{path}:{exc.lineno}:{col}: SyntaxError: {exc.msg}\n    {line}\n    {' ' * (col - 1)}^"


def _import_error(path: Path, exc: Exception) -> str:
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
    where = f"{path}:{frames[-1].lineno}" if frames else str(path)
    return f"{where}: {type(exc).__name__} while importing the function module: {exc}"


# --- settings -------------------------------------------------------------------------------


def _type_ok(setting: Setting, value: Any) -> bool:
    if setting.type == "string":
        return isinstance(value, str)
    if setting.type == "boolean":
        return isinstance(value, bool)
    if setting.type == "array":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, dict) and all(isinstance(v, str) for v in value.values())


def setting_problems(declared: Sequence[Setting], values: Mapping[str, Any]) -> dict[str, str]:
    """Setting name -> what is wrong with its value: a required setting unset, or a wrong type."""
    problems = {}
    for setting in declared:
        value = values.get(setting.name)
        if value is None or value == "":
            if setting.required:
                problems[setting.name] = f"({setting.label}) is required but not set"
            continue
        if not _type_ok(setting, value):
            problems[setting.name] = f"must be of type {setting.type}"  # never the value: it may be secret
    return problems


def check_settings(declared: Sequence[Setting], values: Mapping[str, Any]) -> list[str]:
    """Problems Segment would report as Invalid Settings: a required setting unset, a wrong type."""
    return [f"setting {name!r} {problem}" for name, problem in setting_problems(declared, values).items()]


def function_settings(declared: Sequence[Setting], values: Mapping[str, Any]) -> dict[str, Any]:
    """The settings object a handler receives: declared names only, unset ones absent."""
    names = {s.name for s in declared}
    return {k: v for k, v in values.items() if k in names and v is not None}


# --- running --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Invocation:
    """What one call of a handler did."""

    returned: Any = None
    exception: BaseException | None = None  # what the function raised, as raised
    error: DeliveryError | None = None  # its Segment category
    dropped: bool = False  # DropEvent (insert functions)
    requests: tuple[Exchange, ...] = ()
    logs: tuple[str, ...] = ()
    duration_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and not self.dropped


def _decoded(text: str | None) -> Any:
    if text is None or text == "":
        return None if text is None else ""
    try:
        return json.loads(text)
    except ValueError:
        return text


def recording(transport: runtime.Transport, exchanges: list[Exchange]) -> runtime.Transport:
    """Wrap a transport so every request and its answer (or network error) is kept."""

    async def send(request: runtime.Request) -> runtime.Response:
        headers, body = request.headers.to_dict(), _decoded(request.body)
        try:
            response = await transport(request)
        except FetchError as exc:
            exchanges.append(Exchange(request.method, request.url, headers, body, error=str(exc)))
            raise
        exchanges.append(Exchange(request.method, request.url, headers, body, response.status,
                                  _decoded(response.body)))
        return response

    return send


def classify(exc: BaseException, kind: str) -> tuple[DeliveryError | None, bool]:
    """Map what a function raised onto Segment's category, and whether it was a DropEvent."""
    message = str(exc) or type(exc).__name__
    if isinstance(exc, DropEvent) and kind == "insert":
        return None, True
    if isinstance(exc, EventNotSupported):
        error: DeliveryError = UnsupportedEventType(message)
    elif isinstance(exc, (InvalidEventPayload, ValidationError)):
        error = MessageRejected(message)
    elif isinstance(exc, RetryError):
        error = RetryRequested(message)
    else:
        error = BadRequest(f"{type(exc).__name__}: {message}")
    error.__cause__ = exc
    return error, False


class _TimedOut(Exception):
    """The runner's own marker for a handler that ran past its timeout."""


class _LoopThread:
    """An asyncio loop on a daemon thread: handlers run here so a stuck one can be abandoned."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="segfn-runner", daemon=True)
        self.thread.start()

    def submit(self, coroutine: Any) -> Future:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)


class Runner:
    """Runs handlers with Segment's timeout and error taxonomy. Thread-safe; one loop per runner."""

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        self._lock = threading.Lock()
        self._loop: _LoopThread | None = None

    def invoke(self, fn: FunctionModule, event: Any, settings: Mapping[str, Any],
               transport: runtime.Transport) -> Invocation:
        """Call the handler for ``event["type"]``."""
        kind = event.get("type") if isinstance(event, dict) else None
        return self._run(fn, kind if isinstance(kind, str) else None, event, settings, transport)

    def invoke_batch(self, fn: FunctionModule, events: list[Any], settings: Mapping[str, Any],
                     transport: runtime.Transport) -> Invocation:
        """Call ``on_batch`` with a list of events."""
        return self._run(fn, "batch", events, settings, transport)

    def close(self) -> None:
        with self._lock:
            if self._loop is not None:
                self._loop.stop()
                self._loop = None

    def _run(self, fn: FunctionModule, kind: str | None, payload: Any, settings: Mapping[str, Any],
             transport: runtime.Transport) -> Invocation:
        problems = check_settings(fn.settings, settings)
        if problems:
            return Invocation(error=InvalidSettings("; ".join(problems)))
        handler = fn.handlers.get(kind) if kind else None
        if handler is None:
            shown = kind or "unknown"
            error = UnsupportedEventType(f"{shown} not supported: {fn.path.name} has no {HANDLERS.get(kind, 'handler')}")
            return Invocation(exception=EventNotSupported(f"{shown} not supported"), error=error)
        exchanges: list[Exchange] = []
        logs: list[str] = []
        args = (payload, function_settings(fn.settings, settings))
        started = time.perf_counter()
        future = self._loop_thread().submit(self._call(handler, args, recording(transport, exchanges), logs))
        try:
            returned, raised = future.result(self.timeout + 0.5)
        except FutureTimeout:
            returned, raised = None, _TimedOut()
            future.cancel()
            self._abandon_if_stuck(future)
        duration = (time.perf_counter() - started) * 1000
        common = dict(requests=tuple(exchanges), logs=tuple(logs), duration_ms=duration)
        if isinstance(raised, _TimedOut):
            return Invocation(exception=raised, error=TimedOut(
                f"the function ran past its {self.timeout:g} s timeout"), **common)
        if raised is not None:
            error, dropped = classify(raised, fn.kind)
            return Invocation(exception=raised, error=error, dropped=dropped, **common)
        return Invocation(returned=returned, **common)

    async def _call(self, handler: Callable[..., Any], args: tuple, transport: runtime.Transport,
                    logs: list[str]) -> tuple[Any, BaseException | None]:
        transport_token = runtime.current_transport.set(transport)
        logs_token = _LOGS.set(logs)
        deadline = asyncio.timeout(self.timeout)
        try:
            result = handler(*args)
            if inspect.isawaitable(result):
                async with deadline:
                    result = await result
            return result, None
        except TimeoutError as exc:
            return None, _TimedOut() if deadline.expired() else exc
        except Exception as exc:  # the function's own failure, classified by the caller
            return None, exc
        finally:
            runtime.current_transport.reset(transport_token)
            _LOGS.reset(logs_token)

    def _loop_thread(self) -> _LoopThread:
        with self._lock:
            if self._loop is None:
                self._loop = _LoopThread()
            return self._loop

    def _abandon_if_stuck(self, future: Future) -> None:
        """A handler that never yields keeps its loop busy: give later calls a fresh loop."""
        with self._lock:
            current = self._loop
        if current is None:
            return
        probe = current.submit(asyncio.sleep(0))
        try:
            probe.result(0.1)
        except (FutureTimeout, Exception):
            probe.cancel()
            with self._lock:
                if self._loop is current:
                    self._loop = None  # its thread is a daemon; it ends when the handler does
