"""The hint card's words and keys agree: with more hints queued the card says Esc shows the next one
(and its button says "Next"), and Esc does that; H hides the hints for this turn only."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

TUTORIAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml")


@pytest.fixture
def board(tmp_path, monkeypatch):
    from game.ui.screens.game_screen import GameScreen

    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    app = App(Settings(), (1280, 720), fixed_size=True)
    match = Match.start(TUTORIAL, ("aldoria",), 1)
    match.autosave = False
    screen = app.stack.reset(GameScreen(app, match))
    app.render(2)
    yield screen
    pygame.display.quit()


def press(app: App, key: int) -> None:
    app.frame(1 / 60)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0))
    app.frame(1 / 60)


def shown(board) -> str | None:
    hint = board.hint.current()
    return None if hint is None else hint.title


def test_esc_shows_the_next_queued_hint_and_the_card_says_so(board):
    app = board.app
    first = shown(board)
    assert first == "The ladder" and board.hint.waiting() == 0 and board.hint.button.text == "Got it"
    press(app, pygame.K_h)
    board.end_turn()  # turn 2: the ladder hint hidden by H (unread), the red line hint queued behind it
    app.render(2)
    assert shown(board) == first and board.hint.waiting() >= 1
    assert board.hint.button.text == "Next" and "next hint" in board.hint.button.tool_tip_text
    press(app, pygame.K_ESCAPE)
    second = shown(board)
    assert second not in (None, first)
    while board.hint.waiting():
        press(app, pygame.K_ESCAPE)
    assert board.hint.button.text == "Got it"
    press(app, pygame.K_ESCAPE)
    assert shown(board) is None and app.stack.top is board  # the last one hidden; no menu opened


def test_h_hides_the_hints_for_this_turn_only(board):
    app = board.app
    press(app, pygame.K_h)
    assert shown(board) is None
    press(app, pygame.K_h)
    assert shown(board) == "The ladder"
    press(app, pygame.K_h)
    board.end_turn()
    app.render(2)
    assert shown(board) == "The ladder"  # unread: it shows again on the next turn
