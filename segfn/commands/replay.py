"""``segfn replay``: every fixture through the emulated pipeline, held against its golden."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from segfn.emulator import outcomes as oc
from segfn.emulator.errors import ConfigError
from segfn.emulator.cluster import DaskUnavailable, Project, archive_urls, connect, replay_archive
from segfn.emulator.fixtures import is_archive, is_url
from segfn.emulator.outcomes import Outcome
from segfn.emulator.replay import (DIFFER, MATCH, MISSING, UPDATED, FixtureResult, Replay, build_warnings,
                                   replay_pipeline)
from segfn.emulator.faults import FaultConfigError, Faults, HostFaults
from segfn.emulator.messages import AS_AUTO, AS_MODES
from segfn.emulator.parallel import ParallelReplay, WorkerConfig, WorkerFailed
from segfn.emulator.sprig import MockSprig
from segfn.emulator.workspace import load_workspace

from .options import FAULTS_HELP, FaultsOption, say_warnings

_COLOURS = {oc.DELIVERED: "green", oc.FILTERED: "yellow", oc.DISCARDED: "red", oc.REJECTED: "red",
            oc.RETRYING: "magenta"}
_VERDICTS = {MATCH: ("golden ok", "green"), UPDATED: ("golden updated", "cyan"),
             MISSING: ("no golden (run segfn replay --update)", "red"), DIFFER: ("golden DIFFERS", "red")}


def fail_config(error: ConfigError) -> None:
    """Print every configuration problem and exit 2 (bad input)."""
    for problem in error.problems:
        click.echo(click.style("error: ", fg="red", bold=True) + problem, err=True)
    sys.exit(2)


@click.command()
@click.argument("paths", nargs=-1)
@click.option("--workspace", "workspace_file", type=click.Path(path_type=Path), default="workspace.toml",
              envvar="SEGFN_WORKSPACE", show_default=True, help="The workspace to emulate.")
@click.option("--update", is_flag=True, help="Rewrite the golden files with this run's outcomes.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", envvar="SEGFN_FORMAT",
              show_default=True, help="A table for people, or one JSON object per outcome.")
@click.option("--seed", type=int, default=0, envvar="SEGFN_SEED", show_default=True,
              help="Seeds sampling without a path and retry jitter.")
@click.option("--sprig-faults", "sprig_faults", metavar="JSON", envvar="SEGFN_SPRIG_FAULTS",
              help='Failures the mock Sprig injects this run, e.g. \'{"error_rate": 0.3, "status": 500, '
                   '"drop_rate": 0, "latency_ms": 0, "seed": 1}\'. Retries change attempt counts, so goldens '
                   'differ.')
@click.option("--faults", type=FaultsOption(), envvar="SEGFN_FAULTS", help=FAULTS_HELP)
@click.option("--as", "as_", type=click.Choice(AS_MODES), default=AS_AUTO, envvar="SEGFN_AS", show_default=True,
              help="How to read a message whose fixture does not say (with \"segfn\": {\"as\": \"client\"}): a library's "
                   "call (client: the Tracking API corrects its times), a payload Segment already stored "
                   "(processed: replayed as delivered), or auto (processed when it carries receivedAt).")
@click.option("--report-to", type=click.Path(dir_okay=False, path_type=Path), hidden=True,
              help="Also write each fixture's verdict and the destinations it reached, as JSON (segfn watch).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=os.cpu_count() or 1, envvar="SEGFN_JOBS",
              show_default=True,
              help="Worker processes that share each archive's lines (default: the machine's cores); "
                   "results are those of -j 1.")
@click.option("--dask", "dask_address", metavar="ADDRESS", envvar="SEGFN_DASK",
              help="Replay archives on a Dask cluster: a scheduler address (tcp://host:8786), a scheduler "
                   "file (.json), or 'local' for one worker per core here. PATHS may then be fsspec URLs, "
                   "e.g. s3://bucket/segment-logs/<source-id>/<day>/. Needs segfn[dask].")
def replay(paths: tuple[str, ...], workspace_file: Path, update: bool, fmt: str, seed: int,
           sprig_faults: str | None, faults: HostFaults | None, as_: str, jobs: int, dask_address: str | None,
           report_to: Path | None) -> None:
    """Replay fixtures (default: fixtures/) through the local Segment pipeline.

    Prints each message's outcome at each destination and whether each fixture matches its golden
    file in fixtures/expected/. Exit 0 when all match, 1 on a mismatch or a missing golden, 2 on bad
    input. Archives are shared by -j worker processes (default: one per core).
    """
    sprig = _mock_sprig(sprig_faults)
    try:
        workspace = load_workspace(workspace_file)
    except ConfigError as error:
        fail_config(error)
    say_warnings(workspace.warnings)
    say_warnings(tuple(build_warnings(list(workspace.functions), workspace.root)))  # what segfn build refuses
    root = workspace.root
    urls = [p for p in paths if is_url(p)]
    if urls and not dask_address:
        raise click.BadParameter(f"URLs are read by Dask workers: add --dask local (or an address) for "
                                 f"{', '.join(urls)}", param_hint="PATHS")
    local_paths = [Path(p) for p in paths if not is_url(p)]
    missing = [p for p in local_paths if not p.exists()]
    if missing:
        raise click.BadParameter(f"no such file or folder: {', '.join(map(str, missing))}", param_hint="PATHS")
    if not paths and not (root / "fixtures").is_dir():
        shown = root / "fixtures"
        shown_text = str(shown) if shown.is_absolute() or str(shown).startswith(".") else f"./{shown}"
        click.echo(click.style("error: ", fg="red", bold=True) + f"no fixtures folder at {shown_text}; pass "
                   f"PATHS or create fixtures/messages/*.json", err=True)
        sys.exit(2)
    files: list[Path | str] = list(Replay(None, root).fixtures(local_paths or ([] if urls else [root / "fixtures"])))
    try:
        files += archive_urls(urls) if urls else []
    except (DaskUnavailable, OSError) as error:
        raise click.BadParameter(str(error), param_hint="PATHS") from None
    if not files:
        raise click.UsageError(f"no fixtures (*.json, *.ndjson, *.ndjson.gz, *.gz) under "
                               f"{', '.join(map(str, paths or [root / 'fixtures']))}")
    try:  # loads the functions here too, so that a bad one is reported as with -j 1
        runner: Replay | ParallelReplay = Replay(replay_pipeline(workspace, seed=seed, sprig=sprig, faults=faults),
                                                 root, update=update, as_=as_, sprig=sprig)
    except ConfigError as error:
        fail_config(error)
    setup = WorkerConfig(workspace, root, seed, sprig.faults.to_config() if sprig else None,
                         faults.to_config() if faults else None, as_)
    if dask_address:
        try:
            results = _replay_on_dask(dask_address, runner, Project.of(setup), files, fmt)
        except DaskUnavailable as error:
            raise click.BadParameter(str(error), param_hint="--dask") from None
        finally:
            runner.close()
        return _finish(results, fmt, report_to)
    if jobs > 1 and any(is_archive(f) for f in files):  # only archives are shared: the rest needs no workers
        runner.close()
        runner = ParallelReplay(setup, jobs, update=update)
    results = []
    try:
        for path in files:
            results.append(_replay_one(runner, path, fmt))
    except WorkerFailed as error:
        click.echo(click.style("error: ", fg="red", bold=True) + str(error), err=True)
        sys.exit(2)
    finally:
        runner.close()
    _finish(results, fmt, report_to)


def _finish(results: list[FixtureResult], fmt: str, report_to: Path | None = None) -> None:
    """The summary line, the --report-to file, and the exit code: 2 for unreadable input, 1 for a
    golden that differs."""
    _summarise(results, fmt)
    if report_to is not None:
        _write_report(report_to, results)
    if any(r.problems for r in results):
        sys.exit(2)
    if any(r.golden in (DIFFER, MISSING) for r in results):
        sys.exit(1)


def _write_report(report_to: Path, results: list[FixtureResult]) -> None:
    """``--report-to``: each fixture's verdict as JSON; a path that cannot be written is exit 2."""
    try:
        report_to.write_text(json.dumps([
            {"path": str(Path(r.path).absolute()) if not is_url(r.path) else r.path, "fixture": r.fixture, "golden": r.golden, "problems": len(r.problems),
             "destinations": sorted(r.destinations)} for r in results]), encoding="utf-8")
    except OSError as error:
        click.echo(click.style("error: ", fg="red", bold=True)
                   + f"--report-to {report_to}: cannot write it: {error.strerror or error}", err=True)
        sys.exit(2)


def _replay_on_dask(address: str, runner: Replay, project: Project, files: list[Path | str],
                    fmt: str) -> list[FixtureResult]:
    """Archives as Dask tasks, all submitted at once; the other fixtures here; results in order."""
    client = connect(address)
    try:
        futures = {i: client.submit(replay_archive, project, str(f), fmt == "json", pure=False)
                   for i, f in enumerate(files) if is_archive(f)}
        results = []
        for i, path in enumerate(files):
            if i not in futures:
                results.append(_replay_one(runner, path, fmt))
                continue
            result, outcomes = futures[i].result()
            for outcome in outcomes:
                _print_json(outcome)
            runner.judge(result)
            if fmt == "table":
                _print_table(result)
            else:
                for problem in result.problems:
                    click.echo(json.dumps({"fixture": result.fixture, "error": str(problem)}))
            results.append(result)
        return results
    finally:
        cluster = client.cluster
        client.close()
        if cluster is not None:
            cluster.close()


def _mock_sprig(config: str | None) -> MockSprig | None:
    """The mock Sprig with ``--sprig-faults`` applied, or None (replay's default mock)."""
    if config is None:
        return None
    try:
        return MockSprig(faults=Faults.from_config(json.loads(config)))
    except json.JSONDecodeError as error:
        raise click.BadParameter(f"not JSON: {error}", param_hint="--sprig-faults") from None
    except FaultConfigError as error:
        raise click.BadParameter(str(error), param_hint="--sprig-faults") from None


def _replay_one(runner: "Replay | ParallelReplay", path: Path | str, fmt: str) -> FixtureResult:
    on_outcome = _print_json if fmt == "json" else None
    if fmt == "table" and sys.stderr.isatty() and is_archive(path) and not is_url(path):
        with click.progressbar(length=Path(path).stat().st_size, label=runner.label(path), file=sys.stderr) as bar:
            seen = [0]

            def advance(offset: int) -> None:
                bar.update(offset - seen[0])
                seen[0] = offset

            result = runner.run(path, on_outcome, advance)
    else:
        result = runner.run(path, on_outcome)
    if fmt == "table":
        _print_table(result)
    else:
        for problem in result.problems:
            click.echo(json.dumps({"fixture": result.fixture, "error": str(problem)}))
    return result


def _print_json(outcome: Outcome) -> None:
    """One report line; a function's print/logging output (masked) rides along as ``logs`` when there
    is some, as Segment keeps console output with a delivery (goldens leave it out)."""
    line = outcome.to_json()
    if outcome.logs:
        line["logs"] = list(outcome.logs)
    click.echo(json.dumps(line, ensure_ascii=False))


def _print_table(result: FixtureResult) -> None:
    verdict, colour = _VERDICTS.get(result.golden, ("", "white"))
    click.echo(click.style(result.fixture, bold=True) + "  " + click.style(verdict, fg=colour))
    for problem in result.problems:
        click.echo("  " + click.style("error: ", fg="red", bold=True) + str(problem))
    rows = [(o.message_id or "-", o.destination or "(tracking api)", o.outcome, o.stage,
             o.reason + (f" [{o.category}]" if o.category and o.outcome != oc.REJECTED else "")
             + (f" after {len(o.attempts)} attempts" if len(o.attempts) > 1 else ""))
            for o in result.outcomes]
    if rows:  # whole cells, never shortened: a messageId is what you search the fixture for
        widths = [max(len(r[i]) for r in rows) for i in range(4)]
        for row in rows:
            cells = [row[i].ljust(widths[i]) for i in range(4)]
            cells[2] = click.style(cells[2], fg=_COLOURS.get(row[2], "white"))
            click.echo("  " + "  ".join(cells) + "  " + row[4])
    elif result.messages:
        click.echo("  " + _counted(result.messages, {k: result.counts[k] for k in (*oc.FINAL_OUTCOMES, oc.RETRYING)}))
    if result.diff:
        for line in result.diff.splitlines():
            fg = "green" if line.startswith("+") else "red" if line.startswith("-") else None
            click.echo("  " + (click.style(line, fg=fg) if fg else line))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _counted(messages: int, counts: dict[str, int]) -> str:
    """``95 messages; 145 outcomes: 120 delivered, 20 filtered, 5 discarded``: a message has one outcome
    per destination it reaches (or one, rejected, at the Tracking API), so the two counts differ."""
    outcomes = sum(counts.values())
    shown = ", ".join(f"{n} {k}" for k, n in counts.items() if n)
    return f"{_plural(messages, 'message')}; {_plural(outcomes, 'outcome')}" + (f": {shown}" if shown else "")


def _summarise(results: list[FixtureResult], fmt: str) -> None:
    messages = sum(r.messages for r in results)
    counts = {k: sum(r.counts[k] for r in results) for k in (*oc.FINAL_OUTCOMES, oc.RETRYING)}
    verdicts = {v: sum(r.golden == v for r in results) for v in (MATCH, DIFFER, MISSING, UPDATED)}
    problems = sum(len(r.problems) for r in results)
    line = (_counted(messages, counts) + f"; {_plural(len(results), 'fixture')}, "
            + f"goldens: {verdicts[MATCH]} match, {verdicts[DIFFER]} differ, {verdicts[MISSING]} missing"
            + (f", {verdicts[UPDATED]} updated" if verdicts[UPDATED] else "")
            + (f"; {problems} unreadable fixture parts" if problems else ""))
    if fmt == "json":
        click.echo(line, err=True)
    else:
        click.echo(click.style(line, bold=True))
