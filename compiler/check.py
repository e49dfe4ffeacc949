"""The differential check: the Python function (through the emulator's runner, exactly as replay runs
it) and its compiled bundle (in Node, loaded as Segment loads it) on the same cases, compared.

A case is a message (or an ``on_batch`` batch), the settings it runs with, the plan of HTTP answers
its requests get (``answers.py``), and a seed and an instant for its randomness and clock
(``determinism.py``). Both sides get the JS-normalised input, the same settings, the same answer for
the same request, the same random words and the same frozen clock. Compared: the requests sent
(method, url, headers, parsed JSON body, numbers normalised), the returned value (insert functions
and onBatch), the raised error's class and message.

The Python runs twice: under ``TZ=UTC`` (Segment's Lambda, compared with Node, which runs in UTC) and
under a non-UTC zone (``America/New_York``); a difference between those two is reported as the
function depending on the machine's time zone.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Iterable

from segfn.emulator.runner import HANDLERS, FunctionModule, Runner
from segfn.runtime import Transport, cache as runtime_cache

from .answers import REAL, Answer, AnswerSource, PlannedTransport, sprig_source
from .bundle import Bundle
from .determinism import OTHER_TZ, Determinism, time_zone
from .jsjson import js_normalise, numbers_equal
from .names import HANDLERS as JS_HANDLERS
from .node import NodeHarness, NodeResult
from .setting_values import sample_settings

DEFAULT_NOW = 1_735_732_800_000  # 2025-01-01T12:00:00Z: the clock of a case that names none


@dataclass(frozen=True)
class Case:
    origin: str  # "fixtures/messages/x.json[0]" or "generated #12"
    payload: Any  # a message, or a list of messages for onBatch
    batch: bool = False
    settings: dict | None = None  # None: the checker's default settings
    answers: tuple[Answer, ...] = (REAL,)  # the n-th request gets answers[n] (the last one after that)
    seed: int = 0  # randomness: compiler/determinism.py's word stream
    now: int = DEFAULT_NOW  # the frozen clock, ms since the epoch

    def control(self) -> dict:
        """What the harness needs to run the case as Python runs it: the seed, the frozen clock, and an
        empty Segment ``cache`` (Segment's tester starts each test with one)."""
        return {"seed": self.seed, "now": self.now, "freshCache": True}


@dataclass
class Side:
    """What one side did with one case, in comparable terms."""

    requests: list[dict]
    returned: Any
    error: tuple[str, str] | None
    logs: list[str] = field(default_factory=list)  # print / console.log lines (Segment shows them)
    where: str = ""  # functions/x.py:N of the statement that raised (never compared: shown to the user)


@dataclass
class Difference:
    """``what`` names the parts that differ; ``other`` is set when the difference is between the
    Python under UTC (``python``) and under ``OTHER_TZ`` (``other``), not with Node."""

    case: Case
    what: list[str]
    python: Side
    node: Side
    minimal: Any = None
    other: Side | None = None

    @property
    def time_zone(self) -> bool:
        return self.other is not None


@dataclass
class CheckReport:
    module: str
    cases: int = 0
    differences: list[Difference] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.differences


def default_settings(fn: FunctionModule) -> dict[str, Any]:
    """A value of the declared type for every setting (required or not)."""
    return sample_settings(fn.settings)


def _body(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text


def _canonical(value: Any) -> Any:
    """A Python return value as JSON (what the bundle's JSON would be), for comparison."""
    return js_normalise(json.loads(json.dumps(value, default=lambda v: {"$object": type(v).__name__})))


def python_side(runner: Runner, fn: FunctionModule, case: Case, settings: dict, transport: Transport) -> Side:
    if case.batch:
        inv = runner.invoke_batch(fn, case.payload, settings, transport)
    else:
        inv = runner.invoke(fn, case.payload, settings, transport)
    requests = [{"method": r.method, "url": r.url, "headers": {k.lower(): v for k, v in r.headers.items()},
                 "body": r.body} for r in inv.requests]
    error = None
    if inv.exception is not None:
        name = type(inv.exception).__name__
        error = ("Timeout", "") if name == "_TimedOut" else (name, str(inv.exception))
    elif inv.error is not None:
        error = (type(inv.error).__name__, str(inv.error))
    try:
        returned = _canonical(inv.returned)
    except (TypeError, ValueError):
        returned = {"$object": type(inv.returned).__name__}
    return Side(requests, returned, error, list(inv.logs), _raised_at(inv.exception or inv.error, fn.path))


def _raised_at(error: BaseException | None, module: Path) -> str:
    """``functions/x.py:N`` of the innermost frame in the project's files (as a bundle's stack names it)."""
    import traceback

    if getattr(error, "__traceback__", None) is None:
        return ""
    root = Path(module).resolve().parent.parent
    for frame in reversed(traceback.extract_tb(error.__traceback__)):
        try:
            return f"{Path(frame.filename).resolve().relative_to(root).as_posix()}:{frame.lineno}"
        except ValueError:
            continue
    return ""


_PY_FRAME = re.compile(r"^\s+at (?:\S+ \()?(functions/\S+?\.py:\d+)\)?$", re.M)


def node_side(result: NodeResult) -> Side:
    requests = [{"method": r["method"], "url": r["url"], "headers": {k.lower(): v for k, v in r["headers"].items()},
                 "body": _body(r["body"])} for r in result.requests]
    error = None
    if result.error is not None:
        error = (result.error["name"], result.error["message"])
        if error[0] == "Timeout":
            error = ("Timeout", "")
    found = _PY_FRAME.search(result.error.get("stack", "")) if result.error is not None else None
    return Side(requests, result.returned, error, list(result.logs), found.group(1) if found else "")


def compare(py: Side, js: Side, compare_returned: bool) -> list[str]:
    what = []
    if py.error != js.error:
        what.append("error")
    if len(py.requests) != len(js.requests):
        what.append("number of requests")
    else:
        for i, (a, b) in enumerate(zip(py.requests, js.requests)):
            for key in ("method", "url", "headers", "body"):
                if not numbers_equal(a[key], b[key]):
                    what.append(f"requests[{i}].{key}")
    if compare_returned and py.error is None and js.error is None and not numbers_equal(py.returned, js.returned):
        what.append("returned value")
    if py.logs != js.logs and (py.error is None) == (js.error is None):
        what.append("logs")
    return what


class Checker:
    """Runs cases through both sides (the Python twice: UTC and ``OTHER_TZ``) and compares them.

    ``sources`` answer a case's "real" answers (default: the mock Sprig for Sprig's hosts; a user's
    stubs plug in here); ``body_paths`` and ``strings`` shape generated JSON answer bodies;
    ``modules`` are the Python modules whose ``random``/``uuid4`` names are made deterministic."""

    def __init__(self, fn: FunctionModule, bundle: Bundle, harness: NodeHarness,
                 sources: Callable[[], list[AnswerSource]] | None = None, settings: dict | None = None,
                 timeout: float = 5.0, body_paths: Iterable[tuple[str, ...]] = (), strings: Iterable[str] = (),
                 modules: Iterable[Any] = (), other_tz: str | None = OTHER_TZ) -> None:
        self.fn = fn
        self.bundle = bundle
        self.harness = harness
        self.sources = sources or (lambda: [sprig_source()])
        self.settings = settings if settings is not None else default_settings(fn)
        self.runner = Runner(timeout=timeout)
        self.body_paths = list(body_paths)
        self.strings = sorted(set(strings))
        self.modules = [fn.module, *modules]
        self.other_tz = other_tz
        self.bundle_id, self.js_handlers = harness.load(bundle.js, filename=Path(bundle.module).stem + ".js")
        self.compare_returned_single = fn.kind == "insert"

    def close(self) -> None:
        self.harness.unload(self.bundle_id)
        self.runner.close()

    def _handler(self, case: Case) -> str:
        if case.batch:
            return "onBatch"
        kind = case.payload.get("type") if isinstance(case.payload, dict) else None
        return JS_HANDLERS.get(HANDLERS[kind], "onUnknown") if isinstance(kind, str) and kind in HANDLERS else "onUnknown"

    def transport(self, case: Case) -> PlannedTransport:
        """A fresh transport for one side of ``case`` (its own mock Sprig, its own answer count)."""
        return PlannedTransport(case.answers, self.sources(), self.body_paths, self.strings)

    def settings_of(self, case: Case) -> dict:
        return self.settings if case.settings is None else case.settings

    def python(self, cases: list[Case], zone: str) -> list[Side]:
        """The Python side of ``cases`` under the time zone ``zone``, clock and randomness per case."""
        out = []
        with time_zone(zone), Determinism(self.modules) as det:
            for case in cases:
                det.case(case.seed, case.now)
                runtime_cache.clear()
                out.append(python_side(self.runner, self.fn, case, self.settings_of(case), self.transport(case)))
        return out

    def node(self, cases: list[Case], bundle_id: str | None = None) -> list[Side]:
        """The bundle's side of ``cases`` (``bundle_id``: another loaded bundle, e.g. a mutant)."""
        results = self.harness.call_many(
            bundle_id or self.bundle_id,
            [(self._handler(c), c.payload, self.settings_of(c), c.control()) for c in cases],
            [self.transport(c) for c in cases])
        return [node_side(r) for r in results]

    def compare(self, case: Case, py: Side, js: Side, other: Side | None = None) -> Difference | None:
        compare_returned = self.compare_returned_single or case.batch
        what = compare(py, js, compare_returned)
        if what:
            return Difference(case, what, py, js)
        if other is not None:
            zone_what = compare(py, other, compare_returned)
            if zone_what:
                return Difference(case, zone_what, py, js, other=other)
        return None

    def run(self, cases: list[Case], window: int = 64, record: list | None = None) -> list[Difference]:
        """Both sides on every case, pipelined to Node ``window`` cases at a time. ``record`` collects
        (case, Python side under UTC) pairs, to compare other bundles with later."""
        out = []
        for start in range(0, len(cases), window):
            chunk = cases[start:start + window]
            py = self.python(chunk, "UTC")
            other = self.python(chunk, self.other_tz) if self.other_tz else [None] * len(chunk)
            for case, p, o, js in zip(chunk, py, other, self.node(chunk)):
                diff = self.compare(case, p, js, o)
                if diff is not None:
                    out.append(diff)
            if record is not None:
                record.extend(zip(chunk, py))
        return out

    def differs(self, case: Case, diff: Difference) -> bool:
        return any(d.what == diff.what and d.time_zone == diff.time_zone for d in self.run([case]))

    def minimise(self, diff: Difference, budget: int = 250) -> Any:
        """A smaller input with the same difference: greedy removal and simplification of JSON parts."""
        best = diff.case.payload
        tries = 0
        changed = True
        while changed and tries < budget:
            changed = False
            for candidate in _simpler(best):
                tries += 1
                if tries >= budget:
                    break
                if self.differs(replace(diff.case, payload=candidate), diff):
                    best = candidate
                    changed = True
                    break
        return best


def _simpler(value: Any) -> Iterable[Any]:
    """Candidates one step simpler than ``value`` (whole-key removals first)."""
    if isinstance(value, dict):
        keys = list(value)
        for k in keys:
            if k != "type":
                yield {kk: vv for kk, vv in value.items() if kk != k}
        for k in keys:
            for sub in _simpler(value[k]):
                yield {**value, k: sub}
    elif isinstance(value, list):
        for i in range(len(value)):
            if len(value) > 1:
                yield value[:i] + value[i + 1:]
        for i, item in enumerate(value):
            for sub in _simpler(item):
                yield value[:i] + [sub] + value[i + 1:]
    elif isinstance(value, str) and value:
        if len(value) > 1:
            yield value[: len(value) // 2]
            yield value[1:]
        if value != "a":
            yield "a"
    elif isinstance(value, float):
        yield round(value)
    elif isinstance(value, int) and not isinstance(value, bool) and value not in (0, 1):
        yield 0


def fixture_cases(paths: list[Path], with_batches: bool) -> tuple[list[Case], list[str]]:
    """Every message of every fixture (and each fixture's messages as one batch, for onBatch)."""
    from segfn.emulator.fixtures import FixtureProblem, discover, read_calls

    cases: list[Case] = []
    problems: list[str] = []
    for path in discover(paths):
        label = str(path)
        for call in read_calls(path, label):
            if isinstance(call, FixtureProblem):
                problems.append(str(call))
                continue
            items = call.payload.get("batch") if call.endpoint == "batch" and isinstance(call.payload, dict) else [call.payload]
            items = [m for m in (items or []) if isinstance(m, dict)]
            for j, message in enumerate(items):
                cases.append(Case(f"{label}[{call.index}]" + (f".batch[{j}]" if call.endpoint == "batch" else ""),
                                  js_normalise(message)))
            if with_batches and items:
                cases.append(Case(f"{label}[{call.index}] as a batch", js_normalise(items), batch=True))
    return cases, problems


def masked(settings: dict, fn: FunctionModule) -> dict:
    return {k: ("<sensitive>" if k in fn.sensitive_settings else v) for k, v in settings.items()}


def describe(diff: Difference, fn: FunctionModule, settings: dict) -> str:
    """A reproduction of one difference, ready to paste into a fixture (``settings``: the checker's
    default, used when the case names none; sensitive values are masked)."""
    headers_differ = any(part.endswith(".headers") for part in diff.what)

    def side(s: Side) -> str:
        lines = [(f"raised {s.error[0]}: {s.error[1]}" + (f" (at {s.where})" if s.where else "")) if s.error
                 else f"returned {json.dumps(s.returned, ensure_ascii=False)}"]
        for r in s.requests:
            lines.append(f"{r['method']} {r['url']} {json.dumps(r['body'], ensure_ascii=False)}")
            if headers_differ:  # only then: they are long, and mostly the same on both sides
                lines.append(f"  headers {json.dumps(r['headers'], ensure_ascii=False, sort_keys=True)}")
        lines += [f"log: {line}" for line in s.logs]
        return "\n      ".join(lines)

    case = diff.case
    payload = diff.minimal if diff.minimal is not None else case.payload
    shown = case.settings if case.settings is not None else settings
    head = (f"the Python's answer depends on the time zone: {', '.join(diff.what)} differ under TZ=UTC "
            f"(Segment) and TZ={OTHER_TZ}" if diff.time_zone else f"difference in {', '.join(diff.what)}")
    lines = [
        f"{head} ({case.origin}{', minimised' if diff.minimal is not None else ''})",
        f"  {'batch' if case.batch else 'message'}: {json.dumps(payload, ensure_ascii=False)}",
        f"  settings: {json.dumps(masked(shown, fn), ensure_ascii=False)}",
        f"  http answers: {', '.join(a.label() for a in case.answers)}; clock {_iso(case.now)}, seed {case.seed}",
    ]
    if diff.time_zone:
        lines += [f"  python, TZ=UTC: {side(diff.python)}", f"  python, TZ={OTHER_TZ}: {side(diff.other)}"]
    else:
        lines += [f"  python: {side(diff.python)}", f"  node:   {side(diff.node)}"]
    text = "\n".join(lines)
    for name in fn.sensitive_settings:  # a secret echoed in an error message or a request stays hidden
        value = shown.get(name)
        for secret in (value if isinstance(value, list) else [value]):
            if isinstance(secret, str) and len(secret.strip()) >= 3:
                text = text.replace(secret, "<sensitive>")
    return text


def _iso(ms: int) -> str:
    import datetime as _dt

    return (_dt.datetime(1970, 1, 1) + _dt.timedelta(milliseconds=ms)).isoformat(timespec="milliseconds") + "Z"
