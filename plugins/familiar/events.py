"""Events: who's coming, introductions by shared interest, times in words, and the event pages."""

from __future__ import annotations

import csv
import datetime as dt
import heapq
import io
import logging
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .community import Community
from .models import Event, Guest, Member
from .pagecache import digest
from .placeholders import placeholder_colour
from .text import render_markdown, sort_key, taxonomy_key

if TYPE_CHECKING:
    from .output import Output
    from .pages import Site

logger = logging.getLogger(__name__)

# Introductions: a few best matches each, so a card stays readable at the door.
INTRODUCTIONS_PER_PERSON = 3
# People looked at per shared interest: bounds the work for a 2,000-person event where everyone
# likes "coffee" (each attendee scans at most this many others per interest, not everyone).
INTEREST_SCAN = 64

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")  # fmt: skip


@dataclass(frozen=True)
class Attendee:
    """One person coming: a member (listed or unlisted, never hidden) or a guest."""

    known_as: str
    name: str
    business: str | None
    member: Member | None = None
    guest: Guest | None = None
    organizer: bool = False
    first_timer: bool = False

    @property
    def kind(self) -> str:
        return "organizer" if self.organizer else ("member" if self.member else "guest")


@dataclass(frozen=True)
class Introduction:
    """Someone else coming who shares interests with an attendee ("Jenn and Priya both like ...")."""

    other: Attendee
    interests: tuple[str, ...]  # in the first attendee's own spelling, rarest first


def attendees(community: Community, event: Event) -> list[Attendee]:
    """Everyone coming to `event`, organizers first, then by known_as; hidden members never."""
    people = community._once(f"attendees:{id(event)}", lambda: _attendees(community, event))
    return list(people)


def _coming_index(community: Community) -> dict[str, list[Member]]:
    """Event slug -> published members who attend or organise it, in directory order."""
    index: dict[str, list[Member]] = defaultdict(list)
    for m in community.published:
        for slug in dict.fromkeys(m.attending):
            index[slug].append(m)
    return index


def earlier_events(events: Sequence[Event], event: Event) -> set[str]:
    """The slugs of the events before `event` that were not cancelled."""
    return {e.slug for e in events if e.start < event.start and not e.cancelled}


def first_time(m: Member, earlier: set[str]) -> bool:
    """Whether `m` comes for the first time, to an event after `earlier` (earlier_events)."""
    return not any(slug in earlier for slug in m.attending)


def _attendees(community: Community, event: Event) -> list[Attendee]:
    earlier = earlier_events(community.events, event)
    coming = community._once("coming", lambda: _coming_index(community))
    organizers = set(event.organizers)
    by_slug = community.members_by_slug
    wanted = {m.slug for m in coming.get(event.slug, ())} | {
        o for o in organizers if o in by_slug and by_slug[o].published
    }
    position = community._once(
        "position", lambda: {m.slug: i for i, m in enumerate(community.published)}
    )
    people: list[Attendee] = []
    for slug in sorted(wanted, key=position.__getitem__):  # directory order, as ties need
        m = by_slug[slug]
        organizer = slug in organizers
        first = first_time(m, earlier)
        people.append(Attendee(m.known_as, m.name, m.business, member=m, organizer=organizer,
                               first_timer=first))  # fmt: skip
    for g in event.guests:
        people.append(Attendee(g.name.split()[0], g.name, g.business, guest=g))
    return sorted(people, key=lambda a: (not a.organizer, sort_key(a.known_as), a.name))


def introductions(
    people: Sequence[Attendee], limit: int = INTRODUCTIONS_PER_PERSON, scan: int = INTEREST_SCAN
) -> list[list[Introduction]]:
    """For each attendee (same order), the others who share the most interests with them.

    Ties go to the pair whose shared interest is rarer at this event (two people who both like
    beekeeping have more to say than two of the thirty who like coffee), then to the interest
    the attendee listed first, then to whoever follows them in the list.
    Members are indexed by interest, so the work grows with the people who share an interest,
    capped at `scan` per interest, never with the square of the event's size.
    """
    by_interest: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(people):
        if a.member:
            for key in dict.fromkeys(taxonomy_key(t) for t in a.member.interests):
                by_interest[key].append(i)
    result: list[list[Introduction]] = []
    for i, a in enumerate(people):
        if not a.member or not a.member.interests:
            result.append([])
            continue
        own: dict[str, str] = {}
        for text in a.member.interests:
            own.setdefault(taxonomy_key(text), text)
        rarity = {key: len(by_interest[key]) for key in own}
        # rarest first, then in the order the attendee listed them: the first interest that
        # pairs two people is their rarest one, and ties keep the order people were met in
        walk = sorted(own, key=lambda key: rarity[key])
        shared: dict[int, list[str]] = defaultdict(list)
        for key in walk:
            group = by_interest[key]
            # start just after this person so that in a big group each one is pointed at
            # different people, not everyone at the same first few names
            at = bisect_left(group, i)
            for step in range(1, min(len(group), scan + 1)):
                shared[group[(at + step) % len(group)]].append(own[key])
        first_rarity = {own[key]: rarity[key] for key in own}
        best = heapq.nsmallest(
            limit, shared.items(), key=lambda kv: (-len(kv[1]), first_rarity[kv[1][0]])
        )
        result.append([Introduction(people[j], tuple(ts)) for j, ts in best])
    return result


def both_like(a: Attendee, intro: Introduction) -> str:
    """'Jenn and Priya both like coffee roasting and sailing'."""
    ts = list(intro.interests)
    liked = ts[0] if len(ts) == 1 else ", ".join(ts[:-1]) + " and " + ts[-1]
    return f"{a.known_as} and {intro.other.known_as} both like {liked}"


# -- times --------------------------------------------------------------------------------


def _day(t: dt.datetime) -> str:
    return f"{_DAYS[t.weekday()]} {t.day} {_MONTHS[t.month - 1]} {t.year}"


def _clock(t: dt.datetime, meridiem: bool = True) -> str:
    hour = t.hour % 12 or 12
    text = str(hour) if t.minute == 0 else f"{hour}:{t.minute:02d}"
    return text + ((" am" if t.hour < 12 else " pm") if meridiem else "")


def _offset_label(t: dt.datetime) -> str:
    off = t.utcoffset() or dt.timedelta(0)
    minutes = int(off.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "\u2212"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def when_text(event: Event, site_tz: dt.tzinfo | None = None) -> str:
    """The date and time as people read them: 'Friday 4 December 2026, 5:30 to 7:30 pm'.

    Times stay in the event's own zone; when that is not the site's zone the offset is added.
    """
    start = event.start
    end = event.end.astimezone(start.tzinfo) if event.end else None
    if end is None:
        text = f"{_day(start)}, {_clock(start)}"
    elif end.date() == start.date():
        same_half = (start.hour < 12) == (end.hour < 12)
        text = f"{_day(start)}, {_clock(start, not same_half)} to {_clock(end)}"
    else:
        text = f"{_day(start)}, {_clock(start)} to {_day(end)}, {_clock(end)}"
    if site_tz is not None and start.utcoffset() != start.astimezone(site_tz).utcoffset():
        text += f" ({_offset_label(start)})"
    return text


def is_upcoming(event: Event, today: dt.date, tz: dt.tzinfo) -> bool:
    """An event is upcoming until the day it ends (in the site's zone) is over."""
    return (event.end or event.start).astimezone(tz).date() >= today


def split_events(
    events: Sequence[Event], today: dt.date, tz: dt.tzinfo
) -> tuple[list[Event], list[Event]]:
    """(upcoming soonest first, past latest first)."""
    upcoming = sorted((e for e in events if is_upcoming(e, today, tz)), key=lambda e: e.start)
    past = sorted(
        (e for e in events if not is_upcoming(e, today, tz)), key=lambda e: e.start, reverse=True
    )
    return upcoming, past


# -- where to meet a member ----------------------------------------------------------------

_meeting_index: tuple[Community, dict[str, list[Event]]] | None = None


def member_events(community: Community, member: Member) -> list[Event]:
    """Events a member attends or organizes, not cancelled, by start (one index per community)."""
    global _meeting_index
    if _meeting_index is None or _meeting_index[0] is not community:
        index: dict[str, list[Event]] = defaultdict(list)
        by_slug = community.events_by_slug
        for m in community.published:
            for slug in m.attending:
                if slug in by_slug:
                    index[m.slug].append(by_slug[slug])
        for e in community.events:
            for slug in e.organizers:
                if e not in index[slug]:
                    index[slug].append(e)
        _meeting_index = (community, index)
    found = _meeting_index[1].get(member.slug, [])
    return sorted({e.slug: e for e in found if not e.cancelled}.values(), key=lambda e: e.start)


def where_to_meet(site: Site, member: Member) -> dict[str, list[dict[str, str]]]:
    """'Where to meet me' on a member's page: upcoming events (soonest first) and past ones."""
    s = site.settings
    upcoming, past = split_events(member_events(site.community, member), s.today, s.timezone)

    def item(e: Event) -> dict[str, str]:
        return {"title": e.title, "url": site.url(f"events/{e.slug}/"), "when": when_text(e)}

    return {"upcoming": [item(e) for e in upcoming], "past": [item(e) for e in past]}


# -- pages ---------------------------------------------------------------------------------


def protect_cell(value: str) -> str:
    """A CSV cell that a spreadsheet will show as text, never run as a formula."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def checkin_csv(people: Sequence[Attendee]) -> str:
    """The check-in list as CSV (with a BOM so spreadsheets read accented names right)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(["here", "known as", "name", "business", "online", "kind", "first time"])
    for a in people:
        handle = a.member.main_handle if a.member else None
        online = (
            f"{handle.label}: {handle.shown}"
            if handle
            else guest_handle(a.guest)
            if a.guest
            else ""
        )
        row = ["", a.known_as, a.name, a.business or "", online or "", a.kind,
               "yes" if a.first_timer else ""]  # fmt: skip
        writer.writerow([protect_cell(c) for c in row])
    return "\ufeff" + buf.getvalue()


def guest_handle(guest: Guest | None) -> str | None:
    if guest is None or not guest.handle:
        return None
    return "@" + guest.handle.lstrip("@")


def _person(site: Site, a: Attendee, intros: list[Introduction], anchors: dict) -> dict[str, Any]:
    m = a.member
    if m is not None:
        who: Any = m
        colour = placeholder_colour(m.slug)
    else:
        who = a.guest
        colour = placeholder_colour("guest:" + a.name)
    return {
        "a": a,
        "who": who,
        "anchor": anchors[id(a)],
        "photo": site.photos.get(m.slug) if m else None,
        "colour": colour,
        "url": site.url(f"members/{m.slug}/") if m else None,
        "handles": list(m.handles) if m else [],
        "guest_handle": guest_handle(a.guest),
        "intros": [
            {"text": both_like(a, i), "other": i.other, "anchor": anchors[id(i.other)]}
            for i in intros
        ],
    }


def event_context(site: Site, event: Event) -> dict[str, Any]:
    """Everything event.html, faces.html and checkin.html show about one event."""
    from .structured import event_extras  # here: structured imports this module

    s = site.settings
    people = attendees(site.community, event)
    # guests are numbered in the event file's order, so an anchor stays put as members sign up
    guest_no = {id(g): n for n, g in enumerate(event.guests, 1)}
    anchors = {
        id(a): f"p-{a.member.slug}" if a.member else f"guest-{guest_no[id(a.guest)]}"
        for a in people
    }
    intros = introductions(people)
    cards = [_person(site, a, i, anchors) for a, i in zip(people, intros, strict=True)]
    members = site.community.members_by_slug
    organizers = [
        {"name": members[o].known_as, "full": members[o].name, "url": site.url(f"members/{o}/")}
        for o in event.organizers
        if o in members and members[o].published
    ]
    upcoming = is_upcoming(event, s.today, s.timezone)
    return {
        "event": event,
        "when": when_text(event, s.timezone),
        "start_iso": event.start.isoformat(),
        "end_iso": event.end.isoformat() if event.end else "",
        "upcoming": upcoming,
        "full": event.capacity is not None and len(people) >= event.capacity,
        "description_html": render_markdown(event.description) if event.description else "",
        "organizers": organizers,
        "cards": cards,
        "count": len(people),
        "members_count": sum(1 for a in people if a.member),
        "guests_count": sum(1 for a in people if a.guest),
        "first_timers": sum(1 for a in people if a.first_timer),
        "url": site.url(f"events/{event.slug}/"),
        "ics_url": site.url(f"events/{event.slug}/{event.slug}.ics"),
        "faces_url": site.url(f"events/{event.slug}/faces/"),
        "checkin_url": site.url(f"events/{event.slug}/checkin/"),
        "csv_url": site.url(f"events/{event.slug}/checkin.csv"),
        "calendar_url": site.url("events/calendar.ics"),
        # JSON-LD and social card (structured.py), computed only if a template uses them
        "share": event_extras(site, event),
    }


def index_lists(site: Site, counts: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
    """The rows of /events/, upcoming and past: each event with how many are coming
    (`counts`, by slug)."""
    s = site.settings
    upcoming, past = split_events(site.community.events, s.today, s.timezone)

    def row(e: Event) -> dict[str, Any]:
        return {"event": e, "when": when_text(e, s.timezone), "count": counts[e.slug],
                "url": site.url(f"events/{e.slug}/")}  # fmt: skip

    return {"upcoming": [row(e) for e in upcoming], "past": [row(e) for e in past]}


def index_page(site: Site, lists: dict[str, list[dict[str, Any]]]) -> str:
    """/events/ from its rows (index_lists)."""
    return site.render("events.html", page_url=site.url("events/"),
                       calendar_url=site.url("events/calendar.ics"), **lists)  # fmt: skip


def coming_counts(c: Community) -> dict[str, int]:
    """Event slug -> how many are coming (members and guests), as /events/ says."""
    return {e.slug: len(attendees(c, e)) for e in c.events}


def event_pages(site: Site, out: Output) -> None:
    """/events/, and per event its page, face sheet, check-in list and check-in CSV."""
    s = site.settings
    lists = index_lists(site, coming_counts(site.community))
    site.write_cached(out, "events/index.html", digest("events", lists),
                      lambda: index_page(site, lists), "events")  # fmt: skip
    members = site.community.members_by_slug
    for e in site.community.events:
        files = event_paths(e)
        people = attendees(site.community, e)
        # all the event's four files show: the event, who is coming (as their cards), its
        # organizers and whether it is still to come
        key = digest(
            "event",
            e,
            is_upcoming(e, s.today, s.timezone),
            [(site.card_key(a.member) if a.member else a.guest, a.organizer, a.first_timer)
             for a in people],
            [site.card_key(members[o]) for o in e.organizers if o in members],
        )  # fmt: skip
        # kept only if all four are: one deleted by hand makes the four again
        seen = [site.fresh(out, rel, key) for rel in files.values()]
        if all(s is not None for s in seen):
            for (kind, rel), st in zip(files.items(), seen, strict=True):
                out.keep(rel, st)
                site.count(kind)
            continue
        for kind, text in event_files(site, e).items():
            out.write(files[kind], text)
            site.count(kind)


EVENT_PAGES = (("event", "event.html"), ("event-faces", "faces.html"),
               ("event-checkin", "checkin.html"))  # fmt: skip


def event_paths(event: Event) -> dict[str, str]:
    """The output path of each of the event's four files, by kind."""
    base = f"events/{event.slug}/"
    return {"event": base + "index.html", "event-faces": base + "faces/index.html",
            "event-checkin": base + "checkin/index.html", "event-csv": base + "checkin.csv"}  # fmt: skip


def event_files(site: Site, event: Event) -> dict[str, str]:
    """The text of the event's page, face sheet, check-in list and check-in CSV, by kind
    (at event_paths; event_pages writes them, and quick.py)."""
    ctx = event_context(site, event)
    paths = event_paths(event)
    made = {}
    for kind, template in EVENT_PAGES:
        url = site.url(paths[kind].removesuffix("index.html"))
        made[kind] = site.render(template, page_url=url, **ctx)
    made["event-csv"] = checkin_csv([c["a"] for c in ctx["cards"]])
    return made
