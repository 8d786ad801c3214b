"""Social card images (1200x630 JPEG) for member and event pages, drawn with Pillow and cached.

A card is described by a CardSpec holding every input (texts, face files, colours); its output
name carries a hash of those inputs, so an unchanged card is neither redrawn nor rewritten, and a
changed one gets a new address that link previews cannot serve stale. Rendered cards are also kept
in FAMILIAR_CACHE_PATH/social, so a fresh output folder (CI) costs a copy, not a redraw.

Text is laid out per script: each run of letters gets the Noto font that has its glyphs, shaped by
libraqm (Arabic joining, Indic conjuncts) when Pillow has it; right-to-left names are laid out from
the right.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import logging
import os
import unicodedata
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageDraw, ImageFont, ImageOps, features

from .models import Event, Member
from .output import write_atomic
from .placeholders import placeholder_colour

if TYPE_CHECKING:
    from .output import Output
    from .pages import Site
    from .settings import FamiliarSettings

logger = logging.getLogger(__name__)

VERSION = "2"  # bump when the drawing changes, so cached cards are redrawn
WIDTH, HEIGHT = 1200, 630
MAX_FACES = 8
FONT_DIRS = (Path("/usr/share/fonts/truetype/noto"), Path("/usr/share/fonts/opentype/noto"))
CJK_INDEX = {"JP": 0, "KR": 1, "SC": 2}  # faces inside NotoSansCJK-*.ttc

INK = (28, 28, 32)
MUTED = (92, 92, 104)
PAPER = (250, 247, 242)
ACCENT = (176, 58, 46)


@dataclass(frozen=True)
class Face:
    path: str | None  # output-relative path of a square JPEG, or None for a placeholder
    initials: str
    colour: str
    # the file to read it from (the photo cache's copy); not part of the card's key
    source: str = field(default="", repr=False, compare=False)


@dataclass(frozen=True)
class CardSpec:
    kind: str  # "member" | "event"
    slug: str
    lines: tuple[str, ...]  # member: known_as, name, business line; event: when, title, venue
    faces: tuple[Face, ...]
    extra: int  # event: people coming beyond the faces shown
    coming: int
    cancelled: bool
    site_name: str
    root: str = field(default="", compare=False)  # the output folder the faces are read from

    @cached_property  # asked for by the card's path, its cache file and its drawing
    def key(self) -> str:
        inputs = (VERSION, self.kind, self.slug, self.lines, self.faces, self.extra, self.coming,
                  self.cancelled, self.site_name)  # fmt: skip
        return hashlib.sha256(repr(inputs).encode()).hexdigest()[:12]

    @property
    def rel(self) -> str:
        return f"social/{self.kind}s/{self.slug}-{self.key}.jpg"


def _face(site: Site, m: Member, px: int) -> Face:
    photo = site.photos.get(m.slug)
    if photo and photo.variants:
        v = photo.best(px // 2)
        source = photo.jpeg_file(v, site.settings.output_path)
        if source is not None:
            return Face(v.jpeg, m.initials, placeholder_colour(m.slug), str(source))
    return Face(None, m.initials, placeholder_colour(m.slug))


def member_card(site: Site, m: Member) -> CardSpec:
    business = ", ".join(b for b in (m.role, m.business) if b) if m.business else ""
    return CardSpec("member", m.slug, (m.known_as, m.name if m.name != m.known_as else "",
                                       business), (_face(site, m, 384),), 0, 0, False,
                    site.settings.site_name, str(site.settings.output_path))  # fmt: skip


def event_when(e: Event) -> str:
    """'Friday 4 December 2026 · 17:30', in the event's own time."""
    s = e.start
    return f"{s:%A} {s.day} {s:%B %Y} · {s:%H:%M}"


def event_card(site: Site, e: Event) -> CardSpec:
    from .structured import public_attendees

    people = public_attendees(site, e)
    faces = tuple(_face(site, m, 112) for m in people[:MAX_FACES])
    venue = e.venue.name if e.venue else ""
    return CardSpec("event", e.slug, (event_when(e), e.title, venue), faces,
                    max(0, len(people) - MAX_FACES), len(people), e.cancelled,
                    site.settings.site_name, str(site.settings.output_path))  # fmt: skip


# ---- fonts and text runs -------------------------------------------------------------------

_SCRIPT_FONT = {"HANGUL": "CJK", "HIRAGANA": "CJK", "KATAKANA": "CJK", "CJK": "CJK",
                "IDEOGRAPHIC": "CJK", "BOPOMOFO": "CJK", "LATIN": "", "GREEK": "",
                "CYRILLIC": ""}  # fmt: skip
_RTL = {"ARABIC", "HEBREW", "SYRIAC", "THAANA", "NKO"}


@lru_cache(maxsize=1)
def layout_engine() -> ImageFont.Layout:
    if features.check("raqm"):
        return ImageFont.Layout.RAQM
    logger.warning(
        "Pillow cannot load libraqm/libfribidi: social cards will not shape Arabic or Indic "
        "names correctly (install the Debian package libfribidi0)"
    )
    return ImageFont.Layout.BASIC


def _script(ch: str) -> str | None:
    """The script of a letter, or None for characters any font can carry (spaces, digits,
    punctuation) and combining marks, which stay with their neighbours."""
    if unicodedata.category(ch)[0] not in "L":
        return None
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0]


@lru_cache(maxsize=64)
def _font_file(script: str, bold: bool, cjk: str) -> tuple[str, int] | None:
    weight = "Bold" if bold else "Regular"
    family = _SCRIPT_FONT.get(script, script.title())
    if family == "CJK":
        names, index = [f"NotoSansCJK-{weight}.ttc", "NotoSansCJK-Regular.ttc"], CJK_INDEX[cjk]
    else:
        names, index = [f"NotoSans{family}-{weight}.ttf", f"NotoSans{family}-Regular.ttf"], 0
    for d in FONT_DIRS:
        for name in names:
            if (d / name).is_file():
                return str(d / name), index
    return None


@lru_cache(maxsize=256)
def _font(script: str, bold: bool, size: int, cjk: str) -> ImageFont.FreeTypeFont:
    found = _font_file(script, bold, cjk) or _font_file("LATIN", bold, cjk)
    if found is None:
        return ImageFont.load_default(size)  # type: ignore[return-value]
    return ImageFont.truetype(found[0], size, index=found[1], layout_engine=layout_engine())


def _cjk_flavour(text: str) -> str:
    names = {unicodedata.name(ch, "").split(" ")[0] for ch in text}
    if "HANGUL" in names:
        return "KR"
    if names & {"HIRAGANA", "KATAKANA"}:
        return "JP"
    return "SC" if "CJK" in names else "JP"


def _runs(text: str) -> list[tuple[str, str]]:
    """Split text into (script, run) pieces; neutral characters join the run before them."""
    runs: list[list] = []  # [script or None, text]
    for ch in text:
        script = _script(ch)
        if runs and (script is None or runs[-1][0] in (None, script)):
            if runs[-1][0] is None:
                runs[-1][0] = script
            runs[-1][1] += ch
        else:
            runs.append([script, ch])
    return [(s or "LATIN", t) for s, t in runs]


def _is_rtl(text: str) -> bool:
    for ch in text:
        s = _script(ch)
        if s:
            return s in _RTL
    return False


def _strip_unrenderable(text: str) -> str:
    # colour emoji need a bitmap font at one fixed size; leave them out of the image rather
    # than print empty boxes
    return "".join(ch for ch in text if unicodedata.category(ch) not in ("So", "Cs", "Co"))


class Line:
    """One line of text in fonts chosen per script, measured and drawn as a unit."""

    def __init__(self, text: str, size: int, bold: bool) -> None:
        self.text = " ".join(_strip_unrenderable(text).split())
        self.size = size
        cjk = _cjk_flavour(self.text)
        self.pieces = [(run, _font(script, bold, size, cjk)) for script, run in _runs(self.text)]
        self.rtl = _is_rtl(self.text)

    @property
    def width(self) -> float:
        return sum(font.getlength(run) for run, font in self.pieces)

    def draw(self, d: ImageDraw.ImageDraw, x: float, baseline: float, width: float,
             fill: tuple[int, int, int]) -> None:  # fmt: skip
        pieces = list(reversed(self.pieces)) if self.rtl else self.pieces
        # right-to-left names start at the right edge of their column
        pos = x + width - self.width if self.rtl else x
        for run, font in pieces:
            d.text((pos, baseline), run, font=font, fill=fill, anchor="ls")
            pos += font.getlength(run)


def fit(text: str, width: float, size: int, bold: bool = True, smallest: int = 28) -> Line:
    """The largest line (down to `smallest`) that fits `width`; past that, shortened with '…'."""
    while True:
        line = Line(text, size, bold)
        if line.width <= width or size <= smallest:
            break
        size = max(smallest, int(size * 0.9))
    chars = list(line.text)
    while line.width > width and len(chars) > 1:
        chars.pop()
        line = Line("".join(chars).rstrip() + "…", size, bold)
    return line


def wrap(text: str, width: float, size: int, max_lines: int, smallest: int = 40) -> list[Line]:
    """Greedy wrapping by words (by characters for scripts without spaces), shrinking the size
    until it fits in `max_lines`; the last line is shortened with '…' if it still does not."""
    while True:
        lines = _wrap_at(text, width, size)
        if len(lines) <= max_lines or size <= smallest:
            break
        size = max(smallest, int(size * 0.9))
    if len(lines) > max_lines:
        rest = " ".join(lines[max_lines - 1 :])
        lines = lines[: max_lines - 1] + [rest]
    out = [Line(t, size, True) for t in lines[:-1]]
    return out + [fit(lines[-1], width, size, smallest=size)]


def _wrap_at(text: str, width: float, size: int) -> list[str]:
    words = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    lines: list[str] = []
    current = ""
    for word in words:
        trial = f"{current}{joiner}{word}" if current else word
        if current and Line(trial, size, True).width > width:
            lines.append(current)
            current = word
        else:
            current = trial
    return lines + [current] if current else lines


# ---- drawing -------------------------------------------------------------------------------


def _circle_face(face: Face, px: int, root: str) -> Image.Image:
    if face.path:
        with Image.open(face.source or Path(root) / face.path) as im:
            im.draft("RGB", (px, px))  # let the JPEG decoder scale down first
            img = ImageOps.fit(im.convert("RGB"), (px, px), Image.LANCZOS)
    else:
        colour = tuple(int(face.colour[i : i + 2], 16) for i in (1, 3, 5))
        img = Image.new("RGB", (px, px), colour)  # type: ignore[arg-type]
        line = fit(face.initials, px * 0.8, int(px * 0.42), smallest=10)
        d = ImageDraw.Draw(img)
        line.draw(d, (px - line.width) / 2, px * 0.64, line.width, (255, 255, 255))
    img.putalpha(_circle_mask(px))
    return img


@lru_cache(maxsize=8)
def _circle_mask(px: int) -> Image.Image:
    """An anti-aliased disc (drawn at 4x and reduced), made once per size: it is most of the cost
    of a card otherwise."""
    mask = Image.new("L", (px * 4, px * 4), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, px * 4 - 1, px * 4 - 1), fill=255)
    return mask.reduce(4)


def render(spec: CardSpec) -> bytes:
    """The card as JPEG bytes."""
    im = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, WIDTH, 14), fill=ACCENT)
    if spec.kind == "member":
        _draw_member(im, d, spec)
    else:
        _draw_event(im, d, spec)
    site = fit(spec.site_name, WIDTH - 160, 30, bold=False, smallest=20)
    site.draw(d, 80, HEIGHT - 48, WIDTH - 160, MUTED)
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=86, optimize=True)
    return buf.getvalue()


def _draw_member(im: Image.Image, d: ImageDraw.ImageDraw, spec: CardSpec) -> None:
    known_as, name, business = spec.lines
    face = _circle_face(spec.faces[0], 384, spec.root)
    im.paste(face, (88, 98), face)
    x, width = 540, WIDTH - 540 - 70
    y = 250
    big = fit(known_as, width, 110, smallest=48)
    big.draw(d, x, y, width, INK)
    y += 80
    if name:
        line = fit(name, width, 46, bold=False)
        line.draw(d, x, y, width, INK)
        y += 64
    if business:
        line = fit(business, width, 40, bold=False)
        line.draw(d, x, y, width, MUTED)


def _draw_event(im: Image.Image, d: ImageDraw.ImageDraw, spec: CardSpec) -> None:
    when, title, venue = spec.lines
    x, width = 80, WIDTH - 160
    y = 100
    if spec.cancelled:
        label = fit("CANCELLED", 400, 34)
        d.rounded_rectangle((x - 12, y - 40, x + label.width + 12, y + 12), 8, fill=ACCENT)
        label.draw(d, x, y, label.width, (255, 255, 255))
        y += 60
    fit(when, width, 40).draw(d, x, y, width, ACCENT)
    y += 86
    for line in wrap(title, width, 76, 2):
        line.draw(d, x, y, width, INK)
        y += int(line.size * 1.2)
    if venue:
        fit(venue, width, 38, bold=False).draw(d, x, y, width, MUTED)
    px, step = 112, 96
    fx, fy = x, HEIGHT - 100 - px
    for face in spec.faces:
        img = _circle_face(face, px, spec.root)
        ring = Image.new("L", (px + 8, px + 8), 0)
        ImageDraw.Draw(ring).ellipse((0, 0, px + 7, px + 7), fill=255)
        im.paste(PAPER, (fx - 4, fy - 4), ring)
        im.paste(img, (fx, fy), img)
        fx += step
    if spec.coming:
        more = f"+{spec.extra} · " if spec.extra else ""
        text = f"{more}{spec.coming} coming"
        fit(text, 400, 36, bold=False).draw(d, fx + 40 if spec.faces else x, fy + px / 2 + 12,
                                            400, MUTED)  # fmt: skip


# ---- producer ------------------------------------------------------------------------------


def _render_to(spec: CardSpec, cache_file: str) -> bytes:
    data = render(spec)
    path = Path(cache_file)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, data)
    return data


def _card_rels(site: Site) -> dict[str, str]:
    """Members' card paths worked out in this build, by slug."""
    return site._memo.setdefault("social_rel", {})


def member_card_rel(site: Site, m: Member) -> str:
    """The output path of `m`'s card (their page's og:image), worked out once per build: the
    card producer runs before the member pages, which are rendered in a process forked after
    it and find them here (making the specs of ten thousand cards costs about a second)."""
    rels = _card_rels(site)
    rel = rels.get(m.slug)
    if rel is None:
        rel = rels[m.slug] = member_card(site, m).rel
    return rel


def _wanted(site: Site) -> Iterator[tuple[str, Callable[[], CardSpec]]]:
    """(output path, how to make its spec) for every card. A member's path is kept between
    builds by their card key: making the spec of ten thousand cards costs seconds."""
    kept = site.fragments("social")
    rels = _card_rels(site)
    for m in site.community.published:
        make = functools.cache(functools.partial(member_card, site, m))  # made once, if at all
        rel = rels[m.slug] = kept.get(
            m.slug, site.card_key(m), lambda make=make: make().rel
        ).decode()
        yield rel, make
    for e in site.community.events:
        spec = event_card(site, e)
        yield spec.rel, lambda spec=spec: spec


def _cache_file(settings: FamiliarSettings, spec: CardSpec) -> str:
    return f"{settings.cache_path}/social/{spec.key}.jpg"  # a string: ten thousand are asked for


def card_file(settings: FamiliarSettings, spec: CardSpec) -> Path:
    """The cached image of `spec` (files are named by their content), drawn now if need be."""
    cached = _cache_file(settings, spec)
    if not os.path.isfile(cached):
        _render_to(spec, cached)
    return Path(cached)


def social_cards(site: Site, out: Output) -> None:
    """Write a card per published member and per event: kept when the output already holds it,
    copied from the cache when drawn before, drawn (in parallel when many) otherwise."""
    todo: list[CardSpec] = []
    for rel, make in _wanted(site):
        seen = out.found(rel)
        if seen is not None:
            out.keep(rel, seen)
            continue
        spec = make()
        cached = _cache_file(site.settings, spec)
        if os.path.isfile(cached):
            out.link(spec.rel, cached)  # cache files are named by their content: never changed
        else:
            todo.append(spec)
    # kept by the process that made them (this may run in the build's second lane: lanes.py)
    site.fragments_done("social")
    if not todo:
        return
    files = [_cache_file(site.settings, s) for s in todo]
    workers = min(site.settings.workers, max(1, len(todo) // 8))
    if workers > 1:
        with ProcessPoolExecutor(workers) as pool:
            results = list(pool.map(_render_to, todo, files, chunksize=8))
    else:
        results = [_render_to(s, f) for s, f in zip(todo, files, strict=True)]
    for spec, data in zip(todo, results, strict=True):
        out.write(spec.rel, data)
    logger.info("Familiar: drew %d social cards", len(todo))


__all__ = ["CardSpec", "event_card", "member_card", "render", "social_cards"]


def prune(cache_path: Path, in_use: set[str]) -> int:
    """Delete cached cards whose key is not in `in_use` (cards of members who changed or left);
    returns how many went."""
    try:  # strings, not Paths: ten thousand cards
        with os.scandir(Path(cache_path) / "social") as entries:
            gone = [e for e in entries if e.name.endswith(".jpg") and e.name[:-4] not in in_use]
    except (FileNotFoundError, NotADirectoryError):
        return 0
    gone = [e for e in gone if not e.is_dir(follow_symlinks=False)]
    for entry in gone:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(entry.path)
    return len(gone)
