"""The Public API client against the fake in process: pagination, retries, the error tree, masking."""

from __future__ import annotations

from email.utils import format_datetime
from datetime import datetime, timezone

import pytest

from segfn import public_api as papi

from .conftest import FAKE_URL, TOKEN
from .fake_public_api import create_app, flask_transport


@pytest.fixture
def api(state, waits):
    return papi.PublicApi(FAKE_URL, TOKEN, flask_transport(create_app(state)), sleep=waits.append,
                          now=lambda: 1_000_000.0)


def test_listing_follows_every_cursor_and_returns_list_items(api, state, monkeypatch):
    monkeypatch.setattr(papi, "PAGE_SIZE", 3)
    made = [state.add(f"F{i} (Acme)", code=f"code {i}") for i in range(8)]
    state.add("Insert", resource_type="INSERT_DESTINATION")
    listed = api.list_functions("DESTINATION")
    assert [f["id"] for f in listed] == [f["id"] for f in made]
    assert "code" not in listed[0] and "settings" not in listed[0]  # ListFunctionItemV1
    pages = [p for m, p, _ in state.requests if p == "/functions"]
    assert len(pages) == 3  # 3 + 3 + 2


def test_the_fake_rejects_what_the_real_api_rejects(api, state):
    with pytest.raises(papi.Unprocessable, match="resourceType"):
        api.request("GET", "/functions", query={"pagination.count": 10})
    with pytest.raises(papi.Unprocessable, match="pagination.count"):
        api.request("GET", "/functions", query={"resourceType": "DESTINATION"})
    with pytest.raises(papi.Unprocessable, match="between 1 and 200"):
        api.request("GET", "/functions", query={"resourceType": "DESTINATION", "pagination.count": 500})
    with pytest.raises(papi.Unprocessable, match=r'displayName: "displayName" is required'):
        api.create_function({"code": "x", "resourceType": "DESTINATION"})
    with pytest.raises(papi.ApiError, match="answered 400: Insert function ifnd_000001 not found"):
        fn = state.add("Scrub", resource_type="INSERT_DESTINATION")
        api.request("POST", "/insert-function-instances", {"functionId": fn["id"], "integrationId": "d",
                                                           "name": "n", "settings": {}})
    assert state.writes == []


def test_insert_instances_use_the_alpha_media_type_and_bare_ids(api, state):
    fn = state.add("Scrub", resource_type="INSERT_DESTINATION")
    instance = api.create_insert_instance(fn["id"], "dest_1", "Scrub", {"k": "v"})
    assert instance["classId"] == papi.bare_id(fn["id"]) == fn["id"].removeprefix("ifnd_")
    assert [i["integrationId"] for i in api.list_insert_instances(fn["id"])] == ["dest_1"]
    accepts = {(m, p): a for m, p, a in state.requests}
    assert accepts[("POST", "/insert-function-instances")] == papi.V1_ALPHA
    assert accepts[("GET", "/insert-function-instances")] == papi.V1_ALPHA


def test_429_honours_retry_after_in_seconds(api, state, waits):
    state.rate_limit(ms_before_next=9000, retry_after="7")
    state.rate_limit(ms_before_next=9000, retry_after="2")
    assert api.get_workspace()["name"] == "Acme"
    assert waits == [7.0, 2.0]


def test_429_without_retry_after_uses_segments_ms_before_next(api, state, waits):
    state.rate_limit(ms_before_next=1500)
    api.get_workspace()
    assert waits == [1.5]


def test_429_with_only_a_reset_date_or_nothing(api, state, waits):
    reset = format_datetime(datetime.fromtimestamp(1_000_000 + 12, timezone.utc), usegmt=True)
    state.fail(429, {"X-RateLimit-Reset": reset}, {"errors": [{"type": "RequestError", "message": "Too many"}]})
    state.fail(429, {}, {"errors": [{"type": "RequestError", "message": "Too many"}]}, times=2)
    api.get_workspace()
    assert waits == [12.0, 2.0, 4.0]  # the reset date, then backoff by attempt


def test_429_retry_after_as_a_date_and_waits_are_bounded(api, state, waits):
    later = format_datetime(datetime.fromtimestamp(1_000_000 + 30, timezone.utc), usegmt=True)
    state.rate_limit(retry_after=later)
    state.rate_limit(retry_after="86400")
    api.get_workspace()
    assert waits == [30.0, papi.MAX_WAIT]


def test_429_retries_are_bounded_then_rate_limited(api, state, waits):
    state.rate_limit(retry_after="1", times=10)
    with pytest.raises(papi.RateLimited, match="answered 429: Too many requests .*rate limit held"):
        api.get_workspace()
    assert len(waits) == papi.MAX_RETRIES
    assert len(state.requests) == papi.MAX_RETRIES + 1


def test_5xx_is_retried_for_reads_but_a_create_is_never_sent_twice(api, state, waits):
    state.fail(503)
    assert api.get_workspace()["name"] == "Acme" and waits == [1.0]
    state.fail(502, method="POST")
    with pytest.raises(papi.ServerError, match="answered 502"):
        api.create_function({"code": "x", "displayName": "X", "resourceType": "DESTINATION"})
    assert [r[0] for r in state.requests].count("POST") == 1 and state.functions == []


def test_error_messages_carry_the_apis_field_and_never_the_token(api, state):
    state.fail(422, body={"errors": [{"type": "input-validation", "message": f"bad token {TOKEN} echoed",
                                      "field": "code"}]})
    with pytest.raises(papi.Unprocessable) as error:
        api.get_workspace()
    assert "code: bad token *** echoed" in str(error.value) and TOKEN not in str(error.value)
    assert TOKEN not in repr(api)


def test_a_network_failure_names_the_request_and_masks_the_token():
    def down(method, url, headers, body):
        raise papi.NetworkError(f"{method} {url} failed: connection refused ({headers['Authorization']})")

    api = papi.PublicApi(FAKE_URL, TOKEN, down)
    with pytest.raises(papi.NetworkError) as error:
        api.get_workspace()
    assert f"GET {FAKE_URL}/ failed: connection refused (Bearer ***)" == str(error.value)


@pytest.mark.parametrize("url", ["api.segmentapis.com", "ftp://x", "https://x/?a=1", ""])
def test_a_base_url_must_be_http(url):
    with pytest.raises(papi.InputError, match="not an http"):
        papi.PublicApi(url, TOKEN)


def test_a_token_is_required():
    with pytest.raises(papi.InputError, match="SEGMENT_API_TOKEN is not set"):
        papi.PublicApi(papi.HOSTS["us"], "  ")
