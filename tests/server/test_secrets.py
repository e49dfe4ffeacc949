"""A sensitive setting never leaves through a side door (issue 17, points 5-6).

A function that prints its key to stdout and stderr, writes it to both streams, logs it at every
level, puts it in a URL, headers and a body, and raises exceptions that carry it (or cannot even be
printed) runs under ``segfn replay --format json`` and under ``segfn serve``, each a real process.
The canary key is then absent from both processes' stdout and stderr, from the JSON stream (which
stays one JSON object a line), from the goldens, from the SQLite file, from every debugger page
and control API answer, and from a bundle built while the key is in the environment. Goldens are
byte-identical whichever key a run used, and data that merely contains a short key's text is never
rewritten (``apiKey = "test"`` leaves ``tester-1`` and ``m-test-1`` alone).
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import requests

from tests.server.conftest import wait_for
from tests.server.test_crash import free_port

REPO = Path(__file__).resolve().parents[2]
SIDE_DOORS = REPO / "tests" / "functions" / "side_doors.py"
CANARY = "canary-Zq8v-3f1d-77aa"
# the forms side_doors.leak also prints the key in (a tester found key.upper() in a golden's stream)
FORMS = (CANARY, CANARY.upper(), CANARY.lower(), base64.b64encode(CANARY.encode()).decode(),
         base64.urlsafe_b64encode(CANARY.encode()).decode().rstrip("="))
DOORS = ("all", "leak", "exit", "exit-after-await", "keyboard", "custom", "generator-exit", "unprintable",
         "carries-key", "user-like-key", "ok")


def project(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "functions").mkdir(exist_ok=True)
    (folder / "functions" / "side_doors.py").write_text(SIDE_DOORS.read_text())
    (folder / "workspace.toml").write_text(
        'name = "Acme"\n'
        '[[sources]]\nname = "web"\nwrite_key = "wk"\n'
        '[[destinations]]\nname = "Doors"\nfunction = "functions/side_doors.py"\n'
        'settings = { apiKey = "${DOORS_KEY}" }\n'
        '[[stubs]]\nurl = "https://collector.example/**"\nstatus = 202\njson = { ok = true }\n')
    calls = [{"type": "track", "userId": "tester-1", "messageId": f"m-test-{i}", "event": f"Door {do}",
              "timestamp": "2025-03-01T10:00:00.000Z", "sentAt": "2025-03-01T10:00:00.000Z",
              "receivedAt": "2025-03-01T10:00:00.100Z", "properties": {"do": do}}
             for i, do in enumerate(DOORS)]
    (folder / "fixtures").mkdir(exist_ok=True)
    (folder / "fixtures" / "doors.json").write_text(json.dumps({"batch": calls}, indent=2))
    return folder


def env(key: str) -> dict[str, str]:
    return {**os.environ, "DOORS_KEY": key, "SPRIG_API_KEY": key, "PYTHONUNBUFFERED": "1"}


def replay(folder: Path, key: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "segfn.cli", "replay", "--format", "json", "--update", "-j", "1"],
                          cwd=folder, env=env(key), capture_output=True, text=True, timeout=300)


def test_replay_keeps_the_key_out_of_every_stream_and_golden_and_goldens_do_not_depend_on_it(tmp_path):
    goldens = {}
    for name, key in (("canary", CANARY), ("short", "test")):
        folder = project(tmp_path / name)
        done = replay(folder, key)
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        outcomes = [json.loads(line) for line in lines]  # the JSON stream is JSON, every line of it
        assert len(outcomes) >= len(DOORS)
        golden = (folder / "fixtures" / "expected" / "doors.json").read_bytes()
        goldens[name] = golden
        if key == CANARY:
            for form in FORMS:
                assert form not in done.stdout + done.stderr and form.encode() not in golden, form
            assert any("transformed ***" in line for o in outcomes for line in o.get("logs", ()))
    assert goldens["canary"] == goldens["short"]
    text = goldens["canary"].decode()
    assert "tester-1" in text and "m-test-1" in text and "***er-1" not in text and "m-***-1" not in text
    document = json.loads(text)
    reasons = json.dumps(document)
    for reason in ("SystemExit: 3", "KeyboardInterrupt", "Custom: custom with ***", "refused by key ***",
                   "Unprintable: <the exception's __str__ raised RuntimeError>"):
        assert reason in reasons


def test_serve_keeps_the_key_out_of_its_output_store_debugger_and_control_api(tmp_path):
    folder = project(tmp_path / "serve")
    port, log = free_port(), tmp_path / "serve.out"
    db = tmp_path / "serve.sqlite"
    process = subprocess.Popen([sys.executable, "-m", "segfn.cli", "serve", "--port", str(port), "--db", str(db),
                                "--retry-window", "10s"], cwd=folder, env=env(CANARY),
                               stdout=log.open("wb"), stderr=(tmp_path / "serve.err").open("wb"))
    url = f"http://127.0.0.1:{port}"
    shown = []
    try:
        def up():
            try:
                return requests.get(url + "/__segfn__/health", timeout=1).ok
            except requests.ConnectionError:
                assert process.poll() is None, (tmp_path / "serve.err").read_text()
                return False

        wait_for(up, 30)
        batch = json.loads((folder / "fixtures" / "doors.json").read_text())
        for item in batch["batch"]:
            del item["receivedAt"]  # live calls, as a library sends them
        assert requests.post(url + "/v1/batch", json=batch, auth=("wk", ""), timeout=10).json() == {"success": True}
        wait_for(lambda: requests.get(url + "/__segfn__/health", timeout=5).json()["stats"]["unsettled"] == 0, 60)
        found = requests.get(url + "/__segfn__/messages?full=1", timeout=10).json()["messages"]
        assert len(found) == len(DOORS)
        by_door = {m["message"]["properties"]["do"]: m for m in found}
        assert by_door["exit"]["deliveries"][0]["category"] == "Bad Request"
        assert by_door["ok"]["deliveries"][0]["outcome"] == "delivered"  # the runner outlived every door
        logs = by_door["all"]["deliveries"][0]["logs"]
        assert "stderr ***" in logs and "console ***" in logs and "WARNING:side.doors:logger ***" in logs
        [request] = by_door["all"]["deliveries"][0]["requests"]
        assert request["url"] == "https://collector.example/c?key=***" and request["json"] == {"key": "***", "user": "tester-1"}
        assert request["headers"]["Authorization"] == "Bearer ***" and request["headers"]["X-Key"] == "***"
        shown.append(json.dumps(found))
        for path in ["/", "/destinations", "/__segfn__/destinations", "/__segfn__/summary", "/__segfn__/health",
                     *(f"/messages/{m['seq']}" for m in found), *(f"/__segfn__/messages/{m['seq']}" for m in found)]:
            answer = requests.get(url + path, timeout=10)
            assert answer.status_code == 200, path
            shown.append(answer.text)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
    for form in FORMS:
        for text in shown:
            assert form not in text
        assert form.encode() not in log.read_bytes() + (tmp_path / "serve.err").read_bytes()
        for file in tmp_path.glob("serve.sqlite*"):
            assert form.encode() not in file.read_bytes(), (file.name, form)


def test_a_bundle_built_with_the_key_in_the_environment_does_not_hold_it(tmp_path):
    done = subprocess.run([sys.executable, "-m", "segfn.cli", "build", "functions/scrub_pii.py", "-o", str(tmp_path)],
                          cwd=REPO, env=env(CANARY), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    built = list(tmp_path.iterdir())
    assert built and all(CANARY.encode() not in f.read_bytes() for f in built)
    assert CANARY not in done.stdout + done.stderr
