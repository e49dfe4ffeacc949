"""Tests of the Sprig function and its insert functions (segfn init --sprig), against segfn's mock of
Sprig's API: sprig_mock holds the users and events the function created."""

SPRIG = "functions/sprig.py"

IDENTIFY = {"type": "identify", "userId": "u-1", "traits": {"email": "ada@acme.example", "plan": "pro",
                                                           "company": {"name": "Acme"}}}
TRACK = {"type": "track", "userId": "u-1", "event": "Report Exported", "timestamp": "2025-03-02T09:01:00.000Z"}


def test_identify_creates_the_user_with_flattened_traits(segfn_function, sprig_mock):
    call = segfn_function(SPRIG, IDENTIFY)
    assert call.outcome == "delivered"
    user = sprig_mock.users["u-1"]
    assert user["attributes"]["company.name"] == "Acme"
    assert user["attributes"]["!email"] == "ada@acme.example"  # where Sprig keeps the email address


def test_track_counts_the_event(segfn_function, sprig_mock):
    segfn_function(SPRIG, TRACK)
    segfn_function(SPRIG, TRACK)
    assert sprig_mock.events == {"u-1": {"Report Exported": 2}}


def test_sprig_failing_asks_segment_to_retry(segfn_function, sprig_mock):
    sprig_mock.fail(status=503)
    assert segfn_function(SPRIG, TRACK).category == "Retry"
    assert sprig_mock.users == {}


def test_scrub_pii_removes_the_ip_address_and_phone(segfn_function):
    call = segfn_function("functions/scrub_pii.py", {**IDENTIFY, "traits": {"phone": "+44 20 7946 0000"},
                                                     "context": {"ip": "203.0.113.9"}})
    assert call.event["traits"] == {} and call.event["context"] == {}
    assert call.logs == ("scrub_pii: removed context.ip, traits.phone",)


def test_drop_bots_drops_crawlers(segfn_function):
    call = segfn_function("functions/drop_bots.py",
                          {"type": "page", "userId": "u-9", "context": {"userAgent": "Googlebot/2.1"}})
    assert call.outcome == "filtered"


def test_replay_reaches_sprig_for_people_only(segfn_replay, sprig_mock):
    report = segfn_replay("fixtures/messages/sprig.json")
    assert report.ok, report.explain()
    assert set(sprig_mock.users) == {"u-2001", "u-2002"}  # u-crawler was dropped by drop_bots
    assert "phone" not in sprig_mock.users["u-2001"]["attributes"]  # scrub_pii ran first
