"""The mock Sprig over HTTP: the thin Flask blueprint the server mounts answers like Sprig."""

from __future__ import annotations

import json

from flask import Flask

from segfn.emulator.server.sprig import sprig_blueprint
from segfn.emulator.sprig import Faults, MockSprig

AUTH = {"Authorization": "API-Key k"}


def client(mock: MockSprig):
    app = Flask(__name__)
    app.register_blueprint(sprig_blueprint(mock))
    return app.test_client()


def test_post_then_get_v2_users_answers_like_sprig():
    mock = MockSprig(api_keys={"k"})
    http = client(mock)
    posted = http.post("/sprig/v2/users", headers=AUTH, json={
        "userId": "u-1", "emailAddress": "ada@example.com", "attributes": {"plan": "pro"},
        "events": [{"event": "Survey Viewed", "timestamp": 1730263698620}]})
    assert posted.status_code == 202 and posted.get_json() == {}
    got = http.get("/sprig/v2/users/u-1", headers=AUTH)
    assert got.status_code == 200 and got.content_type == "application/json"
    assert got.get_json() == {
        "id": "u-1", "createdAt": got.get_json()["createdAt"], "externalUserId": "u-1",
        "attributes": {"plan": "pro", "!email": "ada@example.com"},
        "events": [{"event": "Survey Viewed", "count": 1, "createdAt": "2024-10-30T04:48:18.620Z",
                    "updatedAt": "2024-10-30T04:48:18.620Z"}]}
    assert mock.user("u-1") == got.get_json()  # the blueprint and the in-process mock are one state


def test_refusals_keep_sprigs_status_body_and_headers():
    http = client(MockSprig(api_keys={"k"}, rate_limit=True))
    assert http.get("/sprig/v2/users/nobody", headers=AUTH).status_code == 404
    bad_key = http.post("/sprig/v2/users", headers={"Authorization": "API-Key nope"}, json={"userId": "u"})
    assert bad_key.status_code == 403 and bad_key.get_json() == {"error": "Invalid API key"}
    bad_body = http.post("/sprig/v2/users", headers=AUTH, json={"userId": "u", "attributes": {"a": {"b": 1}}})
    assert bad_body.status_code == 422 and "$.attributes.a" in bad_body.get_json()["error"]
    not_json = http.post("/sprig/v2/users", headers=AUTH, data="{", content_type="application/json")
    assert not_json.status_code == 400 and "not valid JSON" in not_json.get_json()["error"]


def test_the_rate_limit_answers_429_with_retry_after_over_http():
    now = [0.0]
    http = client(MockSprig(rate_limit=True, clock=lambda: now[0]))
    body = json.dumps({"userId": "u"})
    headers = {**AUTH, "Content-Type": "application/json"}
    statuses = [http.post("/sprig/v2/users", headers=headers, data=body).status_code for _ in range(1001)]
    assert statuses[:1000] == [202] * 1000
    limited = http.post("/sprig/v2/users", headers=headers, data=body)
    assert statuses[1000] == 429 and limited.status_code == 429 and limited.headers["Retry-After"] == "300"


def test_an_injected_fault_is_a_500_with_an_error_body():
    answer = client(MockSprig(faults=Faults(error_rate=1.0))).post("/sprig/v2/users", headers=AUTH, json={"userId": "u"})
    assert answer.status_code == 500 and answer.get_json() == {"error": "Injected fault (500)"}
