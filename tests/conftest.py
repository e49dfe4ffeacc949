"""Shared helpers: workspaces built from dicts, scenario function modules, a CLI runner."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from segfn.emulator.pipeline import Pipeline
from segfn.emulator.workspace import Workspace, parse_workspace

TESTS = Path(__file__).parent
SCENARIOS = TESTS / "functions"
REPO = TESTS.parent


def scenario(name: str) -> str:
    """Absolute path of a scenario function module in tests/functions/."""
    return str(SCENARIOS / f"{name}.py")


# behave.py's "fetch" posts here; replay answers only what a stub answers
COLLECT_STUB = {"method": "POST", "url": "https://api.example.com/collect", "json": {}}


def workspace(destinations: list[dict[str, Any]] | None = None, *, stubs: list[dict[str, Any]] | None = None,
              **source: Any) -> Workspace:
    """A one-source workspace named Acme; destinations default to one running tests/functions/behave.py,
    stubs to one answering behave.py's fetch."""
    data = {
        "name": "Acme",
        "sources": [{"name": "web", "write_key": "wk", **source}],
        "destinations": destinations if destinations is not None else [
            {"name": "Behave", "function": scenario("behave"), "settings": {"apiKey": "s3cr3t-canary"}}],
        "stubs": [COLLECT_STUB] if stubs is None else stubs,
    }
    return parse_workspace(data, root=REPO, env={})


def message(kind: str = "track", **fields: Any) -> dict[str, Any]:
    base = {"type": kind, "userId": "u1", "messageId": f"m-{kind}-{fields.get('event', '')}",
            "timestamp": "2025-03-01T10:00:00.000Z"}
    if kind == "track":
        base["event"] = "Clicked"
    base.update(fields)
    return base


def run(pipeline: Pipeline, msg: dict[str, Any]):
    """Ingest one message as a /v1/<type> call and process it; returns its outcomes."""
    ingested = pipeline.ingest(msg["type"], msg, received=datetime(2025, 3, 1, 10, 0, 1, tzinfo=timezone.utc))
    assert not ingested.rejected, ingested.rejected
    return [o for m, _ in ingested.accepted for o in pipeline.process(m, ingested.source)]


@pytest.fixture
def cli() -> CliRunner:
    return CliRunner()


@pytest.fixture
def pipeline_for():
    """Build pipelines and close their runners afterwards."""
    made: list[Pipeline] = []

    def build(ws: Workspace, **options: Any) -> Pipeline:
        made.append(Pipeline(ws, **options))
        return made[-1]

    yield build
    for p in made:
        p.close()
