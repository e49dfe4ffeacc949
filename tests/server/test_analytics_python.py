"""Real traffic from Segment's own Python library (segment-analytics-python), pointed at the local
server, for every call type and in batches; the mock Sprig behind the product's functions/sprig.py
must end up holding what Sprig would."""

from __future__ import annotations

from datetime import datetime, timezone

from segment.analytics.client import Client

from tests.conftest import REPO
from tests.server.conftest import WRITE_KEY

SPRIG = {"name": "Sprig Cloud", "previous_names": ["Sprig", "UserLeap"], "function": str(REPO / "functions" / "sprig.py"),
         "settings": {"apiKey": "sk-from-analytics-python", "trackAllPages": True}}
WHEN = datetime(2025, 3, 4, 9, 15, 2, 114000, tzinfo=timezone.utc)
WHEN_MS = 1741079702114


def client(url: str, **options) -> Client:
    failures: list = []
    made = Client(write_key=WRITE_KEY, host=url, on_error=lambda error, batch: failures.append(error),
                  max_retries=0, **options)
    made.failures = failures
    return made


def send_every_call_type(analytics: Client) -> None:
    analytics.identify("ada", {"email": "ada@example.com", "plan": "pro", "company": {"name": "Acme"}}, timestamp=WHEN)
    analytics.track("ada", "Survey Viewed", {"survey_id": 7}, timestamp=WHEN)
    analytics.page("ada", "Marketing", "Pricing", {"url": "https://acme.example/pricing"}, timestamp=WHEN)
    analytics.screen("ada", None, "Checkout", {"step": 2}, timestamp=WHEN)
    analytics.group("ada", "acme-inc", {"name": "Acme"}, timestamp=WHEN)
    analytics.alias("anon-1", "ada", timestamp=WHEN)


def test_every_call_type_from_analytics_python_reaches_the_mock_sprig(serve):
    server = serve([SPRIG])
    analytics = client(server.url, sync_mode=True)
    send_every_call_type(analytics)
    assert analytics.failures == []
    server.wait_settled(6)
    sprig = server.local.sprig
    bodies = [r.json for r in sprig.received]
    assert {"userId": "ada", "emailAddress": "ada@example.com",
            "attributes": {"email": "ada@example.com", "plan": "pro", "company.name": "Acme"}} in bodies
    assert {"userId": "ada"} in bodies  # alias
    # track, page and screen reach Sprig as events (on_batch may group a user's track and screen);
    # Segment corrects each timestamp by the client's clock skew (sentAt), so allow a second of it
    events = {e["event"]: e["timestamp"] for b in bodies for e in b.get("events", [])}
    assert set(events) == {"Survey Viewed", "Loaded a Page", "Viewed Marketing Pricing Page", "Checkout"}
    assert all(abs(ts - WHEN_MS) < 1000 for ts in events.values()), events
    assert all(r.headers["Authorization"] == "API-Key sk-from-analytics-python" for r in sprig.received)
    outcomes = {m["type"]: m["deliveries"][0]["outcome"] for m in server.messages()}
    assert outcomes == {"identify": "delivered", "track": "delivered", "page": "delivered",
                        "screen": "delivered", "group": "discarded", "alias": "delivered"}
    user = sprig.user("ada")
    assert user["attributes"]["plan"] == "pro"
    assert sorted(e["event"] for e in user["events"]) == ["Checkout", "Loaded a Page", "Survey Viewed",
                                                          "Viewed Marketing Pricing Page"]


def test_batches_from_analytics_python_are_accepted_whole(serve):
    server = serve([SPRIG])
    analytics = client(server.url, upload_size=25, gzip=True)
    for i in range(100):
        analytics.track(f"user-{i % 10}", "Survey Answered", {"score": i % 10}, timestamp=WHEN)
    analytics.flush()
    analytics.join()
    assert analytics.failures == []
    server.wait_settled(100)
    messages = server.messages(limit=500)
    assert len(messages) == 100 and {m["deliveries"][0]["outcome"] for m in messages} == {"delivered"}
    sprig = server.local.sprig
    sizes = [len(r.json["events"]) for r in sprig.received]
    assert sum(sizes) == 100 and max(sizes) > 1  # on_batch sent one user's events together
    assert all(sprig.user(f"user-{i}")["events"][0]["count"] == 10 for i in range(10))
    assert {m["message"]["context"]["library"]["name"] for m in (server.message(m["seq"]) for m in messages[:3])} \
        == {"analytics-python"}
