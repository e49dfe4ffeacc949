"""The pipeline: Segment's stage order, insert functions, simulated retries, redaction."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from segfn.emulator.errors import ConfigError, Unauthorized
from segfn.emulator.messages import parse_date
from segfn.emulator.pipeline import Pipeline, RetryPolicy
from segfn.emulator.runner import Runner
from segfn.runtime import Response
from tests.conftest import message, run, scenario, workspace

BEHAVE = {"name": "Behave", "function": scenario("behave"), "settings": {"apiKey": "s3cr3t-canary"}}


def with_insert(**extra):
    return [{**BEHAVE, "insert_function": scenario("stamp_insert"), "insert_settings": {"token": "t0k3n-canary"},
             **extra}]


def test_a_delivered_message_records_each_stage(pipeline_for):
    [outcome] = run(pipeline_for(workspace()), message(properties={"do": "ok"}))
    assert (outcome.outcome, outcome.stage, outcome.destination) == ("delivered", "destination_function", "Behave")
    assert [s.stage for s in outcome.stages] == ["integrations", "event_type", "destination_function"]
    assert outcome.event["properties"] == {"do": "ok"}
    assert len(outcome.attempts) == 1


def test_the_integrations_object_stops_before_the_event_type_check(pipeline_for):
    [outcome] = run(pipeline_for(workspace()), message("group", groupId="g", integrations={"All": False}))
    assert (outcome.outcome, outcome.stage) == ("filtered", "integrations")


def test_unsupported_event_types_are_discarded_before_filters_and_insert_functions(pipeline_for):
    [outcome] = run(pipeline_for(workspace(with_insert())), message("group", groupId="g"))
    assert (outcome.outcome, outcome.stage, outcome.category) == ("discarded", "event_type", "Unsupported Event Type")
    assert outcome.attempts == ()  # neither function ran


def test_the_insert_function_changes_the_event_the_destination_receives(pipeline_for):
    [outcome] = run(pipeline_for(workspace(with_insert())), message(properties={"do": "ok"}))
    assert outcome.outcome == "delivered"
    assert outcome.event["properties"] == {"do": "ok", "stamped": True}
    insert_stage = next(s for s in outcome.stages if s.stage == "insert_function")
    assert insert_stage.decision == "changed"


def test_drop_event_in_the_insert_function_is_filtered(pipeline_for):
    [outcome] = run(pipeline_for(workspace(with_insert())), message(properties={"insert": "drop"}))
    assert (outcome.outcome, outcome.stage, outcome.reason) == ("filtered", "insert_function", "DropEvent: bot traffic")


def test_an_insert_function_that_returns_nothing_is_a_bad_request(pipeline_for):
    [outcome] = run(pipeline_for(workspace(with_insert())), message(properties={"insert": "none"}))
    assert (outcome.outcome, outcome.stage, outcome.category) == ("discarded", "insert_function", "Bad Request")
    assert "return the event, or raise DropEvent" in outcome.reason


def test_the_destination_function_gets_its_own_copy_of_the_event(pipeline_for):
    ws = workspace([BEHAVE, {**BEHAVE, "name": "Second"}])
    first, second = run(pipeline_for(ws), message(properties={"do": "ok"}))
    assert first.event == second.event


def test_retries_are_simulated_with_a_recorded_schedule(pipeline_for):
    calls = []

    async def flaky(request):
        calls.append(request)
        return Response(500 if len(calls) < 3 else 200, "{}")

    ws = workspace([{**BEHAVE, "function": scenario("retry_on_5xx")}])
    [outcome] = run(pipeline_for(ws, transport=flaky), message())
    assert outcome.outcome == "delivered" and len(outcome.attempts) == 3
    times = [parse_date(a.at) for a in outcome.attempts]
    waits = [(b - a).total_seconds() for a, b in zip(times, times[1:])]
    assert 60 <= waits[0] <= 180 and waits[1] == pytest.approx(2 * waits[0])
    assert [a.result for a in outcome.attempts] == ["retry", "retry", "delivered"]


def test_retries_stop_when_the_window_closes(pipeline_for):
    [outcome] = run(pipeline_for(workspace()), message(properties={"do": "retry"}))
    assert (outcome.outcome, outcome.category) == ("discarded", "Retries Exhausted")
    assert outcome.reason.startswith(f"gave up after {len(outcome.attempts)} attempts over 4 hours; last: try later")
    span = parse_date(outcome.attempts[-1].at) - parse_date(outcome.attempts[0].at)
    assert timedelta(hours=3) < span <= timedelta(hours=4)


def test_the_retry_window_compresses():
    import random
    waits = list(RetryPolicy(window=timedelta(seconds=24)).delays(random.Random(1)))
    assert sum(waits) <= 24 and 0.1 <= waits[0] <= 0.3


def test_a_timeout_is_retried(pipeline_for):
    p = pipeline_for(workspace(), runner=Runner(timeout=0.2), retry=RetryPolicy(window=timedelta(seconds=0)))
    [outcome] = run(p, message(properties={"do": "sleep"}))
    assert outcome.attempts[0].category == "Timeout"
    assert outcome.category == "Retries Exhausted"


def test_sensitive_settings_never_leave_the_pipeline(pipeline_for):
    [outcome] = run(pipeline_for(workspace(with_insert())), message(properties={"do": "fetch"}))
    text = json.dumps(outcome.to_json(full=True))
    assert "s3cr3t-canary" not in text and "t0k3n-canary" not in text
    [request] = outcome.requests
    assert request.headers["Authorization"] == "Bearer ***"
    assert outcome.logs == ("sent with key ***",)


def test_unknown_write_keys_are_unauthorized(pipeline_for):
    with pytest.raises(Unauthorized, match="no source has the write key 'nope'"):
        pipeline_for(workspace()).ingest("track", message(writeKey="nope"))


def test_a_destination_connected_to_other_sources_gets_no_outcome(pipeline_for):
    ws = workspace([{**BEHAVE, "sources": []}])
    assert run(pipeline_for(ws), message()) == []


@pytest.mark.parametrize("destination, words", [
    ({**BEHAVE, "settings": {"apiKey": "k", "apikey": "typo"}},
     "destinations[0].settings.apikey: not a setting of behave.py (its settings: apiKey, region, verbose)"),
    ({**BEHAVE, "function": scenario("stamp_insert")}, "behave.py"),
    ({**BEHAVE, "insert_function": scenario("behave")}, "destinations[0].insert_function: behave.py is a destination"),
])
def test_wiring_mistakes_are_config_errors(destination, words):
    with pytest.raises(ConfigError) as caught:
        Pipeline(workspace([destination]))
    if words != "behave.py":
        assert any(words in p for p in caught.value.problems), caught.value.problems
    else:
        assert "is an insert function" in str(caught.value)
