"""``DESCRIPTION`` in a function module is the description ``segfn deploy`` sends (else the docstring's
first paragraph), compiled by the real ``segfn build``."""

from __future__ import annotations

import json

from segfn.cli import main
from tests.conftest import REPO


def test_deploy_sends_the_modules_description(cli, deploy, project, state):
    (project / "functions" / "sprig.py").write_text((REPO / "functions" / "sprig.py").read_text())
    declared = next(line for line in (project / "functions" / "sprig.py").read_text().splitlines()
                    if line.startswith("DESCRIPTION = "))
    built = cli.invoke(main, ["build", "functions/sprig.py"])
    assert built.exit_code == 0, built.output
    manifest = json.loads((project / "dist" / "sprig.json").read_text())
    assert f"DESCRIPTION = {json.dumps(manifest['description'])}" == declared
    result = deploy("--force", "sprig")
    assert result.exit_code == 0, result.output
    [created] = state.functions
    assert created["description"] == manifest["description"]


def test_without_description_the_docstrings_first_paragraph_is_used_and_a_computed_one_is_refused(cli, project):
    module = project / "functions" / "plain.py"
    module.write_text('"""Sends orders\nto the warehouse.\n\nMore detail."""\n'
                      'KIND = "destination"\nNAME = "Plain"\n\ndef on_track(event, settings):\n    return None\n')
    assert cli.invoke(main, ["build", "functions/plain.py"]).exit_code == 0
    assert json.loads((project / "dist" / "plain.json").read_text())["description"] == "Sends orders to the warehouse."
    module.write_text(module.read_text() + 'DESCRIPTION = "a" + "b"\n')
    refused = cli.invoke(main, ["build", "functions/plain.py"])
    assert refused.exit_code == 2
    assert "functions/plain.py:10:15: DESCRIPTION must be a string literal" in refused.output
