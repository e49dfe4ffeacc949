"""One Python module compiled to JavaScript: its imports, module-level code, functions and exception
classes. The main module's handlers become Segment's top-level ``async function onTrack(event,
settings)`` declarations; helper modules become scopes inside the same bundle."""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass, field
from pathlib import Path

from .calls import BUILTINS, METHODS, REJECTED_BUILTINS, CallMixin
from .errors import Problem, Reject, problem_at
from .expressions import ExpressionMixin, js_str
from .names import HANDLERS, js_name
from .narrowing import NarrowingMixin
from .regex import FLAG_NAMES
from .scope import function_scope
from .signatures import Signatures
from .statements import StatementMixin
from .symbols import BUILTIN_EXCEPTIONS, RUNTIME_MODULES, RUNTIME_NAMES, ClassInfo, Frame, FuncInfo, Symbol

STD_MODULES = {"copy", "json", "re", "datetime", "base64", "hashlib", "urllib", "urllib.parse", "math", "time"}
STD_NAMES = {
    "copy.deepcopy", "copy.copy", "json.dumps", "json.loads", "json.JSONDecodeError",
    "re.compile", "re.match", "re.search", "re.fullmatch", "re.sub", "re.subn", "re.split", "re.findall",
    "re.finditer", "re.escape", "datetime.datetime", "datetime.timezone", "datetime.timezone.utc",
    "datetime.datetime.fromisoformat", "datetime.datetime.fromtimestamp", "datetime.datetime.now",
    "datetime.datetime.utcnow", "datetime.date", "datetime.date.today", "base64.b64encode", "base64.b64decode",
    "base64.urlsafe_b64encode", "base64.urlsafe_b64decode", "hashlib.md5", "hashlib.sha1", "hashlib.sha256",
    "urllib.parse", "urllib.parse.quote", "urllib.parse.quote_plus", "urllib.parse.unquote",
    "urllib.parse.unquote_plus", "urllib.parse.urlencode", "math.floor", "math.ceil", "math.trunc", "math.sqrt",
    "math.isnan", "math.isinf", "math.isfinite", "math.pi", "math.e", "math.inf", "math.nan", "time.time",
} | {f"re.{f}" for f in FLAG_NAMES}
IGNORED_MODULES = {"__future__", "typing"}
MANIFEST_NAMES = {"KIND", "NAME", "SETTINGS"}
BUILTIN_METHOD_NAMES = set(METHODS) | {"pop", "sort", "update", "format"}  # compiled to the builtin's helper


@functools.lru_cache(maxsize=256)  # asked once per compile pass of the same tree
def declared_global(tree: ast.Module) -> frozenset[str]:
    """Names some function of the module declares ``global`` (and so may rebind)."""
    return frozenset(name for sub in ast.walk(tree) if isinstance(sub, ast.Global) for name in sub.names)


@dataclass
class ModuleUnit:
    """A module of the bundle: the main function module or a helper module in functions/."""

    path: Path
    dotted: str  # functions.sprig
    js: str  # prefix of its module-level names in the bundle ("" for the main module)
    tree: ast.Module
    lines: list[str]
    main: bool
    symbols: dict[str, Symbol] = field(default_factory=dict)
    imports: list[str] = field(default_factory=list)  # dotted names of helper modules it imports
    exports: list[str] = field(default_factory=list)


class ModuleCompiler(ExpressionMixin, CallMixin, StatementMixin, NarrowingMixin):
    """Translates one module; ``problems`` collects every error instead of stopping at the first."""

    def __init__(self, unit: ModuleUnit, units: dict[str, ModuleUnit], problems: list[Problem],
                 counter: list[int]) -> None:
        self.unit = unit
        self.units = units
        self.problems = problems
        self.module = self
        self.signatures = Signatures()  # what calls pass; compile_module sets the pass's assumptions
        self.global_types: dict[str, str] = {}
        self.safe_globals: set[str] = set()
        self.methods_used: set[str] = set()
        scope = function_scope(unit.tree)
        self.scope = scope
        self.frame = Frame(kind="module", scope=scope, counter=counter)

    def gjs(self, name: str) -> str:
        """The bundle-level JavaScript name of one of this module's module-level names."""
        return self.unit.js + js_name(name) if self.unit.js else js_name(name)

    # --- problems -------------------------------------------------------------------------------
    def report(self, exc: Reject) -> None:
        self.problems.append(problem_at(str(self.unit.path), self.unit.lines, exc.node, exc.message))

    # --- names ----------------------------------------------------------------------------------
    def lookup(self, name: str, node: ast.AST | None = None, quiet: bool = False, store: bool = False) -> Symbol | None:
        frame = self.frame
        while frame is not None:
            if frame.kind == "module":
                break
            if name in frame.scope.globals:
                frame = None
                break
            if name in frame.scope.locals:
                if not store and name in frame.funcs and frame.scope.defs.get(name) == 1:
                    return Symbol("func", frame.funcs[name].js, frame.funcs[name], frame)
                return Symbol("local", js_name(name), frame=frame)
            if name in frame.scope.nonlocals:
                frame = frame.parent
                while frame is not None and frame.kind == "comprehension":
                    frame = frame.parent
                continue
            frame = frame.parent
        sym = self.unit.symbols.get(name)
        if sym is not None:
            if store and sym.kind not in ("global",):
                if sym.kind in ("func", "class") and self.frame.kind == "module":
                    return Symbol("global", sym.js)
            return sym
        if name in BUILTINS or name in BUILTIN_EXCEPTIONS or name in REJECTED_BUILTINS:
            if store:
                if quiet:
                    return None
                raise Reject(node, f"assigning to the builtin {name!r} is not supported")
            return Symbol("builtin", name)
        if quiet:
            return None
        raise Reject(node, f"name {name!r} is not defined")

    def std_name(self, node: ast.AST) -> str | None:
        """The qualified stdlib name an expression like ``datetime.datetime.fromisoformat`` denotes."""
        if isinstance(node, ast.Name):
            sym = self.lookup(node.id, quiet=True)
            if sym is not None and sym.kind == "std":
                return sym.info
            return None
        if isinstance(node, ast.Attribute):
            base = self.std_name(node.value)
            if base is None:
                return None
            qual = f"{base}.{node.attr}"
            if qual not in STD_NAMES and qual not in STD_MODULES:
                raise Reject(node, f"{qual} is not in the supported standard library subset (docs/python-subset.md)")
            return qual
        return None

    def helper_member(self, node: ast.Attribute) -> Symbol | None:
        if isinstance(node.value, ast.Name):
            sym = self.lookup(node.value.id, quiet=True)
            if sym is not None and sym.kind == "module":
                unit = self.units[sym.info]
                member = unit.symbols.get(node.attr)
                if member is None or node.attr not in unit.exports:
                    raise Reject(node, f"module {unit.dotted} has no attribute {node.attr!r}")
                return member
        return None

    def module_attribute(self, node: ast.Attribute) -> str | None:
        member = self.helper_member(node)
        if member is not None:
            if member.kind in ("func", "class"):
                return member.info.js
            return member.js
        qual = self.std_name(node)
        if qual is not None:
            return self.std_value(qual, node)
        return None

    def module_callable(self, node: ast.Attribute):
        member = self.helper_member(node)
        if member is not None:
            if member.kind in ("func", "class"):
                return member.kind, member.info
            return None
        qual = self.std_name(node)
        if qual is not None:
            return "std", qual
        return None

    def constant_str(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            values = self.scope.assign_values.get(node.id)
            sym = self.lookup(node.id, quiet=True)
            if sym is not None and sym.kind == "global" and values and len(values) == 1 and values[0] is not None:
                return self.constant_str(values[0])
        return None

    # --- module level -----------------------------------------------------------------------------
    def declare(self) -> None:
        """First pass: what every module-level name is (functions, classes, imports, globals)."""
        tree = self.unit.tree
        for stmt in tree.body:
            try:
                self._declare(stmt)
            except Reject as exc:
                self.report(exc)
        for name in self.scope.locals:
            if name not in self.unit.symbols:
                self.unit.symbols[name] = Symbol("global", self.gjs(name))
        self.unit.exports = sorted(n for n, s in self.unit.symbols.items()
                                   if s.kind in ("global", "func", "class") and n not in MANIFEST_NAMES)

    def _declare(self, stmt: ast.stmt) -> None:
        symbols = self.unit.symbols
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if self.scope.defs.get(stmt.name, 0) != 1:
                return
            is_async = isinstance(stmt, ast.AsyncFunctionDef)
            js = self.gjs(stmt.name)
            if self.unit.main and stmt.name in HANDLERS and is_async:
                js = HANDLERS[stmt.name]
            symbols[stmt.name] = Symbol("func", js, FuncInfo(stmt.name, js, stmt.args, is_async, stmt, key=js))
        elif isinstance(stmt, ast.ClassDef):
            symbols[stmt.name] = Symbol("class", self.gjs(stmt.name), self._class_info(stmt))
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:
                self._import_module(alias.name, alias.asname, stmt)
        elif isinstance(stmt, ast.ImportFrom):
            self._import_from(stmt)

    def _class_info(self, node: ast.ClassDef) -> ClassInfo:
        if len(node.bases) != 1 or node.keywords:
            raise Reject(node, "an exception class must have exactly one base class")
        base_node = node.bases[0]
        base: ClassInfo | str
        if isinstance(base_node, ast.Name) and base_node.id in self.unit.symbols and self.unit.symbols[base_node.id].kind == "class":
            base = self.unit.symbols[base_node.id].info
        elif isinstance(base_node, ast.Name) and base_node.id in BUILTIN_EXCEPTIONS and base_node.id not in self.unit.symbols:
            base = base_node.id
        elif isinstance(base_node, ast.Name) and self.unit.symbols.get(base_node.id, Symbol("x")).kind == "runtime" \
                and self.unit.symbols[base_node.id].js in ("RetryError", "ValidationError", "InvalidEventPayload",
                                                           "EventNotSupported", "DropEvent"):
            base = self.unit.symbols[base_node.id].js
        elif isinstance(base_node, ast.Attribute) and self.module_callable(base_node) and self.module_callable(base_node)[0] == "class":
            base = self.module_callable(base_node)[1]
        else:
            raise Reject(base_node, "only exception classes are supported: the base must be Exception, another "
                                    "exception class, or one of Segment's error classes")
        info = ClassInfo(node.name, self.gjs(node.name), base)
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if item.name == "__init__":
                    info.init = FuncInfo("__init__", "__init__", item.args, False, item)
                info.methods.add(item.name)
            elif isinstance(item, ast.Assign):
                for t in item.targets:
                    if isinstance(t, ast.Name):
                        info.attrs.add(t.id)
        return info

    def _helper_unit(self, dotted: str, node: ast.AST) -> str:
        if dotted not in self.units:
            raise Reject(node, f"cannot import {dotted}: no such module in functions/")
        self.unit.imports.append(dotted)
        return dotted

    def _import_module(self, name: str, asname: str | None, node: ast.AST) -> None:
        symbols = self.unit.symbols
        if name in IGNORED_MODULES:
            symbols[asname or name] = Symbol("ignored", "", name)
            return
        if name in RUNTIME_MODULES:
            raise Reject(node, f"import names from {name}: from segfn.runtime import fetch, ...")
        if name.startswith("functions."):
            dotted = self._helper_unit(name, node)
            if asname is None:
                raise Reject(node, f"use 'import {name} as <name>' or 'from functions import {name.split('.')[1]}'")
            symbols[asname] = Symbol("module", "", dotted)
            return
        if name in STD_MODULES:
            if asname is None and "." in name:
                symbols[name.split(".")[0]] = Symbol("std", "", name.split(".")[0])
            else:
                symbols[asname or name] = Symbol("std", "", name)
            return
        raise Reject(node, f"the module {name!r} is not supported (allowed: segfn.runtime, your modules in "
                           "functions/, and the standard library subset in docs/python-subset.md)")

    def _import_from(self, node: ast.ImportFrom) -> None:
        symbols = self.unit.symbols
        module = node.module or ""
        if node.level:
            package = self.unit.dotted.rsplit(".", node.level)[0]
            module = f"{package}.{module}" if module else package
        if module in IGNORED_MODULES:
            for alias in node.names:
                symbols[alias.asname or alias.name] = Symbol("ignored", "", module)
            return
        for alias in node.names:
            if alias.name == "*":
                raise Reject(node, "'import *' is not supported: name what you import")
            local = alias.asname or alias.name
            if module in RUNTIME_MODULES:
                if alias.name not in RUNTIME_NAMES:
                    raise Reject(node, f"{module} has no {alias.name!r}")
                symbols[local] = Symbol("runtime", alias.name)
            elif module == "functions":
                if alias.name == "runtime":
                    raise Reject(node, "import names from segfn.runtime: from segfn.runtime import fetch, ...")
                symbols[local] = Symbol("module", "", self._helper_unit(f"functions.{alias.name}", node))
            elif module.startswith("functions."):
                dotted = self._helper_unit(module, node)
                unit = self.units[dotted]
                member = unit.symbols.get(alias.name)
                if member is None:
                    raise Reject(node, f"cannot import {alias.name!r} from {module}")
                if member.kind in ("func", "class"):
                    symbols[local] = member
                elif member.kind == "global":
                    symbols[local] = Symbol("imported", member.js, (dotted, alias.name))
                else:
                    symbols[local] = member
            elif module in STD_MODULES:
                qual = f"{module}.{alias.name}"
                if qual not in STD_NAMES and qual not in STD_MODULES:
                    raise Reject(node, f"{qual} is not in the supported standard library subset (docs/python-subset.md)")
                symbols[local] = Symbol("std", "", qual)
            else:
                raise Reject(node, f"the module {module!r} is not supported (allowed: segfn.runtime, your "
                                   "modules in functions/, and the standard library subset in docs/python-subset.md)")

    # --- module body ------------------------------------------------------------------------------
    def compile_body(self) -> list[str]:
        """The module's code (without the wrapper a helper module gets)."""
        tree = self.unit.tree
        frame = self.frame
        # names assigned unconditionally at module level can be read from functions without a check
        for stmt in tree.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                                 ast.Import, ast.ImportFrom)):
                for sub in ast.walk(stmt) if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else [stmt]:
                    if isinstance(sub, ast.Name) and isinstance(sub.ctx, ast.Store):
                        self.safe_globals.add(sub.id)
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    self.safe_globals.add(stmt.name)
        frame.rebound_by_nested = declared_global(tree)
        self.infer_locals(frame)
        self.global_types = frame.types
        for name, sym in self.unit.symbols.items():
            if sym.kind in ("func", "class", "std", "runtime", "module", "ignored", "imported"):
                frame.assigned.add(name)
        out: list[str] = []
        for stmt in tree.body:
            try:
                out += self.module_stmt(stmt)
            except Reject as exc:
                self.report(exc)
        names = sorted({s.js for n, s in self.unit.symbols.items() if s.kind == "global" and n not in ("SETTINGS",)}
                       | set(frame.temps))
        head = [f"let {', '.join(names)};"] if names else []
        return head + out

    def module_stmt(self, stmt: ast.stmt) -> list[str]:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            return self.import_lines(stmt)
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "SETTINGS" for t in stmt.targets):
            return []  # the settings schema goes to the manifest, never into the bundle
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and stmt.name in self.unit.symbols \
                and self.unit.symbols[stmt.name].kind == "func":
            return self.toplevel_function(stmt)
        if isinstance(stmt, ast.ClassDef):
            if self.unit.symbols.get(stmt.name, None) is None or self.unit.symbols[stmt.name].kind != "class":
                return []  # its declaration was already reported
            return self.class_lines(stmt)
        return self.stmt(stmt)

    def import_lines(self, stmt) -> list[str]:
        out = []
        if isinstance(stmt, ast.ImportFrom):
            for alias in stmt.names:
                sym = self.unit.symbols.get(alias.asname or alias.name)
                if sym is not None and sym.kind == "imported":
                    js = self.gjs(alias.asname or alias.name)
                    self.unit.symbols[alias.asname or alias.name] = Symbol("global", js)
                    out.append(f"{js} = {sym.js};")
        return out

    def toplevel_function(self, node) -> list[str]:
        info: FuncInfo = self.unit.symbols[node.name].info
        pre, lines = self.function_js(node, info.js, declaration=True, info=info)
        out = pre + lines
        if self.unit.main and node.name in HANDLERS and not info.is_async:
            out += [f"async function {HANDLERS[node.name]}(event, settings) {{",
                    f"  return {info.js}(event, settings);", "}"]
        return out

    def class_lines(self, node: ast.ClassDef) -> list[str]:
        info: ClassInfo = self.unit.symbols[node.name].info
        if node.decorator_list:
            raise Reject(node.decorator_list[0], "decorators are not supported")
        base = info.base
        base_js = base.js if isinstance(base, ClassInfo) else self.exception_js(base, node)
        out = [f"class {info.js} extends {base_js} {{",
               "  constructor(...args) { super(); $excInit(this, args); }"]
        after = [f"$excClass({info.js}, {js_str(node.name)});"]
        for item in node.body:
            try:
                if isinstance(item, ast.Expr) and isinstance(item.value, ast.Constant):
                    continue
                if isinstance(item, ast.Pass):
                    continue
                if isinstance(item, ast.FunctionDef):
                    if item.name.startswith("__") and item.name not in ("__init__", "__str__", "__repr__"):
                        raise Reject(item, f"the special method {item.name} is not supported")
                    if item.name in BUILTIN_METHOD_NAMES:
                        raise Reject(item, f"an exception method cannot be named {item.name!r}: .{item.name}() on a "
                                           "value the compiler cannot type is the str/list/dict method")
                    pre, lines = self.function_js(item, js_name(item.name), cls=info)
                    out += pre + ["  " + line for line in lines]
                    continue
                if isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
                    attr = item.targets[0].id
                    value = self.code(item.value)
                    after.append(f"{info.js}.prototype.{js_name(attr)} = {info.js}.{js_name(attr)} = {value};")
                    continue
                raise Reject(item, "an exception class body may hold a docstring, class attributes and methods")
            except Reject as exc:
                self.report(exc)
        out.append("}")
        return out + after
