"""``segfn watch`` waits: only created, modified, moved or deleted files count (never reads), a burst is
one run, only the changed module and its importers are compiled, only the fixtures a change can reach
are replayed, a bundle whose bytes did not change keeps its check stamp, and ``__init__.py`` is never a
function module. A real watchdog observer on real files, a real ``segfn`` process."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from segfn.deploy import load_bundles
from segfn.emulator.fixtures import discover
from tests.conftest import REPO

ENV = {**os.environ, "PYTHONPATH": str(REPO), "SEGFN_DIST": "dist"}


class Watch:
    """``segfn watch`` in a subprocess; its stderr read on a thread, so a test can wait for a line."""

    def __init__(self, project: Path, *args: str) -> None:
        self.process = subprocess.Popen([sys.executable, "-m", "segfn.cli", "watch", "--debounce", "0.3", *args],
                                        cwd=project, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                        text=True)
        self.err: list[str] = []
        self.out: list[str] = []
        self.threads = [threading.Thread(target=self._read, args=(self.process.stderr, self.err), daemon=True),
                        threading.Thread(target=self._read, args=(self.process.stdout, self.out), daemon=True)]
        for thread in self.threads:
            thread.start()

    @staticmethod
    def _read(stream, lines: list[str]) -> None:
        for line in stream:
            lines.append(line.rstrip("\n"))

    def runs(self) -> list[str]:
        return [line for line in self.err if line.startswith("[watch] run ")]

    def wait_runs(self, count: int, timeout: float = 180) -> None:
        deadline = time.monotonic() + timeout
        while len(self.runs()) < count:
            assert self.process.poll() is None or len(self.runs()) >= count, "\n".join(self.err + self.out)
            assert time.monotonic() < deadline, "\n".join(self.err)
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        for thread in self.threads:
            thread.join(10)


def fixture_count(project: Path) -> int:
    return len(discover([project / "fixtures"], exclude=project / "fixtures" / "expected"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of this repository's example project: Sprig's functions, fixtures and workspace."""
    shutil.copytree(REPO / "functions", tmp_path / "functions", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "fixtures", tmp_path / "fixtures")
    shutil.copy(REPO / "workspace.toml", tmp_path)
    return tmp_path


@pytest.fixture
def watching():
    started: list[Watch] = []

    def start(project: Path, *args: str) -> Watch:
        started.append(Watch(project, *args))
        return started[-1]

    yield start
    for watch in started:
        watch.stop()


def test_an_idle_watch_runs_once_although_every_replay_reads_every_file(project, watching):
    watch = watching(project)
    watch.wait_runs(1)
    time.sleep(10)  # replay read every fixture and function: reads are not changes
    watch.stop()
    assert len(watch.runs()) == 1, "\n".join(watch.err)
    assert watch.runs()[0].startswith(f"[watch] run 1: all goldens match ({fixture_count(project)} fixtures)")
    assert not [line for line in watch.err if "changed" in line]


def test_an_edit_recompiles_that_module_alone_replays_what_it_reaches_and_keeps_the_stamp(project, watching):
    check = subprocess.run([sys.executable, "-m", "segfn.cli", "check", "-n", "1", "functions/drop_bots.py"],
                           cwd=project, env=ENV, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    stamp = json.loads((project / "dist" / "drop_bots.check.json").read_text())
    watch = watching(project)
    watch.wait_runs(1)
    bots = project / "functions" / "drop_bots.py"
    bots.write_text(bots.read_text() + "\n# a comment: the bundle's bytes do not change\n")
    watch.wait_runs(2)
    assert "[watch] functions/drop_bots.py changed" in watch.err
    assert (f"[watch] compiling drop_bots.py; replaying 1 of {fixture_count(project)} fixtures: those reaching "
            "Sprig Marketing") in watch.err
    [bundle] = load_bundles(project / "dist", ("drop_bots",), force=False)  # the stamp still proves it
    assert bundle.sha256 == stamp["sha256"]

    (project / "functions" / "__init__.py").write_text("# a package marker, never a function module\n")
    watch.wait_runs(3)
    assert "[watch] compiling nothing; replaying every fixture" in watch.err
    watch.stop()
    out = "\n".join(watch.out)
    assert out.count("built dist/drop_bots.js") == 2 and out.count("built dist/sprig.js") == 1  # run 1 builds all
    assert "__init__" not in out + "\n".join(watch.err).replace("functions/__init__.py changed", "")
    assert "error" not in "\n".join(watch.err).lower()


def test_a_helper_rebuilds_its_importers_and_a_fixture_replays_alone(tmp_path, watching):
    functions = tmp_path / "functions"
    functions.mkdir()
    (functions / "__init__.py").write_text("")
    (functions / "words.py").write_text('def shout(text):\n    return text.upper()\n')
    common = 'from segfn.runtime import fetch\nKIND = "destination"\nSETTINGS = []\n'
    (functions / "loud.py").write_text(common + 'NAME = "Loud"\nfrom functions.words import shout\n\n'
                                       'async def on_track(event, settings):\n'
                                       '    await fetch("https://loud.example/", method="POST", json={"e": shout(event["event"])})\n')
    (functions / "quiet.py").write_text(common + 'NAME = "Quiet"\n\nasync def on_track(event, settings):\n'
                                        '    await fetch("https://quiet.example/", method="POST", json={"e": event["event"]})\n')
    (tmp_path / "workspace.toml").write_text(
        'name = "Acme"\n'
        '[[sources]]\nname = "a"\nwrite_key = "a-key"\n[[sources]]\nname = "b"\nwrite_key = "b-key"\n'
        '[[destinations]]\nname = "Loud"\nsources = ["a"]\nfunction = "functions/loud.py"\n'
        '[[destinations]]\nname = "Quiet"\nsources = ["b"]\nfunction = "functions/quiet.py"\n')
    messages = tmp_path / "fixtures" / "messages"
    messages.mkdir(parents=True)
    for key in ("a", "b"):
        (messages / f"{key}.json").write_text(json.dumps(
            {"type": "track", "writeKey": f"{key}-key", "userId": "u", "event": "hi", "messageId": f"m-{key}",
             "timestamp": "2025-03-01T10:00:00.000Z"}))
    update = subprocess.run([sys.executable, "-m", "segfn.cli", "replay", "--update"], cwd=tmp_path, env=ENV,
                            capture_output=True, text=True)
    assert update.returncode == 0, update.stdout + update.stderr
    watch = watching(tmp_path)
    watch.wait_runs(1)
    assert "run 1: all goldens match (2 fixtures)" in watch.runs()[0]

    (functions / "words.py").write_text('def shout(text):\n    return text.upper() + "!"\n')
    watch.wait_runs(2)
    assert "[watch] compiling loud.py; replaying 1 of 2 fixtures: those reaching Loud" in watch.err
    assert "run 2: goldens differ (2 fixtures)" in watch.runs()[1]
    assert any('"e": "HI!"' in line for line in watch.out)  # the golden's diff, from the helper's new code

    (messages / "b.json").write_text((messages / "b.json").read_text().replace('"hi"', '"hello"'))
    watch.wait_runs(3)
    assert "[watch] compiling nothing; replaying 1 of 2 fixtures: the changed ones" in watch.err
    (messages / "b.json").unlink()
    (messages / "a.json").rename(messages / "c.json")
    watch.wait_runs(4)
    assert "[watch] fixtures/messages/a.json, fixtures/messages/b.json, fixtures/messages/c.json changed" in watch.err
    assert "goldens differ (1 fixtures)" in watch.runs()[3]  # c.json has no golden; a and b are gone
