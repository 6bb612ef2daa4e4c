"""The news panel: every move and chance result of the game, turn by turn, with history beside
it; opened at the last resolved turn's news."""

from __future__ import annotations

import html
import re

import pygame
from pygame_gui.elements import UITextBox

from game.ui import news_view, theme
from game.ui.panels.base import Panel


def visible_chars(text: str) -> int:
    """How many characters of plain text (HTML entities decoded) are not white space."""
    return sum(not c.isspace() for c in html.unescape(text))


class NewsPanel(Panel):
    """The feed under the map."""

    def __init__(self, board):
        super().__init__(board)
        self.box: UITextBox | None = None
        self._events_seen = -1

    def build_widgets(self, root) -> None:
        s = self.app.s
        self.box = UITextBox("", self.rect.inflate(-s(16), -s(34)).move(0, s(12)), self.app.manager, container=root)
        self._events_seen = -1
        self.refresh()

    def refresh(self) -> None:
        """Lay out the feed again when there are new events; scroll to the last resolved turn."""
        n = len(self.match.session.events)
        if n == self._events_seen:
            return
        self._events_seen = n
        sess = self.match.session
        current = None if sess.done or sess.turn > self.match.scenario.calendar.turns else sess.turn
        seats = self.match.seats or self.match.ai_seats
        text, anchors = news_view.feed_html(
            sess.events,
            self.match.scenario,
            self.board.colours,
            self.app.instructor,
            self.match.seats,
            self.app.font_px(13),
            rules=self.match.rules,
            current_turn=current,
            history_seats=tuple(seats) if seats else None,
            anchor=True,
            watching=self.presenter.watch,
        )
        self.box.set_text(text)
        top = None
        if anchors is not None:
            # the last resolved turn's news, not the turn being decided: scroll to where it starts,
            # or past its historical text when that is long
            head, own = (self.row_after(prefix) for prefix in anchors)
            view = self.box.text_wrap_rect[3]
            top = head if own - head <= view * 0.4 else own
        bar = getattr(self.box, "scroll_bar", None)
        if bar is not None:
            total = self.height()
            if top is None or total <= 0:
                bar.set_scroll_from_start_percentage(1.0)
            else:
                bar.set_scroll_from_start_percentage(min(1.0, top / total))

    def row_after(self, prefix: str) -> int:
        """Where the news after ``prefix`` (a prefix of the news' HTML) starts in the laid-out
        text: found by counting visible characters, which wrapping does not change (one layout
        of the whole feed instead of one per prefix)."""
        if not prefix:
            return 0
        need = visible_chars(re.sub(r"<[^>]*>", "", prefix))
        layout = getattr(self.box, "text_box_layout", None)
        rows = getattr(layout, "layout_rows", None) or []
        seen = 0
        for row in rows:
            n = sum(visible_chars(getattr(chunk, "text", None) or "") for chunk in row.items)
            if seen >= need and n:
                return row.y
            seen += n
        return rows[-1].y if rows else 0

    def height(self) -> int:
        layout = getattr(self.box, "text_box_layout", None)
        return layout.layout_rect.height if layout is not None else 0

    def draw(self, surface) -> None:
        r = self.rect
        pygame.draw.rect(surface, theme.PANEL, r)
        pygame.draw.line(surface, theme.PANEL_EDGE, r.topleft, r.topright)
        f = theme.font(self.app.font_px(12), "bold")
        surface.blit(theme.render(f, "NEWS", theme.ACCENT), (r.left + self.app.s(14), r.top + self.app.s(8)))
