"""register(): connects Familiar to Pelican's signals, nothing else."""

from __future__ import annotations

from pelican import signals

# importing these modules registers their producers (search.json, exports, social cards)
from . import exports, search, social  # noqa: F401
from .pages import FamiliarGenerator
from .pelican_settings import configure
from .quick_records import save_pending


def get_generators(pelican_object: object) -> type[FamiliarGenerator]:
    return FamiliarGenerator


def register() -> None:
    signals.initialized.connect(configure)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(save_pending)
