"""The news panel: every move and chance result of the game, turn by turn, with history beside
it; opened at the last resolved turn's news.

The feed is one text box per turn in a scrolling list, so a new turn lays out only the turns
that changed (the one just resolved and the one now being decided), a box a frame, instead of
the whole game's news at once.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import pygame
from pygame_gui.elements import UIScrollingContainer, UITextBox

from game.ui import news_view, theme
from game.ui.panels.base import Panel

TURN_GAP = "<br><br>"  # what separates two turns in news_view's feed


def visible_chars(text: str) -> int:
    """How many characters of plain text (HTML entities decoded) are not white space."""
    return sum(not c.isspace() for c in html.unescape(text))


def split_feed(feed: str) -> list[str]:
    """The feed's HTML as one self-contained HTML text per turn (each keeps the feed's font)."""
    opening = feed[: feed.index(">") + 1]
    inner = feed[len(opening) : -len("</font>")] if feed.endswith("</font>") else feed[len(opening) :]
    turns = inner.split(TURN_GAP)
    return [f"{opening}{t}{'<br>' if i + 1 < len(turns) else ''}</font>" for i, t in enumerate(turns)]


MIN_NEWS_WIDTH = 240
"""Narrowest news box laid out, before scaling (the scroller clips a wider one)."""


class NewsPanel(Panel):
    """The feed under the map."""

    def __init__(self, board):
        super().__init__(board)
        self.scroller: UIScrollingContainer | None = None
        self.boxes: list[tuple[str, UITextBox]] = []  # (its HTML, the box), oldest turn first

    @property
    def html_text(self) -> str:
        """The whole feed as shown (tests)."""
        return "".join(text for text, _box in self.boxes)

    def inner_rect(self) -> pygame.Rect:
        s = self.app.s
        return self.rect.inflate(-s(16), -s(34)).move(0, s(12))

    def build_steps(self, rect: pygame.Rect) -> Iterator[None]:
        """A new turn in the same place keeps the boxes of the turns that did not change."""
        same = self.container is not None and self.container.alive() and pygame.Rect(rect) == self.rect
        if same and self.scroller is not None:
            yield from self.feed_steps()
        else:
            yield from super().build_steps(rect)

    def widget_steps(self, root) -> Iterator[None]:
        inner = self.inner_rect()
        self.boxes = []
        self.scroller = UIScrollingContainer(inner, self.app.manager, container=root, allow_scroll_x=False)
        yield
        yield from self.feed_steps()

    def feed(self) -> tuple[str, tuple[str, str] | None]:
        sess = self.match.session
        current = None if sess.done or sess.turn > self.match.scenario.calendar.turns else sess.turn
        seats = self.match.seats or self.match.ai_seats
        return news_view.feed_html(
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

    def feed_steps(self) -> Iterator[None]:
        """Lay out the turns whose news changed, a box a step; then scroll to the last resolved turn."""
        scroller = self.scroller
        assert scroller is not None
        text, anchors = self.feed()
        parts = split_feed(text)
        keep = 0
        while keep < min(len(parts), len(self.boxes)) and self.boxes[keep][0] == parts[keep]:
            keep += 1
        for _text, box in self.boxes[keep:]:
            box.kill()
        self.boxes = self.boxes[:keep]
        width = scroller.rect.w - self.app.s(20)
        for part in parts[keep:]:
            y = self.boxes[-1][1].relative_rect.bottom if self.boxes else 0
            box = self._news_box(part, y, width)
            self.boxes.append((part, box))
            yield
        self.scroll_to(anchors)

    def _news_box(self, part: str, y: float, width: int) -> UITextBox:
        """One turn's news. pygame_gui refuses a text whose row cannot fit its width ("Row longer
        than layout", met by the monkey after a settings change at a large scale): then the box is
        laid out wider (the scroller clips it), and past that it says so instead of crashing."""
        manager, scroller = self.app.manager, self.scroller
        # a box only a few glyphs wide makes pygame_gui's layout loop for minutes (monkey seed 524)
        width = max(width, self.app.s(MIN_NEWS_WIDTH))
        for w in (width, max(width, self.app.s(480))):
            try:
                return UITextBox(part, pygame.Rect(0, y, w, -1), manager, container=scroller)
            except RuntimeError:
                continue
        note = "<i>This turn's news cannot be laid out at this window size; widen the window.</i>"
        return UITextBox(note, pygame.Rect(0, y, max(width, self.app.s(480)), -1), manager, container=scroller)

    def height(self) -> int:
        return int(self.boxes[-1][1].relative_rect.bottom) if self.boxes else 0

    def scroll_to(self, anchors: tuple[str, str] | None) -> None:
        """The last resolved turn's news, not the turn being decided: where it starts, or past its
        historical text when that is long; without anchors, the end of the feed."""
        scroller = self.scroller
        assert scroller is not None
        view = scroller.rect.h
        total = max(self.height(), view - 2)
        scroller.set_scrollable_area_dimensions((scroller.rect.w - self.app.s(20), total))
        bar = getattr(scroller, "vert_scroll_bar", None)
        if bar is None:
            return
        if anchors is None:
            bar.set_scroll_from_start_percentage(1.0)
            return
        head, own = (self.row_after(prefix) for prefix in anchors)
        top = head if own - head <= view * 0.4 else own
        bar.set_scroll_from_start_percentage(min(1.0, top / total))

    def scroll_share(self) -> float:
        """How far down the feed is scrolled (0 at the top; tests)."""
        bar = getattr(self.scroller, "vert_scroll_bar", None)
        return float(bar.start_percentage) if bar is not None else 0.0

    def row_after(self, prefix: str) -> int:
        """Where the news after ``prefix`` (a prefix of the feed's HTML) starts in the laid-out
        boxes: found by counting visible characters, which wrapping and boxes do not change."""
        if not prefix:
            return 0
        need = visible_chars(re.sub(r"<[^>]*>", "", prefix))
        seen = 0
        last = 0
        for _text, box in self.boxes:
            layout = getattr(box, "text_box_layout", None)
            top = box.relative_rect.top + (box.padding[1] if hasattr(box, "padding") else 0)
            for row in getattr(layout, "layout_rows", None) or []:
                n = sum(visible_chars(getattr(chunk, "text", None) or "") for chunk in row.items)
                if seen >= need and n:
                    return top + row.y
                seen += n
                last = top + row.y
        return last

    def draw(self, surface) -> None:
        r = self.rect
        pygame.draw.rect(surface, theme.PANEL, r)
        pygame.draw.line(surface, theme.PANEL_EDGE, r.topleft, r.topright)
        f = theme.font(self.app.font_px(12), "bold")
        surface.blit(theme.render(f, "NEWS", theme.ACCENT), (r.left + self.app.s(14), r.top + self.app.s(8)))
