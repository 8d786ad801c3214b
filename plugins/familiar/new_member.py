"""`familiar new-member`: ask for a profile's fields, clean the photo, write a profile that validates."""

from __future__ import annotations

import argparse
import io
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from PIL import Image, ImageOps, UnidentifiedImageError

from . import cli
from .community import load_community
from .fields import Invalid
from .loading import SLUG_RE, Node, display_path, load_file
from .models import MEMBER_FIELDS, PHOTO_SUFFIXES, member_from_doc
from .settings import CONTENT_SUFFIXES
from .text import slugify

log = logging.getLogger(__name__)

MAX_PHOTO_SIDE = 1600  # larger photos only make the repository heavy; pages use at most 768 px
MIN_PHOTO_SIDE = 96
GOOD_PHOTO_SIDE = 400


@dataclass(frozen=True)
class Question:
    key: str  # the profile field (or "github" for handles.github, "slug", "photo_file")
    prompt: str
    kind: str = "text"  # text | list


QUESTIONS = [
    Question("name", "Your full name, as people write it"),
    Question("slug", "File name for your profile (lowercase letters, digits, hyphens)"),
    Question("known_as", "The name you go by (the big name on your badge)"),
    Question("pronouns", "Pronouns, e.g. she/her (optional)"),
    Question("pronunciation", "How to say your name, e.g. JEN mo-RAH-les (optional)"),
    Question("business", "Business or organisation (optional)"),
    Question("role", "Your role there (optional)"),
    Question("category", "Business category, e.g. Marketing (optional)"),
    Question("neighbourhood", "Neighbourhood (optional)"),
    Question("interests", "Interests, separated by commas (optional)", "list"),
    Question("ask_me_about", "Ask me about..., separated by commas (optional)", "list"),
    Question("looking_for", "Looking for..., separated by commas (optional)", "list"),
    Question("github", "Your GitHub login: the account allowed to edit this profile"),
    Question("website", "Website starting with https:// (optional)"),
    Question("photo_file", "Path of a photo of your face, JPEG/PNG/WebP (optional)"),
    Question("photo_alt", "Describe the photo in a few words, for screen readers (optional)"),
    Question("attending", "Events you will attend, by file name, separated by commas", "list"),
    Question("bio", "A sentence or two about you, in Markdown (optional)"),
]


class Answers(dict):
    """Field name -> value as it will be written (text or list of texts)."""


def _node(value: Any) -> Node:
    if isinstance(value, list):
        return Node([Node(v, 1, True) for v in value], 1)
    if isinstance(value, dict):
        return Node({k: Node(v, 1, True) for k, v in value.items()}, 1)
    return Node(value, 1, True)


def check_answer(key: str, value: Any, slug: str) -> Any:
    """The value read by the same reader validation uses; raises Invalid with its message."""
    if key == "slug":
        if not SLUG_RE.match(value):
            raise Invalid("use lowercase letters a-z, digits and single hyphens, like jenn-morales")
        return value
    if key == "github":
        return MEMBER_FIELDS["handles"](_node({"github": value}), {"slug": slug})[0].name
    if key == "photo_file":
        return value
    reader = MEMBER_FIELDS[key]
    read = reader.read if hasattr(reader, "read") else reader
    return read(_node(value), {"slug": slug})


def split_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def default_slug(name: str) -> str | None:
    # apostrophes join rather than split: O'Connor -> oconnor
    slug = slugify(name.replace("'", "").replace("\u2019", ""))
    # slugify gives names without Latin letters a hash ('t-3f2a...'): ask for a readable one
    return None if slug.startswith("t-") or not SLUG_RE.match(slug) else slug


def ask(question: Question, default: str | None, slug: str, read: Callable[[str], str]) -> Any:
    """Ask until the answer is valid; an empty answer keeps the default (or skips the field)."""
    while True:
        hint = f" [{default}]" if default else ""
        try:
            raw = read(f"{question.prompt}{hint}: ").strip()
        except EOFError:
            raise cli.UsageError(
                "stopped before the profile was complete; nothing written"
            ) from None
        raw = raw or (default or "")
        if not raw:
            if question.key in ("name", "slug"):
                print("  this one is required", file=sys.stderr)
                continue
            return None
        value: Any = split_list(raw) if question.kind == "list" else raw
        try:
            check_answer(question.key, value, slug)
        except Invalid as e:
            print(f"  {question.key}: {e.message}", file=sys.stderr)
            continue
        if question.key == "photo_file" and not Path(raw).expanduser().is_file():
            print(f"  no file at {raw}", file=sys.stderr)
            continue
        return value


# --- photo --------------------------------------------------------------------------------------


def clean_photo(source: Path) -> tuple[bytes, str]:
    """The photo as a JPEG without metadata (no GPS position, no camera serial), turned upright
    and at most MAX_PHOTO_SIDE pixels, and a note if it is small. The repository is public, so the
    original bytes must not be copied in."""
    if source.suffix.lower() not in PHOTO_SUFFIXES:
        raise cli.UsageError(
            f"{source}: expected a .jpg, .jpeg, .png or .webp photo, got '{source.suffix}'"
        )
    try:
        with Image.open(source) as im:
            im.load()
            im = ImageOps.exif_transpose(im)
            if im.mode in ("RGBA", "LA", "P"):
                im = im.convert("RGBA")
                flat = Image.new("RGB", im.size, "white")
                flat.paste(im, mask=im.getchannel("A"))
                im = flat
            im = im.convert("RGB")
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, ValueError) as e:
        raise cli.UsageError(
            f"{source}: cannot be read as a photo ({e}); save it as JPEG or PNG and try again"
        ) from None
    if min(im.size) < MIN_PHOTO_SIDE:
        raise cli.UsageError(
            f"{source}: is {im.width}x{im.height} pixels; use a photo at least "
            f"{MIN_PHOTO_SIDE} pixels on its short side (400 or more looks sharp)"
        )
    if min(im.size) < GOOD_PHOTO_SIDE:
        print(
            f"note: {source.name} is {im.width}x{im.height} pixels; it will look soft on large "
            f"screens ({GOOD_PHOTO_SIDE} pixels or more on the short side is better)",
            file=sys.stderr,
        )
    im.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE), Image.LANCZOS)
    out = io.BytesIO()
    im.save(out, "JPEG", quality=90, optimize=True)
    return out.getvalue(), ".jpg"


# --- writing ------------------------------------------------------------------------------------

# the order of docs/profile-template.md
WRITE_ORDER = ["name", "known_as", "pronouns", "pronunciation", "photo", "photo_alt", "business",
               "role", "category", "neighbourhood", "interests", "ask_me_about", "looking_for",
               "handles", "github_id", "website", "attending", "visibility"]  # fmt: skip


def profile_text(answers: dict[str, Any]) -> str:
    """YAML front matter and Markdown bio; PyYAML quotes whatever needs quoting (yes, 012, #)."""
    values = {**answers, "visibility": answers.get("visibility") or "listed"}
    if answers.get("github"):
        values["handles"] = {"github": answers["github"]}
    lines = ["---", "# Every field is described in docs/profile-fields.md"]
    for key in WRITE_ORDER:
        if not values.get(key):
            continue
        value = values[key]
        if isinstance(value, list):
            # lists on one line, like the template: interests: [coffee, 'yes']
            flow = yaml.safe_dump(value, allow_unicode=True, width=1000, default_flow_style=True)
            lines.append(f"{key}: {flow.strip()}")
            continue
        text = yaml.safe_dump(
            {key: value}, allow_unicode=True, sort_keys=False, width=1000, default_flow_style=False
        )
        lines.extend(text.rstrip("\n").split("\n"))
    lines.append("---")
    bio = (answers.get("bio") or "").strip()
    return "\n".join(lines) + "\n" + (bio + "\n" if bio else "")


def existing_files(members: Path, slug: str) -> list[Path]:
    return sorted(
        p
        for p in (members.iterdir() if members.is_dir() else [])
        if p.stem == slug and p.suffix.lower() in CONTENT_SUFFIXES + PHOTO_SUFFIXES
    )


def github_owner_elsewhere(members: Path, login: str) -> str | None:
    """A profile that already names this GitHub account (one account, one profile)."""
    from .ownership import owner_of_doc

    for path in sorted(members.glob("*")):
        if path.suffix.lower() not in CONTENT_SUFFIXES:
            continue
        doc, errors = load_file(path)
        owner = owner_of_doc(doc) if not errors else None
        if owner and owner.login and owner.login.lower() == login.lower():
            return path.name
    return None


def cmd_new_member(args: argparse.Namespace) -> int:
    settings = cli.site_settings(args.settings)
    members = settings.members_path
    interactive = not args.yes
    given: dict[str, Any] = {
        "name": args.name,
        "slug": args.slug,
        "known_as": args.known_as,
        "pronouns": args.pronouns,
        "pronunciation": args.pronunciation,
        "business": args.business,
        "role": args.role,
        "category": args.category,
        "neighbourhood": args.neighbourhood,
        "interests": split_list(args.interests) if args.interests else None,
        "ask_me_about": split_list(args.ask_me_about) if args.ask_me_about else None,
        "looking_for": split_list(args.looking_for) if args.looking_for else None,
        "github": args.github.lstrip("@") if args.github else None,
        "website": args.website,
        "photo_file": args.photo,
        "photo_alt": args.photo_alt,
        "attending": split_list(args.attending) if args.attending else None,
        "bio": args.bio,
    }
    answers: dict[str, Any] = {}
    slug = given["slug"] or ""
    if interactive:
        print(
            "Add yourself: press Enter to skip an optional question. Every field is explained in "
            "docs/profile-fields.md.",
            file=sys.stderr,
        )
    for q in QUESTIONS:
        value = given[q.key]
        default = None
        if q.key == "slug" and value is None and answers.get("name"):
            default = default_slug(answers["name"])
            value = None if interactive else default
        if value is None and interactive:
            value = ask(q, default, slug or "x", input)
        if value is None:
            if q.key == "name":
                raise cli.UsageError("--name is required (or leave out --yes to be asked)")
            if q.key == "slug":
                raise cli.UsageError(
                    "--slug is required: your name has no Latin letters to make a file name from"
                )
            continue
        try:
            check_answer(q.key, value, slug or "x")
        except Invalid as e:
            flag = "--" + q.key.replace("_", "-").replace("photo-file", "photo")
            raise cli.UsageError(f"{flag}: {e.message}") from None
        answers[q.key] = value
        if q.key == "slug":
            slug = value
    if not answers.get("github"):
        print(
            "note: without a GitHub login under handles, only a maintainer can change this "
            "profile later (add 'github: <your-login>' under handles: to make it yours)",
            file=sys.stderr,
        )
    if args.github_id is not None:
        answers["github_id"] = str(args.github_id)
    if args.visibility:
        answers["visibility"] = args.visibility

    shown = display_path(members, settings.site_root)
    taken = existing_files(members, slug)
    if taken:
        names = ", ".join(p.name for p in taken)
        raise cli.UsageError(
            f"{shown}/{slug} already exists ({names}); new-member never overwrites a "
            "profile: edit that file, or choose another --slug"
        )
    if answers.get("github"):
        other = github_owner_elsewhere(members, answers["github"])
        if other:
            raise cli.UsageError(
                f"@{answers['github']} already owns {shown}/{other}; one GitHub account, "
                "one profile: edit that one instead"
            )
    photo_bytes = None
    if answers.get("photo_file"):
        photo_bytes, ext = clean_photo(Path(answers["photo_file"]).expanduser())
        answers["photo"] = slug + ext

    text = profile_text(answers)
    members.mkdir(parents=True, exist_ok=True)
    profile = members / f"{slug}.md"
    photo = members / answers["photo"] if photo_bytes is not None else None
    written: list[Path] = []
    try:
        for path, data in ((profile, text.encode("utf-8")), (photo, photo_bytes)):
            if path is None:
                continue
            # 'x' refuses to replace a file that appeared since the check above
            with open(path, "xb") as f:
                f.write(data or b"")
            written.append(path)
        # read it back exactly as validation and the build will
        doc, errors = load_file(profile, settings.site_root)
        if not errors:
            _, errors = member_from_doc(doc, {"timezone": settings.timezone})
        if not errors:
            errors = load_community(settings, only=[profile]).errors
    except FileExistsError as e:
        for path in written:
            path.unlink()
        raise cli.UsageError(f"{e.filename} already exists; nothing written") from None
    if errors:
        for path in written:
            path.unlink()
        for e in errors:
            print(e, file=sys.stderr)
        print("The profile would not be valid, so nothing was written.", file=sys.stderr)
        return 1
    rel = [display_path(p, settings.site_root) for p in written]
    print(f"Wrote {' and '.join(rel)}")
    print(
        "Next: check it with `familiar validate`, add more fields (docs/profile-fields.md), "
        "then open a pull request (CONTRIBUTING.md)."
    )
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "new-member",
        help="write a new profile (asks for each field, or takes them as options)",
        description="Write content/members/<slug>.md and a cleaned copy of your photo. Asks for "
        "each field not given as an option, unless --yes. Never overwrites a profile.",
    )
    p.add_argument("--name", help="full name (required)")
    p.add_argument("--slug", help="file name, default: made from the name")
    for key in ("known_as", "pronouns", "pronunciation", "business", "role", "category"):
        p.add_argument("--" + key.replace("_", "-"), dest=key)
    p.add_argument("--neighbourhood", "--neighborhood", dest="neighbourhood")
    for key in ("interests", "ask_me_about", "looking_for", "attending"):
        p.add_argument("--" + key.replace("_", "-"), dest=key, help="comma-separated")
    p.add_argument("--github", help="GitHub login: the account allowed to edit the profile")
    p.add_argument("--github-id", type=int, help="numeric GitHub account id (optional)")
    p.add_argument("--website")
    p.add_argument("--photo", metavar="PATH", help="a photo of your face (JPEG, PNG, WebP)")
    p.add_argument("--photo-alt", dest="photo_alt")
    p.add_argument("--bio", help="a sentence or two in Markdown")
    p.add_argument("--visibility", choices=["listed", "unlisted", "hidden"])
    p.add_argument("-y", "--yes", action="store_true", help="ask nothing; use the options only")
    p.set_defaults(func=cmd_new_member)


cli.EXTENSIONS.append(add_commands)
