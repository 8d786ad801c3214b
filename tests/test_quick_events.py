"""Quick rebuilds of what event pages show (plugins/familiar/quick.py): the order of an
event's attendees, and RSVPs (`attending`). Each result is compared with a full build of the
same content, byte for byte."""

from __future__ import annotations

import pytest
from familiar.errors import ContentErrors

from .conftest import ScratchSite
from .quick_kit import HARBOUR, WALK, assert_same_as_a_full_build, edit, was_quick


def test_a_known_as_that_reorders_an_events_attendees_is_quick_and_right(elliot, tmp_path):
    """Attendees are listed by the name they go by: Elliot going by Zuri moves after Zoë on the
    harbour coffee's pages and in directory.json's list of its attendees."""
    import json

    def coming(site: ScratchSite) -> list[str]:
        data = json.loads((site.output / "directory.json").read_text(encoding="utf-8"))
        event = next(e for e in data["events"] if e["slug"] == "harbour-coffee-2026-10-16")
        return event["attendees"]

    assert coming(elliot)[-1] != "elliot-park"
    edit(elliot, "elliot-park", "known_as: Elliot", "known_as: Zuri")
    assert was_quick(elliot)
    assert coming(elliot)[-1] == "elliot-park"
    assert_same_as_a_full_build(elliot, tmp_path)


BREAKFAST = "events/new-year-breakfast-2027-01-15/"  # to come, beyond a week: no badges then


WEEK = {"FAMILIAR_BADGES_DAYS_AHEAD": 7}


def faces(site: ScratchSite, rel: str) -> list[str]:
    return [a["href"].strip("/").split("/")[-1]
            for a in site.html(rel).select('a[href*="/members/"]')]  # fmt: skip


def test_an_rsvp_without_badges_to_make_is_quick(demo, tmp_path):
    """Elliot says he comes to the new year breakfast (no badges within a week) and no longer
    to the walk: both events' pages, /events/ (how many are coming), his page and
    directory.json change; then Kwame, who comes to the breakfast too, renames his business,
    and the breakfast's pages made again still show Elliot."""
    demo.build(**WEEK)
    counts = demo.html("events/").get_text()
    before = demo.mtimes()
    edit(demo, "elliot-park", "  - lakeshore-walk-2026-11-28\n",
         "  - new-year-breakfast-2027-01-15\n")  # fmt: skip
    assert was_quick(demo, **WEEK)
    after = demo.mtimes()
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    for event in (BREAKFAST, WALK):
        assert {event + f for f in ("index.html", "faces/index.html", "checkin/index.html",
                                    "checkin.csv")} <= changed  # fmt: skip
    assert {"events/index.html", "directory.json", "members/elliot-park/index.html"} <= changed
    assert "elliot-park" in faces(demo, BREAKFAST) and "elliot-park" not in faces(demo, WALK)
    assert demo.html("events/").get_text() != counts
    assert_same_as_a_full_build(demo, tmp_path / "one", **WEEK)
    edit(demo, "kwame-asante", "business: Asante Print Works", "business: Asante Print")
    assert was_quick(demo, **WEEK)
    assert "elliot-park" in faces(demo, BREAKFAST)
    assert_same_as_a_full_build(demo, tmp_path / "two", **WEEK)


def test_rsvps_that_build_in_full(demo):
    """An event with badges to make (the patio evening, in twelve days) is made in full; an
    event that does not exist is reported, naming the file, line and field."""
    edit(demo, "elliot-park", "  - lakeshore-walk-2026-11-28\n",
         "  - friday-patio-2026-12-04\n")  # fmt: skip
    assert not was_quick(demo)
    assert "elliot-park" in faces(demo, "events/friday-patio-2026-12-04/")
    edit(demo, "elliot-park", "  - friday-patio-2026-12-04\n", "  - friday-patio-2026-12-05\n")
    with pytest.raises(ContentErrors) as caught:
        demo.build()
    assert "elliot-park.md" in str(caught.value) and "friday-patio-2026-12-05" in str(caught.value)


def test_an_rsvp_to_an_earlier_event_makes_later_ones_again(demo, tmp_path):
    """Kwame comes only to the breakfast, for the first time; saying he came to the harbour
    coffee in October makes him no longer a first-timer at the breakfast, whose pages change."""
    demo.build(**WEEK)
    card = demo.html(BREAKFAST).select_one("#kwame-asante, .attendee:has(a[href*=kwame])")
    assert "First time here" in card.get_text()
    edit(demo, "kwame-asante", "attending: [new-year-breakfast-2027-01-15]",
         "attending: [harbour-coffee-2026-10-16, new-year-breakfast-2027-01-15]")  # fmt: skip
    before = demo.mtimes()
    assert was_quick(demo, **WEEK)
    after = demo.mtimes()
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert {BREAKFAST + "index.html", HARBOUR + "index.html"} <= changed
    card = demo.html(BREAKFAST).select_one("#kwame-asante, .attendee:has(a[href*=kwame])")
    assert "First time here" not in card.get_text()
    assert_same_as_a_full_build(demo, tmp_path, **WEEK)
