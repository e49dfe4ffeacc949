"""Replay against the mock Sprig: secrets never leak, and injected failures end delivered after retries."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from segfn.emulator.replay import Replay, replay_pipeline
from segfn.emulator.sprig import Faults, MockSprig
from segfn.emulator.workspace import load_workspace
from segfn.cli import main
from tests.conftest import REPO

CANARY = "sk_live_CANARY_7f3a9e1b2c"


def project(tmp_path: Path) -> Path:
    for name in ("functions", "fixtures"):
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "workspace.toml", tmp_path / "workspace.toml")
    shutil.rmtree(tmp_path / "fixtures" / "expected")
    return tmp_path


def test_the_api_key_never_reaches_goldens_reports_or_logs(cli, tmp_path, monkeypatch, caplog):
    root = project(tmp_path)
    monkeypatch.chdir(root)
    env = {"SPRIG_API_KEY": CANARY, "SPRIG_MARKETING_API_KEY": CANARY}
    caplog.set_level(logging.DEBUG)
    updated = cli.invoke(main, ["replay", "--update"], env=env)
    assert updated.exit_code == 0, updated.output
    table = cli.invoke(main, ["replay"], env=env)
    report = cli.invoke(main, ["replay", "--format", "json"], env=env)
    assert table.exit_code == report.exit_code == 0
    goldens = [p.read_text() for p in (root / "fixtures" / "expected").rglob("*.json")]
    assert len(goldens) >= 11
    assert '"Authorization": "API-Key ***"' in report.output  # the header is there, masked
    for text in [*goldens, updated.output, table.output, report.output, caplog.text]:
        assert CANARY not in text
        assert CANARY[:12] not in text


def test_30_percent_injected_500s_end_delivered_after_retries(tmp_path):
    workspace = load_workspace(REPO / "workspace.toml", env={})
    fixtures = sorted((REPO / "fixtures" / "messages" / "sprig").glob("*.json"))

    def replay(mock: MockSprig) -> dict:
        pipeline = replay_pipeline(workspace, sprig=mock)
        outcomes = {}
        try:
            replay = Replay(pipeline, REPO)
            for path in fixtures:
                replay.run(path, on_outcome=lambda o: outcomes.__setitem__((o.message_id, o.destination, len(outcomes)), o))
        finally:
            pipeline.close()
        return outcomes

    calm = replay(MockSprig())
    stormy_mock = MockSprig(faults=Faults(error_rate=0.3, status=500, seed=11))
    stormy = replay(stormy_mock)
    assert [(k, o.outcome) for k, o in calm.items()] == [(k, o.outcome) for k, o in stormy.items()]
    delivered = [o for o in stormy.values() if o.outcome == "delivered"]
    assert len(delivered) >= 25
    retried = [o for o in delivered if len(o.attempts) > 1]
    assert len(retried) >= 5, "30% failures should have made several messages retry"
    for outcome in retried:
        # Sprig's on_batch: a first attempt holds the whole batch's requests, and one of them failed
        assert all(any(x.status == 500 for x in a.requests) for a in outcome.attempts[:-1])
        assert outcome.attempts[-1].requests[-1].status in (200, 202)
    assert sum(1 for r in stormy_mock.received if r.status == 500) >= 10
    assert sum(len(o.attempts) for o in delivered) > sum(len(o.attempts) for o in calm.values()
                                                        if o.outcome == "delivered")


def _outcomes(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_segfn_replay_sprig_faults_retries_to_the_same_outcomes_and_reports_attempts(cli, monkeypatch):
    monkeypatch.chdir(REPO)
    corpus = "fixtures/messages/sprig"
    calm = cli.invoke(main, ["replay", "--format", "json", corpus], env={})
    stormy = cli.invoke(main, ["replay", "--format", "json", "--sprig-faults",
                               '{"error_rate": 0.3, "status": 500, "seed": 5}', corpus], env={})
    assert calm.exit_code == 0, calm.output
    assert stormy.exit_code == 1  # attempt counts and requests differ from the goldens, as they should
    before, after = _outcomes(calm.output), _outcomes(stormy.output)
    assert [(o["messageId"], o["destination"], o["outcome"]) for o in before] == \
           [(o["messageId"], o["destination"], o["outcome"]) for o in after]
    retried = [o for o in after if o["outcome"] == "delivered" and o["attempts"] > 1]
    assert len(retried) >= 5
    assert all(o["requests"][-1]["status"] in (200, 202) for o in retried)  # the report shows the last attempt
    assert sum(o["attempts"] for o in after) > sum(o["attempts"] for o in before)


@pytest.mark.parametrize("faults, says", [('{"eror_rate": 0.3}', "unknown fault setting"),
                                          ('{"error_rate": 3}', "error_rate must be a number from 0 to 1"),
                                          ("{nope", "not JSON")])
def test_segfn_replay_rejects_bad_sprig_faults_with_exit_2(cli, monkeypatch, faults, says):
    monkeypatch.chdir(REPO)
    result = cli.invoke(main, ["replay", "--sprig-faults", faults, "fixtures/messages/sprig/engage.json"], env={})
    assert result.exit_code == 2 and says in result.output and "Traceback" not in result.output
