"""The check's own proof: how many mutants of the product's bundles `segfn check` catches, and how much
of each function's Python its default budget reaches, in how long.

    python bench/check_mutants.py [--examples N] [--seconds S] [--sample K] [--seed X] [MODULE ...]

For each module (default: functions/sprig.py, drop_bots.py, scrub_pii.py): one `segfn check` run with
the given budget (the default is the CLI's: 1,000 cases, 45 s), its coverage and seconds; then every
mutant of the bundle on a line the run reached (or a seeded sample of K), each replayed against the
run's cases (compiler/mutants.py). The score is itself the ratio: mutants caught of mutants replayed
(a mutant that does not even load is not counted).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

from segfn.compiler.mutants import marked_bundle, reached_by_display, sample, score, sites  # noqa: E402
from segfn.compiler.node import NodeHarness  # noqa: E402
from segfn.compiler.bundle import compile_module  # noqa: E402
from segfn.compiler.steering import Budget, check_bundle  # noqa: E402

MODULES = ["functions/sprig.py", "functions/drop_bots.py", "functions/scrub_pii.py"]


def measure(module: str, budget: Budget, count: int | None, seed: int) -> dict:
    bundle = compile_module(module)
    marked, real = marked_bundle(module)
    with NodeHarness() as harness:
        started = time.monotonic()
        run = check_bundle(bundle, harness, budget, workspace_file=ROOT / "workspace.toml",
                           fixtures=ROOT / "fixtures/messages", seed=seed, record=True)
        seconds = time.monotonic() - started
        try:
            found = sites(marked, reached_by_display(module, run.executed))
            chosen = sample(found, count if count is not None else len(found), seed)
            result = score(run, chosen, real, lambda: NodeHarness(answer_timeout=60))
        finally:
            run.checker.close()
    summary = run.outcome.summary
    return {"module": module, "cases": run.outcome.cases, "seconds": seconds, "stopped": run.outcome.stopped,
            "coverage": summary.line(module), "lines": summary.lines_pct, "branches": summary.branches_pct,
            "sites": len(found), "score": result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", default=MODULES)
    parser.add_argument("--examples", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=45.0)
    parser.add_argument("--sample", type=int, default=None, help="mutants per module (default: all)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--survivors", action="store_true", help="list the mutants no case caught")
    args = parser.parse_args()
    total = caught = 0
    for module in args.modules:
        row = measure(module, Budget(cases=args.examples, seconds=args.seconds), args.sample, args.seed)
        s = row["score"]
        total += s.mutants
        caught += s.caught
        print(f"{module}: {row['cases']} cases in {row['seconds']:.1f} s ({row['stopped']}); {row['coverage']}")
        print(f"  mutants on reached lines: {row['sites']}; replayed {s.mutants} (+{s.stillborn} that do not load), "
              f"caught {s.caught} = {s.percent:.1f}%")
        if args.survivors:
            for survivor in s.survivors:
                print(f"    survived: {survivor}")
    if total:
        print(f"all: caught {caught} of {total} mutants = {100.0 * caught / total:.1f}%")


if __name__ == "__main__":
    main()
