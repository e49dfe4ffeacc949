"""Which Python line each line of a bundle comes from, so that an uncaught error names it.

While a module compiles, each JavaScript line a statement produces is tagged with the Python line of
the innermost statement that produced it (``tag``); ``line_table`` then takes the tags out of the
rendered bundle and writes them as a compact table at its end, with the files' display paths
(``functions/sprig.py``, never the building machine's absolute path). At run time the handler
wrapper hands an uncaught error to ``$pyTrace`` (compiler/js/exceptions.js), which maps each frame of
the error's stack in the bundle to ``file:line`` and puts those frames first in ``error.stack``, the
way V8 prints frames: Segment's tester and Event Delivery show the Python line without anyone reading
JavaScript. The bundle learns where its own first line is at run time (``$ORIGIN``, an Error made on
a known line), so a runtime that wraps the code in lines of its own shifts nothing.

Nothing runs per statement: the table is read only when an error leaves a handler.
"""

from __future__ import annotations

import json

TAG = "\x01"  # never in generated code: string literals are written with ensure_ascii


def tag(lines: list[str], file: int, line: int) -> list[str]:
    """``lines`` with every untagged physical line tagged as coming from ``file``'s ``line``."""
    mark = f"{TAG}{file}:{line}"
    out = []
    for text in lines:
        if TAG in text and "\n" not in text:
            out.append(text)
            continue
        parts = text.split("\n")
        out.append("\n".join(p if TAG in p else p + mark for p in parts))
    return out


def untagged(lines: list[str]) -> list[str]:
    """``lines`` marked as coming from no Python line (a frame of them is left out of the trace)."""
    return [text + f"{TAG}0:0" for text in lines]


def line_table(js: str, files: list[str]) -> str:
    """The bundle without its tags, ending with ``$LINES`` (runs of ``jsDelta,pyLine`` and ``=file``
    switches, 1-based lines) and ``$ORIGIN`` (made on the bundle's last line)."""
    lines = js.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out: list[str] = []
    tokens: list[str] = []
    last_js, last_at, last_file = 0, (None, 0), None
    for number, text in enumerate(lines, start=1):
        at: tuple[int | None, int] = (None, 0)
        if TAG in text:
            text, _, mark = text.partition(TAG)
            file, _, py = mark.partition(":")
            at = (int(file), int(py)) if int(py) else (None, 0)
        out.append(text)
        if at == last_at:
            continue
        if at[0] is not None and at[0] != last_file:
            tokens.append(f"={at[0]}")
            last_file = at[0]
        tokens.append(f"{number - last_js},{at[1]}")
        last_js, last_at = number, at
    if last_at[1]:
        tokens.append(f"{len(lines) + 1 - last_js},0")
    out.append(f"const $LINES = [{json.dumps(files, ensure_ascii=True)}, \"{' '.join(tokens)}\"];")
    out.append(f"const $ORIGIN = [new Error(), {len(out) + 1}];")
    return "\n".join(out) + "\n"


def decode(table: str) -> dict[int, tuple[int, int]]:
    """``{js line: (file index, python line)}`` from ``$LINES``'s second item (for tests)."""
    runs: list[tuple[int, int | None, int]] = []
    js, file = 0, None
    for token in table.split():
        if token.startswith("="):
            file = int(token[1:])
            continue
        delta, py = token.split(",")
        js += int(delta)
        runs.append((js, file if int(py) else None, int(py)))
    out = {}
    for i, (start, file, py) in enumerate(runs):
        end = runs[i + 1][0] if i + 1 < len(runs) else start + 1
        if py:
            for n in range(start, end):
                out[n] = (file, py)
    return out
