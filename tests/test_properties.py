"""Property: any bytes as a profile or event file give a valid model or problems with file and
line, never an escaping exception, and every file is dealt with within a time bound."""

from __future__ import annotations

import tempfile
from pathlib import Path

from familiar.errors import FieldError
from familiar.loading import load_file
from familiar.models import Event, Member, event_from_doc, member_from_doc
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

# Pieces of YAML and Markdown that reach the deeper paths: fences, keys, flow collections,
# anchors, aliases, tags, quotes, hostile characters.
TOKENS = ["---\n", "...\n", "name: ", "Jenn", "known_as: ", "interests: ", "handles:\n  ",
          "twitter: ", "website: ", "https://x.example", "photo: ", "f.jpg", "attending: ",
          "start: ", "2026-12-04 17:30", "venue:\n  name: V\n  address: A\n", "title: ", "guests: ",
          "- ", "[", "]", "{", "}", ", ", ": ", "\n", "  ", "\t", "&a ", "*a", "!!python/name:x ",
          "!x ", "<<: ", "'", '"', "\\u202e", "\u202e", "\u200b", "\x00", "\x07", "\ufeff", "#",
          "|\n  ", ">-\n  ", "? ", "%YAML 1.1\n", "NO", "012345", "1.10", "~", "null", "é",
          "e\u0301", "<script>", "{{ 7*7 }}", "\r\n", "\r", '"\\ud800"', '"\\x85"', "\x85", "\u2028"]  # fmt: skip

profiles = st.one_of(
    st.binary(max_size=400),
    st.lists(st.sampled_from(TOKENS), max_size=40).map(lambda t: "".join(t).encode("utf-8")),
    st.text(max_size=200).map(lambda t: ("---\nname: " + t + "\n---\n").encode("utf-8", "replace")),
)


def _check(data: bytes, suffix: str, kind: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        path = root / "content" / kind / f"someone{suffix}"
        path.parent.mkdir(parents=True)
        path.write_bytes(data)
        doc, errors = load_file(path, root)
        model = None
        if not errors:
            reader = member_from_doc if kind == "members" else event_from_doc
            model, errors = reader(doc, {})
        lines = data.count(b"\n") + data.count(b"\r") + 2
        shown = f"content/{kind}/someone{suffix}"
        for e in errors:
            assert isinstance(e, FieldError)
            assert e.path == shown
            assert 1 <= e.line <= lines, (e, lines)
            assert e.field and e.message
            assert "\n" not in str(e), "one problem, one line"
        if model is not None:
            assert not errors
            assert isinstance(model, Member | Event)
        else:
            assert errors, "no model and no reason"


@settings(max_examples=250, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(data=profiles, suffix=st.sampled_from([".md", ".yaml"]))
@example(data=b"?", suffix=".yaml")  # an empty key: found by this test, named "(empty)" since
def test_any_bytes_as_a_profile(data, suffix):
    _check(data, suffix, "members")


@settings(max_examples=100, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(data=profiles)
def test_any_bytes_as_an_event(data):
    _check(data, ".md", "events")


@given(name=st.text())
@example(name="  \u0301é\u0327lodie")  # combining marks first, then an accented letter
@example(name="ßara")
@example(name="\ufb01ona")  # the ligature fi
@example(name="…")
def test_a_names_letter_is_the_first_letter_or_digit_of_its_folded_form(name):
    """text.index_letter folds one character at a time; it files each name as folding the
    whole name would."""
    from familiar.text import fold, index_letter

    first = next((ch for ch in fold(name) if ch.isalnum()), None)
    assert index_letter(name) == (
        "#" if first is None else first.upper() if first.isascii() else first
    )
