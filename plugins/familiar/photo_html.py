"""A member's photo as HTML (`<picture>` with WebP and JPEG sizes), or a placeholder with their
initials when there is no photo; templates call it as `photo_of(...)`.

Written in Python rather than as a Jinja macro: an event page shows hundreds of faces, and the
macro's loops over every size, with each value escaped through Jinja's machinery, took more time
than the rest of the page. Every value from a profile is escaped here too (markupsafe.escape).
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape


def _field(who: Any, name: str) -> Any:
    """`who.name`, as a template reads it: an attribute (a Member) or a key (a guest's dict)."""
    return who[name] if isinstance(who, dict) else getattr(who, name)


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
    guest's dict (name, initials), for the placeholder."""
    if not photo:
        return Markup(
            f'<span class="photo placeholder" role="img" aria-label="{escape(_field(member, "name"))}" '
            f'style="--ph: {escape(placeholder_colour)}; --size: {int(css_px)}px">'
            f'<span aria-hidden="true" dir="auto">{escape(_field(member, "initials"))}</span></span>'
        )
    base = escape(site_url)
    shown = escape(sizes or f"{css_px}px")
    px = int(css_px)
    main = photo.best(css_px)
    loading = ' loading="lazy" decoding="async"' if lazy else ""
    return Markup(
        "<picture>\n"
        f'  <source type="image/webp" srcset="{_srcset(base, photo.srcset("webp"))}"'
        f' sizes="{shown}">\n'
        f'  <img class="photo u-photo" src="{base}/{escape(main.jpeg)}"'
        f' srcset="{_srcset(base, photo.srcset("jpeg"))}" sizes="{shown}"'
        f' width="{px}" height="{px}" alt="{escape(photo.alt)}"{loading}>\n'
        "</picture>"
    )
