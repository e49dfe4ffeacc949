"""Replay throughput: messages per second through the full pipeline with a trivial destination function.

The reference, measured in the same run, is the floor any replay pays: calling that same function
through the runner for each message, with no Tracking API, routing, or outcome records. The ratio
says how much the rest of the pipeline costs on top.

    python bench/replay.py [--messages N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from segfn.emulator.pipeline import Pipeline  # noqa: E402
from segfn.emulator.replay import Replay  # noqa: E402
from segfn.emulator.runner import Runner, load_function  # noqa: E402
from segfn.emulator.transport import AnswerOk  # noqa: E402
from segfn.emulator.workspace import parse_workspace  # noqa: E402

CONTEXT = {
    "library": {"name": "analytics.js", "version": "next-1.70.0"},
    "page": {"path": "/pricing", "url": "https://acme.example/pricing", "title": "Pricing", "referrer": ""},
    "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
    "locale": "en-US", "ip": "203.0.113.7",
}


def messages(n: int) -> list[dict]:
    out = []
    for i in range(n):
        kind = "identify" if i % 4 == 0 else "track"
        m = {"type": kind, "messageId": f"bench-{i}", "userId": f"user-{i % 500}", "anonymousId": f"anon-{i}",
             "timestamp": "2025-03-01T10:00:00.000Z", "sentAt": "2025-03-01T10:00:00.200Z", "context": CONTEXT}
        if kind == "track":
            m.update(event="Survey Shown", properties={"survey": "nps", "step": i % 7, "score": i % 11})
        else:
            m["traits"] = {"email": f"user{i}@example.com", "plan": "pro", "company": {"name": "Initech"}}
        out.append(m)
    return out


def workspace():
    return parse_workspace({
        "name": "Bench",
        "sources": [{"name": "web", "write_key": "wk"}],
        "destinations": [{"name": "Trivial", "function": str(HERE / "functions" / "trivial.py"),
                          "settings": {"apiKey": "bench-key"}}],
    }, root=HERE, env={})


def pipeline_rate(batch: list[dict]) -> float:
    pipeline = Pipeline(workspace(), transport=AnswerOk())
    try:
        start = time.perf_counter()
        for m in batch:
            ingested = pipeline.ingest(m["type"], m)
            for message, _ in ingested.accepted:
                pipeline.process(message, ingested.source)
        return len(batch) / (time.perf_counter() - start)
    finally:
        pipeline.close()


def runner_rate(batch: list[dict]) -> float:
    fn, runner = load_function(HERE / "functions" / "trivial.py"), Runner()
    try:
        start = time.perf_counter()
        for m in batch:
            runner.invoke(fn, m, {"apiKey": "bench-key"}, AnswerOk())
        return len(batch) / (time.perf_counter() - start)
    finally:
        runner.close()


def archive_rate(batch: list[dict]) -> float:
    """End to end as `segfn replay` runs an archive: gunzip, parse, ingest, route, deliver, count."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fixtures" / "day.ndjson.gz"
        path.parent.mkdir()
        path.write_bytes(gzip.compress("\n".join(json.dumps(m) for m in batch).encode()))
        pipeline = Pipeline(workspace(), transport=AnswerOk())
        try:
            start = time.perf_counter()
            result = Replay(pipeline, Path(folder)).run(path)
            elapsed = time.perf_counter() - start
        finally:
            pipeline.close()
        assert result.counts["delivered"] == len(batch), result.counts
        return len(batch) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    batch = messages(args.messages)
    rows = {"runner only (reference)": [], "pipeline (ingest + route + deliver)": [], "replay of an .ndjson.gz archive": []}
    for _ in range(args.rounds):  # interleaved, so machine noise hits all three alike
        rows["runner only (reference)"].append(runner_rate(batch))
        rows["pipeline (ingest + route + deliver)"].append(pipeline_rate(batch))
        rows["replay of an .ndjson.gz archive"].append(archive_rate(batch))
    reference = statistics.median(rows["runner only (reference)"])
    print(f"{args.messages} messages x {args.rounds} rounds (median)")
    for name, rates in rows.items():
        rate = statistics.median(rates)
        print(f"  {name:<38} {rate:>9,.0f} msg/s   {rate / reference:5.2f}x the reference")


if __name__ == "__main__":
    main()
