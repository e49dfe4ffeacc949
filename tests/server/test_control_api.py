"""The control API: messages with their outcomes and filters, reset, replay of a fixture, health,
summary; and the debugger's server-rendered pages."""

from __future__ import annotations

import json

import requests

from tests.server.conftest import API_KEY, SPRIG_AUTH, SPRIG_LIKE, WRITE_KEY, fn

CONTROL = {"X-Segfn-Control": "1"}  # what a state-changing control call carries (guard.py)


def send(url: str, path: str, body: dict) -> None:
    assert requests.post(url + path, json=body, auth=(WRITE_KEY, ""), timeout=10).status_code == 200


def get(url: str, path: str, **params) -> dict:
    answer = requests.get(url + path, params=params, timeout=10)
    assert answer.status_code == 200, answer.text
    return answer.json()


def seed(server) -> None:
    send(server.url, "/v1/batch", {"batch": [
        {"type": "identify", "userId": "ada", "traits": {"plan": "pro"}, "messageId": "m-1"},
        {"type": "track", "userId": "ada", "event": "Survey Shown", "messageId": "m-2"},
        {"type": "track", "anonymousId": "anon-7", "event": "Survey Shown", "messageId": "m-3"},
        {"type": "track", "userId": "bob", "event": "Order Completed", "messageId": "m-4",
         "integrations": {"Sprig Cloud": False}},
        {"type": "page", "userId": "bob", "name": "Pricing", "messageId": "m-5"},
        {"type": "track", "userId": "bob", "messageId": "m-6"},  # no event: rejected
    ]})
    server.wait_settled(6)


class _AnyInt:
    def __eq__(self, other: object) -> bool:
        return isinstance(other, int) and not isinstance(other, bool)


ANY_INT = _AnyInt()


def ids(answer: dict) -> list[str]:
    return sorted(m["messageId"] for m in answer["messages"])


def test_messages_carry_each_destinations_outcome_attempts_and_final_state(serve):
    server = serve()
    seed(server)
    answer = get(server.url, "/__segfn__/messages")
    assert [m["seq"] for m in answer["messages"]] == sorted((m["seq"] for m in answer["messages"]), reverse=True)
    by_id = {m["messageId"]: m for m in answer["messages"]}
    assert by_id["m-2"]["final"] is True
    assert [(d["destination"], d["outcome"], d["attempts"]) for d in by_id["m-2"]["deliveries"]] == \
        [("Sprig Cloud", "delivered", 1)]
    assert (by_id["m-4"]["deliveries"][0]["outcome"], by_id["m-4"]["deliveries"][0]["stage"]) == \
        ("filtered", "integrations")
    assert by_id["m-6"]["status"] == "rejected" and by_id["m-6"]["rejection"]["code"] == "no_event"
    assert answer["stats"]["unsettled"] == 0
    full = get(server.url, f"/__segfn__/messages/{by_id['m-2']['seq']}")
    [delivery] = full["deliveries"]
    assert delivery["attempt_log"][0]["requests"][0]["json"] == {"userId": "ada", "events": [{"event": "Survey Shown", "timestamp": ANY_INT}]}
    assert delivery["logs"] == ["track Survey Shown for ada"]
    assert [s["stage"] for s in delivery["stages"]] == ["integrations", "event_type", "destination_function"]
    assert full["message"]["receivedAt"]


def test_messages_filter_by_type_outcome_user_event_and_text(serve):
    server = serve()
    seed(server)
    assert ids(get(server.url, "/__segfn__/messages", type="track")) == ["m-2", "m-3", "m-4", "m-6"]
    assert ids(get(server.url, "/__segfn__/messages", outcome="filtered")) == ["m-4"]
    assert ids(get(server.url, "/__segfn__/messages", outcome="rejected")) == ["m-6"]
    assert ids(get(server.url, "/__segfn__/messages", outcome="delivered", type="track")) == ["m-2"]
    assert ids(get(server.url, "/__segfn__/messages", outcome="discarded")) == ["m-3"]  # no userId
    assert ids(get(server.url, "/__segfn__/messages", user="ANON-7")) == ["m-3"]
    assert ids(get(server.url, "/__segfn__/messages", event="survey")) == ["m-2", "m-3"]
    assert ids(get(server.url, "/__segfn__/messages", q='"plan":"pro"')) == ["m-1"]
    after = max(m["seq"] for m in get(server.url, "/__segfn__/messages", limit=2)["messages"])
    assert get(server.url, "/__segfn__/messages", after=after)["messages"] == []
    bad = requests.get(server.url + "/__segfn__/messages", params={"outcome": "lost"}, timeout=10)
    assert bad.status_code == 400 and "must be one of" in bad.json()["error"]
    assert requests.get(server.url + "/__segfn__/messages?limit=x", timeout=10).status_code == 400


def test_reset_forgets_messages_dedupe_and_the_mocks_state(serve):
    server = serve()
    send(server.url, "/v1/identify", {"userId": "ada", "messageId": "once"})
    server.wait_settled(1)
    assert requests.get(server.url + "/sprig/v2/users/ada", headers=SPRIG_AUTH, timeout=10).status_code == 200
    assert requests.post(server.url + "/__segfn__/reset", timeout=10, headers=CONTROL).json() == {"reset": True}
    assert get(server.url, "/__segfn__/messages")["messages"] == []
    assert requests.get(server.url + "/sprig/v2/users/ada", headers=SPRIG_AUTH, timeout=10).status_code == 404
    send(server.url, "/v1/identify", {"userId": "ada", "messageId": "once"})  # no longer a duplicate
    server.wait_settled(1)
    assert get(server.url, "/__segfn__/messages")["messages"][0]["deliveries"][0]["outcome"] == "delivered"


def test_replay_sends_a_fixtures_calls_through_the_tracking_api(serve, tmp_path):
    server = serve()
    fixture = tmp_path / "fixtures" / "two.json"
    fixture.parent.mkdir()
    fixture.write_text(json.dumps([{"type": "track", "userId": "ada", "event": "Survey Shown"},
                                   {"type": "identify", "userId": "ada", "traits": {"plan": "pro"}},
                                   {"type": "track", "userId": "ada"}]))
    report = requests.post(server.url + "/__segfn__/replay", json={"fixture": "fixtures/two.json"}, timeout=10,
                           headers=CONTROL).json()
    assert (report["calls"], report["accepted"], len(report["rejected"])) == (3, 2, 1)
    server.wait_settled(3)
    fixtures = {m["fixture"] for m in get(server.url, "/__segfn__/messages")["messages"]}
    assert fixtures == {"fixtures/two.json"}
    missing = requests.post(server.url + "/__segfn__/replay", json={"fixture": "fixtures/nope.json"}, timeout=10,
                            headers=CONTROL)
    assert missing.status_code == 400 and "no such fixture file" in missing.json()["error"]
    outside = requests.post(server.url + "/__segfn__/replay", json={"fixture": "/etc/passwd"}, timeout=10,
                            headers=CONTROL)
    assert outside.status_code == 400 and "inside the project folder" in outside.json()["error"]
    not_json = requests.post(server.url + "/__segfn__/replay", data="x", timeout=10,
                             headers={**CONTROL, "Content-Type": "application/json"})
    assert not_json.status_code == 400


def test_summary_counts_like_event_delivery(serve):
    server = serve([SPRIG_LIKE, {"name": "Batching", "function": fn("batching"), "settings": {"token": "t"}}],
                   batch_wait=0.2, real=_ok)
    seed(server)
    summary = get(server.url, "/__segfn__/summary", bucket=10)
    by_name = {d["destination"]: d for d in summary["destinations"]}
    sprig = by_name["Sprig Cloud"]
    assert (sprig["delivered"], sprig["filtered"], sprig["discarded"]) == (3, 1, 1)
    assert sprig["filtered_by_stage"] == {"integrations": 1}
    assert sum(b["delivered"] for b in sprig["series"]) == 3
    assert by_name["Batching"]["discarded_by_category"] == {"Unsupported Event Type": 1}  # page
    assert summary["rejected"] == 1
    health = get(server.url, "/__segfn__/health")
    assert health["ok"] and health["stats"]["messages"] == 6


async def _ok(request):
    from segfn.runtime import Headers, Response
    return Response(200, "{}", Headers(), "", request.url)


def test_debugger_pages_render_stages_requests_and_diffs_escaped(serve):
    server = serve([{**SPRIG_LIKE, "insert_function": str(fn("sprig_like")).replace("sprig_like", "tag_insert")}])
    send(server.url, "/v1/track", {"userId": "ada", "event": "<script>alert(1)</script>",
                                   "properties": {"note": "<b>bold</b>"}})
    server.wait_settled(1)
    seq = server.messages()[0]["seq"]
    page = requests.get(f"{server.url}/messages/{seq}", timeout=10).text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page
    for heading in ("Integrations object", "Destination filters", "Insert function", "Attempts",
                    "Diff between stages", "Request headers", "Logs"):
        assert heading in page
    assert '+    &#34;tagged&#34;: true' in page or "tagged" in page  # the insert function's change, in the diff
    assert "API-Key ***" in page and API_KEY not in page
    assert requests.get(f"{server.url}/messages/999999", timeout=10).status_code == 404
    assert "Sprig Cloud" in requests.get(f"{server.url}/destinations", timeout=10).text


def test_the_detail_page_shows_each_destination_filters_decision(serve):
    server = serve([{**SPRIG_LIKE, "filters": [
        {"title": "Drop QA events", "if": "match(event, 'Test *')", "actions": [{"type": "DROP"}]},
        {"title": "No secrets", "if": "type = 'track'",
         "actions": [{"type": "DROP_PROPERTIES", "fields": {"properties": ["password"]}}]}]}])
    send(server.url, "/v1/track", {"userId": "ada", "event": "Test Run", "messageId": "f-1"})
    send(server.url, "/v1/track", {"userId": "ada", "event": "Survey Shown", "messageId": "f-2",
                                   "properties": {"password": "hunter2", "a": 1}})
    server.wait_settled(2)
    by_id = {m["messageId"]: m for m in get(server.url, "/__segfn__/messages")["messages"]}
    assert (by_id["f-1"]["deliveries"][0]["outcome"], by_id["f-1"]["deliveries"][0]["stage"]) == \
        ("filtered", "destination_filter")
    dropped = requests.get(f"{server.url}/messages/{by_id['f-1']['seq']}", timeout=10).text
    assert "Drop QA events" in dropped
    kept = requests.get(f"{server.url}/messages/{by_id['f-2']['seq']}", timeout=10).text
    assert "No secrets" in kept
    full = get(server.url, f"/__segfn__/messages/{by_id['f-2']['seq']}")
    assert full["deliveries"][0]["attempt_log"][0]["requests"][0]["json"]["events"][0]["event"] == "Survey Shown"
    assert "password" not in json.dumps(full["deliveries"][0]["event"])
