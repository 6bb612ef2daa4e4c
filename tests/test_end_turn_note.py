"""Enter that ends no turn says why, where End turn is (issue 11, "one press, one act"): no action
chosen, or a side the computer plays, or a replay being watched. The real board, dummy driver."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui import theme  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.screens.game_screen import AI_SEAT_NOTE, CHOOSE_FIRST, WATCHING_NOTE, GameScreen  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

TUTORIAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    a = App(Settings(show_hints=False), (1280, 720), fixed_size=True)  # no hint card over the board
    yield a
    pygame.display.quit()


def enter(app) -> None:
    app.frame(1 / 60)  # the frame after the board is on view lifts the input barrier
    for kind in (pygame.KEYDOWN, pygame.KEYUP):
        pygame.event.post(pygame.event.Event(kind, key=pygame.K_RETURN, mod=0, unicode="", scancode=0))
    app.frame(1 / 60)


def note_drawn(app, board) -> bool:
    """The note's card is on the window: its accent border, middle of its top edge."""
    app.render(1)
    box = board.end_note_rect
    return box is not None and tuple(app.window.get_at((box.centerx, box.top))[:3]) == theme.ACCENT


def test_enter_with_no_action_chosen_says_choose_one_above_end_turn(app):
    board = app.stack.reset(GameScreen(app, Match.start(TUTORIAL, ("aldoria",), 1)))
    board.match.autosave = False
    app.render(1)
    board.presenter.selected = None
    enter(app)
    assert board.match.session.turn == 1 and app.state()["note"] == CHOOSE_FIRST
    assert note_drawn(app, board) and board.end_note_rect.bottom <= board.end_btn.rect.top
    board.presenter.select(next(o.instance for o in board.presenter.options() if o.legal))
    assert not note_drawn(app, board) and app.state()["note"] is None  # chosen: the note goes


def test_enter_on_a_side_the_computer_plays_says_so(app):
    match = Match.start(TUTORIAL, (), 1, ai_seats=("aldoria",))
    match.autosave = False
    board = app.stack.reset(GameScreen(app, match))
    app.render(1)
    enter(app)
    assert match.session.turn == 1 and app.state()["note"] == AI_SEAT_NOTE and note_drawn(app, board)


def test_enter_while_watching_names_the_keys_that_play(app):
    match = Match.start(TUTORIAL, (), 1)
    match.autosave = False
    board = app.stack.reset(GameScreen(app, match))
    board.playing = False
    app.render(1)
    enter(app)
    assert app.state()["note"] == WATCHING_NOTE and note_drawn(app, board)
    assert board.end_note_rect.top >= board.decision.play_btn.rect.bottom
