"""One Python module compiled to JavaScript: its imports, module-level code, functions and exception
classes. The main module's handlers become Segment's top-level ``async function onTrack(event,
settings)`` declarations; helper modules become scopes inside the same bundle."""

from __future__ import annotations

import ast
import functools
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from .calls import BUILTINS, REJECTED_BUILTINS, CallMixin
from .classes import ClassMixin
from .errors import Problem, Quiet, Reject, problem_at
from .expressions import ExpressionMixin, js_str
from .lines import tag, untagged
from .names import HANDLERS, attr_name, js_name
from .narrowing import NarrowingMixin
from .patterns import PatternMixin
from .regex import FLAG_NAMES
from .scope import function_scope
from .signatures import Signatures, closed_functions
from .statements import StatementMixin
from .symbols import BUILTIN_EXCEPTIONS, RUNTIME_MODULES, RUNTIME_NAMES, ClassInfo, Frame, FuncInfo, Symbol

STD_MODULES = {"copy", "json", "re", "datetime", "base64", "hashlib", "hmac", "urllib", "urllib.parse", "math", "time",
               "collections", "itertools", "functools", "logging", "uuid", "random",
               "enum", "dataclasses", "html", "operator"}
STD_NAMES = {
    "copy.deepcopy", "copy.copy", "json.dumps", "json.loads", "json.JSONDecodeError",
    "re.compile", "re.match", "re.search", "re.fullmatch", "re.sub", "re.subn", "re.split", "re.findall",
    "re.finditer", "re.escape", "datetime.datetime", "datetime.timezone", "datetime.timezone.utc",
    "datetime.datetime.fromisoformat", "datetime.datetime.fromtimestamp", "datetime.datetime.now",
    "datetime.datetime.utcnow", "datetime.date", "datetime.date.today", "datetime.datetime.strptime",
    "datetime.datetime.utcfromtimestamp", "datetime.datetime.today", "datetime.date.fromisoformat",
    "datetime.date.fromtimestamp", "datetime.timedelta", "base64.b64encode", "base64.b64decode",
    "base64.urlsafe_b64encode", "base64.urlsafe_b64decode", "hashlib.md5", "hashlib.sha1", "hashlib.sha256",
    "collections.defaultdict", "collections.Counter", "collections.OrderedDict", "itertools.chain",
    "itertools.chain.from_iterable", "itertools.islice", "itertools.groupby", "itertools.product", "functools.reduce",
    "functools.partial", "logging.getLogger", "logging.DEBUG", "logging.INFO", "logging.WARNING", "logging.WARN",
    "logging.ERROR", "logging.CRITICAL", "logging.FATAL", "logging.NOTSET", "logging.debug", "logging.info",
    "logging.warning", "logging.error", "logging.exception", "logging.critical", "logging.log", "uuid.uuid4",
    "uuid.uuid5", "uuid.UUID", "uuid.NAMESPACE_DNS", "uuid.NAMESPACE_URL", "uuid.NAMESPACE_OID", "uuid.NAMESPACE_X500",
    "random.random", "random.randint", "random.randrange", "random.choice", "random.shuffle", "random.uniform",
    "random.getrandbits", "random.sample", "random.choices",
    "hashlib.sha224", "hashlib.sha384", "hashlib.sha512", "hashlib.new", "hmac.new", "hmac.compare_digest", "hmac.digest",
    "urllib.parse", "urllib.parse.quote", "urllib.parse.quote_plus", "urllib.parse.unquote",
    "urllib.parse.unquote_plus", "urllib.parse.urlencode", "urllib.parse.urlparse", "urllib.parse.urlsplit",
    "urllib.parse.urlunparse", "urllib.parse.urlunsplit", "urllib.parse.urljoin", "urllib.parse.urldefrag", "urllib.parse.parse_qs", "urllib.parse.parse_qsl", "math.floor", "math.ceil", "math.trunc", "math.sqrt", "math.fabs", "math.isclose",
    "math.isnan", "math.isinf", "math.isfinite", "math.pi", "math.e", "math.inf", "math.nan", "time.time",
    "enum.Enum", "enum.auto", "enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag",
    "dataclasses.dataclass", "dataclasses.field", "dataclasses.asdict", "dataclasses.astuple", "dataclasses.replace",
    "dataclasses.fields", "dataclasses.is_dataclass", "dataclasses.FrozenInstanceError",
    "html.escape", "operator.itemgetter",
} | {f"re.{f}" for f in FLAG_NAMES}
STD_MODULES.add("asyncio")  # asyncio.gather (compiler/calls.py gather_call)
STD_NAMES.add("asyncio.gather")
IGNORED_MODULES = {"__future__", "typing", "typing_extensions"}
# what to write instead of a standard-library name people reach for
STD_HINTS = {
    "asyncio.sleep": ": to wait and try again, raise RetryError (Segment retries the event later); "
                     "a function that sleeps holds Segment's invocation for nothing",
    **{f"math.{fn}": ": JavaScript's Math.{0} differs from CPython's (the C library's) in the last bit for about one "
                    "value in 40 (measured on 200,000 doubles), and the bundle must answer as CPython does"
       .format(fn) for fn in ("log", "log10", "log2", "log1p", "exp", "expm1", "pow", "sin", "cos", "tan", "atan",
                              "atan2", "asin", "acos", "sinh", "cosh", "tanh", "hypot", "cbrt")},
    "asyncio.run": ": Segment awaits your handlers itself (a local test belongs in tests/, or under "
                   "'if __name__ == \"__main__\":', which the bundle leaves out)",
}
# what a module people reach for is in Segment's runtime
MODULE_HINTS = {
    "requests": ": Segment's runtime has fetch: res = await fetch(url, method=\"POST\", json=body) from segfn.runtime",
    "httpx": ": Segment's runtime has fetch: res = await fetch(url, method=\"POST\", json=body) from segfn.runtime",
    "aiohttp": ": Segment's runtime has fetch: res = await fetch(url, method=\"POST\", json=body) from segfn.runtime",
    "urllib3": ": Segment's runtime has fetch (from segfn.runtime)",
    "os": " (a function reads its configuration from settings, not the environment)",
    "dateutil": " (datetime.fromisoformat and datetime.strptime parse dates)",
    "pytz": " (use datetime.timezone.utc or timezone(timedelta(hours=...)))",
}
MANIFEST_NAMES = {"KIND", "NAME", "SETTINGS"}


@functools.lru_cache(maxsize=256)  # asked once per compile pass of the same tree
def declared_global(tree: ast.Module) -> frozenset[str]:
    """Names some function of the module declares ``global`` (and so may rebind)."""
    return frozenset(name for sub in ast.walk(tree) if isinstance(sub, ast.Global) for name in sub.names)


@functools.lru_cache(maxsize=256)  # asked once per function of the same tree and pass
def escaping_functions(tree: ast.Module) -> frozenset[str]:
    """Module-level functions used otherwise than as the callee of a call (stored, passed, returned)."""
    funcs = {s.name for s in tree.body if isinstance(s, (ast.FunctionDef, ast.AsyncFunctionDef))}
    return frozenset(funcs - closed_functions(tree, funcs))


@functools.lru_cache(maxsize=64)
def _attribute_names(trees: tuple[ast.Module, ...]) -> frozenset[str]:
    names: set[str] = set()
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        names.add(item.name)
                    elif isinstance(item, ast.Assign):
                        names.update(t.id for t in item.targets if isinstance(t, ast.Name))
                    elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                        names.add(item.target.id)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
    return frozenset(names)


def handler_wrapper(name: str, js: str) -> list[str]:
    """Segment's handler ``name`` calling the compiled function ``js``: an error leaving it carries the
    Python file:line of the statement that raised it in its stack (compiler/lines.py)."""
    lines = [f"async function {name}(event, settings) {{",
             f"  try {{ return await {js}(event, settings); }} catch (e) {{ throw $pyTrace(e); }}", "}"]
    return untagged(lines)  # no Python line of its own: the trace starts at the handler's statements


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


class ModuleCompiler(ExpressionMixin, CallMixin, StatementMixin, PatternMixin, NarrowingMixin, ClassMixin):
    """Translates one module; ``problems`` collects every error instead of stopping at the first."""

    def __init__(self, unit: ModuleUnit, units: dict[str, ModuleUnit], problems: list[Problem],
                 counter: list[int]) -> None:
        self.unit = unit
        self.units = units
        self.file_index = list(units).index(unit.dotted) if unit.dotted in units else 0  # compiler/lines.py
        self.problems = problems
        self.module = self
        self.signatures = Signatures()  # what calls pass; compile_module sets the pass's assumptions
        self.global_types: dict[str, str] = {}
        self.safe_globals: set[str] = set()
        self.methods_used: set[str] = set()
        self.class_names: dict[str, str] | None = None  # class attributes defined so far, while a class body compiles
        self.class_context: list[str] = []  # the classes whose body is being compiled (private name mangling)
        self._auto_values: dict = {}  # enum.auto() values given so far
        self.handler_aliases: dict[str, FuncInfo] = {}
        self.coroutine_ok: set[int] = set()  # ids of coroutine calls asyncio.gather awaits (calls.py)
        self.tainted: set[tuple] = set()  # names assigned from a refused import (expressions.py)
        # StopIteration can leave a coroutine or a generator (which CPython turns into RuntimeError)
        self.stop_iteration = any(isinstance(n, ast.Name) and n.id in ("next", "StopIteration")
                                  for u in units.values() for n in ast.walk(u.tree))  # on_track = send: the handler's function
        scope = function_scope(unit.tree)
        self.scope = scope
        self.frame = Frame(kind="module", scope=scope, counter=counter)

    def gjs(self, name: str) -> str:
        """The bundle-level JavaScript name of one of this module's module-level names."""
        return self.unit.js + js_name(name) if self.unit.js else js_name(name)

    # --- problems -------------------------------------------------------------------------------
    def report(self, exc: Reject) -> None:
        if not isinstance(exc, Quiet):
            self.problems.append(problem_at(str(self.unit.path), self.unit.lines, exc.node, exc.message))

    # --- names ----------------------------------------------------------------------------------
    def lookup(self, name: str, node: ast.AST | None = None, quiet: bool = False, store: bool = False) -> Symbol | None:
        frame = self.frame
        if self.class_names and frame.kind == "module" and name in self.class_names and not store:
            return Symbol("classattr", self.class_names[name])
        while frame is not None:
            if frame.kind == "module":
                break
            if name in frame.scope.globals:
                frame = None
                break
            if name in frame.scope.locals:
                if not store and name in frame.imports:
                    return frame.imports[name]
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
        if name == "__name__" and not store:
            return Symbol("constant", js_str(self.module_name()))
        if name in BUILTINS or name in BUILTIN_EXCEPTIONS or name in REJECTED_BUILTINS:
            if store:
                if quiet:
                    return None
                raise Reject(node, f"assigning to the builtin {name!r} is not supported")
            return Symbol("builtin", name)
        if quiet:
            return None
        raise Reject(node, f"name {name!r} is not defined")

    def module_name(self) -> str:
        """The module's ``__name__`` as segfn runs it: a helper module's dotted name; the function module's
        name in emulator/runner.py's load_function (its file's stem and the sha256 of its bytes), so that
        ``logging.getLogger(__name__)`` names the same logger in replay, the check and the bundle."""
        if not self.unit.main:
            return self.unit.dotted
        digest = hashlib.sha256(self.unit.path.read_bytes()).hexdigest()
        return f"segfn_functions.{self.unit.path.stem}_{digest[:12]}"

    def is_self(self, node: ast.AST) -> bool:
        """``node`` is the ``self`` (or ``cls``) of an enclosing method."""
        if not isinstance(node, ast.Name):
            return False
        sym = self.lookup(node.id, quiet=True)
        return (sym is not None and sym.kind == "local" and sym.frame is not None and sym.frame.cls is not None
                and sym.frame.self_name == node.id)

    def attr_js(self, name: str) -> str:
        """The stored name of attribute ``name`` here (private names are mangled inside a class)."""
        return attr_name(name, self.class_context[-1] if self.class_context else None)

    def user_attribute_names(self) -> frozenset[str]:
        """Every method and attribute name the bundle's classes define or its code assigns."""
        return _attribute_names(tuple(unit.tree for unit in self.units.values()))

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
                raise Reject(node, f"{qual} is not in the supported standard library subset (docs/python-subset.md)"
                                   f"{STD_HINTS.get(qual, '')}")
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
        if self.unit.main:
            self._declare_handlers()
        self.unit.exports = sorted(n for n, s in self.unit.symbols.items()
                                   if s.kind in ("global", "func", "class") and n not in MANIFEST_NAMES)

    def _declare_handlers(self) -> None:
        """Handlers: ``async def on_track`` or ``def on_track``, or an alias of a module function
        (``on_track = on_identify = send``), each taking (event, settings); a Segment-style name
        (``onTrack``, ``ontrack``) is an error with the Python spelling."""
        tree, symbols = self.unit.tree, self.unit.symbols
        for stmt in tree.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.value, (ast.Name, ast.Attribute)):
                for target in stmt.targets:
                    if isinstance(target, ast.Name) and target.id in HANDLERS:
                        try:
                            self._declare_alias(target, stmt.value)
                        except Reject as exc:
                            self.report(exc)
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                flat = stmt.name.replace("_", "").lower()
                proper = next((py for py in HANDLERS if py.replace("_", "") == flat), None)
                if proper is not None and stmt.name != proper:
                    self.report(Reject(stmt, f"{stmt.name!r} is not a handler name: Segment's "
                                             f"{HANDLERS[proper]} is written {proper} in Python"))
                elif stmt.name in HANDLERS and symbols.get(stmt.name, Symbol("x")).kind == "func":
                    try:
                        self._check_handler(stmt.name, symbols[stmt.name].info, stmt)
                    except Reject as exc:
                        self.report(exc)

    def _declare_alias(self, target: ast.Name, value: ast.AST) -> None:
        if self.scope.defs.get(target.id, 0) != 1:
            raise Reject(target, f"{target.id} must be bound once at module level")
        info = None
        if isinstance(value, ast.Name):
            sym = self.unit.symbols.get(value.id)
            info = sym.info if sym is not None and sym.kind == "func" else None
        else:
            found = self.module_callable(value)
            info = found[1] if found is not None and found[0] == "func" else None
        if info is None:
            raise Reject(value, f"{target.id} must be a function: a def of this module or of your helper modules")
        if isinstance(value, ast.Name) and info.node is not None and info.node.lineno > target.lineno:
            raise Reject(value, f"name {value.id!r} is not defined yet here: define it above {target.id}")
        self.handler_aliases[target.id] = info
        self._check_handler(target.id, info, value)

    @staticmethod
    def _check_handler(name: str, info: FuncInfo, node: ast.AST) -> None:
        a = info.args
        positional = [*a.posonlyargs, *a.args]
        required = len(positional) - len(a.defaults)
        ok = (len(positional) >= 2 or a.vararg is not None) and required <= 2 \
            and all(d is not None for d in a.kw_defaults)
        if not ok:
            what = "(events, settings)" if name == "on_batch" else "(event, settings)"
            raise_at = Reject(node, f"{name} must take {what}: Segment calls it with those two arguments "
                                    f"(found {info.name}({', '.join(p.arg for p in positional)}))")
            raise raise_at

    def _declare(self, stmt: ast.stmt) -> None:
        symbols = self.unit.symbols
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if self.scope.defs.get(stmt.name, 0) != 1:
                return
            is_async = isinstance(stmt, ast.AsyncFunctionDef)
            js = self.gjs(stmt.name)
            symbols[stmt.name] = Symbol("func", js, FuncInfo(stmt.name, js, stmt.args, is_async, stmt, key=js))
        elif isinstance(stmt, ast.ClassDef):
            symbols[stmt.name] = Symbol("class", self.gjs(stmt.name), self.declare_class(stmt))
        elif isinstance(stmt, ast.Import):
            for alias in stmt.names:  # each module on its own: every bad one is reported
                try:
                    self._import_module(alias.name, alias.asname, stmt)
                except Reject as exc:
                    self.report(exc)
        elif isinstance(stmt, ast.ImportFrom):
            self._import_from(stmt)

    def _helper_unit(self, dotted: str, node: ast.AST) -> str:
        if dotted not in self.units:
            raise Reject(node, f"cannot import {dotted}: no such module in functions/")
        self.unit.imports.append(dotted)
        return dotted

    def _import_module(self, name: str, asname: str | None, node: ast.AST, symbols: dict | None = None) -> None:
        """Bind what ``import name [as asname]`` binds in ``symbols`` (the module's, or a function's own
        imports, compiler/statements.py's s_Import)."""
        symbols = self.unit.symbols if symbols is None else symbols
        local = asname or name.split(".")[0]
        local_import = symbols is not self.unit.symbols
        if name in IGNORED_MODULES:
            symbols[asname or name] = Symbol("ignored", "", name)
            return
        if name in RUNTIME_MODULES:
            self._reject_import(local, node, f"import names from {name}: from segfn.runtime import fetch, ...",
                                symbols)
        if name.startswith("functions.") and local_import:
            self._reject_import(local, node, f"import your module {name} at the top of the file: a helper module "
                                             "is bundled from the module-level imports", symbols)
        if name.startswith("functions."):
            dotted = self._helper_unit(name, node)
            if asname is None:
                self._reject_import(local, node, f"use 'import {name} as <name>' or "
                                                 f"'from functions import {name.split('.')[1]}'")
            symbols[asname] = Symbol("module", "", dotted)
            return
        if name in STD_MODULES:
            if asname is None and "." in name:
                symbols[name.split(".")[0]] = Symbol("std", "", name.split(".")[0])
            else:
                symbols[asname or name] = Symbol("std", "", name)
            return
        hint = MODULE_HINTS.get(name.split(".")[0], "")
        self._reject_import(local, node, f"the module {name!r} is not supported{hint} (allowed: segfn.runtime, your "
                                         "modules in functions/, and the standard library subset in docs/python-subset.md)",
                            symbols)

    def _reject_import(self, local: str, node: ast.AST, message: str, symbols: dict | None = None) -> None:
        """Report an import, and bind its name so that its uses add no errors of their own."""
        (self.unit.symbols if symbols is None else symbols)[local] = Symbol("rejected", "", local)
        raise Reject(node, message)

    def _import_from(self, node: ast.ImportFrom, symbols: dict | None = None) -> None:
        symbols = self.unit.symbols if symbols is None else symbols
        module = node.module or ""
        if node.level:
            package = self.unit.dotted.rsplit(".", node.level)[0]
            module = f"{package}.{module}" if module else package
        if module in IGNORED_MODULES:
            for alias in node.names:
                symbols[alias.asname or alias.name] = Symbol("ignored", "", f"{module}.{alias.name}")
            return
        for alias in node.names:  # each name on its own: every bad one is reported
            try:
                self._import_name(node, module, alias, symbols)
            except Reject as exc:
                symbols[alias.asname or alias.name] = Symbol("rejected", "", alias.asname or alias.name)
                self.report(exc)

    def _import_name(self, node: ast.ImportFrom, module: str, alias: ast.alias, symbols: dict) -> None:
        if alias.name == "*":
            raise Reject(node, "'import *' is not supported: name what you import")
        local = alias.asname or alias.name
        if module in RUNTIME_MODULES:
            if alias.name not in RUNTIME_NAMES:
                raise Reject(node, f"{module} has no {alias.name!r}")
            symbols[local] = Symbol("runtime", alias.name)
        elif (module == "functions" or module.startswith("functions.")) and symbols is not self.unit.symbols:
            raise Reject(node, f"import from your module {module} at the top of the file: a helper module is "
                               "bundled from the module-level imports")
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
                raise Reject(node, f"{qual} is not in the supported standard library subset (docs/python-subset.md)"
                                   f"{STD_HINTS.get(qual, '')}")
            symbols[local] = Symbol("std", "", qual)
        else:
            hint = MODULE_HINTS.get(module.split(".")[0], "")
            raise Reject(node, f"the module {module!r} is not supported{hint} (allowed: segfn.runtime, your "
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
                out += tag(self.module_stmt(stmt), self.file_index, stmt.lineno)
            except Reject as exc:
                self.report(exc)
        names = sorted({s.js for n, s in self.unit.symbols.items() if s.kind == "global" and n not in ("SETTINGS",)}
                       | set(frame.temps))
        head = [f"let {', '.join(names)};"] if names else []
        return head + out

    def module_stmt(self, stmt: ast.stmt) -> list[str]:
        if is_main_guard(stmt):
            return []  # a local test run: never runs where a function runs (its __name__ is not "__main__")
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            return self.import_lines(stmt)
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id in self.handler_aliases
                                                for t in stmt.targets):
            out = self.stmt(stmt)
            for t in stmt.targets:
                if isinstance(t, ast.Name) and t.id in self.handler_aliases:
                    info = self.handler_aliases[t.id]
                    out += handler_wrapper(HANDLERS[t.id], info.js)
            return out
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
        if node.name in escaping_functions(self.unit.tree):  # it may be called where the compiler cannot see it
            out.append(f"$sig({info.js}, {self.signature_js(info, 0)});")
        if self.unit.main and node.name in HANDLERS:
            out += handler_wrapper(HANDLERS[node.name], info.js)
        return out


def is_main_guard(stmt: ast.stmt) -> bool:
    """``if __name__ == "__main__":`` (either way round, no ``else``): the module run as a script."""
    if not (isinstance(stmt, ast.If) and not stmt.orelse and isinstance(stmt.test, ast.Compare)
            and len(stmt.test.ops) == 1 and isinstance(stmt.test.ops[0], ast.Eq)):
        return False
    sides = [stmt.test.left, stmt.test.comparators[0]]
    return (any(isinstance(n, ast.Name) and n.id == "__name__" for n in sides)
            and any(isinstance(n, ast.Constant) and n.value == "__main__" for n in sides))
