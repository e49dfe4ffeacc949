"""workspace.toml's destination filters run in the pipeline, in Segment's order, and show in outcomes."""

from __future__ import annotations

import pytest

from segfn.emulator.errors import ConfigError
from tests.conftest import message, run, scenario, workspace


def sprig_with(filters):
    return workspace([{"name": "Sprig Cloud", "function": scenario("behave"), "settings": {"apiKey": "k"},
                       "filters": filters}])


def test_a_drop_filter_stops_the_event_at_the_destination_filter_stage(pipeline_for):
    pipeline = pipeline_for(sprig_with([{"title": "No tests", "if": "match(event, 'Test *')",
                                         "actions": [{"type": "DROP"}]}]))
    [dropped] = run(pipeline, message(event="Test Event"))
    [kept] = run(pipeline, message(event="Real Event", messageId="m-2"))
    assert (dropped.outcome, dropped.stage) == ("filtered", "destination_filter")
    assert "No tests" in dropped.reason
    assert kept.outcome == "delivered"


def test_drop_properties_changes_what_the_function_receives(pipeline_for):
    pipeline = pipeline_for(sprig_with([{"if": "type = 'track'", "actions": [
        {"type": "DROP_PROPERTIES", "fields": {"properties": ["password"], "": ["anonymousId"]}}]}]))
    [outcome] = run(pipeline, message(properties={"password": "x", "plan": "pro"}, anonymousId="a"))
    assert outcome.outcome == "delivered"
    assert outcome.event["properties"] == {"plan": "pro"} and "anonymousId" not in outcome.event


def test_actions_run_in_segments_documented_order_whatever_their_order_in_the_file(pipeline_for):
    """Sample, Drop, Drop Properties, Allow Properties: the allow list runs after the drop list."""
    pipeline = pipeline_for(sprig_with([
        {"if": "all", "actions": [{"type": "ALLOW_PROPERTIES", "fields": {"properties": ["a", "b"]}}]},
        {"if": "all", "actions": [{"type": "DROP_PROPERTIES", "fields": {"properties": ["b"]}}]},
    ]))
    [outcome] = run(pipeline, message(properties={"a": 1, "b": 2, "c": 3}))
    assert outcome.event["properties"] == {"a": 1}


def test_bad_filters_are_configuration_errors_with_the_key_path():
    with pytest.raises(ConfigError) as caught:
        sprig_with([{"if": "event = ", "actions": [{"type": "DROP"}]}, {"if": "all", "actions": [{"type": "NOPE"}]}])
    text = "\n".join(caught.value.problems)
    assert "destinations[0].filters[0].if" in text and "column 9" in text
    assert "destinations[0].filters[1].actions[0]" in text
