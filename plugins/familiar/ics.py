"""Calendar files: one .ics per event (add to calendar) and the site-wide feed people subscribe to.

Every event keeps one UID for life (its slug at the site's host), so re-importing or a feed
refresh updates the entry instead of duplicating it. A cancelled event stays in the feed with
STATUS:CANCELLED and SEQUENCE 1 (above the scheduled version's 0), which is what tells calendars
that imported it to drop it. DTSTAMP is midnight UTC of the build date (FAMILIAR_TODAY or
SOURCE_DATE_EPOCH), so rebuilding unchanged content the same day gives identical bytes.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .models import Event
from .text import slugify

if TYPE_CHECKING:
    from icalendar import Event as VEvent

    from .output import Output
    from .pages import Site

logger = logging.getLogger(__name__)

PRODID = "-//Familiar//Familiar community events//EN"


def uid_host(site_url: str, site_name: str) -> str:
    """The right-hand side of every UID: the site's host, or a name-based stand-in without one."""
    host = urlsplit(site_url).hostname if site_url else None
    return host or f"{slugify(site_name)}.familiar.invalid"


def vevent(event: Event, *, url: str, host: str, stamp: dt.datetime) -> VEvent:
    """One VEVENT: times in UTC (every calendar reads those), text escaped by icalendar."""
    from icalendar import Event as VEvent  # here: a build whose calendars are kept skips it

    ve = VEvent()
    ve.add("uid", f"{event.slug}@{host}")
    ve.add("dtstamp", stamp)
    ve.add("sequence", 1 if event.cancelled else 0)
    ve.add("dtstart", event.start.astimezone(dt.UTC))
    if event.end:
        ve.add("dtend", event.end.astimezone(dt.UTC))
    ve.add("summary", event.title)
    if event.venue:
        ve.add("location", f"{event.venue.name}, {event.venue.address}")
    ve.add("url", url)
    # Markdown paragraphs are hard-wrapped; calendars show every line break, so unwrap them
    description = re.sub(r"(?<!\n)\n(?!\n)", " ", event.description.strip())
    ve.add("description", f"{description}\n\n{url}" if description else url)
    ve.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    return ve


def calendar_bytes(
    events: Sequence[Event], *, site: Site, name: str, refresh_hours: int | None = None
) -> bytes:
    """A VCALENDAR holding `events` in start order."""
    s = site.settings
    from icalendar import Calendar

    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    if refresh_hours:
        # how often subscribed calendars should fetch the feed again
        cal.add(
            "refresh-interval", dt.timedelta(hours=refresh_hours), parameters={"VALUE": "DURATION"}
        )
        cal.add("x-published-ttl", dt.timedelta(hours=refresh_hours))
    stamp = dt.datetime.combine(s.today, dt.time(0), dt.UTC)
    host = uid_host(s.site_url, s.site_name)
    for e in sorted(events, key=lambda e: (e.start, e.slug)):
        cal.add_component(vevent(e, url=site.url(f"events/{e.slug}/"), host=host, stamp=stamp))
    return cal.to_ical()


def calendar_files(site: Site, out: Output) -> None:
    """/events/calendar.ics (every event, past and upcoming) and /events/<slug>/<slug>.ics."""
    from .pagecache import digest

    # a calendar is made from its events alone (and the settings, which every key includes)
    events = site.community.events
    name = f"{site.settings.site_name} events"
    site.write_cached(
        out,
        "events/calendar.ics",
        digest("calendar", events),
        lambda: calendar_bytes(events, site=site, name=name, refresh_hours=12),
        "calendar",
    )
    for e in events:
        site.write_cached(
            out,
            f"events/{e.slug}/{e.slug}.ics",
            digest("calendar", e),
            lambda e=e: calendar_bytes([e], site=site, name=e.title),
            "calendar",
        )
