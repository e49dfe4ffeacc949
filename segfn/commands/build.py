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


def compile_files(paths: list[Path], out_dir: Path) -> tuple[list, int]:
    """Compile each file; write those that compile; report the rest. Returns (bundles, failures)."""
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
        js_path, manifest_path = write_bundle(bundle, out_dir)
        size = len(bundle.js.encode("utf-8"))
        click.echo(f"built {js_path} ({size / 1024:.1f} KB, {', '.join(bundle.manifest['handlers'])}) and {manifest_path}")
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


def _transport():
    """The mock Sprig API behind api.sprig.com when it is available, 200 {} for any other host."""
    from segfn.emulator.transport import AnswerOk, ByHost

    try:
        from segfn.emulator.sprig import MockSprig  # type: ignore
    except ImportError:
        return AnswerOk(), None
    mock = MockSprig()
    return ByHost({"api.sprig.com": mock.transport}, AnswerOk()), mock.reset


@click.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("-n", "--examples", default=1000, envvar="SEGFN_CHECK_EXAMPLES", show_default=True,
              type=click.IntRange(min=0), help="How many generated messages to run through both sides.")
@click.option("--fixtures", "fixtures_dir", default="fixtures/messages", envvar="SEGFN_FIXTURES", show_default=True,
              type=click.Path(), help="Fixture messages to run first.")
@click.option("-o", "--out", "out_dir", default="dist", envvar="SEGFN_DIST", show_default=True,
              type=click.Path(file_okay=False), help="Where the bundles are written, and the check stamps.")
@click.option("--max-shown", default=10, show_default=True, envvar="SEGFN_CHECK_MAX_SHOWN",
              help="Differences to minimise and print per module.")
def check(files: tuple[str, ...], examples: int, fixtures_dir: str, out_dir: str, max_shown: int) -> None:
    """Run fixtures and generated messages through the Python and the compiled JavaScript; report every
    difference (exit 1), or stamp dist/<module>.check.json."""
    from segfn.compiler.check import Checker, describe, fixture_cases, generated_cases
    from segfn.compiler.node import HarnessError, NodeHarness
    from segfn.emulator.errors import ConfigError
    from segfn.emulator.runner import load_function

    paths = function_files(files)
    if not paths:
        raise click.UsageError("no function modules found (a function module in functions/ declares KIND)")
    out = Path(out_dir)
    bundles, failures = compile_files(paths, out)
    if failures:
        sys.exit(2)
    failed = False
    try:
        harness = NodeHarness()
    except HarnessError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    with harness:
        for bundle in bundles:
            try:
                fn = load_function(bundle.module)
            except ConfigError as exc:
                click.echo("\n".join(exc.problems), err=True)
                sys.exit(2)
            with_batches = "batch" in fn.handlers
            fixtures = Path(fixtures_dir)
            cases, problems = fixture_cases([fixtures], with_batches) if fixtures.exists() else ([], [])
            for problem in problems:
                click.echo(f"warning: {problem}", err=True)
            cases += generated_cases(examples, with_batches)
            transport, reset = _transport()
            checker = Checker(fn, bundle, harness, transport, reset)
            try:
                diffs = checker.run(cases)
                groups: dict = {}
                for diff in diffs:
                    key = (tuple(diff.what), diff.python.error and diff.python.error[0],
                           diff.node.error and diff.node.error[0])
                    groups.setdefault(key, []).append(diff)
                for group in list(groups.values())[:max_shown]:
                    diff = group[0]
                    if len(group) > 1:
                        click.echo(f"{len(group)} cases differ like this one:")
                    diff.minimal = checker.minimise(diff)
                    final = [d for d in checker.run([type(diff.case)(diff.case.origin, diff.minimal, diff.case.batch)])
                             if d.what == diff.what]
                    if final:
                        diff.python, diff.node = final[0].python, final[0].node
                    click.echo(describe(diff, fn, checker.settings))
            finally:
                checker.close()
            stem = Path(bundle.module).stem
            if diffs:
                failed = True
                more = f" (one reproduction each for the first {max_shown} kinds)" if len(groups) > max_shown else ""
                click.echo(f"{bundle.module}: {len(diffs)} difference{'s' if len(diffs) != 1 else ''} in "
                           f"{len(cases)} cases{more}")
                continue
            stamp = {"sha256": bundle.sha256, "passed": True,
                     "checked_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                     "cases": len(cases)}
            (out / f"{stem}.check.json").write_text(json.dumps(stamp, indent=2) + "\n", encoding="utf-8")
            click.echo(f"{bundle.module}: 0 differences in {len(cases)} cases; stamped {out / (stem + '.check.json')}")
    if failed:
        sys.exit(1)
