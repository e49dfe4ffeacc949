"""The web debugger can be read: every outcome, stage decision, attempt result and state label has text
and background colours at a WCAG contrast of at least 4.5:1 (computed by Chromium from the real
stylesheet), a filtered message's detail says where and why it stopped and that no function ran, the
raw message keeps the order it was received in, and times carry their date."""

from __future__ import annotations

import json
import re
import shutil

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from segfn.emulator.server.debugger import badge
from tests.conftest import REPO
from tests.server.conftest import API_KEY, SPRIG_LIKE, WRITE_KEY, fn, wait_for

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
# Every label the debugger shows: outcomes and delivery states, stage decisions, attempt results, message
# states, the list's own words, and one it has never heard of.
LABELS = ["delivered", "filtered", "discarded", "rejected", "retrying", "pending", "in_flight", "waiting", "routing",
          "pass", "retry", "changed", "interrupted", "final", "in progress", "something new"]

pytestmark = pytest.mark.skipif(shutil.which(CHROMIUM) is None,
                                reason="Debian's chromium is missing; `make test` installs it")

# Each label's text colour and the background it is drawn on (the nearest ancestor with one), as Chromium
# computes them.
COLOURS = """els => els.map(e => {
  let back = e, bg = "rgba(0, 0, 0, 0)";
  while (back && (bg = getComputedStyle(back).backgroundColor) === "rgba(0, 0, 0, 0)") back = back.parentElement;
  return {text: e.textContent, cls: e.className, color: getComputedStyle(e).color, bg: bg};
})"""


def luminance(rgb: str) -> float:
    """WCAG 2 relative luminance of a CSS ``rgb(r, g, b)`` (opaque) colour."""
    r, g, b = (int(v) / 255 for v in re.findall(r"\d+(?:\.\d+)?", rgb)[:3])
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_of_a_known_pair():  # the checker itself: WCAG's own extremes and a grey-on-grey pill
    assert round(contrast("rgb(0, 0, 0)", "rgb(255, 255, 255)"), 1) == 21.0
    assert contrast("rgb(117, 117, 117)", "rgb(117, 117, 117)") == 1.0


def unreadable(labels: list[dict]) -> list[str]:
    return [f"{x['text']!r} ({x['cls']}): {x['color']} on {x['bg']} = {contrast(x['color'], x['bg']):.2f}"
            for x in labels if contrast(x["color"], x["bg"]) < 4.5 or not x["text"].strip()]


@pytest.fixture
def browser():
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        launched.close()


@pytest.fixture
def server(serve):
    """A workspace where messages end in every outcome: delivered, filtered at each stage, discarded,
    rejected, retrying (a host that refuses connections) and waiting (a batch that is not full yet)."""
    return serve([
        {**SPRIG_LIKE, "insert_function": fn("tag_insert"),
         "filters": [{"if": 'event = "Test Event"', "actions": [{"type": "DROP"}]}]},
        {"name": "Marketing", "function": fn("sprig_like"), "insert_function": str(REPO / "functions" / "drop_bots.py"),
         "settings": {"apiKey": API_KEY}},
        {"name": "Flaky", "function": fn("echo"), "settings": {"url": "http://127.0.0.1:9/refused"}},
        {"name": "Batched", "function": fn("batching"), "sources": ["web"]},
    ], batch_wait=3600)


def send(url: str, kind: str, body: dict) -> None:
    answer = requests.post(f"{url}/v1/{kind}", data=json.dumps(body), auth=(WRITE_KEY, ""), timeout=10,
                           headers={"Content-Type": "application/json"})
    assert answer.status_code in (200, 400), answer.text


def fill(server) -> None:
    send(server.url, "track", {"userId": "ada", "event": "Survey Shown", "messageId": "ok-1"})
    send(server.url, "track", {"userId": "bob", "event": "Test Event", "messageId": "dropped-1"})
    send(server.url, "identify", {"userId": "cy", "messageId": "io-1", "integrations": {"All": False}})
    send(server.url, "track", {"anonymousId": "anon", "event": "Survey Shown", "messageId": "anon-1",
                               "context": {"userAgent": "Googlebot/2.1"}})
    send(server.url, "track", {"event": "no user"})  # rejected by the Tracking API
    wait_for(lambda: server.local.store.stats().get("messages", 0) >= 5)


def test_every_label_is_readable_in_chromium(server, browser):
    fill(server)
    page = browser.new_page()
    seen: list[dict] = []
    page.goto(server.url + "/")
    expect(page.locator("#rows tr.message")).to_have_count(5, timeout=15_000)
    expect(page.locator("#rows")).to_contain_text("Flaky: retrying", timeout=15_000)
    expect(page.locator("#rows")).to_contain_text("Batched: pending")
    seen += page.locator(".badge").evaluate_all(COLOURS)
    for seq in range(1, 6):
        page.goto(f"{server.url}/messages/{seq}")
        seen += page.locator(".badge").evaluate_all(COLOURS)
    page.goto(server.url + "/destinations")
    expect(page.locator("#summary .totals").first).to_contain_text("delivered", timeout=10_000)
    seen += page.locator(".badge").evaluate_all(COLOURS)
    shown = {x["cls"] for x in seen}
    for label in ("delivered", "filtered", "discarded", "rejected", "retrying", "pending", "pass", "changed",
                  "retry", "final", "in progress", "waiting"):
        assert badge(label) in shown, f"no {label!r} label was shown: {sorted(shown)}"
    assert unreadable(seen) == []

    # Every label the code can produce, in the real stylesheet, named by the page's own script.
    made = page.evaluate("""labels => labels.map(label => {
      const b = badge(label, label); document.querySelector("main").appendChild(b); return b.className; })""",
                         LABELS)
    assert made == [badge(label) for label in LABELS]  # debugger.js and the templates name labels alike
    assert unreadable(page.locator("main > .badge").evaluate_all(COLOURS)) == []


def test_a_filtered_messages_detail_says_where_why_and_that_no_function_ran(server):
    fill(server)
    wait_for(lambda: all(d["final"] for m in server.messages() for d in m["deliveries"]  # all but the two
                         if d["destination"] not in ("Flaky", "Batched")))                # that never end here
    by_id = {m["messageId"]: m["seq"] for m in server.messages()}
    io = requests.get(f"{server.url}/messages/{by_id['io-1']}", timeout=10).text
    assert ("Filtered at the integrations object: integrations.All is false and no key names this destination. "
            "It stopped there: no function ran (neither an insert function nor the destination function).") in io
    assert "not run yet" not in io
    dropped = requests.get(f"{server.url}/messages/{by_id['dropped-1']}", timeout=10).text
    assert "Filtered at a destination filter: dropped by destination filter 0" in dropped
    assert "no function ran" in dropped
    bot = requests.get(f"{server.url}/messages/{by_id['anon-1']}", timeout=10).text
    assert "Filtered at the insert function: DropEvent: bot user agent (matched &#39;bot&#39;). " \
           "The destination function did not run." in bot


def test_the_raw_message_keeps_the_received_order_and_times_carry_the_date(server, browser):
    body = ('{"batch": [{"userId": "zed", "type": "track", "event": "Z", "properties": {"zeta": 1, "alpha": 2},'
            ' "messageId": "order-1", "context": {"z": 1, "a": 2}}],'
            ' "context": {"library": {"name": "analytics-python"}, "b": 3}, "writeKey": "%s"}' % WRITE_KEY)
    assert requests.post(server.url + "/v1/batch", data=body, headers={"Content-Type": "application/json"},
                         timeout=10).status_code == 200
    page = browser.new_page()
    page.goto(server.url + "/")
    received = page.locator("#rows tr.message td").first
    expect(received).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$"), timeout=10_000)
    page.locator("#rows a.name").first.click()
    raw = json.loads(page.locator("#raw").text_content(), object_pairs_hook=list)
    keys = [k for k, _ in raw]
    assert keys[:6] == ["userId", "type", "event", "properties", "messageId", "context"]
    assert [k for k, _ in dict(raw)["properties"]] == ["zeta", "alpha"]
    assert [k for k, _ in dict(raw)["context"]] == ["z", "a", "library", "b"]  # the batch's keys after its own
    expect(page.locator("dd time").first).to_have_text(re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{3})? UTC$"))
