"""Widgets that keep every word readable whatever the text size."""

from __future__ import annotations

from pygame_gui.elements import UILabel


class Label(UILabel):
    """A label never shorter than its text. Heights are laid out with the window's scale, fonts grow
    with the text-size setting as well, so at "Larger" a label's text could be taller than its box
    and pygame_gui cut its top and bottom; the box grows around its centre instead (pygame_gui
    centres the text, so the words stay where they were, now whole)."""

    def __init__(self, relative_rect, text: str, manager=None, container=None, **kwargs):
        super().__init__(relative_rect, text, manager, container=container, **kwargs)
        self._fit_height()

    def set_text(self, text: str, *, text_kwargs=None) -> None:
        super().set_text(text, text_kwargs=text_kwargs)
        self._fit_height()

    def _fit_height(self) -> None:
        if self.font is None:
            return
        need = self.font.size(self.text or " ")[1]
        grow = need - self.relative_rect.h
        if grow > 0:
            self.set_relative_position((self.relative_rect.x, self.relative_rect.y - grow // 2))
            self.set_dimensions((self.relative_rect.w, need))
