"""Bundles written the way ``segfn build`` and ``segfn check`` leave them (the compiled output contract),
and the fake Public API, in process (Flask's test client as the transport) or on a real local port."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from segfn.cli import main

from .fake_public_api import FakeState, create_app, flask_transport

TOKEN = "sgp_CANARY_d3pl0y_t0k3n_91f2"  # a canary: it must never show anywhere
SETTINGS = [{"name": "apiKey", "label": "API Key", "description": "Sprig API key", "type": "STRING",
             "required": True, "sensitive": True}]
FAKE_URL = "https://fake.segmentapis.test"
COVERAGE_TEXT = "lines 97% (3 missed: 88, 141-142), branches 93%"  # in process: never resolved, the transport answers


def write_bundle(dist: Path, stem: str, code: str, *, kind: str = "destination", name: str | None = None,
                 settings=None, checked: bool = True, description: str = "A function") -> Path:
    """dist/<stem>.js, its manifest, and (``checked``) the stamp of a passing ``segfn check``."""
    dist.mkdir(parents=True, exist_ok=True)
    (dist / f"{stem}.js").write_bytes(code.encode("utf-8"))
    digest = hashlib.sha256(code.encode("utf-8")).hexdigest()
    manifest = {"module": f"functions/{stem}.py", "kind": kind, "name": name or stem.title(),
                "resourceType": "DESTINATION" if kind == "destination" else "INSERT_DESTINATION",
                "handlers": ["onTrack"], "settings": SETTINGS if settings is None else settings,
                "description": description, "sha256": digest}
    (dist / f"{stem}.json").write_text(json.dumps(manifest))
    stamp = dist / f"{stem}.check.json"
    if checked:
        stamp.write_text(json.dumps({"sha256": digest, "passed": True, "checked_at": "2026-11-23T00:00:00Z",
                                     "cases": 10, "coverage": {"lines": 97.1, "branches": 93.0,
                                                               "missing": {f"functions/{stem}.py": "88, 141-142"},
                                                               "text": COVERAGE_TEXT}}))
    elif stamp.exists():
        stamp.unlink()
    return dist


@pytest.fixture
def state() -> FakeState:
    return FakeState(token=TOKEN)


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def deploy(cli, state, waits):
    """``segfn deploy ARGS`` against the fake in process; ``waits`` collects every retry sleep."""
    transport = flask_transport(create_app(state))

    def run(*args: str, token: str | None = TOKEN, env: dict | None = None):
        environment = {"SEGMENT_API_TOKEN": token, "SEGMENT_API_URL": None, **(env or {})}
        if "--api-url" not in args and "SEGMENT_API_URL" not in (env or {}):
            args = ("--api-url", FAKE_URL, *args)
        return cli.invoke(main, ["deploy", *args], env=environment,
                          obj={"transport": transport, "sleep": waits.append})

    return run


@pytest.fixture
def fake_url(state):
    """The fake served on a real local port, so the CLI goes through its urllib transport."""
    server = make_server("127.0.0.1", 0, create_app(state), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A project folder with a workspace.toml naming one destination function."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "functions").mkdir()
    for stem in ("sprig", "scrub_pii", "drop_bots"):
        (tmp_path / "functions" / f"{stem}.py").write_text("")
    (tmp_path / "workspace.toml").write_text('name = "Local name"\n[[sources]]\nname = "web"\nwrite_key = "k"\n'
                                             '[[destinations]]\nname = "Sprig Cloud"\nfunction = "functions/sprig.py"\n')
    return tmp_path
