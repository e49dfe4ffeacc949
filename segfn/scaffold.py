"""The files of a new project (``segfn init``), from the templates that ship inside the package.

``segfn/templates/init/base/`` is every project: ``workspace.toml``, an example destination and insert
function, fixtures with their goldens, ``tests/test_functions.py`` (segfn's pytest plugin), a
``.gitignore`` and a GitHub Actions workflow. ``sprig/`` adds the Sprig destination function and its two
insert functions (copies of this repository's ``functions/``, which tests/tooling/test_init.py holds
equal), their fixtures, goldens and tests; its ``workspace.toml`` is appended to the base one.
Dot-files are stored without their dot (``gitignore``, ``github/``) so that they ship as package data.

Pure apart from reading the templates and, in ``write``, the target folder; no click.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata, resources
from importlib.abc import Traversable
from pathlib import Path, PurePosixPath

TEMPLATES = resources.files("segfn") / "templates" / "init"
DOT_NAMES = {"gitignore": ".gitignore", "github": ".github"}  # a top-level template name -> its real name
APPENDED = {"workspace.toml"}  # an extra's copy of these is added to the end of the base's
VERSION_MARK = "__SEGFN_VERSION__"  # in the CI workflow: the segfn that wrote the project


class InitError(Exception):
    """The project cannot be written; ``exit_code`` 2 for what the user can change (existing files),
    1 for the file system refusing."""

    def __init__(self, message: str, exit_code: int = 2) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _walk(folder: Traversable, prefix: PurePosixPath = PurePosixPath()) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__" or entry.name.endswith(".pyc"):
            continue
        name = DOT_NAMES.get(entry.name, entry.name) if not prefix.parts else entry.name
        if entry.is_dir():
            files.update(_walk(entry, prefix / name))
        else:
            files[str(prefix / name)] = entry.read_bytes()
    return files


def _version() -> str:
    try:
        return metadata.version("segfn")
    except metadata.PackageNotFoundError:  # pragma: no cover - segfn is always installed to run this
        return "0"


def project_files(*, sprig: bool = False) -> dict[str, bytes]:
    """Relative POSIX path -> contents of every file ``segfn init`` writes (``sprig``: with Sprig)."""
    files = _walk(TEMPLATES / "base")
    if sprig:
        for path, content in _walk(TEMPLATES / "sprig").items():
            files[path] = files.get(path, b"") + content if path in APPENDED else content
    return {path: content.replace(VERSION_MARK.encode(), _version().encode()) for path, content in files.items()}


@dataclass(frozen=True)
class Written:
    root: Path
    paths: tuple[str, ...]  # relative, in the order written
    replaced: tuple[str, ...]  # those that existed before (--force)


def write(root: Path, files: dict[str, bytes], *, force: bool = False) -> Written:
    """Write ``files`` under ``root`` (created when absent). Without ``force``, nothing is written when any
    of them exists: InitError names every one. A folder where a file goes is an error even with force."""
    if root.exists() and not root.is_dir():
        raise InitError(f"{root}: exists and is not a folder")
    in_the_way = []  # a folder, or a file where a folder goes
    existing = []
    for relative in files:
        target = root / relative
        for parent in list(reversed(target.parents))[len(root.parents) + 1:]:
            if parent.exists() and not parent.is_dir():
                in_the_way.append(f"{parent} (a file where segfn init puts a folder)")
        if target.is_dir():
            in_the_way.append(f"{target} (a folder where segfn init puts a file)")
        elif target.exists() or target.is_symlink():
            existing.append(relative)
    if in_the_way:
        raise InitError("segfn init cannot write over " + ", ".join(dict.fromkeys(in_the_way)) + "; nothing was written")
    if existing and not force:
        raise InitError(f"segfn init would overwrite {len(existing)} existing file{'s' if len(existing) != 1 else ''} "
                        f"in {root}: {', '.join(existing)}; nothing was written (--force overwrites them)")
    try:
        for relative, content in files.items():
            target = root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
    except OSError as error:
        raise InitError(f"cannot write {error.filename or root}: {error.strerror or error}", exit_code=1) from None
    return Written(root, tuple(files), tuple(existing))
