"""`familiar check-pr` on real git repositories, and `familiar codeowners`."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FAMILIAR = [sys.executable, "-m", "familiar.cli"]


def profile(name: str, handles: str = "", extra: str = "") -> str:
    front = f"name: {name}\n"
    if handles:
        front += "handles:\n" + textwrap.indent(handles.strip() + "\n", "  ")
    return f"---\n{front}{extra}---\nHello.\n"


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


def in_process(cwd: Path, argv: list[str]) -> Result:
    from familiar import cli

    out, err = io.StringIO(), io.StringIO()
    old = Path.cwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(argv)
    finally:
        os.chdir(old)
    return Result(code, out.getvalue(), err.getvalue())


class Repo:
    """A git repository with a base commit on `main` and a pull request branch `pr`."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def git(self, *args: str) -> str:
        run = subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        return run.stdout

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")

    def commit(self, message: str = "change") -> None:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)

    def check(self, author: str, *args: str, subprocess_run: bool = False) -> Result:
        """Run check-pr in the repository: as a subprocess, or in this process through the same
        entry point (`cli.main`), because importing the package (Pelican) costs a second."""
        argv = ["check-pr", "--author", author, "--base", "main", *args]
        if subprocess_run:
            run = subprocess.run([*FAMILIAR, *argv], cwd=self.root, capture_output=True, text=True)
            return Result(run.returncode, run.stdout, run.stderr)
        return in_process(self.root, argv)


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    r = Repo(tmp_path / "repo")
    r.root.mkdir()
    r.git("init", "-q", "-b", "main")
    r.git("config", "user.email", "test@example.org")
    r.git("config", "user.name", "Test")
    r.git("config", "commit.gpgsign", "false")
    r.write("MAINTAINERS", "# maintainers\nmaintainer-mo 999\n")
    r.write("pelicanconf.py", "SITENAME = 'x'\n")
    r.write("pyproject.toml", "[project]\nname = 'x'\n")
    r.write("plugins/familiar/cli.py", "# code\n")
    r.write("content/members/jenn-morales.md", profile("Jenn Morales", "github: jennmorales"))
    r.write("content/members/jenn-morales.jpg", b"\xff\xd8 photo of jenn")
    r.write(
        "content/members/zoe-lefevre.md",
        profile("Zoé Lefèvre", "github: zoelefevre", "github_id: 4242\n"),
    )
    r.write("content/members/jenn.md", profile("Jenn Other", "github: jennj"))
    r.write("content/members/kwame-asante.md", profile("Kwame Asante"))
    r.write(
        "content/events/friday-patio.md",
        "---\ntitle: Friday\nstart: 2026-12-04 17:30\nvenue: {name: Patio, address: 1 Rd}\n"
        "organizers: [jenn-morales]\n---\nCome.\n",
    )
    r.commit("base")
    r.git("checkout", "-q", "-b", "pr")
    return r


def refused(run: Result) -> list[str]:
    """The paths check-pr lists as needing a maintainer."""
    return [line.split(": ", 1)[0] for line in run.stdout.splitlines()]


def test_own_profile_and_photo_pass(repo):
    repo.write(
        "content/members/jenn-morales.md",
        profile("Jenn Morales", "github: jennmorales", "pronouns: she/her\n"),
    )
    repo.write("content/members/jenn-morales.jpg", b"\xff\xd8 a new photo")
    repo.commit()
    run = repo.check("jennmorales", subprocess_run=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "content/members/jenn-morales.md: the profile 'jenn-morales' is yours" in run.stdout
    assert "content/members/jenn-morales.jpg: the profile 'jenn-morales' is yours" in run.stdout
    # the login is compared case-insensitively, like GitHub does
    assert repo.check("JennMorales").returncode == 0


def test_someone_elses_profile_fails_even_when_it_is_rewritten_to_name_the_author(repo):
    repo.write("content/members/zoe-lefevre.md", profile("Zoé Lefèvre", "github: jennmorales"))
    repo.write("content/members/kwame-asante.md", profile("Kwame", "github: jennmorales"))
    repo.commit()
    run = repo.check("jennmorales")
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "content/members/kwame-asante.md: the profile 'kwame-asante' names no GitHub account "
        "(handles.github), so only a maintainer can change it",
        "content/members/zoe-lefevre.md: the profile 'zoe-lefevre' belongs to @zoelefevre / "
        "account id 4242, not @jennmorales",
    ]
    assert "2 of 2 changed files need a maintainer" in run.stderr


def test_prefix_of_a_slug_owns_nothing_more(repo):
    # jennj owns jenn.md; jenn-morales.md starts with "jenn" but is not theirs
    repo.write("content/members/jenn.md", profile("Jenn Other", "github: jennj", "role: Baker\n"))
    repo.write("content/members/jenn-morales.jpg", b"\xff\xd8 not yours")
    repo.commit()
    run = repo.check("jennj")
    assert run.returncode == 1
    assert refused(run) == ["content/members/jenn-morales.jpg"]


def test_new_profile_naming_the_author_passes_and_impersonation_fails(repo):
    repo.write("content/members/sam-okafor.md", profile("Sam Okafor", "github: samokafor"))
    repo.write("content/members/sam-okafor.png", b"\x89PNG photo")
    repo.commit()
    assert repo.check("samokafor").returncode == 0
    # the same pull request opened by someone else is impersonation
    run = repo.check("mallory")
    assert run.returncode == 1
    assert refused(run) == ["content/members/sam-okafor.md", "content/members/sam-okafor.png"]
    assert "the new profile 'sam-okafor' names @samokafor, not @mallory" in run.stdout


def test_new_profile_claiming_someone_elses_account_id_fails(repo):
    repo.write(
        "content/members/zoe-two.md",
        profile("Zoé Two", "github: mallory", "github_id: 4242\n"),
    )
    repo.commit()
    run = repo.check("mallory", "--author-id", "666")
    assert run.returncode == 1
    assert refused(run) == ["content/members/zoe-two.md"]


def test_a_photo_without_a_profile_fails(repo):
    repo.write("content/members/nobody.jpg", b"\xff\xd8")
    repo.commit()
    run = repo.check("jennmorales")
    assert run.returncode == 1
    assert "there is no profile 'nobody'" in run.stdout


def test_renaming_onto_another_members_slug_fails(repo):
    repo.git("mv", "content/members/jenn-morales.jpg", "content/members/zoe-lefevre.jpg")
    repo.commit()
    status = repo.git("diff", "--name-status", "-M", "main...HEAD")
    assert status.startswith("R100")
    run = repo.check("jennmorales")
    assert run.returncode == 1
    # removing the old name was fine; the new name is Zoé's
    assert refused(run) == ["content/members/zoe-lefevre.jpg"]


def test_renaming_and_deleting_own_files_pass(repo):
    repo.git("mv", "content/members/jenn-morales.md", "content/members/jenn-m.md")
    repo.git("rm", "-q", "content/members/jenn-morales.jpg")
    repo.commit()
    run = repo.check("jennmorales")
    assert run.returncode == 0, run.stdout
    assert "content/members/jenn-m.md: the new profile 'jenn-m' is yours" in run.stdout


def test_config_plugins_and_anything_outside_content_need_a_maintainer(repo):
    repo.write("content/members/jenn-morales.md", profile("Jenn M", "github: jennmorales"))
    repo.write("pelicanconf.py", "SITENAME = 'mine'\n")
    repo.write("plugins/familiar/cli.py", "# changed\n")
    repo.write("pyproject.toml", "[project]\nname = 'mine'\n")
    repo.write(".github/workflows/x.yml", "on: push\n")
    repo.write("content/extra/evil.html", "<script></script>")
    repo.write("content/members/sub/jenn-morales.md", profile("J", "github: jennmorales"))
    # adding yourself as a maintainer does not make you one: MAINTAINERS is read from the base
    repo.write("MAINTAINERS", "maintainer-mo 999\njennmorales\n")
    repo.commit()
    run = repo.check("jennmorales", subprocess_run=True)
    assert run.returncode == 1
    # in git's order; the member's own profile is not among them
    assert refused(run) == [
        ".github/workflows/x.yml",
        "MAINTAINERS",
        "content/extra/evil.html",
        "content/members/sub/jenn-morales.md",
        "pelicanconf.py",
        "plugins/familiar/cli.py",
        "pyproject.toml",
    ]
    assert "content/members/jenn-morales.md" not in refused(run)
    # the same changes from a maintainer pass
    run = repo.check("maintainer-mo", "--author-id", "999")
    assert run.returncode == 0, run.stdout
    assert "is a maintainer" in run.stdout


def test_id_beats_login(repo):
    repo.write(
        "content/members/zoe-lefevre.md",
        profile("Zoé Lefèvre", "github: zoelefevre", "github_id: 4242\nrole: Baker\n"),
    )
    repo.commit()
    # Zoé renamed her account: same id, new login
    assert repo.check("zoe-new-name", "--author-id", "4242").returncode == 0
    # someone registered the old login after it was freed: same login, another id
    recycled = repo.check("zoelefevre", "--author-id", "5555")
    assert recycled.returncode == 1
    assert refused(recycled) == ["content/members/zoe-lefevre.md"]
    # without an id the login alone cannot prove it
    no_id = repo.check("zoelefevre")
    assert no_id.returncode == 1
    assert "pass --author-id" in no_id.stdout


def test_maintainer_id_beats_login(repo):
    repo.write("pelicanconf.py", "SITENAME = 'y'\n")
    repo.commit()
    assert repo.check("maintainer-mo", "--author-id", "999").returncode == 0
    assert repo.check("maintainer-mo", "--author-id", "1000").returncode == 1


def test_events_belong_to_their_organizers_as_of_the_base(repo):
    event = "content/events/friday-patio.md"
    text = (repo.root / event).read_text()
    repo.write(event, text.replace("Come.", "Come early."))
    repo.commit()
    assert repo.check("jennmorales").returncode == 0
    run = repo.check("zoelefevre", "--author-id", "4242")
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        f"{event}: only the organizers of 'friday-patio' (jenn-morales) or a maintainer can "
        "change it"
    ]
    # making yourself an organizer in the same pull request does not count
    repo.write(event, text.replace("[jenn-morales]", "[jenn-morales, zoe-lefevre]"))
    repo.commit()
    assert repo.check("zoelefevre", "--author-id", "4242").returncode == 1
    # a new event lists its author's profile among its organizers
    repo.git("reset", "-q", "--hard", "main")
    repo.write(
        "content/events/zoe-brunch.md",
        "---\ntitle: Brunch\nstart: 2026-12-06 10:00\nvenue: {name: Cafe, address: 2 Rd}\n"
        "organizers: [zoe-lefevre]\n---\n",
    )
    repo.commit()
    assert repo.check("zoelefevre", "--author-id", "4242").returncode == 0
    assert repo.check("jennmorales").returncode == 1


def test_github_format_annotates_each_path(repo):
    repo.write("pelicanconf.py", "SITENAME = 'y'\n")
    repo.commit()
    run = repo.check("jennmorales", "--format", "github")
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "::error file=pelicanconf.py,line=1,title=ownership::ownership: needs a maintainer: "
        "members change only their own profile, photo and events"
    ]


def test_bad_arguments_are_one_line_errors(repo):
    run = repo.check("not a login", subprocess_run=True)
    assert run.returncode == 2
    assert run.stderr.strip().splitlines()[-1] == (
        "familiar check-pr: --author: 'not a login' is not a GitHub login"
    )
    run = in_process(repo.root, ["check-pr", "--author", "x", "--base", "nope"])
    assert run.returncode == 2
    assert "Traceback" not in run.stderr and "nope" in run.stderr


# --- codeowners --------------------------------------------------------------------------------


def run_codeowners(root: Path, *args: str) -> Result:
    return in_process(root, ["codeowners", *args])


def test_codeowners_output_and_check(repo):
    run = run_codeowners(repo.root)
    assert run.returncode == 0, run.stderr
    text = (repo.root / ".github/CODEOWNERS").read_text()
    rules = [line for line in text.splitlines() if line and not line.startswith("#")]
    assert rules == [
        "* @maintainer-mo",
        "/content/members/jenn.* @jennj @maintainer-mo",
        "/content/members/jenn-morales.* @jennmorales @maintainer-mo",
        "/content/members/zoe-lefevre.* @zoelefevre @maintainer-mo",
        "/content/events/friday-patio.* @jennmorales @maintainer-mo",
    ]
    assert run_codeowners(repo.root, "--check").returncode == 0
    repo.write("content/members/sam.md", profile("Sam", "github: SamO"))
    stale = run_codeowners(repo.root, "--check")
    assert stale.returncode == 1
    assert "+/content/members/sam.* @SamO @maintainer-mo" in stale.stdout
    assert "is stale: run `familiar codeowners`" in stale.stderr


def test_codeowners_needs_maintainers(repo):
    repo.write("MAINTAINERS", "# nobody yet\n")
    run = run_codeowners(repo.root)
    assert run.returncode == 2
    assert "MAINTAINERS lists nobody" in run.stderr
    repo.write("MAINTAINERS", "not a login!\n")
    run = run_codeowners(repo.root)
    assert run.returncode == 2
    assert "MAINTAINERS:1: expected a GitHub login" in run.stderr


def test_committed_codeowners_matches_the_demo_content():
    run = subprocess.run(
        [*FAMILIAR, "codeowners", "--check"], cwd=REPO, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr
