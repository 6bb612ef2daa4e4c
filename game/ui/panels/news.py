"""The news panel: every move and chance result of the game, turn by turn, with history beside
it; opened at the last resolved turn's news.

The feed is laid out as small text boxes in a scrolling list, a few lines of one turn each,
stacked so their rows fall where one box of the whole feed would put them. A new turn lays out
only the turns that changed (the one just resolved and the one now being decided), a box a
step: pygame_gui lays a box out in one call, and a long turn's news in one box (the ATACMS and
Cuba turns with their history text) took 10-19 ms, most of a frame.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator

import attrs
import pygame
from pygame_gui.elements import UIScrollingContainer, UITextBox

from game.ui import news_view, theme
from game.ui.panels.base import Panel

TURN_GAP = "<br><br>"  # what separates two turns in news_view's feed
BLOCK_CHARS = 240
"""Visible characters of news in one box, about 2 ms of pygame_gui layout at 1280x720 (a single
longer line, a turn's history text, is one box of its own)."""
CANNOT_LAY_OUT = "<i>This turn's news cannot be laid out at this window size; widen the window.</i>"

_TAG = re.compile(r"<(/?)([a-zA-Z]+)[^>]*>")
_VOID_TAGS = {"br"}


def visible_chars(text: str) -> int:
    """How many characters of plain text (HTML entities decoded) are not white space."""
    return sum(not c.isspace() for c in html.unescape(text))


def feed_font(feed: str) -> tuple[str, str]:
    """The feed's opening font tag and its HTML inside it."""
    opening = feed[: feed.index(">") + 1]
    inner = feed[len(opening) : -len("</font>")] if feed.endswith("</font>") else feed[len(opening) :]
    return opening, inner


def top_level_lines(text: str) -> list[str]:
    """``text`` cut at each ``<br>`` outside every tag (a ``<br>`` inside a ``<font>`` or ``<b>``
    stays in its line, so each line is self-contained HTML)."""
    lines, depth, start = [], 0, 0
    for m in _TAG.finditer(text):
        name = m.group(2).lower()
        if name in _VOID_TAGS:
            if depth == 0:
                lines.append(text[start : m.start()])
                start = m.end()
        elif m.group(1):
            depth = max(0, depth - 1)
        elif not m.group(0).endswith("/>"):
            depth += 1
    lines.append(text[start:])
    return lines


def split_turn(text: str, limit: int = BLOCK_CHARS) -> list[str]:
    """A turn's HTML (inside the feed's font) as blocks of whole paragraphs of at most about
    ``limit`` visible characters, joined back by ``<br>``. A paragraph is a line with text and
    the indented or empty lines after it (a red line's reasons, an AI's weights): never cut."""
    paragraphs: list[list[str]] = []
    for line in top_level_lines(text):
        if paragraphs and (not line or line[0].isspace()):
            paragraphs[-1].append(line)
        else:
            paragraphs.append([line])
    blocks: list[list[str]] = []
    size = limit + 1
    for lines in paragraphs:
        n = sum(visible_chars(_TAG.sub("", line)) for line in lines)
        if blocks and size + n <= limit:
            blocks[-1].extend(lines)
            size += n
        else:
            blocks.append(list(lines))
            size = n
    return ["<br>".join(lines) for lines in blocks]


def feed_blocks(feed: str, limit: int = BLOCK_CHARS) -> list[list[str]]:
    """The feed as self-contained HTML blocks (each in the feed's font), grouped by turn, oldest
    first; a turn that another follows ends with an empty line, the gap between turns."""
    opening, inner = feed_font(feed)
    turns = inner.split(TURN_GAP)
    out = []
    for i, turn in enumerate(turns):
        blocks = split_turn(turn + ("<br>" if i + 1 < len(turns) else ""), limit)
        out.append([f"{opening}{b}</font>" for b in blocks])
    return out


def row_below(box: UITextBox) -> int:
    """Where a text box stacked under ``box`` goes so that its first row is one line below
    ``box``'s last row, where one box of both texts would put it (no padding between them)."""
    rows = getattr(getattr(box, "text_box_layout", None), "layout_rows", None)
    if not rows:
        return int(box.relative_rect.bottom)
    last = rows[-1]
    return int(box.relative_rect.top + last.y + last.line_spacing_height)


@attrs.frozen(eq=False)
class NewsBlock:
    """One laid-out box of the feed: ``html`` is the part of the feed it shows (the key that
    tells whether a new turn changed it), ``turn`` its turn's place in the feed (0: oldest)."""

    turn: int
    html: str
    box: UITextBox


MIN_NEWS_WIDTH = 240
"""Narrowest news box laid out, before scaling (the scroller clips a wider one)."""


class NewsPanel(Panel):
    """The feed under the map."""

    def __init__(self, board):
        super().__init__(board)
        self.scroller: UIScrollingContainer | None = None
        self.blocks: list[NewsBlock] = []  # in reading order, oldest turn first

    @property
    def html_text(self) -> str:
        """The whole feed as shown (tests)."""
        return "".join(block.html for block in self.blocks)

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
        self.blocks = []
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
        """Lay out the blocks whose news changed, a box a step; then scroll to the last resolved turn."""
        scroller = self.scroller
        assert scroller is not None
        text, anchors = self.feed()
        wanted = [(turn, part) for turn, parts in enumerate(feed_blocks(text)) for part in parts]
        keep = 0
        for block, (turn, part) in zip(self.blocks, wanted, strict=False):
            if (block.turn, block.html) != (turn, part):
                break
            keep += 1
        for block in self.blocks[keep:]:
            block.box.kill()
        self.blocks = self.blocks[:keep]
        width = scroller.rect.w - self.app.s(20)
        refused = -1  # a turn whose news could not be laid out: one note for it, not one a block
        for turn, part in wanted[keep:]:
            if turn == refused:
                continue
            box = self._news_box(part, self.next_top(), width)
            if box is None:
                refused, part = turn, CANNOT_LAY_OUT
                box = self._note_box(self.next_top(), width)
            self.blocks.append(NewsBlock(turn, part, box))
            yield
        self.scroll_to(anchors)

    def next_top(self) -> int:
        return row_below(self.blocks[-1].box) if self.blocks else 0

    def _news_box(self, part: str, y: float, width: int) -> UITextBox | None:
        """One block of news, or None where it cannot be laid out. pygame_gui refuses a text whose
        row cannot fit its width ("Row longer than layout", met by the monkey after a settings
        change at a large scale): then the box is laid out wider (the scroller clips it)."""
        manager, scroller = self.app.manager, self.scroller
        # a box only a few glyphs wide makes pygame_gui's layout loop for minutes (monkey seed 524)
        width = max(width, self.app.s(MIN_NEWS_WIDTH))
        for w in (width, max(width, self.app.s(480))):
            try:
                return UITextBox(part, pygame.Rect(0, y, w, -1), manager, container=scroller)
            except RuntimeError:
                continue
        return None

    def _note_box(self, y: float, width: int) -> UITextBox:
        """In place of a turn's news that cannot be laid out: says so instead of crashing."""
        rect = pygame.Rect(0, y, max(width, self.app.s(480)), -1)
        return UITextBox(CANNOT_LAY_OUT, rect, self.app.manager, container=self.scroller)

    def height(self) -> int:
        return int(self.blocks[-1].box.relative_rect.bottom) if self.blocks else 0

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
        for block in self.blocks:
            box = block.box
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
