"""workspace.toml: the contract's shape loads; every kind of problem is named by its key path."""

from __future__ import annotations

from pathlib import Path

import pytest

from segfn.emulator.errors import ConfigError
from segfn.emulator.workspace import load_workspace
from segfn.cli import main
from tests.conftest import REPO, scenario

CONTRACT = f'''
name = "Acme"
[[sources]]
name = "web"
write_key = "dev-write-key"
blocked_events = ["Order Deleted"]
[sources.event_integrations]
"Order Completed" = {{ "Sprig Cloud" = false }}
[[destinations]]
name = "Sprig Cloud"
previous_names = ["Sprig", "UserLeap"]
function = "{REPO}/functions/sprig.py"
insert_function = "{scenario("stamp_insert")}"
settings = {{ apiKey = "${{SPRIG_API_KEY:-test-key}}" }}
'''


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "workspace.toml"
    path.write_text(text)
    return path


def problems(tmp_path: Path, text: str, env: dict | None = None) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_workspace(write(tmp_path, text), env=env or {})
    return caught.value.problems


def test_the_contract_shape_loads(tmp_path):
    ws = load_workspace(write(tmp_path, CONTRACT), env={})
    [source], [dest] = ws.sources, ws.destinations
    assert (ws.name, source.write_key, source.blocked_events) == ("Acme", "dev-write-key", {"Order Deleted"})
    assert source.event_integrations == {"Order Completed": {"Sprig Cloud": False}}
    assert dest.previous_names == ("Sprig", "UserLeap")
    assert dest.settings == {"apiKey": "test-key"}
    assert dest.insert_function.name == "stamp_insert.py"


def test_settings_read_the_environment(tmp_path):
    ws = load_workspace(write(tmp_path, CONTRACT), env={"SPRIG_API_KEY": "from-env"})
    assert ws.destinations[0].settings == {"apiKey": "from-env"}


def test_an_unset_variable_without_default_is_a_problem_not_an_empty_string(tmp_path):
    text = CONTRACT.replace("${SPRIG_API_KEY:-test-key}", "key-${SPRIG_API_KEY}")
    [problem] = problems(tmp_path, text)
    assert problem.endswith("destinations[0].settings.apiKey: environment variable SPRIG_API_KEY is not set "
                            "(write ${SPRIG_API_KEY:-default} to give a default)")


def test_every_problem_is_reported_at_once_with_its_key_path(tmp_path):
    text = '''
name = "Acme"
colour = "blue"
[[sources]]
name = "web"
[[destinations]]
name = "Sprig Cloud"
function = 42
previous_names = "Sprig"
'''
    found = problems(tmp_path, text)
    assert any("(top level): 'colour' was unexpected; allowed keys: allow_network, destinations, name, sources, stubs" in p for p in found)
    assert any("sources[0]: 'write_key' is a required property" in p for p in found)
    assert any("destinations[0].function: 42 is not of type 'string'" in p for p in found)
    assert any("destinations[0].previous_names: 'Sprig' is not of type 'array'" in p for p in found)
    assert all(p.startswith(str(tmp_path / "workspace.toml") + ": ") for p in found)


def test_missing_files_unknown_sources_and_duplicates_are_problems(tmp_path):
    text = CONTRACT + f'''
[[destinations]]
name = "Sprig Cloud"
function = "functions/nope.py"
sources = ["mobile"]
'''
    found = problems(tmp_path, text)
    assert any("destinations[1].function: no such file: functions/nope.py" in p for p in found)
    assert any("destinations[1].sources: no source is named 'mobile'" in p for p in found)
    assert any("destinations[1]: destination name 'Sprig Cloud' is used twice" in p for p in found)


def test_a_toml_syntax_error_names_line_and_column_with_a_caret(tmp_path):
    [problem] = problems(tmp_path, 'name = "Acme"\n[[sources]\nname = "web"\n')
    first, source, caret = problem.splitlines()
    assert first.startswith(f"{tmp_path / 'workspace.toml'}:2:")
    assert "TOML syntax error" in first
    assert source.strip() == "[[sources]"
    assert caret.strip() == "^"


def test_a_missing_workspace_says_where_segfn_looked(tmp_path):
    with pytest.raises(ConfigError, match="no such file .* pass --workspace FILE"):
        load_workspace(tmp_path / "workspace.toml")


def test_the_cli_prints_each_problem_and_exits_2(tmp_path, cli):
    path = write(tmp_path, 'name = "Acme"\nsources = []\ndestinations = [{name = "x"}]\n')
    result = cli.invoke(main, ["replay", "--workspace", str(path)])
    assert result.exit_code == 2
    assert "sources: [] should be non-empty" in result.output
    assert "destinations[0]: 'function' is a required property" in result.output
    assert "Traceback" not in result.output
