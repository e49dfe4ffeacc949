"""The control API and the debugger belong to the local user (issue 17, point 4).

Over plain HTTP: Host names other than the server's own are refused (DNS rebinding), state-changing
control calls need the ``X-Segfn-Control`` header and a JSON body and are refused from another
origin or site, HTML pages carry a CSP, ``nosniff`` and ``X-Frame-Options: DENY``, a 401 echoes only
a masked prefix of a bad key, and no answer names the project's absolute folder.

In real Chromium: a page on another origin tries a form POST and ``no-cors`` fetches at every
state-changing call, and a page under a rebinding name tries the control API as "same origin":
every request reaches the server and is refused, and nothing changes in the store.
"""

from __future__ import annotations

import logging
import shutil
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Iterator

import pytest
import requests
from playwright.sync_api import sync_playwright

from segfn.emulator.server.guard import CSP, host_name
from tests.server.conftest import SPRIG_LIKE, WRITE_KEY, fn, write_workspace

CONTROL = {"X-Segfn-Control": "1"}
CHROMIUM = "/usr/bin/chromium"
STATE_CHANGING = [("POST", "/__segfn__/reset"), ("POST", "/__segfn__/reload"), ("POST", "/__segfn__/flush"),
                  ("POST", "/__segfn__/sprig/faults"), ("DELETE", "/__segfn__/sprig/faults"),
                  ("POST", "/__segfn__/replay")]


def send(url: str, message_id: str) -> None:
    answer = requests.post(url + "/v1/track", json={"userId": "ada", "event": "Survey Shown", "messageId": message_id},
                           auth=(WRITE_KEY, ""), timeout=10)
    assert answer.status_code == 200


def test_host_names_are_read_as_browsers_send_them():
    assert [host_name(h) for h in ("127.0.0.1:8787", "LOCALHOST", "[::1]:80", "localhost.", "attacker.example:8787")] \
        == ["127.0.0.1", "localhost", "::1", "localhost", "attacker.example"]


@pytest.mark.parametrize("host", ["attacker.example", "attacker.example:8787", "127.0.0.1.nip.io", "localhost.evil",
                                  "[::2]", "0.0.0.0"])
@pytest.mark.parametrize("path", ["/", "/messages/1", "/destinations", "/__segfn__/messages", "/__segfn__/health",
                                  "/sprig/v2/users/ada"])
def test_a_host_that_is_not_the_servers_is_refused(serve, host, path):
    server = serve()
    answer = requests.get(server.url + path, headers={"Host": host}, timeout=10)
    assert answer.status_code == 403 and "DNS rebinding" in answer.text and "--allow-host" in answer.text


def test_the_servers_own_names_are_answered_and_allow_host_adds_one(serve):
    server = serve(allow_hosts=("segfn.test",))
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", "[::1]", "segfn.test:80"):
        assert requests.get(server.url + "/__segfn__/health", headers={"Host": host}, timeout=10).status_code == 200
    assert requests.get(server.url + "/__segfn__/health", headers={"Host": "other.test"}, timeout=10).status_code == 403


def test_the_tracking_api_answers_any_host(serve):
    server = serve()
    answer = requests.post(server.url + "/v1/track", json={"userId": "u", "event": "A"}, auth=(WRITE_KEY, ""),
                           headers={"Host": "api.example.org", "Origin": "https://shop.example"}, timeout=10)
    assert answer.status_code == 200 and answer.headers["Access-Control-Allow-Origin"] == "https://shop.example"


@pytest.mark.parametrize("method, path", STATE_CHANGING)
def test_a_state_changing_call_needs_the_header_a_json_body_and_this_origin(serve, method, path):
    server = serve()
    url = server.url + path
    plain = requests.request(method, url, timeout=10)
    assert plain.status_code == 403 and "X-Segfn-Control" in plain.json()["message"]
    form = requests.request(method, url, data={"fixture": "x"}, headers=CONTROL, timeout=10)
    assert form.status_code == 403 and form.json()["code"] == "json_required"
    text = requests.request(method, url, data="{}", headers={**CONTROL, "Content-Type": "text/plain"}, timeout=10)
    assert text.status_code == 403 and text.json()["code"] == "json_required"
    other = requests.request(method, url, json={}, headers={**CONTROL, "Origin": "http://evil.example"}, timeout=10)
    assert other.status_code == 403 and other.json()["code"] == "cross_origin"
    null = requests.request(method, url, json={}, headers={**CONTROL, "Origin": "null"}, timeout=10)
    assert null.status_code == 403 and null.json()["code"] == "cross_origin"
    site = requests.request(method, url, json={}, headers={**CONTROL, "Sec-Fetch-Site": "cross-site"}, timeout=10)
    assert site.status_code == 403 and site.json()["code"] == "cross_site"
    same = requests.request(method, url, json={"fixture": "fixtures/none.json"} if path.endswith("replay") else {},
                            headers={**CONTROL, "Origin": server.url, "Sec-Fetch-Site": "same-origin"}, timeout=10)
    assert same.status_code in (200, 400), same.text  # through the guard (replay: no such fixture, 400)


def test_html_pages_send_a_csp_nosniff_and_deny_framing(serve):
    server = serve()
    send(server.url, "page-1")
    server.wait_settled(1)
    for path in ("/", "/destinations", f"/messages/{server.messages()[0]['seq']}"):
        answer = requests.get(server.url + path, timeout=10)
        assert answer.headers["Content-Security-Policy"] == CSP
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert requests.get(server.url + "/__segfn__/health", timeout=10).headers["X-Content-Type-Options"] == "nosniff"


def test_a_bad_key_is_echoed_only_as_a_masked_prefix(serve):
    server = serve()
    key = "sk_live_0123456789abcdef"
    for answer in (requests.post(server.url + "/v1/track", json={"userId": "u", "event": "A"}, auth=(key, ""), timeout=10),
                   requests.post(server.url + "/v1/track", json={"userId": "u", "event": "A", "writeKey": key}, timeout=10)):
        assert answer.status_code == 401
        assert key not in answer.text and key[:4] not in answer.text and "'sk_***' (24 characters)" in answer.text


def test_no_answer_names_the_projects_absolute_folder(serve, tmp_path):
    server = serve()
    folder = str(tmp_path)
    answers = [requests.post(server.url + "/__segfn__/replay", json={"fixture": "/etc/passwd"}, headers=CONTROL,
                             timeout=10),
               requests.post(server.url + "/__segfn__/replay", json={"fixture": "../x.json"}, headers=CONTROL, timeout=10),
               requests.get(server.url + "/v1/projects/nope/settings", timeout=10)]
    write_workspace(tmp_path, [{**SPRIG_LIKE, "function": fn("sprig_like").replace(".py", "_missing.py")}])
    answers.append(requests.post(server.url + "/__segfn__/reload", headers=CONTROL, timeout=10))
    for path in ("/", "/destinations", "/__segfn__/health", "/__segfn__/destinations", "/messages/999"):
        answers.append(requests.get(server.url + path, timeout=10))
    assert answers[3].status_code == 400 and answers[3].json()["problems"]  # the reload did fail, and said why
    for answer in answers:
        assert folder not in answer.text, answer.text


ATTACK = """<!doctype html><html><body>
<iframe name="sink"></iframe>
<form id="f" method="POST" target="sink" enctype="text/plain" action="{target}/__segfn__/reset">
  <input name='{{"fixture": "x", "pad": "' value='"}}'>
</form>
<script>
window.done = false;
(async () => {{
  const target = "{target}";
  await new Promise(resolve => {{
    document.querySelector("iframe").addEventListener("load", resolve, {{once: true}});
    document.getElementById("f").submit();
  }});
  const calls = [["POST", "/__segfn__/reset"], ["POST", "/__segfn__/reload"], ["POST", "/__segfn__/flush"],
                 ["POST", "/__segfn__/sprig/faults"], ["DELETE", "/__segfn__/sprig/faults"]];
  for (const [method, path] of calls) {{
    try {{
      await fetch(target + path, {{method, mode: "no-cors", body: method === "POST" ? '{{"error_rate": 0}}' : undefined,
                                   headers: {{"Content-Type": "text/plain"}}}});
    }} catch (e) {{}}
  }}
  try {{  // a custom header across origins needs a preflight, which the server never grants
    await fetch(target + "/__segfn__/reset", {{method: "POST", headers: {{"X-Segfn-Control": "1",
                                                "Content-Type": "application/json"}}, body: "{{}}"}});
  }} catch (e) {{}}
  window.done = true;
}})();
</script></body></html>"""

REBIND = """<!doctype html><html><body><script>
window.done = false;
window.results = {};
(async () => {
  // same origin as far as the browser knows: attacker.example now resolves to 127.0.0.1
  for (const [method, path] of [["GET", "/__segfn__/messages?full=1"], ["POST", "/__segfn__/reset"],
                                ["DELETE", "/__segfn__/sprig/faults"], ["GET", "/"]]) {
    const answer = await fetch(path, {method, headers: method === "GET" ? {} :
                                      {"X-Segfn-Control": "1", "Content-Type": "application/json"},
                                      body: method === "GET" ? undefined : "{}"});
    window.results[method + " " + path] = [answer.status, await answer.text()];
  }
  window.done = true;
})();
</script></body></html>"""


@contextmanager
def attacker_site(html: str) -> Iterator[int]:
    """A web server of another site (evil.example, mapped to 127.0.0.1) serving ``html``: its port."""
    class Page(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            body = html.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.mark.skipif(shutil.which(CHROMIUM) is None, reason="Debian's chromium is missing; `make test` installs it")
def test_pages_elsewhere_change_nothing_in_the_store(serve, caplog):
    server = serve()
    assert requests.post(server.url + "/__segfn__/sprig/faults", json={"error_rate": 1.0, "status": 503},
                         headers=CONTROL, timeout=10).status_code == 200
    for i in range(3):
        send(server.url, f"waiting-{i}")  # Sprig fails: these wait for a retry, undelivered
    before = ([m["messageId"] for m in server.messages()], server.local.faults())
    assert len(before[0]) == 3
    caplog.set_level(logging.WARNING, logger="segfn.guard")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--host-resolver-rules=MAP attacker.example 127.0.0.1, MAP evil.example 127.0.0.1",
            "--disable-features=PrivateNetworkAccessSendPreflights,PrivateNetworkAccessRespectPreflightResults,"
            "BlockInsecurePrivateNetworkRequests,LocalNetworkAccessChecks"])
        try:
            page = browser.new_page()  # no request interception here: Playwright would answer preflights itself
            with attacker_site(ATTACK.format(target=server.url)) as port:
                page.goto(f"http://evil.example:{port}/")
                page.wait_for_function("window.done === true", timeout=30_000)

            rebinding = f"http://attacker.example:{server.port}"
            page = browser.new_page()
            page.route(rebinding + "/start", lambda route: route.fulfill(status=200, content_type="text/html",
                                                                          body=REBIND))
            page.goto(rebinding + "/start")  # served by "attacker.example" before its name moved to 127.0.0.1
            page.wait_for_function("window.done === true", timeout=30_000)
            results = page.evaluate("window.results")
        finally:
            browser.close()
    after = ([m["messageId"] for m in server.messages()], server.local.faults())
    assert after == before  # nothing wiped, no fault cleared
    assert all(status == 403 for status, _ in results.values()), results
    assert all("waiting-" not in text for _, text in results.values())  # no event read through the new name
    refused = [r.getMessage() for r in caplog.records if r.name == "segfn.guard"]
    # every attempt reached the server and was refused there (not merely stopped by the browser)
    from_evil = [r for r in refused if "Origin 'http://evil.example:" in r]
    for path in ("/__segfn__/reset", "/__segfn__/reload", "/__segfn__/flush", "/__segfn__/sprig/faults"):
        assert any(f"POST {path} " in r for r in from_evil), (path, refused)
    assert sum("POST /__segfn__/reset " in r for r in from_evil) == 2  # the form and the no-cors fetch
    assert all("control_header_missing" in r for r in from_evil)  # the custom header never left the browser
    assert sum("attacker.example" in r and "host_not_allowed" in r for r in refused) == 4, refused
