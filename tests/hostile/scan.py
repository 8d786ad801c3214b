"""Scan every file of a built site for anything a hostile profile could have smuggled into it.

The scan knows file types, not pages: HTML is parsed and checked element by element, JSON, XML,
iCalendar, vCard and CSV are parsed and checked as data, PDFs for actions and links, images and
any other file as bytes. A new kind of output is therefore covered the day it lands.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

# Characters that reorder or hide text: they must never reach an output.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
INVISIBLE = set("\u200b\u2060\ufeff\u180e")
# What an evaluated template payload would print: {{ 7*7191 }} and {{ cycler.__init__.__globals__ }}
EVALUATED = re.compile(r"(?<![0-9a-f])50337(?![0-9a-f])|__builtins__|<function |<module ")

# Tags that must not appear in any page: they load other documents, run code, or submit data.
NEVER_TAGS = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"}
# Attributes holding a URL the browser follows or loads.
URL_ATTRS = {"href", "src", "action", "formaction", "poster", "data", "xlink:href", "background",
             "cite", "longdesc", "manifest", "icon", "ping", "codebase", "archive", "lowsrc",
             "dynsrc"}  # fmt: skip
# Of those, the ones loaded without a click: they must stay on the site's own origin.
LOADED = {("img", "src"), ("img", "srcset"), ("source", "srcset"), ("source", "src"),
          ("script", "src"), ("video", "src"), ("video", "poster"), ("audio", "src"),
          ("track", "src"), ("input", "src"), ("image", "href"), ("use", "href")}  # fmt: skip
LOADED_LINK_RELS = {"stylesheet", "icon", "preload", "prefetch", "modulepreload", "manifest",
                    "apple-touch-icon", "dns-prefetch", "preconnect", "mask-icon"}  # fmt: skip
SAFE_CLICK_SCHEMES = {"http", "https", "mailto", "tel", "geo", "webcal", ""}
# The only inline styles the theme writes: CSS variables set to colours and sizes.
STYLE_RE = re.compile(r"^(\s*--[a-z][a-z0-9-]*\s*:\s*[#a-z0-9.%,\s-]+;?)*\s*$", re.I)


def scheme_of(url: str) -> str:
    """The scheme a browser would see: control characters and whitespace do not hide it."""
    # as the WHATWG URL parser does: trim C0 controls and spaces, drop tabs and newlines anywhere
    squeezed = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(33))))).lower()
    m = re.match(r"^([a-z][a-z0-9+.\-]*):", squeezed)
    return m.group(1) if m else ""


def same_origin(url: str, site_url: str) -> bool:
    """A URL on the site's own origin: relative, or under SITEURL."""
    url = url.strip()
    if url.startswith("//"):
        return bool(site_url) and urlsplit(url).netloc == urlsplit(site_url).netloc
    if not scheme_of(url):
        return True
    if site_url and urlsplit(url).netloc == urlsplit(site_url).netloc:
        return scheme_of(url) in ("http", "https")
    return False


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


def check_text(rel: str, text: str) -> list[str]:
    """Problems any text output can have, whatever its format."""
    found = []
    # a byte-order mark opening a file is allowed (spreadsheets need it to read CSV as UTF-8)
    for ch in sorted(set(text.removeprefix("\ufeff")) & (BIDI_CONTROLS | INVISIBLE)):
        found.append(f"{rel}: contains U+{ord(ch):04X} ({unicodedata.name(ch, '?')})")
    for m in EVALUATED.finditer(text):
        found.append(f"{rel}: contains {m.group()!r}: a template payload was evaluated")
    if unicodedata.normalize("NFC", text) != text:
        found.append(f"{rel}: text is not NFC-normalised")
    return found


def check_html(rel: str, html: str, site_url: str = "", fragment: bool = False) -> list[str]:
    """Every way a page could run script, load a third party, redirect or submit elsewhere."""
    found = []
    soup = BeautifulSoup(html, "lxml")
    for el in soup.find_all(True):
        name = el.name.lower()
        where = f"{rel}: <{name}>"
        if name in NEVER_TAGS:
            found.append(f"{where} is not allowed in a page")
        if name == "script":
            kind = (el.get("type") or "").strip().lower()
            if kind == "application/ld+json":
                try:
                    json.loads(el.string or "")
                except ValueError:
                    found.append(f"{where} JSON-LD is not valid JSON (a breakout?)")
                if re.search(r"</?script|<!--", el.string or "", re.I):
                    found.append(f"{where} JSON-LD contains '<script' or '<!--' unescaped")
            elif kind not in ("", "text/javascript", "module"):
                pass  # data blocks the browser never runs
            elif not el.get("src") or (el.string or "").strip():
                found.append(f"{where} inline script: {str(el)[:80]!r}")
            elif not same_origin(el["src"], site_url):
                found.append(f"{where} script from another origin: {el['src']!r}")
        if name == "meta":
            equiv = (el.get("http-equiv") or "").strip().lower()
            if equiv == "refresh" or (fragment and equiv):
                found.append(f"{where} http-equiv={equiv!r} {el.get('content')!r}")
        if name == "style" and fragment:
            found.append(f"{where} style element in user content")
        if name == "form":
            action = el.get("action") or ""
            if action and not same_origin(action, site_url) or fragment:
                found.append(f"{where} form submits to {action!r}")
        if name == "link":
            rels = {r.lower() for r in (el.get("rel") or [])}
            href = el.get("href", "")
            icon = "icon" in rels and scheme_of(href) == "data" and not fragment
            if rels & LOADED_LINK_RELS and not same_origin(href, site_url) and not icon:
                found.append(f"{where} rel={sorted(rels)} loads {el.get('href')!r}")
        for attr, value in el.attrs.items():
            attr = attr.lower()
            value = " ".join(value) if isinstance(value, list) else str(value)
            if attr.startswith("on"):
                found.append(f"{where} event handler {attr}={value[:60]!r}")
            if attr == "style" and (not STYLE_RE.match(value) or "url(" in value.lower()):
                found.append(f"{where} style attribute {value[:80]!r}")
            if attr == "srcdoc":
                found.append(f"{where} srcdoc attribute")
            urls = _srcset_urls(value) if attr in ("srcset", "imagesrcset") else [value]
            if (attr in URL_ATTRS or attr.endswith("srcset")) and (name, attr) != ("link", "href"):
                for url in urls:
                    scheme = scheme_of(url)
                    if (name, attr) in LOADED:
                        if scheme == "data" and name == "img" and not fragment:
                            continue
                        if not same_origin(url, site_url):
                            found.append(f"{where} {attr} loads from elsewhere: {url[:80]!r}")
                    elif scheme not in SAFE_CLICK_SCHEMES:
                        found.append(f"{where} {attr} has a {scheme}: URL {url[:80]!r}")
    return found


def _json_strings(value: object, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _json_strings(v, str(k))
    elif isinstance(value, list):
        for v in value:
            yield from _json_strings(v, key)
    elif isinstance(value, str):
        yield key, value


def check_json(rel: str, text: str) -> list[str]:
    """Valid JSON whose URL-like strings are all followable (no javascript:, data:, vbscript:)."""
    try:
        data = json.loads(text)
    except ValueError as e:
        return [f"{rel}: not valid JSON ({e})"]
    found = []
    for key, value in _json_strings(data):
        scheme = scheme_of(value)
        if scheme in ("javascript", "vbscript", "data", "file"):
            found.append(f"{rel}: {key}: {scheme}: URL {value[:60]!r}")
        low = key.lower()
        if low in ("html", "content_html", "description_html", "bio_html"):
            found.extend(check_html(f"{rel}#{key}", value, fragment=True))
    return found


def check_xml(rel: str, data: bytes, site_url: str = "") -> list[str]:
    """Well-formed XML with no entities expanded, no script elements, escaped HTML safe."""
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as e:
        return [f"{rel}: not well-formed XML ({e})"]
    found = []
    if b"<!ENTITY" in data:
        found.append(f"{rel}: declares entities")
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname.lower()
        if local in NEVER_TAGS | {"script"}:
            found.append(f"{rel}: <{local}> element")
        for attr, value in el.attrib.items():
            is_url = etree.QName(attr).localname.lower() in ("href", "src", "url", "uri")
            if is_url and scheme_of(value) not in SAFE_CLICK_SCHEMES:
                found.append(f"{rel}: {local}@{attr} has URL {value[:60]!r}")
        url_element = local in ("loc", "uri", "id", "icon", "logo", "link", "url") and el.text
        if url_element and scheme_of(el.text) not in SAFE_CLICK_SCHEMES | {"tag", "urn"}:
            found.append(f"{rel}: <{local}> has URL {el.text[:60]!r}")
        # Atom content type="html" and RSS description hold escaped HTML: check it as a page
        if el.text and (el.get("type") == "html" or local in ("description", "encoded")):
            found.extend(check_html(f"{rel}#{local}", el.text, site_url, fragment=True))
    return found


def unfold(text: str) -> list[str]:
    """iCalendar and vCard content lines with RFC 5545 folding undone."""
    lines: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] += raw[1:]
        elif raw:
            lines.append(raw)
    return lines


_CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)?(;[^:]*)?:")


def check_calendar(rel: str, text: str) -> list[str]:
    """Every content line is NAME;params:value and no value opened a line of its own."""
    found = []
    for line in unfold(text):
        if not _CONTENT_LINE.match(line):
            found.append(f"{rel}: not a content line: {line[:60]!r}")
        name = line.split(":", 1)[0].split(";", 1)[0].upper()
        if name.startswith("X-INJECTED") or "X-INJECTED" in line.split(":", 1)[0]:
            found.append(f"{rel}: injected property line {line[:60]!r}")
        if line.upper().startswith(("ATTENDEE:MAILTO:X-INJECTED", "SUMMARY:X-INJECTED")):
            found.append(f"{rel}: injected line {line[:60]!r}")
        if name in ("URL", "PHOTO", "ATTACH", "LOGO", "SOUND", "IMPP", "SOURCE"):
            value = line.split(":", 1)[1] if ":" in line else ""
            if scheme_of(value) in ("javascript", "vbscript", "data", "file"):
                found.append(f"{rel}: {name} has URL {value[:60]!r}")
    return found


def check_csv(rel: str, text: str) -> list[str]:
    """No cell a spreadsheet would run as a formula."""
    found = []
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            if cell[:1] in ("=", "+", "-", "@", "\t", "\r") and not re.fullmatch(
                r"[-+]?\d[\d.,:\s-]*", cell
            ):
                found.append(f"{rel}: formula-like cell {cell[:40]!r}")
    return found


PDF_ACTIONS = (b"/JavaScript", b"/JS", b"/Launch", b"/SubmitForm", b"/ImportData",
               b"/RichMedia", b"/EmbeddedFile", b"/GoToR", b"/XFA")  # fmt: skip


def pdf_text(path: Path) -> str:
    """The text a reader sees: poppler's pdftotext (fast), else pypdf."""
    import shutil
    import subprocess

    if shutil.which("pdftotext"):
        run = subprocess.run(
            ["pdftotext", "-q", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=120
        )
        if run.returncode == 0:
            return run.stdout.decode("utf-8")
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def check_pdf(rel: str, path: Path) -> list[str]:
    """No actions that run code or open files, links only to web addresses; text checked too."""
    from pypdf import PdfReader

    found = []
    data = path.read_bytes()
    for action in PDF_ACTIONS:
        if re.search(re.escape(action) + rb"(?![A-Za-z])", data):
            found.append(f"{rel}: contains {action.decode()}")
    try:
        reader = PdfReader(path)
        for page in reader.pages:
            for annot in page.get("/Annots") or []:
                a = annot.get_object().get("/A")
                if a is not None:
                    a = a.get_object()
                    uri = str(a.get("/URI", ""))
                    if a.get("/S") not in ("/URI", "/GoTo") or scheme_of(uri) not in (
                        "http",
                        "https",
                        "mailto",
                        "",
                    ):
                        found.append(f"{rel}: link action {a.get('/S')} {uri[:60]!r}")
        # pdftotext wraps right-to-left runs (an Arabic name) in U+202B...U+202C of its own, so
        # direction controls are not looked for here; profiles cannot hold them (fields.py)
        text = "".join(ch for ch in pdf_text(path) if ch not in BIDI_CONTROLS)
        found.extend(check_text(rel + " (text)", text))
    except Exception as e:  # noqa: BLE001 - a PDF the reader cannot open is itself a finding
        found.append(f"{rel}: cannot be read as a PDF ({e})")
    return found


IMAGE_MAGIC = {b"\xff\xd8\xff": "jpeg", b"\x89PNG": "png", b"RIFF": "webp", b"GIF8": "gif"}


def check_binary(rel: str, data: bytes) -> list[str]:
    """Images are what they claim, with no HTML or script smuggled inside."""
    found = []
    for needle in (b"<script", b"<html", b"<svg", b"onerror", b"javascript:"):
        if needle in data.lower():
            found.append(f"{rel}: contains {needle.decode()!r}")
    return found


TEXT_SUFFIXES = {".html", ".htm", ".json", ".jsonld", ".xml", ".atom", ".rss", ".ics", ".vcf",
                 ".csv", ".txt", ".js", ".css", ".svg", ".webmanifest", ".map"}  # fmt: skip


def scan_file(root: Path, path: Path, site_url: str = "") -> list[str]:
    """Every problem in one output file, by its type."""
    rel = path.relative_to(root).as_posix()
    data = path.read_bytes()
    suffix = path.suffix.lower()
    if suffix == ".pdf" or data[:5] == b"%PDF-":
        return check_pdf(rel, path)
    if any(data.startswith(m) for m in IMAGE_MAGIC) or suffix in (".jpg", ".jpeg", ".png", ".webp",
                                                                  ".gif", ".avif", ".ico"):  # fmt: skip
        return check_binary(rel, data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return check_binary(rel, data)
    found = check_text(rel, text)
    if suffix in (".html", ".htm"):
        found += check_html(rel, text, site_url)
    elif suffix in (".json", ".jsonld", ".webmanifest") or (
        suffix not in TEXT_SUFFIXES and text.lstrip()[:1] in ("{", "[")
    ):
        found += check_json(rel, text)
    elif suffix in (".xml", ".atom", ".rss", ".svg") or text.lstrip().startswith("<?xml"):
        found += check_xml(rel, data, site_url)
    elif suffix in (".ics", ".vcf") or text.startswith(("BEGIN:VCALENDAR", "BEGIN:VCARD")):
        found += check_calendar(rel, text)
    elif suffix == ".csv":
        found += check_csv(rel, text)
    return found


def output_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def scan_site(root: Path, site_url: str = "", skip: Iterable[str] = ()) -> list[str]:
    """Every problem in every file of a built site (theme files included: they ship too)."""
    skipped = set(skip)
    found = []
    for path in output_files(root):
        if path.relative_to(root).as_posix() not in skipped:
            found.extend(scan_file(root, path, site_url))
    return found


def searchable_text(path: Path) -> bytes:
    """A file's bytes, plus its extracted text for PDFs (their text streams are compressed)."""
    data = path.read_bytes()
    if data[:5] == b"%PDF-":
        with contextlib.suppress(Exception):  # raw bytes are still searched
            data += pdf_text(path).encode("utf-8")
    return data


def traces(root: Path, needles: Iterable[str]) -> list[str]:
    """'file: needle' for every output file containing any needle (case-insensitive), in any
    form a page could spell it: plain, HTML-escaped, JSON-escaped, URL-encoded."""
    from html import escape
    from urllib.parse import quote

    forms = set()
    for n in needles:
        for form in (n, escape(n), json.dumps(n)[1:-1], quote(n), quote(n, safe="")):
            forms.add(form.lower().encode("utf-8"))
    found = []
    for path in output_files(root):
        data = searchable_text(path).lower()
        rel = path.relative_to(root).as_posix()
        found.extend(f"{rel}: {f.decode()}" for f in sorted(forms) if f in data)
        if path.name.lower().startswith(tuple(n.lower() for n in needles)):
            found.append(f"{rel}: named after a needle")
    return found
