#!/usr/bin/env python3
"""Draw the illustrated portraits of the fictional demo members.

Every demo person in content/members/ is invented, and so is every face: this script
draws each one with Pillow from the description in PORTRAITS below. No network, no
downloads, no photographs of real people. The output is deterministic.

    python scripts/make_demo_photos.py            # writes content/members/<slug>.<ext>

Two files are deliberately awkward, to exercise the photo pipeline:

* siobhan-oconnor-reilly.jpg is stored sideways (pixels rotated 90 degrees) with EXIF
  Orientation=6, so it only displays upright when the EXIF orientation is applied;
* priya-sharma.png is a PNG rather than a JPEG.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "content" / "members"

W, H = 900, 1200  # final size, portrait
SS = 2  # supersampling factor, for smooth edges

Color = tuple[int, int, int]


def hexc(value: str) -> Color:
    value = value.lstrip("#")
    return (int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16))


def mix(a: Color, b: Color, t: float) -> Color:
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


WHITE = (255, 255, 255)
BLACK = (0, 0, 0)


@dataclass(frozen=True)
class Portrait:
    slug: str
    background: str
    skin: str
    hair: str  # colour
    hair_style: str  # short, pixie, swept, bob, long, ponytail, bun, curly, fade, bald, headscarf
    top: str  # clothing colour
    neckline: str  # crew, vneck, blazer, hoodie, collared, apron
    accent: str = "#FFFFFF"  # shirt under a blazer, apron, hoodie strings...
    glasses: str | None = None  # None, "round", "square"
    glasses_color: str = "#2B2B2B"
    beard: bool = False
    earrings: bool = False
    freckles: bool = False
    fmt: str = "jpeg"  # jpeg | png
    exif_rotated: bool = False  # store sideways with EXIF Orientation=6


PORTRAITS: list[Portrait] = [
    Portrait(
        "zoe-lefevre",
        "#F6C9A8",
        "#F2D3BD",
        "#A0452A",
        "bob",
        "#2E4A7D",
        "apron",
        accent="#F3EBDD",
        earrings=True,
    ),
    Portrait(
        "jose-martinez",
        "#7FC8C2",
        "#C48A62",
        "#1E1A18",
        "short",
        "#E0782F",
        "hoodie",
        accent="#F5F0E6",
        beard=True,
    ),
    Portrait(
        "huong-nguyen",
        "#C9BFE8",
        "#EBC39F",
        "#141214",
        "long",
        "#5B5F66",
        "blazer",
        accent="#FFFFFF",
        glasses="square",
    ),
    Portrait(
        "layla-haddad",
        "#F5E27A",
        "#C99872",
        "#1F1A17",
        "headscarf",
        "#C8577A",
        "crew",
        accent="#2F6B4F",
    ),
    Portrait(
        "chen-wei",
        "#9CCBF0",
        "#EFCFAE",
        "#161618",
        "short",
        "#3B3F46",
        "hoodie",
        accent="#E8E8E8",
        glasses="round",
    ),
    Portrait(
        "priya-sharma",
        "#A8E0C4",
        "#9C6645",
        "#1A1210",
        "bun",
        "#1F8A8A",
        "crew",
        earrings=True,
        fmt="png",
    ),
    Portrait(
        "maria-fernanda-castillo-villanueva",
        "#B8C7DA",
        "#BF8B66",
        "#3A2318",
        "long",
        "#7D2438",
        "blazer",
        accent="#F7F2EA",
        earrings=True,
    ),
    Portrait(
        "siobhan-oconnor-reilly",
        "#B9CFA6",
        "#F6DCCB",
        "#C2521E",
        "long",
        "#22315A",
        "blazer",
        accent="#FFFFFF",
        freckles=True,
        exif_rotated=True,
    ),
    Portrait(
        "jenn-morales",
        "#F39C8B",
        "#D9A27C",
        "#231A16",
        "pixie",
        "#E3B23C",
        "crew",
        glasses="square",
        glasses_color="#D0262E",
    ),
    Portrait(
        "tomasz-wisniewski",
        "#D8B98F",
        "#F0CDB4",
        "#B98F4F",
        "short",
        "#4F6F99",
        "collared",
        accent="#4F6F99",
        beard=True,
    ),
    Portrait(
        "darnell-brooks", "#B5C3CF", "#6B4330", "#140E0C", "fade", "#C73B3B", "vneck", beard=True
    ),
    Portrait(
        "elliot-park",
        "#F7D2A0",
        "#E9C3A0",
        "#191717",
        "swept",
        "#3E7D4F",
        "collared",
        accent="#3E7D4F",
    ),
    Portrait(
        "noor-rahman",
        "#F2B8CF",
        "#A87253",
        "#17110F",
        "curly",
        "#5E3C8F",
        "crew",
        glasses="round",
        earrings=True,
    ),
]


class Painter:
    """ImageDraw with coordinates given in final-image pixels (scaled by SS)."""

    def __init__(self, img: Image.Image):
        self.img = img
        self.d = ImageDraw.Draw(img)

    @staticmethod
    def s(box):
        return [round(v * SS) for v in box]

    def ellipse(self, box, fill=None, outline=None, width=0):
        self.d.ellipse(self.s(box), fill=fill, outline=outline, width=round(width * SS))

    def rect(self, box, fill, radius=0):
        self.d.rounded_rectangle(self.s(box), radius=round(radius * SS), fill=fill)

    def polygon(self, points, fill):
        self.d.polygon([(round(x * SS), round(y * SS)) for x, y in points], fill=fill)

    def chord(self, box, start, end, fill):
        self.d.chord(self.s(box), start, end, fill=fill)

    def pieslice(self, box, start, end, fill):
        self.d.pieslice(self.s(box), start, end, fill=fill)

    def arc(self, box, start, end, fill, width):
        self.d.arc(self.s(box), start, end, fill=fill, width=round(width * SS))

    def line(self, points, fill, width):
        self.d.line(
            [(round(x * SS), round(y * SS)) for x, y in points],
            fill=fill,
            width=round(width * SS),
            joint="curve",
        )


def draw_background(p: Portrait) -> Image.Image:
    base = hexc(p.background)
    top, bottom = mix(base, WHITE, 0.35), mix(base, BLACK, 0.12)
    grad = Image.new("RGB", (1, H * SS))
    for y in range(H * SS):
        grad.putpixel((0, y), mix(top, bottom, y / (H * SS - 1)))
    img = grad.resize((W * SS, H * SS))

    # a few soft, out-of-focus circles, as behind a real portrait
    rng = random.Random(p.slug)
    bokeh = Image.new("RGB", img.size, BLACK)
    mask = Image.new("L", img.size, 0)
    md = ImageDraw.Draw(mask)
    for _ in range(5):
        r = rng.randint(70, 170)
        cx, cy = rng.choice([rng.randint(0, 260), rng.randint(640, W)]), rng.randint(0, 700)
        md.ellipse(
            [(cx - r) * SS, (cy - r) * SS, (cx + r) * SS, (cy + r) * SS], fill=rng.randint(40, 80)
        )
    mask = mask.filter(ImageFilter.GaussianBlur(18 * SS))
    bokeh.paste(mix(base, WHITE, 0.7), (0, 0, *img.size))
    img.paste(bokeh, (0, 0), mask)
    return img


def draw_hair_back(pt: Painter, p: Portrait, hair: Color):
    """Hair that sits behind the head and shoulders."""
    if p.hair_style == "long":
        pt.rect((262, 180, 638, 770), hair, radius=150)
    elif p.hair_style == "bob":
        pt.rect((272, 180, 628, 560), hair, radius=140)
    elif p.hair_style == "ponytail":
        pt.ellipse((560, 300, 680, 620), hair)
    elif p.hair_style == "bun":
        pt.ellipse((395, 95, 505, 200), hair)
    elif p.hair_style == "curly":
        rng = random.Random(p.slug + "-curls")
        pt.ellipse((232, 110, 668, 560), hair)
        for i in range(26):
            a = i / 26
            x = 250 + 400 * a
            y = 150 + 260 * (2 * a - 1) ** 2 + rng.randint(-12, 12)
            r = rng.randint(48, 64)
            pt.ellipse((x - r, y - r, x + r, y + r), hair)
    elif p.hair_style == "headscarf":
        scarf = hexc(p.accent)
        pt.ellipse((262, 160, 638, 640), scarf)


def draw_body(pt: Painter, p: Portrait, skin: Color):
    top = hexc(p.top)
    accent = hexc(p.accent)
    shade = mix(skin, BLACK, 0.16)

    # neck, then shoulders and torso
    pt.rect((382, 410, 518, 670), shade, radius=40)
    pt.ellipse((-90, 650, 990, 1450), top)
    pt.rect((-90, 1050, 990, 1200), top)

    if p.neckline == "crew":
        pt.chord((372, 610, 528, 720), 0, 180, shade)
        pt.arc((362, 600, 538, 732), 0, 180, mix(top, BLACK, 0.2), 14)
    elif p.neckline == "vneck":
        pt.polygon([(380, 650), (520, 650), (450, 790)], shade)
        pt.line([(372, 648), (450, 802), (528, 648)], mix(top, BLACK, 0.22), 14)
    elif p.neckline == "blazer":
        pt.polygon([(360, 665), (395, 645), (505, 645), (540, 665), (450, 870)], accent)  # shirt
        pt.polygon([(392, 630), (508, 630), (450, 712)], shade)  # open collar, skin
        lapel = mix(top, BLACK, 0.25)
        pt.polygon([(330, 670), (385, 655), (450, 900), (420, 950)], lapel)
        pt.polygon([(570, 670), (515, 655), (450, 900), (480, 950)], lapel)
        pt.ellipse((440, 990, 460, 1010), mix(top, WHITE, 0.4))  # button
    if p.hair_style == "headscarf":
        # the scarf wraps the neck and drapes over the chest, in front of the top
        scarf = hexc(p.accent)
        pt.ellipse((262, 420, 638, 780), scarf)
        pt.chord((250, 560, 650, 860), 0, 180, scarf)
        pt.arc((250, 560, 650, 860), 20, 160, mix(scarf, BLACK, 0.18), 8)
    elif p.neckline == "hoodie":
        hood = mix(top, BLACK, 0.18)
        pt.chord((300, 600, 600, 770), 0, 180, hood)
        pt.chord((372, 610, 528, 710), 0, 180, shade)
        pt.line([(410, 715), (404, 870)], accent, 8)
        pt.line([(490, 715), (496, 870)], accent, 8)
        pt.ellipse((396, 862, 412, 878), accent)
        pt.ellipse((488, 862, 504, 878), accent)
    elif p.neckline == "collared":
        pt.polygon([(392, 655), (508, 655), (450, 750)], shade)
        collar = mix(accent, WHITE, 0.25)
        pt.polygon([(370, 640), (450, 750), (395, 770), (350, 670)], collar)
        pt.polygon([(530, 640), (450, 750), (505, 770), (550, 670)], collar)
        for y in (900, 980, 1060):
            pt.ellipse((443, y, 457, y + 14), mix(top, WHITE, 0.5))
    elif p.neckline == "apron":
        pt.chord((372, 610, 528, 720), 0, 180, shade)
        pt.rect((300, 790, 600, 1130), accent, radius=30)
        pt.line([(330, 800), (380, 670)], accent, 22)
        pt.line([(570, 800), (520, 670)], accent, 22)
        pt.rect((395, 890, 505, 960), mix(accent, BLACK, 0.08), radius=10)  # pocket


def draw_head(pt: Painter, p: Portrait, skin: Color, hair: Color):
    ear = mix(skin, BLACK, 0.07)
    if p.hair_style != "headscarf":
        pt.ellipse((286, 345, 330, 440), ear)
        pt.ellipse((570, 345, 614, 440), ear)
        if p.earrings:
            gold = hexc("#E2B53E")
            pt.ellipse((296, 436, 318, 458), gold)
            pt.ellipse((582, 436, 604, 458), gold)

    # hair cap first, then the face over it, so the hairline shows at the top
    style = p.hair_style
    if style in ("short", "pixie", "swept", "bob", "long", "ponytail", "bun", "fade"):
        pt.ellipse((292, 168, 608, 470), hair)
    pt.ellipse((304, 205, 596, 570), skin)

    # fringes and partings over the forehead
    if style == "bob":
        pt.chord((300, 170, 600, 390), 180, 360, hair)
        pt.polygon([(300, 280), (600, 280), (600, 310), (300, 300)], hair)
    elif style == "pixie":
        pt.polygon(
            [(304, 300), (330, 215), (450, 180), (590, 240), (560, 270), (420, 285), (340, 330)],
            hair,
        )
    elif style == "swept":
        pt.polygon(
            [(300, 330), (320, 210), (460, 160), (600, 230), (598, 300), (520, 260), (400, 270)],
            hair,
        )
    elif style in ("short", "bun", "ponytail"):
        pt.chord((300, 172, 600, 330), 180, 360, hair)
    elif style == "long":
        pt.chord((300, 172, 600, 330), 180, 360, hair)
        pt.polygon([(450, 200), (470, 200), (360, 330), (320, 340)], hair)  # side part
    elif style == "fade":
        pt.chord((314, 185, 586, 310), 180, 360, hair)
    elif style == "headscarf":
        scarf = hexc(p.accent)
        pt.chord((298, 175, 602, 345), 180, 360, scarf)
        pt.arc((304, 205, 596, 570), 180, 360, mix(scarf, BLACK, 0.18), 10)
    elif style == "curly":
        rng = random.Random(p.slug + "-fringe")
        for i in range(7):
            x = 320 + 43 * i
            r = rng.randint(34, 44)
            pt.ellipse((x - r, 225 - r, x + r, 225 + r), hair)

    # face
    brow = mix(hair, BLACK, 0.2) if style != "headscarf" else hexc("#2A1E18")
    pt.arc((362, 335, 428, 375), 200, 330, brow, 9)
    pt.arc((472, 335, 538, 375), 210, 340, brow, 9)

    eye = hexc("#2A211D")
    for cx in (396, 504):
        pt.ellipse((cx - 14, 382, cx + 14, 414), eye)
        pt.ellipse((cx - 2, 388, cx + 7, 397), WHITE)

    cheek = mix(skin, hexc("#E8747C"), 0.28)
    pt.ellipse((340, 440, 392, 478), cheek)
    pt.ellipse((508, 440, 560, 478), cheek)

    if p.freckles:
        freckle = mix(skin, hexc("#A0522D"), 0.45)
        rng = random.Random(p.slug + "-freckles")
        for side in (360, 540):
            for _ in range(9):
                x, y = side + rng.randint(-28, 28), 432 + rng.randint(-12, 22)
                pt.ellipse((x - 3, y - 3, x + 3, y + 3), freckle)

    nose = mix(skin, BLACK, 0.2)
    pt.arc((428, 405, 472, 458), 20, 160, nose, 7)

    if p.beard:
        beard = mix(hair, skin, 0.15)
        pt.chord((306, 300, 594, 575), 10, 170, beard)
        pt.polygon([(398, 470), (502, 470), (520, 490), (380, 490)], beard)  # moustache

    # smile
    pt.chord((400, 470, 500, 535), 0, 180, hexc("#8E2F3A"))
    pt.chord((414, 470, 486, 500), 0, 180, hexc("#FBF7F2"))

    if p.glasses:
        g = hexc(p.glasses_color)
        if p.glasses == "round":
            pt.ellipse((344, 352, 446, 446), outline=g, width=8)
            pt.ellipse((454, 352, 556, 446), outline=g, width=8)
        else:
            pt.d.rounded_rectangle(
                pt.s((340, 358, 444, 438)), radius=18 * SS, outline=g, width=8 * SS
            )
            pt.d.rounded_rectangle(
                pt.s((456, 358, 560, 438)), radius=18 * SS, outline=g, width=8 * SS
            )
        pt.arc((436, 378, 464, 402), 200, 340, g, 7)
        pt.line([(340, 385), (306, 378)], g, 7)
        pt.line([(560, 385), (594, 378)], g, 7)


def draw(p: Portrait) -> Image.Image:
    img = draw_background(p)
    pt = Painter(img)
    skin, hair = hexc(p.skin), hexc(p.hair)
    draw_hair_back(pt, p, hair)
    draw_body(pt, p, skin)
    draw_head(pt, p, skin, hair)
    return img.resize((W, H), Image.Resampling.LANCZOS)


def save(p: Portrait, img: Image.Image) -> Path:
    if p.fmt == "png":
        path = OUT_DIR / f"{p.slug}.png"
        # an illustration: a palette keeps the PNG small without visible loss
        img.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            path, "PNG", optimize=True
        )
        return path
    path = OUT_DIR / f"{p.slug}.jpg"
    if p.exif_rotated:
        # Stored sideways: Orientation=6 means "rotate 90 degrees clockwise to display",
        # so the stored pixels are the upright picture turned 90 degrees anticlockwise.
        exif = Image.Exif()
        exif[0x0112] = 6
        img.transpose(Image.Transpose.ROTATE_90).save(
            path, "JPEG", quality=85, optimize=True, exif=exif
        )
    else:
        img.save(path, "JPEG", quality=85, optimize=True)
    return path


def main() -> None:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    for p in PORTRAITS:
        path = save(p, draw(p))
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
