"""The second lane: on a big site some producers run in a forked process beside the rest
(pages.LANE). The site it builds is the one a build in one process makes, byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from familiar import pages
from familiar.output import MANIFEST


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def build_fresh(site, **overrides) -> dict[str, bytes]:
    shutil.rmtree(site.output, ignore_errors=True)
    (site.root / ".familiar-cache" / "build-stamp.json").unlink(missing_ok=True)
    (site.root / ".familiar-cache" / "pages.json").unlink(missing_ok=True)
    site.build(**overrides)
    return tree(site.output)


def test_a_build_in_two_lanes_makes_the_same_site(demo_site, monkeypatch, caplog):
    events = demo_site.root / ".familiar-cache" / "quick-events"
    one = build_fresh(demo_site, FAMILIAR_WORKERS=1)
    kept = {p.name: p.read_bytes() for p in events.iterdir()}
    shutil.rmtree(events)
    monkeypatch.setattr(pages, "LANE_FROM", 1)
    caplog.set_level("INFO")
    two = build_fresh(demo_site, FAMILIAR_WORKERS=2)
    # the records quick rebuilds keep of each event's people are written by the lane
    assert len(kept) > 2 and sorted(p.name for p in events.iterdir()) == sorted(kept)
    assert "second lane (photo_files, directory_pages, taxonomy_pages, event_pages" in caplog.text
    assert sorted(two) == sorted(one)
    assert [rel for rel in one if one[rel] != two[rel]] == []
    # the lane's files are in the manifest (so stale ones are removed later) and in the sitemap
    manifest = (demo_site.output / MANIFEST).read_text()
    for rel in ("index.html", "events/index.html", "interests/index.html"):
        assert f'"{rel}"' in manifest
    assert any(rel.endswith(".vcf") and f'"{rel}"' in manifest for rel in two)


def test_the_lane_reads_photos_from_the_cache_not_the_output_folder(demo_site, monkeypatch):
    """Social cards drawn and vCards made in the lane take the faces from the photo cache, not
    from the output folder's copies. Here the photos are linked only after the lane has
    finished, by the first process, into a fresh output folder with no social cards kept: the
    site is still the one-process build's."""
    social = demo_site.root / ".familiar-cache" / "social"
    shutil.rmtree(social, ignore_errors=True)
    one = build_fresh(demo_site, FAMILIAR_WORKERS=1)
    monkeypatch.setattr(pages, "LANE_FROM", 1)
    monkeypatch.setattr(pages, "LANE", tuple(n for n in pages.LANE if n != "photo_files"))
    order = [p for p in pages.PRODUCERS if p.__name__ != "photo_files"]
    after = [p.__name__ for p in order].index(pages.LANE_BEFORE)  # the lane is joined there
    monkeypatch.setattr(pages, "PRODUCERS", [*order[: after + 1], pages.photo_files,
                                             *order[after + 1 :]])  # fmt: skip
    shutil.rmtree(social)
    two = build_fresh(demo_site, FAMILIAR_WORKERS=2)
    assert [rel for rel in one if one[rel] != two.get(rel)] == [] and sorted(two) == sorted(one)
    # what is compared: cards drawn with faces, vCards with photos
    assert sum(b"PHOTO;ENCODING=b" in data for rel, data in two.items() if rel.endswith(".vcf")) > 5
    assert len(list(social.glob("*.jpg"))) > 5


def test_a_rebuild_in_two_lanes_keeps_what_did_not_change(demo_site, monkeypatch):
    monkeypatch.setattr(pages, "LANE_FROM", 1)
    demo_site.build(FAMILIAR_WORKERS=2)
    vcards = sorted(demo_site.output.rglob("*.vcf"))
    before = {p: p.stat().st_mtime_ns for p in vcards}
    # any input change makes a full build; a touched profile changes no page
    profile = next((demo_site.content / "members").glob("*.md"))
    profile.write_text(profile.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    demo_site.build(FAMILIAR_WORKERS=2)
    assert {p: p.stat().st_mtime_ns for p in vcards} == before
    # the page keys the lane recorded were kept for the next build
    keys = json.loads((demo_site.root / ".familiar-cache" / "pages.json").read_text())["keys"]
    for p in vcards + [demo_site.output / "events" / "index.html"]:
        assert p.relative_to(demo_site.output).as_posix() in keys


class Broken(Exception):
    pass


def test_a_producer_failing_in_the_lane_fails_the_build(demo_site, monkeypatch):
    def vcards_then_fail(site, out) -> None:
        raise Broken("made to fail in the second lane")

    monkeypatch.setattr(pages, "LANE_FROM", 1)
    monkeypatch.setattr(pages, "LANE", (*pages.LANE, "vcards_then_fail"))
    monkeypatch.setattr(pages, "PRODUCERS", [*pages.PRODUCERS, vcards_then_fail])
    # PRODUCERS keeps its order: the failing producer comes after the sitemap, so the lane must
    # also run ahead of it; put it just after the vCards
    names = [p.__name__ for p in pages.PRODUCERS]
    order = pages.PRODUCERS[:]
    order.remove(vcards_then_fail)
    order.insert(names.index("vcards") + 1, vcards_then_fail)
    monkeypatch.setattr(pages, "PRODUCERS", order)
    with pytest.raises(Broken, match="second lane"):
        demo_site.build(FAMILIAR_WORKERS=2)
    assert not (demo_site.root / ".familiar-cache" / "build-stamp.json").exists()


def test_member_pages_made_by_a_worker_send_their_rendered_bios_back(demo_site, monkeypatch):
    """Member pages are rendered in a worker process when there are many; the bios it renders
    come back to the build, which shows them again in directory.json without rendering them a
    second time. The site is the one a build in one process makes."""
    from familiar import text

    one = build_fresh(demo_site, FAMILIAR_WORKERS=1)
    monkeypatch.setattr(pages, "PARALLEL_FROM", 1)
    monkeypatch.setattr(pages, "LANE_FROM", 1)
    monkeypatch.setattr(text, "_rendered", {})  # nothing kept from the first build
    (demo_site.root / ".familiar-cache" / "markdown.json").unlink()
    here: list[str] = []  # what this process renders (the worker renders in its own)
    render = text._render
    monkeypatch.setattr(text, "_render", lambda source: here.append(source) or render(source))
    two = build_fresh(demo_site, FAMILIAR_WORKERS=2)
    assert [rel for rel in one if one[rel] != two.get(rel)] == [] and sorted(two) == sorted(one)
    from familiar.loading import load_file

    profiles = sorted((demo_site.content / "members").glob("*.md"))
    bios = {load_file(p)[0].body.strip() for p in profiles} - {""}
    assert len(bios) > 5 and here  # this process rendered events' descriptions, but no bio
    assert [source for source in here if source.strip() in bios] == []


def test_profiles_parsed_by_workers_are_all_kept_in_the_cache(demo_site, monkeypatch):
    """With many profiles to parse, worker processes parse them and each saves its own shards
    of the profile cache. Every profile is in the cache after, the next build parses none,
    and the site is the one-process build's."""
    from familiar import community, loading
    from familiar.settings import read_settings

    cache = demo_site.root / ".familiar-cache" / "profiles"
    one = build_fresh(demo_site, FAMILIAR_WORKERS=1)
    shutil.rmtree(cache)
    monkeypatch.setattr(community, "PARALLEL_FROM", 2)  # workers for two profiles or more
    two = build_fresh(demo_site, FAMILIAR_WORKERS=2)
    assert [rel for rel in one if one[rel] != two.get(rel)] == [] and sorted(two) == sorted(one)
    settings = read_settings(demo_site.settings())
    kept = community.ProfileCache(settings.cache_path, {"timezone": settings.timezone}).old
    profiles = loading.find_content_files(settings.members_path)
    assert len(profiles) > 10 and sorted(kept) == sorted(str(p) for p in profiles)
    assert len(list(cache.glob("*.pickle"))) > 2  # written by both workers
    parsed: list[Path] = []
    load = community.load_member
    monkeypatch.setattr(
        community, "load_member", lambda path, *a: parsed.append(path) or load(path, *a)
    )
    assert build_fresh(demo_site, FAMILIAR_WORKERS=2) == one and parsed == []


def test_loading_workers_draw_the_qr_codes_of_member_pages(demo_site, monkeypatch):
    """Published at an absolute address, a build whose loading workers parse the profiles has
    them draw the QR codes of the member pages too (into the cache), so the member pages,
    made later in one process, draw none. The site is the one a build in one process makes."""
    from familiar import community, qrcodes

    address = "https://circle.example"
    qr_cache = demo_site.root / ".familiar-cache" / "qr"
    one = build_fresh(demo_site, FAMILIAR_WORKERS=1, SITEURL=address)
    drawn_by_one = sorted(p.name for p in qr_cache.glob("*.svg"))
    assert len(drawn_by_one) > 10
    shutil.rmtree(qr_cache)
    shutil.rmtree(demo_site.root / ".familiar-cache" / "profiles")
    monkeypatch.setattr(community, "PARALLEL_FROM", 2)  # workers for two profiles or more
    here: list[str] = []  # codes drawn in this process (the workers draw in their own)
    draw = qrcodes.qr_svg
    monkeypatch.setattr(
        qrcodes, "qr_svg", lambda text, title: here.append(text) or draw(text, title)
    )
    two = build_fresh(demo_site, FAMILIAR_WORKERS=2, SITEURL=address)
    assert [rel for rel in one if one[rel] != two.get(rel)] == [] and sorted(two) == sorted(one)
    assert sorted(p.name for p in qr_cache.glob("*.svg")) == drawn_by_one
    assert here == []
    member_pages = [rel for rel in two if rel.startswith("members/") and rel.endswith(".html")]
    assert all(b'class="qr"' in two[rel] for rel in member_pages) and member_pages


EXIT_PROBE = """
import atexit, gc, sys
# registered before the build, so run after any exit handler the build registers
atexit.register(lambda: print("frozen at exit:", gc.get_freeze_count() > 0, flush=True))
sys.path.insert(0, "plugins")
import familiar.generator
familiar.generator.FREEZE_FROM = 1  # the demo site stands for a big one
from pelican import main
main()
"""


def test_a_good_build_exits_without_the_last_collection_and_a_bad_one_still_fails(demo_site):
    """After a good (big) build every object is frozen at exit (lanes.freeze_at_exit),
    so the interpreter's last garbage collection skips the site's web of cycles; the build's
    files are all there and its exit status is 0. A build that fails still exits with 1."""
    import subprocess
    import sys

    def pelican() -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-c", EXIT_PROBE, "content", "-s", "pelicanconf.py", "-o", "output"],
            cwd=demo_site.root,
            capture_output=True,
            text=True,
            timeout=300,
        )

    good = pelican()
    assert good.returncode == 0, good.stderr
    assert "frozen at exit: True" in good.stdout
    assert len(list((demo_site.output / "members").glob("*/index.html"))) > 10
    # the last files a build writes: the stamp, then (at Pelican's `finalized`) the records
    cache = demo_site.root / ".familiar-cache"
    assert (cache / "build-stamp.json").is_file() and (cache / "quick-base.pickle").is_file()
    members = sorted(p.stem for p in (demo_site.content / "members").glob("*.md"))
    demo_site.member(members[0], "name: [not, a, name]\nemail: nobody")
    bad = pelican()
    assert bad.returncode == 1 and "frozen at exit: False" in bad.stdout
    assert f"content/members/{members[0]}.md" in bad.stderr + bad.stdout


def test_a_full_build_holds_what_it_loaded_frozen_and_lets_go_after(demo_site, monkeypatch):
    """While a full build writes its pages, what it loaded (the members among it) is frozen, so
    the collector passes over it (lanes.hold_frozen), and collecting is on. After the build,
    good or failed, nothing it froze stays frozen: a process that builds again (pelican
    --autoreload, this test run) can free the last build's objects."""
    import gc

    before = gc.get_freeze_count()
    seen: list[tuple[bool, bool, int]] = []

    def spy(site, out) -> None:
        live = {id(o) for o in gc.get_objects()}  # every generation but the frozen objects
        members = site.community.published
        seen.append((gc.isenabled(), any(id(m) in live for m in members), len(members)))

    # first, before any producer forks (forking freezes everything too, lanes.fork_frozen), and
    # last, after the badges were drawn in forked children
    monkeypatch.setattr(pages, "PRODUCERS", [spy, *pages.PRODUCERS, spy])
    demo_site.build()
    assert seen == [(True, False, seen[0][2])] * 2 and seen[0][2] > 10
    assert gc.get_freeze_count() == before

    def failing(site, out) -> None:
        raise RuntimeError("a producer failed")

    monkeypatch.setattr(pages, "PRODUCERS", [*pages.PRODUCERS, failing])
    with pytest.raises(RuntimeError, match="a producer failed"):
        build_fresh(demo_site)
    assert gc.get_freeze_count() == before
