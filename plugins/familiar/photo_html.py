"""A member's photo as HTML (`<picture>` with WebP and JPEG sizes), or a placeholder with their
initials when there is no photo; templates call it as `photo_of(...)`.

Written in Python rather than as a Jinja macro: an event page shows hundreds of faces, and the
macro's loops over every size, with each value escaped through Jinja's machinery, took more time
than the rest of the page. Every value from a profile is escaped here too (markupsafe.escape).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

# how a photo starts and what makes it lazy: quick_terms.py reads listings' cards by them
IMG_START = '<img class="photo u-photo"'
LAZY = ' loading="lazy" decoding="async"'


def _srcset(site_url: str, sizes: list[tuple[str, int]]) -> str:
    return ", ".join(f"{site_url}/{escape(src)} {w}w" for src, w in sizes)


def photo_of(
    member: Any,
    photo: Any,
    placeholder_colour: str,
    css_px: int = 96,
    lazy: bool = True,
    sizes: str | None = None,
    *,
    site_url: str = "",
) -> Markup:
    """The photo shown at about `css_px` CSS pixels; lazily loaded unless `lazy` is false;
    `sizes`: the img's sizes attribute (default: `css_px` pixels). `member`: a Member, or a
    Guest (models.py), for the placeholder's name and initials."""
    if not photo:
        return Markup(
            f'<span class="photo placeholder" role="img" aria-label="{escape(member.name)}" '
            f'style="--ph: {escape(placeholder_colour)}; --size: {int(css_px)}px">'
            f'<span aria-hidden="true" dir="auto">{escape(member.initials)}</span></span>'
        )
    base = escape(site_url)
    shown = escape(sizes or f"{css_px}px")
    px = int(css_px)
    main = photo.best(css_px)
    loading = LAZY if lazy else ""
    return Markup(
        "<picture>\n"
        f'  <source type="image/webp" srcset="{_srcset(base, photo.srcset("webp"))}"'
        f' sizes="{shown}">\n'
        f'  {IMG_START} src="{base}/{escape(main.jpeg)}"'
        f' srcset="{_srcset(base, photo.srcset("jpeg"))}" sizes="{shown}"'
        f' width="{px}" height="{px}" alt="{escape(photo.alt)}"{loading}>\n'
        "</picture>"
    )
