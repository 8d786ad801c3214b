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
import os
import shutil
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from familiar.text import fold

from .conftest import REPO, ScratchSite
from .hostile.browser import serve

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
ARTIFACTS = REPO / "test-artifacts"
FACETS = {"interest": "interests", "category": "categories", "neighbourhood": "neighbourhoods"}


def unavailable(reason: str) -> None:
    """Skip with the reason; in CI fail instead, so a broken set-up cannot pass as green."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run in CI, but {reason}", pytrace=False)
    pytest.skip(reason)


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


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from .hostile.browser import shared_browser

    if not os.access(CHROMIUM, os.X_OK):
        unavailable(f"{CHROMIUM} is missing (./dev installs Debian's chromium package)")
    yield shared_browser()


class Tab:
    """A page in a fresh browser context that records console errors and uncaught exceptions."""

    def __init__(self, browser: Any, base: str, **context: Any) -> None:
        self.base = base
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on(
            "console",
            lambda m: self.errors.append(f"console: {m.text}") if m.type == "error" else None,
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"page error: {e}"))

    def open(self, path: str) -> Any:
        self.page.goto(self.base + path, wait_until="load")
        return self.page

    def visible_slugs(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "#members .card",
            "cards => cards.filter(c => c.offsetParent !== null).map(c => c.dataset.slug)",
        )

    def ready(self) -> None:
        """Wait until the script has loaded the index (it shows the form first, then loads the
        index when the page is idle or someone uses the form) and applied the URL's search."""
        self.page.wait_for_selector("#finder[data-state=ready]", state="visible")


@pytest.fixture
def tab(browser: Any, base_url: str) -> Iterator[Tab]:
    t = Tab(browser, base_url, viewport={"width": 1280, "height": 900})
    yield t
    t.context.close()
    assert t.errors == [], "console errors in the browser"


def listed_slugs(demo: ScratchSite) -> list[str]:
    return [li["data-slug"] for li in demo.html("").select("#members .card")]


def static_slugs(demo: ScratchSite, url_path: str) -> set[str]:
    """The members a static fallback page (an interest, category, neighbourhood page) lists."""
    return {li["data-slug"] for li in demo.html(url_path.lstrip("/")).select(".cards .card")}


def index(demo: ScratchSite) -> dict:
    return json.loads((demo.output / "search.json").read_text(encoding="utf-8"))


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


def wait_until(page: Any, expression: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression from the test side. Not page.wait_for_function: it builds a
    function from a string inside the page, which the site's CSP (no unsafe-eval) refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(50)


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
    t = Tab(browser, base_url, java_script_enabled=False, viewport={"width": 360, "height": 800})
    try:
        page = t.open("/?q=zoe&interest=sailing")  # a shared link still shows the directory
        assert len(t.visible_slugs()) == len(listed_slugs(demo)) > 0
        assert not page.is_visible("#finder")
        for kind in FACETS.values():
            page.click(f"main .lede a[href='/{kind}/']")
            assert page.url == f"{base_url}/{kind}/"
            links = page.eval_on_selector_all(".cloud a", "as => as.map(a => a.pathname)")
            facet = next(f for f, k in FACETS.items() if k == kind)
            assert links == [f"/{kind}/{t['slug']}/" for t in index(demo)["facets"][facet]]
            page.click(".cloud a")
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
    t = Tab(browser, base_url, viewport={"width": 1280, "height": 900})
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


# ---------------------------------------------------------------------------------------------
# a long, paginated directory: 300 members, 50 a page (FAMILIAR_PAGE_SIZE)

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
    t = Tab(browser, paged_url, viewport={"width": 1280, "height": 900})
    t.page.on("dialog", lambda d: (t.errors.append(f"dialog: {d.message}"), d.dismiss()))
    yield t
    t.context.close()
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
    t = Tab(browser, paged_url, java_script_enabled=False, viewport={"width": 360, "height": 800})
    try:
        page = t.open("/")
        assert t.visible_slugs() == pages[0]
        assert page.get_attribute(".pager a[aria-current=page]", "href") == "/"
        page.click(".pager a[rel=next]")
        assert page.url == f"{paged_url}/page/2/"
        assert t.visible_slugs() == pages[1]
        assert page.text_content(".pager a[href='/page/6/']:not([rel])") == "Page 6"
        page.click(".pager a[href='/page/6/']:not([rel])")
        assert page.url == f"{paged_url}/page/6/"
        assert t.visible_slugs() == pages[5]
        assert page.locator(".pager a[rel=next]").count() == 0
        page.click(".pager a[rel=prev]")
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
        assert page.url == f"{paged_url}/interests/chess/page/2/"
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
    t = Tab(browser, paged_url, viewport={"width": 1280, "height": 900})
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
