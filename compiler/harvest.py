"""Constants a function module compares against, read from its AST: the check's dictionary, the way
fuzzers use one (AFL's ``-x``, libFuzzer's ``-dict``).

Harvested, per line: string literals in ``==``/``!=``/``in``/``not in`` comparisons (and the items of
a literal tuple, list or set on either side), the arguments of ``startswith``/``endswith``, the
separators of ``split``, dict keys the module reads (``x.get("k")``, ``x["k"]``, and each string of
a literal tuple a loop reads keys with), numbers compared
against, and module-level constants (``MAX_LENGTH = 255``, a tuple of markers). Also the key paths
read from ``await res.json()`` results, which shape generated HTTP answer bodies.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


DECLARATIONS = {"KIND", "NAME", "DESCRIPTION", "SETTINGS"}  # what a module declares, not compares against


@dataclass
class Harvest:
    strings: set[str] = field(default_factory=set)
    numbers: set[int | float] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)  # dict keys the module reads
    body_paths: set[tuple[str, ...]] = field(default_factory=set)  # keys read from res.json()
    catches: set[str] = field(default_factory=set)  # exception names in except clauses
    fetches: bool = False  # the module calls fetch
    by_line: dict[int, set] = field(default_factory=dict)  # line -> constants of the condition there

    def merge(self, other: "Harvest") -> None:
        self.strings |= other.strings
        self.numbers |= other.numbers
        self.keys |= other.keys
        self.body_paths |= other.body_paths
        self.catches |= other.catches
        self.fetches = self.fetches or other.fetches
        for key, lines in other.key_lines.items():
            self.key_lines.setdefault(key, set()).update(lines)
        for line, values in other.by_line.items():
            self.by_line.setdefault(line, set()).update(values)

    key_lines: dict[str, set[int]] = field(default_factory=dict)  # key -> lines that read it

    def for_key(self, key: str, after: int = 3) -> list:
        """Constants on the lines reading ``key`` and just below (``scheme = settings.get("authScheme")``
        then ``if scheme not in ("API-Key", "Bearer")``): the values worth giving that setting."""
        out: set = set()
        for line in self.key_lines.get(key, ()):
            for at in range(line, line + after + 1):
                out |= {v for v in self.by_line.get(at, ()) if v != key}
        return sorted(out, key=repr)

    def near(self, lines: set[int], distance: int = 3) -> list:
        """Constants of the conditions on or just above ``lines`` (what decides whether they run)."""
        out: set = set()
        for line in lines:
            for at in range(line - distance, line + 1):
                out |= self.by_line.get(at, set())
        return sorted(out, key=repr)


def _literals(node: ast.AST) -> list:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float)) and not isinstance(node.value, bool):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [v for elt in node.elts for v in _literals(elt)]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        value = node.operand.value
        return [-value] if isinstance(value, (int, float)) and not isinstance(value, bool) else []
    return []


def _key_of(node: ast.AST) -> str | None:
    """The constant key of ``x["k"]`` or ``x.get("k", ...)``."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        return node.slice.value
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
            and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
        return node.args[0].value
    return None


def _loop_keys(tree: ast.AST) -> list[tuple[str, int]]:
    """``(key, line)`` for each string a loop over a literal tuple or list reads as a key:
    ``for key in ("timestamp", "receivedAt"): event.get(key)`` (and the same in a comprehension)."""
    out = []
    loops = [(n.target, n.iter, n.body) for n in ast.walk(tree) if isinstance(n, (ast.For, ast.AsyncFor))]
    loops += [(g.target, g.iter, [n]) for n in ast.walk(tree)
              if isinstance(n, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)) for g in n.generators]
    for target, iterable, body in loops:
        if not (isinstance(target, ast.Name) and isinstance(iterable, (ast.Tuple, ast.List, ast.Set))):
            continue
        names = [e.value for e in iterable.elts if isinstance(e, ast.Constant) and isinstance(e.value, str)]
        for node in (inner for statement in body for inner in ast.walk(statement)):
            key = None
            if isinstance(node, ast.Subscript):
                key = node.slice
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
                key = node.args[0]
            if isinstance(key, ast.Name) and key.id == target.id:
                out += [(name, node.lineno) for name in names]
    return out


def _base(node: ast.AST) -> ast.AST | None:
    if isinstance(node, ast.Subscript):
        return node.value
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        return node.func.value
    return None


def _is_json_call(node: ast.AST) -> bool:
    """``await res.json()`` or ``json.loads(...)``: a parsed answer body."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "loads":
        return isinstance(node.func.value, ast.Name) and node.func.value.id == "json"
    value = node.value if isinstance(node, ast.Await) else None
    return (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "json"
            and not value.args)


def harvest_source(source: str) -> Harvest:
    out = Harvest()
    tree = ast.parse(source)

    def add(line: int, values: list) -> None:
        for v in values:
            if isinstance(v, str):
                out.strings.add(v)
            else:
                out.numbers.add(v)
        if values:
            out.by_line.setdefault(line, set()).update(values)

    json_names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _is_json_call(node.value):
            json_names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    for node in ast.walk(tree):
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            for part in [node.left, *node.comparators]:
                add(line, _literals(part))
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("startswith", "endswith", "split", "rsplit", "partition", "find", "index",
                                  "count", "replace", "removeprefix", "removesuffix"):
                add(line, [v for a in node.args[:1] for v in _literals(a)])
        elif isinstance(node, (ast.If, ast.While, ast.IfExp)):
            add(line, [v for sub in ast.walk(node.test) for v in _literals(sub)
                       if isinstance(sub, (ast.Constant, ast.Tuple, ast.List, ast.Set))])
        elif (isinstance(node, ast.Assign) and getattr(node, "col_offset", 1) == 0
              and not any(isinstance(t, ast.Name) and t.id in DECLARATIONS for t in node.targets)):
            add(line, [v for v in _literals(node.value) if not isinstance(v, str) or len(v) <= 100])  # MAX = 255
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "fetch":
            out.fetches = True
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            for name in ast.walk(node.type):
                if isinstance(name, ast.Name):
                    out.catches.add(name.id)
                    out.by_line.setdefault(line, set()).add(name.id)
        key = _key_of(node)
        if key is not None:
            out.keys.add(key)
            out.key_lines.setdefault(key, set()).add(line)
            out.by_line.setdefault(line, set()).add(key)
            path, inner = [key], _base(node)
            while inner is not None and _key_of(inner) is not None:
                path.insert(0, _key_of(inner))
                inner = _base(inner)
            if isinstance(inner, ast.Name) and inner.id in json_names:
                out.body_paths.add(tuple(path))
    for key, line in _loop_keys(tree):
        out.keys.add(key)
        out.key_lines.setdefault(key, set()).add(line)
        out.by_line.setdefault(line, set()).add(key)
    return out


def harvest_files(paths: list[Path]) -> Harvest:
    out = Harvest()
    for path in paths:
        out.merge(harvest_source(path.read_text(encoding="utf-8")))
    return out
