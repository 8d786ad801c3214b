"""The long, paginated directory in a real browser: 300 members, 50 a page. Pages and links
without JavaScript, search and filters across pages, batches, a hostile name shown as text, and
photos loading lazily. Shares the browser set-up of test_browser.py (tests/hostile/browser.py).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from .conftest import REPO, ScratchSite
from .hostile.browser import (
    DESKTOP,
    PHONE,
    Tab,
    desktop_tab,
    index,
    listed_slugs,
    serve,
    static_slugs,
    wait_until,
)

PAGED_SIZE = 50
PAGED_COUNT = 300
HOSTILE = 'Xavier <img src=x onerror="window.pwned=1"> & "Co"'


@pytest.fixture(scope="session")
def paged(tmp_path_factory: pytest.TempPathFactory) -> ScratchSite:
    """300 generated members (two with photos, one with a hostile name), built once."""
    root = tmp_path_factory.mktemp("browser") / "paged"
    site = ScratchSite.create(root)
    hoods = ["Harbour", "Old Town", "Lakeshore"]
    for i in range(PAGED_COUNT):
        first = "ABCDEFGHIJKLMNOPRSTUVWYZ"[i % 24] + "lex"
        name = HOSTILE if i == 150 else f"{first} Person{i:03d}"
        front = [f"name: {json.dumps(name)}", f"business: Shop {i:03d}",
                 "category: Retail" if i % 2 else "category: Arts",
                 f"neighbourhood: {hoods[i % 3]}",
                 f"interests: [{'rowing' if i % 4 == 0 else 'chess'}, topic{i % 10}]"]  # fmt: skip
        if i in (5, 287):  # photos on page 2 and on the last page, by name order
            photo = root / f"content/members/m{i}.jpg"
            shutil.copy(REPO / "content/members/jenn-morales.jpg", photo)
            front.append(f"photo: m{i}.jpg")
        site.member(f"m{i}", "\n".join(front))
    site.build(FAMILIAR_PAGE_SIZE=PAGED_SIZE, FAMILIAR_BADGES=False)
    return site


@pytest.fixture(scope="session")
def paged_url(paged: ScratchSite) -> Iterator[str]:
    with serve(paged.output) as origin:
        yield origin


@pytest.fixture
def ptab(browser: Any, paged_url: str) -> Iterator[Tab]:
    with desktop_tab(browser, paged_url) as t:
        t.page.on("dialog", lambda d: (t.errors.append(f"dialog: {d.message}"), d.dismiss()))
        yield t
    assert t.errors == [], "console errors in the browser"


def paged_pages(paged: ScratchSite) -> list[list[str]]:
    """The slugs on each directory page, page 1 first."""
    out = [listed_slugs(paged)]
    n = 2
    while (paged.output / f"page/{n}/index.html").exists():
        out.append([li["data-slug"] for li in paged.html(f"page/{n}/").select("#members .card")])
        n += 1
    return out


def term_slugs(paged: ScratchSite, base: str) -> set[str]:
    """Every member a (possibly paginated) static term page lists, over all its pages."""
    found = static_slugs(paged, base)
    n = 2
    while (paged.output / base.lstrip("/") / f"page/{n}/index.html").exists():
        found |= static_slugs(paged, f"{base}page/{n}/")
        n += 1
    return found


def test_paged_directory_pages_and_links_work_without_javascript(
    browser: Any, paged_url: str, paged: ScratchSite
) -> None:
    pages = paged_pages(paged)
    assert [len(p) for p in pages] == [PAGED_SIZE] * (PAGED_COUNT // PAGED_SIZE)
    assert sorted(s for p in pages for s in p) == sorted(f"m{i}" for i in range(PAGED_COUNT))
    t = Tab(browser, paged_url, java_script_enabled=False, viewport=PHONE)
    try:
        page = t.open("/")
        assert t.visible_slugs() == pages[0]
        assert page.get_attribute(".pager a[aria-current=page]", "href") == "/"
        page.click(".pager a[rel=next]")
        page.wait_for_url(f"{paged_url}/page/2/")  # a click waits for a navigation to start only
        assert t.visible_slugs() == pages[1]
        assert page.text_content(".pager a[href='/page/6/']:not([rel])") == "Page 6"
        page.click(".pager a[href='/page/6/']:not([rel])")
        page.wait_for_url(f"{paged_url}/page/6/")
        assert t.visible_slugs() == pages[5]
        assert page.locator(".pager a[rel=next]").count() == 0
        page.click(".pager a[rel=prev]")
        page.wait_for_url(f"{paged_url}/page/5/")
        assert t.visible_slugs() == pages[4]
        # the jump bar leads to the page holding the letter, at the letter
        page.click(".jump a:text-is('M')")
        wait_until(page, "location.hash === '#letter-M'")
        path = page.evaluate("location.pathname")
        paths = ["/"] + [f"/page/{n}/" for n in range(2, len(pages) + 1)]
        assert path == next(p for p in paths if paged.html(p.lstrip("/")).find(id="letter-M"))
        assert page.locator("#letter-M").is_visible()
        # term pages paginate too and link on with JavaScript off
        page.goto(f"{paged_url}/interests/chess/")
        assert page.locator(".cards .card").count() == PAGED_SIZE
        page.click(".pager a[rel=next]")
        page.wait_for_url(f"{paged_url}/interests/chess/page/2/")
    finally:
        t.context.close()
    assert t.errors == []


def test_search_finds_members_on_other_pages_and_clear_restores_the_page(
    ptab: Tab, paged: ScratchSite
) -> None:
    pages = paged_pages(paged)
    target = pages[4][7]  # on page 5
    entry = next(e for e in index(paged)["members"] if e["slug"] == target)
    page = ptab.open("/")
    ptab.ready()
    assert ptab.visible_slugs() == pages[0]
    page.fill("#q", entry["name"])
    assert ptab.visible_slugs() == [target]
    card = page.locator(f"#members .card[data-slug='{target}']")
    assert card.locator(".card-name").text_content() == entry["name"]
    assert card.locator("a").get_attribute("href") == f"/members/{target}/"
    assert card.locator(".card-business").text_content() == entry["business"]
    category = {"retail": "Retail", "arts": "Arts"}[entry["category"]]
    assert card.locator(".card-category").text_content().startswith(category + " · ")
    assert not page.is_visible(".pager") and not page.is_visible(".jump")
    assert page.text_content("#result-count").startswith(f"1 of {PAGED_COUNT} members")
    page.click("#clear")
    assert ptab.visible_slugs() == pages[0]
    assert page.is_visible(".pager") and page.is_visible(".jump")
    assert page.evaluate("location.search") == ""
    # a shared search on page 3 shows results from the whole index, back returns to page 3
    page.goto(f"{ptab.base}/page/3/?q={entry['name'].split()[-1]}")
    ptab.ready()
    assert ptab.visible_slugs() == [target]
    page.fill("#q", "")
    assert ptab.visible_slugs() == pages[2]
    page.go_back()
    assert ptab.visible_slugs() == [target]


def test_filter_spans_pages_and_shows_more_in_batches(ptab: Tab, paged: ScratchSite) -> None:
    rowing = term_slugs(paged, "/interests/rowing/")
    assert len(rowing) == PAGED_COUNT // 4 > PAGED_SIZE
    page = ptab.open("/")
    ptab.ready()
    page.select_option("#f-interest", "rowing")
    first = ptab.visible_slugs()
    assert len(first) == PAGED_SIZE and set(first) <= rowing
    assert page.is_visible("#more")
    page.click("#more")
    shown = ptab.visible_slugs()
    assert set(shown) == rowing and shown[:PAGED_SIZE] == first
    assert not page.is_visible("#more")
    # keyboard focus moved to the first new card
    focused = page.evaluate("document.activeElement.closest('.card').dataset.slug")
    assert focused == shown[PAGED_SIZE]
    # results keep directory order, the same as the pages
    order = [s for p in paged_pages(paged) for s in p]
    assert shown == [s for s in order if s in rowing]
    # a one-letter search matches nearly everyone but builds only a batch of cards
    page.select_option("#f-interest", "")
    page.fill("#q", "e")
    assert page.locator("#members .card").count() == PAGED_SIZE
    assert page.text_content("#result-count").startswith(f"{PAGED_COUNT} of {PAGED_COUNT}")
    # photos and placeholders in built cards: a photo from the last page loads
    page.fill("#q", "shop 287")
    img = page.locator("#members .card img")
    img.wait_for()
    wait_until(page, "document.querySelector('#members .card img').naturalWidth > 0")
    assert img.get_attribute("alt")
    page.fill("#q", "shop 288")
    assert page.get_attribute("#members .card .placeholder", "aria-label")


def test_hostile_name_in_results_is_text(ptab: Tab, paged: ScratchSite) -> None:
    page = ptab.open("/")
    ptab.ready()
    page.fill("#q", "xavier")
    names = page.eval_on_selector_all("#members .card-name", "ns => ns.map(n => n.textContent)")
    assert names == [HOSTILE]
    assert page.locator("#members img[src=x]").count() == 0
    assert page.evaluate("window.pwned") is None
    assert "<img" in page.text_content("#members .card")


def test_index_loads_after_the_page_not_before(browser: Any, paged_url: str) -> None:
    t = Tab(browser, paged_url)
    seen: list[str] = []
    t.page.on("load", lambda *_: seen.append("load"))
    t.page.on("request", lambda r: seen.append("index") if r.url.endswith("search.json") else None)
    try:
        t.open("/page/2/")
        t.ready()
        assert seen.index("load") < seen.index("index")
    finally:
        t.context.close()
    assert t.errors == []


def test_axe_on_a_paginated_page_with_results(browser: Any, paged_url: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    axe_source = Axe().axe_script
    t = Tab(browser, paged_url, viewport=DESKTOP)
    problems = []
    try:
        for path in ["/page/2/", "/?interest=rowing", "/interests/chess/page/2/"]:
            t.open(path)
            if not path.startswith("/interests/"):
                t.ready()
            t.page.evaluate(axe_source)
            for scheme in ("light", "dark"):
                t.page.emulate_media(color_scheme=scheme)
                results = t.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
                problems += [f"{scheme} {path}: {v['id']}" for v in results["violations"]
                             if v["impact"] in ("serious", "critical")]  # fmt: skip
    finally:
        t.context.close()
    assert problems == []
    assert t.errors == []


def test_jump_within_a_page_keeps_the_page_and_lands_on_the_letter(
    ptab: Tab, paged: ScratchSite
) -> None:
    page = ptab.open("/page/2/")
    ptab.ready()
    before = ptab.visible_slugs()
    page.evaluate("document.querySelector('#members .card').dataset.mark = 'same node'")
    here = page.eval_on_selector_all(".jump a", "as => as.map(a => a.getAttribute('href'))")
    local = [h for h in here if h.startswith("#")]
    assert local, here
    page.click(f".jump a[href='{local[-1]}']")
    assert ptab.visible_slugs() == before
    assert page.get_attribute("#members .card", "data-mark") == "same node"
    top = page.evaluate(f"document.getElementById('{local[-1][1:]}').getBoundingClientRect().top")
    assert 0 <= top < 200, top
