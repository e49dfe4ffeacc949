"""``segfn deploy``: upload checked bundles from dist/ to a Segment workspace (thin click layer)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from emulator.errors import ConfigError
from emulator.workspace import load_workspace
from segfn import deploy as core


def _connections(workspace) -> dict[str, list[str]]:
    """Insert function module -> the Segment ids of destinations that name it and have a segment_id."""
    out: dict[str, list[str]] = {}
    for destination in workspace.destinations:
        if destination.insert_function and destination.segment_id:
            try:
                module = str(destination.insert_function.resolve().relative_to(workspace.root.resolve()))
            except ValueError:
                module = str(destination.insert_function)
            out.setdefault(module, []).append(destination.segment_id)
    return out


@click.command()
@click.argument("names", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Show what would change (a diff of code and settings); write nothing.")
@click.option("--region", type=click.Choice(sorted(core.HOSTS)), default="us", show_default=True,
              help="The workspace's region.")
@click.option("--api-url", envvar="SEGMENT_API_URL", help="Public API base URL (overrides --region).")
@click.option("--dist", type=click.Path(file_okay=False, path_type=Path), default="dist", show_default=True)
@click.option("--workspace", "workspace_file", type=click.Path(path_type=Path), default="workspace.toml",
              show_default=True, help="Names the workspace (for display names) and insert-function connections.")
@click.option("--force", is_flag=True, help="Deploy bundles `segfn check` has not passed.")
def deploy(names: tuple[str, ...], dry_run: bool, region: str, api_url: str | None, dist: Path,
           workspace_file: Path, force: bool) -> None:
    """Create or update each function in Segment by display name (NAMES: module stems or display names;
    default: every bundle in dist/). The token comes from SEGMENT_API_TOKEN only."""
    token = os.environ.get("SEGMENT_API_TOKEN", "")
    try:
        workspace = load_workspace(workspace_file, env=os.environ) if workspace_file.exists() else None
        bundles = core.load_bundles(dist, names, force=force)
        if not bundles:
            raise core.BundleError(f"no bundles in {dist}: run `segfn build` and `segfn check` first")
        api = core.PublicApi(api_url or core.HOSTS[region], token)
        changes = core.plan(api, bundles, workspace.name if workspace else None,
                            _connections(workspace) if workspace else {})
        if not dry_run:
            core.apply(api, changes)
    except ConfigError as error:
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    except core.BundleError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(2)
    except core.DeployError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    said = {core.CREATE: "created", core.UPDATE: "updated", core.UNCHANGED: "unchanged"}
    for change in changes:
        done = f"would {change.action}" if dry_run and change.action != core.UNCHANGED else said[change.action]
        where = f" {change.function_id}" if change.function_id else ""
        click.echo(f"{change.bundle.stem}: {done} {change.bundle.resource_type} function {change.bundle.name!r}{where}")
        if dry_run and change.diff:
            click.echo(change.diff, nl=False)
        for integration in change.connect_to:
            click.echo(f"  insert function {'would be ' if dry_run else ''}connected to destination {integration}")
