"""Content files to raw mappings that remember the line every value came from.

YAML is read event by event rather than with a loader, so that nothing a stranger writes can
construct objects, expand aliases or turn text into numbers: every scalar stays the text the
member typed, and the models decide what each field means.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISLNK

import yaml

from .errors import FieldError
from .settings import is_content_name

try:  # libyaml's parser is several times faster; the pure one behaves the same
    _Parser = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = yaml.SafeLoader

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 4
MAX_NODES = 2000
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_NULLS = {"", "~", "null", "Null", "NULL"}

Value = str | None | list["Node"] | dict[str, "Node"]


@dataclass(frozen=True)
class Node:
    """One YAML value and the 1-based line of the file it starts on."""

    value: Value
    line: int
    quoted: bool = False

    def plain(self) -> object:
        """The value with line numbers dropped (lists and dicts of text)."""
        if isinstance(self.value, list):
            return [n.plain() for n in self.value]
        if isinstance(self.value, dict):
            return {k: n.plain() for k, n in self.value.items()}
        return self.value


@dataclass
class RawDoc:
    """A content file split into its fields and its Markdown body."""

    path: Path
    display: str
    slug: str
    fields: dict[str, Node] = field(default_factory=dict)
    key_lines: dict[str, int] = field(default_factory=dict)
    body: str = ""
    body_line: int = 1

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, 1)


class _YamlProblem(Exception):
    def __init__(self, line: int, field_name: str, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.field_name = field_name
        self.message = message


@functools.lru_cache(maxsize=64)
def resolved(folder: Path) -> Path:
    """`folder.resolve()`, remembered: the profiles of a folder share it, and resolving costs
    a system call per part of the path (a second for ten thousand profiles). A build clears it
    first (community.load_members), so a link changed between builds is followed anew."""
    return folder.resolve()


def display_path(path: Path, root: Path | None) -> str:
    """The path as a member would recognise it: relative to the site when possible."""
    if root is not None:
        try:
            # resolve the folder, not the file: a symbolic link is named where it sits, not
            # after the file it points to (which may be outside the site)
            return (resolved(path.parent) / path.name).relative_to(resolved(root)).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def find_content_files(folder: Path) -> list[Path]:
    """Profile or event files directly in `folder`, sorted; README files are documentation."""
    if not folder.is_dir():
        return []
    # names sorted as strings, then made Paths: sorting ten thousand Paths is slow
    with os.scandir(folder) as entries:
        names = sorted(e.name for e in entries)
    return [folder / name for name in names if is_content_name(name)]


def load_file(path: Path, root: Path | None = None) -> tuple[RawDoc, list[FieldError]]:
    """Read one .md (YAML front matter + Markdown) or .yaml file into a RawDoc and its errors."""
    shown = display_path(path, root)
    doc = RawDoc(path=path, display=shown, slug=path.stem)
    errors: list[FieldError] = []

    def problem(line: int, field_name: str, message: str) -> tuple[RawDoc, list[FieldError]]:
        errors.append(FieldError(shown, line, field_name, message))
        return doc, errors

    if not SLUG_RE.match(path.stem):
        errors.append(
            FieldError(
                shown,
                1,
                "file name",
                f"'{path.name}' must be named <slug>{path.suffix} where the slug uses only "
                "lowercase letters a-z, digits and single hyphens, e.g. jenn-morales"
                f"{path.suffix}",
            )
        )
    try:
        st = path.lstat()  # one look for both (ten thousand profiles are read in a build)
        if S_ISLNK(st.st_mode):
            return problem(1, "file", "is a symbolic link; add the file itself")
        size = st.st_size
        if size > MAX_FILE_BYTES:
            return problem(
                1,
                "file",
                f"is {size // 1024} KB; a profile must be under {MAX_FILE_BYTES // 1024} KB",
            )
        data = path.read_bytes()
    except OSError as e:
        return problem(1, "file", f"cannot be read ({e.strerror})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return problem(line, "file", "is not valid UTF-8 text; save it as UTF-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x00" in text:
        return problem(text[: text.index("\x00")].count("\n") + 1, "file", "contains a NUL byte")

    if path.suffix.lower() == ".md":
        header, header_line, body, body_line, err = split_front_matter(text)
        if err:
            return problem(err[0], "front matter", err[1])
        doc.body, doc.body_line = body, body_line
    else:
        header, header_line = text, 1

    try:
        root_node = parse_yaml(header, header_line)
    except _YamlProblem as p:
        return problem(p.line, p.field_name, p.message)
    if root_node is None or (isinstance(root_node.value, str | None) and not root_node.value):
        return problem(header_line, "front matter", "is empty; it needs at least a name")
    if not isinstance(root_node.value, dict):
        kind = "a list" if isinstance(root_node.value, list) else "a single value"
        return problem(
            root_node.line, "front matter", f"must be a set of 'field: value' lines, got {kind}"
        )
    doc.fields = root_node.value
    doc.key_lines = {k: n.line for k, n in root_node.value.items()}
    return doc, errors


def split_front_matter(text: str) -> tuple[str, int, str, int, tuple[int, str] | None]:
    """Split '---' fenced YAML from the Markdown after it: (yaml, its first line, body, body line, error)."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return (
            "",
            1,
            "",
            1,
            (1, "the file must start with a line '---', then the fields, then '---'"),
        )
    for i in range(1, len(lines)):
        if lines[i].rstrip() in ("---", "..."):
            return "\n".join(lines[1:i]), 2, "\n".join(lines[i + 1 :]), i + 2, None
    return "", 1, "", 1, (1, "the fields are not closed: add a line '---' after the last field")


def parse_yaml(text: str, first_line: int = 1) -> Node | None:
    """Parse one YAML document into Nodes; refuse tags, anchors, aliases and duplicate keys."""
    offset = first_line - 1
    try:
        events = iter(yaml.parse(text, Loader=_Parser))
        builder = _Builder(events, offset, text)
        return builder.document()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = (_mark_line(text, mark) + offset) if mark else first_line
        what = (e.problem or "is not valid YAML").strip()
        raise _YamlProblem(line, "YAML", f"{what}; check indentation, colons and quotes") from e
    except yaml.reader.ReaderError as e:
        # a character YAML refuses (a control character): say which, on its own line
        line = text[: e.position].count("\n") + first_line
        char = e.character if isinstance(e.character, str) else chr(e.character)
        raise _YamlProblem(
            line, "YAML", f"contains a control character (U+{ord(char):04X}); remove it"
        ) from e
    except yaml.YAMLError as e:
        what = " ".join(str(e).split())
        raise _YamlProblem(first_line, "YAML", f"is not valid YAML ({what})") from e


# YAML also breaks lines at these, editors and GitHub do not: lines are counted by '\n' then
_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")


def _mark_line(text: str, mark) -> int:
    """The 1-based line of a YAML mark, as an editor numbers the lines."""
    if any(b in text for b in _YAML_ONLY_BREAKS):
        return text.count("\n", 0, mark.index) + 1
    return mark.line + 1


class _Builder:
    """Turns a stream of YAML events into Nodes, with the limits untrusted input needs."""

    def __init__(self, events, offset: int, text: str = "") -> None:
        self.events = events
        self.offset = offset
        self.text = text
        self._newlines = (
            [i for i, ch in enumerate(text) if ch == "\n"]
            if any(b in text for b in _YAML_ONLY_BREAKS)
            else None
        )
        self.count = 0

    def line(self, event) -> int:
        if self._newlines is None:
            return event.start_mark.line + 1 + self.offset
        return bisect.bisect_left(self._newlines, event.start_mark.index) + 1 + self.offset

    def document(self) -> Node | None:
        next(self.events)  # StreamStart
        ev = next(self.events)
        if isinstance(ev, yaml.StreamEndEvent):
            return None
        root = self.node(next(self.events), 0, "")
        end = next(self.events)  # DocumentEnd
        ev = next(self.events)
        if isinstance(ev, yaml.DocumentStartEvent):
            raise _YamlProblem(
                self.line(ev), "YAML", "holds a second document ('---'); keep one set of fields"
            )
        del end
        return root

    def node(self, ev, depth: int, where: str) -> Node:
        self.count += 1
        name = where or "YAML"
        if self.count > MAX_NODES:
            raise _YamlProblem(self.line(ev), name, f"has more than {MAX_NODES} values")
        if depth > MAX_DEPTH:
            raise _YamlProblem(self.line(ev), name, "is nested too deeply")
        if isinstance(ev, yaml.AliasEvent):
            raise _YamlProblem(
                self.line(ev), name, "uses a YAML alias (*name); write the value out in full"
            )
        if getattr(ev, "anchor", None):
            raise _YamlProblem(
                self.line(ev),
                name,
                f"uses a YAML anchor (&{ev.anchor}); write the value out in full",
            )
        tag = getattr(ev, "tag", None)
        if tag and tag != "!":
            raise _YamlProblem(
                self.line(ev), name, f"uses a YAML tag ({tag}); tags are not allowed"
            )
        if isinstance(ev, yaml.ScalarEvent):
            quoted = ev.style in ("'", '"', "|", ">")
            value = None if (not quoted and ev.value in _NULLS) else ev.value
            return Node(value, self.line(ev), quoted)
        if isinstance(ev, yaml.SequenceStartEvent):
            items: list[Node] = []
            for i, child in enumerate(self.children(yaml.SequenceEndEvent)):
                items.append(self.node(child, depth + 1, f"{where}[{i + 1}]"))
            return Node(items, self.line(ev))
        if isinstance(ev, yaml.MappingStartEvent):
            mapping: dict[str, Node] = {}
            line = self.line(ev)
            for key_ev in self.children(yaml.MappingEndEvent):
                if not isinstance(key_ev, yaml.ScalarEvent) or getattr(key_ev, "anchor", None):
                    raise _YamlProblem(self.line(key_ev), name, "field names must be plain words")
                if key_ev.tag and key_ev.tag != "!":
                    raise _YamlProblem(
                        self.line(key_ev),
                        name,
                        f"uses a YAML tag ({key_ev.tag}); tags are not allowed",
                    )
                key = key_ev.value
                key_name = f"{where}.{key}" if where else key
                if key in mapping:
                    raise _YamlProblem(
                        self.line(key_ev),
                        key_name,
                        f"appears twice (first on line {mapping[key].line}); keep one",
                    )
                value = self.node(next(self.events), depth + 1, key_name)
                # errors about a field point at its key, where the member will look
                mapping[key] = Node(value.value, self.line(key_ev), value.quoted)
            return Node(mapping, line)
        raise _YamlProblem(self.line(ev), name, "is not valid here")

    def children(self, end_type):
        while True:
            ev = next(self.events)
            if isinstance(ev, end_type):
                return
            yield ev
