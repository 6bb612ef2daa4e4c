"""A scrollable card of rich text the screen draws itself, laid out a few lines at a time.

pygame_gui's text box costs 30-80 ms to build (its rounded shape, its layout twice when a
scroll bar turns out to be needed), all in one call: three of them made the frame that opened
the debrief take 200 ms. A ``TextCard`` reads the same small HTML (``<font color pixel_size>``,
``<b>``, ``<i>``, ``<br>``), wraps and renders it in ``steps`` (one line each, so a screen can
spread them over frames under a budget), draws a placeholder until it is ready (a long text: until
its view is full, so the rest lays out while it is read), and scrolls
with the wheel over it and with the keys the screen passes on.
"""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser

import attrs
import pygame

from game.ui import theme

DEFAULT_COLOUR = (215, 221, 229)
CARD_BG = (18, 24, 32)
CARD_EDGE = (40, 50, 62)
LINE_SPACING = 1.25


@attrs.frozen
class Run:
    """A piece of text in one style."""

    text: str
    colour: tuple[int, int, int]
    style: str  # "regular", "bold" or "italic"
    px: int


class _Parser(HTMLParser):
    """The HTML the screens write, into paragraphs (split at ``<br>``) of styled runs."""

    def __init__(self, px: int) -> None:
        super().__init__(convert_charrefs=True)
        self.paragraphs: list[list[Run]] = [[]]
        self.stack: list[tuple[str, dict]] = [
            ("", {"colour": DEFAULT_COLOUR, "bold": False, "italic": False, "px": px})
        ]

    def handle_starttag(self, tag: str, attrs_: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.paragraphs.append([])
            return
        style = dict(self.stack[-1][1])
        if tag == "b":
            style["bold"] = True
        elif tag == "i":
            style["italic"] = True
        elif tag == "font":
            for key, value in attrs_:
                if key == "color" and value:
                    style["colour"] = theme.hex_rgb(value, style["colour"])
                elif key == "pixel_size" and value:
                    style["px"] = int(value)
        self.stack.append((tag, style))

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data: str) -> None:
        s = self.stack[-1][1]
        style = "bold" if s["bold"] else "italic" if s["italic"] else "regular"
        self.paragraphs[-1].append(Run(data, s["colour"], style, s["px"]))


def parse(html_text: str, px: int) -> list[list[Run]]:
    p = _Parser(px)
    p.feed(html_text)
    p.close()
    return p.paragraphs


class TextCard:
    """Rich text in ``rect``: ``steps`` lay it out, ``draw`` shows it (or a placeholder)."""

    def __init__(self, html_text: str, rect: pygame.Rect, px: int, pad: int, placeholder: str = "Preparing\u2026"):
        self.html_text = html_text
        self.rect = pygame.Rect(rect)
        self.px = px
        self.pad = pad
        self.placeholder = placeholder
        self.lines: list[pygame.Surface] = []
        self.ready = False
        self.scroll = 0
        self._fonts: dict[tuple[str, int], pygame.font.Font] = {}

    def _font(self, style: str, px: int) -> pygame.font.Font:
        key = (style, px)
        if key not in self._fonts:
            self._fonts[key] = theme.font(px, style)
        return self._fonts[key]

    @property
    def inner_w(self) -> int:
        return self.rect.w - 2 * self.pad - 10  # room for the scroll thumb

    def steps(self) -> Iterator[None]:
        """Wrap and render the text, yielding after each line."""
        self.lines, self.ready, self.scroll = [], False, 0
        for para in parse(self.html_text, self.px):
            line: list[tuple[pygame.Surface, int]] = []  # rendered pieces and their x
            x = 0
            height = round(self._font("regular", max((r.px for r in para), default=self.px)).get_linesize())
            for run in para:
                f = self._font(run.style, run.px)
                for word in _words(run.text):
                    w = f.size(word)[0]
                    if x + w > self.inner_w and x > 0 and word.strip():
                        self.lines.append(_line(line, height))
                        yield
                        line, x = [], 0
                        word = word.lstrip()
                        w = f.size(word)[0]
                    if word:
                        line.append((theme.render(f, word, run.colour), x))
                        x += w
            self.lines.append(_line(line, height))
            yield
        self.ready = True

    @property
    def content_h(self) -> int:
        return sum(round(img.get_height() * LINE_SPACING) for img in self.lines)

    @property
    def view_h(self) -> int:
        return self.rect.h - 2 * self.pad

    def scroll_by(self, dy: int) -> None:
        self.scroll = max(0, min(self.scroll + dy, max(0, self.content_h - self.view_h)))

    def handle_wheel(self, event: pygame.event.Event) -> bool:
        """Scroll on the wheel when the mouse is over the card."""
        if event.type == pygame.MOUSEWHEEL and self.rect.collidepoint(pygame.mouse.get_pos()):
            self.scroll_by(-event.y * round(self.px * 3))
            return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        pygame.draw.rect(surface, CARD_BG, self.rect, border_radius=6)
        pygame.draw.rect(surface, CARD_EDGE, self.rect, 1, border_radius=6)
        inner = self.rect.inflate(-2 * self.pad, -2 * self.pad)
        if not self.ready and self.content_h < self.view_h:  # a long text shows once its view is full
            f = self._font("italic", self.px)
            surface.blit(theme.render(f, self.placeholder, theme.TEXT_DIM), inner.topleft)
            return
        old = surface.get_clip()
        surface.set_clip(inner.clip(old) if old else inner)
        y = inner.top - self.scroll
        for img in self.lines:
            step = round(img.get_height() * LINE_SPACING)
            if y + step >= inner.top and y <= inner.bottom:
                surface.blit(img, (inner.left, y))
            y += step
        surface.set_clip(old)
        total = self.content_h
        if total > inner.h:
            thumb_h = max(12, inner.h * inner.h // total)
            top = inner.top + (inner.h - thumb_h) * self.scroll // max(1, total - inner.h)
            track = pygame.Rect(self.rect.right - 9, inner.top, 4, inner.h)
            pygame.draw.rect(surface, (30, 38, 48), track, border_radius=2)
            pygame.draw.rect(surface, theme.TEXT_DIM, pygame.Rect(track.left, top, 4, thumb_h), border_radius=2)


def _words(text: str) -> list[str]:
    """The text in pieces that wrap: each word with the spaces before it."""
    out: list[str] = []
    cur = ""
    for ch in text:
        if ch == " " and cur.strip():
            out.append(cur)
            cur = ""
        cur += ch
    if cur:
        out.append(cur)
    return out


def _line(pieces: list[tuple[pygame.Surface, int]], height: int) -> pygame.Surface:
    """One rendered line from its pieces (an empty line keeps the paragraph's height)."""
    w = max((x + img.get_width() for img, x in pieces), default=1)
    h = max([img.get_height() for img, _x in pieces] + [height])
    line = pygame.Surface((max(1, w), h), pygame.SRCALPHA)
    for img, x in pieces:
        line.blit(img, (x, h - img.get_height()))
    return line
