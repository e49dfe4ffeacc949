"""Replay throughput: messages per second from an ``.ndjson.gz`` archive, against the bare loop.

The reference, measured in the same run, is the floor of any replay on one core: gunzip the
archive, ``json.loads`` each line, and call a trivial ``async`` handler (the coroutine stepped
directly). Then, on the same archive:

- runner only: the trivial function called through ``Runner.invoke`` for each parsed message;
- full pipeline, trivial function: ``segfn replay``'s path (Tracking API, dedupe, routing,
  destination function, outcome records, counts) in this process (``-j 1``) and over two worker
  processes (``-j 2``; the workers are started and warm before the clock starts, and their
  start-up is shown apart);
- the Sprig chain: the default ``workspace.toml`` (scrub_pii insert function, functions/sprig.py,
  the mock Sprig API validating every request), at ``-j 1`` and ``-j 2``.

    python bench/replay.py [--messages N] [--rounds R]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from segfn.emulator.parallel import ParallelReplay, WorkerConfig  # noqa: E402
from segfn.emulator.pipeline import Pipeline  # noqa: E402
from segfn.emulator.replay import Replay, replay_pipeline  # noqa: E402
from segfn.emulator.runner import Runner, load_function  # noqa: E402
from segfn.emulator.transport import AnswerOk  # noqa: E402
from segfn.emulator.workspace import load_workspace, parse_workspace  # noqa: E402

CONTEXT = {
    "library": {"name": "analytics.js", "version": "next-1.70.0"},
    "page": {"path": "/pricing", "url": "https://acme.example/pricing", "title": "Pricing", "referrer": ""},
    "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
    "locale": "en-US", "ip": "203.0.113.7",
}


def messages(n: int) -> list[dict]:
    """A quarter identify calls with traits, the rest track calls with properties; a full
    analytics.js context on each, as Segment's archive holds them (``receivedAt`` set)."""
    out = []
    for i in range(n):
        kind = "identify" if i % 4 == 0 else "track"
        m = {"type": kind, "messageId": f"bench-{i}", "userId": f"user-{i % 500}", "anonymousId": f"anon-{i}",
             "timestamp": "2025-03-01T10:00:00.000Z", "sentAt": "2025-03-01T10:00:00.200Z",
             "receivedAt": f"2025-03-01T10:{i // 60000 % 60:02d}:{i // 1000 % 60:02d}.{i % 1000:03d}Z",
             "context": CONTEXT}
        if kind == "track":
            m.update(event="Survey Shown", properties={"survey": "nps", "step": i % 7, "score": i % 11})
        else:
            m["traits"] = {"email": f"user{i}@example.com", "plan": "pro", "company": {"name": "Initech"}}
        out.append(m)
    return out


def trivial_workspace():
    return parse_workspace({
        "name": "Bench",
        "sources": [{"name": "web", "write_key": "wk"}],
        "destinations": [{"name": "Trivial", "function": str(HERE / "functions" / "trivial.py"),
                          "settings": {"apiKey": "bench-key"}}],
    }, root=ROOT, env={})


def bare_loop(archive: Path, count: int) -> float:
    async def handler(event, settings):
        return None

    start = time.perf_counter()
    with gzip.open(archive, "rb") as lines:
        for line in lines:
            coroutine = handler(json.loads(line), {"apiKey": "bench-key"})
            try:
                coroutine.send(None)
            except StopIteration:
                pass
    return count / (time.perf_counter() - start)


def runner_only(batch: list[dict]) -> float:
    fn, runner = load_function(HERE / "functions" / "trivial.py"), Runner()
    try:
        start = time.perf_counter()
        for m in batch:
            runner.invoke(fn, m, {"apiKey": "bench-key"}, AnswerOk())
        return len(batch) / (time.perf_counter() - start)
    finally:
        runner.close()


def in_process(replay: Replay, archive: Path, count: int, expect: str) -> float:
    start = time.perf_counter()
    result = replay.run(archive, judge=False)
    elapsed = time.perf_counter() - start
    assert result.counts["messages"] == count and result.counts[expect] >= count // 2, result.counts
    return count / elapsed


def parallel(runner: ParallelReplay, archive: Path, count: int, expect: str) -> float:
    start = time.perf_counter()
    result = runner.run(archive)
    elapsed = time.perf_counter() - start
    assert result.counts["messages"] == count and result.counts[expect] >= count // 2, result.counts
    return count / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    batch = messages(args.messages)
    folder = Path(tempfile.mkdtemp(prefix="segfn-bench-"))
    archive = folder / "day.ndjson.gz"
    archive.write_bytes(gzip.compress("\n".join(json.dumps(m) for m in batch).encode()))
    warm = folder / "warm.ndjson.gz"
    warm.write_bytes(gzip.compress("\n".join(json.dumps(m) for m in batch[:200]).encode()))

    trivial = trivial_workspace()
    sprig = load_workspace(ROOT / "workspace.toml", env={})
    trivial_replay = Replay(Pipeline(trivial, transport=AnswerOk()), folder)
    sprig_replay = Replay(replay_pipeline(sprig), folder)
    started = time.perf_counter()
    trivial_j2 = ParallelReplay(WorkerConfig(trivial, folder), 2)
    sprig_j2 = ParallelReplay(WorkerConfig(sprig, folder), 2)
    trivial_j2.run(warm)
    sprig_j2.run(warm)
    start_up = time.perf_counter() - started

    rows: dict[str, list[float]] = {name: [] for name in (
        "bare loop: gunzip, json.loads, trivial handler (reference)", "runner only, trivial function",
        "full pipeline, trivial function, -j 1", "full pipeline, trivial function, -j 2",
        "Sprig chain (default workspace), -j 1", "Sprig chain (default workspace), -j 2")}
    names = list(rows)
    try:
        for _ in range(args.rounds):  # interleaved, so machine noise hits every row alike
            rows[names[0]].append(bare_loop(archive, len(batch)))
            rows[names[1]].append(runner_only(batch))
            rows[names[2]].append(in_process(trivial_replay, archive, len(batch), "delivered"))
            rows[names[3]].append(parallel(trivial_j2, archive, len(batch), "delivered"))
            rows[names[4]].append(in_process(sprig_replay, archive, len(batch), "delivered"))
            rows[names[5]].append(parallel(sprig_j2, archive, len(batch), "delivered"))
    finally:
        trivial_j2.close()
        sprig_j2.close()
        trivial_replay.close()
        sprig_replay.close()
    reference = statistics.median(rows[names[0]])
    load = os.getloadavg()
    print(f"{args.messages:,} messages x {args.rounds} rounds (median); {os.cpu_count()} cores, "
          f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    for name, rates in rows.items():
        rate = statistics.median(rates)
        print(f"  {name:<60} {rate:>9,.0f} msg/s   {rate / reference:5.2f}x the reference")
    print(f"  (starting the -j 2 workers, both workspaces, and a 200-message warm-up: {start_up:.1f} s)")


if __name__ == "__main__":
    main()
