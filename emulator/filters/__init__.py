"""Destination filters, exactly as @segment/tsub 2.0.1 evaluates and applies them.

The pipeline's seam:

- :class:`DestinationFilters` (``filters`` in the Public API shape ``{if, actions}`` from
  workspace.toml, compiled once) and its ``apply(event, rng) -> FilterResult``;
- :func:`check_filters`, one problem string per issue, each prefixed by its key path.

Underneath: :func:`compile_fql` (FQL -> IR, fql.py), :func:`compile_ir` / :func:`compile_matcher`
(IR -> a cached closure, evaluator.py), :func:`compile_transformers` (transformers.py) and
:class:`RoutingRules` (tsub's routing-rule JSON, routing_rules.py). Pure: no Flask, no click.
"""

from __future__ import annotations

import random
from typing import Any

from .doc_divergences import Divergence, divergences
from .errors import EvaluationError, FilterError, FQLSyntaxError, RuleError
from .evaluator import compile_ir, compile_matcher
from .fql import compile_fql, fql_ir_text
from .jsvalues import stringify
from .public_api import (
    PHASES,
    DestinationFilters,
    FilterDecision,
    FilterResult,
    action_transformer,
    check_filters,
    filter_ir,
)
from .routing_rules import RoutingRules
from .transformers import Work, compile_transformers

__all__ = [
    "PHASES", "DestinationFilters", "Divergence", "EvaluationError", "FQLSyntaxError", "FilterDecision", "FilterError",
    "FilterResult", "RoutingRules", "RuleError", "check_filters", "compile_fql", "compile_ir",
    "compile_matcher", "compile_transformers", "divergences", "filter_warnings", "fql_ir_text", "matches", "stringify", "to_routing_rules",
    "transform",
]


def filter_warnings(filters: Any, path: str = "filters") -> list[str]:
    """One warning per construct in the filters' FQL that Segment's docs and tsub answer differently
    (``doc_divergences.py``), each prefixed by its key path; filters with problems are skipped
    (``check_filters`` reports them)."""
    warnings: list[str] = []
    for index, spec in enumerate(filters if isinstance(filters, list) else []):
        condition = spec.get("if") if isinstance(spec, dict) else None
        if not isinstance(condition, str) or condition == "all":
            continue
        try:
            ir = compile_fql(condition)
        except FilterError:
            continue
        warnings += [f"{path}[{index}].if: {d}" for d in divergences(ir)]
    return warnings


def matches(event: Any, matcher: Any) -> bool:
    """tsub's ``matches(event, matcher)``; raises EvaluationError where tsub throws."""
    return compile_matcher(matcher)(event)


def transform(event: Any, transformers: Any, rng: random.Random) -> Any:
    """tsub's ``transform(payload, transformers)``, without modifying ``event``: the new event or None."""
    work = Work(event, rng)
    return work.result() if compile_transformers(transformers)(work) else None


def to_routing_rules(filters: list[dict], destination: str) -> list[dict]:
    """Public API filters as the tsub routing rules they stand for, in Segment's order of action
    types, one rule per filter and type (used to run the same filters through tsub itself)."""
    rules = []
    for phase in PHASES:
        for spec in filters:
            if spec.get("enabled", True) is False:
                continue
            actions = [action_transformer(a) for a in spec["actions"] if a["type"] == phase]
            if actions:
                ir = filter_ir(spec["if"])
                matcher = {"type": "all", "ir": ""} if ir == "" else {"type": "fql", "ir": ir}
                rules.append({"scope": "destinations", "target_type": "workspace::project::destination::config",
                              "destinationName": destination, "matchers": [matcher], "transformers": [actions]})
    return rules
