"""What a tester found at the command line: bad input is one clear line and exit 2, never a traceback
(a --host that is no address, an -o folder that cannot be written), and replay's JSON lines carry what
a function printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from segfn.cli import main
from tests.conftest import REPO


@pytest.mark.parametrize("host", ["999.1.1.1", ""])
def test_serve_on_a_host_that_is_no_address_says_so(cli, tmp_path: Path, host: str):
    result = cli.invoke(main, ["serve", "--host", host, "--port", "0", "--workspace", str(REPO / "workspace.toml"),
                               "--db", str(tmp_path / "s.sqlite")])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and not isinstance(result.exception, ValueError)
    assert f"cannot listen on {host!r}:0" in result.output


@pytest.mark.parametrize("out", ["/proc/segfn-cannot-write", "a-file/dist"])
def test_build_into_a_folder_it_cannot_write_says_so(cli, tmp_path: Path, monkeypatch, out: str):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("")
    result = cli.invoke(main, ["build", str(REPO / "functions/drop_bots.py"), "-o", out])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert f"error: cannot write drop_bots.js to {out}:" in result.output


def test_replay_json_lines_carry_what_the_functions_printed(cli, monkeypatch):
    """README: print output is kept with the outcome (a tester found it nowhere in replay's output)."""
    import json

    monkeypatch.chdir(REPO)
    result = cli.invoke(main, ["replay", "fixtures/messages/sprig/pii.json", "--format", "json"])
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    logs = {line["messageId"]: line.get("logs") for line in lines}
    assert logs["ajs-pii-track"] == ["scrub_pii: removed context.ip, properties.email, properties.phone"]


def test_replay_without_a_fixtures_folder_says_so_in_one_line(cli, tmp_path: Path, monkeypatch):
    """A tester's first run, without fixtures/: one clear line and exit 2, not an Errno and a summary
    counting one unreadable fixture."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "workspace.toml").write_text((REPO / "workspace.toml").read_text().replace(
        '"functions/', f'"{REPO}/functions/'))
    result = cli.invoke(main, ["replay", "--workspace", "workspace.toml"])
    assert result.exit_code == 2, result.output
    assert result.output.strip().splitlines() == [
        "error: no fixtures folder at ./fixtures; pass PATHS or create fixtures/messages/*.json"], result.output


def test_check_says_each_unreadable_fixture_once_not_once_per_function(cli, tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no workspace.toml here
    fixtures = tmp_path / "messages"
    fixtures.mkdir()
    (fixtures / "broken.json").write_text("{not json")
    result = cli.invoke(main, ["check", str(REPO / "functions/drop_bots.py"), str(REPO / "functions/scrub_pii.py"),
                               "-n", "0", "--min-coverage", "0", "--fixtures", str(fixtures),
                               "-o", str(tmp_path / "dist")])
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:") and "broken.json" in line]
    assert len(warnings) == 1, result.output
    assert result.output.count("drop_bots.py: 0 differences") + result.output.count("scrub_pii.py: 0 differences") \
        == 2, result.output
