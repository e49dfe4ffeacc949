"""Which destinations a message may reach: the integrations object and a source's schema controls.

Segment's server-side rules (spec/common.md "Integrations", guides/filtering-data.md):

- ``All`` defaults to true, and only ``All: false`` disables by default;
- a destination is looked up by its name, each of its previous names, and, for a destination
  function, ``"<Function Name> (<Workspace Name>)"``; keys are case-sensitive;
- an explicit value decides: ``false`` disables; ``true``, an object, or any other value enables
  (as Segment's facade does); the first of the destination's names present in the object decides;
- blocked events reach no destination;
- per-event integration filters never override a value the message's own integrations object
  already has for that destination (the Appsflyer example in filtering-data.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from jsonschema import Draft202012Validator

from .workspace import Source


@dataclass(frozen=True)
class RouteDecision:
    enabled: bool
    reason: str
    key: str | None = None  # the integrations key that decided, when one did


def destination_names(name: str, previous_names: Sequence[str], function_name: str | None,
                      workspace_name: str) -> tuple[str, ...]:
    """Every key by which a message's integrations object can address this destination."""
    names = [name, *previous_names]
    if function_name:
        names.append(f"{function_name} ({workspace_name})")
    return tuple(dict.fromkeys(names))


def _explicit(value: Any, key: str, where: str) -> RouteDecision:
    if value is False:
        return RouteDecision(False, f"{where} sets {key!r} to false", key)
    shown = "true" if value is True else "an object" if isinstance(value, dict) else "a non-boolean value"
    return RouteDecision(True, f"{where} sets {key!r} to {shown}", key)


def decide(integrations: Any, names: Sequence[str], event_filter: Mapping[str, Any] | None = None
           ) -> RouteDecision:
    """Apply the integrations object (then the source's per-event filter, then ``All``)."""
    own = integrations if isinstance(integrations, dict) else {}
    for key in names:
        if key in own:
            return _explicit(own[key], key, "the message's integrations object")
    for key in names:
        if event_filter and key in event_filter:
            return _explicit(event_filter[key], key, "the source's integration filter for this event")
    if own.get("All") is False:
        return RouteDecision(False, "integrations.All is false and no key names this destination", "All")
    if event_filter and event_filter.get("All") is False:
        return RouteDecision(False, "the source's integration filter for this event sets All to false", "All")
    return RouteDecision(True, "enabled: All defaults to true")


@dataclass(frozen=True)
class SourceStop:
    stage: str  # "source" | "tracking_plan"
    reason: str


class SourceControls:
    """A source's schema controls, compiled once: blocked events, integration filters, tracking plan."""

    def __init__(self, source: Source) -> None:
        self.source = source
        plan = source.tracking_plan
        self._plan = {name: Draft202012Validator(schema) for name, schema in plan.events.items()} if plan else None

    def check(self, message: Mapping[str, Any]) -> SourceStop | None:
        """Why the source stops this message, or None when it passes."""
        if message.get("type") != "track":
            return None
        event = message.get("event")
        if event in self.source.blocked_events:
            return SourceStop("source", f"event {event!r} is blocked on source {self.source.name!r}")
        if self._plan is None:
            return None
        plan = self.source.tracking_plan
        validator = self._plan.get(event)
        if validator is None:
            return SourceStop("tracking_plan", f"event {event!r} is not in the tracking plan") \
                if plan.block_unplanned else None
        error = next(iter(sorted(validator.iter_errors(message), key=lambda e: list(map(str, e.path)))), None)
        if error is not None and plan.block_violations:
            where = "$" + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
            return SourceStop("tracking_plan", f"tracking plan violation at {where}: {error.message}")
        return None

    def event_filter(self, message: Mapping[str, Any]) -> Mapping[str, Any] | None:
        """The per-event integration filter for a track event, if the source has one."""
        if message.get("type") != "track":
            return None
        return self.source.event_integrations.get(message.get("event"))
