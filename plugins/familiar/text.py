"""Text helpers shared by pages, search and badges: slugs, sort keys, sanitised Markdown."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import cmarkgfm
import nh3

from .output import write_atomic
from .signing import seal, unseal

_SCRIPT_ORDER = ["LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "HEBREW", "ARABIC", "DEVANAGARI",
                 "BENGALI", "GURMUKHI", "GUJARATI", "TAMIL", "TELUGU", "KANNADA", "MALAYALAM",
                 "THAI", "HANGUL", "HIRAGANA", "KATAKANA", "CJK"]  # fmt: skip

ALLOWED_TAGS = {"p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote",
                "code", "pre", "h3", "h4", "hr"}  # fmt: skip


def fold(text: str) -> str:
    """Case- and accent-insensitive form: 'Zoë' and 'zoe' fold alike, 'Hương' to 'huong'."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.replace("đ", "d").replace("ø", "o").replace("ł", "l").replace("ß", "ss")


def taxonomy_key(text: str) -> str:
    """'Coffee roasting' and 'coffee  roasting' are one interest."""
    return " ".join(text.casefold().split())


def slugify(text: str) -> str:
    """ASCII slug; texts with no Latin letters (Chinese, Arabic) get a stable short hash instead."""
    ascii_text = fold(text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60].strip("-")
    if not slug:
        slug = "t-" + hashlib.sha1(taxonomy_key(text).encode()).hexdigest()[:8]
    return slug


def script_of(text: str) -> str:
    """The Unicode script of the first letter, as far as sorting needs to know it."""
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            for script in _SCRIPT_ORDER:
                if name.startswith(script):
                    return script
            return name.split(" ")[0] or "OTHER"
    return "OTHER"


# a build sorts the same names many times (the directory, every event's attendees)
@functools.lru_cache(maxsize=1 << 16)
def sort_key(name: str) -> tuple[int, str, str]:
    """The directory order: names grouped by script (Latin first, then Greek, Cyrillic, Hebrew,
    Arabic, the Indic scripts, Thai, Korean, Japanese, Chinese), and within a script
    alphabetically, ignoring case and accents ('Élodie' files under E)."""
    script = script_of(name)
    rank = _SCRIPT_ORDER.index(script) if script in _SCRIPT_ORDER else len(_SCRIPT_ORDER)
    return (rank, fold(name), name)


def index_letter(name: str) -> str:
    """The jump-bar heading a name files under: its first letter, unaccented and capital for
    Latin names; the first character for other scripts. The first letter or digit of
    `fold(name)`, found by folding a character at a time (a directory asks for ten thousand):
    folding keeps the order of all but the combining marks it drops."""
    for char in name:
        for ch in fold(char):
            if ch.isalnum():
                return ch.upper() if ch.isascii() else ch
    return "#"


# Rendered bios by a hash of their Markdown, kept between builds (load_markdown_cache /
# save_markdown_cache): rendering is most of the cost of a member's text.
_rendered: dict[str, str] = {}
_used: set[str] = set()


def render_markdown(source: str) -> str:
    """Markdown to HTML, then cleaned to an allowlist: no script, no event handlers, no iframes or
    forms, links only to http, https and mailto (opened with rel=nofollow ugc), no images."""
    key = hashlib.blake2b(source.encode("utf-8"), digest_size=16).hexdigest()
    _used.add(key)
    html = _rendered.get(key)
    if html is None:
        html = _rendered[key] = _render(source)
    return html


@contextlib.contextmanager
def rendering() -> Iterator[dict[str, str]]:
    """The Markdown rendered (not found kept) while in the block, by key: a worker process
    sends them back to the build (keep_rendered), which would otherwise render them again."""
    before = set(_rendered)
    made: dict[str, str] = {}
    yield made
    made.update((k, html) for k, html in _rendered.items() if k not in before)


def keep_rendered(rendered: dict[str, str]) -> None:
    """Keep Markdown rendered in a worker process (rendering) as if rendered here."""
    _rendered.update(rendered)
    _used.update(rendered)


def _render(source: str) -> str:
    # cmark (CommonMark, in C) is some 50 times faster than Python-Markdown, which matters for
    # thousands of bios; it already drops raw HTML and unsafe link targets, and nh3 then holds
    # the result to the allowlist whatever the renderer let through.
    return _cleaner().clean(cmarkgfm.markdown_to_html(source))


@functools.cache  # built once: nh3.clean builds its rules anew on every call, half its time
def _cleaner() -> nh3.Cleaner:
    return nh3.Cleaner(
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow ugc noopener",
        strip_comments=True,
    )


@functools.lru_cache(maxsize=8)  # a member page asks twice (JSON-LD, then the social card)
def markdown_text(source: str) -> str:
    """Markdown as plain text (tags left out, entities decoded, white space made single), to be
    escaped where it is shown. Every tag is stripped, so the sanitiser has nothing to do; cmark
    leaves raw HTML out, so no script's text is kept."""
    plain = re.sub(r"<[^>]+>", "", cmarkgfm.markdown_to_html(source))
    return " ".join(html.unescape(plain).split())


def load_markdown_cache(path: Path) -> None:
    """Reuse bios rendered by earlier builds (a cache made by another version is ignored)."""
    try:
        # the HTML goes into pages as it is: only a file this machine signed (signing.py)
        body = unseal(path.read_bytes())
        data = json.loads(body) if body is not None else None
    except (OSError, ValueError):
        return
    if isinstance(data, dict) and data.get("version") == MARKDOWN_CACHE_VERSION:
        _rendered.update(data.get("html", {}))


def save_markdown_cache(path: Path) -> None:
    """Keep the bios this build used, for the next build."""
    keep = {k: _rendered[k] for k in _used if k in _rendered}
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({"version": MARKDOWN_CACHE_VERSION, "html": keep})
    write_atomic(path, seal(text.encode("utf-8")))


# bump when the Markdown extensions or the sanitiser's allowlist change
MARKDOWN_CACHE_VERSION = "2-cmark"
