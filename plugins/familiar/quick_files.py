"""Output files a quick rebuild (quick.py) changes in place: a piece replaced, cut or put
elsewhere, the rest of the file as the last build wrote it. Each change first checks that the
file is as expected (the piece to change found exactly once, where it must be); if not, the
build is not quick (NotQuick) and runs in full."""

from __future__ import annotations

import json
from pathlib import Path

from .output import MANIFEST, manifest_text

DIRECTORY = "directory.json"
SEARCH = "search.json"
Change = list[tuple[bytes, bytes]]  # the ways a piece of a page may read now, each with the new


class NotQuick(Exception):
    """This build cannot be a quick one (the reason is the message): it runs in full."""


def manifest_renamed(root: Path, files: list[str], renamed: dict[str, str]) -> bytes | str:
    """The manifest (output.manifest_text) with the files `renamed` (old -> new name) in the
    build's sorted list of `files`, which follows. A social card's new name differs from the
    old only in its key, so it usually sorts to the same place: then its line of the manifest
    is replaced; else the list is sorted and the manifest made anew (0.12 s at 10,000)."""
    try:
        data = (root / MANIFEST).read_bytes()
        anew = False
    except OSError:
        data, anew = b"", True
    for old_rel, new_rel in renamed.items():
        if old_rel not in files or new_rel in files:
            raise NotQuick(f"{old_rel} is not as the last build left it")
        i = files.index(old_rel)
        files[i] = new_rel
        line = b"\n" + json.dumps(old_rel).encode("utf-8")
        at = data.find(line)
        end = at + len(line)
        if (
            anew
            or not (i == 0 or files[i - 1] < new_rel)
            or not (i + 1 == len(files) or new_rel < files[i + 1])
            or at < 0
            or data[end : end + 1] not in (b",", b"\n")
            or data.find(line, end) >= 0
        ):
            anew = True
            continue
        data = data[:at] + b"\n" + json.dumps(new_rel).encode("utf-8") + data[end:]
    if anew:
        files.sort()
        return manifest_text(set(files) - {MANIFEST})
    return data


def search_moved(path: Path, old: bytes, new: bytes, after: str | None) -> list[bytes | memoryview]:
    """search.json (at `path`) with the entry `old` of a member whose name moved cut from its
    place, and their entry `new` put before the entry of `after` (the member now after them
    in the directory; None: at the end), in pieces of the file.

    The members' entries are compact JSON objects of strings and lists of strings, written as
    search.index_text writes them, each with `"slug":<slug>,"text":` once. An entry starts with
    `{"` and a key; in the list of members, `{"` is found elsewhere only at the end of a string
    that ends in `{` (a quote inside a string is written `\\"`), and is then followed by `,`,
    `]` or `}`. The entry cut must be exactly the one the last build made."""
    data = path.read_bytes()
    head = b'"members":['
    start, end = data.find(head) + len(head), data.rfind(b'],"root":')
    at = data.find(old, start, end)
    if start < len(head) or at < 0 or data.find(old, at + 1, end) >= 0:
        raise NotQuick(f"the moved member's entry is not in {SEARCH} once")
    stop = at + len(old)
    if data[stop : stop + 1] == b",":  # the entry and its comma go
        cut = (at, stop + 1)
    elif stop == end and data[at - 1 : at] == b",":  # the last: the comma before it goes
        cut = (at - 1, stop)
    else:
        raise NotQuick(f"{SEARCH} is not as the last build made it")
    if after is None:
        put, piece = end, b"," + new
    else:
        mark = b'"slug":' + json.dumps(after, ensure_ascii=False).encode("utf-8") + b',"text":'
        found = put = data.find(mark, start, end)
        while put >= 0 and (put == found or data[put + 2 : put + 3] in b",]}"):
            put = data.rfind(b'{"', start, put)
        if found < 0 or put < 0 or data.find(mark, found + 1, end) >= 0:
            raise NotQuick(f"{after} is not in {SEARCH} once")
        piece = new + b","
    if cut[0] < put < cut[1]:
        raise NotQuick(f"{SEARCH} is not as the last build made it")
    view = memoryview(data)
    if put <= cut[0]:
        return [view[:put], piece, view[put : cut[0]], view[cut[1] :]]
    return [view[: cut[0]], view[cut[1] : put], piece, view[put:]]


def pieces_replaced(path: Path, changes: list[Change]) -> tuple[list[bytes], bool]:
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


def directory_patched(
    path: Path,
    lines: dict[str, bytes],
    events: dict[str, bytes],
    move: tuple[str, str | None] | None = None,
) -> tuple[list[bytes | memoryview], bool]:
    """directory.json (at `path`) with the lines of members and of events (one a line, members first:
    exports.directory_text) replaced by `lines` and `events`, in pieces (ten thousand members
    make tens of megabytes: not copied), and whether that changed it. `move`: a member whose
    line moves to before the line of another (None: to the end), with the commas between
    members as they must be."""
    data = path.read_bytes()
    cuts = []
    changed = False
    split = data.find(b'\n],\n"events": [\n')
    if split < 0:
        raise NotQuick(f"{DIRECTORY} has no events")

    def find(slug: str, at: int) -> int:
        """Where the line of `slug` starts (after `at`, in its section)."""
        mark = b'\n{"slug": ' + json.dumps(slug, ensure_ascii=False).encode("utf-8") + b","
        start = data.find(mark, at)
        if start < 0 or (at == 0 and start > split):
            raise NotQuick(f"{slug} is not in {DIRECTORY}")
        return start + 1

    for slug, line, at in [*((s, x, 0) for s, x in lines.items()),
                           *((s, x, split) for s, x in events.items())]:  # fmt: skip
        start = find(slug, at)
        end = data.index(b"\n", start)
        if move and slug == move[0]:
            if data[end - 1 : end] == b",":  # the line and its comma go
                cuts.append((start, end + 1, b""))
            elif data[start - 2 : start] == b",\n":  # the last: the comma before it goes
                cuts.append((start - 2, end, b""))
            else:
                raise NotQuick(f"{DIRECTORY} is not as the last build made it")
            if move[1] is None:
                cuts.append((split, split, b",\n" + line))
            else:
                here = find(move[1], 0)
                cuts.append((here, here, line + b",\n"))
            changed = True
            continue
        if data[end - 1 : end] == b",":  # the comma between members stays
            end -= 1
        cuts.append((start, end, line))
        changed |= data[start:end] != line
    view = memoryview(data)
    pieces: list[bytes | memoryview] = []
    at = 0
    for start, end, line in sorted(cuts):
        pieces += [view[at:start], line]
        at = end
    pieces.append(view[at:])
    return pieces, changed
