"""The whole community read from content/: members, events, taxonomies, and every problem found."""

from __future__ import annotations

import hashlib
import logging
import pickle
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .checks import run_checks
from .errors import FieldError
from .loading import find_content_files, load_file, resolved
from .models import Event, Member, event_from_doc, member_from_doc
from .output import write_atomic
from .settings import FamiliarSettings
from .signing import machine_key, seal, unpickle_sealed
from .text import slugify, sort_key, taxonomy_key

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Term:
    """An interest or a business category: one name, one page, its listed members."""

    name: str
    slug: str
    members: tuple[Member, ...]


@dataclass
class Community:
    settings: FamiliarSettings
    all_members: list[Member] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    errors: list[FieldError] = field(default_factory=list)
    warnings: list[FieldError] = field(default_factory=list)
    paths_by_slug: dict[str, list[str]] = field(default_factory=dict)
    # slug -> a hash of the member's parsed profile, computed once when the file is parsed and
    # kept in the profile cache: pages keyed by the members they show compare these
    digests: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def members_dir(self) -> Path:
        return self.settings.members_path

    # Lookups are computed once the community is complete (load_community freezes it): page
    # producers ask for them per member, and recomputing would make a build quadratic.
    _memo: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    frozen: bool = False

    def _once(self, name: str, compute: Callable[[], Any]) -> Any:
        if not self.frozen:
            return compute()
        if name not in self._memo:
            self._memo[name] = compute()
        return self._memo[name]

    @classmethod
    def partial(
        cls,
        settings: FamiliarSettings,
        members: list[Member],
        events: list[Event],
        slug_maps: tuple[dict[str, str], dict[str, str], dict[str, str]],
    ) -> Community:
        """A few members with every event, and the term slugs (interests, categories,
        neighbourhoods) the last full build worked out from everyone: enough to make those
        members' own pages (quick.py), not any page that lists members."""
        c = cls(settings, all_members=list(members), events=list(events))
        c.freeze()
        for name, slugs in zip(
            ("interest_slugs", "category_slugs", "neighbourhood_slugs"), slug_maps, strict=True
        ):
            c._memo[name] = slugs
        return c

    def freeze(self) -> None:
        """Mark loading as finished: from now on lookups are computed once and reused."""
        self.frozen = True
        self._memo.clear()

    @property
    def members_by_slug(self) -> dict[str, Member]:
        return self._once("members_by_slug", lambda: {m.slug: m for m in self.all_members})

    @property
    def events_by_slug(self) -> dict[str, Event]:
        return self._once("events_by_slug", lambda: {e.slug: e for e in self.events})

    @property
    def published(self) -> list[Member]:
        """Members with a page of their own: listed and unlisted, never hidden."""
        return self._once("published", lambda: [m for m in self.all_members if m.published])

    @property
    def listed(self) -> list[Member]:
        """Members who appear in listings, in directory order."""
        return self._once("listed", lambda: [m for m in self.all_members if m.listed])

    def _groups(self, values_of: Callable[[Member], tuple[str, ...]]) -> dict:
        # each grouping serves both a term list and a slug map: made once, used twice
        return self._once(f"groups:{values_of.__name__}", lambda: _grouped(self.listed, values_of))

    def interests(self) -> list[Term]:
        return self._once("interests", lambda: _terms(self._groups(_interests_of)))

    def categories(self) -> list[Term]:
        return self._once("categories", lambda: _terms(self._groups(_category_of)))

    def neighbourhoods(self) -> list[Term]:
        return self._once("neighbourhoods", lambda: _terms(self._groups(_neighbourhood_of)))

    def neighbourhood_slugs(self) -> dict[str, str]:
        return self._once("neighbourhood_slugs", lambda: _slug_map(self._groups(_neighbourhood_of)))

    def interest_slugs(self) -> dict[str, str]:
        """Interest text (any spelling) -> its page slug, for linking from member pages."""
        return self._once("interest_slugs", lambda: _slug_map(self._groups(_interests_of)))

    def category_slugs(self) -> dict[str, str]:
        return self._once("category_slugs", lambda: _slug_map(self._groups(_category_of)))


def _interests_of(m: Member) -> tuple[str, ...]:
    return m.interests


def _category_of(m: Member) -> tuple[str, ...]:
    return (m.category,) if m.category else ()


def _neighbourhood_of(m: Member) -> tuple[str, ...]:
    return (m.neighbourhood,) if m.neighbourhood else ()


def _grouped(members, values_of) -> dict[str, tuple[list[Member], Counter]]:
    groups: dict[str, tuple[list[Member], Counter]] = defaultdict(lambda: ([], Counter()))
    for m in members:
        for value in values_of(m):
            key = taxonomy_key(value)
            group = groups[key]
            if not group[0] or group[0][-1] is not m:
                group[0].append(m)
            group[1][value] += 1
    return groups


def _slugs_for(groups) -> dict[str, str]:
    """key -> unique slug; keys whose slugs clash get -2, -3 in key order."""
    taken: dict[str, str] = {}
    out = {}
    for key in sorted(groups):
        slug = base = slugify(key)
        n = 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        taken[slug] = key
        out[key] = slug
    return out


def term_name(counter: Counter | dict[str, int]) -> str:
    """A term's name: the spelling most members use; ties go to the one that sorts first."""
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]


# Each kind of term: its output folder and the values a member gives for it
TERM_KINDS = (
    ("interests", _interests_of),
    ("categories", _category_of),
    ("neighbourhoods", _neighbourhood_of),
)


def term_spellings(c: Community) -> dict[str, dict[str, tuple[str, dict[str, int]]]]:
    """Per kind of term (its folder): key -> (slug, each spelling and how many members use
    it), what the term pages' names and the slug maps are made from (quick_terms.py)."""
    found = {}
    for kind, values_of in TERM_KINDS:
        groups = c._groups(values_of)
        slugs = _slugs_for(groups)
        found[kind] = {key: (slugs[key], dict(counter)) for key, (_, counter) in groups.items()}
    return found


def _terms(groups) -> list[Term]:
    slugs = _slugs_for(groups)
    terms = [
        Term(term_name(counter), slugs[key], tuple(ms)) for key, (ms, counter) in groups.items()
    ]
    return sorted(terms, key=lambda t: sort_key(t.name))


def _slug_map(groups) -> dict[str, str]:
    slugs = _slugs_for(groups)
    return {value: slugs[key] for key, (_, counter) in groups.items() for value in counter}


# slug, display path, member, errors, digest of the member
Loaded = tuple[str, str, Member | None, list[FieldError], str]
_LOADER_CODE = ("loading.py", "fields.py", "models.py", "handles.py", "text.py")
CACHE_FORMAT = "7"  # raise when Loaded changes shape
PARALLEL_FROM = 2000  # profiles; below this, starting worker processes costs more than it saves


def load_member(path: Path, root: Path, ctx: dict[str, Any]) -> Loaded:
    """One profile file read and checked on its own (cross-file checks are not run)."""
    doc, errors = load_file(path, root)
    member = None
    if not errors:
        member, errors = member_from_doc(doc, ctx)
    # repr of a frozen dataclass of text, numbers, dates and tuples: all a page can show
    key = hashlib.blake2b(repr(member).encode("utf-8"), digest_size=12).hexdigest()
    return doc.slug, doc.display, member, errors, key


# Set in the parent just before forking the loading workers: the cache, with the profiles
# found in it already, each worker saves its own shards of (in parallel, not after in the parent)
_FORK_CACHE: ProfileCache | None = None
# and what each worker does with the members it loaded before it sends them (load_members)
_FORK_BESIDE: Callable[[list[Member]], None] | None = None


def _load_shards(args: tuple[list[Path], Path, dict[str, Any], int, int]) -> list[Loaded]:
    """In a worker: load `paths`, the profiles to parse of the cache's shards `n` with
    `n % groups == group`, and save those shards."""
    paths, root, ctx, group, groups = args
    loaded = [load_member(p, root, ctx) for p in paths]
    if _FORK_BESIDE is not None:
        _FORK_BESIDE([member for _, _, member, _, _ in loaded if member is not None])
    cache = _FORK_CACHE
    if cache is not None:
        for path, entry in zip(paths, loaded, strict=True):
            cache.put(path, entry)
        cache.save(lambda n: n % groups == group)
    return loaded


class ProfileCache:
    """Parsed profiles kept between builds, by file path, size and modification time: a rebuild
    reads only the profiles that changed. Forgotten when the loader's code or the zone changes.

    Kept in SHARDS files by a hash of the path, so a build that parsed one profile writes one
    small file again rather than all ten thousand profiles."""

    SHARDS = 32

    def __init__(self, folder: Path, ctx: dict[str, Any], read: bool = True) -> None:
        """`read`: load every shard now (a build); else read shards only when asked (kept)."""
        self.folder = folder
        code = Path(__file__).parent
        h = hashlib.blake2b(repr((ctx, CACHE_FORMAT)).encode(), digest_size=16)
        for name in _LOADER_CODE:
            h.update((code / name).read_bytes())
        self.version = h.hexdigest()
        self.old: dict[str, tuple[int, int, Loaded]] = {}
        self.new: dict[str, tuple[int, int, Loaded]] = {}
        self._old_shards: list[dict[str, tuple[int, int, Loaded]]] = []
        if not read:
            return
        for n in range(self.SHARDS):
            shard = self._read(n)
            self._old_shards.append(shard)
            self.old.update(shard)

    def _read(self, n: int) -> dict[str, tuple[int, int, Loaded]]:
        try:
            # unpickle only what this machine wrote: a cache file that arrived any other way
            # (say, committed in a pull request) is ignored, never loaded
            held = unpickle_sealed(self._path(n).read_bytes(), machine_key())
        except OSError:
            held = None
        if isinstance(held, tuple) and len(held) == 2:
            version, entries = held
            if version == self.version and isinstance(entries, dict):
                return entries
        return {}

    def kept(self, path: str) -> Member | None:
        """The member as the last build that parsed `path` left it in the cache, reading only
        the shard that holds it (quick.py: what the output now shows of an edited profile)."""
        entry = self._read(self.shard(path)).get(path)
        return entry[2][2] if entry else None

    def _path(self, n: int) -> Path:
        return self.folder / "profiles" / f"{n:02d}.pickle"

    def shard(self, path: str) -> int:
        return zlib.crc32(path.encode("utf-8", "surrogateescape")) % self.SHARDS

    def get(self, path: Path) -> Loaded | None:
        if not self.old:  # nothing kept (a first build): not looked at
            return None
        try:
            st = path.lstat()
        except OSError:
            return None
        hit = self.old.get(str(path))
        if hit and hit[0] == st.st_size and hit[1] == st.st_mtime_ns:
            self.new[str(path)] = hit
            return hit[2]
        return None

    def put(self, path: Path, loaded: Loaded) -> Loaded:
        """Keep `loaded`, the profile at `path` as it is now (and return it)."""
        try:
            st = path.lstat()
        except OSError:
            return loaded
        self.new[str(path)] = (st.st_size, st.st_mtime_ns, loaded)
        return loaded

    def save(self, only: Callable[[int], bool] | None = None) -> None:
        """Write the shards whose entries changed (an entry kept from the last build is the
        very same object, so comparing is cheap); `only`: of the shards `n` with `only(n)`."""
        shards: list[dict[str, tuple[int, int, Loaded]]] = [{} for _ in range(self.SHARDS)]
        for path, entry in self.new.items():
            shards[self.shard(path)][path] = entry
        try:
            key = b""
            for n, shard in enumerate(shards):
                if only is not None and not only(n):
                    continue
                if shard == self._old_shards[n] and self._path(n).exists() == bool(shard):
                    continue
                key = key or machine_key()
                self._path(n).parent.mkdir(parents=True, exist_ok=True)
                body = pickle.dumps((self.version, shard), protocol=pickle.HIGHEST_PROTOCOL)
                write_atomic(self._path(n), seal(body, key))
            # the single file of earlier versions
            (self.folder / "profiles.pickle").unlink(missing_ok=True)
        except OSError as e:  # a cache that cannot be written only costs time
            logger.warning("could not save the profile cache %s: %s", self.folder, e)


def load_members(
    settings: FamiliarSettings,
    ctx: dict[str, Any],
    beside: Callable[[list[Member]], None] | None = None,
) -> list[Loaded]:
    """Every profile file loaded, in file order: from the cache when unchanged, else parsed
    (in worker processes when there are many). Worker processes also call `beside` with the
    members they parsed: work the build would do later on one core, done here on all."""
    root = settings.site_root
    resolved.cache_clear()
    paths = find_content_files(settings.members_path)
    cache = ProfileCache(settings.cache_path, ctx)
    results: dict[Path, Loaded] = {}
    todo = []
    for p in paths:
        hit = cache.get(p)
        if hit is None:
            todo.append(p)
        else:
            results[p] = hit
    workers = min(settings.workers, len(todo) // (PARALLEL_FROM // 2))
    if workers >= 2:
        import multiprocessing

        global _FORK_CACHE, _FORK_BESIDE
        # each task parses the profiles of its own shards of the cache (and saves those); four
        # tasks a worker, so this process takes in what the first sent while they go on
        groups = workers * 4
        group_of = [cache.shard(str(p)) % groups for p in todo]
        chunks = [
            ([p for p, g in zip(todo, group_of, strict=True) if g == i], root, ctx, i, groups)
            for i in range(groups)
        ]
        _FORK_CACHE, _FORK_BESIDE = cache, beside
        try:
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                for chunk, loaded in zip(chunks, pool.imap(_load_shards, chunks), strict=True):
                    results.update(zip(chunk[0], loaded, strict=True))
        finally:
            _FORK_CACHE = _FORK_BESIDE = None
    else:
        for p in todo:
            results[p] = cache.put(p, load_member(p, root, ctx))
        cache.save()
    return [results[p] for p in paths]


def load_community(
    settings: FamiliarSettings,
    only: list[Path] | None = None,
    beside: Callable[[list[Member]], None] | None = None,
) -> Community:
    """Read and check every member and event file; problems are collected, never raised.
    `beside`: see load_members."""
    c = Community(settings)
    ctx = {"timezone": settings.timezone}
    root = settings.site_root
    members: list[Member] = []
    for slug, display, member, errors, key in load_members(settings, ctx, beside):
        c.paths_by_slug.setdefault(slug, []).append(display)
        if member is not None and len(c.paths_by_slug[slug]) == 1:
            members.append(member)
            c.digests[slug] = key
        c.errors.extend(errors)
    c.all_members = sorted(members, key=lambda m: sort_key(m.name))
    for path in find_content_files(settings.events_path):
        doc, errors = load_file(path, root)
        if not errors:
            event, errors = event_from_doc(doc, ctx)
            if event is not None:
                c.events.append(event)
        c.errors.extend(errors)
    c.events.sort(key=lambda e: e.start)
    c.freeze()
    for problem in run_checks(c, settings.skip_checks):
        (c.warnings if problem.severity == "warning" else c.errors).append(problem)
    if only is not None:
        wanted = {p.resolve() for p in only}
        c.errors = [e for e in c.errors if (root / e.path).resolve() in wanted]
    c.errors.sort()
    return c
