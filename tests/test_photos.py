"""The member photo pipeline: safe to open, clean to publish, cropped to the face, cached."""

from __future__ import annotations

import io
import os
import re
import shutil
import struct
import zlib
from pathlib import Path

import pytest
from familiar import photos, placeholders
from familiar.community import load_community
from familiar.errors import ContentErrors
from familiar.settings import read_settings
from PIL import Image, ImageCms, ImageDraw, ImageFilter

from .conftest import REPO

FACE = (200, 40, 160)  # a colour nothing else in the test portraits uses


def jpeg(im: Image.Image, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=92, **kw)
    return buf.getvalue()


def portrait(w: int = 600, h: int = 900, face_at: tuple[float, float] = (0.5, 0.3)) -> Image.Image:
    """A tall picture: grey background, blue shoulders, a magenta face of radius w/5."""
    im = Image.new("RGB", (w, h), (150, 150, 150))
    d = ImageDraw.Draw(im)
    d.rectangle((0, int(h * 0.6), w, h), fill=(20, 40, 160))
    cx, cy, r = w * face_at[0], h * face_at[1], w / 5
    d.ellipse((cx - r, cy - r, cx + r, cy + r), fill=FACE)
    # a little sensor noise, as every real photo has
    return Image.blend(im, Image.effect_noise((w, h), 40).convert("RGB"), 0.08)


def face_pixels(im: Image.Image) -> int:
    return sum(
        1
        for p in im.convert("RGB").get_flattened_data()
        if abs(p[0] - FACE[0]) < 40 and abs(p[1] - FACE[1]) < 40 and abs(p[2] - FACE[2]) < 40
    )


def variant(files: dict[str, bytes], rank: int, ext: str = "jpg") -> Image.Image:
    """One derivative by size rank: 0 is the smallest, -1 the largest."""
    sizes = sorted({int(name.split(".")[0]) for name in files})
    return Image.open(io.BytesIO(files[f"{sizes[rank]}.{ext}"]))


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims width x height pixels but holds almost no data: a bomb's shape."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    idat = zlib.compress(b"\0" * 1000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def errors_of(site) -> list[str]:
    with pytest.raises(ContentErrors) as info:
        site.build()
    return [str(e) for e in info.value.errors]


def settings_of(site):
    return read_settings(site.settings())


def published_photos(site) -> list[Path]:
    return sorted((site.output / "photos").iterdir())


# --- metadata never survives ---------------------------------------------------------------------


def test_gps_exif_xmp_icc_and_comments_are_removed(site):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x927C] = b"maker note secrets"  # MakerNote
    gps = {1: "N", 2: (43.0, 27.0, 1.5), 3: "W", 4: (79.0, 41.0, 2.5)}
    exif[0x8825] = gps  # GPSInfo
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>secret-xmp</rdf:RDF></x:xmpmeta>'
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = jpeg(
        portrait(900, 1200), exif=exif.tobytes(), xmp=xmp, icc_profile=icc, comment=b"secret"
    )
    src = Image.open(io.BytesIO(data))
    assert src.getexif().get_ifd(0x8825), "the test photo must really carry GPS"
    assert "xmp" in src.info and "icc_profile" in src.info and "comment" in src.info

    site.member("ann", "name: Ann\nphoto: ann.jpg\n")
    (site.content / "members/ann.jpg").write_bytes(data)
    site.build()
    files = published_photos(site)
    assert len(files) == 8  # 4 sizes x (WebP, JPEG)
    for f in files:
        blob = f.read_bytes()
        with Image.open(f) as im:
            assert not im.getexif(), f.name
            assert not {"exif", "xmp", "icc_profile", "comment", "XML:com.adobe.xmp"} & set(
                im.info
            ), (f.name, im.info.keys())
        for secret in (
            b"Exif",
            b"PhoneMaker",
            b"maker note",
            b"secret",
            b"xmpmeta",
            b"ICC_PROFILE",
        ):
            assert secret not in blob, (f.name, secret)
    # the original is never published, under any name
    for f in site.output.rglob("*"):
        assert not (f.is_file() and f.read_bytes() == data), f


# --- orientation --------------------------------------------------------------------------------


def test_exif_orientation_6_comes_out_upright():
    upright = Image.new("RGB", (400, 600), (220, 30, 30))  # red on top ...
    ImageDraw.Draw(upright).rectangle((0, 300, 400, 600), fill=(30, 30, 220))  # ... blue below
    stored = upright.rotate(90, expand=True)  # stored sideways; a viewer turns it clockwise
    exif = Image.Exif()
    exif[0x0112] = 6
    facts, files = photos.render(jpeg(stored, exif=exif.tobytes()), None)
    assert (facts["width"], facts["height"]) == (400, 600)
    out = variant(files, 0).convert("RGB")
    top, bottom = out.getpixel((48, 3)), out.getpixel((48, 92))
    assert top[0] > 150 > top[2] and bottom[2] > 150 > bottom[0], (top, bottom)


def test_demo_sideways_photo_comes_out_upright():
    """siobhan-oconnor-reilly.jpg is stored on its side with Orientation=6."""
    data = (REPO / "content/members/siobhan-oconnor-reilly.jpg").read_bytes()
    with Image.open(io.BytesIO(data)) as src:
        assert src.getexif().get(0x0112) == 6 and src.width > src.height
    facts, files = photos.render(data, None)
    assert facts["height"] > facts["width"]
    out = variant(files, 0).convert("L").resize((96, 96))
    top = sum(out.getpixel((x, 2)) for x in range(96)) / 96
    bottom = sum(out.getpixel((x, 93)) for x in range(96)) / 96
    # light background above the head, dark jacket at the bottom
    assert top > bottom + 60, (top, bottom)


# --- what is refused -----------------------------------------------------------------------------


def write_member_photo(site, data: bytes, name: str = "ann.jpg") -> None:
    site.member("ann", f"name: Ann\nphoto: {name}\n")
    (site.content / "members" / name).write_bytes(data)


def test_decompression_bomb_is_refused(site):
    write_member_photo(site, png_header_only(20000, 20000), "ann.png")  # 400 MP in 1 kB
    (err,) = errors_of(site)
    assert err.startswith("content/members/ann.md:3: photo: 'ann.png' has too many pixels")
    assert "decompression bomb" in err


def test_pixel_cap_is_checked_before_decoding(site):
    # 72 MP: under Pillow's own limit, over ours
    write_member_photo(site, png_header_only(9000, 8000), "ann.png")
    before = photos.stats["decoded"]
    (err,) = errors_of(site)
    assert "'ann.png' is 9000×8000 pixels; the most is 64 megapixels" in err
    assert photos.stats["decoded"] == before


def test_svg_is_refused_even_named_jpg(site):
    svg = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    write_member_photo(site, svg)
    (err,) = errors_of(site)
    assert err == (
        "content/members/ann.md:3: photo: 'ann.jpg' is an SVG drawing (SVG can carry scripts); "
        f"upload a {photos.OK_TYPES} photo"
    )


def test_svg_and_gif_names_are_refused(site):
    site.member("ann", "name: Ann\nphoto: ann.svg\n")
    (err,) = errors_of(site)
    assert "ann.md:3: photo: expected 'ann.jpg'" in err and "got 'ann.svg'" in err


def test_gif_is_refused(site):
    buf = io.BytesIO()
    Image.new("RGB", (300, 300), "red").save(buf, "GIF")
    write_member_photo(site, buf.getvalue())
    (err,) = errors_of(site)
    assert err.endswith(f"photo: 'ann.jpg' is a GIF; upload a {photos.OK_TYPES} photo")


def test_symlink_is_refused(site, tmp_path):
    target = tmp_path / "elsewhere.jpg"
    target.write_bytes(jpeg(portrait()))
    site.member("ann", "name: Ann\nphoto: ann.jpg\n")
    (site.content / "members/ann.jpg").symlink_to(target)
    (err,) = errors_of(site)
    assert err == (
        "content/members/ann.md:3: photo: 'ann.jpg' is a symbolic link; upload the photo itself"
    )
    assert not (site.output / "photos").exists()


def test_path_leaving_the_folder_is_refused(site):
    site.member("ann", "name: Ann\nphoto: ../../pelicanconf.py\n")
    (err,) = errors_of(site)
    assert err.startswith("content/members/ann.md:3: photo: expected 'ann.jpg'")
    assert "your photo sits beside your profile" in err


def test_photo_of_another_member_is_refused(site):
    site.member("ann", "name: Ann\nphoto: bob.jpg\n")
    (site.content / "members/bob.jpg").write_bytes(jpeg(portrait()))
    (err,) = errors_of(site)
    assert "ann.md:3: photo: expected 'ann.jpg'" in err


def test_remote_url_is_refused(site):
    site.member("ann", "name: Ann\nphoto: https://evil.example/ann.jpg\n")
    (err,) = errors_of(site)
    assert "ann.md:3: photo: must be a file beside your profile, not a web address" in err


def test_truncated_file_is_refused(site):
    data = jpeg(Image.effect_noise((800, 800), 60).convert("RGB"))
    write_member_photo(site, data[: len(data) // 2])
    (err,) = errors_of(site)
    assert "photo: 'ann.jpg' is damaged or cut short" in err


def test_truncated_file_is_refused_even_after_weasyprint_is_imported(site):
    # WeasyPrint turns Pillow's LOAD_TRUNCATED_IMAGES on for the whole process when imported,
    # as every build does for the badges
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    ImageFile.LOAD_TRUNCATED_IMAGES = True
    data = jpeg(Image.effect_noise((800, 800), 60).convert("RGB"))
    write_member_photo(site, data[: len(data) // 2])
    (err,) = errors_of(site)
    assert "photo: 'ann.jpg' is damaged or cut short" in err


def test_byte_cap(site):
    data = jpeg(portrait())
    write_member_photo(site, data + b"\0" * (photos.MAX_BYTES + 1 - len(data)))
    (err,) = errors_of(site)
    assert "photo: 'ann.jpg' is 15.7 MB; the most is 15 MB" in err


def test_hidden_members_photo_is_checked_but_never_processed(site):
    site.member("ann", "name: Ann\nphoto: ann.jpg\nvisibility: hidden\n")
    (site.content / "members/ann.jpg").write_bytes(jpeg(portrait()))
    site.build()
    assert not (site.output / "photos").exists()


# --- the crop -----------------------------------------------------------------------------------


def test_tall_portrait_crop_keeps_the_face():
    # a face in the upper part of a 1:2 phone portrait, as people frame themselves
    src = portrait(600, 1200, face_at=(0.5, 0.22))
    whole_face = face_pixels(src)
    _, files = photos.render(jpeg(src), None)
    out = variant(files, -1)
    kept = face_pixels(out) * (600 / out.width) ** 2
    assert kept > 0.95 * whole_face, (kept, whole_face)
    # a plain centre crop would have cut most of it off: the heuristic is doing the work
    centre = src.crop((0, 300, 600, 900))
    assert face_pixels(centre) < 0.6 * whole_face


def test_photo_focus_moves_the_crop():
    src = portrait(1200, 600, face_at=(0.85, 0.5))  # wide photo, face far right
    whole_face = face_pixels(src)
    _, plain = photos.render(jpeg(src), None)
    _, focused = photos.render(jpeg(src), (85.0, 50.0))
    assert face_pixels(variant(plain, -1)) < 0.6 * whole_face
    assert face_pixels(variant(focused, -1)) > 0.95 * whole_face


def test_crop_box_is_always_a_square_inside_the_photo():
    for w, h in ((100, 300), (300, 100), (4000, 3000), (1, 1)):
        for focus in (None, (0.0, 0.0), (100.0, 100.0), (50.0, 10.0)):
            left, top, right, bottom = photos.crop_box(w, h, focus)
            assert right - left == bottom - top == min(w, h)
            assert left >= 0 and right <= w and top >= 0 and bottom <= h


# --- sizes, formats, HTML -----------------------------------------------------------------------


def test_sizes_srcset_and_lazy_loading(site):
    site.member("ann", "name: Ann Lee\nphoto: ann.jpg\nphoto_alt: Ann, smiling, red scarf\n")
    site.member("bob", "name: Bob Stone\nphoto: bob.png\n")
    (site.content / "members/ann.jpg").write_bytes(jpeg(portrait(900, 1200)))
    portrait(900, 1200).save(site.content / "members/bob.png")
    # a long listing: ten more members (the same bytes, so the cache decodes them once)
    same = jpeg(portrait(800, 1000))
    for i in range(10):
        site.member(f"zed-{i}", f"name: Zed {i:02d}\nphoto: zed-{i}.jpg\n")
        (site.content / f"members/zed-{i}.jpg").write_bytes(same)
    start = photos.stats["decoded"]
    site.build()
    assert photos.stats["decoded"] - start == 3
    for f in published_photos(site):
        assert re.fullmatch(r"[a-z0-9-]+-[0-9a-f]{12}-(96|192|384|768)\.(webp|jpg)", f.name), f.name
        with Image.open(f) as im:
            size = int(f.name.split("-")[-1].split(".")[0])
            assert im.size == (size, size) and im.format in ("WEBP", "JPEG")

    imgs = site.html("").select("img.photo")
    assert [img["alt"] for img in imgs[:2]] == ["Ann, smiling, red scarf", "Bob Stone"]
    assert imgs[-1].get("loading") == "lazy", "the end of a long listing loads lazily"
    for img in imgs:
        assert img["width"] == img["height"] == "96"
        srcset = [part.split() for part in img["srcset"].split(", ")]
        assert [w for _, w in srcset] == ["96w", "192w", "384w", "768w"]
        for src, _ in srcset:
            assert (site.output / src.lstrip("/")).is_file()
        webp = img.find_parent("picture").find("source")
        assert webp["type"] == "image/webp" and ".webp 768w" in webp["srcset"]
    page = site.html("members/ann/").select_one("img.photo")
    assert not page.has_attr("loading") and page["alt"] == "Ann, smiling, red scarf"


def test_photo_markup_escapes_what_a_profile_says(site):
    """The photo and placeholder markup (photo_html.photo_of, not a template) escapes the alt
    text and the name wherever a face is shown: the member page, the directory, the event page
    and its face sheet."""
    hostile = '"><img src=x onerror=alert(1)>'
    site.member(
        "ann",
        f"name: Ann Lee\nphoto: ann.jpg\nphoto_alt: '{hostile}'\nattending: [meetup-2026-12-04]\n",
    )
    site.member("bob", f"name: '{hostile} Bob'\nattending: [meetup-2026-12-04]\n")
    (site.content / "members/ann.jpg").write_bytes(jpeg(portrait(600, 800)))
    site.event(
        "meetup-2026-12-04",
        "title: Meetup\nstart: 2026-12-04 17:30\nvenue: {name: Hall, address: 1 Main St}\n"
        f"guests:\n  - {{name: '{hostile} Bob'}}\n",  # a guest's placeholder too
    )
    site.build()
    for rel in ("members/ann/", "members/bob/", "", "events/meetup-2026-12-04/",
                "events/meetup-2026-12-04/faces/"):  # fmt: skip
        page = site.html(rel)
        assert not page.select("[onerror]"), rel
        for img in page.select("img.photo"):
            assert img["alt"] == hostile, rel
            assert img.find_parent("picture").find("source")["srcset"], rel
        for ph in page.select(".photo.placeholder"):
            assert ph["aria-label"] == f"{hostile} Bob", rel
            assert ph.get_text().strip() and not ph.find("img"), rel  # initials, as text
    assert site.html("members/ann/").select("img.photo")
    assert site.html("members/bob/").select(".photo.placeholder")
    # Bob and the guest have no photo; Ann has
    assert len(site.html("events/meetup-2026-12-04/").select(".photo.placeholder")) == 2


def test_small_source_is_not_upscaled():
    facts, files = photos.render(jpeg(portrait(300, 400)), None)
    assert facts["sizes"] == [75, 150, 300]  # the square and its halves, down to 64 pixels
    assert Image.open(io.BytesIO(files["300.jpg"])).size == (300, 300)


def test_transparent_png_and_cmyk_jpeg_become_rgb():
    rgba = Image.new("RGBA", (400, 400), (0, 0, 0, 0))
    buf = io.BytesIO()
    rgba.save(buf, "PNG")
    _, files = photos.render(buf.getvalue(), None)
    out = variant(files, 0)
    assert out.mode == "RGB" and out.getpixel((10, 10)) > (245, 245, 245)
    cmyk = io.BytesIO()
    Image.new("CMYK", (400, 400), (0, 255, 255, 0)).save(cmyk, "JPEG")
    _, files = photos.render(cmyk.getvalue(), None)
    assert variant(files, 0, "webp").mode == "RGB"


@pytest.mark.skipif(not photos.HEIF, reason="pillow-heif not installed")
def test_heic_from_a_phone_is_accepted():
    buf = io.BytesIO()
    portrait(240, 320).save(buf, "HEIF", quality=80)
    facts, files = photos.render(buf.getvalue(), None)
    assert (facts["width"], facts["height"]) == (240, 320) and "240.webp" in files


# --- warnings -----------------------------------------------------------------------------------


def test_small_blurry_and_narrow_photos_are_warnings_not_errors(site):
    site.member("ann", "name: Ann\nphoto: ann.jpg\n")
    site.member("bob", "name: Bob\nphoto: bob.jpg\n")
    site.member("cat", "name: Cat\nphoto: cat.jpg\n")
    site.member("dan", "name: Dan\nphoto: dan.jpg\n")
    members = site.content / "members"
    (members / "ann.jpg").write_bytes(jpeg(portrait(180, 240)))
    sharp = portrait(900, 1200)
    ImageDraw.Draw(sharp).text((300, 250), "sharp detail " * 3, fill=(0, 0, 0))
    (members / "bob.jpg").write_bytes(jpeg(sharp.filter(ImageFilter.GaussianBlur(24))))
    (members / "cat.jpg").write_bytes(jpeg(portrait(1500, 400)))
    (members / "dan.jpg").write_bytes(jpeg(sharp))

    community = load_community(settings_of(site))
    assert community.errors == []
    warnings = sorted(str(w) for w in community.warnings)
    assert all(w.severity == "warning" for w in community.warnings)
    assert warnings[0].startswith(
        "content/members/ann.md:3: photo: 'ann.jpg' is only 180×240 pixels and will look blurry"
    )
    assert warnings[1].startswith("content/members/bob.md:3: photo: 'bob.jpg' looks very blurry")
    assert warnings[2].startswith(
        "content/members/cat.md:3: photo: 'cat.jpg' is 1500×400, very long and narrow"
    )
    assert len(warnings) == 3, warnings  # the sharp one passes
    site.build()  # warnings do not stop the build
    assert len(site.html("").select("img.photo")) == 4


# --- the cache ----------------------------------------------------------------------------------


def test_cache_prevents_reprocessing(site):
    members = site.content / "members"
    for slug, at in (("ann", 0.3), ("bob", 0.35), ("cat", 0.4)):
        site.member(slug, f"name: {slug.title()}\nphoto: {slug}.jpg\n", bio="Hello.")
        (members / f"{slug}.jpg").write_bytes(jpeg(portrait(600, 800, face_at=(0.5, at))))
    start = photos.stats["decoded"]
    site.build()
    assert photos.stats["decoded"] - start == 3
    first = site.files()

    start = photos.stats["decoded"]
    site.build()
    assert photos.stats["decoded"] == start, "a rebuild with no photo changes decoded photos"
    assert site.files() == first

    # the output folder wiped (a fresh checkout keeps its cache in CI): still no decode
    shutil.rmtree(site.output)
    site.build()
    assert photos.stats["decoded"] == start and site.files() == first

    # a git checkout rewrites files (new mtime and inode) without changing them: no decode
    data = (members / "bob.jpg").read_bytes()
    (members / "bob.jpg").unlink()
    (members / "bob.jpg").write_bytes(data)
    site.build()
    assert photos.stats["decoded"] == start

    # editing a profile's text does not touch its photo; moving its focus reprocesses only it
    site.member("ann", "name: Ann\nphoto: ann.jpg\n", bio="New bio.")
    site.build()
    assert photos.stats["decoded"] == start
    site.member("ann", "name: Ann\nphoto: ann.jpg\nphoto_focus: [50, 20]\n")
    site.build()
    assert photos.stats["decoded"] == start + 1

    # a new photo for one member: one decode, and its old derivatives leave the output
    old = [f for f in site.files() if f.startswith("photos/cat-")]
    (members / "cat.jpg").write_bytes(jpeg(portrait(700, 900)))
    site.build()
    assert photos.stats["decoded"] == start + 2
    new = [f for f in site.files() if f.startswith("photos/cat-")]
    assert len(new) == len(old) == 8 and not set(old) & set(new), (old, new)


# --- placeholders -------------------------------------------------------------------------------


def test_wcag_contrast_formula():
    assert placeholders.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert placeholders.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert placeholders.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)


def test_placeholder_colours_have_contrast_for_every_hue():
    slugs = [f"member-{i}" for i in range(2000)]
    colours = {placeholders.placeholder_colour(s) for s in slugs}
    assert len(colours) > 100  # members are told apart by colour too
    worst = min(placeholders.contrast_ratio(c, placeholders.PLACEHOLDER_TEXT) for c in colours)
    assert worst >= 4.5, worst
    assert placeholders.placeholder_colour("jenn-morales") == placeholders.placeholder_colour(
        "jenn-morales"
    )


def test_placeholder_in_the_page_reads_with_the_sites_text_colour(site):
    site.member("chen-wei", "name: 陈伟\n")
    site.member("layla", "name: ليلى حداد\n")
    site.build()
    css = (REPO / "theme/static/css/site.css").read_text()
    rule = re.search(r"\.placeholder\s*\{([^}]*)\}", css).group(1)
    text = re.search(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})", rule).group(1)
    if len(text) == 4:
        text = "#" + "".join(ch * 2 for ch in text[1:])
    for slug, initials in (("chen-wei", "陈"), ("layla", "ل")):
        ph = site.html(f"members/{slug}/").select_one(".placeholder")
        colour = re.search(r"--ph:\s*(#[0-9a-f]{6})", ph["style"]).group(1)
        assert placeholders.contrast_ratio(colour, text) >= 4.5
        assert ph.get_text(strip=True).startswith(initials)
        assert ph["role"] == "img" and ph["aria-label"]


def test_a_vcards_photo_is_read_from_the_cache_or_the_output_and_never_through_a_link(tmp_path):
    """PhotoSet.jpeg_bytes (the vCard's photo): the cache's file, else the output's copy; a
    link or anything but a regular file (a FIFO would block a read) is passed over."""
    from familiar.photo_sets import PhotoSet, Variant

    cache, output = tmp_path / "cache", tmp_path / "output"
    (output / "photos").mkdir(parents=True)
    cache.mkdir()
    v = Variant(75, "photos/a-75.webp", "photos/a-75.jpg")
    photo = PhotoSet("A", (v,), folder=str(cache))
    assert photo.jpeg_bytes(v, output) is None
    (output / "photos/a-75.jpg").write_bytes(b"output copy")
    assert photo.jpeg_bytes(v, output) == b"output copy"
    (cache / "75.jpg").write_bytes(b"cached" * 20_000)  # more than one read's worth
    assert photo.jpeg_bytes(v, output) == b"cached" * 20_000
    (cache / "75.jpg").unlink()
    os.mkfifo(cache / "75.jpg")
    assert photo.jpeg_bytes(v, output) == b"output copy"
    (output / "photos/a-75.jpg").unlink()
    secret = tmp_path / "secret.jpg"
    secret.write_bytes(b"not the member's photo")
    (output / "photos/a-75.jpg").symlink_to(secret)
    assert photo.jpeg_bytes(v, output) is None
