"""One source photo -> cleaned, square, face-first derivatives at a few sizes (baseline version)."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps

from .errors import FieldError
from .models import Member

SIZES = (96, 192, 384, 768)
PIPELINE_VERSION = "1"


@dataclass(frozen=True)
class Variant:
    size: int
    webp: str  # output-relative paths
    jpeg: str


@dataclass(frozen=True)
class PhotoSet:
    alt: str
    variants: tuple[Variant, ...]

    def best(self, css_px: int) -> Variant:
        """The smallest variant at least twice `css_px` (sharp on phones), else the largest."""
        for v in self.variants:
            if v.size >= css_px * 2:
                return v
        return self.variants[-1]

    def srcset(self, kind: str) -> list[tuple[str, int]]:
        return [(getattr(v, kind), v.size) for v in self.variants]


def crop_box(
    width: int, height: int, focus: tuple[float, float] | None
) -> tuple[int, int, int, int]:
    """A square around the face: at `focus` if given, else in the upper part of a tall photo."""
    side = min(width, height)
    if focus:
        cx, cy = width * focus[0] / 100, height * focus[1] / 100
    else:
        cx, cy = width / 2, (height * 0.38 if height > width else height / 2)
    left = int(min(max(cx - side / 2, 0), width - side))
    top = int(min(max(cy - side / 2, 0), height - side))
    return (left, top, left + side, top + side)


def process(member: Member, source: Path, out_dir: Path) -> PhotoSet:
    """Write the member's derivatives under out_dir/photos and describe them."""
    data = source.read_bytes()
    digest = hashlib.sha256(
        data + repr((PIPELINE_VERSION, SIZES, member.photo_focus)).encode()
    ).hexdigest()[:12]
    variants = []
    todo = []
    for size in SIZES:
        name = f"photos/{member.slug}-{digest}-{size}"
        variants.append(Variant(size, name + ".webp", name + ".jpg"))
        if not (out_dir / (name + ".webp")).exists():
            todo.append(size)
    if todo:
        with Image.open(io.BytesIO(data)) as im:
            im = ImageOps.exif_transpose(im).convert("RGB")
            square = im.crop(crop_box(*im.size, member.photo_focus))
        for size in todo:
            small = square.resize((size, size), Image.LANCZOS) if square.width > size else square
            name = out_dir / f"photos/{member.slug}-{digest}-{size}"
            name.parent.mkdir(parents=True, exist_ok=True)
            small.save(name.with_suffix(".webp"), "WEBP", quality=80)
            small.save(name.with_suffix(".jpg"), "JPEG", quality=82, optimize=True)
    return PhotoSet(member.alt, tuple(variants))


def prepare(
    members: list[Member], members_dir: Path, out_dir: Path
) -> tuple[dict[str, PhotoSet], list[FieldError]]:
    """Photo sets by member slug for every member with a photo, and problems with photos."""
    photos: dict[str, PhotoSet] = {}
    errors: list[FieldError] = []
    for m in members:
        if not m.photo:
            continue
        try:
            photos[m.slug] = process(m, members_dir / m.photo, out_dir)
        except (OSError, Image.DecompressionBombError, ValueError) as e:
            errors.append(
                FieldError(
                    m.source, m.line_of("photo"), "photo", f"cannot be read as an image ({e})"
                )
            )
    return photos, errors


def placeholder_colour(slug: str) -> str:
    """A background colour derived from the slug, dark enough for white text (contrast >= 4.5:1)."""
    hue = int(hashlib.sha1(slug.encode()).hexdigest()[:4], 16) % 360
    import colorsys

    r, g, b = colorsys.hls_to_rgb(hue / 360, 0.32, 0.55)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"
