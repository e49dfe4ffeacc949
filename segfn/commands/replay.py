"""``segfn replay``: every fixture through the emulated pipeline, held against its golden."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from segfn.emulator import outcomes as oc
from segfn.emulator.errors import ConfigError
from segfn.emulator.outcomes import Outcome
from segfn.emulator.replay import DIFFER, MATCH, MISSING, UPDATED, FixtureResult, Replay, replay_pipeline
from segfn.emulator.faults import FaultConfigError, Faults, HostFaults
from segfn.emulator.messages import AS_AUTO, AS_MODES
from segfn.emulator.sprig import MockSprig
from segfn.emulator.workspace import load_workspace

from .options import FAULTS_HELP, FaultsOption

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
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
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
def replay(paths: tuple[Path, ...], workspace_file: Path, update: bool, fmt: str, seed: int,
           sprig_faults: str | None, faults: HostFaults | None, as_: str, report_to: Path | None) -> None:
    """Replay fixtures (default: fixtures/) through the local Segment pipeline.

    Prints each message's outcome at each destination and whether each fixture matches its golden
    file in fixtures/expected/. Exit 0 when all match, 1 on a mismatch or a missing golden, 2 on bad
    input.
    """
    sprig = _mock_sprig(sprig_faults)
    try:
        workspace = load_workspace(workspace_file)
        pipeline = replay_pipeline(workspace, seed=seed, sprig=sprig, faults=faults)
    except ConfigError as error:
        fail_config(error)
    root = workspace.root
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise click.BadParameter(f"no such file or folder: {', '.join(map(str, missing))}", param_hint="PATHS")
    runner = Replay(pipeline, root, update=update, as_=as_)
    files = runner.fixtures(list(paths) or [root / "fixtures"])
    if not files:
        raise click.UsageError(f"no fixtures (*.json, *.ndjson, *.ndjson.gz) under {', '.join(map(str, paths or [root / 'fixtures']))}")
    results = []
    try:
        for path in files:
            results.append(_replay_one(runner, path, fmt))
    finally:
        pipeline.close()
    _summarise(results, fmt)
    if report_to is not None:
        report_to.write_text(json.dumps([
            {"path": str(r.path.absolute()), "fixture": r.fixture, "golden": r.golden, "problems": len(r.problems),
             "destinations": sorted(r.destinations)} for r in results]), encoding="utf-8")
    if any(r.problems for r in results):
        sys.exit(2)
    if any(r.golden in (DIFFER, MISSING) for r in results):
        sys.exit(1)


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


def _replay_one(runner: Replay, path: Path, fmt: str) -> FixtureResult:
    on_outcome = _print_json if fmt == "json" else None
    if fmt == "table" and sys.stderr.isatty() and path.name.endswith((".ndjson", ".ndjson.gz")):
        with click.progressbar(length=path.stat().st_size, label=runner.label(path), file=sys.stderr) as bar:
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
    click.echo(json.dumps(outcome.to_json(), ensure_ascii=False))


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
