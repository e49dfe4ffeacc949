"""Payloads as Segment stores them (issue 15, points 1 to 4): already-processed payloads replayed as
delivered, ``originalTimestamp`` verbatim, ``writeKey`` kept, dedupe across the workspace."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from segfn.cli import main
from segfn.emulator.fixtures import Call, FixtureProblem, read_calls
from segfn.emulator.messages import Deduper, TrackingApi, is_processed
from tests.conftest import REPO, message, run, workspace

RECEIVED = datetime(2025, 3, 6, 12, 0, tzinfo=timezone.utc)

# The report: pasted from the Source Debugger's raw view. Corrected again, timestamp became 13:00:02.
DEBUGGER = {"type": "track", "userId": "user-77", "event": "Survey Shown", "messageId": "ajs-debugger-1",
            "originalTimestamp": "2025-03-06T09:00:00.000Z", "sentAt": "2025-03-06T09:00:05.000Z",
            "receivedAt": "2025-03-06T11:00:06.000Z", "timestamp": "2025-03-06T11:00:01.000Z",
            "writeKey": "wk", "projectId": "p1", "version": 2, "channel": "client"}
TIMES = ("timestamp", "originalTimestamp", "sentAt", "receivedAt", "messageId")


def accept(body, as_="auto", received=RECEIVED):
    [accepted] = TrackingApi().accept("track", body, received=received, as_=as_).accepted
    return accepted.message


def test_a_source_debugger_payload_keeps_every_time_segment_gave_it():
    delivered = accept(DEBUGGER)
    assert {k: delivered[k] for k in TIMES} == {k: DEBUGGER[k] for k in TIMES}


def test_the_same_payload_read_as_a_client_call_is_corrected_again():
    """What segfn did before: the client's `timestamp` taken as originalTimestamp and corrected."""
    received = datetime(2025, 3, 6, 11, 0, 6, tzinfo=timezone.utc)  # replay receives it at its receivedAt
    assert accept(DEBUGGER, as_="client", received=received)["timestamp"] == "2025-03-06T13:00:02.000Z"


def test_processed_is_guessed_from_receivedAt_only():
    assert is_processed(DEBUGGER)
    assert not is_processed({k: v for k, v in DEBUGGER.items() if k != "receivedAt"})
    assert not is_processed({**DEBUGGER, "receivedAt": "yesterday"})


def test_processed_without_receivedAt_is_received_now_and_keeps_its_times():
    body = {k: v for k, v in DEBUGGER.items() if k != "receivedAt"}
    delivered = accept(body, as_="processed")
    assert delivered["receivedAt"] == "2025-03-06T12:00:00.000Z"
    assert delivered["timestamp"] == DEBUGGER["timestamp"]


def test_a_fixture_marker_overrides_the_guess_and_is_taken_off(tmp_path):
    path = tmp_path / "f.json"
    path.write_text(json.dumps([{"segfn": {"as": "client"}, **DEBUGGER}, DEBUGGER,
                                {"segfn": {"as": "raw"}, **DEBUGGER}]))
    first, second, third = read_calls(path, "f.json")
    assert isinstance(first, Call) and first.as_ == "client" and "segfn" not in first.payload
    assert isinstance(second, Call) and second.as_ is None
    assert isinstance(third, FixtureProblem) and third.where == "f.json[2]" and '"as": "client"' in str(third)
    batch = tmp_path / "b.json"
    batch.write_text(json.dumps({"segfn": {"as": "processed"}, "batch": [DEBUGGER]}))
    [call] = read_calls(batch, "b.json")
    assert call.as_ == "processed" and "segfn" not in call.payload


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "fixtures" / "messages").mkdir(parents=True)
    (tmp_path / "workspace.toml").write_text((REPO / "workspace.toml").read_text().replace(
        'function = "functions/', f'function = "{REPO}/functions/'))
    return tmp_path


def _sprig_timestamp(cli, project: Path, *args: str) -> int:
    result = cli.invoke(main, ["replay", "--workspace", str(project / "workspace.toml"), "--format", "json", *args,
                               str(project / "fixtures" / "messages")], env={})
    [outcome] = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert outcome["outcome"] == "delivered", outcome
    return outcome["requests"][0]["json"]["events"][0]["timestamp"]


def test_replay_as_option_and_the_marker_decide_how_a_payload_is_read(cli, project):
    fixture = project / "fixtures" / "messages" / "debugger.json"
    fixture.write_text(json.dumps({**DEBUGGER, "writeKey": "dev-write-key"}))
    kept, corrected = 1741258801000, 1741266002000  # 11:00:01 and 13:00:02
    assert _sprig_timestamp(cli, project) == kept
    assert _sprig_timestamp(cli, project, "--as", "client") == corrected
    fixture.write_text(json.dumps({"segfn": {"as": "processed"}, **DEBUGGER, "writeKey": "dev-write-key"}))
    assert _sprig_timestamp(cli, project, "--as", "client") == kept  # the fixture's own word wins


# --- point 2: originalTimestamp verbatim -----------------------------------------------------


def test_original_timestamp_is_the_clients_value_exactly_and_only_timestamp_is_computed():
    body = {"userId": "u", "event": "X", "timestamp": "2025-03-06T12:59:00.123456+01:00",
            "sentAt": "2025-03-06T12:00:00.000Z"}
    delivered = accept(body, as_="client")
    assert delivered["originalTimestamp"] == "2025-03-06T12:59:00.123456+01:00"
    # receivedAt 12:00:00 - (sentAt 12:00:00 - original 11:59:00.123456 UTC)
    assert delivered["timestamp"] == "2025-03-06T11:59:00.123Z"


def test_an_original_timestamp_sent_as_such_is_kept_verbatim_too():
    body = {"userId": "u", "event": "X", "originalTimestamp": "2025-03-06T11:59:00+00:00"}
    assert accept(body, as_="client")["originalTimestamp"] == "2025-03-06T11:59:00+00:00"


# --- point 3: writeKey ----------------------------------------------------------------------


def test_a_function_reads_write_key_from_the_event(pipeline_for):
    [outcome] = run(pipeline_for(workspace()), message(properties={"do": "write-key"}, writeKey="wk"))
    assert outcome.outcome == "delivered", outcome.reason
    assert outcome.requests[0].body == {"source": "wk"}
    assert outcome.event["writeKey"] == "wk"


# --- point 4: dedupe across the workspace ----------------------------------------------------


def test_two_sources_sending_one_message_id_deliver_it_once(pipeline_for):
    ws = workspace()
    ws = type(ws)(**{**ws.__dict__, "sources": (ws.sources[0], type(ws.sources[0])("ios", "ios-key"))})
    pipeline = pipeline_for(ws)
    body = message(messageId="shared-1")
    outcomes = []
    for key in ("wk", "ios-key"):
        ingested = pipeline.ingest("track", body, write_key=key, received=RECEIVED)
        outcomes += [o for m, _ in ingested.accepted for o in pipeline.process(m, ingested.source)]
    assert [(o.outcome, o.stage) for o in outcomes] == [("delivered", "destination_function"), ("filtered", "dedupe")]
    assert outcomes[1].reason == "messageId 'shared-1' was already received within 24 hours (first on source 'web')"


sightings = st.lists(st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(["web", "ios"]),
                               st.integers(0, 30 * 3600)), max_size=40)


@settings(max_examples=200, deadline=None)
@given(sightings)
def test_dedupe_answers_the_same_when_messages_are_sharded_by_message_id(sequence):
    """Replay's -j N shards a file by messageId: each shard must answer as the whole file does."""
    def answers(items):
        deduper, at, out = Deduper(), datetime(2025, 1, 1, tzinfo=timezone.utc), {}
        for index, (message_id, source, step) in items:
            out[index] = deduper.seen_on(message_id, source, at + timedelta(seconds=step))
        return out

    indexed = list(enumerate(sequence))
    whole = answers(indexed)
    sharded = {}
    for shard in {m for m, _, _ in sequence}:
        sharded.update(answers([(i, item) for i, item in indexed if item[0] == shard]))
    assert sharded == whole
