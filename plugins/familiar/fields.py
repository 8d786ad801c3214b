"""Typed field readers: a raw YAML Node in, a clean value or a FieldError out.

Every reader takes the text exactly as the member typed it (loading never converts scalars), so
`NO`, `012345` and `1.10` stay text in text fields, and a bad value gets a message that names
what was expected.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from .loading import SLUG_RE, Node

# Bidi embeddings, overrides and isolates can reorder what a reader sees (a name that displays as
# someone else's); marks (LRM, RLM, ALM) are harmless and some Arabic and Hebrew names need them.
_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Invisible characters that only serve to make two texts look the same; ZWJ and ZWNJ are kept,
# Devanagari, Persian and emoji need them.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u2060\ufeff\u180e\u00ad"), None)


class Invalid(ValueError):
    """A value that does not fit its field; the message says what was expected.

    `line` points at the offending item inside a list or mapping, when it is not the field's line.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def describe(node: Node) -> str:
    """A few words on what the member wrote, for 'expected X, got Y' messages."""
    v = node.value
    if v is None:
        return "nothing"
    if isinstance(v, list):
        return "a list"
    if isinstance(v, dict):
        return "a set of fields"
    if not node.quoted and re.fullmatch(r"[-+]?\d+(\.\d+)?", v):
        return "a number"
    if not node.quoted and v.lower() in ("true", "false", "yes", "no", "on", "off"):
        return f"'{v}' (a yes/no value)"
    return f"'{shorten(v)}'"


def shorten(text: str, n: int = 40) -> str:
    """`text` for quoting in a message: on one line (one problem, one line) and at most `n`
    characters. A YAML plain value can run over several lines."""
    parts = text.splitlines()
    if len(parts) > 1 or (parts and parts[0] != text):
        text = " ".join(p.strip() for p in parts if p.strip())
    return text if len(text) <= n else text[: n - 1] + "…"


# Characters clean_text refuses, found with one regex search instead of a loop per character
# (profiles of a big community hold millions of characters): bidi controls, and the C0/C1
# control characters (category Cc), with or without newline and tab.
_BAD_LINE = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x1f\x7f-\x9f]")
_BAD_MULTILINE = re.compile("[\u202a-\u202e\u2066-\u2069\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(raw: str, *, multiline: bool = False) -> str:
    """NFC-normalised text without invisible padding; refuses control and bidi-override characters."""
    text = raw if raw.isascii() else unicodedata.normalize("NFC", raw).translate(_INVISIBLE)
    bad = (_BAD_MULTILINE if multiline else _BAD_LINE).search(text)
    if bad:
        ch = bad.group()
        if ch in _BIDI_CONTROLS:
            raise Invalid(
                f"contains an invisible direction-override character (U+{ord(ch):04X}); "
                "remove it, names show in the right direction on their own"
            )
        raise Invalid(f"contains a control character (U+{ord(ch):04X}); remove it")
    if not multiline:
        text = " ".join(text.split())
    return text.strip()


@dataclass(frozen=True)
class Text:
    max_len: int
    required: bool = False
    multiline: bool = False
    label: str = "a short text"

    def read(self, node: Node, ctx: dict[str, Any]) -> str | None:
        if node.value is None:
            if self.required:
                raise Invalid(f"is required: expected {self.label}")
            return None
        if not isinstance(node.value, str):
            raise Invalid(f"expected {self.label}, got {describe(node)}")
        text = clean_text(node.value, multiline=self.multiline)
        if self.required and not text:
            raise Invalid(f"is required: expected {self.label}")
        if len(text) > self.max_len:
            raise Invalid(f"is {len(text)} characters long; the most is {self.max_len}")
        return text or None


@dataclass(frozen=True)
class TextList:
    max_items: int
    max_len: int
    label: str = "short texts"

    def read(self, node: Node, ctx: dict[str, Any]) -> tuple[str, ...]:
        if node.value is None:
            return ()
        expected = f"expected a list of up to {self.max_items} {self.label}"
        if not isinstance(node.value, list):
            if isinstance(node.value, str) and not (
                not node.quoted and describe(node) == "a number"
            ):
                raise Invalid(f"{expected} like [one, two], got {describe(node)}")
            raise Invalid(f"{expected}, got {describe(node)}")
        if len(node.value) > self.max_items:
            raise Invalid(f"{expected}, got {len(node.value)}")
        out: list[str] = []
        for i, item in enumerate(node.value, 1):
            if not isinstance(item.value, str):
                raise Invalid(f"item {i}: {expected}, got {describe(item)}", item.line)
            text = clean_text(item.value)
            if len(text) > self.max_len:
                raise Invalid(
                    f"item {i} is {len(text)} characters long; the most is {self.max_len}",
                    item.line,
                )
            if text and text not in out:
                out.append(text)
        return tuple(out)


@dataclass(frozen=True)
class Choice:
    options: tuple[str, ...]
    default: str

    def read(self, node: Node, ctx: dict[str, Any]) -> str:
        if node.value is None:
            return self.default
        if not isinstance(node.value, str) or node.value.strip() not in self.options:
            raise Invalid(f"expected one of {', '.join(self.options)}, got {describe(node)}")
        return node.value.strip()


_TRUE = {"true", "yes", "on"}
_FALSE = {"false", "no", "off"}


@dataclass(frozen=True)
class Flag:
    default: bool = False

    def read(self, node: Node, ctx: dict[str, Any]) -> bool:
        if node.value is None:
            return self.default
        if isinstance(node.value, str) and not node.quoted:
            low = node.value.strip().lower()
            if low in _TRUE:
                return True
            if low in _FALSE:
                return False
        raise Invalid(f"expected true or false, got {describe(node)}")


@dataclass(frozen=True)
class Integer:
    minimum: int
    maximum: int
    label: str = "a whole number"

    def read(self, node: Node, ctx: dict[str, Any]) -> int | None:
        if node.value is None:
            return None
        if isinstance(node.value, str) and re.fullmatch(r"\d{1,12}", node.value.strip()):
            n = int(node.value)
            if self.minimum <= n <= self.maximum:
                return n
        raise Invalid(
            f"expected {self.label} from {self.minimum} to {self.maximum}, got {describe(node)}"
        )


@dataclass(frozen=True)
class Date:
    def read(self, node: Node, ctx: dict[str, Any]) -> dt.date | None:
        if node.value is None:
            return None
        if not isinstance(node.value, str) or not re.fullmatch(
            r"\d{4}-\d{2}-\d{2}", node.value.strip()
        ):
            raise Invalid(f"expected a date like 2026-12-04, got {describe(node)}")
        try:
            return dt.date.fromisoformat(node.value.strip())
        except ValueError:
            raise Invalid(f"'{node.value.strip()}' is not a real date") from None


_DATETIME_RE = re.compile(
    r"(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?\s*(Z|[+-]\d{2}:?\d{2})?"
)


@dataclass(frozen=True)
class DateTime:
    required: bool = False

    def read(self, node: Node, ctx: dict[str, Any]) -> dt.datetime | None:
        if node.value is None:
            if self.required:
                raise Invalid("is required: expected a date and time like 2026-12-04 17:30")
            return None
        text = node.value.strip() if isinstance(node.value, str) else ""
        m = _DATETIME_RE.fullmatch(text)
        if not m:
            raise Invalid(f"expected a date and time like 2026-12-04 17:30, got {describe(node)}")
        day, hour, minute, second, offset = m.groups()
        try:
            date = dt.date.fromisoformat(day)
            time = dt.time(int(hour), int(minute), int(second or 0))
        except ValueError:
            raise Invalid(f"'{text}' is not a real date and time") from None
        if offset:
            off = offset.replace(":", "")
            tz: dt.tzinfo = (
                dt.UTC
                if off == "Z"
                else dt.timezone(
                    (1 if off[0] == "+" else -1)
                    * dt.timedelta(hours=int(off[1:3]), minutes=int(off[3:5]))
                )
            )
        else:
            tz = ctx.get("timezone") or ZoneInfo("UTC")
        return dt.datetime.combine(date, time, tzinfo=tz)


def check_url(text: str) -> str:
    """An absolute http(s) URL with a host, or Invalid: no javascript:, data:, or relative paths."""
    url = clean_text(text)
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in url:
        raise Invalid(f"expected a web address starting with https://, got '{shorten(url)}'")
    if len(url) > 300:
        raise Invalid("is longer than 300 characters")
    return url


@dataclass(frozen=True)
class Url:
    def read(self, node: Node, ctx: dict[str, Any]) -> str | None:
        if node.value is None:
            return None
        if not isinstance(node.value, str):
            raise Invalid(f"expected a web address starting with https://, got {describe(node)}")
        return check_url(node.value)


_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")


@dataclass(frozen=True)
class Email:
    def read(self, node: Node, ctx: dict[str, Any]) -> str | None:
        if node.value is None:
            return None
        if isinstance(node.value, str) and _EMAIL_RE.fullmatch(node.value.strip()):
            return node.value.strip()
        raise Invalid(f"expected an email address like name@example.com, got {describe(node)}")


@dataclass(frozen=True)
class SlugList:
    max_items: int
    what: str

    def read(self, node: Node, ctx: dict[str, Any]) -> tuple[str, ...]:
        if node.value is None:
            return ()
        expected = f"expected a list of {self.what} like [friday-patio-2026-12-04]"
        if not isinstance(node.value, list):
            raise Invalid(f"{expected}, got {describe(node)}")
        if len(node.value) > self.max_items:
            raise Invalid(f"lists {len(node.value)} {self.what}; the most is {self.max_items}")
        out: list[str] = []
        for item in node.value:
            if not isinstance(item.value, str) or not SLUG_RE.match(item.value.strip()):
                raise Invalid(
                    f"{expected} (lowercase letters, digits and hyphens), got {describe(item)}",
                    item.line,
                )
            if item.value.strip() not in out:
                out.append(item.value.strip())
        return tuple(out)


@dataclass(frozen=True)
class Focus:
    """Where the face is in the photo: [x, y] as percentages from the top left."""

    def read(self, node: Node, ctx: dict[str, Any]) -> tuple[float, float] | None:
        if node.value is None:
            return None
        expected = "expected [x, y] as percentages from the top left, like [50, 30]"
        if not isinstance(node.value, list) or len(node.value) != 2:
            raise Invalid(f"{expected}, got {describe(node)}")
        out = []
        for item in node.value:
            text = str(item.value or "").strip().rstrip("%")
            try:
                v = float(text)
            except ValueError:
                raise Invalid(f"{expected}, got {describe(item)}") from None
            if not 0 <= v <= 100:
                raise Invalid(f"{expected}; {text} is outside 0 to 100")
            out.append(v)
        return (out[0], out[1])


Reader = Callable[[Node, dict[str, Any]], Any]


class PickledAsCall:
    """For slotted frozen dataclasses: pickled as a call of the class with the fields in order.

    The pickling that dataclasses give slotted classes looks up the fields on every object,
    which made the profile cache take a second each way at ten thousand members.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        cls = type(self)
        return cls, tuple(getattr(self, name) for name in cls.__dataclass_fields__)  # type: ignore[attr-defined]
