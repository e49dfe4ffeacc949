"""Sprig's error answers, one class per status, each with the ``{"error": ...}`` body Sprig sends."""

from __future__ import annotations


class SprigError(Exception):
    """An answer other than success; ``status`` and ``message`` become the HTTP response."""

    status = 500

    def __init__(self, message: str, *, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after

    def body(self) -> dict:
        return {"error": self.message}


class BadRequest(SprigError):
    status = 400


class Forbidden(SprigError):
    """A missing or unknown API key (Sprig answers 403, not 401)."""

    status = 403


class NotFound(SprigError):
    status = 404


class Unprocessable(SprigError):
    """A well-formed JSON body that breaks the documented shape of ``/v2/users``."""

    status = 422


class TooManyRequests(SprigError):
    status = 429


class InjectedFault(SprigError):
    """A failure the run asked for (``Faults``), not something the request did wrong."""

    def __init__(self, status: int) -> None:
        super().__init__(f"Injected fault ({status})")
        self.status = status
