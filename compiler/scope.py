"""Python's scoping rules, computed before translation: which names a function binds (its locals),
which it declares ``global``/``nonlocal``, and a small static type for expressions.

Types are plain strings: ``str int float num bool none list tuple dict set bytes response datetime
match pattern hash exc func range any``. They only pick faster or more faithful code (a float is
printed with ``.0``); ``any`` is always safe.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

NUMERIC = {"int", "float", "num", "bool"}
NEVER = "never"  # no value reaches here (yet): compiler/signatures.py's starting assumption


def union(types) -> str:
    ts = set(types)
    if len(ts) > 1:
        ts.discard(NEVER)
    if not ts:
        return "any"
    if len(ts) == 1:
        return ts.pop()
    if ts <= {"int", "float", "num"}:
        return "num"
    return "any"


class LoopItem(ast.expr):
    """What a ``for`` loop binds to a name, for type inference: the iterable's element, or one half
    of it (``part`` 0 or 1) when the target is a pair, ``for k, v in d.items()``."""

    _fields = ("iter",)

    def __init__(self, iter: ast.expr, part: int | None) -> None:
        super().__init__()
        self.iter = iter
        self.part = part


def _targets(target: ast.AST):
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for elt in target.elts:
            yield from _targets(elt)
    elif isinstance(target, ast.Starred):
        yield from _targets(target.value)


@dataclass
class FunctionScope:
    """The names one function (or the module, or a lambda/comprehension) binds."""

    locals: set[str] = field(default_factory=set)
    globals: set[str] = field(default_factory=set)
    nonlocals: set[str] = field(default_factory=set)
    assign_values: dict[str, list[ast.AST | None]] = field(default_factory=dict)  # None: not a plain assignment
    defs: dict[str, int] = field(default_factory=dict)  # name -> number of times bound


class _Binder(ast.NodeVisitor):
    """Collect the bindings of one scope without entering nested scopes."""

    def __init__(self, scope: FunctionScope) -> None:
        self.scope = scope

    def bind(self, name: str, value: ast.AST | None) -> None:
        self.scope.locals.add(name)
        self.scope.assign_values.setdefault(name, []).append(value)
        self.scope.defs[name] = self.scope.defs.get(name, 0) + 1

    def visit_Global(self, node: ast.Global) -> None:
        self.scope.globals.update(node.names)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        self.scope.nonlocals.update(node.names)

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.bind(target.id, node.value)
            else:
                for name in _targets(target):
                    self.bind(name, None)
            self.visit(target)
        self.visit(node.value)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if isinstance(node.target, ast.Name):
            self.bind(node.target.id, node.value)
        if node.value is not None:
            self.visit(node.value)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        if isinstance(node.target, ast.Name):
            self.bind(node.target.id, ast.BinOp(left=ast.Name(node.target.id, ast.Load()), op=node.op,
                                                right=node.value))
        self.visit(node.target)
        self.visit(node.value)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:  # a capture binds what it matched
        if node.name is not None:
            self.bind(node.name, None)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name is not None:
            self.bind(node.name, None)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest is not None:
            self.bind(node.rest, None)
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.bind(node.target.id, node.value)
        self.visit(node.value)

    def visit_For(self, node: ast.For) -> None:
        target = node.target
        if isinstance(target, ast.Name):
            self.bind(target.id, LoopItem(node.iter, None))
        elif isinstance(target, ast.Tuple) and len(target.elts) == 2 and all(isinstance(e, ast.Name) for e in target.elts):
            for part, elt in enumerate(target.elts):
                self.bind(elt.id, LoopItem(node.iter, part))
        else:
            for name in _targets(target):
                self.bind(name, None)
        for child in [node.iter, *node.body, *node.orelse]:
            self.visit(child)

    visit_AsyncFor = visit_For

    def visit_With(self, node: ast.With) -> None:  # refused, but its names are the function's
        for item in node.items:
            if item.optional_vars is not None:
                for name in _targets(item.optional_vars):
                    self.bind(name, None)
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.bind(node.name, None)
        for child in node.body:
            self.visit(child)

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self.bind(node.name, None)
        for default in [*node.args.defaults, *[d for d in node.args.kw_defaults if d is not None]]:
            self.visit(default)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.bind(node.name, None)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        for default in node.args.defaults:
            self.visit(default)

    def _comprehension(self, node) -> None:
        # the first iterable is evaluated in this scope; walrus targets inside bind here too
        self.visit(node.generators[0].iter)
        for sub in ast.walk(node):
            if isinstance(sub, ast.NamedExpr):
                self.bind(sub.target.id, None)

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.bind((alias.asname or alias.name).split(".")[0], None)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        for alias in node.names:
            self.bind(alias.asname or alias.name, None)


def function_scope(node: ast.AST) -> FunctionScope:
    """Bindings of a function, lambda, or module body."""
    scope = FunctionScope()
    binder = _Binder(scope)
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
        args = node.args
        for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
            scope.locals.add(arg.arg)
            scope.assign_values.setdefault(arg.arg, []).append(None)
        for arg in (args.vararg, args.kwarg):
            if arg is not None:
                scope.locals.add(arg.arg)
                scope.assign_values.setdefault(arg.arg, []).append(
                    ast.Tuple([], ast.Load()) if arg is args.vararg else ast.Dict([], []))
        body = [node.body] if isinstance(node, ast.Lambda) else node.body
    else:
        body = node.body
    for stmt in body:
        binder.visit(stmt)
    scope.locals -= scope.globals | scope.nonlocals
    return scope
