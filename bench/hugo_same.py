"""The hugo-site row of bench/site.py: Hugo building much of what Familiar builds, from the same
generated community, so the benchmark can say how much of the gap to `hugo-cold` (N pages of
title and bio) is the site's extra work and how much is the engine.

What it builds, with Hugo's own features:
  - a page per member: photo (WebP and JPEG sizes), names, business, category, neighbourhood,
    website, handles, interests, "ask me about", "looking for", the bio (Markdown), OpenGraph
    tags, and a vCard beside it with the photo inside (a second output format);
  - the directory and a page per interest, category and neighbourhood, paginated as Familiar
    paginates them (FAMILIAR_PAGE_SIZE), with the indexes of each;
  - a page per event with a card (photo, name, business) for each member coming;
  - the same photo and social card files, copied from static/ (Hugo copies static files).

Not built: face sheets and check-in lists, introductions, the calendar, feeds, JSON-LD, the QR
codes, directory.json and the search index. So Hugo does less here than Familiar does. Like
Familiar, it makes each member's card once (partialCached) for all the listings that show it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import yaml

PHOTO = re.compile(r"^(?P<base>(?P<slug>.+)-[0-9a-f]{12})-(?P<w>\d+)\.(?:jpg|webp)$")

CONFIG = """baseURL = "https://example.org/"
title = "Bench Business Circle"
disableKinds = ["RSS", "sitemap", "robotsTXT", "404"]
[taxonomies]
interest = "interests"
category = "categories"
neighbourhood = "neighbourhoods"
attending = "attending"
[pagination]
pagerSize = {page_size}
[mediaTypes."text/vcard"]
suffixes = ["vcf"]
[outputFormats.vcard]
mediaType = "text/vcard"
isPlainText = true
baseName = "contact"
"""

BASEOF = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} · {{ site.Title }}</title>
<link rel="stylesheet" href="/theme/css/site.css">
<meta property="og:site_name" content="{{ site.Title }}">
<meta property="og:title" content="{{ .Title }}">
{{ with .Params.social }}<meta property="og:image" content="/social/members/{{ . }}">{{ end }}
{{ with .Summary }}<meta name="description" content="{{ . | plainify | truncate 160 }}">{{ end }}
</head><body>
<a class="skip" href="#main">Skip to content</a>
<header class="site-header"><a class="site-name" href="/">{{ site.Title }}</a>
<nav aria-label="Site"><ul><li><a href="/">Members</a></li><li><a href="/interests/">Interests</a></li>
<li><a href="/categories/">Businesses</a></li><li><a href="/events/">Events</a></li></ul></nav></header>
<main id="main">{{ block "main" . }}{{ end }}</main>
<footer class="site-footer"><p>{{ site.Title }} is built from member profiles.</p></footer>
</body></html>
"""

PHOTO_PARTIAL = """{{ $p := .page }}{{ with $p.Params.photo }}<picture>
<source type="image/webp" srcset="{{ range $i, $w := $p.Params.photo_sizes }}{{ if $i }}, {{ end }}/photos/{{ $.page.Params.photo }}-{{ $w }}.webp {{ $w }}w{{ end }}" sizes="{{ $.px }}px">
<img class="photo u-photo" src="/photos/{{ . }}-{{ $p.Params.photo_main }}.jpg" srcset="{{ range $i, $w := $p.Params.photo_sizes }}{{ if $i }}, {{ end }}/photos/{{ $.page.Params.photo }}-{{ $w }}.jpg {{ $w }}w{{ end }}" sizes="{{ $.px }}px" width="{{ $.px }}" height="{{ $.px }}" alt="{{ $p.Title }}" loading="lazy" decoding="async">
</picture>{{ else }}<span class="photo placeholder" role="img" aria-label="{{ $p.Title }}" style="--size: {{ $.px }}px"><span aria-hidden="true">{{ substr $p.Title 0 1 }}</span></span>{{ end }}"""

CARD_PARTIAL = """<li class="card h-card">{{ partial "photo.html" (dict "page" . "px" 96) }}
<a class="p-name u-url" href="{{ .RelPermalink }}">{{ .Title }}</a>
{{ with .Params.business }}<span class="p-org">{{ . }}</span>{{ end }}</li>"""

SINGLE = """{{ define "main" }}<article class="member h-card">
<div class="member-photo">{{ partial "photo.html" (dict "page" . "px" 240) }}</div>
<div class="member-main"><h1 class="p-name">{{ .Title }}</h1>
{{ with .Params.known_as }}<p class="known-as">Known as <strong>{{ . }}</strong></p>{{ end }}
<dl class="facts">
{{ with .Params.pronouns }}<dt>Pronouns</dt><dd>{{ . }}</dd>{{ end }}
{{ with .Params.business }}<dt>Business</dt><dd><span class="p-org">{{ . }}</span>{{ with $.Params.role }}, <span class="p-job-title">{{ . }}</span>{{ end }}</dd>{{ end }}
{{ range .GetTerms "categories" }}<dt>Category</dt><dd><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></dd>{{ end }}
{{ range .GetTerms "neighbourhoods" }}<dt>Neighbourhood</dt><dd><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></dd>{{ end }}
{{ with .Params.website }}<dt>Website</dt><dd><a class="u-url" href="{{ . }}" rel="nofollow ugc noopener">{{ . }}</a></dd>{{ end }}
</dl>
{{ with .OutputFormats.Get "vcard" }}<p class="save-contact"><a class="button" href="{{ .RelPermalink }}" download>Save contact</a></p>{{ end }}
{{ with .Params.handles }}<h2>Find me online</h2><ul class="handles">{{ range $network, $handle := . }}<li><a class="u-url" href="https://{{ $network }}.example/{{ $handle }}" rel="me nofollow noopener"><span class="network">{{ $network }}</span> {{ $handle }}</a></li>{{ end }}</ul>{{ end }}
{{ with .GetTerms "interests" }}<h2>Interests</h2><ul class="tags">{{ range . }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}
{{ with .Params.ask_me_about }}<h2>Ask me about</h2><ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
{{ with .Params.looking_for }}<h2>Looking for</h2><ul>{{ range . }}<li>{{ . }}</li>{{ end }}</ul>{{ end }}
<h2>About</h2><div class="bio p-note">{{ .Content }}</div>
</div></article>{{ end }}
"""

VCARD = """BEGIN:VCARD
VERSION:3.0
FN:{{ .Title }}
{{ with .Params.business }}ORG:{{ . }}
{{ end }}{{ with .Params.role }}TITLE:{{ . }}
{{ end }}{{ with .Params.website }}URL:{{ . }}
{{ end }}URL:{{ .Permalink }}
{{ with .Params.photo }}PHOTO;ENCODING=b;TYPE=JPEG:{{ readFile (printf "static/photos/%s-%v.jpg" . $.Params.photo_main) | base64Encode }}
{{ end }}END:VCARD
"""

LIST = """{{ define "main" }}<h1>{{ .Title }}</h1>
<ul class="cards">{{ range (.Paginate .Pages).Pages }}{{ partialCached "card.html" . .RelPermalink }}{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
"""

HOME = """{{ define "main" }}<h1>Members</h1>
<ul class="cards">{{ range (.Paginate (where site.RegularPages "Section" "members")).Pages }}{{ partialCached "card.html" . .RelPermalink }}{{ end }}</ul>
{{ template "_internal/pagination.html" . }}{{ end }}
"""

EVENT = """{{ define "main" }}<article class="event h-event"><h1 class="p-name">{{ .Title }}</h1>
<p class="event-when">{{ .Params.start }}</p>
{{ with .Params.venue }}<p class="event-venue">{{ .name }}, {{ .address }}</p>{{ end }}
<div class="event-description">{{ .Content }}</div>
{{ $coming := index site.Taxonomies.attending (urlize .File.ContentBaseName) }}
<h2>Who's coming ({{ len $coming }})</h2>
<ul class="attendees">{{ range $coming.Pages }}<li class="attendee h-card">
<div class="attendee-photo">{{ partial "photo.html" (dict "page" . "px" 320) }}</div>
<p class="attendee-known"><a class="u-url" href="{{ .RelPermalink }}">{{ .Title }}</a></p>
{{ with .Params.business }}<p class="attendee-business p-org">{{ . }}</p>{{ end }}
{{ with .Params.handles }}<ul class="attendee-handles">{{ range $network, $handle := . }}<li><span class="handle">{{ $handle }}</span> <span class="network">{{ $network }}</span></li>{{ end }}</ul>{{ end }}
{{ with .Params.ask_me_about }}<p class="attendee-ask">Ask me about {{ delimit . "; " }}</p>{{ end }}
</li>{{ end }}</ul></article>{{ end }}
"""


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
    for path in sorted((familiar / "content" / "members").glob("*.md")):
        fields, bio = front_matter(path)
        slug = path.stem
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
            "interests": fields.get("interests") or [],
            "categories": [fields["category"]] if fields.get("category") else [],
            "neighbourhoods": [fields["neighbourhood"]] if fields.get("neighbourhood") else [],
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
    events = root / "content" / "events"
    events.mkdir(parents=True)
    for path in sorted((familiar / "content" / "events").glob("*.md")):
        fields, body = front_matter(path)
        page = {"title": fields.get("title", path.stem), "start": str(fields.get("start")),
                "venue": fields.get("venue")}  # fmt: skip
        text = json.dumps(page, ensure_ascii=False, default=str)
        (events / path.name).write_text(f"{text}\n\n{body}", encoding="utf-8")
    # `attending` only gives event pages their members: no page of its own, as in Familiar
    attending = root / "content" / "attending"
    attending.mkdir(parents=True)
    # (rendered never, but listed: with "list": "local" the event pages would find no one)
    never = {"build": {"render": "never"}}
    (attending / "_index.md").write_text(json.dumps({**never, "cascade": never}) + "\n")
    layouts = root / "layouts"
    for rel, text in {
        "_default/baseof.html": BASEOF,
        "_default/single.html": SINGLE,
        "_default/single.vcard.vcf": VCARD,
        "_default/list.html": LIST,
        "index.html": HOME,
        "events/single.html": EVENT,
        "partials/photo.html": PHOTO_PARTIAL,
        "partials/card.html": CARD_PARTIAL,
    }.items():
        (layouts / rel).parent.mkdir(parents=True, exist_ok=True)
        (layouts / rel).write_text(text, encoding="utf-8")
    (root / "hugo.toml").write_text(CONFIG.format(page_size=page_size), encoding="utf-8")
