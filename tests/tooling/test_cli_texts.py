"""The CLI's texts: help is whole, defaults are shown as values, the summary line tells messages from
outcomes, and a messageId is never shortened."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest

from segfn.cli import COMMANDS, main
from tests.conftest import scenario


def test_the_command_list_shows_each_commands_first_sentence_whole(cli):
    result = cli.invoke(main, ["--help"], terminal_width=80)
    assert result.exit_code == 0
    assert "..." not in result.output.split("\n", 1)[1]  # after the usage line's "[ARGS]..."
    listed = " ".join(result.output.split("Commands:")[1].split())  # the wrapped lines joined again
    for name in COMMANDS:
        command = main.get_command(click.Context(main), name)
        first = command.help.split("\n\n")[0]
        sentence = " ".join(first.split(". ")[0].split())  # click shows the first sentence
        assert sentence.rstrip(".") in listed, name


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_has_help_and_shows_its_default_and_variable_as_values(cli, name):
    result = cli.invoke(main, [name, "--help"], terminal_width=200)
    assert result.exit_code == 0
    assert "..." not in result.output.split("\n", 1)[1]  # after the usage line's "[PATHS]..."
    command = main.get_command(click.Context(main), name)
    ctx = click.Context(command)
    for param in command.params:
        if not isinstance(param, click.Option) or param.hidden or param.name == "help":
            continue
        record = param.get_help_record(ctx)
        assert param.help, f"segfn {name} {param.opts[0]} has no help"
        if param.envvar:
            assert f"env var: {param.envvar}" in record[1], (name, param.opts)
        if param.default not in (None, False) and not callable(param.default) and repr(param.default) != "Sentinel.UNSET":
            assert f"default: {param.default}" in record[1], (name, param.opts, record[1])
        assert not callable(param.default), f"{param.opts[0]}: a default computed at run time is not shown"


def test_check_reads_its_example_count_from_the_environment_as_the_help_says(cli, monkeypatch):
    monkeypatch.setenv("SEGFN_CHECK_EXAMPLES", "7")
    command = main.get_command(click.Context(main), "check")
    with click.Context(command) as ctx:
        examples = next(p for p in command.params if p.name == "examples")
        assert examples.consume_value(ctx, {})[0] == "7"


def test_the_summary_line_counts_messages_and_outcomes_apart_and_ids_are_whole(cli, tmp_path: Path):
    long_id = "a-message-id-well-past-thirty-two-characters-" + "x" * 40
    (tmp_path / "workspace.toml").write_text(f'''
name = "Acme"
[[sources]]
name = "web"
write_key = "wk"
[[destinations]]
name = "One"
function = "{scenario("behave")}"
settings = {{ apiKey = "k" }}
[[destinations]]
name = "A destination with a long display name, longer than a column"
function = "{scenario("behave")}"
settings = {{ apiKey = "k" }}
''')
    (tmp_path / "fixtures" / "messages").mkdir(parents=True)
    (tmp_path / "fixtures" / "messages" / "calls.json").write_text(json.dumps([
        {"type": "track", "messageId": long_id, "userId": "u", "event": "E", "timestamp": "2025-03-01T10:00:00Z"},
        {"type": "track", "messageId": "r-2", "userId": "u", "event": "E", "properties": {"do": "reject"},
         "timestamp": "2025-03-01T10:00:00Z"},
        {"type": "identify", "messageId": "r-3", "userId": "u", "integrations": {"All": False}},
        {"type": "nonsense"},
    ]))
    result = cli.invoke(main, ["replay", "--workspace", str(tmp_path / "workspace.toml")])
    assert result.exit_code == 1, result.output
    assert ("4 messages; 7 outcomes: 2 delivered, 2 filtered, 2 discarded, 1 rejected; 1 fixture, goldens: "
            "0 match, 0 differ, 1 missing") in result.output
    assert long_id in result.output and "…" not in result.output
    assert "A destination with a long display name, longer than a column" in result.output
