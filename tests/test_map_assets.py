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

# Every ISO 3166-1 alpha-3 code (2024), less those Natural Earth draws as part of another
# country (French overseas departments, Bonaire, Svalbard and Bouvet, Australia's Indian Ocean
# islands, Åland: see assets/NOTICE.md).
_ISO_3166_1_TEXT = """
ABW AFG AGO AIA ALB AND ARE ARG ARM ASM ATA ATF ATG AUS AUT AZE BDI BEL BEN BFA BGD BGR BHR BHS
BIH BLM BLR BLZ BMU BOL BRA BRB BRN BTN BWA CAF CAN CHE CHL CHN CIV CMR COD COG COK COL COM CPV
CRI CUB CUW CYM CYP CZE DEU DJI DMA DNK DOM DZA ECU EGY ERI ESH ESP EST ETH FIN FJI FLK FRA FRO
FSM GAB GBR GEO GGY GHA GIB GIN GMB GNB GNQ GRC GRD GRL GTM GUM GUY HKG HMD HND HRV HTI HUN IDN
IMN IND IOT IRL IRN IRQ ISL ISR ITA JAM JEY JOR JPN KAZ KEN KGZ KHM KIR KNA KOR KWT LAO LBN LBR
LBY LCA LIE LKA LSO LTU LUX LVA MAC MAF MAR MCO MDA MDG MDV MEX MHL MKD MLI MLT MMR MNE MNG MNP
MOZ MRT MSR MUS MWI MYS NAM NCL NER NFK NGA NIC NIU NLD NOR NPL NRU NZL OMN PAK PAN PCN PER PHL
PLW PNG POL PRI PRK PRT PRY PSE PYF QAT ROU RUS RWA SAU SDN SEN SGP SGS SHN SLB SLE SLV SMR SOM
SPM SRB SSD STP SUR SVK SVN SWE SWZ SXM SYC SYR TCA TCD TGO THA TJK TKL TKM TLS TON TTO TUN TUR
TUV TWN TZA UGA UKR UMI URY USA UZB VAT VCT VEN VGB VIR VNM VUT WLF WSM YEM ZAF ZMB ZWE
"""
ISO_3166_1 = _ISO_3166_1_TEXT.split()


@pytest.fixture(scope="module")
def world() -> dict:
    return geo.load_basemap("world")


def _bbox(feature: dict) -> tuple[float, float, float, float]:
    pts = np.vstack([np.reshape(r, (-1, 2)) for r in feature["rings"]])
    return (*pts.min(axis=0).tolist(), *pts.max(axis=0).tolist())


# --- the world basemap -----------------------------------------------------------------------


def test_world_loads_with_expected_structure(world: dict) -> None:
    assert world["simplify_deg"] == 0.02
    assert "Natural Earth" in world["source"]
    lon0, lat0, lon1, lat1 = world["bbox"]
    assert lon0 < -179 and lon1 > 179 and lat0 < -80 and lat1 > 80
    ids = [f["id"] for f in world["countries"] + world["regions"]]
    assert len(ids) == len(set(ids)) == len(world["by_id"]), "feature ids must be unique"
    assert len(world["regions"]) > 4500
    for f in world["countries"] + world["regions"]:
        assert f["name"] and f["name"] == f["name"].strip()
        for ring in f["rings"] + f["holes"]:
            assert ring.shape[1] == 2 and len(ring) >= 3
            assert np.allclose(ring, np.round(ring, 2))  # 2 decimals
    for r in world["regions"]:
        assert len(r["iso2"]) == 2 and r["country"] in world["by_id"]
        assert not r["code"] or (r["code"] == r["id"] and r["code"].startswith(r["iso2"] + "-"))


def test_labels_are_inside_their_feature(world: dict) -> None:
    """Inside, or (for an islet the simplification reshaped) within 10 km of its outline."""
    far = []
    for f in world["countries"] + world["regions"]:
        if not geo.point_in_feature(*f["label"], f):
            d = geo.min_distance_km([f["label"]], np.vstack([geo.densify(r, 0.01) for r in f["rings"]]))
            if d > 10:
                far.append((f["id"], round(d)))
    assert not far


def test_every_country_is_present_with_a_unique_code(world: dict) -> None:
    codes = [c["id"] for c in world["countries"]]
    assert len(codes) == len(set(codes))
    assert not [c for c in ISO_3166_1 if c not in codes]
    extra = sorted(set(codes) - set(ISO_3166_1))
    assert extra == ["XKX", "XSG", "XSP"]  # Kosovo, Siachen Glacier, Spratly Islands


def test_admin1_codes_are_unique_iso_3166_2(world: dict) -> None:
    codes = [r["code"] for r in world["regions"] if r["code"]]
    assert len(codes) == len(set(codes))
    assert len(codes) > 0.85 * len(world["regions"])


@pytest.mark.parametrize(
    ("code", "name", "bbox"),
    [
        # (lon0, lat0, lon1, lat1) from Natural Earth 10m (map-data notes); +-0.1 deg allowed
        ("RU-KRS", "Kursk", (34.0, 50.9, 38.5, 52.4)),
        ("RU-BRY", "Bryansk", (31.2, 51.8, 35.3, 54.0)),
        ("RU-BEL", "Belgorod", (35.3, 49.8, 39.3, 51.4)),
        ("UA-63", "Kharkiv", (34.8, 48.5, 38.1, 50.4)),
        ("UA-59", "Sumy", (32.9, 50.1, 35.7, 52.4)),
        ("UA-43", "Crimea", (32.5, 44.4, 36.6, 46.2)),
        ("US-FL", "Florida", (-87.6, 24.5, -80.0, 31.0)),
        ("IN-PB", "Punjab", (73.85, 29.55, 76.9, 32.5)),
        ("PK-PB", "Punjab", (69.3, 27.7, 75.4, 34.0)),
        # Indian-administered, to the Line of Control (Aksai Chin and the Siachen Glacier apart)
        ("IN-JK", "Jammu and Kashmir", (73.8, 32.3, 79.5, 35.5)),
        ("IN-RJ", "Rajasthan", (69.5, 23.05, 78.3, 30.2)),
        ("PK-SD", "Sind", (66.7, 23.7, 71.1, 28.5)),
    ],
)
def test_key_regions_exist_where_expected(world: dict, code: str, name: str, bbox: tuple) -> None:
    region = world["by_id"][code]
    assert region["name"] == name
    got = _bbox(region)
    assert np.allclose(got, bbox, atol=0.1), f"{code}: {got} vs {bbox}"


def test_cuba_and_us_exist(world: dict) -> None:
    cuba = world["by_id"]["CUB"]
    assert np.allclose(_bbox(cuba), (-84.95, 19.8, -74.1, 23.2), atol=0.15)
    assert geo.point_in_feature(-82.0, 22.7, cuba)
    assert geo.point_in_feature(-84.0, 33.0, world["by_id"]["USA"])


def test_crimea_is_ukraine_marked_occupied(world: dict) -> None:
    for code in ("UA-43", "UA-40"):
        r = world["by_id"][code]
        assert r["country"] == "UKR" and r["status"] == "occupied_2014"
    simferopol = (34.10, 44.95)
    assert geo.point_in_feature(*simferopol, world["by_id"]["UKR"])
    assert not geo.point_in_feature(*simferopol, world["by_id"]["RUS"])
    assert _bbox(world["by_id"]["UKR"])[1] < 44.5  # Ukraine's outline reaches the Crimean coast
    assert not [r for r in world["regions"] if r["country"] == "RUS" and r["name"] in ("Crimea", "Sevastopol")]


def test_disputed_areas_are_flagged(world: dict) -> None:
    by_id = world["by_id"]
    for code in ("XKX", "TWN", "ESH", "XSG", "XSP", "IN-JK", "PK-JK", "PK-GB"):
        assert by_id[code]["disputed"], code
    assert by_id["MDA-transnistria"]["disputed"] and by_id["GE-AB"]["status"] == "occupied_2008"
    assert by_id["CYP-northern_cyprus"]["status"] == "occupied_1974"
    assert not by_id["UKR"]["disputed"] and not by_id["IND"]["disputed"]


def test_partly_occupied_oblasts_carry_a_note(world: dict) -> None:
    for code in ("UA-14", "UA-09", "UA-23", "UA-65"):  # Donetsk, Luhansk, Zaporizhzhia, Kherson
        assert "occupied" in world["by_id"][code]["note"]
    assert world["by_id"]["UA-63"]["note"] is None


def test_current_names(world: dict) -> None:
    ua = {r["name"] for r in world["regions"] if r["country"] == "UKR"}
    assert {"Kyiv", "Kyiv Oblast", "Dnipropetrovsk", "Zaporizhzhia", "Odesa", "Mykolaiv", "Lviv"} <= ua
    assert len(ua) == 27  # 24 oblasts, Kyiv city, Crimea, Sevastopol
    names = {c["id"]: c["name"] for c in world["countries"]}
    assert (names["CZE"], names["SWZ"], names["MKD"], names["TUR"]) == (
        "Czechia",
        "Eswatini",
        "North Macedonia",
        "Turkey",
    )
    assert "Türkiye" in world["by_id"]["TUR"]["note"]
    every = [f["name"] for f in world["countries"] + world["regions"]]
    assert not [n for n in every if n.lower() in ("kiev", "odessa", "kiev oblast")]
    east = [r["name"] for r in world["regions"] if r["country"] in ("UKR", "RUS")]
    assert not [n for n in east if "'" in n or "\u2019" in n]  # no transliteration apostrophes


def test_regions_nest_on_top(world: dict) -> None:
    assert geo.feature_at(30.52, 50.45, world["regions"])["name"] == "Kyiv"
    assert geo.feature_at(30.2, 50.0, world["regions"])["name"] == "Kyiv Oblast"
    assert geo.feature_at(37.62, 55.75, world["regions"])["name"] == "Moscow"
    assert geo.feature_at(36.19, 51.73, world["regions"])["id"] == "RU-KRS"


def test_the_small_korean_islands_are_incheons(world: dict) -> None:
    """Yeonpyeong (7 km², a triangle of 0.00025 square degrees in the source) stays on the map,
    and the Ongjin islands are Incheon's (KR-28), not Gyeonggi's (KR-41), as in Korea's own
    division."""
    by_id = {r["id"]: r for r in world["regions"]}
    incheon, gyeonggi = by_id["KR-28"], by_id["KR-41"]
    for name, lon, lat in (
        ("Yeonpyeong", 125.70, 37.665),
        ("Baengnyeong", 124.68, 37.96),
        ("Daecheong", 124.70, 37.83),
    ):
        assert geo.point_in_feature(lon, lat, incheon), name
        assert not geo.point_in_feature(lon, lat, gyeonggi), name
    kor = next(c for c in world["countries"] if c["id"] == "KOR")
    assert geo.point_in_feature(125.70, 37.665, kor)


def test_map_fits_the_size_budget() -> None:
    size = (MAP_DIR / "world.npz").stat().st_size
    assert size < 1.5 * 1024 * 1024, f"{size / 1024:.0f} KB"
    assert not list(MAP_DIR.glob("*.json")) or [p.name for p in MAP_DIR.glob("*.json")] == ["cities.json"]


def test_old_basemap_names_mean_the_world() -> None:
    assert geo.load_basemap("europe_east") is geo.load_basemap("caribbean") is geo.load_basemap("world")
    assert geo.basemap_names() == ["caribbean", "europe_east", "world"]


def test_cities_table(world: dict) -> None:
    cities = json.loads((MAP_DIR / "cities.json").read_text(encoding="utf-8"))["cities"]
    names = {c["name"] for c in cities}
    assert {"Kyiv", "Sumy", "Kursk", "Moscow", "Havana", "Miami", "San Cristobal"} <= names
    for c in cities:
        assert set(c) >= {"name", "country", "lon", "lat", "map", "source"} and c["map"] == "world"
        country = world["by_id"][c["country"]]
        if not geo.point_in_feature(c["lon"], c["lat"], country):
            # a coastal city may fall just into the sea of the simplified outline
            pts = np.vstack(country["rings"])
            d = geo.min_distance_km([[c["lon"], c["lat"]]], pts)
            assert d < 15, f"{c['name']} is {d:.0f} km from {c['country']}"


def test_load_basemap_errors(tmp_path: Path) -> None:
    with pytest.raises(geo.BasemapError, match="not found"):
        geo.load_basemap("atlantis")
    with pytest.raises(geo.BasemapError, match="invalid basemap name"):
        geo.load_basemap("../secrets")
    (tmp_path / "broken.npz").write_bytes(b"PK not a zip")
    with pytest.raises(geo.BasemapError, match="cannot read"):
        geo.load_basemap("broken", map_dir=tmp_path)
    meta = np.frombuffer(json.dumps({"source": "x"}).encode(), dtype=np.uint8)
    empty = {"xy": np.zeros((0, 2), np.int32), "ring_start": np.zeros(1, np.int32)}
    np.savez(
        tmp_path / "partial.npz", **empty, ring_feature=np.zeros(0, np.int32), ring_hole=np.zeros(0, bool), meta=meta
    )
    with pytest.raises(geo.BasemapError, match="lacks a key"):
        geo.load_basemap("partial", map_dir=tmp_path)


def test_densify_keeps_the_engines_historical_points() -> None:
    """The points a hand-drawn outline gave before regions by reference, computed the old way."""
    outline = [(22.14, 48.40), (24.93, 47.71), (27.58, 48.49), (30.13, 46.42), (29.73, 45.24)]
    old = []
    for (x0, y0), (x1, y1) in zip(outline, outline[1:] + outline[:1], strict=True):
        n = max(1, int(max(abs(x1 - x0), abs(y1 - y0)) / 0.05))
        old.extend((x0 + (x1 - x0) * k / n, y0 + (y1 - y0) * k / n) for k in range(n))
    assert np.array_equal(geo.densify(outline), np.array(old))


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
    pygame.font.init()  # left initialised: quitting it would void the fonts other tests' windows cached
    font = pygame.font.Font(str(FONT_DIR / "NotoSans-Regular.ttf"), 24)
    text = "Київ"
    assert all(m is not None for m in font.metrics(text)), "a glyph is missing (tofu)"
    surf = font.render(text, True, (0, 0, 0))
    assert surf.get_width() > 20
    # not four identical boxes: the glyphs differ in width
    assert len({m[4] for m in font.metrics(text)}) > 1


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
