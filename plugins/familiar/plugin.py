"""register(): connects Familiar to Pelican's signals, nothing else (and imports little: the
generator imports the page makers only for a build that has work to do)."""

from __future__ import annotations

from pelican import signals

from .generator import FamiliarGenerator, save_pending
from .pelican_settings import configure


def get_generators(pelican_object: object) -> type[FamiliarGenerator]:
    return FamiliarGenerator


def register() -> None:
    signals.initialized.connect(configure)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(save_pending)
