"""An action that trips a declared red line says so on its row of the decision panel, before the
student selects it: the tutorial's hint ("The decision panel marks every action that would trip
it") and the README promise it, and only the card under the list said it."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.panels.decision import RED_LINE_WORDS  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

TUTORIAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml")


@pytest.fixture(params=[((1280, 720), "normal"), ((1920, 1080), "normal"), ((1280, 720), "larger")])
def board(request, tmp_path, monkeypatch):
    from game.ui.screens.game_screen import GameScreen

    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    size, text = request.param
    app = App(Settings(text_size=text), size, fixed_size=True)
    # tension at 0.5: landing on Skerry (Borvia's declared red line) is possible from turn 1
    match = Match.start(TUTORIAL, ("aldoria",), 1, sets={"variables.tension.initial": 0.5})
    match.autosave = False
    screen = app.stack.reset(GameScreen(app, match))
    app.render(2)
    yield screen
    pygame.display.quit()


def row_texts(board) -> dict[str, str]:
    """Action id -> the text on its row and the line under it."""
    marks = board.decision.marks
    return {
        key[1]: b.text + (f" / {marks[key[1]].text}" if key[1] in marks else "")
        for key, b in board.decision.option_buttons.items()
        if isinstance(key, tuple)
    }


def test_the_row_of_an_action_that_trips_a_declared_red_line_says_so(board):
    """At both sizes and with the largest text: the mark is whole, on a line under the name."""
    rows = row_texts(board)
    assert rows["seize_island"].endswith(" / " + RED_LINE_WORDS)
    assert rows["seize_island"].split()[1] == "Land"
    for action in ("wait", "talks", "naval_show"):
        assert "red line" not in rows[action]
