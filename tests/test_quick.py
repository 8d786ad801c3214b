"""Quick rebuilds (plugins/familiar/quick.py): a bio edit makes the member's own files again
without loading the community, and the result is what a full build makes, byte for byte; so
does an edit to what a member's card shows."""

from __future__ import annotations

import os
import pickle

import pytest
from familiar.errors import ContentErrors

from .quick_kit import (
    HARBOUR,
    WALK,
    add_to_bio,
    assert_same_as_a_full_build,
    card_pages,
    edit,
    was_quick,
)


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


@pytest.mark.parametrize(
    ("old", "new", "in_place"),
    [
        ("social/members/ann-3f.jpg", "social/members/ann-0a.jpg", True),
        # "ann-b" sorts between "ann-3f" and "ann-c0": the name moves past a neighbour
        ("social/members/ann-3f.jpg", "social/members/ann-c0.jpg", False),
    ],
)
def test_a_social_card_renamed_by_a_quick_build_keeps_the_manifest_sorted(
    tmp_path, old, new, in_place
):
    """A quick build that draws a social card anew renames it in the output's manifest: its
    line is replaced when the new name sorts to the same place, else the manifest is made
    anew; either way it is what output.manifest_text makes of the sorted list, which follows."""
    from familiar.output import MANIFEST, manifest_text
    from familiar.quick_files import manifest_renamed

    files = sorted([MANIFEST, "index.html", old, "social/members/ann-b-12.jpg", 'odd "name".html'])
    (tmp_path / MANIFEST).write_text(manifest_text(set(files) - {MANIFEST}))
    made = manifest_renamed(tmp_path, files, {old: new})
    assert files == sorted(files) and new in files and old not in files
    expected = manifest_text(set(files) - {MANIFEST})
    assert (made.decode() if isinstance(made, bytes) else made) == expected
    assert isinstance(made, bytes) == in_place
