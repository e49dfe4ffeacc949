"""``segfn watch``: replay again whenever a function, a fixture or the workspace changes.

Each run is a fresh ``segfn replay`` process, so an edited function module (and any helper module it
imports) is loaded anew every time; an edited function is also compiled again (``segfn build``), so a
construct the compiler rejects shows at once. After the first run only what changed is printed: the
report lines that differ from the previous run's, and the summary. Changes are debounced: an
editor's save-rename-write burst gives one run.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import click
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

WATCHED_SUFFIXES = (".py", ".json", ".ndjson", ".gz", ".toml")
IGNORED_PARTS = {"__pycache__", ".git", "expected", "node_modules", "dist", ".segfn"}


class _Changes(FileSystemEventHandler):
    """Remembers that something relevant changed (goldens in fixtures/expected/ do not count:
    ``--update`` writes them)."""

    def __init__(self, workspace: Path) -> None:
        self.workspace = workspace.resolve()
        self.changed = threading.Event()
        self.last = ""
        self.functions: set[Path] = set()  # function modules changed since the last run

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory:
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if not raw:
                continue
            path = Path(str(raw))
            if IGNORED_PARTS & set(path.parts):
                continue
            if path.resolve() == self.workspace or path.name.endswith(WATCHED_SUFFIXES):
                self.last = str(path)
                if path.suffix == ".py" and "functions" in path.parts and path.name != "runtime.py":
                    self.functions.add(path)
                self.changed.set()


def _changed(before: list[str], after: list[str]) -> list[str]:
    """The lines of this run's report that the last run did not print, and the summary line."""
    seen = set(before)
    out = [line for line in after[:-1] if line not in seen]
    return out + after[-1:]


@click.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--workspace", "workspace_file", type=click.Path(path_type=Path), default="workspace.toml",
              envvar="SEGFN_WORKSPACE", show_default=True, help="The workspace to emulate; it is watched too.")
@click.option("--debounce", type=float, default=0.3, show_default=True, help="Seconds of quiet before a run.")
@click.option("--max-runs", type=click.IntRange(1), default=None, hidden=True,
              help="Stop after this many runs (scripts and tests).")
def watch(paths: tuple[Path, ...], workspace_file: Path, debounce: float, max_runs: int | None) -> None:
    """Run `segfn replay [PATHS]` now and again after every change to functions/, fixtures/ or the
    workspace file. Stop with Ctrl-C."""
    if not workspace_file.exists():
        raise click.BadParameter(f"no such file: {workspace_file}", param_hint="--workspace")
    root = workspace_file.resolve().parent
    handler = _Changes(workspace_file)
    observer = Observer()
    for folder in (root / "functions", root / "fixtures"):
        if folder.is_dir():
            observer.schedule(handler, str(folder), recursive=True)
    observer.schedule(handler, str(root), recursive=False)
    observer.start()
    command = [sys.executable, "-m", "segfn.cli", "replay", "--workspace", str(workspace_file), *map(str, paths)]
    runs = 0
    previous: list[str] | None = None
    try:
        while True:
            runs += 1
            built = sorted(p for p in handler.functions if p.exists())
            handler.functions.clear()
            if built:
                subprocess.call([sys.executable, "-m", "segfn.cli", "build", *map(str, built)])
            done = subprocess.run(command, stdout=subprocess.PIPE, text=True)
            code = done.returncode
            lines = done.stdout.splitlines()
            shown = lines if previous is None else _changed(previous, lines)
            previous = lines
            if shown:
                click.echo("\n".join(shown))
            verdict = {0: ("all goldens match", "green"), 1: ("goldens differ", "red")}.get(code, ("bad input", "red"))
            click.echo(click.style(f"[watch] run {runs}: {verdict[0]}; waiting for changes (Ctrl-C stops)",
                                   fg=verdict[1]), err=True)
            if max_runs is not None and runs >= max_runs:
                return
            handler.changed.wait()
            while handler.changed.is_set():  # quiet for `debounce` seconds
                handler.changed.clear()
                time.sleep(debounce)
            click.echo(f"[watch] {handler.last} changed", err=True)
    except KeyboardInterrupt:
        pass
    finally:
        observer.stop()
        observer.join(5)
