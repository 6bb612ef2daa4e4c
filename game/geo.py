"""Great-circle geometry and the shipped basemaps (pure numpy; no pygame).

Coordinates are always ``(lon, lat)`` in degrees, in that order, as in the map files. Distances
are in kilometres on a sphere of the mean Earth radius (IUGG R1 = 6371.0088 km); that is within
about 0.5 % of the ellipsoid, far below the uncertainty of any weapon range in a scenario.

Every function takes scalars or numpy arrays and broadcasts them:

>>> round(float(haversine_km(30.52, 50.45, 37.62, 55.75)))   # Kyiv - Moscow
756
>>> round(float(haversine_km(-82.37, 23.13, -80.19, 25.76)), -1)  # Havana - Miami
370.0
>>> haversine_km([30.52, 30.52], [50.45, 50.45], [37.62, 30.52], [55.75, 50.45]).round()
array([756.,   0.])

A range ring is the set of destination points at every bearing:

>>> ring = range_ring(34.80, 50.91, 300.0, n=64)   # 300 km around Sumy
>>> ring.shape
(64, 2)
>>> bool(np.allclose(haversine_km(34.80, 50.91, ring[:, 0], ring[:, 1]), 300.0))
True

The world basemap (``assets/map/world.npz``, built by ``tools/build_map.py``): every country
by its ISO A3 code and every first-level region by its ISO 3166-2 code:

>>> m = load_basemap("world")
>>> kursk = m["by_id"]["RU-KRS"]
>>> kursk["name"], kursk["country"], bool(point_in_feature(36.19, 51.73, kursk))
('Kursk', 'RUS', True)
"""

from __future__ import annotations

import functools
import hashlib
import json
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from game import resources

if TYPE_CHECKING:  # numpy.typing costs 10 ms at start-up, for annotations only
    from numpy.typing import ArrayLike

__all__ = [
    "EARTH_RADIUS_KM",
    "MAP_DIR",
    "BasemapError",
    "basemap_meta",
    "basemap_names",
    "basemap_version",
    "densify",
    "destination",
    "feature_at",
    "haversine_km",
    "load_basemap",
    "min_distance_km",
    "nearest_km",
    "point_in_feature",
    "point_in_polygon",
    "range_ring",
]

EARTH_RADIUS_KM = 6371.0088
"""Mean Earth radius (IUGG R1), km."""

MAP_DIR = resources.map_dir()
"""Where the shipped basemap lives (``assets/map``, see ``game.resources``)."""

WORLD = "world"
"""The one shipped basemap (``assets/map/world.npz``)."""
BASEMAP_ALIASES = {"europe_east": WORLD, "caribbean": WORLD}
"""Names of the per-scenario basemaps the world replaced; a scenario that names one gets the world."""


def haversine_km(lon1: ArrayLike, lat1: ArrayLike, lon2: ArrayLike, lat2: ArrayLike) -> Any:
    """Great-circle distance in km between (lon1, lat1) and (lon2, lat2), broadcast.

    >>> round(float(haversine_km(0, 0, 180, 0)))   # half the equator
    20015
    """
    lam1, phi1, lam2, phi2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    h = np.sin((phi2 - phi1) / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin((lam2 - lam1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def destination(lon: ArrayLike, lat: ArrayLike, bearing_deg: ArrayLike, dist_km: ArrayLike) -> tuple[Any, Any]:
    """The point reached from (lon, lat) going ``dist_km`` along the initial bearing.

    Bearings are degrees clockwise from north. Returns ``(lon, lat)``, broadcast, with lon
    wrapped to [-180, 180).

    >>> lon, lat = destination(0.0, 0.0, 90.0, 111.19508)   # one degree east on the equator
    >>> round(float(lon), 4), round(float(lat), 4)
    (1.0, 0.0)
    >>> lon, lat = destination(-82.37, 23.13, [0, 180], 1000.0)
    >>> lat.round(2)
    array([32.12, 14.14])
    """
    lam = np.radians(np.asarray(lon, dtype=float))
    phi = np.radians(np.asarray(lat, dtype=float))
    theta = np.radians(np.asarray(bearing_deg, dtype=float))
    delta = np.asarray(dist_km, dtype=float) / EARTH_RADIUS_KM
    sin_phi2 = np.sin(phi) * np.cos(delta) + np.cos(phi) * np.sin(delta) * np.cos(theta)
    phi2 = np.arcsin(np.clip(sin_phi2, -1.0, 1.0))
    lam2 = lam + np.arctan2(np.sin(theta) * np.sin(delta) * np.cos(phi), np.cos(delta) - np.sin(phi) * sin_phi2)
    lon2 = (np.degrees(lam2) + 180.0) % 360.0 - 180.0
    return lon2, np.degrees(phi2)


def range_ring(lon: float, lat: float, radius_km: float, n: int = 128) -> np.ndarray:
    """A true great-circle range ring: ``n`` points ``[lon, lat]`` at ``radius_km``.

    The points are at bearings 0, 360/n, ... clockwise from north; the ring is open (the first
    point is not repeated), so ``pygame.draw.polygon``/``lines(closed=True)`` closes it. For
    rings that cross the antimeridian, the longitudes wrap at +-180.

    >>> r = range_ring(30.52, 50.45, 500.0, n=4)
    >>> r.shape, r[0].round(2).tolist()           # the first point is due north
    ((4, 2), [30.52, 54.95])
    """
    if n < 3:
        raise ValueError("a range ring needs n >= 3 points")
    if radius_km < 0:
        raise ValueError("radius_km must be >= 0")
    bearings = np.arange(n) * (360.0 / n)
    lon2, lat2 = destination(lon, lat, bearings, radius_km)
    return np.column_stack([lon2, lat2])


def point_in_polygon(lon: ArrayLike, lat: ArrayLike, ring_flat: ArrayLike) -> Any:
    """Even-odd test: is (lon, lat) inside the ring ``[x0, y0, x1, y1, ...]``?

    Vectorised over the points; the ring may be open or closed. Planar in lon/lat, which is
    what the (lon/lat) outlines of the basemaps mean. Points exactly on an edge may go either
    way.

    >>> square = [0, 0, 2, 0, 2, 2, 0, 2]
    >>> point_in_polygon(1, 1, square), point_in_polygon(3, 1, square)
    (True, False)
    >>> point_in_polygon([0.5, 1.5, 2.5], [0.5, 1.5, 0.5], square)
    array([ True,  True, False])
    """
    ring = np.asarray(ring_flat, dtype=float).reshape(-1, 2)
    if len(ring) < 3:
        raise ValueError("a ring needs at least 3 points")
    px, py = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    flat_x, flat_y = px.ravel(), py.ravel()
    x0, y0 = ring[:, 0], ring[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    # Only points in the ring's box (widened past any rounding of the crossings) can be inside;
    # the others cross no edge, or an even number: the test runs on the box, in bounded blocks.
    (lo_x, lo_y), (hi_x, hi_y) = ring.min(axis=0), ring.max(axis=0)
    cand = np.flatnonzero((flat_y >= lo_y) & (flat_y <= hi_y) & (flat_x >= lo_x - 1e-9) & (flat_x <= hi_x + 1e-9))
    inside = np.zeros(flat_x.shape, dtype=bool)
    block = max(1, 4_000_000 // len(ring))
    for i in range(0, len(cand), block):
        part = cand[i : i + block]
        pxe, pye = flat_x[part, None], flat_y[part, None]
        crosses = (y0 > pye) != (y1 > pye)
        with np.errstate(divide="ignore", invalid="ignore"):
            xcross = x0 + (pye - y0) * (x1 - x0) / (y1 - y0)
        inside[part] = (np.count_nonzero(crosses & (pxe < xcross), axis=-1) % 2) == 1
    shaped = inside.reshape(px.shape)
    return bool(shaped) if shaped.ndim == 0 else shaped


def point_in_feature(lon: ArrayLike, lat: ArrayLike, feature: dict) -> Any:
    """Is the point inside a basemap feature (any of its ``rings`` and none of its ``holes``)?

    >>> f = {"rings": [[0, 0, 4, 0, 4, 4, 0, 4]], "holes": [[1, 1, 1, 3, 3, 3, 3, 1]]}
    >>> point_in_feature(0.5, 0.5, f), point_in_feature(2, 2, f)
    (True, False)
    """
    px, py = np.broadcast_arrays(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    flat_x, flat_y = px.ravel(), py.ravel()
    inside = np.zeros(flat_x.shape, dtype=bool)
    for rings, value in ((feature["rings"], True), (feature.get("holes", ()), False)):
        for ring in rings:
            # Only the points in the ring's box can be inside it: a country of many islands is
            # tested island by island against a few points, not every point against every edge.
            pts = np.asarray(ring, dtype=float).reshape(-1, 2)
            (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
            cand = np.flatnonzero((flat_x >= x0) & (flat_x <= x1) & (flat_y >= y0) & (flat_y <= y1))
            if len(cand):
                hit = cand[point_in_polygon(flat_x[cand], flat_y[cand], pts)]
                inside[hit] = value
    shaped = inside.reshape(px.shape)
    return bool(shaped) if shaped.ndim == 0 else shaped


def feature_at(lon: float, lat: float, features: list[dict]) -> dict | None:
    """The last feature of the list that contains the point (the one drawn on top), or None.

    Regions in a basemap are ordered by decreasing area, so an enclosed region (the city of
    Kyiv inside Kyiv Oblast) wins over the one around it.

    >>> m = load_basemap("world")
    >>> feature_at(30.52, 50.45, m["regions"])["name"]
    'Kyiv'
    >>> feature_at(34.1, 45.3, m["regions"])["status"]
    'occupied_2014'
    """
    for f in reversed(features):
        if point_in_feature(lon, lat, f):
            return f
    return None


def min_distance_km(points_a: ArrayLike, points_b: ArrayLike) -> float:
    """The smallest great-circle distance between any point of A and any point of B.

    ``points_a`` is ``[n, 2]`` and ``points_b`` ``[m, 2]`` (lon, lat). Computed in blocks so
    that memory stays small for large sets.

    >>> a = [[30.52, 50.45], [36.23, 49.99]]        # Kyiv, Kharkiv
    >>> b = [[36.19, 51.73], [37.62, 55.75]]        # Kursk, Moscow
    >>> round(min_distance_km(a, b))
    193
    """
    a = np.asarray(points_a, dtype=float).reshape(-1, 2)
    b = np.asarray(points_b, dtype=float).reshape(-1, 2)
    if len(a) == 0 or len(b) == 0:
        raise ValueError("min_distance_km needs at least one point in each set")
    best = np.inf
    block = max(1, 1_000_000 // len(b))
    for i in range(0, len(a), block):
        ai = a[i : i + block]
        d = haversine_km(ai[:, None, 0], ai[:, None, 1], b[None, :, 0], b[None, :, 1])
        best = min(best, float(d.min()))
    return best


_CHORD_SLACK = 1e-9
"""Pairs this close (in squared chord on the unit sphere) to a point's nearest are measured
exactly: about a metre, ten million times the rounding of either computation."""


def nearest_km(points: ArrayLike, targets: ArrayLike) -> np.ndarray:
    """Each point's great-circle distance to the nearest target: to the bit the minimum of
    ``haversine_km`` over every pair, at a fraction of the cost. The chord between unit vectors
    (products and sums, no trigonometry per pair) orders the pairs as the distance does; only
    the pairs within ``_CHORD_SLACK`` of each point's nearest are measured with ``haversine_km``.

    >>> nearest_km([[30.52, 50.45], [37.62, 55.75]], [[36.19, 51.73], [36.23, 49.99]]).round(1)
    array([409.4, 456.8])
    """
    p = np.asarray(points, dtype=float).reshape(-1, 2)
    q = np.asarray(targets, dtype=float).reshape(-1, 2)
    if len(q) == 0:
        raise ValueError("nearest_km needs at least one target")
    out = np.empty(len(p))
    (px, py, pz), (qx, qy, qz) = _unit_vectors(p), _unit_vectors(q)
    block = max(1, 1_000_000 // len(q))
    for i in range(0, len(p), block):
        j = slice(i, i + block)
        chord2 = 2.0 - 2.0 * (px[j, None] * qx + py[j, None] * qy + pz[j, None] * qz)
        rows, cols = np.nonzero(chord2 <= chord2.min(axis=1, keepdims=True) + _CHORD_SLACK)
        d = haversine_km(p[i + rows, 0], p[i + rows, 1], q[cols, 0], q[cols, 1])
        best = np.full(len(chord2), np.inf)
        np.minimum.at(best, rows, d)
        out[i : i + block] = best
    return out


def _unit_vectors(lonlat: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    lam, phi = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    cos_phi = np.cos(phi)
    return cos_phi * np.cos(lam), cos_phi * np.sin(lam), np.sin(phi)


def densify(ring: ArrayLike, step_deg: float = 0.05) -> np.ndarray:
    """Points along every edge of a closed ring, about ``step_deg`` apart (each edge cut into
    ``max(1, int(longest side / step))`` equal parts, its end left to the next edge), so that a
    range measured to the nearest point is measured to the edge, not only to the corners.

    For a hand-drawn outline these are the very points (in order, to the bit) the engine used
    before regions by reference, so that such scenarios keep their results.

    >>> densify([[0, 0], [1, 0], [1, 1]]).shape   # 20 + 20 + 20 points on the three edges
    (60, 2)
    """
    pts = np.asarray(ring, dtype=float).reshape(-1, 2)
    if len(pts) == 0:
        return np.empty((0, 2))
    nxt = np.roll(pts, -1, axis=0)
    d = nxt - pts
    parts = np.maximum(1, (np.abs(d).max(axis=1) / step_deg).astype(int))
    edge = np.repeat(np.arange(len(pts)), parts)
    k = np.arange(len(edge)) - np.repeat(np.cumsum(parts) - parts, parts)
    n = parts[edge]
    return np.column_stack(
        [pts[edge, 0] + d[edge, 0] * k / n, pts[edge, 1] + d[edge, 1] * k / n],
    )


class BasemapError(ValueError):
    """A basemap file is missing or does not have the expected structure."""


def basemap_names(map_dir: Path | str | None = None) -> list[str] | None:
    """The names a scenario's ``map.basemap`` may give besides ``none``: the shipped basemaps and
    their older aliases; None if the map folder is missing.

    >>> basemap_names()
    ['caribbean', 'europe_east', 'world']
    """
    folder = Path(map_dir) if map_dir is not None else MAP_DIR
    if not folder.is_dir():
        return None
    names = {p.stem for p in folder.glob("*.npz")}
    return sorted(names | {alias for alias, name in BASEMAP_ALIASES.items() if name in names})


def load_basemap(name: str = WORLD, map_dir: Path | str | None = None) -> dict:
    """Read and check ``assets/map/<name>.npz`` (once per process; the result is shared, read it only).

    Returns a dict: ``source``, ``licence``, ``simplify_deg``, ``bbox``; ``countries`` and
    ``regions``, lists of feature dicts (``id``, ``name``, ``status``, ``disputed``, ``note``,
    ``label`` [lon, lat], ``rings`` and ``holes``: lists of (n, 2) float arrays of lon/lat; a
    region also has ``iso2``, ``country`` (ISO A3) and ``code`` (ISO 3166-2, or "")); ``by_id``,
    every feature by its id (a country's ISO A3, a region's ISO 3166-2 code or
    ``<ISO A3>-<name>``). Raises ``BasemapError`` with the path and the problem when the file is
    missing or damaged.

    >>> try:
    ...     load_basemap("atlantis")
    ... except BasemapError as exc:
    ...     print(exc)  # doctest: +ELLIPSIS
    basemap 'atlantis' not found: .../assets/map/atlantis.npz (available: caribbean, europe_east, world; ...
    """
    folder = Path(map_dir) if map_dir is not None else MAP_DIR
    return _load_basemap(BASEMAP_ALIASES.get(name, name), folder)


def _basemap_path(name: str, folder: Path) -> Path:
    """The basemap's file; raises ``BasemapError`` for a bad name or a missing file."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        raise BasemapError(f"invalid basemap name {name!r}")
    path = folder / f"{name}.npz"
    if not path.is_file():
        known = basemap_names(folder) or []
        raise BasemapError(
            f"basemap {name!r} not found: {path} (available: {', '.join(known) or 'none'}; "
            "the file is built by tools/build_map.py)"
        )
    return path


def basemap_meta(name: str = WORLD) -> dict:
    """The basemap's features without their outlines (ids, names, countries: what a scenario's
    references are checked against), read from its ``meta`` member alone: a quarter of the cost
    of ``load_basemap``, which ``validate`` needs only when it measures a range. Raises
    ``BasemapError`` like ``load_basemap``.

    >>> basemap_meta()["countries"][0].keys() >= {"id", "name"}
    True
    """
    return _basemap_meta(BASEMAP_ALIASES.get(name, name), MAP_DIR)


@functools.lru_cache(maxsize=4)
def _basemap_meta(name: str, folder: Path) -> dict:
    path = _basemap_path(name, folder)
    try:
        with np.load(path, allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes().decode("utf-8"))
    except (OSError, KeyError, ValueError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise BasemapError(f"{path}: cannot read the basemap: {exc}") from exc
    if (
        not isinstance(meta, dict)
        or not isinstance(meta.get("countries"), list)
        or not isinstance(meta.get("regions"), list)
    ):
        raise BasemapError(f"{path}: the file's meta data lacks a key")
    return meta


@functools.lru_cache(maxsize=4)
def basemap_version(name: str = WORLD) -> str:
    """A hash of the basemap file's bytes (what anything measured on it is keyed by), or ""
    when it cannot be read."""
    try:
        path = _basemap_path(BASEMAP_ALIASES.get(name, name), MAP_DIR)
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except (OSError, BasemapError):
        return ""


@functools.lru_cache(maxsize=4)
def _load_basemap(name: str, folder: Path) -> dict:
    path = _basemap_path(name, folder)
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in ("xy", "ring_start", "ring_feature", "ring_hole", "meta")}
        meta = json.loads(arrays["meta"].tobytes().decode("utf-8"))
    except (OSError, KeyError, ValueError, UnicodeDecodeError, zipfile.BadZipFile) as exc:
        raise BasemapError(f"{path}: cannot read the basemap: {exc}") from exc
    return _assemble(meta, arrays, path)


def _assemble(meta: Any, arrays: dict[str, np.ndarray], path: Path) -> dict:
    """The feature dicts with their rings, from the arrays of the file (see ``tools/build_map.py``)."""

    def fail(problem: str) -> None:
        raise BasemapError(f"{path}: {problem}")

    if not isinstance(meta, dict) or not all(
        k in meta for k in ("source", "licence", "simplify_deg", "decimals", "countries", "regions")
    ):
        fail("the file's meta data lacks a key")
    starts = arrays["ring_start"].astype(np.int64)
    owner = arrays["ring_feature"].astype(np.int64)
    hole = arrays["ring_hole"].astype(bool)
    delta = arrays["xy"].astype(np.int64)
    features = [*meta["countries"], *meta["regions"]]
    if (
        delta.ndim != 2
        or delta.shape[1:] != (2,)
        or len(starts) != len(owner) + 1
        or len(hole) != len(owner)
        or starts[0] != 0
        or starts[-1] != len(delta)
        or np.any(np.diff(starts) < 3)
        or (len(owner) and (owner.min() < 0 or owner.max() >= len(features)))
    ):
        fail("its ring arrays do not fit together")
    xy = np.cumsum(delta, axis=0) / float(10 ** int(meta["decimals"]))
    for f in features:
        f["rings"], f["holes"] = [], []
    for ring, fi, is_hole in zip(np.split(xy, starts[1:-1]), owner.tolist(), hole.tolist(), strict=True):
        features[fi]["holes" if is_hole else "rings"].append(ring)
    for f in features:
        if not f["rings"]:
            fail(f"feature {f.get('id')!r} has no outline")
    pts_lo, pts_hi = xy.min(axis=0), xy.max(axis=0)
    return {
        "source": meta["source"],
        "licence": meta["licence"],
        "simplify_deg": meta["simplify_deg"],
        "bbox": [float(pts_lo[0]), float(pts_lo[1]), float(pts_hi[0]), float(pts_hi[1])],
        "countries": meta["countries"],
        "regions": meta["regions"],
        "by_id": {f["id"]: f for f in features},
    }
