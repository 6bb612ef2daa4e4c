"""Regions by reference (``game.regions``), actor colours (``game.colours``) and the map
drawn from them: codes resolve to the world map's borders, misspellings get the code meant,
ranges are measured from real edges less what ``minus`` cuts out, and the window draws it."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from game import colours, geo, regions  # noqa: E402
from game.diagnostics import ScenarioError  # noqa: E402
from game.lint import lint  # noqa: E402
from game.model import Region  # noqa: E402
from game.runners.load import load_scenario  # noqa: E402
from game.ui import theme  # noqa: E402
from game.ui.map_view import MapView  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KOREA = ROOT / "tests" / "maps" / "korea_map.yaml"
ATACMS = ROOT / "scenarios" / "atacms_2024.yaml"


def _problems(**fields) -> list[tuple[tuple, str]]:
    return regions.problems(Region(id="r", name="R", **fields), {"r", "other"})


# --- references ------------------------------------------------------------------------------


def test_codes_and_unique_names_resolve() -> None:
    assert _problems(countries=("IND", "PAK"), admin1=("RU-KRS", "Kursk", "UA-63")) == []
    kursk = regions.shape(Region(id="k", name="K", admin1=("Kursk",)))
    assert len(kursk.rings) == 1 and kursk.contains(36.19, 51.73)
    union = regions.shape(Region(id="u", name="U", countries=("POL", "LTU")))
    assert union.contains(21.0, 52.23) and union.contains(25.28, 54.69) and not union.contains(27.56, 53.9)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"countries": ("UKK",)}, "unknown country code 'UKK' (did you mean 'UKR', Ukraine?)"),
        ({"countries": ("India",)}, "unknown country code 'India' (did you mean 'IND', India?)"),
        ({"countries": ("ind",)}, "unknown country code 'ind' (did you mean 'IND', India?)"),
        ({"admin1": ("RU-KSR",)}, "unknown first-level region 'RU-KSR' (did you mean 'RU-KRS', Kursk?)"),
        ({"admin1": ("Kurks",)}, "unknown first-level region 'Kurks' (did you mean 'RU-KRS', Kursk?)"),
        ({"minus": ("othr",)}, "unknown region 'othr' (did you mean 'other'?)"),
        ({"minus": ("r",), "center": (0.0, 0.0)}, "region 'r' cannot be cut out of itself"),
        ({"within": ("UKR",), "center": (0.0, 0.0)}, "'within' clips an outline; this region has none"),
        ({}, "region 'r' needs countries, admin1, an outline or a center [lon, lat]"),
    ],
)
def test_reference_problems_say_what_was_meant(fields: dict, message: str) -> None:
    assert message in [m for _path, m in _problems(**fields)]


def test_regions_without_an_iso_code_are_reachable_by_name() -> None:
    """About one region in nine has no ISO 3166-2 code: its name finds it, alone when unique,
    else after its country's code (``KEN-Eastern``), in any case and spacing."""
    world = geo.basemap_meta(geo.WORLD)
    codeless = [r for r in world["regions"] if not r["code"]]
    assert 0.05 < len(codeless) / len(world["regions"]) < 0.2
    for ref, meant in [
        ("Grand Turk", "TCA-grand_turk"),
        ("KEN-Eastern", "KEN-eastern"),
        ("ken-eastern", "KEN-eastern"),
        ("MEX-Distrito Federal", "MEX-distrito_federal"),
        ("KOR-Incheon", "KR-28"),
    ]:
        assert _problems(admin1=(ref,)) == [], ref
        assert [f["id"] for f in regions._admin1(regions._index(), ref)] == [meant], ref
    for r in codeless:  # every one of them, by its country and name
        assert r in regions._admin1(regions._index(), f"{r['country']}-{r['name']}"), r["id"]
    assert "KEN-eastern (Kenya)" in _problems(admin1=("Eastern",))[0][1]
    assert _problems(admin1=("KEN-Estern",))[0][1].endswith("(did you mean 'KEN-western', Western?)")


def test_a_misspelt_code_in_a_file_is_reported_at_its_place(tmp_path: Path) -> None:
    bad = tmp_path / "korea.yaml"
    bad.write_text(KOREA.read_text(encoding="utf-8").replace("countries: [PRK]", "countries: [PKR]"), encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    (d,) = err.value.diagnostics
    line = next(n for n, text in enumerate(bad.read_text(encoding="utf-8").splitlines(), 1) if "[PKR]" in text)
    assert (d.line, d.path) == (line, "map.regions.north.countries[0]")
    assert d.message == "unknown country code 'PKR' (did you mean 'PRK', North Korea?)"


# --- ranges from real edges ------------------------------------------------------------------


def test_an_outline_gives_the_engines_historical_points() -> None:
    outline = ((0.5, 0.5), (4.6, 0.5), (4.6, 5.5), (0.5, 5.5))
    r = Region(id="o", name="O", outline=outline)
    assert np.array_equal(regions.edge_points(r, {"o": r}), geo.densify(outline))


def test_minus_cuts_the_occupied_areas_out_of_ukraine() -> None:
    loaded = load_scenario(ATACMS)
    by_id = {r.id: r for r in loaded.scenario.map.regions}
    held = regions.edge_points(by_id["ukraine_held"], by_id)
    crimea = regions.shape(by_id["crimea"])
    assert not np.any(crimea.contains(held[:, 0], held[:, 1]))
    # Sevastopol is beyond 200 km from Ukrainian-held ground, not on its edge
    assert geo.min_distance_km([[33.53, 44.62]], held) > 200
    # the front line is part of the edge: Melitopol (held by Russia) is about 70 km from it
    assert 50 < geo.min_distance_km([[35.37, 46.84]], held) < 90
    sites = {s.id: s for s in loaded.scenario.map.sites}
    dist = {(x.weapon, x.site): x.distance_km for x in loaded.rules.instances if x.weapon >= 0 and x.site >= 0}
    weapons = [w.id for w in loaded.scenario.weapons]
    ix = {s: i for i, s in enumerate(sites)}
    atacms = weapons.index("atacms")
    assert dist[(atacms, ix["crimean_bridge"])] == pytest.approx(243, abs=5)


def test_within_keeps_the_countrys_border() -> None:
    front = Region(id="f", name="F", outline=((30.0, 46.0), (42.0, 46.0), (42.0, 52.0), (30.0, 52.0)), within=("UKR",))
    s = regions.shape(front)
    assert s.contains(35.0, 48.5) and not s.contains(39.7, 47.2)  # Dnipro area yes, Rostov no
    pts = regions.edge_points(front, {"f": front})
    assert pts[:, 0].max() < 40.3  # the outline's east side, in Russia, is clipped away (Ukraine ends at 40.2 E)
    assert np.any(np.isclose(pts[:, 1], 46.0) & (pts[:, 0] > 31.0))  # its south side across Ukraine stays
    by_name = regions.shape(
        Region(id="k", name="K", outline=((35, 50), (37, 50), (37, 52), (35, 52)), within=("Kursk",))
    )
    assert by_name.contains(36.19, 51.73) and not by_name.contains(35.2, 50.2)  # Kursk yes, Belgorod no


# --- colours ---------------------------------------------------------------------------------


def test_author_colours_are_honoured_when_they_read_well() -> None:
    assert colours.actor_colours([("a", "#E69F00"), ("b", "#ff0000")]) == {"a": (230, 159, 0), "b": (255, 0, 0)}
    # navy on dark land, and a green that a deuteranope cannot tell from the red before it
    got = colours.actor_colours([("a", "#ff0000"), ("b", "#00a000"), ("c", "#000080")])
    assert got["a"] == (255, 0, 0) and got["b"] != (0, 160, 0) and got["c"] != (0, 0, 128)
    assert len(set(got.values())) == 3
    assert colours.actor_colours([("c", "#000080")], "scenario") == {"c": (0, 0, 128)}


def test_lint_names_a_colour_that_does_not_read(tmp_path: Path) -> None:
    path = tmp_path / "korea.yaml"
    path.write_text(KOREA.read_text(encoding="utf-8").replace('"#D55E00"', '"#000080"'), encoding="utf-8")
    warnings = [str(d) for d in lint(load_scenario(path)) if "colour" in d.message]
    line = next(n for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "#000080" in text)
    assert warnings == [
        f"{path}:{line}:84: actors.dprk.color: warning: colour #000080 has a contrast of 1.2:1 with the map's land "
        "(at least 2:1 reads); the default palette draws 'dprk' in another colour"
    ]


# --- drawing ---------------------------------------------------------------------------------


def test_korea_draws_by_code_with_its_actors_colours() -> None:
    pygame.init()
    loaded = load_scenario(KOREA)
    scn = loaded.scenario
    cols = theme.actor_colours(scn)
    view = MapView(scn, cols, geo.load_basemap(scn.map.basemap), [], rules=loaded.rules)
    assert view.home[0] < 125.58 and view.home[2] > 126.98 and view.home[1] < 37.57 and view.home[3] > 39.03
    view.set_rect(pygame.Rect(0, 0, 900, 600))
    surface = pygame.Surface((900, 600))
    view.draw(surface)

    def pixel(lon: float, lat: float) -> tuple[int, int, int]:
        x, y = view.proj.point(lon, lat)
        return tuple(surface.get_at((int(x), int(y))))[:3]

    def tinted(rgb, colour) -> bool:  # nearer the land mixed toward the actor's colour than the bare land
        mixed = [theme.LAND[i] + (colour[i] - theme.LAND[i]) * 58 / 255 for i in range(3)]
        return float(np.hypot.reduce(np.subtract(rgb, mixed))) < float(np.hypot.reduce(np.subtract(rgb, theme.LAND)))

    assert tinted(pixel(128.3, 36.0), cols["rok"])  # inland South Korea
    assert tinted(pixel(128.6, 41.0), cols["dprk"])  # inland North Korea
    assert not tinted(pixel(128.6, 41.0), cols["rok"])
    assert pixel(124.0, 36.0) == theme.SEA  # the Yellow Sea
    assert pixel(118.0, 38.0) != theme.SEA  # China is land, in no actor's colour
