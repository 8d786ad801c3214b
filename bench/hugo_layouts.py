"""The Hugo configuration and templates of the hugo-site row (bench/hugo_same.py makes the
content): Hugo's own features only (taxonomies, output formats, partialCached, pagination,
jsonify), written as a Hugo user would write them for the pages Familiar makes."""

from __future__ import annotations

CONFIG = """baseURL = "https://example.org/"
title = "Bench Business Circle"
timeZone = "America/Toronto"  # TIMEZONE in pelicanconf.py, which synth.py copies
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
[mediaTypes."application/atom+xml"]
suffixes = ["atom"]
[outputFormats.vcard]
mediaType = "text/vcard"
isPlainText = true
baseName = "contact"
[outputFormats.faces]
mediaType = "text/html"
isHTML = true
baseName = "faces"
[outputFormats.checkin]
mediaType = "text/html"
isHTML = true
baseName = "checkin"
[outputFormats.checkincsv]
mediaType = "text/csv"
isPlainText = true
baseName = "checkin"
[outputFormats.eventics]
mediaType = "text/calendar"
isPlainText = true
baseName = "event"
[outputFormats.calendar]
baseName = "calendar"
[outputFormats.searchjson]
mediaType = "application/json"
isPlainText = true
baseName = "search"
[outputFormats.directoryjson]
mediaType = "application/json"
isPlainText = true
baseName = "directory"
[outputFormats.membersatom]
mediaType = "application/atom+xml"
isPlainText = true
baseName = "members"
path = "feeds"
[outputFormats.eventsatom]
mediaType = "application/atom+xml"
isPlainText = true
baseName = "events"
path = "feeds"
[outputs]
home = ["html", "searchjson", "directoryjson", "membersatom", "eventsatom"]
"""

# the same site built without its static files (the photos and social cards): hugo-pages
NO_STATIC = 'staticDir = ["no-static"]\n'

BASEOF = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
{{ block "robots" . }}{{ end }}<title>{{ block "title" . }}{{ .Title }}{{ end }} · {{ site.Title }}</title>
<link rel="stylesheet" href="/theme/css/site.css">
<meta property="og:site_name" content="{{ site.Title }}">
<meta property="og:title" content="{{ .Title }}">
{{ with .Params.social }}<meta property="og:image" content="/social/members/{{ . }}">{{ end }}
{{ with .Summary }}{{ $d := . | plainify | truncate 160 }}<meta name="description" content="{{ $d }}">
<meta property="og:description" content="{{ $d }}">{{ end }}
<link rel="alternate" type="application/atom+xml" title="New members" href="/feeds/members.atom">
<link rel="alternate" type="application/atom+xml" title="Events" href="/feeds/events.atom">
{{ block "head" . }}{{ end }}</head><body>
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

SINGLE = """{{ define "head" }}{{ $ld := dict "@context" "https://schema.org" "@type" "Person" "name" .Title "url" .RelPermalink "knowsAbout" .Params.interests "description" (.Summary | plainify | truncate 300) "subjectOf" (dict "@type" "DigitalDocument" "encodingFormat" "text/vcard" "url" (printf "%scontact.vcf" .RelPermalink)) }}
{{ with .Params.business }}{{ $ld = merge $ld (dict "worksFor" (dict "@type" "Organization" "name" .)) }}{{ end }}
{{ with .Params.role }}{{ $ld = merge $ld (dict "jobTitle" .) }}{{ end }}
{{ with .Params.neighbourhood_name }}{{ $ld = merge $ld (dict "homeLocation" (dict "@type" "Place" "name" .)) }}{{ end }}
<script type="application/ld+json">{{ $ld | jsonify | safeJS }}</script>{{ end }}
{{ define "main" }}<article class="member h-card">
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
{{ with .Params.attending }}<h2 id="meet-h">Where to meet me</h2><ul class="meet">{{ range . }}{{ with site.GetPage (printf "/events/%s" .) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Params.start }}</time></li>{{ end }}{{ end }}</ul>{{ end }}
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

# an event's attendees come from the hidden `attending` taxonomy; its introductions are
# worked out by hugo_same (in Python, not timed) and given to Hugo in the event's front matter
COMING = """{{ $coming := index site.Taxonomies.attending (urlize .File.ContentBaseName) }}"""

EVENT = (
    """{{ define "head" }}"""
    + COMING
    + """{{ $people := slice }}{{ range $coming.Pages }}{{ $people = $people | append (dict "@type" "Person" "name" .Title "url" .RelPermalink) }}{{ end }}
<link rel="alternate" type="text/calendar" href="{{ (.OutputFormats.Get "eventics").RelPermalink }}">
<script type="application/ld+json">{{ dict "@context" "https://schema.org" "@type" "Event" "name" .Title "url" .RelPermalink "startDate" ((time .Params.start).Format "2006-01-02T15:04:05-07:00") "endDate" ((time .Params.end).Format "2006-01-02T15:04:05-07:00") "description" (.Content | plainify) "location" (dict "@type" "Place" "name" .Params.venue.name "address" .Params.venue.address) "attendee" $people | jsonify | safeJS }}</script>{{ end }}
{{ define "main" }}"""
    + COMING
    + """<article class="event h-event"><h1 class="p-name">{{ .Title }}</h1>
<p class="event-when"><time class="dt-start">{{ .Params.start }}</time></p>
{{ with .Params.venue }}<p class="event-venue">{{ .name }}, {{ .address }}</p>{{ end }}
<p class="event-actions"><a class="button" href="{{ (.OutputFormats.Get "eventics").RelPermalink }}" download>Add to calendar</a>
<a href="{{ (.OutputFormats.Get "faces").RelPermalink }}">Face sheet</a>
<a href="{{ (.OutputFormats.Get "checkin").RelPermalink }}">Check-in list</a></p>
<div class="event-description">{{ .Content }}</div>
<h2>Who's coming ({{ len $coming }})</h2>
<ul class="attendees">{{ range $coming.Pages }}<li class="attendee h-card" id="p-{{ .File.ContentBaseName }}">
<div class="attendee-photo">{{ partial "photo.html" (dict "page" . "px" 320) }}</div>
<p class="attendee-known"><a class="u-url" href="{{ .RelPermalink }}">{{ .Params.known_as | default .Title }}</a></p>
{{ if .Params.known_as }}<p class="attendee-name p-name">{{ .Title }}</p>{{ end }}
{{ with .Params.business }}<p class="attendee-business p-org">{{ . }}</p>{{ end }}
{{ with .Params.handles }}<ul class="attendee-handles">{{ range $network, $handle := . }}<li><span class="handle">{{ $handle }}</span> <span class="network">{{ $network }}</span></li>{{ end }}</ul>{{ end }}
{{ with .Params.ask_me_about }}<p class="attendee-ask">Ask me about {{ delimit . "; " }}</p>{{ end }}
{{ with index $.Params.intros .File.ContentBaseName }}<ul class="introductions">{{ range . }}<li><a href="#{{ index . 0 }}">{{ index . 1 }}</a></li>{{ end }}</ul>{{ end }}
</li>{{ end }}</ul></article>{{ end }}
"""
)

FACES = (
    """{{ define "robots" }}<meta name="robots" content="noindex">{{ end }}
{{ define "title" }}Face sheet: {{ .Title }}{{ end }}
{{ define "main" }}"""
    + COMING
    + """<header class="sheet-head"><h1>{{ .Title }}</h1>
<p>{{ .Params.start }}{{ with .Params.venue }} · {{ .name }}{{ end }} · {{ len $coming }} people</p>
<p class="no-print"><a href="{{ .RelPermalink }}">Back to the event</a> · <a href="{{ (.OutputFormats.Get "checkin").RelPermalink }}">Check-in list</a></p></header>
<ul class="faces">{{ range $coming.Pages }}<li class="face">{{ partial "photo.html" (dict "page" . "px" 128) }}
<span class="face-known">{{ .Params.known_as | default .Title }}</span>
{{ if .Params.known_as }}<span class="face-name">{{ .Title }}</span>{{ end }}
{{ with .Params.business }}<span class="face-business">{{ . }}</span>{{ end }}</li>{{ end }}</ul>{{ end }}
"""
)

CHECKIN = (
    """{{ define "robots" }}<meta name="robots" content="noindex">{{ end }}
{{ define "title" }}Check-in: {{ .Title }}{{ end }}
{{ define "main" }}"""
    + COMING
    + """<header class="sheet-head"><h1>Check-in: {{ .Title }}</h1>
<p>{{ .Params.start }}{{ with .Params.venue }} · {{ .name }}{{ end }} · {{ len $coming }} people</p>
<p class="no-print"><a href="{{ .RelPermalink }}">Back to the event</a> · <a href="{{ (.OutputFormats.Get "checkincsv").RelPermalink }}" download>Download as CSV</a></p></header>
<table class="checkin"><thead><tr><th scope="col">Here</th><th scope="col">Name</th><th scope="col">Business</th></tr></thead><tbody>
{{ range $coming.Pages }}<tr><td class="tick">☐</td><td><strong>{{ .Params.known_as | default .Title }}</strong> {{ .Title }}</td><td>{{ .Params.business }}</td></tr>
{{ end }}</tbody></table>{{ end }}
"""
)

CHECKIN_CSV = (
    COMING
    + """here,known as,name,business,online
{{ range $coming.Pages }},"{{ replace (.Params.known_as | default .Title) `"` `""` }}","{{ replace .Title `"` `""` }}","{{ replace (.Params.business | default "") `"` `""` }}","{{ range $n, $h := .Params.handles }}{{ $n }}: {{ $h }} {{ end }}"
{{ end }}"""
)

VEVENT = """BEGIN:VEVENT
SUMMARY:{{ .Title }}
DTSTART:{{ (time .Params.start).UTC.Format "20060102T150405Z" }}
DTEND:{{ (time .Params.end).UTC.Format "20060102T150405Z" }}
UID:{{ .File.ContentBaseName }}@bench.invalid
DESCRIPTION:{{ .Content | plainify | replaceRE "\\n" "\\\\n" }}
LOCATION:{{ with .Params.venue }}{{ .name }}\\, {{ .address }}{{ end }}
URL:{{ .Permalink }}
END:VEVENT
"""

EVENT_ICS = (
    "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//bench//hugo-site//EN\n" + VEVENT + "END:VCALENDAR\n"
)

CALENDAR = (
    "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//bench//hugo-site//EN\n"
    + '{{ range .Pages.ByDate }}{{ partial "vevent.ics" . }}{{ end }}'
    + "END:VCALENDAR\n"
)

EVENTS = """{{ define "main" }}<h1>Events</h1>
<ul class="events">{{ range .Pages.ByDate.Reverse }}{{ $coming := index site.Taxonomies.attending (urlize .File.ContentBaseName) }}<li class="event">
<a href="{{ .RelPermalink }}">{{ .Title }}</a> <time>{{ .Params.start }}</time>
{{ with .Params.venue }}<span class="venue">{{ .name }}</span>{{ end }} <span class="count">{{ len $coming }} coming</span></li>{{ end }}</ul>
<p><a href="{{ (.OutputFormats.Get "calendar").RelPermalink }}">All events in your calendar</a></p>{{ end }}
"""

MEMBERS = """{{ $members := where site.RegularPages "Section" "members" }}"""

SEARCH = (
    MEMBERS
    + """{"version":2,"root":"/","facets":{{ $f := dict }}{{ range $tax, $name := dict "categories" "category" "interests" "interest" "neighbourhoods" "neighbourhood" }}{{ $terms := slice }}{{ range (index site.Taxonomies $tax).Alphabetical }}{{ $terms = $terms | append (dict "name" .Page.Title "slug" (path.Base .Page.RelPermalink) "url" .Page.RelPermalink "count" .Count) }}{{ end }}{{ $f = merge $f (dict $name $terms) }}{{ end }}{{ $f | jsonify }},
"members":[{{ range $i, $p := $members }}{{ if $i }},
{{ end }}{{ $terms := dict }}{{ range $tax := slice "categories" "neighbourhoods" "interests" }}{{ $slugs := slice }}{{ range $p.GetTerms $tax }}{{ $slugs = $slugs | append (path.Base .RelPermalink) }}{{ end }}{{ $terms = merge $terms (dict $tax $slugs) }}{{ end }}{{ dict "slug" .File.ContentBaseName "name" .Title "known_as" .Params.known_as "business" .Params.business "category" (delimit $terms.categories "") "neighbourhood" (delimit $terms.neighbourhoods "") "interests" (sort $terms.interests) "photo" .Params.photo "text" (lower (printf "%s %s %s" .Title (.Params.business | default "") (delimit (.Params.handles | default dict) " "))) | jsonify }}{{ end }}]}
"""
)

DIRECTORY = (
    MEMBERS
    + """{"version":1,"site":{"name":{{ site.Title | jsonify }},"url":"/"},"members":[{{ range $i, $p := $members }}{{ if $i }},
{{ end }}{{ $photo := "" }}{{ with .Params.photo }}{{ $sizes := slice }}{{ range $p.Params.photo_sizes }}{{ $sizes = $sizes | append (dict "size" . "jpeg" (printf "/photos/%s-%d.jpg" $p.Params.photo .) "webp" (printf "/photos/%s-%d.webp" $p.Params.photo .)) }}{{ end }}{{ $photo = dict "alt" $p.Title "sizes" $sizes }}{{ end }}{{ dict "slug" .File.ContentBaseName "url" .RelPermalink "name" .Title "known_as" .Params.known_as "business" .Params.business "role" .Params.role "category" .Params.category_name "neighbourhood" .Params.neighbourhood_name "interests" .Params.interests "ask_me_about" .Params.ask_me_about "looking_for" .Params.looking_for "handles" .Params.handles "website" .Params.website "joined" .Params.joined "attending" .Params.attending "photo" $photo "vcard" (printf "%scontact.vcf" .RelPermalink) "bio" .RawContent "bio_html" .Content | jsonify }}{{ end }}],
"events":[{{ range $i, $e := where site.RegularPages "Section" "events" }}{{ if $i }},
{{ end }}{{ $coming := index site.Taxonomies.attending (urlize .File.ContentBaseName) }}{{ $slugs := slice }}{{ range $coming.Pages }}{{ $slugs = $slugs | append .File.ContentBaseName }}{{ end }}{{ dict "slug" .File.ContentBaseName "url" .RelPermalink "title" .Title "start" .Params.start "end" .Params.end "venue" .Params.venue "attendees" $slugs "description" .RawContent "description_html" .Content | jsonify }}{{ end }}]}
"""
)

MEMBERS_ATOM = (
    MEMBERS
    + """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>New members · {{ site.Title }}</title>
<id>{{ site.BaseURL }}feeds/members.atom</id><updated>{{ now.Format "2006-01-02T15:04:05Z07:00" }}</updated>
{{ range first 50 (sort $members "Params.joined" "desc") }}<entry><id>{{ .Permalink }}</id><title>Welcome, {{ .Title | htmlEscape }}</title>
<updated>{{ .Params.joined }}T00:00:00Z</updated><link rel="alternate" type="text/html" href="{{ .Permalink }}"/>
<summary>{{ delimit (slice (.Params.role | default "") (.Params.business | default "") (.Params.neighbourhood_name | default "")) ", " | htmlEscape }}</summary>
<content type="html">{{ .Content | htmlEscape }}</content></entry>
{{ end }}</feed>
"""
)

EVENTS_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Events · {{ site.Title }}</title>
<id>{{ site.BaseURL }}feeds/events.atom</id><updated>{{ now.Format "2006-01-02T15:04:05Z07:00" }}</updated>
{{ range (where site.RegularPages "Section" "events").ByDate.Reverse }}<entry><id>{{ .Permalink }}</id><title>{{ .Title | htmlEscape }}</title>
<updated>{{ (time .Params.start).Format "2006-01-02T15:04:05Z07:00" }}</updated><link rel="alternate" type="text/html" href="{{ .Permalink }}"/>
<content type="html">{{ .Content | htmlEscape }}</content></entry>
{{ end }}</feed>
"""

LAYOUTS = {
    "_default/baseof.html": BASEOF,
    "_default/single.html": SINGLE,
    "_default/single.vcard.vcf": VCARD,
    "_default/list.html": LIST,
    "index.html": HOME,
    "index.searchjson.json": SEARCH,
    "index.directoryjson.json": DIRECTORY,
    "index.membersatom.atom": MEMBERS_ATOM,
    "index.eventsatom.atom": EVENTS_ATOM,
    "events/single.html": EVENT,
    "events/single.faces.html": FACES,
    "events/single.checkin.html": CHECKIN,
    "events/single.checkincsv.csv": CHECKIN_CSV,
    "events/single.eventics.ics": EVENT_ICS,
    "events/list.html": EVENTS,
    "events/list.calendar.ics": CALENDAR,
    "partials/photo.html": PHOTO_PARTIAL,
    "partials/card.html": CARD_PARTIAL,
    "partials/vevent.ics": VEVENT,
}
