"""Event -> badge PDF: label layouts as data, text fitted by measuring it, rendered by WeasyPrint."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment
from PIL import Image, ImageOps

from . import badge_cache
from .badge_fit import FONT_FAMILIES, Fitted, Measurer, fit_text
from .badge_layouts import Layout, get_layout
from .badge_runs import in_children, merge_pdfs, split_sheets
from .badge_text import cluster_text_codes, map_alias_codes
from .badge_weasy import (
    CJK_FAMILY,
    cjk_faces,
    font_config,
    fonts_dated,
    local_fetcher,
    measurer_for,
)
from .events import Attendee, attendees, is_upcoming
from .models import Event
from .output import write_atomic
from .placeholders import placeholder_colour
from .qrcodes import qr_rows
from .settings import FamiliarSettings
from .structured import profile_url
from .text import sort_key

logger = logging.getLogger(__name__)

# Bump when the badge design or the code that places things changes: cached PDFs are rebuilt.
BADGE_VERSION = "3"
MAX_DPI = 300
SORTS = ("known_as", "surname")


# ---------------------------------------------------------------------------------------------
# What goes on a badge


@dataclass
class Badge:
    """One badge, placed: everything the template needs, positions in points within the badge."""

    kind: str  # organizer | member | guest | blank
    x: float
    y: float
    bands: list[str] = field(default_factory=list)
    blocks: list[dict[str, Any]] = field(default_factory=list)  # text blocks
    photo: str | None = None  # image URL
    initials: str | None = None
    placeholder: str | None = None
    qr: str | None = None  # file: URL of the QR PNG
    qr_url: str | None = None
    media: dict[str, float] = field(default_factory=dict)  # photo and QR boxes
    band_height: float = 0.0
    band_size: float = 0.0
    # CSS class names for every positioned part (see Styles): classes, not style attributes
    styles: dict[str, str] = field(default_factory=dict)


class Styles:
    """One CSS rule per distinct set of declarations, named by a short class.

    WeasyPrint parses every style attribute on its own; most badges share the same boxes
    (footer, photo, QR, band, the sheet slots), so classes make the document smaller and the
    style pass cheaper.
    """

    def __init__(self) -> None:
        self.names: dict[str, str] = {}

    def __call__(self, **decls: float | str) -> str:
        text = ";".join(f"{k.replace('_', '-')}:{_css(v)}" for k, v in decls.items())
        name = self.names.get(text)
        if name is None:
            name = self.names[text] = f"s{len(self.names)}"
        return name

    def css(self) -> str:
        return "\n".join(f".{name}{{{text}}}" for text, name in self.names.items())


def _css(value: float | str) -> str:
    """Points with 3 decimals (a thousandth of a point is far below anything printed)."""
    if isinstance(value, str):
        return value
    return f"{value:.3f}".rstrip("0").rstrip(".") + "pt"


def style_badge(badge: Badge, styles: Styles) -> None:
    """Class names for the badge's slot, its band, photo, QR code and text blocks."""
    s, m = badge.styles, badge.media
    s["slot"] = styles(left=badge.x, top=badge.y)
    s["band"] = styles(height=badge.band_height, font_size=badge.band_size,
                       line_height=badge.band_height)  # fmt: skip
    if "photo_side" in m:
        side = m["photo_side"]
        s["photo"] = styles(left=m["photo_x"], top=m["photo_y"], width=side, height=side)
        s["initials"] = styles(line_height=side, font_size=side * 0.4,
                               background=badge.placeholder or "#777")  # fmt: skip
    if "qr_side" in m:
        side = m["qr_side"]
        s["qr"] = styles(left=m["qr_x"], top=m["qr_y"], width=side, height=side)
    for b in badge.blocks:
        # the size is rounded down so a fitted text never grows
        size = math.floor(b["size"] * 1000) / 1000
        b["style"] = styles(left=b["x"], top=b["y"], width=b["w"], font_size=size,
                            line_height=f"{b['lh']:g}", text_align=b["align"])  # fmt: skip


@dataclass(frozen=True)
class Design:
    """Sizes for one badge size, in points, scaled from the 4 x 3 in design."""

    w: float
    h: float

    @property
    def base(self) -> float:
        return min(self.h, 0.75 * self.w)

    @property
    def pad(self) -> float:
        return 0.055 * self.base

    @property
    def band(self) -> float:
        return 0.1 * self.base

    @property
    def media(self) -> float:
        return 0.38 * self.base

    @property
    def footer(self) -> float:
        return max(5.5, 0.036 * self.base)


def qr_png(url: str, cache: Path) -> tuple[Path, int]:
    """The QR code of `url` as a PNG in the folder `cache` (one pixel per module, quiet zone of
    4), and its width in modules. The code is drawn by qrcodes.qr_rows; a code drawn before is
    read from the cache."""
    key = hashlib.sha256(url.encode()).hexdigest()[:24]
    path = cache / f"{key}-gray.png"
    if path.is_file():
        with Image.open(path) as im:
            return path, im.width
    rows = qr_rows(url)
    modules = len(rows)
    # 8-bit grey, not 1-bit: WeasyPrint embeds a grey PNG as it is, a 1-bit one it converts
    im = Image.frombytes("L", (modules, modules), b"".join(rows))
    buf = io.BytesIO()
    im.save(buf, "PNG")
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, buf.getvalue())
    return path, modules


def event_line(event: Event, settings: FamiliarSettings) -> str:
    start = event.start.astimezone(settings.timezone)
    return f"{event.title} · {start:%a} {start.day} {start:%b %Y}"


def surname(name: str) -> str:
    words = name.split()
    return words[-1] if words else name


def ordered(people: list[Attendee], sort: str) -> list[Attendee]:
    """Everyone by the name on the badge (or by surname), so a badge table reads alphabetically."""
    if sort == "surname":
        return sorted(people, key=lambda a: (sort_key(surname(a.name)), sort_key(a.known_as)))
    return sorted(people, key=lambda a: (sort_key(a.known_as), sort_key(a.name)))


class PhotoSource:
    """Badge-sized copies of members' processed photos: upright, at most 300 dpi, cached; and
    the badges' QR codes. `used` collects the cached files the badges were given (badge_cache
    keeps them while a cached PDF uses them)."""

    def __init__(self, settings: FamiliarSettings, photo_sets: dict[str, Any], root: Path) -> None:
        self.settings = settings
        self.photo_sets = photo_sets
        self.root = root  # where the photo sets' output-relative paths live
        self.cache = badge_cache.folder(settings) / "photos"
        self.used: set[Path] = set()

    def source_path(self, slug: str, px: int = 0) -> Path | None:
        """The smallest processed JPEG at least `px` wide (else the largest), if there is one."""
        photo_set = self.photo_sets.get(slug)
        if photo_set is None:
            return None
        # the pipeline keeps its files in its cache and says where (`files`); older versions
        # wrote them under the output folder only
        cached = {out: Path(path) for out, path, *_ in getattr(photo_set, "files", ())}
        found = []
        for v in sorted(photo_set.variants, key=lambda v: v.size):
            path = cached.get(v.jpeg) or self.root / v.jpeg
            if path.is_file():
                found.append((v.size, path))
        big_enough = [path for size, path in found if size >= px]
        return big_enough[0] if big_enough else (found[-1][1] if found else None)

    def url(self, slug: str, side_pt: float) -> str | None:
        px = max(1, math.floor(side_pt / 72 * MAX_DPI))
        source = self.source_path(slug, px)
        if source is None:
            return None
        # named by the photo's bytes, not its path or time: WeasyPrint names each image in the
        # PDF after its URL, so the same photos give the same PDF bytes from a fresh cache too
        data = source.read_bytes()
        key = hashlib.sha256(data + f"|{px}".encode()).hexdigest()
        target = self.cache / f"{slug}-{key[:16]}.jpg"
        if not target.exists():
            with Image.open(io.BytesIO(data)) as im:
                im = ImageOps.exif_transpose(im).convert("RGB")
                side = min(im.size)
                im = ImageOps.fit(im, (side, side)) if im.width != im.height else im
                if im.width > px:
                    im = im.resize((px, px), Image.LANCZOS)
                self.cache.mkdir(parents=True, exist_ok=True)
                buf = io.BytesIO()
                im.save(buf, "JPEG", quality=85, dpi=(MAX_DPI, MAX_DPI))
                write_atomic(target, buf.getvalue())
        self.used.add(target)
        return target.as_uri()

    def qr(self, url: str) -> tuple[str, int]:
        """The file: URL of `url`'s QR code as a PNG in the badges' cache, and its width."""
        path, modules = qr_png(url, badge_cache.folder(self.settings) / "qr")
        self.used.add(path)
        return path.as_uri(), modules

    def fingerprint(self, slug: str) -> str:
        source = self.source_path(slug)
        return f"{source}:{source.stat().st_size}" if source else "-"


def place_badge(
    m: Measurer,
    d: Design,
    person: Attendee | None,
    event: Event,
    settings: FamiliarSettings,
    photos: PhotoSource,
    xy: tuple[float, float],
) -> Badge:
    """Fit every text of one badge and stack the parts top to bottom; nothing leaves the box."""
    kind = "blank" if person is None else person.kind
    badge = Badge(kind, xy[0], xy[1], band_height=d.band, band_size=0.5 * d.band)
    if person is not None and person.organizer:
        badge.bands.append("Organizer")
    elif person is not None and person.first_timer:
        badge.bands.append("First time here")
    inner = d.w - 2 * d.pad
    footer = fit_text(m, event_line(event, settings), inner, d.footer, 5.0, 1)
    footer_top = d.h - d.pad * 0.8 - footer.height
    y = d.band + d.pad * 0.6

    def block(kind: str, fitted: Fitted, x: float, w: float, align: str = "center") -> None:
        nonlocal y
        badge.blocks.append({"cls": kind, "lines": fitted.lines, "size": fitted.size,
                             "lh": fitted.line_height, "x": x, "y": y, "w": w,
                             "align": align})  # fmt: skip
        y += fitted.height

    if person is None:
        hello = fit_text(m, "Hello, my name is", inner, 0.07 * d.base, 6, 1, 400)
        block("hello", hello, d.pad, inner)
        y = footer_top
        block("footer", footer, d.pad, inner)
        return badge

    name = fit_text(m, person.known_as, inner, 0.17 * d.base, max(12.0, 0.085 * d.base), 2, 700,
                    1.1)  # fmt: skip
    block("known-as", name, d.pad, inner)
    member = person.member
    sub = []
    if person.name != person.known_as:
        sub.append(person.name)
    if member is not None and member.pronouns:
        sub.append(member.pronouns)
    if sub:
        y += 0.01 * d.base
        block("full-name", fit_text(m, " · ".join(sub), inner, 0.07 * d.base,
                                    max(6.5, 0.042 * d.base), 2), d.pad, inner)  # fmt: skip

    # the middle row: photo | details | QR code
    y += 0.035 * d.base
    row_top = y
    room = footer_top - 0.02 * d.base - row_top
    media = max(0.0, min(d.media, room))
    left, right = d.pad, d.w - d.pad
    if member is not None:
        url = profile_url(settings, member.slug)
        if url is not None:
            badge.qr, modules = photos.qr(url)
            badge.qr_url = url
            # at least 2.5 device pixels per module when printed or scanned at 150 dpi
            qr_side = max(0.3 * d.base, modules * 2.5 / 150 * 72)
            badge.media.update(qr_x=right - qr_side, qr_y=row_top, qr_side=qr_side)
            right -= qr_side + d.pad * 0.6
        badge.photo = photos.url(member.slug, media)
        if badge.photo is None:
            badge.initials = member.initials
            badge.placeholder = placeholder_colour(member.slug)
        badge.media.update(photo_x=left, photo_y=row_top, photo_side=media)
        left += media + d.pad * 0.6
    width = right - left
    align = "left" if member is not None else "center"
    details: list[tuple[str, str, float, float, int]] = []
    if person.business:
        details.append(("business", person.business, 0.06, 0.04, 2))
    handle = member.main_handle.shown if member is not None and member.main_handle else None
    if handle is None and person.guest is not None and person.guest.handle:
        handle = person.guest.handle
    if handle:
        details.append(("handle", handle, 0.055, 0.04, 1))
    interests = list(member.interests[:3]) if member is not None else []
    if interests:
        details.append(("ask-label", "Ask me about", 0.045, 0.035, 1))
        details.append(("ask", " · ".join(interests), 0.05, 0.037, 2))
    for cls, text, big, small, lines in details:
        fitted = fit_text(m, text, width, big * d.base, max(5.5, small * d.base), lines)
        if y + fitted.height > footer_top - 0.02 * d.base:
            logger.info("badge for %s: no room for %s", person.name, cls)
            break
        block(cls, fitted, left, width, align)
    y = max(y, row_top + (media if badge.media else 0), footer_top)
    block("footer", footer, d.pad, inner)
    return badge


# ---------------------------------------------------------------------------------------------
# The document


@dataclass
class BadgeJob:
    """One PDF: the event, its people in order, blanks, the layout."""

    event: Event
    people: list[Attendee]
    layout: Layout
    blanks: int = 0
    sort: str = "known_as"
    calibration: bool = False

    @property
    def count(self) -> int:
        return len(self.people) + self.blanks


def template_files(settings: FamiliarSettings) -> list[Path]:
    folder = settings.theme_path / "templates" / "familiar"
    return sorted(folder.glob("badge*"))


def page_css(layout: Layout, families: tuple[str, ...] = FONT_FAMILIES) -> str:
    names = ", ".join(f'"{f}"' if " " in f else f for f in families)
    return (
        f"@page {{ size: {layout.page_width}pt {layout.page_height}pt; margin: 0 }}\n"
        f".sheet {{ width: {layout.page_width}pt; height: {layout.page_height}pt }}\n"
        f".badge {{ width: {layout.width}pt; height: {layout.height}pt }}\n"
        f"body {{ font-family: {names} }}\n"
    )


def render_pdf(
    job: BadgeJob,
    settings: FamiliarSettings,
    env: Environment,
    photos: PhotoSource,
) -> bytes:
    """The badge sheets (or the calibration page) as PDF bytes.

    Big events are rendered in runs of whole sheets by forked worker processes (WeasyPrint is
    single-threaded pure Python) and the runs' PDFs merged; the parent places the next run's
    badges while the workers render.
    """
    import weasyprint

    layout = job.layout
    fc = font_config()
    design = Design(layout.width, layout.height)
    offset = settings.badge_offset
    css_dir = settings.theme_path / "templates" / "familiar"
    fetcher = local_fetcher([settings.cache_path, settings.theme_path, photos.root])
    # every text of the badges is in the event line and the attendees' fields (a superset)
    text = event_line(job.event, settings) + "".join(repr(p) for p in job.people)
    faces, cjk = cjk_faces(text, fc, badge_cache.folder(settings) / "fonts", photos.used)
    families = FONT_FAMILIES
    if cjk is not None:
        at = FONT_FAMILIES.index(CJK_FAMILY)
        families = (*FONT_FAMILIES[:at], cjk, *FONT_FAMILIES[at:])
        # declared here, before measuring and forking: measured with the cut-down font too,
        # and each worker finds it declared already
        weasyprint.CSS(string=faces, base_url=str(css_dir), url_fetcher=fetcher, font_config=fc)
    measurer = measurer_for(id(fc), families)
    base_css = "\n".join(
        [faces, (css_dir / "badges.css").read_text(encoding="utf-8"), page_css(layout, families)]
    )

    def render(source: tuple[str, str]) -> bytes:
        html, css = source
        # one stylesheet: the theme's rules, the page size and fonts, the badges' boxes
        stylesheet = weasyprint.CSS(string=css, base_url=str(css_dir), font_config=fc)
        document = weasyprint.HTML(string=html, base_url=str(css_dir), url_fetcher=fetcher)
        with cluster_text_codes(), fonts_dated(int(job.event.start.timestamp())):
            return document.render(stylesheets=[stylesheet], font_config=fc).write_pdf(
                finisher=_finish_pdf
            )

    if job.calibration:
        boxes = [layout.box(i, offset) for i in range(layout.per_page)]
        html = env.get_template("badge_calibration.html").render(
            layout=layout, boxes=boxes, offset=offset, ruler=_ruler(layout)
        )
        return render((html, base_css))

    slots: list[Attendee | None] = [*ordered(job.people, job.sort), *([None] * job.blanks)]
    title = event_line(job.event, settings)
    sheets = max(1, math.ceil(len(slots) / layout.per_page))
    workers = badge_workers()
    runs = split_sheets(sheets, workers)

    def source(first: int, last: int) -> tuple[str, str]:
        """Sheets first..last-1: their badges placed, the HTML and its stylesheet."""
        styles = Styles()  # each run's stylesheet has only the rules its badges use
        pages: list[list[Badge]] = []
        for i in range(first * layout.per_page, min(len(slots), last * layout.per_page)):
            if i % layout.per_page == 0:
                pages.append([])
            badge = place_badge(measurer, design, slots[i], job.event, settings, photos,
                                layout.box(i, offset))  # fmt: skip
            style_badge(badge, styles)
            pages[-1].append(badge)
        html = env.get_template("badges.html").render(pages=pages, layout=layout,
                                                      event=job.event, title=title)  # fmt: skip
        return html, base_css + "\n" + styles.css()

    sources = (source(first, last) for first, last in runs)
    if len(runs) == 1:
        return render(next(sources))
    return merge_pdfs(in_children(render, sources, workers))


# Set in a build's child process that renders one event's badges while another child renders
# another's: the CPUs are taken, so the child renders in one process.
_ONE_PROCESS = False


def badge_workers() -> int:
    """Processes to render with: the CPUs this process may use, at most 4 (memory)."""
    if _ONE_PROCESS:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


def _ruler(layout: Layout) -> dict[str, Any]:
    if layout.page == "letter":
        return {"label": "4 in", "length": 4 * 72.0, "ticks": [i * 18.0 for i in range(17)]}
    return {"label": "100 mm", "length": 100 * 72 / 25.4,
            "ticks": [i * 72 / 25.4 * 5 for i in range(21)]}  # fmt: skip


def _finish_pdf(document: Any, pdf: Any) -> None:
    """Ask viewers to print at actual size (/PrintScaling /None); point the extra codes that
    cluster_text_codes() gave glyphs at the glyphs they draw."""
    import pydyf

    pdf.catalog["ViewerPreferences"] = pydyf.Dictionary({"PrintScaling": "/None"})
    map_alias_codes(document, pdf)


def job_fingerprint(job: BadgeJob, settings: FamiliarSettings, photos: PhotoSource) -> str:
    """A hash of everything the PDF is made from: when it is unchanged, so is the PDF."""
    from importlib.metadata import version

    h = hashlib.sha256()
    # the installed version, read without importing WeasyPrint (a second, and 20 MB, that a
    # build whose badges are all cached should not spend)
    parts: list[Any] = [BADGE_VERSION, version("weasyprint"), job.layout.source, job.blanks,
                        job.sort, settings.badge_offset, settings.site_url, settings.timezone,
                        repr(job.event)]  # fmt: skip
    for path in template_files(settings):
        parts.append(path.read_bytes())
    for p in job.people:
        parts.append(repr(p))
        if p.member is not None:
            parts.append(photos.fingerprint(p.member.slug))
    for part in parts:
        h.update(part if isinstance(part, bytes) else repr(part).encode())
        h.update(b"\0")
    return h.hexdigest()


def cache_target(job: BadgeJob, settings: FamiliarSettings, photos: PhotoSource) -> Path:
    """Where the PDF made from exactly these inputs is (or will be) cached."""
    key = job_fingerprint(job, settings, photos)
    return badge_cache.folder(settings) / f"{job.event.slug}-{key[:20]}.pdf"


def render_to_cache(
    job: BadgeJob, target: Path, settings: FamiliarSettings, env: Environment, photos: PhotoSource
) -> bytes:
    """Render the PDF, keep it at `target` (its cache_target) with the list of the cached files
    it used, and return it. The event's older PDFs go in badge_cache.prune after the build's
    badges are made."""
    photos.used.clear()
    data = render_pdf(job, settings, env, photos)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, data)
    badge_cache.write_uses(target, photos.used)
    return data


# ---------------------------------------------------------------------------------------------
# The build: /events/<slug>/badges.pdf


def events_needing_badges(events: list[Any], settings: FamiliarSettings) -> list[Any]:
    """Scheduled events that have not ended and start within FAMILIAR_BADGES_DAYS_AHEAD days:
    organisers print badges just before an event, and rendering badges for every past event of
    a big community would cost minutes on each build (`familiar badges EVENT` makes any)."""
    last = settings.today + dt.timedelta(days=settings.badges_days_ahead)
    return [
        e
        for e in events
        if not e.cancelled
        and is_upcoming(e, settings.today, settings.timezone)
        and e.start.astimezone(settings.timezone).date() <= last
    ]


def badge_files(site: Any, out: Any) -> None:
    """/events/<slug>/badges.pdf for upcoming events, re-rendered only when inputs change."""
    settings: FamiliarSettings = site.settings
    if not settings.badges:
        return
    events = events_needing_badges(site.community.events, settings)
    placed = cached_pdfs(site, events) if events else []
    for job, target in placed:
        out.write(f"events/{job.event.slug}/badges.pdf", target.read_bytes())
        site.pages["badges"] = site.pages.get("badges", 0) + 1
    gone = badge_cache.prune(badge_cache.folder(settings), [target for _, target in placed])
    if gone:
        logger.info("Familiar: %d cached badge files no longer used were deleted", gone)


def cached_pdfs(site: Any, events: list[Any]) -> list[tuple[BadgeJob, Path]]:
    """Each event's badges and where their PDF is cached, rendering those not cached yet."""
    settings: FamiliarSettings = site.settings
    layout = get_layout(settings.badge_layout, settings)
    photos = PhotoSource(settings, site.photos, settings.output_path)
    jobs = [BadgeJob(event, attendees(site.community, event), layout) for event in events]
    placed = [(job, cache_target(job, settings, photos)) for job in jobs]
    stale = [(job, target) for job, target in placed if not target.is_file()]
    if stale:
        # each stale event's badges in a child process of their own, two at a time: the build
        # never loads WeasyPrint and its fonts (the children's memory goes back as they end)
        workers = min(badge_workers(), len(stale))

        def render(item: tuple[BadgeJob, Path]) -> bytes:
            global _ONE_PROCESS
            _ONE_PROCESS = workers > 1
            return render_to_cache(*item, settings, site.env, photos)

        in_children(render, iter(stale), workers)
    return placed
