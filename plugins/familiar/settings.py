"""FAMILIAR_* settings: every default in one place, typed and checked once when the build starts."""

from __future__ import annotations

import datetime as dt
import difflib
import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULTS: dict[str, Any] = {
    "FAMILIAR_MEMBERS_PATH": "members",  # inside PATH (content/)
    "FAMILIAR_EVENTS_PATH": "events",
    "FAMILIAR_SKIP_CHECKS": [],  # names from checks.CHECKS
    "FAMILIAR_TODAY": None,  # "2026-12-01" for reproducible builds; else SOURCE_DATE_EPOCH, else today
    "FAMILIAR_CACHE_PATH": ".familiar-cache",  # relative to the site folder
    "FAMILIAR_BADGES": True,  # publish /events/<slug>/badges.pdf for upcoming events
    "FAMILIAR_BADGES_DAYS_AHEAD": 60,  # ...starting within this many days (older or later: none)
    "FAMILIAR_BADGE_LAYOUT": "avery-5392",
    "FAMILIAR_BADGE_OFFSET": [0.0, 0.0],  # x, y in points, for printers that shift
    "FAMILIAR_WORKERS": 0,  # processes for photos and pages; 0 = one per core
    "FAMILIAR_PAGE_SIZE": 120,  # members per directory or term page before it paginates
}


class SettingsError(Exception):
    """A FAMILIAR_* setting has a value the plugin cannot use."""


@dataclass(frozen=True)
class FamiliarSettings:
    content_path: Path
    output_path: Path
    site_root: Path
    members_path: Path
    events_path: Path
    site_name: str
    site_url: str
    timezone: dt.tzinfo
    today: dt.date
    cache_path: Path
    skip_checks: tuple[str, ...]
    badges: bool
    badges_days_ahead: int
    badge_layout: str
    badge_offset: tuple[float, float]
    workers: int
    theme_path: Path
    page_size: int = 120
    noindex_site: bool = False


def _today(value: Any, tz: dt.tzinfo) -> dt.date:
    if value:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            raise SettingsError(
                f"Config value 'FAMILIAR_TODAY': expected a date like 2026-12-04, got {value!r}"
            ) from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), tz).date()
        except ValueError:
            raise SettingsError(
                f"SOURCE_DATE_EPOCH: expected seconds since 1970, got {epoch!r}"
            ) from None
    return dt.datetime.now(tz).date()


def _whole(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SettingsError(
            f"Config value '{name}': expected a whole number of days, got {value!r}"
        )
    return value


def read_settings(settings: dict[str, Any]) -> FamiliarSettings:
    """Merge the defaults under Pelican's settings and check every FAMILIAR_* value."""
    unknown = [k for k in settings if k.startswith("FAMILIAR_") and k not in DEFAULTS]
    for key in unknown:
        close = difflib.get_close_matches(key, list(DEFAULTS), n=1)
        hint = f"; did you mean {close[0]}?" if close else ""
        raise SettingsError(f"Config value '{key}' is not a Familiar setting{hint}")
    s = {**DEFAULTS, **{k: v for k, v in settings.items() if k in DEFAULTS}}
    try:
        tz: dt.tzinfo = ZoneInfo(settings.get("TIMEZONE") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"Config value 'TIMEZONE': expected a zone like America/Toronto, got {settings.get('TIMEZONE')!r}"
        ) from None
    from .checks import CHECKS

    bad = [name for name in s["FAMILIAR_SKIP_CHECKS"] if name not in CHECKS]
    if bad:
        raise SettingsError(
            f"Config value 'FAMILIAR_SKIP_CHECKS': expected names from {sorted(CHECKS)}, got {bad}"
        )
    offset = s["FAMILIAR_BADGE_OFFSET"]
    if not (isinstance(offset, list | tuple) and len(offset) == 2):
        raise SettingsError(
            f"Config value 'FAMILIAR_BADGE_OFFSET': expected [x, y] in points, got {offset!r}"
        )
    page_size = s["FAMILIAR_PAGE_SIZE"]
    if isinstance(page_size, bool) or not isinstance(page_size, int) or page_size < 1:
        raise SettingsError(
            "Config value 'FAMILIAR_PAGE_SIZE': expected a whole number of members per page"
            f" (at least 1), got {page_size!r}"
        )
    content = Path(settings.get("PATH") or "content").resolve()
    theme = Path(settings.get("THEME") or "theme")
    workers = int(s["FAMILIAR_WORKERS"]) or (os.cpu_count() or 1)
    site_root = content.parent
    cache = Path(s["FAMILIAR_CACHE_PATH"])
    return FamiliarSettings(
        content_path=content,
        output_path=Path(settings.get("OUTPUT_PATH") or "output").resolve(),
        site_root=site_root,
        members_path=content / s["FAMILIAR_MEMBERS_PATH"],
        events_path=content / s["FAMILIAR_EVENTS_PATH"],
        site_name=str(settings.get("SITENAME") or "Familiar"),
        site_url=str(settings.get("SITEURL") or "").rstrip("/"),
        timezone=tz,
        today=_today(s["FAMILIAR_TODAY"], tz),
        cache_path=cache if cache.is_absolute() else site_root / cache,
        skip_checks=tuple(s["FAMILIAR_SKIP_CHECKS"]),
        badges=bool(s["FAMILIAR_BADGES"]),
        badges_days_ahead=_whole(s["FAMILIAR_BADGES_DAYS_AHEAD"], "FAMILIAR_BADGES_DAYS_AHEAD"),
        badge_layout=str(s["FAMILIAR_BADGE_LAYOUT"]),
        badge_offset=(float(offset[0]), float(offset[1])),
        workers=max(1, workers),
        theme_path=theme.resolve(),
        page_size=page_size,
    )


def setting_names() -> list[str]:
    return [f.name for f in fields(FamiliarSettings)]


# the files under content/ that are profiles or events (the build stamp needs no more than this
# of the loader, which imports the YAML parser)
CONTENT_SUFFIXES = (".md", ".yaml", ".yml")


def is_content_name(name: str) -> bool:
    """Whether a file name is a profile's or an event's: a content suffix, and not README."""
    stem, dot, suffix = name.rpartition(".")
    return (
        bool(dot and stem) and f".{suffix.lower()}" in CONTENT_SUFFIXES and stem.upper() != "README"
    )
