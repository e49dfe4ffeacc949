"""The product's own functions compile and `segfn check` finds no difference between each bundle and
its Python on every fixture and on generated cases, reaching most of the Python. CI runs 400 generated
cases per function with no time limit (so the run does not depend on the machine's load); the
default budget's coverage, seconds and mutation score are in BENCHMARKS.md (bench/check_mutants.py)."""

from __future__ import annotations

import json
import os

import pytest

from segfn.cli import main
from tests.conftest import REPO

pytestmark = pytest.mark.node
FUNCTIONS = ["functions/sprig.py", "functions/drop_bots.py", "functions/scrub_pii.py"]
EXAMPLES = os.environ.get("SEGFN_PRODUCT_CHECK_EXAMPLES", "400")


@pytest.mark.parametrize("module", FUNCTIONS)
def test_segfn_check_passes_on_the_product_functions(cli, tmp_path, monkeypatch, module):
    monkeypatch.chdir(REPO)
    result = cli.invoke(main, ["check", module, "-n", EXAMPLES, "--seconds", "100000", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    stem = module.split("/")[-1][:-3]
    stamp = json.loads((tmp_path / f"{stem}.check.json").read_text())
    manifest = json.loads((tmp_path / f"{stem}.json").read_text())
    assert stamp["passed"] is True and stamp["sha256"] == manifest["sha256"]
    assert stamp["cases"] >= 49  # the fixture corpus, then generated cases until coverage stopped growing
    assert stamp["coverage"]["lines"] >= 90 and stamp["coverage"]["branches"] >= 85, stamp["coverage"]
    bundle = (tmp_path / f"{stem}.js").read_text()
    assert "require(" not in bundle and "import " not in bundle.split("\n", 1)[0]
    assert "test-key" not in bundle  # no setting value is ever baked into a bundle
