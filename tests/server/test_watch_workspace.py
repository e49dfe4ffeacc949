"""``segfn watch`` replays again when workspace.toml changes (a real watchdog observer, a real
``segfn replay`` run): blocking the fixture's event in the source makes the goldens differ."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time

from tests.conftest import REPO

WORKSPACE = ('name = "Acme"\n[[sources]]\nname = "web"\nwrite_key = "k"\n{extra}'
             '[[destinations]]\nname = "Sprig Cloud"\nfunction = "functions/sprig.py"\nsettings = {{ apiKey = "k" }}\n')


def test_watch_replays_after_the_workspace_changes(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    shutil.copytree(REPO / "functions", tmp_path / "functions", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "fixtures" / "messages").mkdir(parents=True)
    (tmp_path / "fixtures" / "messages" / "one.json").write_text(json.dumps(
        {"type": "track", "userId": "u", "event": "Survey Shown", "messageId": "ws-1",
         "timestamp": "2025-03-01T10:00:00.000Z"}))
    workspace = tmp_path / "workspace.toml"
    workspace.write_text(WORKSPACE.format(extra=""))
    subprocess.run([sys.executable, "-m", "segfn.cli", "replay", "--update"], cwd=tmp_path, check=True,
                   capture_output=True, env=env)
    watcher = subprocess.Popen([sys.executable, "-m", "segfn.cli", "watch", "--max-runs", "2", "--debounce", "0.2"],
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        deadline = time.monotonic() + 60
        lines: list[str] = []
        while time.monotonic() < deadline and "[watch] run 1" not in "".join(lines):
            line = watcher.stderr.readline()
            if not line and watcher.poll() is not None:
                break
            lines.append(line)
        assert "[watch] run 1: all goldens match" in "".join(lines), "".join(lines)
        workspace.write_text(WORKSPACE.format(extra='blocked_events = ["Survey Shown"]\n'))
        out, err = watcher.communicate(timeout=60)
        err = "".join(lines) + err
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()
    assert watcher.returncode == 0, err
    assert "workspace.toml changed" in err and "[watch] run 2: goldens differ" in err
    assert "DIFFERS" in out and "ws-1" in out
