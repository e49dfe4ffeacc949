"""``segfn serve``: a local Segment on 127.0.0.1:8787 (Tracking API, durable delivery with retries,
mock Sprig at /sprig, web debugger at /, control API at /__segfn__/)."""

from __future__ import annotations

import errno
import os
import signal
import sys
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

import click

from segfn.emulator.errors import ConfigError
from segfn.emulator.faults import HostFaults

from .options import FAULTS_HELP, Duration, FaultsOption, say_warnings


def lock_db(db: Path) -> IO[str] | None:
    """Hold ``<db>.lock`` exclusively (``fcntl.flock``) for this process's life, so a second ``segfn
    serve`` on the same ``--db`` refuses to start instead of sharing the store silently (each would
    deliver the other's messages with its own workspace). The kernel releases the lock when the
    process ends, however it ends (a SIGKILL too). Exits 2 when another process holds it; returns
    None when no lock file can be made there (the store then says what is wrong with ``--db``) or
    the platform has no flock."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        return None
    try:
        path = db.with_name(db.name + ".lock")
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+", encoding="utf-8")
    except (OSError, ValueError):
        return None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.seek(0)
        holder = handle.read().strip()
        handle.close()
        who = f" (process {holder})" if holder.isdigit() else ""
        _fail([f"{db} is in use by another segfn serve{who}; stop it, or pass --db with another file"])
    handle.seek(0)
    handle.truncate()
    handle.write(f"{os.getpid()}\n")
    handle.flush()
    return handle


def _fail(lines: list[str]) -> None:
    for line in lines:
        click.echo(click.style("error: ", fg="red", bold=True) + line, err=True)
    sys.exit(2)


@click.command()
@click.option("--host", default="127.0.0.1", envvar="SEGFN_HOST", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8787, envvar="SEGFN_PORT", show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--workspace", "workspace_file", type=click.Path(path_type=Path), default="workspace.toml",
              envvar="SEGFN_WORKSPACE", show_default=True, help="The workspace to emulate.")
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), default=".segfn/serve.sqlite",
              envvar="SEGFN_DB", show_default=True, help="SQLite file holding messages, deliveries and attempts.")
@click.option("--retry-window", type=Duration(), default="4h", envvar="SEGFN_RETRY_WINDOW", show_default=True,
              help="How long retries go on (Segment: 4 hours); every backoff delay scales with it.")
@click.option("--batch-size", type=click.IntRange(1, 400), default=20, envvar="SEGFN_BATCH_SIZE",
              show_default=True, help="Events per on_batch call where a destination sets no batch in workspace.toml "
                   "(Segment: 20, up to 400 on request).")
@click.option("--batch-wait", type=Duration(), default="10s", envvar="SEGFN_BATCH_WAIT", show_default=True,
              help="Longest wait to fill an on_batch batch where a destination sets no batch in "
                   "workspace.toml (Segment: 10 s).")
@click.option("--workers", type=click.IntRange(1, 64), default=4, envvar="SEGFN_WORKERS", show_default=True,
              help="Attempts run at once.")
@click.option("--threads", type=click.IntRange(1, 128), default=8, envvar="SEGFN_THREADS", show_default=True,
              help="HTTP worker threads.")
@click.option("--seed", type=int, default=0, envvar="SEGFN_SEED", show_default=True,
              help="Seeds sampling without a path and retry jitter (as in segfn replay).")
@click.option("--max-backlog", type=click.IntRange(min=1), default=None, envvar="SEGFN_MAX_BACKLOG",
              help="Answer 429 with Retry-After while this many deliveries wait (default: queue them all, "
                   "as Segment does).")
@click.option("--fresh", is_flag=True, envvar="SEGFN_FRESH", help="Forget the database's messages before starting.")
@click.option("--faults", type=FaultsOption(), envvar="SEGFN_FAULTS", help=FAULTS_HELP)
@click.option("--allow-host", "allow_hosts", multiple=True, envvar="SEGFN_ALLOW_HOST", metavar="NAME",
              help="Another Host name the debugger and control API answer to (repeatable); they answer "
                   "127.0.0.1, localhost, [::1] and the --host address, so DNS rebinding cannot reach them.")
def serve(host: str, port: int, workspace_file: Path, db: Path, retry_window: float, batch_size: int,
          batch_wait: float, workers: int, threads: int, seed: int, fresh: bool, faults: HostFaults | None,
          max_backlog: int | None, allow_hosts: tuple[str, ...]) -> None:
    """Run a local Segment: point a Segment library's host at it and open the debugger.

    Everything it accepts is committed to --db before it answers, and delivered after a crash and
    restart. Stop it with Ctrl-C.
    """
    from segfn.emulator.local import LocalSegment, ServeOptions
    from segfn.emulator.server import create_app
    from segfn.emulator.server.run import WebServer

    options = ServeOptions(workspace=workspace_file, db=db, retry_window=timedelta(seconds=retry_window),
                           batch_size=batch_size, batch_wait=batch_wait, workers=workers, seed=seed, faults=faults,
                           max_backlog=max_backlog, allow_hosts=tuple(allow_hosts))
    held = lock_db(db)  # released when this process ends
    try:
        local = LocalSegment(options)
    except ConfigError as error:
        _fail(error.problems)
    say_warnings(local.workspace.warnings)
    if fresh:
        local.reset()
    try:
        server = WebServer(create_app(local=local, start=False), host=host, port=port, threads=threads)
    except OSError as exc:
        local.close()
        hint = "; pass --port or set SEGFN_PORT (0 picks a free one)" if exc.errno == errno.EADDRINUSE else ""
        _fail([f"cannot listen on {host}:{port}: {exc.strerror or exc}{hint}"])
    except ValueError as exc:  # waitress: a --host that is no address ("999.1.1.1", "")
        local.close()
        _fail([f"cannot listen on {host!r}:{port}: {exc} (--host takes an IP address or a name of this machine)"])
    local.start()
    url = server.url
    window = f"{retry_window / 3600:g} h" if retry_window >= 3600 else f"{retry_window:g} s"
    click.echo(click.style(f"segfn serve: {local.workspace.name} on {url}", bold=True))
    click.echo(f"  Tracking API   {url}/v1/track, /v1/batch ...   (write keys: "
               + ", ".join(f"{s.name}={s.write_key}" for s in local.workspace.sources) + ")")
    click.echo(f"  debugger       {url}/")
    click.echo(f"  mock Sprig     {url}/sprig/v2/users/<userId>   ({type(local.sprig).__name__})")
    click.echo(f"  control API    {url}/__segfn__/messages")
    allowed = ", ".join(local.workspace.allow_network) or "none (add hosts to allow_network)"
    click.echo(f"  fetch          {len(local.workspace.stubs)} stubs · network for: {allowed}"
               + (f" · faults for {', '.join(faults.by_host)}" if faults else ""))
    click.echo(f"  state          {db}  · retries over {window} · on_batch {batch_size} events / {batch_wait:g} s")
    if local.worker.recovered:
        click.echo(f"  recovered {local.worker.recovered} attempt(s) interrupted by the last stop")
    sys.stdout.flush()

    def stop(signum: int, frame: Any) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        server.run()  # returns on Ctrl-C or SIGTERM
    finally:
        click.echo("segfn serve: stopping; attempts in progress finish first", err=True)
        server.stop()
        local.close()
        if held is not None:
            held.close()
