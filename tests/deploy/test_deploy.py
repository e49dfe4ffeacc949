"""``segfn deploy`` against the fake Public API: create, update, unchanged, pagination, dry-run, the
error classes, 429 with Retry-After, refusing unchecked bundles, and a token that never shows."""

from __future__ import annotations

import logging

import pytest

from segfn import deploy as core
from segfn.cli import main

from .conftest import SETTINGS, TOKEN, write_bundle
from .fake_public_api import create_app, flask_transport


def run(cli, fake_url, *args, token=TOKEN):
    return cli.invoke(main, ["deploy", "--api-url", fake_url, *args], env={"SEGMENT_API_TOKEN": token})


def test_create_then_unchanged_then_update(cli, project, state, fake_url):
    write_bundle(project / "dist", "sprig", "async function onTrack(e, s) { return 1 }", name="Sprig")
    first = run(cli, fake_url)
    assert first.exit_code == 0, first.output
    assert "sprig: created DESTINATION function 'Sprig' dfn_" in first.output
    assert [w[:2] for w in state.writes] == [("POST", "/functions")]
    created = state.functions[0]
    assert created["displayName"] == "Sprig (Acme)" and created["settings"] == SETTINGS

    again = run(cli, fake_url)  # Segment shows "Sprig (Acme)": still the same function, and nothing to do
    assert again.exit_code == 0 and "sprig: unchanged" in again.output
    assert len(state.writes) == 1 and len(state.functions) == 1

    write_bundle(project / "dist", "sprig", "async function onTrack(e, s) { return 2 }", name="Sprig")
    third = run(cli, fake_url)
    assert third.exit_code == 0 and f"sprig: updated DESTINATION function 'Sprig' {created['id']}" in third.output
    method, path, body = state.writes[-1]
    assert (method, path) == ("PATCH", f"/functions/{created['id']}")
    assert set(body) == {"code", "settings", "description"} and "return 2" in body["code"]


def test_settings_or_description_alone_make_an_update(cli, project, state, fake_url):
    code = "async function onTrack(e, s) {}"
    state.add("Sprig (Acme)", code=code, settings=SETTINGS, description="A function")
    write_bundle(project / "dist", "sprig", code, name="Sprig",
                 settings=[{**SETTINGS[0], "description": "new words"}])
    result = run(cli, fake_url)
    assert "updated" in result.output and state.writes[-1][2]["settings"][0]["description"] == "new words"


def test_pagination_is_followed_to_find_the_function(cli, project, state, fake_url, monkeypatch):
    monkeypatch.setattr(core, "PAGE_SIZE", 3)
    for i in range(10):
        state.add(f"Other {i} (Acme)")
    target = state.add("Scrub PII", resource_type="INSERT_DESTINATION", code="old")
    for i in range(5):
        state.add(f"Insert {i}", resource_type="INSERT_DESTINATION")
    state.add("Scrub PII", resource_type="DESTINATION")  # same name, other resource type: not ours
    write_bundle(project / "dist", "scrub_pii", "new", kind="insert", name="Scrub PII")
    result = run(cli, fake_url)
    assert result.exit_code == 0, result.output
    assert state.writes[-1][:2] == ("PATCH", f"/functions/{target['id']}")
    assert target["id"].startswith("ifnd_")


def test_dry_run_prints_the_diff_and_writes_nothing(cli, project, state, fake_url):
    state.add("Sprig (Acme)", code="line one\nline two\n", settings=SETTINGS, description="A function")
    write_bundle(project / "dist", "sprig", "line one\nline 2\n", name="Sprig")
    write_bundle(project / "dist", "drop_bots", "x", kind="insert", name="Drop bots")
    result = run(cli, fake_url, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "sprig: would update" in result.output and "drop_bots: would create" in result.output
    assert "-line two\n+line 2\n" in result.output
    assert state.writes == [] and state.functions[0]["code"] == "line one\nline two\n"


def test_names_select_bundles(cli, project, state, fake_url):
    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    write_bundle(project / "dist", "drop_bots", "b", kind="insert", name="Drop bots")
    result = run(cli, fake_url, "Drop bots")
    assert result.exit_code == 0 and "sprig" not in result.output and len(state.writes) == 1
    missing = run(cli, fake_url, "nope")
    assert missing.exit_code == 2 and "no bundle in dist for nope" in missing.stderr


def test_unchecked_or_changed_bundles_are_refused_unless_forced(cli, project, state, fake_url):
    dist = write_bundle(project / "dist", "sprig", "a", name="Sprig", checked=False)
    refused = run(cli, fake_url)
    assert refused.exit_code == 2 and "`segfn check` has not passed" in refused.stderr and state.writes == []
    forced = run(cli, fake_url, "--force")
    assert forced.exit_code == 0 and len(state.writes) == 1
    (dist / "sprig.js").write_text("tampered")
    changed = run(cli, fake_url, "--force")
    assert changed.exit_code == 2 and "changed since `segfn build`" in changed.stderr


@pytest.mark.parametrize("setup, status, words", [
    (lambda s: None, 401, "SEGMENT_API_TOKEN is missing, mistyped or revoked"),
    (lambda s: setattr(s, "read_only", True), 403, "Workspace Owner"),
    (lambda s: s.failures.append((404, {})), 404, "check the region"),
    (lambda s: s.failures.append((422, {})), 422, "injected failure 422"),
])
def test_each_error_class_has_an_actionable_message(cli, project, state, fake_url, setup, status, words):
    setup(state)
    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    result = run(cli, fake_url, token=TOKEN if status != 401 else "wrong-token")
    assert result.exit_code == 1 and f"answered {status}" in result.stderr and words in result.stderr


def test_a_422_shows_the_apis_own_message(project, state):
    api = core.PublicApi("https://api.segmentapis.com", TOKEN, flask_transport(create_app(state)))
    bundle = core.Bundle("functions/x.py", "destination", "X", "DESTINATION", "code",
                         [{"name": "k", "label": "K", "type": "NUMBER"}], "", "x")
    with pytest.raises(core.Unprocessable, match=r"settings\[0\].type must be one of"):
        core.apply(api, core.plan(api, [bundle], "Acme"))


def test_network_failures_are_clear(cli, project):
    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    result = run(cli, "http://127.0.0.1:9")  # nothing listens on the discard port
    assert result.exit_code == 1 and "failed" in result.stderr and "Traceback" not in result.output


def test_429_waits_for_retry_after_then_succeeds(project, state):
    waits = []
    state.failures += [(429, {"Retry-After": "7"}), (429, {"Retry-After": "2"})]
    api = core.PublicApi("https://api.segmentapis.com", TOKEN, flask_transport(create_app(state)), sleep=waits.append)
    assert api.list_functions("DESTINATION") == []
    assert waits == [7.0, 2.0]


def test_429_retries_are_bounded(project, state):
    waits = []
    state.failures += [(429, {"Retry-After": "1"})] * 10
    api = core.PublicApi("https://api.segmentapis.com", TOKEN, flask_transport(create_app(state)), sleep=waits.append)
    with pytest.raises(core.RateLimited, match="rate limit held after retries"):
        api.list_functions("DESTINATION")
    assert len(waits) == core.MAX_RETRIES


def test_429_through_the_cli(cli, project, state, fake_url):
    state.failures.append((429, {"Retry-After": "0"}))
    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    assert run(cli, fake_url).exit_code == 0 and len(state.writes) == 1


def test_an_insert_function_is_connected_to_the_destination_the_workspace_names(cli, project, state, fake_url):
    (project / "functions" / "scrub_pii.py").write_text("")
    (project / "workspace.toml").write_text(
        'name = "Acme"\n[[sources]]\nname = "web"\nwrite_key = "k"\n'
        '[[destinations]]\nname = "Sprig Cloud"\nfunction = "functions/sprig.py"\n'
        'insert_function = "functions/scrub_pii.py"\nsegment_id = "dest_123"\n')
    write_bundle(project / "dist", "scrub_pii", "x", kind="insert", name="Scrub PII")
    result = run(cli, fake_url)
    assert result.exit_code == 0, result.output
    [instance] = state.instances
    assert instance["integrationId"] == "dest_123" and not instance["functionId"].startswith("ifnd_")
    run(cli, fake_url)
    assert len(state.instances) == 1  # already connected: not again


def test_the_token_never_appears_in_output_or_logs(cli, project, state, fake_url, caplog):
    caplog.set_level(logging.DEBUG)
    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    outputs = [run(cli, fake_url, "--dry-run"), run(cli, fake_url)]
    state.failures.append((422, {}))
    write_bundle(project / "dist", "sprig", "b", name="Sprig")
    outputs.append(run(cli, fake_url))
    outputs.append(run(cli, "http://127.0.0.1:9"))
    for result in outputs:
        assert TOKEN not in result.output and TOKEN not in (result.stderr or "")
    assert TOKEN not in caplog.text


def test_no_token_is_a_clear_error(cli, project, fake_url):
    write_bundle(project / "dist", "sprig", "a", name="Sprig")
    result = cli.invoke(main, ["deploy", "--api-url", fake_url], env={"SEGMENT_API_TOKEN": ""})
    assert result.exit_code == 1 and "SEGMENT_API_TOKEN is not set" in result.stderr


def test_regions_choose_the_host():
    assert core.HOSTS == {"us": "https://api.segmentapis.com", "eu": "https://eu1.api.segmentapis.com"}
    assert core.bare_id("ifnd_abc") == "abc" and core.bare_id("dfn_x") == "x" and core.bare_id("plain") == "plain"
