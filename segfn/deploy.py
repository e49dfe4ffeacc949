"""Upload compiled functions to a Segment workspace (the pure core of ``segfn deploy``; no click).

``load_bundles`` reads ``dist/`` (the bundle, its manifest, and the stamp a passing ``segfn check``
leaves) and refuses anything unproven; ``plan`` decides create / update / unchanged for each bundle by
display name, reading only; ``apply`` carries a plan out and reads every written function back to
confirm Segment shows what was sent. The Public API client and the error tree are in
``segfn.public_api``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from segfn.public_api import (HOSTS, ApiError, DeployError, Forbidden, InputError, NetworkError, NotFound,
                              NotLive, PublicApi, RateLimited, ServerError, Unauthorized, Unprocessable,
                              bare_id, urllib_transport)

__all__ = [
    "HOSTS", "DeployError", "InputError", "BundleError", "ApiError", "Unauthorized", "Forbidden", "NotFound",
    "Unprocessable", "RateLimited", "ServerError", "NetworkError", "NotLive", "PublicApi", "urllib_transport",
    "bare_id", "Bundle", "load_bundles", "Change", "plan", "apply", "display_names", "settings_key",
    "CREATE", "UPDATE", "UNCHANGED", "RESOURCE_TYPES", "SETTING_TYPES", "SETTING_FIELDS",
]

RESOURCE_TYPES = {"destination": "DESTINATION", "insert": "INSERT_DESTINATION"}
SETTING_TYPES = ("STRING", "BOOLEAN", "ARRAY", "TEXT_MAP")  # FunctionSettingV1.type
SETTING_FIELDS = {"name": str, "label": str, "description": str, "type": str, "required": bool, "sensitive": bool}
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


class BundleError(InputError):
    """A bundle that is missing, malformed, changed since it was built, or not proven by ``segfn check``."""


# -- bundles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bundle:
    stem: str
    module: str
    kind: str
    name: str
    resource_type: str
    code: str
    sha256: str
    settings: list[dict]
    description: str
    checked: dict | None = None  # the passing check's stamp: cases, coverage, checked_at (None: --force, unchecked)

    def create_body(self) -> dict:
        """A ``CreateFunctionV1Input``."""
        return {"code": self.code, "displayName": self.name, "resourceType": self.resource_type,
                "settings": self.settings, "description": self.description}

    def update_body(self) -> dict:
        """An ``UpdateFunctionV1Input``. The display name is left alone: Segment owns its suffix."""
        return {"code": self.code, "settings": self.settings, "description": self.description}


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except json.JSONDecodeError as error:
        raise BundleError(f"{path}:{error.lineno}:{error.colno}: not JSON ({error.msg}); run `segfn build`") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BundleError(f"{path}: cannot be read ({error})") from None


def _check_manifest(path: Path, manifest: Any) -> None:
    """Raise BundleError naming the first key of the manifest contract that does not hold."""
    if not isinstance(manifest, dict):
        raise BundleError(f"{path}: a manifest must be a JSON object")
    for key in ("module", "kind", "name", "resourceType", "sha256"):
        if not isinstance(manifest.get(key), str) or not manifest[key]:
            raise BundleError(f"{path}: {key}: missing or not a non-empty string")
    if manifest["kind"] not in RESOURCE_TYPES:
        raise BundleError(f"{path}: kind: {manifest['kind']!r} is not one of {sorted(RESOURCE_TYPES)}")
    if manifest["resourceType"] != RESOURCE_TYPES[manifest["kind"]]:
        raise BundleError(f"{path}: resourceType: {manifest['resourceType']!r} does not match kind "
                          f"{manifest['kind']!r} (expected {RESOURCE_TYPES[manifest['kind']]!r})")
    if not isinstance(manifest.get("description", ""), str):
        raise BundleError(f"{path}: description: not a string")
    settings = manifest.get("settings", [])
    if not isinstance(settings, list):
        raise BundleError(f"{path}: settings: not an array of FunctionSettingV1")
    for i, setting in enumerate(settings):
        if not isinstance(setting, dict):
            raise BundleError(f"{path}: settings[{i}]: not an object")
        for key, kind in SETTING_FIELDS.items():
            if not isinstance(setting.get(key), kind):
                raise BundleError(f"{path}: settings[{i}].{key}: missing or not a {kind.__name__}")
        if setting["type"] not in SETTING_TYPES:
            raise BundleError(f"{path}: settings[{i}].type: {setting['type']!r} is not one of {list(SETTING_TYPES)}")
        extra = sorted(set(setting) - set(SETTING_FIELDS))
        if extra:
            raise BundleError(f"{path}: settings[{i}]: unknown key(s) {extra}")


def _check_stamp(dist: Path, stem: str, js: Path, digest: str, module: str) -> dict:
    """Refuse a bundle that ``segfn check`` has not passed since it was built; the stamp otherwise."""
    stamp_path = dist / f"{stem}.check.json"
    hint = f"run `segfn check {module}`, or deploy --force to skip the proof"
    if not stamp_path.exists():
        raise BundleError(f"{js}: `segfn check` has never passed on this bundle ({stamp_path.name} is missing); {hint}")
    stamp = _read_json(stamp_path)
    if not isinstance(stamp, dict) or stamp.get("passed") is not True:
        raise BundleError(f"{stamp_path}: the last `segfn check` of this bundle did not pass; {hint}")
    if stamp.get("sha256") != digest:
        raise BundleError(f"{js}: was rebuilt after the last passing `segfn check` ({stamp_path.name} "
                          f"proves sha256 {str(stamp.get('sha256'))[:12]}..., the bundle is {digest[:12]}...); {hint}")
    return stamp


def _passing_stamp(dist: Path, stem: str, digest: str) -> dict | None:
    """The stamp of a passing check of exactly these bytes, if there is one (for --force)."""
    try:
        stamp = json.loads((dist / f"{stem}.check.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(stamp, dict) and stamp.get("passed") is True and stamp.get("sha256") == digest:
        return stamp
    return None


def load_bundles(dist: Path, names: tuple[str, ...] = (), *, force: bool = False) -> list[Bundle]:
    """The bundles in ``dist``: all of them, or those whose module stem or display name is in ``names``.

    Always refuses a malformed manifest, a missing bundle, or a bundle whose bytes differ from the
    sha256 its manifest recorded; unless ``force``, also refuses one without a passing check stamp
    for exactly these bytes."""
    if not dist.is_dir():
        raise BundleError(f"{dist}: no such folder; run `segfn build` (or give --dist)")
    manifests = sorted(p for p in dist.glob("*.json") if not p.name.endswith(".check.json"))
    bundles: list[Bundle] = []
    for path in manifests:
        manifest = _read_json(path)
        stem = path.name[: -len(".json")]
        if names and stem not in names and (not isinstance(manifest, dict) or manifest.get("name") not in names):
            continue
        _check_manifest(path, manifest)
        js = dist / f"{stem}.js"
        if not js.is_file():
            raise BundleError(f"{path}: its bundle {js.name} is missing; run `segfn build`")
        raw = js.read_bytes()
        digest = hashlib.sha256(raw).hexdigest()
        if manifest["sha256"] != digest:
            raise BundleError(f"{js}: changed since `segfn build` wrote it (its manifest records another "
                              f"sha256); build again, then check")
        if force:
            checked = _passing_stamp(dist, stem, digest)
        else:
            checked = _check_stamp(dist, stem, js, digest, manifest["module"])
        try:
            code = raw.decode("utf-8")
        except UnicodeDecodeError as error:
            raise BundleError(f"{js}: not UTF-8 at byte {error.start}") from None
        bundles.append(Bundle(stem, manifest["module"], manifest["kind"], manifest["name"],
                              manifest["resourceType"], code, digest, manifest.get("settings", []),
                              manifest.get("description", ""), checked))
    missing = [n for n in names if not any(n in (b.stem, b.name) for b in bundles)]
    if missing:
        raise BundleError(f"no bundle in {dist} for {', '.join(missing)}; run `segfn build`")
    if not bundles:
        raise BundleError(f"no bundles in {dist}: run `segfn build` and `segfn check` first")
    taken: dict[tuple[str, str], str] = {}
    for bundle in bundles:
        other = taken.setdefault((bundle.resource_type, bundle.name), bundle.stem)
        if other != bundle.stem:
            raise BundleError(f"{dist}: {other} and {bundle.stem} are both {bundle.resource_type} functions "
                              f"named {bundle.name!r}; give one another NAME")
    return bundles


# -- planning ----------------------------------------------------------------------------------


@dataclass
class Change:
    bundle: Bundle
    action: str
    function_id: str | None = None
    display_name: str | None = None  # as Segment shows it
    diff: str = ""
    connect_to: list[str] = field(default_factory=list)  # destination ids the insert function is not on yet
    connect_settings: dict[str, dict] = field(default_factory=dict)  # destination id -> instance settings
    live: dict | None = None  # the FunctionV1 read back after a write


def display_names(name: str, resource_type: str, workspace_name: str) -> set[str]:
    """The names Segment may show for ``name``: destination functions get " (<Workspace>)" appended
    (CreateFunctionV1Input.displayName; Terraform provider #192)."""
    names = {name}
    if resource_type == "DESTINATION" and workspace_name:
        names.add(f"{name} ({workspace_name})")
    return names


def settings_key(settings: list[dict] | None) -> list[dict]:
    """Settings as compared and diffed: the FunctionSettingV1 fields only, ordered by name, so that an
    order Segment chooses never looks like a change."""
    return sorted(({k: s.get(k) for k in SETTING_FIELDS} for s in settings or []), key=lambda s: str(s["name"]))


def _diff(before: str, after: str, label: str) -> str:
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 f"segment/{label}", f"local/{label}")
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    return text


def _settings_text(settings: list[dict] | None) -> str:
    return json.dumps(settings_key(settings), indent=2) + "\n"


def _changes(bundle: Bundle, existing: dict | None) -> str:
    """A unified diff of code, settings and description between Segment and the bundle ('' if none).
    Only settings' schema is shown (names, types, flags): no setting value is ever part of a function."""
    new = existing is None
    existing = existing or {}
    text = _diff(existing.get("code") or "", bundle.code, f"{bundle.stem}.js")
    if settings_key(existing.get("settings")) != settings_key(bundle.settings):
        text += _diff("" if new else _settings_text(existing.get("settings")), _settings_text(bundle.settings),
                      f"{bundle.stem}.settings.json")
    if (existing.get("description") or "") != bundle.description:
        text += _diff("" if new else (existing.get("description") or "") + "\n", bundle.description + "\n",
                      f"{bundle.stem}.description")
    return text


def plan(api: PublicApi, bundles: list[Bundle], connections: dict[str, list[tuple[str, dict]]] | None = None
         ) -> tuple[str, list[Change]]:
    """Decide, for each bundle, whether Segment needs it created, updated, or nothing; only reads.

    ``connections`` maps an insert function's module to ``(destination segment id, instance settings)``
    pairs it should be connected to. Returns the workspace's name and the changes."""
    workspace_name = api.get_workspace().get("name") or ""
    listed: dict[str, list[dict]] = {}
    changes: list[Change] = []
    for bundle in bundles:
        if bundle.resource_type not in listed:
            listed[bundle.resource_type] = api.list_functions(bundle.resource_type)
        names = display_names(bundle.name, bundle.resource_type, workspace_name)
        found = [f for f in listed[bundle.resource_type]
                 if f.get("displayName") in names and f.get("resourceType", bundle.resource_type) == bundle.resource_type]
        if len(found) > 1:
            raise DeployError(f"{len(found)} {bundle.resource_type} functions are named {bundle.name!r} in workspace "
                              f"{workspace_name!r} ({', '.join(f['id'] for f in found)}); rename or delete all but "
                              f"one in the Segment app, then deploy again")
        wanted = dict((connections or {}).get(bundle.module, [])) if bundle.resource_type == "INSERT_DESTINATION" else {}
        if not found:
            changes.append(Change(bundle, CREATE, None, None, _changes(bundle, None), list(wanted), wanted))
            continue
        existing = api.get_function(found[0]["id"])
        diff = _changes(bundle, existing)
        connect = list(wanted)
        if connect:
            present = {i.get("integrationId") for i in api.list_insert_instances(existing["id"])}
            connect = [c for c in connect if c not in present]
        changes.append(Change(bundle, UPDATE if diff else UNCHANGED, existing["id"], existing.get("displayName"),
                              diff, connect, {c: wanted[c] for c in connect}))
    return workspace_name, changes


def _confirm(api: PublicApi, change: Change) -> None:
    """Read the function back: Segment must show exactly the code and settings just sent."""
    live = api.get_function(change.function_id)
    code = (live.get("code") or "").encode("utf-8")
    if hashlib.sha256(code).hexdigest() != change.bundle.sha256:
        raise NotLive(f"{change.function_id}: Segment accepted the {change.action} but shows other code "
                      f"(sha256 {hashlib.sha256(code).hexdigest()[:12]}..., sent {change.bundle.sha256[:12]}...); "
                      f"open the function in the Segment app and deploy again")
    if settings_key(live.get("settings")) != settings_key(change.bundle.settings):
        raise NotLive(f"{change.function_id}: Segment accepted the {change.action} but shows other settings; "
                      f"open the function in the Segment app and deploy again")
    change.live = live
    change.display_name = live.get("displayName") or change.display_name


def apply(api: PublicApi, changes: list[Change], on_done: Callable[[Change], None] | None = None) -> list[Change]:
    """Carry out a plan; each written function is read back and must match the bundle (else NotLive).
    ``on_done`` hears of each change as soon as it is live, so a later failure hides no earlier success."""
    for change in changes:
        if change.action == CREATE:
            created = api.create_function(change.bundle.create_body())
            change.function_id, change.display_name = created["id"], created.get("displayName")
        elif change.action == UPDATE:
            api.update_function(change.function_id, change.bundle.update_body())
        if change.action != UNCHANGED:
            _confirm(api, change)
        for integration in change.connect_to:
            api.create_insert_instance(change.function_id, integration, change.bundle.name,
                                       dict(change.connect_settings.get(integration) or {}))
        if on_done:
            on_done(change)
    return changes
