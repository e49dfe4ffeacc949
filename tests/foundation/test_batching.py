"""Batching as Segment does it, in replay too (issue 15, point 6): ``batch`` in workspace.toml, batches
formed deterministically in replay, the same at any ``-j``, and the same outcomes and categories as
``segfn serve`` gives for the same messages."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from segfn.emulator.batching import LANES, BatchFormer, BatchPolicy, lane
from segfn.emulator.errors import ConfigError
from segfn.emulator.parallel import ParallelReplay, Share, WorkerConfig
from segfn.emulator.pipeline import Pipeline, RetryPolicy
from segfn.emulator.replay import Replay, replay_pipeline
from segfn.emulator.transport import Router
from segfn.emulator.workspace import load_workspace, parse_workspace
from tests.conftest import REPO, scenario

T0 = datetime(2025, 3, 1, 12, tzinfo=timezone.utc)


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def track(message_id: str, do: str = "ok", at: datetime = T0, **fields) -> dict:
    return {"type": "track", "userId": "u", "event": "E", "messageId": message_id, "properties": {"do": do},
            "receivedAt": stamp(at), "timestamp": stamp(at), **fields}


def workspace_data(batch=None, function: str = "batch_behave") -> dict:
    destination = {"name": "Batched", "function": scenario(function)}
    if batch is not None:
        destination["batch"] = batch
    return {"name": "Acme", "sources": [{"name": "web", "write_key": "wk"}], "destinations": [destination]}


def replay_file(tmp_path: Path, messages: list[dict], batch=None, name: str = "f.json") -> list:
    ws = parse_workspace(workspace_data(batch), root=REPO, env={})
    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(messages))
    else:
        path.write_text("\n".join(json.dumps(m) for m in messages) + "\n")
    replay = Replay(replay_pipeline(ws), tmp_path)
    try:
        outcomes = []
        replay.run(path, on_outcome=outcomes.append, judge=False)
        return outcomes
    finally:
        replay.close()


def batch_of(outcome) -> str:
    return outcome.reason.split("(onBatch, ")[1].split(",")[0] if "(onBatch" in outcome.reason else "single"


# --- workspace.toml -------------------------------------------------------------------------


def test_batch_settings_load_with_segments_defaults_and_every_problem_is_reported(tmp_path):
    ws = parse_workspace(workspace_data(), root=REPO, env={})
    assert ws.destinations[0].batch_policy() == BatchPolicy(20, 10.0)  # Segment's defaults
    ws = parse_workspace(workspace_data({"size": 5, "wait": "250ms"}), root=REPO, env={})
    assert ws.destinations[0].batch_policy() == BatchPolicy(5, 0.25)
    assert parse_workspace(workspace_data(False), root=REPO, env={}).destinations[0].batch_policy() is None
    data = workspace_data({"size": 401, "wait": "soon", "count": 3})
    data["destinations"].append({"name": "No batch", "function": scenario("behave"), "settings": {"apiKey": "k"},
                                 "batch": {"size": 5}})
    data["destinations"].append({"name": "Odd", "function": scenario("batch_behave"), "batch": "yes"})
    with pytest.raises(ConfigError) as error:
        parse_workspace(data, root=REPO, env={})
    found = error.value.problems
    for words in ("destinations[0].batch.count: unknown key (allowed keys: size, wait)",
                  "destinations[0].batch.size: must be a whole number from 1 to 400",
                  "destinations[0].batch.wait: 'soon' is not a duration",
                  "destinations[1].batch: behave.py has no on_batch, so nothing is batched",
                  "destinations[2].batch: 'yes' is not of type 'boolean', 'object'"):
        assert sum(words in p for p in found) == 1, (words, found)


# --- how batches form ---------------------------------------------------------------------------


arrivals = st.lists(st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 40)), max_size=60)


@settings(max_examples=200, deadline=None)
@given(arrivals, st.integers(1, 6), st.integers(1, 15))
def test_every_item_lands_in_one_batch_in_input_order_within_size_and_wait(items, size, wait):
    policy = BatchPolicy(size, float(wait))
    former: BatchFormer[int] = BatchFormer()
    batches = []
    for index, (key, second) in enumerate(items):
        batches += former.add(key, index, T0 + timedelta(seconds=second), policy)
    batches += former.flush()
    assert sorted(i for b in batches for i in b.items) == list(range(len(items)))
    for batch in batches:
        assert 1 <= len(batch.items) <= size
        assert batch.items == sorted(batch.items)
        assert {items[i][0] for i in batch.items} == {batch.key}
        for i in batch.items[1:]:  # each later member arrived before the batch had waited its wait out
            assert T0 + timedelta(seconds=items[i][1]) < batch.first + timedelta(seconds=wait)


def test_replay_batches_by_size_then_by_wait_on_the_simulated_clock(tmp_path):
    messages = [track(f"m{i}", at=T0 + timedelta(seconds=i)) for i in range(7)]
    messages.append(track("late", at=T0 + timedelta(minutes=5)))
    outcomes = replay_file(tmp_path, messages, {"size": 3, "wait": "1m"})
    assert [o.message_id for o in outcomes] == [m["messageId"] for m in messages]  # input order
    assert [batch_of(o) for o in outcomes] == ["batch of 3"] * 6 + ["batch of 1"] * 2
    assert all(o.outcome == "delivered" for o in outcomes)
    # a full batch leaves as its last event arrives; one that is not full waits its wait out
    assert [o.attempts[0].at for o in outcomes][::3] == [stamp(T0 + timedelta(seconds=2)),
                                                         stamp(T0 + timedelta(seconds=5)),
                                                         stamp(T0 + timedelta(seconds=66))]


def test_batch_false_runs_the_single_event_handlers(tmp_path):
    outcomes = replay_file(tmp_path, [track("m1"), track("m2")], False)
    assert [(o.outcome, batch_of(o)) for o in outcomes] == [("delivered", "single")] * 2


def test_per_event_results_and_a_whole_batch_error_in_replay(tmp_path):
    messages = [track("ok", "ok"), track("reject", "reject"), track("busy", "busy"), track("ok-2", "ok"),
                track("x-1", at=T0 + timedelta(minutes=1)), track("x-2", "explode", at=T0 + timedelta(minutes=1))]
    outcomes = {o.message_id: o for o in replay_file(tmp_path, messages, {"size": 4, "wait": "10s"})}
    assert {k: (o.outcome, o.category) for k, o in outcomes.items()} == {
        "ok": ("delivered", None), "reject": ("discarded", "Bad Request"), "busy": ("discarded", "Retries Exhausted"),
        "ok-2": ("delivered", None), "x-1": ("discarded", "Message Rejected"), "x-2": ("discarded", "Message Rejected")}
    assert len(outcomes["busy"].attempts) > 2 and len(outcomes["ok"].attempts) == 1
    assert "on_batch reported status 400 for this event: reject" in outcomes["reject"].reason


# --- the same batches at any -j --------------------------------------------------------------


def test_each_lane_falls_to_one_share_and_every_share_has_lanes():
    for count in (1, 2, 3, 7):
        assert all(sum(Share(k, count).owns(line, {}) for k in range(count)) == 1 for line in range(LANES * 2))
    assert lane(5, {"messageId": "abc"}) == lane(900, {"messageId": "abc"})


def test_batches_and_outcomes_are_identical_at_j1_and_j2(tmp_path):
    rng = random.Random(7)
    lines = []
    for i in range(400):
        at = T0 + timedelta(seconds=rng.randrange(0, 600))
        do = rng.choice(["ok"] * 12 + ["reject", "busy", "explode"])
        lines.append(track(f"m-{rng.randrange(360)}", do, at))
    (tmp_path / "workspace.toml").write_text(f'''
name = "Acme"
[[sources]]
name = "web"
write_key = "wk"
[[destinations]]
name = "Batched"
function = "{scenario("batch_behave")}"
batch = {{ size = 5, wait = "30s" }}
''')
    archive = tmp_path / "day.ndjson"
    archive.write_text("\n".join(json.dumps(m) for m in lines) + "\n")
    config = WorkerConfig(load_workspace(tmp_path / "workspace.toml"), tmp_path, timeout=2)

    def outcomes(jobs: int) -> list:
        got = []
        if jobs == 1:
            replay = Replay(replay_pipeline(config.workspace), tmp_path)
            replay.run(archive, on_outcome=got.append, judge=False)
            replay.close()
        else:
            runner = ParallelReplay(config, jobs)
            try:
                runner.run(archive, on_outcome=got.append)
            finally:
                runner.close()
        return [(o.message_id, o.outcome, o.stage, o.category, o.reason, len(o.attempts)) for o in got]

    one = outcomes(1)
    assert len({batch_of_reason(r) for _, _, _, _, r, _ in one}) > 2  # batches of several sizes formed
    assert {c for _, _, _, c, _, _ in one} >= {None, "Bad Request", "Retries Exhausted", "Message Rejected"}
    assert outcomes(2) == one


def batch_of_reason(reason: str) -> str:
    return reason.split("batch of ")[1].split(",")[0].split(")")[0] if "batch of " in reason else "-"
