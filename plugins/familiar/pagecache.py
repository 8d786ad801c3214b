"""Remembers what each output file was made from, so a rebuild renders only what changed.

Each cached file has a key: a hash of everything its content depends on. The keys of the last
build are kept in the cache folder under a fingerprint of the templates, the plugin's own code
and the settings; when any of those change, every key is forgotten and everything is rendered.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2.bccache import Bucket, BytecodeCache

from .output import write_atomic
from .signing import seal, signer, unseal

logger = logging.getLogger(__name__)

FILE = "pages.json"


def digest(*parts: Any) -> str:
    """A short stable hash of values whose repr describes them fully (frozen dataclasses, text)."""
    return hashlib.blake2b(repr(parts).encode("utf-8"), digest_size=16).hexdigest()


def fingerprint(template_dir: Path, settings: Any) -> str:
    """What every page depends on: templates, the plugin's code, the settings."""
    h = hashlib.blake2b(digest_size=16)
    code_dir = Path(__file__).parent
    for folder, pattern in ((template_dir, "*"), (code_dir, "*.py")):
        for path in sorted(folder.rglob(pattern)):
            if path.is_file():
                h.update(path.as_posix().encode())
                h.update(path.read_bytes())
    h.update(repr(settings).encode("utf-8"))
    return h.hexdigest()


class PageCache:
    def __init__(self, cache_dir: Path, print_: str) -> None:
        self.path = cache_dir / FILE
        self.print = print_
        self.old: dict[str, list] = {}
        self.new: dict[str, str] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("fingerprint") == print_:
                self.old = data.get("keys", {})
        except (OSError, ValueError, AttributeError):
            pass

    def fresh(self, root: Path, rel: str, key: str) -> tuple[int, int] | None:
        """If `rel` in the output folder was written from exactly this key and is still as
        the last build left it (same size and modification time: not edited by hand), its
        (size, mtime_ns); else None."""
        old = self.old.get(rel)
        if not old or old[0] != key:
            return None
        try:
            st = os.stat(f"{root}/{rel}")
        except OSError:
            return None
        if old[1] == st.st_size and old[2] == st.st_mtime_ns:
            return (st.st_size, st.st_mtime_ns)
        return None

    def record(self, rel: str, key: str) -> None:
        self.new[rel] = key

    def save(self, stats: dict[str, tuple[int, int]]) -> None:
        """Keep this build's keys for the next build, with each file's (size, mtime_ns) as it
        now is in the output folder (`stats`; a file not there is forgotten)."""
        keys = {}
        for rel, key in self.new.items():
            st = stats.get(rel)
            if st is not None:
                keys[rel] = [key, st[0], st[1]]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = json.dumps({"fingerprint": self.print, "keys": keys}, sort_keys=True)
        write_atomic(self.path, data)


MAC_LINE = b"#mac\t"  # the last line of a Fragments file: its signature


class Fragments:
    """Pieces of one-line text made per member (their entry in /search.json or
    /directory.json), kept between builds by key, so an index of ten thousand members is
    re-made from the one that changed. Forgotten with the page keys when templates, code or
    settings change.

    Pieces are kept as UTF-8 bytes, one line each in the file (`name TAB key TAB piece`):
    tens of megabytes of text as Python strings would take up to four bytes a character.
    The file ends with a line of this machine's mark (signing.py) over all the others: pieces
    go into pages as they are (a card's HTML), so a file that came any other way, say in a
    pull request, is never used.
    """

    def __init__(self, cache_dir: Path, name: str, print_: str) -> None:
        self.path = cache_dir / f"fragments-{name}.tsv"
        self.print = print_
        self.old: dict[str, tuple[str, bytes]] = {}
        self.new: dict[str, tuple[str, bytes]] = {}
        try:
            with self.path.open("rb") as f:
                mac = signer()
                first = f.readline()
                mac.update(first)
                if first.rstrip(b"\n") != print_.encode():
                    return
                for line in f:
                    if line.startswith(MAC_LINE):  # the last line: were they all ours?
                        if not hmac.compare_digest(
                            line[len(MAC_LINE) : -1], mac.hexdigest().encode()
                        ):
                            break
                        return
                    mac.update(line)
                    name, key, piece = line.rstrip(b"\n").split(b"\t", 2)
                    self.old[name.decode()] = (key.decode(), piece)
        except (OSError, ValueError, UnicodeDecodeError):
            pass
        self.old = {}  # not read to its signed end: made again

    def get(self, name: str, key: str, make: Callable[[], str]) -> bytes:
        """The piece for `name` made from inputs hashed as `key`: kept, else `make()` (one
        line of text: no line breaks or tabs, as JSON written without indent has none)."""
        hit = self.old.get(name)
        if hit and hit[0] == key:
            piece = hit[1]
        else:
            text = make()
            if "\n" in text or "\t" in text or "\t" in name or "\n" in name:
                raise ValueError(f"a kept piece must be one line without tabs: {name!r}")
            piece = text.encode("utf-8")
        self.new[name] = (key, piece)
        return piece

    def keep_rest(self, wanted: Callable[[str], bool]) -> None:
        """Keep the pieces not asked for in this build whose name is `wanted` (a listing kept
        as it was asks for none of its cards)."""
        for name, hit in self.old.items():
            if name not in self.new and wanted(name):
                self.new[name] = hit

    def save(self) -> None:
        if self.new == self.old:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp{os.getpid()}")
        mac = signer()
        with tmp.open("wb") as f:
            for line in itertools.chain(
                [self.print.encode() + b"\n"],
                (b"%s\t%s\t%s\n" % (n.encode(), k.encode(), p) for n, (k, p) in self.new.items()),
            ):
                mac.update(line)
                f.write(line)
            f.write(MAC_LINE + mac.hexdigest().encode() + b"\n")
        os.replace(tmp, self.path)


class TemplateCache(BytecodeCache):
    """Jinja's compiled templates, kept between builds (compiling them costs about 0.2 s, more
    than the rest of a one-page rebuild). Kept by template name and source (Jinja checks the
    source's hash), and signed: compiled code from a file this machine did not write is never
    loaded (signing.py)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, bucket: Bucket) -> Path:
        return self.folder / f"{bucket.key}.jinja"

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            body = unseal(self._path(bucket).read_bytes())
        except OSError:
            return
        if body is not None:
            bucket.bytecode_from_string(body)

    def dump_bytecode(self, bucket: Bucket) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            write_atomic(self._path(bucket), seal(bucket.bytecode_to_string()))
        except OSError as e:  # a template not kept is compiled again next time
            logger.debug("could not keep a compiled template in %s: %s", self.folder, e)
