"""A new user who gets everything wrong, at the command line: each mistake is one clear error that says
what and where (``file:line:col`` for code and config), exit code 2 (130 after Ctrl-C), never a Python
traceback and never a silently wrong result. Each test runs a ``segfn init`` project with one thing
broken, through the real command (click's runner, or a subprocess for signals)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from segfn.cli import main
from segfn.scaffold import project_files

DESTINATION = "functions/example_destination.py"
GOLDEN = "fixtures/expected/messages/example.json"

pytest_plugins = ["pytester"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``segfn init``'s project in a folder whose name has a space and non-ASCII letters, as the cwd."""
    root = tmp_path / "my projé"
    for relative, content in project_files().items():
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    monkeypatch.chdir(root)
    monkeypatch.delenv("SEGFN_WORKSPACE", raising=False)
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def fails_cleanly(result, code: int = 2) -> str:
    """The run ended with ``code`` on purpose (no exception escaped); returns what it printed."""
    assert result.exit_code == code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    return result.output


# --- function modules ---------------------------------------------------------------------------


@pytest.mark.parametrize(("function", "said"), [
    ("functions", "destinations[0].function: functions is a folder; name a function module in it, such as "
                  "functions/my_function.py"),
    ("functions/notes.txt", "destinations[0].function: functions/notes.txt is not a Python file; a function "
                            "module's name ends in .py"),
])
def test_a_function_that_is_a_folder_or_not_python_is_named_as_such(cli, project: Path, function: str, said: str):
    """Before: a folder was "no such file"; a .txt file was imported and died with AttributeError on a
    None spec (a traceback)."""
    (project / "functions/notes.txt").write_text("hi\n")
    edit(project / "workspace.toml", f'function = "{DESTINATION}"', f'function = "{function}"')
    output = fails_cleanly(cli.invoke(main, ["replay"]))
    assert f"error: workspace.toml: {said}" in output


@pytest.mark.parametrize(("declared", "said"), [
    ("SETTINGS = 5", ":18:1: SETTINGS must be a list of segfn.runtime.Setting (found 5)"),
    ('SETTINGS = ["apiKey"]', ":18:1: SETTINGS must be a list of segfn.runtime.Setting (item 0 is 'apiKey'; "
                              'write Setting("name", type="string", ...))'),
    ("NAME = None\nSETTINGS = [", ":18:1: NAME must be the function's display name, a non-empty string (found None)"),
    ("on_page = 5\nSETTINGS = [", ":18:1: on_page must be a function (found 5)"),
])
def test_a_wrong_declaration_says_its_file_line_and_column(cli, project: Path, declared: str, said: str):
    """Before: ``SETTINGS = 5`` was a TypeError traceback; the others said only the file."""
    module = project / DESTINATION
    edit(module, "SETTINGS = [", declared if declared.endswith("[") else f"{declared}\n_UNUSED = [")
    output = fails_cleanly(cli.invoke(main, ["replay"]))
    assert f"error: {module.resolve()}{said}" in output


@pytest.mark.parametrize(("code", "shown"), [("3", "3"), ('"bye"', "'bye'"), ("0", "0")])
def test_a_module_that_exits_while_importing_is_an_error_saying_where(cli, project: Path, code: str, shown: str):
    """Before: ``sys.exit(3)`` at a module's top level ended segfn replay with exit 3 and no word
    (``sys.exit(0)``: exit 0, nothing replayed, a silent success)."""
    module = project / DESTINATION
    edit(module, "KIND = ", f"import sys\nsys.exit({code})\nKIND = ")
    output = fails_cleanly(cli.invoke(main, ["replay"]))
    assert f"error: {module.resolve()}:16: the function module called exit({shown}) while " \
           f"importing; a function module only defines its handlers" in output


def test_what_a_module_prints_while_importing_keeps_the_json_stream_json(cli, project: Path):
    """Before: a module's top-level print (here 2 MB) went to stdout among replay's JSON lines."""
    edit(project / DESTINATION, "KIND = ", 'print("x" * 2_000_000)\nKIND = ')
    result = cli.invoke(main, ["replay", "--format", "json"])
    assert result.exit_code == 0, result.stderr[-500:]
    lines = result.stdout.splitlines()
    assert len(lines) == 5 and all(json.loads(line)["fixture"] for line in lines)
    assert "x" * 2_000_000 in result.stderr


# --- files that are not UTF-8 -------------------------------------------------------------------


def test_a_workspace_that_is_not_utf8_says_line_and_column(cli, project: Path):
    (project / "workspace.toml").write_bytes(b'# Acme\nname = "Caf\xe9"\n')
    output = fails_cleanly(cli.invoke(main, ["replay"]))
    assert "error: workspace.toml:2:12: not UTF-8 text (byte 0xe9 cannot be decoded; save the file as UTF-8)" \
        in output


def test_a_fixture_that_is_not_utf8_says_line_and_column(cli, project: Path):
    (project / "fixtures/messages/latin1.json").write_bytes(b'{"type": "track",\n "userId": "Jos\xe9", "event": "e"}')
    output = fails_cleanly(cli.invoke(main, ["replay", "fixtures/messages/latin1.json"]))
    assert "error: fixtures/messages/latin1.json:2:16: not UTF-8 text (byte 0xe9" in output


def test_the_workspace_as_a_folder_says_so(cli, project: Path):
    output = fails_cleanly(cli.invoke(main, ["replay", "--workspace", "functions"]))
    assert output.strip() == "error: functions: is a folder; the workspace is a file (pass --workspace FILE)"


# --- goldens ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("content", "said"), [
    (b'{\n<<<<<<< HEAD\n', ":2:1: the golden is not JSON (Expecting property name enclosed in double quotes)"),
    (b"", ":1:1: the golden is not JSON (Expecting value)"),
    (b'{"fixture": "\xff"}', ":1:14: the golden is not UTF-8 text (byte 0xff"),
])
def test_a_golden_that_is_not_json_is_an_error_saying_where_and_update_replaces_it(cli, project: Path,
                                                                                  content: bytes, said: str):
    """Before: a merge conflict left in a golden (or an empty one) was a JSONDecodeError traceback."""
    (project / GOLDEN).write_bytes(content)
    output = fails_cleanly(cli.invoke(main, ["replay"]))
    assert f"error: {GOLDEN}{said}" in output
    assert "segfn replay --update" in output
    assert (project / GOLDEN).read_bytes() == content  # nothing rewritten without --update
    updated = cli.invoke(main, ["replay", "--update"])
    assert updated.exit_code == 0, updated.output
    assert json.loads((project / GOLDEN).read_text())["fixture"] == "fixtures/messages/example.json"
    assert sorted(p.name for p in (project / GOLDEN).parent.iterdir()) == ["example.json"]  # no partial file left
    assert cli.invoke(main, ["replay"]).exit_code == 0


def test_a_golden_that_is_a_folder_is_an_error_even_with_update(cli, project: Path):
    (project / GOLDEN).unlink()
    (project / GOLDEN).mkdir()
    for args in (["replay"], ["replay", "--update"]):
        output = fails_cleanly(cli.invoke(main, args))
        assert f"error: {GOLDEN}: cannot read the golden: Is a directory" in output


@pytest.fixture
def plugin_project(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """``segfn init``'s project run by pytest as a user runs it (the plugin from its entry point)."""
    monkeypatch.delenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", raising=False)
    monkeypatch.delenv("SEGFN_WORKSPACE", raising=False)
    for relative, content in project_files().items():
        if not relative.startswith("tests/"):
            target = pytester.path / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    pytester.makepyfile(test_it='''
        def test_replay(segfn_replay):
            report = segfn_replay()
            assert report.ok, report.explain()

        def test_function(segfn_function):
            segfn_function("functions/example_destination.py", {"type": "track", "userId": "u", "event": "e"})
    ''')
    return pytester


def test_the_pytest_plugin_reports_a_bad_golden_where_it_is(plugin_project: pytest.Pytester):
    """segfn_replay met a golden left with a merge conflict with a traceback into the json module."""
    (plugin_project.path / GOLDEN).write_text("{\n<<<<<<< HEAD\n")
    result = plugin_project.runpytest("-p", "no:cacheprovider", "-k", "test_replay")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([f"*{GOLDEN}:2:1: the golden is not JSON*"])
    result.stdout.no_fnmatch_line("*JSONDecodeError*")


@pytest.mark.parametrize(("old", "broken", "said"), [
    ("KIND = ", "import sys\nsys.exit(0)\nKIND = ", ":16: the function module called exit(0) while importing"),
    ("SETTINGS = [", "SETTINGS = 5\n_UNUSED = [", ":18:1: SETTINGS must be a list of segfn.runtime.Setting (found 5)"),
])
def test_the_pytest_plugin_says_where_a_function_module_is_broken(plugin_project: pytest.Pytester, old: str,
                                                                  broken: str, said: str):
    """Before: sys.exit(0) at import ended the test run's fixture with a SystemExit traceback, and
    SETTINGS = 5 with a TypeError inside segfn."""
    edit(plugin_project.path / DESTINATION, old, broken)
    result = plugin_project.runpytest("-p", "no:cacheprovider")
    assert result.ret != 0
    result.stdout.fnmatch_lines([f"*segfn: */{DESTINATION}{said}*"])
    result.stdout.no_fnmatch_line("*TypeError*")
    result.stdout.no_fnmatch_line("*SystemExit*")


# --- Ctrl-C -------------------------------------------------------------------------------------


def _segfn(*args: str, cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-m", "segfn.cli", *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(path: Path, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.05)


def test_ctrl_c_is_one_line_and_exit_130_naming_the_module_that_never_finished_loading(project: Path):
    """A function module that loops at import: segfn replay hangs; Ctrl-C said "Aborted!", exit 1,
    and nothing about where. Now one line with the module's file:line, and exit 130."""
    module = project / DESTINATION
    marker = project / "looping"
    edit(module, "KIND = ", f"open({str(marker)!r}, 'w').close()\nwhile True:\n    pass\nKIND = ")
    process = _segfn("replay", cwd=project)
    _wait_for(marker, process)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    [line] = err.strip().splitlines()
    assert line in (f"segfn replay: interrupted (Ctrl-C) while importing {module.resolve()}:{n}" for n in (16, 17)), err
    assert out == ""


# --- workspace.toml: shapes the schema reports, and what it cannot ---------------------------------


def _plan(project: Path, table: str) -> None:
    edit(project / "workspace.toml", 'write_key = "web-write-key"\n', f'write_key = "web-write-key"\n{table}\n')


def test_a_tracking_plan_event_schema_that_is_no_json_schema_is_refused_at_load(cli, project: Path):
    """Before: loaded, then a jsonschema UnknownType traceback at the first "Signed Up" message."""
    _plan(project, '[sources.tracking_plan]\nevents = { "Signed Up" = { properties = { plan = { type = "strin" } } } }')
    output = fails_cleanly(cli.invoke(main, ["replay"]))
    assert output.strip().splitlines() == [
        'error: workspace.toml: sources[0].tracking_plan.events."Signed Up".properties.plan.type: not a valid JSON '
        "Schema (draft 2020-12): 'strin' is not valid under any of the given schemas"]


def test_a_tracking_plan_of_the_wrong_shape_is_every_problem_not_a_traceback(cli, project: Path):
    """Before: the schema's findings were lost to a TypeError traceback (dict(5))."""
    _plan(project, "[sources.tracking_plan]\nevents = 5\nblock_unplanned = 3")
    output = fails_cleanly(cli.invoke(main, ["replay"]))
    assert output.strip().splitlines() == [
        "error: workspace.toml: sources[0].tracking_plan.events: 5 is not of type 'object'",
        "error: workspace.toml: sources[0].tracking_plan.block_unplanned: 3 is not of type 'boolean'"]


def test_a_stub_file_with_a_toml_error_says_file_line_col_with_a_caret(cli, project: Path):
    """Before: 'fixtures/http/a.toml: TOML syntax error: Invalid value (at line 2, column 5)', unlike
    workspace.toml's errors."""
    (project / "fixtures/http").mkdir()
    (project / "fixtures/http/a.toml").write_text("[[stubs]]\nurl=\n")
    output = fails_cleanly(cli.invoke(main, ["replay"]))
    assert output.strip().splitlines() == ["error: fixtures/http/a.toml:2:5: TOML syntax error: Invalid value",
                                           "    url=", "        ^"]


# --- segfn check: nothing passed over in silence -------------------------------------------------


@pytest.mark.parametrize(("args", "said"), [
    (["--workspace", "nope.toml"], "Invalid value for --workspace: no such file: nope.toml"),
    (["--fixtures", "fixtures/mesages"], "Invalid value for --fixtures: no such file or folder: fixtures/mesages"),
])
def test_check_refuses_a_workspace_or_fixtures_given_but_absent(cli, project: Path, args: list[str], said: str):
    """Before: checked with no workspace settings or no fixtures, and stamped the bundle."""
    output = fails_cleanly(cli.invoke(main, ["check", DESTINATION, "-n", "0", "--min-coverage", "0", *args]))
    assert said in output
    assert not (project / "dist").exists()


def test_check_refuses_a_workspace_that_does_not_load(cli, project: Path):
    """Before: the compiler swallowed the ConfigError: checked without the workspace's settings and
    stubs, exit 1 for "coverage", and a bundle stamped at --min-coverage 0."""
    (project / "workspace.toml").write_text('name = "Acme"\n[[sources]\n')
    output = fails_cleanly(cli.invoke(main, ["check", DESTINATION, "-n", "0", "--min-coverage", "0"]))
    assert "error: workspace.toml:2:10: TOML syntax error" in output
    assert not (project / "dist").exists()


# --- segfn filter ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("stdin", "said"), [
    ('{"type": "page"}\n[1]\n', "error: <stdin>:2: an event is a JSON object, not an array"),
    ('{"type": "page"}\n"track"\n', "error: <stdin>:2: an event is a JSON object, not a string"),
    ('{"type": "track", "userId": NaN}\n', "error: <stdin>:1:29: not JSON: NaN is not valid JSON (one JSON event a line)"),
    ('{"type": "track",\n', "error: <stdin>:1:18: not JSON: Expecting property name enclosed in double quotes "
                            "(one JSON event a line)"),
])
def test_filter_refuses_what_is_not_an_event_saying_its_line(cli, tmp_path: Path, stdin: str, said: str):
    """Before: [1] and "track" were passed through as if they were events that matched nothing, NaN
    was accepted, and a line cut short was placed at line 2 of itself ('line 2 column 1 (char 18)')."""
    rules = tmp_path / "rules.json"
    rules.write_text('[{"if": "type = \\"track\\"", "actions": [{"type": "DROP"}]}]')
    result = cli.invoke(main, ["filter", "--rules", str(rules)], input=stdin)
    assert fails_cleanly(result).splitlines()[-1] == said
    assert result.stdout.splitlines()[:1] in ([], ['{"type":"page"}'])  # lines before it were answered


def test_filter_rules_that_are_not_utf8_say_line_and_column(cli, tmp_path: Path):
    rules = tmp_path / "rules.json"
    rules.write_bytes(b'[\n  {"if": "event = \\"Caf\xe9\\""}]')
    output = fails_cleanly(cli.invoke(main, ["filter", "--rules", str(rules)], input="{}\n"))
    assert f"error: {rules}:2:24: not UTF-8 text (byte 0xe9" in output


# --- segfn watch ----------------------------------------------------------------------------------


def test_watch_refuses_paths_that_do_not_exist_once_not_at_every_run(cli, project: Path):
    """Before: it started watching, and each run printed replay's usage error as 'python -m segfn.cli
    replay'."""
    output = fails_cleanly(cli.invoke(main, ["watch", "fixtures/mesages", "--max-runs", "1"]))
    assert "Invalid value for PATHS: no such file or folder: fixtures/mesages" in output


# --- fixtures: the JSON mistake users make most ------------------------------------------------


@pytest.mark.parametrize(("name", "content", "said"), [
    ("messages/comma.json", '[{"type": "track", "userId": "u", "event": "e",\n}]',
     "messages/comma.json:1:47: invalid JSON: a comma before '}' (JSON allows no trailing comma)"),
    ("messages/comma.json", '[{"type": "track", "userId": "u", "event": "e"}, ]',
     "messages/comma.json:1:48: invalid JSON: a comma before ']' (JSON allows no trailing comma)"),
    ("archives/comma.ndjson", '{"type": "track", "userId": "u", "event": "e"}\n{"type": "track", }\n',
     "archives/comma.ndjson:2:17: invalid JSON: a comma before '}' (JSON allows no trailing comma)"),
])
def test_a_trailing_comma_is_named_at_the_comma(cli, project: Path, name: str, content: str, said: str):
    """Before: "Expecting property name enclosed in double quotes" at the bracket after it."""
    (project / "fixtures" / name).parent.mkdir(parents=True, exist_ok=True)
    (project / "fixtures" / name).write_text(content)
    output = fails_cleanly(cli.invoke(main, ["replay", f"fixtures/{name}"]))
    assert f"error: fixtures/{said}" in output


# --- where replay writes ----------------------------------------------------------------------------


def test_update_where_goldens_cannot_be_written_is_an_error_per_fixture(cli, project: Path):
    """Before: --update with fixtures/expected a file was a NotADirectoryError traceback."""
    import shutil

    shutil.rmtree(project / "fixtures/expected")
    (project / "fixtures/expected").write_text("")
    output = fails_cleanly(cli.invoke(main, ["replay", "--update"]))
    assert f"error: {GOLDEN}: cannot write the golden: Not a directory" in output


def test_report_to_a_path_that_cannot_be_written_says_so(cli, project: Path):
    (project / "a-file").write_text("")
    output = fails_cleanly(cli.invoke(main, ["replay", "--report-to", "a-file/report.json"]))
    assert "error: --report-to a-file/report.json: cannot write it: Not a directory" in output


# --- every key of workspace.toml, every wrong kind of value ------------------------------------------


def _key_paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _key_paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _key_paths(value, (*prefix, index))


def test_any_key_given_any_wrong_kind_of_value_is_a_config_error_never_an_exception(project: Path):
    """Every key of a full workspace (segfn init's, plus each optional key), replaced by each kind of
    TOML value or removed: parse_workspace gives a Workspace or a ConfigError whose every problem names
    the file, and nothing else escapes. Found: a filter action whose type was an array or a table was a
    TypeError (unhashable) out of the filter checks."""
    import copy
    import tomllib

    from segfn.emulator.errors import ConfigError
    from segfn.emulator.workspace import parse_workspace

    data = tomllib.loads((project / "workspace.toml").read_text())
    data["allow_network"] = ["api.example.com"]
    data["sources"][0].update({"blocked_events": ["Spam"], "event_integrations": {"Signed Up": {"Example API": False}},
                               "tracking_plan": {"events": {"Signed Up": {"type": "object"}}, "block_unplanned": False,
                                                 "block_violations": True}})
    data["destinations"][0].update({"previous_names": ["Old"], "enabled": True, "segment_id": "df_1", "batch": False,
                                    "filters": [{"if": "all", "actions": [{"type": "SAMPLE", "percent": 0.5,
                                                                           "path": "userId"}]}]})
    data["stubs"][0].update({"headers": {"X-Id": "1"}, "delay": "1s"})
    data["stubs"].append({"url": "https://api.example.com/v2/**", "sequence": [{"status": 500}, {"error": "ECONNRESET"}]})
    parse_workspace(copy.deepcopy(data), root=project)  # the full workspace itself is valid
    removed = object()
    tried = 0
    for path in [p for p in _key_paths(data) if p]:
        for value in (5, -1, 1.5, "x", "", [], [1], {}, {"a": 1}, True, removed):
            broken = copy.deepcopy(data)
            parent = broken
            for part in path[:-1]:
                parent = parent[part]
            if value is removed:
                if isinstance(parent, list):
                    continue
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
            tried += 1
            try:
                parse_workspace(broken, root=project)
            except ConfigError as error:
                assert all(p.startswith(("workspace.toml: ", str(project))) for p in error.problems), error.problems
    assert tried > 500


# --- any fixture content: outcomes or problems, never an exception -----------------------------------


def test_any_json_a_fixture_holds_ends_in_outcomes_or_problems(project: Path):
    """Messages and batch bodies whose every field may hold any JSON value (hypothesis): replay gives
    each call an outcome or a problem and raises nothing. Found: {"batch": 5} was a TypeError in
    replay's choice of the time a call is received."""
    from hypothesis import HealthCheck, given, settings, strategies as st

    from segfn.emulator.replay import Replay, replay_pipeline
    from segfn.emulator.workspace import load_workspace

    workspace = load_workspace(project / "workspace.toml")
    replay = Replay(replay_pipeline(workspace), project)
    scalar = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=False,
                       allow_infinity=False), st.text(max_size=8),
                       st.sampled_from(["track", "identify", "page", "batch", "2025-03-01T10:00:00Z", "0001-01-01",
                                        "9999-12-31T23:59:59Z", "client", "processed"]))
    value = st.recursive(scalar, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                             max_size=3), max_leaves=6)
    keys = st.sampled_from(["type", "userId", "anonymousId", "event", "messageId", "timestamp", "sentAt", "receivedAt",
                            "originalTimestamp", "context", "integrations", "properties", "traits", "writeKey",
                            "previousId", "groupId", "name", "category", "segfn", "batch"])
    message = st.dictionaries(keys, value, max_size=8)
    document = st.one_of(message, st.lists(message | value, max_size=3),
                         st.fixed_dictionaries({"batch": st.lists(message | value, max_size=3) | value},
                                               optional={"sentAt": value, "context": value, "segfn": value}))
    fixture = project / "fixtures/messages/fuzz.json"

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(document)
    def replays(doc):
        fixture.write_text(json.dumps(doc))
        result = replay.run(fixture, judge=False)
        assert result.outcomes or result.problems or doc in ([], {"batch": []}) or result.messages == 0

    try:
        replays()
    finally:
        replay.close()


def test_the_pytest_plugin_refuses_what_is_no_message_rather_than_running_a_handler_on_it(
        plugin_project: pytest.Pytester):
    """Before: an event without a type, with type 5, or a list of numbers ran as 'Unsupported Event
    Type'; NaN ran as a userId; settings=[1], segfn_replay(5) and a module given as 5 were TypeErrors
    inside segfn; segfn_stubs.add(5) said the url was 'missing'."""
    plugin_project.makepyfile(test_it='''
        D = "functions/example_destination.py"

        def test_no_type(segfn_function):
            segfn_function(D, {"userId": "u"})

        def test_type_5(segfn_function):
            segfn_function(D, {"type": 5})

        def test_list_of_numbers(segfn_function):
            segfn_function(D, [1])

        def test_nan(segfn_function):
            segfn_function(D, {"type": "track", "userId": float("nan"), "event": "e"})

        def test_a_set(segfn_function):
            segfn_function(D, {"type": "track", "properties": {"ids": {1, 2}}})

        def test_settings_list(segfn_function):
            segfn_function(D, {"type": "track"}, [1])

        def test_module_5(segfn_function):
            segfn_function(5, {"type": "track"})

        def test_module_folder(segfn_function):
            segfn_function("functions", {"type": "track"})

        def test_replay_5(segfn_replay):
            segfn_replay(5)

        def test_stub_url_5(segfn_stubs):
            segfn_stubs.add(5)
    ''')
    result = plugin_project.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(failed=10)
    output = result.stdout.str()
    for said in [
        "segfn: event['type'] must be one of identify, track, page, screen, group, alias, delete: it chooses the "
        "handler (found None)",
        "it chooses the handler (found 5)",
        "segfn: event[0] must be a message, a dict such as {'type': 'track', 'event': ...} (found int)",
        "segfn: event['userId'] is nan: not JSON, as every Segment message is",
        "segfn: event['properties']['ids'] is a set: not JSON",
        "segfn: settings must be a dict of setting name -> value (found list)",
        "segfn: module must be a path such as 'functions/my_function.py' or a module name such as 'my_function' "
        "(found int 5)",
        f"segfn: {plugin_project.path / 'functions'}: is a folder; name a function module in it",
        "segfn: paths are fixture files or folders, such as 'fixtures/messages/a.json' (found int 5)",
        "segfn_stubs.add[0].url: must be a string (found int)"]:
        assert said in output, said
    result.stdout.no_fnmatch_line("*TypeError*")


# --- helper modules, as docs/python-subset.md allows them, in a project of one's own ------------------


@pytest.mark.parametrize("statement", ["from functions.helpers import shout", "from .helpers import shout",
                                       "from . import helpers\nshout = helpers.shout"])
def test_a_helper_module_imports_in_a_project_of_ones_own(project: Path, statement: str):
    """Before: every form docs/python-subset.md lists failed under the installed `segfn` command in a
    segfn init project ("No module named 'functions'", "No module named 'segfn_functions'"): the
    project's folder was never importable and a function module had no package. Run as a user runs it
    (the console script, whose sys.path does not hold the current folder)."""
    (project / "functions/helpers.py").write_text("def shout(text):\n    return text.upper() + '!'\n")
    edit(project / DESTINATION, "KIND = ", f"{statement}\nKIND = ")
    edit(project / DESTINATION, '    print(f"identify', '    print(shout("hi"), f"identify')
    script = Path(sys.executable).parent / "segfn"
    done = subprocess.run([str(script), "replay", "--format", "json"], cwd=project, capture_output=True, text=True,
                          env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"}, timeout=120)
    assert done.returncode == 0, done.stderr
    identify = [json.loads(line) for line in done.stdout.splitlines() if '"example-identify-1"' in line]
    assert identify[0]["logs"] == ["HI! identify u-1001: 3 traits"]


def test_a_functions_init_that_raises_is_said_once_at_its_line(cli, project: Path):
    (project / "functions/__init__.py").write_text("X = 1\nraise ValueError('half-edited')\n")
    output = fails_cleanly(cli.invoke(main, ["replay"]))
    init = (project / "functions/__init__.py").resolve()
    assert output.count("error: ") == 1, output  # two modules share the folder: one problem
    assert f"error: {init}:2: ValueError while importing the function module: half-edited" in output


def test_a_dangling_symlink_among_fixtures_is_said_not_skipped(cli, project: Path):
    (project / "fixtures/messages/gone.json").symlink_to(project / "nowhere.json")
    output = fails_cleanly(cli.invoke(main, ["replay"]))
    assert "error: nowhere.json: cannot read it: No such file or directory" in output  # the file it points at


def test_a_problem_names_the_destination_by_its_index_in_the_file_when_one_before_it_is_broken(cli, project: Path):
    """Before: a destination without a name was left out and the ones after it moved up one, so the
    second destination's missing apiKey was said at destinations[0] (the broken one), and a duplicate
    name at the wrong index."""
    ws = project / "workspace.toml"
    text = ws.read_text()
    table = text[text.index("[[destinations]]"):text.index("# segfn replay and the tests")]
    broken = table.replace('name = "Example API"\n', "").replace("[[destinations]]", "[[destinations]]\nnamme = 1")
    second = table.replace('settings = { apiKey = "${EXAMPLE_API_KEY:-test-key}" }\n', "")
    ws.write_text(text.replace(table, broken + second + table))
    output = fails_cleanly(cli.invoke(main, ["replay"]))
    assert "error: workspace.toml: destinations[1].settings.apiKey: example_destination.py's setting (API Key) is " \
           "required but not set" in output
    assert "error: workspace.toml: destinations[2]: destination name 'Example API' is used twice" in output
    assert "destinations[0].settings" not in output


@pytest.mark.parametrize(("address", "said"), [
    ("abc", "Invalid value for --dask: 'abc' is not a scheduler's address (missing port number in address "
            "'abc'); write tcp://host:8786, a scheduler file (.json), or local"),
    ("scheduler.json", "Invalid value for --dask: no scheduler file at scheduler.json"),
])
def test_a_dask_address_that_is_none_is_a_usage_error_at_once(cli, project: Path, address: str, said: str):
    """Before: a ValueError traceback out of distributed, then a 60 s wait while the half-made Client's
    __del__ timed out closing."""
    pytest.importorskip("distributed", reason="segfn[dask] is not installed here")
    started = time.monotonic()
    output = fails_cleanly(cli.invoke(main, ["replay", "--dask", address, "fixtures/messages"]))
    assert said in output
    assert time.monotonic() - started < 20


@pytest.mark.parametrize(("content", "said"), [
    (b'{"apiKey": NaN}', "error: --settings s.json:1:12: not JSON (NaN is not valid JSON)"),
    (b'{"apiKey": 1e400}', "error: --settings s.json:1:12: not JSON (the number 1e400 overflows to infinity)"),
    (b'{"apiKey": "Caf\xe9"}', "error: --settings s.json:1:16: not UTF-8 text (byte 0xe9"),
])
def test_check_settings_that_are_not_strict_json_say_where(cli, project: Path, content: bytes, said: str):
    """Before: NaN passed, then a ValueError traceback ('Out of range float values') once the check
    ran; a Latin-1 file was a UnicodeDecodeError traceback."""
    (project / "s.json").write_bytes(content)
    output = fails_cleanly(cli.invoke(main, ["check", DESTINATION, "-n", "0", "--settings", "s.json"]))
    assert said in output
    assert not (project / "dist").exists()


def test_an_archive_cut_short_says_after_which_line_and_keeps_what_it_read(cli, project: Path):
    import gzip

    lines = "".join(json.dumps({"type": "track", "userId": f"u{i}", "event": "e", "messageId": f"m{i}"}) + "\n"
                    for i in range(3000))
    whole = gzip.compress(lines.encode())
    (project / "fixtures/archives").mkdir()
    (project / "fixtures/archives/cut.ndjson.gz").write_bytes(whole[:len(whole) // 2])
    output = fails_cleanly(cli.invoke(main, ["replay", "-j", "1", "fixtures/archives/cut.ndjson.gz"]))
    [said] = [line for line in output.splitlines() if "error:" in line]
    read = int(said.split("after line ")[1].split(":")[0])
    assert 0 < read < 3000 and f"{read} messages" in output
    assert "cannot read the archive after line" in said and "end-of-stream marker" in said


def test_a_function_module_with_a_nul_byte_says_its_line_and_column(cli, project: Path):
    """Before: 'example_destination.py:None:1: SyntaxError: source code string cannot contain null bytes'."""
    module = project / DESTINATION
    module.write_bytes(module.read_bytes().replace(b'KIND = "destination"', b'KIND = "dest\0ination"'))
    output = fails_cleanly(cli.invoke(main, ["replay"]))
    assert f"error: {module.resolve()}:15:13: SyntaxError: source code string cannot contain null bytes" in output


def test_a_module_that_never_finishes_loading_is_an_error_naming_its_line(cli, project: Path, monkeypatch):
    """Before: segfn replay hung, silent, until Ctrl-C."""
    from segfn.emulator import runner

    monkeypatch.setattr(runner, "IMPORT_TIMEOUT", 0.5)
    module = project / DESTINATION
    edit(module, "KIND = ", "while True:\n    pass\nKIND = ")
    output = fails_cleanly(cli.invoke(main, ["replay"]))
    assert any(f"error: {module.resolve()}:{n}: the module's top-level code ran 0.5 s without finishing (a loop "
               f"that never ends?)" in output for n in (15, 16)), output


def test_a_fixture_named_twice_is_replayed_once(cli, project: Path):
    """Before: 'segfn replay a.json a.json fixtures/messages/' replayed it three times ('3 fixtures')."""
    fixture = "fixtures/messages/example.json"
    result = cli.invoke(main, ["replay", fixture, fixture, "fixtures/messages/"])
    assert result.exit_code == 0, result.output
    assert result.output.count(f"{fixture}  golden ok") == 1
    assert "; 1 fixture, goldens: 1 match" in result.output
