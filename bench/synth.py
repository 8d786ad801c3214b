"""Synthetic communities for benchmarks: N members, M events, small photos, realistic text.

    python bench/synth.py DIR --members 1000 --events 20

Writes a complete Familiar site folder (content/, pelicanconf.py, theme and plugins linked from
this repository). Deterministic for a given seed and day, so runs are comparable.

The events are spread evenly over ten badge windows (FAMILIAR_BADGES_DAYS_AHEAD, 60 days): eight
before the day it runs and two after, so a tenth of them (and of the members' RSVPs) fall in
the window whose badges a build draws, at every size: badge work grows with N, as members do.
The site's pelicanconf.py pins that day (FAMILIAR_TODAY), so a site reused later builds alike.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import io
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

FIRST = ["Ana", "Ben", "Chloé", "Dmitri", "Émile", "Fatima", "Grace", "Hiro", "Inès", "Jamal",
         "Kofi", "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quinn", "Rosa", "Sven", "Tariq",
         "Uma", "Viktor", "Wen", "Ximena", "Yusuf", "Zoë", "Hương", "Siobhán", "José", "Ngozi"]  # fmt: skip
LAST = ["Abara", "Bianchi", "Castillo", "Dubois", "Eriksen", "Fischer", "García", "Haddad",
        "Ivanova", "Jensen", "Kowalski", "Lefèvre", "Morales", "Nguyễn", "O'Connor", "Petrov",
        "Quispe", "Rahman", "Sato", "Tanaka", "Urquhart", "Varga", "Wiśniewski", "Xu", "Yilmaz",
        "Zhang", "Okafor", "Brooks", "Sharma", "Whitfield"]  # fmt: skip
OTHER_SCRIPTS = ["ليلى حداد", "陈伟", "प्रिया शर्मा", "김민준", "Αλέξης Παππάς", "Иван Петров"]
CATEGORIES = ["Food & Drink", "Retail", "Finance", "Marketing", "Technology", "Health & Wellness",
              "Professional Services", "Construction", "Education", "Arts", "Real Estate",
              "Hospitality", "Transport", "Beauty", "Non-profit", "Legal", "Media", "Crafts",
              "Fitness", "Consulting"]  # fmt: skip
NEIGHBOURHOODS = ["Downtown", "Harbour", "Old Town", "Lakeshore", "North End", "Westside",
                  "Millbrook", "Eastgate"]  # fmt: skip
WORDS = [
    "community",
    "local",
    "business",
    "people",
    "coffee",
    "bakery",
    "design",
    "marketing",
    "growth",
    "customers",
    "neighbourhood",
    "friendly",
    "small",
    "shop",
    "service",
    "quality",
    "craft",
    "team",
    "years",
    "family",
    "owned",
    "support",
    "events",
    "network",
    "help",
    "clients",
    "projects",
    "ideas",
    "learning",
    "sharing",
    "open",
    "weekly",
    "market",
    "garden",
    "cycling",
    "sailing",
    "music",
    "photography",
    "writing",
    "accounting",
    "planning",
    "restaurant",
    "retail",
    "wellness",
    "yoga",
    "training",
    "software",
    "websites",
    "printing",
    "flowers",
]
INTEREST_A = ["coffee", "sourdough", "cycling", "sailing", "gardening", "jazz", "chess", "hiking",
              "pottery", "podcasts", "running", "film", "wine", "tea", "climbing", "birding",
              "kayaking", "baking", "reading", "knitting"]  # fmt: skip
INTEREST_B = ["", " roasting", " clubs", " history", " photography", " for beginners",
              " events", " tech", " design", " travel", " books", " markets", " nights",
              " workshops", " trails"]  # fmt: skip


def interests_vocabulary() -> list[str]:
    return [a + b for a in INTEREST_A for b in INTEREST_B]  # 300 interests


def bio(rng: random.Random) -> str:
    n = rng.randint(100, 200)
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    for i in range(12, n, rng.randint(12, 20)):
        words[i] = words[i] + "."
    words[rng.randrange(n)] = f"**{rng.choice(WORDS)}**"
    words[rng.randrange(n)] = f"[{rng.choice(WORDS)}](https://example.com/{rng.choice(WORDS)})"
    half = n // 2
    return " ".join(words[:half]) + ".\n\n" + " ".join(words[half:]) + "."


def small_photo(rng: random.Random) -> bytes:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (300, 400), tuple(rng.randrange(256) for _ in range(3)))
    d = ImageDraw.Draw(im)
    d.ellipse((90, 60, 210, 200), fill=(224, 172, 105))
    d.rectangle((50, 230, 250, 400), fill=tuple(rng.randrange(256) for _ in range(3)))
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def member_name(i: int, rng: random.Random) -> str:
    if i % 50 == 7:
        return OTHER_SCRIPTS[i % len(OTHER_SCRIPTS)]
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


@functools.cache  # the plugins' folder put on sys.path once, however often it is asked
def badge_window() -> int:
    """FAMILIAR_BADGES_DAYS_AHEAD's default: badges are drawn for events this many days ahead."""
    sys.path.insert(0, str(REPO / "plugins"))
    from familiar.settings import DEFAULTS

    return DEFAULTS["FAMILIAR_BADGES_DAYS_AHEAD"]


def event_days(events: int, today: dt.date) -> list[dt.date]:
    """The events' days, in order: one every 10 windows / `events`, the last ones 2 windows
    ahead, none on a window's edge. With 10, 20, ... events, exactly a tenth start within the
    badge window (after today, at most FAMILIAR_BADGES_DAYS_AHEAD days ahead), a tenth later."""
    window = badge_window()
    step = 10 * window / events
    ahead = 2 * window - step / 2  # the last event, half a step before the span's end
    return [
        today + dt.timedelta(days=round(ahead - (events - 1 - j) * step)) for j in range(events)
    ]


def generate(
    root: Path,
    members: int,
    events: int,
    seed: int = 1,
    photos: bool = True,
    today: dt.date | None = None,
) -> dict:
    """Write a synthetic site into `root`; returns the plain data (names, bios) for baselines.
    The events are placed around `today` (default: the day it runs; see the module's notes)."""
    rng = random.Random(seed)
    today = today or dt.date.today()
    days = event_days(events, today)
    content = root / "content"
    for sub in ("members", "events"):
        (content / sub).mkdir(parents=True, exist_ok=True)
    vocab = interests_vocabulary()
    photo_pool = [small_photo(rng) for _ in range(50)] if photos else []
    people = []
    for i in range(members):
        slug = f"member-{i:05d}"
        name = member_name(i, rng)
        attending = sorted({f"meetup-{rng.choice(days)}" for _ in range(rng.randint(0, 3))})
        text = bio(rng)
        lines = [
            "---",
            f'name: "{name}"',
            f"business: {rng.choice(WORDS).title()} {rng.choice(WORDS).title()} Ltd",
            f"role: {rng.choice(['Owner', 'Founder', 'Manager', 'Director', 'Partner'])}",
            f"category: {rng.choice(CATEGORIES)}",
            f"neighbourhood: {rng.choice(NEIGHBOURHOODS)}",
            f"interests: [{', '.join(rng.sample(vocab, rng.randint(3, 8)))}]",
            f"ask_me_about: [{rng.choice(WORDS)} {rng.choice(WORDS)}]",
            "handles:",
            f"  twitter: user{i}",
            f"  linkedin: in/user-{i}",
            f"website: https://member{i}.example",
            f"joined: 2025-{1 + i % 12:02d}-{1 + i % 28:02d}",
        ]
        if attending:
            lines.append(f"attending: [{', '.join(attending)}]")
        if photos and i % 5 != 0:
            lines.append(f"photo: {slug}.jpg")
            (content / "members" / f"{slug}.jpg").write_bytes(photo_pool[i % len(photo_pool)])
        lines += ["---", text, ""]
        (content / "members" / f"{slug}.md").write_text("\n".join(lines), encoding="utf-8")
        people.append({"slug": slug, "name": name, "bio": text})
    for j, day in enumerate(days):
        (content / "events" / f"meetup-{day}.md").write_text(
            f"---\ntitle: Weekly meetup {j + 1}\nstart: {day} 17:30\nend: {day} 19:30\n"
            f"venue:\n  name: The Harbour Patio\n  address: 12 Lakeshore Rd\n---\n"
            "Come and meet the neighbours.\n",
            encoding="utf-8",
        )
    conf = (REPO / "pelicanconf.py").read_text(encoding="utf-8")
    conf += (
        f"\n# the day bench/synth.py placed the events around\nFAMILIAR_TODAY = {str(today)!r}\n"
    )
    (root / "pelicanconf.py").write_text(conf, encoding="utf-8")
    for link in ("plugins", "theme"):
        target = root / link
        if not target.exists():
            target.symlink_to(REPO / link)
    return {"people": people}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--events", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    generate(args.folder, args.members, args.events, args.seed)
    print(f"wrote {args.members} members and {args.events} events to {args.folder}")


if __name__ == "__main__":
    main()
