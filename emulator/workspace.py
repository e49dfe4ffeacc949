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

from .errors import ConfigError
from .stubs import StubSet, load_stub_files, parse_stubs

_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


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


def parse_workspace(data: dict[str, Any], *, root: Path, env: Mapping[str, str] | None = None,
                    path: Path | None = None) -> Workspace:
    """Check the parsed TOML and build the model; raise ``ConfigError`` listing every problem."""
    env = os.environ if env is None else env
    label = str(path) if path else "workspace.toml"
    problems = [f"{label}: {key_path(e.absolute_path)}: {_say(e)}"
                for e in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))]
    if problems:
        raise ConfigError(problems)
    problems = []
    sources = tuple(_source(raw) for raw in data["sources"])
    _unique(problems, label, "sources", [s.name for s in sources], "source name")
    _unique(problems, label, "sources", [s.write_key for s in sources], "write key")
    destinations = []
    for index, raw in enumerate(data["destinations"]):
        where = f"destinations[{index}]"
        settings = interpolate(raw.get("settings", {}), env, f"{label}: {where}.settings", problems)
        insert_settings = interpolate(raw.get("insert_settings", {}), env,
                                      f"{label}: {where}.insert_settings", problems)
        function = _existing(root, raw["function"], f"{label}: {where}.function", problems)
        insert = raw.get("insert_function")
        insert_path = _existing(root, insert, f"{label}: {where}.insert_function", problems) if insert else None
        for source_name in raw.get("sources", []):
            if not any(s.name == source_name for s in sources):
                problems.append(f"{label}: {where}.sources: no source is named {source_name!r}")
        filters = raw.get("filters", [])
        problems.extend(f"{label}: {where}.{p}" for p in _check_filters(filters))
        destinations.append(Destination(
            name=raw["name"], function=function, previous_names=tuple(raw.get("previous_names", [])),
            insert_function=insert_path, settings=settings, insert_settings=insert_settings,
            filters=tuple(filters), sources=tuple(raw["sources"]) if "sources" in raw else None,
            enabled=raw.get("enabled", True), segment_id=raw.get("segment_id"),
        ))
    _unique(problems, label, "destinations", [d.name for d in destinations], "destination name")
    stubs, stub_problems = parse_stubs(data.get("stubs", []), f"{label}: stubs")
    more_stubs, more_problems = load_stub_files(root)
    problems += stub_problems + more_problems
    if problems:
        raise ConfigError(problems)
    return Workspace(name=data["name"], sources=sources, destinations=tuple(destinations), root=root, path=path,
                     stubs=StubSet([*stubs, *more_stubs]),
                     allow_network=tuple(h.lower() for h in data.get("allow_network", [])))


def load_workspace(path: str | os.PathLike[str], env: Mapping[str, str] | None = None) -> Workspace:
    """Read and check ``workspace.toml``. Paths inside it are relative to the file's folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file (segfn looks for workspace.toml in the current "
                          f"folder; pass --workspace FILE)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read it: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(_toml_error(path, text, exc)) from None
    return parse_workspace(data, root=path.parent, env=env, path=path)


def _toml_error(path: Path, text: str, exc: tomllib.TOMLDecodeError) -> str:
    message = str(exc)
    match = _TOML_POSITION.search(message)
    if not match:
        return f"{path}: {message}"
    line, col = int(match.group(1)), int(match.group(2))
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    reason = _TOML_POSITION.sub("", message).strip()
    return f"{path}:{line}:{col}: TOML syntax error: {reason}\n    {source}\n    {' ' * (col - 1)}^"


def _say(error: Any) -> str:
    if error.validator == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {})))
        return f"{error.message.split('(')[-1].rstrip(')')}; allowed keys: {allowed}"
    return error.message


def _source(raw: dict[str, Any]) -> Source:
    plan = raw.get("tracking_plan")
    return Source(
        name=raw["name"], write_key=raw["write_key"],
        blocked_events=frozenset(raw.get("blocked_events", [])),
        event_integrations=dict(raw.get("event_integrations", {})),
        tracking_plan=TrackingPlan(
            events=dict(plan.get("events", {})), block_unplanned=plan.get("block_unplanned", False),
            block_violations=plan.get("block_violations", True),
        ) if plan is not None else None,
    )


def _existing(root: Path, relative: str, where: str, problems: list[str]) -> Path:
    target = (root / relative).resolve()
    if not target.is_file():
        problems.append(f"{where}: no such file: {relative}")
    return target


def _unique(problems: list[str], label: str, where: str, values: list[str], what: str) -> None:
    seen: set[str] = set()
    for index, value in enumerate(values):
        if value in seen:
            problems.append(f"{label}: {where}[{index}]: {what} {value!r} is used twice")
        seen.add(value)


def _check_filters(filters: list[Any]) -> list[str]:
    from .filters import check_filters  # the filter engine owns what a valid filter is

    return check_filters(filters, "filters")
