"""Events: validation, the events index, event pages, who's coming, introductions, calendars."""

from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess

import icalendar
import pytest
from familiar.community import load_community
from familiar.events import Attendee, introductions, when_text
from familiar.models import Event, Member, Venue
from familiar.settings import read_settings

from .conftest import text_of

PATIO = "friday-patio-2026-12-04"
VENUE = "venue:\n  name: The Harbour Patio\n  address: 12 Lakeshore Rd, Harbourside"


def community_site(site) -> None:
    """Listed, unlisted and hidden members, guests, past, cancelled and upcoming events."""
    site.member(
        "jenn-morales",
        """
        name: Jenn Morales
        pronouns: she/her
        pronunciation: JEN mo-RAH-les
        business: Morales Social
        interests: [coffee roasting, sailing]
        ask_me_about: [Instagram for restaurants]
        handles: {twitter: jennmorales, github: jennmorales}
        attending: [harbour-coffee-2026-10-16, friday-patio-2026-12-04]
        """,
    )
    site.member(
        "priya-sharma",
        """
        name: Priya Sharma
        business: Lakeshore Yoga
        interests: [Coffee  Roasting, yoga]
        attending: [harbour-coffee-2026-10-16, lakeshore-walk-2026-11-28, friday-patio-2026-12-04]
        """,
    )
    site.member(
        "ulla-berg",
        """
        name: Ulla Berg
        interests: [yoga, Sailing]
        visibility: unlisted
        attending: [lakeshore-walk-2026-11-28, friday-patio-2026-12-04]
        """,
    )
    site.member(
        "hank-hidden",
        """
        name: Hank Hidden
        interests: [coffee roasting]
        visibility: hidden
        attending: [friday-patio-2026-12-04]
        """,
    )
    site.member(
        "ada-lovelace", "name: Ada Lovelace\nknown_as: Ada\nattending: [friday-patio-2026-12-04]"
    )
    site.member("bob-only-past", "name: Bob Past\nattending: [harbour-coffee-2026-10-16]")
    site.event(
        PATIO,
        f"""
        title: Friday Patio Meetup
        start: 2026-12-04 17:30
        end: 2026-12-04 19:30
        {VENUE.replace(chr(10), chr(10) + "        ")}
        organizers: [jenn-morales]
        capacity: 40
        guests:
          - {{name: Sam Okafor, business: Okafor Bikes, handle: "@samokafor"}}
        """,
        "Open invitation: <script>alert(1)</script> **bring a friend**.",
    )
    site.event(
        "harbour-coffee-2026-10-16",
        """
        title: Harbour Coffee Morning
        start: 2026-10-16 08:00
        end: 2026-10-16 09:30
        venue: {name: Harbour Roasting, address: 3 Boathouse Lane, url: "https://roast.example/visit"}
        """,
    )
    site.event(
        "lakeshore-walk-2026-11-28",
        """
        title: Lakeshore Walk
        start: 2026-11-28 09:30
        end: 2026-11-28 11:00
        venue: {name: Lakeshore Park, address: 40 Lakeshore Rd}
        status: cancelled
        """,
    )
    site.event(
        "new-year-breakfast-2027-01-15",
        """
        title: New Year Breakfast
        start: 2027-01-15 07:30+01:00
        venue: {name: Bakery, address: 27 Water St}
        """,
    )
    site.event(
        "today-lunch",
        """
        title: Lunch, today; "quoted" \\ slash
        start: 2026-11-22 12:00
        end: 2026-11-22 13:00
        venue: {name: Deli, address: 1 Main St}
        """,
    )


@pytest.fixture
def built(site):
    community_site(site)
    site.build()
    return site


def card_names(soup) -> list[str]:
    return text_of(soup, ".attendee .attendee-known")


# -- who's coming ---------------------------------------------------------------------------


def test_whos_coming_is_listed_unlisted_and_guests_never_hidden_in_order(built):
    page = built.html(f"events/{PATIO}/")
    # organizer first, then by known_as; the guest among them; hidden Hank nowhere
    assert card_names(page) == ["Jenn", "Ada", "Priya", "Sam", "Ulla"]
    assert "Hank" not in page.get_text()
    assert page.select_one("#attendee-count").get_text(strip=True) == "(5)"
    kinds = [li["class"][1] for li in page.select(".attendee")]
    assert kinds == [
        "attendee-organizer",
        "attendee-member",
        "attendee-member",
        "attendee-guest",
        "attendee-member",
    ]


def test_members_link_to_their_pages_guests_do_not(built):
    page = built.html(f"events/{PATIO}/")
    links = {
        c.select_one(".attendee-known").get_text(strip=True): (
            a["href"] if (a := c.select_one(".attendee-known a")) else None
        )
        for c in page.select(".attendee")
    }
    assert links == {
        "Jenn": "/members/jenn-morales/",
        "Ada": "/members/ada-lovelace/",
        "Priya": "/members/priya-sharma/",
        "Sam": None,
        "Ulla": "/members/ulla-berg/",  # unlisted members have a page too
    }
    assert (built.output / "members/ulla-berg/index.html").is_file()


def test_card_shows_what_helps_recognise_someone(built):
    jenn = built.html(f"events/{PATIO}/").select_one("#p-jenn-morales")
    assert jenn.select_one(".attendee-name").get_text(strip=True) == "Jenn Morales"
    assert jenn.select_one(".pronouns").get_text() == "she/her"
    assert jenn.select_one(".pronunciation").get_text() == "say “JEN mo-RAH-les”"
    assert jenn.select_one(".attendee-business").get_text() == "Morales Social"
    assert text_of(jenn, ".attendee-handles .handle") == ["@jennmorales", "@jennmorales"]
    assert "Instagram for restaurants" in jenn.select_one(".attendee-ask").get_text()
    # the photo (a placeholder here: no photo file) is large, not a thumbnail
    assert "--size: 320px" in jenn.select_one(".attendee-photo .placeholder")["style"]
    sam = built.html(f"events/{PATIO}/").select_one("#guest-1")
    assert text_of(sam, ".attendee-handles .handle") == ["@samokafor"]
    assert sam.select_one(".attendee-business").get_text() == "Okafor Bikes"


def test_first_timers_are_marked_with_text(built):
    page = built.html(f"events/{PATIO}/")
    first = [
        c.select_one(".attendee-known").get_text(strip=True) for c in page.select(".first-timer")
    ]
    # Ulla's only earlier event was cancelled, so it does not count; guests are not marked
    assert first == ["Ada", "Ulla"]
    for c in page.select(".first-timer"):
        assert c.select_one(".mark-first").get_text(" ", strip=True) == "👋 First time here"
    assert "2 are coming for the first time" in page.select_one(".whos-coming .lede").get_text()


def test_introductions_come_from_shared_interests(built):
    page = built.html(f"events/{PATIO}/")
    intros = {
        c.select_one(".attendee-known").get_text(strip=True): text_of(c, ".introductions li")
        for c in page.select(".attendee")
    }
    assert intros == {
        "Jenn": ["Jenn and Priya both like coffee roasting", "Jenn and Ulla both like sailing"],
        "Ada": [],
        "Priya": ["Priya and Jenn both like Coffee Roasting", "Priya and Ulla both like yoga"],
        "Sam": [],
        "Ulla": ["Ulla and Priya both like yoga", "Ulla and Jenn both like Sailing"],
    }
    link = page.select_one("#p-jenn-morales .introductions a")
    assert link["href"] == "#p-priya-sharma"


def _member(slug: str, interests: tuple[str, ...]) -> Attendee:
    m = Member(slug=slug, source="x", name=slug.title(), known_as=slug.title(), interests=interests)
    return Attendee(m.known_as, m.name, None, member=m)


def test_introductions_rank_most_shared_first_and_keep_a_few():
    people = [
        _member("ana", ("coffee", "sailing", "chess", "yoga")),
        _member("bea", ("coffee",)),
        _member("cal", ("coffee", "sailing", "chess")),
        _member("dan", ("coffee", "yoga")),
        _member("eve", ("coffee",)),
    ]
    intros = introductions(people, limit=3)
    ana = [(i.other.known_as, i.interests) for i in intros[0]]
    # three shared, then two shared, then a tie on one: whoever follows Ana in the list
    assert ana == [("Cal", ("sailing", "chess", "coffee")), ("Dan", ("yoga", "coffee")),
                   ("Bea", ("coffee",))]  # fmt: skip
    assert all(len(i) <= 3 for i in intros)


def test_introductions_for_a_big_event_spread_people_out():
    people = [_member(f"p{n:04d}", ("coffee",)) for n in range(3000)]
    intros = introductions(people)
    assert all(len(i) == 3 for i in intros)
    # each person is pointed at the next people in the group, not everyone at the same three
    assert len({i.other.member.slug for row in intros for i in row}) == 3000


# -- event page -----------------------------------------------------------------------------


def test_event_page_says_when_where_who_organises(built):
    page = built.html(f"events/{PATIO}/")
    assert page.select_one(".event-when").get_text(strip=True) == (
        "Friday 4 December 2026, 5:30 to 7:30 pm"
    )
    assert page.select_one(".event-when time")["datetime"] == "2026-12-04T17:30:00-05:00"
    assert page.select_one(".map-link")["href"] == (
        "https://www.openstreetmap.org/search?query=12%20Lakeshore%20Rd%2C%20Harbourside"
    )
    assert text_of(page, ".event-organizers a") == ["Jenn Morales"]
    assert page.select_one(".event-description script") is None
    assert page.select_one(".event-description strong").get_text() == "bring a friend"
    assert page.select_one("a[download]")["href"] == f"/events/{PATIO}/{PATIO}.ics"
    coffee = built.html("events/harbour-coffee-2026-10-16/")
    assert coffee.select_one(".map-link")["href"] == "https://roast.example/visit"


def test_cancelled_event_says_so_and_keeps_who_planned_to_come(built):
    page = built.html("events/lakeshore-walk-2026-11-28/")
    notice = page.select_one("#cancelled")
    assert notice.get_text(" ", strip=True).startswith("This event is cancelled.")
    assert page.title.get_text().startswith("Cancelled: Lakeshore Walk")
    assert card_names(page) == ["Priya", "Ulla"]
    assert page.select_one("#coming-h").get_text(" ", strip=True) == "Who had planned to come (2)"


def test_full_event_says_so(site):
    community_site(site)
    path = site.content / "events" / f"{PATIO}.md"
    path.write_text(path.read_text().replace("capacity: 40", "capacity: 5"))
    site.build()
    page = site.html(f"events/{PATIO}/")
    assert page.select_one("#full").get_text(" ", strip=True) == (
        "This event is full: 5 people are coming and there are 5 places."
    )
    assert site.html("events/new-year-breakfast-2027-01-15/").select_one("#full") is None


def test_times_in_words():
    tz = dt.timezone(dt.timedelta(hours=-5))

    def ev(start, end=None):
        return Event("e", "e.md", "E", start, end, Venue("V", "A", "https://v.example"))

    t = dt.datetime
    assert when_text(ev(t(2026, 12, 4, 11, 0, tzinfo=tz), t(2026, 12, 4, 13, 30, tzinfo=tz))) == (
        "Friday 4 December 2026, 11 am to 1:30 pm"
    )
    assert when_text(ev(t(2026, 12, 4, 12, 0, tzinfo=tz))) == "Friday 4 December 2026, 12 pm"
    assert when_text(ev(t(2026, 12, 4, 21, 0, tzinfo=tz), t(2026, 12, 5, 1, 0, tzinfo=tz))) == (
        "Friday 4 December 2026, 9 pm to Saturday 5 December 2026, 1 am"
    )
    # an event given in another zone keeps its own clock and says which
    paris = dt.timezone(dt.timedelta(hours=1))
    assert when_text(ev(t(2027, 1, 15, 7, 30, tzinfo=paris)), tz) == (
        "Friday 15 January 2027, 7:30 am (UTC+01:00)"
    )


# -- events index ---------------------------------------------------------------------------


def _index(site) -> tuple[list[str], list[str]]:
    page = site.html("events/")
    return text_of(page, "#upcoming .event-row-title"), text_of(page, "#past .event-row-title")


def test_events_index_upcoming_soonest_first_then_past_latest_first(built):
    upcoming, past = _index(built)
    assert upcoming == [
        'Lunch, today; "quoted" \\ slash',  # today counts as upcoming
        "Lakeshore Walk",
        "Friday Patio Meetup",
        "New Year Breakfast",
    ]
    assert past == ["Harbour Coffee Morning"]
    assert text_of(built.html("events/"), ".is-cancelled .tag-cancelled") == ["Cancelled"]


def test_build_date_from_setting_and_source_date_epoch(site, monkeypatch):
    community_site(site)
    site.build(FAMILIAR_TODAY="2026-12-05")
    upcoming, past = _index(site)
    assert upcoming == ["New Year Breakfast"]
    assert past == ["Friday Patio Meetup", "Lakeshore Walk", 'Lunch, today; "quoted" \\ slash',
                    "Harbour Coffee Morning"]  # fmt: skip
    monkeypatch.setenv(
        "SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 11, 1, 12, tzinfo=dt.UTC).timestamp()))
    )
    site.build(FAMILIAR_TODAY=None)
    upcoming, past = _index(site)
    assert past == ["Harbour Coffee Morning"]
    assert upcoming[0] == 'Lunch, today; "quoted" \\ slash'


def test_member_page_where_to_meet(built):
    page = built.html("members/priya-sharma/")
    assert text_of(page, ".meet-upcoming a") == ["Friday Patio Meetup"]  # cancelled walk left out
    assert text_of(page, ".meet-past a") == ["Harbour Coffee Morning"]
    assert page.select_one(".meet-upcoming a")["href"] == f"/events/{PATIO}/"
    assert built.html("members/ada-lovelace/").select_one(".meet-past") is None


# -- calendars ------------------------------------------------------------------------------


def _events(path) -> dict[str, icalendar.Event]:
    cal = icalendar.Calendar.from_ical(path.read_bytes())
    return {str(e["UID"]).split("@")[0]: e for e in cal.walk("VEVENT")}


def test_calendar_feed_holds_every_event_and_parses(built):
    events = _events(built.output / "events/calendar.ics")
    assert sorted(events) == sorted(
        [
            PATIO,
            "harbour-coffee-2026-10-16",
            "lakeshore-walk-2026-11-28",
            "new-year-breakfast-2027-01-15",
            "today-lunch",
        ]  # fmt: skip
    )
    patio = events[PATIO]
    assert str(patio["UID"]) == f"{PATIO}@harbourside-business-circle.familiar.invalid"
    assert patio.decoded("DTSTART") == dt.datetime(2026, 12, 4, 22, 30, tzinfo=dt.UTC)
    assert patio.decoded("DTEND") == dt.datetime(2026, 12, 5, 0, 30, tzinfo=dt.UTC)
    assert patio.decoded("DTSTAMP") == dt.datetime(2026, 11, 22, tzinfo=dt.UTC)
    assert int(patio["SEQUENCE"]) == 0
    assert str(patio["LOCATION"]) == "The Harbour Patio, 12 Lakeshore Rd, Harbourside"
    assert str(patio["URL"]) == f"/events/{PATIO}/"
    assert str(patio["STATUS"]) == "CONFIRMED"
    walk = events["lakeshore-walk-2026-11-28"]
    assert (str(walk["STATUS"]), int(walk["SEQUENCE"])) == ("CANCELLED", 1)
    # an offset in the file is kept: 07:30+01:00 is 06:30 UTC
    breakfast = events["new-year-breakfast-2027-01-15"]
    assert breakfast.decoded("DTSTART") == dt.datetime(2027, 1, 15, 6, 30, tzinfo=dt.UTC)
    assert str(events["today-lunch"]["SUMMARY"]) == 'Lunch, today; "quoted" \\ slash'
    raw = (built.output / "events/calendar.ics").read_bytes()
    assert b'SUMMARY:Lunch\\, today\\; "quoted" \\\\ slash\r\n' in raw


def test_each_event_has_its_own_ics_and_bytes_are_stable(built):
    for slug in [PATIO, "lakeshore-walk-2026-11-28"]:
        path = built.output / f"events/{slug}/{slug}.ics"
        assert list(_events(path)) == [slug]
    before = {p: (built.output / p).read_bytes() for p in built.files() if p.endswith(".ics")}
    built.build()
    after = {p: (built.output / p).read_bytes() for p in built.files() if p.endswith(".ics")}
    assert before == after and len(before) == 6


def test_calendar_urls_are_absolute_when_published(site):
    community_site(site)
    site.build(SITEURL="https://circle.example")
    patio = _events(site.output / "events/calendar.ics")[PATIO]
    assert str(patio["URL"]) == f"https://circle.example/events/{PATIO}/"
    assert str(patio["UID"]) == f"{PATIO}@circle.example"


# -- host sheets ----------------------------------------------------------------------------


def test_checkin_list_and_csv(built):
    page = built.html(f"events/{PATIO}/checkin/")
    assert len(page.select(".checkin tbody tr .tick-box")) == 5
    assert page.select_one('meta[name="robots"]')["content"] == "noindex"
    raw = (built.output / f"events/{PATIO}/checkin.csv").read_bytes()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["here", "known as", "name", "business", "online", "kind", "first time"]
    assert [r[1] for r in rows[1:]] == ["Jenn", "Ada", "Priya", "Sam", "Ulla"]
    assert rows[1][4] == "X (Twitter): @jennmorales"
    assert rows[4][4] == "'@samokafor"  # a leading @ could start a formula
    assert [r[6] for r in rows[1:]] == ["", "yes", "", "", "yes"]


def test_checkin_csv_cells_never_become_formulas(site):
    site.member(
        "eve", 'name: Eve\nbusiness: \'=HYPERLINK("http://x.example","hi")\'\nattending: [party]'
    )
    site.event(
        "party",
        """
        title: Party
        start: 2026-12-01 18:00
        venue: {name: Hall, address: 1 Road}
        guests:
          - {name: "+1 Plus", business: "-2 Minus"}
          - {name: "@Sign", business: "Plain"}
        """,
    )
    site.build()
    text = (site.output / "events/party/checkin.csv").read_bytes().decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert all(not c or c[0] not in "=+-@" for c in cells)
    assert '\'=HYPERLINK("http://x.example","hi")' in cells
    assert {"'+1 Plus", "'-2 Minus", "'@Sign", "Plain"} <= set(cells)


def test_face_sheet_fits_two_pages_for_forty_people(site, tmp_path):
    pytest.importorskip("playwright.sync_api")
    for n in range(38):
        site.member(
            f"person-{n:02d}",
            f"name: Person {n:02d} Longname\nbusiness: Business number {n}\nattending: [big]",
        )
    site.event(
        "big",
        """
        title: Big Night
        start: 2026-12-01 18:00
        venue: {name: Hall, address: 1 Road}
        guests: [{name: Guest One, business: G1}, {name: Guest Two, business: G2}]
        """,
    )
    site.build()
    page_html = site.html("events/big/faces/")
    assert len(page_html.select(".face")) == 40
    # served over HTTP like the real site, so the stylesheet and any CSP apply as they would
    from .hostile.browser import chromium, serve

    with serve(site.output) as origin, chromium() as browser:
        page = browser.new_page()
        page.goto(f"{origin}/events/big/faces/")
        assert page.evaluate("getComputedStyle(document.querySelector('.faces')).display") == "grid"
        for fmt in ("A4", "Letter"):
            pdf = tmp_path / f"faces-{fmt}.pdf"
            page.pdf(path=str(pdf), format=fmt)
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
            pages = int(next(ln.split()[-1] for ln in info.splitlines() if ln.startswith("Pages:")))
            assert 1 <= pages <= 2, (fmt, pages)
        page.close()


# -- validation -----------------------------------------------------------------------------


def problems(site) -> list[str]:
    return [str(e) for e in load_community(read_settings(site.settings())).errors]


E = "content/events/ev.md"
OK = "title: T\nstart: 2026-12-04 17:30\n" + VENUE


@pytest.mark.parametrize(
    "front, expected",
    [
        (
            "start: 2026-12-04 17:30\n" + VENUE,
            f"{E}:1: title: is required: expected the event's name",
        ),
        (
            "title: T\n" + VENUE,
            f"{E}:1: start: is required: expected a date and time like 2026-12-04 17:30",
        ),
        (
            "title: T\nstart: next friday\n" + VENUE,
            f"{E}:3: start: expected a date and time like 2026-12-04 17:30, got 'next friday'",
        ),
        (
            "title: T\nstart: 2026-12-04 17:30\nend: 2026-12-04 17:00\n" + VENUE,
            f"{E}:4: end: must be after start (2026-12-04 17:30), got 2026-12-04 17:00",
        ),
        (
            "title: T\nstart: 2026-12-04 17:30",
            f"{E}:1: venue: is required: expected lines 'name:' and 'address:'",
        ),
        (
            "title: T\nstart: 2026-12-04 17:30\nvenue:\n  name: Patio",
            f"{E}:4: venue: address is required: expected a short text",
        ),
        (
            "title: T\nstart: 2026-12-04 17:30\nvenue:\n  address: 1 Road",
            f"{E}:4: venue: name is required: expected a short text",
        ),
        (
            OK + "\n  url: javascript:alert(1)",
            f"{E}:7: venue: url: expected a web address starting with https://, got 'javascript:alert(1)'",
        ),
        (
            OK + "\nstatus: postponed",
            f"{E}:7: status: expected one of scheduled, cancelled, got 'postponed'",
        ),
        (
            OK + "\ncapacity: lots",
            f"{E}:7: capacity: expected a whole number from 1 to 100000, got 'lots'",
        ),
        (
            OK + "\nguests:\n  - {business: Okafor Bikes}",
            f"{E}:8: guests: guest 1: name is required: expected a short text",
        ),
        (
            OK + "\nguests:\n  - name: Sam\n    email: sam@x.example",
            f"{E}:8: guests: guest 1: 'email' is not a guest field; use name, business, handle",
        ),
        (
            OK + "\norganizers: [nobody-here]",
            f"{E}:7: organizers: 'nobody-here' is not a member: add content/members/nobody-here.md or fix the name",
        ),
    ],
)
def test_event_validation_messages(site, front, expected):
    site.event("ev", front)
    assert problems(site) == [expected]


def test_attending_an_unknown_event_names_profile_and_slug(site):
    site.event("ev", OK)
    site.member("jenn", "name: Jenn\nattending: [ev, no-such-event]")
    assert problems(site) == [
        "content/members/jenn.md:3: attending: 'no-such-event' is not an event in "
        "content/events/ (events: ev)"
    ]


def test_one_file_per_event(site):
    site.event("ev", OK)
    site.write("content/events/ev.yaml", OK + "\n")
    assert problems(site) == [
        "content/events/ev.yaml:1: file name: 'ev' already has an event file in "
        "content/events/ev.md; keep one file"
    ]


def test_times_without_offset_are_in_the_site_timezone(site):
    site.event("ev", OK)
    site.event("ev2", "title: T\nstart: 2026-12-04 17:30+01:00\n" + VENUE)
    c = load_community(read_settings(site.settings(TIMEZONE="Europe/Paris")))
    starts = {e.slug: e.start.astimezone(dt.UTC) for e in c.events}
    assert starts == {
        "ev": dt.datetime(2026, 12, 4, 16, 30, tzinfo=dt.UTC),
        "ev2": dt.datetime(2026, 12, 4, 16, 30, tzinfo=dt.UTC),
    }
