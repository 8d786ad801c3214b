"""The one place that writes the site's files: only bytes that changed, and nothing stale left.

Unchanged files keep their bytes and modification time, so a deploy uploads little; files an
earlier build wrote that this build did not (a removed member's page) are deleted, using a
manifest of what the previous build wrote.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterable
from pathlib import Path
from stat import S_ISDIR, S_ISLNK, S_ISREG

MANIFEST = ".familiar-files.json"


def write_atomic(path: Path, data: bytes | str) -> None:
    """Put `data` at `path` (a cache file) all at once: written beside it under a name of this
    process's own, then renamed over it. Processes that make the same file at the same time
    (two events' badges with the same member) each finish with a whole file."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def manifest_text(written: Iterable[str]) -> str:
    """The manifest of a build's files: `json.dumps(sorted(written), indent=0)`, made by the
    C encoder (with `indent` JSON encodes in Python: 0.15 s for the 80,000 files of ten
    thousand members)."""
    names = sorted(written)
    if not names:
        return "[]"
    return "[\n" + json.dumps(names, separators=(",\n", ":"))[1:-1] + "\n]"


def file_stats(
    root: Path, rels: Iterable[str], seen: dict[str, tuple[int, int]] | None = None
) -> dict[str, tuple[int, int]]:
    """(size, mtime_ns) of each of `rels` under `root` that exists, from `seen` where it has
    them, else looked up (symbolic links not followed)."""
    found: dict[str, tuple[int, int]] = {}
    seen = seen or {}
    prefix = f"{root}/"  # a plain string join: this runs for every output file
    for rel in rels:
        hit = seen.get(rel)
        if hit is None:
            try:
                st = os.stat(prefix + rel, follow_symlinks=False)
            except OSError:
                continue
            hit = (st.st_size, st.st_mtime_ns)
        found[rel] = hit
    return found


class UnsafeOutputPath(Exception):
    """A page would be written outside the output folder or over another page."""


def _same_bytes(path: str, pieces: list[bytes], size: int | None = None) -> bool:
    """Whether the file at `path` (of `size` bytes, if the caller has looked) holds exactly the
    `pieces` one after another (compared a piece at a time: an index can be tens of
    megabytes, and reading it whole, or joining the pieces, would hold it in memory twice)."""
    try:
        if (os.stat(path).st_size if size is None else size) != sum(len(p) for p in pieces):
            return False
        with open(path, "rb") as f:
            return all(f.read(len(p)) == p for p in pieces) and not f.read(1)
    except OSError:
        return False


class Output:
    """Paths are plain strings inside: a build of ten thousand members writes or links about
    ninety thousand files, and pathlib's parsing would cost a second of that."""

    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self._root = str(self.root)
        self._inside = self._root.rstrip("/") + "/"  # what a path strictly inside starts with
        self.written: set[str] = set()
        self.changed = 0
        # (size, mtime_ns) of kept files whose stat was taken anyway: not taken again at the end
        self.seen: dict[str, tuple[int, int]] = {}
        self._folders: dict[str, str] = {}  # folder part of rel -> its resolved path
        self._made: set[str] = set()  # folders known to exist
        # folders this Output made: nothing in them is older than this build, so a file about
        # to be written there is not looked for first (a first build of ten thousand members
        # would look for some eighty thousand files that cannot be there)
        self._fresh: set[str] = set()

    def path_for(self, rel: str) -> Path:
        """Where `rel` goes: inside the output folder after following every symbolic link on
        the way, else UnsafeOutputPath. Folders are resolved once each (a build writes tens of
        thousands of files into a few folders, and resolving costs a system call per part)."""
        return Path(self._place(rel)[1])

    def _place(self, rel: str, make: bool = False) -> tuple[str, str, os.stat_result | None]:
        """The folder `rel` goes in and its path (as path_for), and what is there now (lstat;
        None if nothing). `make`: the folder is made first if need be (to write `rel`)."""
        folder, _, name = rel.rpartition("/")
        if name in ("", ".", "..") or rel.startswith("/"):
            raise UnsafeOutputPath(f"refusing to write {rel!r}: not a file name")
        parent = self._folders.get(folder)
        if parent is None:
            parent = self._folders[folder] = self._resolved(folder, make)
        # checked on every call: a folder resolved on the way to a deeper one (and remembered)
        # has not been checked itself
        if parent != self._root and not parent.startswith(self._inside):
            raise UnsafeOutputPath(f"refusing to write {rel!r} outside {self.root}")
        target = f"{parent}/{name}"
        if make:
            self._folder(parent)
        if parent in self._fresh:
            # nothing of an earlier build is there; a file another process of this build
            # wrote meanwhile makes the exclusive create or link fail, and is replaced
            return parent, target, None
        try:
            st = os.lstat(target)
        except OSError:
            return parent, target, None
        # the file itself may be a link only to somewhere inside (it is replaced, never
        # written through, but a link out is refused as it always was)
        if S_ISLNK(st.st_mode) and not os.path.realpath(target).startswith(self._inside):
            raise UnsafeOutputPath(f"refusing to write {rel!r} outside {self.root}")
        return parent, target, st

    def _resolved(self, folder: str, make: bool = False) -> str:
        """`root/folder` resolved: the folder above it as resolved before (remembered), then
        its last part followed if it is a link. As `Path.resolve` makes it, with one system
        call for a new folder rather than one for each part of its path. `make`: a folder
        missing inside the output folder is made here, and is then known to be no link."""
        up, _, name = folder.rpartition("/")
        if name in ("", ".", "..") or (up and up.endswith("/")):
            return os.path.realpath(f"{self._root}/{folder}")
        above = self._folders.get(up) if up else self._root
        if above is None:
            above = self._folders[up] = self._resolved(up, make)
        path = f"{above}/{name}"
        if make and (above == self._root or above.startswith(self._inside)):
            try:
                os.mkdir(path)
            except OSError:  # there already (looked at below), or the folder above is not
                pass
            else:
                self._made_now(path)
                return path  # no link
        try:
            st = os.lstat(path)
        except OSError:
            return path
        if S_ISLNK(st.st_mode):
            return os.path.realpath(path)
        if S_ISDIR(st.st_mode):
            self._made.add(path)  # there already: not made again
        return path

    def found(self, rel: str) -> tuple[int, int] | None:
        """(size, mtime_ns) of the regular file at `rel` if there is one (a link is not), not
        looked for in a folder this Output made."""
        try:
            there = self._place(rel)[2]
        except UnsafeOutputPath:
            return None
        if there is None or not S_ISREG(there.st_mode):
            return None
        return there.st_size, there.st_mtime_ns

    def write(
        self,
        rel: str,
        data: bytes | str | list[bytes] | list[bytes | memoryview],
        compare: bool = True,
    ) -> str:
        """Write `rel` under the output folder unless it already holds exactly these bytes
        (`data` may be a list of pieces, written one after another). `compare=False`: the
        caller knows they differ (a patched index of tens of megabytes is not read again).
        Returns the file's path (a string: a build writes tens of thousands)."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        pieces = data if isinstance(data, list) else [data]
        if rel in self.written:
            raise UnsafeOutputPath(f"two pages want the same file {rel!r}")
        parent, target, there = self._place(rel, make=True)  # the folder made if need be
        self.written.add(rel)
        if there is None:
            # nothing there (most files of a first build): made in place, one file created
            # rather than a temporary one renamed
            with contextlib.suppress(FileExistsError):  # made meanwhile: replaced below
                self._write_to(rel, target, pieces, os.O_EXCL)
                self.changed += 1
                return target
        elif compare and _same_bytes(
            target, pieces, there.st_size if S_ISREG(there.st_mode) else None
        ):  # (a link, to inside, is compared through)
            if S_ISREG(there.st_mode):
                self.seen[rel] = (there.st_size, there.st_mtime_ns)
            return target
        tmp = self._temporary(parent, rel)
        self._write_to(rel, tmp, pieces, os.O_TRUNC)
        os.replace(tmp, target)
        self.changed += 1
        return target

    @staticmethod
    def _temporary(parent: str, rel: str) -> str:
        """A name beside `rel`'s file for this process to make it under, then rename."""
        return f"{parent}/.{rel.rpartition('/')[2]}.tmp{os.getpid()}"

    def _write_to(
        self, rel: str, path: str, pieces: list[bytes] | list[bytes | memoryview], flag: int
    ) -> None:
        """Write `pieces` to the file `path`, opened with `flag` besides creating (never through
        a link), and keep its size and time as the file at `rel` will have them (a rename keeps
        both): not looked up again at the end of the build."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC | flag, 0o666)
        with open(fd, "wb") as f:
            f.writelines(pieces)
            f.flush()
            st = os.fstat(fd)
        self.seen[rel] = (st.st_size, st.st_mtime_ns)

    def link(self, rel: str, source: Path | str, size: int | None = None) -> str:
        """Put the file `source` (an immutable, content-named cache file) at `rel`: a hard link
        when the cache and the output share a file system, else a copy. With `size`, a regular
        file of that many bytes already at `rel` is kept as it is: the caller names its files
        after their content (a photo's name carries its hash)."""
        if rel in self.written:
            raise UnsafeOutputPath(f"two pages want the same file {rel!r}")
        parent, target, there = self._place(rel, make=True)  # the folder made if need be
        self.written.add(rel)
        if there is not None and S_ISREG(there.st_mode) and there.st_size == size:
            self.seen[rel] = (there.st_size, there.st_mtime_ns)
            return target
        try:
            os.link(source, target)  # the usual case in a fresh output folder: one call
        except FileExistsError:  # replaced whole, never written through
            tmp = self._temporary(parent, rel)
            try:
                os.link(source, tmp)
            except OSError:
                shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        except OSError:  # another file system
            tmp = self._temporary(parent, rel)
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        # looked at now rather than at the end (in a big build this runs beside the other
        # process, and the end of the build waits for nothing else)
        with contextlib.suppress(OSError):
            st = os.stat(target, follow_symlinks=False)
            self.seen[rel] = (st.st_size, st.st_mtime_ns)
        self.changed += 1
        return target

    def _folder(self, path: str) -> None:
        """Make the folder `path` and the folders above it if need be (as os.makedirs does,
        without its looks when the folder above is there), and note the ones made."""
        if path in self._made:
            return
        try:
            os.mkdir(path)
        except FileNotFoundError:
            up = os.path.dirname(path)
            if up == path:
                raise
            self._folder(up)
            try:
                os.mkdir(path)
            except FileExistsError:  # made meanwhile by another process of the build
                self._exists(path)
                return
        except FileExistsError:
            self._exists(path)
            return
        self._made_now(path)

    def _made_now(self, path: str) -> None:
        """This Output has just made the folder `path` (see _fresh)."""
        self._made.add(path)
        self._fresh.add(path)

    def _exists(self, path: str) -> None:
        """`path` is there: a folder (noted) or, as os.makedirs says, FileExistsError."""
        if not os.path.isdir(path):
            raise FileExistsError(f"{path} is there and is not a folder")
        self._made.add(path)

    def keep(self, rel: str, seen: tuple[int, int] | None = None) -> None:
        """Mark a file as this build's without writing it (it is known to be up to date);
        `seen` is its (size, mtime_ns) if the caller has just looked."""
        self.written.add(rel)
        if seen is not None:
            self.seen[rel] = seen

    def look(self) -> dict[str, tuple[int, int]]:
        """Complete `seen` with every file of this build not yet looked at, and return it: a
        build of ten thousand members has a hundred thousand files, and the page keys and the
        build stamp both want their sizes and times. Call when the build has written all."""
        self.seen = file_stats(self.root, self.written, self.seen)
        return self.seen

    def finish(self) -> list[str]:
        """Delete what the previous build wrote and this one did not; record this build's files."""
        manifest = self.root / MANIFEST
        try:
            before = set(json.loads(manifest.read_text()))
        except (OSError, ValueError):
            before = set()
        removed = []
        for rel in sorted(before - self.written):
            try:
                target = self.path_for(rel)
            except UnsafeOutputPath:
                continue
            if target.is_file():
                target.unlink()
                removed.append(rel)
                parent = target.parent
                while parent != self.root and not any(parent.iterdir()):
                    parent.rmdir()
                    parent = parent.parent
        self.root.mkdir(parents=True, exist_ok=True)
        new = manifest_text(self.written)
        if not manifest.exists() or manifest.read_text() != new:
            manifest.write_text(new)
        return removed
