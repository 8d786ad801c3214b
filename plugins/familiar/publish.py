"""Atomic publishing: build with publishconf.py into a fresh folder, check it, then swap it in.

`python -m familiar.publish` (what `./dev publish` runs) never touches the live output folder
until a complete, checked site exists beside it: a profile with an error, a crash, or a site
with fewer member pages than members leaves the previous site exactly as it was.
"""

from __future__ import annotations

import argparse
import ctypes
import errno
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from .community import load_community
from .settings import SettingsError, read_settings

logger = logging.getLogger(__name__)

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


class PublishError(Exception):
    """The new site was not built or failed its checks; the live site was left alone."""


def pelican_settings(settings_file: Path, output: Path | None = None) -> dict:
    from pelican.settings import read_settings as pelican_read

    override = {"OUTPUT_PATH": str(output)} if output else {}
    return pelican_read(str(settings_file), override=override)


def build(settings_file: Path, target: Path) -> None:
    """Run Pelican into `target`, in its own process, exactly as `./dev build` does; content
    problems make it exit 1 after listing every one of them."""
    run = subprocess.run(
        [sys.executable, "-m", "pelican", "-s", str(settings_file), "-o", str(target)],
        cwd=settings_file.parent,
    )
    if run.returncode != 0:
        raise PublishError(f"the build failed (pelican exit status {run.returncode})")


def content_problems(settings_file: Path, site: Path) -> list[str]:
    """Every content problem, as `path:line: field: message`."""
    fam = read_settings(pelican_settings(settings_file, site))
    return [str(e) for e in load_community(fam).errors]


def check_site(settings_file: Path, site: Path) -> list[str]:
    """Problems with a freshly built site: content errors, a missing home page, or a member
    count in that differs from the member pages out (no member is ever lost silently)."""
    fam = read_settings(pelican_settings(settings_file, site))
    community = load_community(fam)
    problems = [str(e) for e in community.errors]
    if not (site / "index.html").is_file():
        problems.append(f"{site}: no index.html was written")
    expected = {m.slug for m in community.published}
    members = site / "members"
    written = {p.parent.name for p in members.glob("*/index.html")} if members.is_dir() else set()
    if written != expected:
        missing = sorted(expected - written)
        extra = sorted(written - expected)
        problems.append(
            f"{len(expected)} members to publish but {len(written)} member pages were written"
            + (f"; missing: {', '.join(missing[:10])}" if missing else "")
            + (f"; not expected: {', '.join(extra[:10])}" if extra else "")
        )
    return problems


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where the system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                          ctypes.c_uint]  # fmt: skip
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def swap_in(new: Path, live: Path) -> None:
    """Make `new` the live folder: an atomic exchange where possible, else two renames."""
    if not live.exists():
        os.rename(new, live)
        return
    if _exchange(new, live):
        shutil.rmtree(new)  # now holds the previous site
        return
    old = live.with_name(f".{live.name}.previous-{os.getpid()}")
    os.rename(live, old)
    try:
        os.rename(new, live)
    except OSError:
        os.rename(old, live)
        raise
    shutil.rmtree(old)


def publish(settings_file: Path) -> Path:
    """Build, check and swap in the site; returns the live folder. Raises PublishError."""
    settings_file = settings_file.resolve()
    if not settings_file.is_file():
        raise PublishError(f"{settings_file} not found: run in the site's folder or pass -s")
    live = Path(pelican_settings(settings_file)["OUTPUT_PATH"]).resolve()
    # beside the live folder, so the final rename stays on one file system
    staging = live.with_name(f".{live.name}.publishing-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        try:
            build(settings_file, staging)
        except PublishError as e:
            # repeat the content problems last, where the person publishing will look
            problems = content_problems(settings_file, staging)
            raise PublishError("\n".join([str(e), *problems])) from None
        problems = check_site(settings_file, staging)
        if problems:
            raise PublishError("the new site failed its checks:\n" + "\n".join(problems))
        swap_in(staging, live)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return live


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m familiar.publish",
        description="Build the site for publishing and swap it in only if it is complete.",
    )
    parser.add_argument("-s", "--settings", default="publishconf.py", help="(default: %(default)s)")
    args = parser.parse_args(argv)
    try:
        live = publish(Path(args.settings))
    except (PublishError, SettingsError, OSError) as e:
        print(f"publish: {e}\npublish: the previous site was left unchanged", file=sys.stderr)
        return 1
    print(f"publish: the new site is live in {live}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
