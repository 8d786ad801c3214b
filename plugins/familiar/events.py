"""Who's coming to an event: organizers first, then members and guests by the name people say."""

from __future__ import annotations

from dataclasses import dataclass

from .community import Community
from .models import Event, Guest, Member
from .text import sort_key


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


def attendees(community: Community, event: Event) -> list[Attendee]:
    """Everyone coming to `event`, organizers first, then by known_as; hidden members never."""
    earlier = {e.slug for e in community.events if e.start < event.start and not e.cancelled}
    people: list[Attendee] = []
    for m in community.published:
        organizer = m.slug in event.organizers
        if event.slug not in m.attending and not organizer:
            continue
        first = not any(slug in earlier for slug in m.attending)
        people.append(Attendee(m.known_as, m.name, m.business, member=m, organizer=organizer,
                               first_timer=first))  # fmt: skip
    for g in event.guests:
        people.append(Attendee(g.name.split()[0], g.name, g.business, guest=g))
    return sorted(people, key=lambda a: (not a.organizer, sort_key(a.known_as), a.name))
