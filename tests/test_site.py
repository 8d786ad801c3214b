"""The directory site built by real Pelican: pages, visibility, interests, escaping."""

from __future__ import annotations

import pytest
from familiar.errors import ContentErrors

from .conftest import text_of

JENN = """
name: Jenn Morales
known_as: Jenn
pronouns: she/her
pronunciation: JEN mo-RAH-les
business: Morales Social
role: Owner
category: Marketing
neighbourhood: Downtown
interests: [social media, Coffee roasting]
ask_me_about: [Instagram for restaurants]
looking_for: [a bakery to collaborate with]
handles:
  twitter: jennmorales
  linkedin: in/jennmorales
  mastodon: "@jenn@mastodon.social"
  github: jennmorales
website: https://moralessocial.example
"""


def test_member_page_shows_every_field(site):
    site.member("jenn-morales", JENN, "I help *restaurants* turn followers into regulars.")
    site.build()
    page = site.html("members/jenn-morales/")
    text = page.get_text(" ", strip=True)
    for expected in ["Jenn Morales", "Jenn", "she/her", "JEN mo-RAH-les", "Morales Social",
                     "Owner", "Marketing", "Downtown", "Instagram for restaurants",
                     "a bakery to collaborate with"]:  # fmt: skip
        assert expected in text
    assert page.select_one(".bio em").get_text() == "restaurants"
    links = {a.get_text(" ", strip=True): a["href"] for a in page.select(".handles a")}
    assert links == {
        "X (Twitter) @jennmorales": "https://x.com/jennmorales",
        "LinkedIn in/jennmorales": "https://www.linkedin.com/in/jennmorales",
        "Mastodon @jenn@mastodon.social": "https://mastodon.social/@jenn",
        "GitHub @jennmorales": "https://github.com/jennmorales",
    }
    interest_links = [a["href"] for a in page.select(".tags a")]
    assert interest_links == ["/interests/social-media/", "/interests/coffee-roasting/"]
    assert page.select_one('a[href="https://moralessocial.example"]')


def test_directory_lists_listed_members_in_name_order(site):
    for slug, name in [("zoe", "Zoë Lefèvre"), ("adam", "Adam Smith"), ("eloise", "Éloïse Petit"),
                       ("layla", "ليلى حداد"), ("chen", "陈伟"), ("priya", "प्रिया शर्मा"),
                       ("bob", "bob brown")]:  # fmt: skip
        site.member(slug, f"name: {name}\n")
    site.build()
    names = text_of(site.html(""), ".card-name")
    # Latin first (case and accents ignored), then Arabic, Devanagari, Chinese
    assert names == ["Adam Smith", "bob brown", "Éloïse Petit", "Zoë Lefèvre", "ليلى حداد",
                     "प्रिया शर्मा", "陈伟"]  # fmt: skip


def test_unlisted_has_a_page_but_no_listing(site):
    site.member("ann", "name: Ann Listed\ninterests: [sailing]\ncategory: Retail\n")
    site.member(
        "una", "name: Una Unlisted\nvisibility: unlisted\ninterests: [sailing]\ncategory: Retail\n"
    )
    site.build()
    assert (site.output / "members/una/index.html").exists()
    for page in ["", "interests/", "interests/sailing/", "categories/", "categories/retail/"]:
        assert "Una Unlisted" not in site.html(page).get_text(), page
    assert "Ann Listed" in site.html("interests/sailing/").get_text()
    assert site.html("members/una/").select_one('meta[name="robots"]')["content"] == "noindex"


def test_hidden_member_appears_nowhere(site):
    site.member("ann", "name: Ann Listed\n")
    site.member("hugo", "name: Hugo Hidden\nvisibility: hidden\ninterests: [secret hobby]\n")
    site.build()
    for path in site.output.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"Hugo Hidden" not in data and b"hugo" not in data.lower().replace(
                b"hugo-", b""
            ), path
            assert b"secret hobby" not in data, path
    assert not (site.output / "members/hugo").exists()


def test_noindex_member_gets_robots_meta(site):
    site.member("ann", "name: Ann\nnoindex: true\n")
    site.member("bea", "name: Bea\n")
    site.build()
    assert site.html("members/ann/").select_one('meta[name="robots"]')["content"] == "noindex"
    assert site.html("members/bea/").select_one('meta[name="robots"]') is None


def test_interests_merge_across_case_and_spacing(site):
    site.member("a", "name: A One\ninterests: [Coffee roasting]\n")
    site.member("b", "name: B Two\ninterests: [coffee  roasting]\n")
    site.member("c", "name: C Three\ninterests: [coffee roasting, Sailing]\n")
    site.build()
    index = site.html("interests/")
    assert text_of(index, ".terms a") == ["coffee roasting", "Sailing"]
    assert text_of(index, ".terms .count") == ["(3)", "(1)"]
    assert text_of(site.html("interests/coffee-roasting/"), ".card-name") == [
        "A One",
        "B Two",
        "C Three",
    ]


def test_categories_have_pages(site):
    site.member("a", "name: A One\ncategory: Food & Drink\n")
    site.member("b", "name: B Two\ncategory: food & drink\n")
    site.build()
    assert text_of(site.html("categories/food-drink/"), ".card-name") == ["A One", "B Two"]


def test_hostile_name_and_bio_are_harmless(site):
    site.member(
        "evil",
        'name: "<script>alert(1)</script>"\nbusiness: "<img src=x onerror=alert(2)>"\n'
        'interests: ["{{ cycler.__init__.__globals__ }}"]\n',
        '<script>alert(3)</script>\n\n<iframe src="https://evil.example"></iframe>\n\n'
        '[click](javascript:alert(4)) <a href="JaVaScRiPt:alert(5)" onclick="x()">x</a>\n\n'
        '<form action="https://evil.example"><input></form>\n\n![img](https://evil.example/t.png)\n\n'
        '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    )
    site.build()
    for rel in ["", "members/evil/", "interests/"]:
        page = site.html(rel)
        # JSON-LD data blocks (test_structured checks they cannot break out) and the theme's own
        # script files are the only scripts
        bad = (
            "script:not([type='application/ld+json']):not([src^='/theme/js/']), iframe, "
            "form[action*=':'], meta[http-equiv=refresh], img[onerror]"
        )
        assert not page.select(bad), rel
        assert not [a for a in page.select("a[href]") if a["href"].lower().startswith("javascript")]
        assert not [el for el in page.select("*") if any(k.startswith("on") for k in el.attrs)]
    member = site.html("members/evil/")
    assert member.select_one("h1").get_text() == "<script>alert(1)</script>"
    assert "{{ cycler.__init__.__globals__ }}" in member.get_text()
    assert not member.select(".bio img")


def test_content_errors_stop_the_build_with_every_problem(site):
    site.member("ok", "name: Fine Person\n")
    site.member("bad", "name: Bad\nintrests: [x]\n")
    site.member("worse", "known_as: Nobody\n")
    with pytest.raises(ContentErrors) as info:
        site.build()
    assert [str(e) for e in info.value.errors] == [
        "content/members/bad.md:3: intrests: is not a field Familiar knows; did you mean 'interests'?",
        "content/members/worse.md:1: name: is required: expected your full name",
    ]
    assert info.value.code == 1


def test_removed_member_leaves_no_trace_on_rebuild(site):
    site.member("ann", "name: Ann Keep\n")
    gone = site.member("bob", "name: Bob Gone\ninterests: [kayaking]\n")
    site.build()
    assert (site.output / "members/bob/index.html").exists()
    gone.unlink()
    site.build()
    assert not (site.output / "members/bob").exists()
    assert not (site.output / "interests/kayaking").exists()
    assert "Bob Gone" not in site.html("").get_text()


def test_unchanged_pages_keep_their_mtime(site):
    site.member("ann", "name: Ann Keep\n")
    site.member("bob", "name: Bob Change\n")
    site.build()
    ann = site.output / "members/ann/index.html"
    before = ann.stat().st_mtime_ns
    site.member("bob", "name: Bob Changed\n")
    site.build()
    assert ann.stat().st_mtime_ns == before
    assert "Bob Changed" in site.html("members/bob/").get_text()


def test_yaml_profile_with_bio_field(site):
    site.member("chen", "name: 陈伟\nbio: |\n  Hello **there**.\n", suffix=".yaml")
    site.build()
    assert site.html("members/chen/").select_one(".bio strong").get_text() == "there"


def test_blog_parts_are_off_without_articles(site):
    site.member("ann", "name: Ann\n")
    site.build()
    files = site.files()
    own_feeds = ("feeds/members.atom", "feeds/events.atom")  # Familiar's, not the blog's
    assert not [
        f
        for f in files
        if f.startswith(("feeds/", "tag/", "category/", "author/")) and f not in own_feeds
    ]
    assert not [
        f for f in files if f in ("archives.html", "tags.html", "authors.html", "categories.html")
    ]


def test_original_photos_are_never_published(site):
    from PIL import Image

    site.member("ann", "name: Ann\nphoto: ann.jpg\n")
    Image.new("RGB", (400, 500), "red").save(site.content / "members/ann.jpg")
    site.build()
    assert "members/ann.jpg" not in site.files()
    assert not [f for f in site.files() if f.endswith(("ann.md",))]
    img = site.html("members/ann/").select_one("img.photo")
    assert img["alt"] == "Ann" and img["width"] == img["height"]


def test_demo_site_builds(demo_site):
    demo_site.build()
    listed = text_of(demo_site.html(""), ".card-name")
    assert len(listed) >= 12
    assert "Noor Rahman" not in demo_site.html("").get_text()


def test_rebuild_reads_only_changed_profiles_from_a_signed_cache(site):
    import pickle

    from familiar.community import ProfileCache

    site.member("ann", "name: Ann Keep\n")
    site.member("bob", "name: Bob Change\n")
    site.build()
    shards = sorted((site.root / ".familiar-cache" / "profiles").glob("*.pickle"))
    assert 1 <= len(shards) <= 2
    written = {p: p.stat().st_mtime_ns for p in shards}
    # an interest added: beyond what a quick rebuild (quick.py) makes, so a full build
    site.member("bob", "name: Bob Changed\ninterests: [chess]\n")
    site.build()
    assert "Bob Changed" in site.html("members/bob/").get_text()
    # only the shard holding Bob's profile was written again
    rewritten = [p for p in shards if p.stat().st_mtime_ns != written[p]]
    assert len(rewritten) == 1
    # a cache file not signed by this machine (say, one committed in a pull request) is ignored
    forged = pickle.dumps(("x", {}))
    for shard in shards:
        shard.write_bytes(b"\0" * 32 + forged)
    settings = site.settings()
    from familiar.settings import read_settings

    assert ProfileCache(read_settings(settings).cache_path, {}).old == {}
    site.build()
    assert "Bob Changed" in site.html("members/bob/").get_text()


def test_cache_folder_committed_to_git_stops_the_build(site):
    import subprocess

    site.member("ann", "name: Ann\n")
    planted = site.root / ".familiar-cache" / "photos" / "planted.jpg"
    planted.parent.mkdir(parents=True)
    planted.write_bytes(b"not a photo")
    git = ["git", "-c", "user.email=t@example.com", "-c", "user.name=t"]
    subprocess.run([*git, "init", "-q"], cwd=site.root, check=True)
    subprocess.run(
        [*git, "add", "-f", ".familiar-cache/photos/planted.jpg"], cwd=site.root, check=True
    )
    with pytest.raises(ContentErrors) as info:
        site.build()
    assert [str(e) for e in info.value.errors] == [
        ".familiar-cache/photos/planted.jpg:1: file: is in the build's cache folder, which must "
        "not be in git: remove the folder from the repository (git rm -r --cached) and keep it "
        "in .gitignore"
    ]


def test_theme_files_keep_their_mtime_when_unchanged(site):
    site.member("ann", "name: Ann\n")
    site.build()
    css = site.output / "theme/css/site.css"
    assert css.read_bytes() == (site.root / "theme/static/css/site.css").read_bytes()
    before = css.stat().st_mtime_ns
    site.member("ann", "name: Ann Changed\n")
    site.build()
    assert css.stat().st_mtime_ns == before


def dev_serve(port: str):
    """`./dev serve` on `port`, run as a person would, for the cases where it must not serve."""
    import os
    import subprocess

    from .conftest import REPO

    return subprocess.run(
        [str(REPO / "dev"), "serve"],
        env={**os.environ, "PORT": port},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_serve_on_a_port_in_use_says_so_in_a_line():
    """`./dev serve` when another server has the port (often an earlier ./dev serve): one clear
    line naming the port and what to do, exit 1, no traceback, and no build started."""
    import socket

    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        done = dev_serve(str(port))
    assert done.returncode == 1
    assert f"Port {port} is already in use" in done.stderr
    assert "PORT=8001 ./dev serve" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "Done: Processed" not in done.stderr + done.stdout  # it stopped before building


@pytest.mark.parametrize("port", ["abc", "0", "70000"])
def test_serve_on_a_port_that_is_no_port_says_so_in_a_line(port):
    done = dev_serve(port)
    assert done.returncode == 1
    assert f"PORT must be a number from 1 to 65535, not '{port}'" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert "Done: Processed" not in done.stderr + done.stdout
