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
