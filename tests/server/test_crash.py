"""``segfn serve`` killed with SIGKILL under load, then restarted on the same database: every message
it answered 200 for reaches a final state, and none is lost or delivered twice."""

from __future__ import annotations

import signal
import sqlite3
import socket
import subprocess
import sys
import threading
from pathlib import Path

import requests

from segfn.emulator.store import Store

from tests.server.conftest import SPRIG_LIKE, WRITE_KEY, wait_for, write_workspace

CONTROL = {"X-Segfn-Control": "1"}  # what a state-changing control call carries (guard.py)

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(workspace: Path, db: Path, port: int, log: Path) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "segfn.cli", "serve", "--workspace", str(workspace),
                                "--db", str(db), "--port", str(port), "--retry-window", "60s"],
                               cwd=REPO, stdout=log.open("ab"), stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"

    def up():
        try:
            return requests.get(url + "/__segfn__/health", timeout=1).status_code == 200
        except requests.ConnectionError:
            assert process.poll() is None, log.read_text()
            return False

    wait_for(up, 30, lambda: log.read_text())
    return process


def stats(url: str) -> dict:
    return requests.get(url + "/__segfn__/health", timeout=10).json()["stats"]


def test_sigkill_under_load_loses_nothing_accepted(tmp_path):
    workspace = write_workspace(tmp_path, [SPRIG_LIKE])
    db, log, port = tmp_path / "serve.sqlite", tmp_path / "serve.log", free_port()
    url = f"http://127.0.0.1:{port}"
    server = start(workspace, db, port, log)
    accepted: list[str] = []
    stop = threading.Event()
    try:
        # deliveries take time
        requests.post(url + "/__segfn__/sprig/faults", json={"latency_ms": 5}, timeout=10, headers=CONTROL)

        def load():
            n = 0
            while not stop.is_set():
                batch = [{"type": "track", "userId": f"u{n % 7}", "event": "Survey Shown", "messageId": f"k-{n + i}"}
                         for i in range(25)]
                try:
                    answer = requests.post(url + "/v1/batch", json={"batch": batch}, auth=(WRITE_KEY, ""), timeout=5)
                except requests.RequestException:
                    return  # the server died mid-request: that batch was never acknowledged
                if answer.status_code == 200:
                    accepted.extend(m["messageId"] for m in batch)
                n += 25

        sender = threading.Thread(target=load)
        sender.start()
        wait_for(lambda: stats(url).get("deliveries_delivered", 0) >= 50, 60)
        server.send_signal(signal.SIGKILL)
        server.wait(10)
        stop.set()
        sender.join(10)
        assert len(accepted) >= 50
        server = start(workspace, db, port, log)
        wait_for(lambda: stats(url)["unsettled"] == 0, 240, lambda: str(stats(url)))
        server.send_signal(signal.SIGTERM)
        server.wait(30)
        store = Store(db)
        try:
            rows = store.messages(limit=10 ** 6)
        finally:
            store.close()
        with sqlite3.connect(db) as conn:  # the attempts table, read directly: no store API hides a row
            twice = conn.execute("SELECT delivery, COUNT(*) FROM attempts WHERE result = 'delivered'"
                                 " GROUP BY delivery HAVING COUNT(*) > 1").fetchall()
            unfinished = conn.execute("SELECT COUNT(*) FROM attempts WHERE result = 'in_flight'").fetchone()[0]
        assert twice == [], f"deliveries with more than one successful attempt: {twice[:5]}"
        assert unfinished == 0, "an attempt the crash interrupted was never closed"
        ids = [m["messageId"] for m in rows]
        assert len(ids) == len(set(ids)), "a message was stored twice"
        outcomes = {m["messageId"]: [d["outcome"] for d in m["deliveries"]] for m in rows}
        missing = [i for i in accepted if outcomes.get(i) != ["delivered"]]
        assert not missing, f"{len(missing)} of {len(accepted)} accepted messages not delivered: {missing[:5]}"
    finally:
        stop.set()
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(20)
            except subprocess.TimeoutExpired:
                server.kill()
