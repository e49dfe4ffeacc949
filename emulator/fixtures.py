"""Reading fixtures: the payloads a user replays.

A fixture is a ``.json`` file holding one message, a list of messages, or a ``/v1/batch`` body, or an
archive of one message a line (``.ndjson``, ``.ndjson.gz``, or ``.gz`` as Segment's S3 destination
writes them: ``segment-logs/<source-id>/<received-day>/<file>.gz``), read as a stream. An archive
may be an fsspec URL (``s3://...``, ``file://...``; fsspec and s3fs come with ``segfn[dask]``). Each becomes one or more
``Call``s, as if a Segment library had sent them to the Tracking API. A fixture that cannot be read
becomes a ``FixtureProblem`` that says where (``file:line:col``), and the rest still runs.

A message or a batch body may say how to read it: ``"segfn": {"as": "client"}`` (a library's call:
the Tracking API corrects its times) or ``{"as": "processed"}`` (a payload Segment already stored,
replayed as delivered). Without it replay guesses (``messages.is_processed``). The ``segfn`` key is
taken off before the Tracking API sees the call.
"""

from __future__ import annotations

import gzip
import json
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator

from . import jsonio
from .errors import NotText, utf8_text
from .messages import AS_CLIENT, AS_PROCESSED, MESSAGE_TYPES

SUFFIXES = (".json", ".ndjson", ".gz")
ARCHIVE_SUFFIXES = (".ndjson", ".gz")


@dataclass(frozen=True)
class Call:
    """One Tracking API call read from a fixture."""

    fixture: str
    index: int
    endpoint: str  # "batch", a message type, or "message" (type taken from the message)
    payload: Any
    line: int | None = None
    offset: int = 0  # archives: bytes of the file read so far (for a progress bar)
    as_: str | None = None  # "client" or "processed" when the fixture says (its "segfn" key)


@dataclass(frozen=True)
class FixtureProblem:
    """A part of a fixture that is not a call at all (bad JSON, not an object)."""

    fixture: str
    where: str  # file:line:col or file[index]
    message: str
    line: int | None = None  # archives: the 0-based index of the line (None: the whole file)

    def __str__(self) -> str:
        return f"{self.where}: {self.message}"


def is_archive(path: Path | str) -> bool:
    return str(path).endswith(ARCHIVE_SUFFIXES)


def is_url(path: Path | str) -> bool:
    """An fsspec URL (``s3://bucket/key``) rather than a local path."""
    return isinstance(path, str) and "://" in path


def discover(paths: list[Path], exclude: Path | None = None) -> list[Path]:
    """Fixture files under the given files and folders, sorted, each once, skipping ``exclude`` (the goldens)."""
    found: list[Path] = []
    seen: set[Path] = set()  # a file named twice (a.json and its folder, or twice) is replayed once
    for path in paths:
        if path.is_dir():
            # a dangling symlink is kept, to be said unreadable rather than skipped in silence
            candidates = sorted(p for p in path.rglob("*") if (p.is_file() or (p.is_symlink() and not p.exists()))
                                and p.name.endswith(SUFFIXES))
        else:
            candidates = [path]
        for candidate in candidates:
            if exclude is not None and _inside(candidate, exclude):
                continue
            if candidate.absolute() in seen:
                continue
            seen.add(candidate.absolute())
            found.append(candidate)
    return found


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def read_calls(path: Path | str, label: str) -> Iterator[Call | FixtureProblem]:
    """The calls in one fixture file, in order; archives are streamed line by line."""
    if is_archive(path):
        yield from _archive(path, label)
        return
    try:
        text = utf8_text(path.read_bytes())
    except NotText as exc:
        yield FixtureProblem(label, f"{label}:{exc.line}:{exc.col}", exc.reason)
        return
    except OSError as exc:
        yield FixtureProblem(label, label, f"cannot read it: {exc.strerror or exc}")
        return
    try:
        data = jsonio.loads(text)
    except json.JSONDecodeError as exc:
        line, col, said = json_problem(exc)
        yield FixtureProblem(label, f"{label}:{line}:{col}", said)
        return
    except RecursionError:
        yield FixtureProblem(label, label, "JSON nested too deeply to read")
        return
    if isinstance(data, dict) and "batch" in data:
        yield _marked(Call(label, 0, "batch", data), label)
    elif isinstance(data, dict):
        yield _single(label, 0, data)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            if isinstance(item, dict):
                yield _single(label, index, item, where=f"{label}[{index}]")
            else:
                yield FixtureProblem(label, f"{label}[{index}]", "each message must be a JSON object")
    else:
        yield FixtureProblem(label, label, "a fixture holds a message, a list of messages or a batch body")


def json_problem(exc: json.JSONDecodeError) -> tuple[int, int, str]:
    """Where a JSON text breaks and why, in a user's words: ``(line, col, "invalid JSON: ...")``. The
    json module's message for a comma before ``}`` or ``]`` (what JavaScript object literals and
    Python allow, and JSON does not) is "Expecting property name" or "Expecting value" at the bracket;
    that is said as a trailing comma, at the comma."""
    text = exc.doc if isinstance(exc.doc, str) else exc.doc.decode("utf-8", "replace")
    at = exc.pos
    if at < len(text) and text[at] in "}]":
        before = at - 1
        while before >= 0 and text[before] in " \t\r\n":
            before -= 1
        if before >= 0 and text[before] == ",":
            line = text.count("\n", 0, before) + 1
            col = before - (text.rfind("\n", 0, before) + 1) + 1
            return line, col, f"invalid JSON: a comma before '{text[at]}' (JSON allows no trailing comma)"
    return exc.lineno, exc.colno, f"invalid JSON: {exc.msg}"


def _single(label: str, index: int, message: dict[str, Any], line: int | None = None, offset: int = 0,
            where: str | None = None) -> Call | FixtureProblem:
    """A message on its own is a call to ``/v1/<type>``; without a valid type the Tracking API
    checks it as it checks a batch item, and reports the type at ``$.type``."""
    kind = message.get("type")
    call = Call(label, index, kind if kind in MESSAGE_TYPES else "message", message, line, offset)
    return _marked(call, where or (f"{label}:{line}" if line else label))


def _marked(call: Call, where: str) -> Call | FixtureProblem:
    """The call with its ``segfn`` marker read and taken off the payload (see the module's docstring)."""
    payload = call.payload
    items = payload.get("batch") if call.endpoint == "batch" else None
    if isinstance(items, list) and any(isinstance(i, dict) and "segfn" in i for i in items):
        return FixtureProblem(call.fixture, where, 'put "segfn" on the batch body, not on its messages',
                              call.index if call.line else None)
    if "segfn" not in payload:
        return call
    marker = payload["segfn"]
    if not isinstance(marker, dict) or set(marker) != {"as"} or marker["as"] not in (AS_CLIENT, AS_PROCESSED):
        return FixtureProblem(call.fixture, where,
                              '"segfn" must be {"as": "client"} or {"as": "processed"} (found '
                              f"{json.dumps(marker)})", call.index if call.line else None)
    rest = {k: v for k, v in payload.items() if k != "segfn"}
    return Call(call.fixture, call.index, call.endpoint, rest, call.line, call.offset, marker["as"])


def _archive(path: Path | str, label: str) -> Iterator[Call | FixtureProblem]:
    try:
        with _open(path) as disk:
            yield from archive_calls(disk, label, gzipped=str(path).endswith(".gz"))
    except OSError as exc:
        yield FixtureProblem(label, label, f"cannot read the archive: {exc}")


def _open(path: Path | str) -> IO[bytes]:
    if not is_url(path):
        return open(path, "rb")
    try:
        import fsspec
    except ImportError:
        raise OSError(f"{path}: reading URLs needs fsspec: pip install 'segfn[dask]'") from None
    return fsspec.open(str(path), "rb").open()


def archive_calls(disk: IO[bytes], label: str, *, gzipped: bool) -> Iterator[Call | FixtureProblem]:
    """The calls of an archive read from ``disk`` (a binary stream: a file, or an fsspec one),
    one message a line, streamed: memory does not grow with the archive. ``Call.offset`` is the
    bytes of ``disk`` read so far."""
    raw = gzip.GzipFile(fileobj=disk) if gzipped else disk
    number = 0
    try:
        for line in raw:
            number += 1
            if not line.strip():
                continue
            try:
                message = jsonio.loads(line)
            except json.JSONDecodeError as exc:
                try:  # bytes that are not UTF-8: said at their column, as a .json fixture says them
                    utf8_text(line)
                    _, col, said = json_problem(exc)
                except NotText as bad:
                    col, said = bad.col, bad.reason
                yield FixtureProblem(label, f"{label}:{number}:{col}", said, number - 1)
                continue
            except RecursionError:
                yield FixtureProblem(label, f"{label}:{number}", "JSON nested too deeply to read", number - 1)
                continue
            if not isinstance(message, dict):
                yield FixtureProblem(label, f"{label}:{number}", "each line must be a JSON object", number - 1)
                continue
            yield _single(label, number - 1, message, number, disk.tell())
    except (OSError, EOFError, zlib.error) as exc:  # a cut or corrupt gzip: the lines before it were read
        after = f" after line {number}" if number else ""
        yield FixtureProblem(label, label, f"cannot read the archive{after}: {exc}")
