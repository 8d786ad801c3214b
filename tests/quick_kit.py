"""What the tests of quick rebuilds share (test_quick*.py): whether a build was quick, edits to
profiles, and the comparison with a full build of the same content. Their fixtures (`demo`,
`elliot`) are in conftest.py."""

from __future__ import annotations

from pathlib import Path

from .conftest import ScratchSite

PDF = "badges.pdf"  # two full builds differ here too (font subsets); a quick build never writes one


def was_quick(site: ScratchSite, **overrides) -> bool:
    """Build; whether the build was a quick one: it saved a new stamp but left the base record,
    which only a full build writes."""
    cache = site.root / ".familiar-cache"
    base, stamp = cache / "quick-base.pickle", cache / "build-stamp.json"

    def state(path: Path) -> tuple[int, int] | None:
        return (path.stat().st_ino, path.stat().st_mtime_ns) if path.exists() else None

    base_before, stamp_before = state(base), state(stamp)
    site.build(**overrides)
    return base_before is not None and state(base) == base_before and state(stamp) != stamp_before


def add_to_bio(site: ScratchSite, slug: str, text: str, suffix: str = ".md") -> None:
    path = site.content / "members" / f"{slug}{suffix}"
    body = path.read_text(encoding="utf-8").rstrip("\n")
    path.write_text(body + f"\n\n{text}\n" if suffix == ".md" else body + f" {text}\n", "utf-8")


def assert_same_as_a_full_build(site: ScratchSite, tmp_path: Path, **overrides) -> None:
    """Every output file is byte for byte what a full build of the same content makes."""
    fresh = ScratchSite.create(tmp_path / "full", content=site.content)
    fresh.build(**overrides)
    assert site.files() == fresh.files()
    differ = [
        rel
        for rel in fresh.files()
        if not rel.endswith(PDF)
        and (site.output / rel).read_bytes() != (fresh.output / rel).read_bytes()
    ]
    assert differ == []


def edit(site: ScratchSite, slug: str, old: str, new: str) -> None:
    path = site.content / "members" / f"{slug}.md"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def card_pages(site: ScratchSite, slug: str) -> set[str]:
    """The term pages the member's own page links to: those that list their card."""
    links = site.html(f"members/{slug}/").select("a[href]")
    paths = [a["href"].lstrip("/").split("/") for a in links]
    return {
        "/".join(p) + "index.html"
        for p in paths
        if len(p) == 3 and p[0] in ("interests", "categories", "neighbourhoods") and p[1]
    }


HARBOUR = "events/harbour-coffee-2026-10-16/"  # past: no badges are made for it


WALK = "events/lakeshore-walk-2026-11-28/"  # cancelled: no badges either


def cards_on(site: ScratchSite, rel: str) -> list[str]:
    return [c["data-slug"] for c in site.html(rel).select("li.card")]
