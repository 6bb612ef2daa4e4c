"""A variable's `label` is the name on its bar; without one the id is turned into words."""

from __future__ import annotations

import re

from game.loader.load import check_file
from game.ui.panels.presenter import indicator_label


def test_an_authors_label_names_the_bar_and_the_id_is_the_fallback():
    scn = check_file("scenarios/atacms_2024.yaml").scenario
    assert indicator_label("us_admin", scn) == "New US president"
    assert indicator_label("dprk_reading", scn) == "N. Korea counted"
    assert indicator_label("ukraine.resolve", scn) == "Ukraine: resolve"
    assert indicator_label("tension", scn) == "Tension"


def test_no_bar_of_a_shipped_scenario_shows_a_raw_id():
    for path in ("scenarios/atacms_2024.yaml", "scenarios/israel_iran_2024.yaml", "scenarios/cuba_1962.yaml"):
        scn = check_file(path).scenario
        for v in scn.variables:
            if v.show:
                label = indicator_label(v.id, scn)
                assert "_" not in label and not re.search(r"\w\.\w", label), (path, v.id, label)
                assert len(label) <= 18, (path, v.id, label)
