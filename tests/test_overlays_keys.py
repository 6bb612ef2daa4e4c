"""The overlays and the title answer the keys their labels name, on the real screen stack: the
menu's Ctrl+S / Ctrl+L, its focus ring, Enter on a scenario card starts it ("Start (Enter)"),
the hand-over's words and alignment, and every overlay's card drawn cheaply (no frozen frame)."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import html  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402
from pygame_gui.elements import UIImage, UIPanel, UITextBox  # noqa: E402

from game.ui import focus, saves  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = str(ROOT / "scenarios" / "tutorial.yaml")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    a = App(Settings(), (1280, 720), fixed_size=True)
    yield a
    pygame.display.quit()


def key(app, k, mod=0):
    """One physical press and release, handled in a frame as the window handles it."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode="", scancode=0))
    app.frame(1 / 60)


def board(app, seats=("aldoria",)):
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(TUTORIAL, seats, 1)
    match.autosave = False
    screen = app.stack.reset(GameScreen(app, match))
    app.render(1)
    return screen


def open_menu(app, screen):
    """The Esc menu (Esc on the tutorial's board first dismisses its hint cards)."""
    from game.ui.screens.pause import PauseMenu

    screen.open_menu()
    app.render(1)
    menu = app.stack.top
    assert isinstance(menu, PauseMenu)
    return menu


def ring_on(app, rect: pygame.Rect) -> bool:
    """The ring's colour on the outline around ``rect`` (its top edge, middle)."""
    app.render(1)
    ring = rect.inflate(app.s(6), app.s(6))
    return tuple(app.window.get_at((ring.centerx, ring.top))[:3]) == focus.RING


def test_menu_rings_back_to_the_game_and_lists_each_button_once(app):
    screen = board(app)
    menu = open_menu(app, screen)
    resume = menu.buttons["resume"]
    assert menu.ring_rect() == resume.rect and ring_on(app, pygame.Rect(resume.rect))
    texts = [row[0] for row in app.state()["buttons"]]
    assert sorted(texts) == sorted(b.text for b in menu.buttons.values())
    assert len(menu.focus_order()) == len(menu.buttons)
    key(app, pygame.K_DOWN)
    assert menu.tab_focused() is menu.buttons["save"] and ring_on(app, pygame.Rect(menu.buttons["save"].rect))
    key(app, pygame.K_UP)
    key(app, pygame.K_RETURN)
    assert app.stack.top is screen


def test_menu_answers_ctrl_s_and_ctrl_l_as_its_buttons_say(app):
    from game.ui.screens.pause import LoadDialog

    screen = board(app)
    menu = open_menu(app, screen)
    assert "(Ctrl+S)" in menu.buttons["save"].text and "(Ctrl+L)" in menu.buttons["load"].text
    assert saves.list_saves() == []
    key(app, pygame.K_s, pygame.KMOD_CTRL)
    assert app.stack.top is screen and len(saves.list_saves()) == 1
    open_menu(app, screen)
    key(app, pygame.K_l, pygame.KMOD_CTRL)
    assert isinstance(app.stack.top, LoadDialog)


def test_every_overlay_card_is_the_drawn_card_not_a_rounded_panel(app):
    """pygame_gui's rounded panel took 100-290 ms of the frame an overlay opened in."""
    from game.ui.screens.pause import LoadDialog
    from game.ui.screens.settings_screen import SettingsScreen

    screen = board(app)
    for overlay in (open_menu(app, screen), app.stack.push(LoadDialog(app)), app.stack.push(SettingsScreen(app))):
        app.render(1)
        assert isinstance(overlay.card_image, UIImage) and overlay.card_image.alive()
        panels = [e for e in overlay.root.elements if isinstance(e, UIPanel)]
        assert len(panels) == 1, "only the backdrop is a pygame_gui panel"
        assert overlay.card_image.rect.inflate(-4, -4) == overlay.body.rect


def test_enter_on_a_tabbed_scenario_card_starts_that_scenario(app):
    from game.ui.screens.briefing import BriefingScreen
    from game.ui.screens.title import TitleScreen

    title = app.stack.reset(TitleScreen(app, preselect=TUTORIAL))
    app.render(1)
    assert "Start (Enter)" in title.start_btn.text
    other = next(i for i, e in enumerate(title.entries) if e.loaded and i != title.index)
    while title.tab_focused() is not title.cards[other]:
        key(app, pygame.K_TAB)
    stem = title.entries[other].stem
    key(app, pygame.K_SPACE)  # Space on a card selects it and stays on the title
    assert app.stack.top is title and title.index == other
    assert title.tab_focused() is title.cards[other]
    key(app, pygame.K_RETURN)
    top = app.stack.top
    assert isinstance(top, BriefingScreen) and Path(top.match.path).stem == stem


def test_hand_over_words_follow_whether_anyone_has_chosen_and_align_under_the_title(app):
    from game.ui.screens.handover import HandoverScreen

    match = Match.start(TUTORIAL, ("aldoria", "borvia"), 1)
    match.autosave = False
    first = app.stack.reset(HandoverScreen(app, match, "aldoria"))
    app.render(2)
    note = next(e for e in first.root.elements if isinstance(e, UITextBox))
    words = html.unescape(note.html_text)
    assert "No one has chosen yet" in words and "other player's choice" not in words
    title = sorted((e for e in first.root.elements if e is not note and e is not first.go), key=lambda e: e.rect.y)[1]
    window = pygame.surfarray.array3d(app.window).astype(int)

    def left_ink(rect: pygame.Rect) -> int:
        columns = (window[rect.left : rect.right, rect.top : rect.bottom].max(axis=2) > 80).any(axis=1)
        return rect.left + int(np.argmax(columns))

    assert abs(left_ink(note.rect) - left_ink(title.rect)) <= 3  # was 9-10 px to the right

    match.pending["aldoria"] = (0, None)
    second = app.stack.reset(HandoverScreen(app, match, "borvia"))
    note = next(e for e in second.root.elements if isinstance(e, UITextBox))
    assert "The other player's choice stays hidden" in html.unescape(note.html_text)
