"""The escalation ladder beside the map: rungs bottom to top, thresholds, each actor's place.

Rungs carry their Kahn (1965) number where the scenario names one. A threshold is a line
between the rung below it and the rung it guards; once crossed it turns solid and says
who crossed it first, and in which turn. Each actor's marker (its colour, its initial,
a distinct shape per actor) stands on the highest rung it has taken.
"""

from __future__ import annotations

import math

import attrs
import pygame

from game.ui import theme

MARKER_SHAPES = ("circle", "square", "diamond", "triangle", "hexagon")
BAND_SHARE = 0.75  # a threshold band's height, as a share of a rung row's


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
        img = theme.render(font, letter, (10, 10, 10) if lum > 140 else (255, 255, 255))
        surface.blit(img, img.get_rect(center=(x, y + 1)))


@attrs.frozen
class CutText:
    """A name drawn cut with an ellipsis: where it is, and its full text (what hovering it shows)."""

    rect: pygame.Rect
    text: str


class LadderView:
    """Draws the ladder into a rect; ``hover_text`` tells what is under the mouse."""

    def __init__(self, scenario, colours: dict, font_scale: float = 1.0):
        self.scenario = scenario
        self.colours = colours
        self.fs = font_scale
        self.rect = pygame.Rect(0, 0, 240, 400)
        self.row_rects: list[pygame.Rect] = []
        self.hover_text = ""
        self.cut: list[CutText] = []

    def marker_letter(self, actor) -> str:
        """One letter, or the initials of a multi-word name when first letters collide."""
        firsts = [a.name[:1].upper() for a in self.scenario.actors]
        letter = actor.name[:1].upper()
        if firsts.count(letter) > 1:
            words = [w for w in actor.name.replace("'s", "").split() if w[:1].isalpha()]
            if len(words) > 1:
                return (words[0][:1] + words[1][:1]).upper()
        return letter

    def marker_shape(self, actor_id: str) -> str:
        ids = [a.id for a in self.scenario.actors]
        return MARKER_SHAPES[ids.index(actor_id) % len(MARKER_SHAPES)] if actor_id in ids else "circle"

    def draw(
        self,
        surface,
        rect: pygame.Rect,
        rungs: dict[str, int],
        crossed: dict,
        preview: int | None = None,
        seat: str | None = None,
    ) -> None:
        self.rect = pygame.Rect(rect)
        ladder = self.scenario.ladder
        n = len(ladder.rungs)
        fs = self.fs
        f_title = theme.font(round(12 * fs), "bold")
        surface.blit(theme.render(f_title, "ESCALATION LADDER", theme.ACCENT), (rect.left + 12, rect.top + 8))
        top = rect.top + round(30 * fs)
        bottom = rect.bottom - 6
        # thresholds sit in their own bands between the rows they separate
        bands: dict[int, list] = {}
        for th in ladder.thresholds:
            idx = next((j for j, r in enumerate(ladder.rungs) if r.id == th.below), None)
            if idx is not None:
                bands.setdefault(idx + 1, []).append(th)
        n_bands = sum(len(v) for v in bands.values())
        # a threshold band is 3/4 of a row: rows and bands shrink together, so a long ladder
        # with many thresholds keeps rung names as readable as the threshold names
        avail = bottom - top
        row_h = min(round(44 * fs), avail / ((n + 1) + BAND_SHARE * n_bands))
        band_h = max(12, min(round(17 * fs), round(row_h * BAND_SHARE)))
        row_h = max(12.0, min(round(44 * fs), (avail - n_bands * band_h) / (n + 1)))
        name_px = min(round(13 * fs), max(9, int(row_h * 0.6)))
        f_name = theme.font(name_px)
        f_name_b = theme.font(name_px, "bold")
        f_small = theme.font(max(8, min(round(10 * fs), int(row_h * 0.45))), "bold")
        f_thr = theme.font(max(8, min(round(11 * fs), band_h - 4, name_px)), "italic")
        marker_font = theme.font(max(8, min(round(11 * fs), int(row_h * 0.5))), "bold")
        actors = list(self.scenario.actors)
        marker_w = max(14, min(round(22 * fs), int(row_h)))
        badge_w = max(round(20 * fs), f_small.size(str(n))[0] + round(8 * fs))  # the widest rung number fits
        self.row_rects = []
        mouse = pygame.mouse.get_pos()
        self.hover_text = ""
        self.cut = []  # the names drawn cut, with their full text: F3 reads them (LadderPanel)
        used = (n + 1) * row_h + n_bands * band_h
        y = top + used  # top-aligned when the rows are at their largest
        for i in range(n + 1):
            y -= row_h
            row = pygame.Rect(rect.left + 8, round(y) + 1, rect.w - 16, max(8, round(row_h) - 2))
            self.row_rects.append(row)
            self._draw_row(
                surface,
                row,
                i,
                rungs,
                preview,
                seat,
                actors,
                fonts=(f_name, f_name_b, f_small, marker_font),
                marker_w=marker_w,
                badge_w=badge_w,
                mouse=mouse,
            )
            for th in bands.get(i + 1, []):
                y -= band_h
                band = pygame.Rect(rect.left + 8, round(y), rect.w - 16, band_h)
                self._draw_band(surface, band, th, crossed.get(th.id), actors, f_thr, mouse)

    def _draw_row(self, surface, row, i, rungs, preview, seat, actors, fonts, marker_w, badge_w, mouse) -> None:
        f_name, f_name_b, f_small, marker_font = fonts
        ladder = self.scenario.ladder
        n = len(ladder.rungs)
        occupied = [a for a in actors if rungs.get(a.id, 0) == i]
        rung = ladder.rungs[i - 1] if i else None
        if i and preview == i:
            pygame.draw.rect(surface, (58, 47, 23), row, border_radius=4)
            pygame.draw.rect(surface, theme.ACCENT, row, 1, border_radius=4)
        else:
            pygame.draw.rect(surface, (30, 39, 50) if occupied else (22, 29, 38), row, border_radius=4)
        heat = i / max(n, 1)
        strip = pygame.Rect(row.left, row.top, 4, row.h)
        pygame.draw.rect(
            surface,
            theme.mix((0, 158, 115), (213, 94, 0), heat) if i else theme.PANEL_EDGE,
            strip,
            border_top_left_radius=4,
            border_bottom_left_radius=4,
        )
        markers_x0 = row.right - 4 - marker_w * len(occupied)
        if rung is not None:
            badge = pygame.Rect(row.left + 10, 0, badge_w, min(row.h - 2, round(16 * self.fs)))
            badge.centery = row.centery
            # the scenario's own rung number, as the decision panel and the debrief say it
            pygame.draw.rect(surface, (44, 54, 68), badge, border_radius=3)
            t = theme.render(f_small, str(i), (190, 200, 212))
            surface.blit(t, t.get_rect(center=badge.center))
            font = f_name_b if occupied or preview == i else f_name
            name = _fit(font, rung.name, markers_x0 - badge.right - 12)
            colour = theme.TEXT if occupied or preview == i else (176, 186, 198)
            img = theme.render(font, name, colour)
            surface.blit(img, (badge.right + 7, row.centery - img.get_height() // 2))
            kahn = f" (on Herman Kahn's ladder: rung {rung.kahn})" if rung.kahn else ""
            desc = f": {rung.description}" if rung.description else ""
            full = f"Rung {i}, {rung.name}{kahn}{desc}"
            if name != rung.name:
                self.cut.append(CutText(pygame.Rect(row), full))
            if row.collidepoint(mouse):
                self.hover_text = full
        else:
            label = _fit(f_name, "No move yet", markers_x0 - (row.left + 10 + badge_w + 7) - 4)
            img = theme.render(f_name, label, theme.TEXT_FAINT)
            surface.blit(img, (row.left + 10 + badge_w + 7, row.centery - img.get_height() // 2))
        for k, a in enumerate(occupied):
            x = markers_x0 + marker_w * k + marker_w / 2
            col = self.colours.get(a.id, (200, 200, 200))
            r = min(8 * self.fs, row.h / 2 - 2)
            if a.id == seat:
                pygame.draw.circle(surface, (255, 255, 255), (x, row.centery), r + 3, 1)
            draw_marker(
                surface,
                self.marker_shape(a.id),
                x,
                row.centery,
                r,
                col,
                self.marker_letter(a),
                marker_font if len(self.marker_letter(a)) == 1 else self._small_marker_font(marker_font),
            )
            if pygame.Rect(x - marker_w / 2, row.top, marker_w, row.h).collidepoint(mouse):
                self.hover_text = f"{a.name} stands on this rung (its highest so far)"

    @staticmethod
    def _small_marker_font(font):
        return theme.font(max(7, font.get_height() * 2 // 3), "bold")

    def _draw_band(self, surface, band, th, info, actors, font, mouse) -> None:
        y = band.centery
        if info:
            who, turn = info
            col = theme.DANGER
            pygame.draw.line(surface, col, (band.left, y), (band.right, y), 2)
            name = next((a.name for a in actors if a.id == who), who)
            label = f"{name} crossed (turn {turn}): {th.name}"
        else:
            col = (150, 160, 172)
            _dashed(surface, col, (band.left, y), (band.right, y))
            label = th.name
        label = _fit(font, label, band.w - 24)
        img = theme.render(font, label, (255, 214, 190) if info else (196, 204, 214))
        box = img.get_rect(midleft=(band.left + 12, y))
        bg = box.inflate(10, 0)
        bg.h = band.h - 2
        bg.centery = y
        pygame.draw.rect(surface, (60, 26, 10) if info else (14, 19, 26), bg, border_radius=3)
        pygame.draw.rect(surface, col, bg, 1, border_radius=3)
        surface.blit(img, box)
        crossed = f" Crossed first by {name} in turn {info[1]}." if info else " Not crossed yet."
        full = f"Threshold: {th.name}. {th.description}{crossed}".replace("  ", " ")
        if label.endswith("\u2026"):
            self.cut.append(CutText(pygame.Rect(band), full))
        if band.collidepoint(mouse):
            self.hover_text = full


def _fit(font, text: str, width: int) -> str:
    """``text`` cut with an ellipsis to fit ``width`` pixels (binary search on the length)."""
    key = (font, text, width)
    hit = _FIT_CACHE.get(key)
    if hit is not None:
        return hit
    out = _fit_uncached(font, text, width)
    if len(_FIT_CACHE) > 4000:
        _FIT_CACHE.clear()
    _FIT_CACHE[key] = out
    return out


_FIT_CACHE: dict = {}


def _fit_uncached(font, text: str, width: int) -> str:
    if font.size(text)[0] <= width:
        return text
    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if font.size(text[:mid].rstrip() + "\u2026")[0] <= width:
            lo = mid
        else:
            hi = mid - 1
    return text[:lo].rstrip() + "\u2026"


def _dashed(surface, colour, a, b, dash: int = 6) -> None:
    (x0, y0), (x1, _y1) = a, b
    x = x0
    while x < x1:
        pygame.draw.line(surface, colour, (x, y0), (min(x + dash, x1), y0), 1)
        x += dash * 2
