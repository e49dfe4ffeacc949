"""Destination filters as workspace.toml holds them: the Public API shape ``{if, actions}``.

Each action becomes the tsub transformer Segment's delivery applies (the mapping is segfn's reading of
the Public API; see docs/semantics.md):

    DROP              -> {"type": "drop"}
    SAMPLE            -> {"type": "sample_event", "config": {"sample": {"percent": p, "path": path}}}
    DROP_PROPERTIES   -> {"type": "drop_properties", "config": {"drop": fields}}
    ALLOW_PROPERTIES  -> {"type": "allow_properties", "config": {"allow": fields}}
    if = "all"        -> the ``all`` matcher; any other ``if`` is FQL compiled to IR

Segment applies a destination's filters in a fixed order of action types, "Sample, Drop (Only Sends
are Drops), Drop Properties, Allow Properties", and within a type in the order the filters are listed.
A filter's ``if`` is evaluated on the event as the earlier steps left it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from ..errors import ConfigError
from .errors import EvaluationError, FQLSyntaxError
from .evaluator import compile_ir
from .fql import fql_ir_text
from .transformers import Work, compile_transformers

PHASES = ("SAMPLE", "DROP", "DROP_PROPERTIES", "ALLOW_PROPERTIES")
_ACTION_KEYS = {"DROP": {"type"}, "SAMPLE": {"type", "percent", "path"},
                "DROP_PROPERTIES": {"type", "fields"}, "ALLOW_PROPERTIES": {"type", "fields"}}
_TYPES_LISTED = "DROP, SAMPLE, DROP_PROPERTIES, ALLOW_PROPERTIES"
_FILTER_KEYS = ("if", "actions", "title", "description", "enabled", "id", "sourceId", "destinationId")


@dataclass(frozen=True)
class FilterDecision:
    """What one filter did to one event (a filter with actions of several types gives one per type)."""

    index: int                 # position in the destination's filter list
    title: str                 # the filter's title, or its `if` text when untitled
    matched: bool              # whether `if` matched the event as it was at that point
    actions: tuple[str, ...]   # action types applied, e.g. ("SAMPLE",), ("DROP_PROPERTIES",)
    dropped: bool              # whether this filter dropped the event
    error: str | None = None   # what tsub would have thrown; the event is then not delivered


@dataclass(frozen=True)
class FilterResult:
    """``event`` is the transformed event, None when dropped. It may share unchanged parts with the
    event given to ``apply`` (which is never modified): copy it before changing it."""

    event: dict | None
    decisions: tuple[FilterDecision, ...]


def action_transformer(action: dict[str, Any]) -> dict[str, Any]:
    """A Public API action as the tsub transformer it stands for."""
    kind = action["type"]
    if kind == "DROP":
        return {"type": "drop"}
    if kind == "SAMPLE":
        return {"type": "sample_event", "config": {"sample": {"percent": action["percent"],
                                                               "path": action.get("path", "")}}}
    field = "drop" if kind == "DROP_PROPERTIES" else "allow"
    return {"type": f"{field}_properties", "config": {field: action["fields"]}}


def filter_ir(condition: str) -> str:
    """A filter's ``if`` as matcher IR text ("" stands for the ``all`` matcher)."""
    return "" if condition == "all" else fql_ir_text(condition)


@dataclass(frozen=True)
class _Step:
    phase: int
    index: int
    title: str
    match: Any
    transform: Any
    skipped: FilterDecision
    applied: FilterDecision
    dropping: FilterDecision


class DestinationFilters:
    """A destination's filters, compiled once; ``apply`` runs per event on the replay's hot path."""

    def __init__(self, filters: list[dict]) -> None:
        problems = check_filters(filters)
        if problems:
            raise ConfigError(problems)
        steps: list[_Step] = []
        for index, spec in enumerate(filters):
            if spec.get("enabled", True) is False:
                continue
            condition = spec["if"]
            title = spec.get("title") or condition
            match = (lambda ev: True) if condition == "all" else compile_ir(filter_ir(condition))
            for phase, kind in enumerate(PHASES):
                actions = [a for a in spec["actions"] if a["type"] == kind]
                if not actions:
                    continue
                transform = compile_transformers([action_transformer(a) for a in actions])
                steps.append(_Step(
                    phase, index, title, match, transform,
                    skipped=FilterDecision(index, title, False, (), False),
                    applied=FilterDecision(index, title, True, (kind,), False),
                    dropping=FilterDecision(index, title, True, (kind,), True)))
        steps.sort(key=lambda step: (step.phase, step.index))
        self.filters = list(filters)
        self._steps = tuple(steps)

    def __bool__(self) -> bool:
        return bool(self._steps)

    def apply(self, event: dict, rng: random.Random) -> FilterResult:
        """Run the filters over ``event`` (never modified); ``rng`` draws for pathless sampling."""
        if not self._steps:
            return FilterResult(event, ())
        work = Work(event, rng)
        decisions: list[FilterDecision] = []
        for step in self._steps:
            try:
                if not step.match(work.root):
                    decisions.append(step.skipped)
                    continue
                kept = step.transform(work)
            except EvaluationError as error:
                decisions.append(FilterDecision(step.index, step.title, False, (), True, error=str(error)))
                return FilterResult(None, tuple(decisions))
            if not kept:
                decisions.append(step.dropping)
                return FilterResult(None, tuple(decisions))
            decisions.append(step.applied)
        return FilterResult(work.result(), tuple(decisions))


# --- validation -----------------------------------------------------------------------------


def check_filters(filters: Any, path: str = "filters") -> list[str]:
    """Every problem with a destination's filters, each prefixed by its key path."""
    if not isinstance(filters, list):
        return [f"{path}: must be a list of filters ({{if = ..., actions = [...]}})"]
    problems: list[str] = []
    for index, spec in enumerate(filters):
        problems.extend(_check_filter(spec, f"{path}[{index}]"))
    return problems


def _check_filter(spec: Any, where: str) -> list[str]:
    if not isinstance(spec, dict):
        return [f"{where}: must be a table with 'if' and 'actions'"]
    problems = [f"{where}.{key}: unknown key; a filter has {', '.join(_FILTER_KEYS[:5])}"
                for key in spec if key not in _FILTER_KEYS]
    condition = spec.get("if")
    if condition is None:
        problems.append(f"{where}.if: missing; write FQL such as type = \"track\", or \"all\"")
    elif not isinstance(condition, str):
        problems.append(f"{where}.if: must be a string of FQL, or \"all\"")
    elif condition != "all":
        try:
            fql_ir_text(condition)
        except FQLSyntaxError as error:
            problems.append(f"{where}.if: {error}")
    for key in ("title", "description"):
        if key in spec and not isinstance(spec[key], str):
            problems.append(f"{where}.{key}: must be a string")
    if "enabled" in spec and not isinstance(spec["enabled"], bool):
        problems.append(f"{where}.enabled: must be true or false")
    actions = spec.get("actions")
    if actions is None:
        problems.append(f"{where}.actions: missing; a filter needs at least one action")
    elif not isinstance(actions, list) or not actions:
        problems.append(f"{where}.actions: must be a non-empty list of actions")
    else:
        for number, action in enumerate(actions):
            problems.extend(_check_action(action, f"{where}.actions[{number}]"))
    return problems


def _check_action(action: Any, where: str) -> list[str]:
    if not isinstance(action, dict):
        return [f"{where}: must be a table with a 'type'"]
    kind = action.get("type")
    if not isinstance(kind, str) or kind not in _ACTION_KEYS:
        return [f"{where}.type: must be one of {_TYPES_LISTED}"]
    problems = [f"{where}.{key}: not used by {kind} actions" for key in action if key not in _ACTION_KEYS[kind]]
    if kind == "SAMPLE":
        percent = action.get("percent")
        if percent is None:
            problems.append(f"{where}.percent: missing; a SAMPLE action needs a percent from 0 to 1")
        elif isinstance(percent, bool) or not isinstance(percent, (int, float)) or not 0 <= percent <= 1:
            problems.append(f"{where}.percent: must be a number from 0 to 1 (0.25 keeps a quarter)")
        if "path" in action and not isinstance(action["path"], str):
            problems.append(f"{where}.path: must be a field path string, such as \"userId\"")
    elif kind in ("DROP_PROPERTIES", "ALLOW_PROPERTIES"):
        fields = action.get("fields")
        if fields is None:
            problems.append(f"{where}.fields: missing; map an object path (\"\" for the top level) "
                            f"to the keys to {'drop' if kind == 'DROP_PROPERTIES' else 'keep'}")
        elif not isinstance(fields, dict):
            problems.append(f"{where}.fields: must be a table of object path -> list of keys")
        else:
            for field_path, keys in fields.items():
                if not isinstance(keys, list) or not all(isinstance(k, str) for k in keys):
                    shown = field_path or '""'
                    problems.append(f"{where}.fields.{shown}: must be a list of key names")
    return problems
