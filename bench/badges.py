"""Badge PDF speed: time and peak memory for an event of 500 attendees with photos.

    .venv/bin/python bench/badges.py [--people 500] [--runs 3]

Builds a scratch site (500 members with photos, one event), lets the photo pipeline process
the photos once (as a build would before the badges), then runs `familiar badges` in a fresh
process per run and prints medians over the runs: wall time, CPU time (the command's process
plus the worker processes it forks to render runs of sheets), peak memory of the command's
process and of its largest worker (ru_maxrss; a forked worker's figure includes the pages it
shares with its parent, so adding them overstates), the peak of the command and its workers
together (PSS sampled every 50 ms, shared pages counted once) with what the command and
each worker held at that moment, and the cost per badge; next to a 50-attendee baseline
measured in the same run, and the load average, since the machine is shared. Target: < 10 s
and < 300 MB for 500.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pypdf

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "plugins"))

NAMES = ["Jenn Morales", "ليلى حداد", "प्रिया शर्मा", "陈伟", "Zoë Lefèvre", "Siobhán O'Connor-Reilly",
         "María Fernanda de los Ángeles Castillo Villanueva", "Tomasz Wiśniewski", "Kwame Asante",
         "Hương Nguyễn", "김민준", "Ingrid Solberg"]  # fmt: skip


def make_site(root: Path, people: int) -> None:
    from PIL import Image

    members = root / "content" / "members"
    events = root / "content" / "events"
    members.mkdir(parents=True)
    events.mkdir(parents=True)
    conf = (REPO / "pelicanconf.py").read_text()
    (root / "pelicanconf.py").write_text(conf + '\nSITEURL = "https://bench.example"\n')
    (root / "plugins").symlink_to(REPO / "plugins")
    (root / "theme").symlink_to(REPO / "theme")
    rng = random.Random(5)
    for i in range(people):
        slug = f"m{i:04d}"
        colour = tuple(rng.randrange(256) for _ in range(3))
        im = Image.new("RGB", (900, 1200), colour)
        im.paste(Image.new("RGB", (400, 500), colour[::-1]), (250, 200))
        im.save(members / f"{slug}.jpg", quality=85)
        name = f"{NAMES[i % len(NAMES)]} {i}"
        (members / f"{slug}.md").write_text(
            "---\n"
            + json.dumps(
                {
                    "name": name,
                    "photo": f"{slug}.jpg",
                    "pronouns": "they/them",
                    "business": f"Business number {i}",
                    "interests": ["coffee", "cycling", "open source", "baking"],
                    "handles": {"twitter": f"user{i}"},
                    "attending": ["big"],
                },
                ensure_ascii=False,
            )  # fmt: skip
            + "\n---\n",
            encoding="utf-8",
        )
    (events / "big.md").write_text(
        "---\ntitle: Big Meetup\nstart: 2026-12-04 17:30\n"
        "venue: {name: Hall, address: 1 Main St}\norganizers: [m0000]\n---\n"
    )


def child(root: str) -> None:
    """One run in a fresh process: load, reuse the processed photos, render, write the PDF."""
    import os

    os.chdir(root)
    start = time.perf_counter()
    from familiar import cli

    code = cli.main(["badges", "big", "-o", "bench.pdf"])
    elapsed = time.perf_counter() - start
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)  # the render workers, all reaped
    # CPU seconds too: on a shared machine the wall clock also counts other people's work
    print(json.dumps({"code": code, "seconds": elapsed,
                      "cpu": me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime,
                      "peak_mb": me.ru_maxrss / 1024, "child_peak_mb": kids.ru_maxrss / 1024}))  # fmt: skip


def tree_pss_mb(pid: int) -> list[float]:
    """Proportional set size of a process and of each of its descendants, in MB (shared pages
    split between them, so the sum is what they really occupy together); processes already
    gone are left out."""
    sizes, stack = [], [pid]
    while stack:
        p = stack.pop()
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    sizes.append(int(line.split()[1]) / 1024)
            stack += [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except (OSError, ValueError):
            continue
    return sizes


def measure(root: Path, runs: int) -> dict[str, float]:
    results = []
    for _ in range(runs):
        proc = subprocess.Popen([sys.executable, __file__, "--child", str(root)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip
        peak: list[float] = []
        while proc.poll() is None:  # sampled every 50 ms: the command and its workers together
            sizes = tree_pss_mb(proc.pid)
            if sum(sizes) > sum(peak):
                peak = sizes
            time.sleep(0.05)
        out, err = proc.communicate()
        assert proc.returncode == 0, err
        result = json.loads(out.strip().splitlines()[-1])
        assert result["code"] == 0, err
        result["pss_mb"] = sum(peak)
        result["pss_at_peak"] = " + ".join(f"{mb:.0f}" for mb in peak)
        results.append(result)
    median = {k: statistics.median(r[k] for r in results)
              for k in results[0] if k not in ("code", "pss_at_peak")}  # fmt: skip
    # the command and each worker at the median run's peak (the command first)
    median["pss_at_peak"] = sorted(results, key=lambda r: r["pss_mb"])[len(results) // 2][
        "pss_at_peak"
    ]
    return median


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return
    tmp = Path(tempfile.mkdtemp(prefix="familiar-badges-bench-"))
    try:
        results = {}
        for people in (50, args.people):
            root = tmp / f"site{people}"
            make_site(root, people)
            measure(root, 1)  # warm-up: the photo pipeline processes the photos once
            load = os.getloadavg()[0]
            r = results[people] = measure(root, args.runs)
            pdf = root / "bench.pdf"
            pages = len(pypdf.PdfReader(pdf).pages)
            print(f"{people:4d} attendees: median of {args.runs} runs: {r['seconds']:.2f} s wall, "
                  f"{r['cpu']:.2f} s CPU, peak {r['peak_mb']:.0f} MB (command) / "
                  f"{r['child_peak_mb']:.0f} MB (largest worker), {r['pss_mb']:.0f} MB all together (PSS: {r['pss_at_peak']}); per badge "
                  f"{r['seconds'] / people * 1000:.1f} ms wall, {r['cpu'] / people * 1000:.1f} ms CPU; "
                  f"PDF {pdf.stat().st_size / 1e6:.1f} MB, {pages} pages; load average {load:.1f}")  # fmt: skip
        small, big = results[50], results[args.people]
        print(f"ratio {args.people}/50: time x{big['seconds'] / small['seconds']:.2f}, "
              f"CPU x{big['cpu'] / small['cpu']:.2f}, memory x{big['peak_mb'] / small['peak_mb']:.2f}")  # fmt: skip
        met = big["seconds"] < 10 and big["pss_mb"] < 300
        print(f"target for {args.people}: < 10 s and < 300 MB (command and workers together) -> "
              f"{'met' if met else 'NOT met'}")  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
