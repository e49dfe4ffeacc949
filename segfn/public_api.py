"""A small client for the few Segment Public API endpoints a deploy needs, and its error tree.

The transport is injectable (httpx's idea): production sends through ``urllib``; tests hand it a fake
Public API, in process or on a local port. Shapes follow Segment's published SDK
(segmentio/public-api-sdk-typescript): ``{"data": {...}}`` envelopes, ``FunctionV1``,
``ListFunctionItemV1`` (a list item carries no code and no settings), ``PaginationInput``
(``pagination.count`` 1-200, opaque ``pagination.cursor``), ``PaginationOutput.next``, and errors as
``{"errors": [{"type", "message", "field"?, "data"?}]}``. The token lives in the client only and is
masked in every text this module produces.

::

    DeployError
    ├── InputError            exit 2: what the user gave is unusable (no token, bad URL, bad bundle)
    ├── ApiError              exit 1: the Public API refused a request
    │   ├── Unauthorized      401: token missing, mistyped, revoked, or without permission
    │   ├── Forbidden         403: the token's role cannot do this
    │   ├── NotFound          404
    │   ├── Unprocessable     422: the API's own validation message
    │   ├── RateLimited       429: still limited after the bounded retries
    │   └── ServerError       5xx
    ├── NetworkError          exit 1: nothing answered
    └── NotLive               exit 1: a write was accepted but Segment does not show it
"""

from __future__ import annotations

import email.utils
import json
import logging
import time
import urllib.error
import urllib.request
from typing import Any, Callable
from urllib.parse import quote, urlencode, urlsplit

from segfn.emulator.errors import SegfnError

__all__ = [
    "HOSTS", "PREFIXES", "PAGE_SIZE", "MAX_RETRIES", "MAX_WAIT", "V1", "V1_ALPHA",
    "DeployError", "InputError", "ApiError", "Unauthorized", "Forbidden", "NotFound", "Unprocessable",
    "RateLimited", "ServerError", "NetworkError", "NotLive",
    "Transport", "urllib_transport", "PublicApi", "bare_id", "retry_wait", "check_base_url",
]

HOSTS = {"us": "https://api.segmentapis.com", "eu": "https://eu1.api.segmentapis.com"}
PREFIXES = ("dfn_", "ifnd_", "ifns_", "sfnc_")  # Segment's function id prefixes (TF #85, #199)
PAGE_SIZE = 100  # PaginationInput.count must be 1-200
MAX_RETRIES = 4
MAX_WAIT = 60.0  # seconds; one wait never exceeds this, whatever the API asks
V1 = "application/vnd.segment.v1+json"
V1_ALPHA = "application/vnd.segment.v1alpha+json"  # insert-function-instances exist in alpha only

log = logging.getLogger("segfn.deploy")


# -- errors ------------------------------------------------------------------------------------


class DeployError(SegfnError):
    """Anything that stops a deploy; ``str()`` says what happened and what to do."""


class InputError(DeployError):
    """The deploy cannot start with what it was given (exit 2)."""


class ApiError(DeployError):
    """The Public API refused a request; ``message`` is the API's own text."""

    status = 0
    advice = ""

    def __init__(self, method: str, path: str, message: str, status: int | None = None) -> None:
        self.method, self.path, self.message = method, path, message
        if status is not None:
            self.status = status
        advice = f" ({self.advice})" if self.advice else ""
        super().__init__(f"{method} {path} answered {self.status}: {message}{advice}")


class Unauthorized(ApiError):
    status = 401
    advice = ("SEGMENT_API_TOKEN is wrong, revoked, or its role has no access to Functions: create a Public "
              "API token (Settings > Workspace settings > Access Management > Tokens) with Workspace Owner, "
              "or Functions Admin and Source Admin, and check --region")


class Forbidden(ApiError):
    status = 403
    advice = ("the token's role cannot change functions: give the token Workspace Owner, or Functions Admin "
              "(and Source Admin to connect insert functions)")


class NotFound(ApiError):
    status = 404
    advice = ("check --region us|eu and --api-url (a token only works on its own region's host); "
              "the function may have been deleted in the app")


class Unprocessable(ApiError):
    status = 422
    advice = "Segment rejected the request's content; fix the function or its settings and build again"


class RateLimited(ApiError):
    status = 429
    advice = "the Public API's rate limit held after the retries; wait a minute and deploy again"


class ServerError(ApiError):
    status = 500
    advice = "Segment failed on its side; deploy again later (nothing partial is left for an unchanged function)"


class NetworkError(DeployError):
    """The Public API could not be reached."""


class NotLive(DeployError):
    """Segment accepted a write but reading the function back does not show it."""


_BY_STATUS = {cls.status: cls for cls in (Unauthorized, Forbidden, NotFound, Unprocessable, RateLimited)}


def _error_class(status: int) -> type[ApiError]:
    return _BY_STATUS.get(status) or (ServerError if status >= 500 else ApiError)


# -- transport ---------------------------------------------------------------------------------

# (method, url, headers, body) -> (status, headers, body); raises NetworkError when nothing answers.
Transport = Callable[[str, str, dict[str, str], bytes | None], tuple[int, dict[str, str], bytes]]


def urllib_transport(method: str, url: str, headers: dict[str, str], body: bytes | None,
                     timeout: float = 30.0) -> tuple[int, dict[str, str], bytes]:
    """The network, through the standard library (no new dependency for four endpoints)."""
    request = urllib.request.Request(url, data=body, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return answer.status, dict(answer.headers.items()), answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, dict(answer.headers.items()), answer.read()
    except (urllib.error.URLError, OSError) as failure:
        reason = getattr(failure, "reason", failure)
        raise NetworkError(f"{method} {url} failed: {reason}; check the network and --api-url") from None


def check_base_url(url: str) -> str:
    """The base URL without a trailing slash, or InputError when it is not an http(s) URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise InputError(f"--api-url / SEGMENT_API_URL {url!r} is not an http(s) base URL "
                         f"(for example {HOSTS['us']})")
    return url.rstrip("/")


# -- retries -----------------------------------------------------------------------------------


def _header(headers: dict[str, str], name: str) -> str | None:
    return next((v for k, v in headers.items() if k.lower() == name.lower()), None)


def _seconds_until(value: str, now: float) -> float | None:
    """Seconds until an HTTP date (RFC 5322), or None when ``value`` is not one."""
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment.timestamp() - now if moment is not None else None


def retry_wait(headers: dict[str, str], raw: bytes, attempt: int, now: float) -> float:
    """How long to wait after a 429, bounded to [0, MAX_WAIT].

    Segment documents ``errors[].data.msBeforeNext`` and an ``X-RateLimit-Reset`` date
    (docs.segmentapis.com/tag/Rate-Limits); ``Retry-After`` (seconds or a date) wins when present
    because it is the standard answer; with none of them, exponential backoff from one second."""
    wait: float | None = None
    retry_after = _header(headers, "Retry-After")
    if retry_after is not None:
        try:
            wait = float(retry_after)
        except ValueError:
            wait = _seconds_until(retry_after, now)
    if wait is None:
        try:
            errors = json.loads(raw).get("errors") or []
            wait = next(float(e["data"]["msBeforeNext"]) / 1000 for e in errors
                        if isinstance(e.get("data"), dict) and "msBeforeNext" in e["data"])
        except (ValueError, TypeError, AttributeError, KeyError, StopIteration):
            wait = None
    if wait is None and _header(headers, "X-RateLimit-Reset"):
        wait = _seconds_until(_header(headers, "X-RateLimit-Reset"), now)
    if wait is None:
        wait = float(2 ** attempt)
    return min(max(wait, 0.0), MAX_WAIT)


def _message(raw: bytes) -> str:
    """The API's error text from ``{"errors": [{"type", "message", "field"}]}``, else the body."""
    try:
        errors = json.loads(raw)["errors"]
        said = [(f"{e['field']}: " if e.get("field") else "") + str(e.get("message") or e.get("type", ""))
                for e in errors]
        if any(said):
            return "; ".join(said)
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    return raw.decode("utf-8", "replace")[:300].strip() or "(no body)"


def bare_id(function_id: str) -> str:
    """A function id without its type prefix, as insert-function-instances wants it (TF #85)."""
    for prefix in PREFIXES:
        if function_id.startswith(prefix):
            return function_id[len(prefix):]
    return function_id


# -- client ------------------------------------------------------------------------------------


class PublicApi:
    """The Public API endpoints a deploy uses. ``sleep`` and ``now`` are injectable so tests never wait."""

    def __init__(self, base_url: str, token: str, transport: Transport = urllib_transport, *,
                 sleep: Callable[[float], None] = time.sleep, now: Callable[[], float] = time.time,
                 max_retries: int = MAX_RETRIES) -> None:
        if not token or not token.strip():
            raise InputError("SEGMENT_API_TOKEN is not set: create a Public API token in the Segment app "
                             "(Settings > Workspace settings > Access Management > Tokens) and export it; "
                             "segfn reads it from the environment only")
        self.base_url = check_base_url(base_url)
        self._token = token.strip()
        self.transport = transport
        self.sleep, self.now = sleep, now
        self.max_retries = max_retries
        self.sent: list[tuple[str, str]] = []  # every (method, path) sent, retries included

    def __repr__(self) -> str:  # never the token
        return f"PublicApi({self.base_url!r})"

    def mask(self, text: str) -> str:
        """``text`` with the token replaced, for anything that may reach a user or a log."""
        return text.replace(self._token, "***")

    def request(self, method: str, path: str, body: Any = None, query: dict[str, Any] | None = None,
                accept: str = V1) -> dict:
        """One call; retries 429 (every method) and 5xx (GET only) a bounded number of times."""
        url = self.base_url + path + (f"?{urlencode(query)}" if query else "")
        headers = {"Authorization": f"Bearer {self._token}", "Accept": accept, "User-Agent": "segfn-deploy"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        for attempt in range(self.max_retries + 1):
            self.sent.append((method, path))
            try:
                status, answer_headers, raw = self.transport(method, url, headers, data)
            except NetworkError as failure:
                raise NetworkError(self.mask(str(failure))) from None
            log.debug("%s %s -> %s", method, path, status)
            retry = status == 429 or (status >= 500 and method == "GET")
            if not retry or attempt == self.max_retries:
                break
            wait = retry_wait(answer_headers, raw, attempt, self.now()) if status == 429 else float(2 ** attempt)
            log.info("%s %s answered %s; retrying in %.1fs", method, path, status, wait)
            self.sleep(wait)
        if 200 <= status < 300:
            try:
                return json.loads(raw) if raw else {}
            except ValueError:
                raise ApiError(method, path, "the answer is not JSON; is --api-url the Public API?", status) from None
        raise _error_class(status)(method, path, self.mask(_message(raw)), status)

    def _pages(self, path: str, key: str, query: dict[str, Any], accept: str = V1) -> list[dict]:
        """Every item under ``data[key]`` across pages, following ``pagination.next``."""
        items: list[dict] = []
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            page_query = {**query, "pagination.count": PAGE_SIZE}
            if cursor:
                page_query["pagination.cursor"] = cursor
            data = self.request("GET", path, query=page_query, accept=accept).get("data") or {}
            items.extend(data.get(key) or [])
            cursor = (data.get("pagination") or {}).get("next")
            if not cursor:
                return items
            if cursor in seen:
                raise ApiError("GET", path, f"pagination cursor {cursor!r} came back twice; stopping", 200)
            seen.add(cursor)

    def get_workspace(self) -> dict:
        """The workspace the token belongs to: ``{id, slug, name}`` (GET /)."""
        return self.request("GET", "/")["data"]["workspace"]

    def list_functions(self, resource_type: str) -> list[dict]:
        """Every function of ``resource_type`` as ``ListFunctionItemV1`` (no code, no settings)."""
        return self._pages("/functions", "functions", {"resourceType": resource_type})

    def get_function(self, function_id: str) -> dict:
        """One ``FunctionV1``, with its code and settings."""
        return self.request("GET", f"/functions/{quote(function_id, safe='')}")["data"]["function"]

    def create_function(self, body: dict) -> dict:
        return self.request("POST", "/functions", body)["data"]["function"]

    def update_function(self, function_id: str, body: dict) -> dict:
        return self.request("PATCH", f"/functions/{quote(function_id, safe='')}", body)["data"]["function"]

    def list_insert_instances(self, function_id: str) -> list[dict]:
        """The insert function's instances (``InsertFunctionInstanceAlpha``), every page."""
        return self._pages("/insert-function-instances", "instances", {"functionId": bare_id(function_id)},
                           accept=V1_ALPHA)

    def create_insert_instance(self, function_id: str, integration_id: str, name: str,
                               settings: dict[str, Any]) -> dict:
        body = {"functionId": bare_id(function_id), "integrationId": integration_id, "name": name,
                "settings": settings, "enabled": True}
        data = self.request("POST", "/insert-function-instances", body, accept=V1_ALPHA)["data"]
        return data["insertFunctionInstance"]
