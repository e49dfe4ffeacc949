"""Golden files: the expected outcomes of a fixture, kept beside it in ``fixtures/expected/``.

A golden holds, for each message and destination, what a reviewer needs to see: outcome, stage,
reason, category, attempt count, the requests sent, and the event the destination function received.
Fields that change from run to run without meaning anything are normalised: a ``messageId`` that
segfn generated becomes ``<generated>``, and ``receivedAt`` becomes ``<receivedAt>``. An archive's
golden holds counts instead of records, so a day of traffic does not become a megabyte of JSON.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path
from typing import Any

from .errors import NotText, utf8_text
from .outcomes import Outcome

GENERATED_ID = "<generated>"
RECEIVED_AT = "<receivedAt>"
GOLDEN_KEYS = ("messageId", "destination", "outcome", "stage", "reason", "category", "attempts", "requests",
               "event")


def golden_path(fixture: Path | str, root: Path) -> Path:
    """``<root>/fixtures/messages/a.json`` -> ``<root>/fixtures/expected/messages/a.json``; an
    archive at a URL ``s3://bucket/key.gz`` -> ``<root>/fixtures/expected/s3/bucket/key.gz.json``."""
    fixtures = root / "fixtures"
    if isinstance(fixture, str) and "://" in fixture:
        scheme, _, rest = fixture.partition("://")
        return fixtures / "expected" / scheme / (rest.strip("/") + ".json")
    try:
        relative = fixture.resolve().relative_to(fixtures.resolve())
    except ValueError:
        try:
            relative = fixture.resolve().relative_to(root.resolve())
        except ValueError:
            relative = Path(fixture.name)
    name = relative.name if relative.name.endswith(".json") else relative.name + ".json"
    return fixtures / "expected" / relative.parent / name


def _replace(value: Any, old: str, new: str) -> Any:
    if isinstance(value, str):
        return new if value == old else value
    if isinstance(value, dict):
        return {k: _replace(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [_replace(v, old, new) for v in value]
    return value


def record(outcome: Outcome, generated_ids: set[str]) -> dict[str, Any]:
    """One golden entry for one outcome."""
    data = outcome.to_json()
    entry = {key: data[key] for key in GOLDEN_KEYS}
    for exchange in entry["requests"]:
        exchange.pop("response", None)
    if isinstance(entry["event"], dict) and "receivedAt" in entry["event"]:
        entry["event"] = {**entry["event"], "receivedAt": RECEIVED_AT}
    if outcome.message_id in generated_ids:
        entry = _replace(entry, outcome.message_id, GENERATED_ID)
    return entry


def summary_key(outcome: Outcome) -> str:
    """How an archive's golden counts an outcome: by destination, outcome, stage and category."""
    return f"{outcome.destination} | {outcome.outcome} | {outcome.stage} | {outcome.category or '-'}"


def dumps(document: Any) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


class UnreadableGolden(ValueError):
    """A golden file that exists but cannot be read as JSON: ``where`` is ``file:line:col`` (or the
    file), ``reason`` what is wrong."""

    def __init__(self, where: str, reason: str) -> None:
        super().__init__(f"{where}: {reason}")
        self.where, self.reason = where, reason


def load(path: Path) -> Any | None:
    """The golden's document, or None when there is no golden file. Raises ``UnreadableGolden`` for a
    file that is not UTF-8 JSON (a merge conflict left in it, an empty file) or a folder."""
    try:
        text = utf8_text(path.read_bytes())
    except FileNotFoundError:
        return None
    except NotText as exc:
        raise UnreadableGolden(f"{path}:{exc.line}:{exc.col}", f"the golden is {exc.reason}") from None
    except OSError as exc:
        raise UnreadableGolden(str(path), f"cannot read the golden: {exc.strerror or exc}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UnreadableGolden(f"{path}:{exc.lineno}:{exc.colno}", f"the golden is not JSON ({exc.msg})") from None
    except RecursionError:
        raise UnreadableGolden(str(path), "the golden is JSON nested too deeply to read") from None


def write(path: Path, document: Any) -> None:
    """Write a golden whole: to a file beside it, then renamed over it, so an interrupted run (Ctrl-C)
    leaves the old golden or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_text(dumps(document), encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def diff(expected: Any, actual: Any, label: str) -> str:
    """A unified diff of the two documents' pretty JSON."""
    lines = difflib.unified_diff(dumps(expected).splitlines(), dumps(actual).splitlines(),
                                 f"{label} (golden)", f"{label} (this run)", lineterm="", n=3)
    return "\n".join(lines)
