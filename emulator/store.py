"""The local Segment's durable state, in SQLite (WAL): messages, deliveries, attempts, dedupe.

What is written, and when, is what makes ``segfn serve`` survive ``kill -9``:

- a Tracking API call's accepted messages (and its rejections) are committed in one transaction
  before the HTTP answer goes out (``add_call``);
- routing a message (dedupe, source controls, integrations, filters) commits its dedupe record and
  one delivery per connected destination in one transaction (``route``), so a crash can never
  leave a message marked as seen but not routed;
- an attempt is committed as ``in_flight`` before the functions run (``claim``) and settled in
  one transaction afterwards (``settle``); on restart ``recover`` turns every ``in_flight`` attempt
  into an ``interrupted`` one and schedules the delivery again. A delivery whose success was
  committed is never claimed again.

Every method is thread-safe: each thread reads through its own connection (WAL lets readers run
beside the writer) and writes are serialised by one lock.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Iterator, Sequence

from .errors import ConfigError, StoreUnavailable
from .messages import DEDUPE_WINDOW

SCHEMA_VERSION = "1"

# Delivery states: waiting for an attempt, running one, or final.
PENDING, IN_FLIGHT, RETRYING = "pending", "in_flight", "retrying"
DELIVERED, FILTERED, DISCARDED = "delivered", "filtered", "discarded"
WAITING = (PENDING, IN_FLIGHT, RETRYING)
FINAL = (DELIVERED, FILTERED, DISCARDED)
INTERRUPTED = "interrupted"  # an attempt that was running when the server stopped

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  source TEXT,
  message_id TEXT,
  type TEXT,
  name TEXT,
  user_id TEXT,
  anonymous_id TEXT,
  received_at TEXT NOT NULL,
  received_ts REAL NOT NULL,
  state TEXT NOT NULL,            -- accepted (not routed yet) | routed | rejected
  code TEXT, path TEXT, reason TEXT,
  fixture TEXT,
  body TEXT NOT NULL              -- the normalised message (the item as received when rejected)
);
CREATE INDEX IF NOT EXISTS messages_accepted ON messages(seq) WHERE state = 'accepted';
CREATE TABLE IF NOT EXISTS deliveries (
  id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL,
  destination TEXT NOT NULL,
  state TEXT NOT NULL,
  stage TEXT, reason TEXT, category TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_at REAL,
  first_at REAL,
  updated_ts REAL NOT NULL,
  route_stages TEXT NOT NULL,     -- the deterministic stages, decided once
  route_event TEXT,               -- the event leaving them (NULL when routing stopped it)
  stages TEXT NOT NULL,           -- every stage so far, the last attempt's included
  event TEXT,                     -- the event the destination function received
  UNIQUE (seq, destination)
);
CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries(state, destination, next_at);
CREATE INDEX IF NOT EXISTS deliveries_updated ON deliveries(updated_ts);
-- the waiting deliveries in due order, per destination and overall: claims and the next-due time
-- read a few index entries, not the whole backlog
CREATE INDEX IF NOT EXISTS deliveries_waiting ON deliveries(destination, next_at)
  WHERE state IN ('pending', 'retrying');
CREATE INDEX IF NOT EXISTS deliveries_waiting_any ON deliveries(next_at) WHERE state IN ('pending', 'retrying');
CREATE INDEX IF NOT EXISTS messages_state ON messages(state);
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY,
  delivery INTEGER NOT NULL,
  number INTEGER NOT NULL,
  at TEXT NOT NULL,
  at_ts REAL NOT NULL,
  result TEXT NOT NULL,           -- in_flight | delivered | filtered | discarded | retry | interrupted
  category TEXT, reason TEXT,
  duration_ms REAL NOT NULL DEFAULT 0,
  requests TEXT NOT NULL DEFAULT '[]',
  logs TEXT NOT NULL DEFAULT '[]',
  batch TEXT
);
-- the requests of one on_batch call, which every attempt of the batch sent, stored once: an attempt
-- linked here has its requests in request_sets (its own requests column then holds [])
CREATE TABLE IF NOT EXISTS request_sets (id INTEGER PRIMARY KEY, requests TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attempt_requests (attempt INTEGER PRIMARY KEY, request_set INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS attempts_delivery ON attempts(delivery);
CREATE INDEX IF NOT EXISTS attempts_at ON attempts(at_ts);
DROP TABLE IF EXISTS dedupe;  -- per-source dedupe, before it became workspace-wide (issue 15)
CREATE TABLE IF NOT EXISTS dedupe_ids (
  message_id TEXT PRIMARY KEY,
  source TEXT NOT NULL,            -- the source it first came from
  first_ts REAL NOT NULL
) WITHOUT ROWID;
"""


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def _loads(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _display_name(message: dict[str, Any]) -> str | None:
    kind = message.get("type")
    value = message.get("event") if kind == "track" else message.get("name") if kind in ("page", "screen") \
        else message.get("groupId") if kind == "group" else message.get("previousId") if kind == "alias" else None
    return None if value is None else str(value)


def _text(value: Any) -> str | None:
    return None if value is None or isinstance(value, (dict, list)) else str(value)


@dataclass(frozen=True)
class Planned:
    """One destination's delivery as routing decided it: final already (``state`` set), or pending."""

    destination: str
    state: str  # pending | filtered | discarded
    stage: str | None
    reason: str | None
    category: str | None
    stages: list[dict[str, Any]]
    event: Any  # the event leaving routing (None when it stopped there)


@dataclass(frozen=True)
class Claim:
    """A delivery taken for one attempt: its row, the message, and the attempt's number and id."""

    delivery: int
    seq: int
    destination: str
    source: str
    message: dict[str, Any]
    route_stages: list[dict[str, Any]]
    route_event: Any
    number: int
    attempt: int
    first_at: float


@dataclass(frozen=True)
class Settlement:
    """How an attempt ended, for ``settle``."""

    result: str  # delivered | filtered | discarded | retry
    state: str  # the delivery's new state
    stage: str | None
    reason: str | None
    category: str | None
    attempt: dict[str, Any]  # Attempt.to_json()
    stages: list[dict[str, Any]]
    event: Any
    next_at: float | None = None


class Store:
    """SQLite state of one ``segfn serve``. ``path`` may be ``:memory:``-like only in tests that use
    one thread; everything else uses a file."""

    def __init__(self, path: str | Path, *, synchronous: str = "FULL", clock=time.time) -> None:
        self.path = str(path)
        self.synchronous = synchronous
        self.clock = clock
        self._local = threading.local()
        self._write = threading.RLock()
        self._connections: list[sqlite3.Connection] = []
        self._connections_lock = threading.Lock()
        self._failure: str | None = None  # the last write's failure, until a write succeeds again
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file opened
        if self.path != ":memory:":
            self._check_path()
        try:
            conn = self._conn()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"{self.path}: cannot open or create the database ({exc}); check that its folder "
                              f"exists and is writable") from None
        try:
            with self._write:
                conn.executescript(_SCHEMA)
                found = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
                if found is None:
                    conn.execute("INSERT INTO meta(key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,))
                elif found[0] != SCHEMA_VERSION:
                    raise ConfigError(f"{self.path}: this database has schema {found[0]}, this segfn writes "
                                      f"{SCHEMA_VERSION}; delete it or pass another --db")
        except sqlite3.DatabaseError as exc:
            self.close()
            if "readonly" in str(exc) or "read-only" in str(exc):
                raise ConfigError(f"{self.path}: the database is read-only; segfn serve writes every call it "
                                  f"accepts: make it writable or pass another --db") from None
            raise ConfigError(f"{self.path}: not a segfn database ({exc}); delete it or pass another --db") from None
        if self.path != ":memory:":
            found = os.stat(self.path)
            self._identity = (found.st_dev, found.st_ino)

    def _check_path(self) -> None:
        """Refuse, as a ``ConfigError`` (one line, exit 2 for the CLI), a path no database can live at."""
        if self.path.strip() in ("", "."):  # click reads an empty --db as "."
            raise ConfigError("--db: the path is empty; give a file, e.g. .segfn/serve.sqlite")
        path = Path(self.path)
        if path.is_dir():
            raise ConfigError(f"{self.path}: is a folder; --db names the database file in it, e.g. "
                              f"{path / 'serve.sqlite'}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise ConfigError(f"{self.path}: part of the path is a file, not a folder") from None
        except OSError as exc:
            raise ConfigError(f"{self.path}: cannot create its folder ({exc.strerror})") from None
        if not os.access(path.parent, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.R_OK | os.W_OK)):
            raise ConfigError(f"{self.path}: not writable; segfn serve writes every call it accepts there: make "
                              f"it writable or pass another --db")
        if path.exists() and path.stat().st_size:
            with path.open("rb") as file:
                if file.read(16) != b"SQLite format 3\x00":
                    raise ConfigError(f"{self.path}: not a SQLite database (another kind of file); delete it or "
                                      f"pass another --db")

    # --- health -----------------------------------------------------------------------------

    def problem(self) -> str | None:
        """Why the store cannot be trusted to keep what it is given, or None: its file was deleted or
        replaced while serving (SQLite would go on writing into a file no one can open again), it
        became read-only, or the last write failed. Costs a ``stat`` and an ``access``."""
        found = self.file_problem()
        if found is None and self._failure is not None:  # a write failed: try one again (it changes nothing)
            try:
                with self.transaction() as conn:
                    conn.execute("UPDATE meta SET value = value WHERE key = 'schema'")
            except sqlite3.Error:
                pass
        return found or self._failure

    def file_problem(self) -> str | None:
        if self._identity is None:
            return None
        name = Path(self.path).name
        try:
            found = os.stat(self.path)
        except FileNotFoundError:
            return f"the database file {name} was deleted while serving; what is accepted now would be lost: restart"
        except OSError as exc:
            return f"the database file {name} cannot be read ({exc.strerror}): restart"
        if (found.st_dev, found.st_ino) != self._identity:
            return f"the database file {name} was replaced by another file while serving: restart"
        if not os.access(self.path, os.W_OK):
            return f"the database file {name} became read-only; nothing more can be accepted until it is writable"
        return None

    # --- connections ------------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self._identity is None:  # opening the store: the file may be created
                conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            else:  # later connections never create one: a deleted file stays deleted, and says so
                uri = Path(self.path).absolute().as_uri() + "?mode=rw"
                conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(f"PRAGMA synchronous={self.synchronous}")
            conn.execute("PRAGMA foreign_keys=OFF")
            self._local.conn = conn
            with self._connections_lock:
                self._connections.append(conn)
        return conn

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, committed (and, with synchronous=FULL, on disk) when the block ends."""
        conn = self._conn()
        with self._write:
            if conn.in_transaction:  # nested: the outer block commits
                yield conn
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                conn.execute("COMMIT")
            except sqlite3.OperationalError as exc:  # read-only, disk I/O, full disk: say so in health
                self._failure = f"writing to the database failed: {exc}"
                self._drop_connection(conn)  # opened read-only, perhaps: the next write opens it again
                raise
            self._failure = None

    def _drop_connection(self, conn: sqlite3.Connection) -> None:
        self._local.conn = None
        with self._connections_lock:
            if conn in self._connections:
                self._connections.remove(conn)
        try:
            conn.close()
        except sqlite3.Error:
            pass

    def close(self) -> None:
        with self._connections_lock:
            for conn in self._connections:
                try:
                    conn.close()
                except sqlite3.Error:
                    pass
            self._connections.clear()
        self._local = threading.local()

    # --- ingest -----------------------------------------------------------------------------

    def add_call(self, source: str, accepted: Sequence[dict[str, Any]], rejected: Sequence[dict[str, Any]] = (),
                 *, received_ts: float | None = None, fixture: str | None = None) -> list[int]:
        """Commit one Tracking API call: its accepted (normalised) messages and its rejections
        (``{"message", "code", "path", "reason"}``). Returns the accepted messages' sequence numbers."""
        received_ts = self.clock() if received_ts is None else received_ts
        seqs = []
        problem = self.file_problem()
        if problem is not None:
            raise StoreUnavailable(f"{problem}; this call was not kept, send it again later", "")
        try:
            try:
                self._add_call(source, accepted, rejected, received_ts, fixture, seqs)
            except sqlite3.OperationalError as exc:
                if "readonly" not in str(exc):
                    raise
                seqs.clear()  # this thread's connection was opened while the file was read-only: once more
                self._add_call(source, accepted, rejected, received_ts, fixture, seqs)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"the database did not take this call ({exc}); it was not kept, send it again "
                                   f"later", "") from None
        return seqs

    def _add_call(self, source: str, accepted: Sequence[dict[str, Any]], rejected: Sequence[dict[str, Any]],
                  received_ts: float, fixture: str | None, seqs: list[int]) -> None:
        with self.transaction() as conn:
            for message in accepted:
                cursor = conn.execute(
                    "INSERT INTO messages(source, message_id, type, name, user_id, anonymous_id, received_at,"
                    " received_ts, state, fixture, body) VALUES (?,?,?,?,?,?,?,?, 'accepted', ?, ?)",
                    (source, _text(message.get("messageId")), message.get("type"), _display_name(message),
                     _text(message.get("userId")), _text(message.get("anonymousId")), message.get("receivedAt"),
                     received_ts, fixture, dumps(message)))
                seqs.append(cursor.lastrowid)
            for item in rejected:
                raw = item.get("message")
                body = raw if isinstance(raw, dict) else {}
                conn.execute(
                    "INSERT INTO messages(source, message_id, type, name, user_id, anonymous_id, received_at,"
                    " received_ts, state, code, path, reason, fixture, body)"
                    " VALUES (?,?,?,?,?,?,?,?, 'rejected', ?,?,?,?,?)",
                    (source, _text(body.get("messageId")), _text(body.get("type")) or item.get("endpoint"),
                     _display_name(body), _text(body.get("userId")), _text(body.get("anonymousId")),
                     item.get("received_at") or "", received_ts, item.get("code"), item.get("path"),
                     item.get("reason"), fixture, dumps(raw)))

    # --- routing ----------------------------------------------------------------------------

    def unrouted(self, limit: int = 200) -> list[tuple[int, str, dict[str, Any]]]:
        """Accepted messages not routed yet, oldest first: ``(seq, source, message)``."""
        rows = self._conn().execute(
            "SELECT seq, source, body FROM messages WHERE state = 'accepted' ORDER BY seq LIMIT ?", (limit,))
        return [(seq, source, json.loads(body)) for seq, source, body in rows]

    def save_route(self, seq: int, planned: Sequence[Planned], now: float | None = None) -> None:
        """Record routing's decisions for one message (inside the ``transaction`` that deduped it)."""
        now = self.clock() if now is None else now
        with self.transaction() as conn:
            for p in planned:
                stages = dumps(p.stages)
                conn.execute(
                    "INSERT OR IGNORE INTO deliveries(seq, destination, state, stage, reason, category, next_at,"
                    " updated_ts, route_stages, route_event, stages, event) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (seq, p.destination, p.state, p.stage, p.reason, p.category,
                     now if p.state == PENDING else None, now, stages,
                     None if p.event is None else dumps(p.event), stages, None))
            conn.execute("UPDATE messages SET state = 'routed' WHERE seq = ?", (seq,))

    def seen_on(self, message_id: str, source: str, at: datetime,
                window: timedelta = DEDUPE_WINDOW) -> str | None:
        """``Deduper.seen_on`` kept in SQLite: the source that first sent the id within the window, or
        None after recording this sighting. Call it inside ``transaction`` so the record commits with
        the route."""
        ts = at.timestamp()
        with self.transaction() as conn:
            row = conn.execute("SELECT first_ts, source FROM dedupe_ids WHERE message_id = ?",
                               (message_id,)).fetchone()
            if row is not None and ts - row[0] < window.total_seconds():
                return row[1]
            conn.execute("INSERT OR REPLACE INTO dedupe_ids(message_id, source, first_ts) VALUES (?,?,?)",
                         (message_id, source, ts))
            return None

    # --- attempts ---------------------------------------------------------------------------

    def due(self, now: float, *, destination: str | None = None, exclude: Sequence[str] = (),
            limit: int | None = None) -> tuple[int, float | None]:
        """How many deliveries are due now (optionally at one destination; counting stops at
        ``limit``, so a large backlog costs no more than a full batch), and since when the oldest."""
        where, args = self._due_where(now, destination, exclude)
        if limit is None:
            query = f"SELECT count(*), min(next_at) FROM deliveries WHERE {where}"
        else:
            query = (f"SELECT count(*), min(next_at) FROM (SELECT next_at FROM deliveries WHERE {where}"
                     f" ORDER BY next_at LIMIT ?)")
            args.append(limit)
        count, oldest = self._conn().execute(query, args).fetchone()
        return count, oldest

    def next_due(self) -> float | None:
        """When the next waiting delivery becomes due."""
        row = self._conn().execute(
            "SELECT min(next_at) FROM deliveries INDEXED BY deliveries_waiting_any"
            " WHERE state IN ('pending', 'retrying')").fetchone()
        return row[0]

    def waiting_destinations(self) -> list[str]:
        """Every destination with a waiting delivery (a loose index scan: one seek per destination)."""
        found: list[str] = []
        conn = self._conn()
        last = ""
        while True:
            row = conn.execute("SELECT min(destination) FROM deliveries INDEXED BY deliveries_waiting"
                               " WHERE state IN ('pending', 'retrying') AND destination > ?", (last,)).fetchone()
            if row[0] is None:
                return found
            last = row[0]
            found.append(last)

    @staticmethod
    def _due_where(now: float, destination: str | None, exclude: Sequence[str], t: str = "") -> tuple[str, list[Any]]:
        where = f"{t}state IN ('pending', 'retrying') AND {t}next_at <= ?"
        args: list[Any] = [now]
        if destination is not None:
            where += f" AND {t}destination = ?"
            args.append(destination)
        if exclude:
            where += f" AND {t}destination NOT IN ({','.join('?' * len(exclude))})"
            args.extend(exclude)
        return where, args

    def claim(self, now: float, at: str, limit: int, *, destination: str | None = None,
              exclude: Sequence[str] = (), batch: str | None = None) -> list[Claim]:
        """Take up to ``limit`` due deliveries (oldest first) for an attempt each: mark them in flight
        and commit an ``in_flight`` attempt record for each before any function runs."""
        where, args = self._due_where(now, destination, exclude, "d.")
        taken = []
        with self.transaction() as conn:  # the write lock: only SQL in here, the JSON is read after
            rows = conn.execute(
                f"SELECT d.id, d.seq, d.destination, d.attempts, d.first_at, d.route_stages, d.route_event,"
                f" m.source, m.body FROM deliveries d JOIN messages m ON m.seq = d.seq WHERE {where}"
                f" ORDER BY d.next_at, d.id LIMIT ?", (*args, limit)).fetchall()
            for delivery, seq, dest, attempts, first_at, stages, event, source, body in rows:
                attempt = conn.execute(
                    "INSERT INTO attempts(delivery, number, at, at_ts, result, batch) VALUES (?,?,?,?, 'in_flight', ?)",
                    (delivery, attempts + 1, at, now, batch)).lastrowid
                taken.append((attempt, now if first_at is None else first_at))
            conn.executemany("UPDATE deliveries SET state = 'in_flight', attempts = ?, first_at = ?, next_at = NULL,"
                             " updated_ts = ? WHERE id = ?",
                             [(row[3] + 1, first_at, now, row[0]) for row, (_, first_at) in zip(rows, taken)])
        return [Claim(delivery, seq, dest, source, json.loads(body), json.loads(stages), _loads(event), attempts + 1,
                      attempt, first_at)
                for (delivery, seq, dest, attempts, _, stages, event, source, body), (attempt, first_at)
                in zip(rows, taken)]

    def settle(self, claim: Claim, how: Settlement, now: float | None = None) -> None:
        """Record how an attempt ended and move its delivery on, in one transaction."""
        self.settle_many([(claim, how)], now)

    def settle_many(self, settled: Sequence[tuple[Claim, Settlement]], now: float | None = None) -> None:
        """``settle`` for several attempts in one transaction (one commit, one sync to disk).

        Attempts whose ``requests`` are one and the same list (the attempts of one ``on_batch`` call,
        ``DeliveryWorker`` shares it) have it written once, in ``request_sets``: a batch of 20 would
        otherwise write its 20 requests 20 times."""
        now = self.clock() if now is None else now
        texts: dict[int, list[Any]] = {}  # id of a requests list -> [the list, its JSON, attempts sending it]
        keys, logs = [], [dumps(how.attempt.get("logs") or []) for _, how in settled]  # JSON outside the lock
        for _, how in settled:
            requests = how.attempt.get("requests") or []
            keys.append(id(requests))
            known = texts.get(id(requests))
            if known is None:
                texts[id(requests)] = [requests, dumps(requests), 1]  # the list is kept: its id stays its own
            else:
                known[2] += 1
        deliveries = [(how.state, how.stage, how.reason, how.category, how.next_at, now, dumps(how.stages),
                       None if how.event is None else dumps(how.event), claim.delivery) for claim, how in settled]
        with self.transaction() as conn:
            shared = {key: conn.execute("INSERT INTO request_sets(requests) VALUES (?)", (text,)).lastrowid
                      for key, (_, text, count) in texts.items() if count > 1 and text != "[]"}
            rows, links = [], []
            for (claim, how), key, log_text in zip(settled, keys, logs):
                if key in shared:
                    links.append((claim.attempt, shared[key]))
                rows.append((how.result, how.attempt.get("category"), how.attempt.get("reason"),
                             how.attempt.get("duration_ms") or 0.0, "[]" if key in shared else texts[key][1],
                             log_text, claim.attempt))
            conn.executemany(
                "UPDATE attempts SET result = ?, category = ?, reason = ?, duration_ms = ?, requests = ?, logs = ?"
                " WHERE id = ?", rows)
            conn.executemany("INSERT OR REPLACE INTO attempt_requests(attempt, request_set) VALUES (?,?)", links)
            conn.executemany(
                "UPDATE deliveries SET state = ?, stage = ?, reason = ?, category = ?, next_at = ?, updated_ts = ?,"
                " stages = ?, event = ? WHERE id = ? AND state = 'in_flight'", deliveries)

    def recover(self, now: float | None = None) -> int:
        """After a restart: every attempt left ``in_flight`` becomes ``interrupted`` and its delivery
        is due again at once. Returns how many there were."""
        now = self.clock() if now is None else now
        reason = ("the server stopped during this attempt; its requests may have reached the destination, "
                  "so it is attempted again")
        with self.transaction() as conn:
            count = conn.execute("UPDATE attempts SET result = 'interrupted', reason = ? WHERE result = 'in_flight'",
                                 (reason,)).rowcount
            conn.execute("UPDATE deliveries SET state = 'retrying', next_at = ?, reason = ?, updated_ts = ?"
                         " WHERE state = 'in_flight'", (now, "interrupted by a restart; attempting again", now))
        return count

    def give_up(self, claim: Claim, reason: str, now: float | None = None) -> None:
        """Make a claimed delivery final without running it (its destination left the workspace)."""
        now = self.clock() if now is None else now
        with self.transaction() as conn:
            conn.execute("UPDATE attempts SET result = 'discarded', category = 'Invalid Settings', reason = ?"
                         " WHERE id = ?", (reason, claim.attempt))
            conn.execute("UPDATE deliveries SET state = 'discarded', stage = 'destination_function', reason = ?,"
                         " category = 'Invalid Settings', next_at = NULL, updated_ts = ? WHERE id = ?",
                         (reason, now, claim.delivery))

    # --- reading ----------------------------------------------------------------------------

    def backlog(self) -> tuple[int, float | None]:
        """What waits to be delivered: accepted messages not routed yet plus deliveries waiting for an
        attempt or in one; and when the oldest of their messages was received (epoch seconds)."""
        # one statement, so one snapshot: read in three, a reset between them left the oldest waiting
        # delivery's message gone, and every page showing stats answered 500
        unrouted, first, waiting, received = self._conn().execute(
            "SELECT (SELECT count(*) FROM messages WHERE state = 'accepted'),"
            " (SELECT min(received_ts) FROM messages WHERE state = 'accepted'),"
            " (SELECT count(*) FROM deliveries WHERE state IN ('pending', 'retrying', 'in_flight')),"
            " (SELECT received_ts FROM messages WHERE seq = (SELECT min(seq) FROM deliveries"
            "  WHERE state IN ('pending', 'retrying', 'in_flight')))").fetchone()
        if received is not None:
            first = received if first is None else min(first, received)
        return unrouted + waiting, first

    def stats(self) -> dict[str, int]:
        """Messages and deliveries by state: what a test or ``/__segfn__/health`` waits on."""
        conn = self._conn()
        out = {f"messages_{state}": n for state, n in conn.execute(
            "SELECT state, count(*) FROM messages GROUP BY state")}
        out.update({f"deliveries_{state}": n for state, n in conn.execute(
            "SELECT state, count(*) FROM deliveries GROUP BY state")})
        out["messages"] = sum(v for k, v in out.items() if k.startswith("messages_"))
        out["unsettled"] = out.get("messages_accepted", 0) + sum(out.get(f"deliveries_{s}", 0) for s in WAITING)
        backlog, oldest = self.backlog()
        out["backlog"] = backlog
        out["backlog_age_s"] = round(max(0.0, self.clock() - oldest), 1) if oldest is not None else 0.0
        return out

    def messages(self, *, type: str | None = None, outcome: str | None = None, user: str | None = None,
                 event: str | None = None, q: str | None = None, destination: str | None = None,
                 after: int | None = None, limit: int = 200) -> list[dict[str, Any]]:
        """Messages newest first, filtered like Segment's Source Debugger, each with its deliveries."""
        where, args = ["1 = 1"], []
        if type:
            where.append("m.type = ?")
            args.append(type)
        if user:
            where.append("(instr(lower(coalesce(m.user_id, '')), lower(?)) > 0"
                         " OR instr(lower(coalesce(m.anonymous_id, '')), lower(?)) > 0)")
            args += [user, user]
        if event:
            where.append("instr(lower(coalesce(m.name, '')), lower(?)) > 0")
            args.append(event)
        if q:
            where.append("instr(lower(m.body), lower(?)) > 0")
            args.append(q)
        if after is not None:
            where.append("m.seq > ?")
            args.append(after)
        if outcome == "rejected":
            where.append("m.state = 'rejected'")
        elif outcome == "waiting":
            where.append("(m.state = 'accepted' OR EXISTS (SELECT 1 FROM deliveries d WHERE d.seq = m.seq"
                         " AND d.state IN ('pending', 'in_flight', 'retrying')))")
        elif outcome:
            states = (RETRYING, IN_FLIGHT, PENDING) if outcome == RETRYING else (outcome,)
            sub = "EXISTS (SELECT 1 FROM deliveries d WHERE d.seq = m.seq AND d.state IN ({})".format(
                ",".join("?" * len(states)))
            args += list(states)
            if destination:
                sub += " AND d.destination = ?"
                args.append(destination)
            where.append(sub + ")")
        elif destination:
            where.append("EXISTS (SELECT 1 FROM deliveries d WHERE d.seq = m.seq AND d.destination = ?)")
            args.append(destination)
        rows = self._conn().execute(
            f"SELECT * FROM messages m WHERE {' AND '.join(where)} ORDER BY m.seq DESC LIMIT ?",
            (*args, limit)).fetchall()
        return self._with_deliveries(rows, full=False)

    def message(self, seq: int) -> dict[str, Any] | None:
        """One message with every delivery, every attempt and every stage; None when there is none
        (a ``seq`` past SQLite's 64-bit integers included)."""
        if not -(2 ** 63) <= seq < 2 ** 63:
            return None
        rows = self._conn().execute("SELECT * FROM messages WHERE seq = ?", (seq,)).fetchall()
        found = self._with_deliveries(rows, full=True)
        return found[0] if found else None

    _MESSAGE_COLUMNS = ("seq", "source", "message_id", "type", "name", "user_id", "anonymous_id", "received_at",
                        "received_ts", "state", "code", "path", "reason", "fixture", "body")

    def _with_deliveries(self, rows: list[tuple], *, full: bool) -> list[dict[str, Any]]:
        conn = self._conn()
        out = []
        seqs = [row[0] for row in rows]
        deliveries: dict[int, list[dict[str, Any]]] = {s: [] for s in seqs}
        attempts: dict[int, list[dict[str, Any]]] = {}
        if seqs:
            marks = ",".join("?" * len(seqs))
            for row in conn.execute(
                    f"SELECT id, seq, destination, state, stage, reason, category, attempts, next_at, first_at,"
                    f" updated_ts, stages, event FROM deliveries WHERE seq IN ({marks}) ORDER BY id", seqs):
                (did, seq, dest, state, stage, reason, category, count, next_at, first_at, updated, stages,
                 event) = row
                item = {"id": did, "destination": dest, "outcome": state, "final": state in FINAL, "stage": stage,
                        "reason": reason, "category": category, "attempts": count, "next_attempt_at": next_at,
                        "updated_ts": updated}
                if full:
                    item["stages"] = _loads(stages)
                    item["event"] = _loads(event)
                deliveries[seq].append(item)
            if full:
                ids = [d["id"] for ds in deliveries.values() for d in ds]
                if ids:
                    for row in conn.execute(
                            f"SELECT a.delivery, a.number, a.at, a.result, a.category, a.reason, a.duration_ms,"
                            f" coalesce(r.requests, a.requests), a.logs, a.batch FROM attempts a"
                            f" LEFT JOIN attempt_requests l ON l.attempt = a.id LEFT JOIN request_sets r"
                            f" ON r.id = l.request_set WHERE a.delivery IN ({','.join('?' * len(ids))})"
                            f" ORDER BY a.id", ids):
                        delivery, number, at, result, category, reason, duration, requests, logs, batch = row
                        attempts.setdefault(delivery, []).append({
                            "number": number, "at": at, "result": result, "category": category, "reason": reason,
                            "duration_ms": round(duration or 0.0, 3), "requests": _loads(requests),
                            "logs": _loads(logs), "batch": batch})
        for row in rows:
            m = dict(zip(self._MESSAGE_COLUMNS, row))
            item = {"seq": m["seq"], "messageId": m["message_id"], "type": m["type"], "name": m["name"],
                    "userId": m["user_id"], "anonymousId": m["anonymous_id"], "receivedAt": m["received_at"],
                    "source": m["source"], "fixture": m["fixture"],
                    "status": m["state"], "deliveries": deliveries.get(m["seq"], [])}
            if m["state"] == "rejected":
                item["rejection"] = {"code": m["code"], "path": m["path"], "reason": m["reason"]}
            item["final"] = m["state"] == "rejected" or (
                m["state"] == "routed" and all(d["final"] for d in item["deliveries"]))
            if full:
                item["message"] = json.loads(m["body"])
                for d in item["deliveries"]:
                    d["attempt_log"] = attempts.get(d["id"], [])
                    last = d["attempt_log"][-1] if d["attempt_log"] else None
                    d["requests"] = last["requests"] if last else []
                    d["logs"] = [line for a in d["attempt_log"] for line in a["logs"]]
            out.append(item)
        return out

    def summary(self, *, bucket: float = 60.0, buckets: int = 30, now: float | None = None) -> dict[str, Any]:
        """Per destination, like Segment's Event Delivery: counts by outcome (discards by category,
        filters by stage) and a series over the last ``buckets`` intervals of ``bucket`` seconds."""
        now = self.clock() if now is None else now
        conn = self._conn()
        start = (int(now // bucket) - buckets + 1) * bucket
        destinations: dict[str, dict[str, Any]] = {}

        def entry(name: str) -> dict[str, Any]:
            return destinations.setdefault(name, {
                "destination": name, "delivered": 0, "filtered": 0, "discarded": 0, "retrying": 0, "pending": 0,
                "filtered_by_stage": {}, "discarded_by_category": {},
                "series": [{"start": start + i * bucket, "delivered": 0, "filtered": 0, "discarded": 0,
                            "retried": 0} for i in range(buckets)]})

        for dest, state, stage, category, n in conn.execute(
                "SELECT destination, state, stage, category, count(*) FROM deliveries"
                " GROUP BY destination, state, stage, category"):
            e = entry(dest)
            key = {IN_FLIGHT: PENDING}.get(state, state)
            e[key] = e.get(key, 0) + n
            if state == FILTERED:
                e["filtered_by_stage"][stage or "-"] = e["filtered_by_stage"].get(stage or "-", 0) + n
            if state == DISCARDED:
                e["discarded_by_category"][category or "-"] = e["discarded_by_category"].get(category or "-", 0) + n
        for dest, state, ts, n in conn.execute(
                "SELECT destination, state, CAST((updated_ts - ?) / ? AS INTEGER), count(*) FROM deliveries"
                " WHERE state IN ('delivered', 'filtered', 'discarded') AND updated_ts >= ?"
                " GROUP BY 1, 2, 3", (start, bucket, start)):
            if 0 <= ts < buckets:
                entry(dest)["series"][ts][state] += n
        for dest, ts, n in conn.execute(
                "SELECT d.destination, CAST((a.at_ts - ?) / ? AS INTEGER), count(*) FROM attempts a"
                " JOIN deliveries d ON d.id = a.delivery WHERE a.result IN ('retry', 'interrupted') AND a.at_ts >= ?"
                " GROUP BY 1, 2", (start, bucket, start)):
            if 0 <= ts < buckets:
                entry(dest)["series"][ts]["retried"] += n
        rejected = conn.execute("SELECT count(*) FROM messages WHERE state = 'rejected'").fetchone()[0]
        return {"bucket_seconds": bucket, "start": start, "rejected": rejected,
                "destinations": sorted(destinations.values(), key=lambda d: d["destination"])}

    # --- control ----------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget everything: messages, deliveries, attempts and dedupe state."""
        with self.transaction() as conn:
            for table in ("attempts", "attempt_requests", "request_sets", "deliveries", "messages", "dedupe_ids"):
                conn.execute(f"DELETE FROM {table}")
            conn.execute("DELETE FROM sqlite_sequence WHERE name = 'messages'")
