"""Pelican settings for the demo community; copy and edit for your own site."""

import sys
from pathlib import Path

# The plugin is imported here, not named as a string: if it cannot be imported the build stops
# with the import error, instead of Pelican logging it and building a site without members.
sys.path.insert(0, str(Path(__file__).parent / "plugins"))
import familiar  # noqa: E402

SITENAME = "Harbourside Business Circle"
SITEURL = ""  # publishconf.py sets the real address
PATH = "content"
OUTPUT_PATH = "output"
THEME = "theme"
TIMEZONE = "America/Toronto"
DEFAULT_LANG = "en"
PLUGINS = [familiar]

# Familiar settings (all optional; defaults in plugins/familiar/settings.py)
FAMILIAR_MEMBERS_PATH = "members"
FAMILIAR_EVENTS_PATH = "events"

# The directory is the site; Pelican's blog parts switch on only if content/ holds articles.
STATIC_PATHS = ["images", "extra"]
FEED_ALL_ATOM = None  # Familiar writes its own feeds of members and events
CATEGORY_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
TRANSLATION_FEED_ATOM = None
RELATIVE_URLS = False
