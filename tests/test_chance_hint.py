"""The tutorial's "Chance" hint shows at the first chance result the news has, and when a game has
none by the hint's fallback turn, its words do not claim one is on the board (issue 11): the
real board, played by its End turn."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

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


def play(app, seed: int, turns: int) -> list[list[str]]:
    """The board's hint titles each turn (Esc reads the queue through), ending ``turns`` turns."""
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(TUTORIAL, ("aldoria",), seed)
    match.autosave = False
    board = app.stack.reset(GameScreen(app, match))
    app.render(1)
    shown: list[list[str]] = []
    for turn in range(turns + 1):
        titles = []
        for _ in range(len(match.scenario.hints)):
            hint = board.hint.current()
            if hint is None:
                break
            titles.append(hint.title)
            app.frame(1 / 60)  # the frame after a turn lifts the input barrier
            for kind in (pygame.KEYDOWN, pygame.KEYUP):  # one press of Esc: the card's "Got it"
                pygame.event.post(pygame.event.Event(kind, key=pygame.K_ESCAPE, mod=0, unicode="", scancode=0))
            app.frame(1 / 60)
        shown.append(titles)
        if turn < turns:
            board.end_turn()
            app.render(1)
    return shown


def chance_turns(app) -> list[int]:
    """The turns whose events are chance results the student's news shows with their odds."""
    events = app.stack.top.match.session.events
    return sorted({e["turn"] for e in events if "draw" in e and e.get("kind") != "decision"})


def test_the_chance_hint_shows_the_turn_after_the_first_chance_result(app):
    shown = play(app, seed=8, turns=1)  # seed 8: a chance result on turn 1
    assert chance_turns(app) == [1]
    assert "Chance" not in shown[0] and "Chance" in shown[1]


def test_without_a_chance_result_the_fallback_hint_claims_none_is_on_the_board(app):
    shown = play(app, seed=1, turns=2)  # seed 1: no chance result by turn 3
    assert chance_turns(app) == []
    assert "Chance" not in shown[0] + shown[1] and "Chance" in shown[2]
    hint = next(h for h in app.stack.top.match.scenario.hints if h.title == "Chance")
    text = " ".join(hint.text.split())
    assert "When a chance result appears in the news" in text
    assert "The news gives every chance result" not in text
