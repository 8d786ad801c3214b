"""Cache files that hold code or pickles are signed with a key of this machine's.

Unpickling (or unmarshalling) a file can run code. The cache folder sits in the site's folder,
where a pull request could put files of its own; a file is loaded only if it carries the mark of
this machine's key, which lives outside the repository.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import os
import pickle
from pathlib import Path
from typing import Any

# The mark: BLAKE2b keyed with the machine's key (a MAC by design, and at about twice the speed
# of HMAC-SHA-256 here it matters: a quick rebuild checks and signs some twenty megabytes)
MAC_BYTES = 32


def _mac(key: bytes, body: bytes = b"") -> Any:
    return hashlib.blake2b(body, key=key, digest_size=MAC_BYTES)


def machine_key() -> bytes:
    """A secret kept outside the repository (made on first use)."""
    folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "familiar"
    return _key_at(folder / "cache-key")


@functools.cache
def _key_at(path: Path) -> bytes:
    # read once per process: every signed cache file (a build reads dozens) needs it
    try:
        key = path.read_bytes()
        # BLAKE2b takes a key of 64 bytes at most; a key too short to keep a secret is made anew
        if 32 <= len(key) <= 64:
            return key
        path.unlink()
    except OSError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it meanwhile: theirs
        return path.read_bytes()
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


def signer() -> Any:
    """This machine's mark, made a piece at a time (`update`) over a file written or read a
    line at a time: the mark `seal` puts in front of a whole body."""
    return _mac(machine_key())


def seal(body: bytes, key: bytes | None = None) -> bytes:
    """`body` with this machine's mark in front."""
    return _mac(key or machine_key(), body).digest() + body


def unseal(data: bytes, key: bytes | None = None) -> bytes | None:
    """The body of sealed `data` if this machine sealed it, else None."""
    mac, body = data[:MAC_BYTES], data[MAC_BYTES:]
    if len(mac) == MAC_BYTES and hmac.compare_digest(
        mac, _mac(key or machine_key(), body).digest()
    ):
        return body
    return None


def unpickle_sealed(data: bytes, key: bytes | None = None, prefix: bytes = b"") -> Any:
    """What sealed `data` holds after `prefix`, if this machine sealed it and it unpickles;
    else None."""
    body = unseal(data, key)
    if body is None or not body.startswith(prefix):
        return None
    try:
        return pickle.loads(body[len(prefix) :])
    except (pickle.UnpicklingError, ValueError, EOFError, AttributeError, TypeError):
        return None  # written by another version of the code
