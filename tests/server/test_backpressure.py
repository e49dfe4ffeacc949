"""``segfn serve`` under load: --max-backlog answers 429 and loses nothing it accepted; the backlog is
shown; a handler stuck in a loop times out without stopping delivery."""

from __future__ import annotations

import requests

from segfn.emulator.local import LocalSegment
from tests.conftest import scenario
from tests.server.conftest import SPRIG_LIKE, WRITE_KEY, wait_for

BEHAVE = {"name": "Behave", "function": scenario("behave"), "settings": {"apiKey": "k"}}


def track(url: str, i: int, **properties) -> requests.Response:
    return requests.post(url + "/v1/track", json={"userId": f"u-{i}", "event": "Survey Shown", "messageId": f"bp-{i}",
                                                  "properties": properties}, auth=(WRITE_KEY, ""), timeout=10)


def test_past_max_backlog_the_tracking_api_answers_429_and_nothing_accepted_is_lost(serve, monkeypatch):
    monkeypatch.setattr(LocalSegment, "BACKLOG_EVERY", 0.0)  # read the backlog on every call
    server = serve([SPRIG_LIKE], max_backlog=5)
    server.local.worker.stop()  # deliveries wait, as when the worker cannot keep pace
    answers = [track(server.url, i) for i in range(12)]
    accepted = [i for i, a in enumerate(answers) if a.status_code == 200]
    refused = [a for a in answers if a.status_code == 429]
    assert accepted == [0, 1, 2, 3, 4] and len(refused) == 7
    assert all(int(a.headers["Retry-After"]) >= 1 and a.json()["code"] == "too_many_requests" for a in refused)
    stats = server.local.store.stats()
    assert stats["messages"] == 5 and stats["backlog"] == 5 and stats["backlog_age_s"] >= 0
    server.local.worker = type(server.local.worker)(server.local)  # the worker comes back
    server.local.start()
    server.wait_settled(5)
    delivered = {m["messageId"] for m in server.messages(outcome="delivered")}
    assert delivered == {f"bp-{i}" for i in accepted}
    assert {r.json["userId"] for r in server.local.sprig.received} == {f"u-{i}" for i in accepted}
    assert track(server.url, 99).status_code == 200  # the backlog drained: calls are taken again


def test_the_debugger_data_shows_the_backlog_and_its_age(serve):
    server = serve([SPRIG_LIKE])
    server.local.worker.stop()
    for i in range(3):
        assert track(server.url, i).status_code == 200
    stats = requests.get(server.url + "/__segfn__/messages", timeout=10).json()["stats"]
    assert stats["backlog"] == 3 and 0 <= stats["backlog_age_s"] < 60


def test_a_handler_in_an_endless_loop_times_out_and_delivery_goes_on(serve):
    server = serve([BEHAVE], timeout=0.3, retry_window=3)
    assert track(server.url, 0, do="forever").status_code == 200
    for i in range(1, 6):
        assert track(server.url, i, do="ok").status_code == 200
    wait_for(lambda: len(server.messages(outcome="delivered")) == 5, 30, lambda: str(server.local.store.stats()))
    server.wait_settled(6, timeout=60)
    [stuck] = [m for m in server.messages() if m["messageId"] == "bp-0"]
    [delivery] = server.message(stuck["seq"])["deliveries"]
    assert (delivery["outcome"], delivery["category"]) == ("discarded", "Retries Exhausted")
    assert {a["category"] for a in delivery["attempt_log"]} == {"Timeout"}


def test_thirty_requests_at_once_give_one_queue_line_not_one_per_request(serve, caplog):
    """waitress warned "Task queue depth is N" for each request waiting for a thread; a burst of 30 at the
    (slow) mock Sprig, whose 8 threads are all busy, now says one rate-limited line."""
    import logging
    from concurrent.futures import ThreadPoolExecutor

    caplog.set_level(logging.WARNING, logger="waitress.queue")
    server = serve([SPRIG_LIKE])
    for line in logging.getLogger("waitress.queue").filters:  # a test before this one may have said it already
        line.last = None
    assert requests.post(server.url + "/__segfn__/sprig/faults", json={"latency_ms": 300}, timeout=10,
                         headers={"X-Segfn-Control": "1"}).status_code == 200
    url = server.url + "/sprig/v2/users/ada"
    with ThreadPoolExecutor(30) as pool:
        answers = list(pool.map(lambda _: requests.get(url, headers={"Authorization": "API-Key reader"},
                                                       timeout=30), range(30)))
    assert all(a.status_code < 500 for a in answers)
    said = [r.getMessage() for r in caplog.records if r.name == "waitress.queue"]
    assert len(said) == 1, said
    assert "requests are waiting for an HTTP thread" in said[0] and "Task queue depth" not in said[0]
