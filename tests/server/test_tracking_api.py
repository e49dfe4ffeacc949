"""The Tracking API over HTTP: endpoints, aliases the real clients use, write keys, gzip, answers."""

from __future__ import annotations

import base64
import gzip
import json

import pytest
import requests

from tests.server.conftest import API_KEY, WRITE_KEY

TYPES = {"identify": {"traits": {"plan": "pro"}}, "track": {"event": "Survey Shown"}, "page": {"name": "Home"},
         "screen": {"name": "Settings"}, "group": {"groupId": "g-1"}, "alias": {"previousId": "anon-1"}}


def post(url: str, path: str, body, *, key: str | None = WRITE_KEY, headers: dict | None = None, **kwargs):
    return requests.post(url + path, json=body, auth=(key, "") if key else None, headers=headers, timeout=10,
                         **kwargs)


@pytest.mark.parametrize("kind", sorted(TYPES))
def test_each_call_type_is_accepted_committed_and_delivered(serve, kind):
    server = serve()
    answer = post(server.url, f"/v1/{kind}", {"userId": "u-1", "messageId": f"m-{kind}", **TYPES[kind]})
    assert (answer.status_code, answer.json()) == (200, {"success": True})
    [m] = server.messages()  # committed before the answer went out
    assert (m["messageId"], m["type"], m["source"]) == (f"m-{kind}", kind, "web")
    server.wait_settled(1)
    [delivery] = server.message(m["seq"])["deliveries"]
    assert (delivery["destination"], delivery["outcome"]) == ("Sprig Cloud", "delivered")
    assert delivery["requests"][0]["url"] == "https://api.sprig.com/v2/users"
    assert delivery["requests"][0]["status"] == 202


@pytest.mark.parametrize("alias, kind", [("i", "identify"), ("t", "track"), ("p", "page"), ("s", "screen"),
                                         ("g", "group"), ("a", "alias")])
def test_analytics_js_one_letter_paths_map_to_their_call_type(serve, alias, kind):
    server = serve()
    body = {"userId": "u-1", "writeKey": WRITE_KEY, **TYPES[kind]}
    answer = requests.post(f"{server.url}/v1/{alias}", data=json.dumps(body),
                           headers={"Content-Type": "text/plain"}, timeout=10)  # as analytics.js sends it
    assert answer.status_code == 200, answer.text
    [m] = server.messages()
    assert m["type"] == kind


def test_v1_b_is_a_batch_as_the_mobile_libraries_and_analytics_js_batching_send_it(serve):
    server = serve()
    body = {"writeKey": WRITE_KEY, "sentAt": "2025-03-01T10:00:01.000Z",
            "batch": [{"type": "track", "userId": "u", "event": "A", "timestamp": "2025-03-01T10:00:00.000Z"},
                      {"type": "identify", "userId": "u", "traits": {"x": 1}}]}
    answer = requests.post(server.url + "/v1/b", data=json.dumps(body), headers={"Content-Type": "text/plain"},
                           timeout=10)
    assert answer.status_code == 200
    assert sorted(m["type"] for m in server.messages()) == ["identify", "track"]


def test_telemetry_path_is_answered_and_ignored(serve):
    server = serve()
    answer = requests.post(server.url + "/v1/m", data="{}", headers={"Content-Type": "text/plain"}, timeout=10)
    assert (answer.status_code, answer.json()) == (200, {"success": True})
    assert server.messages() == []


def test_the_write_key_may_travel_as_basic_auth_or_in_the_body(serve):
    server = serve()
    assert post(server.url, "/v1/track", {"userId": "u", "event": "A"}).status_code == 200
    assert post(server.url, "/v1/track", {"userId": "u", "event": "B", "writeKey": WRITE_KEY}, key=None).status_code == 200
    bearer = {"Authorization": "Bearer some-oauth-token"}  # OAuth: the write key stays in the body
    assert post(server.url, "/v1/track", {"userId": "u", "event": "C", "writeKey": WRITE_KEY}, key=None,
                headers=bearer).status_code == 200
    assert sorted(m["name"] for m in server.messages()) == ["A", "B", "C"]


def test_basic_auth_wins_over_the_body_write_key(serve):
    server = serve()
    answer = post(server.url, "/v1/track", {"userId": "u", "event": "A", "writeKey": "someone-else"})
    assert answer.status_code == 200  # the header's key names the source
    [m] = server.messages()
    assert m["source"] == "web"


def test_gzip_bodies_are_inflated(serve):
    server = serve()
    raw = gzip.compress(json.dumps({"batch": [{"type": "track", "userId": "u", "event": f"E{i}"}
                                              for i in range(50)]}).encode())
    answer = requests.post(server.url + "/v1/batch", data=raw, auth=(WRITE_KEY, ""), timeout=10,
                           headers={"Content-Type": "application/json", "Content-Encoding": "gzip"})
    assert answer.status_code == 200, answer.text
    assert len(server.messages()) == 50


def test_batch_context_and_integrations_are_merged_into_each_item(serve):
    server = serve()
    post(server.url, "/v1/batch", {"context": {"ip": "203.0.113.9"}, "integrations": {"All": False},
                                   "batch": [{"type": "track", "userId": "u", "event": "A"},
                                             {"type": "track", "userId": "u", "event": "B",
                                              "integrations": {"Sprig": True}}]})
    server.wait_settled(2)
    outcomes = {m["name"]: m["deliveries"][0] for m in server.messages()}
    assert (outcomes["A"]["outcome"], outcomes["A"]["stage"]) == ("filtered", "integrations")
    assert outcomes["B"]["outcome"] == "delivered"  # previous name "Sprig" enables it
    seq = next(m["seq"] for m in server.messages() if m["name"] == "A")
    assert server.message(seq)["message"]["context"] == {"ip": "203.0.113.9"}


def test_messages_segment_drops_get_200_with_the_reason_and_are_recorded(serve):
    server = serve()
    answer = post(server.url, "/v1/batch", {"batch": [{"type": "track", "userId": "u", "event": "ok"},
                                                      {"type": "track", "userId": "u"}]})
    assert answer.status_code == 200
    body = answer.json()
    assert body["success"] is True
    assert body["rejected"] == [{"path": "$.batch[1].event", "code": "no_event",
                                 "message": body["rejected"][0]["message"]}]
    [rejected] = server.messages(outcome="rejected")
    assert rejected["rejection"]["code"] == "no_event"


def test_duplicates_within_24_hours_are_filtered_at_dedupe(serve):
    server = serve()
    for _ in range(2):
        post(server.url, "/v1/track", {"userId": "u", "event": "A", "messageId": "same-id"})
    server.wait_settled(2)
    first, second = sorted(server.messages(), key=lambda m: m["seq"])
    assert first["deliveries"][0]["outcome"] == "delivered"
    assert (second["deliveries"][0]["outcome"], second["deliveries"][0]["stage"]) == ("filtered", "dedupe")


def test_cors_lets_a_browser_app_post_from_its_own_origin(serve):
    server = serve()
    preflight = requests.options(server.url + "/v1/t", headers={"Origin": "http://localhost:3000",
                                                                "Access-Control-Request-Method": "POST"}, timeout=10)
    assert preflight.status_code == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"
    answer = requests.post(server.url + "/v1/t", headers={"Origin": "http://localhost:3000",
                                                          "Content-Type": "text/plain"},
                           data=json.dumps({"writeKey": WRITE_KEY, "userId": "u", "event": "A"}), timeout=10)
    assert answer.headers["Access-Control-Allow-Origin"] == "http://localhost:3000"


def test_the_api_key_never_appears_in_what_the_server_shows(serve):
    server = serve()
    post(server.url, "/v1/track", {"userId": "u", "event": "A"})
    post(server.url, "/v1/identify", {"userId": "u", "traits": {"note": f"the key is {API_KEY}"}})
    server.wait_settled(2)
    seqs = [m["seq"] for m in server.messages()]
    shown = [requests.get(f"{server.url}/__segfn__/messages?full=1", timeout=10).text,
             requests.get(f"{server.url}/__segfn__/destinations", timeout=10).text,
             requests.get(f"{server.url}/destinations", timeout=10).text,
             requests.get(f"{server.url}/", timeout=10).text]
    shown += [requests.get(f"{server.url}/messages/{s}", timeout=10).text for s in seqs]
    shown += [requests.get(f"{server.url}/__segfn__/messages/{s}", timeout=10).text for s in seqs]
    for text in shown:
        assert API_KEY not in text
    assert "API-Key ***" in shown[0]  # the auth header kept only its scheme
    encoded = base64.b64encode(API_KEY.encode()).decode()
    assert all(encoded not in text for text in shown)
