"""The briefing: the situation, the learning objectives, each perspective attributed to who
holds it, and the claims with their status (established ... disputed) and sources."""

from __future__ import annotations

import html

import pygame
from pygame_gui.elements import UIButton, UILabel, UITextBox

from game.engine import words
from game.ui import theme
from game.ui.screens.base import SCROLL_KEYS, Screen, button_pressed, oid

STATUS_COLOURS = {
    "established": "#009E73",
    "reported": "#56B4E9",
    "contested": "#E69F00",
    "disputed": "#D55E00",
    "unsupported": "#CC79A7",
    "false": "#999999",
}


def badge(status: str) -> str:
    col = STATUS_COLOURS.get(status, "#999999")
    return f"<body bgcolor='{col}'><font color='#0b0f14'><b> {html.escape(status.upper())} </b></font></body>"


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


def situation_html(match, px: int, seat: str | None) -> str:
    scn = match.scenario
    meta = scn.meta
    cal = scn.calendar
    invented = " \u00b7 invented countries" if meta.fictional else ""
    parts = [
        f"<font color='#9aa6b4'>{words.turns_phrase(cal.turns, cal.turn_days)} from {html.escape(cal.start)}"
        f"{invented}</font><br><br>"
    ]
    parts.append(html.escape(meta.briefing or meta.summary).replace("\n", "<br>"))
    if seat:
        a = scn.actor(seat)
        col = theme.hex_of(theme.lighten(theme.actor_colours(scn).get(seat, (200, 200, 200)), 0.3))
        parts.append(
            f"<br><br><font color='#e8b44c'><b>YOU PLAY</b></font><br><font color='{col}'><b>"
            f"{html.escape(a.name)}</b></font>. {html.escape(a.description)}"
        )
        objs = [o for o in scn.objectives if o.actor == seat]
        if objs:
            parts.append("<br>Your aim: " + "; ".join(html.escape(o.text) for o in objs) + ".")
    if meta.objectives:
        parts.append("<br><br><font color='#e8b44c'><b>WHAT THIS SCENARIO TEACHES</b></font>")
        for o in meta.objectives:
            parts.append(f"<br>\u2022 {html.escape(o)}")
    others = [a for a in scn.actors if a.id != seat]
    if others:
        parts.append("<br><br><font color='#e8b44c'><b>THE OTHER SIDES</b></font>")
        for a in others:
            parts.append(f"<br>\u2022 <b>{html.escape(a.name)}</b>: {html.escape(a.description)}")
    return f"<font pixel_size={px}>" + "".join(parts) + "</font>"


def views_html(match, px: int) -> str:
    scn = match.scenario
    meta = scn.meta
    parts = []
    if meta.perspectives:
        parts.append(
            "<font color='#e8b44c'><b>PERSPECTIVES</b></font> <font color='#8a96a4'>each in its holders' "
            "terms; the game takes no side</font>"
        )
        for p in meta.perspectives:
            src = f"<br><font color='#8a96a4'>Source: {source_refs(scn, p.sources)}</font>" if p.sources else ""
            parts.append(f"<br><br><b>{html.escape(p.holder)}</b><br>\u201c{html.escape(p.view)}\u201d{src}")
    if meta.claims:
        parts.append("<br><br><font color='#e8b44c'><b>CLAIMS AND THEIR STATUS</b></font>")
        for c in meta.claims:
            src = f"<br><font color='#8a96a4'>Sources: {source_refs(scn, c.sources)}</font>" if c.sources else ""
            note = f"<br><font color='#b4bec9'><i>{html.escape(c.note)}</i></font>" if c.note else ""
            parts.append(f"<br><br>{badge(c.status)}  {html.escape(c.statement)}{note}{src}")
    params = [p for p in scn.params if p.claim]
    if params:
        parts.append("<br><br><font color='#e8b44c'><b>WHERE THE VIEWS DISAGREE, THE GAME HAS A PARAMETER</b></font>")
        for p in params:
            parts.append(f"<br>\u2022 <b>{html.escape(p.id)}</b> = {p.value:g}: {html.escape(p.says)}")
    return f"<font pixel_size={px}>" + "".join(parts) + "</font>"


class BriefingScreen(Screen):
    name = "briefing"
    opaque = True

    def __init__(self, app, match):
        super().__init__(app)
        self.match = match

    def build(self) -> None:
        root = self.new_root(layer=5)
        m, s = self.app.manager, self.app.s
        w, h = self.app.size
        scn = self.match.scenario
        pad = s(36)
        UILabel(pygame.Rect(pad, s(20), w - 2 * pad, s(22)), "BRIEFING", m, container=root, object_id=oid("@heading"))
        UILabel(pygame.Rect(pad, s(42), w - 2 * pad, s(44)), scn.meta.title, m, container=root, object_id=oid("@title"))
        top = s(100)
        bottom = h - s(80)
        gap = s(20)
        col_w = (w - 2 * pad - gap) // 2
        seat = self.match.viewpoint
        self.left = UITextBox(
            situation_html(self.match, self.app.font_px(15), seat),
            pygame.Rect(pad, top, col_w, bottom - top),
            m,
            container=root,
            object_id=oid("@card_text"),
        )
        self.right = UITextBox(
            views_html(self.match, self.app.font_px(14)),
            pygame.Rect(pad + col_w + gap, top, col_w, bottom - top),
            m,
            container=root,
            object_id=oid("@card_text"),
        )
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
        if button_pressed(event, self.back) or (event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE):
            self.app.open_title(preselect=self.match.path, seed=self.match.seed)
            return None
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_LEFT, pygame.K_RIGHT):
            self.column = self.left if event.key == pygame.K_LEFT else self.right
            self.column_picked = True
        elif event.type == pygame.KEYDOWN and event.key in SCROLL_KEYS:
            self.scroll(self.column, SCROLL_KEYS[event.key])
        return None

    def scroll(self, box: UITextBox, views: float) -> None:
        """Scroll a column by a share of its view (keyboard: Left/Right pick it, Up/Down/PgUp/PgDn scroll)."""
        bar = box.scroll_bar
        if bar is None:
            return
        step = views * bar.visible_percentage
        bar.set_scroll_from_start_percentage(min(max(bar.start_percentage + step, 0.0), 1.0 - bar.visible_percentage))

    def draw(self, surface) -> None:
        surface.fill(theme.BG)
        pygame.draw.rect(surface, theme.ACCENT, pygame.Rect(0, 0, self.app.size[0], 3))

    def focus_rect(self) -> pygame.Rect | None:
        """The button Enter presses, or the column Left/Right picked for scrolling (Enter still
        opens the map)."""
        return pygame.Rect(self.column.rect if self.column_picked else self.go.rect)

    def state(self) -> dict:
        return {"screen": self.name, "scenario": self.match.scenario.meta.id}
