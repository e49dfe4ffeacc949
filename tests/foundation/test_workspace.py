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
    assert any("colour: unknown key (allowed keys: allow_network, destinations, name, sources, stubs)" in p
               for p in found)
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


# --- issue 15, point 5: Segment's limits and the functions' SETTINGS, checked at load, all at once ---


def test_every_kind_of_problem_comes_in_one_report(tmp_path):
    """Shape (an unknown key), Segment's limits (an 11th filter, FQL over 5 KB), and SETTINGS
    (`apiKey = 123` for a string setting, a required one unset) are reported together."""
    filters = "\n".join(f'[[destinations.filters]]\nif = \'event = "E{i}"\'\nactions = [{{ type = "DROP" }}]'
                        for i in range(11))
    long_fql = " or ".join(f'event = "{i:05d}"' for i in range(400))  # about 6 KB
    text = f'''
name = "Acme"
colour = "blue"
[[sources]]
name = "web"
write_key = "wk"
[[destinations]]
name = "Sprig Cloud"
function = "{REPO}/functions/sprig.py"
settings = {{ apiKey = 123 }}
{filters}
[[destinations]]
name = "Behave"
function = "{scenario("behave")}"
[[destinations.filters]]
if = '{long_fql}'
actions = [{{ type = "DROP" }}]
'''
    found = problems(tmp_path, text)
    expected = [
        ": colour: unknown key",
        "destinations[0].filters: 11 filters; Segment supports 10 per destination",
        "destinations[0].settings.apiKey: sprig.py's setting must be of type string (found a number)",
        "destinations[1].settings.apiKey: behave.py's setting (API Key) is required but not set",
        "destinations[1].filters[0].if:",
    ]
    for words in expected:
        assert sum(words in p for p in found) == 1, (words, found)
    assert any("5 KB" in p for p in found if "filters[0].if" in p)
    assert not any("123" in p for p in found)  # a setting's value is never printed: it may be a secret


def test_ten_filters_and_well_typed_settings_load(tmp_path):
    filters = "\n".join(f'[[destinations.filters]]\nif = \'event = "E{i}"\'\nactions = [{{ type = "DROP" }}]'
                        for i in range(10))
    ws = load_workspace(write(tmp_path, CONTRACT + filters), env={})
    assert len(ws.destinations[0].filters) == 10
    assert ws.functions[ws.destinations[0].function].name == "Sprig"  # imported once, at load


def test_a_function_modules_own_errors_join_the_report(tmp_path):
    (tmp_path / "broken.py").write_text("KIND = 'destination'\nNAME = 'x'\ndef on_track(:\n")
    text = CONTRACT + '''
[[destinations]]
name = "Broken"
function = "broken.py"
settings = { apiKey = "k" }
'''
    found = problems(tmp_path, text + '[[destinations.filters]]\nif = "all"\nactions = []\n')
    assert any(p.startswith(f"{tmp_path / 'broken.py'}:3:") and "SyntaxError" in p for p in found)
    assert any("destinations[1].filters[0].actions: must be a non-empty list" in p for p in found)  # and the rest


def test_an_insert_function_name_over_120_characters_and_a_26th_function(tmp_path):
    for i in range(26):
        (tmp_path / f"f{i}.py").write_text(f"KIND = 'insert'\nNAME = {('N' * (121 if i == 0 else 5) + str(i))!r}\n"
                                           "def on_track(event, settings):\n    return event\n")
    destinations = "\n".join(f'[[destinations]]\nname = "D{i}"\nfunction = "{scenario("behave")}"\n'
                             f'insert_function = "f{i}.py"\nsettings = {{ apiKey = "k" }}' for i in range(26))
    found = problems(tmp_path, 'name = "Acme"\n[[sources]]\nname = "web"\nwrite_key = "wk"\n' + destinations)
    assert any("destinations[0].insert_function: f0.py's NAME is 122 characters; Segment allows 120" in p
               for p in found), found
    assert any("destinations: 27 function modules; Segment allows 25 functions per workspace" in p for p in found)
    assert len(found) == 2


def test_a_required_setting_set_from_the_environment_is_checked_after_interpolation(tmp_path):
    text = CONTRACT.replace("${SPRIG_API_KEY:-test-key}", "${SPRIG_API_KEY:-}")
    [problem] = problems(tmp_path, text)
    assert problem.endswith("destinations[0].settings.apiKey: sprig.py's setting (API Key) is required but not set")


# --- a malformed ${...} is a problem, never the literal value (tester's report, point 1) ---


@pytest.mark.parametrize("value, said", [
    ("${LEAKY KEY", "the placeholder at character 1 has no closing '}'"),
    ("sk-${LEAKY KEY}", "the placeholder at character 4 does not name an environment variable"),
    ("${1ABC:-x}", "the placeholder at character 1 does not name an environment variable"),
    ("${A:x}", "the placeholder at character 1 does not name an environment variable"),
])
def test_a_malformed_placeholder_is_a_problem_naming_the_key_path_and_never_the_value(tmp_path, value, said):
    text = CONTRACT.replace("${SPRIG_API_KEY:-test-key}", value) + 'colour = "blue"\n'
    found = problems(tmp_path, text, env={"LEAKY": "x", "A": "y"})
    [problem] = [p for p in found if "settings.apiKey" in p]
    assert f"destinations[0].settings.apiKey: {said}" in problem
    assert "LEAKY" not in problem and "sk-" not in problem and "1ABC" not in problem
    assert any("colour" in p for p in found)  # reported with every other problem


def test_well_formed_placeholders_next_to_text_still_interpolate(tmp_path):
    text = CONTRACT.replace("${SPRIG_API_KEY:-test-key}", "a-${K}-${M:-d:e}-$K-{x}")
    ws = load_workspace(write(tmp_path, text), env={"K": "k"})
    assert ws.destinations[0].settings == {"apiKey": "a-k-d:e-$K-{x}"}


# --- an unknown key is named by its own path, with a suggestion; problems in document order ---


def test_an_unknown_key_is_named_by_its_full_path_with_the_closest_known_key(tmp_path):
    text = CONTRACT + '''
functoin = "x.py"
zzz = 1
[destinations.batch]
sise = 5
[[destinations.filters]]
if = "all"
actions = [{ type = "drop_event" }]
[[sources]]
name = "app"
write_key = "k2"
blocked_event = ["x"]
[[stubs]]
statu = 200
'''
    found = problems(tmp_path, text)
    label = str(tmp_path / "workspace.toml")
    for words in (f"{label}: destinations[0].functoin: unknown key; did you mean 'function'? (allowed keys: ",
                  f"{label}: destinations[0].zzz: unknown key (allowed keys: ",
                  f"{label}: destinations[0].batch.sise: unknown key; did you mean 'size'? (allowed keys: size, wait)",
                  f"{label}: sources[1].blocked_event: unknown key; did you mean 'blocked_events'?",
                  f"{label}: stubs[0].statu: unknown key; did you mean 'status'?"):
        assert sum(p.startswith(words) for p in found) == 1, (words, found)
    assert not any("was unexpected" in p for p in found)


def test_problems_come_in_document_order(tmp_path):
    entries = "".join(f'''
[[destinations]]
name = "D{i}"
function = "{REPO}/functions/sprig.py"
settings = {{ apiKey = "k" }}
{"functoin = 1" if i in (2, 3, 10) else ""}
{"sources = ['nope']" if i in (3, 11) else ""}
''' for i in range(12))
    text = 'name = "Acme"\n[[sources]]\nname = "web"\nwrite_key = "k"\n' + entries + 'colour = "x"\n'
    found = problems(tmp_path, text)
    order = [p.split(": ")[1] for p in found]
    assert order == ["destinations[2].functoin", "destinations[3].functoin", "destinations[3].sources",
                     "destinations[10].functoin", "destinations[11].sources", "destinations[11].colour"], found
