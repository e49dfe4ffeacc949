"""What the mock Sprig remembers: users with merged attributes and counted events, and purges.

Pure state with no HTTP in it (moto's models layer): ``responses.py`` validates a request and then
calls ``upsert`` or ``purge`` here; tests read the state back through ``user()``.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, Callable


_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def iso(epoch: float) -> str:
    """Sprig's timestamps: ISO-8601 UTC with milliseconds. The nearest millisecond, counted in whole
    milliseconds (``fromtimestamp`` of a float lands 1 ms low near the year 9999, and raises past
    what the platform's time_t holds)."""
    moment = _EPOCH + timedelta(milliseconds=round(epoch * 1000))
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


@dataclass
class EventCount:
    count: int
    created_at: float
    updated_at: float


@dataclass
class User:
    id: str
    created_at: float
    attributes: dict[str, Any] = field(default_factory=dict)
    email: str | None = None
    events: dict[str, EventCount] = field(default_factory=dict)

    def to_json(self) -> dict:
        """``GET /v2/users/{id}``'s body, in Sprig's documented shape."""
        attributes = dict(self.attributes)
        if self.email is not None:
            attributes["!email"] = self.email  # where Sprig keeps the email it was given
        return {
            "id": self.id,
            "createdAt": iso(self.created_at),
            "attributes": attributes,
            "events": [{"event": name, "count": e.count, "createdAt": iso(e.created_at),
                        "updatedAt": iso(e.updated_at)} for name, e in self.events.items()],
            "externalUserId": self.id,
        }


@dataclass(frozen=True)
class Purge:
    request_id: str
    user_ids: tuple[str, ...]
    emails: tuple[str, ...]
    visitor_ids: tuple[str, ...]
    due: float


class SprigState:
    """Users by id, purges in order, and the per-key request times the rate limit counts."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.users: dict[str, User] = {}
        self.purges: list[Purge] = []
        self._pending: list[Purge] = []
        self._ids = itertools.count(1)

    def upsert(self, body: dict) -> User:
        """Create or update one user: attributes merge (new values win), events add to their counts."""
        self._run_due_purges()
        now = self.clock()
        user = self.users.get(body["userId"])
        if user is None:
            user = self.users[body["userId"]] = User(body["userId"], now)
        user.attributes.update(body.get("attributes") or {})
        if "emailAddress" in body:
            user.email = body["emailAddress"]
        for event in body.get("events") or ():
            seen = event["timestamp"] / 1000
            known = user.events.get(event["event"])
            if known is None:
                user.events[event["event"]] = EventCount(1, seen, seen)
            else:
                known.count += 1
                known.created_at = min(known.created_at, seen)
                known.updated_at = max(known.updated_at, seen)
        return user

    def purge(self, body: dict) -> Purge:
        """Schedule a deletion: ten days from now unless ``delaySeconds`` says otherwise."""
        delay = body.get("delaySeconds", 10 * 24 * 3600)
        purge = Purge(f"purge-{next(self._ids)}", tuple(body.get("userIds", ())), tuple(body.get("emails", ())),
                      tuple(body.get("visitorIds", ())), self.clock() + delay)
        self.purges.append(purge)
        self._pending.append(purge)
        self._run_due_purges()
        return purge

    def user(self, user_id: str) -> User | None:
        self._run_due_purges()
        return self.users.get(user_id)

    def _run_due_purges(self) -> None:
        if not self._pending:
            return
        now = self.clock()
        for purge in [p for p in self._pending if p.due <= now]:
            self._pending.remove(purge)
            for user_id in purge.user_ids:
                self.users.pop(user_id, None)
            if purge.emails:
                gone = set(purge.emails)
                self.users = {k: u for k, u in self.users.items() if u.email not in gone}


class RateLimit:
    """Sprig's documented limit: 1,000 requests per 5 minutes per API key (a sliding window)."""

    def __init__(self, limit: int = 1000, window: float = 300.0) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque[float]] = {}

    def retry_after(self, key: str, now: float) -> int | None:
        """Count this request; None when it may pass, else the seconds until a slot frees."""
        times = self._seen.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        if len(times) >= self.limit:
            return max(1, int(times[0] + self.window - now + 0.999))
        times.append(now)
        return None
