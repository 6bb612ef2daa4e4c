#!/usr/bin/env python3
"""One-time conversion of Natural Earth outlines into Redline's basemaps.

This is a tool for maintainers, not part of the game: the game only reads the JSON files it
writes (``assets/map/europe_east.json`` and ``assets/map/caribbean.json``), which are committed.

Getting the input (Natural Earth 1:10m v4.1.0, admin-0 and admin-1, as packaged by QGIS; the
Debian package is only unpacked, nothing is installed)::

    apt-get update && apt-get download qgis-common
    dpkg-deb -x qgis-common_*.deb /tmp/q
    # -> /tmp/q/usr/share/qgis/resources/data/world_map.gpkg  (12.8 MB, layers
    #    ``countries`` and ``states_provinces``)

Running it (stdlib + numpy only)::

    python tools/build_map.py /tmp/q/usr/share/qgis/resources/data/world_map.gpkg

What it does, in order:

1. Decodes the GeoPackage geometry blobs (``GP`` header + envelope + WKB (Multi)Polygon) with
   ``sqlite3``, ``struct`` and numpy.
2. Selects the countries of each map (ISO A3 lists below) and the admin-1 regions: Ukraine and
   Russia west of 60 E for ``europe_east``; ten south-eastern US states for ``caribbean``.
3. Applies the border policy: the game follows internationally recognised borders. Natural
   Earth 4.1.0 is de facto (Crimea and Sevastopol are filed under Russia), so Crimea and
   Sevastopol become Ukrainian regions with ``"status": "occupied_2014"``, their outline is
   removed from Russia and merged into the Ukraine country polygon. Donetsk, Luhansk,
   Zaporizhzhia and Kherson carry a ``note`` that they are partly occupied (the scenarios draw
   the actual front line). Areas that Natural Earth leaves outside every country are put back
   (``ADMIN1_INTO_COUNTRY``: Northern Cyprus, Akrotiri/Dhekelia, Baikonur, Guantanamo Bay, which
   is also a region with ``"status": "leased_to_us_1903"``; Åland joins Finland). Names become
   current, apostrophe-free transliterations (``UA_NAMES``, ``RU_NAMES``, ``COUNTRY_NAMES``
   below: Kiev -> Kyiv Oblast, Kiev City -> Kyiv, Odessa -> Odesa, ...).
4. Drops islets (outer ring < 0.005 square degrees; 0.0005 on the Caribbean map, to keep the
   Florida Keys and the cays) and holes of that size, then simplifies
   with Douglas-Peucker at 0.02 degrees *along shared borders*: every border between two
   features is cut at its junctions and simplified once, so neighbours (and a country and its
   own regions) keep exactly the same line and no slivers or gaps appear.
5. Clips to the map's box (Sutherland-Hodgman), rounds to 2 decimals, computes a label point
   inside the largest ring (pole of inaccessibility on a cos(lat)-scaled grid) and writes the
   JSON, with regions ordered by decreasing area (an enclosed region, e.g. the city of Kyiv
   inside Kyiv Oblast, comes after the one around it, so drawing in order paints it on top).

Output structure (one file per map)::

    {"source": str, "licence": str, "simplify_deg": 0.02, "bbox": [lon0, lat0, lon1, lat1],
     "countries": [{"id", "iso", "name", "rings", "holes", "label"}],
     "regions":   [{"id", "iso", "country", "name", "status", "note", "rings", "holes",
                    "label"}]}

``rings`` and ``holes`` are lists of flat ``[lon, lat, lon, lat, ...]`` lists (not closed: the
last point is not a repeat of the first); outer rings are counter-clockwise, holes clockwise.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sqlite3
import struct
import sys
from pathlib import Path

import numpy as np

SIMPLIFY_DEG = 0.02
MIN_AREA_DEG2 = 0.005
# The Caribbean keeps smaller islands: the Florida Keys (Key West is 0.0007 deg2), the cays.
MIN_AREA_DEG2_CARIBBEAN = 0.0005
DECIMALS = 2

SOURCE = (
    "Natural Earth 1:10m Admin 0 / Admin 1 v4.1.0 (naturalearthdata.com), as generalized in "
    "QGIS 3.22 resources/data/world_map.gpkg (Debian package qgis-common 3.22.16); converted "
    "by tools/build_map.py"
)
LICENCE = "Natural Earth data is in the public domain. Border policy and renamed names: see assets/NOTICE.md"

# --- what goes on each map -------------------------------------------------------------------

EUROPE_COUNTRIES = (
    # Europe
    *(
        "ALB",
        "AND",
        "AUT",
        "BEL",
        "BIH",
        "BGR",
        "BLR",
        "CHE",
        "CYP",
        "CZE",
        "DEU",
        "DNK",
        "ESP",
        "EST",
        "FIN",
        "FRA",
        "GBR",
        "GRC",
        "HRV",
        "HUN",
        "IRL",
        "ISL",
    ),
    *(
        "ITA",
        "XKX",
        "LIE",
        "LTU",
        "LUX",
        "LVA",
        "MCO",
        "MDA",
        "MKD",
        "MLT",
        "MNE",
        "NLD",
        "NOR",
        "POL",
        "PRT",
        "ROU",
        "RUS",
        "SMR",
        "SRB",
        "SVK",
        "SVN",
        "SWE",
    ),
    *("UKR", "FRO", "IMN", "ALA", "GIB", "JEY", "GGY"),
    # Caucasus, Turkey, Middle East and Central Asia edge
    *(
        "GEO",
        "ARM",
        "AZE",
        "TUR",
        "SYR",
        "LBN",
        "ISR",
        "PSE",
        "JOR",
        "IRQ",
        "IRN",
        "KWT",
        "SAU",
        "KAZ",
        "TKM",
        "UZB",
    ),
    # North Africa edge
    *("MAR", "DZA", "TUN", "LBY", "EGY"),
)
EUROPE_BOX = (-25.0, 29.0, 70.0, 82.0)  # lon0, lat0, lon1, lat1

CARIBBEAN_COUNTRIES = (
    *(
        "USA",
        "CAN",
        "MEX",
        "CUB",
        "BHS",
        "JAM",
        "HTI",
        "DOM",
        "BLZ",
        "GTM",
        "HND",
        "SLV",
        "NIC",
        "CRI",
        "PAN",
        "COL",
        "VEN",
    ),
    *(
        "TCA",
        "CYM",
        "PRI",
        "VIR",
        "VGB",
        "BMU",
        "AIA",
        "ATG",
        "KNA",
        "DMA",
        "LCA",
        "VCT",
        "GRD",
        "BRB",
        "TTO",
        "ABW",
        "CUW",
        "MAF",
        "SXM",
        "BLM",
        "MSR",
    ),
)
CARIBBEAN_BOX = (-126.0, 5.0, -55.0, 50.0)
US_STATES = (
    "Florida",
    "Georgia",
    "Alabama",
    "South Carolina",
    "North Carolina",
    "Louisiana",
    "Mississippi",
    "Texas",
    "Virginia",
    "Tennessee",
)

RU_REGION_MAX_WEST_LON = 60.0  # a Russian region is kept if it reaches west of this

# Natural Earth ISO_A3 is -99 for these; the codes used here are the common user-assigned ones.
ISO3_FIX = {"Kosovo": "XKX"}

# Areas that Natural Earth keeps outside every country of the ``countries`` layer (they would be
# holes or gaps): admin-1 ``adm0_a3`` -> the country they belong to under international law.
ADMIN1_INTO_COUNTRY = {
    "CYN": "CYP",  # Northern Cyprus: part of the Republic of Cyprus (occupied since 1974)
    "WSB": "GBR",  # Akrotiri and
    "ESB": "GBR",  # Dhekelia: the UK's Sovereign Base Areas on Cyprus
    "KAB": "KAZ",  # Baikonur: Kazakh territory leased to Russia
    "USG": "CUB",  # Guantanamo Bay: Cuban territory leased to the US since 1903
}
# Countries of the ``countries`` layer that are parts of another country.
COUNTRY_INTO_COUNTRY = {"ALA": "FIN"}  # Åland: an autonomous region of Finland
# admin-1 areas that also become regions of their country, with a status
EXTRA_REGIONS = {"USG": ("CU", "CUB", "Guantanamo Bay Naval Base", "leased_to_us_1903")}

# --- names -----------------------------------------------------------------------------------

COUNTRY_NAMES = {
    "Bosnia and Herz.": "Bosnia and Herzegovina",
    "Macedonia": "North Macedonia",
    "Faeroe Is.": "Faroe Islands",
    "Dominican Rep.": "Dominican Republic",
    "United States of America": "United States",
    "Turks and Caicos Is.": "Turks and Caicos Islands",
    "Cayman Is.": "Cayman Islands",
    "British Virgin Is.": "British Virgin Islands",
    "U.S. Virgin Is.": "U.S. Virgin Islands",
    "Antigua and Barb.": "Antigua and Barbuda",
    "St. Kitts and Nevis": "Saint Kitts and Nevis",
    "St. Vin. and Gren.": "Saint Vincent and the Grenadines",
    "St-Martin": "Saint Martin",
    "St-Barthélemy": "Saint Barthélemy",
}

# Ukraine: every Natural Earth name -> current (2024) English transliteration, no apostrophes.
UA_NAMES = {
    "Cherkasy": "Cherkasy",
    "Chernihiv": "Chernihiv",
    "Chernivtsi": "Chernivtsi",
    "Dnipropetrovs'k": "Dnipropetrovsk",  # oblast; its centre, the city, is Dnipro
    "Donets'k": "Donetsk",
    "Ivano-Frankivs'k": "Ivano-Frankivsk",
    "Kharkiv": "Kharkiv",
    "Kherson": "Kherson",
    "Khmel'nyts'kyy": "Khmelnytskyi",
    "Kiev": "Kyiv Oblast",
    "Kiev City": "Kyiv",
    "Kirovohrad": "Kirovohrad",  # oblast name; its centre is Kropyvnytskyi
    "L'viv": "Lviv",
    "Luhans'k": "Luhansk",
    "Mykolayiv": "Mykolaiv",
    "Odessa": "Odesa",
    "Poltava": "Poltava",
    "Rivne": "Rivne",
    "Sumy": "Sumy",
    "Ternopil'": "Ternopil",
    "Transcarpathia": "Zakarpattia",
    "Vinnytsya": "Vinnytsia",
    "Volyn": "Volyn",
    "Zaporizhzhya": "Zaporizhzhia",
    "Zhytomyr": "Zhytomyr",
    # reassigned from RU (see OCCUPIED_2014)
    "Crimea": "Crimea",
    "Sevastopol": "Sevastopol",
}
OCCUPIED_2014 = ("Crimea", "Sevastopol")  # Natural Earth names, filed under RU
UA_NOTES = {
    "Donetsk": "partly occupied since 2014, further since 2022",
    "Luhansk": "partly occupied since 2014, further since 2022",
    "Zaporizhzhia": "partly occupied since 2022",
    "Kherson": "partly occupied since 2022",
}

# Russia: the usual English names; any other name only loses its apostrophes.
RU_NAMES = {
    "Moskva": "Moscow",
    "Moskovsskaya": "Moscow Oblast",
    "City of St. Petersburg": "St Petersburg",
    "Leningrad": "Leningrad Oblast",
    "Orel": "Oryol",
    "Nizhegorod": "Nizhny Novgorod",
    "Kalmyk": "Kalmykia",
    "Chuvash": "Chuvashia",
    "Udmurt": "Udmurtia",
    "Mariy-El": "Mari El",
    "Adygey": "Adygea",
    "Ingush": "Ingushetia",
    "Kabardin-Balkar": "Kabardino-Balkaria",
    "Karachay-Cherkess": "Karachay-Cherkessia",
    "Khanty-Mansiy": "Khanty-Mansi",
    "Yamal-Nenets": "Yamalo-Nenets",
    "Ul'yanovsk": "Ulyanovsk",
    "Arkhangel'sk": "Arkhangelsk",
}


def clean_name(name: str) -> str:
    """Drop transliteration apostrophes: ``"Tver'"`` -> ``"Tver"``."""
    return name.replace("'", "").replace("\u2019", "").strip()


def slug(name: str) -> str:
    """``"Kyiv Oblast"`` -> ``"kyiv_oblast"``."""
    out = "".join(c.lower() if c.isalnum() else "_" for c in name)
    return "_".join(p for p in out.split("_") if p)


# --- GeoPackage decoding ---------------------------------------------------------------------

_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


def decode_gpkg(blob: bytes) -> list[list[np.ndarray]]:
    """A GeoPackage geometry blob -> polygons, each a list of rings, each an (n, 2) array.

    The rings are returned closed, as stored (first point == last point).
    """
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry blob")
    flags = blob[3]
    if flags & 0b10000:
        return []  # empty geometry
    envelope = (flags >> 1) & 0b111
    offset = 8 + _ENVELOPE_BYTES[envelope]
    polygons, _ = _read_wkb(blob, offset)
    return polygons


def _read_wkb(blob: bytes, offset: int) -> tuple[list[list[np.ndarray]], int]:
    order = "<" if blob[offset] == 1 else ">"
    (gtype,) = struct.unpack_from(order + "I", blob, offset + 1)
    offset += 5
    base = gtype % 1000
    if gtype >= 1000 or gtype & 0xE0000000:
        raise ValueError(f"only 2-D geometries are supported (WKB type {gtype})")
    if base == 3:
        return [_read_polygon(blob, offset, order)[0]], _read_polygon(blob, offset, order)[1]
    if base == 6:
        (count,) = struct.unpack_from(order + "I", blob, offset)
        offset += 4
        polygons = []
        for _ in range(count):
            sub, offset = _read_wkb(blob, offset)
            polygons.extend(sub)
        return polygons, offset
    raise ValueError(f"unsupported WKB geometry type {gtype}")


def _read_polygon(blob: bytes, offset: int, order: str) -> tuple[list[np.ndarray], int]:
    (nrings,) = struct.unpack_from(order + "I", blob, offset)
    offset += 4
    rings = []
    dtype = np.dtype(order + "f8")
    for _ in range(nrings):
        (npts,) = struct.unpack_from(order + "I", blob, offset)
        offset += 4
        pts = np.frombuffer(blob, dtype=dtype, count=2 * npts, offset=offset)
        rings.append(pts.reshape(npts, 2).astype(np.float64))
        offset += 16 * npts
    return rings, offset


# --- plane geometry helpers ------------------------------------------------------------------


def open_ring(ring: np.ndarray) -> np.ndarray:
    """Drop the closing point and consecutive duplicates."""
    if len(ring) > 1 and np.array_equal(ring[0], ring[-1]):
        ring = ring[:-1]
    if len(ring) == 0:
        return ring
    keep = np.ones(len(ring), dtype=bool)
    keep[1:] = np.any(ring[1:] != ring[:-1], axis=1)
    ring = ring[keep]
    while len(ring) > 1 and np.array_equal(ring[0], ring[-1]):
        ring = ring[:-1]
    return ring


def signed_area(ring: np.ndarray) -> float:
    """Shoelace area of an open ring (positive = counter-clockwise)."""
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(np.roll(x, -1), y))


def orient(ring: np.ndarray, ccw: bool) -> np.ndarray:
    return ring if (signed_area(ring) > 0) == ccw else ring[::-1].copy()


def point_in_ring(px: np.ndarray, py: np.ndarray, ring: np.ndarray) -> np.ndarray:
    """Even-odd test of many points against one open ring (vectorised over points)."""
    x0, y0 = ring[:, 0], ring[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    px = np.asarray(px, dtype=float)[..., None]
    py = np.asarray(py, dtype=float)[..., None]
    crosses = (y0 > py) != (y1 > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        xcross = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
    return (np.count_nonzero(crosses & (px < xcross), axis=-1) % 2) == 1


# --- the feature model used while building ---------------------------------------------------


class Feature:
    """A country or region while it is being built: polygons of open rings (outer CCW first)."""

    def __init__(self, kind: str, iso: str, name: str, polygons: list[list[np.ndarray]]):
        self.kind = kind
        self.iso = iso
        self.name = name
        self.country = ""
        self.status: str | None = None
        self.note: str | None = None
        self.polygons = polygons

    def area(self) -> float:
        return sum(signed_area(p[0]) + sum(signed_area(h) for h in p[1:]) for p in self.polygons if p)


def normalise(polygons: list[list[np.ndarray]], min_area: float = MIN_AREA_DEG2) -> list[list[np.ndarray]]:
    """Open the rings, orient them (outer CCW, holes CW), drop islets and small holes."""
    out = []
    for poly in polygons:
        rings = [open_ring(r) for r in poly]
        if len(rings[0]) < 3 or abs(signed_area(rings[0])) < min_area:
            continue
        outer = orient(rings[0], ccw=True)
        holes = [orient(h, ccw=False) for h in rings[1:] if len(h) >= 3 and abs(signed_area(h)) >= min_area]
        out.append([outer, *holes])
    return out


def merge_polygons(polygons: list[list[np.ndarray]]) -> list[list[np.ndarray]]:
    """Dissolve polygons that share border edges (exactly equal vertices), by edge cancelling.

    Every ring contributes its directed edges (outer rings CCW, holes CW); an edge and its
    reverse cancel; the remaining edges are chained back into rings and regrouped, each hole
    into the outer ring that contains it.
    """
    edges: dict[tuple[tuple[float, float], tuple[float, float]], int] = {}
    for poly in polygons:
        for ring in poly:
            pts = [tuple(p) for p in ring.tolist()]
            for a, b in zip(pts, pts[1:] + pts[:1], strict=True):
                if (b, a) in edges:
                    edges[(b, a)] -= 1
                    if edges[(b, a)] == 0:
                        del edges[(b, a)]
                else:
                    edges[(a, b)] = edges.get((a, b), 0) + 1
    nxt: dict[tuple[float, float], list[tuple[float, float]]] = {}
    for (a, b), n in edges.items():
        nxt.setdefault(a, []).extend([b] * n)
    rings = []
    while nxt:
        start = next(iter(nxt))
        ring = [start]
        cur = start
        while True:
            b = nxt[cur].pop()
            if not nxt[cur]:
                del nxt[cur]
            if b == start:
                break
            ring.append(b)
            cur = b
        rings.append(np.array(ring, dtype=float))
    outers = [r for r in rings if signed_area(r) > 0]
    holes = [r for r in rings if signed_area(r) < 0]
    out = [[o] for o in sorted(outers, key=signed_area, reverse=True)]
    for h in holes:
        for poly in sorted(out, key=lambda p: signed_area(p[0])):
            if point_in_ring(h[0, 0], h[0, 1], poly[0]):
                poly.append(h)
                break
    return out


# --- topology-preserving Douglas-Peucker -----------------------------------------------------


def douglas_peucker(pts: np.ndarray, tol: float) -> np.ndarray:
    """Douglas-Peucker of an open polyline (both end points kept)."""
    n = len(pts)
    if n < 3:
        return pts
    keep = np.zeros(n, dtype=bool)
    keep[0] = keep[-1] = True
    stack = [(0, n - 1)]
    while stack:
        i, j = stack.pop()
        if j - i < 2:
            continue
        seg = pts[i + 1 : j]
        a, b = pts[i], pts[j]
        d = b - a
        length = float(np.hypot(d[0], d[1]))
        if length == 0.0:
            dist = np.hypot(seg[:, 0] - a[0], seg[:, 1] - a[1])
        else:
            dist = np.abs(d[0] * (seg[:, 1] - a[1]) - d[1] * (seg[:, 0] - a[0])) / length
        k = int(np.argmax(dist))
        if dist[k] > tol:
            m = i + 1 + k
            keep[m] = True
            stack.append((i, m))
            stack.append((m, j))
    return pts[keep]


class Simplifier:
    """Simplifies rings arc by arc so that shared borders are simplified identically.

    A vertex is a junction when it is used with two different pairs of neighbours (borders
    meet or split there). Rings are cut at junctions; each arc is simplified once, in a
    canonical direction, and reused by every ring that contains it.
    """

    def __init__(self, rings: list[np.ndarray], tol: float):
        self.tol = tol
        neighbours: dict[tuple[float, float], set[frozenset]] = {}
        for ring in rings:
            pts = [tuple(p) for p in ring.tolist()]
            n = len(pts)
            for k, p in enumerate(pts):
                pair = frozenset((pts[k - 1], pts[(k + 1) % n]))
                neighbours.setdefault(p, set()).add(pair)
        self.junctions = {p for p, pairs in neighbours.items() if len(pairs) > 1}
        self.cache: dict[bytes, np.ndarray] = {}

    def _arc(self, arc: np.ndarray, tol: float | None = None) -> np.ndarray:
        tol = self.tol if tol is None else tol
        fwd, rev = arc.tobytes(), arc[::-1].copy().tobytes()
        key, flipped = (fwd, False) if fwd <= rev else (rev, True)
        key += struct.pack("d", tol)
        if key not in self.cache:
            canon = arc[::-1].copy() if flipped else arc
            self.cache[key] = douglas_peucker(canon, tol)
        out = self.cache[key]
        return out[::-1] if flipped else out

    def ring(self, ring: np.ndarray) -> np.ndarray:
        pts = [tuple(p) for p in ring.tolist()]
        cuts = [k for k, p in enumerate(pts) if p in self.junctions]
        if not cuts:
            # an island: start at the smallest vertex, go counter-clockwise, so that the same
            # island in two layers gives the same result
            ccw = orient(ring, ccw=True)
            k = int(np.lexsort((ccw[:, 1], ccw[:, 0]))[0])
            ccw = np.roll(ccw, -k, axis=0)
            closed = np.vstack([ccw, ccw[:1]])
            # a thin island would collapse to a line: halve the tolerance until it does not
            tol = self.tol
            out = self._arc(closed, tol)[:-1]
            while len(out) < 4 < len(ccw) and tol > self.tol / 16:
                tol /= 2
                out = self._arc(closed, tol)[:-1]
            return out if signed_area(ring) > 0 else out[::-1].copy()
        start = cuts[0]
        rolled = np.roll(ring, -start, axis=0)
        cuts = [c - start for c in cuts] + [len(ring)]
        closed = np.vstack([rolled, rolled[:1]])
        parts = []
        for a, b in itertools.pairwise(cuts):
            parts.append(self._arc(closed[a : b + 1])[:-1])
        return np.vstack(parts)


# --- clipping, rounding, labels --------------------------------------------------------------


def clip_ring(ring: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    """Sutherland-Hodgman clip of an open ring to a lon/lat box."""
    lon0, lat0, lon1, lat1 = box
    pts = ring
    for axis, limit, keep_below in (
        (0, lon0, False),
        (0, lon1, True),
        (1, lat0, False),
        (1, lat1, True),
    ):
        if len(pts) == 0:
            break
        v = pts[:, axis]
        inside = v <= limit if keep_below else v >= limit
        if inside.all():
            continue
        out = []
        n = len(pts)
        for k in range(n):
            p, q = pts[k], pts[(k + 1) % n]
            pin, qin = inside[k], inside[(k + 1) % n]
            if pin:
                out.append(p)
            if pin != qin:
                # the same edge gives the same crossing in either direction
                a, b = (p, q) if tuple(p) <= tuple(q) else (q, p)
                t = (limit - a[axis]) / (b[axis] - a[axis])
                c = a + t * (b - a)
                c[axis] = limit
                out.append(c)
        pts = np.array(out, dtype=float).reshape(-1, 2)
    return pts


def finish_ring(ring: np.ndarray) -> np.ndarray | None:
    """Round, drop repeats, and reject rings that collapsed."""
    r = open_ring(np.round(ring, DECIMALS))
    if len(r) < 3 or abs(signed_area(r)) < 2e-5:
        return None
    return r


def label_point(polygons: list[list[np.ndarray]]) -> list[float]:
    """A point well inside the largest polygon: pole of inaccessibility on a refined grid.

    Distances are measured with x scaled by cos(latitude) so the point looks central on a map.
    """
    poly = max(polygons, key=lambda p: abs(signed_area(p[0])))
    outer = poly[0]
    lo, hi = outer.min(axis=0), outer.max(axis=0)
    kx = np.cos(np.radians((lo[1] + hi[1]) / 2))
    segs = []
    for r in poly:
        segs.append(np.hstack([r, np.roll(r, -1, axis=0)]))
    seg = np.vstack(segs)
    best, best_d = None, -1.0
    span = hi - lo
    centre = (lo + hi) / 2
    for _ in range(4):
        gx = np.linspace(centre[0] - span[0] / 2, centre[0] + span[0] / 2, 41)
        gy = np.linspace(centre[1] - span[1] / 2, centre[1] + span[1] / 2, 41)
        px, py = (a.ravel() for a in np.meshgrid(gx, gy))
        inside = point_in_ring(px, py, outer)
        for h in poly[1:]:
            inside &= ~point_in_ring(px, py, h)
        if not inside.any():
            break
        px, py = px[inside], py[inside]
        d = _dist_to_segments(px * kx, py, seg * np.array([kx, 1, kx, 1]))
        k = int(np.argmax(d))
        if d[k] > best_d:
            best, best_d = (px[k], py[k]), float(d[k])
        centre = np.array(best)
        span = span / 5
    if best is None:  # degenerate: fall back to a vertex
        best = tuple(outer[0])
    return [round(float(best[0]), DECIMALS), round(float(best[1]), DECIMALS)]


def _dist_to_segments(px: np.ndarray, py: np.ndarray, seg: np.ndarray) -> np.ndarray:
    ax, ay, bx, by = (seg[:, i][None, :] for i in range(4))
    dx, dy = bx - ax, by - ay
    ll = dx * dx + dy * dy
    ll[ll == 0] = 1e-12
    t = np.clip(((px[:, None] - ax) * dx + (py[:, None] - ay) * dy) / ll, 0, 1)
    ex = px[:, None] - (ax + t * dx)
    ey = py[:, None] - (ay + t * dy)
    return np.sqrt(ex * ex + ey * ey).min(axis=1)


# --- reading and selecting -------------------------------------------------------------------


def read_countries(db: sqlite3.Connection, isos: tuple[str, ...], min_area: float = MIN_AREA_DEG2) -> list[Feature]:
    feats = []
    for name, ne_iso3, geom in db.execute("SELECT NAME, ISO_A3, geom FROM countries"):
        iso3 = ISO3_FIX.get(name, ne_iso3)
        if iso3 in isos:
            polys = normalise(decode_gpkg(geom), min_area)
            feats.append(Feature("country", iso3, COUNTRY_NAMES.get(name, name), polys))
    missing = set(isos) - {f.iso for f in feats}
    if missing:
        raise SystemExit(f"countries not found in the GeoPackage: {sorted(missing)}")
    return feats


def read_regions(
    db: sqlite3.Connection, where: str, args: tuple = (), min_area: float = MIN_AREA_DEG2
) -> list[Feature]:
    feats = []
    sql = (
        "SELECT s.iso_a2, s.adm0_a3, s.name, s.geom, r.minx FROM states_provinces s "
        "JOIN rtree_states_provinces_geom r ON r.id = s.fid WHERE " + where
    )
    for iso2, adm0, name, geom, _minx in db.execute(sql, args):
        f = Feature("region", iso2, name or "", normalise(decode_gpkg(geom), min_area))
        f.country = adm0
        feats.append(f)
    return feats


def reassign_crimea(countries: list[Feature], regions: list[Feature]) -> None:
    """Crimea and Sevastopol become Ukrainian regions (occupied since 2014), also on the
    country level: their polygons leave the Russia feature and are dissolved into Ukraine."""
    crimea = [r for r in regions if r.iso == "RU" and r.name in OCCUPIED_2014]
    if len(crimea) != len(OCCUPIED_2014):
        raise SystemExit("Crimea/Sevastopol not found among the RU regions")
    for r in crimea:
        r.iso, r.country, r.status = "UA", "UKR", "occupied_2014"
    by_iso = {c.iso: c for c in countries}
    ukr, rus = by_iso["UKR"], by_iso["RUS"]
    kept, moved = [], []
    for poly in rus.polygons:
        x, y = _interior_point(poly[0])
        inside = any(point_in_ring(x, y, p[0]) for r in crimea for p in r.polygons)
        (moved if inside else kept).append(poly)
    if not moved:
        raise SystemExit("no Crimean polygon found in the Russia feature")
    rus.polygons = kept
    # the regions' outlines share their vertices with Ukraine's, so the edges cancel
    ukr.polygons = merge_polygons(ukr.polygons + [p for r in crimea for p in r.polygons])


def dissolve_enclaves(
    db: sqlite3.Connection,
    countries: list[Feature],
    regions: list[Feature],
    min_area: float = MIN_AREA_DEG2,
) -> None:
    """Fill Natural Earth's holes and gaps (``ADMIN1_INTO_COUNTRY``, ``COUNTRY_INTO_COUNTRY``)."""
    by_iso = {c.iso: c for c in countries}
    for code, iso in ADMIN1_INTO_COUNTRY.items():
        if iso not in by_iso:
            continue
        parts = read_regions(db, "s.adm0_a3 = ?", (code,), min_area)
        if not parts:
            raise SystemExit(f"admin-1 area {code} not found")
        polys = [p for f in parts for p in f.polygons]
        by_iso[iso].polygons = merge_polygons(by_iso[iso].polygons + polys)
        if code in EXTRA_REGIONS:
            iso2, iso3, name, status = EXTRA_REGIONS[code]
            f = Feature("region", iso2, name, polys)
            f.country, f.status = iso3, status
            regions.append(f)
    for part, whole in COUNTRY_INTO_COUNTRY.items():
        if part in by_iso and whole in by_iso:
            by_iso[whole].polygons = merge_polygons(by_iso[whole].polygons + by_iso[part].polygons)
            countries.remove(by_iso[part])


def rename_regions(regions: list[Feature]) -> None:
    """Current, apostrophe-free names; notes on the partly occupied oblasts."""
    for r in regions:
        if r.iso == "UA":
            if r.name not in UA_NAMES:
                raise SystemExit(f"Ukrainian region without a rename entry: {r.name!r}")
            r.name = UA_NAMES[r.name]
            r.note = UA_NOTES.get(r.name)
        elif r.iso == "RU":
            r.name = RU_NAMES.get(r.name, clean_name(r.name))
        else:
            r.name = clean_name(r.name)


def _interior_point(ring: np.ndarray) -> tuple[float, float]:
    """A point strictly inside a ring (midpoint of a horizontal scanline's first inner span)."""
    y = float(np.median(ring[:, 1]))
    if np.any(ring[:, 1] == y):
        y += 1e-7
    x0, y0 = ring[:, 0], ring[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    cross = (y0 > y) != (y1 > y)
    xs = np.sort(x0[cross] + (y - y0[cross]) * (x1[cross] - x0[cross]) / (y1[cross] - y0[cross]))
    return float((xs[0] + xs[1]) / 2), y


# --- building one map ------------------------------------------------------------------------


def build(countries: list[Feature], regions: list[Feature], box: tuple[float, float, float, float]) -> dict:
    feats = countries + regions
    simp = Simplifier([r for f in feats for p in f.polygons for r in p], SIMPLIFY_DEG)
    out_c, out_r = [], []
    for f in feats:
        polys = []
        for poly in f.polygons:
            rings = []
            for k, ring in enumerate(poly):
                r = finish_ring(clip_ring(simp.ring(ring), box))
                if r is None:
                    if k == 0:
                        break
                    continue
                rings.append(r)
            if rings:
                polys.append(rings)
        if not polys:
            continue
        polys.sort(key=lambda p: -abs(signed_area(p[0])))
        f.polygons = polys
        rec = {
            "id": f.iso if f.kind == "country" else f"{f.iso}-{slug(f.name)}",
            "iso": f.iso,
        }
        if f.kind == "region":
            rec.update(country=f.country, name=f.name, status=f.status, note=f.note)
        else:
            rec["name"] = f.name
        rec["rings"] = [_flat(p[0]) for p in polys]
        rec["holes"] = [_flat(h) for p in polys for h in p[1:]]
        rec["label"] = label_point(polys)
        (out_c if f.kind == "country" else out_r).append((f.area(), rec))
    out_c.sort(key=lambda t: t[1]["name"])
    out_r.sort(key=lambda t: -t[0])
    all_pts = np.vstack([np.reshape(r, (-1, 2)) for _, f in out_c + out_r for r in f["rings"] + f["holes"]])
    lo, hi = all_pts.min(axis=0), all_pts.max(axis=0)
    return {
        "source": SOURCE,
        "licence": LICENCE,
        "simplify_deg": SIMPLIFY_DEG,
        "bbox": [round(float(v), DECIMALS) for v in (lo[0], lo[1], hi[0], hi[1])],
        "countries": [r for _, r in out_c],
        "regions": [r for _, r in out_r],
    }


def _flat(ring: np.ndarray) -> list[float]:
    return [round(float(v), DECIMALS) for v in ring.ravel()]


def write_json(path: Path, data: dict) -> int:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # one feature per line keeps diffs readable
    text = text.replace('},{"id"', '},\n{"id"')
    path.write_text(text + "\n", encoding="utf-8")
    return path.stat().st_size


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gpkg", type=Path, help="path to QGIS's world_map.gpkg")
    ap.add_argument(
        "--out",
        type=Path,
        default=Path(__file__).resolve().parent.parent / "assets" / "map",
        help="output folder (default: assets/map of this repository)",
    )
    args = ap.parse_args(argv)
    if not args.gpkg.is_file():
        ap.error(f"{args.gpkg} not found (see the top of this script for how to get it)")
    db = sqlite3.connect(f"file:{args.gpkg}?mode=ro", uri=True)
    args.out.mkdir(parents=True, exist_ok=True)

    countries = read_countries(db, EUROPE_COUNTRIES)
    regions = read_regions(db, "s.iso_a2 = 'UA'") + read_regions(
        db, "s.iso_a2 = 'RU' AND r.minx < ?", (RU_REGION_MAX_WEST_LON,)
    )
    reassign_crimea(countries, regions)
    rename_regions(regions)
    dissolve_enclaves(db, countries, regions)
    europe = build(countries, regions, EUROPE_BOX)

    countries = read_countries(db, CARIBBEAN_COUNTRIES, MIN_AREA_DEG2_CARIBBEAN)
    marks = ",".join("?" * len(US_STATES))
    regions = read_regions(db, f"s.iso_a2 = 'US' AND s.name IN ({marks})", US_STATES, MIN_AREA_DEG2_CARIBBEAN)
    if len(regions) != len(US_STATES):
        raise SystemExit(f"expected {len(US_STATES)} US states, found {len(regions)}")
    rename_regions(regions)
    dissolve_enclaves(db, countries, regions, MIN_AREA_DEG2_CARIBBEAN)
    caribbean = build(countries, regions, CARIBBEAN_BOX)

    total = 0
    for name, data in (("europe_east", europe), ("caribbean", caribbean)):
        size = write_json(args.out / f"{name}.json", data)
        total += size
        feats = data["countries"] + data["regions"]
        nverts = sum(len(r) // 2 for f in feats for r in f["rings"] + f["holes"])
        print(
            f"{name}.json: {len(data['countries'])} countries, {len(data['regions'])} regions, "
            f"{nverts} vertices, {size / 1024:.0f} KB"
        )
    print(f"total {total / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
