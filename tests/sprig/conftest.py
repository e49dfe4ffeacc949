"""Run Sprig's functions against the mock Sprig API and read back what the mock received."""

from __future__ import annotations

from typing import Any

import pytest

from segfn.emulator.runner import Invocation, Runner, load_function
from segfn.emulator.sprig import MockSprig
from tests.conftest import REPO

SPRIG = load_function(REPO / "functions" / "sprig.py")
SETTINGS = {"apiKey": "test-key"}


@pytest.fixture
def sprig() -> MockSprig:
    return MockSprig(api_keys={"test-key"})


@pytest.fixture
def call(sprig):
    """``call(event, via=mock, **settings)``: invoke functions/sprig.py on one event (a list: on_batch),
    against the ``sprig`` fixture's mock unless ``via`` names another."""
    runner = Runner()

    def invoke(event: Any, via: MockSprig | None = None, **settings: Any) -> Invocation:
        merged = {**SETTINGS, **settings}
        transport = (via or sprig).transport
        if isinstance(event, list):
            return runner.invoke_batch(SPRIG, event, merged, transport)
        return runner.invoke(SPRIG, event, merged, transport)

    yield invoke
    runner.close()


def sent(sprig: MockSprig) -> list[Any]:
    """The JSON bodies the mock received, in order."""
    return [r.json for r in sprig.received]
