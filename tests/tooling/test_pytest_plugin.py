"""segfn's pytest plugin, run the way a user's project runs it: pytest's own ``pytester`` writes a project
(``segfn init``'s files), a test file, and runs pytest on it; the plugin comes from the ``pytest11`` entry
point alone (no conftest, no ``-p``)."""

from __future__ import annotations

import json
from importlib.metadata import entry_points

import pytest

from segfn.scaffold import project_files
from tests.conftest import REPO

pytest_plugins = ["pytester"]


@pytest.fixture
def project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """A ``segfn init --sprig`` project, without its own tests (each test here writes the ones it needs)."""
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("SEGFN_WORKSPACE", raising=False)
    for relative, content in project_files(sprig=True).items():
        if not relative.startswith("tests/"):
            target = pytester.path / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    return pytester


def outcomes(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_it=source)
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def test_the_plugin_is_registered_through_the_pytest11_entry_point():
    [plugin] = [e for e in entry_points(group="pytest11") if e.value == "segfn.pytest_plugin"]
    assert plugin.name == "segfn" and plugin.dist.name == "segfn"


def test_segfn_function_gives_requests_logs_and_the_error_category(project):
    result = outcomes(project, '''
        EVENT = {"type": "identify", "userId": "u-1", "traits": {"plan": "pro"}}

        def test_delivered(segfn_function):
            call = segfn_function("functions/example_destination.py", EVENT)
            assert (call.outcome, call.category, call.reason) == ("delivered", None, None)
            assert call.returned == {"status": 200}
            [request] = call.requests
            assert (request.method, request.url, request.status) == ("POST", "https://api.example.com/v1/users", 200)
            assert request.body == {"id": "u-1", "traits": {"plan": "pro"}}
            assert request.response == {"ok": True}
            assert call.logs == ("identify u-1: 1 traits",)

        def test_settings_come_from_the_workspace_unless_given(segfn_function):
            given = segfn_function("example_destination", EVENT, {"apiKey": "abc", "baseUrl": "https://api.example.com/x"})
            assert given.requests[0].url == "https://api.example.com/x/v1/users"
            assert given.requests[0].headers["Authorization"] == "Bearer ***"  # credentials: the scheme only

        def test_categories(segfn_function):
            assert segfn_function("example_destination", {"type": "track"}).category == "Message Rejected"
            assert segfn_function("example_destination", {"type": "group", "userId": "u"}).category == "Unsupported Event Type"
            assert segfn_function("example_destination", EVENT, {}).category == "Invalid Settings"
            bad = segfn_function("example_destination", {"type": "identify", "userId": "u", "traits": 3})
            assert bad.category == "Bad Request" and bad.outcome == "discarded"
            assert "TypeError" in bad.reason and isinstance(bad.exception, TypeError)

        def test_a_sensitive_setting_is_masked_everywhere(segfn_function, segfn_stubs):
            import pathlib
            pathlib.Path("functions/leaky.py").write_text(
                "from segfn.runtime import Setting, fetch\\n"
                "KIND = 'destination'\\nNAME = 'Leaky'\\n"
                "SETTINGS = [Setting('token', label='Token', type='string', sensitive=True)]\\n"
                "async def on_track(event, settings):\\n"
                "    print('token', settings['token'])\\n"
                "    await fetch('https://api.example.com/t?key=' + settings['token'], method='POST', json={'t': settings['token']})\\n"
                "    raise ValueError('bad token ' + settings['token'])\\n")
            segfn_stubs.add("https://api.example.com/t?**", json={"echo": "s3cr3t-canary"})
            call = segfn_function("leaky", {"type": "track"}, {"token": "s3cr3t-canary"})
            assert call.logs == ("token ***",) and call.reason == "ValueError: bad token ***"
            assert call.requests[0].url == "https://api.example.com/t?key=***"
            assert call.requests[0].body == {"t": "***"} and call.requests[0].response == {"echo": "***"}
            assert "s3cr3t-canary" not in repr(call)

        def test_an_insert_function_returns_the_event_or_drops_it(segfn_function):
            kept = segfn_function("functions/example_insert.py", {"type": "track", "userId": "u", "context": {"ip": "1.2.3.4"}})
            assert kept.event == {"type": "track", "userId": "u", "context": {}}
            dropped = segfn_function("example_insert", {"type": "track", "traits": {"email": "me@example.com"}})
            assert (dropped.outcome, dropped.dropped, dropped.event) == ("filtered", True, None)
            assert dropped.reason == "internal user (@example.com)"

        def test_the_event_passed_in_is_not_changed(segfn_function):
            event = {"type": "track", "userId": "u", "context": {"ip": "1.2.3.4"}}
            segfn_function("example_insert", event)
            assert event["context"] == {"ip": "1.2.3.4"}

        def test_on_batch_takes_a_list(segfn_function):
            call = segfn_function("sprig", [{"type": "track", "userId": "u-1", "event": "A",
                                             "timestamp": "2025-01-01T00:00:00Z"}, {"type": "group"}])
            assert call.returned[0] == {"status": 202} and call.returned[1]["status"] == 400
    ''')
    result.assert_outcomes(passed=7)


def test_segfn_stubs_answer_first_and_sequences_count_over_the_test(project):
    result = outcomes(project, '''
        EVENT = {"type": "track", "userId": "u-1", "event": "Signed Up"}

        def test_sequence(segfn_function, segfn_stubs):
            segfn_stubs.add("https://api.example.com/v1/{what}", method="POST",
                            sequence=[{"status": 503}, {"status": 201, "json": {"id": 7}}])
            first, second, third = (segfn_function("example_destination", EVENT) for _ in range(3))
            assert (first.outcome, first.category) == ("retry", "Retry")
            assert second.outcome == third.outcome == "delivered"
            assert second.requests[0].response == {"id": 7} and third.requests[0].status == 201

        def test_a_network_failure(segfn_function, segfn_stubs):
            segfn_stubs.add("https://api.example.com/**", error="ECONNRESET")
            call = segfn_function("example_destination", EVENT)
            assert call.category == "Retry" and "ECONNRESET" in call.reason

        def test_an_unstubbed_host_names_the_stub_to_add(segfn_function):
            call = segfn_function("example_destination", EVENT, {"apiKey": "k", "baseUrl": "https://other.example.org"})
            assert call.category == "Retry"
            assert "ENOTFOUND other.example.org" in call.reason and "segfn_stubs.add" in call.reason

        def test_a_bad_stub_says_which_key(segfn_stubs):
            import pytest
            from segfn.testing import SegfnTestError
            with pytest.raises(SegfnTestError, match=r"status: must be an HTTP status"):
                segfn_stubs.add("https://api.example.com/", status=99)
            with pytest.raises(SegfnTestError, match=r"not an absolute http\\(s\\) URL pattern"):
                segfn_stubs.add("api.example.com")

        def test_each_test_starts_without_stubs(segfn_stubs):
            assert len(segfn_stubs) == 0

        def test_a_slow_answer_past_the_timeout(segfn_function, segfn_stubs):
            segfn_stubs.add("https://api.example.com/**", delay="2s")
            call = segfn_function("example_destination", EVENT, timeout=0.2)
            assert (call.outcome, call.category) == ("retry", "Timeout")
    ''')
    result.assert_outcomes(passed=6)


def test_sprig_mock_holds_the_users_and_events_the_function_made(project):
    result = outcomes(project, '''
        def test_users_and_events(segfn_function, sprig_mock):
            segfn_function("sprig", {"type": "identify", "userId": "u-1", "traits": {"plan": "pro", "email": "a@b.co"}})
            for _ in range(2):
                segfn_function("sprig", {"type": "track", "userId": "u-1", "event": "Exported",
                                         "timestamp": "2025-01-01T00:00:00Z"})
            segfn_function("sprig", {"type": "delete", "userId": "u-9"})
            assert sprig_mock.users["u-1"]["attributes"] == {"plan": "pro", "email": "a@b.co", "!email": "a@b.co"}
            assert sprig_mock.events == {"u-1": {"Exported": 2}}
            assert sprig_mock.purges == [{"userIds": ["u-9"], "emails": [], "visitorIds": []}]
            assert [r.path for r in sprig_mock.received] == ["/v2/users"] * 3 + ["/v2/purge/visitors"]

        def test_each_test_gets_a_new_mock(sprig_mock):
            assert sprig_mock.users == {} and sprig_mock.received == []

        def test_failing_sprig_retries_and_healing_delivers(segfn_function, sprig_mock):
            sprig_mock.fail(status=503)
            assert segfn_function("sprig", {"type": "alias", "userId": "u-1"}).category == "Retry"
            sprig_mock.fail(rate=0)
            assert segfn_function("sprig", {"type": "alias", "userId": "u-1"}).outcome == "delivered"
            assert list(sprig_mock.users) == ["u-1"]
    ''')
    result.assert_outcomes(passed=3)


def test_segfn_replay_holds_fixtures_against_goldens(project):
    golden = project.path / "fixtures" / "expected" / "messages" / "example.json"
    changed = json.loads(golden.read_text())
    changed["outcomes"][0]["outcome"] = "filtered"
    result = outcomes(project, '''
        import json, pathlib

        def test_all(segfn_replay, sprig_mock):
            report = segfn_replay()
            assert report.ok, report.explain()
            assert len(report.fixtures) == 2 and len(report.outcomes) == 11
            assert report.outcome("sprig-bot-1").stage == "insert_function"
            assert set(sprig_mock.users) == {"u-2001", "u-2002"}  # replay's Sprig calls reached this mock

        def test_a_changed_golden(segfn_replay):
            golden = pathlib.Path("fixtures/expected/messages/example.json")
            golden.write_text(json.dumps(CHANGED))
            report = segfn_replay("fixtures/messages/example.json")
            assert not report.ok
            assert "fixtures/messages/example.json: golden differs" in report.explain()

        def test_a_missing_golden_and_an_outcome_lookup(segfn_replay, segfn_stubs):
            segfn_stubs.add("https://api.example.com/**", sequence=[{"status": 500}, {"status": 200}])
            pathlib.Path("fixtures/messages/more.json").write_text(json.dumps(
                {"type": "track", "userId": "u-5", "messageId": "m-5", "event": "E", "timestamp": "2025-01-01T00:00:00Z"}))
            report = segfn_replay("fixtures/messages/more.json")
            assert "no golden" in report.explain()
            outcome = report.outcome("m-5", "Example API")
            assert outcome.outcome == "delivered" and len(outcome.attempts) == 2  # the stub's 500, retried
            try:
                report.outcome("m-6")
            except KeyError as error:
                assert "no message has that id" in str(error)
            else:
                raise AssertionError("KeyError expected")

        def test_a_missing_path_fails_the_test(segfn_replay):
            segfn_replay("fixtures/nope")
    '''.replace("CHANGED", repr(changed)), "-p", "no:randomly")
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines(["*segfn: no such fixture file or folder: */fixtures/nope*"])


def test_segfn_workspace_is_found_above_the_rootdir_or_named_by_the_ini_option(project):
    (project.path / "sub").mkdir()
    (project.path / "other.toml").write_text(
        (project.path / "workspace.toml").read_text().replace('name = "My Workspace"', 'name = "Other"'))
    project.makepyfile(**{"sub/test_found": '''
        def test_found(segfn_workspace):
            assert segfn_workspace.name == "My Workspace"
            assert [d.name for d in segfn_workspace.destinations] == ["Example API", "Sprig", "Sprig Marketing"]
    '''})
    found = project.runpytest("-p", "no:cacheprovider", "--rootdir", str(project.path / "sub"), "sub")
    found.assert_outcomes(passed=1)
    project.makeini("[pytest]\nsegfn_workspace = other.toml\n")
    project.makepyfile(test_named='''
        def test_named(segfn_workspace):
            assert segfn_workspace.name == "Other"
    ''')
    project.runpytest("-p", "no:cacheprovider", "test_named.py").assert_outcomes(passed=1)


def test_a_bad_or_missing_workspace_fails_the_test_saying_where(pytester, monkeypatch):
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("SEGFN_WORKSPACE", raising=False)
    pytester.makepyfile(test_it='''
        def test_workspace(segfn_workspace):
            pass

        def test_a_function_needs_no_workspace(segfn_function):
            import pathlib
            pathlib.Path("f.py").write_text("KIND = 'insert'\\nNAME = 'x'\\ndef on_track(event, settings):\\n"
                                            "    print('seen')\\n    return event\\n")
            assert segfn_function("f.py", {"type": "track"}).logs == ("seen",)

        def test_an_unknown_module(segfn_function):
            segfn_function("functions/nope.py", {"type": "track"})
    ''')
    missing = pytester.runpytest("-p", "no:cacheprovider")
    missing.assert_outcomes(passed=1, failed=1, errors=1)
    missing.stdout.fnmatch_lines(["*segfn: no workspace.toml in * or a folder above it*",
                                  "*segfn: */functions/nope.py: no such function module*"])
    pytester.path.joinpath("workspace.toml").write_text('name = "Acme"\n[[sources]\n')
    bad = pytester.runpytest("-p", "no:cacheprovider", "-k", "test_workspace")
    bad.assert_outcomes(errors=1)
    bad.stdout.fnmatch_lines(["*workspace.toml:2:*: TOML syntax error*"])


def test_the_readmes_example_tests_pass_in_a_segfn_init_sprig_project(project):
    readme = (REPO / "README.md").read_text()
    section = readme.split("## Use segfn in your own repository", 1)[1].split("\n## ", 1)[0]
    [example] = [block for block in section.split("```python\n")[1:]]
    source = example.split("```", 1)[0]
    assert source.count("def test_") == 3
    project.makepyfile(test_readme=source)
    project.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=3)
