"""The check proves itself (issue 14, point 7): mutants of the product's three bundles, on lines whose
Python the check reached, are caught by the check's own cases. CI replays a seeded sample per
function with a fixed case budget (no time limit: the result does not depend on the machine's load);
`python bench/check_mutants.py` runs every mutant with the default budget (BENCHMARKS.md)."""

from __future__ import annotations

import pytest

from segfn.compiler.bundle import compile_module
from segfn.compiler.mutants import MARK, line_sources, marked_bundle, reached_by_display, sample, score, sites
from segfn.compiler.node import NodeHarness
from segfn.compiler.steering import Budget, check_bundle
from tests.conftest import REPO

pytestmark = pytest.mark.node
FUNCTIONS = ["functions/sprig.py", "functions/drop_bots.py", "functions/scrub_pii.py"]
SAMPLE = 20


def test_mutants_are_made_on_the_shipped_bundle_and_only_on_reached_lines():
    marked, real = marked_bundle(REPO / "functions/scrub_pii.py")
    assert MARK.sub("", marked) == real == compile_module(REPO / "functions/scrub_pii.py").js
    sources = line_sources(marked)
    split = next(n for n, line in enumerate((REPO / "functions/scrub_pii.py").read_text().splitlines(), 1)
                 if 'parts = field.split(".")' in line)
    assert any(s == ("functions/scrub_pii.py", split) for s in sources)
    only = sites(marked, {"functions/scrub_pii.py": {split}})
    assert only and {m.source for m in only} == {("functions/scrub_pii.py", split)}
    assert {m.operator for m in sites(marked, {"functions/scrub_pii.py": set(range(200))})} == {
        "comparison", "logical", "constant", "statement"}
    lines = real.splitlines()
    for mutant in only:
        assert mutant.apply(lines) != real


def test_the_check_catches_at_least_90_percent_of_a_seeded_sample_of_mutants(harness, monkeypatch):
    monkeypatch.chdir(REPO)
    caught = total = 0
    survivors = []
    for module in FUNCTIONS:
        bundle = compile_module(module)
        marked, real = marked_bundle(module)
        run = check_bundle(bundle, harness, Budget(cases=400, seconds=1e9), workspace_file=REPO / "workspace.toml",
                           fixtures=REPO / "fixtures/messages", record=True)
        try:
            chosen = sample(sites(marked, reached_by_display(module, run.executed)), SAMPLE, seed=1)
            result = score(run, chosen, real, lambda: NodeHarness(answer_timeout=60))
        finally:
            run.checker.close()
        caught += result.caught
        total += result.mutants
        survivors += result.survivors
    assert total >= 2 * SAMPLE
    assert caught >= 0.9 * total, f"caught {caught} of {total}; survivors:\n" + "\n".join(survivors)


def test_signature_records_are_mutated_only_where_a_call_binds_keywords_at_run_time(tmp_path):
    """``$sig`` records feed only run-time keyword binding: equivalent mutants in sprig.py (whose one
    dynamic call, HANDLERS[kind](event, settings), is positional), real ones where a call through a
    name the compiler cannot resolve passes keywords."""
    source = '''
KIND = "destination"
NAME = "kw"


def shout(text, loud=False):
    return text.upper() if loud else text


PICK = {"a": shout}


async def on_track(event, settings):
    return PICK[event.get("k", "a")]({call})
'''
    reached = {"functions/kw.py": set(range(1, 30))}
    kinds = {}
    for name, call in (("positional", '"x", True'), ("keyword", '"x", loud=True')):
        folder = tmp_path / name / "functions"
        folder.mkdir(parents=True)
        (folder / "kw.py").write_text(source.replace("{call}", call))
        marked, _ = marked_bundle(folder / "kw.py")
        kinds[name] = [m for m in sites(marked, reached) if "$sig(" in marked.splitlines()[m.line]]
    assert kinds["positional"] == [] and kinds["keyword"]
