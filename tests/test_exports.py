"""Files that take the directory elsewhere: vCards, Atom feeds, sitemap, robots.txt,
directory.json and social card images, from real Pelican builds."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import feedparser
import jsonschema
import pytest
import vobject
from hypothesis import example, given
from hypothesis import strategies as st
from lxml import etree
from PIL import Image, features

REPO = Path(__file__).resolve().parent.parent
SITEURL = "https://circle.example"

JENN = """
name: Jenn Morales
known_as: Jenn
pronouns: she/her
business: Morales Social
role: Owner
category: Marketing
interests: [social media, coffee roasting]
handles:
  twitter: jennmorales
  mastodon: "@jenn@mastodon.social"
website: https://moralessocial.example
email: jenn@moralessocial.example
joined: 2026-03-01
attending: [patio]
"""

SAM = """
name: Sam Lee
email: sam@example.org
show_email: true
joined: 2026-05-02
"""

UNLISTED = """
name: Quiet Quinn
visibility: unlisted
joined: 2026-06-01
interests: [secret gardening]
attending: [patio]
"""

NOINDEX = """
name: Nora Noindex
noindex: true
joined: 2026-06-02
"""

HIDDEN = """
name: Hidden Hal
visibility: hidden
joined: 2026-06-03
"""

PATIO = """
title: Friday Patio
start: 2026-12-04 17:30
end: 2026-12-04 19:30
venue: {name: The Patio, address: 12 Lakeshore Rd}
organizers: [jenn-morales]
guests:
  - {name: Guest Gail}
"""


def small_jpeg(path: Path, colour=(200, 80, 60)) -> None:
    Image.new("RGB", (300, 400), colour).save(path, "JPEG")


def community(site) -> None:
    site.member("jenn-morales", JENN + "photo: jenn-morales.jpg\n", "I help *restaurants*.")
    small_jpeg(site.content / "members" / "jenn-morales.jpg")
    site.member("sam-lee", SAM)
    site.member("quiet-quinn", UNLISTED)
    site.member("nora-noindex", NOINDEX)
    site.member("hidden-hal", HIDDEN)
    site.event("patio", PATIO, "Bring a *friend*.")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """One community built once with an absolute SITEURL, for the tests that only read it."""
    from .conftest import ScratchSite

    root = tmp_path_factory.mktemp("exports") / "site"
    site = ScratchSite.create(root)
    community(site)
    site.build(SITEURL=SITEURL)
    return site


def test_vcard_holds_what_the_page_shows_and_nothing_private(built):
    site = built
    raw = (site.output / "members/jenn-morales/jenn-morales.vcf").read_bytes().decode()
    assert raw.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\n")
    assert all(len(line.encode()) <= 75 for line in raw.split("\r\n"))
    card = vobject.readOne(raw)
    assert card.fn.value == "Jenn Morales"
    assert card.nickname.value == "Jenn"
    assert card.org.value == ["Morales Social"]
    assert card.title.value == "Owner"
    urls = {u.value for u in card.contents["url"]}
    assert {"https://moralessocial.example", "https://x.com/jennmorales",
            "https://mastodon.social/@jenn", f"{SITEURL}/members/jenn-morales/"} <= urls  # fmt: skip
    assert "email" not in card.contents  # show_email is false
    photo = Image.open(io.BytesIO(card.photo.value))
    assert photo.format == "JPEG" and photo.size[0] >= 96
    sam = vobject.readOne((site.output / "members/sam-lee/sam-lee.vcf").read_text())
    assert sam.email.value == "sam@example.org"
    assert (site.output / "members/quiet-quinn/quiet-quinn.vcf").exists()  # has a page
    assert not (site.output / "members/hidden-hal").exists()
    link = site.html("members/jenn-morales/").select_one(".save-contact a")
    assert link.get_text(strip=True) == "Save contact"
    assert link["href"] == f"{SITEURL}/members/jenn-morales/jenn-morales.vcf"


def atom_required(path: Path) -> etree._Element:
    """Check the elements RFC 4287 requires: feed id/title/updated, entry id/title/updated/link,
    and an author for the feed."""
    ns = {"a": "http://www.w3.org/2005/Atom"}
    root = etree.parse(str(path)).getroot()
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    for name in ("id", "title", "updated"):
        assert len(root.findall(f"a:{name}", ns)) == 1, name
    assert root.find("a:author/a:name", ns) is not None
    assert root.find("a:link[@rel='self']", ns) is not None
    for entry in root.findall("a:entry", ns):
        for name in ("id", "title", "updated"):
            assert len(entry.findall(f"a:{name}", ns)) == 1, name
        assert entry.find("a:link[@rel='alternate']", ns).get("href")
    return root


def test_feeds_are_valid_atom_with_welcomes_and_upcoming_events(built):
    site = built
    members = feedparser.parse((site.output / "feeds/members.atom").read_bytes())
    assert not members.bozo, members.get("bozo_exception")
    titles = [e.title for e in members.entries]
    # listed members with a joined date, newest first; never unlisted or hidden ones
    assert titles == ["Welcome, Nora Noindex", "Welcome, Sam Lee", "Welcome, Jenn Morales"]
    jenn = members.entries[-1]
    assert jenn.link == f"{SITEURL}/members/jenn-morales/"
    assert jenn.updated.startswith("2026-03-01T00:00:00")
    assert "<em>restaurants</em>" in jenn.content[0].value
    assert members.feed.updated.startswith("2026-06-02")
    atom_required(site.output / "feeds/members.atom")
    events = feedparser.parse((site.output / "feeds/events.atom").read_bytes())
    assert not events.bozo
    assert [e.link for e in events.entries] == [f"{SITEURL}/events/patio/"]
    assert "Jenn" in events.entries[0].content[0].value
    assert "Quiet" not in events.entries[0].content[0].value  # unlisted: not named
    atom_required(site.output / "feeds/events.atom")
    head = site.html("")
    feeds = [link["href"] for link in head.select('link[type="application/atom+xml"]')]
    assert feeds == [f"{SITEURL}/feeds/members.atom", f"{SITEURL}/feeds/events.atom"]


def test_feeds_and_vcards_escape_what_profiles_say(site):
    site.member(
        "mallory",
        'name: "Mal <script>alert(1)</script> & Co"\njoined: 2026-01-01\n',
        "Hi <script>alert(2)</script><img src=x onerror=alert(3)> [x](javascript:alert(4))",
    )
    site.member("odd", 'name: "Ann; Bee, Cee"\nbusiness: "A;B, C\\\\D"')
    site.build()
    card = vobject.readOne((site.output / "members/odd/odd.vcf").read_text())
    assert card.fn.value == "Ann; Bee, Cee"
    assert card.org.value == ["A;B, C\\D"]
    # without an absolute SITEURL there is no sitemap (it needs full addresses)
    assert not (site.output / "sitemap.xml").exists()
    assert "Sitemap:" not in (site.output / "robots.txt").read_text()
    raw = (site.output / "feeds/members.atom").read_bytes()
    root = atom_required(site.output / "feeds/members.atom")
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entry = root.find("a:entry", ns)
    assert entry.find("a:title", ns).text == "Welcome, Mal <script>alert(1)</script> & Co"
    content = entry.find("a:content", ns).text
    for bad in ("<script", "onerror", "javascript:", "<img"):
        assert bad not in content
    assert b"<script" not in raw  # the title's markup is escaped text, not elements


def test_sitemap_lists_indexable_pages_and_robots_points_at_it(built):
    site = built
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = etree.parse(str(site.output / "sitemap.xml")).getroot()
    locs = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert len(locs) == len(set(locs))
    assert f"{SITEURL}/" in locs
    assert f"{SITEURL}/members/jenn-morales/" in locs
    assert f"{SITEURL}/members/sam-lee/" in locs
    assert f"{SITEURL}/interests/coffee-roasting/" in locs
    assert f"{SITEURL}/categories/marketing/" in locs
    assert f"{SITEURL}/events/patio/" in locs
    for never in ("quiet-quinn", "nora-noindex", "hidden-hal", "secret-gardening"):
        assert not any(never in loc for loc in locs), never
    for loc in locs:  # every listed page exists
        rel = loc.removeprefix(SITEURL + "/")
        assert (site.output / rel / "index.html").is_file(), loc
    robots = (site.output / "robots.txt").read_text()
    assert f"Sitemap: {SITEURL}/sitemap.xml" in robots.splitlines()


def test_directory_json_matches_its_schema_and_holds_only_public_fields(built):
    site = built
    data = json.loads((site.output / "directory.json").read_text(encoding="utf-8"))
    schema = json.loads((REPO / "docs/directory.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(data, schema, cls=jsonschema.Draft202012Validator)
    assert data["version"] == 1
    slugs = [m["slug"] for m in data["members"]]
    assert sorted(slugs) == ["jenn-morales", "nora-noindex", "sam-lee"]
    by_slug = {m["slug"]: m for m in data["members"]}
    assert "email" not in by_slug["jenn-morales"]  # not shown: show_email is false
    assert by_slug["sam-lee"]["email"] == "sam@example.org"
    assert by_slug["jenn-morales"]["handles"][0] == {
        "network": "twitter", "name": "jennmorales", "url": "https://x.com/jennmorales"}  # fmt: skip
    assert by_slug["jenn-morales"]["photo"]["sizes"][0]["jpeg"].startswith(SITEURL + "/photos/")
    (patio,) = data["events"]
    assert patio["attendees"] == ["jenn-morales"]  # the unlisted member is not named
    assert patio["guest_count"] == 1 and "Gail" not in json.dumps(data)
    assert patio["start"] == "2026-12-04T17:30:00-05:00"


def test_schema_rejects_what_the_export_promises_never_to_hold():
    schema = json.loads((REPO / "docs/directory.schema.json").read_text())
    bad = {"version": 1, "site": {"name": "x", "url": "/"}, "events": [],
           "members": [{"slug": "a", "url": "/members/a/", "name": "A", "known_as": "A",
                        "visibility": "hidden"}]}  # fmt: skip
    try:
        jsonschema.validate(bad, schema)
    except jsonschema.ValidationError:
        return
    raise AssertionError("a member with unknown fields must not validate")


def test_social_cards_are_1200x630_linked_from_the_page_and_cached(built):
    site = built
    page = site.html("members/jenn-morales/")
    image = page.select_one('meta[property="og:image"]')["content"]
    assert image.startswith(f"{SITEURL}/social/members/jenn-morales-")
    assert page.select_one('meta[name="twitter:card"]')["content"] == "summary_large_image"
    card = site.output / image.removeprefix(SITEURL + "/")
    with Image.open(card) as im:
        assert im.size == (1200, 630)
        # the face is drawn from the photo (a red square) on the left
        r, g, b = im.convert("RGB").getpixel((280, 290))
        assert r > 150 and g < 120 and b < 100
    event = site.html("events/patio/")
    event_image = event.select_one('meta[property="og:image"]')
    if event_image is not None:  # event pages pass `og` once the events templates do
        assert (site.output / event_image["content"].removeprefix(SITEURL + "/")).is_file()


def test_rebuilds_write_identical_bytes_and_cards_come_from_the_cache(site):
    community(site)
    site.build(SITEURL=SITEURL)
    names = ["feeds/members.atom", "feeds/events.atom", "sitemap.xml", "robots.txt",
             "directory.json", "members/jenn-morales/jenn-morales.vcf"]  # fmt: skip
    cards = sorted(p.relative_to(site.output).as_posix() for p in site.output.glob("social/*/*"))
    names += cards

    def state():
        return {n: ((site.output / n).read_bytes(), (site.output / n).stat().st_mtime_ns)
                for n in names}  # fmt: skip

    before = state()
    site.build(SITEURL=SITEURL)
    assert state() == before  # same bytes, not even rewritten
    cached = list((site.root / ".familiar-cache" / "social").glob("*.jpg"))
    assert len(cached) == len(cards) == 4 + 1  # four published members and one event
    mtimes = {p: p.stat().st_mtime_ns for p in cached}
    shutil.rmtree(site.output)  # a fresh output folder is filled from the cache, not redrawn
    site.build(SITEURL=SITEURL)
    assert {n: b for n, (b, _) in state().items()} == {n: b for n, (b, _) in before.items()}
    assert {p: p.stat().st_mtime_ns for p in cached} == mtimes


def test_cards_shape_every_script_with_its_own_font():
    from familiar import social

    assert features.check("raqm"), "Pillow needs libraqm and libfribidi (Debian libfribidi0)"
    assert social.layout_engine() == social.ImageFont.Layout.RAQM
    arabic = social.Line("ليلى حداد", 80, True)
    assert "Arabic" in arabic.pieces[0][1].path and arabic.rtl
    mixed = social.Line("Chen 陈伟", 80, True)
    assert [run for run, _ in mixed.pieces] == ["Chen ", "陈伟"]
    assert "CJK" in mixed.pieces[1][1].path
    hindi = social.Line("प्रिया", 80, True)
    assert "Devanagari" in hindi.pieces[0][1].path
    # shaping joins Arabic letters: the shaped word is narrower than its isolated letters
    font = arabic.pieces[0][1]
    isolated = sum(font.getlength(ch) for ch in "ليلى")
    assert font.getlength("ليلى") < isolated
    # CJK glyphs are real glyphs, not the empty box of a missing one
    cjk_font = mixed.pieces[1][1]
    assert cjk_font.getmask("陈").getbbox() != cjk_font.getmask("\U000e0100\ufffe").getbbox()


def test_social_card_renders_names_in_any_script(site):
    for slug, name in [("layla", "ليلى حداد"), ("chen", "陈伟"), ("priya", "प्रिया शर्मा"),
                       ("noam", "נועם כהן"), ("zoe", "Zoë 🌮 Lefèvre")]:  # fmt: skip
        site.member(slug, f"name: {name}\nbusiness: Café & Co")
    site.build(SITEURL=SITEURL)
    for slug in ("layla", "chen", "priya", "noam", "zoe"):
        meta = site.html(f"members/{slug}/").select_one('meta[property="og:image"]')
        with Image.open(site.output / meta["content"].removeprefix(SITEURL + "/")) as im:
            assert im.size == (1200, 630)
            # text was drawn in the right-hand column (dark pixels there)
            column = im.convert("L").crop((540, 150, 1130, 400))
            assert column.getextrema()[0] < 80, slug


@example("é" * 40)  # 45 characters, 85 octets
@example("Zoë · " * 20)
@given(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=300)
)
def test_a_vcard_line_is_folded_at_75_octets_without_splitting_a_character(value):
    """RFC 2426 2.6: a content line longer than 75 octets is folded (CRLF and a space), each
    physical line at most 75 octets of UTF-8 and a whole number of characters; unfolding gives
    the line back, and a line that fits is left as it is."""
    from familiar.exports import _fold

    line = f"NOTE:{value}"
    folded = _fold(line)
    physical = folded.split("\r\n")
    assert "".join([physical[0], *(p.removeprefix(" ") for p in physical[1:])]) == line
    assert all(p.startswith(" ") for p in physical[1:])
    assert all(len(p.encode("utf-8")) <= 75 for p in physical)
    assert all(len(p) > 1 for p in physical[1:])  # no empty continuation
    if len(line.encode("utf-8")) <= 75:
        assert folded == line
