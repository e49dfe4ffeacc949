"""segfn's pytest plugin, registered through the ``pytest11`` entry point: installed with segfn, it is
there in every pytest run, and costs nothing until a test asks for one of its fixtures.

Fixtures (each new per test):

``segfn_workspace``
    The project's ``workspace.toml``, loaded and checked (``segfn.emulator.workspace.Workspace``:
    ``root``, ``sources``, ``destinations``, ``stubs``). Found by the ini option ``segfn_workspace``,
    else the ``SEGFN_WORKSPACE`` variable, else the nearest ``workspace.toml`` at or above pytest's
    root folder. A bad file fails the test with every problem, ``file:line:col`` or key path.
``segfn_function``
    ``segfn_function(module, event, settings=None)`` runs the handler for ``event["type"]`` and returns
    a ``FunctionCall``: ``returned`` (an insert function's event: ``event``), ``outcome``, ``category``
    (Segment's: Message Rejected, Unsupported Event Type, Bad Request, Invalid Settings, Retry, Timeout)
    and ``reason``, ``dropped``, ``requests`` (``method``, ``url``, ``headers``, ``body``, ``status``,
    ``response``) and ``logs``. ``settings`` default to the workspace's for that module.
``segfn_replay``
    ``segfn_replay(*paths)`` replays fixtures (default: ``fixtures/``) as ``segfn replay`` does and
    returns a ``ReplayReport``: ``ok``, ``explain()``, ``outcomes``, ``outcome(message_id, destination)``.
``sprig_mock``
    The mock Sprig API both of the above send Sprig's hosts to: ``users``, ``events``, ``purges``,
    ``received``, ``faults``.
``segfn_stubs``
    ``segfn_stubs.add(url, status=..., json=..., sequence=[...], error=...)``: HTTP answers for this
    test, tried before the workspace's stubs.

Details and the shapes are in ``segfn.testing``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest

INI_WORKSPACE = "segfn_workspace"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(INI_WORKSPACE, "segfn: the workspace.toml the fixtures use (relative to the rootdir); "
                                 "default: the nearest workspace.toml at or above the rootdir")


def _fail(error: Exception) -> None:
    pytest.fail(f"segfn: {error}", pytrace=False)


@pytest.fixture
def _segfn_project(request: pytest.FixtureRequest) -> Any:
    from segfn.testing import Project, SegfnTestError

    rootpath = Path(request.config.rootpath)
    named = request.config.getini(INI_WORKSPACE) or os.environ.get("SEGFN_WORKSPACE")
    try:
        if named:
            path = rootpath / named
            if not path.is_file():
                raise SegfnTestError(f"{path}: no such file (from the {INI_WORKSPACE} ini option or "
                                     f"SEGFN_WORKSPACE)")
            return Project.load(path)
        return Project.find(rootpath)
    except SegfnTestError as error:
        _fail(error)


@pytest.fixture
def segfn_workspace(_segfn_project: Any) -> Any:
    """The project's workspace, loaded and checked (see the module's docstring)."""
    if _segfn_project.workspace is None:
        _fail(f"no workspace.toml in {_segfn_project.root} or a folder above it (set the {INI_WORKSPACE} ini "
              f"option to point at one)")
    return _segfn_project.workspace


@pytest.fixture
def segfn_stubs() -> Any:
    """HTTP stubs for this test, tried before the workspace's."""
    from segfn.testing import Stubs

    return Stubs()


@pytest.fixture
def sprig_mock() -> Any:
    """The mock Sprig API (``segfn.testing.SprigMock``) that answers Sprig's hosts in this test."""
    from segfn.testing import SprigMock

    return SprigMock()


@pytest.fixture
def segfn_function(_segfn_project: Any, segfn_stubs: Any, sprig_mock: Any) -> Iterator[Any]:
    """Call one handler: ``segfn_function(module, event, settings=None)`` -> ``FunctionCall``."""
    from segfn.testing import FunctionCaller, SegfnTestError

    caller = FunctionCaller(_segfn_project, segfn_stubs, sprig_mock)

    def call(module: Any, event: Any, settings: Any = None, **options: Any) -> Any:
        try:
            return caller(module, event, settings, **options)
        except SegfnTestError as error:
            _fail(error)

    yield call
    caller.close()


@pytest.fixture
def segfn_replay(segfn_workspace: Any, _segfn_project: Any, segfn_stubs: Any, sprig_mock: Any) -> Any:
    """Replay fixtures: ``segfn_replay(*paths)`` -> ``ReplayReport``."""
    from segfn.testing import ReplayRunner, SegfnTestError

    runner = ReplayRunner(_segfn_project, segfn_stubs, sprig_mock)

    def replay(*paths: Any, **options: Any) -> Any:
        try:
            return runner(*paths, **options)
        except SegfnTestError as error:
            _fail(error)

    return replay
