"""The web debugger: a live message list (like Segment's Source Debugger), a message's detail with
every stage, and a per-destination summary (like Event Delivery).

Pages are jinja2 templates (autoescaped: event content is text, never markup); the list and the
summary refresh themselves with a little plain JavaScript from the control API. What a page shows
went through the pipeline's redactor first, so no sensitive setting's value reaches it.
"""

from __future__ import annotations

import difflib
import json
import re
from datetime import datetime, timezone
from typing import Any

from flask import Blueprint, abort, current_app, render_template

blueprint = Blueprint("debugger", __name__)

# What each stage is called in a sentence ("filtered at the integrations object").
STAGE_NAMES = {"tracking_api": "the Tracking API", "dedupe": "dedupe", "source": "the source's blocked events",
               "tracking_plan": "the tracking plan", "integrations": "the integrations object",
               "event_type": "the event type check", "destination_filter": "a destination filter",
               "insert_function": "the insert function", "destination_function": "the destination function"}
BEFORE_FUNCTIONS = ("dedupe", "source", "tracking_plan", "integrations", "event_type", "destination_filter")


def pretty(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, sort_keys=False, default=str)


def stage_events(message: dict[str, Any], delivery: dict[str, Any]) -> list[tuple[str, Any]]:
    """The event as it left each stage that changed it: received, after filters, after the insert
    function, as the destination function received it."""
    out: list[tuple[str, Any]] = [("received", message)]
    for stage in delivery.get("stages") or []:
        if stage.get("event") is not None:
            out.append((stage["stage"].replace("_", " "), stage["event"]))
    if delivery.get("event") is not None:
        out.append(("destination function input", delivery["event"]))
    return out


def stage_diffs(message: dict[str, Any], delivery: dict[str, Any]) -> list[dict[str, Any]]:
    """Line diffs between consecutive stage events, as ``[{from, to, lines: [(kind, text)]}]``."""
    steps = stage_events(message, delivery)
    diffs = []
    for (before_label, before), (after_label, after) in zip(steps, steps[1:]):
        a = json.dumps(before, indent=2, ensure_ascii=False, sort_keys=True, default=str).splitlines()
        b = json.dumps(after, indent=2, ensure_ascii=False, sort_keys=True, default=str).splitlines()
        lines = []
        for line in difflib.unified_diff(a, b, before_label, after_label, lineterm="", n=2):
            if line.startswith(("---", "+++")):
                continue
            kind = "add" if line.startswith("+") else "del" if line.startswith("-") else \
                "hunk" if line.startswith("@@") else "same"
            lines.append((kind, line))
        diffs.append({"from": before_label, "to": after_label, "lines": lines})
    return diffs


def stages_named(delivery: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [s for s in delivery.get("stages") or [] if s.get("stage") == name]


@blueprint.app_template_filter("badge")
def badge(label: str | None) -> str:
    """The classes of a label's badge: ``badge is-<label>``. Its colours live in debugger.css, one rule
    per tone, each readable (WCAG contrast at least 4.5:1); debugger.js names labels the same way."""
    return "badge is-" + re.sub(r"[^a-z0-9]+", "-", (label or "unknown").lower()).strip("-")


@blueprint.app_template_filter("when")
def when(iso: str | None) -> str:
    """An ISO-8601 instant as ``2025-03-01 10:00:01.250 UTC``: always with its date."""
    if not iso:
        return "-"
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc)
    shown = moment.strftime("%Y-%m-%d %H:%M:%S") + (f".{moment.microsecond // 1000:03d}" if moment.microsecond else "")
    return shown + (" UTC" if moment.tzinfo is not None else "")


def stopped(delivery: dict[str, Any]) -> str | None:
    """For a delivery that ended before its destination function ran: where it stopped, why, and which
    functions did not run, in a sentence; None for any other delivery."""
    stage, outcome = delivery.get("stage"), delivery.get("outcome")
    reason = (delivery.get("reason") or "").rstrip(".")
    where = STAGE_NAMES.get(stage or "", stage or "an unknown stage")
    verb = {"filtered": "Filtered", "discarded": "Discarded"}.get(outcome or "")
    if verb is None:
        return None
    if stage in BEFORE_FUNCTIONS:
        return f"{verb} at {where}" + (f": {reason}" if reason else "") + \
            ". It stopped there: no function ran (neither an insert function nor the destination function)."
    if stage == "insert_function":
        return f"{verb} at the insert function" + (f": {reason}" if reason else "") + \
            ". The destination function did not run."
    return None


@blueprint.get("/")
def index():
    local = current_app.extensions["segfn"]
    destinations = [c.name for c in local.pipeline.connections]
    return render_template("list.html", workspace=local.workspace.name, destinations=destinations)


@blueprint.get("/messages/<int:seq>")
def detail(seq: int):
    local = current_app.extensions["segfn"]
    found = local.store.message(seq)
    if found is None:
        abort(404)
    found = local.redact(found)
    for delivery in found["deliveries"]:
        delivery["diffs"] = stage_diffs(found["message"], delivery) if found["status"] != "rejected" else []
    waiting = not found["final"]
    return render_template("detail.html", m=found, pretty=pretty, stages_named=stages_named, waiting=waiting,
                           stopped=stopped, workspace=local.workspace.name)


@blueprint.get("/destinations")
def destinations():
    local = current_app.extensions["segfn"]
    return render_template("destinations.html", workspace=local.workspace.name, connections=local.settings_view(),
                           pretty=pretty)
