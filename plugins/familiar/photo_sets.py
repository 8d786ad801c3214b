"""A member's published photo: its sizes (WebP and JPEG each), where their files are in the
output folder and in the cache, and which one to show at a size. The pipeline that makes them
is photos.py; pages, cards and vCards only read these.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Variant:
    size: int
    webp: str  # output-relative paths
    jpeg: str


@dataclass(frozen=True, slots=True)
class PhotoSet:
    alt: str
    variants: tuple[Variant, ...]
    folder: str = ""  # the cache folder holding the derivatives, named "<size>.<ext>"
    byte_counts: tuple[int, ...] = ()  # of each variant's WebP then JPEG, in variant order

    @property
    def files(self) -> Iterator[tuple[str, str, int]]:
        """(output path, cached file, byte count) of every derivative: made when asked for,
        as the strings of ten thousand members' photos would take tens of megabytes to keep."""
        counts = iter(self.byte_counts)
        for v in self.variants:
            for rel, ext in ((v.webp, "webp"), (v.jpeg, "jpg")):
                yield rel, self._cached(v, ext), next(counts)

    def _cached(self, v: Variant, ext: str) -> str:
        return f"{self.folder}/{v.size}.{ext}"

    def _jpeg_places(self, v: Variant, output: Path) -> list[str]:
        """Where `v`'s JPEG may be, in order: the cache's file (if the set has a cache folder),
        then the output folder's copy."""
        return ([self._cached(v, "jpg")] if self.folder else []) + [f"{output}/{v.jpeg}"]

    def jpeg_file(self, v: Variant, output: Path) -> Path | None:
        """Where to read `v`'s JPEG: its file in the cache (there before the output folder's
        copy is made, so pages can be built while the photos are linked), else that copy; None
        if neither is there. (Strings until the end: a build asks for tens of thousands.)"""
        return next((Path(p) for p in self._jpeg_places(v, output) if os.path.isfile(p)), None)

    def jpeg_bytes(self, v: Variant, output: Path) -> bytes | None:
        """The bytes of `v`'s JPEG, read from where jpeg_file would find it (without looking
        first: ten thousand vCards each read one); None if neither file is there. Read as a
        member's photo is (photos.read_source): a regular file only, never through a link."""
        from .photos import PhotoProblem, read_source  # here: photos.py imports this module

        for path in self._jpeg_places(v, output):
            try:
                return read_source(path)
            except PhotoProblem:
                continue
        return None

    def best(self, css_px: int) -> Variant:
        """The smallest variant at least twice `css_px` (sharp on phones), else the largest."""
        for v in self.variants:
            if v.size >= css_px * 2:
                return v
        return self.variants[-1]

    def srcset(self, kind: str) -> list[tuple[str, int]]:
        return [(getattr(v, kind), v.size) for v in self.variants]
