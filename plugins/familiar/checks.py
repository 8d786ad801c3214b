"""Cross-file rules: one named function each, listed in CHECKS, skippable by name.

Each rule takes the whole Community and returns the problems it finds; the build and
`familiar validate` run the same list, so they can never disagree.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from .errors import FieldError

if TYPE_CHECKING:
    from .community import Community


def check_one_file_per_slug(c: Community) -> Iterable[FieldError]:
    """A slug has one profile file, not both a .md and a .yaml."""
    for slug, paths in c.paths_by_slug.items():
        for path in paths[1:]:
            yield FieldError(
                path, 1, "file name", f"'{slug}' already has a profile in {paths[0]}; keep one file"
            )


def check_known_events(c: Community) -> Iterable[FieldError]:
    """Every slug in a member's `attending` names an event that exists."""
    for m in c.all_members:
        for slug in m.attending:
            if slug not in c.events_by_slug:
                known = ", ".join(sorted(c.events_by_slug)[-5:]) or "none yet"
                yield FieldError(
                    m.source,
                    m.line_of("attending"),
                    "attending",
                    f"'{slug}' is not an event in content/events/ (events: {known})",
                )


def check_known_organizers(c: Community) -> Iterable[FieldError]:
    """Every organizer of an event is a member with a published profile."""
    for e in c.events:
        for slug in e.organizers:
            m = c.members_by_slug.get(slug)
            if m is None or not m.published:
                yield FieldError(
                    e.source,
                    e.line_of("organizers"),
                    "organizers",
                    f"'{slug}' is not a member: add content/members/{slug}.md or fix the name",
                )


def check_one_file_per_event(c: Community) -> Iterable[FieldError]:
    """An event slug has one file, not both a .md and a .yaml (they would share one page)."""
    first: dict[str, str] = {}
    for e in sorted(c.events, key=lambda e: e.source):
        if e.slug in first:
            yield FieldError(
                e.source,
                1,
                "file name",
                f"'{e.slug}' already has an event file in {first[e.slug]}; keep one file",
            )
        else:
            first[e.slug] = e.source


def check_unique_github_owner(c: Community) -> Iterable[FieldError]:
    """No two profiles name the same GitHub account (it decides who may edit a profile)."""
    owners: dict[str, list] = defaultdict(list)
    for m in c.all_members:
        if m.github:
            owners[m.github.lower()].append(m)
    for login, members in owners.items():
        for m in members[1:]:
            yield FieldError(
                m.source,
                m.line_of("handles"),
                "handles.github",
                f"'{login}' already owns {members[0].source}; one GitHub account, one profile",
            )


def check_unique_github_id(c: Community) -> Iterable[FieldError]:
    """No two profiles claim the same numeric GitHub account id."""
    seen: dict[int, str] = {}
    for m in c.all_members:
        if m.github_id is not None:
            if m.github_id in seen:
                yield FieldError(
                    m.source,
                    m.line_of("github_id"),
                    "github_id",
                    f"{m.github_id} already owns {seen[m.github_id]}; one GitHub account, one profile",
                )
            else:
                seen[m.github_id] = m.source


def check_photo_files(c: Community) -> Iterable[FieldError]:
    """A profile's photo is a real file beside it that the photo pipeline accepts.

    Published members' photos go through the whole pipeline (cached, so usually a lookup):
    format, size caps, damage are errors; too small, blurry, long and narrow are warnings.
    Hidden members publish no photo, so only their file is checked.
    """
    from . import photos

    for m in c.all_members:
        if m.photo and not m.published:
            problem, _ = photos.source_problem(c.members_dir, m.photo)
            if problem:
                yield FieldError(m.source, m.line_of("photo"), "photo", problem)
    prepared = c._once("prepared_photos", lambda: photos.prepare(c.published, c.settings))
    yield from prepared.errors
    yield from prepared.warnings


CHECKS: dict[str, Callable[[Community], Iterable[FieldError]]] = {
    f.__name__.removeprefix("check_"): f
    for f in (
        check_one_file_per_slug,
        check_known_events,
        check_known_organizers,
        check_one_file_per_event,
        check_unique_github_owner,
        check_unique_github_id,
        check_photo_files,
    )
}


def run_checks(c: Community, skip: Iterable[str] = ()) -> list[FieldError]:
    """Every problem every rule finds, except the rules named in `skip`."""
    skipped = set(skip)
    return [err for name, rule in CHECKS.items() if name not in skipped for err in rule(c)]
