"""A variable's `label` is the name on its bar; without one the id is turned into words."""

from __future__ import annotations

import re

import pytest

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


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=["1280", "1920"])
def test_every_label_of_a_shipped_scenario_is_whole_at_normal_text(size, tmp_path, monkeypatch):
    """In two columns a label has its cell's width and the value ends the bar's row: 'Ukraine:
    resol…', 'New US presi…' and 'N. Korea coun…' were cut at 1280x720 beside their values."""
    import pygame

    from game.ui.app import App
    from game.ui.match import Match
    from game.ui.screens.game_screen import GameScreen
    from game.ui.settings import Settings

    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("SDL_AUDIODRIVER", "dummy")
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    for name, actor in SEATS:
        app = App(Settings(), size, fixed_size=True)
        match = Match.start(f"scenarios/{name}.yaml", (actor,), 1)
        match.autosave = False
        board = app.stack.reset(GameScreen(app, match))
        app.render(2)
        panel = board.ladder_panel
        assert panel.presenter.indicators(), name
        assert panel.cut_indicators == [], (name, [c.text for c in panel.cut_indicators])
        pygame.display.quit()


SEATS = [("atacms_2024", "ukraine"), ("israel_iran_2024", "israel"), ("cuba_1962", "usa"), ("tutorial", "aldoria")]
