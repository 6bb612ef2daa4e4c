"""The help card (F1) opens in the frame of the key and fills over the next frames: its card is
drawn by ``rounded_card`` (pygame_gui's rounded panel took 100-290 ms of that frame) and looks
like the other overlays' card; its text is stacked boxes that read as one text."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402
from pygame_gui.core import ObjectID  # noqa: E402
from pygame_gui.elements import UIPanel, UITextBox  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.rounded_card import rounded_card  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))


@pytest.fixture(scope="module")
def app():
    return App(Settings(), (1280, 720), fixed_size=True)


def key(app, k):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=0, unicode="", scancode=0))
    app.frame(1 / 60)


def text_rows(box, top=0):
    out = []
    for row in box.text_box_layout.layout_rows:
        text = "".join(getattr(chunk, "text", "") or "" for chunk in row.items)
        if text.strip():
            out.append((top + box.relative_rect.top + row.y, text))
    return out


def test_f1_shows_the_card_at_once_and_its_text_over_the_next_frames(app):
    from game.ui.screens.game_screen import GameScreen
    from game.ui.screens.help import KEYS, HelpScreen

    match = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria",), 1)
    match.autosave = False
    board = app.stack.reset(GameScreen(app, match))
    app.render(1)
    key(app, pygame.K_F1)
    help_screen = app.stack.top
    assert isinstance(help_screen, HelpScreen) and help_screen.card_image.alive() and help_screen.ok.alive()
    assert help_screen.settling and help_screen.boxes == []  # the key's frame laid out no text
    frames = 1
    while help_screen.settling:
        app.frame(1 / 60)
        frames += 1
        assert frames < 60
    assert frames > 2, "the text is spread over frames"
    text = "".join(box.html_text for box in help_screen.boxes)
    assert all(k in text and v in text for k, v in KEYS)
    # the boxes read as one text: every row where one box of the whole text puts it
    width = help_screen.boxes[0].rect.w
    whole = UITextBox(
        help_screen.html_text, pygame.Rect(0, 0, width, -1), app.manager, container=help_screen.boxes[0].ui_container
    )
    try:
        assert [r for b in help_screen.boxes for r in text_rows(b)] == text_rows(whole)
    finally:
        whole.kill()
    key(app, pygame.K_ESCAPE)
    assert app.stack.top is board


@pytest.mark.parametrize("size", [(720, 560), (300, 90)])
def test_the_drawn_card_looks_like_the_overlays_panel(app, size):
    """Over the same background the two differ only along the inside of the border (pygame_gui
    blends it a pixel wider) and by a shade on the inner curves of the corners."""
    ids = ["@overlay", "panel"]
    theme = app.manager.get_theme()
    panel = UIPanel(pygame.Rect((0, 0), size), manager=app.manager, object_id=ObjectID(class_id="@overlay"))
    try:
        drawn = rounded_card(size, 8, 2, theme.get_colour("dark_bg", ids), theme.get_colour("normal_border", ids))
        out = []
        for surface, flags in ((drawn, 0), (panel.image, pygame.BLEND_PREMULTIPLIED)):
            back = pygame.Surface(size)
            back.fill((90, 120, 60))
            back.blit(surface, (0, 0), special_flags=flags)
            out.append(pygame.surfarray.array3d(back).astype(int))
        diff = np.abs(out[0] - out[1]).max(axis=2)
        assert diff[12:-12, 12:-12].max() <= 2  # the inside of the card, past the corners' curves
        assert diff[4:-4, 4:-4].max() <= 12  # the inner curves at the corners, a shade apart
        assert (diff > 8).sum() < 0.03 * diff.size  # the rest: the inside edge of the border
    finally:
        panel.kill()


def test_tab_then_enter_on_back_closes_help_while_the_text_arrives(app):
    """Tab counts buttons by place: when the text's scroll bar arrived after Tab had reached Back,
    its arrow buttons came first in reading order and Enter scrolled instead of closing (the full
    suite under load, test_focus)."""
    from game.ui.screens.game_screen import GameScreen
    from game.ui.screens.help import HelpScreen

    match = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria",), 1)
    match.autosave = False
    board = app.stack.reset(GameScreen(app, match))
    app.render(1)
    key(app, pygame.K_F1)
    help_screen = app.stack.top
    assert isinstance(help_screen, HelpScreen) and help_screen.boxes == []
    key(app, pygame.K_TAB)
    assert help_screen.tab_focused() is help_screen.ok
    while help_screen.settling:
        app.frame(1 / 60)
    assert len(help_screen.focus_order()) > 1, "the text has a scroll bar at 1280x720"
    assert help_screen.tab_focused() is help_screen.ok
    key(app, pygame.K_RETURN)
    assert app.stack.top is board


def test_help_opened_while_a_hot_seat_turn_resolves_survives_the_hand_over(app):
    """Monkey seed 882: in hot-seat, F1 pressed while a turn resolved put Help on the board; the
    played turn then pushed the opaque hand-over over Help, which hid Help's card while its text
    was still being laid out, and pygame_gui cannot make a scrolling list in a hidden container
    (AttributeError 'vert_scroll_bar'; F11's rebuild did the same). Help now waits while covered
    and finishes its text once the hand-over is gone."""
    from game.ui.screens.game_screen import GameScreen
    from game.ui.screens.handover import HandoverScreen
    from game.ui.screens.help import HelpScreen

    match = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria", "borvia"), 1)
    match.autosave = False
    board = app.stack.reset(GameScreen(app, match))
    app.render(1)
    key(app, pygame.K_F1)
    help_screen = app.stack.top
    assert isinstance(help_screen, HelpScreen) and help_screen.settling
    board.hand_over()  # what the played turn does, with Help still filling
    assert isinstance(app.stack.top, HandoverScreen) and not help_screen.root.visible
    for _ in range(10):
        app.frame(1 / 60)
    app.rebuild_ui()  # F11, a new text size: every screen rebuilt, the covered ones hidden again
    for _ in range(10):
        app.frame(1 / 60)
    assert help_screen.settling  # nothing laid out under the hand-over
    app.stack.pop()
    assert app.stack.top is help_screen
    frames = 0
    while help_screen.settling:
        app.frame(1 / 60)
        frames += 1
        assert frames < 60
    assert help_screen.boxes and all(box.alive() for box in help_screen.boxes)
