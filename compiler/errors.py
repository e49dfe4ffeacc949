"""Compile errors: every problem of a file at once, each ``file:line:col: message`` with a caret.

``CompileError`` is a ``ConfigError`` (exit 2 at the command line), like lark's caret errors.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from segfn.emulator.errors import ConfigError


@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    col: int  # 1-based, in characters
    message: str
    source_line: str = ""

    def render(self) -> str:
        head = f"{self.path}:{self.line}:{self.col}: {self.message}"
        if not self.source_line:
            return head
        return f"{head}\n    {self.source_line}\n    {' ' * (self.col - 1)}^"


class CompileError(ConfigError):
    """The module uses Python the compiler cannot translate faithfully."""

    def __init__(self, problems: list[Problem]) -> None:
        self.items = sorted(set(problems), key=lambda p: (p.path, p.line, p.col, p.message))
        super().__init__([p.render() for p in self.items])


class Reject(Exception):
    """Raised inside the compiler for one construct; collected into a Problem by the caller."""

    def __init__(self, node: ast.AST | None, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.message = message


class Quiet(Reject):
    """A construct built on something already reported (a name whose import was refused): not
    reported again."""

    def __init__(self, node: ast.AST | None) -> None:
        super().__init__(node, "")


def problem_at(path: str, lines: list[str], node: ast.AST | None, message: str) -> Problem:
    """A Problem at ``node``'s position (ast columns are UTF-8 byte offsets; carets count characters)."""
    line = getattr(node, "lineno", 1) or 1
    offset = getattr(node, "col_offset", 0) or 0
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    col = len(text.encode("utf-8")[:offset].decode("utf-8", "replace")) + 1
    return Problem(path, line, col, message, text.rstrip("\n"))
