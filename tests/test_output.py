"""Cache files written by several processes at once (badge runs, card and page workers)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from familiar.output import write_atomic
from hypothesis import given
from hypothesis import strategies as st


def test_processes_writing_the_same_cache_file_each_finish_with_a_whole_file(tmp_path):
    # two events' badges rendered at the same time both make the same member's badge photo;
    # with one shared temporary name, one process's rename found the file already moved
    target = tmp_path / "zoe-lefevre-1539dff383fd924b.jpg"
    payload = {n: bytes([n]) * 200_000 for n in (1, 2)}
    children = []
    for n in payload:
        pid = os.fork()
        if pid == 0:  # the child: write many times, report failure by exit status
            code = 1
            try:
                for _ in range(200):
                    write_atomic(target, payload[n])
                code = 0
            finally:
                os._exit(code)
        children.append(pid)
    statuses = [os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) for pid in children]
    assert statuses == [0, 0]
    assert target.read_bytes() in payload.values()
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary left behind


@given(st.lists(st.text(max_size=30), max_size=20, unique=True))
def test_the_manifest_is_what_json_writes_with_indent_0(names):
    """manifest_text makes the text json.dumps(sorted(names), indent=0) makes, faster."""
    from familiar.output import manifest_text

    assert manifest_text(names) == json.dumps(sorted(names), indent=0)


def test_pages_are_never_written_through_a_link_out_of_the_output_folder(tmp_path):
    """A folder or file of output/ that is a symbolic link (a static file of the site can be
    one) is followed: a page that would land outside output/ is refused, one that lands inside
    is written where the link leads, and the folders are resolved as Path.resolve does."""
    from familiar.output import Output, UnsafeOutputPath

    root, outside = tmp_path / "output", tmp_path / "outside"
    (root / "real/deep").mkdir(parents=True)
    outside.mkdir()
    (root / "out").symlink_to(outside)
    (root / "in").symlink_to(root / "real")
    (root / "real/up").symlink_to(outside)
    (root / "page.html").symlink_to(outside / "page.html")
    out = Output(root)
    for rel in ["out/index.html", "out/new/index.html", "in/up/index.html", "real/up/x.html",
                "in/deep/../up/y.html", "page.html", "../outside/z.html"]:  # fmt: skip
        with pytest.raises(UnsafeOutputPath):
            out.write(rel, "x")
    assert list(outside.iterdir()) == []
    for rel in ["in/a.html", "in/deep/b.html", "in/new/c.html", "real/deep/../d.html", "e.html"]:
        path = Path(out.write(rel, rel))
        assert path == (root / rel).resolve() and path.read_text() == rel
    assert sorted(p.name for p in (root / "real").rglob("*.html")) == ["a.html", "b.html",
                                                                        "c.html", "d.html"]  # fmt: skip


def test_the_sizes_and_times_kept_of_written_files_are_what_the_files_have(tmp_path):
    """Output keeps the size and modification time of each file it writes (new files made in
    place, changed ones renamed over the old, unchanged ones kept, photos linked), so the end of a build need
    not look at them again; the build stamp and the page keys are made from them."""
    from familiar.output import Output

    root = tmp_path / "output"

    def kept_as_they_are(out: Output) -> None:
        assert out.seen.keys() == out.written
        for rel, kept in out.seen.items():
            st_ = os.stat(root / rel)
            assert kept == (st_.st_size, st_.st_mtime_ns), rel

    first = Output(root)
    for n in range(5):
        first.write(f"members/m{n}/index.html", f"page {n}")
    first.write("index.html", "home")
    photo = tmp_path / "cache" / "photo.jpg"
    photo.parent.mkdir()
    photo.write_bytes(b"\xff\xd8 a photo")
    first.link("photos/a.jpg", photo)  # linked (or copied) from the cache
    kept_as_they_are(first)
    second = Output(root)
    second.write("members/m0/index.html", "page 0")  # unchanged: kept
    second.write("members/m1/index.html", "page one, longer")  # changed: replaced
    second.write("members/m2/index.html", "page 9")  # same size, other bytes: replaced
    second.write("members/m3/index.html", "page 3", compare=False)  # rewritten uncompared
    second.write("members/m9/index.html", "new")  # made
    assert second.changed == 4
    kept_as_they_are(second)
    assert (root / "members/m1/index.html").read_text() == "page one, longer"
    assert (root / "members/m2/index.html").read_text() == "page 9"
    assert not [p.name for p in root.rglob(".*")]  # no temporary file left


def test_cache_files_are_signed_with_a_key_of_this_machine(tmp_path, monkeypatch):
    """The key is made on first use (32 random bytes, readable by its owner only); a key file
    too short to keep a secret (or too long for BLAKE2b) is made anew; a file sealed with one
    key does not unseal with another, nor once changed."""
    from familiar import signing

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    signing._key_at.cache_clear()
    key = signing.machine_key()
    path = tmp_path / "familiar" / "cache-key"
    assert len(key) == 32 and path.read_bytes() == key and path.stat().st_mode & 0o077 == 0
    sealed = signing.seal(b"body")
    assert signing.unseal(sealed) == b"body"
    assert signing.unseal(sealed[:-1] + b"x") is None
    assert signing.unseal(sealed, os.urandom(32)) is None
    for bad in (b"", b"short", b"k" * 65):
        path.write_bytes(bad)
        signing._key_at.cache_clear()
        made = signing.machine_key()
        assert len(made) == 32 and made != bad and path.read_bytes() == made
        assert signing.unseal(sealed) is None  # another key: nothing sealed before is trusted
    signing._key_at.cache_clear()


@pytest.mark.parametrize(
    "order",
    [
        ["out/new/index.html", "out/index.html"],
        ["out/index.html", "out/new/index.html"],
        ["in/out/deep/x.html", "in/out/y.html", "in/z.html"],
    ],
)
def test_a_folder_that_leads_out_is_refused_whichever_page_comes_first(tmp_path, order):
    """A folder resolved on the way to a deeper one is remembered; a page later written into
    that folder itself is still checked (the remembered folder was once used unchecked, and a
    page after a refused deeper one landed outside)."""
    from familiar.output import Output, UnsafeOutputPath

    root, outside = tmp_path / "output", tmp_path / "outside"
    (root / "real").mkdir(parents=True)
    outside.mkdir()
    (root / "out").symlink_to(outside)
    (root / "real/out").symlink_to(outside)
    (root / "in").symlink_to(root / "real")
    out = Output(root)
    for rel in order:
        if rel == "in/z.html":  # inside, through a link inside: written where it leads
            assert out.write(rel, "z") == str(root / "real/z.html")
            continue
        with pytest.raises(UnsafeOutputPath):
            out.write(rel, "x")
    assert list(outside.rglob("*")) == []


def test_a_linked_file_of_the_same_size_is_kept_and_any_other_replaced(tmp_path):
    """Output.link with the cache file's size (photos are named by their content): a regular
    file of that size at the place is kept untouched; one of another size, or a symbolic link
    (to inside: one out is refused), is replaced by the cache file, never written through."""
    from familiar.output import Output

    root = tmp_path / "output"
    cached = tmp_path / "cache.jpg"
    cached.write_bytes(b"\xff\xd8 cached photo")
    size = cached.stat().st_size
    (root / "photos").mkdir(parents=True)
    same = root / "photos/same.jpg"
    same.write_bytes(b"x" * size)
    os.utime(same, ns=(1_000_000_000, 1_000_000_000))
    (root / "photos/other.jpg").write_bytes(b"shorter")
    target = root / "elsewhere.jpg"
    target.write_bytes(b"y" * size)
    (root / "photos/link.jpg").symlink_to(target)
    out = Output(root)
    for name in ("same", "other", "link", "new"):
        out.link(f"photos/{name}.jpg", cached, size)
    assert same.read_bytes() == b"x" * size and same.stat().st_mtime_ns == 1_000_000_000
    for name in ("other", "link", "new"):
        path = root / f"photos/{name}.jpg"
        assert not path.is_symlink() and path.read_bytes() == cached.read_bytes(), name
    assert target.read_bytes() == b"y" * size
    assert out.changed == 3
    assert out.seen["photos/same.jpg"] == (size, 1_000_000_000)


def test_folders_a_build_makes_hold_nothing_older_yet_another_writer_is_not_lost(tmp_path):
    """A folder an Output makes holds nothing from an earlier build, so a file written there is
    not looked for first; a file another Output (the build's other process) put there
    meanwhile is still replaced whole, with its size and time kept, never written through."""
    from familiar.output import Output

    root = tmp_path / "output"
    first, second = Output(root), Output(root)
    first.write("members/a/index.html", "a's page")  # makes members/ and members/a/
    second.write("members/a/a.vcf", "a's card")  # the folder is there: looked into as before
    second.write("members/a/notes.html", "the other process")
    (root / "elsewhere.html").write_text("not to be written through")
    os.symlink(root / "elsewhere.html", root / "members/a/linked.html")
    first.write("members/a/notes.html", "this process")  # same name: replaced whole
    first.write("members/a/linked.html", "replaced, not followed")
    assert (root / "members/a/notes.html").read_text() == "this process"
    assert (root / "members/a/a.vcf").read_text() == "a's card"
    linked = root / "members/a/linked.html"
    assert not linked.is_symlink() and linked.read_text() == "replaced, not followed"
    assert (root / "elsewhere.html").read_text() == "not to be written through"
    assert first.changed == 3
    for rel in ("members/a/notes.html", "members/a/linked.html"):
        st_ = os.stat(root / rel)
        assert first.seen[rel] == (st_.st_size, st_.st_mtime_ns)
    assert not [p.name for p in root.rglob(".*")]  # no temporary file left


def test_found_tells_a_regular_file_from_a_link_or_nothing(tmp_path):
    """Output.found: (size, mtime_ns) of a regular file at the place; None for a link (which a
    write replaces), for nothing there, or for a place outside the output folder."""
    from familiar.output import Output

    root = tmp_path / "output"
    (root / "social").mkdir(parents=True)
    card = root / "social/a.jpg"
    card.write_bytes(b"\xff\xd8 card")
    (root / "social/b.jpg").symlink_to(card)
    out = Output(root)
    st_ = card.stat()
    assert out.found("social/a.jpg") == (st_.st_size, st_.st_mtime_ns)
    assert out.found("social/b.jpg") is None
    assert out.found("social/c.jpg") is None
    assert out.found("../outside.jpg") is None


def test_a_file_where_a_folder_goes_fails_the_write(tmp_path):
    """As os.makedirs did: a file in the way of a page's folder is an error, not overwritten."""
    from familiar.output import Output

    root = tmp_path / "output"
    root.mkdir()
    (root / "members").write_text("a file")
    with pytest.raises(OSError):
        Output(root).write("members/a/index.html", "page")
    assert (root / "members").read_text() == "a file"
