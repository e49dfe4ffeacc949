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

Handlers run inline on the calling thread (no hand-off per call); a handler stuck in a loop is
interrupted at its timeout, so it cannot hang replay or the server (``Runner``).
"""

from __future__ import annotations

import asyncio
import builtins
import contextlib
import contextvars
import ctypes
import hashlib
import importlib.machinery
import importlib.util
import inspect
import logging
import os
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from segfn import runtime
from segfn.runtime import (DropEvent, EventNotSupported, FetchError, InvalidEventPayload, RetryError,
                               Setting, ValidationError)

from . import jsonio
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
_IMMUTABLE = (str, int, float, bool, type(None))
INTERRUPT_GRACE = 0.05  # seconds past the deadline before a handler that never yields is interrupted

_LOGS: contextvars.ContextVar["_Capture"] = contextvars.ContextVar("segfn_logs")


class _Capture:
    """What one handler call writes, as its logs (Segment keeps a function's ``console`` output):
    ``print``, whatever reaches ``sys.stdout`` or ``sys.stderr``, and ``logging`` records. Text
    written in pieces is joined into lines, stream by stream."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.pending: dict[str, str] = {}

    def write(self, stream: str, text: str) -> None:
        text = self.pending.pop(stream, "") + text
        *whole, rest = text.split("\n")
        self.lines.extend(whole)
        if rest:
            self.pending[stream] = rest

    def close(self) -> None:
        for stream in sorted(self.pending):
            self.lines.append(self.pending[stream])
        self.pending.clear()


class _Console:
    """Stands in for ``sys.stdout`` or ``sys.stderr``: inside a handler call (this thread's or
    task's context holds a ``_Capture``), text goes to the call's logs; anywhere else to the stream
    it wraps. Everything but ``write`` is the wrapped stream's."""

    def __init__(self, name: str, wrapped: Any) -> None:
        self._name = name
        self._wrapped = wrapped

    def write(self, text: str) -> int:
        capture = _LOGS.get(None)
        if capture is None:
            return self._wrapped.write(text)
        capture.write(self._name, str(text))
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        if _LOGS.get(None) is None:
            self._wrapped.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wrapped, name)


def _capture_consoles() -> None:
    """Make ``sys.stdout`` and ``sys.stderr`` ``_Console``s (again, if something replaced them)."""
    if not isinstance(sys.stdout, _Console):
        sys.stdout = _Console("stdout", sys.stdout)
    if not isinstance(sys.stderr, _Console):
        sys.stderr = _Console("stderr", sys.stderr)


_call_handlers = logging.Logger.callHandlers


def _captured_call_handlers(self: logging.Logger, record: logging.LogRecord) -> None:
    """``logging`` inside a handler call: the record becomes a line of the call's logs, in
    logging's default format (``LEVEL:logger:message``), and reaches no handler (no terminal)."""
    capture = _LOGS.get(None)
    if capture is None:
        return _call_handlers(self, record)
    try:
        text = record.getMessage()
    except Exception as exc:  # arguments that do not fit the format: what logging would report
        text = f"{record.msg!r} (logging could not format it: {safe_text(exc)})"
    capture.lines.append(f"{record.levelname}:{record.name}:{text}")


logging.Logger.callHandlers = _captured_call_handlers  # type: ignore[method-assign]


def _captured_print(*values: Any, sep: str | None = " ", end: str | None = "\n", file: Any = None,
                    flush: bool = False) -> None:
    """``print`` inside a function module: kept in the invocation's logs, like console.log in Segment."""
    capture = _LOGS.get(None)
    if capture is None or file is not None:
        builtins.print(*values, sep=sep, end=end, file=file, flush=flush)
        return
    text = (" " if sep is None else sep).join(str(v) for v in values)
    # one line per call, as each console.log is one: the text and its end, less one final newline
    tail = "\n" if end is None else end
    capture.lines.append(text + (tail[:-1] if tail.endswith("\n") else tail))


def safe_text(exc: BaseException) -> str:
    """``str(exc)``, or what stands for it when the exception's own ``__str__`` raises."""
    try:
        return str(exc)
    except BaseException as broken:  # noqa: B036 - any failure of the function's own code
        return f"<the exception's __str__ raised {type(broken).__name__}>"


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
        raise ConfigError(_syntax_error(path, exc, source)) from None
    # The spec is named as the module sits in its folder (functions.sprig), so that the helper imports
    # docs/python-subset.md allows (from . import helpers, from functions.helpers import f) resolve
    # against the project, with or without functions/__init__.py; __name__ stays the digest-named one
    # the compiler gives the bundle (logging.getLogger(__name__) must match). An explicit loader: a
    # file whose name does not end in .py has no default one (spec None).
    package = path.parent.name if path.parent.name.isidentifier() else None
    spec_name = f"{package}.{path.stem}" if package else module_name
    if package:
        try:
            _project_package(package, path.parent)
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # its __init__.py failed
            raise ConfigError(_import_error(path.parent / "__init__.py", exc)) from None
    spec = importlib.util.spec_from_file_location(spec_name, path,
                                                  loader=importlib.machinery.SourceFileLoader(spec_name, str(path)))
    module = importlib.util.module_from_spec(spec)
    module.__name__ = module_name
    module.print = _captured_print
    sys.modules[module_name] = module
    try:
        # What the module prints while it loads is not a report line: stderr, so --format json stays JSON.
        with contextlib.redirect_stdout(sys.stderr), _import_deadline(IMPORT_TIMEOUT):
            exec(code, module.__dict__)
    except _ImportTooLong as exc:
        sys.modules.pop(module_name, None)
        raise ConfigError(f"{_import_where(path, exc)}: the module's top-level code ran {IMPORT_TIMEOUT:g} s without "
                          f"finishing (a loop that never ends?); a function module only defines its handlers") from None
    except KeyboardInterrupt as exc:  # Ctrl-C (a module that never finishes loading): say where it was
        sys.modules.pop(module_name, None)
        exc.add_note(f"while importing {_import_where(path, exc)}")
        raise
    except BaseException as exc:  # the module's own top-level code failed, sys.exit() included
        sys.modules.pop(module_name, None)
        raise ConfigError(_import_error(path, exc)) from None
    handlers = _handlers(path, module)  # checks KIND, NAME and SETTINGS first
    return FunctionModule(path=path, name=getattr(module, "NAME", ""), kind=getattr(module, "KIND", ""),
                          settings=tuple(getattr(module, "SETTINGS", ())), handlers=handlers,
                          module=module, digest=digest)


IMPORT_TIMEOUT = 10.0  # seconds a function module's top-level code may run (replay would hang otherwise)


class _ImportTooLong(BaseException):
    """Raised into a function module's top-level code that runs past ``IMPORT_TIMEOUT``."""


@contextlib.contextmanager
def _import_deadline(seconds: float) -> Any:
    """Interrupt the block after ``seconds`` with ``_ImportTooLong`` (``SIGALRM``; on the main thread
    only, where replay, check and their workers load modules). The previous ``SIGALRM`` handler and
    timer are put back."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def ring(signum: int, frame: Any) -> None:
        raise _ImportTooLong()

    previous = signal.signal(signal.SIGALRM, ring)
    left, _ = signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if left:
            signal.setitimer(signal.ITIMER_REAL, left)


def _project_package(name: str, folder: Path) -> None:
    """Make ``name`` (``functions``) the package of ``folder``, so that a function module's helper
    imports find the helpers beside it, whatever is on ``sys.path`` (the ``segfn`` command's does not
    hold the project). A package of that name from another folder (another project loaded earlier in
    this process) is replaced, with the helper modules it had imported, so helpers never come from the
    wrong project; one of this folder stays as it is."""
    import types

    folder_text = str(folder)
    current = sys.modules.get(name)
    if current is not None and folder_text in [str(Path(p)) for p in getattr(current, "__path__", [])]:
        return
    for stale in [m for m in sys.modules if m.startswith(f"{name}.")]:
        if Path(getattr(sys.modules[stale], "__file__", None) or "/").parent != folder:
            del sys.modules[stale]
    init = folder / "__init__.py"
    if init.is_file():  # a regular package: its __init__ runs, as an import would run it
        spec = importlib.util.spec_from_file_location(name, init, submodule_search_locations=[folder_text])
        package = importlib.util.module_from_spec(spec)
        sys.modules[name] = package
        try:
            spec.loader.exec_module(package)
        except BaseException:
            sys.modules.pop(name, None)
            raise
        return
    package = types.ModuleType(name)  # a namespace package, as Python makes one of a folder
    package.__path__ = [folder_text]
    package.__spec__ = importlib.machinery.ModuleSpec(name, None, is_package=True)
    package.__spec__.submodule_search_locations = [folder_text]
    sys.modules[name] = package


def _handlers(path: Path, module: Any) -> dict[str, Callable[..., Any]]:
    problems = []
    at = _assigned_at(path)
    kind, name, settings = getattr(module, "KIND", None), getattr(module, "NAME", None), getattr(module, "SETTINGS", [])
    if kind not in KINDS:
        problems.append(f"{at('KIND')}: KIND must be \"destination\" or \"insert\" (found {_shown(kind)})")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{at('NAME')}: NAME must be the function's display name, a non-empty string "
                        f"(found {_shown(name)})")
    if not isinstance(settings, (list, tuple)):
        problems.append(f"{at('SETTINGS')}: SETTINGS must be a list of segfn.runtime.Setting (found {_shown(settings)})")
    elif not all(isinstance(s, Setting) for s in settings):
        index = next(i for i, s in enumerate(settings) if not isinstance(s, Setting))
        problems.append(f"{at('SETTINGS')}: SETTINGS must be a list of segfn.runtime.Setting (item {index} is "
                        f"{_shown(settings[index])}; write Setting(\"name\", type=\"string\", ...))")
    handlers = {}
    for kind_name, attribute in HANDLERS.items():
        handler = getattr(module, attribute, None)
        if handler is None:
            continue
        if not callable(handler):
            problems.append(f"{at(attribute)}: {attribute} must be a function (found {_shown(handler)})")
            continue
        handlers[kind_name] = handler
    if problems:
        raise ConfigError(problems)
    return handlers


def _shown(value: Any) -> str:
    """A declared value in a message: short, and by type when it is not a plain constant."""
    if value is None or isinstance(value, (bool, int, float)) or (isinstance(value, str) and len(value) <= 60):
        return repr(value)
    return f"a {type(value).__name__}"


def _assigned_at(path: Path) -> Callable[[str], str]:
    """``name -> "file:line:col"`` of the module's last top-level assignment (or ``def``) of that name,
    or ``file`` when it has none; read from the source only when a declaration is wrong."""
    import ast

    def at(name: str) -> str:
        try:
            tree = ast.parse(path.read_bytes(), str(path))
        except (OSError, SyntaxError, ValueError):
            return str(path)
        found = None
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, (ast.AnnAssign, ast.AugAssign)) else \
                [node] if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name else []
            if any(getattr(t, "id", None) == name or t is node for t in targets):
                found = node
        return f"{path}:{found.lineno}:{found.col_offset + 1}" if found else str(path)
    return at


def _syntax_error(path: Path, exc: SyntaxError, source: bytes = b"") -> str:
    if exc.lineno is None and b"\0" in source:  # "cannot contain null bytes" comes with no position
        at = source.index(b"\0")
        before, newline = source[:at], b"\n"
        line, col = before.count(newline) + 1, at - (before.rfind(newline) + 1) + 1
        return f"{path}:{line}:{col}: SyntaxError: {exc.msg} (a NUL byte; is this a binary file?)"
    if exc.lineno is None:
        return f"{path}: SyntaxError: {exc.msg}"
    line = (exc.text or "").rstrip("\n")
    col = exc.offset or 1
    return f"{path}:{exc.lineno}:{col}: SyntaxError: {exc.msg}\n    {line}\n    {' ' * (col - 1)}^"


def _import_where(path: Path, exc: BaseException) -> str:
    """``file:line`` of the module's own line that was running when ``exc`` was raised."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
    return f"{path}:{frames[-1].lineno}" if frames else str(path)


def _import_error(path: Path, exc: BaseException) -> str:
    if isinstance(exc, SystemExit):
        return (f"{_import_where(path, exc)}: the function module called exit({exc.code!r}) while importing; "
                f"a function module only defines its handlers")
    return f"{_import_where(path, exc)}: {type(exc).__name__} while importing the function module: {safe_text(exc)}"


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
        return jsonio.loads(text)
    except (ValueError, RecursionError):
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
    """Map what a function raised onto Segment's category, and whether it was a DropEvent. Any
    ``BaseException`` that is not one of Segment's (``SystemExit``, ``KeyboardInterrupt``, ...) is
    a Bad Request, as any other error is; an exception whose ``__str__`` raises is named by type."""
    message = safe_text(exc) or type(exc).__name__
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


class _CtrlC:
    """Tells a real Ctrl-C (SIGINT) from a handler's own ``raise KeyboardInterrupt``: the first
    stops the run, the second is that message's Bad Request. Installed on the main thread only when
    SIGINT still has Python's default handler."""

    def __init__(self) -> None:
        self.pressed = False
        self.installed = False

    def __call__(self, signum: int, frame: Any) -> None:
        self.pressed = True
        raise KeyboardInterrupt()


_CTRL_C = _CtrlC()


def _watch_ctrl_c() -> None:
    if not _CTRL_C.installed and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        signal.signal(signal.SIGINT, _CTRL_C)
        _CTRL_C.installed = True


class _TimedOut(BaseException):
    """The runner's own marker for a handler that ran past its timeout. A BaseException, so that a
    handler's ``except Exception`` cannot swallow the interrupt."""


def _set_async_exc(thread_id: int, exc: type[BaseException]) -> None:
    """Raise ``exc`` in another thread at its next bytecode check."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), ctypes.py_object(exc))


class _Watchdog:
    """Interrupts handlers running on threads other than the main one (``segfn serve``'s delivery
    threads, Dask's task threads) once they pass their deadline, by raising ``_TimedOut`` in that
    thread. One daemon thread per process, polling every ``POLL`` seconds; arming and disarming
    cost one uncontended lock. Python raises it at the handler's next bytecode, so a loop stops;
    a call stuck inside C code stops when that call returns."""

    POLL = 0.05

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.deadlines: dict[int, float] = {}  # thread id -> monotonic deadline
        self.fired: set[int] = set()
        self.pid = os.getpid()
        threading.Thread(target=self._watch, name="segfn-runner-watchdog", daemon=True).start()

    def arm(self, thread_id: int, deadline: float) -> None:
        with self.lock:
            self.deadlines[thread_id] = deadline

    def disarm(self, thread_id: int) -> None:
        """Never leaves an interrupt pending: one raised before the lock is taken is absorbed (the
        handler did pass its deadline, and has returned), and so is one set but not raised yet: a
        short loop lets Python raise it at its jumps. It is not withdrawn with
        ``PyThreadState_SetAsyncExc(id, NULL)``: in CPython 3.11 that signals the interpreter and
        never clears the signal, so every thread then took the slow path at every check, and a
        coverage tracer started later (segfn check after a timeout) spun forever."""
        while True:
            try:
                with self.lock:
                    self.deadlines.pop(thread_id, None)
                    fired = thread_id in self.fired
                    self.fired.discard(thread_id)
                if fired:
                    for _ in range(8):  # a pending interrupt is raised here, at the loop's jump
                        pass
                return
            except _TimedOut:
                continue

    def _watch(self) -> None:
        while True:
            time.sleep(self.POLL)
            now = time.monotonic()
            with self.lock:
                for thread_id, deadline in list(self.deadlines.items()):
                    if deadline <= now:
                        del self.deadlines[thread_id]
                        self.fired.add(thread_id)
                        _set_async_exc(thread_id, _TimedOut)


_watchdog: _Watchdog | None = None
_watchdog_lock = threading.Lock()


def _thread_watchdog() -> _Watchdog:
    global _watchdog
    with _watchdog_lock:
        if _watchdog is None or _watchdog.pid != os.getpid():  # a forked child has no watchdog thread
            _watchdog = _Watchdog()
        return _watchdog


class _Alarm:
    """Interrupts a handler running on the main thread (``segfn replay`` and its worker processes)
    with ``SIGALRM`` at its deadline: a loop stops at its next bytecode, and a blocking call (a
    sleep, a lock, a socket read) is interrupted too."""

    def __init__(self) -> None:
        self.armed = False
        signal.signal(signal.SIGALRM, self._ring)

    def _ring(self, signum: int, frame: Any) -> None:
        if self.armed:  # runs on the main thread itself: it cannot race with disarm
            self.armed = False
            raise _TimedOut()

    def arm(self, seconds: float) -> None:
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, max(seconds, 1e-4))

    def disarm(self) -> None:
        self.armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)


class _Resumed:
    """The rest of a handler that is waiting on a future: awaited by a Task of the runner's loop,
    it hands that future to the Task and then drives the handler on, passing cancellation in."""

    def __init__(self, steps: Any, pending: Any) -> None:
        self.steps = steps
        self.pending = pending

    def __await__(self) -> Any:
        value = self.pending
        while True:
            try:
                yield value
            except GeneratorExit:  # the loop was dropped with this still waiting
                self.steps.close()
                raise
            except BaseException as exc:  # the deadline's cancellation goes into the handler
                try:
                    value = self.steps.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    value = self.steps.send(None)
                except StopIteration as stop:
                    return stop.value


class Runner:
    """Runs handlers with Segment's timeout and error taxonomy, inline on the calling thread.

    A coroutine handler is driven directly until it finishes or waits on a real future (a timer,
    a thread, a socket); only then does the rest run on this thread's own event loop. There is no
    hand-off to another thread per call. The timeout interrupts a handler that never yields: by
    ``SIGALRM`` on the main thread, by the process's watchdog on any other. Thread-safe: each
    thread has its own loop.
    """

    def __init__(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.timeout = timeout
        self._local = threading.local()
        self._loops: list[asyncio.AbstractEventLoop] = []
        self._loops_lock = threading.Lock()
        self._checked: dict[int, tuple[Any, ...]] = {}  # see _settings
        self._seen: dict[int, Any] = {}

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
        with self._loops_lock:
            loops, self._loops = self._loops, []
        for loop in loops:
            if not loop.is_running():
                loop.close()

    def _run(self, fn: FunctionModule, kind: str | None, payload: Any, settings: Mapping[str, Any],
             transport: runtime.Transport) -> Invocation:
        problems, given = self._settings(fn, settings)
        if problems:
            return Invocation(error=InvalidSettings("; ".join(problems)))
        handler = fn.handlers.get(kind) if kind else None
        if handler is None:
            shown = kind or "unknown"
            error = UnsupportedEventType(f"{shown} not supported: {fn.path.name} has no {HANDLERS.get(kind, 'handler')}")
            return Invocation(exception=EventNotSupported(f"{shown} not supported"), error=error)
        exchanges: list[Exchange] = []
        logs: list[str] = []
        args = (payload, given)
        started = time.perf_counter()
        returned, raised = self._call(handler, args, recording(transport, exchanges), logs)
        duration = (time.perf_counter() - started) * 1000
        common = dict(requests=tuple(exchanges), logs=tuple(logs), duration_ms=duration)
        if isinstance(raised, _TimedOut):
            return Invocation(exception=raised, error=TimedOut(
                f"the function ran past its {self.timeout:g} s timeout"), **common)
        if raised is not None:
            error, dropped = classify(raised, fn.kind)
            return Invocation(exception=raised, error=error, dropped=dropped, **common)
        return Invocation(returned=returned, **common)

    def _settings(self, fn: FunctionModule, settings: Mapping[str, Any]) -> tuple[list[str], dict[str, Any]]:
        """``check_settings`` and ``function_settings`` of ``settings`` for ``fn`` (the latter a dict
        of the handler's own): worked out once for a settings object that holds only immutable values
        and has not changed since (a destination's settings, for every message), else each time."""
        key = id(settings)
        known = self._checked.get(key)
        if known is not None and known[0] is fn and known[1] is settings and known[2] == tuple(settings.items()) \
                and known[5] == tuple(map(type, settings.values())):  # 1 == True: the types too
            return known[3], dict(known[4])
        problems = check_settings(fn.settings, settings)
        given = function_settings(fn.settings, settings)
        if self._seen.get(key) is not settings:  # kept from its second call on: a caller passing a new
            if len(self._seen) >= 64:             # dict each time pays nothing more
                self._seen.clear()
            self._seen[key] = settings
        elif type(settings) is dict and all(type(v) in _IMMUTABLE for v in settings.values()):
            if len(self._checked) >= 256:
                self._checked.clear()
            self._checked[key] = (fn, settings, tuple(settings.items()), problems, given,
                                  tuple(map(type, settings.values())))
            return problems, dict(given)
        return problems, given

    def _call(self, handler: Callable[..., Any], args: tuple, transport: runtime.Transport,
              logs: list[str]) -> tuple[Any, BaseException | None]:
        """The one place a handler runs: from here until it returns, ``fetch`` goes to
        ``transport``, ``print`` to ``logs``, and the deadline is armed. Returns what the handler
        returned and what it raised (``_TimedOut`` past the deadline)."""
        transport_token = runtime.current_transport.set(transport)
        capture = _Capture(logs)
        logs_token = _LOGS.set(capture)
        _capture_consoles()
        deadline = time.monotonic() + self.timeout
        main = threading.current_thread() is threading.main_thread()
        if main:
            _watch_ctrl_c()
            _CTRL_C.pressed = False
        try:
            try:
                self._arm(main, deadline + INTERRUPT_GRACE)
                result = handler(*args)
                if inspect.isawaitable(result):
                    result = self._drive(result, deadline)
            finally:
                self._disarm(main)
            return result, None
        except _TimedOut as exc:
            return None, exc
        except BaseException as exc:  # noqa: B036 - the function's own failure, SystemExit included
            if isinstance(exc, KeyboardInterrupt) and main and _CTRL_C.pressed:
                _CTRL_C.pressed = False
                raise  # the user pressed Ctrl-C: stop, whatever was running
            return None, exc
        finally:
            capture.close()
            runtime.current_transport.reset(transport_token)
            _LOGS.reset(logs_token)

    def _arm(self, main: bool, deadline: float) -> None:
        if main:
            alarm = getattr(self._local, "alarm", None)
            if alarm is None:
                alarm = self._local.alarm = _Alarm()
            alarm.arm(deadline - time.monotonic())
        else:
            _thread_watchdog().arm(threading.get_ident(), deadline)

    def _disarm(self, main: bool) -> None:
        if main:
            self._local.alarm.disarm()
        else:
            _thread_watchdog().disarm(threading.get_ident())

    def _drive(self, awaitable: Any, deadline: float) -> Any:
        """Run a coroutine to its end. Steps it directly while it only yields to let others run
        (``asyncio.sleep(0)``) or awaits nothing at all; once it waits on a future, finishes it on
        this thread's loop under the deadline."""
        steps = awaitable.__await__()
        loop = self._loop()
        asyncio.events._set_running_loop(loop)  # so the handler can create futures and timers
        try:
            while True:
                try:
                    pending = steps.send(None)
                except StopIteration as stop:
                    return stop.value
                if pending is not None:
                    break
        finally:
            asyncio.events._set_running_loop(None)
        try:
            return loop.run_until_complete(self._finish(steps, pending, deadline))
        except (_TimedOut, KeyboardInterrupt, SystemExit):
            if asyncio.all_tasks(loop):  # interrupted inside the loop's own code: the next call gets a new one
                self._drop_loop(loop)
            raise

    async def _finish(self, steps: Any, pending: Any, deadline: float) -> Any:
        scope = asyncio.timeout_at(asyncio.get_running_loop().time() + deadline - time.monotonic())
        try:
            async with scope:
                return await _Resumed(steps, pending)
        except TimeoutError:
            if scope.expired():
                raise _TimedOut() from None
            raise

    def _loop(self) -> asyncio.AbstractEventLoop:
        loop = getattr(self._local, "loop", None)
        if loop is None or loop.is_closed():
            loop = self._local.loop = asyncio.new_event_loop()
            with self._loops_lock:
                self._loops.append(loop)
        return loop

    def _drop_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        self._local.loop = None
        with self._loops_lock:
            if loop in self._loops:
                self._loops.remove(loop)
        for task in asyncio.all_tasks(loop):
            task._log_destroy_pending = False  # abandoned on purpose
            try:
                task.get_coro().close()
            except BaseException:  # what the handler does while being closed is its own business
                pass
        loop.close()
