"""Segment's analytics.js (analytics-next, the npm package's browser build) in real headless Chromium
against ``segfn serve``, changed in nothing but ``cdnURL``: it loads its settings document from
segfn, sends every call type there from a page on another origin, and across an outage keeps its
events and retries them (with ``X-Retry-Count``) until segfn is back.

No request interception: Playwright only watches requests, so the browser enforces CORS exactly as
it would on a real site."""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import time
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import REPO
from segfn.emulator.local import LocalSegment
from tests.server.conftest import SPRIG_LIKE, WRITE_KEY, wait_for

CHROMIUM = "/usr/bin/chromium"
# The UMD build of the npm package (webpack's library "AnalyticsNext", exporting AnalyticsBrowser),
# pinned in tests/js/package.json. dist/umd/standalone.js is the snippet's analytics.min.js instead.
BUILD = REPO / "tests" / "js" / "node_modules" / "@segment" / "analytics-next" / "dist" / "umd" / "index.js"

pytestmark = [
    pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian's chromium is missing; `make test` installs it"),
    pytest.mark.skipif(not BUILD.exists(), reason="tests/js/node_modules is missing; `make test` runs npm ci there"),
]

SPRIG = {"name": "Sprig Cloud", "previous_names": ["Sprig", "UserLeap"], "function": str(REPO / "functions" / "sprig.py"),
         "settings": {"apiKey": "sk-from-analytics-js", "trackAllPages": True}}

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Acme pricing</title><link rel="icon" href="data:,">
<script src="/analytics-next.js"></script></head>
<body><h1>Pricing</h1></body></html>
"""

# The site's own code: what a site writes after `npm install @segment/analytics-next`, with only
# cdnURL added. Each call's promise resolves once analytics.js has sent it (or queued it to retry).
LOAD = """async ({writeKey, cdnURL}) => {
  const [analytics] = await AnalyticsNext.AnalyticsBrowser.load({writeKey, cdnURL});
  window.analytics = analytics;
  return analytics.VERSION;
}"""

SEND = """async () => {
  const a = window.analytics;
  const done = [
    await a.identify('ada', {email: 'ada@example.com', plan: 'pro', company: {name: 'Acme'}}),
    await a.track('Survey Viewed', {survey_id: 7}),
    await a.page('Marketing', 'Pricing'),
    await a.group('acme-inc', {name: 'Acme'}),
    await a.alias('ada', 'anon-1'),
  ];
  return done.map(ctx => ({type: ctx.event.type, messageId: ctx.event.messageId,
                           failed: ctx.failedDelivery() ? String(ctx.failedDelivery().reason) : null}));
}"""

TRACK = """async (name) => {
  const ctx = await window.analytics.track(name);
  return {type: ctx.event.type, messageId: ctx.event.messageId,
          failed: ctx.failedDelivery() ? String(ctx.failedDelivery().reason) : null};
}"""

# What segfn decides for each call, the same as for analytics-python (test_analytics_python.py):
# Sprig has no groups, so the group call is discarded as Unsupported Event Type.
OUTCOMES = {"identify": "delivered", "track": "delivered", "page": "delivered", "group": "discarded",
            "alias": "delivered"}


class Site:
    """The site's own origin: a static file server on another port than segfn (so another origin),
    serving the page and the package's browser build."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "index.html").write_text(PAGE)
        shutil.copy(BUILD, folder / "analytics-next.js")
        handler = functools.partial(_Quiet, directory=str(folder))
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.url = f"http://localhost:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class Watch:
    """Every request the page makes, every answer and every failure, and the console's errors,
    as the browser saw them (observed, never intercepted). Playwright's sync API delivers these
    events only while the test is inside a Playwright call: wait with ``page.wait_for_timeout``."""

    def __init__(self, page) -> None:
        self.requests: list[dict[str, Any]] = []
        self.answers: list[dict[str, Any]] = []
        self.failures: list[str] = []
        self.errors: list[str] = []
        page.on("request", lambda r: self.requests.append(
            {"url": r.url, "method": r.method, "headers": r.headers, "at": time.monotonic()}))
        page.on("response", lambda r: self.answers.append(
            {"url": r.url, "status": r.status, "retry": r.request.headers.get("x-retry-count"),
             "at": time.monotonic()}))
        page.on("requestfailed", lambda r: self.failures.append(f"{r.method} {r.url}: {r.failure}"))
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    made = Site(tmp_path / "site")
    yield made
    made.close()


@pytest.fixture
def browser():
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


def open_site(browser, site: Site, cdn_url: str, *, clock: bool = False):
    page = browser.new_page()
    if clock:
        page.clock.install()  # time flows as usual until the test moves it forward
    watch = Watch(page)
    page.goto(site.url + "/")
    version = page.evaluate(LOAD, {"writeKey": WRITE_KEY, "cdnURL": cdn_url})
    return page, watch, version


def stored(server) -> dict[str, dict[str, Any]]:
    """Every message segfn accepted, by messageId, with its full record."""
    return {m["messageId"]: server.message(m["seq"]) for m in server.messages(limit=1000)}


def only_two_origins(watch: Watch, site: Site, server_url: str) -> None:
    """analytics.js reached nothing but the site and segfn: no telemetry to api.segment.io, no
    bundle or destination from cdn.segment.com."""
    elsewhere = [r["url"] for r in watch.requests
                 if not (r["url"].startswith(site.url + "/") or r["url"].startswith(server_url + "/"))]
    assert elsewhere == []


def test_analytics_js_with_only_cdn_url_changed_sends_every_call_to_segfn(serve, site, browser):
    server = serve([SPRIG])
    page, watch, version = open_site(browser, site, server.url, clock=True)
    assert version == "1.84.3"  # the version pinned in tests/js/package.json

    sent = page.evaluate(SEND)
    assert [s["failed"] for s in sent] == [None] * 5
    assert [s["type"] for s in sent] == list(OUTCOMES)

    server.wait_settled(5)
    messages = stored(server)
    assert set(messages) == {s["messageId"] for s in sent}
    assert {m["type"]: m["deliveries"][0]["outcome"] for m in messages.values()} == OUTCOMES
    for message in messages.values():
        body = message["message"]
        assert body["context"]["library"] == {"name": "analytics.js", "version": "next-1.84.3"}  # the UMD build says "web"
        assert body["writeKey"] == WRITE_KEY  # from the document's Segment.io apiKey
        assert body["context"]["page"]["url"] == site.url + "/"
    # the calls went to the host the settings document named, one letter per type, CORS included
    posted = sorted({r["url"] for r in watch.requests if r["method"] == "POST"})
    assert posted == sorted(f"{server.url}/v1/{t[0]}" for t in OUTCOMES)
    assert [r["url"] for r in watch.requests if r["method"] == "GET" and "/settings" in r["url"]] == \
        [f"{server.url}/v1/projects/{WRITE_KEY}/settings"]
    assert all(a["status"] == 200 for a in watch.answers if a["url"].startswith(server.url))
    # analytics.js's telemetry would go out on its 30-second timer (to api.segment.io): two minutes on
    page.clock.fast_forward(120_000)
    page.wait_for_timeout(500)
    only_two_origins(watch, site, server.url)
    assert watch.failures == [] and watch.errors == []

    sprig = server.local.sprig
    user = sprig.user("ada")
    assert user["attributes"]["plan"] == "pro" and user["attributes"]["company.name"] == "Acme"
    assert sorted(e["event"] for e in user["events"]) == ["Loaded a Page", "Survey Viewed",
                                                          "Viewed Marketing Pricing Page"]
    aliased = messages[sent[4]["messageId"]]["message"]
    assert (aliased["userId"], aliased["previousId"]) == ("ada", "anon-1")


def test_analytics_js_retries_through_an_outage_and_nothing_is_lost(serve, site, browser, tmp_path):
    db = tmp_path / "outage.sqlite"
    first = serve([SPRIG], db=db)
    page, watch, _ = open_site(browser, site, first.url)
    before = page.evaluate(TRACK, "Before Outage")
    assert before["failed"] is None

    first.stop()  # segfn is down: the port refuses connections
    down_at = time.monotonic()
    sent = page.evaluate(SEND)  # each call fails to send and waits in analytics.js's retry queue
    assert [s["failed"] for s in sent] == [None] * 5  # queued, not given up
    page.wait_for_timeout(max(0.0, 4000 - 1000 * (time.monotonic() - down_at)))  # events keep coming meanwhile

    second = serve([SPRIG], db=db, port=first.port)  # back on the same port and database
    back_at = time.monotonic()
    ids = {before["messageId"], *(s["messageId"] for s in sent)}
    wait_for(lambda: page.wait_for_timeout(50) or ids <= set(stored(second)), 60,
             lambda: f"lost: {ids - set(stored(second))}; failures: {watch.failures[-5:]}; errors: {watch.errors[-5:]}")
    page.wait_for_timeout(500)  # the last answers' events reach the watch
    second.wait_settled(6)

    messages = stored(second)
    assert set(messages) == ids and len(second.messages(limit=1000)) == 6  # nothing lost, nothing twice
    assert {m["type"]: m["deliveries"][0]["outcome"] for m in messages.values() if m["messageId"] in
            {s["messageId"] for s in sent}} == OUTCOMES
    # the retries that arrived carried X-Retry-Count, so the preflight allowed it
    retried = [a for a in watch.answers if a["at"] >= back_at and a["retry"] is not None and a["status"] == 200]
    assert {a["url"].rsplit("/", 1)[1] for a in retried} == {t[0] for t in OUTCOMES}
    assert all(int(a["retry"]) >= 1 for a in retried)
    assert not [e for e in watch.errors if "CORS" in e or "Access-Control" in e]
    assert not [f for f in watch.failures if "CORS" in f]
    only_two_origins(watch, site, first.url)


QUEUE = f"persisted-queue:v1:{WRITE_KEY}:dest-Segment.io:items"  # PersistedPriorityQueue's key


def test_events_a_page_left_during_an_outage_are_sent_by_the_next_page_from_local_storage(serve, site, browser,
                                                                                           tmp_path):
    """The visitor moves on while segfn is down: analytics.js writes what it could not send to
    localStorage as the page goes (pagehide), and the next page of the site sends it."""
    db = tmp_path / "outage.sqlite"
    first = serve([SPRIG], db=db)
    page, watch, _ = open_site(browser, site, first.url)
    first.stop()
    sent = page.evaluate(SEND)
    page.goto(site.url + "/index.html?next")  # the old page hides: its queue goes to localStorage
    kept = page.evaluate(f"() => JSON.parse(localStorage.getItem({QUEUE!r}) || '[]')")
    assert sorted(item["event"]["messageId"] for item in kept) == sorted(s["messageId"] for s in sent)

    second = serve([SPRIG], db=db, port=first.port)
    back_at = time.monotonic()
    page.evaluate(LOAD, {"writeKey": WRITE_KEY, "cdnURL": second.url})
    ids = {s["messageId"] for s in sent}
    wait_for(lambda: page.wait_for_timeout(50) or ids <= set(stored(second)), 60,
             lambda: f"lost: {ids - set(stored(second))}")
    page.wait_for_timeout(500)  # the last answers' events reach the watch
    second.wait_settled(5)
    messages = stored(second)
    assert set(messages) == ids and len(second.messages(limit=1000)) == 5
    assert {m["type"]: m["deliveries"][0]["outcome"] for m in messages.values()} == OUTCOMES
    # sent from the new page, each marked as a retry
    assert all(m["message"]["context"]["page"]["search"] == "" for m in messages.values())  # the page that made it
    retried = [a for a in watch.answers if a["at"] >= back_at and a["url"].rsplit("/", 1)[1] in "itpga"]
    assert retried and all(a["status"] == 200 and a["retry"] is not None for a in retried)
    assert page.evaluate(f"() => localStorage.getItem({QUEUE!r})") is None
    only_two_origins(watch, site, first.url)


def test_analytics_js_reads_segfns_retry_after_on_a_429_and_waits_as_told(serve, site, browser, monkeypatch):
    """--max-backlog answers 429 with Retry-After; the browser lets analytics.js read that header
    (Access-Control-Expose-Headers), so it waits as segfn says (a RateLimitError) instead of backing
    off on its own schedule, and the event still arrives."""
    monkeypatch.setattr(LocalSegment, "BACKLOG_EVERY", 0.0)  # read the backlog on every call
    server = serve([SPRIG_LIKE], max_backlog=1)  # no on_batch: a delivery goes out at once
    server.local.worker.stop()  # deliveries wait, so the one accepted call fills the backlog
    page, watch, _ = open_site(browser, site, server.url)
    assert page.evaluate(TRACK, "Accepted")["failed"] is None
    refused = page.evaluate("""async () => {
      const ctx = await window.analytics.track('Refused For Now');
      const sent = ctx.logs().filter(l => l.message === 'Error sending event').map(l => l.extras);
      return {messageId: ctx.event.messageId, errors: sent.map(e => [e.name, e.retryTimeout])};
    }""")
    assert refused["errors"] == [["RateLimitError", 1000]]  # Retry-After: 1, read through CORS
    server.local.worker = type(server.local.worker)(server.local)  # the worker comes back
    server.local.start()
    wait_for(lambda: page.wait_for_timeout(50) or refused["messageId"] in stored(server), 30,
             lambda: f"{[(a['url'], a['status'], a['at']) for a in watch.answers]} {server.local.store.stats()}")
    statuses = [a["status"] for a in watch.answers if a["url"] == server.url + "/v1/t"]
    assert statuses[:2] == [200, 429] and statuses[-1] == 200 and set(statuses[2:-1]) <= {429}  # a slow worker: more 429s
