"""Benchmark of the member photo pipeline on synthetic 12-megapixel phone portraits.

Prints, from one run: the pipeline's median ms per photo with a cold cache (one process, so it
compares with a one-process decode), the same with every core, ms per photo for a warm rebuild
(cache and output up to date), and how long Pillow takes merely to decode the same files at full
size; the ratios say whether the cold pipeline costs less than a full decode (target < 1.0) and
whether a warm rebuild costs under 1 ms per photo.

    .venv/bin/python bench/photos.py            # 8 photos, 3 runs
    .venv/bin/python bench/photos.py -n 20 -r 5
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


def run_pipeline(members: list[Member], settings, workers: int) -> float:
    """Seconds for the whole pipeline: prepare (decode or cache lookup) and write the output."""
    from familiar.pages import Site

    t = time.perf_counter()
    prepared = photos.prepare(members, settings, workers=workers)
    assert not prepared.errors, prepared.errors
    site = Site(community=None, settings=settings, env=None, photos=prepared.photos)  # type: ignore[arg-type]
    out = Output(settings.output_path)
    photo_files(site, out)
    out.finish()
    return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=8, help="photos (default 8)")
    ap.add_argument("-r", "--runs", type=int, default=3, help="runs of each measure (default 3)")
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

        # every measure once per run, interleaved, so a busy machine slows them all alike
        cores = os.cpu_count() or 1
        decode: list[float] = []
        cold1: list[float] = []
        cold_all: list[float] = []
        warm: list[float] = []

        def cold(workers: int) -> float:
            shutil.rmtree(root / "cache", ignore_errors=True)
            shutil.rmtree(root / "output", ignore_errors=True)
            return run_pipeline(members, settings, workers) / args.n

        for _ in range(args.runs):
            for m in members:
                t = time.perf_counter()
                with Image.open(members_dir / m.photo) as im:
                    im.load()
                decode.append(time.perf_counter() - t)
            cold1.append(cold(1))
            cold_all.append(cold(cores))
            before = photos.stats["decoded"]
            warm.extend(run_pipeline(members, settings, cores) / args.n for _ in range(3))
            assert photos.stats["decoded"] == before, "a warm rebuild decoded photos"

        ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
        d, c1, ca, w = ms(decode), ms(cold1), ms(cold_all), ms(warm)
        print(
            f"photos: {args.n} x {WIDTH}x{HEIGHT} JPEG, {mb:.1f} MB each; runs: {args.runs}; cores: {cores}"
        )
        print(f"full-size decode (Pillow)     {d:8.1f} ms/photo  (median)")
        print(f"pipeline cold, 1 process      {c1:8.1f} ms/photo  ratio to decode {c1 / d:.2f}")
        print(
            f"pipeline cold, {cores} processes    {ca:8.1f} ms/photo  ratio to decode {ca / d:.2f}"
        )
        print(f"pipeline warm                 {w:8.3f} ms/photo  ratio to decode {w / d:.4f}")
        print(f"targets: cold/decode < 1.0: {'yes' if c1 / d < 1 else 'NO'}; "
              f"warm < 1 ms/photo: {'yes' if w < 1 else 'NO'}")  # fmt: skip
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
