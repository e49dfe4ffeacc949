"""The corpus (issue 13): real-world functions written as ordinary Python, each compiled as written and
checked against CPython by ``segfn check``'s own machinery on its realistic events
(tests/compiler/corpus/fixtures/), its realistic settings and the APIs' realistic answers
(tests/compiler/corpus/workspace.toml's stubs), then on generated messages, settings and every kind of
HTTP answer, steered by coverage.

Twenty are ports of the destinations in Segment's public functions library (segmentio/functions-library:
Slack, Datadog, Sift, ipstack, Zendesk, Wavefront, New Relic, Twilio, Airtable, Follow-along,
SalesLoft, Optimizely, Pipedrive, SendGrid, Radar, Retrack, Lob, Qualtrics, Demandbase, Adobe
Target), rewritten the way a Python developer writes them; two are a data engineer's
insert functions (an order normaliser with datetimes, dataclasses and an exception class; an event
router with ``match``, the walrus, ``next`` and ``str.translate``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from segfn.compiler import compile_module
from segfn.compiler.check import describe
from segfn.compiler.steering import Budget, check_bundle

CORPUS = Path(__file__).with_name("corpus")
MODULES = sorted(p.stem for p in (CORPUS / "functions").glob("*.py"))
# Segment allows 25 functions per workspace: the corpus spreads its functions over workspace*.toml


def workspace_of(name: str) -> Path:
    """A corpus workspace whose destinations use ``functions/<name>.py`` (as function or insert function)."""
    found = [p.name for p in sorted(CORPUS.glob("workspace*.toml"), key=lambda p: p.name != "workspace.toml")
             if f'"functions/{name}.py"' in p.read_text(encoding="utf-8")]
    assert found, name
    return Path(found[0])  # workspace.toml first (new_relic_events is also the destination of inserts elsewhere)


def test_the_corpus_holds_a_dozen_ports_and_the_transforms():
    assert len(MODULES) >= 30
    for name in MODULES:
        assert (CORPUS / "fixtures" / f"{name}.json").is_file(), name
        workspace_of(name)  # each in one workspace, with its settings and its APIs' stubs


@pytest.mark.parametrize("name", MODULES)
def test_each_compiles_as_written_and_agrees_with_cpython(harness, name, monkeypatch):
    monkeypatch.chdir(CORPUS)  # the workspace's paths are the project's, as segfn check runs them
    bundle = compile_module(Path("functions") / f"{name}.py")
    # a case budget, no time limit: the cases run do not depend on the machine's load
    run = check_bundle(bundle, harness, Budget(cases=150, seconds=1e9), workspace_file=workspace_of(name),
                       fixtures=Path("fixtures") / f"{name}.json", seed=13)
    try:
        outcome = run.outcome
        assert outcome.cases > 20, outcome
        # Python and the bundle must agree; an answer that changes with the developer's time zone (a
        # naive timestamp's .timestamp()) is the check's warning, not a difference: every place a
        # function runs is UTC, as Segment is
        differences = [d for d in outcome.differences if not d.time_zone]
        assert not differences, "\n\n".join(describe(d, run.fn, run.checker.settings) for d in differences[:5])
    finally:
        run.checker.close()


def test_a_workspace_that_does_not_load_stops_the_check_instead_of_losing_its_stubs(cli, tmp_path, monkeypatch):
    """The corpus once grew to 30 functions in one workspace, over Segment's 25: the check dropped the
    workspace's stubs and settings without a word and passed on generated answers alone (the
    Optimizely port reached 41% of its lines). A workspace that does not load is now exit 2, named."""
    from segfn.cli import main

    monkeypatch.chdir(CORPUS)
    (tmp_path / "functions").symlink_to(CORPUS / "functions")  # the workspace's paths are relative to it
    bad = tmp_path / "workspace.toml"
    bad.write_text((CORPUS / "workspace.toml").read_text(encoding="utf-8")
                   + (CORPUS / "workspace-more.toml").read_text(encoding="utf-8").split("[[sources]]")[1]
                   .split("\n", 3)[3], encoding="utf-8")
    result = cli.invoke(main, ["check", "functions/retrack.py", "--workspace", str(bad), "-n", "5",
                               "-o", str(tmp_path / "dist"), "--fixtures", "fixtures/retrack.json"])
    assert result.exit_code == 2, result.output
    assert "Segment allows 25 functions per workspace" in result.stderr, result.stderr
