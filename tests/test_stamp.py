"""The build stamp looks at the inputs (and outputs) in a forked child while the build gets a
quick rebuild ready; its answer is the one the build would find itself."""

from __future__ import annotations

import io
import marshal
import os
import pickle

from familiar import buildstamp
from familiar.buildstamp import BuildStamp, InputState
from familiar.lanes import Aside
from familiar.settings import read_settings
from familiar.signing import unseal
from jinja2.bccache import bc_magic


def answers(settings) -> tuple[BuildStamp, BuildStamp]:
    aside, here = BuildStamp(settings), BuildStamp(settings, aside=False)
    assert aside._aside is not None and here._aside is None
    found = aside.current(), here.current()
    assert aside.state == here.state and aside.inputs == here.inputs
    assert found[0] == found[1]
    return aside, here


def test_the_inputs_looked_at_in_another_process_are_those_looked_at_here(site):
    site.member("ann", "name: Ann Ames\ninterests: [chess]")
    site.member("bob", "name: Bob Bates\ninterests: [chess]")
    site.build()
    settings = read_settings(site.settings())
    aside, _ = answers(settings)
    assert aside.last is not None and aside.current() is aside.last  # nothing changed
    profiles = aside.state.profiles
    assert sorted(os.path.basename(p) for p in profiles) == ["ann.md", "bob.md"]

    site.member("bob", "name: Bob Bates\ninterests: [chess, go]")  # a profile edited
    edited, _ = answers(settings)
    assert edited.current() is None and edited.state.others == aside.state.others
    assert [p for p in profiles if profiles[p] != edited.state.profiles[p]] == [
        str(site.content / "members" / "bob.md")
    ]
    site.build()
    assert answers(settings)[0].current() is not None

    (site.output / "members" / "ann" / "index.html").write_text("edited by hand")
    assert answers(settings)[0].current() is None  # an output file changed


def test_a_child_that_fails_leaves_the_work_to_the_build(site, monkeypatch):
    assert Aside(lambda: ("a", {"b": "c"}, True)).result() == ("a", {"b": "c"}, True)
    assert Aside(lambda: 1 / 0).result() is None
    assert Aside(lambda: object()).result() is None  # not plain data: nothing sent

    site.member("ann", "name: Ann Ames")
    site.build()
    settings = read_settings(site.settings())
    parent = os.getpid()
    look = InputState.look

    def fails_in_the_child(settings):
        if os.getpid() != parent:
            raise OSError("the child cannot read the content folder")
        return look(settings)

    monkeypatch.setattr(buildstamp.InputState, "look", classmethod(
        lambda cls, s: fails_in_the_child(s)))  # fmt: skip
    stamp = BuildStamp(settings)
    assert stamp.current() is not None and stamp.current() is stamp.last
    assert list(stamp.state.profiles) == [str(site.content / "members" / "ann.md")]


def test_pelicans_own_templates_are_kept_compiled(site):
    """Pelican looks up its blog templates in every build; they are kept compiled (signed)
    beside Familiar's, so a rebuild does not compile them again."""
    site.member("ann", "name: Ann Ames")
    site.build()
    names = []
    for path in (site.root / ".familiar-cache" / "templates").glob("*.jinja"):
        body = unseal(path.read_bytes())
        assert body is not None and body.startswith(bc_magic)
        f = io.BytesIO(body[len(bc_magic) :])
        pickle.load(f)  # the source's checksum
        names.append(marshal.load(f).co_filename)
    familiar = [n for n in names if "/templates/familiar/" in n]
    pelicans = [n for n in names if n not in familiar]
    assert familiar and pelicans, names
