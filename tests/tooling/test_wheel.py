"""Installable anywhere: the built wheel, installed alone into a fresh virtual environment outside this
repository, writes a project with ``segfn init`` whose replay, build, check and tests pass, and puts no
top-level package but ``segfn`` into site-packages (issue 18, "Done when").

The wheel is built from a copy of the sources (the folders ``package-dir`` names), so the build leaves
nothing in the repository. segfn's dependencies are not downloaded again: the new environment reads
them from this interpreter's site-packages through a ``.pth`` file. Python does not process the
``.pth`` files of a folder that a ``.pth`` line names, so an editable install of segfn there stays
inactive; segfn itself comes only from the wheel, and the test checks that it does. Every file of
the package folders (schemas, templates, the compiler's JS runtime, the Node harness) is in the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = [pytest.mark.slow, pytest.mark.node,
              pytest.mark.skipif(shutil.which("node") is None, reason="segfn check runs bundles in Node 20")]


def run(args: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))} exited {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done.stdout


def sources_copy(target: Path) -> Path:
    """pyproject.toml, README.md and every folder ``package-dir`` maps onto ``segfn.*``."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    target.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, target / name)
    for folder in dict.fromkeys(config["tool"]["setuptools"]["package-dir"].values()):
        shutil.copytree(REPO / folder, target / folder, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def sources() -> set[str]:
    """Every file of the folders mapped onto ``segfn.*``, named as it is inside the package."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    found = set()
    for package, folder in config["tool"]["setuptools"]["package-dir"].items():
        for path in (REPO / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                found.add("/".join([*package.split("."), *path.relative_to(REPO / folder).parts]))
    return found


def shipped(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return {name for name in archive.namelist() if not name.endswith("/")}


def test_the_wheel_alone_runs_a_new_project_from_a_fresh_environment(tmp_path):
    assert not tmp_path.resolve().is_relative_to(REPO.resolve())
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTEST_ADDOPTS", "PYTEST_DISABLE_PLUGIN_AUTOLOAD", "VIRTUAL_ENV")
           and not k.startswith("SEGFN_")}
    wheels = tmp_path / "wheels"
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check", "-w",
         str(wheels), str(sources_copy(tmp_path / "src"))], tmp_path, env)
    [wheel] = wheels.glob("segfn-*.whl")
    assert shipped(wheel) >= sources(), "files of the package folders missing from the wheel: " \
        f"{sorted(sources() - shipped(wheel))}"

    home = tmp_path / "venv"
    venv.create(home, with_pip=False)
    python = home / "bin" / "python"
    site = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path, env).strip())
    ours = [p for p in sys.path if p.endswith(("site-packages", "dist-packages")) and Path(p).is_dir()]
    (site / "_segfn_test_dependencies.pth").write_text("\n".join(ours) + "\n")
    run([str(python), "-m", "pip", "install", "--no-deps", "--ignore-installed", "--no-index", "--quiet",
         "--disable-pip-version-check", str(wheel)], tmp_path, env)

    env = {**env, "PATH": f"{home / 'bin'}{os.pathsep}{env['PATH']}", "VIRTUAL_ENV": str(home)}
    where = run([str(python), "-c", "import segfn, segfn.pytest_plugin; print(segfn.__file__)"], tmp_path, env)
    assert Path(where.strip()).is_relative_to(site / "segfn"), where

    shown = run([str(python), "-m", "pip", "show", "-f", "segfn"], tmp_path, env)
    files = shown.split("Files:", 1)[1].split()
    installed = {f.split("/")[0] for f in files if not f.startswith("..")}  # ../../../bin/segfn: the script
    assert installed == {"segfn", wheel.name.split("-py3")[0] + ".dist-info"}, installed
    assert Path(shown.split("Location:", 1)[1].split()[0]) == site

    segfn = str(home / "bin" / "segfn")
    run([segfn, "init", "demo"], tmp_path, env)
    demo = tmp_path / "demo"
    replayed = run([segfn, "replay", "-j", "1"], demo, env)
    assert "goldens: 1 match, 0 differ, 0 missing" in replayed, replayed
    built = run([segfn, "build"], demo, env)
    assert "built dist/example_destination.js" in built and "built dist/example_insert.js" in built
    checked = run([segfn, "check", "-n", "100", "--seconds", "30"], demo, env)
    assert checked.count("0 differences") == 2, checked
    assert {p.name for p in (demo / "dist").glob("*.check.json")} == {"example_destination.check.json",
                                                                      "example_insert.check.json"}
    tested = run([str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider"], demo, env)
    assert "9 passed" in tested, tested
