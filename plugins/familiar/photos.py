"""Member photos: one source file -> checked, cleaned, square, face-first derivatives, cached.

Every photo is untrusted (it arrives by pull request), so it is opened with a format allowlist,
its bytes and pixels are capped before anything is decoded, a decompression bomb or a truncated
file is an error, and the published files are re-encoded from pixels only: no EXIF (GPS), XMP,
ICC profile, comment or maker note survives. The original is never published.

Speed: derivatives live in the cache folder under a key made of the source bytes and every
setting that changes the result, so a rebuild with no photo changes decodes nothing. A small
index maps (path, size, mtime, inode) to that key, so a warm rebuild does not even read the
sources. New photos are spread over worker processes; JPEGs are decoded at reduced scale (draft
mode) and shrunk with reduce() before the final Lanczos resample.

Why no automatic face detection: the only offline detectors that ship their model inside a
package (OpenCV's Haar cascades, MediaPipe) add tens of megabytes and native code, and we have
no set of real portraits here to show one beats the head-and-shoulders heuristic below; a member
whose face is elsewhere sets `photo_focus`.
"""

from __future__ import annotations

import hashlib
import io
import json
import logging
import os
import shutil
import stat
import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import PIL
from PIL import (
    Image,
    ImageChops,
    ImageCms,
    ImageFile,
    ImageFilter,
    ImageOps,
    UnidentifiedImageError,
)

from .errors import FieldError
from .models import Member
from .output import write_atomic
from .photo_sets import PhotoSet, Variant

logger = logging.getLogger(__name__)

try:  # HEIC from phones; optional so a machine without the wheel still builds JPEG/PNG/WebP
    import pillow_heif

    pillow_heif.register_heif_opener()
    HEIF = True
except ImportError:  # pragma: no cover - pillow-heif is a declared dependency
    HEIF = False

FORMATS: tuple[str, ...] = ("JPEG", "PNG", "WEBP") + (("HEIF",) if HEIF else ())
LARGEST = 768  # pixels across the largest derivative; the others are 1/2, 1/4, 1/8 of it
MIN_VARIANT = 64  # smaller reductions than this are left out
MAX_BYTES = 15 * 1024 * 1024
MAX_PIXELS = 64_000_000  # above any phone's default; below Pillow's bomb limit
MIN_SIDE = 256  # warn below this on the short side
MAX_ASPECT = 2.5  # warn when the long side is more than this times the short side
BLUR_LIMIT = 2.0  # sharpness() below which a photo is called very blurry
WEBP_QUALITY = 80
WEBP_METHOD = 2  # libwebp effort 0-6: 3 and 4 make files ~8% smaller at three times the time
DRAFT_SLACK = 0.95  # JPEG draft may decode down to 95% of the largest size (see render())
REDUCING_GAP = 1.5
JPEG_QUALITY = 82
PIPELINE_VERSION = "4"
OK_TYPES = "JPEG, PNG or WebP" + (" (or HEIC)" if HEIF else "")

# Work done in this process (and its workers), for tests and the benchmark: "decoded" counts
# photos decoded, "hashed" sources read and hashed, "reused" photos served from the index.
stats: Counter[str] = Counter()


class PhotoProblem(Exception):
    """A source photo the pipeline refuses; the message completes 'photo: ...'."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Prepared:
    """What the pipeline made of a list of members: photo sets by slug, errors, warnings."""

    photos: dict[str, PhotoSet]
    errors: list[FieldError]
    warnings: list[FieldError]


# --- the crop -----------------------------------------------------------------------------------


def crop_box(
    width: int, height: int, focus: tuple[float, float] | None
) -> tuple[int, int, int, int]:
    """A square around the face: at `focus` (percent) if given, else head-and-shoulders.

    In a tall portrait the face sits in the upper part, so the square is centred 38% down
    (a plain centre crop cuts the forehead off and shows the chest); wide photos are cut in
    the middle.
    """
    side = min(width, height)
    if focus:
        cx, cy = width * focus[0] / 100, height * focus[1] / 100
    else:
        cx, cy = width / 2, (height * 0.38 if height > width else height / 2)
    left = round(min(max(cx - side / 2, 0), width - side))
    top = round(min(max(cy - side / 2, 0), height - side))
    return (left, top, left + side, top + side)


def _percentile(histogram: list[int], q: float) -> int:
    total, acc = sum(histogram), 0
    for value, count in enumerate(histogram):
        acc += count
        if acc >= total * q:
            return value
    return len(histogram) - 1


def sharpness(im: Image.Image) -> float | None:
    """How crisp the strongest edges are, against the picture's contrast (0-100).

    The 99.5th percentile of fine detail (the picture minus a 3x3 blur) over the spread of its
    tones: sharp faces at ~384 px score 10-40, a photo blurred by 4 px of 900 about 3, and
    JPEG noise, which adds weak detail everywhere but no strong edges, barely moves it. None
    for a picture of nearly one tone, where there is nothing to judge.
    """
    g = im.convert("L")
    tones = g.histogram()
    spread = _percentile(tones, 0.98) - _percentile(tones, 0.02)
    if spread < 16:
        return None
    detail = ImageChops.difference(g, g.filter(ImageFilter.BoxBlur(1)))
    return round(_percentile(detail.histogram(), 0.995) / spread * 100, 1)


# --- one photo (runs in worker processes) -------------------------------------------------------


def _kind_message(data: bytes) -> str:
    head = data[:1024].lstrip()
    if head[:1] == b"<" or b"<svg" in head.lower():
        what = "an SVG drawing (SVG can carry scripts)"
    elif head[:4] == b"GIF8":
        what = "a GIF"
    else:
        what = "not a photo Familiar can read"
    return f"is {what}; upload a {OK_TYPES} photo"


def read_source(path: str | Path) -> bytes:
    """The bytes of a photo, refusing links, non-files and anything over MAX_BYTES."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as e:
        if os.path.islink(path):
            raise PhotoProblem("is a symbolic link; upload the photo itself") from None
        raise PhotoProblem(f"cannot be opened ({e.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        st = os.fstat(f.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise PhotoProblem("is not a regular file; upload the photo itself")
        if st.st_size > MAX_BYTES:
            raise PhotoProblem(
                f"is {st.st_size / 1e6:.1f} MB; the most is {MAX_BYTES // 2**20} MB: "
                "export it smaller (2000 pixels across is plenty)"
            )
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise PhotoProblem(f"is larger than {MAX_BYTES // 2**20} MB")
    return data


def _to_rgb(im: Image.Image) -> Image.Image:
    """RGB pixels; transparency is flattened onto white (the page background)."""
    if im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        flat = Image.new("RGB", im.size, (255, 255, 255))
        flat.paste(im, mask=im.getchannel("A"))
        return flat
    return im if im.mode == "RGB" else im.convert("RGB")


_SRGB = None


def _srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """Pixels converted to sRGB from an embedded profile (phones shoot Display P3)."""
    global _SRGB
    if not icc or im.mode not in ("RGB", "CMYK"):
        return im
    try:
        if _SRGB is None:
            _SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        src = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.profileToProfile(im, src, _SRGB, outputMode="RGB") or im
    except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
        return im  # a broken profile: keep the pixels as they are


def render(
    data: bytes, focus: tuple[float, float] | None
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Decode one photo and make its derivatives: (facts about it, file name -> bytes)."""
    # WeasyPrint (badges) switches Pillow's process-wide LOAD_TRUNCATED_IMAGES on when it is
    # imported; a cut-short photo must still be refused here, whoever was imported first.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            im = Image.open(io.BytesIO(data), formats=FORMATS)
        except UnidentifiedImageError:
            raise PhotoProblem(_kind_message(data)) from None
        except (Image.DecompressionBombWarning, Image.DecompressionBombError):
            raise PhotoProblem(
                f"has too many pixels (a decompression bomb?); the most is "
                f"{MAX_PIXELS // 10**6} megapixels"
            ) from None
        w, h = im.size
        if w * h > MAX_PIXELS or w < 1 or h < 1:
            raise PhotoProblem(
                f"is {w}×{h} pixels; the most is {MAX_PIXELS // 10**6} megapixels: export it smaller"
            )
        try:
            orientation = im.getexif().get(0x0112, 1)
        except Exception:  # a damaged EXIF block is no reason to refuse the pixels
            orientation = 1
        short = min(w, h)
        if im.format == "JPEG" and short > LARGEST:
            # Decode at 1/2, 1/4 or 1/8 scale (in the DCT: cheap, and antialiased), keeping the
            # short side at least DRAFT_SLACK of the largest size. A 3024-pixel phone photo
            # decodes at 756 pixels, which become the largest variant as they are: no resample.
            k = LARGEST * DRAFT_SLACK / short
            im.draft("RGB", (max(1, int(w * k + 1)), max(1, int(h * k + 1))))
        icc = im.info.get("icc_profile")
        stats["decoded"] += 1
        try:
            im.load()
        except (OSError, SyntaxError, ValueError, EOFError) as e:
            raise PhotoProblem(
                f"is damaged or cut short ({e}); export or upload it again"
            ) from None
    if orientation in (2, 3, 4, 5, 6, 7, 8):
        im = ImageOps.exif_transpose(im)
    if orientation in (5, 6, 7, 8):
        w, h = h, w
    square = im.crop(crop_box(im.width, im.height, focus))
    square = _to_rgb(_srgb(square, icc))
    side = square.width
    facts: dict[str, Any] = {"width": w, "height": h, "sizes": [], "blur": None, "bytes": {}}
    files: dict[str, bytes] = {}
    # The largest variant is LARGEST pixels, or the whole square when it is smaller (never
    # upscaled); the others are it reduced by 2, 4 and 8, exact area averages that cost
    # nearly nothing. So the only resample is the one to LARGEST, and a reduce() by a whole
    # factor goes first, keeping REDUCING_GAP times the target for the Lanczos filter.
    largest = square
    if side > LARGEST:
        factor = int(side / (LARGEST * REDUCING_GAP))
        if factor >= 2:
            largest = largest.reduce(factor)
        largest = largest.resize((LARGEST, LARGEST), Image.Resampling.LANCZOS)
    judged = None  # sharpness is judged at about 384 px, where faces are seen
    for divisor in (1, 2, 4, 8):
        cur = largest if divisor == 1 else largest.reduce(divisor)
        size = cur.width
        if size < MIN_VARIANT and divisor > 1:
            break
        cur.info = {}  # pixels only: nothing from the source's metadata rides along
        for ext, fmt, opts in (
            ("webp", "WEBP", {"quality": WEBP_QUALITY, "method": WEBP_METHOD}),
            ("jpg", "JPEG", {"quality": JPEG_QUALITY, "optimize": True}),
        ):
            buf = io.BytesIO()
            cur.save(buf, fmt, **opts)
            files[f"{size}.{ext}"] = buf.getvalue()
        if judged is None and size <= 400:
            judged = cur
        facts["sizes"].append(size)
    facts["blur"] = sharpness(judged or cur)
    facts["sizes"].sort()
    facts["bytes"] = {name: len(b) for name, b in files.items()}
    return facts, files


def settings_key(focus: tuple[float, float] | None) -> str:
    """Everything besides the source bytes that changes the derivatives."""
    return repr(
        (
            PIPELINE_VERSION,
            PIL.__version__,
            LARGEST,
            MIN_VARIANT,
            WEBP_QUALITY,
            WEBP_METHOD,
            JPEG_QUALITY,
            DRAFT_SLACK,
            REDUCING_GAP,
            FORMATS,
            focus,
        )
    )


def _object_dir(cache: Path, key: str) -> Path:
    return cache / "objects" / key[:2] / key


Job = tuple[bytes, "tuple[float, float] | None", str, str]  # (source bytes, focus, cache, key)


def make(job: Job) -> dict[str, Any]:
    """Worker: render one source and store its derivatives under its key in the cache."""
    data, focus, cache_dir, key = job
    before = stats["decoded"]
    try:
        facts, files = render(data, focus)
    except PhotoProblem as e:
        return {"error": e.message, "decoded": stats["decoded"] > before}
    except Exception as e:  # any decoder failure on untrusted bytes is the file's problem
        logger.debug("photo failed to decode", exc_info=True)
        return {
            "error": f"cannot be read as an image ({type(e).__name__}: {e})",
            "decoded": stats["decoded"] > before,
        }
    obj = _object_dir(Path(cache_dir), key)
    tmp = obj.with_name(f".{key}.tmp{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    for name, blob in files.items():
        (tmp / name).write_bytes(blob)
    (tmp / "meta.json").write_text(json.dumps(facts))
    try:
        os.rename(tmp, obj)
    except OSError:  # another build stored the same photo first
        for p in tmp.iterdir():
            p.unlink()
        tmp.rmdir()
    return {"facts": facts, "decoded": True}


def _stored_facts(cache: Path, key: str) -> dict[str, Any] | None:
    try:
        return json.loads((_object_dir(cache, key) / "meta.json").read_text())
    except (OSError, ValueError):
        return None


# --- many photos (main process) -----------------------------------------------------------------


def source_problem(members_dir: Path, photo: str) -> tuple[str | None, os.stat_result | None]:
    """Why the photo file a profile names cannot be used (or None), and its lstat.

    One lstat: the build calls this for every photo on every run. Profiles can only name a
    file beside them (models._photo), and this refuses anything else again, so no rule here
    depends on the profile reader.
    """
    if not photo or photo in (".", "..") or "/" in photo or "\\" in photo or "\0" in photo:
        return f"'{photo}' is outside content/members/; put the photo beside your profile", None
    try:
        st = os.lstat(f"{members_dir}/{photo}")  # a string join: a Path costs more than the call
    except FileNotFoundError:
        return f"'{photo}' was not found; upload it to content/members/ beside your profile", None
    except OSError as e:
        return f"'{photo}' cannot be read ({e.strerror})", None
    if stat.S_ISLNK(st.st_mode):
        return f"'{photo}' is a symbolic link; upload the photo itself", None
    if not stat.S_ISREG(st.st_mode):
        return f"'{photo}' is not a file; upload the photo itself", None
    return None, st


def photo_warnings(m: Member, facts: dict[str, Any]) -> list[str]:
    """Things that let a member join but make them harder to recognise."""
    out = []
    w, h = facts["width"], facts["height"]
    if min(w, h) < MIN_SIDE:
        out.append(
            f"'{m.photo}' is only {w}×{h} pixels and will look blurry; upload one at least "
            f"{MIN_SIDE} pixels on its short side (800 or more is best)"
        )
    if max(w, h) > MAX_ASPECT * min(w, h):
        out.append(
            f"'{m.photo}' is {w}×{h}, very long and narrow: the square crop shows only part of "
            "it; crop it closer to your face or set photo_focus: [x, y]"
        )
    blur = facts.get("blur")
    if blur is not None and blur < BLUR_LIMIT:
        out.append(
            f"'{m.photo}' looks very blurry (sharpness {blur:.1f}; sharp photos score 10 or "
            "more); a sharp photo helps people recognise you"
        )
    return out


def _index_path(cache: Path) -> Path:
    return cache / "index.json"


def _load_index(cache: Path) -> dict[str, Any]:
    try:
        index = json.loads(_index_path(cache).read_text())
        return index if isinstance(index, dict) else {}
    except (OSError, ValueError):
        return {}


def _save_index(cache: Path, index: dict[str, Any]) -> None:
    cache.mkdir(parents=True, exist_ok=True)
    write_atomic(_index_path(cache), json.dumps(index, separators=(",", ":")))


def _photo_set(m: Member, key: str, facts: dict[str, Any], cache: str) -> PhotoSet:
    # plain strings, not Paths: this runs for every photo on every build
    variants, counts = [], []
    for size in facts["sizes"]:
        base = f"photos/{m.slug}-{key[:12]}-{size}"
        variants.append(Variant(size, base + ".webp", base + ".jpg"))
        counts += [facts["bytes"][f"{size}.webp"], facts["bytes"][f"{size}.jpg"]]
    folder = f"{cache}/objects/{key[:2]}/{key}"
    return PhotoSet(m.alt, tuple(variants), folder, tuple(counts))


def prepare(members: list[Member], settings: Any, workers: int | None = None) -> Prepared:
    """Photo sets by slug for every member with a usable photo, and the problems found.

    `settings` is a FamiliarSettings (members_path, cache_path, workers are used).
    """
    members_dir: Path = settings.members_path
    cache: Path = Path(settings.cache_path) / "photos"
    workers = workers or settings.workers
    index = _load_index(cache)
    result = Prepared({}, [], [])
    todo: list[tuple[Member, str, list[int]]] = []
    found: dict[str, tuple[str, dict[str, Any]]] = {}
    keys: dict[tuple[float, float] | None, str] = {}
    for m in members:
        if not m.photo:
            continue
        problem, st = source_problem(members_dir, m.photo)
        if problem or st is None:
            result.errors.append(FieldError(m.source, m.line_of("photo"), "photo", str(problem)))
            continue
        path = f"{members_dir}/{m.photo}"
        sig = [st.st_size, st.st_mtime_ns, st.st_ino]
        entry = index.get(path)
        skey = keys.get(m.photo_focus) or keys.setdefault(
            m.photo_focus, settings_key(m.photo_focus)
        )
        if (
            isinstance(entry, dict)
            and entry.get("sig") == sig
            and entry.get("settings") == skey
            and os.path.exists(f"{cache}/objects/{entry['key'][:2]}/{entry['key']}/meta.json")
        ):
            stats["reused"] += 1
            found[m.slug] = (entry["key"], entry["facts"])
        else:
            todo.append((m, path, sig))
    if todo:
        # Read and hash the new or touched sources here: a source whose bytes are already in
        # the cache (a git checkout touched it, two members share a photo) decodes nothing,
        # and each distinct photo is rendered once even when several members use it.
        jobs: dict[str, Job] = {}
        waiting: list[tuple[Member, str, list[int], str]] = []
        for m, path, sig in todo:
            try:
                data = read_source(path)
            except PhotoProblem as e:
                message = f"'{m.photo}' {e.message}"
                result.errors.append(FieldError(m.source, m.line_of("photo"), "photo", message))
                continue
            stats["hashed"] += 1
            skey = keys[m.photo_focus]
            digest = hashlib.blake2b(skey.encode() + b"\0", digest_size=32)  # faster than sha256
            digest.update(data)
            key = digest.hexdigest()
            facts = _stored_facts(cache, key)
            if facts is not None:
                index[path] = {"sig": sig, "settings": skey, "key": key, "facts": facts}
                found[m.slug] = (key, facts)
            else:
                jobs.setdefault(key, (data, m.photo_focus, str(cache), key))
                waiting.append((m, path, sig, key))
        outcomes: dict[str, dict[str, Any]] = {}
        if len(jobs) > 1 and workers > 1:
            with ProcessPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
                outcomes = dict(zip(jobs, pool.map(make, jobs.values()), strict=True))
            # workers count in their own processes; fold their decodes into this one's figures
            stats["decoded"] += sum(1 for o in outcomes.values() if o["decoded"])
        else:
            outcomes = {key: make(job) for key, job in jobs.items()}
        for m, path, sig, key in waiting:
            outcome = outcomes[key]
            if "error" in outcome:
                message = f"'{m.photo}' {outcome['error']}"
                result.errors.append(FieldError(m.source, m.line_of("photo"), "photo", message))
                index.pop(path, None)
                continue
            skey = keys[m.photo_focus]
            index[path] = {"sig": sig, "settings": skey, "key": key, "facts": outcome["facts"]}
            found[m.slug] = (key, outcome["facts"])
        _save_index(cache, index)
    for m in members:
        if m.slug in found:
            key, facts = found[m.slug]
            result.photos[m.slug] = _photo_set(m, key, facts, str(cache))
            for message in photo_warnings(m, facts):
                result.warnings.append(
                    FieldError(m.source, m.line_of("photo"), "photo", message, "warning")
                )
    return result


def prune(cache_path: Path, in_use: set[str], sources: set[str] | None = None) -> int:
    """Delete processed photos whose key is not in `in_use` (photos members replaced or whose
    members left): a build calls this once it has linked every photo it needs. Output files are
    hard links of their own, so the published site keeps what it has. Returns how many went.

    With `sources` (the path of every photo the build used), the index forgets the files not
    among them: every build reads the index, and a photo renamed or replaced left its entry."""
    cache = Path(cache_path) / "photos"
    if sources is not None:
        index = _load_index(cache)
        kept = {path: e for path, e in index.items() if path in sources}
        if len(kept) != len(index):
            _save_index(cache, kept)
    objects = cache / "objects"
    removed = 0
    if not objects.is_dir():
        return 0
    for shard in objects.iterdir():
        if not shard.is_dir() or shard.is_symlink():
            continue
        for folder in shard.iterdir():
            if folder.name not in in_use and folder.is_dir() and not folder.is_symlink():
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
    return removed
