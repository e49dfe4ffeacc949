"""HTTP answers for the check's cases: each case carries a plan, and its n-th request gets the plan's
n-th answer on both sides (the same answer for the same request).

An answer is one of: what the real emulated service says (the mock Sprig for Sprig's hosts, a
user's stub where one answers), a status from ``STATUSES`` with a body (JSON shaped by the keys the
module reads from ``await res.json()``, ``{}``, text, HTML, empty, or broken JSON), or a network
failure (``FetchError`` with a system code). A request no plan entry reaches gets the last entry.

Answer sources plug in: anything callable as ``async (Request) -> Response | None`` (None: "not
mine") is asked first for a ``real`` answer, in order: the workspace's HTTP stubs, then the mock Sprig.
"""

from __future__ import annotations

import asyncio
import json
import random
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Iterable
from urllib.parse import urlsplit

from segfn.runtime import FetchError, Headers, Request, Response

STATUSES = (200, 201, 202, 204, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503)
REASONS = {200: "OK", 201: "Created", 202: "Accepted", 204: "No Content", 400: "Bad Request",
           401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
           422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error",
           502: "Bad Gateway", 503: "Service Unavailable"}
BODIES = ("shaped", "empty-object", "text", "html", "empty", "broken-json", "json-list")
NETWORK_CODES = ("ECONNREFUSED", "ENOTFOUND", "ECONNRESET", "ETIMEDOUT")

AnswerSource = Callable[[Request], Awaitable["Response | None"]]


@dataclass(frozen=True)
class Answer:
    """One planned answer: ``kind`` is "real", "status" or "network"."""

    kind: str
    status: int = 200
    body: str = "shaped"
    code: str = ""
    seed: int = 0  # varies the shaped body's values

    def label(self) -> str:
        if self.kind == "real":
            return "real"
        if self.kind == "network":
            return f"FetchError {self.code}"
        return f"{self.status} {self.body}"


REAL = Answer("real")


def random_answer(rng: random.Random, real_weight: float = 0.5) -> Answer:
    roll = rng.random()
    if roll < real_weight:
        return REAL
    if roll < real_weight + (1 - real_weight) * 0.12:
        return Answer("network", code=rng.choice(NETWORK_CODES))
    return Answer("status", rng.choice(STATUSES), rng.choice(BODIES), seed=rng.randrange(1 << 16))


def random_plan(rng: random.Random, real_weight: float = 0.5, statuses: list[int] | None = None,
                network: bool = False) -> tuple[Answer, ...]:
    """One to three answers. ``statuses`` (e.g. harvested next to lines not reached yet) are preferred;
    ``network`` makes network failures likelier (the module catches FetchError)."""
    out = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        if statuses and rng.random() < 0.5:
            out.append(Answer("status", rng.choice(statuses), rng.choice(BODIES), seed=rng.randrange(1 << 16)))
        elif network and rng.random() < 0.2:
            out.append(Answer("network", code=rng.choice(NETWORK_CODES)))
        else:
            out.append(random_answer(rng, real_weight))
    return tuple(out)


def _value(rng: random.Random, strings: list[str]) -> Any:
    pool: list[Any] = [None, True, 0, 1, 42, -1, 2.5, "", "ok", "Rate limited", "ünï", [], {}]
    return rng.choice(pool + strings) if strings and rng.random() < 0.5 else rng.choice(pool)


def shaped_body(paths: Iterable[tuple[str, ...]], seed: int, strings: list[str]) -> Any:
    """A JSON object with some of the key paths the module reads, values of every JSON type."""
    rng = random.Random(seed)
    out: dict = {}
    for path in sorted(paths):
        if rng.random() < 0.25:
            continue
        node = out
        for key in path[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
            node = child
        node[path[-1]] = _value(rng, strings)
    return out


def body_text(answer: Answer, paths: Iterable[tuple[str, ...]], strings: list[str]) -> tuple[str, str]:
    """(body, content type) of a status answer."""
    if answer.body == "shaped":
        return json.dumps(shaped_body(paths, answer.seed, strings), separators=(",", ":")), "application/json"
    if answer.body == "empty-object":
        return "{}", "application/json"
    if answer.body == "json-list":
        return "[]", "application/json"
    if answer.body == "text":
        return "Service temporarily unavailable", "text/plain"
    if answer.body == "html":
        return "<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html"
    if answer.body == "broken-json":
        return '{"error": "rate', "application/json"
    return "", "text/plain"


class PlannedTransport:
    """A fetch transport for one side of one case: the n-th request gets ``plan[n]``."""

    def __init__(self, plan: tuple[Answer, ...], sources: list[AnswerSource], paths: Iterable[tuple[str, ...]],
                 strings: list[str]) -> None:
        self.plan = plan or (REAL,)
        self.sources = sources
        self.paths = list(paths)
        self.strings = strings
        self.count = 0

    async def __call__(self, request: Request) -> Response:
        # a request is I/O: the coroutine waits for its answer, and the event loop runs the others meanwhile,
        # as Node does at 'await fetch(...)' (an answer given without waiting ran gathered coroutines one
        # after the other in CPython, each to its end, where Node interleaves them: their logs differed)
        await asyncio.sleep(0)
        answer = self.plan[min(self.count, len(self.plan) - 1)]
        self.count += 1
        if answer.kind == "real":
            for source in self.sources:
                response = await source(request)
                if response is not None:
                    return response
            answer = Answer("status", 200, "empty-object")  # no source answers this host
        if answer.kind == "network":
            host = urlsplit(request.url).hostname or request.url
            raise FetchError(f"request to {request.url} failed, reason: {answer.code} {host}", answer.code)
        body, content_type = body_text(answer, self.paths, self.strings)
        headers = {"Content-Type": content_type}
        if answer.status == 429:
            headers["Retry-After"] = "30"
        if answer.status == 204:
            body = ""
        return Response(answer.status, body, Headers(headers), REASONS.get(answer.status, ""), request.url)


def sprig_source() -> AnswerSource:
    """The mock Sprig's real answers for Sprig's hosts (a fresh mock per side of a case)."""
    from segfn.emulator.sprig import HOSTS, MockSprig

    mock = MockSprig()

    async def answer(request: Request) -> Response | None:
        if (urlsplit(request.url).hostname or "").lower() not in HOSTS:
            return None
        return await mock.transport(request)

    return answer


def stub_source(stubs) -> AnswerSource:
    """A user's HTTP stubs (``[[stubs]]`` in workspace.toml, ``fixtures/http/*.toml``: an
    ``emulator.stubs.StubSet``) for one side of one case: the n-th request a stub gets in the case gets
    its n-th answer, as replay counts them per delivery."""
    counts: dict[int, int] = {}

    async def answer(request: Request) -> Response | None:
        stub = stubs.find(request.method, request.url)
        if stub is None:
            return None
        n = counts.get(id(stub), 0)
        counts[id(stub)] = n + 1
        return await stub.answer(n).respond(request)

    return answer
