"""The `familiar` command: the same loading and checks as the build, for people and for CI."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .community import load_community
from .errors import FieldError, UsageError
from .settings import FamiliarSettings, SettingsError, read_settings


def site_settings(settings_file: str, overrides: dict[str, Any] | None = None) -> FamiliarSettings:
    """Familiar settings from a Pelican settings file, relative paths resolved from its folder."""
    from pelican.settings import read_settings as pelican_settings

    path = Path(settings_file)
    if not path.is_file():
        raise UsageError(f"{settings_file} not found: run familiar in the site's folder or pass -s")
    try:
        settings = pelican_settings(str(path), override=overrides or {})
    except (ValueError, OSError, ImportError, SyntaxError) as e:
        raise UsageError(f"cannot use {settings_file}: {e}") from e
    return read_settings(settings)


def format_errors(errors: list[FieldError], fmt: str) -> str:
    """Problems as text lines, GitHub workflow annotations, or JSON."""
    if fmt == "json":
        return json.dumps(
            [
                {
                    "path": e.path,
                    "line": e.line,
                    "field": e.field,
                    "message": e.message,
                    "severity": e.severity,
                }  # fmt: skip
                for e in errors
            ],
            ensure_ascii=False,
            indent=2,
        )
    if fmt == "github":

        def esc(s: str, prop: bool = False) -> str:
            s = s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
            return s.replace(":", "%3A").replace(",", "%2C") if prop else s

        return "\n".join(
            f"::{e.severity} file={esc(e.path, True)},line={e.line},title={esc(e.field, True)}::"
            f"{esc(e.field)}: {esc(e.message)}"
            for e in errors
        )
    return "\n".join(str(e) for e in errors)


def cmd_validate(args: argparse.Namespace) -> int:
    """Check all content; print every problem; exit 1 if there are any."""
    settings = site_settings(args.settings)
    paths = [Path(p) for p in args.paths]
    for p in paths:
        if not p.exists():
            raise UsageError(f"{p} does not exist")
    community = load_community(settings)
    errors, warnings = community.errors, community.warnings
    if paths:
        wanted = [p.resolve() for p in paths]

        def chosen(e: FieldError) -> bool:
            target = (settings.site_root / e.path).resolve()
            return any(target == w or w in target.parents for w in wanted)

        errors = [e for e in errors if chosen(e)]
        warnings = [w for w in warnings if chosen(w)]
    out = format_errors(errors + warnings, args.format)
    if out:
        print(out)
    if args.format == "text":
        n = len(errors)
        members, events = len(community.all_members), len(community.events)
        if n:
            print(f"{n} problem{'s' if n != 1 else ''} found", file=sys.stderr)
        else:
            print(f"All good: {members} members and {events} events checked", file=sys.stderr)
    return 1 if errors else 0


COMMANDS: dict[str, tuple[Callable[[argparse.Namespace], int], str]] = {
    "validate": (cmd_validate, "check all content; every problem as path:line: field: message"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="familiar", description="Familiar: a community directory built from member profiles."
    )
    parser.add_argument(
        "-s",
        "--settings",
        default="pelicanconf.py",
        help="Pelican settings file (default: %(default)s)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    v = sub.add_parser("validate", help=COMMANDS["validate"][1])
    v.add_argument(
        "paths", nargs="*", metavar="PATH", help="only report problems in these files or folders"
    )
    v.add_argument("--format", choices=["text", "github", "json"], default="text")
    for extend in EXTENSIONS:
        extend(sub)
    return parser


# Other modules add their subcommands here: each function gets the subparsers object and sets
# `func` on its parser with set_defaults.
EXTENSIONS: list[Callable[[Any], None]] = []


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func = getattr(args, "func", None) or COMMANDS[args.command][0]
    try:
        return func(args)
    except (UsageError, SettingsError) as e:
        print(f"familiar {args.command}: {e}", file=sys.stderr)
        return 2


# Importing these modules adds their subcommands to EXTENSIONS.
from . import badge_cli, new_member, ownership  # noqa: E402,F401

if __name__ == "__main__":
    # `python -m familiar.cli` runs this file as __main__, a second copy of the module; use the
    # importable one, whose EXTENSIONS and UsageError the subcommand modules share.
    from familiar.cli import main as _main

    sys.exit(_main())
