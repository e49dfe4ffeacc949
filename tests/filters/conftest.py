"""The tsub oracle (one Node process per test worker) and the differential tests' case counts.

A hypothesis profile chosen by the ``CI`` environment variable sets how many examples each
differential test runs; every example is a batch of cases sent to Node in one line. CI runs at least
20,000 cases in all (see CASES); a local run is quicker.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

from .oracle import TsubOracle

CI = os.environ.get("CI", "").lower() not in ("", "0", "false", "no")

settings.register_profile("filters-ci", max_examples=250, deadline=None, derandomize=True, database=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.register_profile("filters-dev", max_examples=40, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
PROFILE = settings.get_profile("filters-ci" if CI else "filters-dev")

# cases per example, per differential test: CI total = 250 * (40 + 25 + 15) = 20,000
BATCH = {"matches": 40, "transform": 25, "route": 15}


@pytest.fixture(scope="session")
def oracle():
    tsub = TsubOracle()
    yield tsub
    tsub.close()
