"""The directory in a real browser (Debian's Chromium through Playwright): search, filters, URL
state, the JavaScript-off fallback, axe-core on every page type in both colour schemes, keyboard
focus, no horizontal scrolling at 360 px, no console errors, screenshots in test-artifacts/.

The demo site is built once per test session (per xdist worker) and served over HTTP from a
thread on 127.0.0.1. When Playwright or the browser is missing the browser tests skip with the
reason, except in CI (CI=true), where a missing browser is a failure: these tests must run there.
The search index tests at the end need no browser.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from familiar.text import fold

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
)

ARTIFACTS = REPO / "test-artifacts"
FACETS = {"interest": "interests", "category": "categories", "neighbourhood": "neighbourhoods"}


# ---------------------------------------------------------------------------------------------
# fixtures: one demo build, one server, one browser per session


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> ScratchSite:
    root = tmp_path_factory.mktemp("browser") / "demo"
    site = ScratchSite.create(root, content=REPO / "content")
    site.build()
    return site


@pytest.fixture(scope="session")
def base_url(demo: ScratchSite) -> Iterator[str]:
    with serve(demo.output) as origin:
        yield origin


@pytest.fixture
def tab(browser: Any, base_url: str) -> Iterator[Tab]:
    with desktop_tab(browser, base_url) as t:
        yield t
    assert t.errors == [], "console errors in the browser"


def searchable(data: dict, entry: dict) -> str:
    """Everything search matches for an index entry: its text and the names of its terms."""
    names = {f: {t["slug"]: t["name"] for t in data["facets"][f]} for f in FACETS}
    terms = [names["category"].get(entry.get("category"), ""),
             names["neighbourhood"].get(entry.get("neighbourhood"), "")]  # fmt: skip
    terms += [names["interest"][s] for s in entry.get("interests", [])]
    return entry["text"] + " " + fold(" ".join(terms))


def page_types(demo: ScratchSite) -> dict[str, str]:
    """One URL of every kind of page the demo site has (events only if they are built)."""
    out = demo.output

    def first(kind: str) -> str:
        return (
            "/"
            + sorted(p.parent for p in out.glob(f"{kind}/*/index.html"))[0]
            .relative_to(out)
            .as_posix()
            + "/"
        )

    pages = {"directory": "/", "member": first("members")}
    for kind in FACETS.values():
        pages[f"{kind}-index"] = f"/{kind}/"
        pages[kind] = first(kind)
    if (out / "events" / "index.html").exists():
        pages["events"] = "/events/"
    if list(out.glob("events/*/index.html")):
        pages["event"] = first("events")
    return pages


# ---------------------------------------------------------------------------------------------
# search and filters


def test_search_folds_case_and_accents(tab: Tab, demo: ScratchSite) -> None:
    tab.open("/")
    tab.ready()
    everyone = listed_slugs(demo)
    assert tab.visible_slugs() == everyone
    for query, slug in [("zoe", "zoe-lefevre"), ("huong", "huong-nguyen"), ("HUONG", "huong-nguyen"),
                        ("Hương", "huong-nguyen"), ("jose martinez", "jose-martinez"),
                        ("wisniewski", "tomasz-wisniewski"), ("siobhan", "siobhan-oconnor-reilly")]:  # fmt: skip
        tab.page.fill("#q", query)
        assert tab.visible_slugs() == [slug], query
    tab.page.fill("#q", "")
    assert tab.visible_slugs() == everyone
    assert tab.page.text_content("#result-count") == f"{len(everyone)} members"


def test_every_name_finds_its_member_in_every_script(tab: Tab, demo: ScratchSite) -> None:
    """The script folds queries like text.fold: each name as written and as the build folds it
    (Arabic, Devanagari and Chinese names too) finds its member."""
    tab.open("/")
    tab.ready()
    for entry in index(demo)["members"]:
        for query in (entry["name"], fold(entry["name"]), entry["known_as"]):
            tab.page.fill("#q", query)
            assert entry["slug"] in tab.visible_slugs(), query


def test_search_by_business_handle_and_interest(tab: Tab, demo: ScratchSite) -> None:
    tab.open("/")
    tab.ready()
    for query, slug in [("lefevre boulangerie", "zoe-lefevre"), ("jennmorales", "jenn-morales"),
                        ("arabic calligraphy", "layla-haddad")]:  # fmt: skip
        tab.page.fill("#q", query)
        assert tab.visible_slugs() == [slug], query
    # an interest several members share finds exactly its static page's members
    tab.page.fill("#q", "sailing")
    assert set(tab.visible_slugs()) == static_slugs(demo, "/interests/sailing/")
    tab.page.fill("#q", "no such person anywhere")
    assert tab.visible_slugs() == []
    assert tab.page.is_visible("#no-results")
    assert tab.page.text_content("#result-count").startswith("0 of ")


def test_each_filter_shows_exactly_its_static_page(tab: Tab, demo: ScratchSite) -> None:
    """Every option of every filter narrows the list to the members of the static page that is
    its JavaScript-off fallback."""
    tab.open("/")
    tab.ready()
    facets = index(demo)["facets"]
    for facet, kind in FACETS.items():
        assert facets[facet], f"the demo has no {facet} to filter by"
        for term in facets[facet]:
            tab.page.select_option(f"#f-{facet}", term["slug"])
            shown = tab.visible_slugs()
            assert set(shown) == static_slugs(demo, f"/{kind}/{term['slug']}/"), term
            assert len(shown) == term["count"]
        tab.page.select_option(f"#f-{facet}", "")
    assert tab.visible_slugs() == listed_slugs(demo)


def test_filters_and_search_combine(tab: Tab, demo: ScratchSite) -> None:
    sailing = static_slugs(demo, "/interests/sailing/")
    entries = {e["slug"]: e for e in index(demo)["members"]}
    category = entries[sorted(sailing)[0]]["category"]
    both = sailing & static_slugs(demo, f"/categories/{category}/")
    assert 0 < len(both) < len(sailing) or len(both) == 1
    tab.open("/")
    tab.ready()
    tab.page.select_option("#f-interest", "sailing")
    tab.page.select_option("#f-category", category)
    assert set(tab.visible_slugs()) == both
    hood = entries[sorted(both)[0]]["neighbourhood"]
    tab.page.select_option("#f-neighbourhood", hood)
    expected = both & static_slugs(demo, f"/neighbourhoods/{hood}/")
    assert set(tab.visible_slugs()) == expected
    tab.page.fill("#q", "zzzz")
    assert tab.visible_slugs() == []
    tab.page.click("#clear")
    assert tab.visible_slugs() == listed_slugs(demo)
    assert urlsplit(tab.page.url).query == ""


# ---------------------------------------------------------------------------------------------
# URL state


def query_of(page: Any) -> dict[str, list[str]]:
    """The page's query as the page itself sees it: Playwright's page.url follows
    history.replaceState asynchronously, so it can lag behind by an event."""
    return parse_qs(page.evaluate("location.search.slice(1)"))


def test_url_state_round_trips_and_back_button_works(tab: Tab, demo: ScratchSite) -> None:
    sailing = static_slugs(demo, "/interests/sailing/")
    page = tab.open("/?q=harbour&interest=sailing")
    tab.ready()
    assert page.input_value("#q") == "harbour"
    assert page.input_value("#f-interest") == "sailing"
    entries = {e["slug"]: e for e in index(demo)["members"]}
    expected = {s for s in sailing if "harbour" in searchable(index(demo), entries[s])}
    assert expected and set(tab.visible_slugs()) == expected

    # a filter change is a new history entry; the URL names every active filter
    hood = entries[sorted(expected)[0]]["neighbourhood"]
    page.select_option("#f-neighbourhood", hood)
    assert query_of(page) == {
        "q": ["harbour"], "interest": ["sailing"], "neighbourhood": [hood],
    }  # fmt: skip
    narrowed = tab.visible_slugs()

    # typing is one history entry however many keys are pressed
    page.fill("#q", "")
    page.type("#q", "zz")
    assert query_of(page)["q"] == ["zz"]
    assert tab.visible_slugs() == []

    page.go_back()
    assert page.input_value("#q") == "harbour"
    assert page.input_value("#f-neighbourhood") == hood
    assert tab.visible_slugs() == narrowed
    page.go_back()
    assert page.input_value("#f-neighbourhood") == ""
    assert set(tab.visible_slugs()) == expected
    page.go_forward()
    assert tab.visible_slugs() == narrowed

    # the URL alone reproduces the view: open it in a new tab
    shared = page.url
    other = tab.context.new_page()
    other.goto(shared)
    other.wait_for_selector("#finder[data-state=ready]", state="visible")
    shown = other.eval_on_selector_all(
        "#members .card", "cs => cs.filter(c => c.offsetParent !== null).map(c => c.dataset.slug)"
    )
    assert shown == narrowed


def test_unknown_filter_value_in_url_shows_everyone(tab: Tab, demo: ScratchSite) -> None:
    tab.open("/?interest=no-such-interest")
    tab.ready()
    assert tab.page.input_value("#f-interest") == ""
    assert tab.visible_slugs() == listed_slugs(demo)


# ---------------------------------------------------------------------------------------------
# JavaScript off


def test_javascript_off_shows_everyone_and_static_filter_pages(
    browser: Any, base_url: str, demo: ScratchSite
) -> None:
    t = Tab(browser, base_url, java_script_enabled=False, viewport=PHONE)
    try:
        page = t.open("/?q=zoe&interest=sailing")  # a shared link still shows the directory
        assert len(t.visible_slugs()) == len(listed_slugs(demo)) > 0
        assert not page.is_visible("#finder")
        for kind in FACETS.values():
            page.click(f"main .lede a[href='/{kind}/']")
            # a click waits for the navigation to start, not to end: wait for the page it opens
            page.wait_for_url(f"{base_url}/{kind}/")
            links = page.eval_on_selector_all(".cloud a", "as => as.map(a => a.pathname)")
            facet = next(f for f, k in FACETS.items() if k == kind)
            assert links == [f"/{kind}/{t['slug']}/" for t in index(demo)["facets"][facet]]
            page.click(".cloud a")
            page.wait_for_url(f"{base_url}{links[0]}")
            assert page.locator(".cards .card").count() > 0
            page.go_back()
            page.go_back()
    finally:
        t.context.close()
    assert t.errors == []


# ---------------------------------------------------------------------------------------------
# accessibility, layout, screenshots


def test_axe_finds_no_serious_violations_on_any_page_type_in_either_scheme(
    browser: Any, base_url: str, demo: ScratchSite
) -> None:
    """axe-core (shipped by axe-playwright-python) on every page type, light and dark: the
    contrast rules run against the colours the system setting selects."""
    from axe_playwright_python.sync_playwright import Axe

    axe_source = Axe().axe_script
    t = Tab(browser, base_url, viewport=DESKTOP)
    problems = []
    try:
        for kind, path in page_types(demo).items():
            t.page.emulate_media(color_scheme="light")
            t.open(path)
            if kind == "directory":
                t.ready()  # check the search form too, as people see it
            t.page.evaluate(axe_source)
            for scheme in ("light", "dark"):
                t.page.emulate_media(color_scheme=scheme)
                results = t.page.evaluate("axe.run(document, {resultTypes: ['violations']})")
                for v in results["violations"]:
                    if v["impact"] in ("serious", "critical"):
                        targets = [n["target"] for n in v["nodes"]][:5]
                        problems.append(
                            f"{scheme} {kind} {path}: {v['id']} ({v['impact']}): {targets}"
                        )
    finally:
        t.context.close()
    assert problems == []
    assert t.errors == []


def test_names_have_direction_auto(demo: ScratchSite) -> None:
    names = demo.html("").select(".card-name")
    assert names and all(n.get("dir") == "auto" for n in names)
    assert any(any("\u0600" <= ch <= "\u06ff" for ch in n.get_text()) for n in names)


def test_arabic_name_renders_right_to_left(tab: Tab) -> None:
    tab.open("/")
    directions = tab.page.eval_on_selector_all(
        ".card-name", "ns => ns.map(n => [n.textContent, getComputedStyle(n).direction])"
    )
    rtl = [text for text, d in directions if d == "rtl"]
    assert rtl and all(any("\u0600" <= ch <= "\u06ff" for ch in text) for text in rtl)


def test_keyboard_reaches_search_with_visible_focus(tab: Tab, demo: ScratchSite) -> None:
    page = tab.open("/")
    tab.ready()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    box = page.locator(".skip").bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0, "the skip link shows when focused"
    for _ in range(30):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement, s = getComputedStyle(e);"
            " return [e.id || e.tagName, s.outlineStyle, s.outlineWidth]; })()"
        )
        assert focused[1] != "none" and focused[2] != "0px", f"no visible focus on {focused[0]}"
        if focused[0] == "q":
            break
    else:
        pytest.fail("Tab never reached the search box")
    page.keyboard.type("zoe")
    assert tab.visible_slugs() == ["zoe-lefevre"]
    page.keyboard.press("Tab")  # on to the interest filter, choose with the keyboard
    assert page.evaluate("document.activeElement.id") == "f-interest"


@pytest.mark.parametrize("width", [360, 1280])
def test_no_horizontal_scroll_alt_text_and_screenshots(
    browser: Any, base_url: str, demo: ScratchSite, width: int
) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    t = Tab(browser, base_url, viewport={"width": width, "height": 800})
    wide = []
    try:
        for kind, path in page_types(demo).items():
            page = t.open(path)
            if kind == "directory":
                t.ready()
            sizes = page.evaluate(
                "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
            )
            if sizes[0] > sizes[1]:
                wide.append(f"{kind} {path}: {sizes[0]} px wide in a {sizes[1]} px window")
            # alt text on every photo; placeholders (no photo) are named images
            alts = page.eval_on_selector_all("img", "is => is.map(i => i.getAttribute('alt'))")
            assert all(a and a.strip() for a in alts), (kind, alts)
            labels = page.eval_on_selector_all(
                ".placeholder", "ps => ps.map(p => p.getAttribute('aria-label'))"
            )
            assert all(labels), kind
            page.screenshot(path=str(ARTIFACTS / f"{kind}-{width}.png"), full_page=True)
    finally:
        t.context.close()
    assert wide == []
    assert t.errors == []


def test_photos_beyond_the_first_screen_load_lazily(demo: ScratchSite) -> None:
    imgs = demo.html("").select("#members .card img")
    assert len(imgs) > 8, "the demo directory has photos below the first screen"
    assert all(i.get("loading") != "lazy" for i in imgs[:4])
    assert all(i.get("loading") == "lazy" for i in imgs[8:])


def test_print_styles_hide_navigation_on_member_and_event_pages(
    browser: Any, base_url: str, demo: ScratchSite
) -> None:
    t = Tab(browser, base_url)
    try:
        for kind, path in page_types(demo).items():
            if kind not in ("member", "event"):
                continue
            page = t.open(path)
            assert page.is_visible(".site-header nav")
            page.emulate_media(media="print")
            assert not page.is_visible(".site-header nav"), kind
            assert not page.is_visible(".site-footer"), kind
            background = page.evaluate("getComputedStyle(document.body).backgroundColor")
            assert background in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)"), kind
            page.emulate_media(media="screen")
    finally:
        t.context.close()


def test_directory_page_weight_under_100_kb(demo: ScratchSite) -> None:
    """HTML, CSS, JS and the search index of the demo directory, before photos."""
    soup = demo.html("")
    files = ["index.html", "search.json"]
    files += [link["href"].lstrip("/") for link in soup.select("link[rel=stylesheet]")]
    files += [s["src"].lstrip("/") for s in soup.select("script[src]")]
    assert not any(f.startswith(("http:", "https:")) or "//" in f for f in files), files
    total = sum((demo.output / f).stat().st_size for f in files)
    assert total < 100_000, f"{total} bytes: {files}"


def test_no_third_party_code_or_web_fonts(demo: ScratchSite) -> None:
    for rel in ["index.html", "interests/index.html"]:
        soup = demo.html(rel)
        for tag in soup.select("script[src], link[href]"):
            url = tag.get("src") or tag.get("href")
            assert not url.startswith(("http:", "https:", "//")), url
    css = (demo.output / "theme/css/site.css").read_text(encoding="utf-8")
    assert "@font-face" not in css and "@import" not in css


# ---------------------------------------------------------------------------------------------
# the search index (no browser needed)

LISTED = """
name: Zoë Lefèvre
known_as: Zoë
business: Lefèvre Boulangerie
category: Food & Drink
neighbourhood: Old Harbour
interests: [Sourdough, sea swimming]
handles:
  twitter: zoebakes
email: zoe@private.example
"""


def test_search_index_has_listed_members_only_and_public_fields(site: ScratchSite) -> None:
    site.member("zoe-lefevre", LISTED, "A private-ish bio sentence.")
    site.member("quiet-one", "name: Quentin Quiet\nvisibility: unlisted\ninterests: [sailing]")
    site.member("gone-one", "name: Gideon Gone\nvisibility: hidden\ninterests: [sailing]")
    site.build()
    raw = (site.output / "search.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert [m["slug"] for m in data["members"]] == ["zoe-lefevre"]
    for secret in ["Quentin", "quiet-one", "Gideon", "gone-one", "private.example", "bio sentence"]:
        assert secret not in raw
    zoe = data["members"][0]
    assert zoe["category"] == "food-drink" and zoe["neighbourhood"] == "old-harbour"
    assert zoe["interests"] == ["sea-swimming", "sourdough"]
    assert "zoe lefevre" in zoe["text"] and "zoebakes" in zoe["text"]
    assert [t["slug"] for t in data["facets"]["interest"]] == ["sea-swimming", "sourdough"]
    # every facet term has its static page: the JavaScript-off fallback
    for facet, kind in FACETS.items():
        for term in data["facets"][facet]:
            assert (site.output / kind / term["slug"] / "index.html").exists()
    assert site.html("neighbourhoods/old-harbour/").select_one(".card")["data-slug"] == (
        "zoe-lefevre"
    )
    assert site.html("members/zoe-lefevre/").select_one("a[href='/neighbourhoods/old-harbour/']")


def test_short_directory_has_no_jump_bar_long_one_does(site: ScratchSite) -> None:
    for i, name in enumerate(["Ann Arbor", "Bea Blue", "Cy Cole"]):
        site.member(f"m{i}", f"name: {name}")
    site.build()
    assert site.html("").select_one(".jump") is None
    for i in range(3, 12):
        site.member(f"m{i}", f"name: {chr(ord('D') + i)}va Person{i}")
    site.member("arabic", "name: ليلى حداد")
    site.build()
    soup = site.html("")
    letters = [a.get_text() for a in soup.select(".jump a")]
    assert letters[:3] == ["A", "B", "C"] and letters[-1] == "ل"
    for a in soup.select(".jump a"):
        assert soup.find(id=a["href"][1:]) is not None, a["href"]
