"""The hostile corpus: every case in tests/hostile/ is rejected with its exact message or
rendered harmless on every output the build writes (pages, feeds, JSON, calendars, badges).

A case is a file named after it: tests/hostile/<case>.md or .yaml (a profile, copied to
content/members/), <case>.event.md (an event, copied to content/events/), and any other
tests/hostile/<case>.<ext> is that profile's photo. Cases that need bytes, sizes or symbolic
links a repository should not hold are written by the functions in GENERATED. EXPECTED says what
each case must do (both in tests/hostile/corpus.py).
"""

from __future__ import annotations

import fnmatch
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from familiar.errors import ContentErrors
from familiar.pages import build_site
from familiar.settings import read_settings
from PIL import Image

from .conftest import ScratchSite
from .hostile import scan
from .hostile.browser import chromium, page_urls, serve
from .hostile.corpus import (
    ANY,
    EXPECTED,
    GENERATED,
    HARMLESS,
    HOSTILE,
    PATHS_OF,
    SHOWN,
    E,
    M,
    fixture_files,
    install,
)


def new_site(root: Path) -> ScratchSite:
    site = ScratchSite.create(root)
    (root / "outside").mkdir()
    return site


class OpenRecorder:
    """Every file Python opens while recording (an audit hook: it sees opens by any library)."""

    active: list[str] | None = None
    installed = False

    @classmethod
    def start(cls) -> list[str]:
        if not cls.installed:
            sys.addaudithook(cls._hook)
            cls.installed = True
        cls.active = []
        return cls.active

    @classmethod
    def stop(cls) -> None:
        cls.active = None

    @classmethod
    def _hook(cls, event: str, args: tuple) -> None:
        if (
            cls.active is not None
            and event == "open"
            and isinstance(args[0], str | bytes | os.PathLike)
        ):
            path = os.fsdecode(args[0])
            cls.active.append(os.path.realpath(path))


HARMLESS_CASES = [c for c, e in EXPECTED.items() if e == HARMLESS]
ERROR_CASES = [c for c, e in EXPECTED.items() if e != HARMLESS]


@pytest.fixture(scope="module")
def harmless(tmp_path_factory) -> ScratchSite:
    """One site holding every harmless case, built with real Pelican."""
    site = new_site(tmp_path_factory.mktemp("harmless"))
    for case in HARMLESS_CASES:
        install(case, site.content, site.root / "outside")
    opened = OpenRecorder.start()
    try:
        site.build()
    finally:
        OpenRecorder.stop()
    site.opened = opened  # type: ignore[attr-defined]
    return site


@pytest.fixture(scope="module")
def rejected(tmp_path_factory) -> tuple[ScratchSite, list[str], list[str]]:
    """One site holding every rejected case: (site, problems the build reports, files opened)."""
    site = new_site(tmp_path_factory.mktemp("rejected"))
    for case in ERROR_CASES:
        install(case, site.content, site.root / "outside")
    opened = OpenRecorder.start()
    try:
        build_site(read_settings(site.settings()))
    except ContentErrors as e:
        problems = [str(err) for err in e.errors]
    else:
        problems = []
    finally:
        OpenRecorder.stop()
    return site, problems, opened


def test_every_case_has_a_fixture_and_an_expectation():
    on_disk = set(fixture_files())
    assert on_disk - set(EXPECTED) == set(), "fixture files without an expectation"
    missing = {c for c in EXPECTED if c not in on_disk and c not in GENERATED}
    assert missing == set(), "expectations without a fixture"
    assert set(SHOWN) <= set(HARMLESS_CASES)


def _matches(pattern: str, problem: str) -> bool:
    return fnmatch.fnmatchcase(problem, pattern) if pattern.endswith(ANY) else pattern == problem


def _paths(case: str) -> list[str]:
    stems = PATHS_OF.get(case, [case])
    return [f"{kind}/{stem}." for kind in (M, E) for stem in stems]


@pytest.mark.parametrize("case", ERROR_CASES)
def test_rejected_case(rejected, case):
    _, problems, _ = rejected
    got = [p for p in problems if p.startswith(tuple(_paths(case)))]
    expected = EXPECTED[case]
    assert all(any(_matches(e, g) for e in expected) for g in got), got
    assert all(any(_matches(e, g) for g in got) for e in expected), got


def test_rejected_corpus_reports_nothing_else(rejected):
    _, problems, _ = rejected
    known = tuple(p for case in ERROR_CASES for p in _paths(case))
    assert [p for p in problems if not p.startswith(known)] == []


def test_nothing_outside_content_is_read_or_published(rejected):
    site, _, opened = rejected
    outside = os.path.realpath(site.root / "outside")
    assert [p for p in opened if p.startswith(outside)] == []
    if site.output.exists():
        assert scan.traces(site.output, ["SENTINEL-OUTSIDE", "photo-symlink-outside"]) == []
        assert [p for p in site.output.rglob("*") if "symlink" in p.name] == []


def test_pelican_stops_with_the_problems_and_no_traceback(rejected):
    site, problems, _ = rejected
    run = subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output"],
        cwd=site.root,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "COLUMNS": "2000"},
    )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out[-2000:]
    assert "Traceback" not in out
    assert problems and [p for p in problems if p not in out] == []


def test_harmless_cases_are_all_published(harmless):
    files = set(harmless.files())
    for case in HARMLESS_CASES:
        for stem in PATHS_OF.get(case, [case]):
            kind = "events" if (HOSTILE / f"{case}.event.md").exists() else "members"
            assert f"{kind}/{stem}/index.html" in files, case


def test_every_output_file_is_harmless(harmless):
    assert harmless.files(), "the build wrote nothing"
    assert scan.scan_site(harmless.output) == []


@pytest.mark.parametrize("case", sorted(SHOWN))
def test_hostile_text_is_shown_as_text(harmless, case):
    kind = "events" if (HOSTILE / f"{case}.event.md").exists() else "members"
    text = harmless.html(f"{kind}/{case}/").get_text("\n")
    lines = {" ".join(line.split()) for line in text.split("\n")}
    flat = " ".join(text.split())
    for shown in SHOWN[case]:
        assert shown in lines or shown in flat, shown


def test_alt_text_stays_inside_its_attribute(harmless):
    alt = '" onload="alert(1)" x="<script>alert(2)</script><img src=x onerror=alert(3)>'
    page = harmless.html("members/script-in-photo-alt/")
    assert [img["alt"] for img in page.select("img.photo, .member-photo img")][:1] == [alt]


def test_same_name_twice_gets_two_pages(harmless):
    a = harmless.html("members/same-name-a/").get_text(" ")
    b = harmless.html("members/same-name-b/").get_text(" ")
    assert "First" in a and "Second" in b


def test_polyglot_photo_is_reencoded(harmless):
    photos = [
        p
        for p in harmless.output.rglob("*")
        if "polyglot-jpeg" in p.name and p.suffix in (".jpg", ".jpeg", ".webp", ".png", ".avif")
    ]
    assert photos, "the polyglot member's photo was not published"
    for p in photos:
        with Image.open(p) as im:
            im.verify()
        assert b"<script" not in p.read_bytes() and b"<html" not in p.read_bytes()


def test_no_local_file_is_fetched_by_any_renderer(harmless):
    """file:// URLs in names, bios and businesses are never opened (e.g. by a PDF renderer)."""
    assert [p for p in harmless.opened if p.startswith(("/etc/passwd", "/etc/hostname"))] == []


def test_badges_show_hostile_names_as_plain_nfc_text(harmless):
    pdfs = sorted(harmless.output.rglob("*.pdf"))
    if not pdfs:
        pytest.skip("this build writes no PDF yet (badges not built)")
    text = "\n".join(scan.pdf_text(p) for p in pdfs)
    assert "Zo\u00e9" in text
    assert not set(text) & scan.INVISIBLE


def test_pages_run_no_hostile_script_in_a_browser(harmless):
    """Every page of the hostile site in Chromium: no dialog, no handler in the live DOM, no
    request off the site, and search boxes fed a payload render it as text."""
    dialogs: list[str] = []
    offsite: list[str] = []
    live: list[str] = []
    with serve(harmless.output) as origin, chromium() as browser:
        page = browser.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.message}"), d.dismiss()))
        page.on(
            "request",
            lambda r: (
                None if r.url.startswith(origin) else offsite.append(f"{page.url} -> {r.url}")
            ),
        )
        for path in page_urls(harmless.output):
            page.goto(f"{origin}/{path}", wait_until="load")
            for box in page.locator("input[type=search], input[name=q]").all():
                box.fill("<img src=x onerror=alert(9)>script")
                box.press("Enter")
                page.wait_for_timeout(50)
            live.extend(
                f"{path}: {x}"
                for x in page.evaluate(
                    """() => [...document.querySelectorAll('*')].flatMap(el =>
                        [...el.attributes].filter(a => /^on/i.test(a.name))
                          .map(a => el.tagName + ' ' + a.name))"""
                )
            )
        page.close()
    assert dialogs == []
    assert offsite == []
    assert live == []


def test_yaml_cases_are_bounded_in_time_and_memory(tmp_path):
    """Every YAML-level case loaded in a subprocess with a 1 GB address-space limit and a
    timeout: each gives its error or member, and no case needs more than 32 MB of Python memory."""
    site = new_site(tmp_path / "yaml")
    cases = ["python-tag", "python-tag-on-key", "anchor-and-alias", "alias-bomb", "merge-key",
             "duplicate-keys", "second-document", "top-level-list", "empty-header",
             "deep-nesting", "too-many-values", "five-mb-profile", "invalid-utf8", "nul-byte",
             "yaml-words-kept-as-text", "invalid-date", "long-name"]  # fmt: skip
    for case in cases:
        install(case, site.content, site.root / "outside")
    script = textwrap.dedent(
        """
        import json, resource, sys, tracemalloc
        from pathlib import Path
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from familiar.loading import load_file
        from familiar.models import member_from_doc
        out = {}
        for path in sorted(Path("content/members").iterdir()):
            tracemalloc.start()
            doc, errors = load_file(path, Path("."))
            if not errors:
                member, errors = member_from_doc(doc)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            out[path.stem] = {"errors": [str(e) for e in errors], "peak": peak}
        print(json.dumps(out))
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=site.root, capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr[-2000:]
    import json

    results = json.loads(run.stdout)
    assert sorted(results) == sorted(cases)
    for case, r in results.items():
        expected = EXPECTED[case]
        assert r["errors"] == ([] if expected == HARMLESS else expected), case
        assert r["peak"] < 32 * 1024 * 1024, (case, r["peak"])


@pytest.mark.parametrize("case", ["polyglot-jpeg", "fifty-mb-photo", "decompression-bomb"])
def test_photo_cases_are_bounded_in_memory(tmp_path, case):
    """A photo case processed in a subprocess limited to 1.5 GB of address space never crashes
    it: the build ends with a member or a problem, never a MemoryError or a kill."""
    site = new_site(tmp_path / "photo")
    install(case, site.content, site.root / "outside")
    script = textwrap.dedent(
        """
        import resource
        resource.setrlimit(resource.RLIMIT_AS, (3 << 29, 3 << 29))
        from pelican import Pelican
        from pelican.settings import read_settings
        Pelican(read_settings("pelicanconf.py")).run()
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", script], cwd=site.root, capture_output=True, text=True, timeout=120
    )
    out = run.stdout + run.stderr
    assert "Traceback" not in out and "MemoryError" not in out, out[-2000:]
    assert run.returncode in (0, 1), out[-2000:]
    assert (run.returncode == 0) == (EXPECTED[case] == HARMLESS), out[-2000:]


def test_no_output_file_names_carry_hostile_text(harmless):
    for rel in harmless.files():
        assert re.fullmatch(r"[A-Za-z0-9._/\-]+", rel), rel
