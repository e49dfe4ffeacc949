"""Bundles written the way ``segfn build`` and ``segfn check`` leave them, and the fake Public API
served on a real local port (so the CLI goes through its real HTTP code)."""

from __future__ import annotations

import hashlib
import json
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from .fake_public_api import FakeState, create_app

TOKEN = "sgp_CANARY_d3pl0y_t0k3n_91f2"
SETTINGS = [{"name": "apiKey", "label": "API Key", "description": "Sprig API key", "type": "STRING",
             "required": True, "sensitive": True}]


def write_bundle(dist: Path, stem: str, code: str, *, kind: str = "destination", name: str | None = None,
                 settings=None, checked: bool = True, description: str = "A function") -> Path:
    dist.mkdir(parents=True, exist_ok=True)
    (dist / f"{stem}.js").write_text(code)
    digest = hashlib.sha256(code.encode()).hexdigest()
    manifest = {"module": f"functions/{stem}.py", "kind": kind, "name": name or stem.title(),
                "resourceType": "DESTINATION" if kind == "destination" else "INSERT_DESTINATION",
                "handlers": ["onTrack"], "settings": SETTINGS if settings is None else settings,
                "description": description, "sha256": digest}
    (dist / f"{stem}.json").write_text(json.dumps(manifest))
    if checked:
        (dist / f"{stem}.check.json").write_text(json.dumps({"sha256": digest, "passed": True,
                                                             "checked_at": "2026-11-23T00:00:00Z", "cases": 10}))
    return dist


@pytest.fixture
def state() -> FakeState:
    return FakeState(token=TOKEN)


@pytest.fixture
def fake_url(state):
    server = make_server("127.0.0.1", 0, create_app(state), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "functions").mkdir()
    (tmp_path / "functions" / "sprig.py").write_text("")
    (tmp_path / "workspace.toml").write_text('name = "Acme"\n[[sources]]\nname = "web"\nwrite_key = "k"\n'
                                             '[[destinations]]\nname = "Sprig Cloud"\nfunction = "functions/sprig.py"\n')
    return tmp_path
