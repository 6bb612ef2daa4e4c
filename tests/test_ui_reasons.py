"""Why an action is not possible now, in a student's words: no raw condition ("needs tension >= 0.4")
on the board, and no bare count beside an action."""

from pathlib import Path

import pytest

from game.ui.match import Match
from game.ui.panels.presenter import BoardPresenter, plain_reason

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


@pytest.fixture(scope="module")
def tutorial():
    return Match.start(str(SCENARIOS / "tutorial.yaml"), ("aldoria",), 3)


@pytest.fixture(scope="module")
def cuba():
    return Match.start(str(SCENARIOS / "cuba_1962.yaml"), ("usa",), 3)


def test_a_threshold_says_where_the_game_stands(tutorial):
    reasons = {o.reason for o in BoardPresenter(tutorial).options() if not o.legal}
    now = tutorial.session.value("tension")
    assert f"Not yet: tension must reach 0.4 (now {round(now, 2):g})" in reasons
    assert not any(">=" in r or "needs tension" in r for r in reasons)


def test_words_for_each_kind_of_condition(cuba):
    value = {"tension": 0.25, "crisis_public": 0.0}.__getitem__
    scn = cuba.scenario
    assert plain_reason("not now: needs turn >= 3 and tension > 0.5", scn, value) == (
        "Not yet: from turn 3, and tension must be above 0.5 (now 0.25)"
    )
    assert plain_reason("not now: needs crisis_public == 1", scn, value) == "Not yet: needs crisis public"
    assert plain_reason("not now: needs crisis_public == 1 and count('defcon2') == 0", scn, value) == (
        "Not now: needs crisis public, and not after \u2018Raise SAC to DEFCON 2\u2019"
    )
    requires = next(a.requires for a in scn.actions if a.requires == "the quarantine is in force")
    assert plain_reason(f"not now: needs {requires}", scn, value) == "Not yet: only when the quarantine is in force"
    # what it cannot say in words stays whole; other reasons are the engine's own
    assert plain_reason("not now: needs max(a, b) > 1", scn, value) == "Not yet: needs max(a, b) > 1"
    assert plain_reason("no stock", scn, value) == "no stock"


def test_an_action_with_several_targets_says_how_many_in_words(tmp_path, monkeypatch):
    import os

    os.environ["SDL_VIDEODRIVER"] = "dummy"
    import pygame

    from game.ui.app import App
    from game.ui.screens.game_screen import GameScreen
    from game.ui.settings import Settings

    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    match = Match.start(str(SCENARIOS / "cuba_1962.yaml"), ("usa",), 7)
    match.autosave = False
    app = App(Settings(), (1920, 1080), fixed_size=True)
    try:
        board = app.stack.reset(GameScreen(app, match))
        app.render(2)
        texts = [b.text for key, b in board.decision.option_buttons.items() if isinstance(key, tuple)]
        texts += [mark.text for mark in board.decision.marks.values()]  # the line under a name
        assert any(" targets" in t for t in texts), texts
        assert not any(t.rstrip().endswith(")") and "(" in t.split("  ")[-1] for t in texts), texts
    finally:
        pygame.display.quit()
