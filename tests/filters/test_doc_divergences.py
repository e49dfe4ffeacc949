"""FQL where Segment's docs and @segment/tsub disagree (issue 15, point 8): segfn warns when the
workspace loads, naming both answers and the one it applies (tsub's), and applies tsub's exactly."""

from __future__ import annotations

import json

import pytest

from segfn.cli import main
from segfn.emulator.filters import compile_fql, divergences, filter_warnings, matches
from segfn.emulator.workspace import parse_workspace
from tests.conftest import REPO, scenario

# (FQL, an event, the docs' answer for it, tsub's answer, words the warning must hold)
CASES = [
    ("'dark-mode' in properties.features", {"properties": {"features": ["discounts", "dark-mode"]}}, True, False,
     ['"dark-mode" in properties.features',
      "true when the array properties.features holds", "reads each string in properties.features as a field path"]),
    ("typeof(properties.v) = 'null'", {"properties": {"v": None}}, True, False,
     ['typeof(properties.v) = "null"', "true for a null value", 'typeof(null) is "object"']),
    ("typeof(properties.v) = 'object'", {"properties": {"v": [1]}}, False, True,
     ["true for an object only", "true for null and for arrays too"]),
    ("typeof(properties.v) = 'bool'", {"properties": {"v": True}}, True, False,
     ["true for true and false", '"boolean"']),
    ("length(userId) < 1", {"type": "track", "anonymousId": "a"}, True, False,
     ["length(userId) < 1", "missing userId has length 0", "NaN for a missing userId"]),
    ("contains(lowercase(event), 'sign')", {"event": "Signed Up"}, True, False,
     ['contains(lowercase(event), "sign")', "false whatever the event"]),
]


@pytest.mark.parametrize("text, event, documented, tsub, words", CASES)
def test_each_construct_is_named_with_both_answers(text, event, documented, tsub, words):
    [found] = divergences(compile_fql(text))
    said = str(found)
    for word in words:
        assert word in said, (word, said)
    assert "Segment's FQL docs say" in said and "@segment/tsub 2.0.1 answers" in said
    assert "segfn applies tsub's answer" in said
    assert documented != tsub  # a real disagreement on this event...
    assert matches(event, {"type": "fql", "ir": json.dumps(compile_fql(text))}) is tsub  # ...and tsub's is applied


@pytest.mark.node
@pytest.mark.parametrize("text, event, documented, tsub, words", CASES)
def test_the_answer_called_tsubs_is_what_tsub_answers(oracle, text, event, documented, tsub, words):
    matcher = {"type": "fql", "ir": json.dumps(compile_fql(text))}
    [theirs] = oracle.ask([{"op": "matches", "event": event, "matcher": matcher}])
    assert (theirs["ok"], theirs["result"]) == (True, tsub)


@pytest.mark.parametrize("text", [
    "type = 'track' and event = 'Signed Up'", "properties.plan in ['pro', 'team']", "typeof(properties.v) = 'string'",
    "contains(event, 'Sign')", "lowercase(event) = 'signed up'", "all",
])
def test_constructs_both_answer_alike_are_not_warned_about(text):
    assert filter_warnings([{"if": text, "actions": [{"type": "DROP"}]}]) == []


def workspace_with(conditions: list[str]) -> dict:
    return {"name": "Acme", "sources": [{"name": "web", "write_key": "wk"}],
            "destinations": [{"name": "Behave", "function": scenario("behave"), "settings": {"apiKey": "k"},
                              "filters": [{"if": c, "actions": [{"type": "DROP"}]} for c in conditions]}]}


def test_the_workspace_loads_with_a_warning_per_construct_naming_where(tmp_path):
    ws = parse_workspace(workspace_with(["type = 'track'", "'beta' in properties.flags and typeof(userId) = 'null'"]),
                         root=REPO, env={}, path=tmp_path / "workspace.toml")
    assert len(ws.warnings) == 2
    assert all(w.startswith(f"{tmp_path / 'workspace.toml'}: destinations[0].filters[1].if: ") for w in ws.warnings)
    assert '"beta" in properties.flags' in ws.warnings[0] and 'typeof(userId) = "null"' in ws.warnings[1]


def test_replay_warns_on_stderr_and_keeps_json_on_stdout_and_its_exit_code(tmp_path, cli):
    (tmp_path / "workspace.toml").write_text(f'''
name = "Acme"
[[sources]]
name = "web"
write_key = "wk"
[[destinations]]
name = "Behave"
function = "{scenario("behave")}"
settings = {{ apiKey = "k" }}
[[destinations.filters]]
if = "'dark-mode' in properties.features"
actions = [{{ type = "DROP" }}]
''')
    (tmp_path / "fixtures").mkdir()
    (tmp_path / "fixtures" / "one.json").write_text(json.dumps(
        {"type": "track", "userId": "u", "event": "E", "messageId": "m1", "properties": {"features": ["dark-mode"]}}))
    result = cli.invoke(main, ["replay", "--workspace", str(tmp_path / "workspace.toml"), "--format", "json",
                               "--update", str(tmp_path / "fixtures")])
    assert result.exit_code == 0, result.output
    assert "warning: " in result.stderr and "segfn applies tsub's answer" in result.stderr
    assert "warning" not in result.stdout
    [outcome] = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert outcome["outcome"] == "delivered"  # tsub's answer: the filter does not match, nothing dropped
