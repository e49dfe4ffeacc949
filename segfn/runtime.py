"""The Segment Functions runtime, seen from Python.

A function module imports everything Segment's Node runtime gives a function from here: ``fetch``
(node-fetch semantics: it never raises on a 4xx or 5xx answer, only on a network failure), the
``Response`` it returns, ``Setting`` to declare the function's settings, and the error classes
Segment documents. The compiler maps each name onto its JavaScript counterpart, so this module is
also the list of runtime features a compiled bundle may use.

Error classes, as Segment documents them (each a plain ``Exception``, as each is a plain ``Error``
in Node)::

    EventNotSupported    -> discarded, "Unsupported Event Type"
    InvalidEventPayload  -> discarded, "Message Rejected"
    ValidationError      -> discarded, "Message Rejected"
    RetryError           -> retried for up to four hours
    DropEvent            -> insert functions only: filtered, "Filtered at insert function"
    FetchError           -> what fetch raises on a network failure (node-fetch's FetchError);
                            uncaught it is a "Bad Request" and is discarded

Where ``fetch`` sends a request is decided by whoever runs the function (the emulator's runner sets
``current_transport``); a function never chooses a transport itself.
"""

from __future__ import annotations

import asyncio as _asyncio
import contextvars
import inspect
import json as _json
import re as _re
import time as _time
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Mapping

from segfn import node_url as _node_url

__all__ = [
    "DropEvent",
    "EventNotSupported",
    "FetchError",
    "Headers",
    "InvalidEventPayload",
    "Request",
    "Response",
    "RetryError",
    "Setting",
    "ValidationError",
    "cache",
    "current_transport",
    "fetch",
]


class EventNotSupported(Exception):
    """The function does not handle this event type (Segment: Unsupported Event Type)."""


class InvalidEventPayload(Exception):
    """The event lacks what the function needs (Segment: Message Rejected)."""


class ValidationError(Exception):
    """The destination refused the event, or the event is invalid (Segment: Message Rejected)."""


class RetryError(Exception):
    """A transient failure: Segment retries the event for up to four hours."""


class DropEvent(Exception):
    """Insert functions only: do not forward this event to the destination."""


class FetchError(Exception):
    """A network failure inside ``fetch``, shaped like node-fetch's FetchError.

    ``code`` is the system error code (``ECONNREFUSED``, ``ENOTFOUND``, ``ETIMEDOUT``...).
    """

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.type = "system"


SETTING_TYPES = {"string": "STRING", "boolean": "BOOLEAN", "array": "ARRAY", "map": "TEXT_MAP"}


@dataclass(frozen=True)
class Setting:
    """One setting of a function, as declared in Segment's settings dialog.

    ``type`` is the UI's name (string, boolean, array, map); ``sensitive`` is the UI's "Secret"
    flag: the value is masked everywhere segfn prints or stores it.
    """

    name: str
    label: str = ""
    type: str = "string"
    description: str = ""
    required: bool = False
    sensitive: bool = False

    def __post_init__(self) -> None:
        if self.type not in SETTING_TYPES:
            raise ValueError(
                f"Setting {self.name!r}: type must be one of {', '.join(SETTING_TYPES)}, not {self.type!r}"
            )
        if not self.label:
            object.__setattr__(self, "label", self.name)


class Headers(Mapping[str, str]):
    """Case-insensitive header map; ``get`` answers ``None`` for a missing name, as JS answers null."""

    def __init__(self, items: Mapping[str, str] | None = None) -> None:
        self._items: dict[str, tuple[str, str]] = {}
        for name, value in (items or {}).items():
            self._items[name.lower()] = (name, str(value))

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __iter__(self):
        return (original for original, _ in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def get(self, name: str, default: Any = None) -> Any:  # type: ignore[override]
        item = self._items.get(name.lower())
        return item[1] if item else default

    def has(self, name: str) -> bool:
        return name.lower() in self._items

    def to_dict(self) -> dict[str, str]:
        return {original: value for original, value in self._items.values()}


@dataclass(frozen=True)
class Request:
    """What ``fetch`` hands to a transport."""

    method: str
    url: str
    headers: Headers
    body: str | None = None

    def json(self) -> Any:
        """The body parsed as JSON, or ``None`` when there is no body."""
        return None if self.body is None else _json.loads(self.body)


@dataclass
class Response:
    """What ``fetch`` resolves to, shaped like node-fetch's Response."""

    status: int
    body: str = ""
    headers: Headers = field(default_factory=Headers)
    status_text: str = ""
    url: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    body_used: bool = field(default=False, compare=False)

    def _consume(self) -> str:
        """The body, once: node-fetch 2.x refuses a second read with this TypeError."""
        if self.body_used:
            raise TypeError(f"body used already for: {self.url}")
        self.body_used = True
        return self.body

    async def _read(self) -> str:
        """The body, once, after a turn of the event loop: reading a body is I/O (node-fetch answers
        ``text()`` with a promise), so a coroutine gathered with others lets them run meanwhile, as the
        bundle does in Segment."""
        try:
            return self._consume()
        finally:
            await _asyncio.sleep(0)

    async def text(self) -> str:
        return await self._read()

    async def json(self) -> Any:
        """Parse the body; a body that is not JSON raises ``json.JSONDecodeError`` (a ``ValueError``)
        with CPython's message, in a compiled bundle too (node-fetch's own ``FetchError`` is not what
        Python code catches)."""
        return _json.loads(await self._read())


Transport = Callable[[Request], Awaitable[Response]]


class Cache:
    """Segment's function ``cache`` (docs: functions/runtime.md, "Caching"), process-local.

    ``await cache.load(key, ttl_ms, fn)`` answers the value kept under ``key``; when there is none, or
    it is ``ttl_ms`` milliseconds old or older, it awaits ``fn()`` (an ``async def`` taking nothing),
    keeps what it returns and answers it. ``ttl_ms`` None or -1: no expiry. An exception from ``fn``
    keeps nothing. ``cache.delete(key)`` forgets a key. Segment may empty the cache at any time, and
    its function tester always starts empty: ``segfn check`` calls :meth:`clear` before each case.
    Compiled to Segment's ``cache`` global.
    """

    def __init__(self) -> None:
        self._entries: dict[str, tuple[Any, float, float | None]] = {}

    async def load(self, key: str, ttl_ms: float | None, fn: Callable[[], Any]) -> Any:
        _check_key(key)
        if ttl_ms is not None and (isinstance(ttl_ms, bool) or not isinstance(ttl_ms, (int, float))):
            raise TypeError(f"cache ttl_ms must be a number or None, not {type(ttl_ms).__name__}")
        hit = self._entries.get(key)
        if hit is not None:
            value, at, ttl = hit
            if ttl is None or ttl < 0 or (_time.time() * 1000 - at) < ttl:
                return value
        at = _time.time() * 1000
        value = fn()
        if inspect.isawaitable(value):
            value = await value
        self._entries[key] = (value, at, ttl_ms)
        return value

    def delete(self, key: str) -> None:
        _check_key(key)
        self._entries.pop(key, None)

    def clear(self) -> None:
        self._entries.clear()


def _check_key(key: Any) -> None:
    if not isinstance(key, str):
        raise TypeError(f"cache keys must be str, not {type(key).__name__}")


cache = Cache()

current_transport: contextvars.ContextVar[Transport] = contextvars.ContextVar("segfn_transport")


_LONE_SURROGATE = _re.compile("[\ud800-\udfff]")
_BAD_HEADER_NAME = _re.compile(r"[^\^_`a-zA-Z\-0-9!#$%&'*+.|~]")
_BAD_HEADER_VALUE = _re.compile(r"[^\t\x20-\x7e\x80-\xff]")


def dumps(value: Any) -> str:
    """Serialise like ``JSON.stringify``: no spaces, non-ASCII kept as is, and a lone surrogate (valid
    in a JSON string's escapes, not in UTF-8) written as its ``\\udxxx`` escape, as JavaScript's
    well-formed ``JSON.stringify`` does, so the body can be sent."""
    text = _json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


async def fetch(
    url: str,
    options: Mapping[str, Any] | None = None,
    *,
    method: str | None = None,
    headers: Mapping[str, str] | None = None,
    body: str | None = None,
    json: Any = None,
) -> Response:
    """Send an HTTP request the way Segment's ``fetch`` does.

    Options may be given as JavaScript's second argument (``{"method": ..., "headers": ...,
    "body": ...}``) or as keywords. ``json=`` serialises the value like ``JSON.stringify`` and sets
    ``Content-Type: application/json`` unless a content type is already set. A 4xx or 5xx answer is
    returned, not raised; a network failure raises ``FetchError``. What node-fetch 2.6 refuses before
    sending raises its ``TypeError``: a URL that is not absolute http(s) (``segfn.node_url``), a header
    name or value HTTP does not allow.
    """
    opts = dict(options or {})
    method = (method or opts.get("method") or "GET").upper()
    refused = _node_url.refusal(str(url))  # new Request(): url.parse, then the headers...
    if refused and refused[1] in (_node_url.INVALID, _node_url.URI_MALFORMED):
        raise TypeError(refused[1])  # (a URIError in Node: Python has none, the bundle says TypeError too)
    given = headers if headers is not None else opts.get("headers")
    for name, value in (given or {}).items():  # node-fetch 2.x's Headers: validateName, validateValue
        if _BAD_HEADER_NAME.search(name) or name == "":
            raise TypeError(f"{name} is not a legal HTTP header name")
        if _BAD_HEADER_VALUE.search(str(value)):
            raise TypeError(f"{value} is not a legal HTTP header value")
    if refused:  # ... then getNodeRequestOptions: an absolute http(s) URL
        raise TypeError(refused[1])
    header_map = Headers(given)
    if body is None:
        body = opts.get("body")
    if json is not None:
        body = dumps(json)
        if not header_map.has("content-type"):
            header_map = Headers({**header_map.to_dict(), "Content-Type": "application/json"})
    if body is not None and not isinstance(body, str):
        raise TypeError("fetch body must be a string; pass json= to send JSON")
    try:
        transport = current_transport.get()
    except LookupError:
        raise FetchError(
            f"request to {url} failed, reason: no transport (fetch runs only inside the segfn runner)",
            code="ENOTRANSPORT",
        ) from None
    return await transport(Request(method=method, url=url, headers=header_map, body=body))
