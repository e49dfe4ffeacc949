"""Every way a message can fail to reach a destination, as a class tree mirroring Segment.

::

    SegfnError
    ├── IngestError                     the Tracking API refuses it (message level)
    │   ├── Unauthorized                401: unknown write key
    │   ├── BadRequestBody              400: not JSON, wrong content, over 32 KB / 500 KB
    │   ├── StoreUnavailable            503: the store's file is gone, replaced or read-only
    │   └── InvalidMessage              200 but dropped: no_user_anon_id, missing event, ...
    ├── DeliveryError                   a destination could not take it (destination level)
    │   ├── Discarded                   final; Event Delivery's "discarded" categories
    │   │   ├── MessageRejected         InvalidEventPayload, ValidationError
    │   │   ├── UnsupportedEventType    EventNotSupported, or no handler
    │   │   ├── BadRequest              any other exception in the function
    │   │   ├── InvalidSettings         a required setting is missing or has the wrong type
    │   │   └── RetriesExhausted        retried until the retry window closed
    │   └── Retryable                   Segment tries again later
    │       ├── RetryRequested          RetryError
    │       └── TimedOut                the function ran past its timeout
    └── ConfigError                     workspace.toml, a function module, a fixture: exit 2

The runner turns what a function raised into the most specific class here and keeps the original
exception as ``__cause__``; the pipeline turns these into outcome records.
"""

from __future__ import annotations

import os
import re


class SegfnError(Exception):
    """Base of everything segfn raises on purpose."""


# --- Tracking API ---------------------------------------------------------------------------


class IngestError(SegfnError):
    """The Tracking API did not accept a message. ``path`` is a JSON path into the request body."""

    status = 400
    code = "invalid_request"

    def __init__(self, message: str, path: str = "$") -> None:
        super().__init__(message)
        self.message = message
        self.path = path

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class Unauthorized(IngestError):
    status = 401
    code = "unauthorized"


class BadRequestBody(IngestError):
    status = 400
    code = "bad_request"


class StoreUnavailable(IngestError):
    """503: the store cannot take the call (its file was deleted, replaced or made read-only, or a
    write failed); nothing of the call was kept, and a client should send it again later."""

    status = 503
    code = "store_unavailable"


class InvalidMessage(IngestError):
    """Segment answers 200 for these but the message never enters the pipeline."""

    status = 200

    def __init__(self, message: str, path: str = "$", code: str = "invalid_message") -> None:
        super().__init__(message, path)
        self.code = code


# --- Delivery -------------------------------------------------------------------------------


class DeliveryError(SegfnError):
    """A destination did not take the message. ``category`` is Segment's Event Delivery label."""

    category = "Error"
    retry = False

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Discarded(DeliveryError):
    category = "Discarded"


class MessageRejected(Discarded):
    category = "Message Rejected"


class UnsupportedEventType(Discarded):
    category = "Unsupported Event Type"


class BadRequest(Discarded):
    category = "Bad Request"


class InvalidSettings(Discarded):
    category = "Invalid Settings"


class RetriesExhausted(Discarded):
    category = "Retries Exhausted"


class Retryable(DeliveryError):
    category = "Retry"
    retry = True


class RetryRequested(Retryable):
    category = "Retry"


class TimedOut(Retryable):
    category = "Timeout"


# --- Configuration --------------------------------------------------------------------------


class ConfigError(SegfnError):
    """Bad configuration or code: one message per problem, each saying where (file:line:col or key path)."""

    def __init__(self, problems: list[str] | str) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


def unknown_key(where: str, key: str, known: "list[str] | tuple[str, ...]") -> str:
    """The problem for an unknown key at ``where`` (a key path ending in the key): ``destinations[0].
    functoin: unknown key; did you mean 'function'? (allowed keys: ...)``. The suggestion is the closest
    known key by ``difflib``'s ratio (0.6 or more), if there is one."""
    import difflib

    close = difflib.get_close_matches(key, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else ""
    return f"{where}: unknown key{hint} (allowed keys: {', '.join(sorted(known))})"


# --- Reading files ----------------------------------------------------------------------------


class NotText(SegfnError, ValueError):
    """Bytes that are not UTF-8 text, said by position: ``line`` and ``col`` (1-based, columns in
    characters) of the first byte that cannot be decoded."""

    def __init__(self, line: int, col: int, byte: int) -> None:
        self.line, self.col, self.byte = line, col, byte
        super().__init__(f"not UTF-8 text: byte 0x{byte:02x} at line {line}, column {col} cannot be decoded "
                         f"(save the file as UTF-8)")

    @property
    def reason(self) -> str:
        """The message without its position, for a caller that writes ``file:line:col:`` itself."""
        return f"not UTF-8 text (byte 0x{self.byte:02x} cannot be decoded; save the file as UTF-8)"


def utf8_text(data: bytes) -> str:
    """``data`` decoded as UTF-8 (a leading byte-order mark dropped, as editors on Windows write one);
    raises ``NotText`` saying where the first undecodable byte is."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        text = exc.object  # utf-8-sig reports positions in the bytes after the mark
        before = text[:exc.start]
        line = before.count(b"\n") + 1
        col = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        raise NotText(line, col, text[exc.start]) from None


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def toml_error(path: "os.PathLike[str] | str", text: str, exc: ValueError) -> str:
    """A ``tomllib.TOMLDecodeError`` as ``file:line:col: TOML syntax error: reason``, then the line and a
    caret under the column (tomllib says the position only inside its message)."""
    message = str(exc)
    match = _TOML_POSITION.search(message)
    if not match:
        return f"{path}: TOML syntax error: {message}"
    line, col = int(match.group(1)), int(match.group(2))
    lines = text.splitlines()
    source = lines[line - 1] if 0 < line <= len(lines) else ""
    reason = _TOML_POSITION.sub("", message).strip()
    return f"{path}:{line}:{col}: TOML syntax error: {reason}\n    {source}\n    {' ' * (col - 1)}^"
