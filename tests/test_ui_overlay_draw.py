"""A screen paused under an overlay is drawn once and copied after (the board's map, ladder and
hints took 40 ms a frame under the help card): drawn anew when the stack changes, after a
resize and when a job's result came back."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

TUTORIAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def test_the_board_under_the_help_card_is_drawn_once(monkeypatch):
    from game.ui.screens.game_screen import GameScreen
    from game.ui.screens.help import HelpScreen

    app = App(Settings(), (1280, 720), fixed_size=True)
    try:
        match = Match.start(TUTORIAL, ("aldoria",), 5)
        match.autosave = False
        board = app.stack.reset(GameScreen(app, match))
        app.render(1)
        draws = []
        real = GameScreen.draw
        monkeypatch.setattr(GameScreen, "draw", lambda self, surface: (draws.append(1), real(self, surface)))
        for _ in range(3):
            app.frame(1 / 60)
        assert len(draws) == 3  # on top: every frame
        app.stack.push(HelpScreen(app))
        draws.clear()
        app.frame(1 / 60)
        first = app.window.copy()
        for _ in range(4):
            app.frame(1 / 60)
        assert len(draws) == 1  # under the card: once
        corner = pygame.Rect(0, 0, 200, 200)  # the map under the dimmed backdrop, the same each frame
        assert pygame.image.tobytes(first.subsurface(corner), "RGB") == pygame.image.tobytes(
            app.window.subsurface(corner), "RGB"
        )
        app.resize((1000, 700))
        app.frame(1 / 60)
        app.frame(1 / 60)
        assert len(draws) == 2  # a resize draws it again
        app.work.submit("", int)
        app.work.wait()
        app.frame(1 / 60)
        app.stack.pop()
        draws.clear()
        for _ in range(2):
            app.frame(1 / 60)
        assert len(draws) == 2 and app.stack.top is board
    finally:
        pygame.display.quit()
