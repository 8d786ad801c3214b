"""The directory's search index, /search.json: public fields of listed members, folded for search.

The directory page's script (theme/static/js/directory.js) loads this file from the site itself
when someone starts to search (or once the page is idle) and shows the matching members from the
whole index, not just the page's cards: a long directory is split into pages (listings.py), so
each entry carries what a result card shows (photo, or placeholder colour and initials; business;
category and neighbourhood as facet slugs, whose names are in `facets`). With JavaScript off the
pages list everyone and the static interest, category and neighbourhood pages stand in for the
filters.

Kept compact because it is downloaded in full: a member's page is `root` + "members/<slug>/", a
photo is one path stem (`root` + `<stem>.webp` or `.jpg`, the size cards use; members without a
photo get `ph`, the placeholder colour, and `initials` instead), and empty fields are left out.

Each member's `text` is `text.fold` of the fields search looks at (name, known_as, business,
handles; the script adds the names of the member's interests, category and neighbourhood from
`facets`), so the script only has to fold the query the same way: lower case, accents off ("zoe" finds "Zoë", "huong" finds "Hương"). Unlisted and hidden
members, e-mail addresses, bios and anything else a member did not put in listings never appear.
"""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from .community import Community, Term
from .models import Member
from .output import Output
from .pagecache import digest
from .placeholders import placeholder_colour
from .text import fold

if TYPE_CHECKING:
    from .pages import Site

logger = logging.getLogger(__name__)

INDEX_PATH = "search.json"
INDEX_VERSION = 2
# the size result cards show photos at, in CSS pixels, as the `card` macro does
CARD_PX = 96

# facet name in the URL query (?interest=...) -> the Community methods giving its terms and slugs
FACETS = {
    "category": ("categories", "category_slugs"),
    "interest": ("interests", "interest_slugs"),
    "neighbourhood": ("neighbourhoods", "neighbourhood_slugs"),
}


def search_text(m: Member) -> str:
    """What search matches for one member besides their terms, folded, one space between fields.

    The category, neighbourhood and interest names are not repeated here for every member: the
    script adds them from `facets` by slug (they are most of the text at ten thousand members).
    A known_as already inside the name ("Ana" in "Ana Abara") is left out for the same reason.
    """
    name = fold(" ".join(m.name.split()))
    known_as = fold(" ".join(m.known_as.split()))
    parts = [name] + ([known_as] if known_as not in name else [])
    parts += [fold(" ".join(p.split())) for p in [m.business or ""] + [h.shown for h in m.handles]]
    return " ".join(p for p in parts if p)


def member_entry(site: Site, m: Member, slugs: dict[str, dict[str, str]]) -> dict[str, Any]:
    """One listed member as the index shows it; facet values are the static pages' slugs."""
    entry: dict[str, Any] = {
        "slug": m.slug,
        "name": m.name,
        "known_as": m.known_as,
        "business": m.business,
        "category": slugs["category"].get(m.category) if m.category else None,
        "neighbourhood": slugs["neighbourhood"].get(m.neighbourhood) if m.neighbourhood else None,
        "interests": sorted({slugs["interest"][i] for i in m.interests if i in slugs["interest"]}),
        "text": search_text(m),
    }
    entry.update(card_photo(site, m))
    # absent rather than null: most members leave some fields empty
    return {k: v for k, v in entry.items() if v is not None}


def card_photo(site: Site, m: Member) -> dict[str, str]:
    """The photo a result card shows: a path stem, else a placeholder colour and initials."""
    photo = site.photos.get(m.slug)
    if photo and photo.variants:
        v = photo.best(CARD_PX)
        stem = v.jpeg.removesuffix(".jpg")
        if v.webp == stem + ".webp":
            return {"photo": stem} | ({"alt": photo.alt} if photo.alt != m.name else {})
        logger.warning("search index: photo paths %s, %s have no common stem", v.jpeg, v.webp)
    return {"ph": placeholder_colour(m.slug), "initials": m.initials}


def facet_entries(site: Site, terms: list[Term], kind: str) -> list[dict[str, Any]]:
    return [
        {
            "slug": t.slug,
            "name": t.name,
            "count": len(t.members),
            "url": site.url(f"{kind}/{t.slug}/"),
        }
        for t in terms
    ]


def facet_slugs(community: Community) -> dict[str, dict[str, str]]:
    """Per facet: term text (any spelling) -> the slug of its page."""
    return {facet: getattr(community, method)() for facet, (_, method) in FACETS.items()}


def facet_maps(site: Site) -> tuple[dict[str, dict[str, str]], dict[str, Any]]:
    """Per facet: term text -> slug, and the index's list of terms with counts."""
    community = site.community
    slugs = facet_slugs(community)
    facets = {
        facet: facet_entries(site, getattr(community, kind)(), kind)
        for facet, (kind, _) in FACETS.items()
    }
    return slugs, facets


def build_index(site: Site) -> dict[str, Any]:
    """The whole index: listed members in directory order, and every facet's terms with counts."""
    community = site.community
    slugs, facets = facet_maps(site)
    # computed once here, not per member: member_context's per-call slug maps are quadratic
    members = [member_entry(site, m, slugs) for m in community.listed]
    return {
        "version": INDEX_VERSION,
        "root": site.url(""),  # member pages are root + "members/<slug>/", photos root + stem
        "members": members,
        "facets": facets,
    }


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def index_text(site: Site) -> bytes:
    """/search.json's text: exactly `_compact(build_index(site))`, but each member's entry is
    kept between builds by the inputs it is made from (their card and the slugs of their terms),
    so a rebuild at ten thousand members makes only the entries that changed."""
    community = site.community
    slugs, facets = facet_maps(site)
    kept = site.fragments("search")
    entries = []
    for m in community.listed:
        terms = (
            [slugs["interest"].get(i) for i in m.interests],
            slugs["category"].get(m.category or ""),
            slugs["neighbourhood"].get(m.neighbourhood or ""),
        )
        key = digest(site.card_key(m), terms)
        entries.append(kept.get(m.slug, key, lambda m=m: _compact(member_entry(site, m, slugs))))
    # the keys in sorted order, as sort_keys writes them
    return b"".join(
        [
            f'{{"facets":{_compact(facets)},"members":['.encode(),
            b",".join(entries),
            f'],"root":{_compact(site.url(""))},"version":{_compact(INDEX_VERSION)}}}'.encode(),
        ]
    )


def search_index(site: Site, out: Output) -> None:
    """Producer: write /search.json (compact: it is downloaded by every directory visit)."""
    data = index_text(site)
    out.write(INDEX_PATH, data)
    site.fragments_done("search")
    logger.debug("search index: %d bytes", len(data))
