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
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from .community import TERM_KINDS, Term, term_name
from .listings import chunks, page_path, pagers
from .photo_html import IMG_START, LAZY
from .quick_files import NotQuick
from .text import index_letter, sort_key, taxonomy_key

if TYPE_CHECKING:
    from .models import Member
    from .pages import Site
    from .settings import FamiliarSettings

# the profile fields that decide which term pages list a member
TERM_FIELDS = ("interests", "category", "neighbourhood")
CARD_START = '<li class="card h-card" data-slug="'
LETTER_START = '<li class="card h-card first-of-letter" data-slug="'  # the directory's
# a card ends with the first line break after "</li>": its inner items (interests) have none
CARD_END = "</li>\n"
LAZY_AFTER = 8  # cards further down a page than this load their photos lazily (term.html)


def listing(base: dict[str, Any], state: dict[str, Any], folder: str) -> list[str]:
    """The slugs of the members listing `folder` shows now, in order (quick rebuilds since the
    last full build may have changed it)."""
    text = state["listings"].get(folder, base["listings"].get(folder))
    if text is None:
        raise NotQuick(f"{folder} is not a listing of the last build")
    return text.split("\0") if text else []


def listings_of(m: Member, slug_maps: tuple[dict[str, str], ...]) -> list[str]:
    """The output folders of the listings with the card of `m` (listed): the directory and
    their terms' pages (two spellings of one interest: one page)."""
    interests, categories, places = slug_maps
    folders = [""] + [f"interests/{interests[i]}/" for i in m.interests]
    if m.category:
        folders.append(f"categories/{categories[m.category]}/")
    if m.neighbourhood:
        folders.append(f"neighbourhoods/{places[m.neighbourhood]}/")
    return list(dict.fromkeys(folders))


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
    pages: dict[str, set[int]] = field(default_factory=dict)  # of a listing, if not all
    # a name that moves (plan_moves): the directory's order (slugs, names, files) and jump bar
    order: tuple[list[str], list[str], list[str]] | None = None
    jump: list[tuple[str, int]] = field(default_factory=list)
    letters: list[str] | None = None  # of the listed members, in the directory's order
    spelt: set[tuple[str, str]] = field(default_factory=set)  # (kind, key) of changed spellings

    @property
    def names(self) -> dict[str, str]:
        """slug -> name of every member in the new order (none if no name moves)."""
        return dict(zip(self.order[0], self.order[1], strict=True)) if self.order else {}


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
                        raise NotQuick(f"{after.source}: {value!r} would be a new term")
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
                        raise NotQuick(f"{after.slug} is not on {folder}")
                    members = [s for s in members if s != after.slug]
                else:
                    if after.slug in members:
                        raise NotQuick(f"{after.slug} is on {folder} already")
                    if place is None:
                        place = {s: i for i, s in enumerate(current_order(base, state)[0])}
                    members = sorted([*members, after.slug], key=place.__getitem__)
                if not members:
                    raise NotQuick(f"{folder} would have no members")
                result.listings[folder] = members
                result.kinds.add(kind)
    size = settings.page_size
    for folder, members in result.listings.items():
        if page_count(len(members), size) != page_count(len(listing(base, state, folder)), size):
            raise NotQuick(f"{folder} would have another number of pages")
    for kind, key in result.spelt:
        counts, was = result.terms[kind][key][1], state["terms"][kind][key][1]
        if not counts or term_name(counts) != term_name(was):
            raise NotQuick(f"the name of {kind} {key!r} would change")
    return result


def current_order(base: dict[str, Any], state: dict[str, Any]) -> tuple[list[str], ...]:
    """The directory's order of every member (slugs, names, files) as the output shows it: the
    last full build's, or the last quick rebuild's that moved a name (the names of members whose
    card was edited since are in state["members"])."""
    return state.get("order") or (base["order"], base["names"], base["sources"])


def plan_moves(
    settings: FamiliarSettings,
    base: dict[str, Any],
    state: dict[str, Any],
    result: TermPlan,
    edits: list[tuple[Member, Member]],
    names: dict[str, str],
) -> None:
    """Add to `result` a name that moves in the directory's order (by name, then file name) or
    files under another letter: the directory's new order, and the pages of the listings with
    the member's card between its old and new place. `names`: slug -> name now, of members
    edited since the last full build and in this one. NotQuick if the edit does more (other
    edits, terms) or the directory's jump bar would change."""
    order, kept, sources = current_order(base, state)
    moving = []
    for before, after in edits:
        if before.name == after.name:
            continue
        i = order.index(after.slug)
        key = (sort_key(after.name), after.source)

        def neighbour(j: int) -> tuple[Any, str]:
            return sort_key(names.get(order[j], kept[j])), sources[j]

        stays = (i == 0 or neighbour(i - 1) < key) and (
            i + 1 == len(order) or key < neighbour(i + 1)
        )
        if not stays or index_letter(before.name) != index_letter(after.name):
            moving.append((before, after, i))
    if not moving:
        return
    if len(edits) > 1:
        raise NotQuick("a name moves in the directory's order beside other edits")
    ((before, after, i),) = moving
    if any(values_of(before) != values_of(after) for _, values_of in TERM_KINDS):
        raise NotQuick("a name moves in the directory's order and terms change")
    shown = {slug: m.name for slug, m in state["members"].items()}  # before this edit
    was = [shown.get(slug, name) for slug, name in zip(order, kept, strict=True)]
    rest = [(slug, name, src) for slug, name, src in zip(order, was, sources, strict=True)
            if slug != after.slug]  # fmt: skip
    key = (sort_key(after.name), after.source)
    lo, hi = 0, len(rest)
    while lo < hi:  # the first of the others after the new name
        mid = (lo + hi) // 2
        if (sort_key(rest[mid][1]), rest[mid][2]) < key:
            lo = mid + 1
        else:
            hi = mid
    rest.insert(lo, (after.slug, after.name, after.source))
    result.order = ([r[0] for r in rest], [r[1] for r in rest], [r[2] for r in rest])
    if not after.listed:  # on no listing: the order decides only ties on event pages
        return
    place = {slug: k for k, slug in enumerate(result.order[0])}
    size = settings.page_size
    for folder in listings_of(after, result.slug_maps):
        members = listing(base, state, folder)
        if after.slug not in members:
            raise NotQuick(f"{after.slug} is not on {folder or 'the directory'}")
        new = sorted(members, key=place.__getitem__)
        a, b = members.index(after.slug), new.index(after.slug)
        result.listings[folder] = new
        result.pages[folder] = set(range(min(a, b) // size + 1, max(a, b) // size + 2))

    def jump(letters: list[str]) -> list[tuple[str, int]]:
        found: dict[str, int] = {}
        for k, letter in enumerate(letters):
            found.setdefault(letter, k // size + 1)
        return list(found.items())

    # each listed member's letter, in the directory's order (kept: 10,000 index_letter calls
    # take a tenth of a second)
    was_letters = state.get("letters") or base["letters"]
    listed = listing(base, state, "")
    if len(was_letters) != len(listed):
        raise NotQuick("the records of the directory's letters do not match")
    letters = list(was_letters)
    letters.pop(listed.index(after.slug))
    letters.insert(result.listings[""].index(after.slug), index_letter(after.name))
    result.letters = letters
    result.jump = jump(letters)
    if jump(was_letters) != result.jump:
        raise NotQuick("the directory's jump bar would change")


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


def sizes(
    base: dict[str, Any], state: dict[str, Any], listings: dict[str, list[str]]
) -> Callable[[str], int]:
    """folder -> how many members its listing has: in `listings` (changed), else now."""
    return lambda folder: (
        len(listings[folder]) if folder in listings else len(listing(base, state, folder))
    )


def facets_text(site: Site, terms: dict[str, list[Term]]) -> bytes:
    """The start of /search.json, up to its members: the facets with their counts."""
    from .search import FACETS, _compact, facet_entries

    facets = {facet: facet_entries(site, terms[kind], kind) for facet, (kind, _) in FACETS.items()}
    return f'{{"facets":{_compact(facets)},"members":['.encode()


def cards_on(site: Site, folder: str, numbers: Iterable[int]) -> dict[str, str]:
    """slug -> the card (loaded at once, without a letter's heading) of each member on the
    pages `numbers` of the listing at `folder`, as the output shows them."""
    found: dict[str, str] = {}
    for n in numbers:
        path = site.settings.output_path / (page_path(folder, n) + "index.html")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as e:
            raise NotQuick(f"{path.name} of {folder} cannot be read: {e}") from e
        at = _next_card(text, 0)
        place = 0
        while at >= 0:
            # the markup is the template's: member text in it is escaped (no quote or "<")
            start = CARD_START if text.startswith(CARD_START, at) else LETTER_START
            slug = text[at + len(start) : text.index('"', at + len(start))]
            end = text.index(CARD_END, at) + len(CARD_END) - 1  # without the line break
            card, place = text[at:end], place + 1
            if start == LETTER_START:  # the card as it is without the letter's heading
                head = f'{slug}">\n'
                body = card.index("</h2>") + len("</h2>")
                card = f"{CARD_START}{head}{card[body:]}"
            # a theme whose cards load lazily in another way or place cannot be read so
            if (LAZY in card) != (place > LAZY_AFTER and IMG_START in card):
                raise NotQuick(f"the cards of {folder} are not as quick_terms.py reads them")
            found[slug] = card.replace(LAZY + ">", ">")
            at = _next_card(text, end)
    return found


def _next_card(text: str, at: int) -> int:
    found = [i for i in (text.find(CARD_START, at), text.find(LETTER_START, at)) if i >= 0]
    return min(found, default=-1)


def with_letter(card: str, slug: str, heading: str) -> str:
    """A card as the directory shows it first under a letter, with that letter's `heading`."""
    head = f'{CARD_START}{slug}">\n'
    if not card.startswith(head):
        raise NotQuick(f"the card of {slug} is not as quick_terms.py reads cards")
    return f'{LETTER_START}{slug}">\n{heading}{card[len(head) :]}'


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
            raise NotQuick("the theme's cards are not as quick_terms.py reads them")


def lazy(card: str) -> str:
    """A card loaded at once made lazy, as the card macro makes it further down a page."""
    at = card.find(IMG_START)
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
    card: Callable[..., str],
) -> dict[str, str]:
    """Output path -> text of the pages of the listings whose members or order change (all of
    them, or `result.pages`), and of the index of each kind of term whose counts change.
    `card(member, lazy, letter=None)`: the card macro's HTML."""
    size = site.settings.page_size
    pages: dict[str, str] = {}
    check_cards(card, edited.values())
    headings: dict[str, str] = {}

    def heading(letter: str) -> str:
        """The heading the card macro gives a letter, found by rendering an edited card."""
        if letter not in headings:
            m = next(iter(edited.values()))
            plain, lettered = card(m, False), card(m, False, letter)
            rest = plain[len(f'{CARD_START}{m.slug}">\n') :]
            found = lettered[len(f'{LETTER_START}{m.slug}">\n') : len(lettered) - len(rest)]
            if with_letter(plain, m.slug, found) != lettered:
                raise NotQuick("the theme's letter headings are not as quick_terms.py reads them")
            headings[letter] = found
        return headings[letter]

    from .pages import TAXONOMY_TITLES

    count = sizes(base, state, result.listings)
    terms = {kind: terms_of(kind, result.terms[kind], count) for kind, _ in TERM_KINDS}
    names = result.names
    for folder, members in result.listings.items():
        runs = chunks(members, size)
        # the same pages as before (plan and plan_moves keep their number)
        wanted = result.pages.get(folder) or set(range(1, len(runs) + 1))
        kept = cards_on(site, folder, sorted(wanted))

        def card_html(c: Any, lazy_: bool, letter: str | None = None, kept: dict = kept,
                      folder: str = folder) -> Markup:  # fmt: skip
            if c.slug in edited:
                return Markup(card(edited[c.slug], lazy_, letter))
            if c.slug not in kept:
                raise NotQuick(f"the card of {c.slug} is not on {folder or 'the directory'}")
            text = lazy(kept[c.slug]) if lazy_ else kept[c.slug]
            return Markup(with_letter(text, c.slug, heading(letter)) if letter else text)

        site.env.globals["card_html"] = card_html
        if folder:
            kind, _, slug = folder.rstrip("/").partition("/")
            term = next(t for t in terms[kind] if t.slug == slug)
            template, context = "term.html", {"term": term, "kind": kind}
        else:
            template, context = "directory.html", {"jump": result.jump}
        for run, pager in zip(runs, pagers(folder, len(runs), site.url), strict=True):
            if pager.number in wanted:
                # what the templates read of a card besides its HTML: slug and name
                cards = [SimpleNamespace(slug=slug, member=SimpleNamespace(name=names.get(slug)))
                         for slug in run]  # fmt: skip
                pages[pager.path + "index.html"] = site.render(
                    template, page_url=pager.url, cards=cards, pager=pager,
                    total=len(members), page_size=size, **context,
                )  # fmt: skip
    site.env.globals["card_html"] = None
    for kind in sorted(result.kinds):
        pages[f"{kind}/index.html"] = site.render(
            "terms.html", page_url=site.url(f"{kind}/"), terms=terms[kind], kind=kind,
            title=TAXONOMY_TITLES[kind],
        )  # fmt: skip
    return pages


def facets_change(
    site: Site, base: dict[str, Any], state: dict[str, Any], result: TermPlan
) -> tuple[bytes, bytes]:
    """The facets at the start of /search.json as they read now, and as they will."""

    was, now = sizes(base, state, {}), sizes(base, state, result.listings)
    old = {kind: terms_of(kind, state["terms"][kind], was) for kind, _ in TERM_KINDS}
    new = {kind: terms_of(kind, result.terms[kind], now) for kind, _ in TERM_KINDS}
    return facets_text(site, old), facets_text(site, new)
