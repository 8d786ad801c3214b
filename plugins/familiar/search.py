"""The directory's search index, /search.json: public fields of listed members, folded for search.

The directory page's script (theme/static/js/directory.js) loads this file from the site itself
and narrows the cards already on the page; with JavaScript off the page shows everyone and the
static interest, category and neighbourhood pages stand in for the filters.

Each member's `text` is `text.fold` of the fields search looks at (name, known_as, business,
handles, interests, category, neighbourhood), so the script only has to fold the query the same
way: lower case, accents off ("zoe" finds "Zoë", "huong" finds "Hương"). Unlisted and hidden
members, e-mail addresses, bios and anything else a member did not put in listings never appear.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from . import pages
from .community import Term
from .models import Member
from .output import Output
from .text import fold

logger = logging.getLogger(__name__)

INDEX_PATH = "search.json"
INDEX_VERSION = 1

# facet name in the URL query (?interest=...) -> the Community methods giving its terms and slugs
FACETS = {
    "category": ("categories", "category_slugs"),
    "interest": ("interests", "interest_slugs"),
    "neighbourhood": ("neighbourhoods", "neighbourhood_slugs"),
}


def search_text(m: Member) -> str:
    """Everything search matches for one member, folded, one space between fields."""
    parts = [m.name, m.known_as, m.business or "", m.category or "", m.neighbourhood or ""]
    parts += [h.shown for h in m.handles]
    parts += list(m.interests)
    return " ".join(fold(" ".join(p.split())) for p in parts if p)


def member_entry(site: pages.Site, m: Member, slugs: dict[str, dict[str, str]]) -> dict[str, Any]:
    """One listed member as the index shows it; facet values are the static pages' slugs."""
    return {
        "slug": m.slug,
        "url": site.url(f"members/{m.slug}/"),
        "name": m.name,
        "known_as": m.known_as,
        "business": m.business,
        "category": slugs["category"].get(m.category) if m.category else None,
        "neighbourhood": slugs["neighbourhood"].get(m.neighbourhood) if m.neighbourhood else None,
        "interests": sorted({slugs["interest"][i] for i in m.interests if i in slugs["interest"]}),
        "text": search_text(m),
    }


def facet_entries(site: pages.Site, terms: list[Term], kind: str) -> list[dict[str, Any]]:
    return [
        {
            "slug": t.slug,
            "name": t.name,
            "count": len(t.members),
            "url": site.url(f"{kind}/{t.slug}/"),
        }
        for t in terms
    ]


def build_index(site: pages.Site) -> dict[str, Any]:
    """The whole index: listed members in directory order, and every facet's terms with counts."""
    community = site.community
    slugs = {facet: getattr(community, method)() for facet, (_, method) in FACETS.items()}
    facets = {
        facet: facet_entries(site, getattr(community, kind)(), kind)
        for facet, (kind, _) in FACETS.items()
    }
    # computed once here, not per member: member_context's per-call slug maps are quadratic
    members = [member_entry(site, m, slugs) for m in community.listed]
    return {"version": INDEX_VERSION, "members": members, "facets": facets}


def search_index(site: pages.Site, out: Output) -> None:
    """Producer: write /search.json (compact: it is downloaded by every directory visit)."""
    index = build_index(site)
    data = json.dumps(index, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    out.write(INDEX_PATH, data.encode("utf-8"))
    logger.debug("search index: %d members, %d bytes", len(index["members"]), len(data))


pages.PRODUCERS.append(search_index)
