"""The hugo-site and hugo-pages rows of bench/site.py: Hugo building what Familiar builds, from
the same generated community, so the benchmark can say how much of the gap to `hugo-cold` (N
pages of title and bio) is the site's extra work and how much is the engine.

What it builds, with Hugo's own features (the templates: hugo_layouts.py):
  - a page per member: photo (WebP and JPEG sizes), names, business, category, neighbourhood,
    website, handles, interests, "ask me about", "looking for", the bio (Markdown), the events
    they come to, OpenGraph tags and JSON-LD, and a vCard beside it with the photo inside (a
    second output format);
  - the directory and a page per interest, category and neighbourhood, paginated as Familiar
    paginates them (FAMILIAR_PAGE_SIZE), with the indexes of each;
  - a page per event with a card for each person coming (photo, names, business, handles, "ask
    me about", introductions) and JSON-LD, and beside it a face sheet, a check-in list (HTML
    and CSV) and the event's calendar file; the events' page and a calendar of them all;
  - feeds of new members and of events, search.json and directory.json;
  - the same photo and social card files, copied from static/ (Hugo copies static files).
    hugo-pages builds the same site without them (NO_STATIC), to tell copying from the rest.

Hugo gets some help: the introductions are worked out here, in Python and untimed, and given
to it in each event's front matter. Not built: the QR codes and the sitemap (familiar-cold
makes neither, its SITEURL being relative; familiar-publish makes both), robots.txt, the badges
(made in the separate step for Familiar) and the theme's files. Like Familiar, it makes each member's card once
(partialCached) for all the listings that show it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import yaml
from hugo_layouts import CONFIG, LAYOUTS, NO_STATIC

PHOTO = re.compile(r"^(?P<base>(?P<slug>.+)-[0-9a-f]{12})-(?P<w>\d+)\.(?:jpg|webp)$")


def front_matter(path: Path) -> tuple[dict, str]:
    """A generated profile's or event's fields and body."""
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    return yaml.safe_load(front) or {}, body


def link_tree(source: Path, target: Path) -> None:
    """Every file under `source` hard-linked at the same place under `target`."""
    for folder, _, names in os.walk(source):  # nothing if `source` is not there
        into = target / Path(folder).relative_to(source)
        into.mkdir(parents=True, exist_ok=True)
        for name in names:
            os.link(Path(folder) / name, into / name)


def moment(value: object) -> str:
    """An event's `start` or `end` ("2026-10-24 17:30", in the site's time zone) as ISO 8601,
    which Hugo's `time` reads (in hugo.toml's timeZone)."""
    return dt.datetime.fromisoformat(str(value)).isoformat()


def introductions(people: list[tuple[str, str, set[str]]]) -> dict[str, list[list[str]]]:
    """For each (slug, name, interests) coming to an event, up to three others coming who share
    the most interests with them: [anchor, "A and B both like x and y"]."""
    found = {}
    for me, my_name, mine in people:
        shared = [(-len(mine & theirs), name, them, sorted(mine & theirs))
                  for them, name, theirs in people if them != me and mine & theirs]  # fmt: skip
        found[me] = [
            [f"p-{them}", f"{my_name} and {name} both like {' and '.join(both[:2])}"]
            for _, name, them, both in sorted(shared)[:3]
        ]
    return found


def make(root: Path, familiar: Path, page_size: int) -> None:
    """The Hugo site at `root` from the generated Familiar site `familiar`, which has been built
    (its output's photos and social cards become Hugo's static files)."""
    built = familiar / "output"
    photos: dict[str, tuple[str, set[int]]] = {}  # slug -> (file name's start, sizes)
    for name in os.listdir(built / "photos"):
        found = PHOTO.match(name)
        if found:
            photos.setdefault(found["slug"], (found["base"], set()))[1].add(int(found["w"]))
    social = built / "social" / "members"  # none if the site makes no social cards
    names = os.listdir(social) if social.is_dir() else []
    cards = {name.rpartition("-")[0]: name for name in names}
    link_tree(built / "photos", root / "static" / "photos")
    link_tree(built / "social", root / "static" / "social")
    members = root / "content" / "members"
    members.mkdir(parents=True)
    # the directory is the home page: no /members/ listing, as in Familiar
    (members / "_index.md").write_text(json.dumps({"build": {"render": "never"}}) + "\n")
    coming: dict[str, list[tuple[str, str, set[str]]]] = {}  # event -> who, for introductions
    for path in sorted((familiar / "content" / "members").glob("*.md")):
        fields, bio = front_matter(path)
        slug = path.stem
        interests = fields.get("interests") or []
        category, where = fields.get("category"), fields.get("neighbourhood")
        page = {
            "title": fields.get("name", slug),
            "known_as": fields.get("known_as"),
            "pronouns": fields.get("pronouns"),
            "business": fields.get("business"),
            "role": fields.get("role"),
            "website": fields.get("website"),
            "handles": fields.get("handles"),
            "ask_me_about": fields.get("ask_me_about"),
            "looking_for": fields.get("looking_for"),
            "joined": fields.get("joined"),
            "interests": interests,
            "categories": [category] if category else [],
            "category_name": category,
            "neighbourhoods": [where] if where else [],
            "neighbourhood_name": where,
            "attending": fields.get("attending") or [],
            "outputs": ["html", "vcard"],
            "social": cards.get(slug),
        }
        if slug in photos:
            base, sizes = photos[slug]
            page["photo"] = base
            page["photo_sizes"] = ordered = sorted(sizes)
            page["photo_main"] = ordered[min(1, len(ordered) - 1)]  # the second, if any
        page = {k: v for k, v in page.items() if v is not None}
        text = json.dumps(page, ensure_ascii=False, default=str)
        (members / f"{slug}.md").write_text(f"{text}\n\n{bio}", encoding="utf-8")
        known = fields.get("known_as") or str(page["title"]).split()[0]
        for event in page["attending"]:
            coming.setdefault(event, []).append((slug, known, set(interests)))
    events = root / "content" / "events"
    events.mkdir(parents=True)
    (events / "_index.md").write_text(
        json.dumps({"title": "Events", "outputs": ["html", "calendar"]}) + "\n"
    )
    for path in sorted((familiar / "content" / "events").glob("*.md")):
        fields, body = front_matter(path)
        page = {
            "title": fields.get("title", path.stem),
            "start": moment(fields["start"]),
            "end": moment(fields.get("end") or fields["start"]),
            "venue": fields.get("venue"),
            "outputs": ["html", "faces", "checkin", "checkincsv", "eventics"],
            "intros": introductions(coming.get(path.stem, [])),
        }
        text = json.dumps(page, ensure_ascii=False, default=str)
        (events / path.name).write_text(f"{text}\n\n{body}", encoding="utf-8")
    # `attending` only gives event pages their members: no page of its own, as in Familiar
    attending = root / "content" / "attending"
    attending.mkdir(parents=True)
    # (rendered never, but listed: with "list": "local" the event pages would find no one)
    never = {"build": {"render": "never"}}
    (attending / "_index.md").write_text(json.dumps({**never, "cascade": never}) + "\n")
    layouts = root / "layouts"
    for rel, text in LAYOUTS.items():
        (layouts / rel).parent.mkdir(parents=True, exist_ok=True)
        (layouts / rel).write_text(text, encoding="utf-8")
    (root / "hugo.toml").write_text(CONFIG.format(page_size=page_size), encoding="utf-8")
    (root / "no-static.toml").write_text(NO_STATIC, encoding="utf-8")
