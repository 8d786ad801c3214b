"""Settings for publishing: the real address, absolute URLs, a clean output folder."""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from pelicanconf import *  # noqa: E402,F403

# GitHub Pages passes the address in; set SITEURL here for any other host.
SITEURL = os.environ.get("SITEURL", "https://harbourside.example").rstrip("/")
RELATIVE_URLS = False
