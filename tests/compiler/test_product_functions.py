"""The product's own functions compile and `segfn check` finds no difference between each bundle and
its Python on every fixture and on generated messages (CI runs a thousand per function; the
10,000-message run is in BENCHMARKS.md)."""

from __future__ import annotations

import json
import os

import pytest

from segfn.cli import main
from tests.conftest import REPO

pytestmark = pytest.mark.node
FUNCTIONS = ["functions/sprig.py", "functions/drop_bots.py", "functions/scrub_pii.py"]
EXAMPLES = os.environ.get("SEGFN_PRODUCT_CHECK_EXAMPLES", "1000")


@pytest.mark.parametrize("module", FUNCTIONS)
def test_segfn_check_passes_on_the_product_functions(cli, tmp_path, monkeypatch, module):
    monkeypatch.chdir(REPO)
    result = cli.invoke(main, ["check", module, "-n", EXAMPLES, "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    stem = module.split("/")[-1][:-3]
    stamp = json.loads((tmp_path / f"{stem}.check.json").read_text())
    manifest = json.loads((tmp_path / f"{stem}.json").read_text())
    assert stamp["passed"] is True and stamp["sha256"] == manifest["sha256"]
    assert stamp["cases"] >= int(EXAMPLES) + 49  # the generated messages plus the fixture corpus
    bundle = (tmp_path / f"{stem}.js").read_text()
    assert "require(" not in bundle and "import " not in bundle.split("\n", 1)[0]
    assert "test-key" not in bundle  # no setting value is ever baked into a bundle
