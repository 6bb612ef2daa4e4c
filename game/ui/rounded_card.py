"""A rounded card drawn with ``pygame.draw``, anti-aliased at its four corners only.

pygame_gui draws a rounded panel by drawing the whole of it four times larger and scaling it
down, and caches no surface over 40,000 pixels: the help card's panel took 100 ms of CPU at
1280x720 and 290 ms at 1920x1080, every time it opened. Here the straight parts are drawn at
their size and only a corner's square is drawn four times larger: the same look in a few ms.
"""

from __future__ import annotations

import pygame

SUPERSAMPLE = 4


def _draw(surface: pygame.Surface, rect: pygame.Rect, radius: int, border: int, fill, edge) -> None:
    """A rounded rectangle: ``edge`` for the border, ``fill`` inside (pixels set, not blended)."""
    pygame.draw.rect(surface, edge, rect, border_radius=radius)
    inner = rect.inflate(-2 * border, -2 * border)
    if inner.w > 0 and inner.h > 0:
        pygame.draw.rect(surface, fill, inner, border_radius=radius)  # as pygame_gui: the inside as round


def rounded_card(
    size: tuple[int, int], radius: int, border: int, fill: pygame.Color, edge: pygame.Color
) -> pygame.Surface:
    """A card of ``size`` with an ``edge`` border ``border`` pixels wide and ``fill`` inside
    (both may be translucent), its corners of ``radius`` pixels anti-aliased."""
    w, h = size
    card = pygame.Surface((w, h), pygame.SRCALPHA)
    _draw(card, card.get_rect(), radius, border, fill, edge)
    c = min(radius + border, w // 2, h // 2)  # the corner square, its border and inner curve included
    if c <= 0:
        return card
    k = SUPERSAMPLE
    big = pygame.Surface((2 * c * k, 2 * c * k), pygame.SRCALPHA)
    big.fill((edge.r, edge.g, edge.b, 0))  # the scaled-down edge fades out in its own colour
    _draw(big, big.get_rect(), radius * k, border * k, fill, edge)
    corners = pygame.transform.smoothscale(big, (2 * c, 2 * c))
    for sx, sy in ((0, 0), (1, 0), (0, 1), (1, 1)):
        area = pygame.Rect(sx * c, sy * c, c, c)
        at = (w - c if sx else 0, h - c if sy else 0)
        card.fill((0, 0, 0, 0), pygame.Rect(at, (c, c)))
        card.blit(corners, at, area, special_flags=pygame.BLEND_RGBA_ADD)  # onto nothing: a copy
    return card
