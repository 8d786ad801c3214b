"""A built site served on 127.0.0.1 and Debian's headless Chromium, for tests that load pages."""

from __future__ import annotations

import functools
import http.server
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..conftest import ScratchSite

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve `root` at http://127.0.0.1:<free port>; yields the origin."""
    handler = functools.partial(_Quiet, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


# One browser per test process, shared by every test that needs one: Playwright's sync API
# cannot start a second instance in a process while one is running.
_shared: dict[str, object] = {}


def shared_browser() -> object:
    """The process's headless Chromium, started on first use; skips (fails on CI) without one."""
    if "browser" not in _shared:
        try:
            from playwright.sync_api import Error, sync_playwright
        except ImportError:  # pragma: no cover - depends on the machine
            _missing("the playwright package is not installed (pip install -e '.[test]')")
        if not os.path.exists(CHROMIUM):
            _missing(f"{CHROMIUM} not found (./dev installs Debian's chromium package)")
        pw = sync_playwright().start()
        try:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        except Error as e:  # pragma: no cover - depends on the machine
            pw.stop()
            _missing(f"Chromium did not start: {e}")
        _shared.update(pw=pw, browser=browser)
    return _shared["browser"]


def close_shared_browser() -> None:
    browser, pw = _shared.pop("browser", None), _shared.pop("pw", None)
    if browser is not None:
        browser.close()
    if pw is not None:
        pw.stop()


@contextmanager
def chromium() -> Iterator[object]:
    """The shared headless Chromium browser; skips the test when there is none (fails on CI)."""
    yield shared_browser()


def _missing(why: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests need Chromium on CI: {why}")
    pytest.skip(why)


def page_urls(root: Path) -> list[str]:
    """Site paths of every HTML page: 'members/jenn/' for members/jenn/index.html."""
    out = []
    for p in sorted(root.rglob("*.html")):
        rel = p.relative_to(root).as_posix()
        out.append(rel[: -len("index.html")] if rel.endswith("index.html") else rel)
    return out


def one_of_each_kind(paths: list[str]) -> list[str]:
    """One page per kind of page: paths grouped by first folder and depth ('members/x/')."""
    seen: dict[tuple[str, int], str] = {}
    for path in paths:
        parts = path.strip("/").split("/") if path else []
        key = (parts[0] if parts else "", len(parts))
        seen.setdefault(key, path)
    return sorted(seen.values())


# ---- for tests that drive pages -------------------------------------------------------------


DESKTOP = {"width": 1280, "height": 900}  # viewports the tests load pages at
PHONE = {"width": 360, "height": 800}


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


def listed_slugs(demo: ScratchSite) -> list[str]:
    return [li["data-slug"] for li in demo.html("").select("#members .card")]


def static_slugs(demo: ScratchSite, url_path: str) -> set[str]:
    """The members a static fallback page (an interest, category, neighbourhood page) lists."""
    return {li["data-slug"] for li in demo.html(url_path.lstrip("/")).select(".cards .card")}


def index(demo: ScratchSite) -> dict:
    return json.loads((demo.output / "search.json").read_text(encoding="utf-8"))


def wait_until(page: Any, expression: str, timeout: float = 10.0) -> None:
    """Poll a JavaScript expression from the test side. Not page.wait_for_function: it builds a
    function from a string inside the page, which the site's CSP (no unsafe-eval) refuses."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(50)


@contextmanager
def desktop_tab(browser: Any, base: str) -> Iterator[Tab]:
    """A desktop-sized Tab on the site served at `base`, closed afterwards."""
    t = Tab(browser, base, viewport=DESKTOP)
    try:
        yield t
    finally:
        t.context.close()
