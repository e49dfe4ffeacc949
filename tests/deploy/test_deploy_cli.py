"""``segfn deploy`` (click's CliRunner) against the fake Public API in process: create, update, unchanged,
pagination, dry-run, insert-function connections, each error class, 429, refusals, and the token."""

from __future__ import annotations

import logging

import pytest

from segfn import public_api as papi

from .conftest import COVERAGE_TEXT, FAKE_URL, SETTINGS, TOKEN, write_bundle

CODE = "async function onTrack(event, settings) {\n  return 1\n}\n"


def writes(state):
    return [(m, p) for m, p, _ in state.writes]


def test_create_then_unchanged_then_update(deploy, project, state):
    write_bundle(project / "dist", "sprig", CODE, name="Sprig")
    first = deploy()
    assert first.exit_code == 0, first.output
    [created] = state.functions
    assert created["displayName"] == "Sprig (Acme)"  # Segment appended the workspace
    assert f"sprig: created DESTINATION function 'Sprig' {created['id']} (shown as 'Sprig (Acme)')" in first.output
    assert "live in 'Acme': sha256" in first.output
    assert writes(state) == [("POST", "/functions")]
    assert state.writes[0][2] == {"code": CODE, "displayName": "Sprig", "resourceType": "DESTINATION",
                                  "settings": SETTINGS, "description": "A function"}

    again = deploy()
    assert again.exit_code == 0, again.output
    assert f"sprig: unchanged DESTINATION function 'Sprig' {created['id']}" in again.output
    assert len(state.writes) == 1 and len(state.functions) == 1  # nothing written

    write_bundle(project / "dist", "sprig", CODE.replace("1", "2"), name="Sprig")
    third = deploy()
    assert third.exit_code == 0, third.output
    assert f"sprig: updated DESTINATION function 'Sprig' {created['id']}" in third.output
    method, path, body = state.writes[-1]
    assert (method, path) == ("PATCH", f"/functions/{created['id']}")
    assert set(body) == {"code", "settings", "description"} and "return 2" in body["code"]
    assert created["code"] == CODE.replace("1", "2") and created["displayName"] == "Sprig (Acme)"


def test_unchanged_sends_no_write_at_all(deploy, project, state):
    state.add("Sprig (Acme)", code=CODE, settings=list(reversed(SETTINGS)), description="A function")
    write_bundle(project / "dist", "sprig", CODE, name="Sprig")
    result = deploy()
    assert result.exit_code == 0 and "unchanged" in result.output
    assert {m for m, _, _ in state.requests} == {"GET"}


@pytest.mark.parametrize("change, words", [
    ({"settings": [{**SETTINGS[0], "description": "new words"}]}, '-    "description": "Sprig API key"'),
    ({"description": "Sends to Sprig"}, "+Sends to Sprig"),
])
def test_settings_or_description_alone_make_an_update(deploy, project, state, change, words):
    state.add("Sprig (Acme)", code=CODE, settings=SETTINGS, description="A function")
    write_bundle(project / "dist", "sprig", CODE, name="Sprig", **change)
    dry = deploy("--dry-run")
    assert "sprig: would update" in dry.output and words in dry.output and "local/sprig.js" not in dry.output
    result = deploy()
    assert "updated" in result.output and writes(state) == [("PATCH", f"/functions/{state.functions[0]['id']}")]


def test_pagination_is_followed_to_find_the_function(deploy, project, state, monkeypatch):
    monkeypatch.setattr(papi, "PAGE_SIZE", 3)
    for i in range(10):
        state.add(f"Other {i} (Acme)")
    for i in range(7):
        state.add(f"Insert {i}", resource_type="INSERT_DESTINATION")
    target = state.add("Scrub PII", resource_type="INSERT_DESTINATION", code="old")
    state.add("Scrub PII (Acme)", resource_type="DESTINATION")  # same name, other type: not ours
    write_bundle(project / "dist", "scrub_pii", "new", kind="insert", name="Scrub PII")
    result = deploy()
    assert result.exit_code == 0, result.output
    assert writes(state) == [("PATCH", f"/functions/{target['id']}")] and target["id"].startswith("ifnd_")
    assert [p for m, p, _ in state.requests].count("/functions") == 3  # 3 + 3 + 2 insert functions


def test_dry_run_prints_the_diff_and_sends_only_reads(deploy, project, state):
    state.add("Sprig (Acme)", code="line one\nline two\n", settings=SETTINGS, description="A function")
    write_bundle(project / "dist", "sprig", "line one\nline 2\n", name="Sprig",
                 settings=SETTINGS + [{"name": "region", "label": "Region", "description": "", "type": "STRING",
                                       "required": False, "sensitive": False}])
    write_bundle(project / "dist", "drop_bots", "x", kind="insert", name="Drop bots")
    result = deploy("--dry-run")
    assert result.exit_code == 0, result.output
    assert "sprig: would update DESTINATION function 'Sprig'" in result.output
    assert "--- segment/sprig.js\n+++ local/sprig.js\n" in result.output
    assert "-line two\n+line 2\n" in result.output
    assert '+    "name": "region",' in result.output  # the settings diff
    assert "drop_bots: would create INSERT_DESTINATION function 'Drop bots'" in result.output
    assert "+++ local/drop_bots.js\n@@ -0,0 +1 @@\n+x\n\\ No newline at end of file\n" in result.output
    assert result.output.rstrip().endswith("dry run: nothing was written")
    assert {m for m, _, _ in state.requests} == {"GET"} and state.writes == []


def test_names_select_bundles(deploy, project, state):
    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    write_bundle(project / "dist", "drop_bots", "b", kind="insert", name="Drop bots")
    result = deploy("Drop bots")
    assert result.exit_code == 0 and "sprig" not in result.output and writes(state) == [("POST", "/functions")]
    missing = deploy("nope")
    assert missing.exit_code == 2 and "no bundle in dist for nope" in missing.stderr


def test_an_insert_function_is_connected_to_the_destinations_workspace_toml_names(deploy, project, state):
    (project / "workspace.toml").write_text(
        'name = "Acme"\n[[sources]]\nname = "web"\nwrite_key = "k"\n'
        '[[destinations]]\nname = "Sprig Cloud"\nfunction = "functions/sprig.py"\n'
        'insert_function = "functions/scrub_pii.py"\nsegment_id = "dest_123"\n'
        'insert_settings = { salt = "${PII_SALT:-pepper}" }\n'
        '[[destinations]]\nname = "Sprig Marketing"\nfunction = "functions/sprig.py"\n'
        'insert_function = "functions/scrub_pii.py"\n')  # no segment_id: not connected
    write_bundle(project / "dist", "scrub_pii", "x", kind="insert", name="Scrub PII")
    dry = deploy("--dry-run")
    assert "insert function would be connected to destination dest_123 with settings salt" in dry.output
    assert "pepper" not in dry.output and state.instances == []
    result = deploy()
    assert result.exit_code == 0, result.output
    [instance] = state.instances
    assert instance["integrationId"] == "dest_123" and instance["settings"] == {"salt": "pepper"}
    assert instance["classId"] == state.functions[0]["id"].removeprefix("ifnd_") and instance["enabled"] is True
    again = deploy()
    assert again.exit_code == 0 and "connected" not in again.output and len(state.instances) == 1


@pytest.mark.parametrize("setup, token, status, words", [
    (lambda s: None, "sgp_wrong", 401, "SEGMENT_API_TOKEN is wrong, revoked, or its role has no access"),
    (lambda s: setattr(s, "read_only", True), TOKEN, 403, "Functions Admin"),
    (lambda s: s.fail(404, body={"errors": [{"type": "not-found", "message": "Workspace not found"}]}),
     TOKEN, 404, "check --region us|eu"),
    (lambda s: s.fail(422, method="POST", body={"errors": [{"type": "input-validation", "field": "code",
                                                            "message": "Function code is invalid JavaScript"}]}),
     TOKEN, 422, "code: Function code is invalid JavaScript"),
    (lambda s: s.fail(500, method="POST"), TOKEN, 500, "Segment failed on its side"),
])
def test_each_error_class_has_an_actionable_message(deploy, project, state, setup, token, status, words):
    setup(state)
    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    result = deploy(token=token)
    assert result.exit_code == 1, result.output
    assert f"answered {status}" in result.stderr and words in result.stderr
    assert "Traceback" not in result.output + result.stderr and result.stdout == ""


def test_a_write_segment_does_not_show_is_reported_not_live(deploy, project, state):
    state.add("Sprig (Acme)", code="old", settings=SETTINGS, description="A function")
    state.store_other_code = True
    write_bundle(project / "dist", "sprig", "new", name="Sprig")
    result = deploy()
    assert result.exit_code == 1 and "Segment accepted the update but shows other code" in result.stderr


def test_a_failure_after_a_success_still_reports_the_success(deploy, project, state):
    write_bundle(project / "dist", "a_first", "a", name="A")
    write_bundle(project / "dist", "b_second", "b", name="B")
    state.fail(422, method="POST", after=1)  # the first create goes through, the second is refused
    result = deploy()
    assert result.exit_code == 1 and "POST /functions answered 422" in result.stderr
    assert "a_first: created DESTINATION function 'A'" in result.stdout and "b_second" not in result.stdout
    again = deploy()
    assert again.exit_code == 0 and "a_first: unchanged" in again.output and "b_second: created" in again.output


def test_429_waits_then_deploys(deploy, project, state, waits):
    state.rate_limit(ms_before_next=2500)
    state.rate_limit(retry_after="3")
    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    result = deploy()
    assert result.exit_code == 0, result.output
    assert waits == [2.5, 3.0] and writes(state) == [("POST", "/functions")]


def test_429_that_never_ends_fails_after_bounded_retries(deploy, project, state, waits):
    state.rate_limit(retry_after="5", times=20)
    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    result = deploy()
    assert result.exit_code == 1 and "answered 429" in result.stderr and "wait a minute" in result.stderr
    assert waits == [5.0] * papi.MAX_RETRIES


def test_unchecked_bundles_are_refused_unless_forced(deploy, project, state):
    write_bundle(project / "dist", "sprig", "a", name="Sprig", checked=False)
    refused = deploy()
    assert refused.exit_code == 2 and "`segfn check` has never passed" in refused.stderr
    assert state.requests == []  # refused before any request
    forced = deploy("--force")
    assert forced.exit_code == 0 and writes(state) == [("POST", "/functions")]
    assert "not proven by `segfn check` (--force)" in forced.output


def test_deploy_shows_what_the_check_stamp_proved_and_how_much_it_reached(deploy, project, state):
    write_bundle(project / "dist", "sprig", CODE, name="Sprig")
    dry = deploy("--dry-run")
    assert dry.exit_code == 0, dry.output
    assert f"  checked: 10 cases, 0 differences; {COVERAGE_TEXT}" in dry.output
    done = deploy()
    assert f"  checked: 10 cases, 0 differences; {COVERAGE_TEXT}" in done.output


@pytest.mark.parametrize("args, env, url", [
    ((), {}, papi.HOSTS["us"]),
    (("--region", "eu"), {}, "https://eu1.api.segmentapis.com"),
    (("--region", "eu", "--api-url", "http://localhost:9000/"), {}, "http://localhost:9000"),
    ((), {"SEGMENT_API_URL": "https://proxy.example/segment"}, "https://proxy.example/segment"),
])
def test_the_region_or_url_chooses_the_host(cli, project, state, args, env, url):
    from segfn.cli import main

    from .fake_public_api import create_app, flask_transport
    seen = []
    inner = flask_transport(create_app(state))

    def transport(method, full_url, headers, body):
        seen.append(full_url)
        return inner(method, full_url.replace(url, FAKE_URL, 1), headers, body)

    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    result = cli.invoke(main, ["deploy", "--dry-run", *args], obj={"transport": transport},
                        env={"SEGMENT_API_TOKEN": TOKEN, "SEGMENT_API_URL": None, **env})
    assert result.exit_code == 0, result.output
    assert seen and all(u.startswith(url + "/") for u in seen)


def test_usage_problems_exit_2(deploy, project, state):
    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    no_token = deploy(token=None)
    assert no_token.exit_code == 2 and "SEGMENT_API_TOKEN is not set" in no_token.stderr
    bad_url = deploy("--api-url", "segmentapis.com")
    assert bad_url.exit_code == 2 and "is not an http(s) base URL" in bad_url.stderr
    bad_region = deploy("--region", "apac")
    assert bad_region.exit_code == 2 and "'apac' is not one of 'eu', 'us'" in bad_region.output
    missing_workspace = deploy("--workspace", "other.toml")
    assert missing_workspace.exit_code == 2 and "--workspace other.toml: no such file" in missing_workspace.stderr
    (project / "workspace.toml").write_text('name = "Acme"\n')
    bad_workspace = deploy()
    assert bad_workspace.exit_code == 2 and "workspace.toml" in bad_workspace.stderr
    assert state.requests == []


def test_the_token_never_appears_in_output_or_logs(deploy, project, state, caplog):
    caplog.set_level(logging.DEBUG)
    write_bundle(project / "dist", "sprig", f"// {TOKEN[:8]}\n", name="Sprig")
    results = [deploy("--dry-run"), deploy()]
    state.fail(422, body={"errors": [{"type": "input-validation", "message": f"Bearer {TOKEN} rejected"}]})
    results.append(deploy())
    state.rate_limit(retry_after="0")
    results.append(deploy())
    results.append(deploy(token=TOKEN + "x"))  # a wrong token is not echoed either
    for result in results:
        assert TOKEN not in result.output and TOKEN not in result.stderr
    assert "Bearer *** rejected" in results[2].stderr
    assert "GET /functions -> 200" in caplog.text and TOKEN not in caplog.text


def test_without_workspace_toml_functions_deploy_and_nothing_is_connected(deploy, project, state):
    (project / "workspace.toml").unlink()
    write_bundle(project / "dist", "scrub_pii", "x", kind="insert", name="Scrub PII")
    result = deploy()
    assert result.exit_code == 0 and "scrub_pii: created" in result.output and state.instances == []
