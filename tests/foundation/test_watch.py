"""``segfn watch`` replays again when a fixture or a function changes (a real watchdog observer)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

from tests.conftest import REPO


def test_watch_replays_after_a_fixture_changes(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}  # this checkout's segfn, whatever is installed
    shutil.copytree(REPO / "functions", tmp_path / "functions", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "fixtures" / "messages").mkdir(parents=True)
    fixture = tmp_path / "fixtures" / "messages" / "one.json"
    fixture.write_text(json.dumps({"type": "track", "userId": "u", "event": "Survey Shown", "messageId": "w-1",
                                   "timestamp": "2025-03-01T10:00:00.000Z"}))
    (tmp_path / "workspace.toml").write_text(
        'name = "Acme"\n[[sources]]\nname = "web"\nwrite_key = "k"\n[[destinations]]\nname = "Sprig Cloud"\n'
        'function = "functions/sprig.py"\nsettings = { apiKey = "k" }\n')
    subprocess.run([sys.executable, "-m", "segfn.cli", "replay", "--update"], cwd=tmp_path, check=True,
                   capture_output=True, env=env)
    watcher = subprocess.Popen([sys.executable, "-m", "segfn.cli", "watch", "--max-runs", "3", "--debounce", "0.2"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        first_run_done = False
        lines: list[str] = []
        while time.monotonic() < deadline and not first_run_done:  # wait for run 1 before changing anything
            line = watcher.stderr.readline()
            lines.append(line)
            first_run_done = "[watch] run 1: all goldens match" in line
        assert first_run_done, "".join(lines)
        fixture.write_text(fixture.read_text().replace("Survey Shown", "Survey Closed"))
        while time.monotonic() < deadline and "[watch] run 2" not in lines[-1]:
            lines.append(watcher.stderr.readline())
        function = tmp_path / "functions" / "sprig.py"
        function.write_text(function.read_text() + "\n# edited\n")
        out, err = watcher.communicate(timeout=60)
        err = "".join(lines) + err
    finally:
        if watcher.poll() is None:
            watcher.kill()
    assert watcher.returncode == 0
    assert "one.json changed" in err and "[watch] run 2: goldens differ" in err
    assert "sprig.py changed" in err and "built dist/sprig.js" in out  # an edited function is compiled again
    assert "DIFFERS" in out and "Survey Closed" in out
    outcome = next(line for line in out.splitlines() if line.strip().startswith("w-1"))
    assert out.count(outcome) == 1  # the same outcome line again in run 2 is not printed again
