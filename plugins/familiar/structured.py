"""Machine-readable descriptions of pages: schema.org JSON-LD and OpenGraph/Twitter card meta."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from . import qrcodes
from .events import attendees
from .models import Event, Member
from .output import write_atomic
from .text import markdown_text

if TYPE_CHECKING:
    from .pages import Site
    from .settings import FamiliarSettings

logger = logging.getLogger(__name__)

SCHEMA = "https://schema.org"


def is_absolute(url: str | None) -> bool:
    return bool(url) and url.startswith(("https://", "http://"))  # type: ignore[union-attr]


def script_json(data: Any) -> Markup:
    """JSON for a <script> element: `<`, `>` and `&` as \\u escapes, so no value can close the
    element (`</script>`) or open a comment, whatever a profile says."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    # U+2028/2029 are legal in JSON but end lines in older JavaScript parsers
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(f'<script type="application/ld+json">{text}</script>')


def _drop_empty(d: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


def person(site: Site, m: Member, *, full: bool = True) -> dict[str, Any]:
    """schema.org Person for a member: only what their page shows (email only with show_email)."""
    from .exports import vcard_rel

    url = site.url(f"members/{m.slug}/")
    data: dict[str, Any] = {"@type": "Person", "@id": url + "#person", "name": m.name, "url": url}
    if not full:
        return data
    photo = site.photos.get(m.slug)
    if photo and photo.variants:
        data["image"] = site.url(photo.best(192).jpeg)
    if m.business:
        data["worksFor"] = {"@type": "Organization", "name": m.business}
        if m.website:
            data["worksFor"]["url"] = m.website
    same_as = [h.url for h in m.handles]
    if m.website:
        same_as.append(m.website)
    data.update(
        alternateName=m.known_as if m.known_as != m.name else None,
        jobTitle=m.role,
        knowsAbout=list(m.interests) + list(m.ask_me_about),
        homeLocation={"@type": "Place", "name": m.neighbourhood} if m.neighbourhood else None,
        email=f"mailto:{m.email}" if m.email and m.show_email else None,
        sameAs=same_as,
        description=_first_paragraph(m.bio),
        subjectOf={
            "@type": "DigitalDocument",
            "encodingFormat": "text/vcard",
            "url": site.url(vcard_rel(m)),
        },
    )
    return _drop_empty(data)


def public_attendees(site: Site, event: Event) -> list[Member]:
    """Members who RSVP'd publicly: listed members coming; unlisted members and guests are left
    out of machine-readable data, which travels further than the page."""
    return [a.member for a in attendees(site.community, event) if a.member and a.member.listed]


def _iso(value: dt.datetime, site: Site) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=site.settings.timezone)
    return value.isoformat()


def event(site: Site, e: Event) -> dict[str, Any]:
    """schema.org Event: place, organizer, status, and only publicly listed attendees."""
    url = site.url(f"events/{e.slug}/")
    members = site.community.members_by_slug
    organizers = [
        person(site, members[s], full=False)
        for s in e.organizers
        if s in members and members[s].listed
    ]
    if not organizers:
        organizers = [{"@type": "Organization", "name": site.settings.site_name,
                       "url": site.url("")}]  # fmt: skip
    data: dict[str, Any] = {
        "@type": "Event",
        "@id": url + "#event",
        "name": e.title,
        "url": url,
        "startDate": _iso(e.start, site),
        "endDate": _iso(e.end, site) if e.end else None,
        "eventStatus": f"{SCHEMA}/EventCancelled" if e.cancelled else f"{SCHEMA}/EventScheduled",
        "eventAttendanceMode": f"{SCHEMA}/OfflineEventAttendanceMode",
        "description": _first_paragraph(e.description),
        "organizer": organizers,
        "attendee": [person(site, m, full=False) for m in public_attendees(site, e)],
        "maximumAttendeeCapacity": e.capacity,
    }
    if e.venue:
        data["location"] = {
            "@type": "Place",
            "name": e.venue.name,
            "address": e.venue.address,
            "url": e.venue.url,
        }
    return _drop_empty(data)


def _first_paragraph(text: str, limit: int = 300) -> str | None:
    """Plain text of the first paragraph of Markdown, for descriptions and previews."""
    if not text.strip():
        return None
    plain = markdown_text(text.strip().split("\n\n", 1)[0])
    return plain if len(plain) <= limit else plain[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Social:
    """OpenGraph / Twitter card values for one page; base.html prints them."""

    title: str
    description: str | None = None
    image: str | None = None  # absolute URL, or None when SITEURL is not absolute
    image_alt: str | None = None
    type: str = "website"
    image_width: int = 1200
    image_height: int = 630


class MemberExtras:
    """What a member page shows for taking the member along: vCard link, QR code, JSON-LD, social
    card. Computed only when a template asks, so listing cards built with member_context cost
    nothing extra."""

    def __init__(self, site: Site, member: Member) -> None:
        self.site = site
        self.member = member

    @cached_property
    def vcard_url(self) -> str:
        from .exports import vcard_rel

        return self.site.url(vcard_rel(self.member))

    @cached_property
    def jsonld(self) -> Markup:
        return script_json({"@context": SCHEMA, **person(self.site, self.member)})

    @cached_property
    def qr_svg(self) -> Markup | None:
        """Inline SVG QR code of the profile's address, for phone-to-phone exchange at events;
        only when the address is absolute (a QR code of '/members/x/' leads nowhere)."""
        url = profile_url(self.site.settings, self.member.slug)
        return Markup(qr_svg(url, qr_folder(self.site.settings))) if url else None

    @cached_property
    def social(self) -> Social:
        from . import social

        m = self.member
        bits = [b for b in (m.role, m.business) if b]
        description = " · ".join(bits) or None
        summary = _first_paragraph(m.bio, 200)
        if summary:
            description = f"{description}. {summary}" if description else summary
        image = self.site.url(social.member_card_rel(self.site, m))
        return Social(
            title=m.name,
            description=description,
            image=image if is_absolute(image) else None,
            image_alt=f"{m.known_as}" + (f", {m.business}" if m.business else ""),
            type="profile",
        )


class EventExtras:
    """JSON-LD and social card for an event page (see MemberExtras)."""

    def __init__(self, site: Site, event: Event) -> None:
        self.site = site
        self.event = event

    @cached_property
    def jsonld(self) -> Markup:
        return script_json({"@context": SCHEMA, **event(self.site, self.event)})

    @cached_property
    def social(self) -> Social:
        from . import social

        e = self.event
        when = social.event_when(e)
        place = f" · {e.venue.name}" if e.venue else ""
        prefix = "Cancelled: " if e.cancelled else ""
        image = self.site.url(social.event_card(self.site, e).rel)
        return Social(
            title=prefix + e.title,
            description=f"{prefix}{when}{place}",
            image=image if is_absolute(image) else None,
            image_alt=f"{e.title}, {when}",
        )


QR_VERSION = "2"  # 2: drawn by zxing-cpp (qrcodes.py), not segno


def qr_folder(settings: FamiliarSettings) -> Path:
    """Where the QR codes of member pages are cached (badges keep theirs in the badges' cache)."""
    return settings.cache_path / "qr"


def _qr_path(url: str, cache: Path) -> Path:
    key = hashlib.sha256(f"{QR_VERSION}|{url}".encode()).hexdigest()[:20]
    return cache / f"{key}.svg"


def _draw_qr(url: str, path: Path) -> str:
    svg = qrcodes.qr_svg(url, title=f"QR code: {url}")
    try:
        write_atomic(path, svg)
    except FileNotFoundError:  # the first code drawn: no folder yet
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, svg)
    return svg


def qr_svg(url: str, cache: Path) -> str:
    """The QR code of `url` as inline SVG (no script, no size-less scaling surprises), cached by
    address: most builds draw none."""
    path = _qr_path(url, cache)
    try:
        return path.read_text(encoding="utf-8")
    except OSError:
        return _draw_qr(url, path)


def profile_url(settings: FamiliarSettings, slug: str) -> str | None:
    """The member's public page, or None when SITEURL is not an absolute web address (a QR code
    of '/members/x/' leads nowhere). As Site.url makes it: the loading workers have no Site."""
    if not is_absolute(settings.site_url):
        return None
    return f"{settings.site_url}/members/{slug}/"


def _page_codes(
    settings: FamiliarSettings, members: Iterable[Member]
) -> Iterator[tuple[str, Path]]:
    """(address, cache file) of the QR code of each of `members` with a page; none at all when
    the site's address is not absolute."""
    cache = qr_folder(settings)
    for member in members:
        if member.published and (url := profile_url(settings, member.slug)) is not None:
            yield url, _qr_path(url, cache)


def draw_qr_codes(settings: FamiliarSettings, members: Iterable[Member]) -> None:
    """The QR codes of the pages of `members` drawn into the cache, if not there yet, ahead of
    the pages themselves: the build has the loading workers do it (load_community's `beside`),
    on both cores, where the member pages are made in one process."""
    for url, path in _page_codes(settings, members):
        if not path.is_file():
            _draw_qr(url, path)


def prune_qr_codes(settings: FamiliarSettings, members: Iterable[Member]) -> int:
    """After a good build at an absolute address: delete the cached QR codes of pages that are
    no longer there (members who left or hid their page, an old address), and say how many.
    A build at a relative address uses no codes and deletes none; files other than codes of
    pages are left alone."""
    if not is_absolute(settings.site_url):
        return 0
    cache = qr_folder(settings)
    keep = {path.name for _, path in _page_codes(settings, members)}
    try:
        names = os.listdir(cache)
    except FileNotFoundError:
        return 0
    gone = [name for name in names if name.endswith(".svg") and name not in keep]
    for name in gone:
        (cache / name).unlink(missing_ok=True)
    return len(gone)


def member_extras(site: Site, member: Member) -> MemberExtras:
    return MemberExtras(site, member)


def event_extras(site: Site, event_: Event) -> EventExtras:
    return EventExtras(site, event_)
