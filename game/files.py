"""Files written so that a crash, a kill or a full disk never leaves half of one.

Every output (results, CSV, reports, saves, settings, logs) goes through ``atomic_write``:
a temporary file beside the target, fsync, then a rename. A reader sees the old file
or the new one, never a mix. Temporary names start with ``TMP`` so they can be cleaned.
"""

from __future__ import annotations

import contextlib
import gzip
import io
import os
import tempfile
from typing import IO, Any

TMP = ".redline-tmp-"
_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_write(path: str, mode: str = "w", gz: bool = False, durable: bool = True):
    """Open ``path`` for writing, atomically; ``gz`` compresses (text mode inside). ``durable=False``
    skips the fsync, for files whose loss after a crash is detected and repaired (a sweep's chunks,
    checked against the manifest's hashes on resume): still never half of one to a reader."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=TMP, dir=folder)
    binary = gz or "b" in mode
    try:
        os.chmod(tmp, 0o666 & ~_UMASK)  # as an ordinary open() would (mkstemp makes it 0600)
        raw: IO[Any] = os.fdopen(fd, "wb") if binary else os.fdopen(fd, mode, encoding="utf-8", newline="")
        with raw:
            if gz:
                with gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=5, mtime=0) as zf, _text(zf) as fh:
                    yield fh
            else:
                yield raw
            raw.flush()
            if durable:
                os.fsync(raw.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def _text(binary):
    fh = io.TextIOWrapper(binary, encoding="utf-8", newline="")
    try:
        yield fh
        fh.flush()
    finally:
        fh.detach()


def die_with_parent(parent: int) -> None:  # pragma: no cover - runs in worker processes
    """Worker-process initializer: end this worker when its parent dies (even by SIGKILL),
    instead of waiting forever on its task queue (Linux; elsewhere a no-op)."""
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, int(signal.SIGKILL))  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)


def remove_stale_temporaries(folder, older_than_s: float = 60.0) -> list[str]:
    """Delete the temporary files a killed write left in ``folder`` (ours only, by prefix, and
    only those untouched for ``older_than_s`` so a write in progress elsewhere is spared)."""
    import time

    removed: list[str] = []
    now = time.time()
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.startswith(TMP):
            continue
        with contextlib.suppress(OSError):
            if (
                entry.is_file(follow_symlinks=False)
                and now - entry.stat(follow_symlinks=False).st_mtime >= older_than_s
            ):
                os.unlink(entry.path)
                removed.append(entry.name)
    return removed
