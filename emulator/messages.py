"""Segment's Tracking API rules: what it accepts, how it normalises a message, and dedupe.

Sources (segment-docs): the HTTP API page (limits, errors, batch merge), spec/common.md (fields,
timestamps), spec-field-*.md (per-type required fields). The rules:

- a call is JSON; a single call is at most 32 KB, a batch at most 500 KB (400 otherwise);
- each message has a known ``type`` (single calls take it from the endpoint), a ``userId`` or an
  ``anonymousId`` (``no_user_anon_id``), a ``messageId`` of at most 100 characters, and its type's
  required fields; a message failing these is answered 200 but dropped;
- a batch holds at most 2,500 messages; the ones past that are dropped (200);
- normalisation adds ``messageId`` when absent, ``receivedAt``, ``originalTimestamp`` (the client's
  ``timestamp``, verbatim) and the corrected ``timestamp = receivedAt - (sentAt - originalTimestamp)``,
  merges a batch's top-level ``context`` and ``integrations`` into each item (the item's keys win), and
  keeps ``writeKey`` (destination-functions.md: events "may contain writeKey");
- a message Segment already processed (``as_processed``) keeps its times and ``messageId`` as stored;
- a ``messageId`` seen within 24 hours, on any source of the workspace, is a duplicate (Segment's
  dedupe "is not scoped to a specific source or a workspace").
"""

from __future__ import annotations

import gzip
import json
import re
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from importlib import resources
from typing import Any, Callable, Iterable

import jsonschema
import referencing
from jsonschema import Draft202012Validator, FormatChecker

from . import jsonio
from .dedupe import SeenIndex
from .errors import BadRequestBody, InvalidMessage

MESSAGE_TYPES = ("identify", "track", "page", "screen", "group", "alias", "delete")
MAX_MESSAGE_BYTES = 32 * 1024
MAX_BATCH_BYTES = 500 * 1024
MAX_BATCH_MESSAGES = 2500
MAX_MESSAGE_ID_CHARS = 100
DEDUPE_WINDOW = timedelta(hours=24)
MAX_DECOMPRESSED_BYTES = 10 * MAX_BATCH_BYTES  # a gzip body may not inflate past this
AS_CLIENT, AS_PROCESSED, AS_AUTO = "client", "processed", "auto"
AS_MODES = (AS_CLIENT, AS_PROCESSED, AS_AUTO)

Clock = Callable[[], datetime]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


# --- dates ----------------------------------------------------------------------------------

# ASCII digits only: in a str pattern \d also matches other scripts' digits ("٢٠٢٤"), which int()
# reads but JavaScript's Date.parse, and so every destination, does not.
_DATE = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[Tt ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$",
    re.ASCII,
)


def parse_date(text: str) -> datetime | None:
    """Parse an ISO-8601 date as Segment's libraries write it, leniently (``2015-2-02T...`` appears
    in Segment's own docs). A date without a zone is UTC. Returns None when it is not a date."""
    return _parse_date(text) if isinstance(text, str) else None


@lru_cache(maxsize=4096)  # one message's dates are read several times on its way through the pipeline
def _parse_date(text: str) -> datetime | None:
    m = _DATE.match(text.strip())
    if not m:
        return None
    year, month, day, hour, minute, second, fraction, zone = m.groups()
    micro = int((fraction or "0")[:6].ljust(6, "0"))
    try:
        tz = timezone.utc
        if zone and zone not in ("Z", "z"):
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            if int(digits[2:4] or 0) > 59:  # +05:99: JavaScript's Date.parse reads no such offset
                return None
            # an offset of 24 hours or more (+99:00) is no offset: timezone() raises ValueError
            tz = timezone(sign * timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0)))
        return datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                        int(second or 0), micro, tzinfo=tz).astimezone(timezone.utc)
    except (ValueError, OverflowError):  # no such day or offset, or an offset that leaves years 1-9999
        return None


@lru_cache(maxsize=4096)  # the same instants are written again (receivedAt, each attempt's time)
def format_date(moment: datetime) -> str:
    """ISO-8601 in UTC with milliseconds, as Segment writes ``receivedAt``."""
    moment = moment.astimezone(timezone.utc)
    return (f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}T{moment.hour:02d}:{moment.minute:02d}:"
            f"{moment.second:02d}.{moment.microsecond // 1000:03d}Z")


# --- schemas --------------------------------------------------------------------------------

_FORMATS = FormatChecker(formats=())
_FORMATS.checks("segment-date")(lambda value: not isinstance(value, str) or parse_date(value) is not None)


@lru_cache(maxsize=None)
def _validators() -> dict[str, Draft202012Validator]:
    folder = resources.files("segfn.emulator") / "schemas"
    docs = {name: json.loads((folder / f"{name}.json").read_text()) for name in ("common", *MESSAGE_TYPES)}
    registry = referencing.Registry().with_resources(
        (doc["$id"], referencing.Resource.from_contents(doc)) for doc in docs.values()
    )
    return {
        name: Draft202012Validator(docs[name], registry=registry, format_checker=_FORMATS)
        for name in MESSAGE_TYPES
    }


def schema_for(message_type: str) -> dict[str, Any]:
    """The JSON Schema of one call type (for docs and for the debugger)."""
    return _validators()[message_type].schema


def _json_path(base: str, parts: Iterable[Any]) -> str:
    out = base
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _explain(error: jsonschema.ValidationError, base: str) -> InvalidMessage:
    """Turn a schema error into Segment's code and a sentence, using the schemas' x-code/x-message."""
    path = _json_path(base, error.absolute_path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    if error.validator == "required":
        missing = next(k for k in error.validator_value if k not in error.instance)
        hint = schema.get("x-required", {}).get(missing, {})
        return InvalidMessage(hint.get("x-message", f"{missing} is required"), f"{path}.{missing}",
                              hint.get("x-code", "missing_field"))
    message = schema.get("x-message") or error.message
    return InvalidMessage(message, path, schema.get("x-code", "invalid_field"))


def _relevance(error: jsonschema.ValidationError) -> tuple[int, int, str]:
    # identity first (Segment's headline error), then required fields, then field types
    order = {"anyOf": 0, "required": 1}.get(error.validator, 2)
    return (order, len(error.absolute_path), str(list(error.absolute_path)))


def _id(value: Any, required: bool = False) -> bool:
    """An id field as the schemas allow it: a non-empty string or a number (never a boolean)."""
    if value is None:
        return not required
    if isinstance(value, str):
        return bool(value) or not required
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _optional(message: dict[str, Any], key: str, kind: type) -> bool:
    return key not in message or isinstance(message[key], kind)


_DATE_FIELDS = ("timestamp", "originalTimestamp", "sentAt", "receivedAt")
_OBJECT_FIELDS = {"identify": ("traits",), "track": ("properties",), "page": ("properties",),
                  "screen": ("properties",), "group": ("traits",), "alias": (), "delete": ()}
_STRING_FIELDS = {"page": ("name", "category"), "screen": ("name",)}


def _plainly_valid(message: dict[str, Any], kind: str) -> bool:
    """The schemas' rules written out, for the hot path: True only when the schema would accept.

    When this says False, the schema itself decides and explains. ``tests/foundation/
    test_message_schemas.py`` holds this function to the schemas on generated messages.
    """
    m = message
    user, anon = m.get("userId"), m.get("anonymousId")
    if not (_id(user) and _id(anon)):  # null ids are absent ids: analytics-python sends anonymousId null
        return False
    if not ((user is not None and user != "") or (anon is not None and anon != "")):
        return False
    mid = m.get("messageId", "")
    if not (isinstance(mid, str) and len(mid) <= MAX_MESSAGE_ID_CHARS) or not _optional(m, "context", dict) \
            or not _optional(m, "integrations", dict):
        return False
    for key in _DATE_FIELDS:
        if key in m:
            value = m[key]
            if not isinstance(value, str) or _parse_date(value) is None:
                return False
    if not all(_optional(m, key, dict) for key in _OBJECT_FIELDS[kind]):
        return False
    if not all(m.get(key) is None or isinstance(m[key], str) for key in _STRING_FIELDS.get(kind, ())):
        return False
    if kind == "track":
        return isinstance(m.get("event"), str) and m["event"] != ""
    if kind == "group":
        return _id(m.get("groupId"), required=True)
    if kind == "alias":
        return _id(m.get("previousId"), required=True) and _id(user, required=True)
    if kind == "delete":
        return _id(user, required=True)
    return True


def validate_message(message: Any, path: str = "$") -> None:
    """Raise ``InvalidMessage`` (with a JSON path and Segment's error code) if Segment would drop it."""
    if not isinstance(message, dict):
        raise InvalidMessage("each message must be a JSON object", path, "invalid_message")
    kind = message.get("type")
    if kind not in MESSAGE_TYPES:
        shown = json.dumps(kind) if kind is not None else "missing"
        raise InvalidMessage(f"type must be one of {', '.join(MESSAGE_TYPES)} (found {shown})",
                             f"{path}.type", "invalid_type")
    if _plainly_valid(message, kind):
        return
    errors = sorted(_validators()[kind].iter_errors(message), key=_relevance)
    if errors:
        raise _explain(errors[0], path)


# --- request bodies -------------------------------------------------------------------------


def compact_size(value: Any) -> int:
    """Bytes of a value serialised compactly as UTF-8 JSON: how a limit is measured for parsed input."""
    return jsonio.compact_size(value)


def _size_over(value: Any, raw_size: int | None, limit: int) -> int | None:
    """The size of a call or message when it is over ``limit``: ``raw_size`` (the body's bytes)
    when known, else the compact JSON size; None when it is within the limit."""
    if raw_size is not None:
        return raw_size if raw_size > limit else None
    return jsonio.size_over(value, limit)


def decode_body(raw: bytes, *, content_type: str | None = None, content_encoding: str | None = None,
                unreadable: list[Any] | None = None, inflated: list[int] | None = None) -> Any:
    """Decode an HTTP request body as the Tracking API does: optional gzip, then UTF-8 JSON.

    Raises ``BadRequestBody`` (HTTP 400) with a clear message for anything that is not JSON
    (``NaN``, ``Infinity`` and ``1e400`` included). With ``unreadable`` (a list), lone surrogates
    read as U+FFFD, integers past 4,300 digits as ``jsonio.Unreadable`` markers, listed there, and
    nesting past ``jsonio.MAX_DEPTH`` is listed too (``jsonio.TooDeep``), so that only the message
    holding one is refused (``TrackingApi.accept``). ``inflated`` (a list) gets the size of a gzip
    body once inflated: the JSON's own size, which the Tracking API's limits measure.
    """
    if content_type is not None and "json" not in content_type.lower():
        raise BadRequestBody(f"Content-Type must be application/json (found {content_type or 'none'})")
    if content_encoding and content_encoding.lower() == "gzip":
        raw = _gunzip(raw)
        if inflated is not None:
            inflated.append(len(raw))
    elif content_encoding and content_encoding.lower() not in ("identity", ""):
        raise BadRequestBody(f"Content-Encoding {content_encoding!r} is not supported (use gzip)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequestBody(f"the body is not UTF-8 (invalid byte at offset {exc.start})") from None
    try:
        return jsonio.loads(text, unreadable=unreadable)
    except json.JSONDecodeError as exc:
        raise BadRequestBody(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except jsonio.TooDeep as exc:
        raise BadRequestBody(f"invalid JSON: {exc}", exc.path) from None
    except RecursionError:
        raise BadRequestBody("invalid JSON: nested too deeply") from None


_GZIP_MAGIC = b"\x1f\x8b"


_GZIP_CHUNK = 64 * 1024  # input fed to the inflater at a time: what is left after a member is at most this


def _gunzip(raw: bytes) -> bytes:
    """Inflate a gzip body (RFC 1952): one member or several in a row, each ending with its CRC-32
    and length, which are checked. A body cut short, a wrong CRC or length, or bytes after the last
    member that are not another member is a ``BadRequestBody``, as is inflating past the limit.

    Linear in the body's size whatever its number of members: the input is fed in chunks, so no
    member end copies the rest of the body (``unused_data``), and the output grows in place."""
    out = bytearray()
    view = memoryview(raw)
    pos, start, member = 0, 0, 1  # read so far; where the current member starts; its number
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    while True:
        chunk = view[pos:pos + _GZIP_CHUNK]
        try:
            out += inflater.decompress(chunk, MAX_DECOMPRESSED_BYTES + 1 - len(out))
        except zlib.error as exc:
            what = {"incorrect data check": "its CRC-32 does not match the data",
                    "incorrect length check": "its length trailer does not match the data"}.get(
                        str(exc).rpartition(": ")[2], str(exc))
            raise BadRequestBody(f"the gzip body is corrupt (member {member}, from byte {start}): {what}") from None
        if len(out) > MAX_DECOMPRESSED_BYTES or inflater.unconsumed_tail:
            raise BadRequestBody(f"the gzip body inflates past {MAX_DECOMPRESSED_BYTES // 1024} KB")
        if not inflater.eof:
            pos += len(chunk)
            if pos >= len(view):
                raise BadRequestBody(f"the gzip body is cut short (member {member}, from byte {start}): it ends "
                                     f"before its CRC-32 and length trailer")
            continue
        pos += len(chunk) - len(inflater.unused_data)
        if pos == len(view):
            return bytes(out)
        if view[pos:pos + len(_GZIP_MAGIC)] != _GZIP_MAGIC:
            raise BadRequestBody(f"the gzip body has {len(view) - pos} byte(s) after its last member, from byte {pos}, "
                                 f"that are not gzip")
        start, member = pos, member + 1
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)


def gzip_bytes(data: bytes) -> bytes:
    return gzip.compress(data)


# --- acceptance and normalisation -----------------------------------------------------------


@dataclass(frozen=True)
class Accepted:
    """A message the Tracking API accepted, normalised. ``path`` locates it in the request body."""

    message: dict[str, Any]
    path: str
    generated_id: bool = False


@dataclass(frozen=True)
class Rejected:
    """A message answered 200 but dropped (or a whole request answered 400/401)."""

    error: InvalidMessage | BadRequestBody
    raw: Any = None


@dataclass
class IngestResult:
    write_key: str | None
    accepted: list[Accepted] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


def new_message_id() -> str:
    """Segment's server-side ids start with ``api-``."""
    return f"api-{uuid.uuid4().hex}"


class TrackingApi:
    """The acceptance rules and normalisation of Segment's ``/v1/*`` endpoints, without HTTP."""

    def __init__(self, *, clock: Clock = utcnow, message_id: Callable[[], str] = new_message_id) -> None:
        self.clock = clock
        self.message_id = message_id

    def accept(self, endpoint: str, payload: Any, *, write_key: str | None = None,
               raw_size: int | None = None, received: datetime | None = None,
               message_id: Callable[[], str] | None = None, as_: str = AS_CLIENT,
               unreadable: bool = False) -> IngestResult:
        """Apply the rules to one call's parsed body.

        ``endpoint`` is ``batch``, a call type, or ``message`` (a fixture's message whose own
        ``type`` decides, checked like a batch item). ``raw_size`` is the body's size in bytes when
        known (the server); otherwise the compact JSON size is used. ``received`` and
        ``message_id`` override the clock and the id generator for this call (replay). ``as_``
        says whether the messages are client calls, payloads Segment already processed, or ``auto``
        (``is_processed`` decides per message; replay). A request-level problem raises
        ``BadRequestBody``; message-level problems land in ``rejected``. ``unreadable``: the body
        holds ``jsonio.Unreadable`` numbers or nesting past ``jsonio.MAX_DEPTH`` (``decode_body``); a
        message holding one is rejected (``invalid_number``, ``too_deep``), and one outside every
        message (a batch's own ``context``) makes the request a 400.
        """
        if not isinstance(payload, dict):
            raise BadRequestBody("the body must be a JSON object")
        if unreadable and endpoint == "batch":
            outside = {k: v for k, v in payload.items() if k != "batch"}  # the body's own keys, at level 2
            try:
                jsonio.check_depth(outside)
            except jsonio.TooDeep as deep:
                raise BadRequestBody(f"{deep.reason}; it is outside every message, so the whole batch is refused",
                                     deep.path) from None
            found = jsonio.find_unreadable(outside)
            if found is not None:
                raise BadRequestBody(f"{found[1].reason()}; it is outside every message, so the whole batch "
                                     f"is refused", found[0])
        write_key = write_key or _string_or_none(payload.get("writeKey"))
        result = IngestResult(write_key=write_key)
        received = received or self.clock()
        new_id = message_id or self.message_id
        if endpoint == "batch":
            items = payload.get("batch")
            if not isinstance(items, list):
                raise BadRequestBody("a batch body needs a `batch` array", "$.batch")
            size = _size_over(payload, raw_size, MAX_BATCH_BYTES)
            if size is not None:
                raise BadRequestBody(f"the batch is {size} bytes; the limit is {MAX_BATCH_BYTES} (500 KB)")
            deep = set()  # items refused as too_deep below: json.dumps could not even measure them
            if unreadable:
                for index, item in enumerate(items):
                    try:
                        jsonio.check_depth(item, jsonio.MAX_DEPTH - 2)
                    except jsonio.TooDeep:
                        deep.add(index)
            for index, item in enumerate(items):
                if index in deep:
                    continue
                size = jsonio.size_over(item, MAX_MESSAGE_BYTES)
                if size is not None:
                    raise BadRequestBody(f"message is {size} bytes; the limit is {MAX_MESSAGE_BYTES} (32 KB)",
                                         f"$.batch[{index}]")
            context, integrations = payload.get("context"), payload.get("integrations")
            sent_at = payload.get("sentAt")  # libraries stamp the batch, not each message
            for index, item in enumerate(items):
                if isinstance(item, dict) and sent_at is not None and "sentAt" not in item:
                    item = {**item, "sentAt": sent_at}
                path = f"$.batch[{index}]"
                if index >= MAX_BATCH_MESSAGES:
                    result.rejected.append(Rejected(InvalidMessage(
                        f"a batch holds at most {MAX_BATCH_MESSAGES} messages; this one is number {index + 1}",
                        path, "batch_too_many_messages"), item))
                    continue
                self._take(result, item, path, received, context, integrations, new_id, as_, unreadable, level=3)
            return result
        if endpoint == "message":  # a fixture's bare message: its own ``type`` decides
            self._take(result, payload, "$", received, None, None, new_id, as_, unreadable)
            return result
        if endpoint not in MESSAGE_TYPES:
            raise BadRequestBody(f"unknown endpoint /v1/{endpoint}")
        size = _size_over(payload, raw_size, MAX_MESSAGE_BYTES)
        if size is not None:
            raise BadRequestBody(f"the message is {size} bytes; the limit is {MAX_MESSAGE_BYTES} (32 KB)")
        message = dict(payload)
        message["type"] = endpoint
        self._take(result, message, "$", received, None, None, new_id, as_, unreadable)
        return result

    def _take(self, result: IngestResult, item: Any, path: str, received: datetime,
              context: Any, integrations: Any, new_id: Callable[[], str], as_: str,
              unreadable: bool = False, level: int = 1) -> None:
        """Accept or reject one message; ``level`` is its depth in the body (a batch item is at 3)."""
        if unreadable:  # something in the body no reader holds: is it in this message?
            limit = jsonio.MAX_DEPTH - (level - 1)
            try:
                jsonio.check_depth(item, limit)
            except jsonio.TooDeep as deep:
                error = InvalidMessage(deep.reason, path + deep.path[1:], "too_deep")
                result.rejected.append(Rejected(error, jsonio.clip_deep(item, limit)))  # what can be written
                return
        try:
            if unreadable:
                found = jsonio.find_unreadable(item, path)
                if found is not None:
                    raise InvalidMessage(found[1].reason(), found[0], "invalid_number")
            validate_message(item, path)
            processed = as_ == AS_PROCESSED or (as_ == AS_AUTO and is_processed(item))
            message, generated = normalise(item, received, context=context, integrations=integrations,
                                           message_id=new_id, processed=processed, path=path)
        except InvalidMessage as error:
            result.rejected.append(Rejected(error, item))
            return
        result.accepted.append(Accepted(message, path, generated))


def _string_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _merge(outer: Any, inner: Any) -> Any:
    """A batch-level object merged into a message's own: the message's keys win and keep the order they
    were received in; the batch's other keys follow."""
    if not isinstance(outer, dict):
        return inner
    own = inner if isinstance(inner, dict) else {}
    return {**own, **{key: value for key, value in outer.items() if key not in own}}


def is_processed(message: dict[str, Any]) -> bool:
    """Whether a message is one Segment already processed rather than a client's call: it carries
    ``receivedAt``, which only Segment sets (spec/common.md). The Source Debugger's raw view, Segment's
    S3 and warehouse archives and Segment's Replay all carry it; no library sends it."""
    value = message.get("receivedAt")
    return isinstance(value, str) and _parse_date(value) is not None


def normalise(message: dict[str, Any], received: datetime, *, context: Any = None,
              integrations: Any = None, message_id: Callable[[], str] = new_message_id,
              processed: bool = False, path: str = "$") -> tuple[dict[str, Any], bool]:
    """Return the message as Segment passes it on, and whether its messageId was generated.

    A client call gets ``receivedAt``, its ``timestamp`` or ``originalTimestamp`` kept verbatim as
    ``originalTimestamp`` (offset and sub-millisecond digits as sent, as Segment stores it), and the
    corrected ``timestamp`` (spec/common.md). A ``processed`` message keeps every time it carries, and
    only gets what it lacks. Both keep ``writeKey``. A correction that leaves years 1-9999
    (``timestamp`` 0001-01-01 sent at 9999-12-31) raises ``InvalidMessage`` (``invalid_timestamp``,
    at ``path``.sentAt): no date can hold it.
    """
    out = dict(message)
    if context is not None:
        out["context"] = _merge(context, out.get("context"))
    if integrations is not None:
        out["integrations"] = _merge(integrations, out.get("integrations"))
    generated = not out.get("messageId")
    if generated:
        out["messageId"] = message_id()
    if processed and is_processed(out):
        if not out.get("timestamp"):
            out["timestamp"] = out["receivedAt"]
        return out, generated
    if processed:  # told it was processed, but it has no receivedAt: the time it is received now
        out["receivedAt"] = format_date(received)
        out.setdefault("timestamp", out.get("originalTimestamp") or out["receivedAt"])
        return out, generated
    out["receivedAt"] = format_date(received)
    client_time = out.get("timestamp") or out.get("originalTimestamp")
    original = parse_date(client_time) if client_time else None
    sent = parse_date(out["sentAt"]) if out.get("sentAt") else None
    if original is not None:
        out["originalTimestamp"] = client_time
        try:
            corrected = received - (sent - original) if sent is not None else original
        except OverflowError:
            raise InvalidMessage(f"the corrected timestamp (receivedAt - (sentAt - timestamp)) falls outside the "
                                 f"years 1-9999: sentAt {out['sentAt']} and timestamp {client_time} are too far "
                                 f"apart", f"{path}.sentAt", "invalid_timestamp") from None
    else:
        corrected = received
    out["timestamp"] = format_date(corrected)
    return out, generated


# --- dedupe ---------------------------------------------------------------------------------


class Deduper:
    """Remembers each ``messageId`` for 24 hours, with the source it first came from; in memory
    (replay), in a compact index (about 20 bytes a message, ``emulator/dedupe.py``). The server keeps
    its own copy of this rule in SQLite (``Store.seen_on``).

    Segment's dedupe "is not scoped to a specific source or a workspace" (guides/duplicate-data.md),
    so one id sent by two sources is delivered once. The state for one id depends only on that id's
    own sightings, so replay can shard messages by ``messageId`` and keep the same answers.
    """

    def __init__(self, window: timedelta = DEDUPE_WINDOW) -> None:
        self.window = window
        self._window_ms = window // timedelta(milliseconds=1)
        self._seen = SeenIndex()
        self._sources: list[str] = []  # a source's tag in the index is its place here

    def seen_on(self, message_id: str, source: str, at: datetime) -> str | None:
        """The source that sent ``message_id`` first, when that was within the window before ``at``
        (a duplicate); otherwise None, and ``at`` and ``source`` are recorded as its first sighting."""
        try:
            tag = self._sources.index(source)
        except ValueError:
            tag = len(self._sources)
            self._sources.append(source)
        first = self._seen.check(message_id, round(at.timestamp() * 1000), self._window_ms, tag)
        return None if first is None else self._sources[first]
