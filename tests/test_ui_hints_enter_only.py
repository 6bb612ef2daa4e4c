"""A student who never presses "Got it" and ends every turn with Enter still meets every hint, one a
turn: under Xvfb the tutorial played by Enter alone showed "The ladder" for the whole game."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

TUTORIAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml")


def test_ending_turns_by_enter_walks_through_the_hints(tmp_path, monkeypatch):
    from game.ui.screens.game_screen import GameScreen

    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    app = App(Settings(), (1280, 720), fixed_size=True)
    try:
        match = Match.start(TUTORIAL, ("aldoria",), 1)
        match.autosave = False
        board = app.stack.reset(GameScreen(app, match))
        app.render(2)
        seen = []
        while not match.session.done:
            hint = board.hint.current()
            seen.append(None if hint is None else hint.title)
            board.presenter.select(next(o.instance for o in board.presenter.legal_options() if o.action == "talks"))
            board.end_turn()
            app.render(2)
            app.work.wait()
            app.render(2)
        shown = [t for t in seen if t is not None]
        assert shown[:2] == ["The ladder", "A declared red line"]
        assert len(shown) == len(set(shown)) == len(seen)  # a new hint each turn, none twice
    finally:
        pygame.display.quit()
