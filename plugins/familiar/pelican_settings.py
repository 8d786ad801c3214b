"""Adjusts Pelican's own settings so the site is a directory, safely rendered, not a blog."""

from __future__ import annotations

import logging
import os
import subprocess
from pathlib import Path
from typing import Any

from .errors import ContentErrors, FieldError
from .pagecache import TemplateCache
from .settings import FamiliarSettings, read_settings

logger = logging.getLogger(__name__)

_BLOG_OFF = {
    "DIRECT_TEMPLATES": [],
    "FEED_ALL_ATOM": None,
    "FEED_ALL_RSS": None,
    "CATEGORY_FEED_ATOM": None,
    "CATEGORY_FEED_RSS": None,
    "TAG_FEED_ATOM": None,
    "TAG_FEED_RSS": None,
    "AUTHOR_FEED_ATOM": None,
    "AUTHOR_FEED_RSS": None,
    "TRANSLATION_FEED_ATOM": None,
    "TRANSLATION_FEED_RSS": None,
    "TAG_SAVE_AS": "",
    "TAGS_SAVE_AS": "",
    "CATEGORY_SAVE_AS": "",
    "CATEGORIES_SAVE_AS": "",
    "AUTHOR_SAVE_AS": "",
    "AUTHORS_SAVE_AS": "",
    "ARCHIVES_SAVE_AS": "",
}


def has_articles(settings: dict[str, Any], excluded: list[str]) -> bool:
    """Whether the content folder holds blog articles besides the directory's own files."""
    content = Path(settings["PATH"])
    extensions = {".md", ".markdown", ".rst", ".html", ".htm"}
    for sub in settings.get("ARTICLE_PATHS") or [""]:
        base = content / sub
        for dirpath, dirnames, filenames in os.walk(base):
            rel = Path(dirpath).relative_to(content).as_posix()
            dirnames[:] = [
                d for d in dirnames if (f"{rel}/{d}" if rel != "." else d) not in excluded
            ]
            if any(Path(f).suffix.lower() in extensions for f in filenames):
                return True
    return False


def check_cache_not_in_git(fam: FamiliarSettings) -> None:
    """Stop if git tracks files in the cache folder: the build trusts that folder as its own
    earlier work, and a pull request could otherwise plant files there (photos, pages)."""
    try:
        found = subprocess.run(
            ["git", "ls-files", "-z", "--", str(fam.cache_path)],
            cwd=fam.site_root,
            capture_output=True,
            timeout=20,
        )
    except (OSError, subprocess.TimeoutExpired):
        return  # not a git checkout, or no git: nothing can have arrived that way
    if found.returncode == 0 and found.stdout:
        first = found.stdout.split(b"\0")[0].decode(errors="replace")
        problem = FieldError(
            first,
            1,
            "file",
            "is in the build's cache folder, which must not be in git: remove the folder "
            "from the repository (git rm -r --cached) and keep it in .gitignore",
        )
        logger.error("%s", problem)
        raise ContentErrors([problem])


def configure(pelican: Any) -> None:
    """Signal `initialized`: check FAMILIAR_* settings, turn autoescape on and keep compiled
    templates, keep Pelican's readers away from profiles and originals of photos, and switch
    the blog off when there are no articles."""
    settings = pelican.settings
    fam = read_settings(settings)
    check_cache_not_in_git(fam)
    # the theme's static files are written by pages.theme_files, only when they change
    if settings.get("THEME_STATIC_DIR", "theme") == "theme":
        settings["THEME_STATIC_PATHS"] = []
    jinja = dict(settings.get("JINJA_ENVIRONMENT") or {})
    jinja["autoescape"] = True
    # Pelican looks up its blog templates in every build, even with no blog: compiled once and
    # kept (signed) with Familiar's own, they cost a few milliseconds, not some fifty
    jinja.setdefault("bytecode_cache", TemplateCache(fam.cache_path / "templates"))
    settings["JINJA_ENVIRONMENT"] = jinja
    own = [
        fam.members_path.relative_to(fam.content_path).as_posix(),
        fam.events_path.relative_to(fam.content_path).as_posix(),
    ]
    for key in ("ARTICLE_EXCLUDES", "PAGE_EXCLUDES", "STATIC_EXCLUDES"):
        settings[key] = list(dict.fromkeys([*(settings.get(key) or []), *own]))
    if has_articles(settings, settings["ARTICLE_EXCLUDES"]):
        if settings.get("INDEX_SAVE_AS", "index.html") == "index.html":
            settings["INDEX_SAVE_AS"] = "blog/index.html"
            settings["INDEX_URL"] = "blog/"
    else:
        settings.update(_BLOG_OFF)
