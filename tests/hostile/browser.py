"""A built site served on 127.0.0.1 and Debian's headless Chromium, for tests that load pages."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

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
