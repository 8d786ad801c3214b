"""QR codes (qrcodes.py): standard codes that decode to what they were given, with their quiet
zone, and SVG that shows nothing but the code and its title."""

from __future__ import annotations

import pytest
import zxingcpp
from bs4 import BeautifulSoup
from familiar.qrcodes import QUIET_ZONE, SCALE, qr_rows, qr_svg
from PIL import Image

TEXTS = [
    "https://harbourside.example/members/jenn-morales/",
    "https://a.example/members/" + "very-long-member-name-" * 8 + "/",  # a bigger version
    "https://例え.example/members/zoë-nakamura/",  # not ASCII: UTF-8
    "https://x.example/?a=1&b=<2>",
]


@pytest.mark.parametrize("text", TEXTS)
def test_code_decodes_to_its_text_with_its_quiet_zone(text):
    rows = qr_rows(text)
    n = len(rows)
    assert all(len(row) == n for row in rows)  # square, one byte a module
    assert set(b"".join(rows)) == {0, 255}
    light = bytes([255]) * n
    assert rows[:QUIET_ZONE] == [light] * QUIET_ZONE
    assert rows[-QUIET_ZONE:] == [light] * QUIET_ZONE
    assert all(row[:QUIET_ZONE] == row[-QUIET_ZONE:] == light[:QUIET_ZONE] for row in rows)
    image = Image.frombytes("L", (n, n), b"".join(rows)).resize((n * 4, n * 4), Image.NEAREST)
    decoded = zxingcpp.read_barcodes(image)
    assert [(d.text, d.format, d.ec_level) for d in decoded] == [
        (text, zxingcpp.BarcodeFormat.QRCode, "M")
    ]


def test_longer_text_gets_a_bigger_code():
    assert len(qr_rows(TEXTS[1])) > len(qr_rows(TEXTS[0]))


def test_svg_is_the_code_and_its_title_only():
    title = 'QR code: https://x.example/?a=1&b=<2></title><script>alert("x")</script>'
    svg = qr_svg(TEXTS[3], title=title)
    soup = BeautifulSoup(svg, "lxml")
    root = soup.select_one("svg")
    assert root["class"] == ["qr"]
    n = len(qr_rows(TEXTS[3]))
    assert (root["width"], root["height"], root["viewbox"]) == (
        str(n * SCALE),
        str(n * SCALE),
        f"0 0 {n} {n}",
    )
    assert soup.find("script") is None
    assert root.title.get_text() == title  # the title is text, never markup
    assert [p.get("fill") or p["stroke"] for p in root.find_all("path")] == ["#fff", "#000"]
    assert [t.name for t in root.find_all(True)] == ["title", "path", "path"]


def test_svg_draws_the_modules_of_the_code():
    """The dark lines cover exactly the dark modules: follow the path and compare, module by
    module."""
    import re

    rows = qr_rows(TEXTS[0])
    n = len(rows)
    path = re.search(r'stroke="#000" d="([^"]*)"', qr_svg(TEXTS[0], title="t")).group(1)
    steps = re.findall(r"(M(\d+) (\d+)\.5|m(\d+) 0)h(\d+)", path)
    assert "".join(s[0] + "h" + s[4] for s in steps) == path  # nothing else in the path
    drawn = [[255] * n for _ in range(n)]
    x = y = 0
    for _, ax, ay, dx, width in steps:
        x, y = (int(ax), int(ay)) if ax else (x + int(dx), y)
        for i in range(int(width)):
            drawn[y][x + i] = 0
        x += int(width)
    assert [bytes(row) for row in drawn] == rows
