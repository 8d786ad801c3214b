"""A second lane for a big build: producers that read nothing the others make, and write files
no other producer writes, run in a forked process beside the rest, so a build on two cores uses
both (most producers are plain Python, one core each).

The child writes its files through an `Output` of its own and sends back what the parent must
know afterwards: the files it wrote (for the manifest, the stamp and the sitemap), how many
changed, the pages it counted and the page keys it recorded. A producer that fails in the child
fails the build in the parent with the same exception.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import gc
import logging
import marshal
import os
import pickle
import select
import signal
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from .output import Output, UnsafeOutputPath

if TYPE_CHECKING:
    from .pages import Producer, Site

logger = logging.getLogger(__name__)


# A full build holds what it loaded frozen until it ends (hold_frozen, let_go).
_holding = False
T = TypeVar("T")


def hold_frozen(load: Callable[[], T]) -> T:
    """`load()` with no collections, then every object frozen (gc.freeze) until let_go().

    What a full build loads lives until the build ends, and loading makes next to no garbage,
    yet the collections of the oldest generation went through it all and found nothing: at
    10,000 members, six in the build's own process took 0.48 s, in its parts on one core (four
    while loading, 0.27 s, two at the end). Processes forked while loading collect nothing
    either; the collector passes over what is frozen, and forks keep it frozen."""
    global _holding
    collecting = gc.isenabled()
    gc.disable()
    try:
        loaded = load()
    finally:
        if collecting:
            gc.enable()
    gc.freeze()
    _holding = True
    return loaded


def let_go() -> None:
    """End hold_frozen (the build is over, or failed): what it held is collected as usual once
    unused, as in a process that builds again (pelican --autoreload, a test run)."""
    global _holding
    if _holding:
        _holding = False
        gc.unfreeze()


def thaw() -> None:
    """In the parent after fork_frozen: unfreeze, unless a build holds its objects frozen."""
    if not _holding:
        gc.unfreeze()


@functools.cache  # registered once, however many builds this process runs
def freeze_at_exit() -> None:
    """At exit, freeze every object first (gc.freeze), which the interpreter's last garbage
    collection then leaves alone.

    The site a big build holds is a web of cycles (the templates' globals name the site), which
    only that collection would free: at ten thousand members it took 0.35 to 0.45 s after
    "Done", to free memory the system takes back anyway. Every exit handler still runs, and
    every file the build wrote is closed by then; only finalizers of objects left in cycles do
    not run, which Python never promises at exit. For big builds only (generator.FREEZE_FROM):
    a process that builds a small site among other work (a test run) may hold other
    libraries' objects whose finalizers want their modules still there."""
    atexit.register(gc.freeze)


def fork_frozen() -> int:
    """os.fork() with the output flushed (else the child prints it again) and the parent's
    objects frozen: the child's garbage collections leave them alone, which would otherwise
    write to (so copy) every memory page holding one. The caller thaws in the parent.

    No collection first (0.13 s at 10,000 members): what garbage is frozen with the rest is
    freed in the parent once it thaws, and the child is short-lived."""
    sys.stdout.flush()
    sys.stderr.flush()
    gc.freeze()
    return os.fork()


def fork_sending(make: Callable[[], bytes]) -> tuple[int, int]:
    """Fork a child that sends `make()` through a pipe and leaves (without running the parent's
    exit handlers; sending nothing if `make` fails); the child's pid and the pipe's read end."""
    read_end, write_end = os.pipe()
    pid = fork_frozen()
    if pid == 0:
        try:
            os.close(read_end)
            data = make()
            with os.fdopen(write_end, "wb") as f:
                f.write(data)
        finally:
            os._exit(0)
    thaw()
    os.close(write_end)
    return pid, read_end


def receive(pid: int, fd: int) -> tuple[bytes, int, Any]:
    """What the child `pid` sent through `fd`, read first (the child waits for its pipe to
    drain), then its exit status and resource usage once it has ended."""
    with os.fdopen(fd, "rb") as f:
        data = f.read()
    _, status, usage = os.wait4(pid, 0)
    return data, status, usage


class Aside:
    """`look()` run in a forked child while this process gets on with something else; its
    value (plain data that `marshal` takes) comes back through a pipe.

    A child that fails, or whose value cannot be sent, sends nothing: `result()` is then None,
    and the caller does the work itself (and meets the failure, if it is one, where it can
    report it)."""

    def __init__(self, look: Callable[[], Any]) -> None:
        self.pid, self.fd = fork_sending(lambda: marshal.dumps(look()))

    def ready(self) -> bool:
        """Whether the child has finished (it writes only once its value is made)."""
        return self.fd < 0 or bool(select.select([self.fd], [], [], 0)[0])

    def result(self) -> Any:
        """The child's value (waiting for it), or None if it sent none."""
        if self.fd < 0:
            return None
        fd, self.fd = self.fd, -1
        data, _, _ = receive(self.pid, fd)
        try:
            return marshal.loads(data)
        except (EOFError, ValueError, TypeError):
            return None


class LaneFailed(Exception):
    """The lane's process ended without a result (killed, or its failure could not be sent)."""


class Lane:
    """`producers` run, in order, in a forked child; `join()` waits and merges its results."""

    def __init__(
        self,
        site: Site,
        out: Output,
        producers: Sequence[Producer],
        run: Callable[[Producer, Site, Output], None],
    ) -> None:
        self.site = site
        self.out = out
        self.producers = list(producers)
        self.run = run
        self.pid = 0
        self.fd = -1

    def start(self) -> None:
        self.pid, self.fd = fork_sending(
            lambda: pickle.dumps(self._produce(), protocol=pickle.HIGHEST_PROTOCOL)
        )

    def _produce(self) -> tuple[str, Any]:
        site = self.site
        out = Output(self.out.root)
        site.pages = {}
        if site.cache is not None:
            site.cache.new = {}
        try:
            for produce in self.producers:
                self.run(produce, site, out)
            records = site.cache.new if site.cache is not None else {}
            return "ok", (out.written, out.changed, site.pages, records, out.seen)
        except BaseException as e:
            text = traceback.format_exc()
            try:
                pickle.dumps(e)
            except Exception:
                return "error", (None, text)
            return "error", (e, text)

    def join(self) -> None:
        """Wait for the lane and add what it did to the build's records (or raise its error)."""
        fd, self.fd = self.fd, -1
        pid, self.pid = self.pid, 0  # reaped by receive: never signalled or waited for again
        data, status, usage = receive(pid, fd)
        logger.info(
            "Familiar: second lane (%s): %.1f s CPU, peak %.0f MB",
            ", ".join(p.__name__ for p in self.producers),
            usage.ru_utime + usage.ru_stime,
            usage.ru_maxrss / 1024,
        )
        try:
            kind, payload = pickle.loads(data)
        except Exception:
            raise LaneFailed(
                f"the build's second process ended without a result (status {status})"
            ) from None
        if kind == "error":
            error, text = payload
            logger.debug("in the build's second process:\n%s", text)
            raise error if error is not None else LaneFailed(text.strip().splitlines()[-1])
        written, changed, pages, records, seen = payload
        both = written & self.out.written
        if both:
            raise UnsafeOutputPath(f"two pages want the same file {sorted(both)[0]!r}")
        self.out.written |= written
        self.out.changed += changed
        self.out.seen.update(seen)
        for kind_, n in pages.items():
            self.site.pages[kind_] = self.site.pages.get(kind_, 0) + n
        if self.site.cache is not None:
            self.site.cache.new.update(records)


def close_quietly(lane: Lane | None) -> None:
    """After a failure elsewhere: stop the lane's process (its work is of no use now) and do
    not leave it behind."""
    if lane is None:
        return
    if lane.fd >= 0:
        with contextlib.suppress(OSError):
            os.close(lane.fd)
        lane.fd = -1
    if lane.pid:
        with contextlib.suppress(OSError):
            os.kill(lane.pid, signal.SIGTERM)
        with contextlib.suppress(OSError):
            os.waitpid(lane.pid, 0)
        lane.pid = 0
