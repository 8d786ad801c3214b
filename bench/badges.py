"""Badge PDF speed: time and peak memory for an event of 500 attendees with photos.

    .venv/bin/python bench/badges.py [--people 500] [--runs 3]

Builds a scratch site (500 members with photos, guests, one event), lets the photo pipeline
process the photos once (as a build would before the badges), then renders the badge PDF in a
fresh process per run and prints the median time and peak memory (ru_maxrss of that process),
next to a 50-attendee baseline measured in the same run. Target: < 10 s and < 300 MB for 500.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
    usage = resource.getrusage(resource.RUSAGE_SELF)
    # CPU seconds too: on a shared machine the wall clock also counts other people's work
    cpu = usage.ru_utime + usage.ru_stime
    print(
        json.dumps(
            {"code": code, "seconds": elapsed, "cpu": cpu, "peak_mb": usage.ru_maxrss / 1024}
        )
    )


def measure(root: Path, runs: int) -> tuple[float, float, float]:
    times, cpus, peaks = [], [], []
    for _ in range(runs):
        out = subprocess.run([sys.executable, __file__, "--child", str(root)], capture_output=True,
                             text=True, check=True)  # fmt: skip
        result = json.loads(out.stdout.strip().splitlines()[-1])
        assert result["code"] == 0, out.stderr
        times.append(result["seconds"])
        cpus.append(result["cpu"])
        peaks.append(result["peak_mb"])
    return statistics.median(times), statistics.median(cpus), statistics.median(peaks)


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
            results[people] = measure(root, args.runs)
            pages = (root / "bench.pdf").read_bytes().count(b"/Type /Page\n")
            print(f"{people:4d} attendees: median {results[people][0]:.2f} s wall, "
                  f"{results[people][1]:.2f} s CPU, peak {results[people][2]:.0f} MB over {args.runs} runs "
                  f"(PDF {(root / 'bench.pdf').stat().st_size / 1e6:.1f} MB{', ' + str(pages) + ' pages' if pages else ''})")  # fmt: skip
        t0, _, m0 = results[50]
        t1, c1, m1 = results[args.people]
        print(f"ratio {args.people}/50: time x{t1 / t0:.2f}, memory x{m1 / m0:.2f}")
        print(
            f"target for 500: < 10 s and < 300 MB -> {'met' if t1 < 10 and m1 < 300 else 'NOT met'}"
        )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
