"""Tests of the functions, with segfn's pytest plugin (installed with segfn; nothing to import).

segfn_function runs one handler the way Segment runs it; segfn_replay runs fixtures through the whole
emulated pipeline; segfn_stubs answers HTTP requests for one test. Sensitive settings come back masked
(``***``), as in segfn replay's reports.
"""

DESTINATION = "functions/example_destination.py"
INSERT = "functions/example_insert.py"

IDENTIFY = {"type": "identify", "userId": "u-1", "traits": {"email": "ada@acme.example", "plan": "pro"}}
TRACK = {"type": "track", "userId": "u-1", "event": "Signed Up", "properties": {"plan": "pro"},
         "timestamp": "2025-03-01T10:00:00.000Z"}


def test_identify_sends_the_user_and_its_traits(segfn_function):
    call = segfn_function(DESTINATION, IDENTIFY)  # settings: the workspace's for this module
    assert call.outcome == "delivered"
    [request] = call.requests
    assert (request.method, request.url) == ("POST", "https://api.example.com/v1/users")
    assert request.body == {"id": "u-1", "traits": {"email": "ada@acme.example", "plan": "pro"}}
    assert request.headers["Authorization"] == "Bearer ***"  # apiKey is sensitive
    assert call.logs == ("identify u-1: 2 traits",)


def test_settings_can_be_given(segfn_function):
    call = segfn_function(DESTINATION, TRACK, {"apiKey": "k-test", "baseUrl": "https://api.example.com/"})
    assert call.requests[0].url == "https://api.example.com/v1/events"
    assert call.requests[0].body["event"] == "Signed Up"


def test_a_message_without_user_id_is_rejected_before_any_request(segfn_function):
    call = segfn_function(DESTINATION, {"type": "track", "anonymousId": "a-1", "event": "Viewed Pricing"})
    assert call.category == "Message Rejected"
    assert call.requests == ()


def test_a_missing_api_key_is_invalid_settings(segfn_function):
    assert segfn_function(DESTINATION, TRACK, {}).category == "Invalid Settings"


def test_the_api_failing_asks_segment_to_retry(segfn_function, segfn_stubs):
    segfn_stubs.add("https://api.example.com/v1/events", method="POST", sequence=[{"status": 503}, {"status": 200}])
    first = segfn_function(DESTINATION, TRACK)
    assert (first.outcome, first.category) == ("retry", "Retry")
    assert segfn_function(DESTINATION, TRACK).outcome == "delivered"  # the stub's second answer


def test_page_calls_are_not_supported(segfn_function):
    assert segfn_function(DESTINATION, {"type": "page", "userId": "u-1"}).category == "Unsupported Event Type"


def test_the_insert_function_drops_internal_users(segfn_function):
    call = segfn_function(INSERT, {"type": "track", "userId": "u-2", "event": "Signed Up",
                                   "context": {"traits": {"email": "qa@example.com"}}})
    assert call.outcome == "filtered"
    assert call.reason == "internal user (@example.com)"


def test_the_insert_function_removes_the_ip_address(segfn_function):
    call = segfn_function(INSERT, {**TRACK, "context": {"ip": "203.0.113.7", "locale": "en-GB"}})
    assert call.event["context"] == {"locale": "en-GB"}


def test_every_fixture_matches_its_golden(segfn_replay):
    report = segfn_replay()  # fixtures/, as `segfn replay` runs them
    assert report.ok, report.explain()
    assert report.outcome("example-internal-1", "Example API").stage == "insert_function"
