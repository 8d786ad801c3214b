"""The WeasyPrint side of badges: one font configuration per process, Noto Sans CJK cut down to
an event's characters, and a URL fetcher that reads only the badge assets on this machine."""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import string
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

from .badge_fit import FONT_FAMILIES, Measurer
from .output import write_atomic

logger = logging.getLogger(__name__)

_FONT_CONFIG: Any = None


@contextlib.contextmanager
def fonts_dated(epoch: int) -> Iterator[None]:
    """While WeasyPrint writes a PDF: fonts it saves anew (colour emoji, variable fonts) are
    dated `epoch`.

    fontTools stamps a font it saves with the time it saved it, or with SOURCE_DATE_EPOCH
    when that is set (the reproducible-builds convention); without it the same badges made
    twice would differ in those bytes, and a deploy would upload them again.
    """
    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        yield
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before


def font_config() -> Any:
    """One WeasyPrint font configuration per process: fonts are found and loaded once."""
    global _FONT_CONFIG
    if _FONT_CONFIG is None:
        from weasyprint.text.fonts import FontConfiguration

        _FONT_CONFIG = FontConfiguration()
    return _FONT_CONFIG


@lru_cache(maxsize=2)
def measurer_for(fc_id: int, families: tuple[str, ...] = FONT_FAMILIES) -> Measurer:
    return Measurer(font_config(), families)


# Noto Sans CJK comes as two 20 MB font collections (regular, bold). WeasyPrint reads the whole
# collection into memory to subset it, in each process that draws a CJK character: about 70 MB
# more for the worker that renders the CJK names. A copy cut down to the event's CJK characters
# (a few kB, made by HarfBuzz in milliseconds and kept in the cache) is declared with
# @font-face and named in place of the collection, so neither the measuring nor the rendering
# process opens the collection's glyphs. Its glyphs, metrics and layout tables are the
# collection's own, so text measures and draws the same.
CJK_FAMILY = "Noto Sans CJK JP"
CJK_FROM = 0x1100  # Hangul Jamo and up: below, every character is drawn by an earlier family


def cjk_faces(
    text: str, fc: Any, folder: Path, used: set[Path] | None = None
) -> tuple[str, str | None]:
    """@font-face rules for Noto Sans CJK cut down to the CJK characters of `text`, and the
    family they declare; ("", None) when `text` has none. The fonts' files are added to
    `used`."""
    from weasyprint.text.ffi import ffi, gobject, harfbuzz, harfbuzz_subset, pango
    from weasyprint.text.fonts import get_hb_object_data, get_pango_font_hb_face

    if harfbuzz_subset is None or not any(ord(c) >= CJK_FROM for c in text):
        return "", None
    # every character, not only the CJK ones: Pango draws a space or a digit between CJK
    # characters with the CJK font too, so the cut-down font must have whatever the whole one
    # would have drawn
    codepoints = sorted({ord(c) for c in text + string.printable})
    context = ffi.gc(pango.pango_font_map_create_context(fc.font_map), gobject.g_object_unref)
    faces: list[tuple[int, Path]] = []
    for weight in (400, 700):
        desc = ffi.gc(pango.pango_font_description_new(), pango.pango_font_description_free)
        pango.pango_font_description_set_family(desc, CJK_FAMILY.encode())
        pango.pango_font_description_set_weight(desc, weight)
        font = pango.pango_font_map_load_font(fc.font_map, context, desc)
        if font == ffi.NULL:
            return "", None
        font = ffi.gc(font, gobject.g_object_unref)
        face = get_pango_font_hb_face(font)
        # the font's own identity (its head table: version, dates, checksum) and the characters
        head = harfbuzz.hb_face_reference_table(face, harfbuzz.hb_tag_from_string(b"head", -1))
        length = ffi.new("unsigned int *")
        identity = bytes(ffi.buffer(harfbuzz.hb_blob_get_data(head, length), length[0]))
        harfbuzz.hb_blob_destroy(head)
        key = hashlib.sha256(repr((weight, identity, codepoints)).encode()).hexdigest()[:20]
        path = folder / f"cjk-{key}.otf"
        if not path.is_file():
            subset = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(),
                            harfbuzz_subset.hb_subset_input_destroy)  # fmt: skip
            wanted = harfbuzz_subset.hb_subset_input_set(
                subset, harfbuzz_subset.HB_SUBSET_SETS_UNICODE
            )
            harfbuzz.hb_set_add_sorted_array(
                wanted, ffi.new(f"hb_codepoint_t[{len(codepoints)}]", codepoints), len(codepoints)
            )
            cut = harfbuzz_subset.hb_subset_or_fail(face, subset)
            if cut == ffi.NULL:
                logger.warning("badges: could not cut down %s; using it whole", CJK_FAMILY)
                return "", None
            data = get_hb_object_data(ffi.gc(cut, harfbuzz.hb_face_destroy))
            folder.mkdir(parents=True, exist_ok=True)
            write_atomic(path, data)
        faces.append((weight, path))
        if used is not None:
            used.add(path)
    family = "Familiar CJK " + hashlib.sha256(repr(faces).encode()).hexdigest()[:12]
    css = "".join(f'@font-face {{ font-family: "{family}"; src: url("{path.as_uri()}"); '
                  f"font-weight: {weight} }}\n" for weight, path in faces)  # fmt: skip
    return css, family


def local_fetcher(roots: list[Path]) -> Any:
    """A WeasyPrint URL fetcher that reads file: URLs under `roots` and refuses anything else.

    The badge HTML only points at the processed photos and QR codes in the cache. Reading them
    directly skips urllib's per-file request and header parsing (about 2 ms an image, a second
    per 500 badges) and keeps the renderer off the network.
    """
    from email.message import EmailMessage
    from urllib.request import url2pathname

    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed = [root.resolve() for root in roots]
    types = {".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png",
             ".svg": "image/svg+xml", ".css": "text/css", ".otf": "font/otf"}  # fmt: skip
    headers: dict[str, EmailMessage] = {}
    for suffix, mime in types.items():
        headers[suffix] = EmailMessage()
        headers[suffix]["Content-Type"] = mime

    class LocalFetcher(URLFetcher):
        def fetch(self, url: str, headers_: Any = None) -> Any:
            if not url.startswith("file:"):
                raise ValueError(f"badges: not a local file: {url[:80]}")
            path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
            if path.suffix.lower() not in headers or not any(
                path.is_relative_to(root) for root in allowed
            ):
                raise ValueError(f"badges: not a badge asset: {path}")
            return URLFetcherResponse(url, path.read_bytes(), headers[path.suffix.lower()])

    return LocalFetcher()
