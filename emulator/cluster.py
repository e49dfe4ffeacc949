"""``segfn replay --dask ADDRESS|local``: archive files spread over a Dask cluster.

Each archive file is one task (``replay_archive``), replayed whole on one worker, so dedupe sees
the whole file as a local replay does. A task carries the parsed workspace (settings already read
from the client's environment) and the source of every function it names: a worker on another
machine writes the functions it does not have to a folder of its own, loads them once, and keeps
the pipeline for the next task of the same run. The client adds the counts up and judges each
archive against its golden, so outcome counts and golden verdicts equal a local replay's.

Paths are fsspec URLs: a folder (``s3://bucket/segment-logs/<source-id>/<day>/``, the layout
Segment's S3 destination writes: gzip JSON lines in ``.gz`` files) stands for the archives in it.
Dask, distributed, fsspec and s3fs are the optional extra ``segfn[dask]``.
"""

from __future__ import annotations

import hashlib
import pickle
import tempfile
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterable

from .fixtures import ARCHIVE_SUFFIXES, is_url
from .outcomes import Outcome
from .parallel import WorkerConfig, build_replay, portable
from .replay import FixtureResult, Replay
from .workspace import Workspace


class DaskUnavailable(RuntimeError):
    """``--dask`` without the extra installed."""


@dataclass(frozen=True)
class Project:
    """What a worker needs to replay like the client: ``segfn replay``'s setup (the workspace, seed,
    faults, ``--as``) and the source of every function the workspace names. ``key`` names it, so a
    worker builds its pipeline once per run."""

    setup: WorkerConfig
    sources: tuple[tuple[str, bytes], ...]  # (path on the client, source)
    key: str

    @classmethod
    def of(cls, setup: WorkerConfig) -> "Project":
        setup = portable(setup)
        paths = sorted({str(p) for d in setup.workspace.destinations for p in (d.function, d.insert_function) if p})
        sources = tuple((p, Path(p).read_bytes()) for p in paths)
        key = hashlib.sha256(pickle.dumps((setup, sources))).hexdigest()[:16]
        return cls(setup, sources, key)


_replays: dict[str, Replay] = {}
_replays_lock = threading.Lock()


def _replay_for(project: Project) -> Replay:
    """The worker's pipeline for ``project``, built on first use."""
    with _replays_lock:
        found = _replays.get(project.key)
        if found is None:
            found = _replays[project.key] = build_replay(project.setup, _local_functions(project))
        return found


def _local_functions(project: Project) -> Workspace:
    """The workspace with each function at a path this machine has: where the client had it when
    the file there is the same, else written to a folder of the worker's own."""
    moved: dict[str, Path] = {}
    folder: Path | None = None
    for path, source in project.sources:
        here = Path(path)
        try:
            if here.read_bytes() == source:
                continue
        except OSError:
            pass
        if folder is None:
            folder = Path(tempfile.mkdtemp(prefix=f"segfn-{project.key}-"))
        target = folder / hashlib.sha256(path.encode()).hexdigest()[:12] / here.name  # keeps the file name
        target.parent.mkdir(parents=True)
        target.write_bytes(source)
        moved[path] = target

    def where(path: Path | None) -> Path | None:
        return moved.get(str(path), path) if path is not None else None

    workspace = project.setup.workspace
    destinations = tuple(replace(d, function=where(d.function), insert_function=where(d.insert_function))
                         for d in workspace.destinations)
    return replace(workspace, destinations=destinations)


def replay_archive(project: Project, url: str, with_outcomes: bool) -> tuple[FixtureResult, list[Outcome]]:
    """A Dask task: one archive, whole, on this worker. The result is not judged (the client does)."""
    replay = _replay_for(project)
    outcomes: list[Outcome] = []
    target: Path | str = url if is_url(url) else Path(url)
    with _replays_lock:  # one replay per pipeline at a time (a worker may run several tasks at once)
        result = replay.run(target, on_outcome=outcomes.append if with_outcomes else None, judge=False)
    return result, outcomes


def archive_urls(paths: Iterable[str]) -> list[str]:
    """Each path as an fsspec URL; a folder becomes the archives under it, sorted."""
    fsspec = _need("fsspec")
    urls: list[str] = []
    for path in paths:
        fs, inner = fsspec.core.url_to_fs(path)
        if fs.isdir(inner):
            found = sorted(p for p in fs.find(inner) if p.endswith(ARCHIVE_SUFFIXES))
        else:
            found = [inner]
        urls.extend(fs.unstrip_protocol(p) for p in found)
    return urls


def connect(address: str) -> Any:
    """A ``distributed.Client`` for ``address`` (``tcp://host:8786``, a scheduler file's path), or
    a ``LocalCluster`` of one single-threaded worker process per core for ``local``."""
    distributed = _need("distributed")
    if address == "local":
        cluster = distributed.LocalCluster(threads_per_worker=1, processes=True, dashboard_address=None)
        return distributed.Client(cluster)
    if address.endswith(".json"):
        if not Path(address).is_file():
            raise DaskUnavailable(f"no scheduler file at {address} (dask scheduler --scheduler-file writes it)")
        return _client(distributed, address, scheduler_file=address)
    try:  # checked before a Client exists: a Client that fails to start hangs 60 s in its __del__
        from distributed.comm import resolve_address

        resolve_address(address)
    except (ValueError, OSError) as exc:
        raise DaskUnavailable(f"{address!r} is not a scheduler's address ({exc}); write tcp://host:8786, a "
                              f"scheduler file (.json), or local") from None
    return _client(distributed, address, address)


def _client(distributed: Any, address: str, *args: Any, **kwargs: Any) -> Any:
    """A connected Client, or DaskUnavailable saying that no scheduler answered at ``address``."""
    try:
        return distributed.Client(*args, **kwargs)
    except (OSError, TimeoutError, ValueError) as exc:
        raise DaskUnavailable(f"no Dask scheduler answered at {address} ({type(exc).__name__}: {exc})") from None


def _need(module: str) -> Any:
    try:
        return __import__(module, fromlist=["_"])
    except ImportError:
        raise DaskUnavailable(f"--dask needs {module}: pip install 'segfn[dask]'") from None
