"""A fake of Segment's Public API: exactly the endpoints ``segfn deploy`` uses, with the published
shapes (segmentio/public-api-sdk-typescript models) and failures, and knobs to make it fail.

moto's split, in one file: ``FakeState`` is the model (functions, instances, every request seen),
``create_app`` the responses. Facts it reproduces, with where they come from:

- ``GET /`` -> ``{data: {workspace: WorkspaceV1 {id, slug, name}}}`` (workspacesApi.getWorkspace).
- ``GET /functions?resourceType=&pagination.count=&pagination.cursor=``: resourceType and
  pagination are required (functionsApi.listFunctions); count is 1-200 (PaginationInput); items are
  ``ListFunctionItemV1`` (no code, no settings); ``pagination {current, next?, previous?, totalEntries}``
  with opaque cursors (PaginationOutput).
- ``GET/PATCH /functions/{id}`` -> ``{data: {function: FunctionV1}}``; the PATCH body is an
  ``UpdateFunctionV1Input`` {code?, settings?, displayName?, logoUrl?, description?}.
- ``POST /functions`` with a ``CreateFunctionV1Input`` {code*, displayName*, resourceType*, settings?,
  logoUrl?, description?}; destination functions get " (<Workspace>)" appended to the display name.
- ``FunctionSettingV1`` has all six fields {name, label, description, type, required, sensitive},
  type one of ARRAY, BOOLEAN, STRING, TEXT_MAP.
- ``GET/POST /insert-function-instances`` (alpha): functionId without its ifnd_ prefix, else 400
  "Insert function ... not found" (Terraform provider #85/#199); the POST answers
  ``{data: {insertFunctionInstance: InsertFunctionInstanceAlpha}}``.
- Errors: ``{"errors": [{"type", "message", "field"?}]}``; 401 without a valid token; 422 for missing or
  invalid parameters; 429 as docs.segmentapis.com/tag/Rate-Limits shows it (``data.msBeforeNext``,
  an ``X-RateLimit-Reset`` date) plus an optional ``Retry-After``.
"""

from __future__ import annotations

import base64
import itertools
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

from flask import Flask, jsonify, request

PREFIX = {"DESTINATION": "dfn_", "INSERT_DESTINATION": "ifnd_", "SOURCE": "sfnc_", "INSERT_SOURCE": "ifns_"}
LISTABLE = ("DESTINATION", "INSERT_DESTINATION", "SOURCE")  # listFunctions' resourceType enum
SETTING_TYPES = ("ARRAY", "BOOLEAN", "STRING", "TEXT_MAP")
SETTING_FIELDS = {"name": str, "label": str, "description": str, "type": str, "required": bool, "sensitive": bool}
LIST_ITEM_FIELDS = ("id", "resourceType", "createdAt", "createdBy", "displayName", "description", "logoUrl",
                    "catalogId")
CREATE_FIELDS = {"code", "displayName", "resourceType", "settings", "logoUrl", "description"}
UPDATE_FIELDS = {"code", "settings", "displayName", "logoUrl", "description"}


@dataclass
class Failure:
    """A forced answer for the next request(s) matching ``method`` (None: any)."""
    status: int
    headers: dict = field(default_factory=dict)
    body: dict | None = None
    method: str | None = None
    after: int = 0  # matching requests to let through first


@dataclass
class FakeState:
    token: str
    workspace: str = "Acme"
    functions: list[dict] = field(default_factory=list)
    instances: list[dict] = field(default_factory=list)
    requests: list[tuple[str, str, str]] = field(default_factory=list)  # (method, path, Accept) of every request
    writes: list[tuple[str, str, dict]] = field(default_factory=list)  # accepted writes and their bodies
    failures: list[Failure] = field(default_factory=list)
    read_only: bool = False  # the token's role can read but not write (403 on writes)
    store_other_code: bool = False  # accept a write but keep the old code (a write that does not go live)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def add(self, display_name: str, resource_type: str = "DESTINATION", code: str = "", settings=None,
            description: str = "") -> dict:
        """A function already in the workspace, stored as Segment would show it."""
        now = _now()
        function = {"id": f"{PREFIX[resource_type]}{next(self.ids):06d}", "resourceType": resource_type,
                    "createdAt": now, "createdBy": "usr_fake", "code": code, "deployedAt": now,
                    "settings": list(settings or []), "displayName": display_name, "description": description,
                    "logoUrl": "https://example.com/logo.png", "previewWebhookUrl": "", "batchMaxCount": 0,
                    "catalogId": f"cat_{next(self.ids):06d}", "isLatestVersion": True}
        self.functions.append(function)
        return function

    def fail(self, status: int, headers: dict | None = None, body: dict | None = None, method: str | None = None,
             times: int = 1, after: int = 0) -> None:
        self.failures.extend(Failure(status, headers or {}, body, method, after) for _ in range(times))

    def rate_limit(self, ms_before_next: int = 1500, retry_after: str | None = None, times: int = 1) -> None:
        """429s shaped as Segment documents them."""
        reset = format_datetime(datetime.now(timezone.utc) + timedelta(milliseconds=ms_before_next), usegmt=True)
        headers = {"X-RateLimit-Reset": reset, "X-RateLimit-Remaining": "0", "X-RateLimit-Consumed": "21"}
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        body = {"errors": [{"type": "RequestError", "message": "Too many requests",
                            "data": {"remainingPoints": 0, "msBeforeNext": ms_before_next, "consumedPoints": 21}}]}
        self.fail(429, headers, body, times=times)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _error(status: int, kind: str, message: str, field_name: str | None = None, headers: dict | None = None):
    error = {"type": kind, "message": message}
    if field_name:
        error["field"] = field_name
    return jsonify({"errors": [error]}), status, headers or {}


def _invalid(message: str, field_name: str | None = None):
    return _error(422, "input-validation", message, field_name)


def _settings_problem(settings) -> tuple[str, str] | None:
    if not isinstance(settings, list):
        return "settings", "must be an array of FunctionSettingV1"
    for i, setting in enumerate(settings):
        if not isinstance(setting, dict):
            return f"settings[{i}]", "must be a FunctionSettingV1 object"
        for key, kind in SETTING_FIELDS.items():
            if not isinstance(setting.get(key), kind):
                return f"settings[{i}].{key}", f'"{key}" is required and must be a {kind.__name__}'
        if setting["type"] not in SETTING_TYPES:
            return f"settings[{i}].type", f"must be one of {', '.join(SETTING_TYPES)}"
    return None


def _body():
    body = request.get_json(silent=True)
    return body if isinstance(body, dict) else None


def _page(items: list[dict]) -> tuple[list[dict], dict] | tuple:
    """One page of ``items`` per ``pagination.count`` / ``pagination.cursor``, or a 422 answer."""
    count = request.args.get("pagination.count")
    if count is None:
        return _invalid('"pagination.count" is required', "pagination.count")
    if not count.isdigit() or not 1 <= int(count) <= 200:
        return _invalid("pagination.count must be a number between 1 and 200", "pagination.count")
    cursor = request.args.get("pagination.cursor")
    try:
        start = int(base64.urlsafe_b64decode(cursor.encode()).decode().removeprefix("offset:")) if cursor else 0
    except ValueError:
        return _invalid("pagination.cursor is not a cursor this API returned", "pagination.cursor")
    size = int(count)
    encode = lambda n: base64.urlsafe_b64encode(f"offset:{n}".encode()).decode()  # noqa: E731
    pagination = {"current": encode(start), "totalEntries": len(items)}
    if start + size < len(items):
        pagination["next"] = encode(start + size)
    if start > 0:
        pagination["previous"] = encode(max(start - size, 0))
    return items[start:start + size], pagination


def create_app(state: FakeState) -> Flask:
    app = Flask("fake_public_api")

    def find(function_id: str) -> dict | None:
        return next((f for f in state.functions if f["id"] == function_id), None)

    @app.before_request
    def gate():
        state.requests.append((request.method, request.path, request.headers.get("Accept", "")))
        for i, failure in enumerate(state.failures):
            if failure.method in (None, request.method):
                if failure.after:
                    failure.after -= 1
                    break
                state.failures.pop(i)
                body = failure.body or {"errors": [{"type": "forced", "message": f"forced failure {failure.status}"}]}
                return jsonify(body), failure.status, failure.headers
        if request.headers.get("Authorization") != f"Bearer {state.token}":
            return _error(401, "unauthorized", "Unauthorized: the token is missing or invalid")
        if state.read_only and request.method != "GET":
            return _error(403, "forbidden", "Forbidden: the token does not have permission to perform this action")
        if request.method in ("POST", "PATCH") and _body() is None:
            return _invalid("the request body must be a JSON object")
        return None

    @app.get("/")
    def workspace():
        return jsonify({"data": {"workspace": {"id": "ws_fake01", "slug": state.workspace.lower(),
                                               "name": state.workspace}}})

    @app.get("/functions")
    def list_functions():
        resource_type = request.args.get("resourceType")
        if resource_type not in LISTABLE:
            return _invalid(f'"resourceType" is required and must be one of {", ".join(LISTABLE)}', "resourceType")
        matching = [{k: f.get(k) for k in LIST_ITEM_FIELDS} for f in state.functions
                    if f["resourceType"] == resource_type]
        page = _page(matching)
        if len(page) == 3:  # an error answer
            return page
        return jsonify({"data": {"functions": page[0], "pagination": page[1]}})

    @app.post("/functions")
    def create_function():
        body = _body()
        for key in ("code", "displayName", "resourceType"):
            if not isinstance(body.get(key), str) or not body[key]:
                return _invalid(f'"{key}" is required', key)
        if set(body) - CREATE_FIELDS:
            return _invalid(f"unknown field(s): {', '.join(sorted(set(body) - CREATE_FIELDS))}")
        if body["resourceType"] not in ("DESTINATION", "INSERT_DESTINATION", "SOURCE"):
            return _invalid("resourceType must be one of DESTINATION, INSERT_DESTINATION, SOURCE", "resourceType")
        problem = _settings_problem(body.get("settings", []))
        if problem:
            return _invalid(problem[1], problem[0])
        name = body["displayName"]
        if body["resourceType"] == "DESTINATION":
            name = f"{name} ({state.workspace})"
        function = state.add(name, body["resourceType"], body["code"], body.get("settings", []),
                             body.get("description", ""))
        if state.store_other_code:
            function["code"] = "// not what was sent"
        state.writes.append(("POST", "/functions", body))
        return jsonify({"data": {"function": function}})

    @app.get("/functions/<function_id>")
    def get_function(function_id: str):
        found = find(function_id)
        if found is None:
            return _error(404, "not-found", f"Function {function_id} not found")
        return jsonify({"data": {"function": found}})

    @app.patch("/functions/<function_id>")
    def update_function(function_id: str):
        found = find(function_id)
        if found is None:
            return _error(404, "not-found", f"Function {function_id} not found")
        body = _body()
        if set(body) - UPDATE_FIELDS:
            return _invalid(f"unknown field(s): {', '.join(sorted(set(body) - UPDATE_FIELDS))}")
        if "settings" in body and _settings_problem(body["settings"]):
            field_name, message = _settings_problem(body["settings"])
            return _invalid(message, field_name)
        if not state.store_other_code:
            found.update(body)
        found["deployedAt"] = _now()
        state.writes.append(("PATCH", f"/functions/{function_id}", body))
        return jsonify({"data": {"function": found}})

    @app.get("/insert-function-instances")
    def list_instances():
        function_id = request.args.get("functionId")
        if not function_id:
            return _invalid('"functionId" is required', "functionId")
        page = _page([i for i in state.instances if i["classId"] == function_id])
        if len(page) == 3:
            return page
        return jsonify({"data": {"instances": page[0], "pagination": page[1]}})

    @app.post("/insert-function-instances")
    def create_instance():
        body = _body()
        for key, kind in (("functionId", str), ("integrationId", str), ("name", str), ("settings", dict)):
            if not isinstance(body.get(key), kind):
                return _invalid(f'"{key}" is required', key)
        insert = [f for f in state.functions if f["resourceType"] == "INSERT_DESTINATION"]
        if not any(f["id"] == PREFIX["INSERT_DESTINATION"] + body["functionId"] for f in insert):
            return _error(400, "bad-request", f"Insert function {body['functionId']} not found")
        now = _now()
        instance = {"id": f"ifi_{next(state.ids):06d}", "name": body["name"], "integrationId": body["integrationId"],
                    "classId": body["functionId"], "enabled": body.get("enabled", False), "createdAt": now,
                    "updatedAt": now, "settings": body["settings"], "encryptedSettings": {}}
        state.instances.append(instance)
        state.writes.append(("POST", "/insert-function-instances", body))
        return jsonify({"data": {"insertFunctionInstance": instance}})

    return app


def flask_transport(app: Flask):
    """``segfn.public_api``'s transport contract over Flask's test client: the fake in process."""
    client = app.test_client()

    def send(method: str, url: str, headers: dict[str, str], body: bytes | None):
        rest = url.split("://", 1)[1]
        path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
        answer = client.open(path, method=method, headers=headers, data=body)
        return answer.status_code, dict(answer.headers), answer.get_data()

    return send


def dump(state: FakeState) -> str:
    """The state as JSON (for failure messages)."""
    return json.dumps({"functions": state.functions, "instances": state.instances}, indent=1)
