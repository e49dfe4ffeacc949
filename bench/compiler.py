"""The compiler's figures: compile time for every function, the size of sprig.js, and events per
second of compiled bundles in Node against a hand-written JavaScript equivalent, in the same run.

    python bench/compiler.py [--events N] [--rounds R]

The hand-written references are bench/js/sprig_handwritten.js (functions/sprig.py) and
bench/js/sprig_like_handwritten.js (tests/compiler/samples/functions/sprig_like.py, a heavier mapping).
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from segfn.compiler import compile_module  # noqa: E402

PAIRS = {  # compiled module -> hand-written reference
    "functions/sprig.py": "bench/js/sprig_handwritten.js",
    "tests/compiler/samples/functions/sprig_like.py": "bench/js/sprig_like_handwritten.js",
}
AGENTS = ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 Chrome/126.0 Safari/537.36",
          "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"]


def events(n: int) -> list[dict]:
    """Realistic identify and track calls (a fixed seed: every run measures the same work)."""
    rng = random.Random(7)
    out = []
    for i in range(n):
        context = {"library": {"name": "analytics.js", "version": "next-1.70.0"}, "locale": "en-US",
                   "page": {"path": "/pricing", "url": "https://acme.example/pricing?ref=ad", "title": "Pricing"},
                   "userAgent": rng.choice(AGENTS), "ip": "203.0.113.7"}
        base = {"messageId": f"m-{i}", "userId": f"user-{rng.randrange(5000)}", "anonymousId": f"anon-{i}",
                "timestamp": f"2025-03-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(i * 7) % 60:02d}.{i % 1000:03d}Z",
                "context": context}
        if i % 4 == 0:
            out.append({**base, "type": "identify", "traits": {
                "email": f"User{i}@Example.com", "name": f"User {i}", "plan": rng.choice(["free", "pro", "team"]),
                "company": {"name": "Acme", "employees": rng.randrange(1, 500), "address": {"city": "Lyon"}},
                "createdAt": "2024-01-05T10:00:00Z", "score": rng.random() * 100}})
        else:
            out.append({**base, "type": "track", "event": rng.choice(["Order Completed", "Survey Shown", "Signed Up"]),
                        "properties": {"revenue": round(rng.random() * 300, 2), "currency": "EUR",
                                       "products": [{"sku": f"sku-{k}", "price": 9.99} for k in range(3)],
                                       "tags": ["A", "b", "a"], "coupon": None, "$internal": 1}})
    return out


def compile_times() -> dict:
    modules = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "functions").glob("*.py")
                     if p.name not in ("__init__.py", "runtime.py") and "KIND" in p.read_text(encoding="utf-8"))
    modules += ["tests/compiler/samples/functions/sprig_like.py", "tests/compiler/samples/functions/bots_like.py",
                "tests/compiler/samples/functions/scrub_like.py"]
    start = time.perf_counter()
    for m in modules:
        compile_module(ROOT / m)
    cold = time.perf_counter() - start
    warm = {}
    for m in modules:
        t = time.perf_counter()
        for _ in range(5):
            compile_module(ROOT / m)
        warm[m] = (time.perf_counter() - t) / 5
    return {"modules": modules, "cold_total_s": cold, "warm_s": warm}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    times = compile_times()
    print(f"compile: {len(times['modules'])} modules, first compile of all {times['cold_total_s'] * 1000:.0f} ms "
          f"(includes building Unicode tables once per process)")
    for m, t in times["warm_s"].items():
        print(f"  {m}: {t * 1000:.1f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        tmpdir = Path(tmp)
        (tmpdir / "events.json").write_text(json.dumps(events(args.events)), encoding="utf-8")
        specs = []
        for module, reference in PAIRS.items():
            bundle = compile_module(ROOT / module)
            name = Path(module).stem
            (tmpdir / f"{name}.js").write_text(bundle.js, encoding="utf-8")
            size = len(bundle.js.encode("utf-8"))
            print(f"size: {name}.js {size / 1024:.1f} KB ({size} bytes)")  # no size goal (issue 13, point 9)
            specs += [f"{name}=" + str(tmpdir / f"{name}.js"), f"{name}_handwritten=" + str(ROOT / reference)]
        done = subprocess.run(["node", str(HERE / "js" / "throughput.js"), str(tmpdir / "events.json"),
                               str(args.rounds), *specs], capture_output=True, text=True, check=True)
        result = json.loads(done.stdout)
    print(f"throughput ({args.events} events, median of {args.rounds} interleaved rounds, fetch answered at once):")
    for module in PAIRS:
        name = Path(module).stem
        compiled, hand = result[name], result[f"{name}_handwritten"]
        ratio = hand["events_per_s"] / compiled["events_per_s"]
        print(f"  {name}: compiled {compiled['events_per_s']:,.0f}/s, hand-written {hand['events_per_s']:,.0f}/s, "
              f"hand-written is {ratio:.2f}x faster (goal <= 1.5x); errors {compiled['errors']} vs {hand['errors']}")


if __name__ == "__main__":
    main()
