"""Upload compiled functions to a Segment workspace through the Public API (no click in here).

``load_bundles`` reads ``dist/`` (bundle, manifest, and the stamp ``segfn check`` leaves);
``PublicApi`` is a small client over an injectable transport (httpx's idea: tests hand it a fake
server, production the network); ``plan`` decides create / update / unchanged by display name, and
``apply`` carries a plan out. The token is held by the client only and is masked in every error text.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable
from urllib.parse import urlencode

from emulator.errors import SegfnError

HOSTS = {"us": "https://api.segmentapis.com", "eu": "https://eu1.api.segmentapis.com"}
PREFIXES = ("dfn_", "ifnd_", "ifns_", "sfnc_")
PAGE_SIZE = 200
MAX_RETRIES = 4
MAX_WAIT = 60.0


# -- errors ------------------------------------------------------------------------------------


class DeployError(SegfnError):
    """Anything that stops a deploy; ``str()`` says what to do about it."""


class BundleError(DeployError):
    """A bundle that is missing, inconsistent, or not proven by ``segfn check``."""


class ApiError(DeployError):
    """The Public API refused a request."""

    status = 0
    advice = ""

    def __init__(self, method: str, path: str, message: str, status: int | None = None) -> None:
        self.method, self.path, self.message = method, path, message
        if status is not None:
            self.status = status
        super().__init__(f"{method} {path} answered {self.status}: {message}" + (f" ({self.advice})" if self.advice else ""))


class Unauthorized(ApiError):
    status = 401
    advice = "SEGMENT_API_TOKEN is missing, mistyped or revoked: create a Public API token in the workspace"


class Forbidden(ApiError):
    status = 403
    advice = "the token lacks a role that can manage functions in this workspace (Workspace Owner)"


class NotFound(ApiError):
    status = 404
    advice = "check the region (--region us|eu) and --api-url; a function id may have been deleted"


class Unprocessable(ApiError):
    status = 422


class RateLimited(ApiError):
    status = 429
    advice = "the Public API's rate limit held after retries; wait and deploy again"


class NetworkError(DeployError):
    """The Public API could not be reached."""


_BY_STATUS = {cls.status: cls for cls in (Unauthorized, Forbidden, NotFound, Unprocessable, RateLimited)}


# -- transport and client ----------------------------------------------------------------------

Transport = Callable[[str, str, dict[str, str], bytes | None], tuple[int, dict[str, str], bytes]]


def urllib_transport(method: str, url: str, headers: dict[str, str], body: bytes | None,
                     timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    """The network: ``(status, headers, body)``; raises NetworkError when nothing answers."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, dict(answer.headers.items()), answer.read()
    except (urllib.error.URLError, OSError) as failure:
        reason = getattr(failure, "reason", failure)
        raise NetworkError(f"{method} {url} failed: {reason}") from None


class PublicApi:
    """The few Public API endpoints a deploy needs. ``sleep`` is injectable so tests never wait."""

    def __init__(self, base_url: str, token: str, transport: Transport = urllib_transport, *,
                 sleep: Callable[[float], None] = time.sleep, max_retries: int = MAX_RETRIES) -> None:
        if not token:
            raise DeployError("SEGMENT_API_TOKEN is not set: create a Public API token in the Segment app "
                              "(Settings > Workspace settings > Access Management > Tokens) and export it")
        self.base_url = base_url.rstrip("/")
        self._token = token
        self.transport = transport
        self.sleep = sleep
        self.max_retries = max_retries
        self.writes: list[str] = []  # "POST /functions", ... as sent (tests and dry-run checks read it)

    def _mask(self, text: str) -> str:
        return text.replace(self._token, "***") if self._token else text

    def request(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None) -> Any:
        url = self.base_url + path + (f"?{urlencode(query)}" if query else "")
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/vnd.segment.v1+json",
                   "Content-Type": "application/json"}
        data = None if body is None else json.dumps(body).encode("utf-8")
        if method != "GET":
            self.writes.append(f"{method} {path}")
        for attempt in range(self.max_retries + 1):
            try:
                status, answer_headers, raw = self.transport(method, url, headers, data)
            except NetworkError as failure:
                raise NetworkError(self._mask(str(failure))) from None
            if status == 429 and attempt < self.max_retries:
                self.sleep(_retry_after(answer_headers, attempt))
                continue
            break
        if 200 <= status < 300:
            return json.loads(raw) if raw else {}
        error = _BY_STATUS.get(status, ApiError)
        raise error(method, path, self._mask(_message(raw)), status)

    def list_functions(self, resource_type: str) -> list[dict]:
        """Every function of ``resource_type``, following pagination cursors."""
        out: list[dict] = []
        cursor: str | None = None
        while True:
            query = {"resourceType": resource_type, "pagination.count": PAGE_SIZE}
            if cursor:
                query["pagination.cursor"] = cursor
            data = self.request("GET", "/functions", query=query).get("data", {})
            out.extend(data.get("functions", []))
            cursor = (data.get("pagination") or {}).get("next")
            if not cursor:
                return out

    def create_function(self, body: dict) -> dict:
        return self.request("POST", "/functions", body)["data"]["function"]

    def update_function(self, function_id: str, body: dict) -> dict:
        return self.request("PATCH", f"/functions/{function_id}", body)["data"]["function"]

    def insert_instances(self, function_id: str) -> list[dict]:
        data = self.request("GET", "/insert-function-instances", query={"functionId": bare_id(function_id)})
        return data.get("data", {}).get("instances", [])

    def connect_insert_function(self, function_id: str, integration_id: str, name: str) -> dict:
        body = {"functionId": bare_id(function_id), "integrationId": integration_id, "name": name,
                "settings": {}, "enabled": True}
        return self.request("POST", "/insert-function-instances", body)["data"]["instance"]


def _retry_after(headers: dict[str, str], attempt: int) -> float:
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    try:
        wait = float(value) if value is not None else 2.0 ** attempt
    except ValueError:
        wait = 2.0 ** attempt
    return min(max(wait, 0.0), MAX_WAIT)


def _message(raw: bytes) -> str:
    """The Public API's error text: ``{"errors": [{"type", "message"}]}``, else the body."""
    try:
        body = json.loads(raw)
        return "; ".join(e.get("message", "") for e in body["errors"]) or raw.decode("utf-8", "replace")
    except (ValueError, KeyError, TypeError, AttributeError):
        return raw.decode("utf-8", "replace")[:300] or "(no body)"


def bare_id(function_id: str) -> str:
    """An id without its type prefix, as insert-function-instances wants it."""
    for prefix in PREFIXES:
        if function_id.startswith(prefix):
            return function_id[len(prefix):]
    return function_id


# -- bundles -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bundle:
    module: str
    kind: str
    name: str
    resource_type: str
    code: str
    settings: list[dict]
    description: str
    stem: str

    def body(self) -> dict:
        return {"code": self.code, "displayName": self.name, "resourceType": self.resource_type,
                "settings": self.settings, "description": self.description}


def load_bundles(dist: Path, names: tuple[str, ...] = (), *, force: bool = False) -> list[Bundle]:
    """The bundles in ``dist`` (all, or those whose module stem or display name is in ``names``).
    Raises BundleError for a manifest without its bundle, a bundle changed since it was built, or,
    unless ``force``, one that ``segfn check`` has not passed since it was built."""
    manifests = sorted(p for p in dist.glob("*.json") if not p.name.endswith(".check.json"))
    bundles: list[Bundle] = []
    for path in manifests:
        manifest = json.loads(path.read_text("utf-8"))
        stem = path.name[: -len(".json")]
        if names and stem not in names and manifest.get("name") not in names:
            continue
        js = dist / f"{stem}.js"
        if not js.exists():
            raise BundleError(f"{path}: its bundle {js.name} is missing; run `segfn build`")
        code = js.read_text("utf-8")
        digest = hashlib.sha256(code.encode("utf-8")).hexdigest()
        if manifest.get("sha256") != digest:
            raise BundleError(f"{js}: changed since `segfn build` wrote it; build again")
        if not force:
            stamp = dist / f"{stem}.check.json"
            checked = json.loads(stamp.read_text("utf-8")) if stamp.exists() else {}
            if not (checked.get("passed") is True and checked.get("sha256") == digest):
                raise BundleError(f"{js}: `segfn check` has not passed on this bundle since it was built; "
                                  f"run `segfn check {manifest.get('module', '')}` (or deploy --force)")
        bundles.append(Bundle(manifest["module"], manifest["kind"], manifest["name"], manifest["resourceType"],
                              code, manifest.get("settings", []), manifest.get("description", ""), stem))
    missing = [n for n in names if not any(n in (b.stem, b.name) for b in bundles)]
    if missing:
        raise BundleError(f"no bundle in {dist} for {', '.join(missing)}; run `segfn build`")
    return bundles


# -- planning ----------------------------------------------------------------------------------

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"


@dataclass
class Change:
    bundle: Bundle
    action: str
    existing: dict | None = None
    diff: str = ""
    function_id: str | None = None
    connect_to: list[str] = field(default_factory=list)  # destination ids the insert function is not yet on


def display_names(bundle: Bundle, workspace_name: str | None) -> set[str]:
    """What Segment may show: destination functions get " (<Workspace>)" appended to their name."""
    names = {bundle.name}
    if workspace_name and bundle.resource_type == "DESTINATION":
        names.add(f"{bundle.name} ({workspace_name})")
    return names


def _settings_key(settings: list[dict]) -> list[dict]:
    keys = ("name", "label", "description", "type", "required", "sensitive")
    return sorted(({k: s.get(k) for k in keys} for s in settings or []), key=lambda s: s["name"] or "")


def _diff(label: str, before: str, after: str) -> str:
    lines = difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                 f"segment:{label}", f"local:{label}")
    return "".join(lines)


def plan(api: PublicApi, bundles: list[Bundle], workspace_name: str | None,
         connections: dict[str, list[str]] | None = None) -> list[Change]:
    """Decide, for each bundle, whether Segment needs it created, updated, or nothing."""
    listed: dict[str, list[dict]] = {}
    changes = []
    for bundle in bundles:
        if bundle.resource_type not in listed:
            listed[bundle.resource_type] = api.list_functions(bundle.resource_type)
        names = display_names(bundle, workspace_name)
        found = [f for f in listed[bundle.resource_type] if f.get("displayName") in names]
        if len(found) > 1:
            raise DeployError(f"{len(found)} {bundle.resource_type} functions are named {bundle.name!r} in Segment "
                              f"({', '.join(f['id'] for f in found)}); rename or delete one first")
        connect = list((connections or {}).get(bundle.module, []))
        if not found:
            changes.append(Change(bundle, CREATE, diff=_diff("code", "", bundle.code), connect_to=connect))
            continue
        existing = found[0]
        if connect:
            present = {i.get("integrationId") for i in api.insert_instances(existing["id"])}
            connect = [c for c in connect if c not in present]
        diff = _diff(f"{bundle.stem}.js", existing.get("code") or "", bundle.code)
        before = json.dumps(_settings_key(existing.get("settings")), indent=2) + "\n"
        after = json.dumps(_settings_key(bundle.settings), indent=2) + "\n"
        diff += _diff("settings", before, after)
        if (existing.get("description") or "") != bundle.description:
            diff += _diff("description", (existing.get("description") or "") + "\n", bundle.description + "\n")
        changes.append(Change(bundle, UPDATE if diff else UNCHANGED, existing, diff, existing["id"], connect))
    return changes


def apply(api: PublicApi, changes: list[Change]) -> list[Change]:
    """Carry out a plan; each change gets the id of the function it created or updated."""
    for change in changes:
        body = change.bundle.body()
        if change.action == CREATE:
            change.function_id = api.create_function(body)["id"]
        elif change.action == UPDATE:
            update = {k: body[k] for k in ("code", "settings", "description")}
            change.function_id = api.update_function(change.function_id, update)["id"]
        for integration in change.connect_to:
            api.connect_insert_function(change.function_id, integration, change.bundle.name)
    return changes
