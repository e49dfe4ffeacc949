"""Inflating a gzip request body of many members, against one member holding the same bytes.

    python bench/gunzip.py [--members N] [--rounds R]

RFC 1952 lets a body be several gzip members in a row, and the Tracking API reads them as one body
(``emulator/messages.py``, ``_gunzip``). The reference, in the same run, is the same inflated bytes in
one member: the ratio shows what each extra member costs. Before the inflater was fed in chunks, each
member's end copied the rest of the body (``unused_data``), so the cost grew with the square of the
number of members.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from segfn.emulator.messages import _gunzip  # noqa: E402


def best_of(rounds: int, body: bytes) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        _gunzip(body)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    piece = b" " * 200  # each member inflates to 200 bytes: 20,000 of them are 480 KB of gzip, 4 MB inflated
    many = gzip.compress(piece, mtime=0) * args.members
    one = gzip.compress(piece * args.members, mtime=0)
    assert _gunzip(many) == _gunzip(one)
    reference, measured = best_of(args.rounds, one), best_of(args.rounds, many)
    print(f"one member, {len(one):,} bytes (reference): {reference * 1000:.1f} ms")
    print(f"{args.members:,} members, {len(many):,} bytes: {measured * 1000:.1f} ms ({measured / reference:.1f}x)")


if __name__ == "__main__":
    main()
