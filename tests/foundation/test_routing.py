"""The integrations object's truth table and a source's schema controls."""

from __future__ import annotations

import pytest

from segfn.emulator.routing import SourceControls, decide, destination_names
from segfn.emulator.workspace import Source, TrackingPlan

NAMES = destination_names("Sprig Cloud", ["Sprig", "UserLeap"], "Sprig (segfn)", "Acme")

# (integrations object, per-event filter, delivered?, deciding key)
TRUTH_TABLE = [
    # All defaults to true
    (None, None, True, None),
    ({}, None, True, None),
    ({"All": True}, None, True, None),
    # only All: false disables by default; a non-boolean All does not
    ({"All": False}, None, False, "All"),
    ({"All": "false"}, None, True, None),
    ({"All": 0}, None, True, None),
    # an explicit value decides, by the destination's name ...
    ({"All": False, "Sprig Cloud": True}, None, True, "Sprig Cloud"),
    ({"Sprig Cloud": False}, None, False, "Sprig Cloud"),
    # ... or any previous name ...
    ({"All": False, "Sprig": True}, None, True, "Sprig"),
    ({"UserLeap": False}, None, False, "UserLeap"),
    # ... or the destination function's "<Function Name> (<Workspace Name>)"
    ({"Sprig (segfn) (Acme)": False}, None, False, "Sprig (segfn) (Acme)"),
    ({"All": False, "Sprig (segfn) (Acme)": True}, None, True, "Sprig (segfn) (Acme)"),
    # the name comes before previous names
    ({"Sprig Cloud": True, "Sprig": False}, None, True, "Sprig Cloud"),
    ({"Sprig": False, "UserLeap": True}, None, False, "Sprig"),
    # true, an object, or any other value enables
    ({"All": False, "Sprig Cloud": {"appId": "x"}}, None, True, "Sprig Cloud"),
    ({"All": False, "Sprig Cloud": None}, None, True, "Sprig Cloud"),
    ({"All": False, "Sprig Cloud": "yes"}, None, True, "Sprig Cloud"),
    # keys are case-sensitive, All included
    ({"sprig cloud": False}, None, True, None),
    ({"all": False}, None, True, None),
    ({"All": False, "sprig cloud": True}, None, False, "All"),
    # other destinations' keys do not matter
    ({"Mixpanel": False}, None, True, None),
    ({"All": False, "Mixpanel": True}, None, False, "All"),
    # per-event integration filters apply when the message says nothing about the destination ...
    ({}, {"Sprig Cloud": False}, False, "Sprig Cloud"),
    ({"All": False}, {"Sprig": True}, True, "Sprig"),
    ({}, {"All": False}, False, "All"),
    # ... and never override a value the message already has (the Appsflyer example)
    ({"Sprig Cloud": True}, {"Sprig Cloud": False}, True, "Sprig Cloud"),
    ({"UserLeap": True}, {"Sprig Cloud": False}, True, "UserLeap"),
    ({"Sprig": False}, {"Sprig Cloud": True}, False, "Sprig"),
]


@pytest.mark.parametrize("integrations, event_filter, delivered, key", TRUTH_TABLE)
def test_integrations_truth_table(integrations, event_filter, delivered, key):
    decision = decide(integrations, NAMES, event_filter)
    assert (decision.enabled, decision.key) == (delivered, key)
    assert decision.reason


def test_names_are_unique_and_ordered():
    assert NAMES == ("Sprig Cloud", "Sprig", "UserLeap", "Sprig (segfn) (Acme)")
    assert destination_names("A", ["A", "B"], None, "W") == ("A", "B")


def test_a_blocked_event_is_stopped_at_the_source():
    controls = SourceControls(Source("web", "wk", blocked_events=frozenset({"Order Deleted"})))
    stop = controls.check({"type": "track", "event": "Order Deleted"})
    assert (stop.stage, stop.reason) == ("source", "event 'Order Deleted' is blocked on source 'web'")
    assert controls.check({"type": "track", "event": "Order Completed"}) is None
    assert controls.check({"type": "page", "name": "Order Deleted"}) is None  # blocked events are track events


def test_per_event_integration_filters_apply_to_track_events_only():
    controls = SourceControls(Source("web", "wk", event_integrations={"Signed Up": {"Sprig Cloud": False}}))
    assert controls.event_filter({"type": "track", "event": "Signed Up"}) == {"Sprig Cloud": False}
    assert controls.event_filter({"type": "track", "event": "Other"}) is None
    assert controls.event_filter({"type": "identify"}) is None


PLAN = TrackingPlan(events={"Order Completed": {
    "type": "object", "required": ["properties"],
    "properties": {"properties": {"type": "object", "required": ["total"],
                                  "properties": {"total": {"type": "number"}}}}}})


@pytest.mark.parametrize("plan, event, properties, stage, words", [
    (PLAN, "Order Completed", {"total": 3}, None, None),
    (PLAN, "Order Completed", {"total": "3"}, "tracking_plan", "violation at $.properties.total: '3' is not of type"),
    (PLAN, "Order Completed", {}, "tracking_plan", "violation at $.properties: 'total' is a required property"),
    (PLAN, "Unplanned", {}, None, None),
    (TrackingPlan(events=PLAN.events, block_unplanned=True), "Unplanned", {}, "tracking_plan", "not in the tracking plan"),
    (TrackingPlan(events=PLAN.events, block_violations=False), "Order Completed", {"total": "3"}, None, None),
])
def test_the_tracking_plan(plan, event, properties, stage, words):
    controls = SourceControls(Source("web", "wk", tracking_plan=plan))
    stop = controls.check({"type": "track", "event": event, "properties": properties})
    assert (stop.stage if stop else None) == stage
    if words:
        assert words in stop.reason
