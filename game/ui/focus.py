"""The keyboard focus ring: what Enter, Space or the arrow keys act on, outlined on every screen.

A screen says where its focus is (``Screen.focus_rect``: the selected scenario on the title,
the selected action on the board, the button Enter presses elsewhere); the app draws the ring
over the widgets and under tooltips, sized by the one UI scale.
"""

from __future__ import annotations

import pygame
import pygame_gui

from game.ui import theme
from game.ui.scale import UiScale

RING = (255, 214, 120)  # lighter than the accent, so a ring shows on a selected (accent) button


def draw_ring(surface: pygame.Surface, rect: pygame.Rect | None, scale: UiScale) -> None:
    """Outline ``rect`` (nothing when it is None or empty)."""
    if rect is None or rect.w <= 0 or rect.h <= 0:
        return
    ring = rect.inflate(scale.px(6), scale.px(6))
    pygame.draw.rect(surface, theme.BG, ring.inflate(2, 2), max(1, scale.px(1)), border_radius=scale.px(7))
    pygame.draw.rect(surface, RING, ring, max(2, scale.px(2)), border_radius=scale.px(6))


def gui_focus(manager: pygame_gui.UIManager, root=None) -> pygame.Rect | None:
    """The rect of the visible button or text field pygame_gui has focused (last clicked), if any; with
    ``root``, only one inside it (the title's Settings button stays focused under the Settings card)."""
    for el in manager.get_focus_set() or ():
        kind = isinstance(el, (pygame_gui.elements.UIButton, pygame_gui.elements.UITextEntryLine))
        if kind and el.visible and (root is None or inside(el, root)):
            return pygame.Rect(el.rect)
    return None


def inside(element, root) -> bool:
    """Whether ``element`` sits in ``root`` (through any number of panels and containers)."""
    container, seen = getattr(element, "ui_container", None), set()
    while container is not None and id(container) not in seen:
        if container is root:
            return True
        seen.add(id(container))
        container = getattr(container, "ui_container", None)
    return False


def visible_part(rect: pygame.Rect, within: pygame.Rect | None) -> pygame.Rect | None:
    """``rect`` clipped to ``within`` (a scrolled list's view), or None when none of it shows."""
    if within is None:
        return rect
    part = rect.clip(within)
    return part if part.h >= rect.h // 2 else None
