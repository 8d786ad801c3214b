"""Badge PDFs: real WeasyPrint output read back with pypdf, fontTools, pdfium and zxing-cpp."""

from __future__ import annotations

import contextlib
import io
import math
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pypdf
import pypdfium2 as pdfium
import pytest
import zxingcpp
from familiar import badge_layouts, badges, cli
from fontTools.ttLib import TTFont
from PIL import Image, ImageChops

from .conftest import REPO, ScratchSite

SITEURL = "https://example.org"
LONG_NAME = "Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaf"  # 60 characters
assert len(LONG_NAME) == 60

PEOPLE = {
    # slug: (front matter, photo colour or None)
    "jenn-morales": (
        "name: Jenn Morales\nknown_as: Jenn\npronouns: she/her\nbusiness: Morales Social\n"
        "interests: [social media, small talk, coffee roasting, baking]\n"
        "handles: {twitter: jennmorales, github: jennm}\n"
        "attending: [patio]\n",
        "#d04040",
    ),  # fmt: skip
    "layla-haddad": ("name: ليلى حداد\nknown_as: ليلى\nattending: [patio]\n", None),
    "priya-sharma": ("name: प्रिया शर्मा\nknown_as: Priya\nattending: [patio]\n", "#40a040"),
    "chen-wei": ("name: 陈伟\nattending: [patio]\n", "#4040d0"),
    "zoe-lefevre": (
        "name: Zoë Lefèvre\nknown_as: Zoë 🌻\nbusiness: Studio 54\nattending: [patio, coffee]\n",
        None,
    ),  # fmt: skip
    "long-name": (f"name: {LONG_NAME}\nattending: [patio]\n", None),
    "hidden-person": ("name: Hidden Person\nvisibility: hidden\nattending: [patio]\n", None),
    "sideways": ("name: Side Ways\nphoto: sideways.jpg\nattending: [patio]\n", "sideways"),
}
EVENTS = {
    "coffee": "title: Coffee\nstart: 2026-10-01 08:00\nvenue: {name: Cafe, address: 1 Main St}\n",
    "patio": (
        "title: Friday Patio Meetup\nstart: 2026-12-04 17:30\n"
        "venue: {name: Patio, address: 12 Lakeshore Rd}\norganizers: [jenn-morales]\n"
        "guests:\n  - {name: Sam Okafor, business: Okafor Upholstery}\n"
        f"  - {{name: {LONG_NAME} Smith}}\n"
    ),
}
# who gets a badge at the patio event, by the name printed big; the hidden member never
BIG_NAMES = {"Jenn", "ليلى", "Priya", "陈伟", "Zoë 🌻", LONG_NAME, "Side", "Sam"}


def sideways_jpeg(path: Path) -> None:
    """A portrait, red on top and blue below when upright, stored on its side with EXIF 6."""
    upright = Image.new("RGB", (200, 300), "#0000ff")
    upright.paste(Image.new("RGB", (200, 150), "#ff0000"), (0, 0))
    stored = upright.transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to view
    stored.save(path, "JPEG", exif=exif, quality=95)


def make_site(root: Path) -> ScratchSite:
    (root / "content" / "members").mkdir(parents=True)
    (root / "content" / "events").mkdir(parents=True)
    conf = (REPO / "pelicanconf.py").read_text()
    conf += f'\nSITEURL = "{SITEURL}"\nFAMILIAR_TODAY = "2026-11-22"\n'
    (root / "pelicanconf.py").write_text(conf)
    (root / "plugins").symlink_to(REPO / "plugins")
    (root / "theme").symlink_to(REPO / "theme")
    site = ScratchSite(root)
    for slug, (front, colour) in PEOPLE.items():
        if colour == "sideways":
            sideways_jpeg(site.content / "members" / f"{slug}.jpg")
        elif colour:
            front += f"photo: {slug}.jpg\n"
            Image.new("RGB", (400, 400), colour).save(site.content / "members" / f"{slug}.jpg")
        site.member(slug, front)
    for slug, front in EVENTS.items():
        site.event(slug, front)
    return site


def run_cli(site: ScratchSite, *args: str) -> int:
    import os

    cwd = os.getcwd()
    os.chdir(site.root)
    try:
        return cli.main(["badges", *args])
    finally:
        os.chdir(cwd)


@pytest.fixture(scope="module")
def badge_site(tmp_path_factory) -> ScratchSite:
    return make_site(tmp_path_factory.mktemp("badges") / "site")


@pytest.fixture(scope="module")
def letter_pdf(badge_site) -> Path:
    """The patio event on Avery 5392 sheets, with 3 blanks, through the command."""
    target = badge_site.root / "patio.pdf"
    assert run_cli(badge_site, "patio", "--blanks", "3", "-o", str(target)) == 0
    return target


def badge_boxes(layout: badges.Layout, count: int, offset=(0.0, 0.0)):
    """(page, left, bottom, right, top) in PDF coordinates for each of `count` badges."""
    for i in range(count):
        x, y = layout.box(i, offset)
        page = i // layout.per_page
        yield (
            page,
            x,
            layout.page_height - y - layout.height,
            x + layout.width,
            layout.page_height - y,
        )


def texts_by_badge(pdf: Path, layout: badges.Layout, count: int) -> list[str]:
    """The text pypdf extracts, gathered per badge by where each run starts, one line per
    baseline (runs on a baseline joined left to right: a font change splits a line in runs)."""
    reader = pypdf.PdfReader(pdf)
    runs: list[list[tuple[float, float, str]]] = [[] for _ in range(count)]
    boxes = list(badge_boxes(layout, count))
    for page_no, page in enumerate(reader.pages):

        def visit(text, cm, tm, font, size, page_no=page_no):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if not text.strip():
                return
            for i, (p, left, bottom, right, top) in enumerate(boxes):
                if p == page_no and left - 1 <= x <= right + 1 and bottom - 1 <= y <= top + 1:
                    runs[i].append((-round(y, 1), x, text.replace("\n", "")))
                    return

        page.extract_text(visitor_text=visit)
    texts = []
    for badge_runs in runs:
        lines: dict[float, list[tuple[float, str]]] = {}
        for y, x, text in badge_runs:
            lines.setdefault(y, []).append((x, text))
        texts.append("\n".join("".join(t for _, t in sorted(lines[y])) for y in sorted(lines)))
    return texts


def test_one_badge_per_person_plus_blanks_in_order(letter_pdf):
    layout = badges.get_layout("avery-5392")
    reader = pypdf.PdfReader(letter_pdf)
    people = len(BIG_NAMES) + 1  # the guest with the long name is the ninth
    assert len(reader.pages) == math.ceil((people + 3) / 6)  # the last partial sheet is kept
    texts = texts_by_badge(letter_pdf, layout, people + 3)
    firsts = [t.split("\n")[0] for t in texts]
    # sorted by the big name; blanks last
    assert firsts[-3:] == ["Hello, my name is"] * 3
    assert all("Hidden" not in t for t in texts)
    joined = "\n".join(texts)
    assert joined.count("Hello, my name is") == 3
    assert firsts[0] == "ORGANIZER" and "Jenn" in texts[0].split("\n")[1]
    assert "Friday Patio Meetup · Fri 4 Dec 2026" in texts[1]


@pytest.mark.parametrize(
    "name",
    ["Jenn", "Jenn Morales", "ليلى", "ليلى حداد", "陈伟", "Zoë Lefèvre", "Sam Okafor", "Side Ways",
     "प्रिया शर्मा"],
)  # fmt: skip
def test_pypdf_extracts_every_name(letter_pdf, name):
    layout = badges.get_layout("avery-5392")
    texts = texts_by_badge(letter_pdf, layout, len(BIG_NAMES) + 4)
    lines = [line.split(" · ")[0] for t in texts for line in t.split("\n")]
    assert name in lines


def test_every_badge_has_its_names(letter_pdf):
    layout = badges.get_layout("avery-5392")
    texts = texts_by_badge(letter_pdf, layout, len(BIG_NAMES) + 4)
    big = {t.split("\n")[1] if t.startswith(("ORGANIZER", "FIRST")) else t.split("\n")[0]
           for t in texts}  # fmt: skip
    assert BIG_NAMES - {LONG_NAME} <= big
    long_badges = [t for t in texts if LONG_NAME in t.replace("\n", "")]
    assert len(long_badges) == 2  # the member and the guest, whose first word is as long


# Names whose glyphs are not one per character: reph, pre-base vowel signs, conjuncts, marks
# placed over their base (Devanagari, Bengali, Tamil), Thai marks, joined Arabic; and CJK
CLUSTER_NAMES = ["श्रीनिवास कृष्णमूर्ति", "अर्पिता शर्मा", "क्षत्रिय", "অমিত্র চক্রবর্তী",
                 "কার্তিক", "கார்த்திகேயன்", "கௌசல்யா", "ธนพร ศรีสุข", "ليلى حداد",
                 "山田 太郎", "김 민준", "陈伟"]  # fmt: skip


def test_names_in_complex_scripts_extract_exactly_and_draw_as_weasyprint_draws(tmp_path,
                                                                              monkeypatch):  # fmt: skip
    """pypdf reads back each name exactly (a glyph that stands for different text in different
    clusters gets a code of its own); CJK is drawn from Noto Sans CJK cut down to the event's
    characters; and the pages look as WeasyPrint draws them without either."""
    site = ScratchSite.create(tmp_path / "site")
    guests = "".join(f"  - {{name: {name}}}\n" for name in CLUSTER_NAMES)
    site.event("names", "title: Names\nstart: 2026-12-04 17:30\n"
               "venue: {name: Hall, address: 1 Main St}\nguests:\n" + guests)  # fmt: skip
    target, plain = tmp_path / "names.pdf", tmp_path / "plain.pdf"
    assert run_cli(site, "names", "-o", str(target)) == 0
    layout = badges.get_layout("avery-5392")
    texts = texts_by_badge(target, layout, len(CLUSTER_NAMES))
    # a guest's badge: the first word big, the whole name below when it has more, the event
    assert sorted(t.split("\n")[-2] for t in texts) == sorted(CLUSTER_NAMES)
    cut_down = [f for f in embedded_fonts(target) if "Familiar-CJK" in f[0]]
    assert len(cut_down) == 2  # regular and bold
    assert all(len(f[1].getGlyphOrder()) < 1000 for f in cut_down)  # not the 65,535 glyphs
    monkeypatch.setattr(badges, "cluster_text_codes", contextlib.nullcontext)
    monkeypatch.setattr(badges, "cjk_faces", lambda *args: ("", None))
    assert run_cli(site, "names", "-o", str(plain)) == 0
    pages = len(pypdf.PdfReader(target).pages)
    for page_no in range(pages):
        a, b = render_page(target, page_no, 100), render_page(plain, page_no, 100)
        # the same glyphs in the same places: WeasyPrint truncates the pen's move back after a
        # mark placed over its base to a whole thousandth of an em, a code's width keeps a tenth,
        # so a glyph after such a mark may sit a few hundredths of a pixel apart (antialiasing
        # differs by a few levels); a wrong or missing glyph differs by far more
        low, high = zip(*ImageChops.difference(a, b).getextrema(), strict=True)
        assert max(high) <= 32


def embedded_fonts(pdf: Path) -> list[tuple[str, TTFont, str, bytes | None]]:
    """Each font: its name, the font program, its ToUnicode CMap and its /CIDToGIDMap (two bytes
    a code; None for /Identity: the code is the glyph id)."""
    reader = pypdf.PdfReader(pdf)
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            cid_font = font["/DescendantFonts"][0].get_object()
            descriptor = cid_font["/FontDescriptor"].get_object()
            key = next(k for k in ("/FontFile2", "/FontFile3", "/FontFile") if k in descriptor)
            data = descriptor[key].get_object().get_data()
            to_unicode = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            cid_map = cid_font.get("/CIDToGIDMap", "/Identity")
            gids = None if cid_map == "/Identity" else cid_map.get_object().get_data()
            fonts[font["/BaseFont"]] = (TTFont(io.BytesIO(data)), to_unicode, gids)
    return [(name, *rest) for name, rest in fonts.items()]


def drawn(tt: TTFont, glyph: str) -> bool:
    if "glyf" in tt:
        g = tt["glyf"][glyph]
        return g.numberOfContours != 0
    if "CFF " in tt:
        cff = tt["CFF "].cff
        return glyph in cff[cff.fontNames[0]].CharStrings
    return False


def covered_by(tt: TTFont, name: str, glyph: str) -> bool:
    """The glyph draws something: outlines, or, in the colour emoji font (WeasyPrint paints its
    bitmaps as images and keeps empty outlines), a real emoji glyph the font's cmap points to."""
    if "Emoji" in name:
        return glyph != ".notdef" and glyph in set((tt.getBestCmap() or {}).values())
    return drawn(tt, glyph)


def test_embedded_fonts_cover_every_character_printed(letter_pdf):
    """Every character printed maps (ToUnicode) to a glyph the embedded font really draws,
    through the font's /CIDToGIDMap when it has one (codes of their own for cluster text)."""
    covered: set[str] = set()
    for name, tt, to_unicode, gids in embedded_fonts(letter_pdf):
        order = tt.getGlyphOrder()
        for code_hex, text_hex in re.findall(r"<([0-9a-f]{4})> <([0-9a-f]*)>", to_unicode):
            code = int(code_hex, 16)
            gid = code if gids is None else int.from_bytes(gids[2 * code : 2 * code + 2])
            text = bytes.fromhex(text_hex).decode("utf-16-be")
            if 0 < gid < len(order) and covered_by(tt, name, order[gid]):
                covered |= set(text)
        if "Emoji" in name:  # the pitfall: digits drawn with the colour emoji font
            assert not any(c.isdigit() for c in "".join(
                bytes.fromhex(t).decode("utf-16-be") for t in re.findall(r"> <([0-9a-f]*)>", to_unicode)
            ))  # fmt: skip
    printed = "".join(PEOPLE[s][0] for s in PEOPLE if s != "hidden-person") + "Sam Okafor 54"
    needed = {c for c in printed if not c.isspace() and unicodedata.category(c)[0] in "LN"}
    needed |= {"🌻", "·"}
    assert needed - covered == set()


def render_page(pdf: Path, page_no: int, dpi: int = 150) -> Image.Image:
    doc = pdfium.PdfDocument(str(pdf))
    return doc[page_no].render(scale=dpi / 72).to_pil().convert("RGB")


def crop(image: Image.Image, box, page_height: float, dpi: int = 150) -> Image.Image:
    _, left, bottom, right, top = box
    k = dpi / 72
    return image.crop((int(left * k), int((page_height - top) * k), int(right * k),
                       int((page_height - bottom) * k)))  # fmt: skip


def test_every_qr_code_gives_exactly_that_members_profile_url(letter_pdf):
    layout = badges.get_layout("avery-5392")
    texts = texts_by_badge(letter_pdf, layout, len(BIG_NAMES) + 4)
    slugs = {"Jenn": "jenn-morales", "ليلى": "layla-haddad", "Priya": "priya-sharma",
             "陈伟": "chen-wei", "Zoë 🌻": "zoe-lefevre", "Side": "sideways"}  # fmt: skip
    boxes = list(badge_boxes(layout, len(texts)))
    pages = {}
    seen = set()
    for text, box in zip(texts, boxes, strict=True):
        page = pages.setdefault(box[0], render_page(letter_pdf, box[0]))
        codes = [r.text for r in zxingcpp.read_barcodes(crop(page, box, layout.page_height))]
        lines = text.split("\n")
        big = lines[1] if lines[0] in ("ORGANIZER", "FIRST TIME HERE") else lines[0]
        if big in slugs:
            assert codes == [f"{SITEURL}/members/{slugs[big]}/"], big
            seen.add(big)
        elif big == "Sam" or "Hello" in big:
            assert codes == [], big  # guests and blanks: no QR
    assert seen == set(slugs)


def image_boxes(pdf: Path, page_no: int):
    doc = pdfium.PdfDocument(str(pdf))
    for obj in doc[page_no].get_objects():
        if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE:
            yield obj.get_bounds(), obj.get_px_size()


def test_sideways_photo_prints_upright(letter_pdf):
    layout = badges.get_layout("avery-5392")
    texts = texts_by_badge(letter_pdf, layout, len(BIG_NAMES) + 4)
    index = next(i for i, t in enumerate(texts) if "Side Ways" in t)
    page_no, left, bottom, right, top = list(badge_boxes(layout, index + 1))[index]
    photos = [(pos, px) for pos, px in image_boxes(letter_pdf, page_no)
              if left <= pos[0] <= right and bottom <= pos[1] <= top and px[0] > 100]  # fmt: skip
    assert len(photos) == 1
    (x0, y0, x1, y1), px = photos[0]
    assert px[0] / ((x1 - x0) / 72) <= 300.5  # at most 300 dpi at printed size
    page = render_page(letter_pdf, page_no)
    k = 150 / 72
    top_px = page.getpixel((int((x0 + x1) / 2 * k), int((layout.page_height - y1 + 6) * k)))
    low_px = page.getpixel((int((x0 + x1) / 2 * k), int((layout.page_height - y0 - 6) * k)))
    assert top_px[0] > 200 and top_px[2] < 80, top_px  # red on top
    assert low_px[2] > 200 and low_px[0] < 80, low_px  # blue below


def assert_boxes_where_the_layout_says(pdf: Path, layout, count: int) -> None:
    """Every badge's border box in `pdf` sits where the layout puts it, within 0.1 pt."""
    doc = pdfium.PdfDocument(str(pdf))
    expected = list(badge_boxes(layout, count))
    for page_no in range(len(doc)):
        found = sorted(
            obj.get_bounds() for obj in doc[page_no].get_objects()
            if obj.type == pdfium.raw.FPDF_PAGEOBJ_PATH
            and abs((obj.get_bounds()[2] - obj.get_bounds()[0]) - layout.width) < 0.5
            and abs((obj.get_bounds()[3] - obj.get_bounds()[1]) - layout.height) < 0.5
        )  # fmt: skip
        want = sorted(b[1:] for b in expected if b[0] == page_no)
        assert len(found) == len(want)
        for got, box in zip(found, want, strict=True):
            assert got == pytest.approx(box, abs=0.1)


def test_no_text_leaves_its_badge_even_a_60_character_name(letter_pdf):
    layout = badges.get_layout("avery-5392")
    count = len(BIG_NAMES) + 4
    boxes = list(badge_boxes(layout, count))
    doc = pdfium.PdfDocument(str(letter_pdf))
    checked = 0
    for page_no in range(len(doc)):
        textpage = doc[page_no].get_textpage()
        mine = [b for b in boxes if b[0] == page_no]
        for i in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(i)
            if right - left <= 0:
                continue
            assert any(b[1] - 0.1 <= left and right <= b[3] + 0.1 and b[2] - 0.1 <= bottom
                       and top <= b[4] + 0.1 for b in mine), (page_no, i)  # fmt: skip
            checked += 1
    assert checked > 500
    texts = texts_by_badge(letter_pdf, layout, count)
    long_one = next(t for t in texts if t.startswith("FIRST") and LONG_NAME[:9] in t)
    lines = long_one.split("\n")[1:]
    assert len(lines[0]) < 60 and "".join(lines[:3]).startswith(LONG_NAME)  # wrapped, not cut


@pytest.mark.parametrize("layout_name", ["avery-5392", "avery-5395", "avery-l4785", "a6", "a7"])
def test_badge_boxes_sit_where_the_layout_says(badge_site, layout_name, tmp_path):
    layout = badges.get_layout(layout_name)
    target = tmp_path / f"{layout_name}.pdf"
    assert run_cli(badge_site, "patio", "--layout", layout_name, "--blanks", "1",
                   "-o", str(target)) == 0  # fmt: skip
    count = len(BIG_NAMES) + 2
    reader = pypdf.PdfReader(target)
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/PrintScaling"] == "/None"
    size = (612, 792) if layout.page == "letter" else (595.28, 841.89)
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            size, abs=0.01
        )
    assert_boxes_where_the_layout_says(target, layout, count)


def test_offset_moves_every_badge_and_calibration_page(tmp_path):
    site = make_site(tmp_path / "site")
    conf = site.root / "pelicanconf.py"
    conf.write_text(conf.read_text() + "FAMILIAR_BADGE_OFFSET = [3.5, -2.0]\n")
    target = tmp_path / "cal.pdf"
    assert run_cli(site, "patio", "--calibration", "-o", str(target)) == 0
    layout = badges.get_layout("avery-5392")
    doc = pdfium.PdfDocument(str(target))
    assert len(doc) == 1
    outlines = sorted(
        {tuple(round(v, 1) for v in obj.get_bounds()) for obj in doc[0].get_objects()
        if obj.type == pdfium.raw.FPDF_PAGEOBJ_PATH
        and abs((obj.get_bounds()[2] - obj.get_bounds()[0]) - layout.width) < 1.5
        and abs((obj.get_bounds()[3] - obj.get_bounds()[1]) - layout.height) < 1.5}
    )  # fmt: skip
    want = sorted(b[1:] for b in badge_boxes(layout, 6, (3.5, -2.0)))
    assert len(outlines) == 6
    for got, box in zip(outlines, want, strict=True):
        assert got == pytest.approx(box, abs=0.5)  # the outline's stroke straddles the edge
    text = pypdf.PdfReader(target).pages[0].extract_text()
    assert "[3.5, -2.0]" in text and "4 in" in text


def test_unknown_event_or_layout_is_one_line_listing_what_exists(badge_site, capsys):
    assert run_cli(badge_site, "nope") == 2
    err = capsys.readouterr().err
    assert err == "familiar badges: unknown event 'nope'; events: coffee, patio\n"
    assert run_cli(badge_site, "patio", "--layout", "avery-9999") == 2
    err = capsys.readouterr().err
    assert err == ("familiar badges: unknown layout 'avery-9999'; layouts: a6, a7, avery-5392, "
                   "avery-5395, avery-l4785\n")  # fmt: skip


def test_build_publishes_badges_and_reuses_them_until_inputs_change(tmp_path):
    site = make_site(tmp_path / "site")
    site.build(SITEURL=SITEURL)
    pdf = site.output / "events" / "patio" / "badges.pdf"
    assert pdf.is_file()
    # the coffee morning is over: nobody prints badges for it any more
    assert not (site.output / "events" / "coffee" / "badges.pdf").exists()
    cache = sorted((site.root / ".familiar-cache" / "badges").glob("patio-*.pdf"))
    assert len(cache) == 1
    before = (cache[0].stat().st_mtime_ns, pdf.read_bytes())
    site.build(SITEURL=SITEURL)
    assert (cache[0].stat().st_mtime_ns, pdf.read_bytes()) == before  # not rendered again
    site.member(
        "chen-wei", "name: 陈伟\npronouns: he/him\nattending: [patio]\nphoto: chen-wei.jpg\n"
    )
    site.build(SITEURL=SITEURL)
    cache_after = sorted((site.root / ".familiar-cache" / "badges").glob("patio-*.pdf"))
    assert len(cache_after) == 1 and cache_after != cache
    assert "he/him" in pypdf.PdfReader(pdf).pages[0].extract_text() or any(
        "he/him" in p.extract_text() for p in pypdf.PdfReader(pdf).pages
    )
    site.build(SITEURL=SITEURL, FAMILIAR_BADGES=False)
    assert not pdf.exists()


def test_a_fresh_cache_gives_the_same_badge_pdf_bytes(tmp_path):
    # a deploy uploads only what changed: when the cache is lost (a new CI runner, an evicted
    # cache), badges made again from the same profiles and photos must be the same file. Each
    # build is a `pelican` process of its own, as `./dev publish` runs it.
    site = make_site(tmp_path / "site")

    def publish() -> bytes:
        command = [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py"]
        subprocess.run([*command, "-o", "output", "-q"], cwd=site.root, check=True)
        return (site.output / "events" / "patio" / "badges.pdf").read_bytes()

    first = publish()
    photos = list((site.root / ".familiar-cache" / "badges" / "photos").iterdir())
    assert photos  # the patio's badges show photos
    shutil.rmtree(site.root / ".familiar-cache")
    shutil.rmtree(site.output)
    assert publish() == first


def test_badge_cache_keeps_what_its_pdfs_use_and_deletes_the_rest(tmp_path):
    site = make_site(tmp_path / "site")
    cache = site.root / ".familiar-cache" / "badges"

    def assets() -> set[str]:
        return {
            f"{kind}/{p.name}"
            for kind in ("photos", "qr", "fonts")
            if (cache / kind).is_dir()
            for p in (cache / kind).iterdir()
        }

    site.build(SITEURL=SITEURL)
    (pdf,) = cache.glob("patio-*.pdf")
    uses = set(pdf.with_suffix(".uses").read_text().split())
    # the patio's photos, QR codes and the font cut for its Chinese name: all listed, all there
    assert {u.split("/")[0] for u in uses} == {"photos", "qr", "fonts"}
    assert uses == assets()
    old_photo = next(u for u in uses if u.startswith("photos/chen-wei-"))

    # a new photo: the badge's old copy goes, the new one is kept with the PDF made from it
    Image.new("RGB", (400, 400), "#e0e040").save(site.content / "members" / "chen-wei.jpg")
    (cache / "photos" / "notes.txt").write_text("not a badge photo")
    site.build(SITEURL=SITEURL)
    (pdf,) = cache.glob("patio-*.pdf")
    uses = set(pdf.with_suffix(".uses").read_text().split())
    assert old_photo not in uses and (cache / old_photo).exists() is False
    assert any(u.startswith("photos/chen-wei-") for u in uses)
    assert assets() == uses | {"photos/notes.txt"}

    # a PDF cached with no list (by an older Familiar): what it uses is unknown, so all is kept
    pdf.with_suffix(".uses").unlink()
    stray = cache / "photos" / "gone-0123456789abcdef.jpg"
    stray.write_bytes(b"a photo of someone who left")
    site.build(SITEURL=SITEURL)
    assert stray.exists() and pdf.exists()

    # the patio is over: no event has badges to make, and nothing of theirs is kept (nor the
    # list of a PDF someone deleted)
    (cache / "coffee-0123456789abcdef0123.uses").write_text("photos/notes.txt\n")
    site.build(SITEURL=SITEURL, FAMILIAR_TODAY="2026-12-05")
    assert not list(cache.glob("*.pdf")) and not list(cache.glob("*.uses"))
    assert assets() == {"photos/notes.txt"}
    assert not (site.output / "events" / "patio" / "badges.pdf").exists()


def test_layouts_state_their_sources():
    for path in sorted(badge_layouts.LAYOUTS_DIR.glob("*.toml")):
        assert path.read_text().startswith("#"), path.name


def test_big_event_rendered_in_runs_merges_into_the_same_badges(badge_site, tmp_path, monkeypatch):
    """Enough sheets to be rendered in worker processes: the merged PDF has the same pages,
    sizes, boxes and text as one process makes, still asks not to scale, and carries each
    font a few times at most (once per run)."""
    layout = badges.get_layout("avery-5392")
    blanks = 12 * layout.per_page - len(BIG_NAMES) - 1  # 12 sheets: two runs
    count = len(BIG_NAMES) + 1 + blanks
    assert badges.split_sheets(12, 2) == [(0, 6), (6, 12)]
    pdfs = {}
    for workers in (1, 2):
        monkeypatch.setattr(badges, "badge_workers", lambda workers=workers: workers)
        pdfs[workers] = tmp_path / f"{workers}.pdf"
        assert run_cli(badge_site, "patio", "--blanks", str(blanks), "-o", str(pdfs[workers])) == 0
    one, merged = (pypdf.PdfReader(pdfs[w]) for w in (1, 2))
    assert len(merged.pages) == len(one.pages) == 12
    assert merged.trailer["/Root"]["/ViewerPreferences"]["/PrintScaling"] == "/None"
    for page in merged.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)
    assert texts_by_badge(pdfs[2], layout, count) == texts_by_badge(pdfs[1], layout, count)
    runs = len(badges.split_sheets(12, 2))

    def fonts(reader):  # font name without the subset tag -> the font objects using it
        found: dict[str, set[int]] = {}
        for page in reader.pages:
            for ref in page["/Resources"]["/Font"].values():
                name = str(ref.get_object()["/BaseFont"]).split("+")[-1]
                found.setdefault(name, set()).add(ref.idnum)
        return found

    fonts_one, fonts_merged = fonts(one), fonts(merged)
    assert set(fonts_merged) == set(fonts_one)
    assert all(len(refs) <= runs for refs in fonts_merged.values())
    assert pdfs[2].stat().st_size < 1.2 * pdfs[1].stat().st_size
    assert_boxes_where_the_layout_says(pdfs[2], layout, count)


def test_worker_processes_return_runs_in_order_and_report_a_failure():
    assert badges.in_children(lambda n: str(n).encode() * n, iter(range(5)), 2) == [
        b"", b"1", b"22", b"333", b"4444"
    ]  # fmt: skip
    with pytest.raises(RuntimeError, match="ZeroDivisionError"):
        badges.in_children(lambda n: str(1 // (n - 2)).encode(), iter(range(4)), 2)
