"""``segfn watch``: replay again, and compile again, when a function, a fixture or the workspace changes.

What counts as a change: a file created, modified, moved or deleted under ``functions/`` or
``fixtures/`` (not ``fixtures/expected/``, which ``--update`` writes), and the workspace file. Reading a
file is not a change (replay reads every fixture), and ``dist/``, ``.segfn/``, caches and editor swap
files are not watched. A burst of changes (an editor's save, a ``git checkout``) gives one run, after
``--debounce`` seconds of quiet.

A run does only what the change can affect:

- a function module, or a helper module it imports, changed: that module and every module importing
  it are compiled again, exactly as ``segfn build`` compiles them in the project folder (so a bundle
  whose bytes did not change keeps its ``segfn check`` stamp valid), and only the fixtures whose
  messages reached a destination running one of them are replayed;
- a fixture changed: that fixture is replayed;
- the workspace (or anything else) changed: every fixture is replayed.

``__init__.py`` and ``runtime.py`` are never function modules. Each replay is a fresh ``segfn replay``
process, so edited modules are loaded anew. After the first run, only report lines that changed are
printed, and the summary.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import click
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

FIXTURE_SUFFIXES = (".json", ".ndjson", ".ndjson.gz")
NOT_WATCHED = {"__pycache__", ".git", "node_modules", "dist", ".segfn", ".pytest_cache", ".mypy_cache"}
EVERYTHING = Path("*")  # a change whose reach is unknown (a folder moved, the workspace): replay all


class Changes(FileSystemEventHandler):
    """Collects the paths that were created, modified, moved or deleted (never merely opened or read)."""

    def __init__(self, root: Path, workspace: Path) -> None:
        self.root = root
        self.workspace = workspace
        self.functions = root / "functions"
        self.fixtures = root / "fixtures"
        self.expected = self.fixtures / "expected"
        self.paths: set[Path] = set()
        self.lock = threading.Lock()
        self.changed = threading.Event()

    def on_created(self, event: FileSystemEvent) -> None:
        self._note(event, event.src_path)

    def on_modified(self, event: FileSystemEvent) -> None:
        if not event.is_directory:  # a folder's mtime changes with every file made in it
            self._note(event, event.src_path)

    def on_deleted(self, event: FileSystemEvent) -> None:
        self._note(event, event.src_path)

    def on_moved(self, event: FileSystemEvent) -> None:
        self._note(event, event.src_path)
        self._note(event, event.dest_path)

    def _note(self, event: FileSystemEvent, raw: bytes | str) -> None:
        path = Path(os.fsdecode(raw)).absolute()
        relevant = self.relevant(path, event.is_directory)
        if relevant is None:
            return
        with self.lock:
            self.paths.add(relevant)
        self.changed.set()

    def relevant(self, path: Path, is_directory: bool) -> Path | None:
        """The change to act on for ``path``: itself, EVERYTHING, or None when it does not matter."""
        if path == self.workspace:
            return EVERYTHING
        if NOT_WATCHED & set(path.parts) or path.name.startswith((".#", "~")) or path.name.endswith(("~", ".swp")):
            return None
        if path.is_relative_to(self.expected):
            return None
        if path.is_relative_to(self.functions):
            if is_directory:
                return EVERYTHING
            return path if path.suffix == ".py" else None
        if path.is_relative_to(self.fixtures):
            if is_directory:
                return EVERYTHING
            if path.name.endswith(FIXTURE_SUFFIXES):
                return path
            return EVERYTHING if path.suffix == ".toml" else None  # fixtures/http/*.toml: stubs
        return None

    def take(self, debounce: float) -> set[Path]:
        """Wait for a change, then for ``debounce`` seconds of quiet; the paths changed meanwhile."""
        self.changed.wait()
        while self.changed.is_set():
            self.changed.clear()
            time.sleep(debounce)
        with self.lock:
            paths, self.paths = self.paths, set()
        return paths


@dataclass
class Fixture:
    """What the last run learned about one fixture."""

    golden: str = ""
    destinations: set[str] = field(default_factory=set)
    lines: list[str] = field(default_factory=list)
    problems: int = 0


class Project:
    """The project folder watch works in: its function modules, what each one compiles in, and which
    destinations run it."""

    def __init__(self, root: Path, workspace_file: Path) -> None:
        self.root = root
        self.workspace_file = workspace_file

    def modules(self) -> list[Path]:
        from segfn.commands.build import function_files

        return [p.absolute() for p in function_files((), self.root / "functions")]

    def importers(self, changed: Path) -> list[Path]:
        """The function modules ``changed`` is compiled into: itself, or those importing it."""
        from segfn.compiler.bundle import module_files

        return [m for m in self.modules() if m == changed or changed in module_files(m)]

    def destinations(self, modules: list[Path]) -> set[str] | None:
        """Destinations whose function or insert function is one of ``modules`` (None: unknown)."""
        from segfn.emulator.errors import ConfigError
        from segfn.emulator.workspace import load_workspace

        try:
            workspace = load_workspace(self.workspace_file)
        except ConfigError:
            return None
        wanted = {m.resolve() for m in modules}
        return {d.name for d in workspace.destinations
                if d.function.resolve() in wanted or (d.insert_function and d.insert_function.resolve() in wanted)}


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--workspace", "workspace_file", type=click.Path(path_type=Path), default="workspace.toml",
              envvar="SEGFN_WORKSPACE", show_default=True, help="The workspace to emulate; it is watched too.")
@click.option("--debounce", type=click.FloatRange(min=0), default=0.3, show_default=True,
              help="Seconds of quiet after a change before a run: a burst of changes gives one run.")
@click.option("--max-runs", type=click.IntRange(1), default=None, hidden=True,
              help="Stop after this many runs (scripts and tests).")
def watch(paths: tuple[Path, ...], workspace_file: Path, debounce: float, max_runs: int | None) -> None:
    """Replay fixtures, and compile functions, now and after every change to functions/, fixtures/ or
    the workspace file; only what a change can affect runs again. Stop with Ctrl-C.

    PATHS limit the fixtures replayed (default: fixtures/). Compiled bundles go where `segfn build`
    writes them (dist/, or SEGFN_DIST), from the workspace's folder.
    """
    if not workspace_file.exists():
        raise click.BadParameter(f"no such file: {workspace_file}", param_hint="--workspace")
    missing = [p for p in paths if not p.exists()]
    if missing:  # as segfn replay says it, once, rather than at every run
        raise click.BadParameter(f"no such file or folder: {', '.join(map(str, missing))}", param_hint="PATHS")
    workspace_file = workspace_file.absolute()
    root = workspace_file.parent
    watcher = Watcher(Project(root, workspace_file), [p.absolute() for p in paths])
    handler = Changes(root, workspace_file)
    observer = Observer()
    for folder in (root / "functions", root / "fixtures"):
        if folder.is_dir():
            observer.schedule(handler, str(folder), recursive=True)
    observer.schedule(handler, str(root), recursive=False)  # the workspace file, and folders made later
    observer.start()
    try:
        watcher.run(set(), first=True)
        while max_runs is None or watcher.runs < max_runs:
            watcher.run(handler.take(debounce))
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        observer.join(5)


class Watcher:
    """One run after another: what to compile and replay for a set of changed paths, and the report."""

    def __init__(self, project: Project, paths: list[Path]) -> None:
        self.project = project
        self.paths = paths
        self.fixtures: dict[str, Fixture] | None = None  # by path; None until a replay reported
        self.runs = 0

    def run(self, changed: set[Path], *, first: bool = False) -> None:
        self.runs += 1
        root = self.project.root
        if not first:
            shown = ", ".join(sorted(str(_shown(p, root)) for p in changed if p is not EVERYTHING))
            click.echo(f"[watch] {shown or self.project.workspace_file.name} changed", err=True)
        build, replay, why = self.plan(changed, first)
        if not first:
            known = len(self.fixtures or {})
            said = "every fixture" if replay is None else f"{len(replay)} of {known} fixtures{why}"
            click.echo(f"[watch] compiling {', '.join(m.name for m in build) or 'nothing'}; replaying {said}",
                       err=True)
        if build:
            subprocess.call([sys.executable, "-m", "segfn.cli", "build", *(str(_shown(m, root)) for m in build)],
                            cwd=root)
        code = self.replay(replay) if replay is None or replay else 0
        self.verdict(code)

    def plan(self, changed: set[Path], first: bool) -> tuple[list[Path], list[Path] | None, str]:
        """The modules to compile, the fixtures to replay (None: every one), and why those."""
        if first or EVERYTHING in changed or self.fixtures is None:
            build = self.project.modules() if first else self._modules(changed)
            return build, None, ""
        build = self._modules(changed)
        fixtures = {p for p in changed if p.is_relative_to(self.project.root / "fixtures")}
        for path in fixtures:
            if not path.exists():
                self.fixtures.pop(str(path), None)
        replay = {p for p in fixtures if p.exists() and self._wanted(p)}
        why = ": the changed ones" if replay else ""
        sources = {p for p in changed if p.suffix == ".py" and p.is_relative_to(self.project.root / "functions")}
        if sources:
            if any(p.name in ("__init__.py", "runtime.py") for p in sources):
                return build, None, ""
            affected = set(build) | {p for p in sources if not p.exists()}
            destinations = self.project.destinations(sorted(affected))
            if destinations is None:
                return build, None, ""
            replay |= {Path(path) for path, f in self.fixtures.items()
                       if f.destinations & destinations or f.problems or not f.golden}
            why = (f": those reaching {', '.join(sorted(destinations))}" if destinations
                   else ": no destination runs the changed modules")
        return build, sorted(replay), why

    def _modules(self, changed: set[Path]) -> list[Path]:
        out: set[Path] = set()
        for path in changed:
            if path.suffix == ".py" and path.exists() and path.is_relative_to(self.project.root / "functions"):
                out.update(self.project.importers(path))
        return sorted(out)

    def _wanted(self, fixture: Path) -> bool:
        return not self.paths or any(fixture == p or fixture.is_relative_to(p) for p in self.paths)

    def replay(self, fixtures: list[Path] | None) -> int:
        """Run ``segfn replay`` on ``fixtures`` (None: PATHS, or every fixture); print what changed."""
        root = self.project.root
        with tempfile.TemporaryDirectory(prefix="segfn-watch-") as tmp:
            report = Path(tmp) / "report.json"
            targets = self.paths if fixtures is None else fixtures
            done = subprocess.run([sys.executable, "-m", "segfn.cli", "replay", "--workspace",
                                   str(self.project.workspace_file), "--report-to", str(report),
                                   *(str(_shown(p, root)) for p in targets)],
                                  cwd=root, stdout=subprocess.PIPE, text=True)
            results = json.loads(report.read_text()) if report.exists() else None
        lines = done.stdout.splitlines()
        if results is None:  # bad input: the workspace or a function does not load
            click.echo("\n".join(lines))
            if fixtures is None:
                self.fixtures = None
            return done.returncode
        if self.fixtures is None or fixtures is None:
            previous, self.fixtures = self.fixtures or {}, {}
        else:
            previous = dict(self.fixtures)
        for result in results:
            block = _block(lines, result["fixture"])
            old = previous.get(result["path"])
            fixture = Fixture(result["golden"], set(result["destinations"]), block, result["problems"])
            self.fixtures[result["path"]] = fixture
            if old is None or self.runs == 1:
                shown = block
            else:
                seen = set(old.lines)
                shown = [line for line in block if line not in seen]
                if shown and block and shown[0] != block[0]:
                    shown.insert(0, block[0])  # which fixture the changed lines belong to
            if shown:
                click.echo("\n".join(shown))
        if lines:
            click.echo(lines[-1])  # the summary line
        return done.returncode

    def verdict(self, code: int) -> None:
        fixtures = self.fixtures or {}
        if code == 2 and self.fixtures is None:
            said, colour = "bad input", "red"
        elif any(f.golden not in ("match", "updated") or f.problems for f in fixtures.values()):
            said, colour = "goldens differ", "red"
        else:
            said, colour = "all goldens match", "green"
        click.echo(click.style(f"[watch] run {self.runs}: {said} ({len(fixtures)} fixtures); waiting for changes "
                               "(Ctrl-C stops)", fg=colour), err=True)


def _shown(path: Path, root: Path) -> Path:
    try:
        return path.relative_to(root)
    except ValueError:
        return path


def _block(lines: list[str], label: str) -> list[str]:
    """A fixture's lines in replay's table: its header (``label  verdict``) and the indented lines under it."""
    out: list[str] = []
    for line in lines:
        if out and line.startswith("  "):
            out.append(line)
        elif out:
            break
        elif line.startswith(label + "  "):
            out.append(line)
    return out
