"""`familiar new-member` writes a profile (and a cleaned photo) that passes validation."""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from familiar.community import load_community
from familiar.loading import load_file
from familiar.models import member_from_doc
from familiar.settings import read_settings
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
FAMILIAR = [sys.executable, "-m", "familiar.cli"]


def new_member(root: Path, *args: str, stdin: str = "") -> tuple[int, str, str]:
    """The command in this process (the package import costs a second per subprocess)."""
    from familiar import cli

    out, err = io.StringIO(), io.StringIO()
    old_cwd, old_stdin = Path.cwd(), sys.stdin
    os.chdir(root)
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["new-member", *args])
    finally:
        os.chdir(old_cwd)
        sys.stdin = old_stdin
    return code, out.getvalue(), err.getvalue()


def photo_with_gps(path: Path, size: tuple[int, int] = (600, 800)) -> Path:
    im = Image.new("RGB", size, (180, 120, 90))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: stored sideways
    gps = exif.get_ifd(0x8825)
    gps[2] = (43.0, 39.0, 0.0)  # GPSLatitude
    im.save(path, exif=exif.tobytes())
    return path


def member_of(site, slug: str):
    doc, errors = load_file(site.content / "members" / f"{slug}.md", site.root)
    assert errors == []
    member, errors = member_from_doc(doc)
    assert errors == []
    return member


def test_options_write_a_valid_profile_and_a_clean_photo(site, tmp_path):
    site.event(
        "friday-patio-2026-12-04",
        "title: Friday\nstart: 2026-12-04 17:30\nvenue: {name: Patio, address: 1 Rd}",
    )
    photo = photo_with_gps(tmp_path / "IMG_0001.jpg")
    run = subprocess.run(
        [
            *FAMILIAR,
            "new-member",
            "--yes",
            "--name",
            "Siobhán O'Connor",
            "--github",
            "@siobhan-oc",
            "--github-id",
            "31337",
            "--photo",
            str(photo),
            "--photo-alt",
            "Siobhán smiling",
            "--business",
            "Harbour: Bikes # 1",
            "--interests",
            "cycling, yes, 012",
            "--attending",
            "friday-patio-2026-12-04",
            "--bio",
            "I fix **bikes**.",
        ],
        cwd=site.root,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    assert "Wrote content/members/siobhan-oconnor.md and content/members/siobhan-oconnor.jpg" in (
        run.stdout
    )
    m = member_of(site, "siobhan-oconnor")
    assert (m.name, m.known_as, m.github, m.github_id) == (
        "Siobhán O'Connor",
        "Siobhán",
        "siobhan-oc",
        31337,
    )
    # text that YAML would turn into a yes/no or a number stays the text typed
    assert m.business == "Harbour: Bikes # 1"
    assert m.interests == ("cycling", "yes", "012")
    assert (m.attending, m.photo, m.photo_alt) == (
        ("friday-patio-2026-12-04",),
        "siobhan-oconnor.jpg",
        "Siobhán smiling",
    )
    assert m.bio == "I fix **bikes**."
    # the photo is upright and carries no metadata (no GPS position, no camera)
    with Image.open(site.content / "members" / "siobhan-oconnor.jpg") as im:
        assert im.format == "JPEG"
        assert im.size == (800, 600)
        assert dict(im.getexif()) == {}
    # and the whole site agrees, cross-file checks included
    assert load_community(read_settings(site.settings())).errors == []
    check = subprocess.run([*FAMILIAR, "validate"], cwd=site.root, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_asks_for_each_field_and_asks_again_after_a_mistake(site):
    answers = "\n".join(
        [
            "Grace Whitfield",  # name
            "",  # slug: accept the suggestion
            "Gracie",  # known as
            "she/her",  # pronouns
            "",  # pronunciation
            "Whitfield Books",  # business
            "",  # role
            "",  # category
            "",  # neighbourhood
            "books, tea",  # interests
            "",  # ask me about
            "",  # looking for
            "not a login!",  # github: invalid, asked again
            "gracew",  # github
            "ftp://nope",  # website: invalid, asked again
            "https://books.example",
            "",  # photo
            "",  # photo alt
            "",  # attending
            "Bookseller.",  # bio
        ]
    )
    code, out, err = new_member(site.root, stdin=answers + "\n")
    assert code == 0, err
    assert "github: 'not a login!' is not a valid GitHub user name" in err
    assert "website: expected a web address starting with https://, got 'ftp://nope'" in err
    assert "[grace-whitfield]" in out  # the suggested file name was offered
    m = member_of(site, "grace-whitfield")
    assert (m.known_as, m.pronouns, m.business, m.interests, m.github, m.website) == (
        "Gracie",
        "she/her",
        "Whitfield Books",
        ("books", "tea"),
        "gracew",
        "https://books.example",
    )
    assert m.photo is None


def test_refuses_to_overwrite_and_to_reuse_an_account(site):
    site.member("jenn-morales", "name: Jenn Morales\nhandles:\n  github: jennmorales")
    before = (site.content / "members" / "jenn-morales.md").read_bytes()
    code, _, err = new_member(site.root, "--yes", "--name", "Jenn Morales")
    assert code == 2
    assert "content/members/jenn-morales already exists (jenn-morales.md)" in err
    assert (site.content / "members" / "jenn-morales.md").read_bytes() == before
    code, _, err = new_member(site.root, "--yes", "--name", "Jenn Two", "--github", "JENNMORALES")
    assert code == 2
    assert "@JENNMORALES already owns content/members/jenn-morales.md" in err
    assert not (site.content / "members" / "jenn-two.md").exists()


def test_bad_photo_and_unknown_event_write_nothing(site, tmp_path):
    fake = tmp_path / "me.jpg"
    fake.write_bytes(b"not really a jpeg")
    code, _, err = new_member(site.root, "--yes", "--name", "Ann Lee", "--photo", str(fake))
    assert code == 2
    assert "cannot be read as a photo" in err
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (40, 40)).save(tiny)
    code, _, err = new_member(site.root, "--yes", "--name", "Ann Lee", "--photo", str(tiny))
    assert code == 2
    assert "is 40x40 pixels" in err
    code, _, err = new_member(site.root, "--yes", "--name", "Ann Lee", "--attending", "no-such")
    assert code == 1
    assert "attending: 'no-such' is not an event in content/events/" in err
    assert "nothing was written" in err
    assert sorted(p.name for p in (site.content / "members").iterdir()) == []


def test_names_without_latin_letters_need_a_slug(site, tmp_path):
    code, _, err = new_member(site.root, "--yes", "--name", "陈伟")
    assert code == 2
    assert "--slug is required" in err
    png = tmp_path / "wei.png"
    Image.new("RGBA", (300, 300), (0, 0, 0, 0)).save(png)
    code, _, err = new_member(
        site.root, "--yes", "--name", "陈伟", "--slug", "chen-wei", "--photo", str(png)
    )
    assert code == 0, err
    assert member_of(site, "chen-wei").name == "陈伟"
    # transparency is flattened onto white, as a JPEG has none
    with Image.open(site.content / "members" / "chen-wei.jpg") as im:
        assert im.getpixel((10, 10)) == (255, 255, 255)


def test_profile_template_validates_once_copied(site, tmp_path):
    """docs/profile-template.md, copied as CONTRIBUTING.md says, with its photo beside it."""
    shutil.copy(REPO / "docs" / "profile-template.md", site.content / "members" / "your-name.md")
    Image.new("RGB", (400, 400)).save(site.content / "members" / "your-name.jpg")
    site.event(
        "friday-patio-2026-12-04",
        "title: Friday\nstart: 2026-12-04 17:30\nvenue: {name: Patio, address: 1 Rd}",
    )
    assert [str(e) for e in load_community(read_settings(site.settings())).errors] == []
    m = member_of(site, "your-name")
    assert m.github and m.name and m.photo == "your-name.jpg"


def test_profile_fields_doc_lists_every_field_and_network():
    """docs/profile-fields.md against the truth: models.MEMBER_FIELDS and handles.NETWORKS."""
    from familiar.handles import NETWORKS
    from familiar.models import MEMBER_FIELDS

    doc = (REPO / "docs" / "profile-fields.md").read_text(encoding="utf-8")
    tables = doc.split("## Handles")
    first_column = [
        re.findall(r"^\| `([a-z_]+)`", part, re.M) for part in tables
    ]  # fields, then networks
    assert sorted(first_column[0]) == sorted(MEMBER_FIELDS)
    assert sorted(first_column[1]) == sorted(NETWORKS)
