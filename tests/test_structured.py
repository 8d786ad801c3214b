"""What machines read from the pages: microformats2 (mf2py), schema.org JSON-LD (extruct),
OpenGraph/Twitter meta, and the profile QR code (decoded from a real browser's screenshot)."""

from __future__ import annotations

import json
from pathlib import Path

import extruct
import mf2py
import pytest

from .conftest import ScratchSite

SITEURL = "https://circle.example"

JENN = """
name: Jenn Morales
known_as: Jenn
business: Morales Social
role: Owner
interests: [coffee roasting]
handles:
  twitter: jennmorales
  github: jennmorales
website: https://moralessocial.example
email: jenn@private.example
photo: jenn-morales.jpg
attending: [patio, walk]
"""

EVIL_NAME = "Eve </script><script>alert(1)</script> <!-- &amp;"


def _site(root: Path) -> ScratchSite:
    from PIL import Image

    site = ScratchSite.create(root)
    site.member("jenn-morales", JENN, "Restaurants, *followers*, regulars.")
    Image.new("RGB", (200, 200), (20, 120, 200)).save(root / "content/members/jenn-morales.jpg")
    site.member("quinn", "name: Quiet Quinn\nvisibility: unlisted\nattending: [patio]")
    site.member(
        "eve", f'name: {json.dumps(EVIL_NAME)}\nbusiness: "A & B </script>"\nattending: [patio]'
    )
    site.event(
        "patio",
        """
        title: Friday Patio
        start: 2026-12-04 17:30
        end: 2026-12-04 19:30
        venue: {name: The Patio, address: 12 Lakeshore Rd, url: "https://patio.example"}
        organizers: [jenn-morales]
        guests:
          - {name: Guest Gail}
        """,
        "Come along.",
    )
    site.event(
        "walk",
        """
        title: Lakeshore Walk
        start: 2026-11-28 09:30
        venue: {name: Lighthouse, address: 40 Lakeshore Rd}
        status: cancelled
        """,
    )
    site.build(SITEURL=SITEURL)
    return site


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> ScratchSite:
    return _site(tmp_path_factory.mktemp("structured") / "site")


def page(site: ScratchSite, rel: str) -> tuple[str, str]:
    url = f"{SITEURL}/{rel}"
    return (site.output / rel / "index.html").read_text(encoding="utf-8"), url


def hcards(items: list[dict]) -> list[dict]:
    found = []
    for item in items:
        if "h-card" in item["type"]:
            found.append(item)
        found += hcards(item.get("children", []))
    return found


def test_member_page_is_an_h_card(built):
    html, url = page(built, "members/jenn-morales/")
    parsed = mf2py.parse(doc=html, url=url)
    (card,) = [i for i in parsed["items"] if "h-card" in i["type"]]
    p = card["properties"]
    assert p["name"] == ["Jenn Morales"]
    assert p["nickname"] == ["Jenn"]
    assert p["org"] == ["Morales Social"]
    assert p["job-title"] == ["Owner"]
    assert p["uid"] == [url]
    assert url in p["url"]
    assert {"https://x.com/jennmorales", "https://moralessocial.example"} <= set(p["url"])
    photo = p["photo"][0]
    photo_url = photo["value"] if isinstance(photo, dict) else photo
    assert photo_url.startswith(f"{SITEURL}/photos/jenn-morales-") and photo_url.endswith(".jpg")
    note = p["note"][0]
    assert "followers" in (note["value"] if isinstance(note, dict) else note)
    assert "private.example" not in html  # email is not shown without show_email


def test_directory_cards_are_h_cards(built):
    html, url = page(built, "")
    cards = hcards(mf2py.parse(doc=html, url=url)["items"])
    by_name = {c["properties"]["name"][0]: c["properties"] for c in cards}
    assert set(by_name) == {"Jenn Morales", EVIL_NAME}  # unlisted Quinn is not listed
    jenn = by_name["Jenn Morales"]
    assert jenn["url"] == [f"{SITEURL}/members/jenn-morales/"]
    assert jenn["uid"] == [f"{SITEURL}/members/jenn-morales/"]
    assert jenn["org"] == ["Morales Social"]
    assert "photo" in jenn


def test_event_page_is_an_h_event_with_attendee_h_cards(built):
    html, url = page(built, "events/patio/")
    (event,) = [i for i in mf2py.parse(doc=html, url=url)["items"] if "h-event" in i["type"]]
    p = event["properties"]
    assert p["name"] == ["Friday Patio"]
    assert p["url"] == [url]
    assert p["start"][0].startswith("2026-12-04T17:30")
    attendees = {a["properties"]["name"][0]: a["properties"] for a in p["attendee"]}
    assert {"Jenn Morales", "Quiet Quinn", "Guest Gail", EVIL_NAME} == set(attendees)
    assert attendees["Jenn Morales"]["url"] == [f"{SITEURL}/members/jenn-morales/"]
    assert "photo" in attendees["Jenn Morales"]


def jsonld(html: str, url: str) -> list[dict]:
    return extruct.extract(html, base_url=url, syntaxes=["json-ld"], uniform=True)["json-ld"]


def test_member_json_ld_is_a_person(built):
    html, url = page(built, "members/jenn-morales/")
    (person,) = jsonld(html, url)
    assert person["@type"] == "Person"
    assert person["name"] == "Jenn Morales"
    assert person["url"] == url
    assert person["worksFor"] == {"@type": "Organization", "name": "Morales Social",
                                  "url": "https://moralessocial.example"}  # fmt: skip
    assert person["sameAs"] == ["https://x.com/jennmorales", "https://github.com/jennmorales",
                                "https://moralessocial.example"]  # fmt: skip
    assert person["image"].startswith(f"{SITEURL}/photos/")
    assert "email" not in person


def test_event_json_ld_names_place_organizer_and_only_public_attendees(built):
    html, url = page(built, "events/patio/")
    (event,) = jsonld(html, url)
    assert event["@type"] == "Event"
    assert event["startDate"] == "2026-12-04T17:30:00-05:00"
    assert event["eventStatus"] == "https://schema.org/EventScheduled"
    assert event["location"] == {"@type": "Place", "name": "The Patio",
                                 "address": "12 Lakeshore Rd", "url": "https://patio.example"}  # fmt: skip
    assert [o["name"] for o in event["organizer"]] == ["Jenn Morales"]
    # listed members only: not the unlisted member, not the guest
    assert sorted(a["name"] for a in event["attendee"]) == sorted(["Jenn Morales", EVIL_NAME])
    html, url = page(built, "events/walk/")
    (walk,) = jsonld(html, url)
    assert walk["eventStatus"] == "https://schema.org/EventCancelled"
    assert walk["organizer"][0]["@type"] == "Organization"  # no organizer named: the site


def test_json_ld_cannot_be_broken_out_of(built):
    html, url = page(built, "members/eve/")
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    scripts = soup.find_all("script")
    assert [s.get("type") for s in scripts] == ["application/ld+json"]
    (person,) = jsonld(html, url)
    assert person["name"] == EVIL_NAME
    assert person["worksFor"]["name"] == "A & B </script>"
    assert "</script><script>" not in html


def test_every_page_has_opengraph_and_twitter_meta(built):
    from bs4 import BeautifulSoup

    for rel in ("", "members/jenn-morales/", "interests/", "interests/coffee-roasting/",
                "events/", "events/patio/"):  # fmt: skip
        soup = BeautifulSoup(page(built, rel)[0], "lxml")

        def meta(key: str, soup=soup) -> str | None:
            el = soup.select_one(f'meta[property="{key}"], meta[name="{key}"]')
            return el["content"] if el else None

        assert meta("og:title"), rel
        assert meta("og:site_name") == "Harbourside Business Circle"
        assert meta("og:url") == f"{SITEURL}/{rel}"
        assert meta("twitter:card") in ("summary", "summary_large_image")
    soup = BeautifulSoup(page(built, "events/patio/")[0], "lxml")
    image = soup.select_one('meta[property="og:image"]')["content"]
    assert image.startswith(f"{SITEURL}/social/events/patio-")
    assert (built.output / image.removeprefix(SITEURL + "/")).is_file()
    title = soup.select_one('meta[property="og:title"]')["content"]
    assert title == "Friday Patio"
    walk = BeautifulSoup(page(built, "events/walk/")[0], "lxml")
    assert walk.select_one('meta[property="og:title"]')["content"] == "Cancelled: Lakeshore Walk"


SCREENSHOT = """
import sys
from playwright.sync_api import sync_playwright
args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=args)
    try:
        tab = browser.new_page()
        tab.goto(sys.argv[1])
        tab.locator(sys.argv[2]).screenshot(path=sys.argv[3])
    finally:
        browser.close()
"""


def test_profile_qr_code_decodes_to_the_profile_address(built, tmp_path):
    """Render the member page in Chromium, screenshot the QR code, decode it with zxing."""
    import subprocess
    import sys

    import zxingcpp
    from bs4 import BeautifulSoup
    from PIL import Image

    html, url = page(built, "members/jenn-morales/")
    svg = BeautifulSoup(html, "lxml").select_one(".profile-qr svg")
    assert svg is not None and not svg.find("script")
    # a process of its own: the sync Playwright API refuses to start in a worker where another
    # test module's session-wide browser is still running
    shot = tmp_path / "qr.png"
    page_uri = (built.output / "members/jenn-morales/index.html").as_uri()
    subprocess.run([sys.executable, "-c", SCREENSHOT, page_uri, ".profile-qr svg", str(shot)],
                   check=True, timeout=120)  # fmt: skip
    image = Image.open(shot).convert("L")
    decoded = zxingcpp.read_barcodes(image)
    assert [d.text for d in decoded] == [url], (image.size, decoded)
    assert list((built.root / ".familiar-cache" / "qr").glob("*.svg"))  # drawn once, then cached


def test_qr_codes_drawn_ahead_for_published_members_only_and_once(site, monkeypatch):
    """draw_qr_codes (what the loading workers run) draws the codes of members with a page,
    only when the address is absolute, and leaves a code already cached alone: not drawn again,
    not even read. The member page then shows the code it drew."""
    from familiar import community, qrcodes, structured
    from familiar.settings import read_settings

    site.member("ana", "name: Ana Ng")
    site.member("bo", "name: Bo Li\nvisibility: unlisted")
    site.member("cy", "name: Cy Oh\nvisibility: hidden")
    cache = site.root / ".familiar-cache" / "qr"
    relative = read_settings(site.settings())
    structured.draw_qr_codes(relative, community.load_community(relative).all_members)
    assert not cache.exists()
    settings = read_settings(site.settings(SITEURL=SITEURL))
    members = community.load_community(settings).all_members
    structured.draw_qr_codes(settings, members)
    assert len(list(cache.glob("*.svg"))) == 2  # ana and bo, not cy (no page)
    drawn = {p.name: p.read_bytes() for p in cache.iterdir()}

    def refuse(*args, **kwargs):
        raise AssertionError("drawn or read again")

    monkeypatch.setattr(qrcodes, "qr_svg", refuse)
    monkeypatch.setattr(Path, "read_text", refuse)
    structured.draw_qr_codes(settings, members)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in cache.iterdir()} == drawn
    site.build(SITEURL=SITEURL)
    page = (site.output / "members/ana/index.html").read_text(encoding="utf-8")
    shown = [svg for svg in map(bytes.decode, drawn.values()) if svg in page]
    assert len(shown) == 1 and f"QR code: {SITEURL}/members/ana/" in shown[0]


def test_qr_codes_of_pages_no_longer_there_are_deleted_from_the_cache(site):
    """A member who leaves, or hides their page, leaves no QR code in the cache after the next
    build at the absolute address; a build at a relative address deletes none."""
    site.member("ana", "name: Ana Ng")
    bo = site.member("bo", "name: Bo Li")
    cy = site.member("cy", "name: Cy Oh")
    cache = site.root / ".familiar-cache" / "qr"
    site.build(SITEURL=SITEURL)
    kept = {p.name for p in cache.glob("*.svg")}
    assert len(kept) == 3
    badge_code = cache / "0123456789abcdef01234567-gray.png"  # a file that is no page's code
    badge_code.write_bytes(b"png")
    bo.unlink()
    cy.write_text(cy.read_text().replace("name: Cy Oh", "name: Cy Oh\nvisibility: hidden"))
    site.build()  # at a relative address: no codes used, none deleted
    assert {p.name for p in cache.glob("*.svg")} == kept
    site.build(SITEURL=SITEURL)
    left = {p.name for p in cache.glob("*.svg")}
    assert len(left) == 1 and left < kept
    page = (site.output / "members/ana/index.html").read_text(encoding="utf-8")
    assert (cache / left.pop()).read_text(encoding="utf-8") in page
    assert badge_code.exists()


def test_no_qr_code_without_an_absolute_address(site):
    site.member("solo", "name: Solo Person")
    site.build()
    soup = site.html("members/solo/")
    assert soup.select_one(".profile-qr") is None
    assert soup.select_one(".save-contact a")["href"] == "/members/solo/solo.vcf"
    assert soup.select_one('meta[property="og:image"]') is None  # previews need full addresses
