"""Overlays over another screen: a dimmed backdrop and a centred card of widgets.

The backdrop is a pygame_gui panel on a high layer, so it covers (and blocks clicks on)
the widgets of the screen below, which keeps being drawn. Escape closes an overlay.
"""

from __future__ import annotations

import pygame
from pygame_gui.core import UIContainer
from pygame_gui.elements import UIButton, UIImage, UIPanel, UITextBox

from game.ui.rounded_card import rounded_card
from game.ui.screens.base import Screen, oid
from game.ui.widgets import Label, text_box

CARD_THEME = ["@overlay", "panel"]  # the theme entry of the overlays' card


class Overlay(Screen):
    """A modal card over the screen below."""

    name = "overlay"
    opaque = False
    modal = True
    title = ""
    card_size = (560, 420)

    def build(self) -> None:
        depth = len(self.app.stack.screens)
        root = self.new_root(layer=10 + 8 * depth)
        w, h = self.app.size
        UIPanel(
            pygame.Rect(0, 0, w, h),
            starting_height=1,
            manager=self.app.manager,
            container=root,
            object_id=oid("@backdrop"),
        )
        cw = min(self.app.s(self.card_size[0]), w - 40)
        ch = min(self.app.s(self.card_size[1]), h - 40)
        screen_card = pygame.Rect((w - cw) // 2, (h - ch) // 2, cw, ch)
        self.body = self.card_panel(screen_card, root)
        # widgets go inside the card panel, in card coordinates
        self.card = pygame.Rect(0, 0, cw - 4, ch - 4)
        self.y = self.card.top + self.app.s(14)
        if self.title:
            Label(
                pygame.Rect(self.card.left + 20, self.y, cw - 40, self.app.s(34)),
                self.title,
                self.app.manager,
                container=self.body,
                object_id=oid("@subtitle"),
            )
            self.y += self.app.s(42)
        self.build_card()

    def card_panel(self, rect: pygame.Rect, root) -> UIContainer:
        """The card the widgets go in: the theme's @overlay panel drawn by ``rounded_card`` (a few ms;
        pygame_gui's rounded panel took 100-290 ms of the frame the overlay opens in), under a
        container inside its border (widgets in card coordinates)."""
        theme = self.app.manager.get_theme()
        border = theme.get_misc_data("border_width", CARD_THEME)
        width = int(border["left"]) if isinstance(border, dict) else int(border)
        radius = int(theme.get_misc_data("shape_corner_radius", CARD_THEME))
        fill, edge = (theme.get_colour(c, CARD_THEME) for c in ("dark_bg", "normal_border"))
        self.card_image = UIImage(
            rect,
            rounded_card(rect.size, radius, width, fill, edge),
            self.app.manager,
            container=root,
            starting_height=2,
        )
        return UIContainer(rect.inflate(-2 * width, -2 * width), self.app.manager, container=root, starting_height=3)

    def build_card(self) -> None:
        pass

    # helpers for subclasses
    def add_button(
        self,
        text: str,
        tooltip: str | None = None,
        cls: str = "@tool",
        height: int = 36,
        width: int | None = None,
        x: int | None = None,
    ) -> UIButton:
        w = width or (self.card.w - 40)
        b = UIButton(
            pygame.Rect(x if x is not None else self.card.left + 20, self.y, w, self.app.s(height)),
            text,
            self.app.manager,
            container=self.body,
            tool_tip_text=tooltip,
            object_id=oid(cls),
        )
        if x is None or x + w >= self.card.right - 30:
            self.y += self.app.s(height) + self.app.s(8)
        return b

    def add_text(self, html: str, height: int) -> UITextBox:
        box = text_box(self.app, html, pygame.Rect(self.card.left + 14, self.y, self.card.w - 28, height), self.body)
        self.y += height + self.app.s(8)
        return box

    def handle_event(self, event):
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.close()
            return None
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_UP, pygame.K_DOWN):
            # in a card of buttons the arrows move the focus ring, as Tab and Shift+Tab do
            shift = pygame.KMOD_SHIFT if event.key == pygame.K_UP else 0
            self.focus_key(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_TAB, mod=shift, unicode="", scancode=0))
            return None
        return event if not self.modal else None

    def close(self) -> None:
        if self.app.stack.top is self:
            self.app.stack.pop()
        else:
            self.app.stack.remove(self)

    def draw(self, surface) -> None:
        pass
