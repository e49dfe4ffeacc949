"""The real @segment/tsub in one long-lived Node process, and segfn's answer to the same case.

Cases go to ``tests/js/tsub_oracle.js`` in batches (one JSON line each way per batch), so tens of
thousands of cases cost a few hundred round trips. ``compare`` returns None when both engines agree
(same result, same throw-or-not, same number of ``Math.random`` draws), else a reproduction.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from segfn.emulator.filters import EvaluationError, RoutingRules, matches, stringify, transform

JS = Path(__file__).resolve().parents[1] / "js"
ORACLE = JS / "tsub_oracle.js"


class TsubOracle:
    def __init__(self) -> None:
        if not (JS / "node_modules" / "@segment" / "tsub").is_dir():
            raise RuntimeError("@segment/tsub is not installed: run `cd tests/js && npm ci` (make test does)")
        self.process = subprocess.Popen(["node", str(ORACLE)], cwd=JS, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, text=True, encoding="utf-8", bufsize=1 << 16)

    def ask(self, cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
        assert self.process.stdin and self.process.stdout
        self.process.stdin.write(json.dumps({"batch": cases}) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"the tsub oracle exited ({self.process.poll()})")
        return json.loads(line)["results"]

    def close(self) -> None:
        if self.process.poll() is None:
            assert self.process.stdin
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class SequenceRandom:
    """``Math.random`` stubbed with given answers: the generator segfn is handed instead."""

    def __init__(self, values: list[float] | None) -> None:
        self.values = values or []
        self.used = 0

    def random(self) -> float:
        if self.used >= len(self.values):
            raise EvaluationError("random exhausted")
        self.used += 1
        return self.values[self.used - 1]


def segfn_answer(case: dict[str, Any]) -> dict[str, Any]:
    """What segfn says for a case, in the oracle's answer shape."""
    rng = SequenceRandom(case.get("random"))
    try:
        op = case["op"]
        if op == "matches":
            result: Any = matches(case["event"], case["matcher"])
        elif op == "transform":
            out = transform(case["event"], case["transformers"], rng)
            result = None if out is None else stringify(out)
        else:
            out = RoutingRules(case["rules"]).apply(case["event"], rng, case.get("destination"))
            result = None if out is None else stringify(out)
        return {"ok": True, "result": result, "randoms": rng.used}
    except EvaluationError as error:
        return {"ok": False, "error": str(error), "randoms": rng.used}


def agree(ours: dict[str, Any], theirs: dict[str, Any]) -> bool:
    if ours["ok"] != theirs["ok"]:
        return False
    if not ours["ok"]:
        return True  # both threw; the messages are JavaScript's and need not match
    return ours["result"] == theirs["result"] and ours["randoms"] == theirs["randoms"]


def reproduction(case: dict[str, Any], ours: dict[str, Any], theirs: dict[str, Any]) -> str:
    shown = {k: v for k, v in case.items() if k != "op"}
    lines = [f"segfn and @segment/tsub disagree ({case['op']}):"]
    for key, value in shown.items():
        if key == "matcher" and isinstance(value, dict) and isinstance(value.get("ir"), str):
            lines.append(f"  IR:      {value['ir']}")
        lines.append(f"  {key + ':':<8} {json.dumps(value, ensure_ascii=False)}")
    lines.append(f"  tsub:    {json.dumps(theirs, ensure_ascii=False)}")
    lines.append(f"  segfn:   {json.dumps(ours, ensure_ascii=False)}")
    lines.append(f"  replay:  echo {json.dumps(json.dumps(case))} | node tests/js/tsub_oracle.js")
    return "\n".join(lines)


def compare(oracle: TsubOracle, cases: list[dict[str, Any]]) -> list[str]:
    """Every disagreement between segfn and tsub over ``cases``, as reproductions; also checks that
    segfn never modifies the event it is given."""
    problems = []
    for case, theirs in zip(cases, oracle.ask(cases), strict=True):
        before = json.dumps(case["event"])
        ours = segfn_answer(case)
        if json.dumps(case["event"]) != before:
            problems.append(f"segfn modified the event it was given:\n  before: {before}\n  after:  "
                            f"{json.dumps(case['event'])}")
        elif not agree(ours, theirs):
            problems.append(reproduction(case, ours, theirs))
    return problems
