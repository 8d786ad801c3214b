"""How fast could any Python build of this site be here? Floors measured beside Hugo, same run.

    .venv/bin/python bench/floor.py                  # N = 10,000, 5 runs each
    .venv/bin/python bench/floor.py --n 1000 --runs 3 --dir /tmp/familiar-bench

Uses the community bench/site.py made in --dir (it runs bench/site.py's preparation if there is
none). The target of issue 10 is a cold build of N members no slower than Hugo's cold build of
N plain pages (hugo-cold). This measures, interleaved with hugo-cold and familiar-cold, what a
build that makes Familiar's pages cannot avoid, whatever its code, with two processes on the
machine's cores:

  pelican-start  `pelican --version`: the interpreter and Pelican's imports (the site builds
                 with Pelican's own command: DESIGN.md)
  floor-parse    reading every profile, its YAML parsed to events by libyaml and its bio made
                 HTML by cmark and cleaned by nh3, in two processes: no checks, no models
  floor-write    writing the files of familiar-cold's output into a new folder, their bytes
                 already in memory, its photos and social card images hard-linked (as the build
                 links them from its cache), in two processes split as the build splits them

and prints their medians, their sum, and what the sum leaves of hugo-cold's time for the rest:
checking the profiles, working out listings and events, and rendering every page and file.
The two floor-* rows time their two processes only (their wall time from the forks to the last
exit, and those processes' CPU): not the interpreter's start, which pelican-start counts, nor
reading beforehand the files floor-write writes.
Nothing it deletes is deleted while it runs (bench/site.py --settle says why).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

# bench/site.py, loaded by its path: `import site` is the standard library's module
_spec = importlib.util.spec_from_file_location("bench_site", Path(__file__).with_name("site.py"))
assert _spec is not None and _spec.loader is not None
bench_site = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench_site)

LINKED = ("photos/", "social/")  # the build links these from its caches
T = TypeVar("T")


def in_two(work: list[T], do: Callable[[T], None]) -> tuple[float, float, float]:
    """`do(share)` for each of `work`'s shares in a forked process of its own, at once: the
    wall seconds from the forks to the last exit, and the processes' user and system seconds."""
    started = time.perf_counter()
    children = []
    for share in work:
        pid = os.fork()
        if pid == 0:
            do(share)
            os._exit(0)
        children.append(pid)
    for pid in children:
        _, status = os.waitpid(pid, 0)
        if status:
            raise SystemExit(f"a floor process failed ({status})")
    wall = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, usage.ru_utime, usage.ru_stime


def parse_floor(members: Path) -> tuple[float, float, float]:
    """floor-parse: the profiles read, their YAML parsed and bios rendered, in two processes."""
    import cmarkgfm
    import nh3
    import yaml

    cleaner = nh3.Cleaner()

    def parse(names: list[str]) -> None:
        for name in names:
            text = (members / name).read_text(encoding="utf-8")
            _, front, body = text.split("---\n", 2)
            for _event in yaml.parse(front, Loader=yaml.CSafeLoader):
                pass
            cleaner.clean(cmarkgfm.markdown_to_html(body))

    names = sorted(n for n in os.listdir(members) if n.endswith(".md"))
    return in_two([names[::2], names[1::2]], parse)


def write_floor(output: Path, into: Path) -> tuple[float, float, float]:
    """floor-write: the files of `output` made again in `into`, in two processes: one links the
    photos and social card images and writes a quarter of the other files (as the build's second
    lane links the photos and writes about that share), the other writes the rest. The files
    are read before the processes start, and not timed."""
    linked: list[tuple[str, bytes | None]] = []
    written: list[tuple[str, bytes | None]] = []
    for folder, _, names in os.walk(output):
        for name in names:
            rel = os.path.relpath(os.path.join(folder, name), output)
            if rel.startswith(LINKED):
                linked.append((rel, None))
            else:
                written.append((rel, (output / rel).read_bytes()))
    quarter = len(written) // 4

    def write(files: list[tuple[str, bytes | None]]) -> None:
        made: set[str] = set()
        for rel, data in files:
            target = os.path.join(into, rel)
            parent = os.path.dirname(target)
            if parent not in made:
                os.makedirs(parent, exist_ok=True)
                made.add(parent)
            if data is None:
                os.link(output / rel, target)
            else:
                with open(target, "wb") as f:
                    f.write(data)

    return in_two([linked + written[:quarter], written[quarter:]], write)


def timed_child(cmd: list[str], cwd: Path) -> bench_site.Run:
    """A floor run in a process of its own that times its forked part itself (in_two)."""
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    wall, user, system = json.loads(done.stdout)
    return bench_site.Run(wall, 0.0, user, system)


def main() -> None:
    parser = argparse.ArgumentParser(description="floors of a Python build beside Hugo")
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/familiar-bench"))
    parser.add_argument("--parse", type=Path, help=argparse.SUPPRESS)  # a timed child's work
    parser.add_argument("--write", type=Path, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.parse or args.write:  # a floor run (timed_child)
        print(json.dumps(parse_floor(args.parse) if args.parse else write_floor(*args.write)))
        return

    trash = bench_site.Trash(args.dir, settle=True)
    fam = args.dir / f"familiar-{args.n}"
    hugo = args.dir / f"hugo-{args.n}"
    if not (fam / "output").is_dir() or not (hugo / "content").is_dir():
        print(f"preparing N={args.n} ...", file=sys.stderr, flush=True)
        bench_site.prepare(args.dir, args.n, trash, reuse=True)
    hugo_bin = bench_site.hugo_binary()
    me = [sys.executable, __file__]
    rows: dict[str, list[bench_site.Run]] = {}
    copy = args.dir / "floor-write"
    for r in range(args.runs):
        print(f"  N={args.n} run {r + 1}/{args.runs}", file=sys.stderr, flush=True)
        bench_site.clear_familiar(fam, trash)
        rows.setdefault("familiar-cold", []).append(bench_site.run(bench_site.familiar_cmd(), fam))
        trash.put(hugo / "public")
        rows.setdefault("hugo-cold", []).append(
            bench_site.run([hugo_bin, "--quiet", "-d", "public"], hugo)
        )
        rows.setdefault("pelican-start", []).append(
            bench_site.run([str(bench_site.VENV_BIN / "pelican"), "--version"], fam)
        )
        rows.setdefault("floor-parse", []).append(
            timed_child([*me, "--parse", str(fam / "content" / "members")], fam)
        )
        trash.put(copy)
        rows.setdefault("floor-write", []).append(
            timed_child([*me, "--write", str(fam / "output"), str(copy)], fam)
        )
    files = sum(len(names) for _, _, names in os.walk(fam / "output"))
    trash.put(copy)
    started = time.perf_counter()
    trash.empty()
    print(f"(deleted what the runs replaced in {time.perf_counter() - started:.1f} s)")

    medians = {what: statistics.median(x.wall for x in runs) for what, runs in rows.items()}
    hugo_s = medians["hugo-cold"]
    print(f"\nN = {args.n:,}, {args.runs} runs, {files:,} files in familiar-cold's output")
    print(f"{'what':<16}{'median s':>10}{'min-max':>14}{'user':>7}{'sys':>7}{'vs hugo':>9}")
    for what, runs in rows.items():
        walls = [x.wall for x in runs]
        print(
            f"{what:<16}{medians[what]:>10.2f}{min(walls):>8.2f}-{max(walls):<5.2f}"
            f"{statistics.median(x.user for x in runs):>7.1f}"
            f"{statistics.median(x.system for x in runs):>7.1f}"
            f"{medians[what] / hugo_s:>9.2f}"
        )
    floor = medians["pelican-start"] + medians["floor-parse"] + medians["floor-write"]
    print(
        f"\nfloor (pelican-start + floor-parse + floor-write): {floor:.2f} s, "
        f"{floor / hugo_s:.2f} of hugo-cold"
    )
    print(
        f"left of hugo-cold's {hugo_s:.2f} s for checks, listings and rendering every page: "
        f"{hugo_s - floor:.2f} s; familiar-cold spends {medians['familiar-cold'] - floor:.2f} s"
    )


if __name__ == "__main__":
    main()
