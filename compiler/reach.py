"""What the check's cases reached in the Python: line and branch coverage (coverage.py) of the
function module and of the helper modules it imports from ``functions/``.

``Reach`` measures while started; ``Reach.snapshot()`` is the set of arcs reached so far (the check's
steering compares snapshots), ``Reach.summary()`` the figures printed and stamped:
``lines 97% (3 missed: 88, 141-142), branches 93%``.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import coverage


def helper_files(module: Path) -> list[Path]:
    """The module and the helper modules (``functions.x``) it reaches, as the compiler resolves them."""
    from .bundle import _load_units

    order, _ = _load_units(Path(module).resolve(), [], {})
    files = [unit.path.resolve() for unit in order]
    return files or [Path(module).resolve()]


def ranges(numbers: list[int]) -> str:
    """``[88, 141, 142]`` as ``88, 141-142``."""
    out: list[str] = []
    start = prev = None
    for n in sorted(numbers):
        if start is not None and n == prev + 1:
            prev = n
            continue
        if start is not None:
            out.append(f"{start}" if start == prev else f"{start}-{prev}")
        start = prev = n
    if start is not None:
        out.append(f"{start}" if start == prev else f"{start}-{prev}")
    return ", ".join(out)


@dataclass
class Summary:
    """Line and branch coverage over all measured files; ``missing`` maps a file to its lines never
    reached, ``missing_branches`` to its ``[from, to]`` arcs never taken (to < 0: leaving the function)."""

    statements: int = 0
    covered_lines: int = 0
    branches: int = 0
    covered_branches: int = 0
    missing: dict[str, list[int]] = field(default_factory=dict)
    missing_branches: dict[str, list[list[int]]] = field(default_factory=dict)

    @property
    def lines_pct(self) -> float:
        return 100.0 * self.covered_lines / self.statements if self.statements else 100.0

    @property
    def branches_pct(self) -> float:
        return 100.0 * self.covered_branches / self.branches if self.branches else 100.0

    def missed_text(self, main: str) -> str:
        parts = []
        for name, lines in self.missing.items():
            if lines:
                shown = ranges(lines)
                parts.append(shown if name == main else f"{name}: {shown}")
        return "; ".join(parts)

    def line(self, main: str) -> str:
        """``lines 97% (3 missed: 88, 141-142), branches 93%``"""
        missed = sum(len(v) for v in self.missing.values())
        text = f"lines {int(self.lines_pct)}%"
        if missed:
            text += f" ({missed} missed: {self.missed_text(main)})"
        return text + f", branches {int(self.branches_pct)}%"

    def to_json(self, main: str) -> dict:
        return {"lines": round(self.lines_pct, 1), "branches": round(self.branches_pct, 1),
                "missing": {name: ranges(lines) for name, lines in self.missing.items() if lines},
                "text": self.line(main)}


class Reach:
    """coverage.py over ``files`` with branch measurement, in memory (no .coverage file)."""

    def __init__(self, files: list[Path], root: Path | None = None) -> None:
        self.files = [Path(f).resolve() for f in files]
        self.root = root or Path.cwd()
        self.cov = coverage.Coverage(data_file=None, branch=True, config_file=False,
                                     include=[str(f) for f in self.files])
        self.started = False

    def start(self) -> None:
        self.cov.start()
        self.started = True

    def stop(self) -> None:
        if self.started:
            self.cov.stop()
            self.started = False

    def name(self, path: Path | str) -> str:
        path = Path(path).resolve()
        try:
            return path.relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def snapshot(self) -> frozenset:
        """Every (file, arc) reached so far."""
        data = self.cov.get_data()
        out = set()
        for measured in data.measured_files():
            for arc in data.arcs(measured) or ():
                out.add((measured, arc))
        return frozenset(out)

    def executed(self) -> dict[Path, set[int]]:
        """The lines run so far, per measured file."""
        data = self.cov.get_data()
        return {Path(f).resolve(): set(data.lines(f) or ()) for f in data.measured_files()}

    def summary(self) -> Summary:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "coverage.json"
            self.cov.json_report(outfile=str(out), morfs=[str(f) for f in self.files])
            report = json.loads(out.read_text())
        summary = Summary()
        by_path = {str(Path(name).resolve()): info for name, info in report.get("files", {}).items()}
        for path in self.files:
            info = by_path.get(str(path))
            if info is None:
                continue
            s = info["summary"]
            summary.statements += s["num_statements"]
            summary.covered_lines += s["covered_lines"]
            summary.branches += s.get("num_branches", 0)
            summary.covered_branches += s.get("covered_branches", 0)
            summary.missing[self.name(path)] = sorted(info.get("missing_lines", []))
            summary.missing_branches[self.name(path)] = info.get("missing_branches", [])
        return summary
