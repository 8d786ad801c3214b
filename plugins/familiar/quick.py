"""Quick rebuilds: a profile edit made without loading the whole community.

Most edits to a profile after joining are to the bio, the website, the e-mail address or what
the member is looking for (community.LOCAL_FIELDS). These show in the member's own page and
vCard, their line of /directory.json and, for the bio of the newest members, the members feed.
A full build at ten thousand members spends seconds loading and checking everyone to find that
out; a quick rebuild reads the changed profiles only and makes those files again, byte for byte
what a full build makes.

Edits to what a member's card shows (CARD_FIELDS: the name, business, role, handles and the
like) are quick too: their card is replaced in the listing pages that show it (the directory
page and term pages the last full build put them on), their entry in /search.json, their social
card image, and the pages of the events they come to or organise are made again (from the
members those pages show, kept per event by the last full build: quick_records.py), with those
events' social cards, entries in the events feed and lines of /directory.json. A card is found
by rendering it as the output shows it now (the member as last built) and replaced by the card
rendered anew.

Edits to a member's interests, category or neighbourhood are quick too when the community's
terms stay as they are: the pages of the listings they joined or left are made again from the
cards those pages show (quick_terms.py).

So are edits to the events a member comes to (`attending`): the pages of the events they came
to before and come to now are made again as above, with /events/ (how many are coming) and
their lines of /directory.json; the events' records are completed with the members who said
they come since the last full build (kept in the state record).

A quick rebuild runs only when all of this holds; otherwise the build runs in full, as before:
- the last build was good and left its records (quick_records.py, signed: signing.py);
- nothing but member profiles changed since: settings, date, theme, plugin, events, photos and
  every other file are as they were, no profile was added, removed or renamed, and at most
  MAX_CHANGED profiles changed;
- each changed profile reads without a problem and differs from what the output shows of it
  only in LOCAL_FIELDS, with its other fields on the same lines; or only in the fields that
  show (SHOWN: LOCAL_FIELDS, CARD_FIELDS, quick_terms.TERM_FIELDS and EVENT_FIELDS), with every
  other field on the same lines, and then:
  - every event they come to exists (else the full build reports it);
  - none of their events, before or after the edit, has badges to make (an event to come
    within FAMILIAR_BADGES_DAYS_AHEAD days, unless FAMILIAR_BADGES is off): rendering them
    is slow, so the full build does it;
  - their GitHub handle is the same (it decides who may edit a profile: checks.py);
  - a new name that moves in the directory's order (by name, members of the same name by
    file name) or files under another letter is the build's only edit, changes no term and
    leaves the directory's jump bar as it is: the pages of the directory and of the member's
    terms between the old place and the new are made again, and their entry in search.json
    and line in directory.json move (quick_terms.plan_moves);
  - every term they join has members already, every term they leave keeps some, and each
    keeps its name and number of pages (quick_terms.py);
- the output folder is as the last build left it: every folder of it as it was (adding, removing
  or renaming a file changes its folder), and directory.json as that build wrote it;
- each card and search entry to replace is found exactly once where the last build put it,
  and the records of the member's events are there, signed.

What a quick rebuild does not look at: a file in output/ edited in place by hand. The next build
that is not quick (nothing changed, or any other change) finds it and makes it again.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import quick_records as records
from . import quick_terms as terms
from .buildstamp import BuildStamp, stats_hash
from .community import Community, ProfileCache, load_member
from .models import Event, Member
from .output import MANIFEST, Output, file_stats
from .quick_files import (
    DIRECTORY,
    SEARCH,
    Change,
    NotQuick,
    directory_patched,
    manifest_renamed,
    pieces_replaced,
    search_moved,
)
from .settings import FamiliarSettings
from .text import index_letter

if TYPE_CHECKING:
    from .pages import Site
    from .social import CardSpec

logger = logging.getLogger(__name__)

MAX_CHANGED = 20
# Fields that show only in the member's own files (their page, vCard and directory.json line;
# the bio also in the members feed)
LOCAL_FIELDS = ("bio", "bio_line", "looking_for", "website", "email", "show_email")
# Fields that show on the member's own files and on their card, search entry, social card, event
# pages and badges: quick unless their events have badges to make (the module's notes)
CARD_FIELDS = (
    "name",
    "known_as",
    "pronouns",
    "pronunciation",
    "business",
    "role",
    "ask_me_about",
    "photo_alt",
    "handles",
)
# The events a member comes to: shown on their page and those events' pages and counts
EVENT_FIELDS = ("attending",)
SHOWN = LOCAL_FIELDS + CARD_FIELDS + terms.TERM_FIELDS + EVENT_FIELDS
_FIELDS = tuple(f.name for f in dataclasses.fields(Member) if f.name != "lines")


@dataclass
class _Edit:
    """A changed profile: the member as the output shows them and as the profile now reads."""

    before: Member
    after: Member
    key: str  # digest of `after` (community.digests)
    fields: tuple[str, ...]  # the fields that differ, in Member's order

    @property
    def card(self) -> bool:
        """Whether the edit shows beyond the member's own files (their card and so on)."""
        return not set(self.fields) <= set(LOCAL_FIELDS)

    @property
    def on_cards(self) -> bool:
        """Whether the edit shows on the member's card (listings, search.json, social card)."""
        return bool(set(self.fields) & set(CARD_FIELDS + terms.TERM_FIELDS))


def _lines_besides(m: Member, fields: Iterable[str]) -> tuple[tuple[str, int], ...]:
    skip = set(fields)
    return tuple((k, n) for k, n in m.lines if k not in skip)


def _events_of(edit: _Edit, base: dict[str, Any]) -> list[Event]:
    """The events whose pages (and badges) `edit` changes. If it changes what the member's
    card or introductions show: every event they come to or organise, before or after it.
    Else (the events they come to, and fields of their own files): the events they join or
    leave, and those where they come for the first time before the edit and not after, or
    the other way round (the first of their events that is not cancelled)."""
    before, after = edit.before, edit.after
    events = base["events"]
    if edit.on_cards:
        return [e for e in events if any(e.slug in m.attending or m.slug in e.organizers
                                         for m in (before, after))]  # fmt: skip

    from .events import earlier_events, first_time

    def changes_first(e: Event) -> bool:
        earlier = earlier_events(events, e)
        return first_time(before, earlier) != first_time(after, earlier)

    was, now = set(before.attending), set(after.attending)
    return [e for e in events if e.slug in was ^ now
            or (e.slug in was & now or after.slug in e.organizers) and changes_first(e)]  # fmt: skip


def _check(settings: FamiliarSettings, edit: _Edit, base: dict[str, Any]) -> None:
    """NotQuick unless `edit`, which changed only fields that show (quick_build looked), can be
    made quickly (the module's notes; a name that moves: quick_terms.plan_moves)."""
    before, after, where = edit.before, edit.after, edit.after.source
    if not edit.card:
        if _lines_besides(before, LOCAL_FIELDS) != _lines_besides(after, LOCAL_FIELDS):
            raise NotQuick(f"{where}: fields moved to other lines")
        return
    if _lines_besides(before, SHOWN) != _lines_besides(after, SHOWN):
        raise NotQuick(f"{where}: fields moved to other lines")
    if settings.badges:
        from .badges import events_needing_badges

        soon = events_needing_badges(_events_of(edit, base), settings)
        if soon:  # badges are slow to render (about 1 s an event at 10,000): a full build
            raise NotQuick(f"{where}: {soon[0].slug} is soon, and its badges show them")
    known = {e.slug for e in base["events"]}
    unknown = [slug for slug in after.attending if slug not in known]
    if unknown:  # the full build reports it
        raise NotQuick(f"{where}: {unknown[0]} is not an event")
    if before.github != after.github:
        raise NotQuick(f"{where}: the GitHub handle changed")


def quick_build(
    settings: FamiliarSettings, stamp: BuildStamp, ready: records.Ready | None = None
) -> int:
    """Make this build quickly (see the module's notes) and save its stamp; the number of
    files changed. NotQuick if it cannot be. `ready`: records read already."""
    last, others = stamp.last, stamp.state.others
    state = records.load(settings, records.FILE, others, ready) if last else None
    if last is None or state is None or state["stamp"] != last.get("outputs"):
        raise NotQuick("more than member profiles changed since the last build")
    old, new = state["profiles"], stamp.state.profiles
    if old.keys() != new.keys():
        raise NotQuick("a profile was added, removed or renamed")
    changed = [path for path, line in new.items() if old[path] != line]
    if not changed or len(changed) > MAX_CHANGED:
        raise NotQuick(f"{len(changed)} profiles changed")
    ctx = {"timezone": settings.timezone}
    kept = ProfileCache(settings.cache_path, ctx, read=False)
    edits: list[_Edit] = []
    for path in changed:
        slug, _, member, errors, key = load_member(Path(path), settings.site_root, ctx)
        if errors or member is None:
            raise NotQuick(f"{path} has problems")
        before = state["members"].get(slug) or kept.kept(path)
        if before is None:
            raise NotQuick(f"{path} is not in the profile cache")
        fields = tuple(f for f in _FIELDS if getattr(before, f) != getattr(member, f))
        beyond = [f for f in fields if f not in SHOWN]
        if beyond:  # before the records' larger part is read: most full builds stop here
            raise NotQuick(f"{path} changed {', '.join(beyond)}")
        edits.append(_Edit(before, member, key, fields))
    root = settings.output_path
    folders = ready.folders if ready is not None else None
    if folders is None:
        folders = records.folder_times(root, state["folders"])
    if folders != state["folders"]:
        raise NotQuick("a file in the output folder was added, removed or renamed")
    base = records.load(settings, records.BASE_FILE, others, ready)
    if base is None or base["token"] != state["token"]:
        raise NotQuick("the quick rebuild records do not match")
    names = {slug: m.name for slug, m in state["members"].items()}
    names.update((e.after.slug, e.after.name) for e in edits)
    for edit in edits:
        _check(settings, edit, base)
    plan = terms.plan(settings, base, state, [(e.before, e.after) for e in edits])
    terms.plan_moves(settings, base, state, plan, [(e.before, e.after) for e in edits], names)

    files = state["files"].split("\0")
    sizes, mtimes = state["sizes"], state["mtimes"]
    if DIRECTORY in files:
        i = files.index(DIRECTORY)
        if file_stats(root, [DIRECTORY]).get(DIRECTORY) != (sizes[i], mtimes[i]):
            raise NotQuick(f"{DIRECTORY} is not as the last build left it")
    out = Output(root)
    renamed = _write(settings, out, base, state, edits, plan)
    if renamed:  # social cards drawn anew: the list of files and the manifest follow
        out.write(MANIFEST, manifest_renamed(root, files, renamed), compare=False)
        state["files"] = "\0".join(files)
        for old_rel in renamed:
            (root / old_rel).unlink(missing_ok=True)
    for rel, (size, mtime) in file_stats(root, out.written).items():
        if rel not in files:  # not a file of the last build: a full build sorts it out
            raise NotQuick(f"{rel} was not made by the last build")
        i = files.index(rel)
        sizes[i], mtimes[i] = size, mtime
    stamp.record(files, (stats_hash(files, sizes, mtimes), sizes, mtimes), stamp.summary())
    if stamp.saved is not None:
        state["profiles"] = new
        state["stamp"] = stamp.saved[1][0]
        state["members"].update((e.after.slug, e.after) for e in edits)
        state["terms"], state["slug_maps"] = plan.terms, plan.slug_maps
        if plan.order is not None:
            state["order"] = plan.order
        if plan.letters is not None:
            state["letters"] = plan.letters
        state["listings"].update((f, "\0".join(slugs)) for f, slugs in plan.listings.items())
        # the folders this build wrote in, and those Pelican writes in (static files)
        folders = {rel.rpartition("/")[0] for rel in out.written} | {""}
        records.PENDING.append(records.Pending(settings, others, state, None, folders))
    stamp.repeat_warnings()
    logger.info(
        "Familiar: quick rebuild: %s; %d files changed",
        ", ".join(f"{e.after.slug} changed {', '.join(e.fields) or 'nothing'}" for e in edits),
        out.changed,
    )
    return out.changed


def _site(
    settings: FamiliarSettings,
    base: dict[str, Any],
    members: list[Member],
    env: Any,
    slug_maps: tuple[dict[str, str], ...],
    order: list[str],
) -> Site:
    """A site of a few members (in the directory's order, which attendee lists follow) with
    every event, the term slugs `slug_maps`, and their photos (whose alternative text comes
    from the profile)."""
    from .pages import Site

    place = {slug: i for i, slug in enumerate(order)}
    members = sorted(members, key=lambda m: place[m.slug])
    community = Community.partial(settings, members, base["events"], slug_maps)  # type: ignore[arg-type]
    kept = base["photos"]
    photos = {m.slug: records.photo_set(kept[m.slug], m.alt) for m in members if m.slug in kept}
    return Site(community, settings, env, photos)


def _write(
    settings: FamiliarSettings,
    out: Output,
    base: dict[str, Any],
    state: dict[str, Any],
    edits: list[_Edit],
    plan: terms.TermPlan,
) -> dict[str, str]:
    """The edited members' files, through `out`: their pages and vCards, directory.json, the
    members feed and, for card edits, the listing pages with their card, search.json and their
    social cards; for term edits (`plan`), the pages of the listings they joined or left.
    Everything is made before anything is written. Returns the social cards renamed (old output
    path -> new)."""
    from . import social
    from .events import attendees, event_files, event_paths, index_lists, index_page
    from .exports import (
        EVENTS_FEED,
        MEMBERS_FEED,
        event_feed_entry,
        event_json,
        events_feed_bytes,
        json_line,
        member_feed_entry,
        member_json,
        members_feed_bytes,
        vcard,
        vcard_rel,
    )
    from .pages import make_env, render_member

    env = make_env(settings)
    # the events whose pages show a member whose card changed, and everyone those pages show,
    # as the output shows them now (edited by earlier quick rebuilds or not)
    events = {e.slug: e for x in edits if x.card for e in _events_of(x, base)}
    others: dict[str, Member] = {}
    for slug in events:
        kept = base["event_files"].get(slug)  # none if no one came at the last full build
        people = [] if kept is None else records.load_event_people(settings, kept)
        if people is None:
            raise NotQuick(f"the record of {slug}'s people is missing or not signed here")
        for m in people:
            others[m.slug] = state["members"].get(m.slug, m)
        # and those who said they come since (their pages show the event: _events_of)
        others.update((m.slug, m) for m in state["members"].values() if slug in m.attending)
    for x in edits:
        others.pop(x.after.slug, None)
    order = terms.current_order(base, state)[0]
    now = _site(settings, base, [x.after for x in edits] + list(others.values()), env,
                plan.slug_maps, plan.order[0] if plan.order else order)  # fmt: skip
    was = _site(settings, base, [x.before for x in edits] + list(others.values()), env,
                state["slug_maps"], order)  # fmt: skip
    now.community.digests.update((e.after.slug, e.key) for e in edits)
    writes: dict[str, Any] = {}
    patched: dict[str, tuple[Any, bool]] = {}  # file -> (pieces, whether they differ from it)
    lines: dict[str, bytes] = {}
    patches: dict[str, list[tuple[bytes, bytes]]] = {}  # output file -> (old, new) pieces
    links: dict[str, Path] = {}
    renamed: dict[str, str] = {}
    for e in edits:
        m = e.after
        if m.published:
            writes[f"members/{m.slug}/index.html"] = render_member(now, m)
            writes[vcard_rel(m)] = vcard(now, m)
        if m.listed:
            lines[m.slug] = json_line(member_json(now, m)).encode("utf-8")
        if not e.on_cards:
            continue
        if m.published:
            _redrawn(
                settings,
                social.member_card(now, m),
                social.member_card(was, e.before),
                links,
                renamed,
            )
        if m.listed:
            for rel in _listing_pages(settings, base, state, plan, m):
                patches.setdefault(rel, []).append(_card_change(was, now, e, rel))
            if plan.order is None:
                patches.setdefault(SEARCH, []).append(_search_change(was, now, e))
    if plan.listings:
        from .listings import card_html

        edited = {e.after.slug: e.after for e in edits}
        writes.update(terms.listing_pages(now, base, state, plan, edited,
                                          lambda m, lazy, letter=None: str(card_html(now, m, lazy, letter))))  # fmt: skip
    if plan.kinds:
        patches.setdefault(SEARCH, []).append([terms.facets_change(now, base, state, plan)])
    moved = [e.after for e in edits if plan.order is not None and e.after.listed]
    after = None  # the member now after the one moved in the directory
    if moved:  # its entry and line move with it: one edit (plan_moves)
        order = plan.listings[""]
        at = order.index(moved[0].slug)
        after = order[at + 1] if at + 1 < len(order) else None
        (edit,) = edits
        ((old_entry, new_entry),) = _search_change(was, now, edit)
        patched[SEARCH] = (
            search_moved(settings.output_path / SEARCH, old_entry, new_entry, after),
            True,
        )
    coming = dict(state["coming"])
    for event in events.values():
        paths = event_paths(event)
        writes.update((paths[kind], text) for kind, text in event_files(now, event).items())
        _redrawn(
            settings, social.event_card(now, event), social.event_card(was, event), links, renamed
        )
        coming[event.slug] = len(attendees(now.community, event))
    if coming != state["coming"]:  # /events/ says how many are coming to each
        writes["events/index.html"] = index_page(now, index_lists(now, coming))
        state["coming"] = coming
    if lines or events:
        # an event's line lists its attendees in the order its pages show them
        shown = {slug: json_line(event_json(now, e)).encode("utf-8") for slug, e in events.items()}
        move = (moved[0].slug, after) if moved else None
        patched[DIRECTORY] = directory_patched(settings.output_path / DIRECTORY, lines, shown, move)
    entries = _feed(state, "feed", {e.after.slug: e.after for e in edits},
                    lambda m: member_feed_entry(now, m))  # fmt: skip
    if entries is not None:
        writes[MEMBERS_FEED] = members_feed_bytes(now, entries)
    entries = _feed(state, "event_feed", events, lambda e: event_feed_entry(now, e))
    if entries is not None:
        writes[EVENTS_FEED] = events_feed_bytes(now, entries)
    for rel, changes in patches.items():
        patched[rel] = pieces_replaced(settings.output_path / rel, changes)
    for rel, data in writes.items():
        out.write(rel, data)
    for rel, (pieces, changed) in patched.items():
        if changed:  # known to differ: not read again to compare
            out.write(rel, pieces, compare=False)
        else:
            out.keep(rel)
    for rel, cached in links.items():
        out.link(rel, cached)
    return renamed


def _listing_pages(
    settings: FamiliarSettings,
    base: dict[str, Any],
    state: dict[str, Any],
    plan: terms.TermPlan,
    m: Member,
) -> list[str]:
    """The listing pages with the card of `m` (listed): the directory's and their terms' page
    where the output shows them, but for the listings `plan` makes again."""
    from .listings import page_path

    pages = []
    for folder in terms.listings_of(m, plan.slug_maps):
        if folder in plan.listings:
            continue
        slugs = terms.listing(base, state, folder)
        if m.slug not in slugs:
            raise NotQuick(f"{m.slug} is not on {folder or 'the directory'}")
        number = slugs.index(m.slug) // settings.page_size + 1
        pages.append(page_path(folder, number) + "index.html")
    return pages


def _redrawn(
    settings: FamiliarSettings,
    spec: CardSpec,
    was: CardSpec,
    links: dict[str, Path],
    renamed: dict[str, str],
) -> None:
    """A social card whose image changes: drawn (or found) in the cache, to be linked at its
    new output path in place of the old one."""
    from .social import card_file

    if spec.rel != was.rel:
        links[spec.rel] = card_file(settings, spec)
        renamed[was.rel] = spec.rel


def _feed(
    state: dict[str, Any], name: str, changed: dict[str, Any], entry: Any
) -> list[dict[str, Any]] | None:
    """The entries of the feed kept in `state[name]` (slug, entry) with those of `changed`
    (slug -> member or event) made again by `entry`; None if none of them is in the feed."""
    kept = dict(state[name])
    touched = [slug for slug in changed if slug in kept]
    if not touched:
        return None
    kept.update((slug, entry(changed[slug])) for slug in touched)
    state[name] = list(kept.items())
    return list(kept.values())


def _card_change(was: Site, now: Site, edit: _Edit, rel: str) -> Change:
    """The member's card in listing page `rel`: each way the page may show it (lazy loading
    after the first few cards; the directory's first card of a letter carries the letter),
    with the card to show instead, made the same way."""
    from .listings import card_html

    letters: list[str | None] = [None]
    if rel == "index.html" or rel.startswith("page/"):  # the directory
        letters.append(index_letter(edit.before.name))  # the same letter after (_check)
    return [
        (
            str(card_html(was, edit.before, lazy, letter)).encode("utf-8"),
            str(card_html(now, edit.after, lazy, letter)).encode("utf-8"),
        )
        for lazy in (False, True)
        for letter in letters
    ]


def _search_change(was: Site, now: Site, edit: _Edit) -> Change:
    """The member's entry in search.json, and the entry to put instead."""
    from .search import _compact, facet_slugs, member_entry

    def entry(site: Site, m: Member) -> bytes:
        return _compact(member_entry(site, m, facet_slugs(site.community))).encode("utf-8")

    return [(entry(was, edit.before), entry(now, edit.after))]
