"""Benchmark of the member photo pipeline on synthetic 12-megapixel phone portraits.

Prints, from one run: the pipeline's median ms per photo with a cold cache (one process, so it
compares with a one-process decode), the same with every core, ms per photo for a warm rebuild
(cache and output up to date), and how long Pillow takes merely to decode the same files at full
size; the ratios say whether the cold pipeline costs less than a full decode (target < 1.0) and
whether a warm rebuild costs under 1 ms per photo.

    .venv/bin/python bench/photos.py            # 8 photos, 5 runs
    .venv/bin/python bench/photos.py -n 20 -r 9

Wall time is what a build waits for; CPU time (of this process) is the work done, and is the
steadier figure on a machine shared with other jobs. Warm is the best of three rebuilds.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "plugins"))

from familiar import photos  # noqa: E402
from familiar.models import Member  # noqa: E402
from familiar.output import Output  # noqa: E402
from familiar.pages import photo_files  # noqa: E402
from familiar.settings import read_settings  # noqa: E402

WIDTH, HEIGHT = 3024, 4032  # a 12-megapixel phone photo, held upright


def portrait(seed: int) -> Image.Image:
    """A head-and-shoulders picture with sensor-like noise, so it compresses like a photo."""
    rnd = random.Random(seed)
    small = (WIDTH // 4, HEIGHT // 4)
    bg = tuple(rnd.randrange(80, 220) for _ in range(3))
    im = Image.new("RGB", small, bg)
    d = ImageDraw.Draw(im)
    w, h = small
    for _ in range(12):  # out-of-focus background shapes
        x, y, r = rnd.randrange(w), rnd.randrange(h), rnd.randrange(40, 200)
        d.ellipse(
            (x - r, y - r, x + r, y + r), fill=tuple(rnd.randrange(60, 240) for _ in range(3))
        )
    im = im.filter(ImageFilter.GaussianBlur(12))
    d = ImageDraw.Draw(im)
    skin = tuple(rnd.randrange(90, 230) for _ in range(3))
    d.ellipse(
        (w * 0.05, h * 0.55, w * 0.95, h * 1.3),
        fill=tuple(rnd.randrange(20, 200) for _ in range(3)),
    )
    d.rectangle((w * 0.42, h * 0.4, w * 0.58, h * 0.6), fill=skin)
    d.ellipse((w * 0.3, h * 0.18, w * 0.7, h * 0.5), fill=skin)
    d.ellipse((w * 0.4, h * 0.3, w * 0.45, h * 0.33), fill=(30, 30, 30))
    d.ellipse((w * 0.55, h * 0.3, w * 0.6, h * 0.33), fill=(30, 30, 30))
    im = im.resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
    noise = Image.effect_noise((WIDTH, HEIGHT), 24).convert("RGB")
    return Image.blend(im, noise, 0.12)


def make_sources(folder: Path, n: int) -> list[Member]:
    members = []
    for i in range(n):
        slug = f"member-{i:03d}"
        portrait(i).save(folder / f"{slug}.jpg", "JPEG", quality=90)
        members.append(Member(slug=slug, source=f"{slug}.md", name=f"Member {i}", known_as="M",
                              photo=f"{slug}.jpg"))  # fmt: skip
    return members


def run_pipeline(members: list[Member], settings, workers: int) -> tuple[float, float]:
    """Wall and CPU seconds (this process) for the whole pipeline: prepare (decode or cache
    lookup) and copying the derivatives into the output through Output."""
    from familiar.pages import Site

    t, c = time.perf_counter(), time.process_time()
    prepared = photos.prepare(members, settings, workers=workers)
    assert not prepared.errors, prepared.errors
    site = Site(community=None, settings=settings, env=None, photos=prepared.photos)  # type: ignore[arg-type]
    out = Output(settings.output_path)
    photo_files(site, out)
    out.finish()
    return time.perf_counter() - t, time.process_time() - c


def full_decode(members: list[Member], folder: Path) -> tuple[float, float]:
    t, c = time.perf_counter(), time.process_time()
    for m in members:
        with Image.open(folder / m.photo) as im:
            im.load()
    return time.perf_counter() - t, time.process_time() - c


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=8, help="photos (default 8)")
    ap.add_argument("-r", "--runs", type=int, default=5, help="runs of each measure (default 5)")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="familiar-bench-photos-"))
    try:
        members_dir = root / "content" / "members"
        members_dir.mkdir(parents=True)
        print(f"making {args.n} synthetic {WIDTH}x{HEIGHT} JPEG portraits in {root} ...")
        members = make_sources(members_dir, args.n)
        mb = sum(f.stat().st_size for f in members_dir.iterdir()) / args.n / 1e6
        base = read_settings({"PATH": str(root / "content"), "OUTPUT_PATH": str(root / "output")})
        settings = replace(base, cache_path=root / "cache")
        cores = os.cpu_count() or 1
        n = args.n

        def cold(workers: int) -> tuple[float, float]:
            shutil.rmtree(root / "cache", ignore_errors=True)
            shutil.rmtree(root / "output", ignore_errors=True)
            return run_pipeline(members, settings, workers)

        # Every measure once per run, back to back, so a busy machine slows each run's measures
        # alike; the ratios are taken within a run, then the median over runs.
        rows: dict[str, list[tuple[float, float]]] = {
            "decode": [],
            "cold1": [],
            "coldN": [],
            "warm": [],
        }
        for _ in range(args.runs):
            rows["decode"].append(full_decode(members, members_dir))
            rows["cold1"].append(cold(1))
            rows["coldN"].append(cold(cores))
            before = photos.stats["decoded"]
            rows["warm"].append(min(run_pipeline(members, settings, cores) for _ in range(3)))
            assert photos.stats["decoded"] == before, "a warm rebuild decoded photos"

        def med(name: str, i: int) -> float:  # median ms per photo; i: 0 wall, 1 CPU
            return statistics.median(r[i] for r in rows[name]) * 1000 / n

        def ratio(name: str, i: int) -> float:
            return statistics.median(
                a[i] / d[i] for a, d in zip(rows[name], rows["decode"], strict=True)
            )

        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"photos: {n} x {WIDTH}x{HEIGHT} JPEG, {mb:.1f} MB each; runs: {args.runs}; "
              f"cores: {cores}; load average at the end: {load:.1f}")  # fmt: skip
        print("ms per photo (median)            wall   ratio |    CPU   ratio")
        for name, label in (
            ("decode", "Pillow full-size decode"),
            ("cold1", "pipeline cold, 1 process"),
            ("coldN", f"pipeline cold, {cores} processes"),
            ("warm", "pipeline warm (cache + output)"),
        ):
            cpu = (
                f"{med(name, 1):7.2f}  {ratio(name, 1):5.2f}"
                if name != "coldN"
                else "  (in workers)"
            )
            print(f"{label:31s} {med(name, 0):7.2f}  {ratio(name, 0):5.2f} | {cpu}")
        print(
            f"targets: cold / decode < 1.0: {'yes' if ratio('cold1', 0) < 1 else 'NO'} (wall), "
            f"{'yes' if ratio('cold1', 1) < 1 else 'NO'} (CPU); "
            f"warm < 1 ms/photo: {'yes' if med('warm', 0) < 1 else 'NO'}"
        )
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
