"""``make test`` says what it is about to install before ``sudo`` asks for a password."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.conftest import REPO


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_says_it_installs_chromium_before_sudo_asks(tmp_path):
    calls = tmp_path / "calls"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sudo", "apt-get"):  # stand-ins that record when they run, after what make printed
        (bin_dir / tool).write_text(f'#!/bin/sh\necho "{tool} $*" >> {calls}\necho "[{tool} ran]" >&2\n'
                                    'if [ "$1" = apt-get ]; then shift; exec apt-get "$@"; fi\n')
        (bin_dir / tool).chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    done = subprocess.run(["make", "--no-print-directory", "chromium", "CHROMIUM=segfn-no-such-browser", "SUDO=sudo"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    said = done.stderr.index("installing it now with: sudo apt-get install chromium")
    assert said < done.stderr.index("[sudo ran]")
    assert calls.read_text().splitlines()[0] == "sudo apt-get update -qq"


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_test_itself_says_it_before_sudo_asks_and_then_runs_the_tests(tmp_path):
    """The whole ``make test``, with stand-ins for Python (pip and pytest), sudo and apt-get: the Chromium
    message comes before sudo runs, and the tests run after it."""
    calls = tmp_path / "calls"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("sudo", "apt-get", "python-stand-in"):
        (bin_dir / tool).write_text(f'#!/bin/sh\necho "{tool} $*" >> {calls}\necho "[{tool} ran]" >&2\n')
        (bin_dir / tool).chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}"}
    done = subprocess.run(["make", "--no-print-directory", "test", "-o", "tests/js/node_modules/.installed",
                           "CHROMIUM=segfn-no-such-browser", "SUDO=sudo", "PYTHON=python-stand-in"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    said = done.stderr.index("installing it now with: sudo apt-get install chromium")
    assert said < done.stderr.index("[sudo ran]")
    ran = calls.read_text().splitlines()
    assert ran[0].startswith("python-stand-in -m pip install")
    assert ran[1] == "sudo apt-get update -qq"
    assert ran[-1].startswith("python-stand-in -m pytest")
