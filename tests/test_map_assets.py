"""The shipped map and font assets, and the great-circle helpers of ``game.geo``.

No network: everything read here is committed under ``assets/``.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # so that ``pytest`` works from any folder
geo = importlib.import_module("game.geo")

MAP_DIR = ROOT / "assets" / "map"
FONT_DIR = ROOT / "assets" / "fonts"
MAPS = ("europe_east", "caribbean")


@pytest.fixture(scope="module")
def basemaps() -> dict[str, dict]:
    return {name: geo.load_basemap(name) for name in MAPS}


def _bbox(feature: dict) -> tuple[float, float, float, float]:
    pts = np.vstack([np.reshape(r, (-1, 2)) for r in feature["rings"]])
    return (*pts.min(axis=0).tolist(), *pts.max(axis=0).tolist())


def _region(m: dict, iso: str, name: str) -> dict:
    found = [r for r in m["regions"] if r["iso"] == iso and r["name"] == name]
    assert len(found) == 1, f"{iso}/{name}: found {len(found)}"
    return found[0]


def _country(m: dict, iso3: str) -> dict:
    found = [c for c in m["countries"] if c["iso"] == iso3]
    assert len(found) == 1, f"{iso3}: found {len(found)}"
    return found[0]


# --- the basemaps ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", MAPS)
def test_basemap_loads_with_expected_structure(name: str) -> None:
    m = geo.load_basemap(name)
    assert m["simplify_deg"] == 0.02
    assert "Natural Earth" in m["source"]
    lon0, lat0, lon1, lat1 = m["bbox"]
    assert lon0 < lon1 and lat0 < lat1
    ids = [f["id"] for f in m["countries"] + m["regions"]]
    assert len(ids) == len(set(ids)), "feature ids must be unique"
    for f in m["countries"] + m["regions"]:
        assert f["name"] and f["name"] == f["name"].strip()
        lon, lat = f["label"]
        assert geo.point_in_feature(lon, lat, f), f"label of {f['name']} is outside it"
        for ring in f["rings"] + f["holes"]:
            pts = np.reshape(ring, (-1, 2))
            assert np.all((pts >= [lon0, lat0]) & (pts <= [lon1, lat1]))
            assert np.allclose(pts, np.round(pts, 2))  # 2 decimals
    for r in m["regions"]:
        assert len(r["iso"]) == 2 and len(r["country"]) == 3


@pytest.mark.parametrize(
    ("name", "iso", "region", "bbox"),
    [
        # (lon0, lat0, lon1, lat1) from Natural Earth 10m (map-data notes); +-0.1 deg allowed
        ("europe_east", "RU", "Kursk", (34.0, 50.9, 38.5, 52.4)),
        ("europe_east", "RU", "Bryansk", (31.2, 51.8, 35.3, 54.0)),
        ("europe_east", "RU", "Belgorod", (35.3, 49.8, 39.3, 51.4)),
        ("europe_east", "UA", "Kharkiv", (34.8, 48.5, 38.1, 50.4)),
        ("europe_east", "UA", "Sumy", (32.9, 50.1, 35.7, 52.4)),
        ("europe_east", "UA", "Crimea", (32.5, 44.4, 36.6, 46.2)),
        ("caribbean", "US", "Florida", (-87.6, 24.5, -80.0, 31.0)),
    ],
)
def test_key_regions_exist_where_expected(basemaps: dict, name: str, iso: str, region: str, bbox: tuple) -> None:
    got = _bbox(_region(basemaps[name], iso, region))
    assert np.allclose(got, bbox, atol=0.1), f"{region}: {got} vs {bbox}"


def test_cuba_and_us_exist(basemaps: dict) -> None:
    cuba = _bbox(_country(basemaps["caribbean"], "CUB"))
    assert np.allclose(cuba, (-84.95, 19.8, -74.1, 23.2), atol=0.15)
    assert geo.point_in_feature(-82.0, 22.7, _country(basemaps["caribbean"], "CUB"))
    assert geo.point_in_feature(-84.0, 33.0, _country(basemaps["caribbean"], "USA"))


def test_crimea_is_ukraine_marked_occupied(basemaps: dict) -> None:
    m = basemaps["europe_east"]
    for name in ("Crimea", "Sevastopol"):
        r = _region(m, "UA", name)
        assert r["country"] == "UKR" and r["status"] == "occupied_2014"
    simferopol = (34.10, 44.95)
    assert geo.point_in_feature(*simferopol, _country(m, "UKR"))
    assert not geo.point_in_feature(*simferopol, _country(m, "RUS"))
    assert _bbox(_country(m, "UKR"))[1] < 44.5  # Ukraine's outline reaches the Crimean coast
    assert not [r for r in m["regions"] if r["iso"] == "RU" and r["name"] in ("Crimea", "Sevastopol")]


def test_partly_occupied_oblasts_carry_a_note(basemaps: dict) -> None:
    m = basemaps["europe_east"]
    for name in ("Donetsk", "Luhansk", "Zaporizhzhia", "Kherson"):
        assert "occupied" in _region(m, "UA", name)["note"]
    assert _region(m, "UA", "Kharkiv")["note"] is None


def test_current_ukrainian_names(basemaps: dict) -> None:
    m = basemaps["europe_east"]
    ua = {r["name"] for r in m["regions"] if r["iso"] == "UA"}
    assert {
        "Kyiv",
        "Kyiv Oblast",
        "Dnipropetrovsk",
        "Zaporizhzhia",
        "Odesa",
        "Mykolaiv",
        "Luhansk",
        "Lviv",
        "Vinnytsia",
        "Khmelnytskyi",
        "Ivano-Frankivsk",
    } <= ua
    assert len(ua) == 27  # 24 oblasts, Kyiv city, Crimea, Sevastopol
    every_name = [f["name"] for mm in basemaps.values() for f in mm["countries"] + mm["regions"]]
    assert not [n for n in every_name if "kiev" in n.lower() or "odessa" in n.lower()]
    assert not [n for n in every_name if "'" in n or "\u2019" in n]


def test_regions_nest_on_top(basemaps: dict) -> None:
    m = basemaps["europe_east"]
    assert geo.feature_at(30.52, 50.45, m["regions"])["name"] == "Kyiv"
    assert geo.feature_at(30.2, 50.0, m["regions"])["name"] == "Kyiv Oblast"
    assert geo.feature_at(37.62, 55.75, m["regions"])["name"] == "Moscow"
    assert geo.feature_at(36.19, 51.73, m["regions"])["name"] == "Kursk"


def test_maps_fit_the_size_budget() -> None:
    total = sum((MAP_DIR / f"{name}.json").stat().st_size for name in MAPS)
    assert total < 600 * 1024, f"{total / 1024:.0f} KB"


def test_cities_table(basemaps: dict) -> None:
    cities = json.loads((MAP_DIR / "cities.json").read_text(encoding="utf-8"))["cities"]
    names = {c["name"] for c in cities}
    assert {"Kyiv", "Sumy", "Kursk", "Moscow", "Havana", "Miami", "San Cristobal"} <= names
    for c in cities:
        assert set(c) >= {"name", "country", "lon", "lat", "map", "source"}
        m = basemaps[c["map"]]
        country = _country(m, c["country"])
        if not geo.point_in_feature(c["lon"], c["lat"], country):
            # a coastal city may fall just into the sea of the simplified outline
            pts = np.vstack([np.reshape(r, (-1, 2)) for r in country["rings"]])
            d = geo.min_distance_km([[c["lon"], c["lat"]]], pts)
            assert d < 15, f"{c['name']} is {d:.0f} km from {c['country']}"


def test_load_basemap_errors(tmp_path: Path) -> None:
    with pytest.raises(geo.BasemapError, match="not found"):
        geo.load_basemap("atlantis")
    with pytest.raises(geo.BasemapError, match="invalid basemap name"):
        geo.load_basemap("../secrets")
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    with pytest.raises(geo.BasemapError, match="cannot read"):
        geo.load_basemap("broken", map_dir=tmp_path)
    (tmp_path / "partial.json").write_text(json.dumps({"source": "x"}), encoding="utf-8")
    with pytest.raises(geo.BasemapError, match="missing key 'licence'"):
        geo.load_basemap("partial", map_dir=tmp_path)


# --- fonts -----------------------------------------------------------------------------------


@pytest.mark.parametrize("style", ["Regular", "Bold", "Italic"])
def test_font_files_and_licence(style: str) -> None:
    path = FONT_DIR / f"NotoSans-{style}.ttf"
    assert path.is_file() and path.stat().st_size > 100_000
    assert "SIL Open Font License" in (FONT_DIR / "OFL.txt").read_text(encoding="utf-8")


def test_pygame_renders_cyrillic() -> None:
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    pygame = pytest.importorskip("pygame")
    pygame.font.init()
    try:
        font = pygame.font.Font(str(FONT_DIR / "NotoSans-Regular.ttf"), 24)
        text = "Київ"
        assert all(m is not None for m in font.metrics(text)), "a glyph is missing (tofu)"
        surf = font.render(text, True, (0, 0, 0))
        assert surf.get_width() > 20
        # not four identical boxes: the glyphs differ in width
        assert len({m[4] for m in font.metrics(text)}) > 1
    finally:
        pygame.font.quit()


# --- geo -------------------------------------------------------------------------------------


def test_haversine_known_distances() -> None:
    assert geo.haversine_km(30.52, 50.45, 37.62, 55.75) == pytest.approx(756, abs=2)  # Kyiv-Mos
    assert geo.haversine_km(-82.37, 23.13, -80.19, 25.76) == pytest.approx(370, abs=8)
    assert geo.haversine_km(0, 0, 0, 1) == pytest.approx(111.195, abs=0.01)
    assert geo.haversine_km(10, 20, 10, 20) == 0
    d = geo.haversine_km([0, 179.5], [0, 0], [0, -179.5], [90, 0])
    assert d == pytest.approx([10007.5, 111.195], rel=1e-4)  # pole; across the antimeridian


def test_destination_inverts_haversine() -> None:
    rng = np.random.default_rng(1)
    lon, lat = rng.uniform(-180, 180, 200), rng.uniform(-80, 80, 200)
    brg, dist = rng.uniform(0, 360, 200), rng.uniform(1, 5000, 200)
    lon2, lat2 = geo.destination(lon, lat, brg, dist)
    assert np.allclose(geo.haversine_km(lon, lat, lon2, lat2), dist, rtol=1e-9)
    assert np.all((lon2 >= -180) & (lon2 < 180))


@pytest.mark.parametrize(
    ("lon", "lat", "radius"),
    [(34.80, 50.91, 300.0), (-83.05, 22.72, 1800), (179.0, 60.0, 500.0), (30.0, 50.0, 4500)],
)
def test_range_ring_is_at_the_radius_and_closes(lon: float, lat: float, radius: float) -> None:
    ring = geo.range_ring(lon, lat, radius, n=128)
    assert ring.shape == (128, 2)
    d = geo.haversine_km(lon, lat, ring[:, 0], ring[:, 1])
    assert np.all(np.abs(d - radius) <= 0.005 * radius)
    # the ring closes evenly: the step from the last point back to the first is like the others
    steps = geo.haversine_km(ring[:, 0], ring[:, 1], np.roll(ring[:, 0], -1), np.roll(ring[:, 1], -1))
    assert steps.max() / steps.min() < 1.01
    north = geo.destination(lon, lat, 360.0, radius)
    assert np.allclose(ring[0], north, atol=1e-9)  # bearing 360 lands on the first point
    assert ring[0, 1] > lat  # the first point is due north


def test_point_in_polygon_and_min_distance() -> None:
    tri = [0, 0, 10, 0, 0, 10]
    assert geo.point_in_polygon(1, 1, tri) is True
    assert geo.point_in_polygon(6, 6, tri) is False
    assert list(geo.point_in_polygon([1, 6], [1, 6], tri)) == [True, False]
    a = np.array([[30.52, 50.45], [36.23, 49.99]])
    b = np.array([[36.19, 51.73], [37.62, 55.75], [34.80, 50.91]])
    brute = min(geo.haversine_km(*p, *q) for p in a for q in b)
    assert geo.min_distance_km(a, b) == pytest.approx(brute)
    with pytest.raises(ValueError):
        geo.min_distance_km(a, np.empty((0, 2)))


def test_geo_does_not_import_pygame() -> None:
    import subprocess

    code = "import sys, game.geo; sys.exit('pygame' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0
