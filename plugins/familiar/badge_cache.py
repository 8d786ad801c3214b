"""The badges' cache (.familiar-cache/badges): each event's PDF, and the badge-sized photos, QR
codes and cut-down fonts the PDFs are made from.

Each PDF is kept with the list of the files its badges used (`<pdf>.uses`). After a build has
made its badges, the PDFs it did not use are deleted (an event's older ones, and those of events
that are over or gone), and so are the files that no kept PDF uses: a member's old photos, the codes of an
old address, the fonts cut for an attendee list that has changed since. Without this the cache
grew with every photo and every attendee list an event ever had. Nothing here is needed to show
a PDF: a file deleted too eagerly is only made again, should a PDF need it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from .output import write_atomic

if TYPE_CHECKING:
    from .settings import FamiliarSettings

USES = ".uses"
# what the badges' files are called, by folder: anything else there is left alone
ASSETS = {
    "photos": re.compile(r".+-[0-9a-f]{16}\.jpg"),
    "qr": re.compile(r"[0-9a-f]{24}-gray\.png"),
    "fonts": re.compile(r"cjk-[0-9a-f]{20}\.otf"),
}
PDF = re.compile(r".+-[0-9a-f]{20}\.pdf")


def folder(settings: FamiliarSettings) -> Path:
    """The badges' cache: the PDFs and their lists here, the files they use in ASSETS' folders."""
    return settings.cache_path / "badges"


def write_uses(pdf: Path, used: Iterable[Path]) -> None:
    """Keep, beside the cached `pdf`, the names of the cached files its badges used."""
    names = sorted({p.relative_to(pdf.parent).as_posix() for p in used})
    write_atomic(pdf.with_suffix(USES), "".join(f"{name}\n" for name in names))


def prune(cache: Path, kept: Iterable[Path]) -> int:
    """Delete the cached PDFs other than `kept` (the PDFs of the events that have badges to
    make), so an event's older PDFs too, and the photos, codes and fonts no kept PDF uses;
    return how many files went.

    The files are kept, all of them, while a kept PDF has no list (a PDF cached by an earlier
    version of Familiar): what it used is not known.
    """
    kept = set(kept)
    gone = 0
    for path in _listing(cache):
        if PDF.fullmatch(path.name) and path not in kept:
            path.unlink(missing_ok=True)
            gone += 1
        elif path.suffix == USES and path.with_suffix(".pdf") not in kept:
            path.unlink(missing_ok=True)  # the list of a PDF deleted here, or by hand
    used: set[str] = set()
    for pdf in kept:
        try:
            used.update((pdf.with_suffix(USES)).read_text(encoding="utf-8").split())
        except FileNotFoundError:
            return gone
    for kind, name in ASSETS.items():
        for path in _listing(cache / kind):
            if name.fullmatch(path.name) and f"{kind}/{path.name}" not in used:
                path.unlink(missing_ok=True)
                gone += 1
    return gone


def _listing(where: Path) -> list[Path]:
    try:
        return [p for p in where.iterdir() if p.is_file()]
    except FileNotFoundError:
        return []
