"""The keyboard focus ring: drawn where the keyboard acts, on the title, the board and the briefing."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui import focus  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

TUTORIAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    a = App(Settings(), (1280, 720), fixed_size=True)
    yield a
    pygame.display.quit()


def ring_drawn(app: App, rect: pygame.Rect) -> bool:
    """The ring's colour on the outline around ``rect`` (its top edge, middle)."""
    app.render(2)
    ring = rect.inflate(app.s(6), app.s(6))
    return tuple(app.window.get_at((ring.centerx, ring.top))[:3]) == focus.RING


def test_title_rings_the_selected_scenario_and_follows_the_arrows(app):
    from game.ui.screens.title import TitleScreen

    title = TitleScreen(app, preselect=TUTORIAL)
    app.stack.reset(title)
    first = title.focus_rect()
    assert first == title.cards[title.index].rect and ring_drawn(app, first)
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_DOWN, mod=0, unicode="", scancode=0))
    assert title.focus_rect() != first and ring_drawn(app, title.focus_rect())


def test_board_rings_the_selected_action(app):
    from game.ui.screens.briefing import BriefingScreen
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(TUTORIAL, ("aldoria",), 1)
    match.autosave = False
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(2)
    selected = next(b for b in board.decision.option_buttons.values() if b.is_selected)
    assert board.focus_rect() == selected.rect and ring_drawn(app, selected.rect)
    briefing = app.stack.push(BriefingScreen(app, match))
    assert briefing.focus_rect() == briefing.go.rect and ring_drawn(app, briefing.go.rect)
