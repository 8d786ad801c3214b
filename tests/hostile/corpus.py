"""The hostile corpus's data: what each case must do (EXPECTED, SHOWN) and the cases written
by code rather than kept as files (GENERATED), with how to put a case into a site (install)."""

from __future__ import annotations

import io
import shutil
import struct
import textwrap
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image

HOSTILE = Path(__file__).parent  # the case files sit beside this module
HARMLESS = "rendered harmless"
M = "content/members"
E = "content/events"
PROFILE = "cannot be set in a profile: the page address and layout come from the file name and the site's theme"
EVENT = PROFILE.replace("a profile", "an event")
NOT_URL = "expected a web address starting with https://, got"
# Messages from the photo pipeline are its owner's to word; the corpus pins file, line and field.
ANY = "*"

# case -> "rendered harmless", or the exact problems (`path:line: field: message`) it must give.
EXPECTED: dict[str, str | list[str]] = {
    # markup and script in every text field: shown as text
    "script-in-name": HARMLESS,
    "script-in-known-as": HARMLESS,
    "script-in-business": HARMLESS,
    "script-in-interests": HARMLESS,
    "script-in-pronouns": HARMLESS,
    "script-in-photo-alt": HARMLESS,
    "script-in-event-title": HARMLESS,
    "script-in-guest-names": HARMLESS,
    "file-url-in-fields": HARMLESS,
    "quote-breakout-in-website": HARMLESS,
    "yaml-profile-with-html-bio": HARMLESS,
    "jinja-in-every-field": HARMLESS,
    # bios: cleaned to the allowlist
    "raw-html-in-bio": HARMLESS,
    "iframe-in-bio": HARMLESS,
    "form-in-bio": HARMLESS,
    "meta-refresh-in-bio": HARMLESS,
    "javascript-links-in-bio": HARMLESS,
    "entity-encoded-links-in-bio": HARMLESS,
    "reference-style-links-in-bio": HARMLESS,
    "data-and-vbscript-urls-in-bio": HARMLESS,
    "attribute-list-in-bio": HARMLESS,
    "remote-image-in-bio": HARMLESS,
    # handles and websites: only real user names and https addresses
    "script-in-handles": [
        f"{M}/script-in-handles.md:4: handles: twitter: '<script>alert(1)</script>' is not a valid X (Twitter) user name"
    ],
    "javascript-url-in-handles": [
        f"{M}/javascript-url-in-handles.md:4: handles: linkedin: 'javascript:alert(1)' is not a valid LinkedIn user name"
    ],
    "mixed-case-javascript-url-in-handles": [
        f"{M}/mixed-case-javascript-url-in-handles.md:4: handles: mastodon: 'JaVaScRiPt:alert(1)' is not a valid Mastodon user name"
    ],
    "data-url-in-handles": [
        f"{M}/data-url-in-handles.md:4: handles: bluesky: 'data:text/html,<script>alert(1)</script>' is not a valid Bluesky user name"
    ],
    "vbscript-url-in-handles": [
        f"{M}/vbscript-url-in-handles.md:4: handles: instagram: 'vbscript:msgbox(1)' is not a valid Instagram user name"
    ],
    "javascript-url-in-website": [
        f"{M}/javascript-url-in-website.md:3: website: {NOT_URL} 'javascript:alert(1)'"
    ],
    "mixed-case-javascript-url-in-website": [
        f"{M}/mixed-case-javascript-url-in-website.md:3: website: {NOT_URL} 'JaVaScRiPt:alert(1)//https://ok.example'"
    ],
    "entity-encoded-url-in-website": [
        f"{M}/entity-encoded-url-in-website.md:3: website: {NOT_URL} '&#106;avascript:alert(1)'"
    ],
    "data-url-in-website": [
        f"{M}/data-url-in-website.md:3: website: {NOT_URL} 'data:text/html;base64,PHNjcmlwdD5hbGVyd…'"
    ],
    "vbscript-url-in-website": [
        f"{M}/vbscript-url-in-website.md:3: website: {NOT_URL} 'vbscript:msgbox(1)'"
    ],
    "protocol-relative-website": [
        f"{M}/protocol-relative-website.md:3: website: {NOT_URL} '//evil.example/'"
    ],
    "javascript-url-in-venue": [
        f"{E}/javascript-url-in-venue.md:7: venue: url: {NOT_URL} 'javascript:alert(1)'"
    ],
    # output control: the page address comes from the file name only
    "save-as-in-profile": [f"{M}/save-as-in-profile.md:3: save_as: {PROFILE}"],
    "url-in-profile": [f"{M}/url-in-profile.md:3: url: {PROFILE}"],
    "slug-in-profile": [f"{M}/slug-in-profile.md:3: slug: {PROFILE}"],
    "template-in-profile": [f"{M}/template-in-profile.md:3: template: {PROFILE}"],
    "status-in-profile": [f"{M}/status-in-profile.md:3: status: {PROFILE}"],
    "output-control-in-event": [
        f"{E}/output-control-in-event.md:5: save_as: {EVENT}",
        f"{E}/output-control-in-event.md:6: template: {EVENT}",
    ],
    "second-profile-claims-a-page": [
        f"{M}/claim-victim.yaml:1: file name: 'claim-victim' already has a profile in {M}/claim-victim.md; keep one file"
    ],
    "lookalike-slug": [
        f"{M}/jenn-mor\u0430les.md:1: file name: 'jenn-mor\u0430les.md' must be named <slug>.md where the slug uses only lowercase letters a-z, digits and single hyphens, e.g. jenn-morales.md",
        f"{M}/J\u0435nn-Morales.md:1: file name: 'J\u0435nn-Morales.md' must be named <slug>.md where the slug uses only lowercase letters a-z, digits and single hyphens, e.g. jenn-morales.md",
        f"{M}/\uff4aenn.md:1: file name: '\uff4aenn.md' must be named <slug>.md where the slug uses only lowercase letters a-z, digits and single hyphens, e.g. jenn-morales.md",
    ],
    "same-name-twice": HARMLESS,
    # paths and files
    "photo-parent-path": [
        f"{M}/photo-parent-path.md:3: photo: expected 'photo-parent-path.jpg' (or .jpeg, .png, .webp, .heic): your photo sits beside your profile and is named like it, got '../../pelicanconf.py'"
    ],
    "photo-absolute-path": [
        f"{M}/photo-absolute-path.md:3: photo: expected 'photo-absolute-path.jpg' (or .jpeg, .png, .webp, .heic): your photo sits beside your profile and is named like it, got '/etc/passwd'"
    ],
    "photo-remote-url": [
        f"{M}/photo-remote-url.md:3: photo: must be a file beside your profile, not a web address: upload the photo as content/members/photo-remote-url.jpg and write 'photo: photo-remote-url.jpg'"
    ],
    "photo-svg-with-script": [
        f"{M}/photo-svg-with-script.md:3: photo: expected 'photo-svg-with-script.jpg' (or .jpeg, .png, .webp, .heic): your photo sits beside your profile and is named like it, got 'photo-svg-with-script.svg'"
    ],
    "photo-svg-named-jpg": [f"{M}/photo-svg-named-jpg.md:3: photo: {ANY}"],
    "photo-symlink-outside": [f"{M}/photo-symlink-outside.md:3: photo: {ANY}"],
    "profile-symlink-outside": [
        f"{M}/profile-symlink-outside.md:1: file: is a symbolic link; add the file itself"
    ],
    "polyglot-jpeg": HARMLESS,
    "decompression-bomb": [f"{M}/decompression-bomb.md:3: photo: {ANY}"],
    "truncated-image": [f"{M}/truncated-image.md:3: photo: {ANY}"],
    "fifty-mb-photo": [f"{M}/fifty-mb-photo.md:3: photo: {ANY}"],
    # YAML
    "python-tag": [
        f"{M}/python-tag.md:2: name: uses a YAML tag (tag:yaml.org,2002:python/object/apply:os.system); tags are not allowed"
    ],
    "python-tag-on-key": [
        f"{M}/python-tag-on-key.yaml:2: YAML: uses a YAML tag (tag:yaml.org,2002:python/name:os.system); tags are not allowed"
    ],
    "anchor-and-alias": [
        f"{M}/anchor-and-alias.md:2: name: uses a YAML anchor (&n); write the value out in full"
    ],
    "alias-bomb": [
        f"{M}/alias-bomb.yaml:2: a: uses a YAML anchor (&a); write the value out in full"
    ],
    "merge-key": [
        f"{M}/merge-key.yaml:2: handles: '<<' is not a network Familiar knows; use one of twitter, linkedin, mastodon, bluesky, github, instagram, threads, tiktok, youtube, facebook"
    ],
    "duplicate-keys": [
        f"{M}/duplicate-keys.md:4: visibility: appears twice (first on line 3); keep one"
    ],
    "second-document": [
        f"{M}/second-document.yaml:2: YAML: holds a second document ('---'); keep one set of fields"
    ],
    "top-level-list": [
        f"{M}/top-level-list.md:2: front matter: must be a set of 'field: value' lines, got a list"
    ],
    "empty-header": [f"{M}/empty-header.md:2: front matter: is empty; it needs at least a name"],
    "no-front-matter": [
        f"{M}/no-front-matter.md:1: front matter: the file must start with a line '---', then the fields, then '---'"
    ],
    "unclosed-front-matter": [
        f"{M}/unclosed-front-matter.md:1: front matter: the fields are not closed: add a line '---' after the last field"
    ],
    "yaml-words-kept-as-text": HARMLESS,
    "invalid-date": [f"{M}/invalid-date.md:3: joined: '2024-02-30' is not a real date"],
    "deep-nesting": [f"{M}/deep-nesting.yaml:2: interests[1][1][1][1]: is nested too deeply"],
    "too-many-values": [f"{M}/too-many-values.yaml:2: interests[1998]: has more than 2000 values"],
    "five-mb-profile": [
        f"{M}/five-mb-profile.md:1: file: is 5120 KB; a profile must be under 256 KB"
    ],
    "invalid-utf8": [f"{M}/invalid-utf8.md:2: file: is not valid UTF-8 text; save it as UTF-8"],
    "nul-byte": [f"{M}/nul-byte.md:2: file: contains a NUL byte"],
    "bom-and-crlf": HARMLESS,
    "raw-control-char": [
        f"{M}/raw-control-char.md:3: YAML: contains a control character (U+0001); remove it"
    ],
    "yaml-only-line-breaks": [
        f"{M}/yaml-only-line-breaks.md:2: YAML: could not find expected ':'; check indentation, colons and quotes"
    ],
    # hostile text
    "rlo-in-name": [
        f"{M}/rlo-in-name.md:2: name: contains an invisible direction-override character (U+202E); remove it, names show in the right direction on their own"
    ],
    "bidi-isolate-in-business": [
        f"{M}/bidi-isolate-in-business.md:3: business: contains an invisible direction-override character (U+2067); remove it, names show in the right direction on their own"
    ],
    "control-char-in-name": [
        f"{M}/control-char-in-name.md:2: name: contains a control character (U+0007); remove it"
    ],
    "escape-sequence-in-name": [
        f"{M}/escape-sequence-in-name.md:2: name: contains a control character (U+001B); remove it"
    ],
    "zero-width-and-nfc": HARMLESS,
    "long-name": [f"{M}/long-name.md:2: name: is 300 characters long; the most is 100"],
    # personal data: there is no phone field, so a phone number cannot be published by accident
    "phone-field": [
        f"{M}/phone-field.md:3: phone: is not a field Familiar knows; known fields: name, known_as, pronouns, pronunciation, photo, photo_alt, photo_focus, business, role, category, neighbourhood, interests, ask_me_about, looking_for, handles, website, email, show_email, joined, attending, visibility, noindex, github_id, bio"
    ],
}

# Text each harmless case must show verbatim on its own page: escaped, never stripped or run.
SHOWN: dict[str, list[str]] = {
    "script-in-name": ["Eve <script>alert(1)</script><img src=x onerror=alert(2)>"],
    "script-in-known-as": ["<img src=x onerror=alert(1)>", "<script>alert(1)</script> KAY"],
    "script-in-business": [
        "<script>alert(1)</script> & Sons <img src=x onerror=alert(2)>",
        "</dd><script>alert(3)</script>",
        "<img src=x onerror=alert(4)>",
        "<svg onload=alert(5)>",
    ],
    "script-in-interests": ["<script>alert(1)</script>", '"><svg onload=alert(3)>'],
    "script-in-pronouns": ["<img src=x onerror=alert(1)>", "<script>alert(2)</script>"],
    "quote-breakout-in-website": [
        'https://x.example/"><script>alert(1)</script><img/src=x/onerror=alert(2)>'
    ],
    "jinja-in-every-field": ["{{ cycler.__init__.__globals__ }}", "{{ 7*7191 }}", "{{ self }}"],
    "yaml-words-kept-as-text": [
        "NO",
        "yes",
        "012345",
        "1.10",
        "on",
        "0x1F",
        "1e3",
        "true",
        ".inf",
        "2024-02-30",
        "0o17",
        "off",
    ],  # fmt: skip
    "zero-width-and-nfc": ["Zo\u00e9 Lef\u00e8vre", "Caf\u00e9 Ol\u00e9", "zo-AY luh-FEV"],
    "bom-and-crlf": ["Bom Crlf", "A bio with Windows line endings."],
    "script-in-event-title": [
        "<script>alert(1)</script> Patio <img src=x onerror=alert(2)> {{ 7*7191 }}"
    ],
    "script-in-guest-names": ["<script>alert(1)</script> Guest"],
}


def _jpeg(
    size: int = 64, colour: tuple[int, int, int] = (40, 90, 160), noise: bool = False
) -> bytes:
    im = (
        Image.effect_noise((size, size), 80).convert("RGB")
        if noise
        else Image.new("RGB", (size, size), colour)
    )
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def _profile(members: Path, slug: str, front: str, suffix: str = ".md") -> None:
    front = textwrap.dedent(front).strip("\n")
    text = f"---\n{front}\n---\n" if suffix == ".md" else front + "\n"
    (members / f"{slug}{suffix}").write_text(text, encoding="utf-8")


def _png_bomb(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels, with almost no pixel data behind it."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


def gen_photo_symlink_outside(members: Path, outside: Path) -> None:
    (outside / "outside-photo.jpg").write_bytes(_jpeg(colour=(3, 141, 59)))
    (members / "photo-symlink-outside.jpg").symlink_to(outside / "outside-photo.jpg")
    _profile(members, "photo-symlink-outside", "name: Sym Link\nphoto: photo-symlink-outside.jpg")


def gen_profile_symlink_outside(members: Path, outside: Path) -> None:
    (outside / "outside-profile.md").write_text(
        "---\nname: Outside Secret\n---\nSENTINEL-OUTSIDE\n"
    )
    (members / "profile-symlink-outside.md").symlink_to(outside / "outside-profile.md")


def gen_polyglot_jpeg(members: Path, outside: Path) -> None:
    html = b"<html><body><script>alert(1)</script><svg onload=alert(2)></svg></body></html>"
    (members / "polyglot-jpeg.jpg").write_bytes(_jpeg() + html)
    _profile(members, "polyglot-jpeg", "name: Poly Glot\nphoto: polyglot-jpeg.jpg")


def gen_decompression_bomb(members: Path, outside: Path) -> None:
    (members / "decompression-bomb.png").write_bytes(_png_bomb(50_000, 50_000))
    _profile(members, "decompression-bomb", "name: Bomb Png\nphoto: decompression-bomb.png")


def gen_truncated_image(members: Path, outside: Path) -> None:
    data = _jpeg(256, noise=True)
    (members / "truncated-image.jpg").write_bytes(data[: len(data) // 2])
    _profile(members, "truncated-image", "name: Trunc Ated\nphoto: truncated-image.jpg")


def gen_fifty_mb_photo(members: Path, outside: Path) -> None:
    path = members / "fifty-mb-photo.jpg"
    with path.open("wb") as f:  # a real JPEG, then 50 MB of (sparse) padding
        f.write(_jpeg())
        f.truncate(50 * 1024 * 1024)
    _profile(members, "fifty-mb-photo", "name: Fifty Mb\nphoto: fifty-mb-photo.jpg")


def gen_five_mb_profile(members: Path, outside: Path) -> None:
    head = b"---\nname: Five Mb\n---\n"
    (members / "five-mb-profile.md").write_bytes(head + b"x" * (5 * 1024 * 1024 - len(head)))


def gen_too_many_values(members: Path, outside: Path) -> None:
    _profile(
        members,
        "too-many-values",
        "name: Many\ninterests: [" + ", ".join(["a"] * 3000) + "]",
        ".yaml",
    )


def gen_invalid_utf8(members: Path, outside: Path) -> None:
    (members / "invalid-utf8.md").write_bytes(b"---\nname: Bad \xff\xfe Bytes\n---\n")


def gen_nul_byte(members: Path, outside: Path) -> None:
    (members / "nul-byte.md").write_bytes(b"---\nname: Nul\x00 Byte\n---\n")


def gen_raw_control_char(members: Path, outside: Path) -> None:
    (members / "raw-control-char.md").write_bytes(b"---\nname: Raw Ctl\nbusiness: A\x01B\n---\n")


def gen_yaml_only_line_breaks(members: Path, outside: Path) -> None:
    # U+2028 and U+0085 break lines for YAML, not for editors: lines are counted as editors do
    text = "---\nname: Line\u2028Sep\u0085Nel\nbusiness: [unclosed\n---\n"
    (members / "yaml-only-line-breaks.md").write_bytes(text.encode("utf-8"))


def gen_bom_and_crlf(members: Path, outside: Path) -> None:
    text = "\ufeff---\r\nname: Bom Crlf\r\n---\r\nA bio with Windows line endings.\r\n"
    (members / "bom-and-crlf.md").write_bytes(text.encode("utf-8"))


def gen_lookalike_slug(members: Path, outside: Path) -> None:
    for name in (
        "jenn-mor\u0430les",
        "J\u0435nn-Morales",
        "\uff4aenn",
    ):  # Cyrillic a, e; fullwidth j
        _profile(members, name, "name: Jenn Morales")


def gen_second_profile_claims_a_page(members: Path, outside: Path) -> None:
    _profile(members, "claim-victim", "name: Vic Tim")
    _profile(members, "claim-victim", "name: Vic Tim\nbusiness: The real Vic", ".yaml")


def gen_same_name_twice(members: Path, outside: Path) -> None:
    _profile(members, "same-name-a", "name: Sam Same\nbusiness: First")
    _profile(members, "same-name-b", "name: Sam Same\nbusiness: Second")


def gen_script_in_photo_alt(members: Path, outside: Path) -> None:
    (members / "script-in-photo-alt.jpg").write_bytes(_jpeg(colour=(200, 120, 40)))


GENERATED: dict[str, Callable[[Path, Path], None]] = {
    name.removeprefix("gen_").replace("_", "-"): f
    for name, f in dict(globals()).items()
    if name.startswith("gen_")
}
# generated cases whose files are not named after the case
PATHS_OF = {
    "second-profile-claims-a-page": ["claim-victim"],
    "lookalike-slug": ["jenn-mor\u0430les", "J\u0435nn-Morales", "\uff4aenn"],
    "same-name-twice": ["same-name-a", "same-name-b"],
}


def fixture_files() -> dict[str, list[Path]]:
    """case -> its files in tests/hostile/."""
    cases: dict[str, list[Path]] = {}
    for p in sorted(HOSTILE.iterdir()):
        if p.is_file() and p.suffix not in (".py",) and not p.name.startswith("."):
            case = p.name.split(".", 1)[0]
            cases.setdefault(case, []).append(p)
    return cases


def install(case: str, content: Path, outside: Path) -> None:
    """Copy or generate one case's files into a site's content folder."""
    members, events = content / "members", content / "events"
    for p in fixture_files().get(case, []):
        if p.name.endswith(".event.md"):
            shutil.copy(p, events / p.name.replace(".event.md", ".md"))
        else:
            shutil.copy(p, members / p.name)
    if case in GENERATED:
        GENERATED[case](members, outside)
