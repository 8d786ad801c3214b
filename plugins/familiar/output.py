"""The one place that writes the site's files: only bytes that changed, and nothing stale left.

Unchanged files keep their bytes and modification time, so a deploy uploads little; files an
earlier build wrote that this build did not (a removed member's page) are deleted, using a
manifest of what the previous build wrote.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

MANIFEST = ".familiar-files.json"


class UnsafeOutputPath(Exception):
    """A page would be written outside the output folder or over another page."""


class Output:
    def __init__(self, root: Path) -> None:
        self.root = root.resolve()
        self.written: set[str] = set()
        self.changed = 0

    def path_for(self, rel: str) -> Path:
        target = (self.root / rel).resolve()
        if self.root not in target.parents:
            raise UnsafeOutputPath(f"refusing to write {rel!r} outside {self.root}")
        return target

    def write(self, rel: str, data: bytes | str) -> Path:
        """Write `rel` under the output folder unless it already holds exactly these bytes."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        if rel in self.written:
            raise UnsafeOutputPath(f"two pages want the same file {rel!r}")
        target = self.path_for(rel)
        self.written.add(rel)
        try:
            if target.stat().st_size == len(data) and target.read_bytes() == data:
                return target
        except OSError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        self.changed += 1
        return target

    def link(self, rel: str, source: Path) -> Path:
        """Put the file `source` (an immutable, content-named cache file) at `rel`: a hard link
        when the cache and the output share a file system, else a copy."""
        if rel in self.written:
            raise UnsafeOutputPath(f"two pages want the same file {rel!r}")
        target = self.path_for(rel)
        self.written.add(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(f".{target.name}.tmp{os.getpid()}")
        try:
            os.link(source, tmp)
        except OSError:
            tmp.write_bytes(source.read_bytes())
        os.replace(tmp, target)
        self.changed += 1
        return target

    def keep(self, rel: str) -> None:
        """Mark a file as this build's without writing it (it is known to be up to date)."""
        self.written.add(rel)

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
        new = json.dumps(sorted(self.written), indent=0)
        if not manifest.exists() or manifest.read_text() != new:
            manifest.write_text(new)
        return removed
