"""Badge label layouts as data: sheet size, badge size, columns and rows, margins and gaps, read
from TOML files in plugins/familiar/layouts/ (and a site's own layouts folder)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import UsageError
from .settings import FamiliarSettings

LAYOUTS_DIR = Path(__file__).parent / "layouts"
PAGE_SIZES = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}
UNITS = {"in": 72.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "pt": 1.0}


class BadgeError(UsageError):
    """An unknown event or layout, or a layout file that cannot be used: one line, exit 2."""


@dataclass(frozen=True)
class Layout:
    """Where the badges sit on a sheet, in points from the top-left corner of the page."""

    name: str
    title: str
    page: str
    page_width: float
    page_height: float
    width: float
    height: float
    columns: int
    rows: int
    left: float
    top: float
    gap_x: float
    gap_y: float
    source: bytes = b""

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    def box(self, index: int, offset: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float]:
        """Top-left corner of badge `index` (0-based, across then down) on its page."""
        i = index % self.per_page
        col, row = i % self.columns, i // self.columns
        return (
            self.left + col * (self.width + self.gap_x) + offset[0],
            self.top + row * (self.height + self.gap_y) + offset[1],
        )


def _length(value: Any, key: str, path: Path) -> float:
    text = str(value).strip()
    for unit, factor in UNITS.items():
        if text.endswith(unit):
            try:
                return float(text[: -len(unit)]) * factor
            except ValueError:
                break
    raise BadgeError(f"{path.name}: {key}: expected a length like '4in' or '80mm', got {value!r}")


def read_layout(path: Path) -> Layout:
    """One layout file: page name, badge size, grid, first badge's corner, gaps."""
    source = path.read_bytes()
    try:
        data = tomllib.loads(source.decode("utf-8"))
        page = str(data["page"]).lower()
        pw, ph = PAGE_SIZES[page]
        w, h = (_length(v, "badge", path) for v in data["badge"])
        cols, rows = (int(v) for v in data["grid"])
        left, top = (_length(v, "margin", path) for v in data["margin"])
        gx, gy = (_length(v, "gap", path) for v in data.get("gap", ["0pt", "0pt"]))
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as e:
        raise BadgeError(f"layout file {path.name} cannot be used: {e!r}") from e
    layout = Layout(str(data.get("name", path.stem)), str(data.get("title", path.stem)), page, pw,
                    ph, w, h, cols, rows, left, top, gx, gy, source)  # fmt: skip
    right = left + cols * w + (cols - 1) * gx
    bottom = top + rows * h + (rows - 1) * gy
    if right > pw + 0.01 or bottom > ph + 0.01:
        raise BadgeError(f"layout file {path.name}: the badges do not fit on a {page} page")
    return layout


def layout_dirs(settings: FamiliarSettings | None) -> list[Path]:
    """The plugin's layouts, then the theme's (`theme/badge-layouts/`), which win on a name clash."""
    dirs = [LAYOUTS_DIR]
    if settings is not None:
        dirs.append(settings.theme_path / "badge-layouts")
    return dirs


def available_layouts(settings: FamiliarSettings | None = None) -> dict[str, Layout]:
    layouts: dict[str, Layout] = {}
    for folder in layout_dirs(settings):
        for path in sorted(folder.glob("*.toml")):
            layout = read_layout(path)
            layouts[layout.name] = layout
    return layouts


def get_layout(name: str, settings: FamiliarSettings | None = None) -> Layout:
    layouts = available_layouts(settings)
    if name not in layouts:
        raise BadgeError(f"unknown layout '{name}'; layouts: {', '.join(sorted(layouts))}")
    return layouts[name]
