"""A fake of Segment's Public API: exactly the endpoints ``segfn deploy`` uses, with the published
request and response shapes (FunctionV1, FunctionSettingV1, pagination cursors, ``{"errors": [...]}``),
rejecting malformed requests as the real one documents (422), and knobs to make it fail."""

from __future__ import annotations

import base64
import itertools
from dataclasses import dataclass, field
from datetime import datetime, timezone

from flask import Flask, jsonify, request

RESOURCE_TYPES = {"DESTINATION": "dfn_", "INSERT_DESTINATION": "ifnd_", "SOURCE": "sfnc_",
                  "INSERT_SOURCE": "ifns_"}
SETTING_TYPES = {"STRING", "BOOLEAN", "ARRAY", "TEXT_MAP"}
SETTING_KEYS = {"name", "label", "description", "type", "required", "sensitive"}


@dataclass
class FakeState:
    token: str
    workspace: str = "Acme"
    functions: list[dict] = field(default_factory=list)
    instances: list[dict] = field(default_factory=list)
    writes: list[tuple[str, str, dict]] = field(default_factory=list)
    failures: list[tuple[int, dict]] = field(default_factory=list)  # (status, headers) for the next requests
    read_only: bool = False  # a token whose role cannot write (403 on writes)
    ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def add(self, display_name: str, resource_type: str = "DESTINATION", code: str = "", settings=None,
            description: str = "") -> dict:
        function = {"id": f"{RESOURCE_TYPES[resource_type]}{next(self.ids):06d}", "resourceType": resource_type,
                    "createdAt": _now(), "createdBy": "usr_test", "code": code, "deployedAt": _now(),
                    "settings": settings or [], "displayName": display_name, "description": description,
                    "logoUrl": None, "previewWebhookUrl": None, "batchMaxCount": 0, "catalogId": "cat_x",
                    "isLatestVersion": True}
        self.functions.append(function)
        return function


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _error(status: int, kind: str, message: str, headers: dict | None = None):
    return jsonify({"errors": [{"type": kind, "message": message}]}), status, headers or {}


def _check_settings(settings) -> str | None:
    if not isinstance(settings, list):
        return "settings must be an array of FunctionSettingV1"
    for i, s in enumerate(settings):
        if not isinstance(s, dict) or not {"name", "label", "type"} <= set(s) or set(s) - SETTING_KEYS:
            return f"settings[{i}] must be a FunctionSettingV1 {{name, label, description, type, required, sensitive}}"
        if s["type"] not in SETTING_TYPES:
            return f"settings[{i}].type must be one of {sorted(SETTING_TYPES)}"
    return None


def create_app(state: FakeState) -> Flask:
    app = Flask("fake_public_api")

    @app.before_request
    def gate():
        if state.failures:
            status, headers = state.failures.pop(0)
            return _error(status, "injected", f"injected failure {status}", headers)
        if request.headers.get("Authorization") != f"Bearer {state.token}":
            return _error(401, "unauthorized", "the provided token is invalid")
        if state.read_only and request.method != "GET":
            return _error(403, "forbidden", "the token's role cannot perform this action")
        return None

    @app.get("/functions")
    def list_functions():
        resource_type = request.args.get("resourceType")
        if resource_type not in RESOURCE_TYPES:
            return _error(422, "validation", "resourceType is required and must be a valid FunctionV1 resourceType")
        try:
            count = int(request.args.get("pagination.count", "10"))
        except ValueError:
            return _error(422, "validation", "pagination.count must be a number")
        if not 1 <= count <= 1000:
            return _error(422, "validation", "pagination.count must be between 1 and 1000")
        cursor = request.args.get("pagination.cursor")
        start = int(base64.b64decode(cursor).decode()) if cursor else 0
        matching = [f for f in state.functions if f["resourceType"] == resource_type]
        page = matching[start:start + count]
        pagination = {"current": base64.b64encode(str(start).encode()).decode(), "totalEntries": len(matching)}
        if start + count < len(matching):
            pagination["next"] = base64.b64encode(str(start + count).encode()).decode()
        return jsonify({"data": {"functions": page, "pagination": pagination}})

    @app.post("/functions")
    def create_function():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _error(422, "validation", "the body must be a JSON object")
        missing = [k for k in ("code", "displayName", "resourceType") if not body.get(k)]
        if missing:
            return _error(422, "validation", f"missing required field(s): {', '.join(missing)}")
        if body["resourceType"] not in RESOURCE_TYPES:
            return _error(422, "validation", "resourceType must be a valid FunctionV1 resourceType")
        problem = _check_settings(body.get("settings", []))
        if problem:
            return _error(422, "validation", problem)
        name = body["displayName"]
        if body["resourceType"] == "DESTINATION":
            name = f"{name} ({state.workspace})"  # Segment appends the workspace to destination functions
        function = state.add(name, body["resourceType"], body["code"], body.get("settings", []),
                             body.get("description", ""))
        state.writes.append(("POST", "/functions", body))
        return jsonify({"data": {"function": function}})

    @app.get("/functions/<function_id>")
    def get_function(function_id: str):
        found = next((f for f in state.functions if f["id"] == function_id), None)
        if found is None:
            return _error(404, "not-found", f"function {function_id} not found")
        return jsonify({"data": {"function": found}})

    @app.patch("/functions/<function_id>")
    def update_function(function_id: str):
        found = next((f for f in state.functions if f["id"] == function_id), None)
        if found is None:
            return _error(404, "not-found", f"function {function_id} not found")
        body = request.get_json(silent=True)
        allowed = {"code", "settings", "displayName", "logoUrl", "description"}
        if not isinstance(body, dict) or set(body) - allowed:
            return _error(422, "validation", f"the body may only hold {sorted(allowed)}")
        if "settings" in body and _check_settings(body["settings"]):
            return _error(422, "validation", _check_settings(body["settings"]))
        found.update(body)
        state.writes.append(("PATCH", f"/functions/{function_id}", body))
        return jsonify({"data": {"function": found}})

    @app.get("/insert-function-instances")
    def list_instances():
        function_id = request.args.get("functionId", "")
        return jsonify({"data": {"instances": [i for i in state.instances if i["functionId"] == function_id],
                                 "pagination": {"current": "MA=="}}})

    @app.post("/insert-function-instances")
    def create_instance():
        body = request.get_json(silent=True) or {}
        missing = [k for k in ("functionId", "integrationId", "name", "settings") if k not in body]
        if missing:
            return _error(422, "validation", f"missing required field(s): {', '.join(missing)}")
        if body["functionId"].startswith(tuple(RESOURCE_TYPES.values())):
            return _error(400, "bad-request", f"Insert function {body['functionId']} not found")
        instance = {"id": f"ifi_{next(state.ids):06d}", **body}
        state.instances.append(instance)
        state.writes.append(("POST", "/insert-function-instances", body))
        return jsonify({"data": {"instance": instance}})

    return app


def flask_transport(app: Flask):
    """segfn.deploy's transport contract over Flask's test client (no sockets)."""
    client = app.test_client()

    def send(method: str, url: str, headers: dict[str, str], body: bytes | None):
        path = url.split("://", 1)[1].split("/", 1)[1]
        answer = client.open("/" + path, method=method, headers=headers, data=body)
        return answer.status_code, dict(answer.headers), answer.get_data()

    return send
