"""Compile a function module and the helper modules it imports into one Segment Functions file.

``compile_module(path)`` returns a ``Bundle``: the JavaScript (one file, no imports, top-level
``async function onTrack(event, settings)`` ... declarations, only the runtime helpers it uses) and
the manifest the deploy step reads. Same input, same bytes.
"""

from __future__ import annotations

import ast
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import jinja2

from segfn.runtime import SETTING_TYPES, Setting

from .errors import CompileError, Problem, Reject, problem_at
from .lines import line_table
from .module import ModuleCompiler, ModuleUnit
from .names import HANDLERS
from .symbols import RUNTIME_MODULES
from .runtime import runtime_for
from .signatures import Signatures, closed_functions, tracked_params

_ENV = jinja2.Environment(loader=jinja2.PackageLoader("segfn.compiler", "templates"), autoescape=False,
                          keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
KINDS = {"destination": "DESTINATION", "insert": "INSERT_DESTINATION"}


@dataclass(frozen=True)
class Bundle:
    module: str  # functions/sprig.py, as given
    js: str
    manifest: dict

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.js.encode("utf-8")).hexdigest()


def _parse(path: Path, problems: list[Problem]) -> tuple[ast.Module | None, list[str]]:
    try:
        source = path.read_text(encoding="utf-8")
    except OSError as exc:
        problems.append(Problem(str(path), 1, 1, f"cannot read the module: {exc.strerror}"))
        return None, []
    except UnicodeDecodeError:
        problems.append(Problem(str(path), 1, 1, "the module is not UTF-8 text"))
        return None, []
    lines = source.splitlines()
    try:
        return ast.parse(source, filename=str(path)), lines
    except SyntaxError as exc:
        line = exc.lineno or 1
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        problems.append(Problem(str(path), line, exc.offset or 1, f"SyntaxError: {exc.msg}", text))
        return None, lines


def _imported(tree: ast.Module, dotted: str) -> list[tuple[str, ast.AST]]:
    """Helper modules (functions.x) a module imports at its top level."""
    out = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            out += [(a.name, stmt) for a in stmt.names if a.name.startswith("functions.") and a.name not in RUNTIME_MODULES]
        elif isinstance(stmt, ast.ImportFrom):
            module = stmt.module or ""
            if stmt.level:
                package = dotted.rsplit(".", stmt.level)[0]
                module = f"{package}.{module}" if module else package
            if module == "functions":
                out += [(f"functions.{a.name}", stmt) for a in stmt.names if a.name != "runtime"]
            elif module.startswith("functions.") and module not in RUNTIME_MODULES:
                out.append((module, stmt))
    return out


def _load_units(path: Path, problems: list[Problem], parsed: dict[Path, tuple]) -> tuple[list[ModuleUnit], dict[str, ModuleUnit]]:
    """The main module and every helper module it reaches, dependencies first (``parsed``: the files
    already read, with the problems reading them gave; the trees are never changed)."""
    root = path.parent
    units: dict[str, ModuleUnit] = {}
    order: list[ModuleUnit] = []
    visiting: set[str] = set()

    def visit(dotted: str, file: Path, main: bool) -> None:
        if dotted in units or dotted in visiting:
            return
        if file not in parsed:
            found: list[Problem] = []
            parsed[file] = (*_parse(file, found), found)
        tree, lines, found = parsed[file]
        problems.extend(found)
        if tree is None:
            return
        visiting.add(dotted)
        for dep, node in _imported(tree, dotted):
            dep_file = root / (dep.split(".", 1)[1].replace(".", "/") + ".py")
            if dep in visiting:
                problems.append(problem_at(str(file), lines, node, f"circular import of {dep}"))
                continue
            if not dep_file.is_file():
                continue  # reported by the importer's compiler with its position
            visit(dep, dep_file, False)
        visiting.discard(dotted)
        prefix = "" if main else dotted.split(".", 1)[1].replace(".", "_") + "$"
        unit = ModuleUnit(path=file, dotted=dotted, js=prefix, tree=tree, lines=lines, main=main)
        units[dotted] = unit
        order.append(unit)

    visit(f"functions.{path.stem}", path, True)
    return order, units


def module_files(path: str | Path) -> list[Path]:
    """The files compiled into ``path``'s bundle: the helper modules it imports, dependencies first, then
    itself (``segfn watch`` compiles a module again when any of them changes). A file that cannot be read
    or parsed ends the walk there; it is left out."""
    order, _ = _load_units(Path(path), [], {})
    return [unit.path for unit in order]


def manifest_values(unit: ModuleUnit, problems: list[Problem]) -> dict:
    """KIND, NAME, SETTINGS and DESCRIPTION, read statically (a bundle never holds settings values).

    The description Segment shows is ``DESCRIPTION`` when the module declares it, else the first
    paragraph of the module's docstring."""
    found: dict[str, ast.AST] = {}
    for stmt in unit.tree.body:
        if isinstance(stmt, ast.Assign):
            for target in stmt.targets:
                if isinstance(target, ast.Name) and target.id in ("KIND", "NAME", "SETTINGS", "DESCRIPTION"):
                    found[target.id] = stmt.value
    path, lines = str(unit.path), unit.lines
    out: dict = {"kind": None, "name": None, "settings": []}
    for key in ("KIND", "NAME"):
        node = found.get(key)
        if node is None:
            problems.append(Problem(path, 1, 1, f"{key} is missing: a function module declares KIND and NAME"))
        elif not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            problems.append(problem_at(path, lines, node, f"{key} must be a string literal"))
        else:
            out[key.lower()] = node.value
    if out["kind"] is not None and out["kind"] not in KINDS:
        problems.append(problem_at(path, lines, found["KIND"], 'KIND must be "destination" or "insert"'))
    node = found.get("SETTINGS")
    if node is not None:
        if not isinstance(node, (ast.List, ast.Tuple)):
            problems.append(problem_at(path, lines, node, "SETTINGS must be a list of Setting(...)"))
        else:
            for item in node.elts:
                try:
                    out["settings"].append(_setting(item))
                except Reject as exc:
                    problems.append(problem_at(path, lines, exc.node, exc.message))
    node = found.get("DESCRIPTION")
    if node is None:
        doc = ast.get_docstring(unit.tree) or ""
        out["description"] = doc.strip().split("\n\n")[0].replace("\n", " ")
    elif isinstance(node, ast.Constant) and isinstance(node.value, str):
        out["description"] = node.value
    else:
        problems.append(problem_at(path, lines, node, "DESCRIPTION must be a string literal"))
    return out


def _setting(node: ast.AST) -> dict:
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Setting"):
        raise Reject(node, "each entry of SETTINGS must be Setting(...)")
    try:
        args = [ast.literal_eval(a) for a in node.args]
        kwargs = {k.arg: ast.literal_eval(k.value) for k in node.keywords}
        setting = Setting(*args, **kwargs)
    except (ValueError, TypeError) as exc:
        raise Reject(node, f"Setting(...) must use literal values: {exc}") from None
    return {"name": setting.name, "label": setting.label, "description": setting.description,
            "type": SETTING_TYPES[setting.type], "required": setting.required, "sensitive": setting.sensitive}


MAX_PASSES = 6  # compiler/signatures.py: passes allowed to settle before compiling without assumptions


def _compile_pass(path: Path, signatures: Signatures | None,
                  parsed: dict[Path, tuple]) -> tuple[list[ModuleCompiler], list[Problem], list[dict]]:
    """One translation of the module and its helpers, assuming ``signatures`` (None: the first pass,
    which starts them)."""
    problems: list[Problem] = []
    order, units = _load_units(path, problems, parsed)
    if not order or order[-1].main is False:
        raise CompileError(problems or [Problem(str(path), 1, 1, "nothing to compile")])
    counter = [0]
    compilers = [ModuleCompiler(unit, units, problems, counter) for unit in order]
    for compiler in compilers:
        compiler.declare()
    if signatures is None:
        signatures = _first_assumptions(order[-1], order)
    modules = []
    for compiler in compilers:
        compiler.signatures = signatures
        body = compiler.compile_body()
        modules.append({"path": _shown(compiler.unit.dotted), "code": "\n".join(body)})
    return compilers, problems, modules


def _first_assumptions(main: ModuleUnit, order: list[ModuleUnit]) -> Signatures:
    """The first pass's: the main module's closed functions take nothing yet, no function returns."""
    funcs = {name: sym.info for name, sym in main.symbols.items() if sym.kind == "func"}
    closed = closed_functions(main.tree, set(funcs))
    keys = [sym.info.key for unit in order for sym in unit.symbols.values() if sym.kind == "func" and sym.info.key]
    return Signatures.start({funcs[name].key: tracked_params(funcs[name]) for name in sorted(closed)}, sorted(set(keys)))


def _compile_settled(path: Path) -> tuple[list[ModuleCompiler], list[Problem], list[dict]]:
    """Compile passes until the assumed signatures cover what every call passes (compiler/signatures.py).
    A module with problems is reported as compiled without assumptions, so that learned types never
    make an error appear (or hide one)."""
    assumed = None
    parsed: dict[Path, tuple] = {}
    for _ in range(MAX_PASSES):
        compilers, problems, modules = _compile_pass(path, assumed, parsed)
        assumed = compilers[0].signatures.next()
        if assumed is None:
            if not problems:
                return compilers, problems, modules
            break
    return _compile_pass(path, Signatures(), parsed)


def compile_module(path: str | Path) -> Bundle:
    """Compile one function module; raises CompileError listing every problem found."""
    shown = str(path)
    path = Path(path)
    compilers, problems, modules = _compile_settled(path)
    main = compilers[-1].unit
    meta = manifest_values(main, problems)
    aliases = compilers[-1].handler_aliases
    handlers = [js for py, js in HANDLERS.items()
                if (py in main.symbols and main.symbols[py].kind == "func") or py in aliases]
    for py in HANDLERS:
        sym = main.symbols.get(py)
        if sym is not None and sym.kind != "func" and py not in aliases:
            problems.append(Problem(str(path), 1, 1, f"{py} must be a function defined once at module level"))
    if not handlers:
        problems.append(Problem(str(path), 1, 1, "the module defines no handler (on_track, on_identify, ...)"))
    if problems:
        raise CompileError(problems)
    code = "\n".join(m["code"] for m in modules)
    methods = set().union(*(c.methods_used for c in compilers))
    js = _ENV.get_template("bundle.js.j2").render(
        name=meta["name"], module=_shown(main.dotted), kind=meta["kind"], handlers=handlers,
        runtime=runtime_for(code, methods).rstrip(),
        modules=modules)
    js = line_table(js, [m["path"] for m in modules])
    manifest = {"module": shown, "kind": meta["kind"], "name": meta["name"], "resourceType": KINDS[meta["kind"]],
                "handlers": handlers, "settings": meta["settings"], "description": meta["description"]}
    bundle = Bundle(module=shown, js=js, manifest=manifest)
    manifest["sha256"] = bundle.sha256
    return bundle


def _shown(dotted: str) -> str:
    """How the bundle names a module: ``functions/sprig.py`` wherever the project lies (a bundle holds no
    path of the machine that built it, and the same sources give the same bytes anywhere)."""
    return dotted.replace(".", "/") + ".py"


def write_bundle(bundle: Bundle, out_dir: str | Path) -> tuple[Path, Path]:
    """Write dist/<module>.js and dist/<module>.json."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stem = Path(bundle.module).stem
    js_path, manifest_path = out / f"{stem}.js", out / f"{stem}.json"
    js_path.write_bytes(bundle.js.encode("utf-8"))
    manifest_path.write_text(json.dumps(bundle.manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return js_path, manifest_path


def _display(file: Path, main: Path) -> str:
    """A helper file's name as ``_shown`` gives it, from its path (compiler/mutants.py)."""
    try:
        return str(file.relative_to(main.parent.parent))
    except ValueError:
        return file.name
