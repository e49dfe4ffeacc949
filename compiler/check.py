"""The differential check: the Python function (through the emulator's runner, exactly as replay runs
it) and its compiled bundle (in Node, loaded as Segment loads it) on the same cases, compared.

Both sides get the JS-normalised input and talk to the same transport: the harness sends each of
the bundle's requests back here and it is answered by the very transport the Python run used.
Compared: the requests sent (method, url, headers, parsed JSON body, numbers normalised), the
returned value (insert functions and onBatch), the raised error's class and message.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from hypothesis import HealthCheck, Phase, given, settings as hsettings

from segfn.emulator.runner import HANDLERS, FunctionModule, Runner
from segfn.runtime import Transport

from .bundle import Bundle
from .jsjson import js_normalise, numbers_equal
from .names import HANDLERS as JS_HANDLERS
from .node import NodeHarness, NodeResult
from . import strategies

SAMPLE_SETTINGS = {"string": "test-{name}", "boolean": True, "array": ["a", "b"], "map": {"k": "v"}}


@dataclass(frozen=True)
class Case:
    origin: str  # "fixtures/messages/x.json[0]" or "generated #12"
    payload: Any  # a message, or a list of messages for onBatch
    batch: bool = False


@dataclass
class Side:
    """What one side did with one case, in comparable terms."""

    requests: list[dict]
    returned: Any
    error: tuple[str, str] | None


@dataclass
class Difference:
    case: Case
    what: list[str]
    python: Side
    node: Side
    minimal: Any = None


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
    out = {}
    for s in fn.settings:
        value = SAMPLE_SETTINGS[s.type]
        out[s.name] = value.format(name=s.name) if isinstance(value, str) else value
    return out


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
    return Side(requests, returned, error)


def node_side(result: NodeResult) -> Side:
    requests = [{"method": r["method"], "url": r["url"], "headers": {k.lower(): v for k, v in r["headers"].items()},
                 "body": _body(r["body"])} for r in result.requests]
    error = None
    if result.error is not None:
        error = (result.error["name"], result.error["message"])
        if error[0] == "Timeout":
            error = ("Timeout", "")
    return Side(requests, result.returned, error)


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
    return what


class Checker:
    """Runs cases through both sides; ``reset`` (if the transport keeps state) runs before each side."""

    def __init__(self, fn: FunctionModule, bundle: Bundle, harness: NodeHarness, transport: Transport,
                 reset: Callable[[], None] | None = None, settings: dict | None = None, timeout: float = 5.0) -> None:
        self.fn = fn
        self.bundle = bundle
        self.harness = harness
        self.transport = transport
        self.reset = reset
        self.settings = settings if settings is not None else default_settings(fn)
        self.runner = Runner(timeout=timeout)
        self.bundle_id, self.js_handlers = harness.load(bundle.js, filename=Path(bundle.module).stem + ".js")
        self.compare_returned_single = fn.kind == "insert"

    def close(self) -> None:
        self.harness.unload(self.bundle_id)
        self.runner.close()

    def _handler(self, case: Case) -> str:
        if case.batch:
            return "onBatch"
        kind = case.payload.get("type") if isinstance(case.payload, dict) else None
        return JS_HANDLERS.get(HANDLERS.get(kind, ""), "onUnknown") if kind in HANDLERS else "onUnknown"

    def run(self, cases: list[Case], window: int = 64) -> list[Difference]:
        """Both sides on every case; cases are pipelined to Node ``window`` at a time (one at a time
        when the transport keeps state, so that each side sees the same state)."""
        if self.reset is not None:
            window = 1
        out = []
        for start in range(0, len(cases), window):
            chunk = cases[start:start + window]
            py = []
            for case in chunk:
                if self.reset is not None:
                    self.reset()
                py.append(python_side(self.runner, self.fn, case, self.settings, self.transport))
            if self.reset is not None:
                self.reset()
            results = self.harness.call_many(self.bundle_id, [(self._handler(c), c.payload, self.settings) for c in chunk],
                                             self.transport)
            for case, p, r in zip(chunk, py, results):
                js = node_side(r)
                what = compare(p, js, self.compare_returned_single or case.batch)
                if what:
                    out.append(Difference(case, what, p, js))
        return out

    def differs(self, case: Case, signature: list[str]) -> bool:
        return any(d.what == signature for d in self.run([case]))

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
                if self.differs(Case(diff.case.origin, candidate, diff.case.batch), diff.what):
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


def generated_cases(count: int, with_batches: bool, seed: int = 0) -> list[Case]:
    """``count`` generated messages (and batches when the function has onBatch), deterministic."""
    collected: list[Any] = []
    strategy = strategies.messages()
    if with_batches:
        from hypothesis import strategies as st
        strategy = st.one_of(strategies.messages(), strategies.messages(), strategies.messages(), strategies.batches())

    @hsettings(max_examples=count, derandomize=True, database=None, phases=[Phase.generate], deadline=None,
               suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value):
        collected.append(value)

    collect()
    cases = []
    for i, value in enumerate(collected):
        value = js_normalise(value)
        cases.append(Case(f"generated #{i + 1}", value, batch=isinstance(value, list)))
    return cases


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
    """A reproduction of one difference, ready to paste into a fixture."""
    def side(s: Side) -> str:
        lines = [f"raised {s.error[0]}: {s.error[1]}" if s.error else f"returned {json.dumps(s.returned, ensure_ascii=False)}"]
        for r in s.requests:
            lines.append(f"{r['method']} {r['url']} {json.dumps(r['body'], ensure_ascii=False)}")
        return "\n      ".join(lines)

    payload = diff.minimal if diff.minimal is not None else diff.case.payload
    return "\n".join([
        f"difference in {', '.join(diff.what)} ({diff.case.origin}{', minimised' if diff.minimal is not None else ''})",
        f"  {'batch' if diff.case.batch else 'message'}: {json.dumps(payload, ensure_ascii=False)}",
        f"  settings: {json.dumps(masked(settings, fn), ensure_ascii=False)}",
        f"  python: {side(diff.python)}",
        f"  node:   {side(diff.node)}",
    ])
