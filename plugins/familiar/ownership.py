"""Who may change which file: `familiar check-pr` for pull requests and `familiar codeowners`.

A member's files are exactly `content/members/<slug>.<ext>` (the profile and its photo) and belong
to the GitHub account the profile names: its numeric `github_id` when given (logins can be renamed
and recycled), else `handles.github`, compared case-insensitively. An event file belongs to its
organizers. Everything else belongs to the maintainers listed in MAINTAINERS.

Neither command runs any of the repository's Python (pelicanconf.py): in a pull request that is
the contributor's code. Ownership of existing files and the list of maintainers are read from the
base commit, so a pull request cannot make itself the owner of what it changes.
"""

from __future__ import annotations

import argparse
import difflib
import logging
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from . import cli
from .errors import FieldError
from .fields import Invalid
from .handles import NETWORKS
from .loading import SLUG_RE, RawDoc, load_file
from .models import EVENT_FIELDS, MEMBER_FIELDS, PHOTO_SUFFIXES
from .settings import CONTENT_SUFFIXES

log = logging.getLogger(__name__)

MEMBERS_DIR = "content/members"
EVENTS_DIR = "content/events"
MAINTAINERS_FILE = "MAINTAINERS"
CODEOWNERS_FILE = ".github/CODEOWNERS"
LOGIN_RE = re.compile(NETWORKS["github"].pattern)


@dataclass(frozen=True)
class Account:
    """A GitHub account as the pull request event names it: login, and id when known."""

    login: str
    id: int | None = None


@dataclass(frozen=True)
class Owner:
    """The account a profile names: `handles.github` and/or `github_id` (either may be missing)."""

    login: str | None
    github_id: int | None

    def describe(self) -> str:
        parts = [f"@{self.login}"] if self.login else []
        if self.github_id is not None:
            parts.append(f"account id {self.github_id}")
        return " / ".join(parts) or "no GitHub account"


def owned_by(owner: Owner | None, author: Account) -> bool:
    """True if `author` is `owner`: by id when the owner has one (id beats login), else by login."""
    if owner is None:
        return False
    if owner.github_id is not None:
        return author.id is not None and owner.github_id == author.id
    return owner.login is not None and owner.login.lower() == author.login.lower()


# --- MAINTAINERS ------------------------------------------------------------------------------


def parse_maintainers(text: str, source: str = MAINTAINERS_FILE) -> list[Owner]:
    """`login [id]` per line; `#` starts a comment. A malformed line is a UsageError, not ignored."""
    out: list[Owner] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        login = parts[0].lstrip("@")
        ok = LOGIN_RE.fullmatch(login) and len(parts) <= 2
        if ok and len(parts) == 2 and not parts[1].isdigit():
            ok = None
        if not ok:
            raise cli.UsageError(
                f"{source}:{n}: expected a GitHub login and optionally its numeric id, "
                f"like 'jennmorales 1234567', got '{line[:60]}'"
            )
        out.append(Owner(login, int(parts[1]) if len(parts) == 2 else None))
    return out


# --- reading profiles and events ----------------------------------------------------------------


def _read_field(doc: RawDoc, schema: dict, key: str):
    """One field read with the same reader validation uses; None when missing or invalid."""
    node = doc.fields.get(key)
    if node is None:
        return None
    reader = schema[key]
    try:
        return (reader.read if hasattr(reader, "read") else reader)(node, {"slug": doc.slug})
    except Invalid:
        return None


def owner_of_doc(doc: RawDoc) -> Owner:
    """The account a loaded profile names, read field by field so that an unrelated mistake
    elsewhere in the profile does not take ownership away from its member."""
    handles = _read_field(doc, MEMBER_FIELDS, "handles") or ()
    login = next((h.name for h in handles if h.network == "github"), None)
    return Owner(login, _read_field(doc, MEMBER_FIELDS, "github_id"))


def organizers_of_doc(doc: RawDoc) -> tuple[str, ...]:
    return _read_field(doc, EVENT_FIELDS, "organizers") or ()


def member_file_slug(path: str, members_dir: str = MEMBERS_DIR) -> str | None:
    """The slug a path under content/members/ belongs to, or None if it is not a member's file.

    Only `<slug><suffix>` directly in the folder counts, matched exactly (never by prefix, so
    `jenn` does not own `jenn-morales.md`).
    """
    p = PurePosixPath(path)
    if str(p.parent) != members_dir.strip("/"):
        return None
    if p.suffix.lower() not in CONTENT_SUFFIXES + PHOTO_SUFFIXES or not SLUG_RE.match(p.stem):
        return None
    return p.stem


def event_file_slug(path: str, events_dir: str = EVENTS_DIR) -> str | None:
    p = PurePosixPath(path)
    if str(p.parent) != events_dir.strip("/"):
        return None
    if p.suffix.lower() not in CONTENT_SUFFIXES or not SLUG_RE.match(p.stem):
        return None
    return p.stem


class Tree:
    """Files of one version of the repository: a git commit, or the working folder."""

    def __init__(self, root: Path, rev: str | None, scratch: Path) -> None:
        self.root, self.rev, self.scratch = root, rev, scratch
        self._docs: dict[str, RawDoc | None] = {}
        self._listing: dict[str, list[str]] = {}
        self._by_stem: dict[tuple[str, str], dict[str, list[str]]] = {}

    def files_in(self, folder: str) -> list[str]:
        """Paths (relative to the root, POSIX) of the files directly inside `folder`."""
        if folder not in self._listing:
            if self.rev is None:
                base = self.root / folder
                names = (
                    sorted(p.name for p in base.iterdir() if p.is_file()) if base.is_dir() else []
                )
            else:
                out = git(self.root, "ls-tree", "-z", self.rev, "--", folder + "/")
                names = sorted(
                    PurePosixPath(path).name
                    for meta, _, path in (e.partition("\t") for e in out.split("\0") if e)
                    if meta.split()[1] == "blob"
                )
            self._listing[folder] = [f"{folder}/{n}" for n in names]
        return self._listing[folder]

    def doc(self, path: str) -> RawDoc | None:
        """The file loaded exactly as validation loads it; None if it cannot be read as YAML."""
        if path not in self._docs:
            if self.rev is None:
                local = self.root / path
            else:
                data = git_bytes(self.root, "cat-file", "blob", f"{self.rev}:{path}")
                # one folder per file: the loader takes the slug from the file's own name
                local = Path(tempfile.mkdtemp(dir=self.scratch)) / PurePosixPath(path).name
                local.write_bytes(data)
            doc, errors = load_file(local, None)
            bad = [e for e in errors if e.field != "file name"]
            self._docs[path] = None if bad else doc
        return self._docs[path]

    def profiles(self, slug: str, folder: str) -> list[str]:
        """The content files (.md, .yaml, .yml) named `slug` directly inside `folder`."""
        key = (folder, "content")
        if key not in self._by_stem:
            index: dict[str, list[str]] = {}
            for p in self.files_in(folder):
                pp = PurePosixPath(p)
                if pp.suffix.lower() in CONTENT_SUFFIXES:
                    index.setdefault(pp.stem, []).append(p)
            self._by_stem[key] = index
        return self._by_stem[key].get(slug, [])

    def owners(self, slug: str, members_dir: str) -> list[Owner | None]:
        """One entry per profile file of `slug` (None for a file that cannot be read)."""
        out: list[Owner | None] = []
        for path in self.profiles(slug, members_dir):
            doc = self.doc(path)
            out.append(owner_of_doc(doc) if doc is not None else None)
        return out


# --- git --------------------------------------------------------------------------------------


def git_bytes(root: Path, *args: str) -> bytes:
    run = subprocess.run(["git", *args], cwd=root, capture_output=True)
    if run.returncode != 0:
        msg = run.stderr.decode(errors="replace").strip().splitlines()
        raise cli.UsageError(f"git {' '.join(args)} failed: {msg[-1] if msg else run.returncode}")
    return run.stdout


def git(root: Path, *args: str) -> str:
    return git_bytes(root, *args).decode("utf-8", errors="surrogateescape")


@dataclass(frozen=True)
class Change:
    status: str  # A, M, D, R, C, T
    path: str  # the path after the change (the deleted path for D)
    old: str | None = None  # the path before, for renames and copies


def changed_files(root: Path, base: str) -> list[Change]:
    """`git diff --name-status -M base...HEAD`: what the pull request changes since it branched."""
    out = git(root, "diff", "--name-status", "-M", "-z", "--no-ext-diff", f"{base}...HEAD")
    parts = out.split("\0")
    changes: list[Change] = []
    i = 0
    while i < len(parts) and parts[i]:
        status = parts[i][0]
        if status in "RC":
            changes.append(Change(status, parts[i + 2], parts[i + 1]))
            i += 3
        else:
            changes.append(Change(status, parts[i + 1]))
            i += 2
    return changes


# --- the decision -------------------------------------------------------------------------------


@dataclass
class Verdict:
    author: Account
    maintainer: bool
    allowed: list[tuple[str, str]] = field(default_factory=list)  # (path, why)
    refused: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.maintainer or not self.refused


@dataclass
class Judge:
    """Decides, path by path, whether the author may make a change without a maintainer."""

    author: Account
    base: Tree
    head: Tree
    members_dir: str = MEMBERS_DIR
    events_dir: str = EVENTS_DIR

    def member_owned(self, slug: str) -> tuple[bool, str]:
        """Is the member `slug` the author's? Existing members: decided by the base version."""
        base_owners = self.base.owners(slug, self.members_dir)
        if base_owners:
            return self._decide(base_owners, f"the profile '{slug}'", existing=True)
        head_owners = self.head.owners(slug, self.members_dir)
        if not head_owners:
            return False, (
                f"there is no profile '{slug}': add {self.members_dir}/{slug}.md naming your "
                f"GitHub account under handles (github: {self.author.login})"
            )
        return self._decide(head_owners, f"the new profile '{slug}'", existing=False)

    def _decide(self, owners: list[Owner | None], what: str, existing: bool) -> tuple[bool, str]:
        if all(owned_by(o, self.author) for o in owners):
            return True, f"{what} is yours"
        bad = next(o for o in owners if not owned_by(o, self.author))
        if bad is None:
            return False, f"{what} cannot be read, so only a maintainer can change it"
        if bad.login is None and bad.github_id is None:
            if existing:
                return False, (
                    f"{what} names no GitHub account (handles.github), so only a maintainer "
                    "can change it"
                )
            return False, (
                f"{what} names no GitHub account: add 'github: {self.author.login}' under "
                "handles: so it is yours"
            )
        login_matches = bad.login is not None and bad.login.lower() == self.author.login.lower()
        if bad.github_id is not None and self.author.id is None and login_matches:
            return False, (
                f"{what} belongs to GitHub account id {bad.github_id}; pass --author-id to prove "
                "it is yours"
            )
        verb = "belongs to" if existing else "names"
        return False, f"{what} {verb} {bad.describe()}, not @{self.author.login}"

    def member_file(self, path: str, slug: str) -> tuple[bool, str]:
        return self.member_owned(slug)

    def event_file(self, path: str, slug: str) -> tuple[bool, str]:
        """An event belongs to its organizers; for an existing event, those of the base version."""
        tree = self.base if self.base.profiles(slug, self.events_dir) else self.head
        organizers: list[str] = []
        for p in tree.profiles(slug, self.events_dir):
            doc = tree.doc(p)
            if doc is None:
                return (
                    False,
                    f"the event '{slug}' cannot be read, so only a maintainer can change it",
                )
            organizers += organizers_of_doc(doc)
        for member in organizers:
            mine, _ = self.member_owned(member)
            if mine:
                return True, f"you organise '{slug}' (as {member})"
        listed = ", ".join(organizers) or "nobody"
        return False, (
            f"only the organizers of '{slug}' ({listed}) or a maintainer can change it"
            if tree is self.base
            else f"the new event '{slug}' must list your profile among its organizers "
            f"(organizers: {listed})"
        )

    def path(self, path: str) -> tuple[bool, str]:
        slug = member_file_slug(path, self.members_dir)
        if slug is not None:
            return self.member_file(path, slug)
        slug = event_file_slug(path, self.events_dir)
        if slug is not None:
            return self.event_file(path, slug)
        if path.startswith(self.members_dir + "/"):
            return False, (
                "is not a member's file: profiles and photos are "
                f"{self.members_dir}/<your-name>.md and <your-name>.jpg (or .png, .webp)"
            )
        return False, "needs a maintainer: members change only their own profile, photo and events"

    def changes(self, changes: Iterable[Change]) -> Verdict:
        verdict = Verdict(self.author, maintainer=False)
        for ch in changes:
            # a rename removes the old path and adds the new one: both must be allowed
            paths = [ch.path] if ch.old is None or ch.status == "C" else [ch.old, ch.path]
            for p in paths:
                ok, why = self.path(p)
                (verdict.allowed if ok else verdict.refused).append((p, why))
        return verdict


def check_pr(
    root: Path,
    author: Account,
    base: str,
    members_dir: str = MEMBERS_DIR,
    events_dir: str = EVENTS_DIR,
    maintainers_file: str = MAINTAINERS_FILE,
) -> Verdict:
    """Every changed path since `base`, judged for `author` (maintainers from the base commit)."""
    git(root, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}")
    changes = changed_files(root, base)
    listing = git(root, "ls-tree", "--name-only", base, "--", maintainers_file)
    text = git(root, "cat-file", "blob", f"{base}:{maintainers_file}") if listing.strip() else ""
    maintainers = parse_maintainers(text, f"{maintainers_file} (at {base})")
    with tempfile.TemporaryDirectory(prefix="familiar-check-pr-") as tmp:
        judge = Judge(
            author,
            Tree(root, base, Path(tmp)),
            Tree(root, "HEAD", Path(tmp)),
            members_dir.strip("/"),
            events_dir.strip("/"),
        )
        verdict = judge.changes(changes)
    verdict.maintainer = any(owned_by(m, author) for m in maintainers)
    return verdict


def cmd_check_pr(args: argparse.Namespace) -> int:
    """Exit 1, listing each path, unless every change is the author's to make."""
    login = args.author.lstrip("@")
    if not LOGIN_RE.fullmatch(login):
        raise cli.UsageError(f"--author: '{args.author[:60]}' is not a GitHub login")
    author_id = None
    if args.author_id not in (None, ""):
        if not str(args.author_id).isdigit():
            raise cli.UsageError(f"--author-id: expected a number, got '{args.author_id[:30]}'")
        author_id = int(args.author_id)
    root = Path(git(Path.cwd(), "rev-parse", "--show-toplevel").strip())
    author = Account(login, author_id)
    v = check_pr(root, author, args.base, args.members_dir, args.events_dir, args.maintainers)
    who = f"@{login}" + (f" (account id {author_id})" if author_id is not None else "")
    n = len(v.allowed) + len(v.refused)
    if v.maintainer:
        print(f"{who} is a maintainer (listed in {args.maintainers}): all {n} changes allowed")
        return 0
    if not v.refused:
        print(f"All {n} changed files are {who}'s to change:")
        for path, why in v.allowed:
            print(f"  {path}: {why}")
        return 0
    errors = [FieldError(path, 1, "ownership", why) for path, why in v.refused]
    if args.format == "github":
        print(cli.format_errors(errors, "github"))
    else:
        for path, why in v.refused:
            print(f"{path}: {why}")
    print(
        f"{len(v.refused)} of {n} changed files need a maintainer's review "
        f"(or the owner's own pull request)",
        file=sys.stderr,
    )
    return 1


# --- CODEOWNERS --------------------------------------------------------------------------------

HEADER = """\
# Generated by `familiar codeowners` from {members}, {events} and {maintainers}.
# Do not edit by hand: run `familiar codeowners` after changing them
# (`familiar codeowners --check` fails while this file is stale).
#
# The last matching line wins. Everything belongs to the maintainers; each member's files
# (<slug>.md or .yaml and the photo <slug>.jpg) belong to that member, and each event to its
# organizers. The maintainers are named on those lines too, because GitHub never counts the
# pull request author's own approval: without them a member's own change could not be merged.
"""


def codeowners(root: Path, members_dir: str, events_dir: str, maintainers_file: str) -> str:
    """The CODEOWNERS text for the files in the working folder `root`."""
    path = root / maintainers_file
    if not path.is_file():
        raise cli.UsageError(f"{maintainers_file} not found: list the maintainers' GitHub logins")
    maintainers = parse_maintainers(path.read_text(encoding="utf-8"), maintainers_file)
    if not maintainers:
        raise cli.UsageError(f"{maintainers_file} lists nobody: add at least one GitHub login")
    names = _dedupe(m.login for m in maintainers if m.login)
    with tempfile.TemporaryDirectory() as tmp:
        tree = Tree(root, None, Path(tmp))
        lines = [
            HEADER.format(members=members_dir, events=events_dir, maintainers=maintainers_file),
            "* " + " ".join(f"@{n}" for n in names),
            "",
            "# members",
        ]
        logins: dict[str, list[str]] = {}
        slugs = sorted(
            {s for p in tree.files_in(members_dir) if (s := member_file_slug(p, members_dir))}
        )
        for slug in slugs:
            owners = tree.owners(slug, members_dir)
            if None in owners:
                log.warning("%s/%s: cannot be read; left to the maintainers", members_dir, slug)
            found = _dedupe(o.login for o in owners if o is not None and o.login)
            logins[slug] = found
            if found:
                lines.append(_rule(f"/{members_dir}/{slug}.*", found + names))
        lines += ["", "# events"]
        events = sorted(
            {s for p in tree.files_in(events_dir) if (s := event_file_slug(p, events_dir))}
        )
        for slug in events:
            organizers: list[str] = []
            for p in tree.profiles(slug, events_dir):
                doc = tree.doc(p)
                organizers += organizers_of_doc(doc) if doc is not None else ()
            found = _dedupe(login for m in organizers for login in logins.get(m, []))
            if found:
                lines.append(_rule(f"/{events_dir}/{slug}.*", found + names))
    return "\n".join(lines) + "\n"


def _rule(pattern: str, owners: list[str]) -> str:
    return f"{pattern} " + " ".join(f"@{o}" for o in _dedupe(owners))


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return list(seen.values())


def cmd_codeowners(args: argparse.Namespace) -> int:
    root = Path.cwd()
    text = codeowners(
        root, args.members_dir.strip("/"), args.events_dir.strip("/"), args.maintainers
    )
    target = root / args.output
    if args.check:
        current = target.read_text(encoding="utf-8") if target.is_file() else ""
        if current == text:
            print(f"{args.output} is up to date")
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                current.splitlines(True), text.splitlines(True), args.output, "expected"
            )
        )
        print(f"{args.output} is stale: run `familiar codeowners` and commit it", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


# --- command line -------------------------------------------------------------------------------


def _paths(p: argparse.ArgumentParser) -> None:
    p.add_argument("--members-dir", default=MEMBERS_DIR, help="default: %(default)s")
    p.add_argument("--events-dir", default=EVENTS_DIR, help="default: %(default)s")
    p.add_argument(
        "--maintainers",
        default=MAINTAINERS_FILE,
        help="file of maintainers' GitHub logins (default: %(default)s)",
    )


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "check-pr",
        help="exit 1 unless every file a pull request changes is its author's to change",
        description="Compare `git diff --name-status -M BASE...HEAD` with who owns each file. "
        "Run it at the top of the repository. Ownership of existing files and the maintainers "
        "are read from BASE.",
    )
    p.add_argument("--author", required=True, help="the pull request author's GitHub login")
    p.add_argument("--author-id", help="the author's numeric GitHub account id")
    p.add_argument("--base", default="origin/main", help="the base commit (default: %(default)s)")
    p.add_argument("--format", choices=["text", "github"], default="text")
    _paths(p)
    p.set_defaults(func=cmd_check_pr)

    c = sub.add_parser(
        "codeowners",
        help="write .github/CODEOWNERS from the profiles and MAINTAINERS",
        description="Each member's files owned by the member, each event by its organizers, "
        "everything else by the maintainers.",
    )
    c.add_argument("--check", action="store_true", help="exit 1 if the file is stale")
    c.add_argument("-o", "--output", default=CODEOWNERS_FILE, help="default: %(default)s")
    _paths(c)
    c.set_defaults(func=cmd_codeowners)


cli.EXTENSIONS.append(add_commands)
