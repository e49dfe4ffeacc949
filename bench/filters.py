"""Destination filters: events per second through segfn's engine against @segment/tsub in Node, on the
same events and the same five filters, in the same run.

    python bench/filters.py [--events N] [--rounds R]

The filters are a realistic set for a Sprig destination (a drop on a glob, a drop on a list, a
property drop on a comparison, an allow list, and a sample by userId), written in the Public API shape
and run as the tsub routing rules they stand for, in Segment's order. tsub is timed inside Node (no
process or pipe cost), running analytics-next's routing loop with the rules loaded once; segfn is
timed running ``RoutingRules.apply`` on the same rules. Each side reports the median of its rounds;
the ratio is segfn's events/s over tsub's.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from segfn.emulator.filters import RoutingRules, to_routing_rules  # noqa: E402

DESTINATION = "Sprig Cloud"
FILTERS = [
    {"if": "type = 'track' and match(event, 'Test *')", "actions": [{"type": "DROP"}]},
    {"if": "type in ['group', 'alias'] or contains(context.library.name, 'bot')", "actions": [{"type": "DROP"}]},
    {"if": "properties.total >= 100 and typeof(properties.coupon) = 'string'",
     "actions": [{"type": "DROP_PROPERTIES", "fields": {"properties": ["coupon", "card_last4"], "context": ["ip"]}}]},
    {"if": "type = 'identify' and length(traits.email) > 0",
     "actions": [{"type": "ALLOW_PROPERTIES", "fields": {"traits": ["email", "plan", "name", "company"]}}]},
    {"if": "lowercase(context.locale) != 'en-us' and !(userId = null)",
     "actions": [{"type": "SAMPLE", "percent": 0.5, "path": "userId"}]},
]
EVENTS_KINDS = ["track", "track", "track", "identify", "page", "group"]


def events(n: int) -> list[dict]:
    rng = random.Random(3)
    out = []
    for i in range(n):
        kind = EVENTS_KINDS[i % len(EVENTS_KINDS)]
        event = {"type": kind, "messageId": f"m-{i}", "userId": f"user-{rng.randrange(2000)}",
                 "timestamp": "2025-03-01T10:00:00.000Z",
                 "context": {"library": {"name": "analytics.js", "version": "next-1.70.0"},
                             "locale": rng.choice(["en-US", "fr-FR", "de-DE"]), "ip": "203.0.113.7",
                             "page": {"path": "/pricing", "url": "https://acme.example/pricing"}}}
        if kind == "track":
            event["event"] = rng.choice(["Order Completed", "Test Checkout", "Survey Viewed", "Plan Upgraded"])
            event["properties"] = {"total": rng.randrange(0, 300), "coupon": rng.choice(["SPRING", None]),
                                   "card_last4": "4242", "items": [{"sku": "a", "qty": 1}, {"sku": "b", "qty": 2}]}
        elif kind == "identify":
            event["traits"] = {"email": f"u{i}@acme.example", "plan": "pro", "name": "Ada", "phone": "+33",
                               "company": {"name": "Acme", "size": 40}, "createdAt": "2024-01-01T00:00:00Z"}
        elif kind == "page":
            event["name"] = "Pricing"
            event["properties"] = {"path": "/pricing", "title": "Pricing"}
        else:
            event["groupId"] = "g-1"
        out.append(event)
    return out


def time_segfn(rules: list[dict], batch: list[dict], rounds: int) -> tuple[float, int]:
    engine = RoutingRules(rules)
    rng = random.Random(0)
    times, delivered = [], 0
    for _ in range(rounds):
        delivered = 0
        start = time.perf_counter()
        for event in batch:
            if engine.apply(event, rng, DESTINATION) is not None:
                delivered += 1
        times.append(time.perf_counter() - start)
    return statistics.median(times), delivered


def time_tsub(rules: list[dict], batch: list[dict], rounds: int) -> tuple[float, int]:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as spec:
        json.dump({"rules": rules, "destination": DESTINATION, "events": batch, "rounds": rounds}, spec)
    answer = subprocess.run(["node", str(ROOT / "bench" / "js" / "tsub_bench.js"), spec.name],
                            capture_output=True, text=True, check=True)
    Path(spec.name).unlink()
    result = json.loads(answer.stdout)
    return statistics.median(result["per_round_s"]), result["delivered"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rules = to_routing_rules(FILTERS, DESTINATION)
    batch = events(args.events)
    tsub_s, tsub_kept = time_tsub(rules, batch, args.rounds)
    ours_s, ours_kept = time_segfn(rules, batch, args.rounds)
    tsub_rate, ours_rate = args.events / tsub_s, args.events / ours_s
    print(f"{args.events:,} events, {len(FILTERS)} filters ({len(rules)} routing rules), median of {args.rounds} rounds")
    print(f"  @segment/tsub 2.0.1 in Node: {tsub_rate:,.0f} events/s ({tsub_kept:,} delivered)")
    print(f"  segfn (Python):              {ours_rate:,.0f} events/s ({ours_kept:,} delivered)")
    print(f"  ratio segfn / tsub: {ours_rate / tsub_rate:.2f}x")
    if tsub_kept != ours_kept:
        print("  WARNING: the engines delivered different counts", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
