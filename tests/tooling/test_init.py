"""``segfn init``: a project that replays, tests and builds as written, and nothing overwritten unasked."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from segfn.cli import main
from segfn.scaffold import TEMPLATES, InitError, project_files, write
from tests.conftest import REPO

BASE = {"workspace.toml", "functions/example_destination.py", "functions/example_insert.py",
        "fixtures/messages/example.json", "fixtures/expected/messages/example.json", "tests/test_functions.py",
        ".gitignore", ".github/workflows/segfn.yml"}
SPRIG = {"functions/sprig.py", "functions/drop_bots.py", "functions/scrub_pii.py", "fixtures/messages/sprig.json",
         "fixtures/expected/messages/sprig.json", "tests/test_sprig.py"}


def files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_init_writes_a_project_and_says_what_to_run_next(cli, tmp_path):
    done = cli.invoke(main, ["init", str(tmp_path / "demo")])
    assert done.exit_code == 0, done.output
    assert files_under(tmp_path / "demo") == BASE
    assert "wrote 8 files" in done.output and "segfn replay" in done.output and "pytest" in done.output


def test_init_sprig_adds_the_sprig_function_its_insert_functions_fixtures_and_tests(cli, tmp_path):
    done = cli.invoke(main, ["init", "--sprig", str(tmp_path)])
    assert done.exit_code == 0, done.output
    assert files_under(tmp_path) == BASE | SPRIG
    workspace = (tmp_path / "workspace.toml").read_text()
    assert workspace.startswith((TEMPLATES / "base" / "workspace.toml").read_text())
    assert 'function = "functions/sprig.py"' in workspace and 'insert_function = "functions/drop_bots.py"' in workspace


@pytest.mark.parametrize("name", ["sprig.py", "drop_bots.py", "scrub_pii.py"])
def test_the_sprig_templates_are_this_repositorys_functions(name):
    assert project_files(sprig=True)[f"functions/{name}"] == (REPO / "functions" / name).read_bytes(), \
        f"copy functions/{name} to segfn/templates/init/sprig/functions/ (then regenerate the template's golden)"


def test_init_refuses_to_overwrite_and_writes_nothing_then_force_overwrites(cli, tmp_path):
    (tmp_path / "functions").mkdir()
    (tmp_path / "functions" / "example_insert.py").write_text("mine\n")
    (tmp_path / ".gitignore").write_text("mine\n")
    done = cli.invoke(main, ["init", str(tmp_path)])
    assert done.exit_code == 2
    assert "would overwrite 2 existing files" in done.output
    assert "functions/example_insert.py" in done.output and ".gitignore" in done.output and "--force" in done.output
    assert files_under(tmp_path) == {"functions/example_insert.py", ".gitignore"}  # nothing else written
    assert (tmp_path / ".gitignore").read_text() == "mine\n"

    forced = cli.invoke(main, ["init", "--force", str(tmp_path)])
    assert forced.exit_code == 0, forced.output
    assert "(2 overwritten)" in forced.output
    assert (tmp_path / ".gitignore").read_bytes() == project_files()[".gitignore"]


def test_a_file_where_a_folder_goes_is_refused_even_with_force(cli, tmp_path):
    (tmp_path / "functions").write_text("not a folder")
    done = cli.invoke(main, ["init", "--force", str(tmp_path)])
    assert done.exit_code == 2
    assert "a file where segfn init puts a folder" in done.output and "nothing was written" in done.output
    assert files_under(tmp_path) == {"functions"}


def test_init_into_a_file_is_a_usage_error(cli, tmp_path):
    (tmp_path / "demo").write_text("")
    done = cli.invoke(main, ["init", str(tmp_path / "demo")])
    assert done.exit_code == 2
    assert "demo" in done.output


def test_the_ci_workflow_replays_tests_builds_checks_and_dry_runs_deploy_in_that_order():
    workflow = yaml.safe_load(project_files()[".github/workflows/segfn.yml"])
    [job] = workflow["jobs"].values()
    runs = [step["run"] for step in job["steps"] if "run" in step]
    commands = ["segfn replay", "python -m pytest", "segfn build", "segfn check", "segfn deploy --dry-run"]
    assert runs[1:] == commands
    from importlib.metadata import version
    assert f'"segfn=={version("segfn")}"' in runs[0]  # the segfn that wrote the project
    deploy = job["steps"][-1]
    assert deploy["if"] == "${{ env.SEGMENT_API_TOKEN != '' }}"
    assert job["env"]["SEGMENT_API_TOKEN"] == "${{ secrets.SEGMENT_API_TOKEN }}"
    assert any("setup-node" in step.get("uses", "") for step in job["steps"])  # segfn check runs Node


@pytest.mark.parametrize("sprig", [False, True], ids=["base", "sprig"])
def test_the_new_project_replays_against_its_goldens_and_its_tests_pass(cli, tmp_path, monkeypatch, sprig):
    project = tmp_path / "demo"
    assert cli.invoke(main, ["init", str(project), *(["--sprig"] if sprig else [])]).exit_code == 0
    monkeypatch.chdir(project)
    replayed = cli.invoke(main, ["replay", "-j", "1"])
    assert replayed.exit_code == 0, replayed.output + (
        "\nWhen replay changed on purpose, regenerate the template's goldens: segfn init --sprig DIR, then in DIR "
        "segfn replay --update, and copy DIR/fixtures/expected/ over segfn/templates/init/*/fixtures/expected/")
    assert "0 differ, 0 missing" in replayed.output
    env = {k: v for k, v in os.environ.items() if k not in ("PYTEST_ADDOPTS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD")}
    tested = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"],
                            cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert f"{15 if sprig else 9} passed" in tested.stdout


@settings(max_examples=40, deadline=None)
@given(st.sets(st.sampled_from(sorted(project_files(sprig=True)))), st.booleans(), st.booleans())
def test_init_writes_everything_or_nothing_and_force_leaves_the_templates(existing, sprig, force):
    files = project_files(sprig=sprig)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "p"
        for relative in existing:
            (root / relative).parent.mkdir(parents=True, exist_ok=True)
            (root / relative).write_text("mine\n")
        before = {p: (root / p).read_bytes() for p in files_under(root)} if root.exists() else {}
        in_the_way = sorted(p for p in existing if p in files)
        try:
            written = write(root, files, force=force)
        except InitError as error:
            assert in_the_way and not force and error.exit_code == 2
            assert all(p in str(error) for p in in_the_way)
            assert {p: (root / p).read_bytes() for p in files_under(root)} == before
        else:
            assert force or not in_the_way
            assert sorted(written.replaced) == in_the_way
            assert all((root / p).read_bytes() == content for p, content in files.items())
            assert files_under(root) == set(files) | existing
