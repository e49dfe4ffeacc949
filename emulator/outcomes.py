"""The record of what happened to one message at one destination.

Outcomes use Segment's Event Delivery words:

- ``delivered``: the destination function returned normally;
- ``filtered``: stopped on purpose, at ``stage`` ``dedupe``, ``source`` (blocked event),
  ``tracking_plan``, ``integrations`` (the integrations object), ``destination_filter`` or
  ``insert_function`` (DropEvent);
- ``discarded``: stopped by an error, with Segment's category (Message Rejected, Unsupported Event
  Type, Bad Request, Invalid Settings, Retries Exhausted);
- ``retrying``: a retryable failure waiting for its next attempt (the server only; never final).

A message the Tracking API refused gets a single record with ``destination`` None and outcome
``rejected`` at stage ``tracking_api``.

Records are frozen dataclasses holding JSON values; ``to_json`` gives the report's shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

DELIVERED = "delivered"
FILTERED = "filtered"
DISCARDED = "discarded"
RETRYING = "retrying"
REJECTED = "rejected"
FINAL_OUTCOMES = (DELIVERED, FILTERED, DISCARDED, REJECTED)

# Pipeline stages, in Segment's order.
STAGES = (
    "tracking_api",
    "dedupe",
    "source",
    "tracking_plan",
    "integrations",
    "event_type",
    "destination_filter",
    "insert_function",
    "destination_function",
)


@dataclass(frozen=True)
class Exchange:
    """One request a function sent through ``fetch``, and what came back (or the network error)."""

    method: str
    url: str
    headers: dict[str, str]
    body: Any  # parsed JSON when the body was JSON, the raw text otherwise, None when absent
    status: int | None = None
    response: Any = None
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"method": self.method, "url": self.url, "headers": self.headers}
        out["json" if not isinstance(self.body, str) else "body"] = self.body
        out["status"] = self.status
        if self.response is not None:
            out["response"] = self.response
        if self.error is not None:
            out["error"] = self.error
        return out


@dataclass(frozen=True)
class Attempt:
    """One run of the destination's chain (insert function, then destination function)."""

    number: int
    at: str  # ISO-8601 time of the attempt (simulated in replay)
    result: str  # delivered | filtered | discarded | retry
    category: str | None = None
    reason: str | None = None
    duration_ms: float = 0.0
    requests: tuple[Exchange, ...] = ()
    logs: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "at": self.at,
            "result": self.result,
            "category": self.category,
            "reason": self.reason,
            "duration_ms": round(self.duration_ms, 3),
            "requests": [r.to_json() for r in self.requests],
            "logs": list(self.logs),
        }


@dataclass(frozen=True)
class StageRecord:
    """What one stage decided, and the event as it left that stage (None when it stopped there)."""

    stage: str
    decision: str  # pass | filtered | discarded | retry | changed
    detail: str = ""
    event: Any = None

    def to_json(self) -> dict[str, Any]:
        return {"stage": self.stage, "decision": self.decision, "detail": self.detail, "event": self.event}


@dataclass(frozen=True)
class Outcome:
    """The final (or, in the server, current) state of one message at one destination."""

    message_id: str | None
    destination: str | None
    outcome: str
    stage: str
    reason: str = ""
    category: str | None = None
    event: Any = None  # the event as the destination function received it
    attempts: tuple[Attempt, ...] = ()
    stages: tuple[StageRecord, ...] = ()
    fixture: str | None = None
    message_type: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def requests(self) -> tuple[Exchange, ...]:
        """The requests of the last attempt: what the destination finally received."""
        return self.attempts[-1].requests if self.attempts else ()

    @property
    def logs(self) -> tuple[str, ...]:
        return tuple(line for attempt in self.attempts for line in attempt.logs)

    def to_json(self, *, full: bool = False) -> dict[str, Any]:
        """The report's line: the fields ``segfn replay --format json`` prints.

        ``full`` adds every attempt and every stage (the debugger's detail view).
        """
        out: dict[str, Any] = {
            "fixture": self.fixture,
            "messageId": self.message_id,
            "destination": self.destination,
            "outcome": self.outcome,
            "stage": self.stage,
            "reason": self.reason,
            "category": self.category,
            "attempts": len(self.attempts),
            "requests": [r.to_json() for r in self.requests],
            "event": self.event,
        }
        if full:
            out["type"] = self.message_type
            out["attempt_log"] = [a.to_json() for a in self.attempts]
            out["stages"] = [s.to_json() for s in self.stages]
            out["logs"] = list(self.logs)
            out.update(self.extra)
        return out
