"""The map: projection, pan and zoom, the cached basemap, regions, sites and range rings.

Projection: equirectangular with the x axis scaled by cos(lat0) (lat0 = the latitude of
the scenario's initial view), so shapes look right around the crisis. The static layers
(sea, the world's countries and first-level regions, disputed areas dashed and hatched, the
scenario's regions in their controller's colour, occupied areas hatched) are drawn once per
zoom level onto a cache surface larger than the view, only the rings in view and at least a
pixel wide; panning only blits it (``bench/bench_map.py`` measures both). After a zoom or a pan
past the margin the new cache is drawn a step at a time, a few milliseconds a frame, while the
old one, scaled, stands in. Sites, labels and the selected weapon's range rings are drawn each
frame.
"""

from __future__ import annotations

import math
import time

import attrs
import numpy as np
import pygame

from game import geo
from game import regions as region_refs
from game.ui import theme

ZOOM_STEP = 1.25
FRAME_BUDGET_S = 0.006
"""Time a frame spends refining the map after a zoom or a pan past the cached margin (the
scaled old picture stands in meanwhile), so a wheel step never holds a frame for the whole
render (about 0.4 s on the ATACMS board)."""
REFINE_CHUNK = 2
"""Polygons drawn between two looks at the clock while refining."""
REFINE_POINTS = 3000
"""Ring points taken to pixels between two looks at the clock while refining."""
REGION_MIN_PX = 6.0
"""First-level regions narrower than this (pixels) get no edge: a few thousand specks of a
country's districts cost a render a second and show nothing."""
DISPUTED_EDGE = (214, 196, 120)
"""The dashed border of a disputed country or region."""
SITE_SHAPES = {
    "capital": "star",
    "city": "circle",
    "civilian": "circle",
    "military": "triangle",
    "infrastructure": "square",
    "nuclear_plant": "trefoil",
    "logistics": "diamond",
    "command": "pentagon",
    "launch_site": "arrow",
}
KIND_LABELS = {
    "capital": "Capital",
    "city": "City",
    "civilian": "Civilian",
    "military": "Military",
    "infrastructure": "Infrastructure",
    "nuclear_plant": "Nuclear plant",
    "logistics": "Logistics",
    "command": "Command",
    "launch_site": "Launch site",
}


# ---------------------------------------------------------------- projection (pure)
@attrs.define
class Projection:
    """lon/lat <-> screen pixels. ``scale`` is pixels per degree of latitude."""

    lon0: float
    lat0: float
    center_lon: float
    center_lat: float
    scale: float
    rect: pygame.Rect

    @property
    def kx(self) -> float:
        return math.cos(math.radians(self.lat0))

    def plane(self, lon, lat):
        """World -> plane pixels (origin at lon0/lat0, y down), at the current scale."""
        lon = np.asarray(lon, dtype=float)
        lat = np.asarray(lat, dtype=float)
        return (lon - self.lon0) * self.kx * self.scale, -(lat - self.lat0) * self.scale

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        """Scalar fast path of ``to_screen``."""
        kx = math.cos(math.radians(self.lat0))
        x = (lon - self.center_lon) * kx * self.scale + self.rect.centerx
        y = -(lat - self.center_lat) * self.scale + self.rect.centery
        return x, y

    def to_screen(self, lon, lat):
        x, y = self.plane(lon, lat)
        cx, cy = self.plane(self.center_lon, self.center_lat)
        return x - cx + self.rect.centerx, y - cy + self.rect.centery

    def to_world(self, x, y):
        cx, cy = self.plane(self.center_lon, self.center_lat)
        px = np.asarray(x, dtype=float) - self.rect.centerx + cx
        py = np.asarray(y, dtype=float) - self.rect.centery + cy
        return px / (self.kx * self.scale) + self.lon0, -py / self.scale + self.lat0

    def fit(self, bbox, margin: float = 0.06) -> None:
        lon_min, lat_min, lon_max, lat_max = bbox
        self.center_lon = (lon_min + lon_max) / 2
        self.center_lat = (lat_min + lat_max) / 2
        w = max((lon_max - lon_min) * self.kx, 1e-6)
        h = max(lat_max - lat_min, 1e-6)
        usable_w = self.rect.w * (1 - 2 * margin)
        usable_h = self.rect.h * (1 - 2 * margin)
        self.scale = max(1e-3, min(usable_w / w, usable_h / h))

    def pan_pixels(self, dx: float, dy: float) -> None:
        self.center_lon -= dx / (self.kx * self.scale)
        self.center_lat += dy / self.scale

    def zoom(self, factor: float, around=None) -> None:
        if around is None:
            around = self.rect.center
        lon, lat = self.to_world(*around)
        self.scale *= factor
        nx, ny = self.to_screen(lon, lat)
        self.pan_pixels(around[0] - float(nx), around[1] - float(ny))


# ---------------------------------------------------------------- range coverage (pure)
@attrs.frozen
class Coverage:
    weapon: str
    range_km: float
    launch_points: np.ndarray  # [n, 2] lon/lat: the ring centres drawn
    rings: tuple[np.ndarray, ...]  # one closed ring per launch point, [m, 2]
    boundary: tuple[np.ndarray, ...]  # per ring: bool mask of points on the union's edge
    launch_polygons: tuple[np.ndarray, ...]
    distances: dict[str, float]  # site id -> km from the nearest launch point (0 inside)
    in_range: frozenset[str]  # the other sides' sites it reaches (never its own side's)
    friendly: frozenset[str]  # sites held by the weapon owner's side (never marked as in range)


def region_rings(region, basemap: dict | None) -> list[np.ndarray]:
    """The lon/lat outer rings that draw a scenario region: its countries, first-level regions and
    outline (``game.regions``); for the older ``basemap:`` name, that world-map shape."""
    if region.countries or region.admin1:
        return list(region_refs.shape(region).rings)
    if basemap and region.basemap:
        for f in (*basemap.get("regions", []), *basemap.get("countries", [])):
            if region.basemap in (f.get("name"), f.get("id")):
                return [np.asarray(r, dtype=float).reshape(-1, 2) for r in f["rings"]]
    if region.outline:
        return [np.asarray(region.outline, dtype=float).reshape(-1, 2)]
    return []


def launch_points(scenario, weapon, rules=None) -> tuple[np.ndarray, np.ndarray]:
    """(every point the engine measures range from, the corners and centres among them).

    With compiled ``rules`` the points are the engine's own (``Rules.launch_points``)."""
    regions = {r.id: r for r in scenario.map.regions}
    pts, corners = [], []
    for rid in weapon.launch_from:
        r = regions.get(rid)
        if r is None:
            continue
        pts.extend(region_refs.edge_points(r, regions).tolist())
        if not (r.countries or r.admin1 or r.minus or r.within):
            corners.extend(r.outline)
        if r.center is not None:
            pts.append(r.center)
            corners.append(r.center)
    P = np.asarray(pts, dtype=float).reshape(-1, 2)
    engine = getattr(rules, "launch_points", None) if rules is not None else None
    if isinstance(engine, dict):
        wi = next(i for i, x in enumerate(scenario.weapons) if x.id == weapon.id)
        if wi in engine:
            P = np.asarray(engine[wi], dtype=float).reshape(-1, 2)
    return P, np.asarray(corners, dtype=float).reshape(-1, 2)


def coverage(scenario, weapon_id: str, basemap: dict | None = None, n: int = 72, rules=None) -> Coverage:
    """Where a weapon reaches: great-circle rings around its launch points (the points the engine
    measures range from: its launch regions' outlines and centres), the edge of their union,
    and the sites in range (distance 0 inside a launch region, as in the rules).

    Site distances use every launch point, exactly as the engine; the drawing uses rings
    around the corners and centres plus points along the edges about range/8 apart, whose
    union differs from the exact one by under 1 % of the range."""
    w = next(x for x in scenario.weapons if x.id == weapon_id)
    regions = {r.id: r for r in scenario.map.regions}
    P, corners = launch_points(scenario, w, rules)
    polys = []
    for rid in w.launch_from:
        if rid in regions:
            polys.extend(region_rings(regions[rid], basemap))
    spacing_km = max(w.range_km / 8.0, 1.0)
    cand = np.concatenate([corners, P]) if len(P) else corners
    if len(cand):
        # thin to one point per grid cell (about range/8 wide), corners and centres first
        lat0 = float(np.mean(cand[:, 1]))
        gx = np.floor(cand[:, 0] * 111.32 * np.cos(np.radians(lat0)) / spacing_km)
        gy = np.floor(cand[:, 1] * 110.57 / spacing_km)
        _cells, first = np.unique(np.column_stack([gx, gy]), axis=0, return_index=True)
        D = cand[np.sort(first)]
    else:
        D = np.empty((0, 2))
    rings = [geo.range_ring(float(lon), float(lat), float(w.range_km), n=n) for lon, lat in D]
    allpts = np.concatenate(rings) if rings else np.empty((0, 2))
    on_edge = np.ones(len(allpts), dtype=bool)
    # on the union's edge: no ring centre nearer than the range; compared as the cosine of the
    # central angle (one matrix product a block, no trigonometry per pair)
    ring_pts, centres = _unit_vectors(allpts), _unit_vectors(D)
    limit = math.cos(w.range_km * (1 - 1e-3) / geo.EARTH_RADIUS_KM)
    for i in range(0, len(allpts), 4096):
        on_edge[i : i + 4096] = (ring_pts[i : i + 4096] @ centres.T).max(axis=1, initial=-1.0) <= limit
    if len(allpts):
        on_edge &= ~_inside_any(allpts, [p for p in polys if len(p) >= 3])
    edges = [on_edge[k * n : (k + 1) * n] for k in range(len(rings))]
    friendly = friendly_sites(scenario, w.owner)
    dist, inside = {}, set()
    for s in scenario.map.sites:
        if s.region in w.launch_from:
            d = 0.0
        elif len(P):
            d = float(geo.min_distance_km(np.array([[s.lon, s.lat]]), P))
        else:
            d = float("inf")
        dist[s.id] = d
        if d <= w.range_km and s.id not in friendly:
            inside.add(s.id)
    return Coverage(
        w.id, float(w.range_km), D, tuple(rings), tuple(edges), tuple(polys), dist, frozenset(inside), friendly
    )


def _unit_vectors(lonlat: np.ndarray) -> np.ndarray:
    """[n, 3] points on the unit sphere."""
    lam, phi = np.radians(lonlat[:, 0]), np.radians(lonlat[:, 1])
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


INSIDE_GRID = 2048
"""Cells a side of the grid ``_inside_any`` draws the launch areas on: a few hundred metres
for Russia, finer than a pixel of the edge it decides."""


def _inside_any(pts: np.ndarray, polys: list[np.ndarray]) -> np.ndarray:
    """Which lon/lat points lie inside one of the polygons, read off the polygons drawn on a
    grid over their box: the ring test point by point against every edge took minutes and
    gigabytes for Russia's real border (a few thousand points, tens of thousands of edges)."""
    inside = np.zeros(len(pts), dtype=bool)
    if not polys:
        return inside
    every = np.vstack(polys)
    lo, hi = every.min(axis=0), every.max(axis=0)
    step = np.maximum(hi - lo, 1e-9) / (INSIDE_GRID - 1)
    grid = pygame.Surface((INSIDE_GRID, INSIDE_GRID), depth=8)
    for poly in polys:
        pygame.draw.polygon(grid, 1, np.rint((poly - lo) / step).tolist())
    cells = np.rint((pts - lo) / step).astype(np.int64)
    ok = np.all((cells >= 0) & (cells < INSIDE_GRID), axis=1)
    drawn = pygame.surfarray.array2d(grid)  # [x, y]
    inside[ok] = drawn[cells[ok, 0], cells[ok, 1]] != 0
    return inside


def friendly_sites(scenario, actor_id: str) -> frozenset[str]:
    """Sites held (by their region's controller) by ``actor_id``'s friends: its side, and the
    sides of those who supply or authorise its weapons (Ukraine's backers for Ukraine)."""
    backers = {actor_id}
    for w in scenario.weapons:
        if w.owner == actor_id:
            backers |= {x for x in (w.supplier, w.authorized_by) if x}
    sides = {a.side or a.id for a in scenario.actors if a.id in backers}
    friends = {a.id for a in scenario.actors if (a.side or a.id) in sides}
    held = {r.id: r.controller for r in scenario.map.regions}
    return frozenset(s.id for s in scenario.map.sites if held.get(s.region) in friends)


# ---------------------------------------------------------------- drawing helpers
def shape_points(kind: str, x: float, y: float, r: float) -> list[tuple[float, float]] | None:
    shape = SITE_SHAPES.get(kind, "circle")
    if shape == "triangle":
        return [(x, y - r * 1.15), (x + r, y + r * 0.75), (x - r, y + r * 0.75)]
    if shape == "square":
        return [
            (x - r * 0.85, y - r * 0.85),
            (x + r * 0.85, y - r * 0.85),
            (x + r * 0.85, y + r * 0.85),
            (x - r * 0.85, y + r * 0.85),
        ]
    if shape == "diamond":
        return [(x, y - r * 1.2), (x + r * 1.05, y), (x, y + r * 1.2), (x - r * 1.05, y)]
    if shape == "star":
        pts = []
        for i in range(10):
            rr = r * 1.35 if i % 2 == 0 else r * 0.6
            a = -math.pi / 2 + i * math.pi / 5
            pts.append((x + rr * math.cos(a), y + rr * math.sin(a)))
        return pts
    if shape == "pentagon":
        return [
            (
                x + r * 1.1 * math.cos(-math.pi / 2 + i * 2 * math.pi / 5),
                y + r * 1.1 * math.sin(-math.pi / 2 + i * 2 * math.pi / 5),
            )
            for i in range(5)
        ]
    if shape == "arrow":
        return [
            (x, y - r * 1.3),
            (x + r, y),
            (x + r * 0.4, y),
            (x + r * 0.4, y + r),
            (x - r * 0.4, y + r),
            (x - r * 0.4, y),
            (x - r, y),
        ]
    return None


def draw_site_icon(surface, kind: str, x: float, y: float, r: float, fill, edge=(10, 12, 16)) -> None:
    shape = SITE_SHAPES.get(kind, "circle")
    if shape == "trefoil":
        pygame.draw.circle(surface, edge, (x, y), r + 2)
        pygame.draw.circle(surface, (240, 228, 66), (x, y), r + 1)
        for i in range(3):
            a0 = -math.pi / 2 + i * 2 * math.pi / 3 - 0.5
            pts = [(x, y)] + [(x + r * math.cos(a0 + t * 0.2), y + r * math.sin(a0 + t * 0.2)) for t in range(6)]
            pygame.draw.polygon(surface, (20, 20, 20), pts)
        pygame.draw.circle(surface, (240, 228, 66), (x, y), max(1, r * 0.28))
        pygame.draw.circle(surface, (20, 20, 20), (x, y), max(1, r * 0.18))
        return
    outline = shape_points(kind, x, y, r)
    if outline is None:
        pygame.draw.circle(surface, edge, (x, y), r + 2)
        pygame.draw.circle(surface, fill, (x, y), r)
        if kind == "city":
            pygame.draw.circle(surface, edge, (x, y), max(1, r * 0.35))
        return
    pygame.draw.polygon(surface, edge, outline, 0)
    inner = shape_points(kind, x, y, r - 1.6)
    pygame.draw.polygon(surface, fill, inner or outline, 0)


def hatch(surface: pygame.Surface, pts, colour, spacing: int = 7, width: int = 1, alpha: int = 150) -> None:
    """Diagonal hatching clipped to a polygon (for occupied areas)."""
    if len(pts) < 3:
        return
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    box = pygame.Rect(int(min(xs)) - 1, int(min(ys)) - 1, int(max(xs) - min(xs)) + 3, int(max(ys) - min(ys)) + 3)
    box = box.clip(surface.get_rect())
    if box.w <= 0 or box.h <= 0:
        return
    lines = pygame.Surface(box.size, pygame.SRCALPHA)
    col = (*colour[:3], alpha)
    for k in range(-box.h, box.w, spacing):
        pygame.draw.line(lines, col, (k, box.h), (k + box.h, 0), width)
    mask = pygame.Surface(box.size, pygame.SRCALPHA)
    pygame.draw.polygon(mask, (255, 255, 255, 255), [(x - box.x, y - box.y) for x, y in pts])
    lines.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
    surface.blit(lines, box.topleft)


def text_with_halo(surface, text: str, font: pygame.font.Font, colour, pos, anchor="center"):
    img = theme.render(font, text, colour, halo=(8, 11, 15))
    r = img.get_rect(**{anchor: pos})
    surface.blit(img, r)
    return r


# ---------------------------------------------------------------- basemap layers
@attrs.frozen(eq=False)
class _Layer:
    """The rings of one basemap layer in unit-plane coordinates, with a box per ring, so that a
    render draws only the rings in view and at least a pixel wide."""

    features: tuple[dict, ...]  # the feature of each ring
    rings: tuple[np.ndarray, ...]
    hole: np.ndarray  # bool per ring
    box: np.ndarray  # [rings, 4]: x0, y0, x1, y1
    xy: np.ndarray  # every ring's points, one after the other
    starts: np.ndarray  # [rings + 1] offsets of the rings in ``xy``

    @classmethod
    def of(cls, items: list[tuple[dict, np.ndarray, bool]], unit) -> _Layer:
        """The layer of (feature, lon/lat ring, is a hole) items, taken to the unit plane by
        ``unit`` in one pass over all their points."""
        starts = np.concatenate([[0], np.cumsum([len(r) for _f, r, _h in items])]).astype(np.int64)
        xy = unit(np.concatenate([r for _f, r, _h in items])) if items else np.empty((0, 2))
        lo = np.minimum.reduceat(xy, starts[:-1], axis=0) if items else np.empty((0, 2))
        hi = np.maximum.reduceat(xy, starts[:-1], axis=0) if items else np.empty((0, 2))
        return cls(
            tuple(f for f, _r, _h in items),
            tuple(np.split(xy, starts[1:-1])) if items else (),
            np.array([h for _f, _r, h in items], dtype=bool),
            np.hstack([lo, hi]).reshape(-1, 4),
            xy,
            starts,
        )

    def pixels(self, scale: float, origin, idx: np.ndarray) -> list[list]:
        """The rings ``idx`` (ascending) in pixels on a surface whose top left is ``origin``, as
        ``pixel_ring`` gives them, projected in one numpy pass (thousands of rings a render)."""
        if not len(idx):
            return []
        lengths = np.diff(self.starts)[idx]
        first = np.concatenate([[0], np.cumsum(lengths)[:-1]])
        rows = np.repeat(self.starts[idx] - first, lengths) + np.arange(int(lengths.sum()))  # only these rings' points
        pts = np.rint(self.xy[rows] * scale - np.asarray(origin, dtype=float)).astype(np.int64)
        ring_of = np.repeat(idx, lengths)
        keep = np.ones(len(pts), dtype=bool)
        keep[1:] = (pts[1:, 0] != pts[:-1, 0]) | (pts[1:, 1] != pts[:-1, 1]) | (ring_of[1:] != ring_of[:-1])
        counts = np.bincount(ring_of[keep], minlength=len(self.rings))[idx]
        flat = pts[keep].tolist()
        ends = np.cumsum(counts).tolist()
        return [flat[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)]

    def chunks(self, idx: np.ndarray, points: int = REFINE_POINTS) -> list[np.ndarray]:
        """``idx`` cut into runs of about ``points`` ring points each (a render's steps)."""
        if not len(idx):
            return []
        total = np.cumsum(np.diff(self.starts)[idx])
        return np.split(idx, np.searchsorted(total, np.arange(points, total[-1], points), side="right"))

    def visible(self, scale: float, origin, size, min_px: float = 1.0) -> np.ndarray:
        """Indices of the rings that reach into the surface and span at least ``min_px`` pixels."""
        if not len(self.rings):
            return np.empty(0, dtype=int)
        x0, y0 = origin[0] / scale, origin[1] / scale
        x1, y1 = x0 + size[0] / scale, y0 + size[1] / scale
        b = self.box
        inside = (b[:, 2] >= x0) & (b[:, 0] <= x1) & (b[:, 3] >= y0) & (b[:, 1] <= y1)
        wide = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) * scale >= min_px
        return np.flatnonzero(inside & wide)


@attrs.frozen(eq=False)
class _UnitShape:
    """A scenario region in unit-plane coordinates: its rings and holes, the clip of ``within``
    and the shapes of the regions ``minus`` cuts out."""

    rings: tuple[np.ndarray, ...]
    holes: tuple[np.ndarray, ...] = ()
    clip_rings: tuple[np.ndarray, ...] = ()
    clip_holes: tuple[np.ndarray, ...] = ()
    cuts: tuple[_UnitShape, ...] = ()


def pixel_ring(unit_ring: np.ndarray, scale: float, origin) -> np.ndarray:
    """A unit-plane ring on a surface whose top left is ``origin`` (plane pixels): rounded to
    pixels, consecutive repeats dropped (a country of 5,000 points is a few hundred at world zoom)."""
    pts = np.rint(unit_ring * scale - np.asarray(origin, dtype=float)).astype(np.int64)
    keep = np.ones(len(pts), dtype=bool)
    keep[1:] = (pts[1:, 0] != pts[:-1, 0]) | (pts[1:, 1] != pts[:-1, 1])
    return pts[keep]


@attrs.define(eq=False)
class _RenderJob:
    """A cache surface being drawn a step at a time (``MapView._render_steps``)."""

    key: float
    surf: pygame.Surface
    origin: tuple[float, float]
    steps: object  # the generator that draws it
    memo: dict


# ---------------------------------------------------------------- the view
class MapView:
    """The board's map, drawn in ``rect``; handles its own drag, wheel and arrow keys."""

    def __init__(
        self, scenario, colours: dict, basemap: dict | None, cities: list[dict], font_scale: float = 1.0, rules=None
    ):
        self.scenario = scenario
        self.rules = rules
        self.colours = colours
        self.basemap = basemap
        self.cities = cities
        self.fs = font_scale
        view = scenario.map.view or self._bbox_of_scenario()
        lat0 = (view[1] + view[3]) / 2
        lon0 = (view[0] + view[2]) / 2
        self.home = tuple(view)
        self.proj = Projection(lon0, lat0, lon0, lat0, 10.0, pygame.Rect(0, 0, 800, 600))
        self._fitted_for: tuple | None = None
        self.coverage: Coverage | None = None
        self.target_site: str | None = None
        self.highlight_sites: set[str] = set()
        self.hover_site = None
        self.dragging = False
        self._drag_from = None
        self._cache: dict = {}
        self._job: _RenderJob | None = None
        self._px_memo: dict[int, np.ndarray | None] = {}  # the rings in pixels, of the render under way
        self._px_size: tuple[int, int] = (0, 0)
        self._unit_boxes: dict[int, np.ndarray] = {}  # id of a region's _UnitShape -> its box in the unit plane
        self._preview: tuple | None = None
        self._t = 0.0
        self.site_controller = self._site_controllers()
        self._plane_unit = self._prepare_geometry()

    # ---- setup
    def _bbox_of_scenario(self):
        """The view when the scenario gives none: around its sites and regions (a region as large
        as a continent counts only where a site of its is, so Russia does not fill the view)."""
        pts = [(s.lon, s.lat) for s in self.scenario.map.sites]
        for r in self.scenario.map.regions:
            rings = region_rings(r, self.basemap)
            if not rings:
                continue
            a = np.vstack(rings)
            lo, hi = a.min(axis=0), a.max(axis=0)
            if max(hi[0] - lo[0], hi[1] - lo[1]) <= 40 or not pts:
                pts.extend([tuple(lo), tuple(hi)])
        if not pts:
            return (0.0, 0.0, 10.0, 6.0)
        a = np.asarray(pts, dtype=float)
        lo, hi = a.min(axis=0), a.max(axis=0)
        pad = max(1.0, 0.08 * float(max(hi - lo)))
        return (lo[0] - pad, lo[1] - pad, hi[0] + pad, hi[1] + pad)

    def _site_controllers(self) -> dict[str, str]:
        regions = {r.id: r for r in self.scenario.map.regions}
        return {s.id: regions[s.region].controller if s.region in regions else "" for s in self.scenario.map.sites}

    def _prepare_geometry(self):
        """Rings in 'unit plane' coordinates (degrees, x scaled by kx, y down), per layer."""
        kx = self.proj.kx
        lon0, lat0 = self.proj.lon0, self.proj.lat0

        def unit(ring_lonlat: np.ndarray) -> np.ndarray:
            out = np.empty_like(ring_lonlat, dtype=float)
            out[:, 0] = (ring_lonlat[:, 0] - lon0) * kx
            out[:, 1] = -(ring_lonlat[:, 1] - lat0)
            return out

        labels = []
        layers: dict = {"scenario": [], "shapes": {}}
        countries: list[tuple[dict, np.ndarray, bool]] = []
        regions: list[tuple[dict, np.ndarray, bool]] = []
        if self.basemap:
            for c in self.basemap["countries"]:
                rings = [np.asarray(r, dtype=float).reshape(-1, 2) for r in c["rings"]]
                countries.extend((c, r, False) for r in rings)
                countries.extend((c, np.asarray(r, dtype=float).reshape(-1, 2), True) for r in c.get("holes", []))
                if c.get("label"):
                    big = max(rings, key=len)
                    extent = max(float(np.ptp(big[:, 0])) * kx, float(np.ptp(big[:, 1])))
                    labels.append((c["name"], c["label"], extent))
            for r in self.basemap["regions"]:
                regions.extend((r, np.asarray(x, dtype=float).reshape(-1, 2), False) for x in r["rings"])
        layers["countries"] = _Layer.of(countries, unit)
        layers["regions"] = _Layer.of(regions, unit)
        by_id = {r.id: r for r in self.scenario.map.regions}

        def unit_shape(reg) -> _UnitShape:
            if reg.countries or reg.admin1 or reg.within:
                shp = region_refs.shape(reg)
                clip = shp.clip
                return _UnitShape(
                    tuple(unit(r) for r in shp.rings),
                    tuple(unit(r) for r in shp.holes),
                    tuple(unit(r) for r in clip.rings) if clip else (),
                    tuple(unit(r) for r in clip.holes) if clip else (),
                )
            return _UnitShape(tuple(unit(r) for r in region_rings(reg, self.basemap)))

        for reg in self.scenario.map.regions:
            shp = unit_shape(reg)
            layers["shapes"][reg.id] = shp
            layers["scenario"].append((reg, list(shp.rings)))
        for reg in self.scenario.map.regions:
            cuts = [layers["shapes"][c] for c in reg.minus if c in by_id and c != reg.id]
            layers["shapes"][reg.id] = attrs.evolve(layers["shapes"][reg.id], cuts=tuple(cuts))
        self.country_labels = labels
        self._unit = unit
        return layers

    @staticmethod
    def _extent(rings) -> float:
        if not rings:
            return 0.0
        a = max(rings, key=len)
        return float(max(a[:, 0].max() - a[:, 0].min(), a[:, 1].max() - a[:, 1].min()))

    # ---- geometry of the view
    def set_rect(self, rect: pygame.Rect) -> None:
        rect = pygame.Rect(rect)
        if self.proj.rect.size != rect.size or self._fitted_for is None:
            self.proj.rect = rect
            if self._fitted_for is None:
                self.proj.fit(self.home)
                self._fitted_for = rect.size
            self._cache.clear()
        self.proj.rect = rect

    def reset_view(self) -> None:
        self.proj.fit(self.home)
        self._cache.clear()

    def zoom(self, steps: int, around=None) -> None:
        factor = ZOOM_STEP**steps
        new = self.proj.scale * factor
        home_scale = self._home_scale()
        if not (home_scale / 6 <= new <= home_scale * 12):
            return
        self.proj.zoom(factor, around)

    def _home_scale(self) -> float:
        p = Projection(self.proj.lon0, self.proj.lat0, 0, 0, 1.0, self.proj.rect)
        p.fit(self.home)
        return p.scale

    # ---- selection
    def show_weapon(self, weapon_id: str | None, target_site: str | None = None) -> None:
        if weapon_id is None:
            self.coverage = None
        elif self.coverage is None or self.coverage.weapon != weapon_id:
            cache = self.__dict__.setdefault("_coverages", {})
            if weapon_id not in cache:
                cache[weapon_id] = coverage(self.scenario, weapon_id, self.basemap, rules=self.rules)
            self.coverage = cache[weapon_id]
        self.target_site = target_site

    # ---- input
    def handle_event(self, event) -> bool:
        rect = self.proj.rect
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and rect.collidepoint(event.pos):
            self.dragging, self._drag_from = True, event.pos
            return True
        if event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self.dragging:
            self.dragging = False
            return True
        if event.type == pygame.MOUSEMOTION:
            if self.dragging and self._drag_from is not None:
                dx, dy = event.pos[0] - self._drag_from[0], event.pos[1] - self._drag_from[1]
                self._drag_from = event.pos
                self.proj.pan_pixels(dx, dy)
                return True
            self.hover_site = self.site_at(event.pos) if rect.collidepoint(event.pos) else None
            return False
        if event.type == pygame.MOUSEWHEEL:
            pos = pygame.mouse.get_pos()
            if rect.collidepoint(pos):
                self.zoom(1 if event.y > 0 else -1, pos)
                return True
        if event.type == pygame.KEYDOWN:
            step = 60
            keys = {
                pygame.K_LEFT: (step, 0),
                pygame.K_RIGHT: (-step, 0),
                pygame.K_UP: (0, step),
                pygame.K_DOWN: (0, -step),
            }
            if event.key in keys and event.mod & pygame.KMOD_SHIFT:
                self.proj.pan_pixels(*keys[event.key])
                return True
            if event.key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):
                self.zoom(1)
                return True
            if event.key in (pygame.K_MINUS, pygame.K_KP_MINUS):
                self.zoom(-1)
                return True
            if event.key == pygame.K_0 and event.mod & pygame.KMOD_SHIFT:
                self.reset_view()
                return True
        return False

    def site_at(self, pos, radius: float = 11.0):
        best, best_d = None, radius
        for s in self.scenario.map.sites:
            x, y = self.proj.to_screen(s.lon, s.lat)
            d = math.hypot(float(x) - pos[0], float(y) - pos[1])
            if d < best_d:
                best, best_d = s, d
        return best

    # ---- drawing
    def _covers(self, surf: pygame.Surface, origin) -> bool:
        """Does a surface at ``origin`` (plane pixels at the current scale) hold the whole view?"""
        p = self.proj
        cx, cy = (float(v) for v in p.plane(p.center_lon, p.center_lat))
        w, h = p.rect.w, p.rect.h
        ox, oy = origin
        return (
            ox <= cx - w / 2
            and cx + w / 2 <= ox + surf.get_width()
            and oy <= cy - h / 2
            and cy + h / 2 <= oy + surf.get_height()
        )

    def _cache_surface(self, budget: float | None = None) -> tuple[pygame.Surface, tuple[float, float]] | None:
        """The static layers for this zoom, covering the view with a margin; re-rendered
        when a pan leaves the margin or the zoom changes. With a ``budget`` (seconds) a missing
        surface is drawn a step at a time, that long a call, and None comes back until it is done."""
        p = self.proj
        key = round(p.scale, 6)
        hit = self._cache.get(key)
        if hit is not None and self._covers(*hit):
            return hit
        job = self._job
        if job is None or job.key != key or not self._covers(job.surf, job.origin):
            cx, cy = (float(v) for v in p.plane(p.center_lon, p.center_lat))
            w, h = p.rect.w, p.rect.h
            mw, mh = w // 2, h // 2
            origin = (cx - w / 2 - mw, cy - h / 2 - mh)
            surf = pygame.Surface((w + 2 * mw, h + 2 * mh))
            job = self._job = _RenderJob(key, surf, origin, self._render_steps(surf, origin), {})
            if budget is not None:
                return None  # the frame of the wheel step shows the old picture scaled, no more
        self._px_memo, self._px_size = job.memo, job.surf.get_size()
        deadline = None if budget is None else time.perf_counter() + budget
        for _step in job.steps:  # type: ignore[attr-defined]
            if deadline is not None and time.perf_counter() >= deadline:
                return None
        self._job = None
        if len(self._cache) > 3:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = (job.surf, job.origin)
        return job.surf, job.origin

    def _draw_preview(self, surface: pygame.Surface) -> None:
        """While the cache for this view is drawn: the cached picture nearest in scale, scaled
        to this zoom (sea where it does not reach)."""
        p = self.proj
        rect = p.rect
        cx, cy = (float(v) for v in p.plane(p.center_lon, p.center_lat))
        key = (round(p.scale, 6), round(cx, 1), round(cy, 1), rect.size)
        if self._preview is None or self._preview[0] != key:
            img = pygame.Surface(rect.size)
            img.fill(theme.SEA)
            if self._cache:
                old_key = min(self._cache, key=lambda k: abs(math.log(k / p.scale)))
                old, (ox, oy) = self._cache[old_key]
                f = old_key / p.scale  # old pixels per new pixel
                want = pygame.Rect(
                    round((cx - rect.w / 2) * f - ox),
                    round((cy - rect.h / 2) * f - oy),
                    max(1, round(rect.w * f)),
                    max(1, round(rect.h * f)),
                )
                got = want.clip(old.get_rect())
                if got.w > 0 and got.h > 0:
                    dest = pygame.Rect(
                        round((got.x - want.x) / f),
                        round((got.y - want.y) / f),
                        max(1, round(got.w / f)),
                        max(1, round(got.h / f)),
                    )
                    img.blit(pygame.transform.scale(old.subsurface(got), dest.size), dest.topleft)
            self._preview = (key, img)
        surface.blit(self._preview[1], rect.topleft)

    def _to_cache(self, unit_ring: np.ndarray, origin) -> list[tuple[float, float]]:
        s = self.proj.scale
        pts = unit_ring * s
        pts[:, 0] -= origin[0]
        pts[:, 1] -= origin[1]
        return pts.tolist()

    def _px(self, ring: np.ndarray, origin, box: pygame.Rect | None = None) -> list:
        """A ring's pixel points on the cache surface (or within ``box`` of it), computed once
        per render; none for a ring off the surface or under a pixel wide."""
        pts = self._px_array(ring, origin)
        if pts is None:
            return []
        if box is not None:
            pts = pts - (box.x, box.y)
        return pts.tolist()

    def _px_array(self, ring: np.ndarray, origin) -> np.ndarray | None:
        key = id(ring)
        if key in self._px_memo:
            return self._px_memo[key]
        s = self.proj.scale
        lo, hi = ring.min(axis=0) * s - origin, ring.max(axis=0) * s - origin
        w, h = self._px_size
        pts = None
        if hi[0] >= 0 and hi[1] >= 0 and lo[0] <= w and lo[1] <= h and max(hi[0] - lo[0], hi[1] - lo[1]) >= 1:
            pts = pixel_ring(ring, s, origin)
        self._px_memo[key] = pts
        return pts

    def _render_static(self, surf: pygame.Surface, origin) -> None:
        """The static layers at once."""
        self._px_memo, self._px_size = {}, surf.get_size()
        for _step in self._render_steps(surf, origin):
            pass

    def _render_steps(self, surf: pygame.Surface, origin):
        """Draw the static layers onto ``surf``, yielding every ``REFINE_CHUNK`` polygons or so,
        so that the caller can stop at a frame's budget and go on in the next frame."""
        layers = self._plane_unit
        surf.fill(theme.SEA)
        s = self.proj.scale
        size = surf.get_size()
        # graticule
        lon_a, lat_b = self.proj.lon0 + origin[0] / (self.proj.kx * s), self.proj.lat0 - origin[1] / s
        lon_b = lon_a + surf.get_width() / (self.proj.kx * s)
        lat_a = lat_b - surf.get_height() / s
        step = _nice_step((lon_b - lon_a) / 6)
        for lon in np.arange(math.floor(lon_a / step) * step, lon_b + step, step):
            x = (lon - self.proj.lon0) * self.proj.kx * s - origin[0]
            pygame.draw.line(surf, theme.SEA_GRID, (x, 0), (x, surf.get_height()))
        for lat in np.arange(math.floor(lat_a / step) * step, lat_b + step, step):
            y = -(lat - self.proj.lat0) * s - origin[1]
            pygame.draw.line(surf, theme.SEA_GRID, (0, y), (surf.get_width(), y))

        yield
        countries: _Layer = layers["countries"]
        shown = countries.visible(s, origin, size)
        outlines: list[tuple[dict, list]] = []
        holes: list[tuple[dict, list]] = []
        for part in countries.chunks(shown):
            for i, pts in zip(part, countries.pixels(s, origin, part), strict=True):  # land, then holes
                if len(pts) >= 3:
                    (holes if countries.hole[i] else outlines).append((countries.features[i], pts))
            yield
        for k, (_f, pts) in enumerate(outlines, 1):
            pygame.draw.polygon(surf, theme.LAND, pts)
            if k % REFINE_CHUNK == 0:
                yield
        for _f, pts in holes:
            pygame.draw.polygon(surf, theme.SEA, pts)
        regions: _Layer = layers["regions"]
        region_outlines = []
        if s > 25:
            shown_regions = regions.visible(s, origin, size, REGION_MIN_PX)
            yield
            for part in regions.chunks(shown_regions):
                for i, pts in zip(part, regions.pixels(s, origin, part), strict=True):
                    if len(pts) >= 3:
                        region_outlines.append((regions.features[i], pts))
                        pygame.draw.polygon(surf, theme.REGION_EDGE, pts, 1)
                yield
        # the scenario's regions, by controller
        overlay = pygame.Surface(size, pygame.SRCALPHA)
        bounds = pygame.Rect(0, 0, *size)
        for reg, _rings in layers["scenario"]:
            yield from self._draw_region(overlay, surf, reg, layers["shapes"][reg.id], origin, bounds)
        surf.blit(overlay, (0, 0))
        yield
        # occupied and disputed areas of the world map
        for f, pts in region_outlines if s > 25 else []:
            if f.get("disputed"):
                hatch(surf, pts, (210, 200, 150), spacing=10, alpha=45)
        for i in regions.visible(s, origin, size):
            f = regions.features[i]
            if str(f.get("status") or "").startswith("occupied"):
                pts = self._px(regions.rings[i], origin)
                if len(pts) >= 3:
                    hatch(surf, pts, (200, 200, 210), spacing=8, alpha=70)
        for f, pts in outlines:
            if f.get("disputed"):
                hatch(surf, pts, (210, 200, 150), spacing=10, alpha=45)
        # borders on top: disputed ones dashed
        yield
        for k, (f, pts) in enumerate(outlines, 1):
            if f.get("disputed"):
                _dashed_polygon(surf, DISPUTED_EDGE, pts, 5.0, 1)
            else:
                pygame.draw.polygon(surf, theme.BORDER, pts, 1)
            if k % (4 * REFINE_CHUNK) == 0:
                yield
        for f, pts in region_outlines:
            if f.get("disputed"):
                _dashed_polygon(surf, DISPUTED_EDGE, pts, 4.0, 1)
        for reg, _rings in layers["scenario"]:
            yield from self._draw_region_edge(surf, reg, layers["shapes"][reg.id], origin, bounds)

    def _mask(self, shp: _UnitShape, origin, box: pygame.Rect):
        """White (opaque) where the shape is, within ``box`` of the cache surface: its rings
        less its holes, within its clip, less its cuts. A generator (it yields between chunks
        of polygons); its value is the mask."""
        mask = pygame.Surface(box.size, pygame.SRCALPHA)
        mask.fill((0, 0, 0, 0))
        for k, ring in enumerate(shp.rings, 1):
            pts = self._px(ring, origin, box)
            if len(pts) >= 3:
                pygame.draw.polygon(mask, (255, 255, 255, 255), pts)
            if k % REFINE_CHUNK == 0:
                yield
        for ring in shp.holes:
            pts = self._px(ring, origin, box)
            if len(pts) >= 3:
                pygame.draw.polygon(mask, (0, 0, 0, 0), pts)
        if shp.clip_rings:
            clip = yield from self._mask(_UnitShape(shp.clip_rings, shp.clip_holes), origin, box)
            mask.blit(clip, (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
            yield
        for cut in shp.cuts:
            cut_mask = yield from self._mask(attrs.evolve(cut, cuts=()), origin, box)
            mask.blit(cut_mask, (0, 0), special_flags=pygame.BLEND_RGBA_SUB)
            yield
        return mask

    def _region_box(self, shp: _UnitShape, origin, bounds: pygame.Rect) -> pygame.Rect | None:
        """The part of the cache surface a region's box covers (None: none of it)."""
        if not shp.rings:
            return None
        unit_box = self._unit_boxes.get(id(shp))
        if unit_box is None:
            a = np.vstack(shp.rings)
            unit_box = self._unit_boxes[id(shp)] = np.concatenate([a.min(axis=0), a.max(axis=0)])
        lo = unit_box[:2] * self.proj.scale - np.asarray(origin, dtype=float)
        hi = unit_box[2:] * self.proj.scale - np.asarray(origin, dtype=float)
        box = pygame.Rect(int(lo[0]) - 2, int(lo[1]) - 2, int(hi[0] - lo[0]) + 5, int(hi[1] - lo[1]) + 5).clip(bounds)
        return box if box.w > 0 and box.h > 0 else None

    def _draw_region(self, overlay, surf, reg, shp: _UnitShape, origin, bounds: pygame.Rect):
        """A scenario region's fill in its controller's colour (hatched when occupied); a
        generator, like ``_render_steps``."""
        box = self._region_box(shp, origin, bounds)
        if box is None:
            return
        col = self.colours.get(reg.controller)
        mask = yield from self._mask(shp, origin, box)
        if not self.basemap:  # an invented map: the regions are the land
            base = theme.mix(theme.LAND, col, 0.22) if col else theme.LAND
            fill = mask.copy()
            fill.fill((*base, 255), special_flags=pygame.BLEND_RGBA_MULT)
            surf.blit(fill, box.topleft)
        elif col:
            fill = mask.copy()
            fill.fill((*col, 58), special_flags=pygame.BLEND_RGBA_MULT)
            overlay.blit(fill, box.topleft)
        if col and (reg.occupied or any("occupied" in t for t in reg.tags)):
            lines = pygame.Surface(box.size, pygame.SRCALPHA)
            lines.fill((0, 0, 0, 0))
            tint = (*theme.lighten(col, 0.2), 150)
            for k in range(-box.h - (box.x + box.y) % 7, box.w, 7):
                pygame.draw.line(lines, tint, (k, box.h), (k + box.h, 0), 1)
            lines.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
            surf.blit(lines, box.topleft)

    def _draw_region_edge(self, surf, reg, shp: _UnitShape, origin, bounds: pygame.Rect):
        """Its own rings' edges in the controller's colour, only where the region is (a cut or a
        clip leaves the rest of a ring to the region on the other side); a generator."""
        box = self._region_box(shp, origin, bounds)
        if box is None:
            return
        col = self.colours.get(reg.controller)
        edge = theme.lighten(col, 0.15) if col else (150, 158, 170)
        lines = pygame.Surface(box.size, pygame.SRCALPHA)
        lines.fill((0, 0, 0, 0))
        for k, ring in enumerate(shp.rings, 1):
            pts = self._px(ring, origin, box)
            if len(pts) >= 3:
                pygame.draw.lines(lines, (*edge, 255), True, pts, 2)
            if k % (4 * REFINE_CHUNK) == 0:
                yield
        if shp.clip_rings or shp.cuts:
            mask = yield from self._mask(shp, origin, box)
            lines.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MIN)
        surf.blit(lines, box.topleft)

    def draw(self, surface: pygame.Surface, dt: float = 0.0) -> None:
        self._t += dt
        p = self.proj
        rect = p.rect
        # the first picture at once; after a zoom or a long pan, a step a frame
        ready = self._cache_surface(FRAME_BUDGET_S if self._cache else None)
        prev_clip = surface.get_clip()
        surface.set_clip(rect)
        if ready is None:
            self._draw_preview(surface)
        else:
            cache, origin = ready
            cx, cy = p.plane(p.center_lon, p.center_lat)
            src = pygame.Rect(
                int(round(float(cx) - rect.w / 2 - origin[0])),
                int(round(float(cy) - rect.h / 2 - origin[1])),
                rect.w,
                rect.h,
            )
            surface.blit(cache, rect.topleft, src)
        if self.coverage is not None:
            self._draw_coverage(surface)
        placed: list[pygame.Rect] = [self._legend_box(), self._scale_box()]
        self._draw_sites(surface, placed)
        self._draw_region_labels(surface, placed)
        self._draw_cities(surface, placed)
        self._draw_country_labels(surface, placed)
        self._draw_scale_bar(surface)
        self._draw_legend(surface)
        surface.set_clip(prev_clip)

    def _screen_pts(self, lonlat: np.ndarray) -> list[tuple[float, float]]:
        x, y = self.proj.to_screen(lonlat[:, 0], lonlat[:, 1])
        return list(zip(np.asarray(x).tolist(), np.asarray(y).tolist()))

    def _draw_coverage(self, surface) -> None:
        """The selected weapon's reach: filled union of the rings, its outer edge, the launch
        area dashed. Rendered once per (weapon, zoom, position) and blitted each frame."""
        cov = self.coverage
        if cov is None:
            return
        p = self.proj
        key = (cov.weapon, round(p.scale, 6), round(p.center_lon, 6), round(p.center_lat, 6), p.rect.size)
        if getattr(self, "_cov_key", None) != key:
            self._cov_key = key
            self._cov_surface = self._render_coverage(cov)
        surface.blit(self._cov_surface, p.rect.topleft)

    def _render_coverage(self, cov) -> pygame.Surface:
        rect = self.proj.rect
        off = rect.topleft
        fill = pygame.Surface(rect.size, pygame.SRCALPHA)
        rings = [[(x - off[0], y - off[1]) for x, y in self._screen_pts(ring)] for ring in cov.rings]
        polys = [[(x - off[0], y - off[1]) for x, y in self._screen_pts(poly)] for poly in cov.launch_polygons]
        for pts in rings:
            pygame.draw.polygon(fill, (232, 180, 76, 255), pts)
        for pts in polys:
            if len(pts) >= 3:
                pygame.draw.polygon(fill, (232, 180, 76, 255), pts)
        fill.set_alpha(34)
        out = pygame.Surface(rect.size, pygame.SRCALPHA)
        out.blit(fill, (0, 0))
        for pts, edge in zip(rings, cov.boundary):
            n = len(pts)
            for i in range(n):
                j = (i + 1) % n
                if edge[i] and edge[j]:
                    pygame.draw.line(out, theme.ACCENT, pts[i], pts[j], 2)
        for pts in polys:
            if len(pts) >= 3:
                _dashed_polygon(out, theme.lighten(theme.ACCENT, 0.3), pts)
        # the launch points the rings are drawn around (the engine measures range from them)
        for x, y in self._screen_pts(cov.launch_points):
            centre = (x - off[0], y - off[1])
            pygame.draw.circle(out, (10, 12, 16), centre, 3.5)
            pygame.draw.circle(out, theme.lighten(theme.ACCENT, 0.3), centre, 2.5)
        return out

    def _draw_sites(self, surface, placed) -> None:
        f = theme.font(round(12 * self.fs), "bold")
        r = max(5.0, 6.5 * self.fs)
        pulse = 0.5 + 0.5 * math.sin(self._t * 4)
        cov = self.coverage
        sites = sorted(self.scenario.map.sites, key=lambda s: -s.value)
        for s in sites:
            x, y = self.proj.point(s.lon, s.lat)
            if not self.proj.rect.inflate(40, 40).collidepoint(x, y):
                continue
            col = self.colours.get(self.site_controller.get(s.id), (190, 190, 190))
            if cov is not None and s.id in cov.in_range:
                pygame.draw.circle(surface, theme.ACCENT, (x, y), r + 5 + 2 * pulse, 2)
            if s.id in self.highlight_sites:
                pygame.draw.circle(surface, (255, 255, 255), (x, y), r + 6, 1)
            draw_site_icon(surface, s.kind, x, y, r, col)
            if s.id == self.target_site:
                rr = r + 10
                pygame.draw.circle(surface, (255, 255, 255), (x, y), rr, 2)
                for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                    pygame.draw.line(
                        surface,
                        (255, 255, 255),
                        (x + dx * (rr - 4), y + dy * (rr - 4)),
                        (x + dx * (rr + 6), y + dy * (rr + 6)),
                        2,
                    )
            placed.append(pygame.Rect(x - r - 2, y - r - 2, 2 * r + 4, 2 * r + 4))
        inside = self.proj.rect.inflate(-4, -4)
        for s in sites:
            x, y = self.proj.point(s.lon, s.lat)
            if not self.proj.rect.collidepoint(x, y):
                continue
            colour = theme.TEXT
            if cov is not None:
                colour = theme.ACCENT if s.id in cov.in_range else theme.TEXT_DIM
            name = short_name(s.name) if self.proj.scale < 160 else s.name
            img_w, img_h = theme.size(f, name)
            for anchor, pos in (
                ("midleft", (x + r + 5, y)),
                ("midright", (x - r - 5, y)),
                ("midbottom", (x, y - r - 3)),
                ("midtop", (x, y + r + 3)),
            ):
                box = pygame.Rect(0, 0, img_w + 2, img_h - 2)
                setattr(box, anchor, pos)
                if box.collidelist(placed) < 0 and inside.contains(box):
                    text_with_halo(surface, name, f, colour, pos, anchor=anchor)
                    placed.append(box)
                    break

    def _draw_region_labels(self, surface, placed) -> None:
        f = theme.font(round(12 * self.fs), "italic")
        for reg, rings in self._plane_unit["scenario"]:
            if not rings:
                continue
            ring = max(rings, key=len)
            extent_px = self._extent([ring]) * self.proj.scale
            if extent_px < 60:
                continue
            pts = np.asarray(self._lonlat_of_unit(ring))
            lon, lat = float(pts[:, 0].mean()), float(pts[:, 1].mean())
            if reg.center is not None:
                lon, lat = reg.center
            x, y = self.proj.point(lon, lat)
            text = reg.name
            w, h = theme.size(f, text)
            box = pygame.Rect(0, 0, w, h)
            box.center = (x, y + (0 if self.basemap else -h * 1.5))
            if box.collidelist(placed) >= 0 or not self.proj.rect.contains(box):
                continue
            col = self.colours.get(reg.controller)
            colour = theme.lighten(col, 0.55) if col else theme.TEXT_DIM
            text_with_halo(surface, text, f, colour, box.center)
            placed.append(box)

    def _lonlat_of_unit(self, ring):
        out = np.empty_like(ring)
        out[:, 0] = ring[:, 0] / self.proj.kx + self.proj.lon0
        out[:, 1] = -ring[:, 1] + self.proj.lat0
        return out

    def _draw_cities(self, surface, placed) -> None:
        if not self.basemap:
            return
        f = theme.font(round(11 * self.fs))
        names = {s.name for s in self.scenario.map.sites}
        for c in self.cities:
            if c["name"] in names:
                continue
            x, y = self.proj.point(c["lon"], c["lat"])
            if not self.proj.rect.collidepoint(x, y):
                continue
            dot = pygame.Rect(x - 3, y - 3, 6, 6)
            w, h = theme.size(f, c["name"])
            box = pygame.Rect(x + 6, y - h // 2, w, h - 2)
            if dot.collidelist(placed) >= 0 or box.collidelist(placed) >= 0:
                continue
            pygame.draw.circle(surface, (10, 12, 16), (x, y), 3.5)
            pygame.draw.circle(surface, (200, 206, 214), (x, y), 2.5)
            text_with_halo(surface, c["name"], f, (196, 202, 210), box.midleft, anchor="midleft")
            placed.extend([dot, box])

    def _draw_country_labels(self, surface, placed) -> None:
        f = theme.font(round(12 * self.fs), "bold")
        for name, (lon, lat), extent in self.country_labels:
            if extent * self.proj.scale < 90:
                continue
            x, y = self.proj.point(lon, lat)
            text = " ".join(name.upper())
            w, h = theme.size(f, text)
            box = pygame.Rect(0, 0, w, h)
            box.center = (x, y)
            if not self.proj.rect.contains(box) or box.collidelist(placed) >= 0:
                continue
            img = theme.render(f, text, (132, 142, 156))
            surface.blit(img, box)
            placed.append(box)

    def _draw_scale_bar(self, surface) -> None:
        px_per_km = self.proj.scale / 111.195
        km = _nice_step(110 / max(px_per_km, 1e-9))
        length = km * px_per_km
        rect = self.proj.rect
        x0, y0 = rect.right - 20 - length, rect.bottom - 22
        f = theme.font(round(11 * self.fs))
        pygame.draw.line(surface, (10, 12, 16), (x0, y0 + 1), (x0 + length, y0 + 1), 5)
        pygame.draw.line(surface, theme.TEXT, (x0, y0), (x0 + length, y0), 3)
        for xx in (x0, x0 + length):
            pygame.draw.line(surface, theme.TEXT, (xx, y0 - 5), (xx, y0 + 4), 2)
        label = f"{km:g} km" if not self.scenario.meta.fictional or self.basemap else f"{km:g} km (invented map)"
        centre = min(x0 + length / 2, rect.right - 6 - theme.size(f, label)[0] / 2)  # never past the map's edge
        text_with_halo(surface, label, f, theme.TEXT, (centre, y0 - 6), anchor="midbottom")

    def _legend_items(self):
        kinds = []
        for s in self.scenario.map.sites:
            if s.kind not in kinds:
                kinds.append(s.kind)
        items = [(k, KIND_LABELS.get(k, k)) for k in kinds]
        if self.coverage and items:
            items.append(("_range", "In range"))
        return items

    def _legend_box(self) -> pygame.Rect:
        items = self._legend_items()
        if not items:
            return pygame.Rect(0, 0, 0, 0)
        f = theme.font(round(11 * self.fs))
        line = max(15, round(16 * self.fs))
        cols = 2 if len(items) > 4 else 1
        rows = (len(items) + cols - 1) // cols
        col_w = max(theme.size(f, t)[0] for _k, t in items) + 28
        w, h = cols * col_w + 8, rows * line + 10
        rect = self.proj.rect
        return pygame.Rect(rect.left + 10, rect.bottom - h - 10, w, h)

    def _scale_box(self) -> pygame.Rect:
        rect = self.proj.rect
        return pygame.Rect(rect.right - 150, rect.bottom - 44, 150, 44)

    def _draw_legend(self, surface) -> None:
        kinds = []
        for s in self.scenario.map.sites:
            if s.kind not in kinds:
                kinds.append(s.kind)
        if not kinds:
            return
        items = [(k, KIND_LABELS.get(k, k)) for k in kinds]
        if self.coverage:
            items.append(("_range", "In range"))
        f = theme.font(round(11 * self.fs))
        line = max(15, round(16 * self.fs))
        cols = 2 if len(items) > 4 else 1
        rows = (len(items) + cols - 1) // cols
        col_w = max(theme.size(f, t)[0] for _k, t in items) + 28
        w = cols * col_w + 8
        h = rows * line + 10
        rect = self.proj.rect
        box = pygame.Rect(rect.left + 10, rect.bottom - h - 10, w, h)
        bg = pygame.Surface(box.size, pygame.SRCALPHA)
        bg.fill((10, 14, 19, 205))
        surface.blit(bg, box)
        pygame.draw.rect(surface, theme.PANEL_EDGE, box, 1)
        for i, (k, text) in enumerate(items):
            cx = box.left + 6 + (i // rows) * col_w
            cy = box.top + 5 + (i % rows) * line + line // 2
            if k == "_range":
                pygame.draw.circle(surface, theme.ACCENT, (cx + 7, cy), 6, 2)
                colour = theme.ACCENT
            else:
                draw_site_icon(surface, k, cx + 7, cy, 4.5, (200, 205, 212))
                colour = theme.TEXT_DIM
            surface.blit(theme.render(f, text, colour), (cx + 19, cy - f.get_height() // 2))

    def hover_card(self, surface, extra: str = "") -> None:
        """A small card about the site under the mouse."""
        s = self.hover_site
        if s is None:
            return
        regions = {r.id: r for r in self.scenario.map.regions}
        reg = regions.get(s.region)
        ctrl = self.site_controller.get(s.id)
        ctrl_name = next((a.name for a in self.scenario.actors if a.id == ctrl), "")
        lines = [
            (s.name, "bold", theme.TEXT),
            (f"{KIND_LABELS.get(s.kind, s.kind)} \u00b7 {reg.name if reg else s.region}", "regular", theme.TEXT_DIM),
        ]
        if ctrl_name:
            lines.append((f"Held by {ctrl_name}", "regular", self.colours.get(ctrl, theme.TEXT_DIM)))
        lines.append((f"Value as a target: {s.value:g}", "regular", theme.TEXT_DIM))
        if self.coverage is not None:
            d = self.coverage.distances.get(s.id, float("inf"))
            ok = s.id in self.coverage.in_range
            if s.id in self.coverage.friendly:
                verdict, colour = "held by its own side", theme.TEXT_DIM
            else:
                verdict, colour = ("in range", theme.ACCENT) if ok else ("out of range", theme.DANGER)
            lines.append((f"{d:.0f} km from launch area \u2014 {verdict}", "bold", colour))
        if extra:
            lines.append((extra, "regular", theme.TEXT_DIM))
        fonts = [theme.font(round(13 * self.fs), st) for _t, st, _c in lines]
        w = max(theme.size(f, t)[0] for f, (t, _s, _c) in zip(fonts, lines)) + 20
        h = sum(f.get_linesize() for f in fonts) + 14
        mx, my = pygame.mouse.get_pos()
        box = pygame.Rect(mx + 16, my + 12, w, h)
        box.clamp_ip(self.proj.rect)
        bg = pygame.Surface(box.size, pygame.SRCALPHA)
        bg.fill((8, 11, 15, 235))
        surface.blit(bg, box)
        pygame.draw.rect(surface, theme.ACCENT, box, 1, border_radius=4)
        y = box.top + 7
        for f, (t, _s, c) in zip(fonts, lines):
            surface.blit(f.render(t, True, c), (box.left + 10, y))
            y += f.get_linesize()


def short_name(name: str) -> str:
    """A name without its trailing qualifiers, for crowded maps: 'Bryansk chemical plant, Seltso
    (approx.)' -> 'Bryansk chemical plant'; a bracket inside the name stays ('Crimean (Kerch) Bridge').
    """
    out = name.split(", ")[0].strip()
    while out.endswith(")") and " (" in out:
        out = out[: out.rindex(" (")].rstrip()
    return out or name


def _nice_step(x: float) -> float:
    """The 1-2-5 number nearest to x (in ratio)."""
    if x <= 0:
        return 1.0
    e = 10 ** math.floor(math.log10(x))
    return min((m * e for m in (1, 2, 5, 10)), key=lambda v: abs(math.log(v / x)))


def _dashed_polygon(surface, colour, pts, dash: float = 6.0, width: int = 1) -> None:
    n = len(pts)
    for i in range(n):
        (x0, y0), (x1, y1) = pts[i], pts[(i + 1) % n]
        length = math.hypot(x1 - x0, y1 - y0)
        if length == 0.0:
            continue
        k = 0.0
        while k < length:
            t0, t1 = k / length, min(length, k + dash) / length
            pygame.draw.line(
                surface,
                colour,
                (x0 + (x1 - x0) * t0, y0 + (y1 - y0) * t0),
                (x0 + (x1 - x0) * t1, y0 + (y1 - y0) * t1),
                width,
            )
            k += dash * 2
