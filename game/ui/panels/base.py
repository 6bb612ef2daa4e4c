"""What every board panel has: the board, the app, the presenter, its rectangle and its own
widget container (so a panel is rebuilt without touching the others)."""

from __future__ import annotations

from collections.abc import Iterator

import pygame
from pygame_gui.core import UIContainer


class Panel:
    """One part of the board. ``build`` (re)creates its widgets in ``rect``; drawing is per frame."""

    def __init__(self, board):
        self.board = board
        self.app = board.app
        self.presenter = board.presenter
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.container: UIContainer | None = None

    @property
    def match(self):
        return self.presenter.match

    def build(self, rect: pygame.Rect) -> None:
        """New widgets for ``rect`` (window coordinates), replacing the panel's old ones."""
        for _step in self.build_steps(rect):
            pass

    def build_steps(self, rect: pygame.Rect) -> Iterator[None]:
        """``build`` in steps of a few widgets each (the board spreads them over frames)."""
        self.kill()
        self.rect = pygame.Rect(rect)
        w, h = self.app.size
        self.container = UIContainer(pygame.Rect(0, 0, w, h), self.app.manager, container=self.board.root)
        yield from self.widget_steps(self.container)

    def widget_steps(self, container: UIContainer) -> Iterator[None]:
        """Create the panel's widgets inside ``container`` (window coordinates), yielding between
        groups of them; by default in one step, ``build_widgets``."""
        self.build_widgets(container)
        yield

    def build_widgets(self, container: UIContainer) -> None:  # noqa: B027 - panels without widgets draw only
        """Create the panel's widgets inside ``container`` (window coordinates)."""

    def kill(self) -> None:
        if self.container is not None:
            if self.container.alive():  # not already killed with the board's root
                self.container.kill()
            self.container = None

    def draw(self, surface: pygame.Surface) -> None:  # noqa: B027 - optional hook
        """Draw what is not a widget, under the widgets."""

    def hover_text(self) -> str:
        """The full text of what the mouse is over, for the board's tooltip ('' for none)."""
        return ""
