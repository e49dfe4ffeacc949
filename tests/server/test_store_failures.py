"""The store fails loudly (issue 17, point 8).

A database file deleted or replaced while ``segfn serve`` runs would otherwise take every call into
a file no one can open again, answering 200; a read-only one cannot take anything. Each is seen:
health says not ok (503) with the reason, the Tracking API answers 503 (the client keeps the call
and sends it again), and no page answers 500. A ``--db`` no database can live at is a one-line
error and exit 2. The read-only case runs ``segfn serve`` as an unprivileged user (root may write
to any file), so it is the kernel, not a simulation, that refuses the writes.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
import requests

from tests.server.conftest import SPRIG_LIKE, WRITE_KEY, wait_for, write_workspace
from tests.server.test_crash import free_port

REPO = Path(__file__).resolve().parents[2]
NOBODY = 65534
SETPRIV = shutil.which("setpriv")


def track(url: str, message_id: str) -> requests.Response:
    return requests.post(url + "/v1/track", json={"userId": "u", "event": "A", "messageId": message_id},
                         auth=(WRITE_KEY, ""), timeout=10)


def serve_cli(args: list[str], user: int | None = None) -> list[str]:
    """``segfn serve`` with ``args``, run as ``user`` (a uid) when given (with ``env_for(user)``)."""
    command = [sys.executable, "-m", "segfn.cli", "serve", *args]
    if user is not None:
        command = [SETPRIV, f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    return command


@pytest.fixture(scope="module")
def readable_segfn():
    """A folder any user may read holding ``segfn`` and the distributions it needs, as imported here.

    ``nobody`` cannot read root's interpreter prefix when it lives under ``/root`` (CI's does): its
    Python falls back to the system's standard library and sees neither root's site-packages, nor
    the editable install's finder, nor the checkout. So the code under test is copied where this
    process imported it from: the ``segfn`` package laid out as the wheel lays it out, and every
    distribution its requirements name (their markers evaluated, without extras), file by file."""
    import segfn
    import segfn.compiler
    import segfn.emulator
    root = Path(tempfile.mkdtemp(prefix="segfn-code-"))
    skip = shutil.ignore_patterns("__pycache__")
    shutil.copytree(Path(segfn.__file__).parent, root / "segfn", ignore=skip)
    for name, module in (("emulator", segfn.emulator), ("compiler", segfn.compiler)):
        shutil.copytree(Path(module.__file__).parent, root / "segfn" / name, ignore=skip, dirs_exist_ok=True)
    _copy_requirements("segfn", root, {"segfn"})
    for path in [root, *root.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _copy_requirements(name: str, into: Path, seen: set[str]) -> None:
    """Copy the installed files of each distribution ``name`` requires (recursively) into ``into``."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    for text in metadata.distribution(name).requires or []:
        requirement = Requirement(text)
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": ""}):
            continue
        key = canonicalize_name(requirement.name)
        if key in seen:
            continue
        seen.add(key)
        for file in metadata.distribution(requirement.name).files or []:
            source = Path(file.locate())
            if ".." in file.parts or "__pycache__" in file.parts or not source.is_file():
                continue  # scripts beside the interpreter, byte code
            (into / file).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, into / file)
        _copy_requirements(requirement.name, into, seen)


def env_for(readable: Path, home: Path | str) -> dict[str, str]:
    """The environment of a ``serve_cli(..., NOBODY)`` run: ``readable_segfn`` first on the path."""
    path = os.pathsep.join(p for p in (str(readable), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "HOME": str(home), "PYTHONPATH": path}


@pytest.mark.parametrize("name, db, says", [
    ("empty", "", "--db: the path is empty"),
    ("a folder", "{folder}", "is a directory"),  # click's own check
    ("not SQLite", "{folder}/notes.sqlite", "not a SQLite database"),
    ("under a file", "{folder}/notes.sqlite/serve.sqlite", "part of the path is a file"),
    ("an empty SQLite file is a new database", "{folder}/empty.sqlite", None),
])
def test_a_db_path_no_database_can_live_at_is_one_line_and_exit_2(tmp_path, name, db, says):
    write_workspace(tmp_path, [SPRIG_LIKE])
    (tmp_path / "notes.sqlite").write_text("these are my notes, not a database\n")
    (tmp_path / "empty.sqlite").write_bytes(b"")
    port = free_port()
    process = subprocess.Popen(serve_cli(["--port", str(port), "--db", db.format(folder=tmp_path)]),
                               cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if says is None:  # it serves
        try:
            wait_for(lambda: _up(f"http://127.0.0.1:{port}", process), 30)
        finally:
            process.terminate()
            process.wait(30)
        return
    out, err = process.communicate(timeout=60)
    assert process.returncode == 2, err
    last = err.strip().splitlines()[-1]
    assert last.lower().startswith("error: ") and says in last, err
    assert "Traceback" not in err + out and len(err.strip().splitlines()) in (1, 4), err  # ours, or click's usage


def test_an_unwritable_db_folder_is_one_line_and_exit_2(tmp_path, readable_segfn):
    folder = Path(tempfile.mkdtemp(prefix="segfn-ro-"))
    try:
        write_workspace(folder, [SPRIG_LIKE])
        (folder / "locked").mkdir()
        os.chmod(folder / "locked", 0o555)
        os.chmod(folder, 0o755)
        user = NOBODY if os.geteuid() == 0 else None
        if user is not None and SETPRIV is None:
            pytest.skip("running as root without setpriv: root writes anywhere, so nothing is unwritable")
        done = subprocess.run(serve_cli(["--port", "0", "--db", str(folder / "locked" / "serve.sqlite")], user),
                              cwd=folder, capture_output=True, text=True, timeout=60, env=env_for(readable_segfn, "/tmp"))
        assert done.returncode == 2, done.stderr
        assert done.stderr.count("\n") == 1 and "not writable" in done.stderr, done.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _up(url: str, process: subprocess.Popen) -> bool:
    assert process.poll() is None, process.communicate()[1] if process.stderr else "exited"
    try:
        return requests.get(url + "/__segfn__/health", timeout=1).status_code in (200, 503)
    except requests.ConnectionError:
        return False


def _assert_loud(url: str, says: str) -> None:
    health = requests.get(url + "/__segfn__/health", timeout=10)
    assert health.status_code == 503 and health.json()["ok"] is False and says in health.json()["problem"]
    refused = track(url, "after-the-fault")
    assert refused.status_code == 503, refused.text
    assert refused.json()["code"] == "store_unavailable" and says in refused.json()["message"]
    assert "send it again later" in refused.json()["message"]
    for path in ("/", "/destinations", "/__segfn__/messages", "/__segfn__/summary", "/messages/1"):
        assert requests.get(url + path, timeout=10).status_code in (200, 404, 503), path  # never a 500


def test_a_db_deleted_while_serving_is_seen(serve, tmp_path):
    server = serve(db=tmp_path / "gone.sqlite")
    assert track(server.url, "before").status_code == 200
    server.wait_settled(1)
    for file in tmp_path.glob("gone.sqlite*"):
        file.unlink()
    _assert_loud(server.url, "was deleted while serving")


@pytest.mark.parametrize("replacement", ["another database", "not a database"])
def test_a_db_replaced_while_serving_is_seen(serve, tmp_path, replacement):
    server = serve(db=tmp_path / "swapped.sqlite")
    assert track(server.url, "before").status_code == 200
    server.wait_settled(1)
    other = tmp_path / "other.sqlite"
    if replacement == "another database":
        import sqlite3
        with sqlite3.connect(other) as conn:
            conn.execute("CREATE TABLE t (x)")
    else:
        other.write_text("junk")
    os.replace(other, tmp_path / "swapped.sqlite")
    _assert_loud(server.url, "was replaced by another file while serving")


@pytest.mark.skipif(SETPRIV is None or os.geteuid() != 0, reason="needs root and setpriv to run serve as nobody")
def test_a_db_made_read_only_while_serving_is_refused_and_recovers_when_writable_again(readable_segfn):
    folder = Path(tempfile.mkdtemp(prefix="segfn-ro-"))
    os.chmod(folder, 0o777)
    port, db = free_port(), folder / "serve.sqlite"
    url = f"http://127.0.0.1:{port}"
    try:
        # the function too is read by nobody: a copy beside the workspace, not the checkout's
        (folder / "functions").mkdir(mode=0o755)
        function = Path(shutil.copy(SPRIG_LIKE["function"], folder / "functions"))
        os.chmod(function, 0o644)
        write_workspace(folder, [{**SPRIG_LIKE, "function": str(function)}])
        process = subprocess.Popen(serve_cli(["--port", str(port), "--db", str(db)], NOBODY), cwd=folder,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                   env=env_for(readable_segfn, folder))
        try:
            wait_for(lambda: _up(url, process), 30)
            assert track(url, "before").status_code == 200
            os.chmod(db, 0o444)
            _assert_loud(url, "became read-only")
            os.chmod(db, 0o666)
            wait_for(lambda: requests.get(url + "/__segfn__/health", timeout=5).status_code == 200, 10)
            assert track(url, "writable-again").status_code == 200
            wait_for(lambda: requests.get(url + "/__segfn__/health", timeout=5).json()["stats"]["unsettled"] == 0, 30,
                     lambda: requests.get(url + "/__segfn__/health", timeout=5).text)
        finally:
            process.terminate()
            process.wait(30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
