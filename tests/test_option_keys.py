"""Every listed action has a key (1-9, 0, then letters), shown on its row; one press picks one.
Russia's seat in the ATACMS scenario lists eleven actions on turn 1, and only nine had a key."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.option_keys import OPTION_KEYS, option_key_label, option_number  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))


def _press(app, key, mod=0):
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))


def _release(app, key):
    app.handle(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0))


def test_each_key_picks_one_place_and_no_key_the_board_uses_for_something_else():
    numbers = [option_number(getattr(pygame, f"K_{c}")) for c in OPTION_KEYS]
    assert numbers == list(range(1, len(OPTION_KEYS) + 1))
    assert option_number(pygame.K_KP0) == 10 and option_number(pygame.K_KP3) == 3
    for taken in "wasdhlq":
        assert option_number(getattr(pygame, f"K_{taken}")) is None
    assert option_number(pygame.K_b, pygame.KMOD_CTRL) is None
    assert [option_key_label(n) for n in (1, 10, 11)] == ["1", "0", "B"]


def test_a_seat_with_more_than_nine_actions_reaches_each_by_its_key_shown_on_its_row():
    from game.ui.screens.game_screen import GameScreen

    app = App(Settings(), (1280, 720), fixed_size=True)
    match = Match.start(str(ROOT / "scenarios" / "atacms_2024.yaml"), ("russia",), 0)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(2)
    panel = board.decision
    listed = sorted(panel.key_numbers)
    assert len(listed) > 10, "Russia lists more than ten actions on turn 1"
    assert listed == list(range(1, len(listed) + 1))
    rows = {key: b.text for key, b in panel.option_buttons.items() if isinstance(key, tuple)}
    for n in listed:
        instance = panel.key_numbers[n]
        action = next(o.action for o in board.presenter.options() if o.instance == instance)
        assert rows[("action", action)].startswith(option_key_label(n) + " "), rows[("action", action)]
    for n in (10, 11, len(listed)):
        key = getattr(pygame, f"K_{OPTION_KEYS[n - 1]}")
        _press(app, key)
        _release(app, key)
        app.render(1)
        assert board.presenter.selected == panel.key_numbers[n]
