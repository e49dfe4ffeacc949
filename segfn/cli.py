"""The ``segfn`` command line: a click group whose subcommands load on first use.

Each subcommand lives in its own module under ``segfn.commands`` so that ``segfn fql`` does not pay
for Flask and ``segfn serve`` does not pay for the compiler. Exit codes follow click: 0 success,
1 a failure of the thing checked (a golden mismatch, a difference, a failed deploy), 2 bad input
(usage, configuration, code that does not compile).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from typing import Any

import click

INTERRUPTED = 130  # exit code after Ctrl-C: 128 + SIGINT, as a shell reports a process SIGINT ended

# command name -> "module:attribute"; a command whose module is absent is simply not offered.
COMMANDS = {
    "replay": "segfn.commands.replay:replay",
    "fql": "segfn.commands.filters:fql",
    "filter": "segfn.commands.filters:filter_events",
    "build": "segfn.commands.build:build",
    "check": "segfn.commands.build:check",
    "serve": "segfn.commands.serve:serve",
    "watch": "segfn.commands.watch:watch",
    "deploy": "segfn.commands.deploy:deploy",
    "init": "segfn.commands.init:init",
}


def _available(spec: str) -> bool:
    module = spec.partition(":")[0]
    return importlib.util.find_spec(module) is not None


class LazyGroup(click.Group):
    """A group that imports a subcommand's module only when that subcommand is used.

    Help is whole: ``segfn --help`` shows each command's first sentence uncut (click shortens it to
    fit one line, with "..."), and every option that reads the environment names its variable.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(name for name, spec in COMMANDS.items() if _available(spec))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        spec = COMMANDS.get(name)
        if spec is None or not _available(spec):
            return None
        module, _, attribute = spec.partition(":")
        command = getattr(importlib.import_module(module), attribute)
        for param in command.params:
            if isinstance(param, click.Option) and param.envvar:
                param.show_envvar = True
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """Run the subcommand; Ctrl-C (SIGINT) ends it with one line on stderr and exit code 130
        (128 + SIGINT, the shell's convention), not click's "Aborted!" and 1. Files a command writes
        are replaced whole (written aside, then renamed), so an interrupted run leaves none half-written."""
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt as interrupt:
            notes = "; ".join(getattr(interrupt, "__notes__", ()))
            name = f"segfn {ctx.invoked_subcommand}" if ctx.invoked_subcommand else "segfn"
            fresh_line = "\n" if sys.stderr.isatty() else ""  # after the terminal's "^C"
            click.echo(f"{fresh_line}{name}: interrupted (Ctrl-C)" + (f" {notes}" if notes else ""), err=True)
            ctx.exit(INTERRUPTED)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="segfn")
def main() -> None:
    """Write Segment functions in Python, replay them locally, compile and deploy them."""


if __name__ == "__main__":
    main(prog_name="segfn")  # python -m segfn.cli (segfn watch's runs): usage lines still say "segfn"
