"""A scenario's regions by reference: countries by ISO 3166-1 alpha-3 code, first-level regions
by ISO 3166-2 code or name, resolved against the shipped world map (``game.geo``).

A region is the union of its ``countries``, its ``admin1`` regions and its raw ``outline``,
less the scenario regions it names in ``minus``. The references are checked at load (a misspelt
code gets a did-you-mean at its line); the shapes are resolved once per process and serve both
the drawing and the ranges: ``edge_points`` are the points the engine measures a range from
(the edge of the region, about 5 km apart, as for a hand-drawn outline).

>>> import attrs
>>> from game.model import Region
>>> kursk = Region(id="kursk", name="Kursk", admin1=("RU-KRS",))
>>> [round(float(v), 1) for v in bbox_of(shape(kursk))]
[34.1, 50.9, 38.5, 52.4]
>>> problems(Region(id="x", name="X", countries=("UKK",)), {})
[(('countries', 0), "unknown country code 'UKK' (did you mean 'UKR', Ukraine?)")]
"""

from __future__ import annotations

import functools
import unicodedata

import attrs
import numpy as np

from game import colours, geo
from game.diagnostics import did_you_mean
from game.model import Region, Scenario

__all__ = [
    "EDGE_TOLERANCE_DEG",
    "RegionShape",
    "bbox_of",
    "check",
    "edge_points",
    "launch_edges",
    "launch_region_ids",
    "lint",
    "problems",
    "shape",
    "world",
]


@attrs.frozen(eq=False)
class RegionShape:
    """A region's own outline in lon/lat: outer rings (counter-clockwise) and holes, clipped to
    ``clip`` when its ``within`` names one."""

    rings: tuple[np.ndarray, ...]
    holes: tuple[np.ndarray, ...] = ()
    clip: RegionShape | None = None

    def core_contains(self, lon, lat):
        """Inside a ring and in no hole (before the clip)?"""
        return geo.point_in_feature(lon, lat, {"rings": self.rings, "holes": self.holes})

    def contains(self, lon, lat):
        """Is the point (or are the points) inside the region?"""
        inside = self.core_contains(lon, lat)
        if self.clip is not None:
            inside = inside & self.clip.contains(lon, lat)
        return inside


@attrs.frozen
class _Index:
    """The world map's features by the ways a scenario may name them."""

    countries: dict
    admin1: dict

    @functools.cached_property
    def admin1_by_name(self) -> dict[str, list[dict]]:
        """Folded name -> [features]: made at the first reference that is not a code (folding
        4,500 names costs more than the rest of checking a scenario's regions by code)."""
        by_name: dict[str, list[dict]] = {}
        for f in self.admin1.values():
            by_name.setdefault(_fold(f["name"]), []).append(f)
        return by_name


def world() -> dict | None:
    """The shipped world map, or None when its file is missing (a scenario drawn on ``none``)."""
    try:
        return geo.load_basemap(geo.WORLD)
    except geo.BasemapError:
        return None


def _fold(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold().strip()


@functools.lru_cache(maxsize=1)
def _index() -> _Index | None:
    """The names and codes alone (``geo.basemap_meta``): checking references reads no outline."""
    try:
        m = geo.basemap_meta(geo.WORLD)
    except geo.BasemapError:
        return None
    return _Index({c["id"]: c for c in m["countries"]}, {r["id"]: r for r in m["regions"]})


def _words(name: str) -> str:
    """``"Distrito Federal"``, ``"distrito_federal"`` -> ``"distrito federal"``."""
    return " ".join("".join(c if c.isalnum() else " " for c in _fold(name)).split())


def _admin1(index: _Index, ref: str) -> list[dict]:
    """The features a reference in ``admin1:`` denotes (one, several for an ambiguous name): a
    code, a name, or ``<country code>-<name>`` for a name within one country (``KEN-Eastern``,
    ``MEX-Distrito Federal``): the one way to name a region with no ISO 3166-2 code whose name
    another country's region has too."""
    if ref in index.admin1:
        return [index.admin1[ref]]
    found = index.admin1_by_name.get(_fold(ref), [])
    country, dash, name = ref.partition("-")
    if found or not dash:
        return found
    country, name = country.strip().upper(), _words(name)
    return [f for f in index.admin1.values() if country in (f["country"], f.get("iso2")) and _words(f["name"]) == name]


def problems(region: Region, region_ids) -> list[tuple[tuple, str]]:
    """What is wrong with one region's references, as (path inside the region, message)."""
    out: list[tuple[tuple, str]] = []
    if not (region.outline or region.center is not None or region.countries or region.admin1):
        out.append(((), f"region '{region.id}' needs countries, admin1, an outline or a center [lon, lat]"))
    for j, rid in enumerate(region.minus):
        if rid == region.id:
            out.append((("minus", j), f"region '{rid}' cannot be cut out of itself"))
        elif rid not in region_ids:
            out.append((("minus", j), f"unknown region '{rid}'{did_you_mean(rid, list(region_ids))}"))
    if region.within and not region.outline:
        out.append((("within",), "'within' clips an outline; this region has none"))
    if not (region.countries or region.admin1 or region.within):
        return out
    index = _index()
    if index is None:
        out.append(((), "the world map (assets/map/world.npz) is missing: countries, admin1 and within need it"))
        return out
    for j, code in enumerate(region.countries):
        if code not in index.countries:
            out.append((("countries", j), f"unknown country code '{code}'{_country_hint(index, code)}"))
    for j, ref in enumerate(region.admin1):
        found = _admin1(index, ref)
        if len(found) > 1:
            which = ", ".join(f"{f['id']} ({index.countries[f['country']]['name']})" for f in found[:6])
            out.append((("admin1", j), f"'{ref}' names {len(found)} regions: {which}; write its code"))
        elif not found:
            out.append((("admin1", j), f"unknown first-level region '{ref}'{_admin1_hint(index, ref)}"))
    for j, ref in enumerate(region.within):
        if ref not in index.countries and len(_admin1(index, ref)) != 1:
            out.append((("within", j), f"unknown country or first-level region '{ref}'{_any_hint(index, ref)}"))
    return out


def _any_hint(index: _Index, ref: str) -> str:
    """The hint for a code that may be a country's or a first-level region's."""
    return _admin1_hint(index, ref) if "-" in ref else _country_hint(index, ref)


_LOOKALIKES = str.maketrans({"L": "1", "I": "1", "O": "0"})


def _edits(a: str, b: str) -> int:
    """Optimal-string-alignment distance: insertions, deletions, substitutions, swaps of neighbours."""
    d = [[max(i, j) if not (i and j) else 0 for j in range(len(b) + 1)] for i in range(len(a) + 1)]
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[len(a)][len(b)]


def nearest_code(query: str, codes) -> str | None:
    """The code a misspelt one most likely meant: the same once look-alikes are read alike
    (``KR-1l`` is ``KR-11``), else the only one a single edit or swap away (``KRO`` is ``KOR``),
    else difflib's closest.

    >>> nearest_code("KRO", ["UKR", "KOR", "HRV"]), nearest_code("KR-1l", ["KR-41", "KR-11"])
    ('KOR', 'KR-11')
    """
    q = query.upper()
    canon = q.translate(_LOOKALIKES)
    same = [c for c in codes if c.upper().translate(_LOOKALIKES) == canon]
    if len(same) == 1:
        return same[0]
    one_edit = [c for c in codes if abs(len(c) - len(q)) <= 1 and _edits(q, c.upper()) == 1]
    swaps = [c for c in one_edit if len(c) == len(q) and sorted(c.upper()) == sorted(q)]
    same_length = [c for c in one_edit if len(c) == len(q)]  # a swap or a wrong letter before a lost one
    for group in (one_edit, swaps, same_length):
        if len(group) == 1:
            return group[0]
    near = did_you_mean(q, one_edit or list(codes))
    return near.split("'")[1] if near else None


def _country_hint(index: _Index, code: str) -> str:
    """' (did you mean 'IND', India?)': by code, by name, or by a code written in lower case."""
    by_name = {_fold(c["name"]): c for c in index.countries.values()}
    hit = index.countries.get(code.upper()) or by_name.get(_fold(code))
    if hit is None and len(code) <= 4:
        near_code = nearest_code(code, list(index.countries))
        hit = index.countries[near_code] if near_code else None
    if hit is None:
        near = did_you_mean(_fold(code), list(by_name))
        hit = by_name[near.split("'")[1]] if near else None
    if hit is None:
        return " (write an ISO 3166-1 alpha-3 code, e.g. 'IND')"
    return f" (did you mean '{hit['id']}', {hit['name']}?)"


def _admin1_hint(index: _Index, ref: str) -> str:
    """' (did you mean 'RU-KRS', Kursk?)' from the codes, else from the names (of the country
    ``<country code>-<name>`` names, else of the world)."""
    if "-" in ref:
        near_code = nearest_code(ref, [c for c in index.admin1 if c.startswith(ref.upper().split("-")[0] + "-")])
        if near_code:
            f = index.admin1[near_code]
            return f" (did you mean '{f['id']}', {f['name']}?)"
        country, _dash, name = ref.partition("-")
        country = country.strip().upper()
        names = {_words(f["name"]): f for f in index.admin1.values() if country in (f["country"], f.get("iso2"))}
        near = did_you_mean(_words(name), list(names))
        if near:
            f = names[near.split("'")[1]]
            return f" (did you mean '{f['id']}', {f['name']}?)"
    near = did_you_mean(_fold(ref), list(index.admin1_by_name))
    if near:
        f = index.admin1_by_name[near.split("'")[1]][0]
        return f" (did you mean '{f['id']}', {f['name']}?)"
    return " (write an ISO 3166-2 code, e.g. 'RU-KRS')"


def check(scn: Scenario) -> list[tuple[tuple, str, str]]:
    """Every region reference problem of a scenario, as (model path, message, severity)."""
    ids = {r.id for r in scn.map.regions}
    out = []
    for i, region in enumerate(scn.map.regions):
        for path, message in problems(region, ids):
            out.append((("map", "regions", i, *path), message, "error"))
    return out


def shape(region: Region) -> RegionShape:
    """The region's own outline (its countries, admin1 regions and raw outline, clipped to
    ``within``; not ``minus``). Unknown references are left out (the loader reports them)."""
    own = _shape(region.countries, region.admin1, region.outline)
    if not region.within:
        return own
    index = _index()
    countries = tuple(r for r in region.within if index is not None and r in index.countries)
    clip = _shape(countries, tuple(r for r in region.within if r not in countries), ())
    return RegionShape(own.rings, own.holes, clip)


@functools.lru_cache(maxsize=256)
def _shape(countries: tuple[str, ...], admin1: tuple[str, ...], outline: tuple) -> RegionShape:
    rings: list[np.ndarray] = []
    holes: list[np.ndarray] = []
    index = _index() if (countries or admin1) else None
    outlines = world() if index is not None else None
    if index is not None and outlines is not None:
        feats = [index.countries[c] for c in countries if c in index.countries]
        for ref in admin1:
            found = _admin1(index, ref)
            if len(found) == 1:
                feats.append(found[0])
        for f in feats:
            rings.extend(outlines["by_id"][f["id"]]["rings"])
            holes.extend(outlines["by_id"][f["id"]]["holes"])
    if outline:
        rings.append(np.asarray(outline, dtype=float).reshape(-1, 2))
    return RegionShape(tuple(rings), tuple(holes))


def bbox_of(s: RegionShape) -> tuple[float, float, float, float]:
    """(lon_min, lat_min, lon_max, lat_max) of a shape's rings."""
    pts = np.vstack(s.rings)
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return float(lo[0]), float(lo[1]), float(hi[0]), float(hi[1])


EDGE_TOLERANCE_DEG = 0.02
"""Points of one region's edge this close to another's (a shared border, simplified at this
tolerance) count as on it: cutting Crimea out of Ukraine removes the coast they share."""


def _near_edges(pts: np.ndarray, rings, tol: float = EDGE_TOLERANCE_DEG) -> np.ndarray:
    """Which points lie within ``tol`` degrees (planar) of an edge of the rings.

    Each edge is tested only against the points in its box widened by ``tol`` (the points
    sorted by longitude, a slice per edge, then the latitude checked): a few points per edge
    instead of every point against every edge of a ring, with the same figures (the distance
    is computed as before, and a point this close to an edge is always in its box)."""
    near = np.zeros(len(pts), dtype=bool)
    rings = [r for r in rings if len(r)]
    if not len(pts) or not rings:
        return near
    a = np.concatenate(rings)
    b = np.concatenate([np.roll(r, -1, axis=0) for r in rings])
    d = b - a
    ll = np.maximum((d**2).sum(axis=1), 1e-18)
    pad = tol * (1 + 1e-9)  # wider than any rounding of the distance below
    lo, hi = np.minimum(a, b) - pad, np.maximum(a, b) + pad
    order = np.argsort(pts[:, 0], kind="stable")
    xs = pts[order, 0]
    first = np.searchsorted(xs, lo[:, 0], "left")
    count = np.searchsorted(xs, hi[:, 0], "right") - first
    edges = np.flatnonzero(count > 0)
    ends = np.cumsum(count[edges])
    start = 0
    while start < len(edges):  # blocks of about a million (edge, point) pairs
        done = int(ends[start - 1]) if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, done + _PAIRS_PER_BLOCK, "right")))
        block = edges[start:stop]
        n = count[block]
        edge = np.repeat(block, n)
        pi = order[np.arange(len(edge)) - np.repeat(np.cumsum(n) - n, n) + np.repeat(first[block], n)]
        py = pts[pi, 1]
        keep = (py >= lo[edge, 1]) & (py <= hi[edge, 1]) & ~near[pi]
        edge, pi = edge[keep], pi[keep]
        px, py = pts[pi, 0], pts[pi, 1]
        ax, ay, dx, dy = a[edge, 0], a[edge, 1], d[edge, 0], d[edge, 1]
        t = np.clip(((px - ax) * dx + (py - ay) * dy) / ll[edge], 0.0, 1.0)
        gx, gy = px - (ax + t * dx), py - (ay + t * dy)
        near[pi[gx**2 + gy**2 <= tol * tol]] = True
        start = stop
    return near


_PAIRS_PER_BLOCK = 1 << 20


def _flag(values, n: int) -> np.ndarray:
    return np.asarray(values, dtype=bool).reshape(n)


def _own_edge(s: RegionShape) -> np.ndarray:
    """Points along the edge of a shape: its rings, and where it is clipped, the part of its
    rings inside the clip and the part of the clip's edge inside its rings."""
    parts = [geo.densify(r) for r in (*s.rings, *s.holes)]
    pts = np.concatenate(parts) if parts else np.empty((0, 2))
    if s.clip is None or not len(pts):
        return pts
    clip_pts = _own_edge(s.clip)
    inside = _flag(s.clip.contains(pts[:, 0], pts[:, 1]), len(pts))
    kept = _flag(s.core_contains(clip_pts[:, 0], clip_pts[:, 1]), len(clip_pts))
    return np.concatenate([pts[inside], clip_pts[kept]])


def _outer_edge(s: RegionShape) -> np.ndarray:
    """``_own_edge`` without the borders between its own parts (Crimea and Sevastopol share
    one): a point of one ring that lies on another ring's edge is inside the union."""
    rings = (*s.rings, *s.holes)
    if len(rings) < 2:
        return _own_edge(s)
    parts = []
    for i, ring in enumerate(rings):
        pts = geo.densify(ring)
        others = rings[:i] + rings[i + 1 :]
        parts.append(pts[~_near_edges(pts, others)])
    pts = np.concatenate(parts)
    if s.clip is None or not len(pts):
        return pts
    clip_pts = _outer_edge(s.clip)
    inside = _flag(s.clip.contains(pts[:, 0], pts[:, 1]), len(pts))
    kept = _flag(s.core_contains(clip_pts[:, 0], clip_pts[:, 1]), len(clip_pts))
    return np.concatenate([pts[inside], clip_pts[kept]])


def edge_points(region: Region, regions_by_id: dict[str, Region]) -> np.ndarray:
    """The points a range is measured from: along the edge of the region, about 5 km apart
    (``geo.densify``), less what ``minus`` cuts out, plus the cuts' edges inside the region.

    A point of the edge is cut when it is inside a cut region's own rings or on their edge
    (within ``EDGE_TOLERANCE_DEG``); a point of a cut's edge is added when it is inside the
    region, off its edge and outside the other cuts. A region with only an outline gives exactly
    the points the engine measured from before regions by reference."""
    own = shape(region)
    pts = _own_edge(own)
    cuts = [shape(regions_by_id[rid]) for rid in region.minus if rid in regions_by_id and rid != region.id]
    if not cuts or not len(pts):
        return pts
    keep = np.ones(len(pts), dtype=bool)
    for cut in cuts:
        keep &= ~_flag(cut.core_contains(pts[:, 0], pts[:, 1]), len(pts))
        keep &= ~_near_edges(pts, cut.rings + cut.holes)
    out = [pts[keep]]
    own_rings = own.rings + own.holes + ((own.clip.rings + own.clip.holes) if own.clip else ())
    for k, cut in enumerate(cuts):
        edge = _outer_edge(cut)
        if not len(edge):
            continue
        take = _flag(own.contains(edge[:, 0], edge[:, 1]), len(edge)) & ~_near_edges(edge, own_rings)
        for j, other in enumerate(cuts):
            if j != k:
                take &= ~_flag(other.core_contains(edge[:, 0], edge[:, 1]), len(edge))
        out.append(edge[take])
    return np.concatenate(out)


def launch_region_ids(scn: Scenario) -> tuple[str, ...]:
    """The scenario's regions some weapon is launched from, each once, sorted."""
    known = {r.id for r in scn.map.regions}
    return tuple(sorted({rid for w in scn.weapons for rid in w.launch_from if rid in known}))


def launch_edges(scn: Scenario) -> dict[str, np.ndarray]:
    """``edge_points`` of every launch region, by region id: what the engine measures ranges
    from (``game.runners.launch_cache`` keeps them on disk, since the world's borders make
    them the slowest part of loading a scenario)."""
    by_id = {r.id: r for r in scn.map.regions}
    return {rid: edge_points(by_id[rid], by_id) for rid in launch_region_ids(scn)}


SITE_SLACK_KM = 10.0
"""A site this far outside its region's borders is still taken as in it (a coastal base, a
simplified coastline)."""


def lint(scn: Scenario) -> list[tuple[tuple, str]]:
    """Map warnings for ``lint``: actor colours the default palette replaces (too little
    contrast with the map, or like another actor's), and sites outside the borders of the
    region they name."""
    out: list[tuple[tuple, str]] = []
    kept: list[tuple[str, str]] = []
    for i, actor in enumerate(scn.actors):
        if not (actor.color and colours.HEX_RE.match(actor.color)):
            continue
        problem = colours.colour_problem(actor.color, kept)
        if problem:
            out.append((("actors", i, "color"), f"{problem}; the default palette draws '{actor.id}' in another colour"))
        else:
            kept.append((actor.id, actor.color))
    by_id = {r.id: r for r in scn.map.regions}
    for i, site in enumerate(scn.map.sites):
        region = by_id.get(site.region)
        if region is None or not (region.countries or region.admin1):
            continue
        own = shape(region)
        if not own.rings or own.contains(site.lon, site.lat):
            continue
        d = geo.min_distance_km([[site.lon, site.lat]], np.concatenate([geo.densify(r) for r in own.rings]))
        if d > SITE_SLACK_KM:
            out.append((("map", "sites", i, "region"), f"site '{site.id}' is {d:.0f} km outside region '{region.id}'"))
    return out
