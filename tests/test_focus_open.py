"""The ring is on view from the first frame of the load dialog and the settings screen (as on the
Esc menu), and a panel's buttons are each one Tab stop: tests drive the real screen stack."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402
from pygame_gui.elements import UIButton, UIPanel  # noqa: E402

from game.ui import focus  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.screens.base import Screen  # noqa: E402
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
    """One press and release, handled in a frame as the window handles it."""
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=k, mod=mod, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=k, mod=mod, unicode="", scancode=0))
    app.frame(1 / 60)


def ring_on(app, rect: pygame.Rect) -> bool:
    """The ring's colour on the outline around ``rect`` (its top edge, middle)."""
    app.render(1)
    ring = rect.inflate(app.s(6), app.s(6))
    return tuple(app.window.get_at((ring.centerx, ring.top))[:3]) == focus.RING


def test_load_dialog_opens_with_the_ring_on_the_newest_save(app):
    match = Match.start(TUTORIAL, ("aldoria",), 1)
    match.save_as()
    app.open_title()
    app.render(1)
    key(app, pygame.K_l, pygame.KMOD_CTRL)
    dialog = app.stack.top
    assert dialog.name == "load"
    newest = dialog.items[0][0]
    assert dialog.tab_focused() is newest and ring_on(app, pygame.Rect(newest.rect))
    key(app, pygame.K_DOWN)
    assert dialog.tab_focused() is dialog.cancel and ring_on(app, pygame.Rect(dialog.cancel.rect))
    key(app, pygame.K_UP)
    key(app, pygame.K_RETURN)
    assert app.stack.top.name == "board" and app.stack.top.match.scenario.meta.id == match.scenario.meta.id


def test_load_dialog_with_no_saves_opens_with_the_ring_on_cancel(app):
    app.open_title()
    app.render(1)
    key(app, pygame.K_l, pygame.KMOD_CTRL)
    dialog = app.stack.top
    assert dialog.tab_focused() is dialog.cancel and ring_on(app, pygame.Rect(dialog.cancel.rect))
    key(app, pygame.K_RETURN)
    assert app.stack.top.name == "title"


def test_settings_open_with_the_ring_on_the_window_size_in_use_and_keep_it_after_a_change(app):
    from game.ui.screens.settings_screen import SettingsScreen

    app.open_title()
    settings = app.stack.push(SettingsScreen(app))
    in_use = next(b for b, k, v in settings.choices if k == "size" and v == (1280, 720))
    assert settings.tab_focused() is in_use and ring_on(app, pygame.Rect(in_use.rect))
    key(app, pygame.K_DOWN)  # the next option: 1440x810
    key(app, pygame.K_RETURN)
    assert app.settings.size == (1440, 810)
    chosen = settings.tab_focused()
    assert chosen is not None and chosen.is_selected and ring_on(app, pygame.Rect(chosen.rect))


class PanelScreen(Screen):
    """A screen whose buttons sit in a UIPanel (its inner container is in the root's elements too)."""

    name = "panel"

    def build(self) -> None:
        root = self.new_root()
        panel = UIPanel(pygame.Rect(40, 40, 400, 300), manager=self.app.manager, container=root)
        self.buttons = [
            UIButton(pygame.Rect(10, 10 + 60 * i, 200, 40), f"Button {i}", self.app.manager, container=panel)
            for i in range(3)
        ]

    def handle_event(self, event):
        return None if self.focus_key(event) else event

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill((0, 0, 0))


def test_a_panels_buttons_are_one_tab_stop_each(app):
    screen = app.stack.reset(PanelScreen(app))
    app.render(1)
    assert screen.focus_order() == screen.buttons
    assert sorted(row[0] for row in app.state()["buttons"]) == ["Button 0", "Button 1", "Button 2"]
    seen = []
    for _ in range(4):
        key(app, pygame.K_TAB)
        seen.append(screen.tab_focused())
    assert seen == [*screen.buttons, screen.buttons[0]]
    assert ring_on(app, pygame.Rect(screen.buttons[0].rect))
