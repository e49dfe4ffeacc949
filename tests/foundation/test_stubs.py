"""Stubs and faults for any host (issue 15, point 7): URL patterns, answers, sequences counted per
delivery, replay that never reaches the network, serve's allow_network, and --faults."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from pathlib import Path

import pytest

from segfn.cli import main
from segfn.emulator.errors import ConfigError
from segfn.emulator.faults import FaultConfigError, HostFaults
from segfn.emulator.outbound import Outbound
from segfn.emulator.pipeline import RetryPolicy
from segfn.emulator.replay import replay_pipeline
from segfn.emulator.runner import Runner
from segfn.emulator.stubs import Stub, StubAnswer, StubSet, compile_pattern, parse_stubs
from segfn.emulator.transport import Router
from segfn.emulator.workspace import load_workspace, parse_workspace
from segfn.runtime import FetchError, Headers, Request, Response
from tests.conftest import REPO, message, run, scenario, workspace

RETRYING = [{"name": "Retrying", "function": scenario("retry_on_5xx"), "settings": {"apiKey": "k"}}]


def stub(url: str, method: str | None = None) -> Stub:
    return Stub(url, (StubAnswer(),), method)


@pytest.mark.parametrize("pattern, url, matched", [
    ("https://api.example.com/v1/users/{id}", "https://api.example.com/v1/users/42", True),
    ("https://api.example.com/v1/users/{id}", "https://api.example.com/v1/users/42/events", False),
    ("https://api.example.com/v1/users/{id}", "https://api.example.com/v1/users/", False),
    ("https://api.example.com/v1/*", "https://api.example.com/v1/users", True),
    ("https://api.example.com/v1/*", "https://api.example.com/v1/users/42", False),
    ("https://api.example.com/**", "https://api.example.com/v1/users/42", True),
    ("https://api.example.com/**", "https://api.example.com", True),
    ("https://{region}.example.com/track", "https://eu.example.com/track", True),
    ("https://API.Example.com/Track", "https://api.example.COM/Track", True),  # scheme and host: any case
    ("https://api.example.com/Track", "https://api.example.com/track", False),  # the path: exact
    ("https://api.example.com/track", "https://api.example.com/track?debug=1", True),  # no ?: any query
    ("https://api.example.com/track?debug=1", "https://api.example.com/track?debug=2", False),
    ("https://api.example.com/track?*", "https://api.example.com/track", True),
    ("https://api.example.com/a.b", "https://api.example.com/aXb", False),  # the rest is literal
    ("http://api.example.com/track", "https://api.example.com/track", False),
])
def test_url_patterns(pattern, url, matched):
    assert stub(pattern).matches("POST", url) is matched


def test_a_method_narrows_a_stub_and_the_first_match_answers():
    stubs = StubSet([stub("https://a.example/x", "GET"), stub("https://a.example/**")])
    assert stubs.find("get", "https://a.example/x") is stubs.stubs[0]
    assert stubs.find("POST", "https://a.example/x") is stubs.stubs[1]
    assert stubs.find("POST", "https://b.example/x") is None


@pytest.mark.parametrize("pattern", ["api.example.com/x", "ftp://api.example.com/x", "https:///x",
                                     "https://a.example/{id}/{id}"])
def test_bad_patterns_are_refused(pattern):
    with pytest.raises(ValueError):
        compile_pattern(pattern)


def test_answers_json_text_headers_and_sequences():
    [s], problems = parse_stubs([{"url": "https://a.example/x", "sequence": [
        {"status": 503, "json": {"error": "busy"}, "headers": {"Retry-After": "2"}},
        {"body": "ok", "status": 201}]}], "stubs")
    assert problems == []
    first, second = s.answer(0), s.answer(1)
    assert (first.status, json.loads(first.body), first.headers["Retry-After"]) == (503, {"error": "busy"}, "2")
    assert first.headers["Content-Type"] == "application/json"
    assert (second.status, second.body, second.headers["Content-Type"]) == (201, "ok", "text/plain; charset=utf-8")
    assert s.answer(7) == second  # the last answer repeats


def test_every_stub_problem_is_reported_with_its_key_path():
    _, problems = parse_stubs([
        {"url": "https://a.example/x", "status": 700, "jsn": {}},
        {"method": "FETCH", "url": "https://a.example/y", "json": 1, "body": "x", "delay": "soon"},
        {"url": "https://a.example/z", "status": 200, "sequence": [{"status": 500}, {"error": "EBOOM"}]},
        {"status": 200},
    ], "workspace.toml: stubs")
    expected = [
        "workspace.toml: stubs[0].jsn: unknown key", "workspace.toml: stubs[0].status: must be an HTTP status",
        "workspace.toml: stubs[1].method: must be one of GET", "workspace.toml: stubs[1]: give json or body",
        "workspace.toml: stubs[1].delay: 'soon' is not a duration",
        "workspace.toml: stubs[2]: give either sequence or status", "workspace.toml: stubs[2].sequence[1].error:",
        "workspace.toml: stubs[3].url: missing"]
    for start in expected:
        assert any(p.startswith(start) for p in problems), (start, problems)


def test_stub_files_in_fixtures_http_are_loaded_after_the_workspace_and_checked_with_it(tmp_path):
    (tmp_path / "fixtures" / "http").mkdir(parents=True)
    (tmp_path / "fixtures" / "http" / "crm.toml").write_text(
        '[[stubs]]\nurl = "https://crm.example/**"\nstatus = 202\n')
    (tmp_path / "fixtures" / "http" / "broken.toml").write_text('[[stubs]]\nurl = "crm.example"\n')
    data = {"name": "Acme", "sources": [{"name": "web", "write_key": "wk"}], "destinations": [],
            "stubs": [{"url": "https://crm.example/special", "status": 418}]}
    with pytest.raises(ConfigError) as error:
        parse_workspace(data, root=tmp_path, env={})
    assert any(p.startswith("fixtures/http/broken.toml: stubs[0].url:") for p in error.value.problems)
    (tmp_path / "fixtures" / "http" / "broken.toml").unlink()
    loaded = parse_workspace(data, root=tmp_path, env={})
    assert [s.answer(0).status for s in loaded.stubs.stubs] == [418, 202]
    assert loaded.stubs.find("GET", "https://crm.example/special").answer(0).status == 418


def test_a_sequence_500_500_200_ends_delivered_after_three_attempts(pipeline_for):
    stubs = [{"method": "POST", "url": "https://api.example.com/track",
              "sequence": [{"status": 500}, {"status": 500}, {"status": 200, "json": {"ok": True}}]}]
    pipeline = pipeline_for(workspace(RETRYING, stubs=stubs))
    first = run(pipeline, message(messageId="seq-1"))
    second = run(pipeline, message(messageId="seq-2"))  # each delivery counts its own requests
    for [outcome] in (first, second):
        assert outcome.outcome == "delivered"
        assert [a.result for a in outcome.attempts] == ["retry", "retry", "delivered"]
        assert [a.requests[0].status for a in outcome.attempts] == [500, 500, 200]


def test_an_unstubbed_host_fails_clearly_and_is_recorded(pipeline_for):
    [outcome] = run(pipeline_for(workspace(stubs=[])), message(properties={"do": "network"}))
    assert (outcome.outcome, outcome.category) == ("discarded", "Bad Request")  # an uncaught FetchError
    [request] = outcome.requests
    assert request.url == "https://unreachable.example/" and request.status is None
    for says in ("ENOTFOUND unreachable.example", "segfn replay reaches no network",
                 'add one to workspace.toml or fixtures/http/*.toml: [[stubs]] method = "GET", '
                 'url = "https://unreachable.example/"'):
        assert says in request.error and says in outcome.reason


def test_replay_never_answers_by_default_even_a_host_it_has_answered_before(pipeline_for):
    """What segfn answered `200 {}` before issue 15: a function posting to its own API."""
    [outcome] = run(pipeline_for(workspace(RETRYING, stubs=[])), message())
    assert outcome.category == "Bad Request" and "no stub answers POST https://api.example.com/track" in outcome.reason


def test_a_stub_delay_past_the_timeout_is_a_timeout(pipeline_for):
    stubs = [{"url": "https://api.example.com/track", "delay": "2s", "status": 200}]
    pipeline = pipeline_for(workspace(RETRYING, stubs=stubs), runner=Runner(timeout=0.2),
                            retry=RetryPolicy(window=timedelta(0)))  # no retries: one attempt
    [outcome] = run(pipeline, message())
    assert outcome.attempts[0].category == "Timeout"


def test_a_stubbed_network_failure_raises_fetch_error_with_its_code():
    answer = StubAnswer(error="ECONNRESET")
    with pytest.raises(FetchError) as error:
        asyncio.run(answer.respond(Request("GET", "https://a.example/", Headers())))
    assert error.value.code == "ECONNRESET"


# --- faults -----------------------------------------------------------------------------------


def _send(router: Router, key: str, url: str = "https://api.example.com/track") -> int | str:
    try:
        return asyncio.run(router.send(Request("POST", url, Headers(), "{}"), key)).status
    except FetchError as error:
        return error.code


def test_faults_for_any_host_repeat_per_delivery_whatever_the_order():
    stubs = StubSet([stub("https://api.example.com/**")])
    faults = HostFaults.from_config({"api.example.com": {"error_rate": 0.4, "drop_rate": 0.2, "status": 503,
                                                         "seed": 3}})
    keys = [f"m-{i}" for i in range(40)]
    forward, backward = Router(stubs, faults=faults), Router(stubs, faults=faults)
    ahead = {k: [_send(forward, k) for _ in range(3)] for k in keys}
    behind = {k: [_send(backward, k) for _ in range(3)] for k in reversed(keys)}
    assert ahead == behind
    seen = {answer for answers in ahead.values() for answer in answers}
    assert seen == {200, 503, "ECONNRESET"}
    assert _send(forward, "m-0", "https://other.example/x") == "ENOTFOUND"  # faults for one host only


def test_star_faults_apply_to_every_host_and_a_host_entry_wins():
    faults = HostFaults.from_config({"*": {"error_rate": 1, "status": 502}, "calm.example": {}})
    router = Router(StubSet([stub("https://**")]), faults=faults)
    assert (_send(router, "k", "https://any.example/"), _send(router, "k", "https://calm.example/")) == (502, 200)


@pytest.mark.parametrize("config, says", [([], "host -> settings"), ({"a/b": {}}, "not a host name"),
                                          ({"a.example": {"eror_rate": 1}}, "a.example: unknown fault setting")])
def test_bad_faults_are_refused_naming_the_host(config, says):
    with pytest.raises(FaultConfigError, match=says):
        HostFaults.from_config(config)


# --- serve ------------------------------------------------------------------------------------


class _Network:
    def __init__(self) -> None:
        self.urls: list[str] = []

    async def __call__(self, request: Request) -> Response:
        self.urls.append(request.url)
        return Response(200, "{}", Headers(), "", request.url)


async def _mock(request: Request) -> Response:
    return Response(202, "{}", Headers(), "", request.url)


def test_serve_answers_stubs_first_and_reaches_only_allowed_hosts():
    network = _Network()
    outbound = Outbound(_mock, network, stubs=StubSet([stub("https://crm.example/stubbed")]),
                        allow_network=["crm.example", "api.sprig.com"])

    def status(url: str) -> int | str:
        try:
            return asyncio.run(outbound(Request("GET", url, Headers()))).status
        except FetchError as error:
            return str(error)

    assert status("https://crm.example/stubbed") == 200 and network.urls == []
    assert status("https://crm.example/live") == 200 and network.urls == ["https://crm.example/live"]
    assert status("https://api.sprig.com/v2/users") == 200  # allowed: the real Sprig
    assert status("https://api.userleap.com/v2/users") == 202  # not allowed: the mock Sprig
    refused = status("https://elsewhere.example/x")
    assert "allow_network" in refused and "no stub answers GET https://elsewhere.example/x" in refused
    assert network.urls == ["https://crm.example/live", "https://api.sprig.com/v2/users"]


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "workspace.toml").write_text(f'''
name = "Acme"
[[sources]]
name = "web"
write_key = "wk"
[[destinations]]
name = "Retrying"
function = "{scenario("retry_on_5xx")}"
settings = {{ apiKey = "k" }}
[[stubs]]
method = "POST"
url = "https://api.example.com/track"
status = 200
''')
    (tmp_path / "fixtures" / "messages").mkdir(parents=True)
    (tmp_path / "fixtures" / "messages" / "calls.json").write_text(json.dumps(
        [message(messageId=f"c-{i}") for i in range(12)]))
    return tmp_path


def _json_outcomes(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_replay_faults_option_fails_any_host_and_repeats(cli, project):
    args = ["replay", "--workspace", str(project / "workspace.toml"), "--format", "json", "--faults",
            '{"api.example.com": {"error_rate": 0.5, "status": 503, "seed": 2}}']
    first, again = cli.invoke(main, args), cli.invoke(main, args)
    outcomes = _json_outcomes(first.output)
    assert outcomes == _json_outcomes(again.output)
    assert all(o["outcome"] == "delivered" for o in outcomes)
    retried = [o for o in outcomes if o["attempts"] > 1]
    assert retried and all(o["requests"][-1]["status"] == 200 for o in retried)


def test_replay_faults_option_refuses_bad_json_with_exit_2(cli, project):
    result = cli.invoke(main, ["replay", "--workspace", str(project / "workspace.toml"), "--faults", "{nope"])
    assert result.exit_code == 2 and "not JSON" in result.output and "Traceback" not in result.output


def test_the_default_workspace_loads_with_its_stubs(monkeypatch):
    monkeypatch.chdir(REPO)
    assert load_workspace("workspace.toml", env={}).allow_network == ()


def test_replay_pipeline_puts_stubs_before_the_mock_sprig():
    ws = workspace(stubs=[{"url": "https://api.sprig.com/v2/users", "status": 418}])
    pipeline = replay_pipeline(ws)
    try:
        answer = asyncio.run(pipeline.transport(Request("POST", "https://api.sprig.com/v2/users", Headers(), "{}")))
        assert answer.status == 418
        refused = asyncio.run(pipeline.transport(Request("GET", "https://api.userleap.com/nothing", Headers())))
        assert refused.status in (401, 403, 404)  # the mock Sprig answered, not a stub
    finally:
        pipeline.close()
