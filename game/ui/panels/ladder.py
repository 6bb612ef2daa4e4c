"""The ladder panel: where each side stands on the escalation ladder and which thresholds were
crossed (with the selected action's rung previewed), and the indicator bars under it."""

from __future__ import annotations

import pygame

from game.ui import charts, theme
from game.ui.ladder_view import CutText, _fit
from game.ui.panels.base import Panel


class LadderPanel(Panel):
    """Drawn each frame from the session (no widgets); ``rect`` is the ladder, ``indicators_rect`` the bars."""

    def __init__(self, board):
        super().__init__(board)
        self.indicators_rect = pygame.Rect(0, 0, 0, 0)
        self._hover = ""
        self.cut_indicators: list[CutText] = []  # indicator labels drawn cut, with their full text
        self.reading: int | None = None  # which cut name F3 shows whole (by keyboard), if any

    def indicator_columns(self) -> int:
        return 1 if len(self.presenter.indicators()) <= 5 else 2

    def indicators_height(self) -> int:
        s = self.app.s
        n, cols = len(self.presenter.indicators()), self.indicator_columns()
        return s(34) + ((n + cols - 1) // cols) * self._cell_height(cols) + s(4)

    def _label_line(self) -> int:
        return theme.font(self.app.font_px(12)).get_linesize()

    def _value_line(self) -> int:
        return theme.font(self.app.font_px(11), "bold").get_linesize()

    def _cell_height(self, cols: int) -> int:
        """One indicator's height: in one column a row (label, bar, value); in two, the label's
        line over the bar and its value (both lines grow with the text size)."""
        s, line = self.app.s, self._label_line()
        if cols == 1:
            return max(s(26), line + s(6))
        return max(s(34), line + s(2) + self._value_line() + s(3))

    def draw(self, surface) -> None:
        r = self.rect
        pygame.draw.rect(surface, theme.PANEL, r)
        pygame.draw.line(surface, theme.PANEL_EDGE, r.topleft, r.bottomleft)
        sess = self.match.session
        o = self.presenter.selected_option() if not self.presenter.watch else None
        preview = o.rung if o is not None and o.rung else None
        self.board.ladder.draw(surface, r, sess.rungs(), sess.crossed(), preview, self.presenter.seat)
        self.draw_indicators(surface, self.indicators_rect)

    def draw_indicators(self, surface, rect) -> None:
        pygame.draw.rect(surface, theme.PANEL, rect)
        pygame.draw.line(surface, theme.PANEL_EDGE, rect.topleft, rect.topright)
        pygame.draw.line(surface, theme.PANEL_EDGE, rect.topleft, rect.bottomleft)
        s = self.app.s
        f = theme.font(self.app.font_px(12), "bold")
        surface.blit(theme.render(f, "INDICATORS", theme.ACCENT), (rect.left + s(12), rect.top + s(8)))
        fl = theme.font(self.app.font_px(12))
        fv = theme.font(self.app.font_px(11), "bold")
        cols = self.indicator_columns()
        mouse = pygame.mouse.get_pos()
        self._hover = ""
        self.cut_indicators = []
        inner = pygame.Rect(rect.left + s(12), rect.top + s(30), rect.w - s(24), rect.h - s(34))
        gap = s(12)
        cw = (inner.w - gap * (cols - 1)) // cols
        ch = self._cell_height(cols)
        bar_y = self._label_line() + s(2)  # the bar's row, under the label
        value_h = self._value_line()
        for i, (label, value, lo, hi, says) in enumerate(self.presenter.indicators()):
            cx = inner.left + (i % cols) * (cw + gap)
            cy = inner.top + (i // cols) * ch
            cell = pygame.Rect(cx, cy, cw, ch)
            share = (value - lo) / (hi - lo) if hi > lo else 0.0
            vtext = f"{value:.2f}" if hi <= 1.0 else f"{value:g}"
            vimg = theme.render(fv, vtext, theme.TEXT)
            tension = "tension" in label.lower()
            colour = theme.mix((0, 158, 115), (213, 94, 0), share) if tension else (86, 180, 233)
            if cols == 1:
                label_w = int(cw * 0.5)
                shown = _fit(fl, label, label_w - 4)
                surface.blit(theme.render(fl, shown, theme.TEXT_DIM), (cx, cy + s(3)))
                bar_rect = pygame.Rect(cx + label_w, cy + s(8), cw - label_w - s(40), s(10))
                surface.blit(vimg, vimg.get_rect(midright=(cell.right, bar_rect.centery)))
            else:  # the label has the cell's width; the value ends the bar's row
                shown = _fit(fl, label, cw)
                surface.blit(theme.render(fl, shown, theme.TEXT_DIM), (cx, cy))
                row_mid = cy + bar_y + value_h // 2
                surface.blit(vimg, vimg.get_rect(midright=(cell.right, row_mid)))
                bar_w = max(s(10), cw - vimg.get_width() - s(8))
                bar_rect = pygame.Rect(cx, row_mid - s(7) // 2, bar_w, s(7))
            charts.bar(surface, bar_rect, share, colour)
            full = f"{label}: {says}" if says else label
            if shown != label:
                self.cut_indicators.append(CutText(cell, full))
            if cell.collidepoint(mouse):
                self._hover = full
        if self.cut_indicators or self.board.ladder.cut:  # say how the keyboard reads them, where it fits
            hint = theme.render(fl, "F3: names in full", theme.TEXT_FAINT)
            spot = hint.get_rect(topright=(rect.right - s(12), rect.top + s(8)))
            if spot.left > rect.left + s(12) + f.size("INDICATORS")[0] + s(8):
                surface.blit(hint, spot)

    def hover_text(self) -> str:
        return self.board.ladder.hover_text or self._hover

    def cut_texts(self) -> list[CutText]:
        """The ladder's and the indicators' names drawn cut, top to bottom (as last drawn)."""
        return sorted([*self.board.ladder.cut, *self.cut_indicators], key=lambda c: (c.rect.top, c.rect.left))

    def read_next(self, step: int) -> bool:
        """F3 (Shift+F3 back): the next cut name shown whole, as hovering it would (the mouse was the
        only way to read them); False when none is cut."""
        texts = self.cut_texts()
        if not texts:
            self.reading = None
            return False
        start = -1 if step > 0 else 0
        self.reading = ((self.reading if self.reading is not None else start) + step) % len(texts)
        return True

    def read_text(self) -> CutText | None:
        """The cut name F3 shows whole now, if any."""
        texts = self.cut_texts()
        if self.reading is None or not texts:
            return None
        return texts[self.reading % len(texts)]
