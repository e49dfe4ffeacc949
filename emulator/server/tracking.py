"""Segment's Tracking API over HTTP: ``POST /v1/<call>``.

- Endpoints: ``identify``, ``track``, ``page``, ``screen``, ``group``, ``alias``, ``batch``, plus the
  one-letter paths the real clients post to (analytics.js: ``/v1/i``, ``/v1/t``, ``/v1/p``,
  ``/v1/s``, ``/v1/g``, ``/v1/a`` for single calls and ``/v1/b`` for batches; analytics-swift and
  analytics-kotlin: ``/v1/b``; analytics-ruby: ``/v1/import``, Segment's older name for a batch), and
  ``/v1/m``, where analytics.js and analytics-kotlin send their
  own telemetry: answered 200 and ignored.
- Write key: the Basic auth username (password ignored), else ``writeKey`` in the body (a Bearer
  token, Segment's OAuth, travels with ``writeKey`` in the body). No key, or a key no source has: 401.
- Bodies: ``Content-Type: application/json``, or ``text/plain`` (what analytics.js and
  analytics-kotlin send, to spare the browser a CORS preflight); ``Content-Encoding: gzip``.
- Answers: 200 ``{"success": true}`` (plus ``rejected``, the messages Segment would drop, each with
  its JSON path, code and reason); 400 or 401 ``{"success": false, "code", "message", "path"}``;
  with ``--max-backlog N``, 429 and ``Retry-After`` while N or more deliveries wait (nothing of that
  call is stored: the client sends it again).
"""

from __future__ import annotations

import base64
import re
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, request

from segfn.emulator.errors import BadRequestBody, IngestError, Unauthorized
from segfn.emulator.messages import MAX_BATCH_BYTES, decode_body

blueprint = Blueprint("tracking", __name__)

ENDPOINTS = {name: name for name in ("identify", "track", "page", "screen", "group", "alias", "batch")}
ENDPOINTS.update({"i": "identify", "t": "track", "p": "page", "s": "screen", "g": "group", "a": "alias",
                  "b": "batch", "import": "batch"})
TELEMETRY = "m"
ACCEPTED_TYPES = ("application/json", "text/plain")


def error_body(error: IngestError) -> tuple[Response, int]:
    return jsonify({"success": False, "code": error.code, "message": error.message, "path": error.path or None}), \
        error.status


def _write_key_from_header() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "basic":
        return None  # absent, or an OAuth Bearer token: the write key is in the body
    try:  # a header is latin-1 text: non-ASCII characters are no base64 (b64decode raises ValueError)
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors too
        raise Unauthorized("the Authorization header is not valid Basic auth; send base64(\"<writeKey>:\")",
                           "") from None
    user = decoded.partition(":")[0]
    return user or None


def _content_type() -> str | None:
    """The content type to hand to ``decode_body``: JSON for text/plain; 400 for anything else."""
    raw = request.headers.get("Content-Type")
    if not raw:
        raise BadRequestBody("Content-Type is missing; send application/json")
    media = raw.split(";", 1)[0].strip().lower()
    if media not in ACCEPTED_TYPES and not media.endswith("+json"):
        raise BadRequestBody(f"Content-Type must be application/json (found {raw})")
    return "application/json"


def _read_body() -> bytes:
    limit = MAX_BATCH_BYTES
    declared = request.content_length
    if declared is not None and declared > limit:
        raise BadRequestBody(f"the body is {declared} bytes; the limit is {limit} (500 KB)")
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise BadRequestBody(f"the body is over {limit} bytes (500 KB)")
    return raw


@blueprint.route("/v1/<name>", methods=["POST", "OPTIONS"])
def call(name: str) -> Any:
    if request.method == "OPTIONS":
        return "", 204
    if name == TELEMETRY:
        return jsonify({"success": True})
    endpoint = ENDPOINTS.get(name)
    if endpoint is None:
        return jsonify({"success": False, "code": "not_found",
                        "message": f"no Tracking API endpoint /v1/{name}; use one of "
                                   + ", ".join(f"/v1/{e}" for e in ENDPOINTS)}), 404
    local = current_app.extensions["segfn"]
    wait = local.backlog_full()
    if wait is not None:  # --max-backlog: refuse before reading, so nothing is half accepted
        answer = jsonify({"success": False, "code": "too_many_requests",
                          "message": f"segfn serve has {local.options.max_backlog:,} or more deliveries waiting "
                                     f"(--max-backlog); send again in {wait} s"})
        answer.headers["Retry-After"] = str(wait)
        return answer, 429
    try:
        write_key = _write_key_from_header()
        content_type = _content_type()
        raw = _read_body()
        encoding = request.headers.get("Content-Encoding")
        unreadable: list = []  # what no reader holds (numbers past 4,300 digits, nesting past 500 levels)
        inflated: list[int] = []  # a gzip body's JSON size: the limits measure the JSON, as for a plain body
        payload = decode_body(raw, content_type=content_type, content_encoding=encoding, unreadable=unreadable,
                              inflated=inflated)
        reply = local.ingest(endpoint, payload, write_key=write_key, raw_size=inflated[0] if inflated else len(raw),
                             unreadable=bool(unreadable))
    except IngestError as error:
        return error_body(error)
    return jsonify(reply.to_json())


# What a preflight always allows: what Segment's libraries send (analytics.js adds Authorization
# and, on a retry, X-Retry-Count; analytics-kotlin Content-Encoding). Other requested names are
# echoed, since analytics.js lets a site add its own headers (deliveryStrategy.config.headers).
ALLOWED_HEADERS = ("Content-Type", "Authorization", "Content-Encoding", "X-Retry-Count")
_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")  # an RFC 9110 token


def _allowed_headers() -> str:
    known = {name.lower() for name in ALLOWED_HEADERS}
    requested = (name.strip() for name in request.headers.get("Access-Control-Request-Headers", "").split(","))
    extra = [name for name in requested if _HEADER_NAME.match(name) and name.lower() not in known]
    return ", ".join((*ALLOWED_HEADERS, *extra))


@blueprint.after_app_request
def cors(response: Response) -> Response:
    """Every answer under ``/v1/`` (the Tracking API and the settings document, errors included)
    is readable from any origin: browsers call them from the site's own origin. The control API
    and the debugger get none of this."""
    if not request.path.startswith("/v1/"):
        return response
    response.headers["Access-Control-Allow-Origin"] = request.headers.get("Origin", "*")
    response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
    response.headers["Access-Control-Allow-Headers"] = _allowed_headers()
    response.headers["Access-Control-Max-Age"] = "600"
    # Retry-After is no CORS-safelisted response header: without this a page cannot read it, and
    # analytics.js (parseRetryAfter) would back off on its own schedule instead of segfn's 429 answer
    response.headers["Access-Control-Expose-Headers"] = "Retry-After"
    response.vary.update(("Origin", "Access-Control-Request-Headers"))
    return response
