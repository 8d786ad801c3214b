"""Quick rebuilds of edits to a member's interests, business category or neighbourhood.

Such an edit takes the member's card off the pages of the terms they left and puts it on those
of the terms they joined; every page of those listings changes (each says how many members it
has), and so do the index of that kind of term and the facets of /search.json (their counts).
The cards of the other members of those listings are taken from the pages as the output shows
them now (a card is the same on every listing but for lazy loading after the first few), so no
other profile is read.

Quick only when the community's terms stay as they are: every term joined has members already,
every term left keeps some, each term keeps its name (the spelling most of its members use) and
each listing its number of pages. Otherwise the build runs in full (quick.NotQuick).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .community import TERM_KINDS, Term, term_name
from .listings import chunks, page_path, pagers
from .text import sort_key, taxonomy_key

if TYPE_CHECKING:
    from .models import Member
    from .pages import Site
    from .settings import FamiliarSettings

# the profile fields that decide which term pages list a member
TERM_FIELDS = ("interests", "category", "neighbourhood")
TITLES = {"interests": "Interests", "categories": "Business categories",
          "neighbourhoods": "Neighbourhoods"}  # fmt: skip
FACET_KINDS = {"interest": "interests", "category": "categories", "neighbourhood": "neighbourhoods"}
CARD_START = '<li class="card h-card" data-slug="'
# a card ends with the first line break after "</li>": its inner items (interests) have none
CARD_END = "</li>\n"
LAZY = ' loading="lazy" decoding="async"'
PHOTO = '<img class="photo u-photo"'
LAZY_AFTER = 8  # cards further down a page than this load their photos lazily (term.html)


def listing(base: dict[str, Any], state: dict[str, Any], folder: str) -> list[str]:
    """The slugs of the members listing `folder` shows now, in order (quick rebuilds since the
    last full build may have changed it)."""
    text = state["listings"].get(folder, base["listings"].get(folder))
    if text is None:
        raise _not_quick(f"{folder} is not a listing of the last build")
    return text.split("\0") if text else []


def _not_quick(reason: str) -> Exception:
    from .quick import NotQuick

    return NotQuick(reason)


def page_count(members: int, size: int) -> int:
    return max(1, math.ceil(members / size))


@dataclass
class TermPlan:
    """What the edits do to the terms: the records as they will be, and the listings whose
    members change (output folder -> slugs in order)."""

    terms: dict[str, dict[str, tuple[str, dict[str, int]]]]
    slug_maps: tuple[dict[str, str], ...]
    listings: dict[str, list[str]] = field(default_factory=dict)
    kinds: set[str] = field(default_factory=set)  # kinds whose counts change
    spelt: set[tuple[str, str]] = field(default_factory=set)  # (kind, key) of changed spellings


def plan(
    settings: FamiliarSettings,
    base: dict[str, Any],
    state: dict[str, Any],
    edits: list[tuple[Member, Member]],
) -> TermPlan:
    """The term changes of `edits` (the member as the output shows them, and now); NotQuick
    if the community's terms would change (the module's notes)."""
    result = TermPlan(dict(state["terms"]), tuple(dict(m) for m in state["slug_maps"]))
    place = None
    for before, after in edits:
        if not after.listed:  # term pages list listed members only
            continue
        for (kind, values_of), slugs in zip(TERM_KINDS, result.slug_maps, strict=True):
            old, new = values_of(before), values_of(after)
            if old == new:
                continue
            table = result.terms[kind] = dict(result.terms[kind])
            for sign, values in ((-1, old), (1, new)):
                for value in values:
                    key = taxonomy_key(value)
                    if key not in table:
                        raise _not_quick(f"{after.source}: {value!r} would be a new term")
                    slug, counts = table[key]
                    counts = dict(counts)
                    counts[value] = counts.get(value, 0) + sign
                    if counts[value] <= 0:
                        del counts[value]
                        slugs.pop(value, None)
                    else:
                        slugs[value] = slug
                    table[key] = (slug, counts)
                    result.spelt.add((kind, key))
            old_keys = {taxonomy_key(v) for v in old}
            new_keys = {taxonomy_key(v) for v in new}
            for key in old_keys ^ new_keys:
                folder = f"{kind}/{table[key][0]}/"
                members = result.listings.get(folder) or listing(base, state, folder)
                if key in old_keys:
                    if after.slug not in members:
                        raise _not_quick(f"{after.slug} is not on {folder}")
                    members = [s for s in members if s != after.slug]
                else:
                    if after.slug in members:
                        raise _not_quick(f"{after.slug} is on {folder} already")
                    if place is None:
                        place = {slug: i for i, slug in enumerate(base["order"])}
                    members = sorted([*members, after.slug], key=place.__getitem__)
                if not members:
                    raise _not_quick(f"{folder} would have no members")
                result.listings[folder] = members
                result.kinds.add(kind)
    size = settings.page_size
    for folder, members in result.listings.items():
        if page_count(len(members), size) != page_count(len(listing(base, state, folder)), size):
            raise _not_quick(f"{folder} would have another number of pages")
    for kind, key in result.spelt:
        counts, was = result.terms[kind][key][1], state["terms"][kind][key][1]
        if not counts or term_name(counts) != term_name(was):
            raise _not_quick(f"the name of {kind} {key!r} would change")
    return result


def terms_of(
    kind: str, table: dict[str, tuple[str, dict[str, int]]], count: Callable[[str], int]
) -> list[Term]:
    """The terms of a kind as the term pages list them; `count(folder)`: how many members. Their
    `members` stand in for the members, whom only their number is needed of."""
    terms = [
        Term(term_name(counts), slug, (None,) * count(f"{kind}/{slug}/"))  # type: ignore[arg-type]
        for slug, counts in table.values()
    ]
    return sorted(terms, key=lambda t: sort_key(t.name))


def facets_text(site: Site, terms: dict[str, list[Term]]) -> bytes:
    """The start of /search.json, up to its members: the facets with their counts."""
    from .search import _compact, facet_entries

    facets = {facet: facet_entries(site, terms[kind], kind) for facet, kind in FACET_KINDS.items()}
    return f'{{"facets":{_compact(facets)},"members":['.encode()


def cards_on(site: Site, folder: str, count: int) -> dict[str, str]:
    """slug -> the card (loaded at once) of each member on the `count` pages of the listing at
    `folder`, as the output shows them."""
    found: dict[str, str] = {}
    for n in range(1, count + 1):
        path = site.settings.output_path / (page_path(folder, n) + "index.html")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise _not_quick(f"{path.name} of {folder} cannot be read: {e}") from e
        at = text.find(CARD_START)
        place = 0
        while at >= 0:
            # the markup is the template's: member text in it is escaped (no quote or "<")
            slug = text[at + len(CARD_START) : text.index('"', at + len(CARD_START))]
            end = text.index(CARD_END, at) + len(CARD_END) - 1  # without the line break
            card, place = text[at:end], place + 1
            # a theme whose cards load lazily in another way or place cannot be read so
            if (LAZY in card) != (place > LAZY_AFTER and PHOTO in card):
                raise _not_quick(f"the cards of {folder} are not as quick_terms.py reads them")
            found[slug] = card.replace(LAZY + ">", ">")
            at = text.find(CARD_START, end)
    return found


def check_cards(card: Callable[[Member, bool], str], members: Iterable[Member]) -> None:
    """NotQuick unless the theme's card of each of `members` (rendered, loaded at once and
    lazily) is as this module reads and writes cards taken from pages: it starts and ends as
    CARD_START and CARD_END say, with no CARD_END inside, and lazy() makes one from the other."""
    for m in members:
        now, later = card(m, False), card(m, True)
        closing = (now + "\n").find(CARD_END)  # the first, which must be the card's end
        if (
            not now.startswith(f'{CARD_START}{m.slug}"')
            or closing != len(now) - len(CARD_END) + 1
            or lazy(now) != later
            or later.replace(LAZY + ">", ">") != now
        ):
            raise _not_quick("the theme's cards are not as quick_terms.py reads them")


def lazy(card: str) -> str:
    """A card loaded at once made lazy, as the card macro makes it further down a page."""
    at = card.find(PHOTO)
    if at < 0:  # a placeholder, the same either way
        return card
    end = card.index(">", at)
    return card[:end] + LAZY + card[end:]


def listing_pages(
    site: Site,
    base: dict[str, Any],
    state: dict[str, Any],
    result: TermPlan,
    edited: dict[str, Member],
    card: Callable[[Member, bool], str],
) -> dict[str, str]:
    """Output path -> text of every page of the listings whose members change, and of the
    index of each kind of term whose counts change."""
    size = site.settings.page_size
    pages: dict[str, str] = {}
    check_cards(card, edited.values())

    def count(folder: str) -> int:
        members = result.listings.get(folder)
        return len(members) if members is not None else len(listing(base, state, folder))

    terms = {kind: terms_of(kind, result.terms[kind], count) for kind, _ in TERM_KINDS}
    for folder, members in result.listings.items():
        kind, _, slug = folder.rstrip("/").partition("/")
        term = next(t for t in terms[kind] if t.slug == slug)
        kept = cards_on(site, folder, page_count(len(listing(base, state, folder)), size))

        def card_html(
            slug: str, lazy_: bool, letter: None = None, kept: dict = kept, folder: str = folder
        ) -> Markup:
            if slug in edited:
                return Markup(card(edited[slug], lazy_))
            if slug not in kept:
                raise _not_quick(f"the card of {slug} is not on {folder}")
            return Markup(lazy(kept[slug]) if lazy_ else kept[slug])

        site.env.globals["card_html"] = card_html
        runs = chunks(members, size)
        for run, pager in zip(runs, pagers(folder, len(runs), site.url), strict=True):
            pages[pager.path + "index.html"] = site.render(
                "term.html", page_url=pager.url, cards=list(run), pager=pager,
                total=len(members), page_size=size, term=term, kind=kind,
            )  # fmt: skip
    site.env.globals["card_html"] = None
    for kind in sorted(result.kinds):
        pages[f"{kind}/index.html"] = site.render(
            "terms.html", page_url=site.url(f"{kind}/"), terms=terms[kind], kind=kind,
            title=TITLES[kind],
        )  # fmt: skip
    return pages


def facets_change(
    site: Site, base: dict[str, Any], state: dict[str, Any], result: TermPlan
) -> tuple[bytes, bytes]:
    """The facets at the start of /search.json as they read now, and as they will."""

    def counter(listings: dict[str, list[str]]) -> Callable[[str], int]:
        return lambda folder: (
            len(listings[folder]) if folder in listings else len(listing(base, state, folder))
        )

    old = {kind: terms_of(kind, state["terms"][kind], counter({})) for kind, _ in TERM_KINDS}
    new = {
        kind: terms_of(kind, result.terms[kind], counter(result.listings)) for kind, _ in TERM_KINDS
    }
    return facets_text(site, old), facets_text(site, new)
