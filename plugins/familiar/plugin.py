"""register(): connects Familiar to Pelican's signals, nothing else."""

from __future__ import annotations

from pelican import signals

from . import exports, social  # noqa: F401  (importing them registers their producers)
from . import search  # noqa: F401  (importing it registers the /search.json producer)
from .pages import FamiliarGenerator
from .pelican_settings import configure


def get_generators(pelican_object: object) -> type[FamiliarGenerator]:
    return FamiliarGenerator


def register() -> None:
    signals.initialized.connect(configure)
    signals.get_generators.connect(get_generators)
