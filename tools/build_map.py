#!/usr/bin/env python3
"""One-time conversion of Natural Earth outlines into Redline's world basemap.

This is a tool for maintainers, not part of the game: the game only reads the file it writes,
``assets/map/world.npz``, which is committed.

Getting the input (Natural Earth 1:10m v4.1.0, admin-0 and admin-1, as packaged by QGIS; the
Debian package is only unpacked, nothing is installed)::

    apt-get update && apt-get download qgis-common
    dpkg-deb -x qgis-common_*.deb /tmp/q
    # -> /tmp/q/usr/share/qgis/resources/data/world_map.gpkg  (12.8 MB, layers
    #    ``countries`` and ``states_provinces``)
    pip install pycountry   # ISO 3166-2 codes of the first-level regions (this tool only)

Running it (stdlib + numpy + pycountry; about two minutes)::

    python tools/build_map.py /tmp/q/usr/share/qgis/resources/data/world_map.gpkg

What it does, in order:

1. Decodes the GeoPackage geometry blobs (``GP`` header + envelope + WKB (Multi)Polygon) with
   ``sqlite3``, ``struct`` and numpy: every country (admin-0) and every first-level region
   (admin-1) of the world.
2. Applies the border policy (the game follows internationally recognised borders and draws
   occupied and disputed areas as such; see assets/NOTICE.md): Crimea and Sevastopol become
   Ukrainian regions with ``status: occupied_2014`` and leave the Russia outline; areas Natural
   Earth keeps outside every country are put back (``ADMIN1_INTO_COUNTRY``: Northern Cyprus,
   Somaliland, the UK bases on Cyprus, Baikonur, Guantanamo Bay, Clipperton, Australia's Indian
   Ocean islands); the Siachen Glacier and the Spratly Islands are features of their own with
   ``disputed: true``; ``DISPUTED_COUNTRIES`` and ``REGION_POLICY`` flag the rest.
3. Names become current and apostrophe-free (``COUNTRY_NAMES``, ``UA_NAMES``, ``RU_NAMES``,
   ``REGION_NAMES``: Kiev -> Kyiv Oblast, Odessa -> Odesa, eSwatini -> Eswatini, ...).
4. Gives each region its ISO 3166-2 code (``RU-KRS``, ``UA-63``) by matching its Natural Earth
   names against pycountry's table (``iso_3166_2``; ``ISO_3166_2_FIX`` where a name does not
   match); a region with no code gets the id ``<ISO A3>-<name slug>``.
5. Moves islands Natural Earth files under the wrong region (``ISLANDS_TO_REGION``: the Ongjin
   islands of Incheon, Baengnyeong and Yeonpyeong among them, sit in Gyeonggi). Drops islets
   (outer ring < 0.0002 square degrees, about 2 km², but never a feature's largest polygon, so
   Monaco and Tuvalu stay) and holes of that size, then simplifies with Douglas-Peucker at 0.02
   degrees *along shared borders*: every border is cut at its junctions and simplified once, so
   neighbours (and a country and its own regions) keep exactly the same line.
6. Rounds to 2 decimals (about 1 km), computes a label point inside the largest ring and writes
   ``world.npz`` (see ``write_npz`` for its arrays).
"""

from __future__ import annotations

import argparse
import difflib
import itertools
import json
import re
import sqlite3
import struct
import sys
import unicodedata
from pathlib import Path

import numpy as np

SIMPLIFY_DEG = 0.02
MIN_AREA_DEG2 = 0.0002
"""Islets smaller than this (square degrees, about 2 km² in Korea) are dropped; Yeonpyeong, 0.00025
in the generalised source, is the smallest island a shipped scenario needs."""
DECIMALS = 2
SCALE = 10**DECIMALS  # coordinates are stored as integers of 1/SCALE degree

SOURCE = (
    "Natural Earth 1:10m Admin 0 / Admin 1 v4.1.0 (naturalearthdata.com), as generalized in "
    "QGIS 3.22 resources/data/world_map.gpkg (Debian package qgis-common 3.22.16); ISO 3166-2 "
    "codes matched with pycountry; converted by tools/build_map.py"
)
LICENCE = "Natural Earth data is in the public domain. Border policy and renamed names: see assets/NOTICE.md"

# Natural Earth ISO_A3 is -99 or missing for these; the codes used here are the common
# user-assigned ones (XKX for Kosovo is the one the EU and the IMF use).
ISO3_FIX = {"Kosovo": "XKX"}
UNNAMED_COUNTRIES = {"TK": ("TKL", "Tokelau")}  # iso_a2 -> (ISO A3, name) where NAME is empty
REMNANTS_ISO2 = "-1"  # the countries-layer feature that gathers what no country holds

# Admin-1 ``adm0_a3`` codes that differ from the country's ISO A3.
ADM0_TO_ISO3 = {"KOS": "XKX", "PSX": "PSE", "SDS": "SSD", "SAH": "ESH", "ALD": "FIN", "ATC": "AUS"}

# Areas that Natural Earth keeps outside every country of the ``countries`` layer (they would be
# holes or gaps): admin-1 ``adm0_a3`` -> the country they belong to under international law.
ADMIN1_INTO_COUNTRY = {
    "CYN": "CYP",  # Northern Cyprus: part of the Republic of Cyprus (occupied since 1974)
    "SOL": "SOM",  # Somaliland: part of Somalia (self-declared independence 1991, unrecognised)
    "WSB": "GBR",  # Akrotiri and
    "ESB": "GBR",  # Dhekelia: the UK's Sovereign Base Areas on Cyprus
    "KAB": "KAZ",  # Baikonur: Kazakh territory leased to Russia
    "USG": "CUB",  # Guantanamo Bay: Cuban territory leased to the US since 1903
    "CLP": "FRA",  # Clipperton Island: French
    "IOA": "AUS",  # Christmas Island and the Cocos (Keeling) Islands: Australian territories
}
# admin-1 areas that also become regions of their country: adm0 -> (iso2, iso3, name, status,
# disputed, note)
EXTRA_REGIONS = {
    "USG": ("CU", "CUB", "Guantanamo Bay Naval Base", "leased_to_us_1903", False, ""),
    "CYN": (
        "CY",
        "CYP",
        "Northern Cyprus",
        "occupied_1974",
        True,
        "held by Turkish forces since 1974; a self-declared state recognised only by Turkey",
    ),
    "SOL": (
        "SO",
        "SOM",
        "Somaliland",
        "breakaway_1991",
        True,
        "self-declared independent since 1991, recognised by no UN member",
    ),
}
# Areas claimed by several countries that become features of their own at the country level:
# adm0 -> (id, name, note). The ids are user-assigned (X..), not ISO codes.
DISPUTED_AREAS = {
    "KAS": ("XSG", "Siachen Glacier", "held by India, claimed by Pakistan (part of Kashmir)"),
    "PGA": (
        "XSP",
        "Spratly Islands",
        "claimed in whole or part by China, Taiwan, Vietnam, the Philippines, Malaysia and Brunei",
    ),
}
# Countries missing from QGIS's generalised layer, drawn by hand: ISO A3 -> (name, [lon, lat]
# corners, note). The Vatican's outline is its bounding box on the 0.01 degree grid.
HAND_MADE_COUNTRIES = {
    "VAT": (
        "Vatican City",
        [[12.45, 41.90], [12.46, 41.90], [12.46, 41.91], [12.45, 41.91]],
        "outline drawn by hand from its bounding box (missing from the generalised source layer)",
    )
}
# Countries of the ``countries`` layer that are parts of another country.
COUNTRY_INTO_COUNTRY = {"ALA": "FIN"}  # Åland: an autonomous region of Finland
# Countries whose status is disputed (drawn with a dashed border): ISO A3 -> note.
DISPUTED_COUNTRIES = {
    "XKX": "recognised by about half of the UN members, not by Serbia, Russia, China or five EU members",
    "TWN": "governed by the Republic of China; claimed by the People's Republic of China",
    "ESH": "non-self-governing territory; claimed by Morocco, which holds most of it, and by the Polisario Front",
    "PSE": "State of Palestine, recognised by most UN members; the West Bank is under Israeli occupation since 1967",
}
# Regions with a status or a dispute: (country ISO A3, shipped name) -> (status, disputed, note).
REGION_POLICY = {
    ("UKR", "Crimea"): ("occupied_2014", False, "occupied by Russia since 2014"),
    ("UKR", "Sevastopol"): ("occupied_2014", False, "occupied by Russia since 2014"),
    ("UKR", "Donetsk"): (None, False, "partly occupied since 2014, further since 2022"),
    ("UKR", "Luhansk"): (None, False, "partly occupied since 2014, further since 2022"),
    ("UKR", "Zaporizhzhia"): (None, False, "partly occupied since 2022"),
    ("UKR", "Kherson"): (None, False, "partly occupied since 2022"),
    ("GEO", "Abkhazia"): (
        "occupied_2008",
        True,
        "held by Russian-backed authorities; Georgian territory under international law",
    ),
    ("MDA", "Transnistria"): ("breakaway_1992", True, "held by a Russian-backed breakaway authority"),
    # Natural Earth's larger unit of the left bank of the Dniester, the same breakaway area
    ("MDA", "Stîngă Nistrului"): ("breakaway_1992", True, "held by a Russian-backed breakaway authority"),
    ("IND", "Jammu and Kashmir"): (None, True, "part of Kashmir, claimed by Pakistan; drawn along the Line of Control"),
    ("PAK", "Azad Kashmir"): (None, True, "part of Kashmir, claimed by India; drawn along the Line of Control"),
    ("PAK", "Gilgit-Baltistan"): (None, True, "part of Kashmir, claimed by India"),
    ("PSE", "West Bank"): ("occupied_1967", True, "occupied by Israel since 1967"),
    ("PSE", "Gaza Strip"): ("occupied_1967", True, "occupied by Israel since 1967; held by Hamas 2007-2023"),
}
# Islands filed under a neighbouring region: (country ISO A3, region name) -> (the region they
# belong to, [lon_min, lat_min, lon_max, lat_max] of the islands to move, note).
ISLANDS_TO_REGION = {
    ("KOR", "Gyeonggi"): (
        "Incheon",
        (124.5, 37.5, 125.8, 38.1),
        "Baengnyeong, Daecheong, Socheong and Yeonpyeong: Ongjin County, Incheon",
    ),
}
OCCUPIED_2014 = ("Crimea", "Sevastopol")  # Natural Earth names, filed under RU
ISO_3166_2_FIX = {
    ("UKR", "Crimea"): "UA-43",
    ("UKR", "Sevastopol"): "UA-40",
    ("UKR", "Kyiv"): "UA-30",
    ("UKR", "Kyiv Oblast"): "UA-32",
    ("RUS", "Moscow"): "RU-MOW",
    ("RUS", "Moscow Oblast"): "RU-MOS",
    ("RUS", "St Petersburg"): "RU-SPE",
    ("RUS", "Leningrad Oblast"): "RU-LEN",
    ("PAK", "Azad Kashmir"): "PK-JK",
}
ISO_MATCH_CUTOFF = 0.72
"""Smallest name similarity (difflib ratio of the normalised names) taken as the same region."""

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
    "St. Pierre and Miquelon": "Saint Pierre and Miquelon",
    "Central African Rep.": "Central African Republic",
    "Dem. Rep. Congo": "Democratic Republic of the Congo",
    "Eq. Guinea": "Equatorial Guinea",
    "S. Sudan": "South Sudan",
    "W. Sahara": "Western Sahara",
    "eSwatini": "Eswatini",
    "Falkland Is.": "Falkland Islands",
    "Fr. Polynesia": "French Polynesia",
    "Fr. S. Antarctic Lands": "French Southern and Antarctic Lands",
    "Br. Indian Ocean Ter.": "British Indian Ocean Territory",
    "Heard I. and McDonald Is.": "Heard Island and McDonald Islands",
    "Marshall Is.": "Marshall Islands",
    "N. Mariana Is.": "Northern Mariana Islands",
    "Pitcairn Is.": "Pitcairn Islands",
    "S. Geo. and the Is.": "South Georgia and the South Sandwich Islands",
    "Solomon Is.": "Solomon Islands",
    "U.S. Minor Outlying Is.": "U.S. Minor Outlying Islands",
    "Wallis and Futuna Is.": "Wallis and Futuna",
    "Cook Is.": "Cook Islands",
}
# Notes on country names kept as Natural Earth has them.
COUNTRY_NOTES = {"TUR": "Türkiye: the UN's name for it since 2022"}
# Other regions' Natural Earth names -> current names: (country ISO A3, name) -> name.
REGION_NAMES = {
    ("PAK", "Northern Areas"): "Gilgit-Baltistan",  # renamed 2009
    ("PAK", "F.C.T."): "Islamabad Capital Territory",
    ("PAK", "F.A.T.A."): "Federally Administered Tribal Areas",
    ("IND", "Orissa"): "Odisha",  # renamed 2011
    ("IND", "Uttaranchal"): "Uttarakhand",  # renamed 2007
    ("IND", "Pondicherry"): "Puducherry",  # renamed 2006
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
        self.iso = iso  # ISO A3 of a country, ISO alpha-2 of a region's country
        self.name = name
        self.country = ""  # a region's country, ISO A3
        self.code = ""  # a region's ISO 3166-2 code, when it has one
        self.alt_names: tuple[str, ...] = ()  # Natural Earth's other names, for ISO matching
        self.status: str | None = None
        self.note: str | None = None
        self.disputed = False
        self.polygons = polygons

    def area(self) -> float:
        return sum(signed_area(p[0]) + sum(signed_area(h) for h in p[1:]) for p in self.polygons if p)


def normalise(polygons: list[list[np.ndarray]], min_area: float = MIN_AREA_DEG2) -> list[list[np.ndarray]]:
    """Open the rings, orient them (outer CCW, holes CW), drop islets and small holes; the
    largest polygon is always kept, so that the smallest countries stay on the map."""
    out = []
    opened = [[open_ring(r) for r in poly] for poly in polygons]
    opened = [p for p in opened if len(p[0]) >= 3]
    largest = max((abs(signed_area(p[0])) for p in opened), default=0.0)
    for rings in opened:
        area = abs(signed_area(rings[0]))
        if area < min_area and area < largest:
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
            # a thin or tiny island would collapse to a line: halve the tolerance until it does
            # not (a triangle, such as Yeonpyeong in the source, keeps its three points)
            tol = self.tol
            out = self._arc(closed, tol)[:-1]
            while len(out) < min(4, len(ccw)) and tol > self.tol / 16:
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


# --- rounding, labels --------------------------------------------------------------


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


# --- reading ---------------------------------------------------------------------------------


def read_countries(db: sqlite3.Connection) -> list[Feature]:
    """Every country of the ``countries`` layer (not the feature of leftovers, see
    ``DISPUTED_AREAS`` and ``ADMIN1_INTO_COUNTRY`` for what it holds)."""
    feats = []
    for name, ne_iso3, iso2, geom in db.execute("SELECT NAME, ISO_A3, iso_a2, geom FROM countries"):
        if name is None:
            if iso2 == REMNANTS_ISO2:
                continue
            iso3, name = UNNAMED_COUNTRIES[iso2]
        else:
            iso3 = ISO3_FIX.get(name, ne_iso3)
        f = Feature("country", iso3, COUNTRY_NAMES.get(name, name), normalise(decode_gpkg(geom)))
        f.note = COUNTRY_NOTES.get(iso3)
        if iso3 in DISPUTED_COUNTRIES:
            f.disputed, f.note = True, DISPUTED_COUNTRIES[iso3]
        feats.append(f)
    for iso3, (name, corners, note) in HAND_MADE_COUNTRIES.items():
        f = Feature("country", iso3, name, [[orient(np.array(corners, dtype=float), ccw=True)]])
        f.note = note
        feats.append(f)
    isos = [f.iso for f in feats]
    if len(set(isos)) != len(isos):
        raise SystemExit(f"duplicate country codes: {sorted({i for i in isos if isos.count(i) > 1})}")
    return feats


def read_regions(db: sqlite3.Connection, where: str = "1", args: tuple = ()) -> list[Feature]:
    feats = []
    sql = "SELECT iso_a2, adm0_a3, name, woe_name, gn_name, woe_label, geom FROM states_provinces WHERE " + where
    for iso2, adm0, name, woe_name, gn_name, woe_label, geom in db.execute(sql, args):
        f = Feature("region", iso2, name or woe_name or "", normalise(decode_gpkg(geom)))
        f.country = ADM0_TO_ISO3.get(adm0, adm0)
        f.alt_names = tuple(n for n in (woe_name, gn_name, (woe_label or "").split(",")[0]) if n)
        feats.append(f)
    return feats


# --- the border policy -----------------------------------------------------------------------


def reassign_crimea(countries: list[Feature], regions: list[Feature]) -> None:
    """Crimea and Sevastopol become Ukrainian regions (occupied since 2014), also on the
    country level: their polygons leave the Russia feature and are dissolved into Ukraine."""
    crimea = [r for r in regions if r.iso == "RU" and r.name in OCCUPIED_2014]
    if len(crimea) != len(OCCUPIED_2014):
        raise SystemExit("Crimea/Sevastopol not found among the RU regions")
    for r in crimea:
        r.iso, r.country = "UA", "UKR"
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


def dissolve_enclaves(db: sqlite3.Connection, countries: list[Feature], regions: list[Feature]) -> None:
    """Fill Natural Earth's holes and gaps (``ADMIN1_INTO_COUNTRY``, ``COUNTRY_INTO_COUNTRY``),
    and make the disputed leftovers features of their own (``DISPUTED_AREAS``)."""
    by_iso = {c.iso: c for c in countries}
    for code, iso in ADMIN1_INTO_COUNTRY.items():
        parts = read_regions(db, "adm0_a3 = ?", (code,))
        if not parts:
            raise SystemExit(f"admin-1 area {code} not found")
        polys = [p for f in parts for p in f.polygons]
        by_iso[iso].polygons = merge_polygons(by_iso[iso].polygons + polys)
        if code in EXTRA_REGIONS:
            iso2, iso3, name, status, disputed, note = EXTRA_REGIONS[code]
            f = Feature("region", iso2, name, polys)
            f.country, f.status, f.disputed, f.note = iso3, status, disputed, note or None
            regions.append(f)
    for code, (ident, name, note) in DISPUTED_AREAS.items():
        parts = read_regions(db, "adm0_a3 = ?", (code,))
        f = Feature("country", ident, name, [p for part in parts for p in part.polygons])
        f.disputed, f.note = True, note
        countries.append(f)
    for part, whole in COUNTRY_INTO_COUNTRY.items():
        by_iso[whole].polygons = merge_polygons(by_iso[whole].polygons + by_iso[part].polygons)
        countries.remove(by_iso[part])


def rename_regions(regions: list[Feature]) -> None:
    """Current, apostrophe-free names; statuses, disputes and notes (``REGION_POLICY``)."""
    for r in regions:
        if r.country == "UKR":
            if r.name not in UA_NAMES:
                raise SystemExit(f"Ukrainian region without a rename entry: {r.name!r}")
            r.name = UA_NAMES[r.name]
        elif r.country == "RUS":
            r.name = RU_NAMES.get(r.name, clean_name(r.name))
        else:
            r.name = REGION_NAMES.get((r.country, r.name), clean_name(r.name))
        if (r.country, r.name) in REGION_POLICY:
            status, disputed, note = REGION_POLICY[(r.country, r.name)]
            r.status, r.disputed, r.note = status or r.status, disputed, note


def move_islands(regions: list[Feature]) -> None:
    """Give the islands of ``ISLANDS_TO_REGION`` to the region they belong to (whole polygons
    inside the box; they share no border, so nothing else changes)."""
    by_name = {(r.country, r.name): r for r in regions}
    for (country, name), (to_name, (x0, y0, x1, y1), _note) in ISLANDS_TO_REGION.items():
        src, dst = by_name.get((country, name)), by_name.get((country, to_name))
        if src is None or dst is None:
            raise SystemExit(f"ISLANDS_TO_REGION: {country} {name!r} or {to_name!r} not found")
        inside = [
            p
            for p in src.polygons
            if x0 <= p[0][:, 0].min() and p[0][:, 0].max() <= x1 and y0 <= p[0][:, 1].min() and p[0][:, 1].max() <= y1
        ]
        if not inside:
            raise SystemExit(f"ISLANDS_TO_REGION: no island of {name!r} in {(x0, y0, x1, y1)}")
        src.polygons = [p for p in src.polygons if not any(p is q for q in inside)]
        dst.polygons = dst.polygons + inside


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


# --- ISO 3166-2 codes ------------------------------------------------------------------------

_GENERIC_WORDS = re.compile(
    r"\b(oblast|oblasti|oblys|province|provincia|provinsi|prefecture|region|state|respublika|republic|"
    r"republika|kray|krai|okrug|avtonomnyy|avtonomnaya|autonomous|avtonomna|city|municipality|misto|gorod|"
    r"department|departamento|departement|district|governorate|county|wojewodztwo|zizhiqu|sheng|shi|of|the|de|del|la|le)\b"
)


def norm_name(name: str) -> str:
    """``"Kharkivs'ka Oblast'"`` -> ``"kharkivska"``: ASCII, lower case, no generic words."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    ascii_name = re.sub(r"['`\u2019.]", "", ascii_name)
    ascii_name = _GENERIC_WORDS.sub(" ", re.sub(r"[^a-z0-9]+", " ", ascii_name))
    return " ".join(ascii_name.split())


def _similarity(a: str, b: str) -> float:
    """difflib's ratio, or 0.9 when one name is the other's first words (``busan`` and
    ``busan gwangyeoksi``)."""
    if a.startswith(b + " ") or b.startswith(a + " "):
        return 0.9
    return difflib.SequenceMatcher(None, a, b).ratio()


def assign_iso_codes(regions: list[Feature]) -> tuple[int, int]:
    """Each region's ISO 3166-2 code, by name similarity within its country (one code per
    region, best matches first). Returns (regions with a code, regions)."""
    import pycountry  # a dependency of this tool only

    by_country: dict[str, list[Feature]] = {}
    for r in regions:
        by_country.setdefault(r.iso, []).append(r)
        r.code = ISO_3166_2_FIX.get((r.country, r.name), "")
    for iso2, feats in by_country.items():
        subs = list(pycountry.subdivisions.get(country_code=iso2) or [])
        taken = {r.code for r in feats if r.code}
        pairs = []
        for r in feats:
            if r.code:
                continue
            mine = {norm_name(n) for n in (r.name, *r.alt_names)} - {""}
            for s in subs:
                if s.code in taken:
                    continue
                theirs = norm_name(s.name)
                score = max((_similarity(a, theirs) for a in mine), default=0.0)
                top = 0.01 if s.parent_code is None else 0.0  # prefer first-level codes on a tie
                if score >= ISO_MATCH_CUTOFF:
                    pairs.append((score + top, r.name, s.code, r))
        pairs.sort(key=lambda t: (-t[0], t[1], t[2]))
        for _score, _name, code, r in pairs:
            if not r.code and code not in taken:
                r.code = code
                taken.add(code)
    return sum(1 for r in regions if r.code), len(regions)


def region_ids(regions: list[Feature]) -> dict[int, str]:
    """Each region's id: its ISO 3166-2 code, else ``<ISO A3>-<ascii name slug>`` (numbered
    when Natural Earth has two regions of one name in a country)."""
    out: dict[int, str] = {}
    seen: set[str] = set()
    for r in regions:
        base = r.code or f"{r.country}-{slug(unicodedata.normalize('NFKD', r.name).encode('ascii', 'ignore').decode())}"
        ident, n = base, 1
        while ident in seen:
            n += 1
            ident = f"{base}_{n}"
        seen.add(ident)
        out[id(r)] = ident
    return out


# --- building the map ------------------------------------------------------------------------


def build(countries: list[Feature], regions: list[Feature]) -> dict:
    """Simplify every feature along shared borders; return the features' records and rings."""
    feats = countries + regions
    simp = Simplifier([r for f in feats for p in f.polygons for r in p], SIMPLIFY_DEG)
    ids = region_ids(regions)
    records: list[tuple[float, dict, list[list[np.ndarray]]]] = []
    for f in feats:
        polys = []
        for poly in f.polygons:
            rings = []
            for k, ring in enumerate(poly):
                r = finish_ring(simp.ring(ring))
                if r is None:
                    if k == 0:
                        break
                    continue
                rings.append(r)
            if rings:
                polys.append(rings)
        if not polys and f.polygons:  # too small to simplify: the largest polygon as it is
            biggest = max(f.polygons, key=lambda p: abs(signed_area(p[0])))
            r = open_ring(np.round(biggest[0], DECIMALS))
            if len(r) < 3 or abs(signed_area(r)) == 0.0:  # smaller than the grid: a tiny diamond
                cx, cy = np.round(biggest[0].mean(axis=0), DECIMALS)
                step = 1 / SCALE
                r = np.array([[cx, cy - step], [cx + step, cy], [cx, cy + step], [cx - step, cy]])
            polys = [[orient(r, ccw=True)]]
        if not polys:
            raise SystemExit(f"{f.kind} {f.name!r} has no geometry")
        polys.sort(key=lambda p: -abs(signed_area(p[0])))
        rec: dict = {"id": f.iso if f.kind == "country" else ids[id(f)]}
        if f.kind == "region":
            rec.update(iso2=f.iso, country=f.country, code=f.code)
        rec.update(name=f.name, status=f.status, disputed=f.disputed, note=f.note, label=label_point(polys))
        records.append((f.area(), rec, polys))
    countries_out = sorted((t for t in records if "country" not in t[1]), key=lambda t: t[1]["name"])
    # regions by decreasing area: an enclosed region (the city of Kyiv in Kyiv Oblast) comes later
    regions_out = sorted((t for t in records if "country" in t[1]), key=lambda t: -t[0])
    ids = [t[1]["id"] for t in countries_out + regions_out]
    if len(set(ids)) != len(ids):
        raise SystemExit(f"duplicate ids: {sorted({i for i in ids if ids.count(i) > 1})[:20]}")
    return {"countries": countries_out, "regions": regions_out}


def write_npz(path: Path, built: dict) -> tuple[int, int]:
    """Write the map; returns (vertices, bytes).

    Arrays: ``xy`` int32 [n, 2], coordinates in 1/100 degree as differences from the previous
    point (the cumulative sum gives them back, exactly); ``ring_start`` int32 [rings + 1]
    offsets into ``xy``; ``ring_feature`` int32, the feature index of each ring (countries
    first, then regions); ``ring_hole`` bool; ``meta`` uint8, UTF-8 JSON with ``source``,
    ``licence``, ``simplify_deg``, ``decimals``, ``countries`` and ``regions`` (the records
    without geometry, in feature order). Outer rings are counter-clockwise, holes clockwise;
    rings are open (the last point is not a repeat of the first).
    """
    feats = built["countries"] + built["regions"]
    rings, ring_feature, ring_hole = [], [], []
    for i, (_area, _rec, polys) in enumerate(feats):
        for poly in polys:
            for k, ring in enumerate(poly):
                rings.append(np.round(ring * SCALE).astype(np.int64))
                ring_feature.append(i)
                ring_hole.append(k > 0)
    xy = np.concatenate(rings)
    delta = np.diff(xy, axis=0, prepend=np.zeros((1, 2), dtype=np.int64)).astype(np.int32)
    ring_start = np.concatenate([[0], np.cumsum([len(r) for r in rings])]).astype(np.int32)
    meta = {
        "source": SOURCE,
        "licence": LICENCE,
        "simplify_deg": SIMPLIFY_DEG,
        "decimals": DECIMALS,
        "countries": [t[1] for t in built["countries"]],
        "regions": [t[1] for t in built["regions"]],
    }
    blob = np.frombuffer(json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode(), dtype=np.uint8)
    with path.open("wb") as fh:
        np.savez_compressed(
            fh,
            xy=delta,
            ring_start=ring_start,
            ring_feature=np.asarray(ring_feature, dtype=np.int32),
            ring_hole=np.asarray(ring_hole, dtype=bool),
            meta=blob,
        )
    return len(xy), path.stat().st_size


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

    countries = read_countries(db)
    skip = ",".join(f"'{c}'" for c in (*ADMIN1_INTO_COUNTRY, *DISPUTED_AREAS))
    regions = read_regions(db, f"adm0_a3 NOT IN ({skip})")
    reassign_crimea(countries, regions)
    rename_regions(regions)
    move_islands(regions)
    country_names = {c.iso: c.name for c in countries}
    for r in regions:
        if not r.name:  # a few areas of Natural Earth's admin-1 layer carry no name
            r.name = f"{country_names[r.country]} (unnamed area)"
    dissolve_enclaves(db, countries, regions)
    coded, total = assign_iso_codes(regions)
    built = build(countries, regions)
    nverts, size = write_npz(args.out / "world.npz", built)
    print(
        f"world.npz: {len(built['countries'])} countries, {len(built['regions'])} regions "
        f"({coded} with an ISO 3166-2 code), {nverts} vertices, {size / 1024:.0f} KB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
