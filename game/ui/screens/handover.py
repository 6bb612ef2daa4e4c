"""Hot-seat handover: an opaque screen between two players, so none sees another's choice."""

from __future__ import annotations

import html

import pygame
from pygame_gui.elements import UIButton

from game.engine import words
from game.ui import theme
from game.ui.screens.base import Screen, button_pressed, oid
from game.ui.widgets import Label, text_box


class HandoverScreen(Screen):
    name = "handover"
    opaque = True

    def __init__(self, app, match, next_seat: str, note: str = ""):
        super().__init__(app)
        self.match = match
        self.next_seat = next_seat
        self.note = note

    def build(self) -> None:
        root = self.new_root(layer=30)
        m, s = self.app.manager, self.app.s
        w, h = self.app.size
        name = self.match.actor_name(self.next_seat)
        cw = min(s(640), w - 80)
        x = (w - cw) // 2
        y = h // 2 - s(110)
        turn = min(self.match.session.turn, self.match.scenario.calendar.turns)
        Label(pygame.Rect(x, y, cw, s(30)), f"TURN {turn}", m, container=root, object_id=oid("@heading"))
        whose = f"{words.possessive(name, start=True)} turn"
        Label(pygame.Rect(x, y + s(32), cw, s(48)), whose, m, container=root, object_id=oid("@title"))
        who = words.subject(name)
        if self.match.pending:  # a player has chosen this turn
            hidden = "The other player's choice stays hidden."
        else:
            hidden = "No one has chosen yet; each choice stays hidden."
        text = self.note or f"Pass the computer to the player of {who}. {hidden}"
        px = self.app.font_px(12)
        two_lines = 2 * round(theme.font(px).get_linesize() * 1.25) + 12  # the text box's spacing and padding
        note = pygame.Rect(x, y + s(80), cw, max(s(56), two_lines))
        box = text_box(  # wraps: with Larger text the note is longer than one line
            self.app, f"<font color='#9aa6b4' pixel_size={px}>{html.escape(text)}</font>", note, root, px
        )
        inset = box.shadow_width + box.border_width["left"] + box.padding[0]
        box.set_relative_position((x - inset, note.top))  # its text starts under the title's
        self.go = UIButton(
            pygame.Rect(x, max(y + s(140), note.bottom + s(4)), cw, s(48)),
            f"I am {words.possessive(name)} player \u2014 show my board (Enter)",
            m,
            container=root,
            object_id=oid("@primary"),
        )

    def handle_event(self, event):
        if button_pressed(event, self.go) or (
            event.type == pygame.KEYDOWN and event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE)
        ):
            self.app.stack.pop()
            return None
        return None

    def draw(self, surface) -> None:
        w, h = self.app.size
        surface.fill((9, 12, 16))
        col = self.app_colour()
        pygame.draw.rect(surface, col, pygame.Rect(0, 0, w, 6))

    def app_colour(self):
        return theme.actor_colours(self.match.scenario, self.app.settings.palette).get(self.next_seat, theme.ACCENT)

    def focus_rect(self) -> pygame.Rect | None:
        """The button Enter presses."""
        return pygame.Rect(self.go.rect)

    def state(self) -> dict:
        return {"screen": self.name, "seat": self.next_seat}
