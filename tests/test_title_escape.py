"""Esc on the title screen never quits: a student closing Help with Esc often presses it twice."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.screens.help import HelpScreen  # noqa: E402
from game.ui.screens.title import TitleScreen  # noqa: E402
from game.ui.settings import Settings  # noqa: E402


def _press(app: App, key: int) -> None:
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    app.handle(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0))
    app.render(1)


def test_f1_then_esc_twice_leaves_the_title_on_view():
    app = App(Settings(), (1280, 720), fixed_size=True)
    app.open_title()
    app.render(2)
    _press(app, pygame.K_F1)
    assert isinstance(app.stack.top, HelpScreen)
    _press(app, pygame.K_ESCAPE)
    assert isinstance(app.stack.top, TitleScreen)
    _press(app, pygame.K_ESCAPE)
    assert app.running and isinstance(app.stack.top, TitleScreen)
    assert [type(s) for s in app.stack.screens] == [TitleScreen]
