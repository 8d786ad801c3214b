"""Recognises a build whose inputs and outputs are exactly as the last good build left them.

Such a build has nothing to do: every page it would render is already in the output folder,
byte for byte. The stamp records the state of every input (each file under content/, the theme
and the plugin: path, size, modification and change times, inode), the settings, the date the
build took as today, and the size and modification time of every output file Familiar wrote.
If any of these differ (a profile edited, touched or renamed, a template changed, a new day,
an output file deleted or edited by hand) the build runs in full, as it would without a stamp.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from array import array
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .lanes import Aside
from .output import write_atomic
from .settings import FamiliarSettings, is_content_name

logger = logging.getLogger(__name__)

FILE = "build-stamp.json"
SKIP_DIRS = {"__pycache__", ".git"}
PLUGIN_DIR = Path(__file__).resolve().parent
RECORD_KEYS = ("inputs", "outputs", "files")  # the stamp's own; the rest is the summary


def _tree_lines(root: Path, skip: set[str]) -> list[str]:
    """One line per file under `root`, sorted: its path and what stat says about it."""
    lines = []
    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                if e.name not in SKIP_DIRS and e.path not in skip:
                    stack.append(e.path)
                continue
            try:
                st = e.stat(follow_symlinks=False)
            except OSError:
                continue
            lines.append(
                f"{e.path}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}"
                f"\0{st.st_mode}"
            )
    lines.sort()
    return lines


def _hash_tree(h: Any, root: Path, lines: list[str]) -> None:
    h.update(f"{root}\n{len(lines)}\n".encode())
    h.update("\n".join(lines).encode("utf-8", "surrogateescape"))


@dataclass
class InputState:
    """What a build reads, looked at once: a hash of all of it (`whole`), and for quick rebuilds
    (quick.py) a hash of all but the member profiles (`others`) and each profile's line."""

    whole: str
    others: str
    profiles: dict[str, str]

    @classmethod
    def look(cls, settings: FamiliarSettings) -> InputState:
        skip = {str(settings.cache_path), str(settings.output_path)}
        whole = hashlib.blake2b(digest_size=16)
        others = hashlib.blake2b(digest_size=16)
        for h in (whole, others):
            h.update(repr(settings).encode("utf-8"))
        members = str(settings.members_path)
        profiles: dict[str, str] = {}
        for root in (settings.content_path, settings.theme_path, PLUGIN_DIR):
            lines = _tree_lines(root, skip)
            _hash_tree(whole, root, lines)
            rest = []
            for line in lines:
                path = line.partition("\0")[0]
                folder, _, name = path.rpartition("/")
                # a member's profile: a content file directly in the members folder
                if folder == members and is_content_name(name):
                    profiles[path] = line
                else:
                    rest.append(line)
            _hash_tree(others, root, rest)
        return cls(whole.hexdigest(), others.hexdigest(), profiles)


Stats = tuple[str, array, array]  # a hash of the outputs, their sizes and their mtimes


def stats_hash(rels: list[str], sizes: array, mtimes: array) -> str:
    """A hash of the files `rels` with these sizes and modification times (arrays of int64)."""
    h = hashlib.blake2b(digest_size=16)
    h.update("\0".join(rels).encode("utf-8", "surrogateescape"))
    h.update(sizes.tobytes())
    h.update(mtimes.tobytes())
    return h.hexdigest()


def output_state(
    root: Path, rels: list[str], seen: dict[str, tuple[int, int]] | None = None
) -> Stats | None:
    """The size and modification time of each of `rels` (from `seen` where it has them, else
    looked up, symbolic links not followed), and their hash; None if one is missing.

    One loop filling the arrays: a rebuild with nothing changed looks at every output file (a
    hundred thousand at ten thousand members), and this is most of its time."""
    sizes, mtimes = array("q"), array("q")
    size, mtime = sizes.append, mtimes.append
    prefix = f"{root}/"  # a plain string join: this runs for every output file
    stat, seen = os.stat, seen or {}
    try:
        for rel in rels:
            hit = seen.get(rel) if seen else None
            if hit is None:
                st = stat(prefix + rel, follow_symlinks=False)
                size(st.st_size)
                mtime(st.st_mtime_ns)
            else:
                size(hit[0])
                mtime(hit[1])
    except (OSError, TypeError):  # a file missing (or a stamp naming something not a name)
        return None
    return stats_hash(rels, sizes, mtimes), sizes, mtimes


class BuildStamp:
    """The stamp of the last good build, in the cache folder.

    The inputs are looked at (and, when they are as the last build's, the outputs) in a forked
    child: at ten thousand members that takes a few tenths of a second, which this process
    spends getting a quick rebuild ready (generator.py). `current()` takes the child's answer."""

    def __init__(self, settings: FamiliarSettings, aside: bool = True) -> None:
        self.settings = settings
        self.path = settings.cache_path / FILE
        self.output = settings.output_path
        self.last: dict[str, Any] | None = self._read()  # the last good build's record
        # what the last save() recorded: the files, and the hash, sizes and mtimes of them
        self.saved: tuple[list[str], Stats] | None = None
        # set by current()
        self.state: InputState
        self.inputs: str
        self._aside = Aside(self._look) if aside and hasattr(os, "fork") else None

    def _read(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def _look(self) -> tuple[str, str, dict[str, str], bool]:
        """The inputs' state, and whether the inputs and outputs are as the last build's."""
        state = InputState.look(self.settings)
        data = self.last
        same = False
        if data and data.get("inputs") == state.whole and isinstance(data.get("files"), list):
            outputs = output_state(self.output, data["files"])
            same = outputs is not None and outputs[0] == data.get("outputs")
        return state.whole, state.others, state.profiles, same

    def looking(self) -> bool:
        """Whether the inputs are still being looked at (in the child)."""
        return self._aside is not None and not self._aside.ready()

    def current(self) -> dict[str, Any] | None:
        """The last build's record if nothing has changed since it, else None."""
        found = self._aside.result() if self._aside is not None else None
        self._aside = None
        whole, others, profiles, same = found if found is not None else self._look()
        self.state = InputState(whole, others, profiles)
        self.inputs = whole
        return self.last if same else None

    def summary(self) -> dict[str, Any]:
        """What the last good build reported (its page counts and warnings)."""
        return {k: v for k, v in (self.last or {}).items() if k not in RECORD_KEYS}

    def repeat_warnings(self) -> None:
        """Log the last good build's warnings again: a build that keeps its output says what
        that build said."""
        for w in self.summary().get("warnings", []):
            logger.warning("%s", w)

    def forget(self) -> None:
        """A build is starting: until it finishes well, there is no good build to compare with."""
        self.path.unlink(missing_ok=True)

    def save(
        self,
        written: set[str],
        summary: dict[str, Any],
        seen: dict[str, tuple[int, int]] | None = None,
    ) -> None:
        """Record this (good) build: its inputs, its output files (`seen`: the size and
        modification time of those already looked up) and what it reported."""
        files = sorted(written)
        state = output_state(self.output, files, seen)
        if state is None:  # something removed an output file during the build: no stamp
            return
        self.record(files, state, summary)

    def record(self, files: list[str], state: Stats, summary: dict[str, Any]) -> None:
        """Save the stamp: these inputs, the output `files` (sorted) in this `state`."""
        data = {"inputs": self.inputs, "outputs": state[0], "files": files, **summary}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(data))
        except OSError as e:  # a stamp that cannot be written only costs the next build time
            logger.warning("could not save the build stamp %s: %s", self.path, e)
            return
        self.saved = (files, state)
