"""Big badge documents rendered in runs of whole sheets by forked worker processes, merged.

WeasyPrint is single-threaded pure Python; a run per worker process renders an event of
hundreds of badges on every core, and each process hands its memory back when it ends.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
import select
import signal
import tempfile
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from .lanes import fork_frozen, thaw

logger = logging.getLogger(__name__)

# Below this many sheets a run is not worth a process of its own (fork, fonts subset again).
MIN_SHEETS_PER_RUN = 6


def split_sheets(sheets: int, workers: int) -> list[tuple[int, int]]:
    """Runs of whole sheets (first, last + 1) for the workers; one run for a small event.

    Two runs per worker, so a worker slowed by other work on the machine leaves the last run
    to the other; each run is a document of its own, whose fonts are subset again (a few kB
    each in the merged PDF, and the CJK fonts' memory is only paid by runs that use them).
    """
    if workers < 2 or sheets < 2 * MIN_SHEETS_PER_RUN or not hasattr(os, "fork"):
        return [(0, sheets)]
    count = min(2 * workers, sheets // MIN_SHEETS_PER_RUN)
    size = math.ceil(sheets / count)
    return [(first, min(sheets, first + size)) for first in range(0, sheets, size)]


def in_children(
    render: Callable[[Any], bytes], sources: Iterator[Any], workers: int
) -> list[bytes]:
    """render(source) for each source in a forked process, at most `workers` at a time.

    Forked after the fonts are loaded, so each child starts warm; each child renders one run
    and exits, which hands its memory back. A child's end is seen on a pipe and the child is
    reaped by its pid, so other children of this process are left alone.
    """
    results: list[bytes] = []
    with tempfile.TemporaryDirectory(prefix="familiar-badges-") as tmp:
        running: dict[int, tuple[int, int]] = {}  # pipe fd -> (pid, run)
        count = 0
        failed = ""
        exhausted = False
        try:
            while running or not (exhausted or failed):
                while len(running) < workers and not (exhausted or failed):
                    item = next(sources, None)
                    if item is None:
                        exhausted = True
                        break
                    out = Path(tmp) / f"{count}.pdf"
                    read_end, write_end = os.pipe()
                    pid = fork_frozen()
                    if pid == 0:  # the child: render, write, leave without running exit handlers
                        code = 1
                        try:
                            os.close(read_end)
                            out.write_bytes(render(item))
                            code = 0
                        except BaseException:
                            with contextlib.suppress(BaseException):
                                out.with_suffix(".err").write_text(traceback.format_exc())
                        finally:  # never back into the parent's code, whatever happened
                            os._exit(code)
                    os.close(write_end)
                    running[read_end] = (pid, count)
                    results.append(b"")
                    count += 1
                if not running:
                    break
                ready, _, _ = select.select(list(running), [], [])
                for fd in ready:
                    pid, run = running.pop(fd)
                    os.close(fd)
                    _, status, usage = os.wait4(pid, 0)
                    logger.info("badge run %d: %.1f s CPU, peak %.0f MB", run,
                                usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)  # fmt: skip
                    out = Path(tmp) / f"{run}.pdf"
                    if os.waitstatus_to_exitcode(status) != 0 or not out.is_file():
                        err = out.with_suffix(".err")
                        failed = failed or (
                            err.read_text() if err.is_file() else f"status {status}"
                        )
                    else:
                        results[run] = out.read_bytes()
        finally:  # on an error in this process: stop and reap the workers still running
            thaw()
            for fd, (pid, _) in running.items():
                os.close(fd)
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGTERM)
                    os.waitpid(pid, 0)
        if failed:
            raise RuntimeError(f"badge rendering failed in a worker process:\n{failed}")
    return results


def merge_pdfs(parts: list[bytes]) -> bytes:
    """One PDF from the chunks' PDFs, pages in order, still asking viewers not to scale."""
    import pypdf

    writer = pypdf.PdfWriter()
    for data in parts:
        writer.append(pypdf.PdfReader(io.BytesIO(data)))
    first = pypdf.PdfReader(io.BytesIO(parts[0]))
    if first.metadata:
        writer.add_metadata(dict(first.metadata))
    prefs = writer.create_viewer_preferences()
    prefs[pypdf.generic.NameObject("/PrintScaling")] = pypdf.generic.NameObject("/None")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()
