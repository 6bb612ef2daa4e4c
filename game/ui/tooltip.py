"""The hover tooltip the views draw by hand (the ladder, the indicators, the reasons an action
is not possible now): the full text of something cut short, on an opaque card.

Drawn by a screen's ``draw_over``, which the app calls after every widget and message, so a
tooltip is the last thing on the window. Sizes come from the one UI scale (game/ui/scale.py).
"""

from __future__ import annotations

import pygame
import pygame_gui

from game.ui import theme
from game.ui.scale import UiScale

BACKGROUND = (10, 13, 18)  # opaque: the board under it never shows through the words
WRAP = 340  # designed line width, before scaling
FONT = 13


def wrap(font: pygame.font.Font, text: str, width: int) -> list[str]:
    """``text`` in lines no wider than ``width`` (a word longer than that gets a line of its own)."""
    lines: list[str] = []
    cur = ""
    for word in text.split():
        trial = f"{cur} {word}".strip()
        if font.size(trial)[0] <= width or not cur:
            cur = trial
        else:
            lines.append(cur)
            cur = word
    if cur:
        lines.append(cur)
    return lines or [""]


def draw_tooltip(surface: pygame.Surface, text: str, scale: UiScale, at: tuple[int, int] | None = None) -> pygame.Rect:
    """Draw ``text`` on a card beside ``at`` (the mouse by default), kept inside the window;
    returns the card."""
    f = theme.font(scale.font_px(FONT))
    window = surface.get_rect()
    pad_x, pad_y = scale.px(10), scale.px(6)
    lines = wrap(f, text, min(scale.px(WRAP), window.w - 2 * pad_x))
    w = max(f.size(line)[0] for line in lines) + 2 * pad_x
    h = len(lines) * f.get_linesize() + 2 * pad_y
    mx, my = at if at is not None else pygame.mouse.get_pos()
    box = pygame.Rect(mx + scale.px(14), my + scale.px(14), w, h)
    if box.right > window.right:  # flip to the left of the pointer rather than cover it
        box.right = mx - scale.px(6)
    box.clamp_ip(window)
    pygame.draw.rect(surface, BACKGROUND, box, border_radius=4)
    pygame.draw.rect(surface, theme.ACCENT, box, 1, border_radius=4)
    y = box.top + pad_y
    for line in lines:
        surface.blit(theme.render(f, line, theme.TEXT), (box.left + pad_x, y))
        y += f.get_linesize()
    return box


def gui_tooltips(manager: pygame_gui.UIManager) -> list[pygame.Rect]:
    """Where pygame_gui shows a widget's tool tip now: what is drawn over the widgets afterwards
    (the hint's outline) must leave them whole (it crossed the End turn tip's words)."""
    return [
        pygame.Rect(sprite.rect)
        for sprite in manager.get_sprite_group().sprites()
        if isinstance(sprite, pygame_gui.elements.UITooltip) and sprite.visible
    ]
