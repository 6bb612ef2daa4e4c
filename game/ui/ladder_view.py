"""The escalation ladder beside the map: rungs bottom to top, thresholds, each actor's place.

Rungs carry their Kahn (1965) number where the scenario names one. A threshold is a line
between the rung below it and the rung it guards; once crossed it turns solid and says
who crossed it first, and in which turn. Each actor's marker (its colour, its initial,
a distinct shape per actor) stands on the highest rung it has taken.
"""

from __future__ import annotations

import math

import pygame

from game.ui import theme

MARKER_SHAPES = ("circle", "square", "diamond", "triangle", "hexagon")


def draw_marker(surface, shape: str, x: float, y: float, r: float, colour, letter: str = "", font=None) -> None:
    edge = (8, 10, 14)
    if shape == "square":
        pts = [(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)]
    elif shape == "diamond":
        pts = [(x, y - r * 1.3), (x + r * 1.3, y), (x, y + r * 1.3), (x - r * 1.3, y)]
    elif shape == "triangle":
        pts = [(x, y - r * 1.3), (x + r * 1.2, y + r), (x - r * 1.2, y + r)]
    elif shape == "hexagon":
        pts = [(x + r * 1.15 * math.cos(i * math.pi / 3), y + r * 1.15 * math.sin(i * math.pi / 3)) for i in range(6)]
    else:
        pts = None
    if pts is None:
        pygame.draw.circle(surface, edge, (x, y), r + 2)
        pygame.draw.circle(surface, colour, (x, y), r)
    else:
        pygame.draw.polygon(surface, edge, pts, 0)
        pygame.draw.polygon(surface, colour, pts, 0)
        pygame.draw.polygon(surface, edge, pts, 1)
    if letter and font is not None:
        lum = 0.299 * colour[0] + 0.587 * colour[1] + 0.114 * colour[2]
        img = font.render(letter, True, (10, 10, 10) if lum > 140 else (255, 255, 255))
        surface.blit(img, img.get_rect(center=(x, y + 1)))


class LadderView:
    """Draws the ladder into a rect; ``hover_text`` tells what is under the mouse."""

    def __init__(self, scenario, colours: dict, font_scale: float = 1.0):
        self.scenario = scenario
        self.colours = colours
        self.fs = font_scale
        self.rect = pygame.Rect(0, 0, 240, 400)
        self.row_rects: list[pygame.Rect] = []
        self.hover_text = ""

    def marker_shape(self, actor_id: str) -> str:
        ids = [a.id for a in self.scenario.actors]
        return MARKER_SHAPES[ids.index(actor_id) % len(MARKER_SHAPES)] if actor_id in ids else "circle"

    def draw(self, surface, rect: pygame.Rect, rungs: dict[str, int], crossed: dict, preview: int | None = None,
             seat: str | None = None) -> None:
        self.rect = pygame.Rect(rect)
        ladder = self.scenario.ladder
        n = len(ladder.rungs)
        fs = self.fs
        title_h = round(26 * fs)
        f_title = theme.font(round(12 * fs), "bold")
        surface.blit(f_title.render("ESCALATION LADDER", True, theme.ACCENT), (rect.left + 12, rect.top + 8))
        top = rect.top + title_h + 6
        bottom = rect.bottom - 8
        row_h = (bottom - top) / (n + 1)
        f_name = theme.font(round(13 * fs))
        f_name_b = theme.font(round(13 * fs), "bold")
        f_small = theme.font(round(10 * fs), "bold")
        f_thr = theme.font(round(11 * fs), "italic")
        marker_font = theme.font(round(11 * fs), "bold")
        actors = list(self.scenario.actors)
        marker_w = round(22 * fs)
        markers_x0 = rect.right - 10 - marker_w * len(actors)
        badge_w = round(32 * fs)
        self.row_rects = []
        mouse = pygame.mouse.get_pos()
        self.hover_text = ""
        # rows (index 0 = "no rung yet" at the bottom)
        for i in range(n + 1):
            y0 = bottom - (i + 1) * row_h
            row = pygame.Rect(rect.left + 8, round(y0) + 2, rect.w - 16, round(row_h) - 4)
            self.row_rects.append(row)
            occupied = [a for a in actors if rungs.get(a.id, 0) == i]
            rung = ladder.rungs[i - 1] if i else None
            if i and preview == i:
                pygame.draw.rect(surface, (58, 47, 23), row, border_radius=4)
                pygame.draw.rect(surface, theme.ACCENT, row, 1, border_radius=4)
            elif occupied:
                pygame.draw.rect(surface, (30, 39, 50), row, border_radius=4)
            else:
                pygame.draw.rect(surface, (22, 29, 38), row, border_radius=4)
            heat = i / max(n, 1)
            strip = pygame.Rect(row.left, row.top, 4, row.h)
            pygame.draw.rect(surface, theme.mix((0, 158, 115), (213, 94, 0), heat) if i else theme.PANEL_EDGE, strip,
                             border_top_left_radius=4, border_bottom_left_radius=4)
            if rung is not None:
                badge = pygame.Rect(row.left + 10, 0, badge_w, round(16 * fs))
                badge.centery = row.centery
                if rung.kahn:
                    pygame.draw.rect(surface, (44, 54, 68), badge, border_radius=3)
                    t = f_small.render(f"K{rung.kahn}", True, (190, 200, 212))
                    surface.blit(t, t.get_rect(center=badge.center))
                name = rung.name
                font = f_name_b if occupied or preview == i else f_name
                avail = markers_x0 - badge.right - 14
                name = _fit(font, name, avail)
                colour = theme.TEXT if occupied or preview == i else (176, 186, 198)
                img = font.render(name, True, colour)
                surface.blit(img, (badge.right + 8, row.centery - img.get_height() // 2))
                if row.collidepoint(mouse):
                    kahn = f" (Kahn's rung {rung.kahn})" if rung.kahn else ""
                    self.hover_text = f"{rung.name}{kahn}: {rung.description}".strip().rstrip(":")
            else:
                img = f_name.render("No move yet", True, theme.TEXT_FAINT)
                surface.blit(img, (row.left + 10 + badge_w + 8, row.centery - img.get_height() // 2))
            for k, a in enumerate(actors):
                if rungs.get(a.id, 0) != i:
                    continue
                x = markers_x0 + marker_w * k + marker_w / 2
                col = self.colours.get(a.id, (200, 200, 200))
                r = 8 * fs
                if a.id == seat:
                    pygame.draw.circle(surface, (255, 255, 255), (x, row.centery), r + 4, 1)
                draw_marker(surface, self.marker_shape(a.id), x, row.centery, r, col, a.name[:1], marker_font)
        # thresholds
        for th in ladder.thresholds:
            idx = next((j for j, r in enumerate(ladder.rungs) if r.id == th.below), None)
            if idx is None:
                continue
            rung_no = idx + 1                       # the rung just above the line
            y = bottom - rung_no * row_h            # boundary between rung_no - 1 and rung_no
            info = crossed.get(th.id)
            x0, x1 = rect.left + 8, rect.right - 8
            if info:
                who, turn = info
                col = theme.DANGER
                pygame.draw.line(surface, col, (x0, y), (x1, y), 2)
                name = next((a.name for a in actors if a.id == who), who)
                label = f"{th.name} \u2014 crossed by {name}, turn {turn}"
            else:
                col = (150, 160, 172)
                _dashed(surface, col, (x0, y), (x1, y))
                label = th.name
            label = _fit(f_thr, label, rect.w - 40)
            img = f_thr.render(label, True, theme.lighten(col, 0.25) if info else (190, 198, 208))
            box = img.get_rect(midleft=(x0 + 14, y))
            bg = box.inflate(10, 2)
            pygame.draw.rect(surface, (14, 19, 26), bg, border_radius=3)
            pygame.draw.rect(surface, col, bg, 1, border_radius=3)
            surface.blit(img, box)
            if bg.collidepoint(mouse):
                self.hover_text = f"Threshold: {th.name}. {th.description}".strip()


def _fit(font, text: str, width: int) -> str:
    if font.size(text)[0] <= width:
        return text
    while text and font.size(text + "\u2026")[0] > width:
        text = text[:-1]
    return text + "\u2026"


def _dashed(surface, colour, a, b, dash: int = 6) -> None:
    (x0, y0), (x1, _y1) = a, b
    x = x0
    while x < x1:
        pygame.draw.line(surface, colour, (x, y0), (min(x + dash, x1), y0), 1)
        x += dash * 2
