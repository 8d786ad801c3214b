"""The generator: reads the community in generate_context, writes the directory in generate_output.

Pages come from PRODUCERS, functions that each write one kind of page through `Output`; the
directory's pages do not go through Pelican's article machinery, which is slow at thousands of
members and renders with autoescape off.
"""

from __future__ import annotations

import functools
import logging
import os
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import escape

from . import photos as photo_pipeline
from .badges import badge_files
from .community import Community, Term, load_community
from .errors import ContentErrors, FieldError
from .events import attendees, event_pages, is_upcoming, member_events, where_to_meet
from .ics import calendar_files
from .models import Member
from .output import Output
from .pagecache import Fragments, PageCache, TemplateCache, digest, fingerprint
from .photo_html import photo_of
from .placeholders import placeholder_colour
from .settings import FamiliarSettings
from .structured import draw_qr_codes, member_extras, prune_qr_codes
from .text import (
    index_letter,
    keep_rendered,
    load_markdown_cache,
    render_markdown,
    rendering,
    save_markdown_cache,
)

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
    cache: PageCache | None = None
    warnings: list[FieldError] = field(default_factory=list)
    lane_running: bool = False  # the second lane (write_site) has a core of its own
    _memo: dict[str, Any] = field(default_factory=dict, repr=False)

    def card_key(self, m: Member) -> str:
        """A hash of all that shows of `m` wherever they appear (their profile and photo): a
        page's key lists the card keys of the members on it."""
        keys = self._memo.setdefault("card_key", {})
        key = keys.get(m.slug)
        if key is None:
            p = self.photos.get(m.slug)
            profile = self.community.digests.get(m.slug) or m
            key = keys[m.slug] = digest(profile, (p.alt, p.variants) if p else None)
        return key

    def fragments(self, name: str) -> Fragments:
        """Per-member pieces of an index, kept between builds (pagecache.Fragments)."""
        caches = self._memo.setdefault("fragments", {})
        if name not in caches:
            print_ = self.cache.print if self.cache is not None else ""
            caches[name] = Fragments(self.settings.cache_path, name, print_)
        return caches[name]

    def fragments_done(self, name: str) -> None:
        """Keep the pieces of index `name` for the next build and let them go (the directory's
        are tens of megabytes at ten thousand members; the build's peak memory comes late)."""
        kept = self._memo.get("fragments", {}).pop(name, None)
        if kept is not None and self.cache is not None:
            kept.save()

    def count(self, page_kind: str, n: int = 1) -> None:
        self.pages[page_kind] = self.pages.get(page_kind, 0) + n

    def fresh(self, out: Output, rel: str, key: str) -> tuple[int, int] | None:
        """Record `key` for `rel`; if the last build wrote `rel` from the same key and the file
        is as it left it, its (size, mtime_ns), else None. The file is not yet kept."""
        if self.cache is None:
            return None
        self.cache.record(rel, key)
        return self.cache.fresh(out.root, rel, key)

    def unchanged(self, out: Output, rel: str, key: str) -> bool:
        """Record `key` for `rel`; whether the last build wrote `rel` from the same key (then
        the file is kept as it is and counted as this build's)."""
        seen = self.fresh(out, rel, key)
        if seen is not None:
            out.keep(rel, seen)
        return seen is not None

    def write_cached(
        self, out: Output, rel: str, key: str, make: Callable[[], bytes | str], page_kind: str
    ) -> None:
        """Write `rel` from `make()` unless the last build wrote it from the same `key`."""
        if not self.unchanged(out, rel, key):
            out.write(rel, make())
        self.count(page_kind)

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
        # one environment per build: templates do not change during it, so Jinja need not
        # look at each template file's time again on every page (a stat per template used)
        auto_reload=False,
        bytecode_cache=TemplateCache(settings.cache_path / "templates"),
    )
    env.globals.update(SITENAME=settings.site_name, SITEURL=settings.site_url)
    # escaped once here; photo_of's own escape then passes the Markup through
    env.globals["photo_of"] = functools.partial(photo_of, site_url=escape(settings.site_url))
    env.filters["letter"] = index_letter
    env.globals["card_html"] = None  # set per site in build_site (listings.card_html)
    return env


def member_context(site: Site, m: Member) -> dict[str, Any]:
    interests = site.community.interest_slugs()
    categories = site.community.category_slugs()
    neighbourhoods = site.community.neighbourhood_slugs()
    return {
        "member": m,
        "photo": site.photos.get(m.slug),
        "placeholder_colour": placeholder_colour(m.slug),
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
    jump_bar = list(jump.items())
    write_listing(site, out, "", "directory.html", "directory", listed, jump_bar, jump=jump_bar)


def member_key(site: Site, m: Member) -> str:
    """Everything a member's page is made from, hashed: the profile, its photo, the pages it
    links to (interest, category, neighbourhood slugs) and the events it lists."""
    c = site.community
    interests, categories, places = c.interest_slugs(), c.category_slugs(), c.neighbourhood_slugs()
    links = (
        [interests.get(i) for i in m.interests],
        categories.get(m.category or ""),
        places.get(m.neighbourhood or ""),
    )
    # "Where to meet me" is made from the member's events and which of them are still to come
    s = site.settings
    keys = site._memo.setdefault("event_key", {})
    meet = []
    for e in member_events(c, m):
        if e.slug not in keys:
            keys[e.slug] = digest(e, is_upcoming(e, s.today, s.timezone))
        meet.append(keys[e.slug])
    return digest(site.card_key(m), links, meet)


def render_member(site: Site, m: Member) -> str:
    path = f"members/{m.slug}/"
    return site.render("member.html", page_url=site.url(path), **member_context(site, m))


# Set in the parent just before forking workers, so they inherit the site without pickling it.
_FORK_SITE: Site | None = None
PARALLEL_FROM = 200  # below this many stale pages, starting workers costs more than it saves


Done = list[tuple[str, bool, tuple[int, int] | None]]


def _render_in_child(slugs: list[str]) -> tuple[Done, dict[str, str]]:
    """Write the pages of `slugs`; (each page, whether it changed and its (size, mtime_ns) if
    known, the bios rendered)."""
    assert _FORK_SITE is not None
    site = _FORK_SITE
    out = Output(site.settings.output_path)
    by_slug = site.community.members_by_slug
    done: Done = []
    with rendering() as rendered:
        for slug in slugs:
            rel = f"members/{slug}/index.html"
            before = out.changed
            out.write(rel, render_member(site, by_slug[slug]))
            done.append((rel, out.changed > before, out.seen.get(rel)))
    return done, rendered


def member_pages(site: Site, out: Output) -> None:
    """/members/<slug>/ for every listed and unlisted member; hidden members get nothing.

    Pages whose inputs are unchanged since the last build are kept as they are; the rest are
    rendered, in worker processes when there are many.
    """
    global _FORK_SITE
    stale: list[Member] = []
    for m in site.community.published:
        if site.unchanged(out, f"members/{m.slug}/index.html", member_key(site, m)):
            site.count("member")
        else:
            stale.append(m)
    # while the second lane (write_site) runs, it has a core of its own; the pages are still
    # rendered in a worker, which keeps ten thousand rendered pages out of the build's memory
    lane = site.lane_running
    workers = min(site.settings.workers - lane, len(stale) // PARALLEL_FROM)
    if workers < 2 - lane:
        for m in stale:
            out.write(f"members/{m.slug}/index.html", render_member(site, m))
        site.count("member", len(stale))
        return
    import multiprocessing

    chunks = [[m.slug for m in stale[i::workers]] for i in range(workers)]
    _FORK_SITE = site
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            for done, rendered in pool.map(_render_in_child, chunks):
                for rel, changed, seen in done:
                    out.keep(rel, seen)  # not looked at again at the end
                    out.changed += changed
                    site.count("member")
                # directory.json shows the bios too: not rendered twice
                keep_rendered(rendered)
    finally:
        _FORK_SITE = None


# each kind of term page's output folder and title
TAXONOMY_TITLES = {"interests": "Interests", "categories": "Business categories",
                   "neighbourhoods": "Neighbourhoods"}  # fmt: skip


def taxonomies(c: Community) -> list[tuple[str, list[Term], str]]:
    """(output folder, terms, title) of each kind of term page."""
    terms = {"interests": c.interests(), "categories": c.categories(),
             "neighbourhoods": c.neighbourhoods()}  # fmt: skip
    return [(kind, terms[kind], title) for kind, title in TAXONOMY_TITLES.items()]


def taxonomy_pages(site: Site, out: Output) -> None:
    """/interests/, /categories/, /neighbourhoods/: an index each and a page per term."""
    from .listings import cards_done, write_listing

    for kind, terms, title in taxonomies(site.community):
        index_key = digest("terms", kind, title, [(t.name, t.slug, len(t.members)) for t in terms])
        site.write_cached(
            out,
            f"{kind}/index.html",
            index_key,
            lambda kind=kind, terms=terms, title=title: site.render(
                "terms.html", page_url=site.url(f"{kind}/"), terms=terms, kind=kind, title=title
            ),
            kind,
        )
        # a term shared by thousands is paginated like the directory (listings.py)
        for term in terms:
            base = f"{kind}/{term.slug}/"
            about = (kind, term.name, term.slug)
            write_listing(
                site, out, base, "term.html", kind, term.members, about, term=term, kind=kind
            )
    # term pages were the last to reuse cards' HTML (listings.card_html)
    cards_done(site)


def photo_files(site: Site, out: Output) -> None:
    """Link (or copy) the photo derivatives from the cache into the output, through `out`.

    A derivative's name carries its content hash, so one already in the output with the same
    byte count is this very file: it is kept without being read again.
    """
    for photo_set in site.photos.values():
        for rel, cached, size in photo_set.files:
            out.link(rel, cached, size)


def theme_files(site: Site, out: Output) -> None:
    """The theme's static files (CSS, JS) into /theme/, rewritten only when their bytes change.

    Pelican's own copy rewrites them on every build (new modification times), which would make
    every deploy upload them again; configure() turns Pelican's copy off for this theme.
    """
    static = site.settings.theme_path / "static"
    for path in sorted(static.rglob("*")):
        if path.is_file() and not path.is_symlink():
            out.write(f"theme/{path.relative_to(static).as_posix()}", path.read_bytes())


# the other modules' producers (they import this module's Site for their types only)
from .exports import (  # noqa: E402
    directory_json,
    events_feed,
    members_feed,
    sitemap_and_robots,
    vcards,
)
from .quick_records import event_records  # noqa: E402
from .search import search_index  # noqa: E402
from .social import social_cards  # noqa: E402

Producer = Callable[[Site, Output], None]
# In this order. The cards' paths, which member pages show (og:image), are worked out before
# the pages; the sitemap lists only pages the producers before it wrote. Badges come last of
# the second lane's share (LANE): when they are to be drawn, their worker processes then have
# the cores to themselves sooner.
PRODUCERS: list[Producer] = [
    theme_files,
    photo_files,
    directory_pages,
    social_cards,
    member_pages,
    taxonomy_pages,
    event_pages,
    calendar_files,
    vcards,
    event_records,
    badge_files,
    members_feed,
    events_feed,
    directory_json,
    search_index,
    sitemap_and_robots,
]


def check_nothing_lost(site: Site) -> None:
    """Every member to publish got a page: the count in equals the count out."""
    expected = len(site.community.published)
    got = site.pages.get("member", 0)
    if got != expected:
        raise LostMembers(f"{expected} members to publish but {got} member pages were written")


def build_site(settings: FamiliarSettings) -> Site:
    """Load and check all content; raise ContentErrors listing every problem if any."""
    # the QR codes of member pages (publishing only) are drawn while loading, on all cores
    community = load_community(settings, beside=functools.partial(draw_qr_codes, settings))
    # the photo_files check has usually prepared the photos already (then the community keeps
    # the result); the build runs the pipeline itself if not, so skipping that check never
    # lets an unsafe photo through. The same problem found twice is reported once.
    prepared = community._once(
        "prepared_photos", lambda: photo_pipeline.prepare(community.published, settings)
    )
    errors: list[FieldError] = sorted(set(community.errors) | set(prepared.errors))
    warnings = sorted(set(community.warnings) | set(prepared.warnings))
    for w in warnings:
        logger.warning("%s", w)
    if errors:
        for e in sorted(errors):
            logger.error("%s", e)
        raise ContentErrors(errors)
    load_markdown_cache(settings.cache_path / "markdown.json")
    site = Site(community, settings, make_env(settings), prepared.photos, warnings=warnings)
    from .listings import card_html

    site.env.globals["card_html"] = lambda c, lazy, letter=None: card_html(
        site, c["member"], lazy, letter
    )
    template_dir = settings.theme_path / "templates" / "familiar"
    site.cache = PageCache(settings.cache_path, fingerprint(template_dir, settings))
    return site


def prune_caches(site: Site, out: Output) -> None:
    """After a good build: forget processed photos, social cards and QR codes nothing uses any
    more (the caches would otherwise grow with every photo a member ever had)."""
    from . import social

    photos = {p.folder.rpartition("/")[2] for p in site.photos.values()}  # ten thousand
    # a card's output name ends in its cache key: social/members/<slug>-<key>.jpg
    cards = {
        rel.rsplit("-", 1)[-1].removesuffix(".jpg")
        for rel in out.written
        if rel.startswith("social/") and rel.endswith(".jpg")
    }
    members = site.settings.members_path
    sources = {f"{members}/{m.photo}" for m in site.community.published if m.photo}
    gone = photo_pipeline.prune(site.settings.cache_path, photos, sources)
    gone += social.prune(site.settings.cache_path, cards)
    gone += prune_qr_codes(site.settings, site.community.published)
    if gone:
        logger.info(
            "Familiar: %d cached photos, cards and QR codes no longer used were deleted", gone
        )


# On a big site these run in a second process beside the rest (lanes.py): they read only the
# community, the photo cache (not the output folder's copies, which they link first), the cached
# social card images and the templates, and write their own files. The first process makes the
# member pages (in a worker), the social cards, the events' records for quick rebuilds,
# directory.json and search.json meanwhile: at ten thousand members the two take about as long.
LANE = (
    "photo_files",
    "directory_pages",
    "taxonomy_pages",
    "event_pages",
    "calendar_files",
    "badge_files",
    "vcards",
)
LANE_AFTER = "theme_files"  # the lane starts once this has run (the first producer)
LANE_BEFORE = "sitemap_and_robots"  # ... and is joined before the sitemap lists every page
LANE_FROM = 1000  # members to publish; below this, a second process costs more than it saves


def run_producer(produce: Producer, site: Site, out: Output) -> None:
    started = time.perf_counter()
    produce(site, out)
    logger.info(
        "Familiar: %s took %.2f s (peak memory so far %d MB)",
        produce.__name__,
        time.perf_counter() - started,
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    )


def warm_up(site: Site) -> None:
    """Work out, once and before forking, what both lanes would otherwise each work out: every
    member's card key, the term slugs, every event's attendees (all kept for the build)."""
    c = site.community
    for m in c.published:
        site.card_key(m)
    c.interest_slugs()
    c.category_slugs()
    c.neighbourhood_slugs()
    for e in c.events:
        attendees(c, e)


def write_site(site: Site, out: Output) -> list[str]:
    """Run every producer, check nothing was lost, remove what earlier builds left behind."""
    from .lanes import Lane, close_quietly

    names = [p.__name__ for p in PRODUCERS]
    laned = (
        site.settings.workers > 1
        and len(site.community.published) >= LANE_FROM
        and hasattr(os, "fork")
        and LANE_AFTER in names
        and LANE_BEFORE in names
        and names.index(LANE_AFTER) < min(names.index(n) for n in LANE if n in names)
    )
    lane_producers = [p for p in PRODUCERS if p.__name__ in LANE] if laned else []
    lane: Lane | None = None
    try:
        for produce in PRODUCERS:
            if produce in lane_producers:
                continue
            if lane is not None and produce.__name__ == LANE_BEFORE:
                lane.join()
                lane = None
                site.lane_running = False
            run_producer(produce, site, out)
            if lane_producers and produce.__name__ == LANE_AFTER:
                warm_up(site)
                lane = Lane(site, out, lane_producers, run_producer)
                lane.start()
                site.lane_running = True
        if lane is not None:
            lane.join()
    except BaseException:
        close_quietly(lane)
        raise
    finally:
        site.lane_running = False
    check_nothing_lost(site)
    removed = out.finish()
    prune_caches(site, out)
    # sizes and times of every file of this build, for the page keys and the build stamp
    stats = out.look()
    if site.cache is not None:
        site.cache.save(stats)
        for fragments in site._memo.get("fragments", {}).values():
            fragments.save()
        save_markdown_cache(site.settings.cache_path / "markdown.json")
    logger.info(
        "Familiar: %d member pages, %d files changed, %d stale files removed (peak memory %d MB)",
        site.pages.get("member", 0),
        out.changed,
        len(removed),
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    )
    return removed
