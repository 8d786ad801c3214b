"""The command `familiar badges EVENT`: one event's printable badge PDF, from the command line."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import Any

# modules, not names: badge_layouts imports cli, which imports this module
from . import badge_layouts, badges, cli
from . import photos as photo_pipeline
from .community import load_community
from .events import attendees
from .settings import FamiliarSettings


def prepare_photos(
    members: list[Any], settings: FamiliarSettings
) -> tuple[dict[str, Any], list[Any], Path]:
    """Photo sets from the photo pipeline's public prepare(), whichever version is installed."""
    import inspect

    if "settings" in inspect.signature(photo_pipeline.prepare).parameters:
        prepared = photo_pipeline.prepare(members, settings)
        return prepared.photos, prepared.errors, settings.output_path
    # the baseline pipeline writes its files into a folder it is given
    root = settings.cache_path / "badges" / "photo-sets"
    photo_sets, errors = photo_pipeline.prepare(members, settings.members_path, root)
    return photo_sets, errors, root


def cmd_badges(args: argparse.Namespace) -> int:
    """Write the badge PDF for one event."""
    from .pages import make_env

    settings = cli.site_settings(args.settings)
    layout = badge_layouts.get_layout(args.layout or settings.badge_layout, settings)
    if args.blanks < 0:
        raise badge_layouts.BadgeError(f"--blanks: expected 0 or more, got {args.blanks}")
    community = load_community(settings)
    event = community.events_by_slug.get(args.event)
    if event is None:
        names = ", ".join(e.slug for e in community.events) or "none"
        raise badge_layouts.BadgeError(f"unknown event '{args.event}'; events: {names}")
    if community.errors:
        print(cli.format_errors(community.errors, "text"), file=sys.stderr)
        print(f"{len(community.errors)} problems: fix them first (familiar validate lists them)",
              file=sys.stderr)  # fmt: skip
        return 1
    people = attendees(community, event)
    photo_sets, errors, root = prepare_photos([p.member for p in people if p.member], settings)
    if errors:
        print(cli.format_errors(errors, "text"), file=sys.stderr)
        return 1
    job = badges.BadgeJob(event, people, layout, args.blanks, args.sort, args.calibration)
    photos = badges.PhotoSource(settings, photo_sets, root)
    data = badges.render_pdf(job, settings, make_env(settings), photos)
    target = Path(
        args.output or f"{event.slug}-{'calibration' if args.calibration else 'badges'}.pdf"
    )
    target.write_bytes(data)
    if args.calibration:
        print(f"Wrote {target}: calibration page for {layout.title}")
    else:
        sheets = max(1, math.ceil(job.count / layout.per_page))
        print(f"Wrote {target}: {job.count} badges ({len(people)} people by {args.sort}, "
              f"{args.blanks} blank) on {sheets} sheet{'s' if sheets != 1 else ''} of "
              f"{layout.title}")  # fmt: skip
    if badges.profile_url(settings, "x") is None:
        print("No QR codes: SITEURL is not a web address (publishconf.py sets it: -s publishconf.py)",
              file=sys.stderr)  # fmt: skip
    return 0


def add_command(sub: Any) -> None:
    p = sub.add_parser("badges", help="the printable badge PDF for one event")
    p.add_argument("event", metavar="EVENT", help="the event's file name without .md/.yaml")
    p.add_argument("--layout", help="label sheet (default: FAMILIAR_BADGE_LAYOUT)")
    p.add_argument("--blanks", type=int, default=0, help="blank badges for walk-ins (default 0)")
    p.add_argument("--sort", choices=badges.SORTS, default="known_as",
                   help="badge order: by the name on the badge (default) or by surname; "
                        "blanks come last")  # fmt: skip
    p.add_argument("--calibration", action="store_true",
                   help="write a calibration page instead: print it at 100%% on plain paper and "
                        "hold it against a label sheet")  # fmt: skip
    p.add_argument("-o", "--output", metavar="FILE",
                   help="where to write the PDF (default: EVENT-badges.pdf)")  # fmt: skip
    p.set_defaults(func=cmd_badges)


if add_command not in cli.EXTENSIONS:
    cli.EXTENSIONS.append(add_command)
