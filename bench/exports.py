"""Cost of the exports (social cards, vCards, feeds, sitemap, directory.json) next to the member
pages they accompany, measured in the same run.

    .venv/bin/python bench/exports.py [--members 500] [--runs 3]

Writes a synthetic community (names in several scripts, four of five with a photo), loads it
once, then times each producer over `--runs` runs and prints the median seconds and the ratio to
`member_pages` (the baseline). Social cards are timed cold (empty cache and output: every card
drawn) and warm (output already holds them: nothing drawn or written).
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "plugins"))

NAMES = ["Jenn Morales", "ليلى حداد", "प्रिया शर्मा", "陈伟", "Zoë Lefèvre", "Siobhán O'Connor",
         "Tomasz Wiśniewski", "Kwame Asante", "Hương Nguyễn", "김민준", "Αλέξης Παππάς"]  # fmt: skip


def make_site(root: Path, members: int) -> None:
    from PIL import Image

    rng = random.Random(1)
    (root / "content" / "members").mkdir(parents=True)
    (root / "content" / "events").mkdir(parents=True)
    photos = []
    for _ in range(20):
        buf = io.BytesIO()
        colour = tuple(rng.randrange(256) for _ in range(3))
        Image.new("RGB", (600, 800), colour).save(buf, "JPEG")
        photos.append(buf.getvalue())
    for i in range(members):
        slug = f"m{i:05d}"
        front = [f'name: "{NAMES[i % len(NAMES)]} {i}"', f"business: Shop {i}", "role: Owner",
                 "interests: [coffee, cycling]", f"joined: 2026-{1 + i % 12:02d}-{1 + i % 28:02d}",
                 f"handles: {{twitter: user{i}}}", f"attending: [e{i % 10}]"]  # fmt: skip
        if i % 5:
            front.append(f"photo: {slug}.jpg")
            (root / "content/members" / f"{slug}.jpg").write_bytes(photos[i % len(photos)])
        text = "---\n" + "\n".join(front) + "\n---\nHello, I run a *shop*.\n"
        (root / "content/members" / f"{slug}.md").write_text(text, encoding="utf-8")
    for j in range(10):
        (root / "content/events" / f"e{j}.md").write_text(
            f"---\ntitle: Meetup {j}\nstart: 2026-12-{j + 1:02d} 17:30\n"
            "venue: {name: Patio, address: 1 Main St}\n---\nCome along.\n",
            encoding="utf-8",
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--members", type=int, default=500)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    from familiar import exports, social  # noqa: F401  (registers the producers)
    from familiar.output import Output
    from familiar.pages import build_site, member_pages, photo_files
    from familiar.settings import read_settings

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        make_site(root, args.members)
        settings = read_settings({
            "PATH": str(root / "content"), "OUTPUT_PATH": str(root / "output"),
            "THEME": str(REPO / "theme"), "SITEURL": "https://bench.example",
            "FAMILIAR_CACHE_PATH": str(root / "cache"), "FAMILIAR_TODAY": "2026-11-22",
        })  # fmt: skip
        site = build_site(settings)

        def timed(produce, fresh_cards: bool = False) -> float:
            if fresh_cards:
                shutil.rmtree(root / "cache" / "social", ignore_errors=True)
                shutil.rmtree(root / "output" / "social", ignore_errors=True)
            out = Output(settings.output_path)
            photo_files(site, out)
            if produce is not member_pages:  # the sitemap lists pages this build wrote
                out.written |= {f"members/{m.slug}/index.html" for m in site.community.published}
            start = time.perf_counter()
            produce(site, out)
            return time.perf_counter() - start

        rows = [
            ("member_pages (baseline)", lambda: timed(member_pages)),
            ("social cards, cold", lambda: timed(social.social_cards, fresh_cards=True)),
            ("social cards, warm", lambda: timed(social.social_cards)),
            ("vcards", lambda: timed(exports.vcards)),
            ("feeds (members + events)",
             lambda: timed(exports.members_feed) + timed(exports.events_feed)),
            ("sitemap + robots", lambda: timed(exports.sitemap_and_robots)),
            ("directory.json", lambda: timed(exports.directory_json)),
        ]  # fmt: skip
        results = {name: statistics.median(run() for _ in range(args.runs)) for name, run in rows}
        base = results["member_pages (baseline)"]
        print(
            f"{args.members} members, 10 events, median of {args.runs} runs, {settings.workers} workers"
        )
        for name, seconds in results.items():
            print(f"  {name:28s} {seconds:8.3f} s   {seconds / base:6.2f}x member_pages")


if __name__ == "__main__":
    main()
