"""``segfn fql`` and ``segfn filter``: the destination-filter engine from the command line."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any, Callable

import click

from segfn.emulator import jsonio
from segfn.emulator.errors import ConfigError, NotText, utf8_text
from segfn.emulator.filters import (DestinationFilters, FilterError, RoutingRules, compile_fql, divergences,
                                   filter_warnings, stringify)

from .options import say_warnings


def _fail(message: str) -> None:
    click.echo(click.style("error: ", fg="red", bold=True) + message, err=True)
    sys.exit(2)


@click.command()
@click.argument("expression")
def fql(expression: str) -> None:
    """Compile an FQL EXPRESSION and print the IR @segment/tsub evaluates, as JSON."""
    try:
        ir = compile_fql(expression)
    except FilterError as error:
        _fail(str(error))
    say_warnings(tuple(str(d) for d in divergences(ir)))
    click.echo(json.dumps(ir, ensure_ascii=False, separators=(",", ":")))


def _load_rules(path: Path, destination: str | None, seed: int) -> Callable[[dict], Any]:
    """FILE's rules as ``event -> event or None``: tsub routing rules, or Public API ``{if, actions}``."""
    try:
        rules = jsonio.loads(utf8_text(path.read_bytes()))
    except OSError as error:
        _fail(f"{path}: cannot read it ({error.strerror})")
    except NotText as error:
        _fail(f"{path}:{error.line}:{error.col}: {error.reason}")
    except json.JSONDecodeError as error:
        _fail(f"{path}:{error.lineno}:{error.colno}: not JSON: {error.msg}")
    except RecursionError:
        _fail(f"{path}: JSON nested too deeply to read")
    if not isinstance(rules, list):
        _fail(f"{path}: must hold a JSON list of routing rules or of {{if, actions}} filters")
    rng = random.Random(seed)
    try:
        if rules and all(isinstance(r, dict) and "if" in r for r in rules):
            filters = DestinationFilters(rules)
            say_warnings(tuple(f"{path}: {w}" for w in filter_warnings(rules, "$")))
            return lambda event: filters.apply(event, rng).event
        routing = RoutingRules(rules)
    except ConfigError as error:
        _fail("; ".join(f"{path}: {p}" for p in error.problems))
    except FilterError as error:
        _fail(f"{path}: {error}")
    return lambda event: routing.apply(event, rng, destination)


def _kind(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), "a number")


@click.command("filter")
@click.option("--rules", "rules_file", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A JSON list of tsub routing rules (a source's CDN settings) or of {if, actions} filters.")
@click.option("--destination", help="Apply the routing rules for this destination name (routing rules only).")
@click.option("--seed", type=int, default=0, show_default=True, help="Seeds sampling without a path.")
def filter_events(rules_file: Path, destination: str | None, seed: int) -> None:
    """Read one JSON event a line on stdin; write each transformed event, or null when dropped.

    An event the rules cannot evaluate (where tsub would throw) is not delivered: it prints null and
    the reason goes to stderr, and the exit code is 1 at the end.
    """
    apply = _load_rules(rules_file, destination, seed)
    failed = False
    for number, line in enumerate(sys.stdin, start=1):
        if not line.strip():
            continue
        try:
            event = jsonio.loads(line)
        except json.JSONDecodeError as error:  # one event a line: the position is within this line
            column = error.colno if error.lineno == 1 else len(line.rstrip("\r\n")) + 1
            _fail(f"<stdin>:{number}:{column}: not JSON: {error.msg} (one JSON event a line)")
        except RecursionError:
            _fail(f"<stdin>:{number}: JSON nested too deeply to read")
        if not isinstance(event, dict):  # rules would read no field of it: it is no event, not a pass
            _fail(f"<stdin>:{number}: an event is a JSON object, not {_kind(event)}")
        try:
            result = apply(event)
        except FilterError as error:
            click.echo(f"<stdin>:{number}: not delivered: {error}", err=True)
            failed = True
            result = None
        click.echo("null" if result is None else stringify(result))
    sys.exit(1 if failed else 0)
