"""Quick rebuilds (plugins/familiar/quick.py): a bio edit makes the member's own files again
without loading the community, and the result is what a full build makes, byte for byte."""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import pytest
from familiar.errors import ContentErrors

from .conftest import ScratchSite

PDF = "badges.pdf"  # two full builds differ here too (font subsets); a quick build never writes one


def was_quick(site: ScratchSite, **overrides) -> bool:
    """Build; whether the build was a quick one: it saved a new stamp but left the base record,
    which only a full build writes."""
    cache = site.root / ".familiar-cache"
    base, stamp = cache / "quick-base.pickle", cache / "build-stamp.json"

    def state(path: Path) -> tuple[int, int] | None:
        return (path.stat().st_ino, path.stat().st_mtime_ns) if path.exists() else None

    base_before, stamp_before = state(base), state(stamp)
    site.build(**overrides)
    return base_before is not None and state(base) == base_before and state(stamp) != stamp_before


def add_to_bio(site: ScratchSite, slug: str, text: str, suffix: str = ".md") -> None:
    path = site.content / "members" / f"{slug}{suffix}"
    body = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(body + f"\n\n{text}\n" if suffix == ".md" else body + f" {text}\n", "utf-8")


def assert_same_as_a_full_build(site: ScratchSite, tmp_path: Path, **overrides) -> None:
    """Every output file is byte for byte what a full build of the same content makes."""
    fresh = ScratchSite.create(tmp_path / "full", content=site.content)
    fresh.build(**overrides)
    assert site.files() == fresh.files()
    differ = [
        rel
        for rel in fresh.files()
        if not rel.endswith(PDF)
        and (site.output / rel).read_bytes() != (fresh.output / rel).read_bytes()
    ]
    assert differ == []


@pytest.fixture
def demo(demo_site: ScratchSite) -> ScratchSite:
    demo_site.build()
    assert (demo_site.root / ".familiar-cache" / "quick-base.pickle").is_file()
    return demo_site


def test_a_bio_edit_rewrites_only_the_members_files_and_matches_a_full_build(demo, tmp_path):
    before = demo.mtimes()
    # listed, with a photo, in the members feed; unlisted; hidden; and a YAML profile
    add_to_bio(demo, "jenn-morales", "Now also *roasting* coffee on Fridays.")
    add_to_bio(demo, "darnell-brooks", "Unlisted, and still editing.")
    add_to_bio(demo, "noor-rahman", "Hidden: nothing of this is published.")
    assert was_quick(demo)
    after = demo.mtimes()
    changed = sorted(rel for rel in after if after[rel] != before.get(rel))
    assert changed == [
        "directory.json",
        "feeds/members.atom",
        "members/darnell-brooks/index.html",
        "members/jenn-morales/index.html",
    ]
    page = demo.html("members/jenn-morales/").select_one(".bio").decode_contents()
    assert "<em>roasting</em>" in page
    assert "Unlisted, and still editing." not in (demo.output / "directory.json").read_text()
    assert not any("Hidden: nothing" in (demo.output / rel).read_text("utf-8", "replace")
                   for rel in demo.files())  # fmt: skip
    assert_same_as_a_full_build(demo, tmp_path)


def test_contact_fields_are_quick_too_and_reach_the_vcard(demo, tmp_path):
    """The website, the e-mail address (and whether to show it) and what a member is looking
    for show only in their own files; showing the address and hiding it again are both quick,
    and the hidden address is gone from every file."""
    path = demo.content / "members" / "zoe-lefevre.md"
    good = path.read_text(encoding="utf-8")
    front, body = good.split("\n---\n", 1)
    edited = front.replace("https://lefevreboulangerie.example", "https://boulangerie.example")
    edited = edited.replace("Someone who can fix a 40-year-old deck oven", "a second oven")
    before = demo.mtimes()
    path.write_text(edited + "\nshow_email: true\n---\n" + body, encoding="utf-8")
    assert was_quick(demo)
    after = demo.mtimes()
    assert sorted(rel for rel in after if after[rel] != before.get(rel)) == [
        "directory.json",
        "members/zoe-lefevre/index.html",
        "members/zoe-lefevre/zoe-lefevre.vcf",
    ]
    vcf = (demo.output / "members/zoe-lefevre/zoe-lefevre.vcf").read_text("utf-8")
    assert "EMAIL;TYPE=INTERNET:bonjour@lefevreboulangerie.example" in vcf
    assert "URL;TYPE=WORK:https://boulangerie.example" in vcf
    assert "a second oven" in demo.html("members/zoe-lefevre/").get_text()
    assert_same_as_a_full_build(demo, tmp_path / "shown")

    path.write_text(edited + "\n---\n" + body, encoding="utf-8")  # the address hidden again
    assert was_quick(demo)
    assert not [rel for rel in demo.files()
                if b"bonjour@" in (demo.output / rel).read_bytes()]  # fmt: skip
    assert_same_as_a_full_build(demo, tmp_path / "hidden")


def test_quick_rebuilds_in_a_row_then_nothing_changed(demo, tmp_path):
    add_to_bio(demo, "chen-wei", "", suffix=".yaml")  # a touch that changes no byte
    before = demo.mtimes()
    assert was_quick(demo)
    assert demo.mtimes() == before
    for n in range(3):
        add_to_bio(demo, "zoe-lefevre", f"Edit number {n}.")
        assert was_quick(demo)
    assert "Edit number 2." in demo.html("members/zoe-lefevre/").get_text()
    before = demo.mtimes()
    demo.build()  # nothing changed since: the output is left alone
    assert demo.mtimes() == before
    assert_same_as_a_full_build(demo, tmp_path)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("name: Jenn Morales", "name: Jenn Moralès"),  # shows on cards, badges, events
        ("category: Marketing", "category: Advertising"),  # term pages
        ("known_as: Jenn", "show_email: false\nknown_as: Jenn"),  # later lines move
    ],
)
def test_an_edit_beyond_the_bio_builds_in_full(demo, tmp_path, old, new):
    path = demo.content / "members" / "jenn-morales.md"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    add_to_bio(demo, "jenn-morales", "And a new line of bio.")
    assert not was_quick(demo)
    assert_same_as_a_full_build(demo, tmp_path)


def test_a_bio_with_a_problem_is_reported_in_full(demo):
    path = demo.content / "members" / "zoe-lefevre.md"
    good = path.read_text(encoding="utf-8")
    path.write_text(good + "x" * 5001 + "\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as info:
        demo.build()
    assert any("zoe-lefevre.md" in str(e) and "bio" in str(e) for e in info.value.errors)
    path.write_text(good, encoding="utf-8")
    assert not was_quick(demo)  # the failed build left no record to be quick from


def test_a_file_removed_from_the_output_folder_makes_the_build_full(demo):
    page = demo.output / "members" / "priya-sharma" / "index.html"
    good = page.read_bytes()
    page.unlink()
    add_to_bio(demo, "jenn-morales", "One more line.")
    assert not was_quick(demo)
    assert page.read_bytes() == good


def test_an_index_edited_by_hand_in_place_makes_the_build_full(demo):
    """directory.json changed by hand, its size and time put back: the quick rebuild cannot
    find the member's line, and the build runs in full and puts the file right."""
    index = demo.output / "directory.json"
    good, st = index.read_bytes(), index.stat()
    index.write_bytes(good.replace(b'{"slug": "jenn-morales"', b'{"slug": "jenn-moralez"'))
    os.utime(index, ns=(st.st_atime_ns, st.st_mtime_ns))
    add_to_bio(demo, "jenn-morales", "One more line.")
    assert not was_quick(demo)
    assert b'{"slug": "jenn-morales"' in index.read_bytes()
    assert b"jenn-moralez" not in index.read_bytes()


def test_more_than_profiles_changed_makes_the_build_full(demo):
    event = demo.content / "events" / "friday-patio-2026-12-04.md"
    event.write_text(event.read_text(encoding="utf-8") + "\nBring a friend.\n", "utf-8")
    add_to_bio(demo, "jenn-morales", "One more line.")
    assert not was_quick(demo)
    assert "Bring a friend." in demo.html("events/friday-patio-2026-12-04/").get_text()


def test_a_new_profile_makes_the_build_full(demo):
    demo.member("new-person", "name: New Person")
    assert not was_quick(demo)
    assert (demo.output / "members" / "new-person" / "index.html").is_file()


def test_records_not_signed_here_are_never_loaded(demo, tmp_path):
    """A pickle that would run code, put in the cache folder (as a pull request could), is
    ignored: the build runs in full and nothing runs."""
    marker = tmp_path / "ran"

    class Boom:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    cache = demo.root / ".familiar-cache"
    for name in ("quick.pickle", "quick-base.pickle"):
        data = (cache / name).read_bytes()
        head = data[32:].split(b"\n", 2)  # the format and the inputs' hash stay as they were
        forged = b"\n".join(head[:2]) + b"\n" + pickle.dumps(Boom())
        (cache / name).write_bytes(b"\0" * 32 + forged)
    add_to_bio(demo, "jenn-morales", "Forged records are ignored.")
    assert not was_quick(demo)
    assert not marker.exists()
    assert "Forged records are ignored." in demo.html("members/jenn-morales/").get_text()


def test_compiled_templates_not_signed_here_are_never_loaded(demo):
    """Compiled code for member.html, for its real source, in the template cache but not
    signed by this machine: the template is compiled again from its source."""
    import marshal
    from hashlib import sha1

    from familiar.pages import make_env
    from familiar.settings import read_settings
    from jinja2.bccache import bc_magic

    env = make_env(read_settings(demo.settings()))
    source, filename, _ = env.loader.get_source(env, "member.html")
    evil = env.compile(source.replace("<h2>About</h2>", "<h2>FORGED</h2>"), "member.html",
                       filename)  # fmt: skip
    cache = env.bytecode_cache
    bucket = cache.folder / f"{cache.get_cache_key('member.html', filename)}.jinja"
    assert bucket.is_file()  # the real one, kept by the build
    checksum = sha1(source.encode("utf-8")).hexdigest()
    body = bc_magic + pickle.dumps(checksum, 2) + marshal.dumps(evil)
    bucket.write_bytes(b"\0" * 32 + body)
    add_to_bio(demo, "jenn-morales", "A quick rebuild renders this page.")
    assert was_quick(demo)
    text = demo.html("members/jenn-morales/").get_text()
    assert "A quick rebuild renders this page." in text
    assert "FORGED" not in text


# ---- edits to what a member's card shows (name, business, handles ...) --------------------


def edit(site: ScratchSite, slug: str, old: str, new: str) -> None:
    path = site.content / "members" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def card_pages(site: ScratchSite, slug: str) -> set[str]:
    """The term pages the member's own page links to: those that list their card."""
    links = site.html(f"members/{slug}/").select("a[href]")
    paths = [a["href"].lstrip("/").split("/") for a in links]
    return {
        "/".join(p) + "index.html"
        for p in paths
        if len(p) == 3 and p[0] in ("interests", "categories", "neighbourhoods") and p[1]
    }


HARBOUR = "events/harbour-coffee-2026-10-16/"  # past: no badges are made for it
WALK = "events/lakeshore-walk-2026-11-28/"  # cancelled: no badges either


@pytest.fixture
def elliot(demo: ScratchSite) -> ScratchSite:
    """The demo: Elliot Park comes to the harbour coffee and the walk, which show them but
    have no badges to make again."""
    return demo


def test_a_card_edit_by_a_member_at_events_without_badges_is_quick(elliot, tmp_path):
    demo = elliot
    before = demo.mtimes()
    old_card = [rel for rel in before if rel.startswith("social/members/elliot-park-")]
    edit(demo, "elliot-park", "name: Elliot Park", "name: Elliot Parkes")
    edit(demo, "elliot-park", "business: Parkside IT", "business: Parkside IT & Networks")
    edit(demo, "elliot-park", "pronouns: they/them", "pronouns: they/he")
    edit(demo, "elliot-park", "@elliot@infosec.example", "@elliot@fedi.example")
    assert was_quick(demo)
    after = demo.mtimes()
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    new_card = [rel for rel in after if rel.startswith("social/members/elliot-park-")]
    assert len(old_card) == len(new_card) == 1 and old_card != new_card
    assert old_card[0] not in after  # the old social card is gone
    event_files = [event + f for event in (HARBOUR, WALK)
                   for f in ("index.html", "faces/index.html", "checkin/index.html",
                             "checkin.csv")]  # fmt: skip
    expected = (
        set(event_files)
        | {
            "index.html",  # the directory page with their card
            "search.json",
            "directory.json",
            "members/elliot-park/index.html",
            "members/elliot-park/elliot-park.vcf",
            ".familiar-files.json",  # the social card's new name
            new_card[0],
        }
        | card_pages(demo, "elliot-park")
    )
    assert len(card_pages(demo, "elliot-park")) == 7  # five interests, category, neighbourhood
    assert changed - {"feeds/members.atom"} == expected
    for rel in (HARBOUR, HARBOUR + "faces/", HARBOUR + "checkin/", WALK):
        assert "Elliot Parkes" in demo.html(rel).get_text()
    assert "Parkside IT & Networks" in (demo.output / HARBOUR / "checkin.csv").read_text()
    for rel in ["", "interests/cycling/", "categories/technology/"]:
        cards = demo.html(rel).select('li.card[data-slug="elliot-park"]')
        assert [c.select_one(".card-name").get_text() for c in cards] == ["Elliot Parkes"]
        assert "Parkside IT & Networks" in cards[0].get_text()
    assert "they/he" in demo.html("members/elliot-park/").get_text()
    assert "Elliot Parkes" in (demo.output / "search.json").read_text(encoding="utf-8")
    assert_same_as_a_full_build(demo, tmp_path)


def test_card_edits_in_a_row_and_back_again(elliot, tmp_path):
    """Each edit is made against what the last build showed, not the last full build: the
    name put back is replaced again, and a bio edit after it keeps the new card."""
    demo = elliot
    edit(demo, "elliot-park", "name: Elliot Park", "name: Elliot Parkes")
    assert was_quick(demo)
    edit(demo, "elliot-park", "name: Elliot Parkes", "name: Elliot Park")
    assert was_quick(demo)
    edit(demo, "elliot-park", "role: IT consultant", "role: Network engineer")
    add_to_bio(demo, "elliot-park", "Now with more networks.")
    add_to_bio(demo, "chen-wei", "And a bio edit beside it.", suffix=".yaml")
    assert was_quick(demo)
    assert "Network engineer" in demo.html("members/elliot-park/").get_text()
    assert_same_as_a_full_build(demo, tmp_path)
    before = demo.mtimes()
    demo.build()
    assert demo.mtimes() == before  # nothing changed since


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("name: Elliot Park", "name: Frank Park"),  # same place, another letter (jump bar)
        ("github: parkside-it", "github: parkside-it-2"),  # decides who may edit the profile
        ("visibility: listed", "visibility: unlisted"),  # leaves the listings
        ("joined: 2026-03-16", "joined: 2026-03-17"),  # the members feed's order
        (
            "  - harbour-coffee-2026-10-16\n",
            "  - harbour-coffee-2026-10-16\n  - friday-patio-2026-12-04\n",
        ),  # fmt: skip
    ],
)
def test_card_edits_that_reach_further_build_in_full(elliot, tmp_path, old, new):
    edit(elliot, "elliot-park", old, new)
    assert not was_quick(elliot)
    assert_same_as_a_full_build(elliot, tmp_path)


def test_a_name_that_moves_in_the_directory_is_quick(demo, tmp_path):
    """José Martínez, at no event, becomes Jack: still under J, but before Jenn Morales; the
    directory's page, his terms' pages, search.json and directory.json follow the new order."""
    edit(demo, "jose-martinez", "attending:\n  - harbour-coffee-2026-10-16\n  - friday-patio-"
         "2026-12-04\n  - lakeshore-walk-2026-11-28\n", "")  # fmt: skip
    assert not was_quick(demo)  # the patio evening's badges
    edit(demo, "jose-martinez", "name: José Martínez", "name: Jack Martínez")
    assert was_quick(demo)
    names = [n.get_text() for n in demo.html("").select(".card-name")]
    assert names.index("Jack Martínez") < names.index("Jenn Morales")
    assert_same_as_a_full_build(demo, tmp_path)


def test_a_listing_page_edited_by_hand_makes_the_card_edit_full(elliot, tmp_path):
    """An interest page changed in place by hand: the card to replace is not there, and the
    build runs in full and puts the page right."""
    page = elliot.output / "interests" / "cycling" / "index.html"
    good = page.read_bytes()
    page.write_bytes(good.replace(b'data-slug="elliot-park"', b'data-slug="someone-else"'))
    edit(elliot, "elliot-park", "name: Elliot Park", "name: Elliot Parkes")
    assert not was_quick(elliot)
    assert b"Elliot Parkes" in page.read_bytes()
    assert b"someone-else" not in page.read_bytes()
    assert_same_as_a_full_build(elliot, tmp_path)


def test_card_edits_of_an_unlisted_member_and_one_without_a_photo(demo, tmp_path):
    """Darnell (unlisted) has a page and a social card but no card in any listing; Ingrid
    has no photo, so her card's placeholder shows the initials of the name she goes by."""
    edit(demo, "darnell-brooks", "attending:\n  - friday-patio-2026-12-04\n"
         "  - lakeshore-walk-2026-11-28\n", "")  # fmt: skip
    edit(demo, "ingrid-solberg", "attending:\n  - lakeshore-walk-2026-11-28\n"
         "  - new-year-breakfast-2027-01-15\n", "")  # fmt: skip
    assert not was_quick(demo)
    before = demo.mtimes()
    edit(demo, "darnell-brooks", "known_as: Darnell", "known_as: Dee")
    edit(demo, "ingrid-solberg", "known_as: Ingrid", "known_as: Solly")
    assert was_quick(demo)
    after = demo.mtimes()
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert not any(
        "darnell" in rel for rel in changed if not rel.startswith(("members/", "social/"))
    )
    assert "members/darnell-brooks/index.html" in changed
    assert {"index.html", "search.json"} <= changed  # Ingrid's card and entry
    placeholder = demo.html("").select_one('li.card[data-slug="ingrid-solberg"] .placeholder')
    assert placeholder.get_text(strip=True) == "S"
    assert "Dee" not in (demo.output / "search.json").read_text(encoding="utf-8")
    assert_same_as_a_full_build(demo, tmp_path)


def test_without_badges_a_card_edit_by_an_organizer_of_events_soon_is_quick(demo, tmp_path):
    """Jenn Morales organises the patio evening and comes to two more events; with badges off
    nothing makes her edit slow: her events' pages and social cards are made again."""
    demo.build(FAMILIAR_BADGES=False)  # other settings: a full build
    edit(demo, "jenn-morales", "name: Jenn Morales", "name: Jenn Moralesa")
    edit(demo, "jenn-morales", "known_as: Jenn", "known_as: Jen")
    assert was_quick(demo, FAMILIAR_BADGES=False)
    page = demo.html("events/friday-patio-2026-12-04/")
    assert "Jenn Moralesa" in page.get_text()
    assert [a.get_text() for a in page.select(".event-organizers a")][0] == "Jenn Moralesa"
    known = [p.get_text(strip=True) for p in page.select(".attendee-known")]
    assert "Jen" in known and "Jenn" not in known
    intros = " ".join(li.get_text() for li in page.select(".introductions li"))
    assert "Jenn " not in intros  # others' introductions name her as she goes by now
    assert_same_as_a_full_build(demo, tmp_path, FAMILIAR_BADGES=False)


def test_event_records_not_signed_here_are_never_loaded(elliot, tmp_path):
    """The members an event's pages show, kept per event for card edits: a file forged to run
    code is not loaded, and the build runs in full."""
    marker = tmp_path / "ran"

    class Boom:
        def __reduce__(self):
            return (os.system, (f"touch {marker}",))

    kept = sorted((elliot.root / ".familiar-cache" / "quick-events").glob("*.pickle"))
    assert any(p.name.startswith("harbour-coffee-2026-10-16-") for p in kept)
    for path in kept:
        path.write_bytes(b"\0" * 32 + b"familiar-quick-2\n" + pickle.dumps([Boom()]))
    edit(elliot, "elliot-park", "name: Elliot Park", "name: Elliot Parkes")
    assert not was_quick(elliot)
    assert not marker.exists()
    assert "Elliot Parkes" in elliot.html(HARBOUR).get_text()


def test_a_card_edit_by_someone_at_an_event_soon_makes_its_badges_again(demo):
    """Siobhán comes to the patio evening in twelve days, whose badges show the name she goes
    by: rendering badges is slow, so the build is a full one, and they show the new name."""
    import re

    import pypdfium2 as pdfium

    def words(rel: str) -> set[str]:
        doc = pdfium.PdfDocument(str(demo.output / rel))
        return set(re.split(r"\s+", " ".join(p.get_textpage().get_text_range() for p in doc)))

    badges = "events/friday-patio-2026-12-04/badges.pdf"
    assert "Siobhán" in words(badges) and "Shiv" not in words(badges)
    edit(demo, "siobhan-oconnor-reilly", "known_as: Siobhán", "known_as: Shiv")
    assert not was_quick(demo)
    assert "Shiv" in words(badges)


def test_card_edits_on_later_pages_of_paginated_listings(demo, tmp_path):
    """Three members a page: Tomasz's card is on a later page of the directory and of his
    terms' listings, and that page is the one changed."""
    small = {"FAMILIAR_PAGE_SIZE": 3, "FAMILIAR_BADGES": False}
    demo.build(**small)
    pages = sorted(p.relative_to(demo.output).as_posix()
                   for p in demo.output.glob("page/*/index.html"))  # fmt: skip
    on = [
        rel for rel in pages if 'data-slug="tomasz-wisniewski"' in (demo.output / rel).read_text()
    ]
    assert len(pages) >= 3 and len(on) == 1 and on != pages[:1]
    before = demo.mtimes()
    edit(demo, "tomasz-wisniewski", "business: ", "business: The ")
    assert was_quick(demo, **small)
    after = demo.mtimes()
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert on[0] in changed and not (set(pages) - set(on)) & changed
    assert_same_as_a_full_build(demo, tmp_path, **small)


def test_members_of_the_same_name_keep_their_order_by_file_name(site, tmp_path):
    """Two Sam Lees: the directory lists them by file name, so Sam B taking the very name of
    Sam A keeps its place, and Sam A taking a name after Sam B's moves past it (both quick)."""
    for slug, name in [("ann", "Ann Lee"), ("sam-a", "Sam Lee"), ("sam-b", "Sam Leé"),
                       ("zed", "Zed Lee")]:  # fmt: skip
        site.member(slug, f"name: {name}\nbusiness: B")
    site.build()
    site.member("sam-b", "name: Sam Lee\nbusiness: B")
    assert was_quick(site)
    assert_same_as_a_full_build(site, tmp_path / "one")
    site.member("sam-a", "name: Sam Leé\nbusiness: B")
    assert was_quick(site)
    names = [a.get_text() for a in site.html("").select(".card-name")]
    assert names == ["Ann Lee", "Sam Lee", "Sam Leé", "Zed Lee"]
    assert [c["data-slug"] for c in site.html("").select("li.card")][1:3] == ["sam-b", "sam-a"]
    assert_same_as_a_full_build(site, tmp_path / "two")


# ---- edits to a member's terms (interests, business category, neighbourhood) ---------------


def cards_on(site: ScratchSite, rel: str) -> list[str]:
    return [c["data-slug"] for c in site.html(rel).select("li.card")]


def test_term_edits_are_quick_and_match_a_full_build(elliot, tmp_path):
    """Elliot leaves board games for sailing, Technology for Marketing and Millbrook for
    Lakeshore: his card leaves the pages of the terms he left and joins those of the terms he
    joined, in the directory's order; the terms' indexes and search.json's facets show the
    new counts; his events' pages (whose introductions go by interests) are made again."""
    demo = elliot
    left = card_pages(demo, "elliot-park")
    sailing = cards_on(demo, "interests/sailing/")
    before = demo.mtimes()
    edit(demo, "elliot-park", "cycling, board games, home networking",
         "cycling, home networking, sailing")  # fmt: skip
    edit(demo, "elliot-park", "category: Technology", "category: Marketing")
    edit(demo, "elliot-park", "neighbourhood: Millbrook", "neighbourhood: Lakeshore")
    assert was_quick(demo)
    after = demo.mtimes()
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    joined = card_pages(demo, "elliot-park")
    gone = {"interests/board-games/index.html", "categories/technology/index.html",
            "neighbourhoods/millbrook/index.html"}  # fmt: skip
    new = {"interests/sailing/index.html", "categories/marketing/index.html",
           "neighbourhoods/lakeshore/index.html"}  # fmt: skip
    assert left - joined == gone and joined - left == new
    indexes = {"interests/index.html", "categories/index.html", "neighbourhoods/index.html"}
    assert left | joined | indexes | {"index.html", "search.json"} <= changed
    for rel in gone:
        assert "elliot-park" not in cards_on(demo, rel.removesuffix("index.html"))
    order = cards_on(demo, "")  # the directory's order
    now = cards_on(demo, "interests/sailing/")
    assert sorted(now, key=order.index) == now and sorted(now) == sorted([*sailing, "elliot-park"])
    lede = demo.html("interests/sailing/").select_one(".lede").get_text()
    assert lede.startswith(f"{len(now)} members")
    assert_same_as_a_full_build(demo, tmp_path / "one")
    # and back: the cards taken from the pages as they are now
    edit(demo, "elliot-park", "category: Marketing", "category: Technology")
    edit(demo, "elliot-park", "cycling, home networking, sailing", "cycling, home networking")
    assert was_quick(demo)
    assert "elliot-park" not in cards_on(demo, "interests/sailing/")
    assert_same_as_a_full_build(demo, tmp_path / "two")


def test_another_spelling_of_a_term_is_quick(elliot, tmp_path):
    """Elliot writes Cycling: two listed members still write cycling, which its page keeps
    as its name; his card shows his spelling."""
    edit(elliot, "elliot-park", "cycling, board games", "Cycling, board games")
    assert was_quick(elliot)
    assert elliot.html("interests/cycling/").select_one("h1").get_text() == "cycling"
    card = elliot.html("interests/cycling/").select_one('li.card[data-slug="elliot-park"]')
    assert "Cycling" in card.select_one(".tags").get_text()
    assert_same_as_a_full_build(elliot, tmp_path)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("cybersecurity", "quantum knitting"),  # a new interest: a new page, index entry ...
        ("home networking", "cycling"),  # he alone had home networking: its page goes
        ("Open  source", "open  source"),  # the spelling its page shows changes (one each)
    ],
)
def test_term_edits_that_change_the_terms_build_in_full(elliot, tmp_path, old, new):
    before = {t.get_text() for t in elliot.html("interests/").select(".terms a")}
    edit(elliot, "elliot-park", old, new)
    assert not was_quick(elliot)
    assert {t.get_text() for t in elliot.html("interests/").select(".terms a")} != before
    assert_same_as_a_full_build(elliot, tmp_path)


def player(site: ScratchSite, i: int, interests: str) -> None:
    slug = f"player-{i:02d}"
    site.member(slug, f"name: Player {i:02d}\nphoto: {slug}.jpg\ninterests: [{interests}]")


def test_term_edits_on_paginated_listings_move_cards_across_pages(site, tmp_path):
    """Twelve chess players with photos, ten cards a page: one leaves, so the first card of
    page 2 moves to the end of page 1 (loaded lazily there, after the first eight); another
    joins; then nine join, which makes a third page (a full build)."""
    from PIL import Image

    small = {"FAMILIAR_PAGE_SIZE": 10, "FAMILIAR_BADGES": False}
    for i in range(21):
        Image.new("RGB", (120, 120), (10 * i, 90, 40)).save(
            site.content / f"members/player-{i:02d}.jpg"
        )
        player(site, i, "chess, go" if i < 12 else "go")
    site.build(**small)
    page2 = cards_on(site, "interests/chess/page/2/")
    assert len(page2) == 2
    player(site, 3, "go")
    assert was_quick(site, **small)
    assert cards_on(site, "interests/chess/")[-1] == page2[0]
    last = site.html("interests/chess/").select("li.card img")[-1]
    assert last.get("loading") == "lazy"
    assert_same_as_a_full_build(site, tmp_path / "one", **small)
    player(site, 15, "go, Chess")
    assert was_quick(site, **small)
    assert cards_on(site, "interests/chess/page/2/")[-1] == "player-15"
    assert_same_as_a_full_build(site, tmp_path / "two", **small)
    for i in (3, 12, 13, 14, 16, 17, 18, 19, 20):
        player(site, i, "go, chess")
    assert not was_quick(site, **small)
    assert len(cards_on(site, "interests/chess/page/3/")) == 1
    assert_same_as_a_full_build(site, tmp_path / "three", **small)


def test_a_known_as_that_reorders_an_events_attendees_is_quick_and_right(elliot, tmp_path):
    """Attendees are listed by the name they go by: Elliot going by Zuri moves after Zoë on the
    harbour coffee's pages and in directory.json's list of its attendees."""
    import json

    def coming(site: ScratchSite) -> list[str]:
        data = json.loads((site.output / "directory.json").read_text(encoding="utf-8"))
        event = next(e for e in data["events"] if e["slug"] == "harbour-coffee-2026-10-16")
        return event["attendees"]

    assert coming(elliot)[-1] != "elliot-park"
    edit(elliot, "elliot-park", "known_as: Elliot", "known_as: Zuri")
    assert was_quick(elliot)
    assert coming(elliot)[-1] == "elliot-park"
    assert_same_as_a_full_build(elliot, tmp_path)


# ---- edits to the events a member comes to (attending) ---------------------------------------

BREAKFAST = "events/new-year-breakfast-2027-01-15/"  # to come, beyond a week: no badges then
WEEK = {"FAMILIAR_BADGES_DAYS_AHEAD": 7}


def faces(site: ScratchSite, rel: str) -> list[str]:
    return [a["href"].strip("/").split("/")[-1]
            for a in site.html(rel).select('a[href*="/members/"]')]  # fmt: skip


def test_an_rsvp_without_badges_to_make_is_quick(demo, tmp_path):
    """Elliot says he comes to the new year breakfast (no badges within a week) and no longer
    to the walk: both events' pages, /events/ (how many are coming), his page and
    directory.json change; then Kwame, who comes to the breakfast too, renames his business,
    and the breakfast's pages made again still show Elliot."""
    demo.build(**WEEK)
    counts = demo.html("events/").get_text()
    before = demo.mtimes()
    edit(demo, "elliot-park", "  - lakeshore-walk-2026-11-28\n",
         "  - new-year-breakfast-2027-01-15\n")  # fmt: skip
    assert was_quick(demo, **WEEK)
    after = demo.mtimes()
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    for event in (BREAKFAST, WALK):
        assert {event + f for f in ("index.html", "faces/index.html", "checkin/index.html",
                                    "checkin.csv")} <= changed  # fmt: skip
    assert {"events/index.html", "directory.json", "members/elliot-park/index.html"} <= changed
    assert "elliot-park" in faces(demo, BREAKFAST) and "elliot-park" not in faces(demo, WALK)
    assert demo.html("events/").get_text() != counts
    assert_same_as_a_full_build(demo, tmp_path / "one", **WEEK)
    edit(demo, "kwame-asante", "business: Asante Print Works", "business: Asante Print")
    assert was_quick(demo, **WEEK)
    assert "elliot-park" in faces(demo, BREAKFAST)
    assert_same_as_a_full_build(demo, tmp_path / "two", **WEEK)


def test_rsvps_that_build_in_full(demo):
    """An event with badges to make (the patio evening, in twelve days) is made in full; an
    event that does not exist is reported, naming the file, line and field."""
    edit(demo, "elliot-park", "  - lakeshore-walk-2026-11-28\n",
         "  - friday-patio-2026-12-04\n")  # fmt: skip
    assert not was_quick(demo)
    assert "elliot-park" in faces(demo, "events/friday-patio-2026-12-04/")
    edit(demo, "elliot-park", "  - friday-patio-2026-12-04\n", "  - friday-patio-2026-12-05\n")
    with pytest.raises(ContentErrors) as caught:
        demo.build()
    assert "elliot-park.md" in str(caught.value) and "friday-patio-2026-12-05" in str(caught.value)


def test_an_rsvp_to_an_earlier_event_makes_later_ones_again(demo, tmp_path):
    """Kwame comes only to the breakfast, for the first time; saying he came to the harbour
    coffee in October makes him no longer a first-timer at the breakfast, whose pages change."""
    demo.build(**WEEK)
    card = demo.html(BREAKFAST).select_one("#kwame-asante, .attendee:has(a[href*=kwame])")
    assert "First time here" in card.get_text()
    edit(demo, "kwame-asante", "attending: [new-year-breakfast-2027-01-15]",
         "attending: [harbour-coffee-2026-10-16, new-year-breakfast-2027-01-15]")  # fmt: skip
    before = demo.mtimes()
    assert was_quick(demo, **WEEK)
    after = demo.mtimes()
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert {BREAKFAST + "index.html", HARBOUR + "index.html"} <= changed
    card = demo.html(BREAKFAST).select_one("#kwame-asante, .attendee:has(a[href*=kwame])")
    assert "First time here" not in card.get_text()
    assert_same_as_a_full_build(demo, tmp_path, **WEEK)


def test_a_theme_whose_cards_load_lazily_otherwise_makes_term_edits_full(demo, tmp_path):
    """Cards are taken from pages only if the theme's cards are as quick_terms.py reads them:
    here their photos say decoding before loading, so a term edit builds in full."""
    import shutil

    from .conftest import REPO

    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    macros = theme / "templates/familiar/_macros.html"
    text = macros.read_text(encoding="utf-8")
    assert ' loading="lazy" decoding="async"' in text
    macros.write_text(text.replace(' loading="lazy" decoding="async"',
                                   ' decoding="async" loading="lazy"'), "utf-8")  # fmt: skip
    other = {"THEME": str(theme)}
    demo.build(**other)
    edit(demo, "elliot-park", "cycling, board games, home networking",
         "cycling, home networking, sailing")  # fmt: skip
    assert not was_quick(demo, **other)
    assert "elliot-park" in cards_on(demo, "interests/sailing/")
    assert_same_as_a_full_build(demo, tmp_path / "full", **other)


def test_random_term_edits_in_a_row_each_match_a_full_build(site, tmp_path):
    """Twenty-four members, ten cards a page (the last two lazy), eight rounds of random edits to one or two
    members' interests (in two spellings), category and neighbourhood: each build, quick or
    full, is byte for byte a full build of the same content, and most are quick."""
    import random

    from PIL import Image

    rng = random.Random(7)
    # each interest taken by about 60% (so about 14 of 24: two pages each), now and then
    # in another spelling
    interests = {"chess": "Chess", "go": "Go", "sailing": "Sailing", "jazz": "jazz"}
    small = {"FAMILIAR_PAGE_SIZE": 10, "FAMILIAR_BADGES": False}

    def profile(i: int) -> None:
        chosen = [other if rng.random() < 0.15 else usual
                  for usual, other in interests.items() if rng.random() < 0.6] or ["go"]  # fmt: skip
        photo = f"\nphoto: m{i:02d}.jpg" if i % 3 else ""
        site.member(f"m{i:02d}", f"name: Member {i:02d}{photo}\ninterests: [{', '.join(chosen)}]\n"
                    f"category: {rng.choice(['Retail', 'Food', 'Finance'])}\n"
                    f"neighbourhood: {rng.choice(['North', 'South'])}")  # fmt: skip

    for i in range(24):
        if i % 3:
            Image.new("RGB", (120, 120), (15 * i, 90, 40)).save(
                site.content / f"members/m{i:02d}.jpg"
            )
        profile(i)
    site.build(**small)
    quick = 0
    for n in range(8):
        for i in rng.sample(range(24), rng.randint(1, 2)):
            profile(i)
        quick += was_quick(site, **small)
        assert_same_as_a_full_build(site, tmp_path / f"full-{n}", **small)
    print(f"{quick} of 8 quick")
    assert quick >= 4


def test_names_that_move_across_pages_of_the_directory(site, tmp_path):
    """Fourteen members under A to E, four a page, with photos: Bea Brown becomes Dee Brown,
    from page 1 to page 2; the cards between move back a place across pages, letter headings
    with them (quick). Cal, the only C, becoming Dan would take C off the jump bar (full)."""
    from PIL import Image

    small = {"FAMILIAR_PAGE_SIZE": 4, "FAMILIAR_BADGES": False}
    people = ["Abe Ames", "Ada Ames", "Al Ames", "Bea Brown", "Bo Brown", "Cal Cole", "Dee Dunn",
              "Dot Dunn", "Ed Eyre", "Eli Eyre", "Ema Eyre", "Eve Eyre", "Ezra Eyre", "Ezzy Eyre"]  # fmt: skip
    for i, name in enumerate(people):
        slug = name.lower().replace(" ", "-")
        photo = ""
        if i % 4:
            Image.new("RGB", (120, 120), (12 * i, 90, 40)).save(
                site.content / f"members/{slug}.jpg"
            )
            photo = f"\nphoto: {slug}.jpg"
        site.member(slug, f"name: {name}{photo}\ninterests: [chess]")
    site.build(**small)
    site.member("bea-brown", "name: Dee Brown\nphoto: bea-brown.jpg\ninterests: [chess]")
    assert was_quick(site, **small)
    order = [c["data-slug"] for n in ("", "page/2/", "page/3/", "page/4/")
             for c in site.html(n).select("li.card")]  # fmt: skip
    assert order.index("bea-brown") == order.index("dee-dunn") - 1
    assert_same_as_a_full_build(site, tmp_path / "one", **small)
    # the last member moves up, then another to the end (the commas between the lines of
    # directory.json follow)
    site.member("ezzy-eyre", "name: Dex Eyre\nphoto: ezzy-eyre.jpg\ninterests: [chess]")
    assert was_quick(site, **small)
    assert_same_as_a_full_build(site, tmp_path / "first", **small)
    site.member("dot-dunn", "name: Ezzz Dunn\nphoto: dot-dunn.jpg\ninterests: [chess]")
    assert was_quick(site, **small)
    assert [c["data-slug"] for c in site.html("page/4/").select("li.card")][-1] == "dot-dunn"
    assert_same_as_a_full_build(site, tmp_path / "last", **small)
    site.member("cal-cole", "name: Dan Cole\ninterests: [chess]")
    assert not was_quick(site, **small)
    assert_same_as_a_full_build(site, tmp_path / "two", **small)
