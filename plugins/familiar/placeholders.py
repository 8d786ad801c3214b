"""Members without a photo: a coloured square with their initials, its colour from their slug."""

from __future__ import annotations

import colorsys
import functools
import hashlib


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of '#rrggbb'."""
    rgb = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two '#rrggbb' colours, from 1 to 21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


PLACEHOLDER_TEXT = "#ffffff"  # the placeholder's initials (site.css .placeholder colour)


@functools.cache  # asked for on every page that shows the member
def placeholder_colour(slug: str) -> str:
    """A background colour derived from the slug, dark enough for white initials (>= 4.5:1)."""
    return _colour(int(hashlib.sha1(slug.encode()).hexdigest()[:4], 16) % 360)


@functools.cache  # 360 hues, each worked out once rather than once a member
def _colour(hue: int) -> str:
    lightness = 0.40
    while True:
        r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, 0.55)
        colour = f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"
        # yellows and greens are light at the same HLS lightness: darken until the text reads
        if contrast_ratio(colour, PLACEHOLDER_TEXT) >= 4.6 or lightness <= 0.05:
            return colour
        lightness -= 0.02
