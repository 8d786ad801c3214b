"""Scratch sites for tests: write profiles from dedented strings, build with real Pelican."""

from __future__ import annotations

import shutil
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parent.parent


@dataclass
class ScratchSite:
    root: Path

    @classmethod
    def create(cls, root: Path, content: Path | None = None) -> ScratchSite:
        """A site folder at `root`: the project's pelicanconf.py, its plugins and theme linked,
        and an empty content/ (or a copy of `content`)."""
        if content is None:
            (root / "content" / "members").mkdir(parents=True)
            (root / "content" / "events").mkdir(parents=True)
        else:
            root.mkdir(parents=True, exist_ok=True)
            shutil.copytree(content, root / "content")
        shutil.copy(REPO / "pelicanconf.py", root / "pelicanconf.py")
        (root / "plugins").symlink_to(REPO / "plugins")
        (root / "theme").symlink_to(REPO / "theme")
        return cls(root)

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def output(self) -> Path:
        return self.root / "output"

    def write(self, rel: str, text: str) -> Path:
        """Write a content file (relative to the site folder) from a dedented string."""
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def member(self, slug: str, front: str, bio: str = "", suffix: str = ".md") -> Path:
        front = textwrap.dedent(front).strip("\n")
        if suffix == ".md":
            return self.write(f"content/members/{slug}.md", f"---\n{front}\n---\n{bio}\n")
        return self.write(f"content/members/{slug}{suffix}", front + "\n")

    def event(self, slug: str, front: str, body: str = "") -> Path:
        front = textwrap.dedent(front).strip("\n")
        return self.write(f"content/events/{slug}.md", f"---\n{front}\n---\n{body}\n")

    def settings(self, **overrides) -> dict:
        from pelican.settings import read_settings

        base = {
            "PATH": str(self.content),
            "OUTPUT_PATH": str(self.output),
            "THEME": str(REPO / "theme"),
            "FAMILIAR_CACHE_PATH": str(self.root / ".familiar-cache"),
            "FAMILIAR_TODAY": "2026-11-22",
        }
        base.update(overrides)
        return read_settings(str(self.root / "pelicanconf.py"), override=base)

    def build(self, **overrides) -> None:
        """Build the site with Pelican, in this process, exactly as `pelican content` would."""
        from pelican import Pelican

        Pelican(self.settings(**overrides)).run()

    def html(self, rel: str) -> BeautifulSoup:
        path = self.output / rel
        if path.is_dir() or rel.endswith("/") or rel == "":
            path = path / "index.html"
        return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")

    def mtimes(self) -> dict[str, int]:
        """Every output file's modification time, by its path in the output folder."""
        return {
            p.relative_to(self.output).as_posix(): p.stat().st_mtime_ns
            for p in self.output.rglob("*")
            if p.is_file()
        }

    def files(self) -> list[str]:
        return sorted(
            p.relative_to(self.output).as_posix() for p in self.output.rglob("*") if p.is_file()
        )


@pytest.fixture
def site(tmp_path: Path) -> ScratchSite:
    """An empty site folder with the project's pelicanconf.py, no content yet."""
    return ScratchSite.create(tmp_path / "site")


@pytest.fixture
def demo_site(tmp_path: Path) -> ScratchSite:
    """A copy of the demo community shipped in content/."""
    return ScratchSite.create(tmp_path / "demo", content=REPO / "content")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """The test process's headless Chromium (tests/hostile/browser.py): skips with the reason
    when there is none, except in CI, where a missing browser fails."""
    from .hostile.browser import shared_browser

    yield shared_browser()


def pytest_sessionfinish(session, exitstatus) -> None:
    from .hostile.browser import close_shared_browser

    close_shared_browser()


def text_of(soup: BeautifulSoup, selector: str) -> list[str]:
    return [el.get_text(" ", strip=True) for el in soup.select(selector)]


# ---- quick rebuilds (test_quick*.py; test_browser.py has a `demo` of its own) ---------------


@pytest.fixture
def demo(demo_site: ScratchSite) -> ScratchSite:
    """The demo community built once, in full, leaving the records quick rebuilds start from."""
    demo_site.build()
    assert (demo_site.root / ".familiar-cache" / "quick-base.pickle").is_file()
    return demo_site


@pytest.fixture
def elliot(demo: ScratchSite) -> ScratchSite:
    """The demo: Elliot Park comes to the harbour coffee and the walk, which show them but
    have no badges to make again."""
    return demo
