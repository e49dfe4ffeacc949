"""Replay's peak memory: generated archives of 100,000 and 1,000,000 messages, replayed end to end.

Each size is replayed by a fresh process (``segfn replay``'s own code path: streaming the archive,
counting outcomes as they come, the compact dedupe index, the mock Sprig's state) and its peak
resident set size is read from the kernel (``ru_maxrss``). Every message has its own ``messageId``
and all arrive within one day, so the dedupe index holds every one of them: the worst case. Users
repeat (5,000 of them), as in real traffic. With ``--jobs 2`` the figure is the peak of the sum
over the process and its workers, sampled every 50 ms.

    python bench/replay_memory.py [--sizes 100000 1000000] [--workspace default|trivial] [--jobs 1]

``default`` is the project's workspace.toml (scrub_pii, functions/sprig.py and the mock Sprig);
``trivial`` a destination function that does nothing (the pipeline's own memory, and faster).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def write_archive(path: Path, count: int) -> None:
    """One message a line, written as it is generated (the generator itself holds nothing)."""
    context = {"library": {"name": "analytics.js", "version": "next-1.70.0"}, "locale": "en-US",
               "page": {"path": "/pricing", "url": "https://acme.example/pricing"},
               "userAgent": "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Chrome/126.0"}
    with gzip.open(path, "wt", compresslevel=1) as out:
        for i in range(count):
            at = f"2025-03-01T{i * 86_000 // count // 3600:02d}:{i * 86_000 // count // 60 % 60:02d}:" \
                 f"{i * 86_000 // count % 60:02d}.{i % 1000:03d}Z"
            m = {"type": "identify" if i % 4 == 0 else "track", "messageId": f"mem-{i}-{i * 7919 % 100003}",
                 "userId": f"user-{i % 5000}", "receivedAt": at, "timestamp": at, "context": context}
            if m["type"] == "track":
                m.update(event="Survey Shown", properties={"survey_id": i % 40, "step": i % 7})
            else:
                m["traits"] = {"email": f"user{i % 5000}@example.com", "plan": "pro"}
            out.write(json.dumps(m) + "\n")


def child(archive: str, workspace: str, jobs: int) -> None:
    """In the measured process: replay the archive as ``segfn replay`` does, print the counts."""
    from segfn.emulator.parallel import ParallelReplay, WorkerConfig
    from segfn.emulator.pipeline import Pipeline
    from segfn.emulator.replay import Replay, replay_pipeline
    from segfn.emulator.transport import AnswerOk
    from segfn.emulator.workspace import load_workspace, parse_workspace

    root = Path(archive).parent
    if workspace == "trivial":
        ws = parse_workspace({"name": "Bench", "sources": [{"name": "web", "write_key": "wk"}],
                              "destinations": [{"name": "Trivial", "function": str(HERE / "functions" / "trivial.py"),
                                                "settings": {"apiKey": "bench-key"}}]}, root=ROOT, env={})
    else:
        ws = load_workspace(ROOT / "workspace.toml", env={})
    if jobs > 1:
        runner = ParallelReplay(WorkerConfig(ws, root), jobs)
    else:
        pipeline = Pipeline(ws, transport=AnswerOk()) if workspace == "trivial" else replay_pipeline(ws)
        runner = Replay(pipeline, root)
    started = time.perf_counter()
    result = runner.run(Path(archive)) if jobs > 1 else runner.run(Path(archive), judge=False)
    elapsed = time.perf_counter() - started
    runner.close()
    print(json.dumps({"counts": dict(result.counts), "seconds": elapsed,
                      "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


def measure(archive: Path, workspace: str, jobs: int) -> dict:
    process = subprocess.Popen([sys.executable, __file__, "--child", str(archive), "--workspace", workspace,
                                "--jobs", str(jobs)], stdout=subprocess.PIPE, text=True)
    peak_sum = [0]
    if jobs > 1:
        import psutil  # comes with the dask extra (distributed)

        def sample() -> None:
            me = psutil.Process(process.pid)
            while process.poll() is None:
                try:
                    total = me.memory_info().rss + sum(c.memory_info().rss for c in me.children(recursive=True))
                except psutil.Error:
                    continue
                peak_sum[0] = max(peak_sum[0], total)
                time.sleep(0.05)

        threading.Thread(target=sample, daemon=True).start()
    out, _ = process.communicate()
    report = json.loads(out.strip().splitlines()[-1])
    report["peak_mb"] = peak_sum[0] / 2**20 if jobs > 1 else report["peak_kb"] / 1024
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--workspace", choices=["default", "trivial"], default="default")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.workspace, args.jobs)
    folder = Path(tempfile.mkdtemp(prefix="segfn-memory-"))
    figures = []
    for size in args.sizes:
        archive = folder / f"day-{size}.ndjson.gz"
        write_archive(archive, size)
        report = measure(archive, args.workspace, args.jobs)
        assert report["counts"]["messages"] == size, report
        figures.append((size, report))
        archive.unlink()
    load = os.getloadavg()
    print(f"peak RSS of segfn replay -j {args.jobs}, workspace {args.workspace}; {os.cpu_count()} cores, "
          f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
    for size, report in figures:
        print(f"  {size:>9,} messages: {report['peak_mb']:6.1f} MB peak   ({report['seconds']:.0f} s, "
              f"{size / report['seconds']:,.0f} msg/s)")
    if len(figures) > 1:
        first, last = figures[0][1]["peak_mb"], figures[-1][1]["peak_mb"]
        print(f"  growth from {figures[0][0]:,} to {figures[-1][0]:,} messages: {last - first:+.1f} MB")


if __name__ == "__main__":
    main()
