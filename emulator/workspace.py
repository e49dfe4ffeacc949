"""``workspace.toml``: the Segment workspace segfn emulates, loaded and checked in one place.

A bad file gets one message per problem, each naming the TOML key path (``destinations[0].settings.
apiKey: ...``) or, for a syntax error, ``file:line:col``. Settings may read the environment with
``${VAR}`` or ``${VAR:-default}``; a missing variable without a default is a problem, not an empty
string, because a silently empty API key is the bug users would otherwise chase in production.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from jsonschema import Draft202012Validator

from .batching import BatchPolicy, parse_batch
from .errors import ConfigError, NotText, toml_error, unknown_key, utf8_text
from .stubs import StubSet, load_stub_files, parse_stubs

MAX_FILTERS = 10  # "Segment supports 10 filters per destination" (destination-filters.md, FAQ)
MAX_FUNCTIONS = 25  # functions per workspace (functions/usage.md)
MAX_INSERT_NAME = 120  # an insert function's display name, in characters (insert-functions.md)

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_PLACEHOLDER = re.compile(r"\$\{([^}]*)(\})?")  # any ${...}, well formed or not


@dataclass(frozen=True)
class TrackingPlan:
    events: Mapping[str, dict] = field(default_factory=dict)
    block_unplanned: bool = False
    block_violations: bool = True


@dataclass(frozen=True)
class Source:
    name: str
    write_key: str
    blocked_events: frozenset[str] = frozenset()
    event_integrations: Mapping[str, dict] = field(default_factory=dict)
    tracking_plan: TrackingPlan | None = None


@dataclass(frozen=True)
class Destination:
    name: str
    function: Path
    previous_names: tuple[str, ...] = ()
    insert_function: Path | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)
    insert_settings: Mapping[str, Any] = field(default_factory=dict)
    filters: tuple[dict, ...] = ()
    sources: tuple[str, ...] | None = None  # None: connected to every source
    enabled: bool = True
    segment_id: str | None = None
    batch: BatchPolicy | bool = True  # True: not set (Segment's defaults); False: batch = false

    def batch_policy(self, default: BatchPolicy = BatchPolicy()) -> BatchPolicy | None:
        """How ``on_batch`` batches form for this destination (``default`` when not set); None when
        ``batch = false``. Whether the function has ``on_batch`` at all is the caller's question."""
        if self.batch is True:
            return default
        return self.batch or None

    def connected_to(self, source: Source) -> bool:
        return self.enabled and (self.sources is None or source.name in self.sources)


@dataclass(frozen=True)
class Workspace:
    name: str
    sources: tuple[Source, ...]
    destinations: tuple[Destination, ...]
    root: Path = Path(".")
    path: Path | None = None
    stubs: StubSet = field(default_factory=StubSet)  # [[stubs]], then fixtures/http/*.toml
    allow_network: tuple[str, ...] = ()  # hosts segfn serve may reach; replay reaches none
    functions: Mapping[Path, Any] = field(default_factory=dict, compare=False)  # path -> FunctionModule
    warnings: tuple[str, ...] = field(default=(), compare=False)  # said at load; nothing refused

    def source_by_write_key(self, write_key: str | None) -> Source | None:
        """The source a write key belongs to; with no key at all, the first source (replay's default)."""
        if write_key is None:
            return self.sources[0]
        return next((s for s in self.sources if s.write_key == write_key), None)

    def source_named(self, name: str) -> Source | None:
        return next((s for s in self.sources if s.name == name), None)


@lru_cache(maxsize=None)
def _validator() -> Draft202012Validator:
    schema = json.loads((resources.files("segfn.emulator") / "schemas" / "workspace.json").read_text())
    return Draft202012Validator(schema)


def key_path(parts: Any) -> str:
    """``['destinations', 0, 'settings', 'apiKey']`` -> ``destinations[0].settings.apiKey``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            text = str(part)
            shown = text if re.fullmatch(r"[A-Za-z0-9_-]+", text) else json.dumps(text)
            out += f".{shown}" if out else shown
    return out or "(top level)"


def interpolate(value: Any, env: Mapping[str, str], where: str, problems: list[str]) -> Any:
    """Replace ``${VAR}`` / ``${VAR:-default}`` in every string of a settings value."""
    if isinstance(value, str):
        malformed = _malformed_placeholder(value)
        if malformed:
            problems.append(f"{where}: {malformed}")
            return value

        def substitute(match: re.Match[str]) -> str:
            name, default = match.group(1), match.group(2)
            if name in env:
                return env[name]
            if default is not None:
                return default
            problems.append(f"{where}: environment variable {name} is not set "
                            f"(write ${{{name}:-default}} to give a default)")
            return ""
        return _ENV.sub(substitute, value)
    if isinstance(value, dict):
        return {k: interpolate(v, env, f"{where}.{k}", problems) for k, v in value.items()}
    if isinstance(value, list):
        return [interpolate(v, env, f"{where}[{i}]", problems) for i, v in enumerate(value)]
    return value


def _malformed_placeholder(value: str) -> str | None:
    """What is wrong with the first ``${`` in ``value`` that is not ``${NAME}`` or ``${NAME:-default}``,
    or None. Said by position and rule, never with the text: the value may be a secret."""
    for match in _PLACEHOLDER.finditer(value):
        at = f"the placeholder at character {match.start() + 1}"
        if match.group(2) is None:
            return f"{at} has no closing '}}' (write ${{NAME}} or ${{NAME:-default}})"
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*(:-.*)?", match.group(1), re.DOTALL):
            return (f"{at} does not name an environment variable (a name is letters, digits and _, "
                    f"not starting with a digit; write ${{NAME}} or ${{NAME:-default}})")
    return None


def parse_workspace(data: dict[str, Any], *, root: Path, env: Mapping[str, str] | None = None,
                    path: Path | None = None, functions: bool = True) -> Workspace:
    """Check the parsed TOML and build the model; raise ``ConfigError`` listing every problem at once:
    the file's shape (unknown keys, types), then what the shape cannot say (files, names, filters,
    Segment's limits, stubs), and each function's ``SETTINGS`` against the values given. Function
    modules are imported here, once (``Workspace.functions``), unless ``functions`` is False (``segfn
    deploy`` ships compiled bundles and never runs the Python)."""
    env = os.environ if env is None else env
    label = str(path) if path else "workspace.toml"
    problems = [f"{label}: {where}: {said}" for where, said in _shape_problems(data)]
    if not isinstance(data, dict):
        raise ConfigError(problems)
    indexed = [(index, _source(raw)) for index, raw in _tables(data, "sources", "name", "write_key")]
    sources = tuple(source for _, source in indexed)
    source_at = [index for index, _ in indexed]  # TOML indices: an entry without its name is left out
    _unique(problems, label, "sources", [s.name for s in sources], "source name", source_at)
    _unique(problems, label, "sources", [s.write_key for s in sources], "write key", source_at)
    problems += _plan_problems(indexed, label)
    destinations = []
    destination_at: list[int] = []  # each one's index in the file
    warnings: list[str] = []
    for index, raw in _tables(data, "destinations", "name", "function"):
        destination_at.append(index)
        where = f"{label}: destinations[{index}]"
        settings = interpolate(_table(raw, "settings"), env, f"{where}.settings", problems)
        insert_settings = interpolate(_table(raw, "insert_settings"), env, f"{where}.insert_settings", problems)
        function = _existing(root, raw["function"], f"{where}.function", problems)
        insert = raw.get("insert_function")
        insert_path = _existing(root, insert, f"{where}.insert_function", problems) \
            if isinstance(insert, str) and insert else None
        connected = _strings(raw, "sources")
        for source_name in connected or ():
            if not any(s.name == source_name for s in sources):
                problems.append(f"{where}.sources: no source is named {source_name!r}")
        filters = raw.get("filters", [])
        problems.extend(f"{where}.{p}" for p in _check_filters(filters))
        warnings.extend(f"{where}.{w}" for w in _filter_warnings(filters))
        if isinstance(filters, list) and len(filters) > MAX_FILTERS:
            problems.append(f"{where}.filters: {len(filters)} filters; Segment supports {MAX_FILTERS} per "
                            f"destination (destination-filters.md)")
        batch = parse_batch(raw.get("batch"), f"{where}.batch", problems)
        destinations.append(Destination(
            name=raw["name"], function=function, previous_names=_strings(raw, "previous_names") or (),
            insert_function=insert_path, settings=settings, insert_settings=insert_settings,
            filters=tuple(filters) if isinstance(filters, list) else (), sources=connected,
            enabled=raw.get("enabled", True) is not False, segment_id=raw.get("segment_id"),
            batch=batch,
        ))
    _unique(problems, label, "destinations", [d.name for d in destinations], "destination name", destination_at)
    stubs, stub_problems = parse_stubs(data.get("stubs", []), f"{label}: stubs")
    more_stubs, more_problems = load_stub_files(root)
    problems += stub_problems + more_problems
    modules = _load_functions(destinations, label, problems, destination_at) if functions else {}
    if problems:
        raise ConfigError(list(dict.fromkeys(_in_document_order(problems, data, label))))  # a shared module: once
    return Workspace(name=data["name"], sources=sources, destinations=tuple(destinations), root=root, path=path,
                     stubs=StubSet([*stubs, *more_stubs]),
                     allow_network=tuple(h.lower() for h in data.get("allow_network", [])), functions=modules,
                     warnings=tuple(warnings))


def _tables(data: dict[str, Any], key: str, *required: str) -> list[tuple[int, dict[str, Any]]]:
    """The entries of an array of tables that have their required string keys; the schema has
    already reported the others, which are left out so the remaining checks can still run."""
    items = data.get(key)
    if not isinstance(items, list):
        return []
    return [(i, raw) for i, raw in enumerate(items)
            if isinstance(raw, dict) and all(isinstance(raw.get(k), str) and raw[k] for k in required)]


def _table(raw: dict[str, Any], key: str) -> dict[str, Any]:
    value = raw.get(key, {})
    return value if isinstance(value, dict) else {}


def _strings(raw: dict[str, Any], key: str) -> tuple[str, ...] | None:
    value = raw.get(key)
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else None


def _load_functions(destinations: list[Destination], label: str, problems: list[str],
                    indices: list[int]) -> dict[Path, Any]:
    """Import every function module once and check each destination's use of it: the kind in its
    place, every setting declared, every value of the declared type, required ones set (the checks
    Segment makes when settings are saved, rather than per message), and Segment's limits."""
    from .runner import load_function, setting_problems  # the runner owns what a function module is

    functions: dict[Path, Any] = {}
    for path in dict.fromkeys(p for d in destinations for p in (d.function, d.insert_function) if p):
        if not path.is_file() or path.suffix != ".py":
            continue  # already a problem
        try:
            functions[path] = load_function(path)
        except ConfigError as error:
            problems.extend(error.problems)
    if len(functions) > MAX_FUNCTIONS:
        problems.append(f"{label}: destinations: {len(functions)} function modules; Segment allows "
                        f"{MAX_FUNCTIONS} functions per workspace (functions/usage.md)")
    for index, destination in zip(indices, destinations):
        where = f"{label}: destinations[{index}]"
        for key, path, kind, values in (("function", destination.function, "destination", destination.settings),
                                        ("insert_function", destination.insert_function, "insert",
                                         destination.insert_settings)):
            module = functions.get(path) if path else None
            table = "settings" if kind == "destination" else "insert_settings"
            if module is None:
                if path is None and values:
                    problems.append(f"{where}.{table}: there is no insert_function to take them")
                continue
            if module.kind != kind:
                problems.append(f"{where}.{key}: {path.name} is a{'n' if module.kind == 'insert' else ''} "
                                f"{module.kind} function (KIND = \"{module.kind}\"); use it as "
                                f"{'insert_function' if module.kind == 'insert' else 'function'}")
            if kind == "insert" and len(module.name) > MAX_INSERT_NAME:
                problems.append(f"{where}.{key}: {path.name}'s NAME is {len(module.name)} characters; Segment "
                                f"allows {MAX_INSERT_NAME} for an insert function's name (insert-functions.md)")
            if kind == "destination" and isinstance(destination.batch, BatchPolicy) \
                    and "batch" not in module.handlers:
                problems.append(f"{where}.batch: {path.name} has no on_batch, so nothing is batched; "
                                f"add on_batch or remove batch")
            declared = {s.name for s in module.settings}
            for name in values:
                if name not in declared:
                    problems.append(f"{where}.{table}.{name}: not a setting of {path.name} "
                                    f"(its settings: {', '.join(sorted(declared)) or 'none'})")
            for name, problem in setting_problems(module.settings, values).items():
                found = f" (found {_json_type(values[name])})" if name in values and values[name] != "" else ""
                problems.append(f"{where}.{table}.{name}: {path.name}'s setting {problem}{found}")
    return functions


def _json_type(value: Any) -> str:
    """A value's kind in TOML's words, never the value itself (a setting may be a secret)."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array" if all(isinstance(v, str) for v in value) else "an array with non-strings"
    if isinstance(value, dict):
        return "a table" if all(isinstance(v, str) for v in value.values()) else "a table with non-strings"
    return type(value).__name__


def load_workspace(path: str | os.PathLike[str], env: Mapping[str, str] | None = None, *,
                   functions: bool = True) -> Workspace:
    """Read and check ``workspace.toml``. Paths inside it are relative to the file's folder.
    ``functions``: import and check the function modules too (see ``parse_workspace``)."""
    path = Path(path)
    try:
        text = utf8_text(path.read_bytes())
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file (segfn looks for workspace.toml in the current "
                          f"folder; pass --workspace FILE)") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder; the workspace is a file (pass --workspace FILE)") from None
    except NotText as exc:
        raise ConfigError(f"{path}:{exc.line}:{exc.col}: {exc.reason}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(toml_error(path, text, exc)) from None
    return parse_workspace(data, root=path.parent, env=env, path=path, functions=functions)


def _shape_problems(data: Any) -> list[tuple[str, str]]:
    """The schema's findings as (key path, what is wrong); an unknown key is named by its own path
    (``destinations[0].functoin``), not its table's, with the closest allowed key as a suggestion."""
    found: list[tuple[str, str]] = []
    for error in _validator().iter_errors(data):
        path = list(error.absolute_path)
        if error.validator == "additionalProperties" and error.schema.get("additionalProperties") is False \
                and isinstance(error.instance, dict):
            known = list(error.schema.get("properties", {}))
            patterns = list(error.schema.get("patternProperties", {}))
            for key in error.instance:
                if key not in known and not any(re.search(p, key) for p in patterns):
                    where = key_path([*path, key])
                    found.append((where, unknown_key(where, key, known).split(": ", 1)[1]))
        else:
            found.append((key_path(path), error.message))
    return found


_PATH_PART = re.compile(r'\.?("(?:[^"\\]|\\.)*"|[A-Za-z0-9_-]+)|\[(\d+)\]')


def _in_document_order(problems: list[str], data: Any, label: str) -> list[str]:
    """``problems`` sorted by where their key path points in the file: tables and keys in the order
    they are written, array entries by index (``destinations[2]`` before ``destinations[10]``), a table's
    own problems before its keys'. Problems not about a key of this file (a function module's, a
    stub file's) keep their order after these."""
    prefix = f"{label}: "

    def position(problem: str) -> tuple:
        if not problem.startswith(prefix):
            return (1,)
        text, at, node, out = problem[len(prefix):], 0, data, []
        if text.startswith("(top level)"):
            return (0,)
        while (match := _PATH_PART.match(text, at)) and (at == 0 or match.group(0)[0] in ".["):
            at = match.end()
            if match.group(2) is not None:
                index = int(match.group(2))
                out.append(index)
                node = node[index] if isinstance(node, list) and index < len(node) else None
            else:
                key = match.group(1)
                key = json.loads(key) if key.startswith('"') else key
                keys = list(node) if isinstance(node, dict) else []
                out.append(keys.index(key) if key in keys else len(keys))
                node = node.get(key) if isinstance(node, dict) else None
        return (0, *out)

    return sorted(problems, key=position)


def _source(raw: dict[str, Any]) -> Source:
    """A source from its table; values of the wrong shape (already problems of the schema's) are left
    out, so that the checks after the schema's still run."""
    plan = raw.get("tracking_plan")
    plan = plan if isinstance(plan, dict) else None
    events = plan.get("events") if plan else None
    blocked = raw.get("blocked_events")
    integrations = raw.get("event_integrations")
    return Source(
        name=raw["name"], write_key=raw["write_key"],
        blocked_events=frozenset(e for e in blocked if isinstance(e, str)) if isinstance(blocked, list) else frozenset(),
        event_integrations=dict(integrations) if isinstance(integrations, dict) else {},
        tracking_plan=TrackingPlan(
            events={k: v for k, v in events.items() if isinstance(v, dict)} if isinstance(events, dict) else {},
            block_unplanned=plan.get("block_unplanned", False) is True,
            block_violations=plan.get("block_violations", True) is not False,
        ) if plan is not None else None,
    )


def _plan_problems(sources: list[tuple[int, Source]], label: str) -> list[str]:
    """Each tracking-plan event whose JSON Schema is not one (``type = "objekt"``): found here, at load,
    rather than as a traceback when the first message of that event arrives."""
    from jsonschema.exceptions import SchemaError

    problems = []
    for index, source in sources:
        for event, schema in (source.tracking_plan.events.items() if source.tracking_plan else ()):
            try:
                Draft202012Validator.check_schema(schema)
            except SchemaError as error:
                where = key_path(["sources", index, "tracking_plan", "events", event, *error.absolute_path])
                problems.append(f"{label}: {where}: not a valid JSON Schema (draft 2020-12): {error.message}")
    return problems


def _existing(root: Path, relative: str, where: str, problems: list[str]) -> Path:
    """A function module's path: an existing file whose name ends in ``.py`` (Python's and segfn
    build's rule for a module), else a problem saying which of the three it is not."""
    target = (root / relative).resolve()
    if target.is_dir():
        problems.append(f"{where}: {relative} is a folder; name a function module in it, such as "
                        f"{relative.rstrip('/')}/my_function.py")
    elif not target.is_file():
        problems.append(f"{where}: no such file: {relative}")
    elif target.suffix != ".py":
        problems.append(f"{where}: {relative} is not a Python file; a function module's name ends in .py")
    return target


def _unique(problems: list[str], label: str, where: str, values: list[str], what: str,
            indices: list[int]) -> None:
    seen: set[str] = set()
    for index, value in zip(indices, values):
        if value in seen:
            problems.append(f"{label}: {where}[{index}]: {what} {value!r} is used twice")
        seen.add(value)


def _check_filters(filters: list[Any]) -> list[str]:
    from .filters import check_filters  # the filter engine owns what a valid filter is

    return check_filters(filters, "filters")


def _filter_warnings(filters: list[Any]) -> list[str]:
    """Where a filter's FQL means one thing in Segment's docs and another in tsub (which segfn applies)."""
    from .filters import filter_warnings

    return filter_warnings(filters, "filters")
