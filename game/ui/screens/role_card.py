"""A seat's role card: its goals, red lines as its government stated them, what it knows and does
not, its options and the others' stated positions. Shown on the briefing when a seat is chosen and
from the Esc menu during play. Each claim the card cites is a numbered note under it (statement, status
in words, sources), so a card written once stays true when a claim's status is revised."""

from __future__ import annotations

import html
import re
import time
from collections.abc import Iterator

import pygame

from game.claim_notes import ClaimNote, Notes
from game.model import Scenario
from game.ui import theme
from game.ui.screens.base import button_pressed
from game.ui.screens.overlay import Overlay
from game.ui.text_card import TextCard

STEP_BUDGET = 0.006
"""Seconds a frame spends laying out the rest of a long card (as the board and the debrief)."""
_DONE = object()

CARD_SECTIONS = (
    ("goals", "WHAT YOU WANT"),
    ("red_lines", "YOUR RED LINES"),
    ("knows", "WHAT YOU KNOW"),
    ("does_not_know", "WHAT YOU DO NOT KNOW"),
    ("options_note", "YOUR OPTIONS"),
    ("others", "WHAT THE OTHERS SAY"),
)
"""The card's fields in reading order, with the heading each gets."""

STATUS_COLOURS = {
    "established": "#009E73",
    "reported": "#56B4E9",
    "contested": "#E69F00",
    "disputed": "#D55E00",
    "unsupported": "#CC79A7",
    "false": "#999999",
}
"""One colour per claim status (Okabe-Ito, safe for colour-blind readers)."""


def badge(status: str) -> str:
    """A claim's status as a tag in its colour (text the briefing's cards lay out line by line)."""
    col = STATUS_COLOURS.get(status, "#999999")
    return f"<font color='{col}'><b>[{html.escape(status.upper())}]</b></font>"


NOTE_MARK = re.compile(r"\[\d+(?:, \d+)*\]")


def card_notes_html(notes: tuple[ClaimNote, ...]) -> str:
    """The notes under a card: each cited claim's statement, its status in words (in its colour)
    and its sources."""
    rows = []
    for n in notes:
        col = STATUS_COLOURS.get(n.status, "#999999")
        src = f"<br><font color='#8a96a4'>Sources: {html.escape('; '.join(n.sources))}</font>" if n.sources else ""
        rows.append(
            f"<br><br><b>[{n.number}]</b> {html.escape(n.statement)} "
            f"<font color='{col}'><b>{html.escape(n.status)}: {html.escape(n.status_means)}</b></font>.{src}"
        )
    return "<br><br><font color='#e8b44c'><b>NOTES: THE CLAIMS THIS CARD CITES</b></font>" + "".join(rows)


def noted_html(text: str, notes: Notes) -> str:
    """The text, escaped, each claim id it cites as a note number (never the id itself)."""
    return NOTE_MARK.sub(lambda m: f"<font color='#8fc3ea'>{m.group(0)}</font>", html.escape(notes.text(text)))


def fallback_card(scenario: Scenario, actor_id: str) -> dict[str, str]:
    """A card built from the actor's description and objectives, for a seat whose author wrote none."""
    actor = scenario.actor(actor_id)
    goals = "; ".join(o.text for o in scenario.objectives if o.actor == actor_id)
    lines = "; ".join(r.name for r in scenario.red_lines if r.owner == actor_id and r.declared)
    return {"goals": goals or actor.description, "red_lines": f"Declared: {lines}." if lines else ""}


def card_fields(scenario: Scenario, actor_id: str) -> list[tuple[str, str]]:
    """(heading, text) for each non-empty field of the seat's card, in reading order."""
    card = scenario.actor(actor_id).role_card
    values = fallback_card(scenario, actor_id) if card.is_empty() else {k: getattr(card, k) for k, _ in CARD_SECTIONS}
    return [(title, values.get(key, "")) for key, title in CARD_SECTIONS if values.get(key, "").strip()]


def role_card_html(scenario: Scenario, actor_id: str, px: int) -> str:
    actor = scenario.actor(actor_id)
    col = theme.hex_of(theme.lighten(theme.actor_colours(scenario).get(actor_id, (200, 200, 200)), 0.3))
    parts = [
        f"<font color='#e8b44c'><b>YOUR ROLE CARD</b></font><br><font color='{col}'><b>"
        f"{html.escape(actor.name)}</b></font>. {html.escape(actor.description)}"
    ]
    notes = Notes(scenario)
    for title, text in card_fields(scenario, actor_id):
        parts.append(f"<br><br><font color='#e8b44c'><b>{title}</b></font><br>{noted_html(text, notes)}")
    if notes.numbers:
        parts.append(card_notes_html(notes.notes()))
    return f"<font pixel_size={px}>" + "".join(parts) + "</font>"


class RoleCardOverlay(Overlay):
    """The seat's role card over the board (from the Esc menu), so a student can reread it mid-game.
    The card is a TextCard drawn over the overlay's panel: what shows is laid out before the first
    frame, the rest (a long card's notes) over the next frames (a text box laid it all out at once)."""

    name = "role_card"
    title = "Your role card (PgUp/PgDn scroll)"
    card_size = (760, 600)

    def __init__(self, app, match):
        super().__init__(app)
        self.match = match
        self._steps: Iterator[None] = iter(())
        self._building = False

    def build_card(self) -> None:
        seat = self.match.viewpoint
        h = self.card.bottom - self.y - self.app.s(64)
        px = self.app.font_px(14)
        if seat:
            text = role_card_html(self.match.scenario, seat, px)
        else:
            text = f"<font pixel_size={px}>You are watching: no seat, no role card.</font>"
        inner = self.body.get_container().get_rect()
        rect = pygame.Rect(inner.left + self.card.left + 14, inner.top + self.y, self.card.w - 28, h)
        self.y += h + self.app.s(8)
        self.text = TextCard(text, rect, px, self.app.s(12))
        self._steps, self._building = self.text.steps(), True
        while self.text.content_h < self.text.view_h and self._step():
            pass
        self.ok = self.add_button("Back to the game (Esc)", cls="@primary", height=38)

    def _step(self) -> bool:
        """One line laid out; False once the card is done."""
        self._building = next(self._steps, _DONE) is not _DONE
        return self._building

    @property
    def settling(self) -> bool:
        return self._building

    def update(self, dt: float) -> None:
        """Lay out the card until this frame's budget is spent; not while covered (see Help's)."""
        if self.paused:
            return
        deadline = time.perf_counter() + STEP_BUDGET
        while self._building and time.perf_counter() < deadline:
            self._step()

    def draw_over(self, surface) -> None:
        self.text.draw(surface)

    def handle_event(self, event):
        if button_pressed(event, self.ok):
            self.close()
            return None
        if self.text.handle_wheel(event):
            return None
        if event.type == pygame.KEYDOWN and event.key in (pygame.K_PAGEUP, pygame.K_PAGEDOWN):
            self.text.scroll_by(self.text.view_h * (1 if event.key == pygame.K_PAGEDOWN else -1))
            return None
        return super().handle_event(event)
