"""The generator: reads the community in generate_context, writes the directory in generate_output.

Pages come from PRODUCERS, functions that each write one kind of page through `Output`; the
directory's pages do not go through Pelican's article machinery, which is slow at thousands of
members and renders with autoescape off.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from . import photos as photo_pipeline
from .badges import badge_files
from .community import Community, load_community
from .errors import ContentErrors, FieldError
from .events import event_pages, where_to_meet
from .ics import calendar_files
from .models import Member
from .output import Output
from .settings import FamiliarSettings, read_settings
from .structured import member_extras
from .text import index_letter, render_markdown

logger = logging.getLogger(__name__)


class LostMembers(Exception):
    """The build wrote a different number of member pages than there are members to publish."""


@dataclass
class Site:
    """Everything a producer needs: the checked community, settings, templates, photos."""

    community: Community
    settings: FamiliarSettings
    env: Environment
    photos: dict[str, photo_pipeline.PhotoSet] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)

    def url(self, path: str) -> str:
        """Site URL of an output path: 'members/jenn/' -> '/members/jenn/' (or SITEURL-based)."""
        return f"{self.settings.site_url}/{path.lstrip('/')}"

    def render(self, template: str, **context: Any) -> str:
        return self.env.get_template(template).render(**context)

    def write_page(
        self, out: Output, path: str, template: str, page_kind: str, **context: Any
    ) -> None:
        """Render `template` to `path` (a folder URL gets index.html) and count it as `page_kind`."""
        rel = path + "index.html" if path.endswith("/") or path == "" else path
        out.write(rel, self.render(template, page_url=self.url(path), **context))
        self.pages[page_kind] = self.pages.get(page_kind, 0) + 1


def make_env(settings: FamiliarSettings) -> Environment:
    """One Jinja environment for every page: autoescape on, undefined names are errors."""
    env = Environment(
        loader=FileSystemLoader(str(settings.theme_path / "templates" / "familiar")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(SITENAME=settings.site_name, SITEURL=settings.site_url)
    env.filters["letter"] = index_letter
    return env


def member_context(site: Site, m: Member) -> dict[str, Any]:
    interests = site.community.interest_slugs()
    categories = site.community.category_slugs()
    neighbourhoods = site.community.neighbourhood_slugs()
    return {
        "member": m,
        "photo": site.photos.get(m.slug),
        "placeholder_colour": photo_pipeline.placeholder_colour(m.slug),
        "bio_html": render_markdown(m.bio) if m.bio else "",
        "interest_links": [
            (i, site.url(f"interests/{interests[i]}/") if i in interests and m.listed else None)
            for i in m.interests
        ],
        "category_url": site.url(f"categories/{categories[m.category]}/")
        if m.category in categories and m.listed
        else None,
        "neighbourhood_url": site.url(f"neighbourhoods/{neighbourhoods[m.neighbourhood]}/")
        if m.neighbourhood in neighbourhoods and m.listed
        else None,
        "url": site.url(f"members/{m.slug}/"),
        "meet": where_to_meet(site, m),
        # vCard, QR code, JSON-LD and social card: computed only if a template uses them
        "share": member_extras(site, m),
    }


def directory_pages(site: Site, out: Output) -> None:
    """/ (and /page/2/ ... past FAMILIAR_PAGE_SIZE): every listed member, in directory order.

    The A-Z jump bar on every page links each letter to the page where its first member is.
    """
    from .listings import write_listing

    listed = site.community.listed
    jump: dict[str, int] = {}
    for i, m in enumerate(listed):
        jump.setdefault(index_letter(m.name), i // site.settings.page_size + 1)
    write_listing(site, out, "", "directory.html", "directory", listed, jump=list(jump.items()))


def member_pages(site: Site, out: Output) -> None:
    """/members/<slug>/ for every listed and unlisted member; hidden members get nothing."""
    for m in site.community.published:
        site.write_page(
            out, f"members/{m.slug}/", "member.html", "member", **member_context(site, m)
        )


def taxonomy_pages(site: Site, out: Output) -> None:
    """/interests/, /categories/, /neighbourhoods/: an index each and a page per term."""
    for kind, terms, title in (
        ("interests", site.community.interests(), "Interests"),
        ("categories", site.community.categories(), "Business categories"),
        ("neighbourhoods", site.community.neighbourhoods(), "Neighbourhoods"),
    ):
        site.write_page(out, f"{kind}/", "terms.html", kind, terms=terms, kind=kind, title=title)
        # a term shared by thousands is paginated like the directory (listings.py)
        from .listings import write_listing

        for term in terms:
            base = f"{kind}/{term.slug}/"
            write_listing(site, out, base, "term.html", kind, term.members, term=term, kind=kind)


def photo_files(site: Site, out: Output) -> None:
    """Copy the photo derivatives from the cache into the output, through `out`.

    A derivative's name carries its content hash, so one already in the output with the same
    byte count is this very file: it is kept without being read again.
    """
    root = str(out.root)
    for photo_set in site.photos.values():
        for rel, cached, size in photo_set.files:
            try:
                # rel is built from a checked slug and a hash (out.write checks it again);
                # a plain string join because this runs for every file on every build
                current = os.stat(f"{root}/{rel}").st_size
            except OSError:
                current = -1
            if current == size:
                out.keep(rel)
            else:
                out.write(rel, Path(cached).read_bytes())


Producer = Callable[[Site, Output], None]
PRODUCERS: list[Producer] = [
    photo_files,
    directory_pages,
    member_pages,
    taxonomy_pages,
    event_pages,
    calendar_files,
    badge_files,
]


def check_nothing_lost(site: Site) -> None:
    """Every member to publish got a page: the count in equals the count out."""
    expected = len(site.community.published)
    got = site.pages.get("member", 0)
    if got != expected:
        raise LostMembers(f"{expected} members to publish but {got} member pages were written")


class FamiliarGenerator:
    """Pelican generator for the directory; created by Pelican through `get_generators`."""

    def __init__(
        self, context: dict, settings: dict, path: str, theme: str, output_path: str, **_: Any
    ) -> None:
        self.context = context
        self.settings = read_settings(settings)
        self.site: Site | None = None

    def generate_context(self) -> None:
        site = build_site(self.settings)
        self.site = site
        self.context["familiar"] = site.community

    def generate_output(self, writer: Any = None) -> None:
        assert self.site is not None
        out = Output(self.settings.output_path)
        write_site(self.site, out)


def build_site(settings: FamiliarSettings) -> Site:
    """Load and check all content; raise ContentErrors listing every problem if any."""
    community = load_community(settings)
    # the photo_files check has usually prepared the photos already (then this is a cache
    # lookup); the build runs the pipeline itself anyway so skipping that check never lets an
    # unsafe photo through. The same problem found twice is reported once.
    prepared = photo_pipeline.prepare(community.published, settings)
    errors: list[FieldError] = sorted(set(community.errors) | set(prepared.errors))
    for w in sorted(set(community.warnings) | set(prepared.warnings)):
        logger.warning("%s", w)
    if errors:
        for e in sorted(errors):
            logger.error("%s", e)
        raise ContentErrors(errors)
    return Site(community, settings, make_env(settings), prepared.photos)


def write_site(site: Site, out: Output) -> list[str]:
    """Run every producer, check nothing was lost, remove what earlier builds left behind."""
    for produce in PRODUCERS:
        produce(site, out)
    check_nothing_lost(site)
    removed = out.finish()
    logger.info(
        "Familiar: %d member pages, %d files changed, %d stale files removed",
        site.pages.get("member", 0),
        out.changed,
        len(removed),
    )
    return removed
