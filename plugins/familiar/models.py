"""Member, Event and Guest: typed and frozen, built from a RawDoc or reported as field errors."""

from __future__ import annotations

import datetime as dt
import difflib
import re
import sys
import unicodedata
from dataclasses import dataclass
from typing import Any

from .errors import FieldError
from .fields import (
    Choice,
    Date,
    DateTime,
    Email,
    Flag,
    Focus,
    Integer,
    Invalid,
    PickledAsCall,
    SlugList,
    Text,
    TextList,
    Url,
    check_url,
    clean_text,
    describe,
)
from .handles import Handle, read_handles
from .loading import Node, RawDoc

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif")

# Keys that would let a profile steer Pelican's output (where a page is written, with which
# template); the page address always comes from the file name.
OUTPUT_CONTROL = ("save_as", "url", "slug", "template", "status", "lang", "translation",
                  "override_url", "path", "filename", "date", "modified", "author", "authors",
                  "tags", "summary", "title")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Member(PickledAsCall):
    slug: str
    source: str
    name: str
    known_as: str
    pronouns: str | None = None
    pronunciation: str | None = None
    photo: str | None = None
    photo_alt: str | None = None
    photo_focus: tuple[float, float] | None = None
    business: str | None = None
    role: str | None = None
    category: str | None = None
    neighbourhood: str | None = None
    interests: tuple[str, ...] = ()
    ask_me_about: tuple[str, ...] = ()
    looking_for: tuple[str, ...] = ()
    handles: tuple[Handle, ...] = ()
    website: str | None = None
    email: str | None = None
    show_email: bool = False
    joined: dt.date | None = None
    attending: tuple[str, ...] = ()
    visibility: str = "listed"
    noindex: bool = False
    github_id: int | None = None
    bio: str = ""
    bio_line: int = 1
    lines: tuple[tuple[str, int], ...] = ()

    @property
    def listed(self) -> bool:
        return self.visibility == "listed"

    @property
    def published(self) -> bool:
        return self.visibility != "hidden"

    @property
    def alt(self) -> str:
        return self.photo_alt or self.name

    @property
    def github(self) -> str | None:
        return next((h.name for h in self.handles if h.network == "github"), None)

    @property
    def main_handle(self) -> Handle | None:
        return self.handles[0] if self.handles else None

    @property
    def initials(self) -> str:
        return initials(self.known_as if self.known_as != self.name else self.name)

    def line_of(self, field: str) -> int:
        return dict(self.lines).get(field, 1)


@dataclass(frozen=True)
class Guest:
    name: str
    business: str | None = None
    handle: str | None = None

    @property
    def initials(self) -> str:
        return initials(self.name)


@dataclass(frozen=True)
class Venue:
    name: str
    address: str
    url: str


@dataclass(frozen=True)
class Event:
    slug: str
    source: str
    title: str
    start: dt.datetime
    end: dt.datetime | None
    venue: Venue | None
    organizers: tuple[str, ...] = ()
    capacity: int | None = None
    guests: tuple[Guest, ...] = ()
    status: str = "scheduled"
    description: str = ""
    description_line: int = 1
    lines: tuple[tuple[str, int], ...] = ()

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    def line_of(self, field: str) -> int:
        return dict(self.lines).get(field, 1)


def initials(name: str) -> str:
    """One or two letters for a placeholder: first letters of the first and last words.

    Scripts without capitals or spaces between words (Chinese, Japanese) take the first character.
    """
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    if not words:
        return "?"
    letters = [_first_letter(words[0])]
    if len(words) > 1 and _is_cased(words[-1]):
        letters.append(_first_letter(words[-1]))
    return "".join(letters).upper()


def _first_letter(word: str) -> str:
    for ch in word:
        if unicodedata.category(ch)[0] in "LN":
            # keep combining marks attached to the letter (Devanagari vowel signs)
            i = word.index(ch) + 1
            while i < len(word) and unicodedata.category(word[i]).startswith("M"):
                i += 1
            return word[word.index(ch) : i]
    return word[:1]


def _is_cased(word: str) -> bool:
    return any(ch.lower() != ch.upper() for ch in word)


def first_word(name: str) -> str:
    return name.split()[0] if name.split() else name


def _photo(node: Node, ctx: dict[str, Any]) -> str | None:
    if node.value is None:
        return None
    if not isinstance(node.value, str):
        raise Invalid(f"expected the file name of your photo, got {describe(node)}")
    value = clean_text(node.value)
    slug = ctx["slug"]
    if re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I):
        raise Invalid(
            f"must be a file beside your profile, not a web address: upload the photo as "
            f"content/members/{slug}.jpg and write 'photo: {slug}.jpg'"
        )
    stem, dot, suffix = value.rpartition(".")
    if (
        "/" in value
        or "\\" in value
        or stem != slug
        or ("." + suffix.lower()) not in PHOTO_SUFFIXES
    ):
        raise Invalid(
            f"expected '{slug}.jpg' (or .jpeg, .png, .webp, .heic): your photo sits beside your "
            f"profile and is named like it, got '{value[:60]}'"
        )
    return value


def _guests(node: Node, ctx: dict[str, Any]) -> tuple[Guest, ...]:
    if node.value is None:
        return ()
    expected = "expected a list of guests like - {name: Sam Okafor, business: Okafor Bikes}"
    if not isinstance(node.value, list):
        raise Invalid(f"{expected}, got {describe(node)}")
    if len(node.value) > 500:
        raise Invalid("lists more than 500 guests")
    out = []
    for i, item in enumerate(node.value, 1):
        if not isinstance(item.value, dict):
            raise Invalid(f"guest {i}: {expected}, got {describe(item)}", item.line)
        unknown = set(item.value) - {"name", "business", "handle"}
        if unknown:
            raise Invalid(
                f"guest {i}: '{sorted(unknown)[0]}' is not a guest field; use name, business, handle",
                item.line,
            )
        values = {}
        for key in ("name", "business", "handle"):
            sub = item.value.get(key, Node(None, item.line))
            try:
                values[key] = Text(100 if key != "handle" else 60, required=key == "name").read(
                    sub, ctx
                )
            except Invalid as e:
                # name the guest field: "guest 2: name is required", not "guest 2: is required"
                raise Invalid(f"guest {i}: {key} {e.message}", e.line or sub.line) from None
        out.append(Guest(**values))
    return tuple(out)


def _venue(node: Node, ctx: dict[str, Any]) -> Venue | None:
    if node.value is None:
        return None
    if not isinstance(node.value, dict):
        raise Invalid(f"expected lines 'name:' and 'address:' under it, got {describe(node)}")
    unknown = set(node.value) - {"name", "address", "url"}
    if unknown:
        key = sorted(unknown)[0]
        raise Invalid(f"'{key}' is not a venue field; use name, address, url", node.value[key].line)
    values = {}
    for key in ("name", "address"):
        sub = node.value.get(key)
        if sub is None or sub.value is None:
            raise Invalid(f"{key} is required: expected a short text", node.line)
        try:
            values[key] = Text(200, required=True).read(sub, ctx)
        except Invalid as e:
            raise Invalid(f"{key} {e.message}", sub.line) from None
    url_node = node.value.get("url")
    if url_node is not None and url_node.value is not None:
        if not isinstance(url_node.value, str):
            raise Invalid("url: expected a web address starting with https://", url_node.line)
        try:
            url = check_url(url_node.value)
        except Invalid as e:
            raise Invalid(f"url: {e.message}", url_node.line) from None
    else:
        from urllib.parse import quote

        url = "https://www.openstreetmap.org/search?query=" + quote(values["address"])
    return Venue(values["name"], values["address"], url)


MEMBER_FIELDS: dict[str, Any] = {
    "name": Text(100, required=True, label="your full name"),
    "known_as": Text(40),
    "pronouns": Text(30),
    "pronunciation": Text(80),
    "photo": _photo,
    "photo_alt": Text(200),
    "photo_focus": Focus(),
    "business": Text(100),
    "role": Text(80),
    "category": Text(60),
    "neighbourhood": Text(60),
    "interests": TextList(12, 40),
    "ask_me_about": TextList(5, 100),
    "looking_for": TextList(5, 100),
    "handles": read_handles,
    "website": Url(),
    "email": Email(),
    "show_email": Flag(),
    "joined": Date(),
    "attending": SlugList(50, "event names"),
    "visibility": Choice(("listed", "unlisted", "hidden"), "listed"),
    "noindex": Flag(),
    "github_id": Integer(1, 10**12, "a GitHub account number"),
    "bio": Text(5000, multiline=True, label="Markdown text"),
}

EVENT_FIELDS: dict[str, Any] = {
    "title": Text(120, required=True, label="the event's name"),
    "start": DateTime(required=True),
    "end": DateTime(),
    "venue": _venue,
    "organizers": SlugList(20, "member names"),
    "capacity": Integer(1, 100000),
    "guests": _guests,
    "status": Choice(("scheduled", "cancelled"), "scheduled"),
    "description": Text(10000, multiline=True, label="Markdown text"),
}


def _read_fields(
    doc: RawDoc, schema: dict[str, Any], forbidden: tuple[str, ...], kind: str, ctx: dict[str, Any]
) -> tuple[dict[str, Any], list[FieldError]]:
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for key, node in doc.fields.items():
        line = doc.line_of(key)
        if key in schema:
            if key in ("bio", "description") and doc.path.suffix.lower() == ".md":
                errors.append(
                    FieldError(doc.display, line, key, "write it below the closing '---' instead")
                )
                continue
            reader = schema[key]
            try:
                read = reader.read if hasattr(reader, "read") else reader
                values[key] = read(node, ctx)
            except Invalid as e:
                errors.append(FieldError(doc.display, e.line or line, key, e.message))
        elif key in forbidden:
            errors.append(
                FieldError(
                    doc.display,
                    line,
                    key,
                    f"cannot be set in {kind}: the page address and layout come from the file "
                    "name and the site's theme",
                )
            )
        else:
            close = difflib.get_close_matches(key, list(schema), n=1, cutoff=0.7)
            hint = (
                f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(schema)}"
            )
            # an empty key (a line that is only "?" or ":") still needs a name in the message
            errors.append(
                FieldError(
                    doc.display, line, key[:60] or "(empty)", f"is not a field Familiar knows{hint}"
                )
            )
    for key, reader in schema.items():
        if key not in doc.fields and getattr(reader, "required", False):
            errors.append(
                FieldError(doc.display, 1, key, f"is required: expected {reader_label(reader)}")
            )
    return values, errors


def reader_label(reader: Any) -> str:
    if isinstance(reader, Text):
        return reader.label
    return "a date and time like 2026-12-04 17:30"


def member_from_doc(
    doc: RawDoc, ctx: dict[str, Any] | None = None
) -> tuple[Member | None, list[FieldError]]:
    """A Member from a loaded profile, or None and the reasons."""
    ctx = {**(ctx or {}), "slug": doc.slug}
    values, errors = _read_fields(doc, MEMBER_FIELDS, OUTPUT_CONTROL, "a profile", ctx)
    if errors or "name" not in values:
        return None, errors
    bio = values.pop("bio", None)
    if bio is None:
        bio, bio_line = (
            clean_text(doc.body, multiline=True) if doc.body.strip() else "",
            doc.body_line,
        )
    else:
        bio_line = doc.line_of("bio")
    if len(bio) > 5000:
        return None, [
            FieldError(
                doc.display, bio_line, "bio", f"is {len(bio)} characters long; the most is 5000"
            )
        ]
    values.setdefault("known_as", None)
    if not values["known_as"]:
        values["known_as"] = first_word(values["name"])
    member = Member(
        slug=doc.slug,
        source=doc.display,
        bio=bio,
        bio_line=bio_line,
        lines=tuple((sys.intern(k), n) for k, n in doc.key_lines.items()),  # shared names
        **{k: v for k, v in values.items() if v is not None},
    )
    return member, []


def event_from_doc(
    doc: RawDoc, ctx: dict[str, Any] | None = None
) -> tuple[Event | None, list[FieldError]]:
    """An Event from a loaded event file, or None and the reasons."""
    ctx = {**(ctx or {}), "slug": doc.slug}
    forbidden = tuple(k for k in OUTPUT_CONTROL if k not in ("status", "title"))
    values, errors = _read_fields(doc, EVENT_FIELDS, forbidden, "an event", ctx)
    if "start" in values and values.get("end") and values["end"] <= values["start"]:
        errors.append(
            FieldError(
                doc.display,
                doc.line_of("end"),
                "end",
                f"must be after start ({values['start']:%Y-%m-%d %H:%M}), got "
                f"{values['end']:%Y-%m-%d %H:%M}",
            )
        )
    if "venue" not in doc.fields:
        errors.append(
            FieldError(
                doc.display, 1, "venue", "is required: expected lines 'name:' and 'address:'"
            )
        )
    if errors or "title" not in values or "start" not in values:
        return None, errors
    description = values.pop("description", None)
    if description is None:
        description, line = (
            clean_text(doc.body, multiline=True) if doc.body.strip() else "",
            doc.body_line,
        )
    else:
        line = doc.line_of("description")
    event = Event(
        slug=doc.slug,
        source=doc.display,
        title=values["title"],
        start=values["start"],
        end=values.get("end"),
        venue=values.get("venue"),
        organizers=values.get("organizers", ()),
        capacity=values.get("capacity"),
        guests=values.get("guests", ()),
        status=values.get("status", "scheduled"),
        description=description,
        description_line=line,
        lines=tuple(doc.key_lines.items()),
    )
    return event, []
