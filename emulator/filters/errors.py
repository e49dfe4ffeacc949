"""What the filter engine raises.

::

    SegfnError
    └── FilterError
        ├── FQLSyntaxError     FQL text that does not compile (column, caret, the 5 KB limit)
        ├── RuleError          a filter or routing rule whose shape is wrong (found when loading)
        └── EvaluationError    what @segment/tsub would throw while running a rule on an event
                               (``in`` over a missing list, an unknown IR token, a null parent ...);
                               Segment then does not deliver the event
"""

from __future__ import annotations

from ..errors import SegfnError


class FilterError(SegfnError):
    """Base of the filter engine's errors."""


class FQLSyntaxError(FilterError):
    """FQL that does not compile. ``str()`` shows the message, then the line with a caret under it."""

    def __init__(self, message: str, text: str, offset: int | None) -> None:
        self.message = message
        self.text = text
        self.offset = offset
        if offset is None:
            self.line = self.column = None
        else:
            self.line = text.count("\n", 0, offset) + 1
            self.column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.offset is None:
            return f"FQL error: {self.message}"
        where = f"line {self.line}, column {self.column}" if "\n" in self.text else f"column {self.column}"
        source = self.text.split("\n")[self.line - 1]
        pad = "".join(c if c == "\t" else " " for c in source[: self.column - 1])
        return f"FQL syntax error at {where}: {self.message}\n    {source}\n    {pad}^"


class RuleError(FilterError):
    """A filter or routing rule with the wrong shape; ``path`` says where (``filters[0].actions``)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


class EvaluationError(FilterError):
    """Where tsub throws at run time. Segment logs it and does not deliver the event."""
