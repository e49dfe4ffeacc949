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


def test_the_corpus_holds_a_dozen_ports_and_the_transforms():
    assert len(MODULES) >= 22
    for name in MODULES:
        assert (CORPUS / "fixtures" / f"{name}.json").is_file(), name


@pytest.mark.parametrize("name", MODULES)
def test_each_compiles_as_written_and_agrees_with_cpython(harness, name, monkeypatch):
    monkeypatch.chdir(CORPUS)  # the workspace's paths are the project's, as segfn check runs them
    bundle = compile_module(Path("functions") / f"{name}.py")
    # a case budget, no time limit: the cases run do not depend on the machine's load
    run = check_bundle(bundle, harness, Budget(cases=150, seconds=1e9), workspace_file=Path("workspace.toml"),
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
