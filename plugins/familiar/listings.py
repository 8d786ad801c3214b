"""Long member listings (the directory, term pages): cards, pages of FAMILIAR_PAGE_SIZE, links.

A listing of up to FAMILIAR_PAGE_SIZE members is one page, as it always was; a longer one is
written as `<base>`, `<base>page/2/`, `<base>page/3/` ... so that no page is a wall of thousands
of cards (the directory's search still covers everyone through /search.json).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from markupsafe import Markup

from .models import Member
from .output import Output
from .pagecache import digest
from .placeholders import placeholder_colour

if TYPE_CHECKING:
    from .pages import Site

T = TypeVar("T")

# page numbers shown either side of the current one; the first and last are always shown
WINDOW = 2


@dataclass(frozen=True)
class Pager:
    """Page `number` (from 1) of `count`; `urls[i]` is the address of page i + 1."""

    number: int
    count: int
    urls: tuple[str, ...]
    paths: tuple[str, ...]

    @property
    def path(self) -> str:
        return self.paths[self.number - 1]

    @property
    def url(self) -> str:
        return self.urls[self.number - 1]

    @property
    def prev_url(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.urls[self.number] if self.number < self.count else None

    def links(self) -> list[tuple[int, str] | None]:
        """Page numbers to link to, in order; None where a run of pages is left out (an ellipsis)."""
        shown = {1, self.count} | set(
            range(max(1, self.number - WINDOW), min(self.count, self.number + WINDOW) + 1)
        )
        out: list[tuple[int, str] | None] = []
        last = 0
        for n in sorted(shown):
            if n > last + 1:
                # a gap of exactly one page is shown as that page: an ellipsis would be no shorter
                out.append((last + 1, self.urls[last]) if n == last + 2 else None)
            out.append((n, self.urls[n - 1]))
            last = n
        return out


CARDS = "cards"  # the name of the cards' kept HTML (pagecache.Fragments)


def chunks(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """`items` in runs of `size`; always at least one (possibly empty) page."""
    return [items[i : i + size] for i in range(0, len(items), size)] or [items[:0]]


def page_path(base: str, n: int) -> str:
    """Page `n` (from 1) of the listing at output path `base` ('' or 'interests/x/'): the
    listing's own address, then `<base>page/<n>/`."""
    return base if n == 1 else f"{base}page/{n}/"


def pagers(base: str, count: int, url: Callable[[str], str]) -> list[Pager]:
    """One Pager per page of a listing at output path `base` (page_path)."""
    paths = tuple(page_path(base, n) for n in range(1, count + 1))
    urls = tuple(url(p) for p in paths)
    return [Pager(n, count, urls, paths) for n in range(1, count + 1)]


class Card(dict[str, Any]):
    """What the `card` macro reads: the member, their photo, placeholder colour and page's
    address, each worked out when first read. A listing page whose cards' HTML is kept reads
    only the member (ten thousand placeholder colours cost a second)."""

    def __init__(self, site: Site, m: Member) -> None:
        super().__init__(member=m)
        self.site = site

    def __missing__(self, key: str) -> Any:
        m, site = self["member"], self.site
        if key == "photo":
            value: Any = site.photos.get(m.slug)
        elif key == "placeholder_colour":
            value = placeholder_colour(m.slug)
        elif key == "url":
            value = site.url(f"members/{m.slug}/")
        else:
            raise KeyError(key)
        self[key] = value
        return value


def card(site: Site, m: Member) -> Card:
    """What the `card` macro reads: a listing needs no bio, vCard or QR code."""
    return Card(site, m)


def card_html(site: Site, m: Member, lazy: bool, letter: str | None = None) -> Any:
    """The member's card as HTML, rendered once per build and reused on the directory and on
    every term page that lists them (a member with eight interests appears on eight pages, or
    more with categories). A card that starts a letter of the directory's jump bar carries the
    letter, so it is rendered on its own."""
    macro = site.env.get_template("_macros.html").module.card
    if letter is not None:
        return macro(card(site, m), lazy=lazy, letter=letter)
    cache = site._memo.setdefault("card_html", {})
    key = (m.slug, lazy)
    if key not in cache:
        if site.cache is None:  # a quick rebuild: a few cards
            cache[key] = macro(card(site, m), lazy=lazy)
        else:  # kept between builds by the card's key (JSON: a piece is one line)
            piece = site.fragments(CARDS).get(
                f"{m.slug} {int(lazy)}",
                site.card_key(m),
                lambda: json.dumps(str(macro(card(site, m), lazy=lazy)), ensure_ascii=False),
            )
            cache[key] = Markup(json.loads(piece))
    return cache[key]


def cards_done(site: Site) -> None:
    """After the last listing: keep the cards' HTML for the next build, those of members still
    listed whose listings were not made again included, and let it go."""
    site._memo.pop("card_html", None)
    kept = site._memo.get("fragments", {}).get(CARDS)
    if kept is not None:
        listed = {m.slug for m in site.community.listed}
        kept.keep_rest(lambda name: name.partition(" ")[0] in listed)
        site.fragments_done(CARDS)


def write_listing(
    site: Site,
    out: Output,
    base: str,
    template: str,
    page_kind: str,
    members: Sequence[Member],
    about: Any,
    **context: Any,
) -> list[Pager]:
    """Write `members` in pages of the site's page size; the template gets `cards`, `pager`,
    `total` and `page_size` besides `context`. Returns the pagers, page 1 first.

    `about` is a small value that stands for `context` in each page's key (with the template,
    the page's place in the listing and the card keys of its members): a page whose key is as
    the last build left it is kept without being rendered.
    """
    runs = chunks(members, site.settings.page_size)
    all_pagers = pagers(base, len(runs), site.url)
    size = site.settings.page_size
    for run, pager in zip(runs, all_pagers, strict=True):
        rel = pager.path + "index.html"
        key = digest(template, rel, pager.count, len(members), size, about,
                     [site.card_key(m) for m in run])  # fmt: skip

        def make(run: Sequence[Member] = run, pager: Pager = pager) -> str:
            return site.render(
                template,
                page_url=pager.url,
                cards=[card(site, m) for m in run],
                pager=pager,
                total=len(members),
                page_size=size,
                **context,
            )

        site.write_cached(out, rel, key, make, page_kind)
    return all_pagers
