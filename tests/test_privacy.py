"""Real people's data: hidden members leave no trace, removed members vanish, email is shown only
by choice, URLs carry nothing personal but the slug, pages load nothing from third parties, the
Content-Security-Policy holds, and publishing swaps in only a complete site."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from bs4 import BeautifulSoup
from familiar.publish import check_site
from PIL import Image, ImageStat

from .conftest import REPO
from .hostile import scan
from .hostile.browser import chromium, one_of_each_kind, page_urls, serve

HIDDEN_COLOUR = (17, 201, 99)


def _photo(path: Path, colour: tuple[int, int, int]) -> None:
    Image.new("RGB", (120, 120), colour).save(path, "JPEG", quality=95)


def _images_of_colour(root: Path, colour: tuple[int, int, int]) -> list[str]:
    """Output images whose average colour is `colour`: a photo published under any name."""
    found = []
    for p in scan.output_files(root):
        if p.suffix.lower() not in (".jpg", ".jpeg", ".png", ".webp", ".avif", ".gif"):
            continue
        with Image.open(p) as im:
            mean = ImageStat.Stat(im.convert("RGB")).mean
        if all(abs(a - b) < 8 for a, b in zip(mean, colour, strict=True)):
            found.append(p.relative_to(root).as_posix())
    return found


def _event(site, slug: str = "patio-night", organizers: str = "[ann-able]") -> None:
    site.event(
        slug,
        f"""
        title: Patio Night
        start: 2026-12-04 17:30
        venue: {{name: The Patio, address: 1 Lake Rd}}
        organizers: {organizers}
        """,
    )


def test_hidden_member_appears_in_no_output_file(site):
    site.member("ann-able", "name: Ann Able\ninterests: [sailing]\nattending: [patio-night]")
    site.member(
        "quentin-hiddenworth",
        """
        name: Quentin Hiddenworth
        known_as: Quentin
        photo: quentin-hiddenworth.jpg
        photo_alt: Quentin Hiddenworth on a boat
        business: Hiddenworth Holdings
        category: Zymurgy Supplies
        neighbourhood: Quietvale
        interests: [sailing, zymurgy]
        handles: {twitter: qhiddenworth}
        website: https://hiddenworth.example
        email: quentin@hiddenworth.example
        show_email: true
        attending: [patio-night]
        visibility: hidden
        """,
        "Quentin's bio mentions the Quietvale marina.",
    )
    _photo(site.content / "members" / "quentin-hiddenworth.jpg", HIDDEN_COLOUR)
    _event(site)
    site.build()
    assert "members/ann-able/index.html" in site.files()
    needles = ["quentin-hiddenworth", "Hiddenworth", "Quentin", "zymurgy", "Quietvale"]
    assert scan.traces(site.output, needles) == []
    assert _images_of_colour(site.output, HIDDEN_COLOUR) == []


def test_removing_a_profile_removes_every_trace(site, tmp_path):
    """Build, remove a member who has a photo, interests, a category and an event, rebuild in
    place: the output equals a clean build of the same content (same files, same bytes) and
    holds no trace of the member, on any kind of output (pages, feeds, JSON, calendars, PDFs)."""
    site.member("ann-able", "name: Ann Able\ninterests: [sailing]\nattending: [patio-night]")
    site.member(
        "bo-gone",
        """
        name: Bo Vanishing
        photo: bo-gone.jpg
        business: Vanishing Boats
        category: Boatbuilding
        interests: [sailing, varnish]
        handles: {twitter: bovanishing}
        email: bo@vanishing.example
        show_email: true
        attending: [patio-night]
        """,
    )
    _photo(site.content / "members" / "bo-gone.jpg", HIDDEN_COLOUR)
    _event(site)
    site.build()
    needles = ["bo-gone", "Vanishing", "varnish", "Boatbuilding"]
    assert scan.traces(site.output, needles), "the member was not published to begin with"
    for p in (site.content / "members").glob("bo-gone.*"):
        p.unlink()
    site.build()
    clean = tmp_path / "clean"
    site.build(OUTPUT_PATH=str(clean))
    rebuilt = {p.relative_to(site.output).as_posix() for p in scan.output_files(site.output)}
    fresh = {p.relative_to(clean).as_posix() for p in scan.output_files(clean)}
    assert sorted(rebuilt ^ fresh) == []
    differ = [
        rel
        for rel in sorted(fresh)
        if (site.output / rel).read_bytes() != (clean / rel).read_bytes()
    ]
    assert differ == []
    assert scan.traces(site.output, needles) == []
    assert _images_of_colour(site.output, HIDDEN_COLOUR) == []


def test_email_is_published_only_by_choice_and_never_as_text(site):
    site.member("ann-able", "name: Ann Able\nemail: ann.private@mail.example")
    site.member("bo-shown", "name: Bo Shown\nemail: bo.public@mail.example\nshow_email: true")
    site.build()
    assert scan.traces(site.output, ["ann.private", "ann.private@mail.example"]) == []
    page = site.html("members/bo-shown/")
    assert page.select_one('a[href="mailto:bo.public@mail.example"]'), (
        "show_email: true shows a link"
    )
    for path in site.output.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        for el in soup(["script", "style", "template"]):
            el.decompose()
        assert "bo.public" not in soup.get_text(" "), path
        for el in soup.find_all(True):
            for attr, value in el.attrs.items():
                value = " ".join(value) if isinstance(value, list) else value
                if "bo.public" in value:
                    assert (el.name, attr) == ("a", "href") and value.startswith("mailto:"), (
                        path,
                        el,
                    )


URL_RE = re.compile(r"""(?:https?://[^\s"'<>()\\]+|(?<=["'(=\s])/[A-Za-z0-9._~%/@+-]+)""")


def test_nothing_personal_in_any_url(site):
    site.member(
        "qz",
        """
        name: Quinn Zyxwvut
        email: quinn.private@mail.example
        show_email: true
        github_id: 87654321
        business: Zyxwvut Widgets
        interests: [sailing]
        attending: [patio-night]
        photo: qz.jpg
        """,
    )
    _photo(site.content / "members" / "qz.jpg", (90, 60, 30))
    _event(site, organizers="[qz]")
    site.build(SITEURL="https://club.example")
    personal = ["zyxwvut", "quinn", "87654321", "mail.example"]
    found = []
    for path in scan.output_files(site.output):
        rel = path.relative_to(site.output).as_posix()
        found += [f"{rel}: file name" for n in personal if n in rel.lower()]
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        for url in URL_RE.findall(text):
            if url.startswith("/") or url.startswith("https://club.example"):
                found += [f"{rel}: {url}" for n in personal if n in url.lower()]
    assert found == []


def test_noindex_and_unlisted_pages_ask_not_to_be_indexed(site):
    site.member("ann-able", "name: Ann Able")
    site.member("nina-noindex", "name: Nina Noindex\nnoindex: true")
    site.member("una-unlisted", "name: Una Unlisted\nvisibility: unlisted")
    site.build(SITEURL="https://club.example")
    robots = {
        slug: [
            m.get("content") for m in site.html(f"members/{slug}/").select('meta[name="robots"]')
        ]
        for slug in ("ann-able", "nina-noindex", "una-unlisted")
    }
    assert robots == {"ann-able": [], "nina-noindex": ["noindex"], "una-unlisted": ["noindex"]}
    for sitemap in site.output.rglob("sitemap*.xml"):
        text = sitemap.read_text(encoding="utf-8")
        assert "members/ann-able/" in text
        assert "nina-noindex" not in text and "una-unlisted" not in text


def _csp(soup: BeautifulSoup) -> dict[str, list[str]]:
    metas = soup.select('meta[http-equiv="Content-Security-Policy" i]')
    assert len(metas) == 1
    policy = {}
    for part in metas[0]["content"].split(";"):
        words = part.split()
        if words:
            policy[words[0]] = words[1:]
    return policy


def test_demo_site_is_self_contained_and_keeps_its_policy(demo_site):
    """The demo community, built once: every page carries the Content-Security-Policy, every
    output file passes the hostile scan, and in headless Chromium one page of each kind (search
    used where there is a box) requests nothing from another origin and breaks no policy."""
    demo_site.build()
    root = demo_site.output
    pages = sorted(root.rglob("*.html"))
    assert pages
    for path in pages:
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
        policy = _csp(soup)
        assert policy["default-src"] == ["'self'"]
        assert policy["script-src"] == ["'self'"], "no inline script, no other origin"
        assert policy["object-src"] == ["'none'"]
        assert policy["base-uri"] == ["'self'"]
        assert policy["form-action"] == ["'self'"]
        assert "'unsafe-inline'" not in policy.get("style-src", []), "no <style> injection"
        assert set(policy["img-src"]) <= {"'self'", "data:"}
        head = soup.head.find_all(True)
        first = next(
            i
            for i, el in enumerate(head)
            if el.get("http-equiv", "").lower() == "content-security-policy"
        )
        assert all(el.name not in ("script", "link", "style") for el in head[:first]), path
        assert (
            soup.select_one('meta[name="referrer"]')["content"] == "strict-origin-when-cross-origin"
        )

    assert scan.scan_site(root) == []

    requests: list[str] = []
    violations: list[str] = []
    errors: list[str] = []
    with serve(root) as origin, chromium() as browser:
        context = browser.new_context()
        context.add_init_script(
            """window.__csp = [];
            document.addEventListener('securitypolicyviolation',
              e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));"""
        )
        page = context.new_page()
        page.on("request", lambda r: requests.append(r.url))
        page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
        for path in one_of_each_kind(page_urls(root)):
            page.goto(f"{origin}/{path}", wait_until="networkidle")
            for box in page.locator("input[type=search]:visible").all():
                box.fill("coffee")
                page.wait_for_timeout(100)
            violations += [f"{path}: {v}" for v in page.evaluate("window.__csp")]
        context.close()
    assert len(requests) > 5
    assert [r for r in requests if not (r.startswith(origin + "/") or r.startswith("data:"))] == []
    assert violations == []
    assert errors == []


# --- publishing -------------------------------------------------------------------------------


def _publish(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "familiar.publish"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "COLUMNS": "2000"},
    )


def _snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    return {
        p.relative_to(root).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
        for p in scan.output_files(root)
    }


def test_publish_swaps_in_a_checked_site_and_a_failed_build_changes_nothing(site):
    shutil.copy(REPO / "publishconf.py", site.root / "publishconf.py")
    site.member("ann-able", "name: Ann Able\ninterests: [sailing]")
    site.member("bob-baker", "name: Bob Baker\nvisibility: unlisted")
    site.member("cy-hidden", "name: Cy Hidden\nvisibility: hidden")
    first = _publish(site.root)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "Traceback" not in first.stderr
    live = site.root / "output"
    assert sorted(p.parent.name for p in (live / "members").glob("*/index.html")) == [
        "ann-able",
        "bob-baker",
    ]
    assert 'href="https://harbourside.example/' in (live / "index.html").read_text()
    before = _snapshot(live)

    site.member("dee-broken", "name: Dee Broken\nintrests: [x]")
    failed = _publish(site.root)
    assert failed.returncode == 1
    assert (
        "content/members/dee-broken.md:3: intrests: is not a field Familiar knows" in failed.stderr
    )
    assert "the previous site was left unchanged" in failed.stderr
    assert "Traceback" not in failed.stderr
    assert _snapshot(live) == before
    assert sorted(p.name for p in site.root.iterdir() if p.name.startswith(".output")) == []

    (site.content / "members" / "dee-broken.md").unlink()
    site.member("eve-new", "name: Eve New")
    second = _publish(site.root)
    assert second.returncode == 0, second.stderr[-3000:]
    assert (live / "members" / "eve-new" / "index.html").is_file()
    assert sorted(p.name for p in site.root.iterdir() if p.name.startswith(".output")) == []


def test_publish_check_counts_member_pages(site):
    site.member("ann-able", "name: Ann Able")
    site.member("bob-baker", "name: Bob Baker")
    site.build()
    settings_file = site.root / "pelicanconf.py"
    assert check_site(settings_file, site.output) == []
    shutil.rmtree(site.output / "members" / "bob-baker")
    assert check_site(settings_file, site.output) == [
        "2 members to publish but 1 member pages were written; missing: bob-baker"
    ]
    os.remove(site.output / "index.html")
    assert check_site(settings_file, site.output)[0].endswith("no index.html was written")
