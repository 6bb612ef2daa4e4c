"""compile_rules measures each site's range once for all the weapons launched from the same
regions (``rules._site_km``); every instance's distance must still be, to the bit, the
minimum great-circle distance from its weapon's own launch points."""

from __future__ import annotations

import glob
from pathlib import Path

import numpy as np
import pytest

from game import geo
from game.runners.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(glob.glob(str(ROOT / "scenarios" / "*.yaml")) + glob.glob(str(ROOT / "docs" / "examples" / "*.yaml")))


@pytest.mark.parametrize("path", FILES, ids=[Path(f).stem for f in FILES])
def test_every_instance_distance_is_the_minimum_from_its_weapons_launch_points(path: str) -> None:
    rules = load_scenario(path).rules
    scn = rules.scenario
    measured = 0
    for inst in rules.instances:
        if inst.weapon < 0 or inst.site < 0 or not len(rules.launch_points[inst.weapon]):
            assert inst.distance_km == 0.0
            continue
        weapon, site = scn.weapons[inst.weapon], scn.map.sites[inst.site]
        if site.region in weapon.launch_from:
            assert inst.distance_km == 0.0
            continue
        launch = rules.launch_points[inst.weapon]
        every = geo.haversine_km(site.lon, site.lat, launch[:, 0], launch[:, 1])
        assert inst.distance_km == float(np.min(every)), (weapon.id, site.id)
        assert inst.static_ok == (inst.distance_km <= weapon.range_km)
        measured += 1
    if scn.weapons and any(w.launch_from for w in scn.weapons) and rules.instances:
        assert measured > 0
