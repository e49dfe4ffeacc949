"""The local Segment server: sustained ingest through /v1/batch (every call committed to SQLite
before its 200) and the latency of single calls at a steady 200 requests per second, with the client
on the same machine.

    python bench/server.py [--batches N] [--batch-size B] [--seconds S] [--rate R]

Phases: ingest (the reference, then segfn); the drain of the backlog the ingest left, on its own
(delivery throughput); the same ingest again, then single calls while the delivery worker drains
that backlog; single calls again in steady state, where delivery keeps pace with 200 calls a second.
Latency is shown from when each call was sent and from when the schedule said to send it.

The reference, in the same run, is the floor of any HTTP ingest here: the same waitress server and
client answering 200 to the same /v1/batch bodies without parsing or storing them. Delivery runs
while ingest is measured (the mock Sprig answers the destination function), as it does in use.
"""

from __future__ import annotations

import argparse
import math
import multiprocessing
import os
import sys
import tempfile
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import requests
from flask import Flask, request
from waitress import create_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from segfn.emulator.local import LocalSegment, ServeOptions  # noqa: E402
from segfn.emulator.server import create_app  # noqa: E402
from segfn.emulator.server.run import WebServer  # noqa: E402

WRITE_KEY = "bench-write-key"
WORKSPACE = f'''name = "Bench"
[[sources]]
name = "web"
write_key = "{WRITE_KEY}"
[[destinations]]
name = "Sprig Cloud"
function = "{ROOT / 'functions' / 'sprig.py'}"
settings = {{ apiKey = "bench-key" }}
'''


def message(i: int) -> dict:
    return {"type": "track", "userId": f"user-{i % 500}", "event": "Survey Shown", "messageId": f"b-{i}",
            "properties": {"survey_id": i % 40, "placement": "in-app"},
            "context": {"library": {"name": "analytics.js", "version": "next-1.70.0"}, "locale": "en-US",
                        "page": {"path": "/pricing", "url": "https://acme.example/pricing"},
                        "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/126.0"}}


def ingest(url: str, batches: int, size: int, first: int = 0) -> float:
    """Messages per second through /v1/batch, one client connection, batches sent back to back
    (messageIds from ``first`` on: another round needs new ones, or dedupe filters them)."""
    session = requests.Session()
    bodies = [{"batch": [message(first + b * size + i) for i in range(size)]} for b in range(batches)]
    start = time.perf_counter()
    for body in bodies:
        answer = session.post(url + "/v1/batch", json=body, auth=(WRITE_KEY, ""), timeout=30)
        assert answer.status_code == 200, answer.text
    return batches * size / (time.perf_counter() - start)


def latency(url: str, seconds: float, rate: float, first: int = 10_000_000) -> tuple[list[float], list[float]]:
    """Single /v1/track calls paced at ``rate`` per second from four client threads. Each call's ms,
    twice: from when it was sent, and from when the schedule said to send it (a slow answer delays
    the thread's next call; measuring from the schedule counts that wait instead of hiding it)."""
    out: list[float] = []
    late: list[float] = []
    lock = threading.Lock()
    count = int(seconds * rate)
    start = time.perf_counter()

    def client(offset: int) -> None:
        session = requests.Session()
        for n in range(offset, count, 4):
            due = start + n / rate
            wait = due - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            sent = time.perf_counter()
            answer = session.post(url + "/v1/track", json=message(first + n), auth=(WRITE_KEY, ""), timeout=30)
            done = time.perf_counter()
            assert answer.status_code == 200
            with lock:
                out.append((done - sent) * 1000)
                late.append((done - due) * 1000)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out, late


class FloorServer:
    """waitress and Flask answering every /v1 POST with 200, the body read and ignored."""

    def __init__(self) -> None:
        app = Flask("floor")

        @app.post("/v1/<path:_>")
        def accept(_: str):
            request.get_data()
            return {"success": True}

        self.server = create_server(app, host="127.0.0.1", port=0, threads=8)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=200)
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--rate", type=float, default=200)
    parser.add_argument("--drain-timeout", type=float, default=300, help="Seconds to wait for the backlog.")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="segfn-bench-"))
    (folder / "workspace.toml").write_text(WORKSPACE)
    local = LocalSegment(ServeOptions(workspace=folder / "workspace.toml", db=folder / "bench.sqlite", env={}))
    web = WebServer(create_app(local=local), port=0, threads=8).start()
    floor = FloorServer()
    # the client runs in its own process (same machine, its own interpreter lock), as an app would
    client = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))

    def unsettled() -> int:
        return local.store.stats().get("unsettled", 0)

    try:
        client.submit(ingest, floor.url, 5, args.batch_size).result()  # warm both
        client.submit(ingest, web.url, 5, args.batch_size, 50_000_000).result()
        reference = client.submit(ingest, floor.url, args.batches, args.batch_size).result()
        durable = client.submit(ingest, web.url, args.batches, args.batch_size).result()
        backlog = unsettled()  # the drain on its own: delivery throughput
        drain_start = time.perf_counter()
        while unsettled() and time.perf_counter() - drain_start < args.drain_timeout:
            time.sleep(0.2)
        drained, left = time.perf_counter() - drain_start, unsettled()
        client.submit(ingest, web.url, args.batches, args.batch_size, args.batches * args.batch_size).result()
        backlog_before = unsettled()
        busy = client.submit(latency, web.url, args.seconds, args.rate).result()  # the worker drains meanwhile
        busy_left = unsettled()
        while unsettled() and time.perf_counter() - drain_start < 2 * args.drain_timeout:
            time.sleep(0.2)
        steady = client.submit(latency, web.url, args.seconds, args.rate, 20_000_000).result()  # keeps pace
        steady_left = unsettled()
    finally:
        client.shutdown()
        web.stop()
        floor.stop()
        local.close()
    load = os.getloadavg()
    print(f"{os.cpu_count()} cores, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    print(f"ingest, {args.batches} batches of {args.batch_size} track calls through /v1/batch:")
    print(f"  reference (waitress + Flask answering 200, nothing parsed or stored): {reference:,.0f} messages/s")
    print(f"  segfn serve (checked, normalised, committed to SQLite before the 200): {durable:,.0f} messages/s "
          f"({durable / reference:.2f}x of the reference)")
    print(f"single /v1/track calls at {args.rate:g}/s for {args.seconds:g} s each, ms from send / from schedule:")
    show("  steady (no backlog; delivery keeps pace)", steady, f"{steady_left:,} unsettled at the end")
    show("  while the worker drains the ingest backlog", busy,
         f"{backlog_before:,} unsettled at the start, {busy_left:,} at the end")
    print(f"delivery (functions/sprig.py with on_batch to the mock Sprig, each attempt committed): "
          f"{backlog - left:,} deliveries settled in {drained:.1f} s with no other load "
          f"({(backlog - left) / max(drained, 1e-9):,.0f}/s){f', {left:,} left' if left else ''}")


def show(label: str, timings: tuple[list[float], list[float]], note: str) -> None:
    sent, due = (sorted(t) for t in timings)
    print(f"{label} ({len(sent)} calls, {note}):")
    for name, times in (("from send", sent), ("from schedule", due)):
        print(f"    {name}: p50 {percentile(times, 50):.1f} ms, p99 {percentile(times, 99):.1f} ms, "
              f"max {times[-1]:.1f} ms")


def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    return ordered[max(0, math.ceil(len(ordered) * p / 100) - 1)]


if __name__ == "__main__":
    main()
