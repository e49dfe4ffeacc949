"""``segfn replay``: golden match, mismatch with a diff, --update, formats, archives, bad fixtures."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from pathlib import Path

import pytest

from segfn.cli import main
from tests.conftest import REPO, scenario

MESSAGES = [
    {"type": "track", "messageId": "r-1", "userId": "u1", "event": "Clicked", "properties": {"do": "fetch"},
     "timestamp": "2025-03-01T10:00:00.000Z"},
    {"type": "track", "userId": "u1", "event": "Clicked", "properties": {"do": "reject"}},
    {"type": "identify", "messageId": "r-3", "anonymousId": "a1", "integrations": {"All": False}},
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "workspace.toml").write_text(f'''
name = "Acme"
[[sources]]
name = "web"
write_key = "wk"
[[destinations]]
name = "Behave"
function = "{scenario("behave")}"
settings = {{ apiKey = "${{BEHAVE_KEY:-s3cr3t-canary}}" }}
[[stubs]]
method = "POST"
url = "https://api.example.com/collect"
json = {{}}
''')
    (tmp_path / "fixtures" / "messages").mkdir(parents=True)
    (tmp_path / "fixtures" / "messages" / "calls.json").write_text(json.dumps(MESSAGES))
    return tmp_path


def replay(cli, project: Path, *args: str):
    return cli.invoke(main, ["replay", "--workspace", str(project / "workspace.toml"), *args])


def test_without_goldens_replay_prints_outcomes_and_fails(cli, project):
    result = replay(cli, project)
    assert result.exit_code == 1
    assert "fixtures/messages/calls.json  no golden (run segfn replay --update)" in result.output
    assert "r-1" in result.output and "delivered" in result.output and "Message Rejected" in result.output
    assert "3 messages; 3 outcomes: 1 delivered, 1 filtered, 1 discarded; 1 fixture, goldens: 0 match, 0 differ, " \
           "1 missing" in result.output


def test_update_writes_goldens_and_then_they_match(cli, project):
    assert replay(cli, project, "--update").exit_code == 0
    golden = json.loads((project / "fixtures/expected/messages/calls.json").read_text())
    first, second, third = golden["outcomes"]
    assert first["requests"][0]["headers"]["Authorization"] == "Bearer ***"
    assert second["messageId"] == "<generated>" and second["event"]["messageId"] == "<generated>"
    assert first["event"]["receivedAt"] == "<receivedAt>"
    assert third["outcome"] == "filtered"
    again = replay(cli, project)
    assert again.exit_code == 0, again.output
    assert "golden ok" in again.output and "1 match, 0 differ, 0 missing" in again.output


def test_a_mismatch_prints_a_readable_diff_and_exits_1(cli, project):
    replay(cli, project, "--update")
    changed = [dict(MESSAGES[0], properties={"do": "reject"}), *MESSAGES[1:]]
    (project / "fixtures/messages/calls.json").write_text(json.dumps(changed))
    result = replay(cli, project)
    assert result.exit_code == 1
    assert "golden DIFFERS" in result.output
    assert '-      "outcome": "delivered",' in result.output
    assert '+      "outcome": "discarded",' in result.output
    assert "(golden)" in result.output and "(this run)" in result.output


def test_json_format_prints_one_object_per_outcome(cli, project):
    result = replay(cli, project, "--format", "json")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["outcome"] for line in lines] == ["delivered", "discarded", "filtered"]
    assert set(lines[0]) >= {"fixture", "messageId", "destination", "outcome", "stage", "reason", "requests", "event"}
    assert lines[0]["requests"][0]["json"] == {"e": "Clicked"}
    assert "s3cr3t-canary" not in result.output


def test_paths_select_fixtures(cli, project):
    other = project / "fixtures" / "messages" / "other.json"
    other.write_text(json.dumps(MESSAGES[0]))
    result = replay(cli, project, str(other))
    assert "other.json" in result.output and "calls.json" not in result.output


def test_an_unreadable_fixture_says_where_and_the_others_still_run(cli, project):
    (project / "fixtures/messages/broken.json").write_text('{"type": "track",\n  "event": }')
    result = replay(cli, project)
    assert result.exit_code == 2
    assert "fixtures/messages/broken.json:2:12: invalid JSON: Expecting value" in result.output
    assert "calls.json" in result.output and "r-1" in result.output


def test_a_fixture_nested_too_deeply_is_a_problem_not_a_crash(cli, project):
    (project / "fixtures/messages/deep.json").write_text('{"type": "track", "p": ' + "[" * 100_000 + "]" * 100_000 + "}")
    (project / "fixtures/messages/deep.ndjson").write_text("[" * 100_000 + "]" * 100_000 + "\n")
    result = replay(cli, project)
    assert result.exit_code == 2
    assert "deep.json: JSON nested too deeply to read" in result.output
    assert "deep.ndjson:1: JSON nested too deeply to read" in result.output
    assert "r-1" in result.output  # the other fixtures still ran


def test_a_missing_path_is_a_usage_error(cli, project):
    result = replay(cli, project, str(project / "nope.json"))
    assert result.exit_code == 2 and "no such file or folder" in result.output


def test_archives_stream_and_their_golden_counts_outcomes(cli, project):
    archive = project / "fixtures" / "archives" / "day.ndjson.gz"
    archive.parent.mkdir()
    lines = [json.dumps({**MESSAGES[0], "messageId": f"a-{i}", "properties": {"do": "ok" if i % 3 else "retry"}})
             for i in range(30)]
    lines.insert(5, "{not json")
    archive.write_bytes(gzip.compress("\n".join(lines).encode()))
    result = replay(cli, project, str(archive), "--update")
    assert "day.ndjson.gz:6:2: invalid JSON" in result.output
    golden = json.loads((project / "fixtures/expected/archives/day.ndjson.gz.json").read_text())
    assert golden["summary"] == {
        "Behave | delivered | destination_function | -": 20,
        "Behave | discarded | destination_function | Retries Exhausted": 10,
    }


def test_the_shipped_fixtures_match_their_goldens():
    """The README's first command: `segfn replay` on the embedded default exits 0."""
    result = subprocess.run([sys.executable, "-m", "segfn.cli", "replay"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "differ" in result.stdout and " 0 differ, 0 missing" in result.stdout
