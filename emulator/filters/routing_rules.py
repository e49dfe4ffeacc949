"""tsub's routing rules, as a source's CDN settings deliver them (``middlewareSettings.routingRules``).

A rule is ``{matchers: [...], transformers: [[...], ...], destinationName?, scope, target_type}``.
``Store.getRulesByDestinationName(name)`` keeps the rules whose ``destinationName`` is ``name`` or
absent (a global rule; ``null`` matches nothing). For each kept rule in order and each matcher ``i``,
if ``matches(event, matchers[i])`` then ``event = transform(event, transformers[i])``; a drop ends it.
That loop is analytics-next's routing middleware. What each matcher and transformer does is compiled
once (evaluator.py, transformers.py); what tsub would throw is raised as EvaluationError per event.

segfn checks the outer shape when loading (a list of objects, each with a ``matchers`` list and a
``transformers`` list) and reports a RuleError, where tsub would throw on every event.
"""

from __future__ import annotations

import random
from typing import Any

from .errors import RuleError
from .evaluator import compile_matcher
from .jsvalues import UNDEFINED
from .transformers import Work, compile_transformers


class _Rule:
    __slots__ = ("global_", "destination", "pairs")

    def __init__(self, spec: dict[str, Any]) -> None:
        self.global_ = "destinationName" not in spec
        self.destination = spec.get("destinationName")
        transformers = spec["transformers"]
        self.pairs = tuple(
            (compile_matcher(matcher), compile_transformers(transformers[i] if i < len(transformers) else UNDEFINED))
            for i, matcher in enumerate(spec["matchers"]))

    def applies_to(self, name: str | None) -> bool:
        if self.global_:
            return True
        return type(self.destination) is str and self.destination == name


class RoutingRules:
    """A source's routing rules, compiled; ``apply`` gives the event one destination receives."""

    def __init__(self, rules: Any, path: str = "rules") -> None:
        if not isinstance(rules, list):
            raise RuleError(path, "must be a list of routing rules")
        for index, rule in enumerate(rules):
            where = f"{path}[{index}]"
            if not isinstance(rule, dict):
                raise RuleError(where, "must be an object with matchers and transformers")
            for key in ("matchers", "transformers"):
                if not isinstance(rule.get(key), list):
                    raise RuleError(f"{where}.{key}", "must be a list")
        self.rules = tuple(_Rule(rule) for rule in rules)

    def destinations(self) -> list[str]:
        """The destination names the rules mention, in order."""
        names: list[str] = []
        for rule in self.rules:
            if not rule.global_ and isinstance(rule.destination, str) and rule.destination not in names:
                names.append(rule.destination)
        return names

    def for_destination(self, name: str | None, device_mode: bool = False) -> tuple[_Rule, ...]:
        """``Store.getRulesByDestinationName(name)``. In analytics.js device mode a destination gets the
        routing middleware only when some rule names it, so its global rules alone do nothing."""
        if device_mode and not any(not r.global_ and r.destination == name for r in self.rules):
            return ()
        return tuple(rule for rule in self.rules if rule.applies_to(name))

    def apply(self, event: dict, rng: random.Random, destination: str | None = None,
              device_mode: bool = False) -> Any:
        """The event after the destination's rules, or None when dropped. Never modifies ``event``;
        raises EvaluationError where tsub throws (Segment then does not deliver the event)."""
        return route(self.for_destination(destination, device_mode), event, rng)


def route(rules: tuple[_Rule, ...], event: Any, rng: random.Random) -> Any:
    work = Work(event, rng)
    for rule in rules:
        for match, transform in rule.pairs:
            if match(work.root) and not transform(work):
                return None
    return work.result()
