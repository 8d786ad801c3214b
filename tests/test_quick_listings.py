"""Quick rebuilds that change listings (plugins/familiar/quick_terms.py): edits to a member's
interests, category or neighbourhood, and names that move in the directory's order. Each
result is compared with a full build of the same content, byte for byte."""

from __future__ import annotations

import pytest

from .conftest import ScratchSite
from .quick_kit import assert_same_as_a_full_build, card_pages, cards_on, edit, was_quick


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


def test_members_of_the_same_name_keep_their_order_by_file_name(site, tmp_path):
    """Two Sam Lees: the directory lists them by file name, so Sam B taking the very name of
    Sam A keeps its place, and Sam A taking a name after Sam B's moves past it (both quick).
    Zed's business ends in "{", so his entry in search.json holds `{"` before its slug."""
    for slug, name in [("ann", "Ann Lee"), ("sam-a", "Sam Lee"), ("sam-b", "Sam Leé"),
                       ("zed", "Zed Lee")]:  # fmt: skip
        business = '"Braces {"' if slug == "zed" else "B"
        site.member(slug, f"name: {name}\nbusiness: {business}")
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


def test_a_theme_whose_cards_load_lazily_otherwise_makes_term_edits_full(demo, tmp_path):
    """Cards are taken from pages only if the theme's cards are as quick_terms.py reads them:
    here a lazy card differs from the others by more than its photo's loading attributes, so
    a term edit builds in full."""
    import shutil

    from .conftest import REPO

    theme = tmp_path / "theme"
    shutil.copytree(REPO / "theme", theme)
    macros = theme / "templates/familiar/_macros.html"
    text = macros.read_text(encoding="utf-8")
    call = "{{ photo_of(m, c.photo, c.placeholder_colour, 96, lazy) }}"
    assert call in text
    macros.write_text(text.replace(call, call + '{% if lazy %}<i class="later"></i>{% endif %}'),
                      "utf-8")  # fmt: skip
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
