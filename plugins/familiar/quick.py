"""Quick rebuilds: a profile edit that shows only in the member's own files, made without
loading the whole community.

Most edits to a profile after joining are to the bio, the website, the e-mail address or what
the member is looking for (community.LOCAL_FIELDS). These show in the member's own page and
vCard, their line of /directory.json and, for the bio of the newest members, the members feed.
A full build at ten thousand members spends seconds loading and checking everyone to find that
out; a quick rebuild reads the changed profiles only and makes those files again, byte for byte
what a full build makes.

A quick rebuild runs only when all of this holds; otherwise the build runs in full, as before:
- the last build was good and left its records (FILE and BASE_FILE, signed: signing.py);
- nothing but member profiles changed since: settings, date, theme, plugin, events, photos and
  every other file are as they were, no profile was added, removed or renamed, and at most
  MAX_CHANGED profiles changed;
- each changed profile reads without a problem and differs from what the last build read only
  in LOCAL_FIELDS (every other field shows elsewhere: cards, badges, event pages, search), with
  its other fields on the same lines;
- the output folder is as the last build left it: every folder of it as it was (adding, removing
  or renaming a file changes its folder), and directory.json as that build wrote it.

What a quick rebuild does not look at: a file in output/ edited in place by hand. The next build
that is not quick (nothing changed, or any other change) finds it and makes it again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import pickle
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .buildstamp import BuildStamp, stats_hash
from .community import LOCAL_FIELDS, Community, load_member
from .models import Member
from .output import Output, file_stats, write_atomic
from .photos import PhotoSet, Variant
from .settings import FamiliarSettings
from .signing import MAC_BYTES, seal, unpickle_sealed

if TYPE_CHECKING:
    from .pages import Site

logger = logging.getLogger(__name__)

FILE = "quick.pickle"  # what each build changes: written after every build
BASE_FILE = "quick-base.pickle"  # what only a full build changes
FORMAT = b"familiar-quick-1"
MAX_CHANGED = 20
DIRECTORY = "directory.json"


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


# Records wait for Pelican's `finalized` signal: Pelican's own generators (static files) write
# into the output folder after Familiar's, and the folders' times are taken once all is done.
PENDING: list[_Pending] = []


def save_pending(*_: Any) -> None:
    while PENDING:
        p = PENDING.pop()
        p.state["folders"].update(_folder_times(p.settings.output_path, p.folders))
        if p.base is not None:
            _save(p.settings, BASE_FILE, p.others, p.base)
        _save(p.settings, FILE, p.others, p.state)


def record_full_build(site: Site, stamp: BuildStamp) -> None:
    """After a good full build (its stamp saved): keep what a quick rebuild will need, in two
    records: the base, which only a full build changes, and the state, which each build
    changes. Both kept compact (a quick rebuild reads them): file names in one string, sizes
    and times in arrays, photo sets as plain tuples."""
    from .exports import feed_members, member_feed_entry

    if stamp.saved is None:
        return
    files, (outputs, sizes, mtimes) = stamp.saved
    c = site.community
    folders = sorted({rel.rpartition("/")[0] for rel in files} | {""})
    token = os.urandom(12).hex()
    base = {
        "token": token,
        "files": "\0".join(files),
        "outward": c.outward,
        "events": c.events,
        "photos": {slug: _plain(p) for slug, p in site.photos.items()},
        "slug_maps": (c.interest_slugs(), c.category_slugs(), c.neighbourhood_slugs()),
    }
    state = {
        "token": token,
        "stamp": outputs,
        "sizes": sizes,
        "mtimes": mtimes,
        "folders": {},
        "profiles": stamp.state.profiles,
        "feed": [(m.slug, member_feed_entry(site, m)) for m in feed_members(site)],
    }
    PENDING.append(_Pending(site.settings, stamp.state.others, state, base, folders))


class NotQuick(Exception):
    """This build cannot be a quick one (the reason is the message): it runs in full."""


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
    root = settings.output_path
    if _folder_times(root, state["folders"]) != state["folders"]:
        raise NotQuick("a file in the output folder was added, removed or renamed")
    base = _load(settings, BASE_FILE, others)
    if base is None or base["token"] != state["token"]:
        raise NotQuick("the quick rebuild records do not match")
    ctx = {"timezone": settings.timezone}
    members: list[tuple[Member, str]] = []
    for path in changed:
        slug, _, member, errors, key, outward = load_member(Path(path), settings.site_root, ctx)
        if errors or member is None:
            raise NotQuick(f"{path} has problems")
        if base["outward"].get(slug) != outward:
            raise NotQuick(f"{path} changed more than {', '.join(LOCAL_FIELDS)}")
        members.append((member, key))

    files = base["files"].split("\0")
    sizes, mtimes = state["sizes"], state["mtimes"]
    if DIRECTORY in files:
        i = files.index(DIRECTORY)
        if file_stats(root, [DIRECTORY]).get(DIRECTORY) != (sizes[i], mtimes[i]):
            raise NotQuick(f"{DIRECTORY} is not as the last build left it")
    out = Output(root)
    _write(settings, out, base, state, members)
    for rel, (size, mtime) in file_stats(root, out.written).items():
        if rel not in files:  # not a file of the last build: a full build sorts it out
            raise NotQuick(f"{rel} was not made by the last build")
        i = files.index(rel)
        sizes[i], mtimes[i] = size, mtime
    stamp.record(files, (stats_hash(files, sizes, mtimes), sizes, mtimes), stamp.summary())
    if stamp.saved is not None:
        state["profiles"] = new
        state["stamp"] = stamp.saved[1][0]
        # the folders this build wrote in, and those Pelican writes in (static files)
        folders = {rel.rpartition("/")[0] for rel in out.written} | {""}
        PENDING.append(_Pending(settings, others, state, None, folders))
    stamp.repeat_warnings()
    logger.info(
        "Familiar: quick rebuild: %s changed only in fields shown on their own page (%s); "
        "%d files changed",
        ", ".join(m.slug for m, _ in members),
        ", ".join(f for f in LOCAL_FIELDS if not f.endswith("_line")),
        out.changed,
    )
    return out.changed


def _write(
    settings: FamiliarSettings,
    out: Output,
    base: dict[str, Any],
    state: dict[str, Any],
    members: list[tuple[Member, str]],
) -> None:
    """The changed members' pages, directory.json and the members feed, through `out`."""
    from .exports import (
        MEMBERS_FEED,
        json_line,
        member_feed_entry,
        member_json,
        members_feed_bytes,
        vcard,
        vcard_rel,
    )
    from .pages import Site, make_env, render_member

    edited = [m for m, _ in members]
    community = Community.partial(settings, edited, base["events"], base["slug_maps"])
    community.digests.update((m.slug, key) for m, key in members)
    kept = base["photos"]
    photos = {m.slug: _photo_set(kept[m.slug]) for m in edited if m.slug in kept}
    site = Site(community, settings, make_env(settings), photos)
    lines: dict[str, bytes] = {}
    feed = dict(state["feed"])
    for m in edited:
        if m.published:
            out.write(f"members/{m.slug}/index.html", render_member(site, m))
            out.write(vcard_rel(m), vcard(site, m))
        if m.listed:
            lines[m.slug] = json_line(member_json(site, m)).encode("utf-8")
        if m.slug in feed:
            feed[m.slug] = member_feed_entry(site, m)
    if lines:
        data = (settings.output_path / DIRECTORY).read_bytes()
        out.write(DIRECTORY, _patched(data, lines))
    if any(m.slug in feed for m in edited):
        state["feed"] = list(feed.items())
        out.write(MEMBERS_FEED, members_feed_bytes(site, list(feed.values())))


def _patched(data: bytes, lines: dict[str, bytes]) -> list[bytes | memoryview]:
    """directory.json with the lines of members (one member a line: exports.directory_text)
    replaced by `lines`, in pieces (ten thousand members make tens of megabytes: not copied)."""
    cuts = []
    for slug, line in lines.items():
        mark = b'\n{"slug": ' + json.dumps(slug, ensure_ascii=False).encode("utf-8") + b","
        start = data.find(mark)
        if start < 0:
            raise NotQuick(f"{slug} is not in {DIRECTORY}")
        end = data.index(b"\n", start + 1)
        if data[end - 1 : end] == b",":  # the comma between members stays
            end -= 1
        cuts.append((start + 1, end, line))
    view = memoryview(data)
    pieces: list[bytes | memoryview] = []
    at = 0
    for start, end, line in sorted(cuts):
        pieces += [view[at:start], line]
        at = end
    pieces.append(view[at:])
    return pieces


# Photo sets kept as plain tuples: pickling ten thousand dataclasses with slots costs 0.2 s
def _plain(p: PhotoSet) -> tuple:
    return p.alt, tuple((v.size, v.webp, v.jpeg) for v in p.variants), p.folder, p.byte_counts


def _photo_set(plain: tuple) -> PhotoSet:
    alt, variants, folder, counts = plain
    return PhotoSet(alt, tuple(Variant(*v) for v in variants), folder, counts)
