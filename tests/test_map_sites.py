"""The map tells the truth about sites and ranges: a weapon never marks its own side's sites
as in range, rings are drawn around the launch points at the range stated, names stay whole."""

import os
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from game import geo  # noqa: E402
from game.ui import theme  # noqa: E402
from game.ui.map_view import MapView, coverage, friendly_sites, short_name  # noqa: E402
from game.ui.match import Match  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: Path(p).stem)
def test_no_weapon_marks_its_own_sides_sites_in_range(path):
    m = Match.start(path, (), 1)
    scn = m.scenario
    side = {a.id: a.side or a.id for a in scn.actors}
    controller = {r.id: r.controller for r in scn.map.regions}
    for w in scn.weapons:
        if not w.launch_from:
            continue
        cov = coverage(scn, w.id, rules=m.rules)
        for s in scn.map.sites:
            held = controller.get(s.region)
            if held in side and side[held] == side[w.owner]:
                assert s.id in cov.friendly and s.id not in cov.in_range, (w.id, s.id)
            if s.id in cov.friendly:
                assert s.id not in cov.in_range


def test_friendly_sites_are_the_side_and_its_backers():
    scn = Match.start(str(ROOT / "scenarios" / "atacms_2024.yaml"), (), 1).scenario
    ukraine = friendly_sites(scn, "ukraine")
    assert {"kyiv", "rzeszow", "redzikowo"} <= ukraine  # its own, and its suppliers' (Poland's NATO bases)
    assert not ukraine & friendly_sites(scn, "russia")
    atacms = coverage(scn, "atacms")
    assert "rzeszow" not in atacms.in_range and atacms.distances["rzeszow"] <= atacms.range_km
    assert "crimean_bridge" in atacms.in_range


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: Path(p).stem)
def test_rings_are_the_range_stated_and_their_launch_points_are_drawn(path):
    m = Match.start(path, (), 1)
    scn = m.scenario
    colours = theme.actor_colours(scn, "default")
    view = MapView(scn, colours, None, [], rules=m.rules)
    view.set_rect(pygame.Rect(0, 0, 900, 600))
    total_shown = 0
    for w in scn.weapons:
        if not w.launch_from:
            continue
        view.show_weapon(w.id)
        cov = view.coverage
        for (lon, lat), ring in zip(cov.launch_points, cov.rings):
            d = geo.haversine_km(lon, lat, ring[:, 0], ring[:, 1])
            assert np.allclose(d, w.range_km, rtol=1e-6)
        drawn = view._render_coverage(cov)
        off = view.proj.rect.topleft
        shown = 0
        for x, y in view._screen_pts(cov.launch_points):
            px, py = int(round(x - off[0])), int(round(y - off[1]))
            if 0 <= px < drawn.get_width() and 0 <= py < drawn.get_height():
                # a marker there: its light dot or the dark edge of a neighbour's
                assert tuple(drawn.get_at((px, py)))[:3] in (theme.lighten(theme.ACCENT, 0.3)[:3], (10, 12, 16))
                shown += 1
        total_shown += shown
    assert total_shown > 0


def test_short_names_keep_a_bracket_inside_the_name():
    assert short_name("Crimean (Kerch) Bridge") == "Crimean (Kerch) Bridge"
    assert short_name("Khalino (Kursk-Vostochny) airfield") == "Khalino (Kursk-Vostochny) airfield"
    assert short_name("Bryansk chemical plant, Seltso (approx.)") == "Bryansk chemical plant"
    assert short_name("Sudzha (Ukrainian-held)") == "Sudzha"
    for path in SCENARIOS:
        for s in Match.start(path, (), 1).scenario.map.sites:
            short = short_name(s.name)
            assert short and s.name.startswith(short) and short.count("(") == short.count(")"), s.name
