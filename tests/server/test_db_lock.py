"""Two ``segfn serve`` processes on one ``--db``: the second refuses in one line and exits 2 (a
tester ran two, each with its own workspace.toml, sharing one store silently). The lock goes with the
first process, however it ends."""

from __future__ import annotations

import signal
import subprocess
import sys

from tests.server.conftest import SPRIG_LIKE, write_workspace
from tests.server.test_crash import REPO, free_port, start


def serve_once(workspace, db, port) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "segfn.cli", "serve", "--workspace", str(workspace), "--db", str(db),
                           "--port", str(port)], cwd=REPO, capture_output=True, text=True, timeout=60)


def test_a_second_serve_on_the_same_db_refuses_and_the_lock_goes_with_the_first(tmp_path):
    workspace = write_workspace(tmp_path, [SPRIG_LIKE])
    db, log = tmp_path / "shared.sqlite", tmp_path / "first.log"
    first = start(workspace, db, free_port(), log)
    try:
        second = serve_once(workspace, db, free_port())
        assert second.returncode == 2, (second.stdout, second.stderr)
        assert second.stderr.strip().splitlines() == [
            f"error: {db} is in use by another segfn serve (process {first.pid}); stop it, or pass --db with "
            f"another file"], second.stderr
        assert "segfn serve:" not in second.stdout  # it never started serving
    finally:
        first.send_signal(signal.SIGKILL)  # the kernel releases the lock even then
        first.wait(10)
    third = start(workspace, db, free_port(), tmp_path / "third.log")
    third.send_signal(signal.SIGTERM)
    assert third.wait(30) == 0, (tmp_path / "third.log").read_text()
