"""Widgets that keep every word readable whatever the text size."""

from __future__ import annotations

import warnings
from collections.abc import Callable

import pygame
from pygame_gui.elements import UILabel, UITextBox

from game.ui.ladder_view import _fit


class Label(UILabel):
    """A label never shorter than its text. Heights are laid out with the window's scale, fonts grow
    with the text-size setting as well, so at "Larger" a label's text could be taller than its box
    and pygame_gui cut its top and bottom; the box grows around its centre instead (pygame_gui
    centres the text, so the words stay where they were, now whole)."""

    def __init__(self, relative_rect, text: str, manager=None, container=None, **kwargs):
        self._then_fit(lambda: super(Label, self).__init__(relative_rect, text, manager, container=container, **kwargs))

    def set_text(self, text: str, *, text_kwargs=None) -> None:
        self._then_fit(lambda: super(Label, self).set_text(text, text_kwargs=text_kwargs))

    def set_text_cut(self, text: str, width: int) -> str:
        """Show ``text`` cut with an ellipsis to ``width`` pixels, measured with the font the label
        draws with (the theme's size can differ from ``font_px`` by a pixel); returns what shows."""
        shown = _fit(self.font, text, width) if self.font is not None else text
        self.set_text(shown)
        return shown

    def _then_fit(self, build: Callable[[], None]) -> None:
        """Build, then grow the box; pygame_gui's "Label Rect is too small" warning is passed on
        only when the text still does not fit (its height is fitted here, so the warning it gives
        before was noise: 175 of them in a test run hid any that mattered)."""
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            build()
        self._fit_height()
        w, h = self.font.size(self.text or " ") if self.font is not None else (0, 0)
        if w <= self.relative_rect.w and h <= self.relative_rect.h:
            caught = [c for c in caught if "Label Rect is too small" not in str(c.message)]
        for c in caught:
            warnings.warn_explicit(c.message, c.category, c.filename, c.lineno)

    def _fit_height(self) -> None:
        if self.font is None:
            return
        need = self.font.size(self.text or " ")[1]
        grow = need - self.relative_rect.h
        if grow > 0:
            self.set_relative_position((self.relative_rect.x, self.relative_rect.y - grow // 2))
            self.set_dimensions((self.relative_rect.w, need))


MIN_TEXT_BOX_EMS = 12
"""A text box is never narrower than this many times its font size: pygame_gui's layout of a box a
few glyphs wide raises 'Row longer than layout' or loops for minutes (the window froze; at 21 px
text, 60 and 80 px wide looped, 100 px took 50 ms). The smallest window with the largest text
made layouts that narrow."""


def text_box(app, html: str, rect: pygame.Rect, container=None, px: int | None = None, **kwargs) -> UITextBox:
    """A UITextBox in ``rect`` widened to at least MIN_TEXT_BOX_EMS ems of ``px`` (the box's text
    size; default the body text, 14 px scaled) and at least two lines tall (a height of -1, which
    fits the text, is kept); never wider than the window. Every text box whose width comes from a
    layout is made here."""
    em = px or app.font_px(14)
    box = pygame.Rect(rect)
    box.w = min(max(box.w, MIN_TEXT_BOX_EMS * em), app.size[0])
    if box.h != -1:
        box.h = max(box.h, 2 * em)
    return UITextBox(html, box, app.manager, container=container, **kwargs)
