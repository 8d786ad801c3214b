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
members those pages show, kept per event by the last full build: EVENTS_DIR), with those
events' social cards and entries in the events feed. A card is found by rendering it as the
output shows it now (the member as last built) and replaced by the card rendered anew.

A quick rebuild runs only when all of this holds; otherwise the build runs in full, as before:
- the last build was good and left its records (FILE and BASE_FILE, signed: signing.py);
- nothing but member profiles changed since: settings, date, theme, plugin, events, photos and
  every other file are as they were, no profile was added, removed or renamed, and at most
  MAX_CHANGED profiles changed;
- each changed profile reads without a problem and differs from what the output shows of it
  only in LOCAL_FIELDS, with its other fields on the same lines; or only in LOCAL_FIELDS and
  CARD_FIELDS, with every other field on the same lines, and then:
  - none of the member's events has badges to make (an event to come within
    FAMILIAR_BADGES_DAYS_AHEAD days, unless FAMILIAR_BADGES is off): rendering them is
    slow, so the full build does it;
  - their GitHub handle is the same (it decides who may edit a profile: checks.py);
  - a new name files under the same letter and between the same two neighbours in the
    directory's order (by name, members of the same name by file name), so that every
    listing keeps its order and pages;
- the output folder is as the last build left it: every folder of it as it was (adding, removing
  or renaming a file changes its folder), and directory.json as that build wrote it;
- each card and search entry to replace is found exactly once where the last build put it,
  and the records of the member's events are there, signed.

What a quick rebuild does not look at: a file in output/ edited in place by hand. The next build
that is not quick (nothing changed, or any other change) finds it and makes it again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .buildstamp import BuildStamp, stats_hash
from .community import Community, ProfileCache, load_member
from .models import Event, Member
from .output import MANIFEST, Output, file_stats, manifest_text, write_atomic
from .photos import PhotoSet, Variant
from .settings import FamiliarSettings
from .signing import MAC_BYTES, seal, unpickle_sealed
from .text import index_letter, sort_key

if TYPE_CHECKING:
    from .pages import Site

logger = logging.getLogger(__name__)

FILE = "quick.pickle"  # what each build changes: written after every build
BASE_FILE = "quick-base.pickle"  # what only a full build changes
FORMAT = b"familiar-quick-2"
MAX_CHANGED = 20
DIRECTORY = "directory.json"
SEARCH = "search.json"
EVENTS_DIR = "quick-events"  # per event, the members its pages show (signed pickles)
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
_FIELDS = tuple(f.name for f in dataclasses.fields(Member) if f.name != "lines")
Change = list[tuple[bytes, bytes]]  # the ways a piece of a page may read now, each with the new


def forget(settings: FamiliarSettings) -> None:
    for name in (FILE, BASE_FILE):
        (settings.cache_path / name).unlink(missing_ok=True)


def _folder_times(root: Path, folders: Iterable[str]) -> dict[str, int]:
    """The modification time of each of `folders` (relative to `root`) that exists."""
    found = {}
    for folder in folders:
        with contextlib.suppress(OSError):
            found[folder] = os.stat(f"{root}/{folder}", follow_symlinks=False).st_mtime_ns
    return found


def _head(others: str) -> bytes:
    return FORMAT + b"\n" + others.encode() + b"\n"


def _save(settings: FamiliarSettings, name: str, others: str, record: dict[str, Any]) -> None:
    """Write a record, signed (signing.py). The hash of the inputs other than profiles goes
    first, so that a build with other changes reads no further."""
    body = pickle.dumps(record, protocol=pickle.HIGHEST_PROTOCOL)
    try:
        settings.cache_path.mkdir(parents=True, exist_ok=True)
        write_atomic(settings.cache_path / name, seal(_head(others) + body))
    except OSError as e:  # without it the next edit is built in full: slower, still right
        logger.warning("could not save the quick rebuild record in %s: %s", name, e)


def _load(settings: FamiliarSettings, name: str, others: str) -> dict[str, Any] | None:
    try:
        data = (settings.cache_path / name).read_bytes()
    except OSError:
        return None
    head = _head(others)
    if data[MAC_BYTES : MAC_BYTES + len(head)] != head:
        return None  # something besides profiles changed (or another version wrote it)
    record = unpickle_sealed(data, prefix=head)
    return record if isinstance(record, dict) else None


@dataclass
class _Pending:
    settings: FamiliarSettings
    others: str
    state: dict[str, Any]  # what each build changes: written each time
    base: dict[str, Any] | None  # what only a full build changes
    folders: Iterable[str]  # output folders to look at again
    people: dict[str, tuple[str, list[Member]]] | None = None  # _event_people, full builds


# Records wait for Pelican's `finalized` signal: Pelican's own generators (static files) write
# into the output folder after Familiar's, and the folders' times are taken once all is done.
PENDING: list[_Pending] = []


def save_pending(*_: Any) -> None:
    while PENDING:
        p = PENDING.pop()
        p.state["folders"].update(_folder_times(p.settings.output_path, p.folders))
        if p.people is not None:
            _save_event_people(p.settings, p.people)
        if p.base is not None:
            _save(p.settings, BASE_FILE, p.others, p.base)
        _save(p.settings, FILE, p.others, p.state)


def record_full_build(site: Site, stamp: BuildStamp) -> None:
    """After a good full build (its stamp saved): keep what a quick rebuild will need, in two
    records: the base, which only a full build changes, and the state, which each build
    changes. Both kept compact (a quick rebuild reads them): file names in one string, sizes
    and times in arrays, photo sets as plain tuples, pages of each member's card as one
    string."""
    from .exports import event_feed_entry, feed_events, feed_members, member_feed_entry
    from .pages import taxonomies

    if stamp.saved is None:
        return
    files, (outputs, sizes, mtimes) = stamp.saved
    c = site.community
    # each listing's members in order, by the listing's output folder (page 1's)
    listings = {"": "\0".join(m.slug for m in c.listed)}
    for kind, terms, _ in taxonomies(c):
        for term in terms:
            listings[f"{kind}/{term.slug}/"] = "\0".join(m.slug for m in term.members)
    folders = sorted({rel.rpartition("/")[0] for rel in files} | {""})
    token = os.urandom(12).hex()
    people = _event_people(c)
    base = {
        "token": token,
        "events": c.events,
        "photos": {slug: _plain(p) for slug, p in site.photos.items()},
        "slug_maps": (c.interest_slugs(), c.category_slugs(), c.neighbourhood_slugs()),
        # the directory's order (names decide it), for a new name's place
        "order": [m.slug for m in c.all_members],
        "names": [m.name for m in c.all_members],
        "sources": [m.source for m in c.all_members],  # ties of names go by file name
        "listings": listings,
        # event slug -> the file of the members its pages show (EVENTS_DIR)
        "event_files": {slug: name for slug, (name, _) in people.items()},
    }
    state = {
        "token": token,
        "files": "\0".join(files),
        "stamp": outputs,
        "sizes": sizes,
        "mtimes": mtimes,
        "folders": {},
        "profiles": stamp.state.profiles,
        "feed": [(m.slug, member_feed_entry(site, m)) for m in feed_members(site)],
        "event_feed": [(e.slug, event_feed_entry(site, e)) for e in feed_events(site)],
        "members": {},  # slug -> the member as the output shows them, if edited since base
    }
    PENDING.append(_Pending(site.settings, stamp.state.others, state, base, folders, people))


def _event_people(c: Community) -> dict[str, tuple[str, list[Member]]]:
    """Event slug -> (file name, members its pages show: attendees and organizers), for each
    event with any. A file is named by a hash of those members' profiles, so an event whose
    people did not change keeps its file from one full build to the next."""
    from .events import attendees
    from .pagecache import digest

    found = {}
    by_slug = c.members_by_slug
    for e in c.events:
        shown = {a.member.slug: a.member for a in attendees(c, e) if a.member}
        for o in e.organizers:
            if o in by_slug and by_slug[o].published:
                shown.setdefault(o, by_slug[o])
        if shown:
            key = digest([(slug, c.digests.get(slug)) for slug in shown])
            found[e.slug] = (f"{e.slug}-{key}.pickle", list(shown.values()))
    return found


def _save_event_people(
    settings: FamiliarSettings, people: dict[str, tuple[str, list[Member]]]
) -> None:
    """Write the files of _event_people not there yet (signed), and delete the others."""
    folder = settings.cache_path / EVENTS_DIR
    wanted = {name: members for name, members in people.values()}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            if old.name not in wanted:
                old.unlink()
        for name, members in wanted.items():
            if not (folder / name).is_file():
                body = pickle.dumps(members, protocol=pickle.HIGHEST_PROTOCOL)
                write_atomic(folder / name, seal(FORMAT + b"\n" + body))
    except OSError as e:  # without them a card edit by someone at an event is built in full
        logger.warning("could not save the quick rebuild records in %s: %s", folder, e)


def _load_event_people(settings: FamiliarSettings, name: str) -> list[Member]:
    try:
        data = (settings.cache_path / EVENTS_DIR / name).read_bytes()
    except OSError:
        raise NotQuick(f"{EVENTS_DIR}/{name} is missing") from None
    members = unpickle_sealed(data, prefix=FORMAT + b"\n")
    if not isinstance(members, list):
        raise NotQuick(f"{EVENTS_DIR}/{name} is not as the last full build left it")
    return members


class NotQuick(Exception):
    """This build cannot be a quick one (the reason is the message): it runs in full."""


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


def _lines_besides(m: Member, fields: Iterable[str]) -> tuple[tuple[str, int], ...]:
    skip = set(fields)
    return tuple((k, n) for k, n in m.lines if k not in skip)


def _events_of(m: Member, base: dict[str, Any]) -> list[Event]:
    """The events whose pages show `m`: those they come to or organise."""
    return [e for e in base["events"] if e.slug in m.attending or m.slug in e.organizers]


def _check(
    settings: FamiliarSettings, edit: _Edit, base: dict[str, Any], names: dict[str, str]
) -> None:
    """NotQuick unless `edit`, which changed only LOCAL_FIELDS and CARD_FIELDS (quick_build
    looked), can be made quickly (the module's notes). `names`: slug -> the name each member
    now has, for those edited since the last full build."""
    before, after, where = edit.before, edit.after, edit.after.source
    if not edit.card:
        if _lines_besides(before, LOCAL_FIELDS) != _lines_besides(after, LOCAL_FIELDS):
            raise NotQuick(f"{where}: fields moved to other lines")
        return
    if _lines_besides(before, LOCAL_FIELDS + CARD_FIELDS) != _lines_besides(
        after, LOCAL_FIELDS + CARD_FIELDS
    ):
        raise NotQuick(f"{where}: fields moved to other lines")
    if settings.badges:
        from .badges import events_needing_badges

        soon = events_needing_badges(_events_of(after, base), settings)
        if soon:  # badges are slow to render (about 1 s an event at 10,000): a full build
            raise NotQuick(f"{where}: {soon[0].slug} is soon, and its badges show them")
    if before.github != after.github:
        raise NotQuick(f"{where}: the GitHub handle changed")
    if before.name != after.name:
        if index_letter(before.name) != index_letter(after.name):
            raise NotQuick(f"{where}: the name files under another letter")
        # the directory is sorted by name, members of the same name by file name
        order = base["order"]
        i = order.index(after.slug)
        key = (sort_key(after.name), after.source)

        def neighbour(j: int) -> tuple[tuple[int, str, str], str]:
            return sort_key(names.get(order[j], base["names"][j])), base["sources"][j]

        if (i > 0 and not neighbour(i - 1) < key) or (
            i + 1 < len(order) and not key < neighbour(i + 1)
        ):
            raise NotQuick(f"{where}: the name moves in the directory's order")


def quick_build(settings: FamiliarSettings, stamp: BuildStamp) -> int:
    """Make this build quickly (see the module's notes) and save its stamp; the number of
    files changed. NotQuick if it cannot be."""
    last, others = stamp.last, stamp.state.others
    state = _load(settings, FILE, others) if last else None
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
        beyond = [f for f in fields if f not in LOCAL_FIELDS + CARD_FIELDS]
        if beyond:  # before the records' larger part is read: most full builds stop here
            raise NotQuick(f"{path} changed {', '.join(beyond)}")
        edits.append(_Edit(before, member, key, fields))
    root = settings.output_path
    if _folder_times(root, state["folders"]) != state["folders"]:
        raise NotQuick("a file in the output folder was added, removed or renamed")
    base = _load(settings, BASE_FILE, others)
    if base is None or base["token"] != state["token"]:
        raise NotQuick("the quick rebuild records do not match")
    names = {slug: m.name for slug, m in state["members"].items()}
    names.update((e.after.slug, e.after.name) for e in edits)
    for edit in edits:
        _check(settings, edit, base, names)

    files = state["files"].split("\0")
    sizes, mtimes = state["sizes"], state["mtimes"]
    if DIRECTORY in files:
        i = files.index(DIRECTORY)
        if file_stats(root, [DIRECTORY]).get(DIRECTORY) != (sizes[i], mtimes[i]):
            raise NotQuick(f"{DIRECTORY} is not as the last build left it")
    out = Output(root)
    renamed = _write(settings, out, base, state, edits)
    if renamed:  # social cards drawn anew: the list of files and the manifest follow
        for old_rel, new_rel in renamed.items():
            if old_rel not in files or new_rel in files:
                raise NotQuick(f"{old_rel} is not as the last build left it")
            files[files.index(old_rel)] = new_rel
        state["files"] = "\0".join(files)
        out.write(MANIFEST, manifest_text(set(files) - {MANIFEST}), compare=False)
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
        # the folders this build wrote in, and those Pelican writes in (static files)
        folders = {rel.rpartition("/")[0] for rel in out.written} | {""}
        PENDING.append(_Pending(settings, others, state, None, folders))
    stamp.repeat_warnings()
    logger.info(
        "Familiar: quick rebuild: %s; %d files changed",
        ", ".join(f"{e.after.slug} changed {', '.join(e.fields) or 'nothing'}" for e in edits),
        out.changed,
    )
    return out.changed


def _site(
    settings: FamiliarSettings, base: dict[str, Any], members: list[Member], env: Any
) -> Site:
    """A site of a few members (in the directory's order, which attendee lists follow) with
    every event, the last full build's term slugs, and their photos (whose alternative text
    comes from the profile)."""
    from .pages import Site

    place = {slug: i for i, slug in enumerate(base["order"])}
    members = sorted(members, key=lambda m: place[m.slug])
    community = Community.partial(settings, members, base["events"], base["slug_maps"])
    kept = base["photos"]
    photos = {
        m.slug: dataclasses.replace(_photo_set(kept[m.slug]), alt=m.alt)
        for m in members
        if m.slug in kept
    }
    return Site(community, settings, env, photos)


def _write(
    settings: FamiliarSettings,
    out: Output,
    base: dict[str, Any],
    state: dict[str, Any],
    edits: list[_Edit],
) -> dict[str, str]:
    """The edited members' files, through `out`: their pages and vCards, directory.json, the
    members feed and, for card edits, the listing pages with their card, search.json and their
    social cards. Everything is made before anything is written. Returns the social cards
    renamed (old output path -> new)."""
    from . import social
    from .exports import (
        EVENTS_FEED,
        MEMBERS_FEED,
        event_feed_entry,
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
    events = {e.slug: e for x in edits if x.card for e in _events_of(x.after, base)}
    others: dict[str, Member] = {}
    for slug in events:
        for m in _load_event_people(settings, base["event_files"][slug]):
            others[m.slug] = state["members"].get(m.slug, m)
    for x in edits:
        others.pop(x.after.slug, None)
    now = _site(settings, base, [x.after for x in edits] + list(others.values()), env)
    was = _site(settings, base, [x.before for x in edits] + list(others.values()), env)
    now.community.digests.update((e.after.slug, e.key) for e in edits)
    writes: dict[str, Any] = {}
    patched: dict[str, tuple[Any, bool]] = {}  # file -> (pieces, whether they differ from it)
    lines: dict[str, bytes] = {}
    patches: dict[str, list[tuple[bytes, bytes]]] = {}  # output file -> (old, new) pieces
    links: dict[str, Path] = {}
    renamed: dict[str, str] = {}
    feed = dict(state["feed"])
    for e in edits:
        m = e.after
        if m.published:
            writes[f"members/{m.slug}/index.html"] = render_member(now, m)
            writes[vcard_rel(m)] = vcard(now, m)
        if m.listed:
            lines[m.slug] = json_line(member_json(now, m)).encode("utf-8")
        if m.slug in feed:
            feed[m.slug] = member_feed_entry(now, m)
        if not e.card:
            continue
        if m.published:
            spec, old_rel = social.member_card(now, m), social.member_card(was, e.before).rel
            if spec.rel != old_rel:
                links[spec.rel] = social.card_file(settings, spec)
                renamed[old_rel] = spec.rel
        if m.listed:
            for rel in _listing_pages(settings, base, m):
                patches.setdefault(rel, []).append(_card_change(was, now, e, rel))
            patches.setdefault(SEARCH, []).append(_search_change(was, now, e))
    event_feed = dict(state["event_feed"])
    if any(slug in event_feed for slug in events):
        event_feed.update((s, event_feed_entry(now, events[s])) for s in events if s in event_feed)
        state["event_feed"] = list(event_feed.items())
        writes[EVENTS_FEED] = events_feed_bytes(now, list(event_feed.values()))
    for event in events.values():
        _event_files(now, event, writes)
        spec, old_rel = social.event_card(now, event), social.event_card(was, event).rel
        if spec.rel != old_rel:
            links[spec.rel] = social.card_file(settings, spec)
            renamed[old_rel] = spec.rel
    if lines:
        data = (settings.output_path / DIRECTORY).read_bytes()
        patched[DIRECTORY] = _patched(data, lines)
    if any(e.after.slug in feed for e in edits):
        state["feed"] = list(feed.items())
        writes[MEMBERS_FEED] = members_feed_bytes(now, list(feed.values()))
    for rel, changes in patches.items():
        patched[rel] = _replaced(settings.output_path / rel, changes)
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


def _listing_pages(settings: FamiliarSettings, base: dict[str, Any], m: Member) -> list[str]:
    """The listing pages with the card of `m` (listed): the directory's and their terms' page
    where the last full build put them."""
    from .listings import page_path

    interests, categories, places = base["slug_maps"]
    folders = [""] + [f"interests/{interests[i]}/" for i in m.interests]
    if m.category:
        folders.append(f"categories/{categories[m.category]}/")
    if m.neighbourhood:
        folders.append(f"neighbourhoods/{places[m.neighbourhood]}/")
    pages = []
    for folder in dict.fromkeys(folders):  # two spellings of one interest: one page
        slugs = base["listings"][folder].split("\0")
        if m.slug not in slugs:
            raise NotQuick(f"{m.slug} is not on {folder or 'the directory'}")
        number = slugs.index(m.slug) // settings.page_size + 1
        pages.append(page_path(folder, number) + "index.html")
    return pages


def _event_files(site: Site, event: Event, writes: dict[str, Any]) -> None:
    """The event's page, face sheet, check-in list and check-in CSV, as events.event_pages
    makes them."""
    from .events import checkin_csv, event_context

    ctx = event_context(site, event)
    base = f"events/{event.slug}/"
    for path, template in ((base, "event.html"), (base + "faces/", "faces.html"),
                           (base + "checkin/", "checkin.html")):  # fmt: skip
        writes[path + "index.html"] = site.render(template, page_url=site.url(path), **ctx)
    writes[base + "checkin.csv"] = checkin_csv([c["a"] for c in ctx["cards"]])


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
    from .search import FACETS, _compact, member_entry

    def entry(site: Site, m: Member) -> bytes:
        c = site.community
        slugs = {facet: getattr(c, method)() for facet, (_, method) in FACETS.items()}
        return _compact(member_entry(site, m, slugs)).encode("utf-8")

    return [(entry(was, edit.before), entry(now, edit.after))]


def _replaced(path: Path, changes: list[Change]) -> tuple[list[bytes], bool]:
    """The file at `path` with each change made, and whether that changed it: of the ways a
    change lists, exactly one must be in the file, exactly once (else NotQuick: the page is
    not as the last build made it)."""
    data = path.read_bytes()
    changed = False
    for ways in changes:
        found = {old: new for old, new in ways if old in data}
        if len(found) != 1 or data.count(next(iter(found))) != 1:
            raise NotQuick(f"{path.name}: a card or entry to replace is not there just once")
        ((old, new),) = found.items()
        data = data.replace(old, new)
        changed |= old != new
    return [data], changed


def _patched(data: bytes, lines: dict[str, bytes]) -> tuple[list[bytes | memoryview], bool]:
    """directory.json with the lines of members (one member a line: exports.directory_text)
    replaced by `lines`, in pieces (ten thousand members make tens of megabytes: not copied),
    and whether that changed it."""
    cuts = []
    changed = False
    for slug, line in lines.items():
        mark = b'\n{"slug": ' + json.dumps(slug, ensure_ascii=False).encode("utf-8") + b","
        start = data.find(mark)
        if start < 0:
            raise NotQuick(f"{slug} is not in {DIRECTORY}")
        end = data.index(b"\n", start + 1)
        if data[end - 1 : end] == b",":  # the comma between members stays
            end -= 1
        cuts.append((start + 1, end, line))
        changed |= data[start + 1 : end] != line
    view = memoryview(data)
    pieces: list[bytes | memoryview] = []
    at = 0
    for start, end, line in sorted(cuts):
        pieces += [view[at:start], line]
        at = end
    pieces.append(view[at:])
    return pieces, changed


# Photo sets kept as plain tuples: pickling ten thousand dataclasses with slots costs 0.2 s
def _plain(p: PhotoSet) -> tuple:
    return p.alt, tuple((v.size, v.webp, v.jpeg) for v in p.variants), p.folder, p.byte_counts


def _photo_set(plain: tuple) -> PhotoSet:
    alt, variants, folder, counts = plain
    return PhotoSet(alt, tuple(Variant(*v) for v in variants), folder, counts)
