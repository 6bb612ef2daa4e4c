"""An arrow press on the title rebuilds the scenario's card: pygame_gui drew it as a large rounded
rectangle, 0.3 s a card at 1920x1080 (two cards a press: the title froze 0.7 s, and keys pressed
meanwhile queued up and acted later). The text cards are square-cornered, which pygame_gui draws
at once: no rounded shape is drawn for a card on an arrow press."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pygame  # noqa: E402
from pygame_gui.core.drawable_shapes import rounded_rect_drawable_shape  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.settings import Settings  # noqa: E402


def test_an_arrow_press_on_the_title_draws_no_large_rounded_card(tmp_path, monkeypatch):
    from game.ui.screens.title import TitleScreen

    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    app = App(Settings(), (1920, 1080), fixed_size=True)
    try:
        title = app.stack.reset(TitleScreen(app))
        app.render(2)
        sizes: list[tuple[int, int]] = []
        shape = rounded_rect_drawable_shape.RoundedRectangleShape
        init = shape.__init__

        def recording(self, containing_rect, *args, **kwargs):
            sizes.append(pygame.Rect(containing_rect).size)
            init(self, containing_rect, *args, **kwargs)

        monkeypatch.setattr(shape, "__init__", recording)
        app.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_DOWN, mod=0, unicode="", scancode=0))
        app.render(1)
        assert title.entry.stem == "atacms_2024"
        assert [s for s in sizes if s[0] * s[1] > 200_000] == []
    finally:
        pygame.display.quit()
