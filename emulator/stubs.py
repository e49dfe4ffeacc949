"""HTTP stubs: answers for any API a function calls, by method and URL pattern.

Stubs come from ``[[stubs]]`` in ``workspace.toml``, then from every ``fixtures/http/*.toml`` (each holds
its own ``[[stubs]]``, files in name order); the first stub that matches a request answers it::

    [[stubs]]
    method = "POST"                                   # any method when absent
    url = "https://api.example.com/v1/users/{id}"     # a URL pattern (below)
    status = 201                                      # 200 when absent
    headers = { "X-Request-Id" = "r-1" }
    json = { ok = true }                              # or body = "plain text"
    delay = "250ms"                                   # wait before answering (the 5 s timeout applies)

    [[stubs]]
    url = "https://api.example.com/v1/events"
    sequence = [{ status = 500 }, { status = 500 }, { status = 202 }]   # one answer per request

An answer can also be a network failure, ``error = "ECONNRESET"`` (or ``ECONNREFUSED``, ``ETIMEDOUT``,
``ENOTFOUND``): ``fetch`` raises FetchError with that code.

**URL patterns.** A pattern is the URL written out, with wildcards: ``{name}`` matches one or more
characters other than ``/``, ``?`` and ``#`` (a path segment, or part of one); ``*`` matches any run of
characters other than ``/``; ``**`` matches anything, ``/`` included. Scheme and host compare
case-insensitively, the rest exactly. A pattern without ``?`` ignores the request's query string; a
pattern with one must match the query too (write ``?*`` or ``?**`` to accept any). ``https://api.example.com``
and ``https://api.example.com/`` are the same URL.

**Sequences** are counted per delivery (one message at one destination, over all its attempts): the
``n``-th request a delivery sends that stub gets the ``n``-th answer, and the last answer repeats. So
``500, 500, 200`` makes every message retry twice and then be delivered, whatever order messages
replay in. ``StubSet`` itself is pure: ``find`` a stub for a request and ask it for ``answer(n)``;
callers keep the counts (``emulator/transport.py`` does, per delivery).
"""

from __future__ import annotations

import asyncio
import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from segfn.runtime import FetchError, Headers, Request, Response

from .durations import parse_duration
from .errors import NotText, toml_error, unknown_key, utf8_text

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
NETWORK_ERRORS = ("ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH")
ANSWER_KEYS = ("status", "headers", "json", "body", "delay", "error")
STUB_KEYS = ("method", "url", "sequence", "description", *ANSWER_KEYS)
STUB_FOLDER = Path("fixtures") / "http"


@dataclass(frozen=True)
class StubAnswer:
    """One answer: an HTTP response after ``delay`` seconds, or a network failure (``error``)."""

    status: int = 200
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str = ""
    delay: float = 0.0
    error: str | None = None

    async def respond(self, request: Request) -> Response:
        """The ``fetch`` result for ``request``; raises FetchError for a network failure."""
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.error:
            raise FetchError(f"request to {request.url} failed, reason: {self.error} (a stub's answer)", self.error)
        return Response(self.status, self.body, Headers(dict(self.headers)), "", request.url)


@dataclass(frozen=True)
class Stub:
    """A URL pattern (and optionally a method) and the answers it gives, in order."""

    url: str
    answers: tuple[StubAnswer, ...]
    method: str | None = None
    origin: str = ""  # where it was declared, e.g. "workspace.toml: stubs[0]"
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", compile_pattern(self.url))

    def matches(self, method: str, url: str) -> bool:
        if self.method is not None and method.upper() != self.method:
            return False
        return self.pattern.fullmatch(_comparable(url, with_query="?" in self.url)) is not None

    def answer(self, n: int) -> StubAnswer:
        """The answer to the ``n``-th request (0-based) this stub gets; the last one repeats."""
        return self.answers[min(n, len(self.answers) - 1)]


class StubSet:
    """Stubs in the order they are tried. Pure: no counts, no I/O."""

    def __init__(self, stubs: Iterable[Stub] = ()) -> None:
        self.stubs = tuple(stubs)

    def __bool__(self) -> bool:
        return bool(self.stubs)

    def __len__(self) -> int:
        return len(self.stubs)

    def find(self, method: str, url: str) -> Stub | None:
        """The first stub matching the request, or None."""
        return next((s for s in self.stubs if s.matches(method, url)), None)

    def index(self, stub: Stub) -> int:
        return self.stubs.index(stub)


def unstubbed(request: Request, why: str) -> FetchError:
    """The FetchError for a request nothing answers: names the host and the stub to add."""
    host = urlsplit(request.url).hostname or request.url
    plain = request.url.split("#", 1)[0].split("?", 1)[0]
    return FetchError(
        f"request to {request.url} failed, reason: getaddrinfo ENOTFOUND {host}: {why}, and no stub answers "
        f"{request.method} {plain}; add one to workspace.toml or fixtures/http/*.toml: "
        f"[[stubs]] method = \"{request.method}\", url = \"{plain}\", status = 200, json = {{}}", "ENOTFOUND")


# --- patterns -------------------------------------------------------------------------------

_TOKEN = re.compile(r"\*\*|\*|\{([A-Za-z_][A-Za-z0-9_]*)\}")


def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The regular expression a URL pattern stands for (see the module's docstring).

    Raises ValueError for a pattern that is not an absolute http(s) URL or repeats a ``{name}``.
    """
    scheme, sep, rest = pattern.partition("://")
    if not sep or scheme.lower() not in ("http", "https") or not rest or rest[0] in "/?#":
        raise ValueError(f"{pattern!r} is not an absolute http(s) URL pattern, such as "
                         f"\"https://api.example.com/v1/users/{{id}}\"")
    names: set[str] = set()
    out, at = [], 0
    text = _comparable(pattern, with_query="?" in pattern, is_pattern=True)
    for token in _TOKEN.finditer(text):
        out.append(re.escape(text[at:token.start()]))
        name = token.group(1)
        if token.group() == "**":
            out.append(".*")
        elif token.group() == "*":
            out.append("[^/]*")
        else:
            if name in names:
                raise ValueError(f"{pattern!r} uses {{{name}}} twice")
            names.add(name)
            out.append(f"(?P<{name}>[^/?#]+)")
        at = token.end()
    out.append(re.escape(text[at:]))
    return re.compile("".join(out))


def _comparable(url: str, *, with_query: bool, is_pattern: bool = False) -> str:
    """``url`` with its scheme and host lower-cased (a pattern's ``{name}`` kept as written), no
    fragment, ``/`` for an empty path, and ``?`` and its query string (empty when it has none) only when
    ``with_query``."""
    url = url.split("#", 1)[0]
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    cut = min((i for i in (rest.find("/"), rest.find("?")) if i >= 0), default=len(rest))
    host, (path, _, query) = rest[:cut], rest[cut:].partition("?")
    host = re.sub(r"\{[^}]*\}|[^{]+", lambda m: m.group() if m.group().startswith("{") else m.group().lower(),
                  host) if is_pattern else host.lower()
    return f"{scheme.lower()}://{host}{path or '/'}" + (f"?{query}" if with_query else "")


# --- reading --------------------------------------------------------------------------------


def parse_stubs(raw: Any, where: str) -> tuple[list[Stub], list[str]]:
    """Stubs from a parsed ``stubs`` array; problems each start with ``where`` and the key path."""
    if not isinstance(raw, list):
        return [], [f"{where}: must be a list of [[stubs]] tables"]
    stubs, problems = [], []
    for index, entry in enumerate(raw):
        stub = _stub(entry, f"{where}[{index}]", problems)
        if stub is not None:
            stubs.append(stub)
    return stubs, problems


def load_stub_files(root: Path) -> tuple[list[Stub], list[str]]:
    """Stubs from every ``fixtures/http/*.toml`` under ``root``, in file-name order."""
    folder = root / STUB_FOLDER
    stubs: list[Stub] = []
    problems: list[str] = []
    if not folder.is_dir():
        return stubs, problems
    for path in sorted(folder.glob("*.toml")):
        label = str(STUB_FOLDER / path.name)
        try:
            text = utf8_text(path.read_bytes())
            data = tomllib.loads(text)
        except NotText as exc:
            problems.append(f"{label}:{exc.line}:{exc.col}: {exc.reason}")
            continue
        except OSError as exc:
            problems.append(f"{label}: cannot read it: {exc.strerror or exc}")
            continue
        except tomllib.TOMLDecodeError as exc:
            problems.append(toml_error(label, text, exc))
            continue
        problems.extend(f"{label}: {key}: unknown key; a stub file holds [[stubs]] only" for key in data
                        if key != "stubs")
        found, bad = parse_stubs(data.get("stubs", []), f"{label}: stubs")
        stubs.extend(found)
        problems.extend(bad)
    return stubs, problems


def _stub(entry: Any, where: str, problems: list[str]) -> Stub | None:
    if not isinstance(entry, dict):
        problems.append(f"{where}: must be a table with url and an answer")
        return None
    before = len(problems)
    problems.extend(unknown_key(f"{where}.{key}", key, STUB_KEYS) for key in entry if key not in STUB_KEYS)
    url = entry.get("url")
    if not isinstance(url, str):
        said = "missing" if url is None else f"must be a string (found {type(url).__name__})"
        problems.append(f"{where}.url: {said}; write a URL pattern such as \"https://api.example.com/v1/**\"")
    else:
        try:
            compile_pattern(url)
        except ValueError as error:
            problems.append(f"{where}.url: {error}")
    method = entry.get("method")
    if method is not None and (not isinstance(method, str) or method.upper() not in METHODS):
        problems.append(f"{where}.method: must be one of {', '.join(METHODS)}")
    if "sequence" in entry:
        mixed = [k for k in ANSWER_KEYS if k in entry]
        if mixed:
            problems.append(f"{where}: give either sequence or {', '.join(mixed)}, not both")
        sequence = entry["sequence"]
        if not isinstance(sequence, list) or not sequence:
            problems.append(f"{where}.sequence: must be a non-empty list of answers such as {{ status = 500 }}")
            answers: list[StubAnswer] = []
        else:
            answers = [_answer(a, f"{where}.sequence[{i}]", problems, alone=True) for i, a in enumerate(sequence)]
    else:
        answers = [_answer(entry, where, problems)]
    if len(problems) > before:
        return None
    return Stub(url, tuple(answers), method.upper() if isinstance(method, str) else None, where)


def _answer(raw: Any, where: str, problems: list[str], *, alone: bool = False) -> StubAnswer:
    """One answer's keys (``alone``: a sequence's item, whose other keys are unknown)."""
    if not isinstance(raw, dict):
        problems.append(f"{where}: must be a table such as {{ status = 200, json = {{}} }}")
        return StubAnswer()
    if alone:
        problems.extend(unknown_key(f"{where}.{key}", key, ANSWER_KEYS) for key in raw if key not in ANSWER_KEYS)
    status = raw.get("status", 200)
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        problems.append(f"{where}.status: must be an HTTP status from 100 to 599")
        status = 200
    headers = raw.get("headers", {})
    if not isinstance(headers, dict) or not all(isinstance(v, str) for v in headers.values()):
        problems.append(f"{where}.headers: must be a table of header name -> string")
        headers = {}
    if "json" in raw and "body" in raw:
        problems.append(f"{where}: give json or body, not both")
    body = raw.get("body", "")
    if not isinstance(body, str):
        problems.append(f"{where}.body: must be a string (use json for a JSON body)")
        body = ""
    kind = None
    if "json" in raw:
        body, kind = json.dumps(raw["json"], ensure_ascii=False, separators=(",", ":"), default=str), \
            "application/json"
    elif "body" in raw:
        kind = "text/plain; charset=utf-8"
    if kind and not any(name.lower() == "content-type" for name in headers):
        headers = {"Content-Type": kind, **headers}
    delay = 0.0
    if "delay" in raw:
        try:
            delay = parse_duration(raw["delay"])
        except ValueError as error:
            problems.append(f"{where}.delay: {error}")
    error = raw.get("error")
    if error is not None and error not in NETWORK_ERRORS:
        problems.append(f"{where}.error: must be one of {', '.join(NETWORK_ERRORS)}")
        error = None
    return StubAnswer(status, dict(headers), body, delay, error)
