"""Segment's analytics-node (the npm package pinned in tests/js/package.json) in real Node against
``segfn serve``, changed in nothing but ``host``: every call type arrives with its outcome, and an
outage (the server stopped, restarted on the same port and database) loses nothing, because the
library retries the batch (with ``X-Retry-Count``) until the server is back."""

from __future__ import annotations

import json
import subprocess
import time
from typing import Any

import pytest

from tests.conftest import REPO
from tests.server.conftest import WRITE_KEY

JS = REPO / "tests" / "js"
CLIENT = JS / "analytics_node_client.js"
WHEN_MS = 1741079702114  # the timestamp every call carries (2025-03-04T09:15:02.114Z)

pytestmark = pytest.mark.skipif(not (JS / "node_modules" / "@segment" / "analytics-node").is_dir(),
                                reason="tests/js/node_modules is missing; `make test` runs npm ci there")

SPRIG = {"name": "Sprig Cloud", "previous_names": ["Sprig", "UserLeap"], "function": str(REPO / "functions" / "sprig.py"),
         "settings": {"apiKey": "sk-from-analytics-node", "trackAllPages": True}}
# the same outcomes as analytics-python's and analytics.js's calls: Sprig has no groups
OUTCOMES = {"identify": "delivered", "track": "delivered", "page": "delivered", "group": "discarded",
            "alias": "delivered"}


def start_client(url: str) -> subprocess.Popen:
    return subprocess.Popen(["node", str(CLIENT), url, WRITE_KEY], cwd=JS, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def finish(client: subprocess.Popen, timeout: float = 90) -> dict[str, Any]:
    out, err = client.communicate(timeout=timeout)
    assert client.returncode == 0, err
    return json.loads(out)


def check_arrived(server, report: dict[str, Any]) -> None:
    assert report["version"] == "3.1.0"  # the version pinned in tests/js/package.json
    assert report["errors"] == [] and [s["error"] for s in report["sent"]] == [None] * 5
    server.wait_settled(5)
    messages = {m["messageId"]: m for m in server.messages(limit=1000)}
    assert len(messages) == 5 and set(messages) == {s["messageId"] for s in report["sent"]}  # once each
    assert {m["type"]: m["deliveries"][0]["outcome"] for m in messages.values()} == OUTCOMES
    for summary in messages.values():
        body = server.message(summary["seq"])["message"]
        assert body["context"]["library"] == {"name": "@segment/analytics-node", "version": "3.1.0"}
    user = server.local.sprig.user("ada")
    assert user["attributes"]["plan"] == "pro" and user["attributes"]["company.name"] == "Acme"
    assert sorted(e["event"] for e in user["events"]) == ["Loaded a Page", "Survey Viewed",
                                                          "Viewed Marketing Pricing Page"]
    # Segment corrects each timestamp by the client's clock skew (sentAt): allow a second of it
    stamps = [e["timestamp"] for r in server.local.sprig.received for e in r.json.get("events", [])]
    assert len(stamps) == 3 and all(abs(ts - WHEN_MS) < 1000 for ts in stamps), stamps


def test_analytics_node_with_only_host_changed_sends_every_call_to_segfn(serve):
    server = serve([SPRIG])
    report = finish(start_client(server.url))
    check_arrived(server, report)
    assert report["requests"] == 1 and report["retries"] == []  # one /v1/batch, accepted first time


def test_analytics_node_retries_through_an_outage_and_nothing_is_lost(serve, tmp_path):
    db = tmp_path / "outage.sqlite"
    first = serve([SPRIG], db=db)
    url, port = first.url, first.port
    first.stop()  # down before the client sends anything
    client = start_client(url)
    time.sleep(4)
    assert client.poll() is None, "analytics-node gave up during a 4-second outage"
    second = serve([SPRIG], db=db, port=port)
    report = finish(client)
    check_arrived(second, report)
    assert report["requests"] >= 2 and report["retries"] == list(range(1, report["requests"]))
