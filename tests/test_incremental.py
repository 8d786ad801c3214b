"""Rebuilds: a build with nothing changed writes nothing; any change to an input or an output
file makes the build run in full again."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

NOTHING = "nothing changed since the last build"
ATTENDS = "interests: [Kayaking]\nattending: [meetup]\n"


def skipped(site, **overrides) -> bool:
    """Whether `site.build(**overrides)` stopped early: a full build writes a new stamp (Pelican's log filter
    drops a message it has seen before in this process, so the log cannot tell)."""
    stamp = site.root / ".familiar-cache" / "build-stamp.json"

    def state():
        return (stamp.stat().st_ino, stamp.stat().st_mtime_ns) if stamp.exists() else None

    before = state()
    site.build(**overrides)
    return before is not None and state() == before


@pytest.fixture
def two(site):
    site.member("ann", f"name: Ann Keep\n{ATTENDS}")
    site.member("bob", f"name: Bob Change\n{ATTENDS}")
    site.event(
        "meetup",
        "title: Meetup\nstart: 2026-12-03 18:00\nend: 2026-12-03 20:00\n"
        "venue: {name: The Hall, address: 1 Quay Street}\n",
    )
    site.build()
    return site


def test_a_build_with_nothing_changed_writes_nothing(two):
    before = two.mtimes()
    assert skipped(two)
    assert two.mtimes() == before


def test_an_edited_profile_is_built(two):
    two.member("bob", f"name: Bob Changed\n{ATTENDS}")
    assert not skipped(two)
    assert "Bob Changed" in two.html("members/bob/").get_text()
    assert "Bob Changed" in two.html("interests/kayaking/").get_text()
    assert skipped(two)


def test_a_touched_profile_builds_again_and_writes_nothing_new(two):
    before = two.mtimes()
    path = two.content / "members" / "ann.md"
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert not skipped(two)
    assert two.mtimes() == before


def test_a_deleted_or_edited_output_file_is_made_again(two):
    page = two.output / "members" / "ann" / "index.html"
    good = page.read_bytes()
    page.unlink()
    assert not skipped(two)
    assert page.read_bytes() == good
    page.write_bytes(good.replace(b"Ann Keep", b"Ann Kept"))  # same length, by hand
    assert not skipped(two)
    assert page.read_bytes() == good


def test_one_deleted_file_of_an_event_is_made_again(two):
    # an event's four files share one key: the others are fresh, this one is not
    faces = two.output / "events" / "meetup" / "faces" / "index.html"
    good = faces.read_bytes()
    faces.unlink()
    assert not skipped(two)
    assert faces.read_bytes() == good


def test_a_new_day_or_other_settings_build_again(two):
    assert not skipped(two, FAMILIAR_TODAY="2026-12-10")
    text = two.html("events/").get_text()
    assert "Past" in text or "past" in text
    assert not skipped(two, FAMILIAR_TODAY="2026-12-10", SITENAME="Other")
    assert skipped(two, FAMILIAR_TODAY="2026-12-10", SITENAME="Other")


def test_a_template_change_builds_again(two, tmp_path):
    import shutil

    repo = Path(__file__).resolve().parent.parent
    theme = tmp_path / "theme"
    shutil.copytree(repo / "theme", theme)
    assert not skipped(two, THEME=str(theme))
    assert skipped(two, THEME=str(theme))
    member = theme / "templates" / "familiar" / "member.html"
    member.write_text(
        member.read_text().replace("{% block content %}", "{% block content %}<p id=x>Hi</p>", 1)
    )
    assert not skipped(two, THEME=str(theme))
    assert two.html("members/ann/").select_one("#x") is not None


def test_warnings_are_repeated_when_nothing_changed(two):
    from PIL import Image

    Image.new("RGB", (120, 120), (200, 90, 40)).save(two.content / "members" / "cat.jpg")
    two.member("cat", "name: Cat\nphoto: cat.jpg\n")
    pelican = [
        sys.executable,
        "-m",
        "pelican",
        "content",
        "-s",
        "pelicanconf.py",
        "-o",
        "output",
        "-v",
    ]
    # wide enough that the log's lines are not wrapped (and split) at the source column
    env = {**os.environ, "COLUMNS": "2000"}
    runs = [
        subprocess.run(pelican, cwd=two.root, capture_output=True, text=True, env=env) for _ in "12"
    ]
    assert [r.returncode for r in runs] == [0, 0]
    assert NOTHING not in runs[0].stdout + runs[0].stderr
    second = " ".join((runs[1].stdout + runs[1].stderr).split())
    assert NOTHING in second, second[-3000:]
    for r in runs:
        assert "cat.md:3: photo:" in r.stdout + r.stderr


def test_a_failed_build_leaves_no_stamp(two):
    bad = two.member("zed", "name: Zed\nintrests: [x]\n")
    with pytest.raises(SystemExit):
        two.build()
    bad.unlink()  # the inputs are now exactly as the last good build found them
    assert not skipped(two)
    assert skipped(two)


def fresh_site(site):
    """The site as a full build sees it, made in this process without the fragment caches."""
    from familiar.pages import build_site
    from familiar.settings import read_settings

    return build_site(read_settings(site.settings()))


def test_indexes_rebuilt_from_kept_entries_equal_indexes_made_afresh(demo_site, tmp_path):
    import json
    import shutil

    from familiar.exports import directory_data
    from familiar.search import _compact, build_index

    demo_site.build()
    jenn = demo_site.content / "members" / "jenn-morales.md"
    jenn.write_text(jenn.read_text().replace("name: Jenn Morales", "name: Jenn Moralès"))
    demo_site.build()  # every other member's entries come from the fragment caches
    shutil.rmtree(demo_site.root / ".familiar-cache")
    site = fresh_site(demo_site)
    search = (demo_site.output / "search.json").read_text(encoding="utf-8")
    assert search == _compact(build_index(site))
    assert "Jenn Moralès" in search
    directory = (demo_site.output / "directory.json").read_text(encoding="utf-8")
    assert json.loads(directory) == json.loads(json.dumps(directory_data(site)))
    assert (
        len(directory.splitlines())
        == 2 + len(site.community.listed) + 2 + len(site.community.events) + 1
    )


def test_an_edited_event_shows_on_its_attendees_pages(two):
    meetup = two.content / "events" / "meetup.md"
    meetup.write_text(meetup.read_text().replace("title: Meetup", "title: Harbour Meetup"))
    two.build()
    for slug in ("ann", "bob"):
        assert "Harbour Meetup" in two.html(f"members/{slug}/").get_text()
    assert "Harbour Meetup" in two.html("events/").get_text()


def test_caches_forget_photos_and_cards_nobody_uses(site):
    from PIL import Image

    photo = site.content / "members" / "ann.jpg"
    Image.new("RGB", (800, 800), (200, 90, 40)).save(photo)
    site.member("ann", "name: Ann\nphoto: ann.jpg")
    site.member("bob", "name: Bob")
    site.build()
    cache = site.root / ".familiar-cache"

    def cached():
        objects = {p.name for p in (cache / "photos" / "objects").glob("*/*")}
        return objects, {p.stem for p in (cache / "social").glob("*.jpg")}

    photos_before, cards_before = cached()
    assert len(photos_before) == 1 and len(cards_before) == 2
    Image.new("RGB", (800, 800), (40, 90, 200)).save(photo)  # a new photo, same name
    site.build()
    photos_after, cards_after = cached()
    assert len(photos_after) == 1 and photos_after != photos_before
    assert len(cards_after) == 2 and len(cards_after & cards_before) == 1  # Bob's card stays
    page = site.html("members/ann/")
    for img in page.select("img[src*='photos/']"):
        assert (site.output / img["src"].lstrip("/")).is_file()


def test_the_photo_index_forgets_photos_renamed_or_removed(site):
    """Every build reads the photo index: a photo replaced by one of another type leaves no
    entry behind for its old name, nor a member who left for theirs."""
    import json

    from PIL import Image

    for name in ("ann", "bob"):
        Image.new("RGB", (600, 600), (200, 90, 40)).save(site.content / "members" / f"{name}.jpg")
        site.member(name, f"name: {name.title()}\nphoto: {name}.jpg")
    site.build()
    index = site.root / ".familiar-cache" / "photos" / "index.json"

    def names() -> list[str]:
        return sorted(Path(p).name for p in json.loads(index.read_text()))

    assert names() == ["ann.jpg", "bob.jpg"]
    (site.content / "members" / "ann.jpg").unlink()
    Image.new("RGB", (600, 600), (40, 90, 200)).save(site.content / "members" / "ann.png")
    site.member("ann", "name: Ann\nphoto: ann.png")
    (site.content / "members" / "bob.md").unlink()
    site.build()
    assert names() == ["ann.png"]
    assert site.html("members/ann/").select_one("img.photo") is not None


def test_listing_pages_made_from_kept_cards_equal_a_full_build(site, tmp_path):
    """Cards' HTML is kept between builds by each card's key (listings.card_html). A member
    added at the top makes every directory page again, mostly from kept cards, while another
    member's card changes in the same build; a member who leaves the listings has their cards
    forgotten. Each build equals a full build of the same content."""
    from .quick_kit import assert_same_as_a_full_build, was_quick

    small = {"FAMILIAR_PAGE_SIZE": 3, "FAMILIAR_BADGES": False}
    names = ["Bo Bell", "Cy Cole", "Di Dunn", "Ed Eyre", "Flo Fox", "Gus Gray", "Hal Hart"]
    for name in names:
        site.member(name.split()[0].lower(), f"name: {name}\nbusiness: Shop\ninterests: [chess]")
    site.build(**small)
    kept = site.root / ".familiar-cache" / "fragments-cards.tsv"

    def cards() -> set[str]:
        lines = kept.read_text(encoding="utf-8").splitlines()[1:-1]  # no print, no signature
        return {line.split("\t")[0] for line in lines}

    slugs = [name.split()[0].lower() for name in names]
    # kept by slug and lazy loading ("ed 0": three a page, none loads lazily)
    assert {c.split()[0] for c in cards()} == set(slugs)
    site.member("al", "name: Al Ames\ninterests: [chess]")
    site.member("ed", "name: Ed Eyre\nbusiness: Bakery\ninterests: [chess]")
    assert not was_quick(site, **small)
    assert "Bakery" in site.html("page/2/").select_one('[data-slug="ed"]').get_text()
    assert_same_as_a_full_build(site, tmp_path / "one", **small)
    assert {c.split()[0] for c in cards()} == {"al", *slugs}
    site.member("cy", "name: Cy Cole\nvisibility: unlisted\ninterests: [chess]")
    site.build(**small)
    assert_same_as_a_full_build(site, tmp_path / "two", **small)
    assert {c.split()[0] for c in cards()} == {"al", *slugs} - {"cy"}


def test_cached_html_is_used_only_from_files_signed_here(site, tmp_path):
    """Kept cards' HTML and rendered bios go into pages as they are. Cache files put there any
    other way (say, in a pull request), in the right format but not signed with this machine's
    key, are not used: the pages are made again, as a fresh build makes them."""
    import json

    from familiar.signing import MAC_BYTES

    from .quick_kit import assert_same_as_a_full_build

    for slug in ("ann", "bob", "cy"):
        site.member(slug, f"name: {slug.title()} Ames\ninterests: [chess]", bio=f"I am **{slug}**.")
    site.build()
    cache = site.root / ".familiar-cache"
    script = "<script>alert(1)</script>"
    cards = cache / "fragments-cards.tsv"
    lines = cards.read_text(encoding="utf-8").splitlines()
    forged = [lines[0]] + [
        "\t".join([*line.split("\t")[:2], json.dumps(f"<li>{script}</li>")]) for line in lines[1:-1]
    ]
    cards.write_text("\n".join([*forged, lines[-1]]) + "\n", encoding="utf-8")  # old signature
    markdown = cache / "markdown.json"
    data = json.loads(markdown.read_bytes()[MAC_BYTES:])
    data["html"] = {key: script for key in data["html"]}
    markdown.write_text(json.dumps(data), encoding="utf-8")  # unsigned
    for name in ("build-stamp.json", "pages.json"):  # every page made again, with the caches
        (cache / name).unlink()
    site.build()
    assert not [p for p in site.output.rglob("*.html") if "alert(1)" in p.read_text("utf-8")]
    assert_same_as_a_full_build(site, tmp_path)
