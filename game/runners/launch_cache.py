"""The points each launch region's ranges are measured from, kept on disk beside the kernels.

Measuring a region's edge along the world's borders (``game.regions.launch_edges``) is most
of the cost of loading a scenario, and its result depends only on the scenario's regions,
the basemap and the code that measures them. So it is computed once per scenario and kept in
``<cache>/launch/e_KEY.npz`` (``REDLINE_CACHE``, else the user's cache folder), keyed by a
hash of the launch regions (and the regions they cut out), the basemap file's bytes and the
source of ``game.regions`` and ``game.geo``; a process keeps the last few in memory too, so a
sweep's points and chunks measure nothing again.

A cache never breaks the game: a missing, truncated, corrupt, foreign or mismatched file, or
a folder that cannot be written, is ignored (the edges are computed, and written again when
possible). The folder keeps the ``KEEP`` most recently used files.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import hashlib
import json
import os
import tempfile
import time
import zipfile
from collections import OrderedDict

import numpy as np
import platformdirs

from game import geo, regions
from game.model import Scenario

FORMAT = "redline-launch-edges/1"
KEEP = 64  # files kept on disk, the most recently used
_MEMORY_KEEP = 8  # scenarios whose edges a process keeps
_memory: OrderedDict[str, dict[str, np.ndarray]] = OrderedDict()


def cache_dir() -> str | None:
    """``<cache>/launch``, made private to this user; None when it cannot be made or is not
    this user's own (then nothing is read or written)."""
    base = os.environ.get("REDLINE_CACHE") or platformdirs.user_cache_dir("redline", appauthor=False)
    path = os.path.join(base, "launch")
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
        st = os.stat(path)
    except OSError:
        return None
    if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
        return None
    return path


@functools.lru_cache(maxsize=1)
def _code_version() -> str:
    """A hash of the code that measures the edges: a change to it is a new key."""
    h = hashlib.sha256()
    for module in (regions, geo):
        with open(module.__file__ or "", "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


def key(scn: Scenario) -> str:
    """The cache key of a scenario's launch edges (see the module's docstring)."""
    by_id = {r.id: r for r in scn.map.regions}
    launch = regions.launch_region_ids(scn)
    needed = sorted(set(launch) | {m for rid in launch for m in by_id[rid].minus if m in by_id})
    described = [[rid, r.countries, r.admin1, r.outline, r.within, r.minus] for rid in needed for r in (by_id[rid],)]
    uses_map = any(by_id[rid].countries or by_id[rid].admin1 or by_id[rid].within for rid in needed)
    text = json.dumps(
        [FORMAT, _code_version(), geo.basemap_version() if uses_map else "", list(launch), described],
        separators=(",", ":"),
    )
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def launch_edges(scn: Scenario) -> dict[str, np.ndarray]:
    """``regions.launch_edges(scn)``, from this process's memory, else the disk cache, else
    computed (and then written to the cache)."""
    if not regions.launch_region_ids(scn):
        return {}
    try:
        k = key(scn)
    except OSError:  # the code's source cannot be read (a frozen install): measure every time
        return regions.launch_edges(scn)
    if k in _memory:
        _memory.move_to_end(k)
        return _memory[k]
    folder = cache_dir()
    path = os.path.join(folder, f"e_{k}.npz") if folder else ""
    edges = _read(path, k, regions.launch_region_ids(scn)) if path else None
    if edges is None:
        edges = regions.launch_edges(scn)
        if path:
            _write(path, k, edges)
            prune(folder or "")
    for points in edges.values():
        points.setflags(write=False)  # shared by every caller in this process
    _memory[k] = edges
    while len(_memory) > _MEMORY_KEEP:
        _memory.popitem(last=False)
    return edges


def _read(path: str, k: str, ids: tuple[str, ...]) -> dict[str, np.ndarray] | None:
    """The edges saved at ``path`` under key ``k``, or None for a file that is missing or is not
    exactly what ``_write`` wrote for this key."""
    try:
        with np.load(path, allow_pickle=False) as z:
            header = json.loads(z["header"].tobytes().decode("utf-8"))
            counts = z["counts"]
            points = z["points"]
    except (OSError, KeyError, ValueError, UnicodeDecodeError, EOFError, zipfile.BadZipFile):
        return None
    if (
        header != {"format": FORMAT, "key": k, "regions": list(ids)}
        or counts.dtype != np.int64
        or counts.shape != (len(ids),)
        or points.dtype != np.float64
        or points.ndim != 2
        or points.shape[1] != 2
        or bool(np.any(counts < 0))
        or int(counts.sum()) != len(points)
        or not bool(np.isfinite(points).all())
    ):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # used: the pruning keeps the most recently used
    return dict(zip(ids, np.split(points, np.cumsum(counts)[:-1]), strict=True))


def _write(path: str, k: str, edges: dict[str, np.ndarray]) -> None:
    """Save the edges under ``path`` (a temporary file renamed into place); a folder that cannot
    be written only means they are measured again next time."""
    ids = list(edges)
    header = json.dumps({"format": FORMAT, "key": k, "regions": ids}).encode("utf-8")
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=os.path.basename(path) + ".", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            np.savez(
                fh,
                header=np.frombuffer(header, dtype=np.uint8),
                counts=np.array([len(edges[r]) for r in ids], dtype=np.int64),
                points=np.concatenate([edges[r] for r in ids]).astype(np.float64).reshape(-1, 2),
            )
        os.replace(tmp, path)
    except OSError:
        pass
    finally:
        if tmp:
            with contextlib.suppress(OSError):
                os.remove(tmp)


def prune(folder: str, keep: int = KEEP) -> None:
    """Keep the ``keep`` most recently used files; remove temporary files older than an hour."""
    found: list[tuple[float, str]] = []
    for path in glob.glob(os.path.join(folder, "e_*")):
        with contextlib.suppress(OSError):
            found.append((os.stat(path).st_mtime, path))
    now = time.time()
    stale = [p for t, p in found if p.endswith(".tmp") and now - t > 3600]
    kept = sorted(((t, p) for t, p in found if not p.endswith(".tmp")), reverse=True)
    for _, path in [*[(0.0, p) for p in stale], *kept[keep:]]:
        with contextlib.suppress(OSError):
            os.remove(path)
