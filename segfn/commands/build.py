"""``segfn build`` and ``segfn check``: compile functions to Segment's JavaScript, and prove the
JavaScript does what the Python does (a thin click adapter over ``compiler``)."""

from __future__ import annotations

import datetime as _dt
import json
import sys
from pathlib import Path

import click

DEFAULT_FUNCTIONS = Path("functions")
NOT_FUNCTIONS = {"__init__.py", "runtime.py"}


def function_files(files: tuple[str, ...], folder: Path = DEFAULT_FUNCTIONS) -> list[Path]:
    """The named files, or every function module in ``folder`` (a module that declares KIND; never
    ``__init__.py`` or ``runtime.py``)."""
    if files:
        return [Path(f) for f in files]
    found = []
    for path in sorted(folder.glob("*.py")):
        if path.name in NOT_FUNCTIONS:
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            found.append(path)
            continue
        if any(line.startswith("KIND") for line in text.splitlines()):
            found.append(path)
    return found


def compile_files(paths: list[Path], out_dir: Path, quiet: bool = False) -> tuple[list, int]:
    """Compile each file; write those that compile; report the rest. Returns (bundles, failures).
    ``quiet`` sends the "built ..." lines to stderr (stdout is then a machine-readable report)."""
    from segfn.compiler import CompileError, compile_module, write_bundle

    bundles, failures = [], 0
    for path in paths:
        try:
            bundle = compile_module(path)
        except CompileError as exc:
            failures += 1
            click.echo("\n".join(exc.problems), err=True)
            click.echo(f"{path}: {len(exc.problems)} error{'s' if len(exc.problems) != 1 else ''}; not built", err=True)
            continue
        try:
            js_path, manifest_path = write_bundle(bundle, out_dir)
        except OSError as exc:  # -o under /proc, a file, a read-only folder: one line, exit 2
            click.echo(f"error: cannot write {path.stem}.js to {out_dir}: {exc.strerror or exc}", err=True)
            failures += 1
            continue
        size = len(bundle.js.encode("utf-8"))
        click.echo(f"built {js_path} ({size / 1024:.1f} KB, {', '.join(bundle.manifest['handlers'])}) and {manifest_path}",
                   err=quiet)
        bundles.append(bundle)
    return bundles, failures


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("-o", "--out", "out_dir", default="dist", envvar="SEGFN_DIST", show_default=True,
              type=click.Path(file_okay=False), help="Where to write <module>.js and <module>.json.")
def build(files: tuple[str, ...], out_dir: str) -> None:
    """Compile function modules (default: functions/*.py) to dist/<module>.js and a manifest."""
    paths = function_files(files)
    if not paths:
        raise click.UsageError("no function modules found (a function module in functions/ declares KIND)")
    _, failures = compile_files(paths, Path(out_dir))
    if failures:
        sys.exit(2)


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("-n", "--examples", default=1000, envvar="SEGFN_CHECK_EXAMPLES", show_default=True,
              type=click.IntRange(min=0),
              help="At most this many generated cases per function (generation stops earlier when coverage "
                   "stops growing).")
@click.option("--seconds", default=45.0, envvar="SEGFN_CHECK_SECONDS", show_default=True,
              type=click.FloatRange(min=0), help="At most this long generating cases, per function.")
@click.option("--min-coverage", default=90.0, show_default=True, type=click.FloatRange(0, 100),
              help="Fail when the cases reach less than this share of the Python's lines (naming the lines).")
@click.option("--settings", "settings_path", type=click.Path(dir_okay=False, path_type=Path),
              help="A JSON object (or a list of them) of your own settings to check with, besides the "
                   "workspace's and the generated ones.")
@click.option("--workspace", "workspace_file", default="workspace.toml", show_default=True,
              type=click.Path(dir_okay=False, path_type=Path), help="Whose settings for each function are checked too.")
@click.option("--fixtures", "fixtures_dir", default="fixtures/messages", envvar="SEGFN_FIXTURES", show_default=True,
              type=click.Path(), help="Fixture messages to run first.")
@click.option("-o", "--out", "out_dir", default="dist", envvar="SEGFN_DIST", show_default=True,
              type=click.Path(file_okay=False), help="Where the bundles are written, and the check stamps.")
@click.option("--max-shown", default=10, show_default=True, envvar="SEGFN_CHECK_MAX_SHOWN",
              help="Differences to minimise and print per module.")
@click.option("--seed", default=0, show_default=True, type=int, help="Seed of the generation (runs repeat).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="json: one JSON object per function on stdout, one a line.")
def check(files: tuple[str, ...], examples: int, seconds: float, min_coverage: float, settings_path: Path | None,
          workspace_file: Path, fixtures_dir: str, out_dir: str, max_shown: int, seed: int, fmt: str) -> None:
    """Run fixtures and generated cases (messages, settings, HTTP answers, clock and randomness) through
    the Python and the compiled JavaScript, steering toward the Python lines not reached yet; report
    every difference and the coverage reached (exit 1 on a difference or coverage under
    --min-coverage), or stamp dist/<module>.check.json. Exit 2: bad input."""
    from segfn.compiler.node import HarnessError, NodeHarness
    from segfn.compiler.setting_values import SettingsError, settings_file

    paths = function_files(files)
    if not paths:
        raise click.UsageError("no function modules found (a function module in functions/ declares KIND)")
    _check_inputs(workspace_file, Path(fixtures_dir))
    user_settings: list[dict] = []
    if settings_path is not None:
        _strict_json(settings_path)
        try:
            user_settings = settings_file(settings_path)
        except SettingsError as exc:
            click.echo(f"error: --settings {exc}", err=True)
            sys.exit(2)
    out = Path(out_dir)
    bundles, failures = compile_files(paths, out, quiet=fmt == "json")
    if failures:
        sys.exit(2)
    try:
        harness = NodeHarness()
    except HarnessError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    failed = False
    warned: set[str] = set()

    def warn(problem: object) -> None:
        """Say each warning once: the fixtures are read for every function, their problems are the same."""
        if str(problem) not in warned:
            warned.add(str(problem))
            click.echo(f"warning: {problem}", err=True)

    with harness:
        for bundle in bundles:
            report = _check_one(bundle, harness, examples=examples, seconds=seconds, min_coverage=min_coverage,
                                user_settings=user_settings, workspace_file=workspace_file,
                                fixtures=Path(fixtures_dir), out=out, max_shown=max_shown, seed=seed, fmt=fmt,
                                warn=warn)
            failed = failed or not report["stamped"]
    if failed:
        sys.exit(1)


def _strict_json(path: Path) -> None:
    """Exit 2 with ``file:line:col`` when ``--settings`` is not UTF-8 text or not JSON as JavaScript
    reads it (NaN, Infinity and 1e400 are not JSON, and a function never gets them from Segment).
    What else is wrong with it (its shape, a file that cannot be read) settings_file says."""
    from segfn.emulator import jsonio
    from segfn.emulator.errors import NotText, utf8_text

    try:
        jsonio.loads(utf8_text(path.read_bytes()))
    except OSError:
        return
    except NotText as exc:
        click.echo(f"error: --settings {path}:{exc.line}:{exc.col}: {exc.reason}", err=True)
        sys.exit(2)
    except json.JSONDecodeError as exc:
        click.echo(f"error: --settings {path}:{exc.lineno}:{exc.colno}: not JSON ({exc.msg})", err=True)
        sys.exit(2)
    except RecursionError:
        click.echo(f"error: --settings {path}: JSON nested too deeply to read", err=True)
        sys.exit(2)


def _given(name: str) -> bool:
    """Whether the user gave option ``name`` (on the command line or in its variable), not its default."""
    source = click.get_current_context().get_parameter_source(name)
    return source not in (None, click.core.ParameterSource.DEFAULT)


def _check_inputs(workspace_file: Path, fixtures: Path) -> None:
    """Refuse, with exit 2, what check would otherwise pass over in silence: a ``--workspace`` or
    ``--fixtures`` given but absent, and a workspace that exists but does not load (the checks would
    run without its settings and stubs, and stamp a bundle never run with them)."""
    from segfn.emulator.errors import ConfigError
    from segfn.emulator.workspace import load_workspace

    if _given("workspace_file") and not workspace_file.exists():
        raise click.BadParameter(f"no such file: {workspace_file}", param_hint="--workspace")
    if _given("fixtures_dir") and not fixtures.exists():
        raise click.BadParameter(f"no such file or folder: {fixtures}", param_hint="--fixtures")
    if workspace_file.exists():
        try:
            load_workspace(workspace_file)
        except ConfigError as error:
            for problem in error.problems:
                click.echo(f"error: {problem}", err=True)
            sys.exit(2)


def _check_one(bundle, harness, *, examples, seconds, min_coverage, user_settings, workspace_file, fixtures, out,
               max_shown, seed, fmt, warn) -> dict:
    """Check one bundle; print its report; stamp it when it passed. Returns the JSON report."""
    from dataclasses import replace

    from segfn.compiler.check import describe
    from segfn.compiler.steering import Budget, check_bundle
    from segfn.emulator.errors import ConfigError

    text = fmt == "text"
    try:
        run = check_bundle(bundle, harness, Budget(cases=examples, seconds=seconds), workspace_file=workspace_file,
                           user_settings=user_settings, fixtures=fixtures, seed=seed,
                           warn=warn)
    except ConfigError as exc:
        click.echo("\n".join(exc.problems), err=True)
        sys.exit(2)
    fn, checker, outcome = run.fn, run.checker, run.outcome
    # Differences with Node fail the check. A Python answer that changes with the time zone is reported
    # but does not: the runner (replay, serve) and Segment both run functions in UTC.
    diffs = [d for d in outcome.differences if not d.time_zone]
    zone_diffs = [d for d in outcome.differences if d.time_zone]
    shown = []
    try:
        groups: dict = {}
        for diff in diffs + zone_diffs:
            key = (tuple(diff.what), diff.time_zone, diff.python.error and diff.python.error[0],
                   diff.node.error and diff.node.error[0])
            groups.setdefault(key, []).append(diff)
        for group in list(groups.values())[:max_shown]:
            diff = group[0]
            diff.minimal = checker.minimise(diff)
            final = [d for d in checker.run([replace(diff.case, payload=diff.minimal)])
                     if d.what == diff.what and d.time_zone == diff.time_zone]
            if final:
                diff.python, diff.node, diff.other = final[0].python, final[0].node, final[0].other
            shown.append((len(group), describe(diff, fn, checker.settings)))
    finally:
        checker.close()
    summary = outcome.summary
    low = summary.lines_pct < min_coverage
    stem = Path(bundle.module).stem
    stamp_path = out / f"{stem}.check.json"
    report = {"module": bundle.module, "cases": outcome.cases, "differences": len(diffs),
              "time_zone_differences": len(zone_diffs),
              "coverage": {k: v for k, v in summary.to_json(bundle.module).items() if k != "text"},
              "seconds": round(outcome.seconds, 1), "stamped": False,
              "reproductions": [r for _, r in shown]}
    if text:
        for count, reproduction in shown:
            if count > 1:
                click.echo(f"{count} cases differ like this one:")
            click.echo(reproduction)
    if not diffs and not low:
        stamp = {"sha256": bundle.sha256, "passed": True,
                 "checked_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                 "cases": outcome.cases, "coverage": summary.to_json(bundle.module),
                 "seconds": report["seconds"], "time_zone_differences": len(zone_diffs)}
        partial = stamp_path.with_name(f".{stamp_path.name}.partial")  # whole or absent, even after Ctrl-C
        partial.write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
        partial.replace(stamp_path)
        report["stamped"] = True
    if text:
        verdict = f"{len(diffs)} difference{'s' if len(diffs) != 1 else ''} in {outcome.cases} cases"
        click.echo(f"{bundle.module}: {verdict}, {report['seconds']:g} s ({outcome.stopped}); "
                   f"{summary.line(bundle.module)}")
        if zone_diffs:
            click.echo(f"{bundle.module}: warning: in {len(zone_diffs)} case{'s' if len(zone_diffs) != 1 else ''} "
                       f"the Python's answer depends on the machine's time zone (segfn and Segment run "
                       f"functions in UTC; code run elsewhere, such as your own tests, would differ)")
        if low:
            click.echo(f"{bundle.module}: coverage {summary.lines_pct:.0f}% of lines is under --min-coverage "
                       f"{min_coverage:g}%; lines never reached: {summary.missed_text(bundle.module)}")
        if report["stamped"]:
            click.echo(f"{bundle.module}: stamped {stamp_path}")
    else:
        click.echo(json.dumps(report, ensure_ascii=False))
    return report
