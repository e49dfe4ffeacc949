"""``segfn deploy``: upload checked bundles from dist/ to a Segment workspace (a thin click layer)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import click

from segfn.emulator.errors import ConfigError
from segfn.emulator.workspace import Workspace, load_workspace
from segfn import deploy as core

SAID = {core.CREATE: "created", core.UPDATE: "updated", core.UNCHANGED: "unchanged"}


def _connections(workspace: Workspace) -> dict[str, list[tuple[str, dict]]]:
    """Insert function module -> (Segment destination id, instance settings) for every destination in
    workspace.toml that names an insert function and a ``segment_id``."""
    out: dict[str, list[tuple[str, dict]]] = {}
    for destination in workspace.destinations:
        if destination.insert_function and destination.segment_id:
            try:
                module = destination.insert_function.resolve().relative_to(workspace.root.resolve()).as_posix()
            except ValueError:
                module = destination.insert_function.as_posix()
            out.setdefault(module, []).append((destination.segment_id, dict(destination.insert_settings)))
    return out


def checked_line(stamp: dict | None) -> str:
    """What the bundle's passing ``segfn check`` proved: its cases and the coverage they reached."""
    if not stamp:
        return "not proven by `segfn check` (--force)"
    coverage = stamp.get("coverage")
    text = coverage.get("text") if isinstance(coverage, dict) else None
    reach = text or "coverage not measured (a stamp from before segfn check measured coverage)"
    return f"checked: {stamp.get('cases', '?')} cases, 0 differences; {reach}"


def _report(change: core.Change, workspace_name: str, dry_run: bool) -> None:
    bundle = change.bundle
    done = f"would {change.action}" if dry_run and change.action != core.UNCHANGED else SAID[change.action]
    where = f" {change.function_id}" if change.function_id else ""
    shown = f" (shown as {change.display_name!r})" if change.display_name and change.display_name != bundle.name else ""
    click.echo(f"{bundle.stem}: {done} {bundle.resource_type} function {bundle.name!r}{where}{shown}")
    click.echo(f"  {checked_line(bundle.checked)}")
    if change.live is not None:
        live = change.live
        click.echo(f"  live in {workspace_name!r}: sha256 {bundle.sha256[:12]}..., deployedAt "
                   f"{live.get('deployedAt') or 'not reported'}")
    if dry_run and change.diff:
        click.echo(change.diff, nl=False)
    for integration in change.connect_to:
        keys = sorted(change.connect_settings.get(integration) or {})
        click.echo(f"  insert function {'would be ' if dry_run else ''}connected to destination {integration}"
                   + (f" with settings {', '.join(keys)}" if keys else ""))


@click.command()
@click.argument("names", nargs=-1)
@click.option("--dry-run", is_flag=True, help="Show what would change (a diff of code and settings); write nothing.")
@click.option("--region", type=click.Choice(sorted(core.HOSTS)), default="us", show_default=True,
              help="The workspace's region: us (api.segmentapis.com) or eu (eu1.api.segmentapis.com).")
@click.option("--api-url", envvar="SEGMENT_API_URL", help="Public API base URL; overrides --region. [env: SEGMENT_API_URL]")
@click.option("--dist", type=click.Path(file_okay=False, path_type=Path), default="dist", show_default=True,
              help="Where `segfn build` wrote the bundles.")
@click.option("--workspace", "workspace_file", type=click.Path(dir_okay=False, path_type=Path),
              default="workspace.toml", show_default=True,
              help="Names the destinations (segment_id) each insert function is connected to.")
@click.option("--force", is_flag=True, help="Deploy bundles that `segfn check` has not passed.")
@click.pass_context
def deploy(ctx: click.Context, names: tuple[str, ...], dry_run: bool, region: str, api_url: str | None,
           dist: Path, workspace_file: Path, force: bool) -> None:
    """Create or update each function in Segment by display name.

    NAMES are module stems (sprig) or display names; default: every bundle in --dist. The Public API
    token comes from SEGMENT_API_TOKEN only and is never printed. Exit 0 done, 1 the API or network
    failed, 2 bad input (no token, a bundle not built or not checked, a bad workspace.toml)."""
    seams = ctx.obj if isinstance(ctx.obj, dict) else {}  # tests hand in a transport and a sleep
    token = os.environ.get("SEGMENT_API_TOKEN", "")
    api = None
    try:
        explicit = ctx.get_parameter_source("workspace_file") is not click.core.ParameterSource.DEFAULT
        if explicit and not workspace_file.is_file():
            raise core.InputError(f"--workspace {workspace_file}: no such file")
        workspace = load_workspace(workspace_file, env=os.environ, functions=False) \
            if workspace_file.is_file() else None
        bundles = core.load_bundles(dist, names, force=force)
        api = core.PublicApi(api_url or core.HOSTS[region], token,
                             seams.get("transport", core.urllib_transport), sleep=seams.get("sleep", time.sleep))
        workspace_name, changes = core.plan(api, bundles, _connections(workspace) if workspace else {})
        if dry_run:
            for change in changes:
                _report(change, workspace_name, dry_run=True)
            click.echo("dry run: nothing was written")
        else:
            core.apply(api, changes, on_done=lambda change: _report(change, workspace_name, dry_run=False))
    except ConfigError as error:
        for problem in error.problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(2)
    except core.DeployError as error:
        text = api.mask(str(error)) if api else str(error)
        click.echo(f"error: {text}", err=True)
        sys.exit(2 if isinstance(error, core.InputError) else 1)
