"""Settings for the check's cases, generated from a function's ``SETTINGS``.

Every declared type gets values of that type (Segment's settings dialog allows no other): strings
(harvested constants, empty and unicode strings; URLs and hosts for settings named for them), booleans, arrays (of harvested constants,
empty) and maps; an optional setting is sometimes absent; a required one is always set and never
empty (Segment refuses to save it otherwise). The workspace's values for the function and a user's
``--settings FILE`` are variants of their own, tried first.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path
from typing import Any, Callable, Iterable

from segfn.runtime import Setting

PLAIN_STRINGS = ["test-{name}", "", "ünïcödé ✓", "a,b,c", " spaced ", "0", "https://api.example.com"]
# The first, plain variant: values that match nothing by accident (an allow list of ["a"] would allow
# every user agent with an "a" in it, and hide what the function does with the rest).
SAMPLE = {"string": "test-{name}", "boolean": True, "array": ["test-{name}-1", "test-{name}-2"],
          "map": {"test-{name}-key": "test-{name}-value"}}
# A string setting named for a URL or a host holds one (fetch refuses what is not an absolute http(s)
# URL, as node-fetch does: 'test-webhookUrl' would never reach the answer's branches); its first value
# is the plain one, then ends, paths and queries that joins trip over, and now and then a plain string.
URL_NAME = re.compile(r"(url|uri|endpoint|webhook)s?$", re.IGNORECASE)  # webhookUrl, apiEndpoint, callbackURI
HOST_NAME = re.compile(r"(?<!sub)(host|hostname|domain)$", re.IGNORECASE)  # apiHost, customDomain; not subdomain
URLS = ["https://{slug}.example.com", "https://{slug}.example.com/", "https://{slug}.example.com/v1/",
        "https://{slug}.example.com/hook?token=t&x=1", "http://localhost:8080"]
HOSTS = ["{slug}.example.com", "api.example.com", "localhost:8080"]


class SettingsError(ValueError):
    """A ``--settings`` file that is not a JSON object (or list of objects) of the declared types."""


def _shaped(name: str) -> list[str]:
    """The values a string (or array) setting's name asks for, a URL's or a host's, or [] for any."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "setting"
    pool = URLS if URL_NAME.search(name) else HOSTS if HOST_NAME.search(name) else []
    return [v.format(slug=slug) for v in pool]


def sample_settings(declared: Iterable[Setting]) -> dict[str, Any]:
    """One value of the declared type for every setting (the check's first, plain variant): a URL for
    a setting named for one (``_shaped``), ``test-<name>`` for other strings."""
    def filled(value: Any, name: str) -> Any:
        if isinstance(value, str):
            return value.format(name=name)
        if isinstance(value, list):
            return [filled(v, name) for v in value]
        if isinstance(value, dict):
            return {filled(k, name): filled(v, name) for k, v in value.items()}
        return value

    def first(setting: Setting) -> Any:
        shaped = _shaped(setting.name) if setting.type in ("string", "array") else []
        if shaped:
            return shaped[0] if setting.type == "string" else shaped[:2]
        return filled(SAMPLE[setting.type], setting.name)

    return {s.name: first(s) for s in declared}


def _strings(constants: Iterable[Any]) -> list[str]:
    return sorted({c for c in constants if isinstance(c, str)})


def random_value(setting: Setting, rng: random.Random, constants: Iterable[Any], own: Iterable[Any] = ()) -> Any:
    """A value of ``setting``'s type: the constants compared right where the module reads this setting
    (``own``) half of the time, other harvested string constants a quarter, plain values the rest."""
    strings = _strings(constants)
    mine = _strings(own)
    plain = [v.format(name=setting.name) for v in PLAIN_STRINGS]
    shaped = _shaped(setting.name) if setting.type in ("string", "array") else []  # webhookUrls: a list

    def one_string() -> str:
        roll = rng.random()
        if shaped and roll < 0.6:
            return rng.choice(shaped)
        roll = rng.random()
        pool = mine if mine and roll < 0.5 else strings if strings and roll < 0.75 else plain
        value = rng.choice(pool)
        if setting.required and value == "":
            value = f"test-{setting.name}"
        return value

    if setting.type == "string":
        return one_string()
    if setting.type == "boolean":
        return rng.random() < 0.5
    if setting.type == "array":
        size = rng.choice([0, 1, 1, 2, 3])
        return [one_string() for _ in range(size)] or ([one_string()] if setting.required else [])
    size = rng.choice([0, 1, 2])
    return {one_string() or "k": one_string() for _ in range(size)} or ({"k": "v"} if setting.required else {})


def random_settings(declared: Iterable[Setting], rng: random.Random, constants: Iterable[Any],
                    own: Callable[[str], Iterable[Any]] = lambda name: ()) -> dict[str, Any]:
    """Every required setting, each optional one present three times in four (``own(name)``: the
    constants harvested where the module reads that setting)."""
    out = {}
    for setting in declared:
        if not setting.required and rng.random() < 0.25:
            continue
        out[setting.name] = random_value(setting, rng, constants, own(setting.name))
    return out


def workspace_settings(module: Path, workspace_file: Path) -> list[dict[str, Any]]:
    """The settings each destination of ``workspace.toml`` gives ``module`` (as its function or its
    insert function), with ``${VAR:-default}`` resolved from the environment; [] when none."""
    from segfn.emulator.errors import ConfigError
    from segfn.emulator.workspace import load_workspace
    import os

    if not workspace_file.is_file():
        return []
    try:
        workspace = load_workspace(workspace_file, env=os.environ)
    except ConfigError:
        return []
    target = module.resolve()
    found = []
    for destination in workspace.destinations:
        if destination.function and Path(destination.function).resolve() == target:
            found.append(dict(destination.settings))
        if destination.insert_function and Path(destination.insert_function).resolve() == target:
            found.append(dict(destination.insert_settings))
    return found


def settings_file(path: Path) -> list[dict[str, Any]]:
    """A user's own settings: a JSON object, or a list of objects (each one variant)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"{path}: cannot be read ({exc.strerror})") from None
    except json.JSONDecodeError as exc:
        raise SettingsError(f"{path}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg})") from None
    variants = data if isinstance(data, list) else [data]
    for i, variant in enumerate(variants):
        if not isinstance(variant, dict):
            where = f"$[{i}]" if isinstance(data, list) else "$"
            raise SettingsError(f"{path}: {where}: a settings object must be a JSON object")
    return variants
