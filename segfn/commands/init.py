"""``segfn init [DIR]``: a new project for a team's own repository (a thin click layer over
``segfn.scaffold``)."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from segfn.scaffold import InitError, project_files, write


@click.command()
@click.argument("directory", default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--sprig", is_flag=True, help="Add the Sprig destination function, its two insert functions "
                                           "(drop_bots, scrub_pii), their fixtures and tests.")
@click.option("--force", is_flag=True, help="Overwrite files that already exist.")
def init(directory: Path, sprig: bool, force: bool) -> None:
    """Write a new project (workspace, example functions, fixtures, tests, CI) into DIRECTORY.

    DIRECTORY defaults to the current folder. It gets workspace.toml, an example destination and insert
    function in functions/, fixtures with their goldens, tests that use segfn's pytest plugin, a
    .gitignore and a GitHub Actions workflow (replay, pytest, build, check, deploy --dry-run).

    Refuses to overwrite an existing file unless --force, and then writes nothing. Exit 0 written,
    1 the file system refused, 2 files in the way."""
    try:
        written = write(directory, project_files(sprig=sprig), force=force)
    except InitError as error:
        click.echo(click.style("error: ", fg="red", bold=True) + str(error), err=True)
        sys.exit(error.exit_code)
    replaced = set(written.replaced)
    click.echo(f"segfn init: wrote {len(written.paths)} files in {directory}"
               + (f" ({len(replaced)} overwritten)" if replaced else ""))
    for path in written.paths:
        click.echo(f"  {path}" + ("  (overwritten)" if path in replaced else ""))
    cd = "" if directory.resolve() == Path.cwd().resolve() else f"cd {shlex.quote(str(directory))} && "
    click.echo("Next:\n"
               f"  {cd}segfn replay      # the fixtures through the local pipeline, held against their goldens\n"
               "  python -m pytest  # tests/, with segfn's pytest plugin\n"
               "  segfn build && segfn check   # compile to Segment's JavaScript and prove it acts like the Python")
