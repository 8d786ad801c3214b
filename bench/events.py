"""Benchmark of introductions (who shares an interest with whom) for events of growing size.

Prints, from one run, the median ms of `events.introductions` for N attendees (each with 6 of 40
interests, so big groups share an interest), the same for a plain all-pairs comparison measured
in the same run (the baseline), their ratio, and ms per attendee (flat means no quadratic growth).

    .venv/bin/python bench/events.py               # N = 200, 1000, 3000; 3 runs
    .venv/bin/python bench/events.py --sizes 5000 --runs 5
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from familiar.events import Attendee, introductions  # noqa: E402
from familiar.models import Member  # noqa: E402
from familiar.text import taxonomy_key  # noqa: E402

INTERESTS = [f"interest {n}" for n in range(40)]


def people(n: int) -> list[Attendee]:
    rng = random.Random(n)
    out = []
    for i in range(n):
        m = Member(slug=f"p{i}", source="x", name=f"Person {i}", known_as=f"P{i}",
                   interests=tuple(rng.sample(INTERESTS, 6)))  # fmt: skip
        out.append(Attendee(m.known_as, m.name, None, member=m))
    return out


def all_pairs(ps: list[Attendee], limit: int = 3) -> list[list[tuple[int, int]]]:
    """The obvious way: compare everyone with everyone, keep the best few."""
    keys = [{taxonomy_key(t) for t in p.member.interests} for p in ps]
    out = []
    for i, mine in enumerate(keys):
        scored = [(len(mine & other), j) for j, other in enumerate(keys) if j != i]
        scored = [s for s in scored if s[0]]
        scored.sort(key=lambda s: (-s[0], s[1]))
        out.append(scored[:limit])
    return out


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="+", default=[200, 1000, 3000])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    print(f"{'N':>6} {'introductions ms':>17} {'all-pairs ms':>13} {'ratio':>6} {'ms/person':>10}")
    for n in args.sizes:
        ps = people(n)
        ours = median_ms(lambda ps=ps: introductions(ps), args.runs)
        base = median_ms(lambda ps=ps: all_pairs(ps), args.runs)
        print(f"{n:>6} {ours:>17.1f} {base:>13.1f} {ours / base:>6.2f} {ours / n:>10.3f}")


if __name__ == "__main__":
    main()
