"""Option types and output the commands share: durations, ``--faults``, workspace warnings."""

from __future__ import annotations

import json
from typing import Any

import click

from segfn.emulator.durations import parse_duration
from segfn.emulator.faults import FaultConfigError, HostFaults


class Duration(click.ParamType):
    """``90s``, ``5m``, ``4h``, ``250ms`` or a number of seconds."""

    name = "duration"

    def convert(self, value: Any, param: Any, ctx: Any) -> float:
        try:
            return parse_duration(value)
        except ValueError as error:
            self.fail(str(error), param, ctx)


class FaultsOption(click.ParamType):
    """``--faults``: a JSON object of host -> fault settings, ``"*"`` for every host."""

    name = "json"

    def convert(self, value: Any, param: Any, ctx: Any) -> HostFaults:
        if isinstance(value, HostFaults):
            return value
        try:
            return HostFaults.from_config(json.loads(value))
        except json.JSONDecodeError as error:
            self.fail(f"not JSON: {error}", param, ctx)
        except FaultConfigError as error:
            self.fail(str(error), param, ctx)


FAULTS_HELP = ('Failures to inject per host, a JSON object such as \'{"api.example.com": {"error_rate": 0.3, '
               '"status": 503, "drop_rate": 0, "latency_ms": 0, "seed": 1}}\'; the host "*" stands for every '
               'host. Each message\'s draws repeat, whatever order it runs in.')


def say_warnings(warnings: tuple[str, ...]) -> None:
    """Print what the workspace loaded with but the user should know (FQL that Segment's docs read
    otherwise), on stderr, so that ``--format json`` output stays JSON."""
    for warning in warnings:
        click.echo(click.style("warning: ", fg="yellow", bold=True) + warning, err=True)
