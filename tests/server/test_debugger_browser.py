"""The web debugger in real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright):
live updates without reloading, the detail page, filtering, event content shown as text, and no
sensitive setting anywhere on the page."""

from __future__ import annotations

import shutil

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from tests.server.conftest import API_KEY, WRITE_KEY

CHROMIUM = "/usr/bin/chromium"
XSS = "<img src=x onerror=alert(1)>"

pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None,
                                reason="Debian's chromium is missing; `make test` installs it")


@pytest.fixture
def browser():
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
        yield launched
        launched.close()


def send(url: str, body: dict) -> None:
    assert requests.post(url + "/v1/track", json=body, auth=(WRITE_KEY, ""), timeout=10).status_code == 200


def test_the_debugger_lists_live_opens_details_filters_and_shows_content_as_text(serve, browser):
    server = serve()
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.url + "/")
    expect(page.locator("#status")).to_contain_text("0 messages")

    send(server.url, {"userId": "ada", "event": "Survey Shown", "messageId": "live-1"})
    rows = page.locator("#rows tr.message")
    expect(rows).to_have_count(1, timeout=10_000)  # appeared without a reload
    expect(rows.first).to_contain_text("Survey Shown")
    expect(rows.first).to_contain_text("Sprig Cloud: delivered", timeout=10_000)

    send(server.url, {"userId": "bob", "event": XSS, "messageId": "xss-1"})
    requests.post(server.url + "/v1/identify", json={"userId": "cy", "traits": {"plan": "pro"}, "messageId": "id-1"},
                  auth=(WRITE_KEY, ""), timeout=10)
    expect(rows).to_have_count(3, timeout=10_000)
    xss_row = page.locator("#rows tr.message", has_text="onerror")
    expect(xss_row.locator("a.name")).to_have_text(XSS)  # the literal text, not an image
    assert page.locator("#rows img").count() == 0

    page.select_option("#f-type", "identify")
    expect(rows).to_have_count(1, timeout=10_000)
    expect(rows.first).to_contain_text("cy")
    page.select_option("#f-type", "")
    page.fill("#f-user", "bob")
    expect(rows).to_have_count(1, timeout=10_000)
    page.fill("#f-user", "")
    expect(rows).to_have_count(3, timeout=10_000)

    xss_row.locator("a.name").click()
    expect(page.locator("#title")).to_have_text(XSS)
    expect(page.locator("#raw")).to_contain_text('"event": "<img src=x onerror=alert(1)>"')
    assert page.locator("main img, section img").count() == 0
    page.goto(server.url + "/")
    page.locator("#rows tr.message", has_text="Survey Shown").locator("a.name").click()
    expect(page.locator(".delivery h2")).to_contain_text("Sprig Cloud")
    content = page.content()
    assert API_KEY not in content  # the sensitive apiKey never reaches the debugger
    assert "API-Key ***" in content or "***" in content
    assert dialogs == []


def test_the_event_delivery_page_counts_outcomes_charts_them_and_hides_secrets(serve, browser):
    server = serve()
    send(server.url, {"userId": "ada", "event": "Survey Shown", "messageId": "ok-1"})
    send(server.url, {"anonymousId": "anon-7", "event": "Survey Shown", "messageId": "no-user-1"})  # Sprig needs a userId
    server.wait_settled(2)
    page = browser.new_page()
    page.goto(server.url + "/destinations")
    card = page.locator("#summary section.summary[data-destination='Sprig Cloud']")
    expect(card.locator(".totals")).to_contain_text("delivered 1", timeout=10_000)
    expect(card.locator(".totals")).to_contain_text("discarded 1")
    expect(card.locator(".breakdown")).to_contain_text("Message Rejected: 1")
    expect(card.locator("svg.chart rect")).not_to_have_count(0)  # the chart over time has bars
    page.locator("details summary", has_text="settings").click()
    expect(page.locator("details pre.json").first).to_contain_text('"apiKey": "***"')
    assert API_KEY not in page.content()
    for path in ("/__segfn__/messages?full=1", "/__segfn__/destinations", "/__segfn__/summary",
                 "/__segfn__/messages/1", "/messages/1", "/messages/2"):  # everything the pages load
        answer = requests.get(server.url + path, timeout=10)
        assert answer.status_code == 200 and API_KEY not in answer.text, path
    # not vacuous: the recorded request to Sprig did carry the key, and what is shown is its mask
    assert "API-Key ***" in requests.get(server.url + "/__segfn__/messages/1", timeout=10).text
