"""The briefing: the short briefing and the seat's role card first; one key (D) away, the full
dossier: the long briefing, the documents point by point, each perspective attributed to who holds it,
the claims with their status (established ... false) and its definition, the sources and the parameters."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator

import pygame
from pygame_gui.elements import UIButton

from game.claim_notes import id_names, readable_ids
from game.claim_status import STATUS_DEFINITIONS
from game.engine import words
from game.ui import theme
from game.ui.screens.base import SCROLL_KEYS, Screen, button_pressed, oid
from game.ui.screens.role_card import STATUS_COLOURS, badge, role_card_html
from game.ui.text_card import TextCard
from game.ui.widgets import Label

__all__ = ["STATUS_COLOURS", "BriefingScreen", "badge", "dossier_html", "situation_html", "views_html"]

STEP_BUDGET = 0.006
"""Seconds a frame spends laying out the rest of the columns (as the board and the debrief)."""
FIRST_FRAME_LINES = 400
"""At most this many lines are laid out before the first frame: enough to fill both views."""

_DONE = object()
"""What ``next`` gives once a run of layout steps is over."""

HEADING = re.compile(r"^([A-Z][A-Z' ]{3,}\.)\s")
"""A paragraph that opens with words in capitals ("WHAT HAPPENED.") gets them as a heading."""


def readable(names: dict[str, str], text: str) -> str:
    """An author's text, escaped, with the ids written in it as a reader names the things."""
    return html.escape(readable_ids(text, names))


def _gold(text: str) -> str:
    return f"<font color='#e8b44c'><b>{text}</b></font>"


def _grey(text: str) -> str:
    return f"<font color='#8a96a4'>{text}</font>"


def paragraphs_html(text: str) -> str:
    """Briefing text as HTML: one paragraph a line, an opening run of capitals in gold."""
    out = []
    for para in text.split("\n"):
        if not para.strip():
            continue
        m = HEADING.match(para)
        if m:
            out.append(_gold(html.escape(m.group(1))) + " " + html.escape(para[m.end() :]))
        else:
            out.append(html.escape(para))
    return "<br><br>".join(out)


def source_refs(scenario, ids) -> str:
    by_id = {s.id: s for s in scenario.meta.sources}
    out = []
    for i in ids:
        s = by_id.get(i)
        if s is None:
            out.append(html.escape(i))
            continue
        bits = [f"<i>{html.escape(s.title)}</i>"]
        if s.publisher:
            bits.append(html.escape(s.publisher))
        if s.date:
            bits.append(html.escape(s.date))
        out.append(", ".join(bits))
    return "; ".join(out)


def _calendar_line(scn) -> str:
    cal = scn.calendar
    invented = " \u00b7 invented countries" if scn.meta.fictional else ""
    return _grey(f"{words.turns_phrase(cal.turns, cal.turn_days)} from {html.escape(cal.start)}{invented}")


def situation_html(match, px: int, seat: str | None) -> str:
    """The left column of the first page: the short briefing (the long one when there is no short one)
    and who you play."""
    scn = match.scenario
    meta = scn.meta
    parts = [_calendar_line(scn) + "<br><br>", paragraphs_html(meta.briefing_short or meta.briefing or meta.summary)]
    if seat:
        a = scn.actor(seat)
        col = theme.hex_of(theme.lighten(theme.actor_colours(scn).get(seat, (200, 200, 200)), 0.3))
        parts.append(
            f"<br><br>{_gold('YOU PLAY')}<br><font color='{col}'><b>"
            f"{html.escape(a.name)}</b></font>. {html.escape(a.description)}"
        )
        objs = [o for o in scn.objectives if o.actor == seat]
        if objs:
            parts.append("<br>Your aim: " + "; ".join(html.escape(o.text) for o in objs) + ".")
    parts.append(
        "<br><br>" + _grey("Press D (or the button below) for the full dossier: perspectives, claims, sources.")
    )
    return f"<font pixel_size={px}>" + "".join(parts) + "</font>"


def others_html(match, seat: str | None) -> str:
    scn = match.scenario
    others = [a for a in scn.actors if a.id != seat]
    if not others:
        return ""
    rows = "".join(f"<br>\u2022 <b>{html.escape(a.name)}</b>: {html.escape(a.description)}" for a in others)
    return f"<br><br>{_gold('THE OTHER SIDES')}{rows}"


def card_column_html(match, px: int, seat: str | None) -> str:
    """The right column of the first page: the seat's role card, then the other sides."""
    if seat:
        body = role_card_html(match.scenario, seat, px)
        return body[: -len("</font>")] + others_html(match, seat) + "</font>"
    return f"<font pixel_size={px}>{_gold('YOU ARE WATCHING')}{others_html(match, None)}</font>"


def documents_html(scn) -> str:
    """Each document: who wrote it and when, what it argues, and each point with the claims that
    check it and their statuses."""
    meta = scn.meta
    claims = {c.id: c for c in meta.claims}
    names = id_names(scn)
    parts = []
    for doc in meta.documents:
        byline = _grey(f"{html.escape(doc.author)}, {html.escape(doc.date)} \u00b7 {source_refs(scn, [doc.source])}")
        parts.append(
            f"<br><br>{_gold('DOCUMENT')} {_grey(html.escape(doc.kind))}<br><b>{html.escape(doc.title)}</b><br>"
            f"{byline}"
            f"<br>{readable(names, doc.summary)}"
        )
        for n, point in enumerate(doc.points, 1):
            quote = f" <i>\u201c{html.escape(point.quote)}\u201d</i>" if point.quote else ""
            parts.append(f"<br><br><b>{n}.</b> {readable(names, point.says)}{quote}")
            for cid in point.claims:
                c = claims.get(cid)
                if c is not None:
                    parts.append(f"<br>\u2003{badge(c.status)} {readable(names, c.statement)}")
            if not point.claims:
                parts.append("<br>\u2003" + _grey("an opinion: no claim checks it"))
    return "".join(parts)


def dossier_html(match, px: int) -> str:
    """The left column of the dossier: the full briefing, what the scenario teaches, the documents."""
    scn = match.scenario
    meta = scn.meta
    parts = [_calendar_line(scn), "<br><br>", _gold("THE FULL BRIEFING"), "<br>"]
    parts.append(paragraphs_html(meta.briefing or meta.briefing_short or meta.summary))
    if meta.objectives:
        parts.append("<br><br>" + _gold("WHAT THIS SCENARIO TEACHES"))
        for o in meta.objectives:
            parts.append(f"<br>\u2022 {html.escape(o)}")
    parts.append(documents_html(scn))
    return f"<font pixel_size={px}>" + "".join(parts) + "</font>"


def glossary_html() -> str:
    rows = "".join(f"<br>{badge(status)} {html.escape(text)}" for status, text in STATUS_DEFINITIONS.items())
    return f"{_gold('WHAT EACH STATUS MEANS')}{rows}"


def views_html(match, px: int) -> str:
    """The right column of the dossier: perspectives, the status glossary, claims, parameters, sources."""
    scn = match.scenario
    meta = scn.meta
    names = id_names(scn)
    parts = []
    if meta.perspectives:
        parts.append(_gold("PERSPECTIVES") + " " + _grey("each in its holders' terms; the game takes no side"))
        for p in meta.perspectives:
            src = f"<br>{_grey('Source: ' + source_refs(scn, p.sources))}" if p.sources else ""
            parts.append(f"<br><br><b>{html.escape(p.holder)}</b><br>\u201c{readable(names, p.view)}\u201d{src}")
    if meta.claims:
        parts.append("<br><br>" + glossary_html())
        parts.append("<br><br>" + _gold("CLAIMS AND THEIR STATUS"))
        for c in meta.claims:
            src = f"<br>{_grey('Sources: ' + source_refs(scn, c.sources))}" if c.sources else ""
            note = f"<br><font color='#b4bec9'><i>{readable(names, c.note)}</i></font>" if c.note else ""
            parts.append(f"<br><br>{badge(c.status)}  {readable(names, c.statement)}{note}{src}")
    params = [p for p in scn.params if p.claim]
    if params:
        parts.append("<br><br>" + _gold("WHERE THE VIEWS DISAGREE, THE GAME HAS A PARAMETER"))
        for p in params:
            lo, hi = p.range
            parts.append(
                f"<br>\u2022 {readable(names, p.says)} "
                + _grey(
                    f"Here {p.value:g}, on a scale from {lo:g} to {hi:g} (the teacher's setting {html.escape(p.id)})."
                )
            )
    if meta.sources:
        parts.append("<br><br>" + _gold("SOURCES"))
        for s in meta.sources:
            where = ", ".join(html.escape(x) for x in (s.publisher, s.date) if x)
            url = f" {_grey(html.escape(s.url))}" if s.url else ""
            parts.append(f"<br>\u2022 <i>{html.escape(s.title)}</i>{', ' + where if where else ''}{url}")
    return f"<font pixel_size={px}>" + "".join(parts) + "</font>"


def first_views_then_rest(cards: list[TextCard]) -> Iterator[None]:
    """Steps that lay out each card until its view is full, then the rest of each: what a reader
    sees first is ready first."""
    runs = [card.steps() for card in cards]
    for card, run in zip(cards, runs):
        while card.content_h < card.view_h and next(run, _DONE) is not _DONE:
            yield
    for run in runs:
        yield from run


class BriefingScreen(Screen):
    """Two pages: the briefing (short briefing, role card) and the dossier (everything else).

    D or the Dossier button switches pages (Esc on the dossier goes back to the briefing); Left/Right
    pick a column, Up/Down/PgUp/PgDn scroll it.
    The columns are text cards laid out a line at a time: the first frame lays out what each column
    shows, later frames the rest under a budget (the ATACMS dossier as pygame_gui text boxes took
    3.6 s to open at load 3, all in one frame)."""

    name = "briefing"
    opaque = True

    def __init__(self, app, match):
        super().__init__(app)
        self.match = match
        self.page = "briefing"
        self._steps: Iterator[None] = iter(())
        self._building = False

    def build(self) -> None:
        root = self.new_root(layer=5)
        m, s = self.app.manager, self.app.s
        w, h = self.app.size
        scn = self.match.scenario
        pad = s(36)
        heading = "BRIEFING" if self.page == "briefing" else "BRIEFING \u00b7 THE FULL DOSSIER"
        Label(pygame.Rect(pad, s(20), w - 2 * pad, s(22)), heading, m, container=root, object_id=oid("@heading"))
        # a long title in a narrow window takes the subtitle's size rather than losing its last letters
        big = theme.font(self.app.font_px(30), "bold")
        style = "@title" if theme.size(big, scn.meta.title)[0] <= w - 2 * pad - s(12) else "@subtitle"
        Label(pygame.Rect(pad, s(42), w - 2 * pad, s(44)), scn.meta.title, m, container=root, object_id=oid(style))
        top = s(100)
        bottom = h - s(80)
        gap = s(20)
        col_w = (w - 2 * pad - gap) // 2
        seat = self.match.viewpoint
        if self.page == "briefing":
            left = situation_html(self.match, self.app.font_px(15), seat)
            right = card_column_html(self.match, self.app.font_px(14), seat)
        else:
            left = dossier_html(self.match, self.app.font_px(14))
            right = views_html(self.match, self.app.font_px(14))
        px, card_pad = self.app.font_px(14), s(12)
        self.left = TextCard(left, pygame.Rect(pad, top, col_w, bottom - top), px, card_pad)
        self.right = TextCard(right, pygame.Rect(pad + col_w + gap, top, col_w, bottom - top), px, card_pad)
        self._steps = first_views_then_rest([self.left, self.right])
        self._building = True
        for _ in zip(range(FIRST_FRAME_LINES), self._steps):
            if self.left.content_h >= self.left.view_h and self.right.content_h >= self.right.view_h:
                break
        self.column = self.left  # the column Up/Down scroll
        self.column_picked = False  # Left/Right pressed: the ring moves from the Enter button to the column
        bw = s(300)
        self.go = UIButton(
            pygame.Rect(w - pad - bw, h - s(64), bw, s(44)),
            "To the map (Enter)",
            m,
            container=root,
            object_id=oid("@primary"),
            tool_tip_text="Open the board; F1 there shows the keys. Here: Left/Right pick a column, Up/Down scroll it",
        )
        self.back = UIButton(
            pygame.Rect(pad, h - s(64), s(200), s(44)), "Back to the title", m, container=root, object_id=oid("@tool")
        )
        dw = s(260)
        label = "Full dossier (D)" if self.page == "briefing" else "Short briefing (D)"
        tip = (
            "Perspectives, documents, every claim with its status, sources and parameters"
            if self.page == "briefing"
            else "Back to the short briefing and your role card"
        )
        self.switch = UIButton(
            pygame.Rect((w - dw) // 2, h - s(64), dw, s(44)),
            label,
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text=tip,
        )

    def show_page(self, page: str) -> None:
        """Switch between the short briefing and the dossier (the widgets are rebuilt)."""
        self.page = page
        self.relayout()

    def handle_event(self, event):
        if button_pressed(event, self.go) or (
            event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER)
        ):
            self.app.stack.pop()
            if len(self.match.seats) > 1:
                board = self.app.stack.top
                if hasattr(board, "hand_over"):
                    board.hand_over()
            return None
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and self.page == "dossier":
            self.show_page("briefing")  # Esc goes back a page, as on every overlay: not to the title
            return None
        if button_pressed(event, self.back) or (event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE):
            self.app.open_title(preselect=self.match.path, seed=self.match.seed)
            return None
        if button_pressed(event, self.switch) or (event.type == pygame.KEYDOWN and event.key == pygame.K_d):
            self.show_page("dossier" if self.page == "briefing" else "briefing")
            return None
        if self.left.handle_wheel(event) or self.right.handle_wheel(event):
            return None
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_LEFT, pygame.K_RIGHT):
            self.column = self.left if event.key == pygame.K_LEFT else self.right
            self.column_picked = True
        elif event.type == pygame.KEYDOWN and event.key in SCROLL_KEYS:
            self.scroll(self.column, SCROLL_KEYS[event.key])
        return None

    def scroll(self, card: TextCard, views: float) -> None:
        """Scroll a column by a share of its view (keyboard: Left/Right pick it, Up/Down/PgUp/PgDn scroll)."""
        card.scroll_by(round(views * card.view_h))

    @property
    def settling(self) -> bool:
        return self._building

    def update(self, dt: float) -> None:
        """Lay out the rest of the columns until this frame's budget is spent; not while covered
        (widgets made then would show over Help's card, or fail in a hidden screen)."""
        if self.paused:
            return
        deadline = time.perf_counter() + STEP_BUDGET
        while self._building and time.perf_counter() < deadline:
            if next(self._steps, _DONE) is _DONE:
                self._building = False

    def draw(self, surface) -> None:
        surface.fill(theme.BG)
        pygame.draw.rect(surface, theme.ACCENT, pygame.Rect(0, 0, self.app.size[0], 3))
        self.left.draw(surface)
        self.right.draw(surface)

    def focus_rect(self) -> pygame.Rect | None:
        """The button Enter presses, or the column Left/Right picked for scrolling (Enter still
        opens the map)."""
        return pygame.Rect(self.column.rect if self.column_picked else self.go.rect)

    def state(self) -> dict:
        return {"screen": self.name, "scenario": self.match.scenario.meta.id, "page": self.page}
