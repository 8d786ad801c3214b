"""Long listings are paginated: the directory and term pages past FAMILIAR_PAGE_SIZE members.

A 2,000-member community is loaded and checked by the plugin's own build_site and written by the
producers that make listings (directory, term pages, search index) into a real output folder;
member pages, photos and events, which pagination does not touch, are left out so the test stays
fast. A small site is built with Pelican end to end, and rebuilt smaller, to see page files come
and go.
"""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from .conftest import ScratchSite

NEIGHBOURHOODS = ["Harbour", "Old Town", "Lakeshore", "North End"]
CATEGORIES = ["Food & Drink", "Retail", "Finance", "Marketing", "Technology", "Arts"]
CARD = re.compile(r'<li class="card h-card[^"]*" data-slug="([^"]+)"')
INTERESTS = [f"{a} {b}" for a in ("sailing", "baking", "chess", "running", "film")
             for b in ("club", "talks", "books", "trips")]  # fmt: skip


def write_members(site: ScratchSite, n: int, start: int = 0) -> None:
    """`n` plain members with names across the alphabet; no photos (placeholders)."""
    for i in range(start, start + n):
        first = string.ascii_uppercase[i % 26] + "na"
        last = string.ascii_uppercase[(i * 7) % 26] + f"son{i}"
        interests = ", ".join(INTERESTS[(i + k * 3) % len(INTERESTS)] for k in range(4))
        site.member(
            f"m{i:05d}",
            f"""
            name: {first} {last}
            business: {last} Trading Co
            category: {CATEGORIES[i % len(CATEGORIES)]}
            neighbourhood: {NEIGHBOURHOODS[i % len(NEIGHBOURHOODS)]}
            interests: [{interests}]
            handles:
              twitter: user{i}
            """,
            f"Member number {i}, who likes {INTERESTS[i % len(INTERESTS)]}.",
        )


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def slugs_on(page: BeautifulSoup | Path) -> list[str]:
    """The members a listing page shows, in order (a page file is scanned without parsing: the
    term pages of 2,000 members are many)."""
    if isinstance(page, Path):
        return CARD.findall(page.read_text(encoding="utf-8"))
    return [li["data-slug"] for li in page.select("ul.cards > li.card")]


def listing_pages(output: Path, base: str) -> list[Path]:
    """base/index.html, then base/page/2/index.html ... as long as they exist, in order."""
    found = [output / base / "index.html"]
    n = 2
    while (output / base / "page" / str(n) / "index.html").exists():
        found.append(output / base / "page" / str(n) / "index.html")
        n += 1
    return found


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> ScratchSite:
    """2,000 members at the default page size, listings written by the plugin's producers."""

    from familiar import pages, search
    from familiar.output import Output
    from familiar.settings import read_settings

    root = tmp_path_factory.mktemp("pagination") / "site"
    s = ScratchSite.create(root)
    write_members(s, 2000)
    settings = read_settings(s.settings())
    assert settings.page_size == 120  # the default
    site = pages.build_site(settings)
    out = Output(settings.output_path)
    for produce in (pages.directory_pages, pages.taxonomy_pages, search.search_index):
        produce(site, out)
    return s


def test_first_directory_page_is_small_and_pages_cover_everyone_once(big: ScratchSite) -> None:
    first = big.output / "index.html"
    assert first.stat().st_size < 300_000, f"first page is {first.stat().st_size} bytes"
    files = listing_pages(big.output, "")
    assert len(files) == 17  # ceil(2000 / 120)
    assert not (big.output / "page" / "1").exists(), "page 1 is the directory itself"
    per_page = [slugs_on(f) for f in files]
    assert per_page[0] == slugs_on(soup(files[0]))  # the scan agrees with the parser
    assert [len(p) for p in per_page] == [120] * 16 + [80]
    everyone = [m["slug"] for m in json.loads((big.output / "search.json").read_bytes())["members"]]
    assert len(everyone) == 2000
    # every listed member on exactly one page, in directory order across the pages
    assert [slug for page in per_page for slug in page] == everyone
    assert max(f.stat().st_size for f in files) < 300_000


def test_pager_links_prev_next_and_current_page(big: ScratchSite) -> None:
    files = listing_pages(big.output, "")
    for n, f in enumerate(files, start=1):
        page = soup(f)
        url = "/" if n == 1 else f"/page/{n}/"
        nav = page.select_one("nav.pager[aria-label]")
        assert nav is not None, url
        current = nav.select('a[aria-current="page"]')
        assert [a["href"] for a in current] == [url]
        assert current[0].get_text(strip=True).endswith(str(n))
        numbers = {a["href"] for a in nav.select("a:not([rel])")}
        assert "/" in numbers and "/page/17/" in numbers  # first and last always offered
        # every page number link leads to a page that exists
        for href in numbers:
            assert (big.output / href.lstrip("/") / "index.html").exists(), href
        prev = page.select_one('head link[rel="prev"]')
        nxt = page.select_one('head link[rel="next"]')
        assert (prev["href"] if prev else None) == (
            None if n == 1 else ("/" if n == 2 else f"/page/{n - 1}/")
        )
        assert (nxt["href"] if nxt else None) == (None if n == 17 else f"/page/{n + 1}/")
        assert page.select_one('head link[rel="canonical"]')["href"] == url
        assert page.select_one('head meta[name="robots"][content*="noindex"]') is None
        if n > 1:
            assert f"page {n} of 17" in page.title.get_text()


def test_jump_bar_leads_to_the_page_holding_each_letter(big: ScratchSite) -> None:
    files = listing_pages(big.output, "")
    pages = {("/" if n == 1 else f"/page/{n}/"): soup(f) for n, f in enumerate(files, start=1)}
    links = [a["href"] for a in pages["/page/5/"].select(".jump a")]
    assert len(links) == 26
    for href in links:
        path, _, anchor = href.partition("#")
        target = pages[path] if path else pages["/page/5/"]
        heading = target.find(id=anchor)
        assert heading is not None, href
        letter = anchor.removeprefix("letter-")
        # the first member with this letter in the whole directory is on that page
        first_page = next(
            p for p in pages
            if any(n.get_text().startswith(letter) for n in pages[p].select(".card-name"))
        )  # fmt: skip
        assert (path or "/page/5/") == first_page, href


def test_term_pages_are_paginated_and_complete(big: ScratchSite) -> None:
    index = json.loads((big.output / "search.json").read_bytes())
    for facet, kind in [("interest", "interests"), ("category", "categories"),
                        ("neighbourhood", "neighbourhoods")]:  # fmt: skip
        for term in index["facets"][facet]:
            files = listing_pages(big.output, f"{kind}/{term['slug']}")
            assert len(files) == -(-term["count"] // 120), term
            seen = [slug for f in files for slug in slugs_on(f)]
            assert len(seen) == len(set(seen)) == term["count"], term
            expected = {m["slug"] for m in index["members"]
                        if term["slug"] in (m.get("interests", []) + [m.get("category"), m.get("neighbourhood")])}  # fmt: skip
            assert set(seen) == expected
            assert max(f.stat().st_size for f in files) < 300_000
    # a 500-member neighbourhood: 5 pages, each linking to the next
    harbour = listing_pages(big.output, "neighbourhoods/harbour")
    assert len(harbour) == 5
    assert soup(harbour[0]).select_one('.pager a[rel="next"]')["href"] == (
        "/neighbourhoods/harbour/page/2/"
    )
    assert "500 members (page 2 of 5)" in soup(harbour[1]).select_one(".lede").get_text()


def test_search_index_stays_compact(big: ScratchSite) -> None:
    """Everything a result card needs, and no more: under 400 bytes a member."""
    raw = (big.output / "search.json").read_bytes()
    data = json.loads(raw)
    assert len(raw) / len(data["members"]) < 400, len(raw)
    entry = data["members"][0]
    assert {"slug", "name", "text", "ph", "initials"} <= set(entry)
    assert re.fullmatch(r"#[0-9a-f]{6}", entry["ph"])
    assert "url" not in entry and data["root"] == "/"


def test_small_site_is_one_page_and_pages_go_when_the_directory_shrinks(
    site: ScratchSite,
) -> None:
    write_members(site, 25)
    site.build(FAMILIAR_PAGE_SIZE=10)
    assert [len(slugs_on(soup(f))) for f in listing_pages(site.output, "")] == [10, 10, 5]
    assert (site.output / "page/3/index.html").exists()
    # with JavaScript off, page 3 is reached from page 1 by its link
    href = site.html("").select_one('.pager a[href="/page/3/"]')["href"]
    assert len(slugs_on(site.html(href.lstrip("/")))) == 5
    everyone = [s for f in listing_pages(site.output, "") for s in slugs_on(soup(f))]
    assert sorted(everyone) == [f"m{i:05d}" for i in range(25)]
    for i in range(10, 25):
        (site.content / "members" / f"m{i:05d}.md").unlink()
    site.build(FAMILIAR_PAGE_SIZE=10)
    assert not (site.output / "page").exists(), "pages of the longer directory were removed"
    first = site.html("")
    assert len(slugs_on(first)) == 10
    assert first.select_one(".pager") is None and first.select_one('link[rel="next"]') is None
    assert first.select_one('link[rel="canonical"]') is None  # as before pagination


@pytest.mark.parametrize("value", [0, -5, "ten", True])
def test_page_size_setting_is_checked(site: ScratchSite, value: object) -> None:
    from familiar.settings import SettingsError, read_settings

    with pytest.raises(SettingsError, match="FAMILIAR_PAGE_SIZE"):
        read_settings(site.settings(FAMILIAR_PAGE_SIZE=value))
