"""A click and a key press that arrive in one frame act in the order they were made.

pygame_gui answers a click on a button by posting UI_BUTTON_PRESSED to the event queue, behind
the events the frame already took from it: a key pressed just after the click (in the same slow
frame, e.g. 1920x1080) was handled before the click. On the title, a click on the ATACMS card
then Enter started the tutorial, which was still selected (seen once at 1920x1080, not
reproduced then). The window now handles what a click posts before the next event.
"""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import warnings  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.settings import Settings  # noqa: E402


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield App(Settings(width=1920, height=1080), (1920, 1080), fixed_size=True)
    pygame.display.quit()


def test_a_click_on_a_scenario_then_enter_in_one_frame_starts_that_scenario(app):
    from game.ui.screens.briefing import BriefingScreen

    app.open_title()
    app.frame(1 / 60)
    title = app.stack.top
    assert title.entry.stem == "tutorial"
    atacms = next(i for i, e in enumerate(title.entries) if e.stem == "atacms_2024")
    at = title.cards[atacms].rect.center
    pygame.mouse.set_pos(at)
    for event in (
        pygame.event.Event(pygame.MOUSEMOTION, pos=at, rel=(0, 0), buttons=(0, 0, 0)),
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=at, button=1),
        pygame.event.Event(pygame.MOUSEBUTTONUP, pos=at, button=1),
        pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r", scancode=0),
    ):
        pygame.event.post(event)
    app.frame(1 / 60)
    app.frame(1 / 60)
    assert title.entry.stem == "atacms_2024"
    assert isinstance(app.stack.top, BriefingScreen)
    assert app.stack.top.match.scenario.meta.id == "atacms_2024"


def test_enter_after_the_click_has_shown_its_scenario_starts_it(app):
    """Enter in the next frame, once the click's scenario is on view, starts it."""
    from game.ui.screens.briefing import BriefingScreen

    app.open_title()
    app.frame(1 / 60)
    title = app.stack.top
    atacms = next(i for i, e in enumerate(title.entries) if e.stem == "atacms_2024")
    at = title.cards[atacms].rect.center
    pygame.mouse.set_pos(at)
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=at, button=1))
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONUP, pos=at, button=1))
    app.frame(1 / 60)
    app.frame(1 / 60)
    assert title.entry.stem == "atacms_2024"
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_RETURN, mod=0, unicode="\r", scancode=0))
    app.frame(1 / 60)
    assert isinstance(app.stack.top, BriefingScreen)
    assert app.stack.top.match.scenario.meta.id == "atacms_2024"
