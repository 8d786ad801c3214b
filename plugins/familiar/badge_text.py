"""Badge text that copies and extracts right in scripts whose glyphs are not one per character.

A PDF maps each character code of a font to one text (its ToUnicode CMap); WeasyPrint uses the
glyph id as the code, and gives a glyph the text of the first cluster it is drawn in. In
Devanagari the same glyph stands for different text in different clusters: the vowel sign
glyph ा is "ा" alone but part of the reph cluster र्मा, whose text the reph glyph carries, so
"शर्मा" extracted as "शार्मा". Extraction and copy and paste (pypdf, pdf.js, poppler) read
ToUnicode, and pypdf ignores /ActualText and reads a Type0 font's codes as glyph ids only with
/Identity-H, so the fix is in the codes: a glyph drawn for a different text than its code
already stands for is drawn with a code of its own (an alias CID past the font's glyphs),
mapped to that text in ToUnicode, to the glyph's width in /W, and to the glyph itself by a
/CIDToGIDMap. That map exists for TrueType outlines only; the fonts that need it (Devanagari,
Bengali, Tamil, Arabic) are TrueType here, and CFF fonts (Noto CJK) draw one glyph a character.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from typing import Any

logger = logging.getLogger(__name__)

# Alias codes start this far past the font's glyphs: the codes between are left to WeasyPrint for
# glyphs missing from every font (it numbers them from the glyph count up).
ALIAS_GAP = 256


@contextlib.contextmanager
def cluster_text_codes() -> Iterator[None]:
    """While WeasyPrint draws text: a code of its own for each text a glyph stands for."""
    from weasyprint.draw import text as draw_text

    original = draw_text.draw_first_line
    seen: dict[tuple[Any, ...], list[tuple[int, int]]] = {}  # runs drawn: their codes

    def draw_first_line(stream: Any, textbox: Any, text_overflow: str, block_ellipsis: str,
                        matrix: Any) -> Any:  # fmt: skip
        # ellipsis changes the text and lays the line out again after this; leave it alone
        if text_overflow != "ellipsis" and block_ellipsis == "none" and textbox.text.strip():
            _alias_glyphs(stream, textbox, seen)
        return original(stream, textbox, text_overflow, block_ellipsis, matrix)

    draw_text.draw_first_line = draw_first_line
    try:
        yield
    finally:
        draw_text.draw_first_line = original


def _alias_glyphs(stream: Any, textbox: Any, seen: dict[tuple[Any, ...], Any]) -> None:
    """Give the glyphs of the line WeasyPrint is about to draw the codes of the text they stand
    for here: the glyph id when it is new or stands for the same text, else an alias."""
    from weasyprint.text.ffi import FROM_UNITS, ffi, pango

    layout = textbox.pango_layout
    # the same call WeasyPrint makes first; made here, it lays the line out before we edit it
    pango.pango_layout_set_single_paragraph_mode(layout.layout, True)
    line = pango.pango_layout_get_line_readonly(layout.layout, 0)
    utf8 = layout.text.encode()
    empty, unknown = pango.PANGO_GLYPH_EMPTY, pango.PANGO_GLYPH_UNKNOWN_FLAG
    size = ffi.sizeof("PangoGlyphInfo") // 4  # five integers a glyph: id, width, x, y, flags
    run = line.runs
    while run != ffi.NULL:
        glyph_item = run.data
        run = run.next
        item, glyphs = glyph_item.item, glyph_item.glyphs
        pango_font = item.analysis.font
        offset, length, rtl = item.offset, item.length, item.analysis.level % 2
        # the same line in the same font shapes to the same glyphs, and a glyph's code, once
        # chosen, stays: a run seen before in this document (a footer, a label) gets the same
        # codes without a look at its glyphs (the font lives as long as the document)
        key = (int(ffi.cast("uintptr_t", pango_font)), rtl, offset, length, utf8)
        edits = seen.get(key)
        if edits is not None:
            if edits:
                ints = memoryview(ffi.buffer(glyphs.glyphs, glyphs.num_glyphs * size * 4))
                ints = ints.cast("i")
                for i, alias in edits:
                    ints[i * size] = alias
            continue
        edits = seen[key] = []
        font, font_size = stream.add_font(pango_font)
        if font.bitmap or font.png or font.svg or font.colr or font.type != "ttf":
            continue  # emoji, drawn apart; CFF fonts, which cannot take a CIDToGIDMap
        if pango.pango_version() < 14802:  # as WeasyPrint does (Pango bug 530)
            font_size = textbox.style["font_size"]
        aliases = font.__dict__.setdefault("familiar_aliases", {})
        count = glyphs.num_glyphs
        # read (and edit) the glyphs as integers: a field at a time through cffi costs as much
        # as WeasyPrint's drawing
        info = memoryview(ffi.buffer(glyphs.glyphs, count * size * 4)).cast("i")
        clusters = ffi.unpack(glyphs.log_clusters, count)
        to_unicode, widths = font.to_unicode, font.widths
        for i in range(count):
            gid = info[i * size]
            if gid == empty or gid & unknown or gid >= font.glyph_count:
                continue  # nothing drawn, a missing glyph, or an alias already (drawn again)
            # the text WeasyPrint gives the glyph here: its cluster's on one glyph, "" on the rest
            if rtl:
                end = length if i == 0 else clusters[i - 1]
            else:
                end = length if i == count - 1 else clusters[i + 1]
            text = utf8[offset + clusters[i] : offset + end].decode()
            width = widths.get(gid)
            if width is None:  # as WeasyPrint measures it
                ink, logical = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")
                pango.pango_font_get_glyph_extents(pango_font, gid, ink, logical)
                width = widths[gid] = round(logical.width * 1000 * FROM_UNITS / font_size)
            shift = info[i * size + 2] / font_size
            if shift:
                # a mark placed over its base: WeasyPrint moves the pen back after it, and
                # extractors read that jump to the right as a space ("कृ ष्ण"); a code as wide
                # as the pen moves here ends the glyph where the next one starts
                width = round(info[i * size + 1] * 1000 * FROM_UNITS / font_size - shift, 1)
            known = to_unicode.setdefault(gid, text)  # the glyph stays in the subset
            if known == text and width == widths[gid]:
                continue
            alias = aliases.get((gid, text, width))
            if alias is None:
                alias = font.glyph_count + ALIAS_GAP + len(aliases)
                if alias > 0xFFFF:
                    continue  # no code left in a font this big: the text may extract wrong
                aliases[gid, text, width] = alias
                to_unicode[alias] = text
                widths[alias] = width
            info[i * size] = alias
            edits.append((i, alias))


def map_alias_codes(document: Any, pdf: Any) -> None:
    """A /CIDToGIDMap for each font with aliases: every code its own glyph, aliases theirs."""
    import pydyf

    for font in document.fonts.values():
        aliases = getattr(font, "familiar_aliases", None)
        if not aliases:
            continue
        if any(v >= font.glyph_count + ALIAS_GAP for v in font.missing.values()):
            logger.warning("badges: %d glyphs missing from %s; some text may show the wrong glyph",
                           len(font.missing), font.family)  # fmt: skip
        last = max(aliases.values())
        gids = list(range(last + 1))
        for code in font.missing.values():
            if code <= last:
                gids[code] = 0  # .notdef, as with /Identity
        for (gid, *_), alias in aliases.items():
            gids[alias] = gid
        data = b"".join(g.to_bytes(2, "big") for g in gids)
        type0 = [obj for obj in pdf.objects
                 if isinstance(obj, dict) and obj.get("BaseFont") == font.name
                 and "DescendantFonts" in obj]  # fmt: skip
        for ref in (ref for obj in type0 for ref in obj["DescendantFonts"]):
            cid_map = pydyf.Stream([data], compress=True)
            pdf.add_object(cid_map)
            pdf.objects[int(ref.split()[0])]["CIDToGIDMap"] = cid_map.reference
