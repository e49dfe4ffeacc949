"""The control API and the debugger belong to the local user: what a web page elsewhere may not do.

A page on another origin can make a browser send requests here (a form POST, a ``no-cors`` fetch)
and, by DNS rebinding, read answers under a name it controls. So, for every path but the Tracking
API and the settings document under ``/v1/`` (which browsers call from any site, on purpose):

- the ``Host`` must name this server: ``127.0.0.1``, ``localhost``, ``[::1]``, the address it is bound
  to (unless that is every address), or a name given with ``--allow-host``; otherwise ``403``. A
  rebinding page's requests carry its own name, so they are refused;
- a state-changing control call (anything but GET, HEAD and OPTIONS under ``/__segfn__/``) needs the
  header ``X-Segfn-Control: 1`` (exactly ``1``) and, when it has a body, ``Content-Type: application/json``.
  A form cannot send either and a ``no-cors`` fetch cannot either without a CORS preflight, which
  this server never grants; and it is refused when ``Origin`` is another origin or ``Sec-Fetch-Site``
  says the request came from another site;
- every answer says ``X-Content-Type-Options: nosniff``; HTML pages also send a Content-Security-
  Policy (only this server's own scripts, styles and requests; no framing, no forms elsewhere) and
  ``X-Frame-Options: DENY``.
"""

from __future__ import annotations

import logging
from typing import Iterable

from flask import Flask, Response, jsonify, request

log = logging.getLogger("segfn.guard")

CONTROL_HEADER = "X-Segfn-Control"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
ANY_ADDRESS = frozenset({"", "0.0.0.0", "::"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")


def host_name(host: str) -> str:
    """The name in a ``Host`` header, without its port, brackets or a trailing dot, lower case."""
    host = host.strip().lower()
    if host.startswith("["):
        return host[1:].partition("]")[0]
    if host.count(":") == 1:
        host = host.partition(":")[0]
    return host.rstrip(".")


class Guard:
    """Decides, per request, whether a browser elsewhere could have sent it (see the module)."""

    def __init__(self, allow_hosts: Iterable[str] = ()) -> None:
        self.allowed = set(LOOPBACK) | {host_name(h) for h in allow_hosts if h}

    def bound(self, host: str) -> None:
        """The server listens on ``host``: a specific address is a name it answers to."""
        name = host_name(host)
        if name not in ANY_ADDRESS:
            self.allowed.add(name)

    def problem(self) -> tuple[str, str] | None:
        """``(code, message)`` when the current request must be refused (403), else None."""
        path = request.path
        if path.startswith("/v1/"):
            return None
        name = host_name(request.host or "")
        if name not in self.allowed:
            shown = (request.host or "")[:60]
            return ("host_not_allowed",
                    f"this server answers only to {', '.join(sorted(self.allowed))}, not to the Host {shown!r} "
                    f"(a page using DNS rebinding sends its own name); pass --allow-host NAME to add one")
        if not path.startswith("/__segfn__/") or request.method in SAFE_METHODS:
            return None
        value = request.headers.get(CONTROL_HEADER)
        if value is None or value.strip() != "1":
            found = "it is missing" if value is None else "found another value"
            return ("control_header_missing",
                    f"a control call that changes state needs the header {CONTROL_HEADER}: 1 ({found}; and a "
                    f"JSON body, if any), which no web page on another site can send")
        if request.content_length or request.headers.get("Transfer-Encoding"):
            media = (request.mimetype or "").lower()
            if media != "application/json" and not media.endswith("+json"):
                return ("json_required", f"a control call's body must be JSON, sent as Content-Type: "
                                         f"application/json (found {request.content_type or 'none'})")
        site = request.headers.get("Sec-Fetch-Site")
        if site is not None and site.lower() not in ("same-origin", "none"):
            return ("cross_site", f"this control call came from another site (Sec-Fetch-Site: {site[:20]}); "
                                  f"only the local user's own pages and tools may change state")
        origin = request.headers.get("Origin")
        if origin is not None and origin != f"{request.scheme}://{request.host}":
            return ("cross_origin", f"this control call came from the origin {origin[:60]!r}, not this server's; "
                                    f"only the local user's own pages and tools may change state")
        return None


def install(app: Flask, guard: Guard, json_prefixes: tuple[str, ...]) -> None:
    """Refuse what ``guard`` refuses (403, JSON under ``json_prefixes``, text elsewhere) and add the
    security headers to every answer."""

    @app.before_request
    def refuse():
        found = guard.problem()
        if found is None:
            return None
        code, message = found
        log.warning("refused %s %s (Host %r, Origin %r): %s", request.method, request.path[:80],
                    (request.host or "")[:60], (request.headers.get("Origin") or "")[:60], code)
        if request.path.startswith(json_prefixes):
            return jsonify({"success": False, "code": code, "message": message}), 403
        return Response(message + "\n", 403, {"Content-Type": "text/plain; charset=utf-8"})

    @app.after_request
    def headers(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        if response.mimetype == "text/html":
            response.headers["Content-Security-Policy"] = CSP
            response.headers["X-Frame-Options"] = "DENY"
            response.headers["Referrer-Policy"] = "no-referrer"
        return response
