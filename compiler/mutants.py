"""The check checking itself: mutants of a compiled bundle, each one small change on a line that maps to
a Python line the check's cases reached, and whether the check's cases tell each mutant from the
Python (PIT's and mutmut's operators, on the JavaScript: flip a comparison, swap ``&&``/``||``, change
a constant, drop a statement).

Where a JavaScript line comes from: the bundle is compiled once more with each statement's first line
marked ``/*py:N*/`` (the Python line of the statement), and the marked bundle must equal the real one
once the marks are removed, so the mutants are mutants of the bundle that ships. A mutant is "caught"
when a case the check ran gives a difference; the check's generation depends only on the Python's
coverage, never on the bundle, so replaying the check's cases against a mutant is what ``segfn check``
with the same seed would do to it.
"""

from __future__ import annotations

import random
import re
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

MARK = re.compile(r" /\*py:(\d+)\*/")
SECTION = re.compile(r"^// --- (.+) ---$")
COMPARISONS = {"===": "!==", "!==": "===", "<=": ">", ">=": "<", "<": ">=", ">": "<="}
LOGICAL = {"&&": "||", "||": "&&"}
_TOKEN = re.compile(r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`)|(===|!==|<=|>=|&&|\|\||=>|<<|>>>?|[<>])"""
                    r"""|((?<![\w$.])\d+(?:\.\d+)?(?![\w.]))""")


@dataclass(frozen=True)
class Mutant:
    line: int  # 0-based line of the bundle
    start: int
    end: int
    replacement: str
    operator: str  # "comparison", "logical", "constant", "statement"
    source: tuple[str, int]  # (Python file as the bundle names it, line)

    def apply(self, lines: list[str]) -> str:
        out = list(lines)
        text = out[self.line]
        out[self.line] = text[:self.start] + self.replacement + text[self.end:]
        return "\n".join(out)

    def describe(self, lines: list[str]) -> str:
        text = lines[self.line]
        return (f"{self.source[0]}:{self.source[1]} ({self.operator}): {text[self.start:self.end]!r} -> "
                f"{self.replacement!r} in {text.strip()[:100]!r}")


@contextmanager
def python_line_marks() -> Iterator[None]:
    """Compile with the first JavaScript line of every statement marked ``/*py:N*/``."""
    from .statements import StatementMixin

    original = StatementMixin.stmt

    def marked(self, node):
        lines = original(self, node)
        for i, line in enumerate(lines):
            if line.strip():
                lines = list(lines)
                lines[i] = f"{line} /*py:{node.lineno}*/"
                break
        return lines

    StatementMixin.stmt = marked
    try:
        yield
    finally:
        StatementMixin.stmt = original


def marked_bundle(module: str | Path) -> tuple[str, str]:
    """(marked JavaScript, the real bundle's JavaScript); raises if they differ beyond the marks."""
    from .bundle import compile_module

    real = compile_module(module).js
    with python_line_marks():
        marked = compile_module(module).js
    if MARK.sub("", marked) != real:
        raise AssertionError(f"{module}: the marked bundle is not the real bundle plus marks")
    return marked, real


def line_sources(marked: str) -> list[tuple[str, int] | None]:
    """For each bundle line, the (file, Python line) it was compiled from, or None (runtime helpers,
    declarations before a function's first statement)."""
    out: list[tuple[str, int] | None] = []
    section, current = None, None
    for line in marked.splitlines():
        header = SECTION.match(line)
        if header:
            section, current = header.group(1), None
        elif line.startswith("function ") or line.startswith("async function "):
            current = None
        found = MARK.search(line)
        if found and section is not None:
            current = int(found.group(1))
        out.append((section, current) if section is not None and current is not None else None)
    return out


DECLARATION = re.compile(r"^(KIND|NAME|DESCRIPTION|SETTINGS) = ")
# A function's signature record for calls bound at run time (module.py: `$sig(f, [...])` after each
# def): only a keyword call through a name the compiler could not resolve reads it, so in a module
# whose dynamic calls are positional (sprig.py's HANDLERS[kind](event, settings)) every mutant of it
# is equivalent. test_check_mutants.py holds a keyword call through such a name to catching them.
SIGNATURE = re.compile(r"^\s*\$sig\(")


def binds_by_keyword(bundle: str) -> bool:
    """Whether ``bundle`` makes a call bound at run time with keyword arguments (``$call(f, pos, kw)``
    with a ``kw`` other than ``null``), the one use of a ``$sig`` record's parameter names and defaults.
    Only the module's own lines count (those marked with their Python line), not the runtime's."""
    bundle = "\n".join(line for line in bundle.splitlines() if MARK.search(line))
    for found in re.finditer(r"\$call\(", bundle):
        depth, commas, i = 0, 0, found.end()
        while i < len(bundle):
            char = bundle[i]
            if char in "\"'`":
                string = _TOKEN.match(bundle, i)
                i = string.end() if string and string.group(1) else i + 1
                continue
            if char in "([{":
                depth += 1
            elif char in ")]}":
                if depth == 0:
                    break
                depth -= 1
            elif char == "," and depth == 0:
                commas += 1
                if commas == 2 and not bundle.startswith("null)", i + 1 + (bundle[i + 1] == " ")):
                    return True
            i += 1
    return False


def sites(marked: str, reached: dict[str, set[int]]) -> list[Mutant]:
    """Every mutant of a line whose Python line is in ``reached`` (file as the bundle names it ->
    lines executed). The module's declarations (KIND, NAME, DESCRIPTION, SETTINGS) are left alone:
    they go to the manifest, and no handler reads them, so their mutants are equivalent; so are the
    signature records (``SIGNATURE``) of a module that never binds a call by keyword at run time."""
    lines = marked.splitlines()
    sources = line_sources(marked)
    binds_at_run_time = binds_by_keyword(marked)
    out: list[Mutant] = []
    for number, (text, source) in enumerate(zip(lines, sources)):
        if (source is None or source[1] not in reached.get(source[0], ()) or DECLARATION.match(text)
                or (SIGNATURE.match(text) and not binds_at_run_time)):
            continue
        code = MARK.sub("", text)
        for match in _TOKEN.finditer(code):
            string, operator, number_text = match.groups()
            if operator in COMPARISONS:
                out.append(Mutant(number, match.start(2), match.end(2), COMPARISONS[operator], "comparison", source))
            elif operator in LOGICAL:
                out.append(Mutant(number, match.start(2), match.end(2), LOGICAL[operator], "logical", source))
            elif number_text is not None:
                value = float(number_text)
                new = "1" if value == 0 else str(int(value) + 1) if value.is_integer() else f"{value * 2:g}"
                out.append(Mutant(number, match.start(3), match.end(3), new, "constant", source))
            elif string is not None and string[0] == '"':
                new = '"a"' if string == '""' else string[:-1] + '_"'
                out.append(Mutant(number, match.start(1), match.end(1), new, "constant", source))
        stripped = code.strip()
        if (stripped.endswith(";") and not stripped.startswith(("let ", "const ", "var ", "}"))
                and not stripped.endswith("{")):
            indent = len(code) - len(code.lstrip())
            out.append(Mutant(number, indent, len(code), ";", "statement", source))
    return out


def sample(mutants: list[Mutant], count: int, seed: int = 0) -> list[Mutant]:
    if count >= len(mutants):
        return list(mutants)
    return random.Random(seed).sample(mutants, count)


@dataclass
class Score:
    module: str
    mutants: int = 0  # that load
    caught: int = 0
    stillborn: int = 0  # did not even load (a syntax error): not counted
    survivors: list[str] = None

    @property
    def percent(self) -> float:
        return 100.0 * self.caught / self.mutants if self.mutants else 100.0


def reached_by_display(module: str | Path, executed: dict[Path, set[int]]) -> dict[str, set[int]]:
    """Executed lines keyed by the names the bundle's section headers use."""
    from .bundle import _display

    main = Path(module).resolve()
    return {_display(path, main): lines for path, lines in executed.items()}


def score(run, mutants: list[Mutant], real: str, new_harness) -> Score:
    """Replay the check's recorded cases (``run.outcome.ran``) against each mutant of ``real``.

    ``new_harness()`` gives a NodeHarness with an ``answer_timeout``: a mutant that hangs Node is
    caught (Segment's timeout would stop it) and the harness is replaced."""
    from .node import HarnessError

    checker = run.checker
    original = checker.harness
    lines = real.splitlines()
    result = Score(checker.bundle.module, survivors=[])
    harness = new_harness()
    try:
        for mutant in mutants:
            try:
                bundle_id, _ = harness.load(mutant.apply(lines), filename="mutant.js")
            except HarnessError:
                result.stillborn += 1
                continue
            result.mutants += 1
            checker.harness = harness
            caught = False
            try:
                for start in range(0, len(run.outcome.ran), 64):
                    chunk = run.outcome.ran[start:start + 64]
                    sides = checker.node([case for case, _ in chunk], bundle_id)
                    if any(checker.compare(case, py, js) for (case, py), js in zip(chunk, sides)):
                        caught = True
                        break
                harness.unload(bundle_id)
            except HarnessError:
                caught = True
                harness.close()
                harness = new_harness()
            if caught:
                result.caught += 1
            else:
                result.survivors.append(mutant.describe(lines))
    finally:
        harness.close()
        checker.harness = original
    return result
