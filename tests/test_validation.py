"""One test per validation rule, asserting the exact message and line (of the file)."""

from __future__ import annotations

import subprocess
import sys

import pytest
from familiar.community import load_community
from familiar.settings import read_settings


def problems(site) -> list[str]:
    settings = read_settings(site.settings())
    return [str(e) for e in load_community(settings).errors]


def only(site, front: str, body: str = "", suffix: str = ".md", slug: str = "jenn") -> list[str]:
    site.member(slug, front, body, suffix)
    return problems(site)


P = "content/members/jenn.md"


@pytest.mark.parametrize(
    "front, expected",
    [
        (
            "name: Jenn\nintrests: [a]",
            f"{P}:3: intrests: is not a field Familiar knows; did you mean 'interests'?",
        ),
        ("known_as: J", f"{P}:1: name: is required: expected your full name"),
        (
            "name: Jenn\ninterests: 5",
            f"{P}:3: interests: expected a list of up to 12 short texts, got a number",
        ),
        (
            "name: Jenn\ninterests: coffee",
            f"{P}:3: interests: expected a list of up to 12 short texts like [one, two], got 'coffee'",
        ),
        (
            "name: Jenn\ninterests: [a, b, c, d, e, f, g, h, i, j, k, l, m]",
            f"{P}:3: interests: expected a list of up to 12 short texts, got 13",
        ),
        (
            "name: Jenn\ninterests:\n  - ok\n  - [nested]",
            f"{P}:5: interests: item 2: expected a list of up to 12 short texts, got a list",
        ),
        ("name: " + "x" * 101, f"{P}:2: name: is 101 characters long; the most is 100"),
        (
            "name: Jenn\nvisibility: secret",
            f"{P}:3: visibility: expected one of listed, unlisted, hidden, got 'secret'",
        ),
        ("name: Jenn\nnoindex: maybe", f"{P}:3: noindex: expected true or false, got 'maybe'"),
        (
            "name: Jenn\nwebsite: javascript:alert(1)",
            f"{P}:3: website: expected a web address starting with https://, got 'javascript:alert(1)'",
        ),
        (
            "name: Jenn\nemail: not-an-email",
            f"{P}:3: email: expected an email address like name@example.com, got 'not-an-email'",
        ),
        ("name: Jenn\njoined: 2024-02-30", f"{P}:3: joined: '2024-02-30' is not a real date"),
        (
            "name: Jenn\nsave_as: ../index.html",
            f"{P}:3: save_as: cannot be set in a profile: the page address and layout come from the file name and the site's theme",
        ),
        (
            "name: Jenn\ntemplate: evil",
            f"{P}:3: template: cannot be set in a profile: the page address and layout come from the file name and the site's theme",
        ),
        ("name: Jenn\nname: Other", f"{P}:3: name: appears twice (first on line 2); keep one"),
        (
            "name: &a Jenn\nknown_as: *a",
            f"{P}:2: name: uses a YAML anchor (&a); write the value out in full",
        ),
        (
            "name: !!python/object:os.system Jenn",
            f"{P}:2: name: uses a YAML tag (tag:yaml.org,2002:python/object:os.system); tags are not allowed",
        ),
        ("- name: Jenn", f"{P}:2: front matter: must be a set of 'field: value' lines, got a list"),
        ("", f"{P}:2: front matter: is empty; it needs at least a name"),
        (
            "name: Jenn\nhandles:\n  twitter: jenn\n  myspace: jenn",
            f"{P}:5: handles: 'myspace' is not a network Familiar knows; use one of twitter, linkedin, mastodon, bluesky, github, instagram, threads, tiktok, youtube, facebook",
        ),
        (
            "name: Jenn\nhandles:\n  twitter: 'javascript:alert(1)'",
            f"{P}:4: handles: twitter: 'javascript:alert(1)' is not a valid X (Twitter) user name",
        ),
        (
            "name: Jenn\nphoto: ../../pelicanconf.py",
            f"{P}:3: photo: expected 'jenn.jpg' (or .jpeg, .png, .webp, .heic): your photo sits beside your profile and is named like it, got '../../pelicanconf.py'",
        ),
        (
            "name: Jenn\nphoto: https://evil.example/x.jpg",
            f"{P}:3: photo: must be a file beside your profile, not a web address: upload the photo as content/members/jenn.jpg and write 'photo: jenn.jpg'",
        ),
        (
            "name: Jenn\nphoto: jenn.jpg",
            f"{P}:3: photo: 'jenn.jpg' was not found; upload it to content/members/ beside your profile",
        ),
        (
            "name: Jenn\nattending: [no-such-event]",
            f"{P}:3: attending: 'no-such-event' is not an event in content/events/ (events: none yet)",
        ),
        (
            'name: "Jenn \u202eevil"',
            f"{P}:2: name: contains an invisible direction-override character (U+202E); remove it, names show in the right direction on their own",
        ),
        ('name: "Jenn\\u0007"', f"{P}:2: name: contains a control character (U+0007); remove it"),
        (
            "name: Jenn\nname2: [",
            f"{P}:4: YAML: did not find expected node content; check indentation, colons and quotes",
        ),
        (
            "name: Jenn\nphoto_focus: [50, 130]",
            f"{P}:3: photo_focus: expected [x, y] as percentages from the top left, like [50, 30]; 130 is outside 0 to 100",
        ),
    ],
)
def test_profile_rule(site, front, expected):
    assert only(site, front) == [expected]


def test_second_document_is_an_error(site):
    site.write("content/members/jenn.yaml", "name: Jenn\n---\nname: Other\n")
    assert problems(site) == [
        "content/members/jenn.yaml:2: YAML: holds a second document ('---'); keep one set of fields"
    ]


def test_missing_front_matter_fence(site):
    site.write("content/members/jenn.md", "name: Jenn\n")
    assert problems(site) == [
        f"{P}:1: front matter: the file must start with a line '---', then the fields, then '---'"
    ]


def test_unclosed_front_matter(site):
    site.write("content/members/jenn.md", "---\nname: Jenn\n")
    assert problems(site) == [
        f"{P}:1: front matter: the fields are not closed: add a line '---' after the last field"
    ]


def test_bad_slug_file_name(site):
    site.member("Jenn_Morales", "name: Jenn")
    assert problems(site) == [
        "content/members/Jenn_Morales.md:1: file name: 'Jenn_Morales.md' must be named <slug>.md "
        "where the slug uses only lowercase letters a-z, digits and single hyphens, e.g. jenn-morales.md"
    ]


def test_two_files_for_one_slug(site):
    site.member("jenn", "name: Jenn")
    site.member("jenn", "name: Jenn", suffix=".yaml")
    assert problems(site) == [
        "content/members/jenn.yaml:1: file name: 'jenn' already has a profile in content/members/jenn.md; keep one file"
    ]


def test_duplicate_github_owner(site):
    site.member("ann", "name: Ann\nhandles:\n  github: SameUser")
    site.member("bob", "name: Bob\nhandles:\n  github: sameuser")
    assert problems(site) == [
        "content/members/bob.md:3: handles.github: 'sameuser' already owns content/members/ann.md; one GitHub account, one profile"
    ]


def test_yaml_words_stay_text(site):
    site.member("jenn", "name: NO\nknown_as: yes\npronouns: 012345\nrole: 1.10\nbusiness: null\n")
    settings = read_settings(site.settings())
    c = load_community(settings)
    assert c.errors == []
    m = c.all_members[0]
    assert (m.name, m.known_as, m.pronouns, m.role, m.business) == (
        "NO",
        "yes",
        "012345",
        "1.10",
        None,
    )


def test_alias_bomb_is_refused_quickly(site):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=False)
    )
    site.write("content/members/jenn.yaml", "name: Jenn\n" + bomb)
    assert problems(site) == [
        "content/members/jenn.yaml:2: a: uses a YAML anchor (&a); write the value out in full"
    ]


def test_oversized_profile(site):
    site.write("content/members/jenn.md", "---\nname: Jenn\n---\n" + "x" * 5_000_000)
    assert problems(site) == [f"{P}:1: file: is 4882 KB; a profile must be under 256 KB"]


def test_all_errors_of_all_files_in_one_run(site):
    site.member("ann", "name: Ann\nvisibility: nope\nnoindex: 3")
    site.member("bob", "name: Bob\nwebsite: ftp://x")
    assert problems(site) == [
        "content/members/ann.md:3: visibility: expected one of listed, unlisted, hidden, got 'nope'",
        "content/members/ann.md:4: noindex: expected true or false, got a number",
        "content/members/bob.md:3: website: expected a web address starting with https://, got 'ftp://x'",
    ]


def test_validate_command_as_subprocess(site):
    site.member("ann", "name: Ann\nintrests: [x]")
    site.member("bob", "name: Bob")
    familiar = [sys.executable, "-m", "familiar.cli"]
    bad = subprocess.run([*familiar, "validate"], cwd=site.root, capture_output=True, text=True)
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == [
        "content/members/ann.md:3: intrests: is not a field Familiar knows; did you mean 'interests'?"
    ]
    assert "1 problem found" in bad.stderr
    assert "Traceback" not in bad.stderr
    good = subprocess.run(
        [*familiar, "validate", "content/members/bob.md"],
        cwd=site.root,
        capture_output=True,
        text=True,
    )
    assert good.returncode == 0, good.stdout + good.stderr
    github = subprocess.run(
        [*familiar, "validate", "--format", "github"], cwd=site.root, capture_output=True, text=True
    )
    assert github.stdout.splitlines() == [
        "::error file=content/members/ann.md,line=3,title=intrests::intrests: is not a field Familiar knows; did you mean 'interests'?"
    ]


def test_pelican_command_exits_1_without_traceback(site):
    site.member("ann", "name: Ann\nintrests: [x]")
    run = subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", "output"],
        cwd=site.root,
        capture_output=True,
        text=True,
        env={"COLUMNS": "300", "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 1
    out = run.stdout + run.stderr
    assert "content/members/ann.md:3: intrests: is not a field Familiar knows" in out
    assert "Traceback" not in out


def test_validate_paths_filter_warnings_too(site):
    from PIL import Image

    for slug in ("ann", "bob"):
        Image.new("RGB", (120, 120), (90, 60, 40)).save(site.content / "members" / f"{slug}.jpg")
        site.member(slug, f"name: {slug.title()}\nphoto: {slug}.jpg")
    familiar = [sys.executable, "-m", "familiar.cli", "validate"]
    every = subprocess.run(familiar, cwd=site.root, capture_output=True, text=True)
    assert [line.split(":")[0] for line in every.stdout.splitlines()] == [
        "content/members/ann.md",
        "content/members/bob.md",
    ]
    one = subprocess.run(
        [*familiar, "content/members/bob.md"], cwd=site.root, capture_output=True, text=True
    )
    assert one.returncode == 0, one.stderr
    assert [line.split(":")[0] for line in one.stdout.splitlines()] == ["content/members/bob.md"]
    assert "120×120" in one.stdout


def test_a_value_over_several_lines_is_quoted_on_one_line(site):
    """A YAML plain value may run over lines; the message quoting it stays one line (found by
    test_properties: `interests: .` followed by a blank line and ` !`)."""
    problems = only(site, "name: Jenn\ninterests: .\n\n !", suffix=".yaml")
    assert problems, "a text where a list belongs is a problem"
    assert all("\n" not in p for p in problems)
    assert any("got '. !'" in p for p in problems)
