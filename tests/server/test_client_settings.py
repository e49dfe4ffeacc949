"""The settings document Segment's clients load before they send (GET /v1/projects/<writeKey>/settings),
and CORS on every /v1/ answer. The clients themselves run against it in test_analytics_js_browser.py
and test_analytics_node.py."""

from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from segfn.emulator.server import create_app
from segfn.emulator.server.cdn import settings_document
from tests.server.conftest import WRITE_KEY

ORIGIN = "http://shop.example:3000"


def settings_url(server, key: str = WRITE_KEY) -> str:
    return f"{server.url}/v1/projects/{key}/settings"


def test_a_known_write_key_gets_a_document_that_sends_every_event_back_here(serve):
    server = serve()
    answer = requests.get(settings_url(server), headers={"Origin": ORIGIN}, timeout=10)
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN
    document = answer.json()
    assert list(document["integrations"]) == ["Segment.io"]  # no device-mode destination to load
    segment = document["integrations"]["Segment.io"]
    assert segment["apiKey"] == WRITE_KEY
    assert segment["apiHost"] == f"127.0.0.1:{server.port}/v1"
    assert segment["protocol"] == "http"
    assert document["metrics"]["sampleRate"] == 0  # no telemetry to api.segment.io
    assert not document["middlewareSettings"].get("routingRules")  # filters are segfn's, server-side
    assert document["remotePlugins"] == [] and not any(document["enabledMiddleware"].values())
    assert document["legacyVideoPluginsEnabled"] is False


@pytest.mark.parametrize("host", ["localhost:{port}", "10.0.2.2:{port}", "[::1]:{port}", "segfn.test"])
def test_api_host_is_the_host_and_port_the_client_reached(serve, host):
    """An Android emulator reaches the host machine as 10.0.2.2: the document must say that, not
    the address segfn is bound to."""
    server = serve()
    sent = host.format(port=server.port)
    answer = requests.get(settings_url(server), headers={"Host": sent}, timeout=10)
    assert answer.json()["integrations"]["Segment.io"]["apiHost"] == f"{sent}/v1"


def test_an_unknown_write_key_is_a_404_with_a_json_reason(serve):
    server = serve()
    answer = requests.get(settings_url(server, "not-a-key"), headers={"Origin": ORIGIN}, timeout=10)
    assert answer.status_code == 404
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN  # the browser can read why
    body = answer.json()
    assert body["code"] == "unknown_write_key" and "'not-a-key'" in body["message"]
    assert "integrations" not in body


# --- the pure document, and the Host header it is built from ------------------------------------

LABEL = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
HOSTS = st.one_of(
    st.lists(LABEL, min_size=1, max_size=4).map(".".join),
    st.tuples(*[st.integers(0, 255)] * 4).map(lambda parts: ".".join(map(str, parts))),
    st.sampled_from(["[::1]", "[fe80::1]", "[2001:db8::8:800:200c:417a]"]),
)
HOST_HEADERS = st.tuples(HOSTS, st.none() | st.integers(1, 65535)).map(
    lambda hp: hp[0] if hp[1] is None else f"{hp[0]}:{hp[1]}")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from segfn.emulator.local import LocalSegment, ServeOptions
    from tests.server.conftest import SPRIG_LIKE, write_workspace

    folder = tmp_path_factory.mktemp("settings")
    local = LocalSegment(ServeOptions(workspace=write_workspace(folder, [SPRIG_LIKE]), db=folder / "s.sqlite", env={}))
    yield create_app(local=local, start=False).test_client()
    local.close()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(host=HOST_HEADERS)
@example(host="[::1]:80").via("the default port, which werkzeug's request.host drops")
@example(host="localhost:80").via("the default port, which werkzeug's request.host drops")
def test_any_well_formed_host_becomes_the_api_host(client, host):
    answer = client.get(f"/v1/projects/{WRITE_KEY}/settings", headers={"Host": host})
    assert answer.status_code == 200, answer.json
    assert answer.json == settings_document(WRITE_KEY, f"{host}/v1", "http")


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(junk=st.text(alphabet=st.characters(codec="ascii", exclude_characters="\r\n"), min_size=1, max_size=30)
       .filter(lambda t: any(c in t for c in "/@?#\\ \"'<>{}")))
def test_a_host_header_with_anything_but_host_and_port_gets_no_document(client, junk):
    """Never echo text of the caller's choosing into apiHost (the client would send its events there)."""
    answer = client.get(f"/v1/projects/{WRITE_KEY}/settings", headers={"Host": f"127.0.0.1{junk}"})
    assert answer.status_code == 400 and answer.json["code"] == "bad_host"


# --- CORS on every /v1/ answer ----------------------------------------------------------------

CALLS = {
    "accepted": ("POST", "/v1/t", {"writeKey": WRITE_KEY, "userId": "u", "event": "A"}, 200),
    "bad JSON": ("POST", "/v1/t", "{not json", 400),
    "unknown write key": ("POST", "/v1/t", {"writeKey": "nope", "userId": "u", "event": "A"}, 401),
    "unknown endpoint": ("POST", "/v1/nope", {"writeKey": WRITE_KEY}, 404),
    "no such path": ("GET", "/v1/projects/x/settings/more", None, 404),
    "wrong method": ("GET", "/v1/track", None, 405),
    "settings": ("GET", f"/v1/projects/{WRITE_KEY}/settings", None, 200),
    "telemetry": ("POST", "/v1/m", {"series": []}, 200),
}


@pytest.mark.parametrize("case", sorted(CALLS))
def test_every_v1_answer_carries_cors_headers_errors_included(serve, case):
    server = serve()
    method, path, body, status = CALLS[case]
    data = body if isinstance(body, str) or body is None else json.dumps(body)
    answer = requests.request(method, server.url + path, data=data, timeout=10,
                              headers={"Origin": ORIGIN, "Content-Type": "text/plain"})
    assert answer.status_code == status, answer.text
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in answer.headers["Vary"]
    assert answer.headers["Access-Control-Expose-Headers"] == "Retry-After"  # a 429's, for analytics.js


@pytest.mark.parametrize("path", ["/v1/t", "/v1/batch", f"/v1/projects/{WRITE_KEY}/settings"])
def test_a_preflight_allows_what_the_clients_send_and_echoes_a_sites_own_headers(serve, path):
    server = serve()
    asked = "authorization, content-type, x-retry-count, content-encoding, cache-control, x-site-tag"
    answer = requests.options(server.url + path, timeout=10, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": asked})
    assert answer.status_code in (200, 204)
    assert answer.headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "POST" in answer.headers["Access-Control-Allow-Methods"]
    allowed = {h.strip().lower() for h in answer.headers["Access-Control-Allow-Headers"].split(",")}
    assert {h.strip() for h in asked.split(",")} <= allowed


def test_a_preflight_echoes_only_header_names(serve):
    server = serve()
    answer = requests.options(server.url + "/v1/t", timeout=10, headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-ok, x bad, x-also(bad), x-retry-count"})
    allowed = [h.strip() for h in answer.headers["Access-Control-Allow-Headers"].split(",")]
    assert "x-ok" in allowed and "X-Retry-Count" in allowed
    assert not any(" " in h or "(" in h for h in allowed)


def test_the_control_api_and_the_debugger_get_no_cors_headers(serve):
    server = serve()
    for path in ("/__segfn__/health", "/__segfn__/messages", "/"):
        answer = requests.get(server.url + path, headers={"Origin": ORIGIN}, timeout=10)
        assert "Access-Control-Allow-Origin" not in answer.headers, path
