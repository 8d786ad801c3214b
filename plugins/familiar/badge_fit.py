"""Fitting names on a badge: text measured with the same Pango font map WeasyPrint renders with,
shrunk to fit, then wrapped at the places a line may break."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any

# The same list goes to CSS and to the measuring code, so both pick the same fonts. The colour
# emoji font is deliberately absent: named here it would draw digits too; fallback finds it.
FONT_FAMILIES = ("Noto Sans", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari",
                 "Noto Sans Bengali", "Noto Sans Tamil", "Noto Sans Thai", "Noto Sans CJK JP",
                 "sans-serif")  # fmt: skip


class Measurer:
    """Text widths in points, from Pango with WeasyPrint's own font configuration."""

    def __init__(self, font_config: Any, families: tuple[str, ...] = FONT_FAMILIES) -> None:
        from weasyprint.text.ffi import ffi, gobject, pango

        self.ffi, self.pango = ffi, pango
        self.context = ffi.gc(
            pango.pango_font_map_create_context(font_config.font_map), gobject.g_object_unref
        )
        pango.pango_context_set_round_glyph_positions(self.context, False)
        self.layouts = {}
        for weight in (400, 700):
            desc = ffi.gc(pango.pango_font_description_new(), pango.pango_font_description_free)
            pango.pango_font_description_set_family(desc, ",".join(families).encode())
            pango.pango_font_description_set_weight(desc, weight)
            # 100 CSS px: widths scale linearly because glyph positions are not rounded
            pango.pango_font_description_set_absolute_size(
                desc, pango.pango_units_from_double(100.0)
            )
            layout = ffi.gc(pango.pango_layout_new(self.context), gobject.g_object_unref)
            pango.pango_layout_set_auto_dir(layout, False)
            pango.pango_layout_set_font_description(layout, desc)
            self.layouts[weight] = (layout, desc)
        self.cache: dict[tuple[str, int], float] = {}
        self.rect = ffi.new("PangoRectangle *"), ffi.new("PangoRectangle *")

    def width(self, text: str, size: float, weight: int = 400) -> float:
        """Width of one line of `text` at `size` points."""
        key = (text, weight)
        per_pt = self.cache.get(key)
        if per_pt is None:
            layout, _ = self.layouts[weight]
            data = text.encode()
            self.pango.pango_layout_set_text(layout, data, len(data))
            line = self.pango.pango_layout_get_line_readonly(layout, 0)
            ink, logical = self.rect
            self.pango.pango_layout_line_get_extents(line, ink, logical)
            # 100 px = 75 pt; take the wider of ink and logical so nothing pokes out
            px = max(logical.width, ink.x + ink.width) / 1024
            per_pt = px * 0.75 / 75
            self.cache[key] = per_pt
        return per_pt * size


@dataclass(frozen=True)
class Fitted:
    """Text broken into lines at one font size, every line measured to fit the width."""

    lines: tuple[str, ...]
    size: float
    line_height: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * self.line_height


def clusters(text: str) -> list[str]:
    """Characters with their combining marks, joiners and variation selectors kept together."""
    out: list[str] = []
    for ch in text:
        glue = unicodedata.category(ch) in ("Mn", "Mc", "Me") or ch in "\u200d\ufe0f\ufe0e"
        if out and (glue or out[-1].endswith("\u200d")):
            out[-1] += ch
        else:
            out.append(ch)
    return out


def _wide_script(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F") and ch.isalpha()


def break_points(text: str) -> list[int]:
    """Where a line may break: at spaces, and between CJK characters."""
    # never before a separator dot: "Cycling · trail running" breaks after the dot
    points = [i for i, ch in enumerate(text)
              if ch == " " and 0 < i < len(text) - 1 and text[i + 1] != "·"]  # fmt: skip
    points += [
        i for i in range(1, len(text)) if _wide_script(text[i - 1]) and _wide_script(text[i])
    ]
    return sorted(set(points))


def _split(text: str, at: int) -> tuple[str, str]:
    return text[:at].rstrip(), text[at:].lstrip()


def fit_text(
    m: Measurer,
    text: str,
    width: float,
    max_size: float,
    min_size: float,
    max_lines: int = 2,
    weight: int = 400,
    line_height: float = 1.15,
) -> Fitted:
    """The biggest size from max_size down to min_size at which `text` fits `width`.

    One line if it fits at a size at least as big as two lines would allow; two lines (the
    most even break) before going below min_size; below that, as many lines as it takes at
    min_size, breaking long words between characters. Never wider than `width`.
    """
    text = " ".join(text.split())
    limit = width * 0.995  # a hair of room for rounding
    one = min(max_size, limit / max(m.width(text, 1, weight), 1e-6))
    best = Fitted((text,), one, line_height)
    if max_lines >= 2 and one < max_size:
        for at in break_points(text):
            a, b = _split(text, at)
            size = min(max_size, limit / max(m.width(a, 1, weight), m.width(b, 1, weight)))
            if size > best.size * 1.1:  # two lines only when clearly bigger
                best = Fitted((a, b), size, line_height)
    if best.size >= min_size:
        return best
    return Fitted(tuple(_wrap(m, text, limit, min_size, weight)), min_size, line_height)


def _wrap(m: Measurer, text: str, limit: float, size: float, weight: int) -> list[str]:
    """Greedy lines at `size`; a word wider than the line is cut between clusters."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        candidate = f"{current} {word}" if current else word
        if m.width(candidate, size, weight) <= limit:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = ""
        for piece in clusters(word):
            if m.width(current + piece, size, weight) <= limit or not current:
                current += piece
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines
