"""README's "Segment's own clients" says what it shows: the curl command, run with real curl against
a real ``segfn serve`` of this repository's workspace, prints the lines the README prints; and the
option the README tells each tested client to change is the one its test points at segfn
(analytics.js: nothing but cdnURL)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.server.test_crash import free_port, start

README = (REPO / "README.md").read_text()
SECTION = README[README.index("### Segment's own clients"):README.index("\n## ", README.index("### Segment's own clients"))]


def readme_curl() -> tuple[str, list[str]]:
    """The command and the lines README shows for it (``...`` stands for lines it leaves out)."""
    block = re.search(r"```console\n\$ (curl [^\n]+)\n(.*?)```", SECTION, re.S)
    assert block, "README's clients section shows no curl command"
    return block.group(1), [line for line in block.group(2).splitlines() if line not in ("...", "")]


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed (Debian: apt-get install curl)")
def test_the_readme_curl_command_prints_the_settings_document_with_cors(tmp_path: Path):
    command, shown = readme_curl()
    assert command == "curl -si http://127.0.0.1:8787/v1/projects/dev-write-key/settings"
    port = free_port()  # 8787 may be taken on this machine: the same command on another port
    server = start(Path("workspace.toml"), tmp_path / "serve.sqlite", port, tmp_path / "serve.log")
    try:
        argv = command.replace(":8787/", f":{port}/").split()
        out = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=True).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    printed = out.replace(f":{port}/", ":8787/").replace("\r\n", "\n").splitlines()
    missing = [line for line in shown if line not in printed]
    assert missing == [], f"README shows lines curl does not print:\n{out}"
    assert any(line.startswith("Access-Control-Allow-Origin:") for line in shown)


def test_the_option_readme_names_for_each_tested_client_is_the_one_its_test_points_at_segfn():
    rows = {row.split("|")[1].strip(): row.split("|")[2] for row in SECTION.splitlines() if row.startswith("| ")}
    browser = next(v for k, v in rows.items() if k.startswith("analytics.js"))
    node = next(v for k, v in rows.items() if k.startswith("analytics-node"))
    python = rows["analytics-python"]
    assert '`cdnURL` only' in browser and 'cdnURL: "http://127.0.0.1:8787"' in browser
    assert 'host: "http://127.0.0.1:8787"' in node and 'host="http://127.0.0.1:8787"' in python

    from tests.server import test_analytics_js_browser
    assert "AnalyticsBrowser.load({writeKey, cdnURL})" in test_analytics_js_browser.LOAD  # nothing else
    client = (REPO / "tests" / "js" / "analytics_node_client.js").read_text()
    assert "new Analytics({ writeKey, host })" in client
    python_test = (REPO / "tests" / "server" / "test_analytics_python.py").read_text()
    assert "Client(write_key=WRITE_KEY, host=url," in python_test
