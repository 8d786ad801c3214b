"""Online handles: what each network's names look like, how people write them, where they link."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .fields import Invalid, PickledAsCall, clean_text, describe, shorten
from .loading import Node


@dataclass(frozen=True)
class Network:
    key: str
    label: str
    pattern: str
    url: Callable[[str], str]
    shown: Callable[[str], str]


def _at(h: str) -> str:
    return "@" + h


_USER = r"[A-Za-z0-9_.]{1,30}"

NETWORKS: dict[str, Network] = {
    n.key: n
    for n in [
        Network(
            "twitter", "X (Twitter)", r"[A-Za-z0-9_]{1,15}", lambda h: f"https://x.com/{h}", _at
        ),
        Network(
            "linkedin",
            "LinkedIn",
            r"(in|company)/[A-Za-z0-9\-_%]{2,100}",
            lambda h: f"https://www.linkedin.com/{h}",
            lambda h: h,
        ),
        Network(
            "mastodon",
            "Mastodon",
            r"[A-Za-z0-9_]{1,30}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+",
            lambda h: "https://{1}/@{0}".format(*h.split("@", 1)),
            _at,
        ),
        Network(
            "bluesky",
            "Bluesky",
            r"[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+",
            lambda h: f"https://bsky.app/profile/{h}",
            _at,
        ),
        Network(
            "github",
            "GitHub",
            r"[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}",
            lambda h: f"https://github.com/{h}",
            _at,
        ),
        Network("instagram", "Instagram", _USER, lambda h: f"https://www.instagram.com/{h}/", _at),
        Network("threads", "Threads", _USER, lambda h: f"https://www.threads.net/@{h}", _at),
        Network("tiktok", "TikTok", _USER, lambda h: f"https://www.tiktok.com/@{h}", _at),
        Network(
            "youtube",
            "YouTube",
            r"[A-Za-z0-9_.\-]{3,30}",
            lambda h: f"https://www.youtube.com/@{h}",
            _at,
        ),
        Network(
            "facebook",
            "Facebook",
            r"[A-Za-z0-9.]{5,50}",
            lambda h: f"https://www.facebook.com/{h}",
            lambda h: h,
        ),
    ]
}
ALIASES = {"x": "twitter"}
# the order handles are shown in, and which one a badge prints as "the" handle
PREFERENCE = ["twitter", "instagram", "linkedin", "mastodon", "bluesky", "threads", "tiktok",
              "youtube", "facebook", "github"]  # fmt: skip


@dataclass(frozen=True, slots=True)
class Handle(PickledAsCall):
    network: str
    label: str
    name: str
    shown: str
    url: str


def normalise(network: Network, raw: str) -> str:
    """The handle without decorations people add: a leading @, a pasted profile URL prefix."""
    h = raw.strip()
    if network.key == "linkedin":
        h = re.sub(r"^(https?://)?(www\.)?linkedin\.com/", "", h).strip("/")
    elif network.key == "mastodon":
        m = re.fullmatch(r"https?://([^/]+)/@([A-Za-z0-9_]+)/?", h)
        h = f"{m.group(2)}@{m.group(1)}" if m else h.lstrip("@")
    else:
        h = h.lstrip("@")
    return h


def read_handles(node: Node, ctx: dict[str, Any]) -> tuple[Handle, ...]:
    """The `handles:` field: a mapping of network to name, checked against each network's rules."""
    if node.value is None:
        return ()
    if not isinstance(node.value, dict):
        raise Invalid(f"expected lines like 'twitter: jennmorales' under it, got {describe(node)}")
    found: dict[str, Handle] = {}
    for key, item in node.value.items():
        net = NETWORKS.get(ALIASES.get(key.lower(), key.lower()))
        if net is None:
            raise Invalid(
                f"'{shorten(key)}' is not a network Familiar knows; use one of {', '.join(NETWORKS)}",
                item.line,
            )
        if not isinstance(item.value, str):
            raise Invalid(f"{key}: expected a user name, got {describe(item)}", item.line)
        name = normalise(net, clean_text(item.value))
        if not re.fullmatch(net.pattern, name):
            raise Invalid(
                f"{key}: '{shorten(item.value)}' is not a valid {net.label} user name", item.line
            )
        found[net.key] = Handle(net.key, net.label, name, net.shown(name), net.url(name))
    return tuple(found[k] for k in PREFERENCE if k in found)
