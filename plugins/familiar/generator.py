"""The Pelican generator, kept light: a build with nothing to do imports only what tells it so.

A rebuild with nothing changed is the build a member waits for most often, and at ten thousand
members importing the page makers (Jinja, Pillow, the badge and photo code) would be a good part
of its time. Quick and full builds import them when they start.
"""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Any

from .buildstamp import BuildStamp
from .output import MANIFEST, Output
from .settings import read_settings

if TYPE_CHECKING:
    from .pages import Site

logger = logging.getLogger(__name__)


def pending_records() -> list[Any]:
    """Quick-rebuild records waiting to be saved (quick_records.PENDING), if that module was
    imported at all: only quick and full builds make any."""
    module = sys.modules.get(f"{__package__}.quick_records")
    return module.PENDING if module is not None else []


def let_go() -> None:
    """Let go of what a full build held frozen (lanes.hold_frozen), if one did."""
    module = sys.modules.get(f"{__package__}.lanes")
    if module is not None:
        module.let_go()


def save_pending(*args: Any) -> None:
    """Pelican's `finalized`: save the quick-rebuild records a build left (quick_records), and
    let go of what the build held frozen."""
    if pending_records():
        from .quick_records import save_pending as save

        save(*args)
    let_go()


FREEZE_FROM = 1000  # members to publish: below this, the last collection is quick anyway


class FamiliarGenerator:
    """Pelican generator for the directory; created by Pelican through `get_generators`."""

    def __init__(
        self, context: dict, settings: dict, path: str, theme: str, output_path: str, **_: Any
    ) -> None:
        self.context = context
        self.settings = read_settings(settings)
        self.site: Site | None = None
        self.stamp: BuildStamp | None = None
        pending_records().clear()  # records of an earlier build here that did not finish
        let_go()  # ... and what it held

    def generate_context(self) -> None:
        stamp = BuildStamp(self.settings)
        ready = None
        if stamp.looking():  # meanwhile, read what a quick rebuild would need
            from .quick_records import Ready

            ready = Ready(self.settings, stamp.looking)
        last = stamp.current()
        if last is not None:
            # the same inputs as the last good build, whose output is all still there: the
            # build would write the same bytes, so it writes nothing (and says what it said)
            stamp.repeat_warnings()
            logger.info(
                "Familiar: nothing changed since the last build (%s member pages); "
                "the output folder is up to date",
                last.get("member_pages", "?"),
            )
            return
        from . import quick, quick_records

        try:
            quick.quick_build(self.settings, stamp, ready)
            return
        except quick.NotQuick as e:
            logger.debug("Familiar: a full build: %s", e)
        except Exception as e:  # a full build makes the same site: slower, never wrong
            logger.warning("Familiar: the quick rebuild failed (%r); building in full", e)
        stamp.forget()
        quick_records.forget(self.settings)
        self.stamp = stamp
        from .lanes import hold_frozen
        from .pages import build_site

        site = hold_frozen(lambda: build_site(self.settings))
        self.site = site
        self.context["familiar"] = site.community

    def generate_output(self, writer: Any = None) -> None:
        if self.site is None:  # nothing changed (generate_context said so)
            return
        try:
            self._write(self.site)
        except BaseException:
            let_go()  # no `finalized` after a failure
            raise
        if len(self.site.community.published) >= FREEZE_FROM:
            from .lanes import freeze_at_exit

            freeze_at_exit()

    def _write(self, site: Site) -> None:
        from .pages import write_site

        out = Output(self.settings.output_path)
        write_site(site, out)
        if self.stamp is not None:
            self.stamp.save(
                out.written | {MANIFEST},
                {
                    "member_pages": site.pages.get("member", 0),
                    "warnings": [str(w) for w in site.warnings],
                },
                out.seen,
            )
            from .quick_records import record_full_build

            record_full_build(site, self.stamp)
