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
from pathlib import Path
from typing import Any

from .output import file_stats, write_atomic
from .settings import FamiliarSettings

logger = logging.getLogger(__name__)

FILE = "build-stamp.json"
SKIP_DIRS = {"__pycache__", ".git"}
PLUGIN_DIR = Path(__file__).resolve().parent


def _tree_state(root: Path, skip: set[str], h: Any) -> None:
    """Feed `h` one line per file under `root`: its path and what stat says about it."""
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
    h.update(f"{root}\n{len(lines)}\n".encode())
    h.update("\n".join(lines).encode("utf-8", "surrogateescape"))


def input_state(settings: FamiliarSettings) -> str:
    """A hash of everything a build reads: content, theme, plugin, settings and today's date."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr(settings).encode("utf-8"))
    skip = {str(settings.cache_path), str(settings.output_path)}
    for root in (settings.content_path, settings.theme_path, PLUGIN_DIR):
        _tree_state(root, skip, h)
    return h.hexdigest()


def _output_state(
    root: Path, rels: list[str], seen: dict[str, tuple[int, int]] | None = None
) -> str | None:
    """A hash of the size and modification time of each of `rels` (from `seen` where it has
    them, else looked up); None if one is missing."""
    stats = file_stats(root, rels, seen)
    if len(stats) != len(rels):
        return None
    h = hashlib.blake2b(digest_size=16)
    for rel in rels:
        size, mtime = stats[rel]
        h.update(f"{rel}\0{size}\0{mtime}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


class BuildStamp:
    """The stamp of the last good build, in the cache folder."""

    def __init__(self, settings: FamiliarSettings) -> None:
        self.path = settings.cache_path / FILE
        self.output = settings.output_path
        self.inputs = input_state(settings)

    def _read(self) -> dict[str, Any] | None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return data if isinstance(data, dict) else None

    def current(self) -> dict[str, Any] | None:
        """The last build's record if nothing has changed since it, else None."""
        data = self._read()
        if not data or data.get("inputs") != self.inputs:
            return None
        files = data.get("files")
        if not isinstance(files, list) or not all(isinstance(f, str) for f in files):
            return None
        if _output_state(self.output, files) != data.get("outputs"):
            return None
        return data

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
        outputs = _output_state(self.output, files, seen)
        if outputs is None:  # something removed an output file during the build: no stamp
            return
        data = {"inputs": self.inputs, "outputs": outputs, "files": files, **summary}
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(self.path, json.dumps(data))
        except OSError as e:  # a stamp that cannot be written only costs the next build time
            logger.warning("could not save the build stamp %s: %s", self.path, e)
