"""The records quick rebuilds (quick.py) are made from, kept in the cache folder by each build.

- FILE, the state: what each build changes (the output files with their sizes and times, the
  profiles' stat lines, the feeds' entries, the members edited since the last full build, the
  terms' spellings and slugs, how many come to each event, and the listings, directory's order
  and letters as quick rebuilds changed them);
- BASE_FILE, the base: what only a full build changes (events, photos, the directory's order
  and letters, each listing's members);
- EVENTS_DIR: per event, the members its pages show, in a file named by a hash of their
  profiles, so an event whose people did not change keeps its file.

All are signed (signing.py): a record that arrived any other way is never loaded. The state and
the base start with the hash of every input but the profiles, so a build with other changes
reads no further.
"""

from __future__ import annotations

import contextlib
import logging
import os
import pickle
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .buildstamp import BuildStamp
from .community import Community, term_spellings
from .models import Member
from .output import write_atomic
from .photo_sets import PhotoSet, Variant
from .settings import FamiliarSettings
from .signing import MAC_BYTES, seal, unpickle_sealed
from .text import index_letter

if TYPE_CHECKING:
    from .output import Output
    from .pages import Site

logger = logging.getLogger(__name__)

FILE = "quick.pickle"  # what each build changes: written after every build
BASE_FILE = "quick-base.pickle"  # what only a full build changes
EVENTS_DIR = "quick-events"  # per event, the members its pages show
FORMAT = b"familiar-quick-3"


def forget(settings: FamiliarSettings) -> None:
    for name in (FILE, BASE_FILE):
        (settings.cache_path / name).unlink(missing_ok=True)


def folder_times(root: Path, folders: Iterable[str]) -> dict[str, int]:
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


def read(settings: FamiliarSettings, name: str, others: str | None = None) -> Kept | None:
    """A record as this machine signed it, with the head it was saved under: only if that head
    is for `others` (the inputs but the profiles), when given, read before the rest."""
    try:
        data = (settings.cache_path / name).read_bytes()
    except OSError:
        return None
    if others is not None and not data.startswith(_head(others), MAC_BYTES):
        return None  # something besides profiles changed (or another version wrote it)
    end = data.find(b"\n", MAC_BYTES + len(FORMAT) + 1) + 1
    head = data[MAC_BYTES:end]
    if not head.startswith(FORMAT + b"\n"):
        return None
    record = unpickle_sealed(data, prefix=head)
    return Kept(head, record) if isinstance(record, dict) else None


def load(
    settings: FamiliarSettings, name: str, others: str, ready: Ready | None = None
) -> dict[str, Any] | None:
    """The record `name` if this machine signed it for these `others` (read already when it is
    in `ready`)."""
    kept = ready.kept.get(name) if ready is not None else None
    if kept is None:
        kept = read(settings, name, others)
    return kept.record if kept is not None and kept.head == _head(others) else None


@dataclass
class Kept:
    head: bytes  # the format and the hash of the inputs but the profiles it was made for
    record: dict[str, Any]


class Ready:
    """What a quick rebuild reads whatever the edit, read while the inputs are still being
    looked at (buildstamp.py: in another process). Steps are taken while `looking()`: a build
    with nothing changed, whose answer comes first, does not wait for more."""

    def __init__(self, settings: FamiliarSettings, looking: Callable[[], bool]) -> None:
        self.kept: dict[str, Kept | None] = {}
        self.folders: dict[str, int] | None = None  # the output folders' times, as now
        state = self.kept[FILE] = read(settings, FILE)
        if state is None or not looking():
            return
        self.folders = folder_times(settings.output_path, state.record.get("folders", ()))
        if looking():
            self.kept[BASE_FILE] = read(settings, BASE_FILE)


@dataclass
class Pending:
    settings: FamiliarSettings
    others: str
    state: dict[str, Any]  # what each build changes: written each time
    base: dict[str, Any] | None  # what only a full build changes
    folders: Iterable[str]  # output folders to look at again


# Records wait for Pelican's `finalized` signal: Pelican's own generators (static files) write
# into the output folder after Familiar's, and the folders' times are taken once all is done.
PENDING: list[Pending] = []


def save_pending(*_: Any) -> None:
    while PENDING:
        p = PENDING.pop()
        p.state["folders"].update(folder_times(p.settings.output_path, p.folders))
        if p.base is not None:
            _save(p.settings, BASE_FILE, p.others, p.base)
        _save(p.settings, FILE, p.others, p.state)


def record_full_build(site: Site, stamp: BuildStamp) -> None:
    """After a good full build (its stamp saved): keep what a quick rebuild will need, in two
    records: the base, which only a full build changes, and the state, which each build
    changes. Both kept compact (a quick rebuild reads them): file names in one string, sizes
    and times in arrays, photo sets as plain tuples, each listing's members as one string."""
    from .events import coming_counts
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
    people = event_people(c)
    base = {
        "token": token,
        "events": c.events,
        "photos": {slug: plain(p) for slug, p in site.photos.items()},
        # the directory's order (names decide it), for a new name's place
        "order": [m.slug for m in c.all_members],
        "names": [m.name for m in c.all_members],
        "sources": [m.source for m in c.all_members],  # ties of names go by file name
        "listings": listings,
        "letters": [index_letter(m.name) for m in c.listed],  # the directory's, in order
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
        # the terms as the output shows them (quick_terms.py changes them): each spelling's
        # slug, each term's spellings with their counts, and listings changed since base
        "slug_maps": (c.interest_slugs(), c.category_slugs(), c.neighbourhood_slugs()),
        "terms": term_spellings(c),
        "listings": {},
        "coming": coming_counts(c),  # event slug -> how many are coming, as /events/ says
    }
    PENDING.append(Pending(site.settings, stamp.state.others, state, base, folders))


def event_records(site: Site, out: Output) -> None:
    """Producer of a full build: the members each event's pages show, for quick rebuilds
    (EVENTS_DIR; record_full_build names the files in the base record). A file is named by
    its content, so it is right as soon as it is written: this runs with the other producers
    rather than after the build. A build that fails after leaves only files the next good build
    would write."""
    _save_event_people(site.settings, event_people(site.community))


def event_people(c: Community) -> dict[str, tuple[str, list[Member]]]:
    """Event slug -> (file name, members its pages show: attendees and organizers), for each
    event with any. A file is named by a hash of those members' profiles, so an event whose
    people did not change keeps its file from one full build to the next."""
    from .events import attendees
    from .pagecache import digest

    found = {}
    for e in c.events:
        # attendees() lists the organizers too (those with a page)
        shown = {a.member.slug: a.member for a in attendees(c, e) if a.member}
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


def load_event_people(settings: FamiliarSettings, name: str) -> list[Member] | None:
    """The members kept in event record `name`; None if it is missing or not signed here."""
    try:
        data = (settings.cache_path / EVENTS_DIR / name).read_bytes()
    except OSError:
        return None
    members = unpickle_sealed(data, prefix=FORMAT + b"\n")
    return members if isinstance(members, list) else None


# Photo sets kept as plain tuples (pickling ten thousand dataclasses with slots costs 0.2 s),
# without their alternative text, which comes from the profile (Member.alt)
def plain(p: PhotoSet) -> tuple:
    return tuple((v.size, v.webp, v.jpeg) for v in p.variants), p.folder, p.byte_counts


def photo_set(kept: tuple, alt: str) -> PhotoSet:
    variants, folder, counts = kept
    return PhotoSet(alt, tuple(Variant(*v) for v in variants), folder, counts)
