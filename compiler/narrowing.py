"""Types learned from guards: after ``if not isinstance(x, dict): raise ...`` the rest of the block
knows ``x`` is a dict, so its ``.get``, ``[]`` and ``in`` compile to plain JavaScript; so does the body
of ``if isinstance(x, dict):`` (and the ``else`` of ``if not isinstance(...)``).

Only what cannot be undone is learned: ``x`` must be a local of the function being compiled (a
closure reading it later might see another value), the guard's body must always leave the block
(``return``, ``raise``, ``continue``, ``break``), and no later statement of the block, nor any nested
function (``nonlocal``), may rebind ``x``.
"""

from __future__ import annotations

import ast
import contextlib
import functools

GUARD_TYPES = {"dict": "dict", "str": "str", "list": "list", "float": "float"}
EXITS = (ast.Return, ast.Raise, ast.Continue, ast.Break)


def bound_names(nodes) -> set[str]:
    """Every name the statements bind or declare ``nonlocal``/``global``, nested scopes included."""
    names: set[str] = set()
    for node in nodes:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and isinstance(sub.ctx, (ast.Store, ast.Del)):
                names.add(sub.id)
            elif isinstance(sub, (ast.Nonlocal, ast.Global)):
                names.update(sub.names)
            elif isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(sub.name)
            elif isinstance(sub, ast.ExceptHandler) and sub.name:
                names.add(sub.name)
            elif isinstance(sub, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in sub.names)
    return names


@functools.lru_cache(maxsize=4096)  # asked once per compile pass of the same tree
def rebound_by_nested(function: ast.AST) -> frozenset[str]:
    """Names some function nested in ``function`` declares ``nonlocal`` (and so may rebind later)."""
    return frozenset(name for sub in ast.walk(function) if isinstance(sub, ast.Nonlocal) for name in sub.names)


class NarrowingMixin:
    def guard_types(self, stmt: ast.stmt, rest: list[ast.stmt]) -> dict[str, str]:
        """What ``stmt``, a guard, proves for the statements after it in its block."""
        if not (isinstance(stmt, ast.If) and not stmt.orelse and stmt.body and isinstance(stmt.body[-1], EXITS)):
            return {}
        test = stmt.test
        terms = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or) else [test]
        learned: dict[str, str] = {}
        for term in terms:  # after the if, every term of the `or` was false
            found = self._isinstance_term(term)
            if found is not None and found[2]:
                learned[found[0]] = found[1]
        if not learned:
            return {}
        unsafe = bound_names(rest) | self.frame.rebound_by_nested
        return {name: t for name, t in learned.items() if name not in unsafe}

    def branch_types(self, node: ast.If) -> tuple[dict[str, str], dict[str, str]]:
        """What an ``if``'s test proves in its body and in its ``else``, when the branch cannot rebind it."""
        test = node.test
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):  # the body runs when every term held
            found = [f for f in map(self._isinstance_term, test.values) if f is not None and not f[2]]
            unsafe = bound_names(node.body) | self.frame.rebound_by_nested
            return {name: t for name, t, _ in found if name not in unsafe}, {}
        found = self._isinstance_term(test)
        if found is None:
            return {}, {}
        name, t, negated = found
        if name in bound_names(node.orelse if negated else node.body) | self.frame.rebound_by_nested:
            return {}, {}
        return ({}, {name: t}) if negated else ({name: t}, {})

    @contextlib.contextmanager
    def narrowed_by(self, held: list[ast.AST], rest: list[ast.AST]):
        """While compiling a term of an ``and``: the ``isinstance`` terms before it (``held``) held, for
        the names no term from it on (``rest``) rebinds."""
        found = [f for f in map(self._isinstance_term, held) if f is not None and not f[2]]
        if not found:
            yield
            return
        unsafe = bound_names(rest) | self.frame.rebound_by_nested
        outer = self.frame.narrowed
        self.frame.narrowed = {**outer, **{name: t for name, t, _ in found if name not in unsafe}}
        try:
            yield
        finally:
            self.frame.narrowed = outer

    def _isinstance_term(self, term: ast.AST) -> tuple[str, str, bool] | None:
        """``[not] isinstance(NAME, dict|str|list)`` on a local of this function: (NAME, type, negated)."""
        negated = isinstance(term, ast.UnaryOp) and isinstance(term.op, ast.Not)
        call = term.operand if negated else term
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "isinstance"
                and len(call.args) == 2 and not call.keywords and isinstance(call.args[0], ast.Name)
                and isinstance(call.args[1], ast.Name) and call.args[1].id in GUARD_TYPES):
            return None
        for name in ("isinstance", call.args[1].id):
            sym = self.lookup(name, quiet=True)
            if sym is None or sym.kind != "builtin":
                return None
        sym = self.lookup(call.args[0].id, quiet=True)
        if sym is None or sym.kind != "local" or sym.frame is not self.frame:
            return None
        return call.args[0].id, GUARD_TYPES[call.args[1].id], negated
