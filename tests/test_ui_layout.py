"""The title screen lays out without overlaps from the smallest window the app allows (960x600; a
play-tester's 1000x600 window put 'New seed' under 'Start') to 1920x1080, at Normal and Larger text."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import itertools  # noqa: E402
import warnings  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402
from pygame_gui.elements import UIButton, UITextBox  # noqa: E402

from game.ui.app import MIN_SIZE, App  # noqa: E402
from game.ui.scale import LARGEST_TEXT  # noqa: E402
from game.ui.settings import Settings  # noqa: E402
from game.ui.widgets import Label  # noqa: E402

SIZES = (MIN_SIZE, (1000, 600), (1280, 720), (1920, 1080))


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))


@pytest.mark.parametrize("text_size", ["normal", LARGEST_TEXT])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_title_has_no_overlapping_widgets(size, text_size):
    from game.ui.screens.title import TitleScreen

    app = App(Settings(width=size[0], height=size[1], text_size=text_size), size, fixed_size=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            app.stack.reset(TitleScreen(app))
            app.render(1)
        shown = [
            el
            for el in app.manager.get_sprite_group().sprites()
            if isinstance(el, (UIButton, UITextBox, Label)) and el.visible and el.alive() and not el.parent_element
        ]
        window = pygame.Rect((0, 0), size)
        assert all(window.contains(el.rect) for el in shown)
        overlaps = [
            (getattr(a, "text", "text box"), getattr(b, "text", "text box"))
            for a, b in itertools.combinations(shown, 2)
            if not (isinstance(a, Label) and isinstance(b, Label)) and a.rect.colliderect(b.rect)
        ]
        assert not overlaps, overlaps
    finally:
        pygame.display.quit()


def test_a_window_is_never_smaller_than_the_minimum():
    app = App(Settings(), (1280, 720))
    try:
        app.resize((800, 480))
        assert app.size[0] >= MIN_SIZE[0] and app.size[1] >= MIN_SIZE[1]
    finally:
        pygame.display.quit()
