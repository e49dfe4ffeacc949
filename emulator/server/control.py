"""The control API under ``/__segfn__/``: what tests, scripts and the debugger's pages call.

=========================================  ===================================================
``GET  /__segfn__/health``                 workspace, counts by state, which mock Sprig runs
``POST /__segfn__/reset``                  forget every message, delivery, attempt, dedupe record;
                                           reset the mock Sprig
``POST /__segfn__/reload``                 load workspace.toml and the functions again
``GET  /__segfn__/messages``               messages, newest first, each with its outcome per
                                           destination (``?type= &outcome= &user= &event= &q=
                                           &destination= &after= &limit= &full=1``)
``GET  /__segfn__/messages/<seq>``         one message: every delivery, attempt, stage, request
``POST /__segfn__/replay``                 ``{"fixture": "fixtures/messages/x.json"}``: send a
                                           fixture's calls through the Tracking API
``GET|POST|DELETE /__segfn__/sprig/faults``  the mock Sprig's injected faults
``POST /__segfn__/flush``                  send waiting ``on_batch`` batches now
``GET  /__segfn__/summary``                per destination, like Event Delivery (``?bucket=60``)
``GET  /__segfn__/destinations``           each destination's functions and settings (masked)
=========================================  ===================================================

Everything leaving here passes through the pipeline's redactor: no sensitive setting's value.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, jsonify, request

from segfn.emulator import jsonio
from segfn.emulator.errors import ConfigError, IngestError
from segfn.emulator.sprig import FaultConfigError

blueprint = Blueprint("control", __name__, url_prefix="/__segfn__")

OUTCOME_FILTERS = ("delivered", "filtered", "discarded", "retrying", "rejected", "waiting")


def _local():
    return current_app.extensions["segfn"]


def _problem(message: str, status: int = 400, **extra: Any):
    return jsonify({"error": message, **extra}), status


def _int_arg(name: str, default: int | None, low: int, high: int) -> int | None:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"?{name}= must be a whole number (found {raw!r})") from None
    if not low <= value <= high:
        raise ValueError(f"?{name}= must be from {low} to {high} (found {value})")
    return value


def _json_body() -> Any:
    """The request's JSON body (None when empty), read as strictly as the Tracking API reads one
    (no NaN, no Infinity). Raises ValueError saying what and where."""
    raw = request.get_data()
    if not raw.strip():
        return None
    try:
        return jsonio.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the body must be JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except jsonio.TooDeep as exc:
        raise ValueError(f"the body must be JSON: {exc}") from None
    except RecursionError:
        raise ValueError("the body must be JSON: nested too deeply to read") from None


def _inside_project(text: str) -> str:
    """``text`` with the project folder's absolute path left out (``functions/x.py:3:1``): no answer
    tells a caller where the project lives on this machine."""
    local = _local()
    folders = {str(Path(local.options.workspace).resolve().parent), str(local.workspace.root),
               str(local.workspace.root.resolve())}
    for folder in sorted(folders, key=len, reverse=True):
        text = text.replace(folder + "/", "")
    return text


@blueprint.get("/health")
def health():
    """200 ``{"ok": true, ...}``, or 503 ``{"ok": false, "problem": ...}`` when the store cannot keep
    what it is given (its file deleted, replaced or read-only, or a write failed)."""
    local = _local()
    problem = local.store.problem()
    try:
        stats = local.store.stats()
    except sqlite3.Error as exc:
        stats, problem = {}, problem or f"the database cannot be read: {exc}"
    body = {"ok": problem is None, "workspace": local.workspace.name, "stats": stats,
            "sprig": type(local.sprig).__name__}
    if problem is not None:
        body["problem"] = problem
    return jsonify(body), 200 if problem is None else 503


@blueprint.post("/reset")
def reset():
    _local().reset()
    return jsonify({"reset": True})


@blueprint.post("/reload")
def reload():
    try:
        workspace = _local().reload()
    except ConfigError as error:
        return _problem("the workspace or a function did not load; the previous ones stay in use",
                        problems=[_inside_project(p) for p in error.problems])
    return jsonify({"reloaded": True, "workspace": workspace.name,
                    "destinations": [d.name for d in workspace.destinations]})


@blueprint.get("/messages")
def messages():
    local = _local()
    try:
        limit = _int_arg("limit", 200, 1, 1000)
        after = _int_arg("after", None, 0, 2 ** 62)
    except ValueError as error:
        return _problem(str(error))
    outcome = request.args.get("outcome") or None
    if outcome is not None and outcome not in OUTCOME_FILTERS:
        return _problem(f"?outcome= must be one of {', '.join(OUTCOME_FILTERS)} (found {outcome!r})")
    found = local.store.messages(type=request.args.get("type") or None, outcome=outcome,
                                 user=request.args.get("user") or None, event=request.args.get("event") or None,
                                 q=request.args.get("q") or None, destination=request.args.get("destination") or None,
                                 after=after, limit=limit)
    if request.args.get("full") in ("1", "true"):
        found = [local.store.message(m["seq"]) for m in found]
    return jsonify(local.redact({"messages": found, "stats": local.store.stats()}))


@blueprint.get("/messages/<int:seq>")
def message(seq: int):
    local = _local()
    found = local.store.message(seq)
    if found is None:
        return _problem(f"no message {seq}", 404)
    return jsonify(local.redact(found))


@blueprint.post("/replay")
def replay():
    try:
        body = _json_body()
    except ValueError as error:
        return _problem(str(error))
    fixture = body.get("fixture") if isinstance(body, dict) else None
    if not isinstance(fixture, str) or not fixture:
        return _problem('send {"fixture": "<path of a fixture file, relative to the project>"}')
    try:
        report = _local().replay(Path(fixture))
    except IngestError as error:
        return _problem(error.message, error.status, path=error.path or None)
    # a problem may quote an OSError, which names the file by its absolute path
    report["problems"] = [_inside_project(problem) for problem in report["problems"]]
    return jsonify(report)


@blueprint.route("/sprig/faults", methods=["GET", "POST", "DELETE"])
def faults():
    local = _local()
    try:
        if request.method == "POST":
            return jsonify({"faults": local.set_faults(_json_body() or {})})
        if request.method == "DELETE":
            return jsonify({"faults": local.set_faults({})})
    except (FaultConfigError, ValueError, TypeError) as error:
        return _problem(str(error))
    return jsonify({"faults": local.faults()})


@blueprint.post("/flush")
def flush():
    _local().worker.flush()
    return jsonify({"flushing": True})


@blueprint.get("/summary")
def summary():
    local = _local()
    try:
        bucket = _int_arg("bucket", 60, 1, 86400)
        buckets = _int_arg("buckets", 30, 1, 500)
    except ValueError as error:
        return _problem(str(error))
    return jsonify(local.redact(local.store.summary(bucket=float(bucket), buckets=buckets)))


@blueprint.get("/destinations")
def destinations():
    return jsonify({"destinations": _local().settings_view()})
