"""Durable delivery: Segment-style retries on a compressed window, on_batch batching with per-event
results, recovery of interrupted attempts, and where a function's requests go."""

from __future__ import annotations

import itertools
import json
import threading
import time
from datetime import timedelta

import requests

from segfn.emulator.local import LocalSegment, ServeOptions
from segfn.emulator.pipeline import Pipeline, RetryPolicy
from segfn.emulator.replay import Replay
from segfn.emulator.transport import Router
from segfn.emulator.store import Planned
from segfn.emulator.worker import plan
from segfn.emulator.workspace import load_workspace, parse_workspace
from segfn.runtime import Headers, Response
from tests.conftest import REPO
from tests.server.conftest import SPRIG_AUTH, SPRIG_LIKE, WRITE_KEY, Collector, fn, wait_for, write_workspace

CONTROL = {"X-Segfn-Control": "1"}  # what a state-changing control call carries (guard.py)

BATCHING = {"name": "Batching", "function": fn("batching"), "settings": {"token": "batch-t0ken-canary"}}


def send(url: str, path: str, body: dict) -> None:
    answer = requests.post(url + path, json=body, auth=(WRITE_KEY, ""), timeout=10)
    assert answer.status_code == 200, answer.text


def faults(url: str, config: dict | None) -> requests.Response:
    if config is None:
        return requests.delete(url + "/__segfn__/sprig/faults", timeout=10, headers=CONTROL)
    return requests.post(url + "/__segfn__/sprig/faults", json=config, timeout=10, headers=CONTROL)


def only_delivery(server) -> dict:
    [m] = server.messages()
    [delivery] = server.message(m["seq"])["deliveries"]
    return delivery


def test_a_sprig_outage_is_retried_until_it_ends(serve):
    server = serve(retry_window=20)
    assert faults(server.url, {"error_rate": 1.0, "status": 503}).status_code == 200
    send(server.url, "/v1/track", {"userId": "u-1", "event": "Survey Shown", "messageId": "outage-1"})
    wait_for(lambda: server.messages()[0]["deliveries"] and server.messages()[0]["deliveries"][0]["attempts"] >= 3,
             20, lambda: str(server.messages()))
    assert server.messages()[0]["deliveries"][0]["outcome"] in ("retrying", "in_flight")
    assert faults(server.url, None).status_code == 200
    server.wait_settled(1)
    delivery = only_delivery(server)
    assert delivery["outcome"] == "delivered"
    log = delivery["attempt_log"]
    assert [a["number"] for a in log] == list(range(1, len(log) + 1))
    assert {a["result"] for a in log[:-1]} == {"retry"} and log[-1]["result"] == "delivered"
    assert all(a["requests"][0]["status"] == 503 for a in log[:-1])
    assert log[-1]["requests"][0]["status"] == 202
    assert requests.get(server.url + "/sprig/v2/users/u-1", headers=SPRIG_AUTH, timeout=10).json()["events"][0]["event"] == "Survey Shown"


def test_retries_end_after_the_same_schedule_replay_simulates(serve, tmp_path):
    server = serve(retry_window=3)
    faults(server.url, {"error_rate": 1.0, "status": 500})
    send(server.url, "/v1/track", {"userId": "u-1", "event": "Survey Shown", "messageId": "doomed-1"})
    server.wait_settled(1, timeout=30)
    delivery = only_delivery(server)
    assert (delivery["outcome"], delivery["category"]) == ("discarded", "Retries Exhausted")
    assert "gave up after" in delivery["reason"]
    # replay's simulated schedule for the same message, seed and window
    async def always_500(request):
        return Response(500, "{}", Headers(), "", request.url)

    pipeline = Pipeline(load_workspace(server.local.options.workspace, env={}), transport=always_500,
                        retry=RetryPolicy(window=timedelta(seconds=3)))
    try:
        ingested = pipeline.ingest("track", {"userId": "u-1", "event": "Survey Shown", "messageId": "doomed-1"},
                                   write_key=WRITE_KEY)
        [outcome] = pipeline.process(ingested.accepted[0][0], ingested.source)
    finally:
        pipeline.close()
    assert len(delivery["attempt_log"]) == len(outcome.attempts)
    assert outcome.category == "Retries Exhausted"


def test_fault_settings_are_checked(serve):
    server = serve()
    bad = faults(server.url, {"error_rate": 2})
    assert bad.status_code == 400 and "error_rate must be a number from 0 to 1" in bad.json()["error"]
    assert "unknown fault setting" in faults(server.url, {"rate": 1}).json()["error"]
    assert requests.get(server.url + "/__segfn__/sprig/faults", timeout=10).json()["faults"]["error_rate"] == 0


def test_on_batch_gets_batches_of_batch_size_then_what_waited_batch_wait(serve):
    collector = Collector()
    server = serve([BATCHING], batch_size=5, batch_wait=0.5, real=collector)
    send(server.url, "/v1/batch", {"batch": [{"type": "track", "userId": "u", "event": f"E{i}", "messageId": f"b-{i}"}
                                             for i in range(11)] +
                                            [{"type": "identify", "userId": "u", "messageId": "b-id"}]})
    server.wait_settled(12)
    batches = [r["json"]["ids"] for r in collector.requests if r["url"].endswith("/batch")]
    assert sorted(map(len, batches)) == [2, 5, 5]  # a batch can mix event types
    assert sorted(i for b in batches for i in b) == sorted([f"b-{i}" for i in range(11)] + ["b-id"])
    assert not [r for r in collector.requests if r["url"].endswith("/one")]  # single handlers never ran
    messages = [server.message(m["seq"]) for m in server.messages()]
    assert all(m["deliveries"][0]["outcome"] == "delivered" for m in messages)
    ids = {m["deliveries"][0]["attempt_log"][0]["batch"] for m in messages}
    assert len(ids) == 3 and None not in ids


def test_a_batchs_requests_show_on_each_attempt_and_are_stored_once(serve):
    collector = Collector()
    server = serve([BATCHING], batch_size=4, batch_wait=0.5, real=collector)
    send(server.url, "/v1/batch", {"batch": [{"type": "track", "userId": "u", "event": f"E{i}", "messageId": f"s-{i}"}
                                             for i in range(10)]})
    server.wait_settled(10)
    by_batch: dict[str, list[tuple[str, dict]]] = {}
    for m in server.messages():
        [attempt] = server.message(m["seq"])["deliveries"][0]["attempt_log"]
        by_batch.setdefault(attempt["batch"], []).append((m["messageId"], attempt))
    assert sorted(map(len, by_batch.values())) == [2, 4, 4]
    for members in by_batch.values():
        [request] = members[0][1]["requests"]  # every attempt of a batch shows the batch's one request
        assert request["url"] == "https://collector.example/batch" and request["status"] == 200
        assert request["headers"]["Authorization"] == "Bearer ***"  # masked as before
        assert sorted(request["json"]["ids"]) == sorted(message_id for message_id, _ in members)
        assert all(attempt["requests"] == [request] for _, attempt in members)
    with server.local.store.transaction() as conn:  # written once per batch, not once per attempt
        assert conn.execute("SELECT count(*) FROM request_sets").fetchone()[0] == 3
        assert conn.execute("SELECT count(*) FROM attempt_requests").fetchone()[0] == 10
        assert {r for (r,) in conn.execute("SELECT requests FROM attempts")} == {"[]"}


def test_on_batch_partial_failures_retry_5xx_and_discard_other_4xx(serve):
    collector = Collector()
    server = serve([BATCHING], batch_size=4, batch_wait=0.2, retry_window=2, real=collector)
    statuses = {"ok-1": 200, "bad": 400, "busy": 500, "ok-2": 200}
    send(server.url, "/v1/batch", {"batch": [{"type": "track", "userId": "u", "event": "E", "messageId": k,
                                              "properties": {"status": s}} for k, s in statuses.items()]})
    server.wait_settled(4, timeout=30)
    result = {m["messageId"]: m["deliveries"][0] for m in (server.message(x["seq"]) for x in server.messages())}
    assert result["ok-1"]["outcome"] == result["ok-2"]["outcome"] == "delivered"
    assert (result["bad"]["outcome"], result["bad"]["category"], result["bad"]["attempts"]) == \
        ("discarded", "Bad Request", 1)
    assert "status 400" in result["bad"]["reason"] and "event said 400" in result["bad"]["reason"]
    assert (result["busy"]["outcome"], result["busy"]["category"]) == ("discarded", "Retries Exhausted")
    assert result["busy"]["attempts"] > 1  # only the failed event was retried
    assert result["ok-1"]["attempts"] == 1
    retried_alone = [r["json"]["ids"] for r in collector.requests if r["url"].endswith("/batch")][1:]
    assert retried_alone and all(ids == ["busy"] for ids in retried_alone)


def test_on_batch_raising_retry_error_retries_the_whole_batch(serve):
    collector = Collector()
    collector.status = 503
    server = serve([BATCHING], batch_size=3, batch_wait=0.2, retry_window=30, real=collector)
    send(server.url, "/v1/batch", {"batch": [{"type": "track", "userId": "u", "event": "E", "messageId": f"r-{i}"}
                                             for i in range(3)]})
    wait_for(lambda: len(collector.requests) >= 2, 20)
    collector.status = 200
    server.wait_settled(3, timeout=30)
    for m in server.messages():
        delivery = server.message(m["seq"])["deliveries"][0]
        assert delivery["outcome"] == "delivered"
        assert [a["result"] for a in delivery["attempt_log"]][0] == "retry"
    assert "batch-t0ken-canary" not in requests.get(server.url + "/__segfn__/messages?full=1", timeout=10).text


def test_batch_false_in_the_workspace_runs_the_single_handlers_and_a_size_there_wins(serve):
    collector = Collector()
    server = serve([{**BATCHING, "batch": False},
                    {**BATCHING, "name": "Batching by 3", "batch": {"size": 3, "wait": "1h"}}], real=collector)
    send(server.url, "/v1/batch", {"batch": [{"type": "track", "userId": "u", "event": "E", "messageId": f"s-{i}"}
                                             for i in range(3)]})
    server.wait_settled(3)
    assert sorted(r["json"]["id"] for r in collector.requests if r["url"].endswith("/one")) == ["s-0", "s-1", "s-2"]
    assert [sorted(r["json"]["ids"]) for r in collector.requests if r["url"].endswith("/batch")] == \
        [["s-0", "s-1", "s-2"]]  # three, not the --batch-size of 20, and without waiting the hour


def test_an_on_batch_function_gives_the_same_outcomes_and_categories_in_replay_and_serve(tmp_path, serve):
    """The issue's test: the same messages, through segfn serve (wall clock, SQLite, threads) and
    through replay (simulated clock), end alike: per-event results (200 delivered, 400 Bad Request,
    500 retried until Retries Exhausted) and a whole batch that raises (all Message Rejected)."""
    whole = [{"type": "track", "userId": "u", "event": "E", "messageId": f"w-{i}",
              "properties": {"status": "invalid" if i == 2 else 200}} for i in range(4)]
    partial = [{"type": "track", "userId": "u", "event": "E", "messageId": k, "properties": {"status": s}}
               for k, s in {"ok-1": 200, "bad": 400, "busy": 500, "ok-2": 200}.items()]
    destination = {"name": "Batching", "function": fn("batching"), "settings": {"token": "t0ken-canary"},
                   "batch": {"size": 4, "wait": "0.2s"}}

    server = serve([destination], retry_window=2, real=Collector())
    send(server.url, "/v1/batch", {"batch": whole})  # first, and settled: no retry can join its batch
    server.wait_settled(4, timeout=30)
    send(server.url, "/v1/batch", {"batch": partial})
    server.wait_settled(8, timeout=30)
    served = {}
    for row in server.messages():
        [delivery] = server.message(row["seq"])["deliveries"]
        served[row["messageId"]] = (delivery["outcome"], delivery["category"])

    ws = parse_workspace({"name": "Acme", "sources": [{"name": "web", "write_key": "test-write-key"}],
                          "destinations": [destination],
                          "stubs": [{"method": "POST", "url": "https://collector.example/batch", "json": {}}]},
                         root=REPO, env={})
    fixture = tmp_path / "same.json"
    fixture.write_text(json.dumps(whole + partial))  # one call each; batches of 4 form in this order
    pipeline = Pipeline(ws, transport=Router(ws.stubs), retry=RetryPolicy(window=timedelta(seconds=2)))
    replay = Replay(pipeline, tmp_path)
    try:
        replayed = {o.message_id: (o.outcome, o.category) for o in replay.run(fixture, judge=False).outcomes}
    finally:
        replay.close()

    assert replayed == served == {
        "w-0": ("discarded", "Message Rejected"), "w-1": ("discarded", "Message Rejected"),
        "w-2": ("discarded", "Message Rejected"), "w-3": ("discarded", "Message Rejected"),
        "ok-1": ("delivered", None), "bad": ("discarded", "Bad Request"),
        "busy": ("discarded", "Retries Exhausted"), "ok-2": ("delivered", None)}


def test_an_attempt_interrupted_by_a_crash_is_recorded_and_run_again(tmp_path):
    workspace = write_workspace(tmp_path, [SPRIG_LIKE])
    options = ServeOptions(workspace=workspace, db=tmp_path / "s.sqlite", env={})
    first = LocalSegment(options)  # never started: we play the worker up to the crash by hand
    first.ingest("track", {"userId": "u-1", "event": "Survey Shown", "messageId": "crash-1"}, write_key=WRITE_KEY)
    first.worker.route_pending(first.pipeline)
    [claim] = first.store.claim(time.time() + 1, "2025-01-01T00:00:00.000Z", 10)
    assert first.store.stats()["deliveries_in_flight"] == 1
    first.store.close()  # the process dies here: the attempt never settles
    first.runner.close()

    second = LocalSegment(options)
    second.start()
    try:
        wait_for(lambda: second.store.stats()["unsettled"] == 0, 20)
        assert second.worker.recovered == 1
        [m] = second.store.messages()
        delivery = second.store.message(m["seq"])["deliveries"][0]
        assert delivery["outcome"] == "delivered"
        assert [a["result"] for a in delivery["attempt_log"]] == ["interrupted", "delivered"]
        assert "may have reached the destination" in delivery["attempt_log"][0]["reason"]
    finally:
        second.close()


def test_a_delivered_attempt_is_never_claimed_again(tmp_path):
    options = ServeOptions(workspace=write_workspace(tmp_path, [SPRIG_LIKE]), db=tmp_path / "s.sqlite", env={})
    local = LocalSegment(options)
    local.start()
    try:
        local.ingest("track", {"userId": "u", "event": "A"}, write_key=WRITE_KEY)
        wait_for(lambda: local.store.stats()["unsettled"] == 0, 20)
        assert local.store.claim(10 ** 12, "2099-01-01T00:00:00.000Z", 100) == []
        assert local.store.recover() == 0
    finally:
        local.close()


def test_baseurl_at_this_servers_sprig_mount_reaches_the_mock_and_an_allowed_sprig_host_the_network(serve, tmp_path):
    collector = Collector()
    server = serve(real=collector)
    write_workspace(tmp_path, [
        {**SPRIG_LIKE, "settings": {"apiKey": "k", "baseUrl": f"{server.url}/sprig"}},
        {**SPRIG_LIKE, "name": "Real Sprig", "previous_names": [], "settings": {"apiKey": "k",
                                                                                 "baseUrl": "https://api.sprig.com"}}],
        allow_network=["api.sprig.com"])
    assert requests.post(server.url + "/__segfn__/reload", timeout=10, headers=CONTROL).status_code == 200
    send(server.url, "/v1/identify", {"userId": "u-9", "traits": {"plan": "pro"}})
    server.wait_settled(1)
    deliveries = {d["destination"]: d for d in server.message(server.messages()[0]["seq"])["deliveries"]}
    assert deliveries["Sprig Cloud"]["requests"][0]["url"] == f"{server.url}/sprig/v2/users"
    assert deliveries["Sprig Cloud"]["requests"][0]["status"] == 202
    assert requests.get(server.url + "/sprig/v2/users/u-9", headers=SPRIG_AUTH, timeout=10).json()["attributes"] == {"plan": "pro"}
    assert [r["url"] for r in collector.requests] == ["https://api.sprig.com/v2/users"]  # the "real" one
    assert deliveries["Real Sprig"]["outcome"] == "delivered"


def test_an_attempt_started_before_a_reload_keeps_its_workspaces_network_rules(tmp_path):
    """The race behind test_deliveries_of_a_destination_removed_by_a_reload_end_discarded's failures:
    a reload used to change the shared transport's allowed hosts before swapping the pipeline, so an
    attempt already running under the old workspace could no longer reach its host, failed with a
    FetchError and ended as a Bad Request. Each pipeline now keeps the rules it was built with."""
    collector = Collector()
    collector.status = 503
    down = {**SPRIG_LIKE, "name": "Down Sprig", "previous_names": [],
            "settings": {"apiKey": "k", "baseUrl": "https://collector.example"}}
    options = ServeOptions(workspace=write_workspace(tmp_path, [down], allow_network=["collector.example"]),
                           db=tmp_path / "s.sqlite", env={})
    local = LocalSegment(options, real=collector)
    try:
        old = local.pipeline
        message = {"type": "track", "userId": "u", "event": "A", "messageId": "m-1",
                   "receivedAt": "2025-03-01T10:00:00.000Z", "timestamp": "2025-03-01T10:00:00.000Z"}
        [route] = old.route(message, old.workspace.sources[0])
        write_workspace(tmp_path, [SPRIG_LIKE])  # no allow_network any more
        local.reload()
        from datetime import datetime, timezone
        result = old.attempt(route, 1, datetime(2025, 3, 1, 10, tzinfo=timezone.utc))  # it was running
        assert result.kind == "retry" and "503" in result.attempt.reason, result.attempt
        assert [r["url"] for r in collector.requests] == ["https://collector.example/v2/users"]
    finally:
        local.close()


def test_a_bad_reload_keeps_the_previous_workspace(serve, tmp_path):
    server = serve()
    (tmp_path / "workspace.toml").write_text("name = \n")
    answer = requests.post(server.url + "/__segfn__/reload", timeout=10, headers=CONTROL)
    assert answer.status_code == 400
    assert any("workspace.toml:1:" in p for p in answer.json()["problems"])
    send(server.url, "/v1/track", {"userId": "u", "event": "still works"})
    server.wait_settled(1)
    assert only_delivery(server)["outcome"] == "delivered"


def test_plan_keeps_routing_stops_final():
    class Stop:
        outcome, stage, reason, category, stages = "filtered", "integrations", "off", None, ()

    class Conn:
        name = "D"

    class R:
        connection, stop, stages, event = Conn(), Stop(), (), None

    assert plan(R()) == Planned("D", "filtered", "integrations", "off", None, [], None)


def test_dedupe_in_sqlite_answers_like_the_in_memory_deduper(tmp_path):
    from datetime import datetime, timezone

    from hypothesis import given, settings, strategies as st

    from segfn.emulator.messages import Deduper
    from segfn.emulator.store import Store

    counter = itertools.count()
    events = st.lists(st.tuples(st.sampled_from(["web", "ios"]), st.sampled_from(["a", "b", "c"]),
                                st.integers(0, 3 * 86400)), max_size=30)

    @settings(max_examples=60, deadline=None)
    @given(events)
    def same(sequence):
        store = Store(tmp_path / f"d-{next(counter)}.sqlite")
        memory = Deduper()
        try:
            at = 0
            for source, message_id, step in sequence:
                at += step
                moment = datetime.fromtimestamp(1_700_000_000 + at, timezone.utc)
                assert store.seen_on(message_id, source, moment) == memory.seen_on(message_id, source, moment)
        finally:
            store.close()

    same()


def test_deliveries_of_a_destination_removed_by_a_reload_end_discarded(serve, tmp_path):
    """A destination that leaves workspace.toml while its deliveries wait for a retry: each one
    still reaches a final state (Invalid Settings), and the remaining destination keeps delivering."""
    collector = Collector()
    collector.status = 503  # the "real" host is down: its deliveries wait to be retried
    down = {**SPRIG_LIKE, "name": "Down Sprig", "previous_names": [],
            "settings": {"apiKey": "k", "baseUrl": "https://collector.example"}}
    server = serve([SPRIG_LIKE, down], retry_window=60, real=collector)  # waits scaled to about 0.5 s
    for i in range(3):
        send(server.url, "/v1/track", {"userId": f"u-{i}", "event": "Survey Shown", "messageId": f"gone-{i}"})
    # every message attempted at the down host (one message's retries alone must not count)
    wait_for(lambda: len({r["json"]["userId"] for r in collector.requests}) == 3, 20, lambda: str(server.messages()))
    write_workspace(tmp_path, [SPRIG_LIKE])
    assert requests.post(server.url + "/__segfn__/reload", timeout=10, headers=CONTROL).status_code == 200
    server.wait_settled(3)
    for m in server.messages():
        outcomes = {d["destination"]: (d["outcome"], d["category"]) for d in m["deliveries"]}
        assert outcomes == {"Sprig Cloud": ("delivered", None), "Down Sprig": ("discarded", "Invalid Settings")}
        [gone] = [d for d in server.message(m["seq"])["deliveries"] if d["destination"] == "Down Sprig"]
        assert "no longer in the workspace" in gone["reason"]


def test_a_slow_mock_sprig_does_not_starve_the_tracking_api(serve):
    """More slow mock Sprig requests than the server has threads: the Tracking API still answers,
    and commits, while every one of them is still waiting (they have threads of their own)."""
    server = serve()
    assert faults(server.url, {"latency_ms": 2000}).status_code == 200
    finished: list[float] = []

    def slow_read() -> None:
        requests.get(server.url + "/sprig/v2/users/nobody", headers=SPRIG_AUTH, timeout=60)
        finished.append(time.monotonic())

    readers = [threading.Thread(target=slow_read) for _ in range(16)]  # twice the server's 8 threads
    for reader in readers:
        reader.start()
    time.sleep(0.5)  # they are all being served (sleeping in the mock) or queued
    for i in range(5):
        answer = requests.post(server.url + "/v1/track", json={"userId": "u", "event": "A", "messageId": f"fast-{i}"},
                               auth=(WRITE_KEY, ""), timeout=60)
        assert answer.status_code == 200
    assert finished == []  # answered while no slow Sprig answer had come back yet
    assert len(server.messages()) == 5
    for reader in readers:
        reader.join(60)
    assert len(finished) == len(readers)
