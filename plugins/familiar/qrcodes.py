"""QR codes of members' addresses: inline SVG on their pages, PNG on their badges.

zxing-cpp encodes them (its writer is zint's, in C, and picks the best of the eight masks as the
standard asks) in about 0.13 ms a code; with the SVG made here, a member page's code takes about
0.2 ms where segno, in pure Python, took about 3 ms. So ten thousand codes, as a first publish
of ten thousand members draws, take about 2 s of CPU instead of 30.
"""

from __future__ import annotations

import re
from html import escape

QUIET_ZONE = 4  # modules of light margin on each side, as the standard asks
SCALE = 4  # CSS pixels a module on a member's page
_DARK = re.compile(rb"\x00+")


def qr_rows(text: str) -> list[bytes]:
    """The QR code of `text` (standard QR, error correction M, UTF-8): a row of bytes for each
    row of modules, 0 for dark and 255 for light, with the quiet zone all round."""
    import zxingcpp

    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = memoryview(code.to_image(scale=1, add_quiet_zones=True))
    height, width = image.shape
    data = image.tobytes()
    return [data[y * width : (y + 1) * width] for y in range(height)]


def qr_svg(text: str, title: str) -> str:
    """The QR code of `text` as inline SVG: no script, a fixed size, a light square with a line
    through each run of dark modules, and `title` as its accessible name."""
    rows = qr_rows(text)
    n = len(rows)
    lines = []
    for y, row in enumerate(rows):
        x = None  # where the row's last line ended: the next one moves on from there
        for run in _DARK.finditer(row):
            start, end = run.span()
            if x is None:
                lines.append(f"M{start} {y}.5h{end - start}")
            else:
                lines.append(f"m{start - x} 0h{end - start}")
            x = end
    side = n * SCALE
    return (
        f'<svg width="{side}" height="{side}" viewBox="0 0 {n} {n}" class="qr" '
        f'shape-rendering="crispEdges"><title>{escape(title)}</title>'
        f'<path fill="#fff" d="M0 0h{n}v{n}h-{n}z"/>'
        f'<path stroke="#000" d="{"".join(lines)}"/></svg>'
    )
