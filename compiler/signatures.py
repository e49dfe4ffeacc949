"""Types of parameters and return values of module functions, learned from every call.

A function of the main module that is only ever called by its name (never passed, stored, rebound or
declared ``global``) has all its callers in the module, so a parameter's type is the union of what
those calls pass. Handlers have Segment as one more caller: it passes the event object and the
settings object (``onBatch``: a list of events and the settings).

The bundle is compiled in passes. The first assumes no call reaches any parameter and no function
returns anything (``never``); each pass records what its calls pass and its functions return, and the
next assumes the union. A pass that records nothing its assumptions did not cover relied only on
facts that hold, and its output is the one kept. A module that has not settled after a few passes is
compiled once more with no assumptions (every parameter ``any``), which is always safe.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from .scope import NEVER, union
from .symbols import FuncInfo

SEGMENT_ARGS = {"on_batch": ("list", "dict")}  # what Segment passes a handler; the others get (event, settings)
DEFAULT_SEGMENT_ARGS = ("dict", "dict")


def closed_functions(tree: ast.Module, functions: set[str]) -> set[str]:
    """The names in ``functions`` that appear in ``tree`` only as the callee of a call."""
    callees = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    escaped: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in functions and id(node) not in callees:
            escaped.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            escaped.update(set(node.names) & functions)
    return functions - escaped


def tracked_params(info: FuncInfo) -> list[str]:
    """The parameters a call binds one argument to (not ``*args``/``**kwargs``, typed tuple/dict)."""
    a = info.args
    return [p.arg for p in [*a.posonlyargs, *a.args, *a.kwonlyargs]]


@dataclass
class Signatures:
    """What one pass assumes (``params``, ``returns``, by module-level function key) and what it saw."""

    params: dict[str, dict[str, str]] = field(default_factory=dict)
    returns: dict[str, str] = field(default_factory=dict)
    seen_params: dict[str, dict[str, str]] = field(default_factory=dict)
    seen_returns: dict[str, str] = field(default_factory=dict)
    found: dict[int, str] = field(default_factory=dict)  # id(FuncInfo) -> return type, this pass

    @classmethod
    def start(cls, closed: dict[str, list[str]], functions: list[str]) -> "Signatures":
        """``closed``: each closed function's key and parameters; ``functions``: every module-level key."""
        return cls(params={key: {p: NEVER for p in ps} for key, ps in closed.items()},
                   returns={key: NEVER for key in functions})

    def param_types(self, info: FuncInfo | None) -> dict[str, str]:
        return self.params.get(info.key, {}) if info is not None and info.key else {}

    def return_type(self, info: FuncInfo) -> str:
        if info.key in self.returns:
            return self.returns[info.key]
        return self.found.get(id(info), "any")

    def saw_param(self, info: FuncInfo, param: str, t: str) -> None:
        if info.key in self.params and param in self.params[info.key]:
            seen = self.seen_params.setdefault(info.key, {})
            seen[param] = union([seen.get(param, NEVER), t])

    def saw_return(self, info: FuncInfo, t: str) -> None:
        self.found[id(info)] = t
        if info.key:
            self.seen_returns[info.key] = t

    def saw_segment_call(self, info: FuncInfo) -> None:
        """Segment calls a handler with two positional arguments."""
        positional = [p.arg for p in [*info.args.posonlyargs, *info.args.args]]
        for param, t in zip(positional, SEGMENT_ARGS.get(info.name, DEFAULT_SEGMENT_ARGS)):
            self.saw_param(info, param, t)

    def next(self) -> "Signatures | None":
        """The next pass's assumptions, or None when this pass saw nothing it had not assumed."""
        params = {key: {p: union([t, self.seen_params.get(key, {}).get(p, NEVER)]) for p, t in ps.items()}
                  for key, ps in self.params.items()}
        returns = {key: union([t, self.seen_returns.get(key, NEVER)]) for key, t in self.returns.items()}
        if params == self.params and returns == self.returns:
            return None
        return Signatures(params=params, returns=returns)
