"""drop_bots and scrub_pii, as the runner calls them before Sprig."""

from __future__ import annotations

import pytest

from segfn.emulator.runner import Runner, load_function
from segfn.emulator.transport import AnswerOk
from tests.conftest import REPO

DROP_BOTS = load_function(REPO / "functions" / "drop_bots.py")
SCRUB_PII = load_function(REPO / "functions" / "scrub_pii.py")


@pytest.fixture
def run():
    runner = Runner()
    yield lambda fn, event, **settings: runner.invoke(fn, event, settings, AnswerOk())
    runner.close()


def page(agent=None):
    event = {"type": "page", "userId": "u", "name": "Home", "context": {}}
    if agent is not None:
        event["context"]["userAgent"] = agent
    return event


@pytest.mark.parametrize("agent", [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36",
    "python-requests/2.32.3", "curl/8.5.0", "Mozilla/5.0 (compatible; AhrefsBot/7.0)",
    "facebookexternalhit/1.1", "Mozilla/5.0 (compatible; bingbot/2.0)",
])
def test_bot_user_agents_are_dropped(run, agent):
    result = run(DROP_BOTS, page(agent))
    assert result.dropped and "bot user agent" in str(result.exception)


@pytest.mark.parametrize("agent", [
    None, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
    "Mozilla/5.0 (Linux; Android 13; CUBOT KINGKONG 9) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36",
])
def test_people_and_events_without_a_user_agent_pass_unchanged(run, agent):
    result = run(DROP_BOTS, page(agent))
    assert result.ok and result.returned == page(agent)


def test_extra_and_allow_patterns(run):
    assert run(DROP_BOTS, page("AcmeMonitor/1.0"), extraPatterns=["acmemonitor"]).dropped
    assert run(DROP_BOTS, page("PartnerBot/2.0 (ours)"), allowPatterns=["partnerbot"]).ok


def test_deletion_requests_always_pass(run):
    assert run(DROP_BOTS, {"type": "delete", "userId": "u", "context": {"userAgent": "curl/8"}}).ok


def test_default_pii_fields_are_removed_and_nothing_else_changes(run):
    event = {"type": "identify", "userId": "u", "context": {"ip": "203.0.113.7", "locale": "fr-FR"},
             "traits": {"email": "a@b.c", "phone": "+33", "address": {"city": "Paris"}, "plan": "pro"}}
    result = run(SCRUB_PII, event)
    assert result.returned == {"type": "identify", "userId": "u", "context": {"locale": "fr-FR"},
                               "traits": {"email": "a@b.c", "plan": "pro"}}
    assert event["context"]["ip"] == "203.0.113.7"  # the input is not changed in place
    assert result.logs == ("scrub_pii: removed context.ip, traits.phone, traits.address",)


def test_configured_fields_replace_the_defaults(run):
    event = {"type": "track", "userId": "u", "event": "E", "context": {"ip": "1.2.3.4"},
             "properties": {"order": {"coupon": "X", "total": 3}, "email": "a@b.c"}}
    result = run(SCRUB_PII, event, fields=["properties.order.coupon", "missing.path"])
    assert result.returned["properties"] == {"order": {"total": 3}, "email": "a@b.c"}
    assert result.returned["context"] == {"ip": "1.2.3.4"}
