"""Files that carry the directory elsewhere: vCards, Atom feeds, sitemap.xml, robots.txt and
directory.json.

Every file here is derived from content alone (no clock), so a build of unchanged content writes
identical bytes and `Output` leaves them untouched.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import logging
import re
import uuid
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from . import social
from .models import Event, Member
from .pagecache import digest
from .structured import _first_paragraph, is_absolute, public_attendees
from .text import render_markdown

if TYPE_CHECKING:
    from .output import Output
    from .pages import Site

logger = logging.getLogger(__name__)

DIRECTORY_VERSION = 1
DIRECTORY_SCHEMA = "docs/directory.schema.json"
FEED_LIMIT = 50
ATOM = "http://www.w3.org/2005/Atom"
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
# characters XML 1.0 cannot carry at all; profiles refuse them, this is a second fence
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def vcard_rel(m: Member) -> str:
    return f"members/{m.slug}/{m.slug}.vcf"


def stable_id(site: Site, path: str) -> str:
    """A permanent identifier for a page: its absolute URL, or a name-based UUID when the site has
    no absolute address yet (Atom ids and vCard UIDs must be absolute IRIs)."""
    url = site.url(path)
    if is_absolute(url):
        return url
    return "urn:uuid:" + str(
        uuid.uuid5(uuid.NAMESPACE_URL, f"familiar:{site.settings.site_name}/{path}")
    )


# ---- vCard ---------------------------------------------------------------------------------
# vCard 3.0 (RFC 2426), not 4.0: Apple's Contacts reads only 3.0 fully and Android's stock
# contacts importer refuses files that say VERSION:4.0 ("format isn't supported"); both read 3.0
# with an embedded base64 JPEG photo.


def _vtext(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace(";", "\\;").replace(",", "\\,")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets without splitting a UTF-8 sequence (RFC 2426 2.6)."""
    if len(line.encode("utf-8")) <= 75:  # most lines: nothing to fold
        return line
    if line.isascii():  # the embedded photo: long, ASCII, and worth the fast path
        return "\r\n ".join([line[:75]] + [line[i : i + 74] for i in range(75, len(line), 74)])
    out: list[str] = []
    current, size = "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > (75 if not out else 74):
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out)


def vcard(site: Site, m: Member) -> bytes:
    """The member's contact card: only what their page shows; email only with show_email."""
    profile = site.url(f"members/{m.slug}/")
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"PRODID:-//Familiar//{_vtext(site.settings.site_name)}//EN",
        f"UID:{stable_id(site, f'members/{m.slug}/')}",
        f"FN:{_vtext(m.name)}",
        # names cannot be split into given and family parts reliably across cultures, so the
        # whole name is the given name; phones then show and sort it as written
        f"N:;{_vtext(m.name)};;;",
    ]
    if m.known_as != m.name:
        lines.append(f"NICKNAME:{_vtext(m.known_as)}")
    if m.business:
        lines.append(f"ORG:{_vtext(m.business)}")
    if m.role:
        lines.append(f"TITLE:{_vtext(m.role)}")
    if m.email and m.show_email:
        lines.append(f"EMAIL;TYPE=INTERNET:{m.email}")
    if m.website:
        lines.append(f"URL;TYPE=WORK:{m.website}")
    # itemN.X-ABLabel is Apple's way to name a URL; other importers ignore the label
    links = [(h.url, h.label) for h in m.handles]
    if is_absolute(profile):
        links.append((profile, site.settings.site_name))
    for item, (url, label) in enumerate(links, 1):
        lines += [f"item{item}.URL:{url}", f"item{item}.X-ABLabel:{_vtext(label)}"]
    note = [p for p in (m.pronouns, f"say it: {m.pronunciation}" if m.pronunciation else None) if p]
    note.append(
        f"Member of {site.settings.site_name}" + (f": {profile}" if is_absolute(profile) else "")
    )
    lines.append(f"NOTE:{_vtext(' · '.join(note))}")
    photo = site.photos.get(m.slug)
    if photo and photo.variants:
        small = photo.best(96)
        jpeg = photo.jpeg_bytes(small, site.settings.output_path)
        if jpeg is not None:
            data = base64.b64encode(jpeg).decode()
            lines.append(f"PHOTO;ENCODING=b;TYPE=JPEG:{data}")
        elif is_absolute(site.url(small.jpeg)):
            lines.append(f"PHOTO;VALUE=uri:{site.url(small.jpeg)}")
    lines.append("END:VCARD")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def vcards(site: Site, out: Output) -> None:
    """/members/<slug>/<slug>.vcf for every member with a page; a card whose member and photo
    are unchanged since the last build is kept as it is."""
    for m in site.community.published:
        key = digest("vcard", site.card_key(m))
        site.write_cached(out, vcard_rel(m), key, lambda m=m: vcard(site, m), "vcard")


# ---- Atom feeds ----------------------------------------------------------------------------


def _xml_text(value: str) -> str:
    return _NOT_XML.sub("", value)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _xml_text(v) for k, v in attrs.items()})
    if text is not None:
        el.text = _xml_text(text)
    return el


def _stamp(value: dt.date | dt.datetime, tz: dt.tzinfo) -> str:
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time(0, 0))
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.isoformat(timespec="seconds")


def atom_feed(
    site: Site, path: str, title: str, subtitle: str, entries: list[dict[str, Any]]
) -> bytes:
    """An Atom 1.0 feed; entries are dicts with id, title, updated, link and html (sanitised)."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _sub(feed, "id", stable_id(site, path))
    _sub(feed, "title", title)
    _sub(feed, "subtitle", subtitle)
    # the newest entry's date, not the clock: unchanged content writes identical bytes
    updated = max((e["updated"] for e in entries), default="1970-01-01T00:00:00+00:00")
    _sub(feed, "updated", updated)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=site.url(path))
    _sub(feed, "link", rel="alternate", type="text/html", href=site.url(""))
    author = _sub(feed, "author")
    _sub(author, "name", site.settings.site_name)
    _sub(feed, "generator", "Familiar")
    for e in entries:
        entry = _sub(feed, "entry")
        _sub(entry, "id", e["id"])
        _sub(entry, "title", e["title"])
        _sub(entry, "updated", e["updated"])
        _sub(entry, "link", rel="alternate", type="text/html", href=e["link"])
        if e.get("summary"):
            _sub(entry, "summary", e["summary"])
        _sub(entry, "content", e["html"], type="html")
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True) + b"\n"


def _esc(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))


def member_feed_entry(site: Site, m: Member) -> dict[str, Any]:
    assert m.joined is not None
    parts = []
    photo = site.photos.get(m.slug)
    if photo and photo.variants and is_absolute(site.url(photo.best(96).jpeg)):
        parts.append(f'<p><img src="{_esc(site.url(photo.best(96).jpeg))}" alt="{_esc(m.alt)}" '
                     'width="192" height="192"></p>')  # fmt: skip
    facts = [x for x in (m.role, m.business, m.neighbourhood) if x]
    if facts:
        parts.append(f"<p>{_esc(' · '.join(facts))}</p>")
    if m.interests:
        parts.append(f"<p>Interests: {_esc(', '.join(m.interests))}</p>")
    if m.bio:
        parts.append(render_markdown(m.bio))  # sanitised by nh3
    return {
        "id": stable_id(site, f"members/{m.slug}/"),
        "title": f"Welcome, {m.name}",
        "updated": _stamp(m.joined, site.settings.timezone),
        "link": site.url(f"members/{m.slug}/"),
        "summary": ", ".join(facts) or None,
        "html": "\n".join(parts) or f"<p>{_esc(m.name)}</p>",
    }


MEMBERS_FEED = "feeds/members.atom"


def feed_members(site: Site) -> list[Member]:
    """The newest listed members by `joined`, newest first: the members feed's entries."""
    joined = [m for m in site.community.listed if m.joined]
    joined.sort(key=lambda m: (m.joined, m.slug), reverse=True)
    return joined[:FEED_LIMIT]


def members_feed_bytes(site: Site, entries: list[dict[str, Any]]) -> bytes:
    return atom_feed(site, MEMBERS_FEED, f"New members · {site.settings.site_name}",
                     f"Say hello to the newest members of {site.settings.site_name}",
                     entries)  # fmt: skip


def members_feed(site: Site, out: Output) -> None:
    """/feeds/members.atom: the newest listed members by `joined`, to welcome them."""
    entries = [member_feed_entry(site, m) for m in feed_members(site)]
    out.write(MEMBERS_FEED, members_feed_bytes(site, entries))


def event_feed_entry(site: Site, e: Event) -> dict[str, Any]:
    when = social.event_when(e)
    cancelled = "Cancelled: " if e.cancelled else ""
    parts = [f"<p><strong>{_esc(cancelled + when)}</strong></p>"]
    if e.venue:
        parts.append(f"<p>{_esc(e.venue.name)}, {_esc(e.venue.address)}</p>")
    coming = public_attendees(site, e)
    if coming:
        parts.append(f"<p>Coming: {_esc(', '.join(m.known_as for m in coming))}</p>")
    if e.description:
        parts.append(render_markdown(e.description))  # sanitised by nh3
    return {
        "id": stable_id(site, f"events/{e.slug}/"),
        "title": f"{cancelled}{e.title} · {when}",
        # the start, a content date: the feed has no clock, so rebuilds are byte-identical
        "updated": _stamp(e.start, site.settings.timezone),
        "link": site.url(f"events/{e.slug}/"),
        "summary": _first_paragraph(e.description),
        "html": "\n".join(parts),
    }


def upcoming(site: Site) -> list[Event]:
    today = site.settings.today
    return [e for e in site.community.events if (e.end or e.start).date() >= today]


EVENTS_FEED = "feeds/events.atom"


def feed_events(site: Site) -> list[Event]:
    """The events feed's events: those still to come, soonest first."""
    return upcoming(site)[:FEED_LIMIT]


def events_feed_bytes(site: Site, entries: list[dict[str, Any]]) -> bytes:
    return atom_feed(site, EVENTS_FEED, f"Events · {site.settings.site_name}",
                     f"Upcoming events of {site.settings.site_name}", entries)  # fmt: skip


def events_feed(site: Site, out: Output) -> None:
    """/feeds/events.atom: events still to come, soonest first (cancelled ones say so)."""
    entries = [event_feed_entry(site, e) for e in feed_events(site)]
    out.write(EVENTS_FEED, events_feed_bytes(site, entries))


# ---- sitemap.xml and robots.txt ------------------------------------------------------------


def sitemap_paths(site: Site, out: Output) -> list[str]:
    """Pages search engines may index: listed members without noindex, events, interests and
    categories, and only pages this build actually wrote."""
    c = site.community
    paths = ["", "interests/", "categories/", "events/"]
    paths += [f"members/{m.slug}/" for m in c.listed if not m.noindex]
    paths += [f"interests/{t.slug}/" for t in c.interests()]
    paths += [f"categories/{t.slug}/" for t in c.categories()]
    paths += [f"events/{e.slug}/" for e in c.events]
    return [p for p in paths if f"{p}index.html" in out.written]


def sitemap_and_robots(site: Site, out: Output) -> None:
    """sitemap.xml (only with an absolute SITEURL: sitemaps need full addresses) and robots.txt
    pointing at it; a site marked noindex asks robots to stay away and lists nothing."""
    noindex = getattr(site.settings, "noindex_site", False)
    robots = ["User-agent: *"]
    if noindex:
        robots.append("Disallow: /")
    else:
        robots.append("Allow: /")
        if is_absolute(site.url("")):
            ET.register_namespace("", SITEMAP)
            urlset = ET.Element(f"{{{SITEMAP}}}urlset")
            for path in sitemap_paths(site, out):
                url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
                ET.SubElement(url, f"{{{SITEMAP}}}loc").text = site.url(path)
            ET.indent(urlset)
            out.write(
                "sitemap.xml", ET.tostring(urlset, encoding="utf-8", xml_declaration=True) + b"\n"
            )
            robots.append(f"Sitemap: {site.url('sitemap.xml')}")
        else:
            logger.info("Familiar: no sitemap.xml without an absolute SITEURL")
    # a robots.txt the site ships itself (content/extra/robots.txt) wins
    own = [
        site.settings.content_path / "extra" / "robots.txt",
        site.settings.content_path / "robots.txt",
    ]
    if not any(p.is_file() for p in own):
        out.write("robots.txt", "\n".join(robots) + "\n")


# ---- directory.json ------------------------------------------------------------------------


def member_json(site: Site, m: Member) -> dict[str, Any]:
    photo = site.photos.get(m.slug)
    data: dict[str, Any] = {
        "slug": m.slug,
        "url": site.url(f"members/{m.slug}/"),
        "name": m.name,
        "known_as": m.known_as,
        "pronouns": m.pronouns,
        "pronunciation": m.pronunciation,
        "business": m.business,
        "role": m.role,
        "category": m.category,
        "neighbourhood": m.neighbourhood,
        "interests": list(m.interests),
        "ask_me_about": list(m.ask_me_about),
        "looking_for": list(m.looking_for),
        "handles": [{"network": h.network, "name": h.name, "url": h.url} for h in m.handles],
        "website": m.website,
        "email": m.email if m.email and m.show_email else None,
        "joined": m.joined.isoformat() if m.joined else None,
        "attending": [s for s in m.attending if s in site.community.events_by_slug],
        "photo": {
            "alt": photo.alt,
            "sizes": [
                {"size": v.size, "jpeg": site.url(v.jpeg), "webp": site.url(v.webp)}
                for v in photo.variants
            ],  # fmt: skip
        }
        if photo and photo.variants
        else None,
        "vcard": site.url(vcard_rel(m)),
        "bio": m.bio or None,
        "bio_html": render_markdown(m.bio) if m.bio else None,
    }
    return {k: v for k, v in data.items() if v is not None}


def event_json(site: Site, e: Event) -> dict[str, Any]:
    members = site.community.members_by_slug
    tz = site.settings.timezone
    data: dict[str, Any] = {
        "slug": e.slug,
        "url": site.url(f"events/{e.slug}/"),
        "title": e.title,
        "start": _stamp(e.start, tz),
        "end": _stamp(e.end, tz) if e.end else None,
        "status": e.status,
        "venue": {"name": e.venue.name, "address": e.venue.address, "url": e.venue.url}
        if e.venue
        else None,
        "organizers": [s for s in e.organizers if s in members and members[s].listed],
        "attendees": [m.slug for m in public_attendees(site, e)],
        # guests have no profile and gave no consent to be listed elsewhere: counted only
        "guest_count": len(e.guests),
        "capacity": e.capacity,
        "description": e.description or None,
        "description_html": render_markdown(e.description) if e.description else None,
    }
    return {k: v for k, v in data.items() if v is not None}


def directory_data(site: Site) -> dict[str, Any]:
    return {
        "version": DIRECTORY_VERSION,
        "site": {"name": site.settings.site_name, "url": site.url("")},
        "members": [member_json(site, m) for m in site.community.listed],
        "events": [event_json(site, e) for e in site.community.events],
    }


def directory_text(site: Site) -> list[bytes]:
    """directory.json's bytes, in pieces: the data of `directory_data`, one member or event a
    line (a diff of two versions shows who changed). Each member's line is kept between builds
    by the inputs it is made from, so a rebuild at ten thousand members makes only the changed
    ones (and a quick rebuild, quick.py, replaces one line).
    Lines are kept as bytes and joined as bytes: one str of the whole file would take four
    bytes a character as soon as one name has an emoji."""
    events = site.community.events_by_slug
    kept = site.fragments("directory")
    members = []
    for m in site.community.listed:
        key = digest(site.card_key(m), [s for s in m.attending if s in events])
        members.append(kept.get(m.slug, key, lambda m=m: json_line(member_json(site, m))))
    head = {
        "version": DIRECTORY_VERSION,
        "site": {"name": site.settings.site_name, "url": site.url("")},
    }
    event_lines = [json_line(event_json(site, e)).encode() for e in site.community.events]
    return [
        json_line(head)[:-1].encode(),
        b',\n"members": [\n',
        *_joined(members, b",\n"),
        b'\n],\n"events": [\n',
        *_joined(event_lines, b",\n"),
        b"\n]}\n",
    ]


def _joined(pieces: list[bytes], between: bytes) -> list[bytes]:
    """`between.join(pieces)` as a list of pieces (nothing copied)."""
    out: list[bytes] = []
    for i, piece in enumerate(pieces):
        if i:
            out.append(between)
        out.append(piece)
    return out


def json_line(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ": "))


def directory_json(site: Site, out: Output) -> None:
    """/directory.json: the public fields of listed members and of events (docs/directory-json.md)."""
    out.write("directory.json", directory_text(site))
    site.fragments_done("directory")
