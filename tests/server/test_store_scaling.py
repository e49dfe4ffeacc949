"""The delivery scheduler's queries read only the index entries they return: with a backlog of
waiting deliveries no claim, count or next-due lookup sorts or scans the backlog (which made each
claim take ~100 ms with 100,000 waiting, holding the write lock the Tracking API needs)."""

from __future__ import annotations

import pytest

from segfn.emulator.store import Store


@pytest.fixture
def store(tmp_path):
    made = Store(tmp_path / "s.sqlite", synchronous="OFF")
    yield made
    made.close()


def plan(store: Store, query: str, args: tuple) -> str:
    return " | ".join(row[3] for row in store._conn().execute("EXPLAIN QUERY PLAN " + query, args))


def test_scheduler_queries_use_the_waiting_indexes_without_sorting(store):
    where, args = store._due_where(1.0, "Sprig", (), "d.")
    claim = plan(store, f"SELECT d.id FROM deliveries d JOIN messages m ON m.seq = d.seq WHERE {where}"
                        f" ORDER BY d.next_at, d.id LIMIT 20", tuple(args))
    assert "deliveries_waiting" in claim and "TEMP B-TREE" not in claim
    where, args = store._due_where(1.0, "Sprig", ())
    count = plan(store, f"SELECT count(*), min(next_at) FROM (SELECT next_at FROM deliveries WHERE {where}"
                        f" ORDER BY next_at LIMIT ?)", (*args, 20))
    assert "deliveries_waiting" in count and "TEMP B-TREE" not in count
    stats = plan(store, "SELECT state, count(*) FROM messages GROUP BY state", ())
    assert "COVERING INDEX messages_state" in stats


def test_waiting_destinations_and_bounded_due_counts(store):
    conn = store._conn()
    for seq in range(1, 7):
        conn.execute("INSERT INTO messages(seq, received_at, received_ts, state, body) VALUES (?, 'x', 0, 'routed', '{}')",
                     (seq,))
    rows = [(seq, name, state, 0, due, 0, "[]", "[]") for seq, (name, state, due) in enumerate(
            [("B", "pending", 5.0), ("A", "retrying", 1.0), ("A", "pending", 2.0), ("A", "pending", 3.0),
             ("C", "delivered", None), ("D", "in_flight", None)], start=1)]
    for i, row in enumerate(rows):
        conn.execute("INSERT INTO deliveries(seq, destination, state, attempts, next_at, updated_ts, route_stages,"
                     " stages, id) VALUES (?,?,?,?,?,?,?,?,?)", (*row, i + 1))
    assert store.waiting_destinations() == ["A", "B"]
    assert store.due(10.0, destination="A", limit=2) == (2, 1.0)
    assert store.due(10.0, destination="A") == (3, 1.0)
    assert store.due(2.5, destination="A", limit=20) == (2, 1.0)
    assert store.next_due() == 1.0
