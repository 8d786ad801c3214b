"""A/B of the theme: one page producer's CPU time with the theme at a git revision and with the
working tree's theme, in one process, runs interleaved; and whether both wrote the same files.

Run from a built site's folder (its pelicanconf.py; bench/site.py makes one), e.g.

    cd /tmp/fbench/familiar-10000
    /work/main/.venv/bin/python /work/main/bench/templates.py --against HEAD~1 --producer event_pages

Prints each side's median CPU seconds (min-max), the ratio new/old, and "same output" or the
files that differ. CPU time, not wall time: the machine is shared and its wall times vary.
"""

from __future__ import annotations

import argparse
import filecmp
import io
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def theme_at(rev: str, into: Path) -> Path:
    """The repository's theme/ folder as it was at `rev`, unpacked under `into`."""
    data = subprocess.run(
        ["git", "-C", str(REPO), "archive", rev, "theme"], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into / "theme"


def differing(a: Path, b: Path) -> list[str]:
    """Output-relative paths of files that differ or are only on one side."""
    out: list[str] = []

    def walk(cmp: filecmp.dircmp, prefix: str) -> None:
        out.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.diff_files)
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(a, b), "")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--against", default="HEAD", help="git revision of the old theme")
    ap.add_argument("--producer", default="event_pages", help="a name in pages.PRODUCERS")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    sys.path.insert(0, "plugins")
    from familiar import pages
    from familiar.output import Output
    from familiar.settings import read_settings
    from pelican.settings import read_settings as pelican_settings

    settings = replace(read_settings(pelican_settings("pelicanconf.py")), workers=1)
    site = pages.build_site(settings)
    pages.warm_up(site)
    produce = {p.__name__: p for p in pages.PRODUCERS}[args.producer]
    with tempfile.TemporaryDirectory() as tmp:
        old_theme = theme_at(args.against, Path(tmp))
        envs = {
            "old": pages.make_env(replace(settings, theme_path=old_theme)),
            "new": pages.make_env(settings),
        }
        times: dict[str, list[float]] = {"old": [], "new": []}
        for _ in range(args.runs):
            for side, env in envs.items():
                site.env = env
                site._memo.clear()
                folder = Path(tmp) / side
                shutil.rmtree(folder, ignore_errors=True)
                started = time.process_time()
                produce(site, Output(folder))
                times[side].append(time.process_time() - started)
        for side, ts in times.items():
            print(
                f"{args.producer} {side} ({args.against if side == 'old' else 'working tree'}): "
                f"median {statistics.median(ts):.3f} s CPU ({min(ts):.3f}-{max(ts):.3f}), "
                f"{len(ts)} runs"
            )
        ratio = statistics.median(times["new"]) / statistics.median(times["old"])
        print(f"ratio new/old: {ratio:.3f}")
        diff = differing(Path(tmp) / "old", Path(tmp) / "new")
        print("same output" if not diff else f"{len(diff)} files differ, e.g. {diff[:5]}")


if __name__ == "__main__":
    main()
