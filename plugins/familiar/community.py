"""The whole community read from content/: members, events, taxonomies, and every problem found."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks import run_checks
from .errors import FieldError
from .loading import find_content_files, load_file
from .models import Event, Member, event_from_doc, member_from_doc
from .settings import FamiliarSettings
from .text import slugify, sort_key, taxonomy_key


@dataclass(frozen=True)
class Term:
    """An interest or a business category: one name, one page, its listed members."""

    name: str
    slug: str
    members: tuple[Member, ...]


@dataclass
class Community:
    settings: FamiliarSettings
    all_members: list[Member] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)
    paths_by_slug: dict[str, list[str]] = field(default_factory=dict)

    @property
    def members_dir(self) -> Path:
        return self.settings.members_path

    # Lookups are computed once the community is complete (load_community freezes it): page
    # producers ask for them per member, and recomputing would make a build quadratic.
    _memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    frozen: bool = False

    def _once(self, name: str, compute: Callable[[], Any]) -> Any:
        if not self.frozen:
            return compute()
        if name not in self._memo:
            self._memo[name] = compute()
        return self._memo[name]

    def freeze(self) -> None:
        """Mark loading as finished: from now on lookups are computed once and reused."""
        self.frozen = True
        self._memo.clear()

    @property
    def members_by_slug(self) -> dict[str, Member]:
        return self._once("members_by_slug", lambda: {m.slug: m for m in self.all_members})

    @property
    def events_by_slug(self) -> dict[str, Event]:
        return self._once("events_by_slug", lambda: {e.slug: e for e in self.events})

    @property
    def published(self) -> list[Member]:
        """Members with a page of their own: listed and unlisted, never hidden."""
        return self._once("published", lambda: [m for m in self.all_members if m.published])

    @property
    def listed(self) -> list[Member]:
        """Members who appear in listings, in directory order."""
        return self._once("listed", lambda: [m for m in self.all_members if m.listed])

    def interests(self) -> list[Term]:
        return self._once("interests", lambda: _terms(self.listed, _interests_of))

    def categories(self) -> list[Term]:
        return self._once("categories", lambda: _terms(self.listed, _category_of))

    def neighbourhoods(self) -> list[Term]:
        return self._once("neighbourhoods", lambda: _terms(self.listed, _neighbourhood_of))

    def neighbourhood_slugs(self) -> dict[str, str]:
        return self._once("neighbourhood_slugs", lambda: _slug_map(self.listed, _neighbourhood_of))

    def interest_slugs(self) -> dict[str, str]:
        """Interest text (any spelling) -> its page slug, for linking from member pages."""
        return self._once("interest_slugs", lambda: _slug_map(self.listed, _interests_of))

    def category_slugs(self) -> dict[str, str]:
        return self._once("category_slugs", lambda: _slug_map(self.listed, _category_of))


def _interests_of(m: Member) -> tuple[str, ...]:
    return m.interests


def _category_of(m: Member) -> tuple[str, ...]:
    return (m.category,) if m.category else ()


def _neighbourhood_of(m: Member) -> tuple[str, ...]:
    return (m.neighbourhood,) if m.neighbourhood else ()


def _grouped(members, values_of) -> dict[str, tuple[list[Member], Counter]]:
    groups: dict[str, tuple[list[Member], Counter]] = defaultdict(lambda: ([], Counter()))
    for m in members:
        for value in values_of(m):
            key = taxonomy_key(value)
            group = groups[key]
            if not group[0] or group[0][-1] is not m:
                group[0].append(m)
            group[1][value] += 1
    return groups


def _slugs_for(groups) -> dict[str, str]:
    """key -> unique slug; keys whose slugs clash get -2, -3 in key order."""
    taken: dict[str, str] = {}
    out = {}
    for key in sorted(groups):
        slug = base = slugify(key)
        n = 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken[slug] = key
        out[key] = slug
    return out


def _display(counter: Counter) -> str:
    # the spelling most members use; ties go to the one that sorts first
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


def _terms(members, values_of) -> list[Term]:
    groups = _grouped(members, values_of)
    slugs = _slugs_for(groups)
    terms = [
        Term(_display(counter), slugs[key], tuple(ms)) for key, (ms, counter) in groups.items()
    ]
    return sorted(terms, key=lambda t: sort_key(t.name))


def _slug_map(members, values_of) -> dict[str, str]:
    groups = _grouped(members, values_of)
    slugs = _slugs_for(groups)
    return {value: slugs[key] for key, (_, counter) in groups.items() for value in counter}


def load_community(settings: FamiliarSettings, only: list[Path] | None = None) -> Community:
    """Read and check every member and event file; problems are collected, never raised."""
    c = Community(settings)
    ctx = {"timezone": settings.timezone}
    root = settings.site_root
    members: list[Member] = []
    for path in find_content_files(settings.members_path):
        doc, errors = load_file(path, root)
        c.paths_by_slug.setdefault(doc.slug, []).append(doc.display)
        if not errors:
            member, errors = member_from_doc(doc, ctx)
            if member is not None and len(c.paths_by_slug[doc.slug]) == 1:
                members.append(member)
        c.errors.extend(errors)
    c.all_members = sorted(members, key=lambda m: sort_key(m.name))
    for path in find_content_files(settings.events_path):
        doc, errors = load_file(path, root)
        if not errors:
            event, errors = event_from_doc(doc, ctx)
            if event is not None:
                c.events.append(event)
        c.errors.extend(errors)
    c.events.sort(key=lambda e: e.start)
    c.freeze()
    for problem in run_checks(c, settings.skip_checks):
        (c.warnings if problem.severity == "warning" else c.errors).append(problem)
    if only is not None:
        wanted = {p.resolve() for p in only}
        c.errors = [e for e in c.errors if (root / e.path).resolve() in wanted]
    c.errors.sort()
    return c
