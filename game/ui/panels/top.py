"""The board's top bar: the scenario, the date and turn, the seat being played, Instructor, help, Menu."""

from __future__ import annotations

from collections.abc import Iterator

import pygame
from pygame_gui.elements import UIButton

from game.ui import theme
from game.ui.panels.base import Panel
from game.ui.screens.base import oid
from game.ui.widgets import Label


class TopBar(Panel):
    """The bar across the top of the board."""

    def __init__(self, board):
        super().__init__(board)
        self.menu_btn: UIButton | None = None
        self.help_btn: UIButton | None = None
        self.instr_btn: UIButton | None = None
        self.date_label: Label | None = None
        self.status_label: Label | None = None
        self.title_label: Label | None = None

    def date_and_status(self) -> tuple[str, str]:
        sess, cal = self.match.session, self.match.scenario.calendar
        status = "Game over" if sess.done else f"Turn {min(sess.turn, cal.turns)} of {cal.turns}"
        return sess.date.strftime("%-d %B %Y"), status

    def build_steps(self, rect: pygame.Rect) -> Iterator[None]:
        """A new turn in the same place changes only the date and the turn (two labels)."""
        alive = self.container is not None and self.container.alive() and pygame.Rect(rect) == self.rect
        if alive and self.date_label is not None and self.status_label is not None:
            date, status = self.date_and_status()
            self.date_label.set_text(date)
            self.status_label.set_text(status)
            yield
        else:
            yield from super().build_steps(rect)

    def hover_text(self) -> str:
        """The scenario's whole title under the mouse, when the bar cuts it short."""
        pos = pygame.mouse.get_pos()
        return next((text for el, text in getattr(self, "reason_tips", ()) if el.rect.collidepoint(pos)), "")

    def build_widgets(self, root) -> None:
        rect = self.rect
        m, s = self.app.manager, self.app.s
        scn = self.match.scenario
        date, status = self.date_and_status()
        # the title ends before the turn line centred under the date (at 1000 px it ran under "Turn 3 of 13")
        turns = self.match.scenario.calendar.turns
        status_w = max(theme.font(self.app.font_px(12)).size(t)[0] for t in (f"Turn {turns} of {turns}", "Game over"))
        title_w = min(int(rect.w * 0.36), (rect.w - status_w) // 2 - s(16) - s(12))
        Label(
            pygame.Rect(s(16), rect.top + s(4), title_w, s(22)), "REDLINE", m, container=root, object_id=oid("@heading")
        )
        title = Label(pygame.Rect(s(16), rect.top + s(22), title_w, s(24)), "", m, container=root)
        shown = title.set_text_cut(scn.meta.title, title_w)
        self.title_label = title
        self.reason_tips = [(title, scn.meta.title)] if shown != scn.meta.title else []  # the whole title on hover
        cw = s(300)
        self.date_label = Label(
            pygame.Rect((rect.w - cw) // 2, rect.top + s(4), cw, s(24)),
            date,
            m,
            container=root,
            object_id=oid("@clock"),
        )
        self.status_label = Label(
            pygame.Rect((rect.w - cw) // 2, rect.top + s(25), cw, s(20)),
            status,
            m,
            container=root,
            object_id=oid("@dim", "#turn_label"),
        )
        self.status_label.text_horiz_alignment = "center"
        self.status_label.rebuild()  # the alignment takes effect at a rebuild: it was drawn from the left
        bx = rect.right - s(12)
        self.menu_btn = UIButton(
            pygame.Rect(bx - s(84), rect.top + s(10), s(84), s(30)),
            "Menu",
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="Save, load, settings, quit (Esc)",
        )
        self.help_btn = UIButton(
            pygame.Rect(bx - s(84) - s(40), rect.top + s(10), s(34), s(30)),
            "?",
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="Help and keys (F1)",
        )
        self.instr_btn = UIButton(
            pygame.Rect(bx - s(84) - s(40) - s(112), rect.top + s(10), s(106), s(30)),
            "Instructor" if not self.app.instructor else "Student view",
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="F2: hidden red lines, every probability, the AI's policy weights",
        )
        if self.app.instructor:
            self.instr_btn.select()

    def draw(self, surface) -> None:
        r = self.rect
        pygame.draw.rect(surface, (12, 16, 22), r)
        pygame.draw.line(surface, theme.PANEL_EDGE, (0, r.bottom - 1), (r.right, r.bottom - 1))
        if self.presenter.seat and not self.presenter.watch and self.instr_btn is not None:
            self.draw_seat_chip(surface, r)

    def draw_seat_chip(self, surface, rect) -> None:
        if self.instr_btn is None:
            return
        name = self.match.actor_name(self.presenter.seat)
        col = self.board.colours.get(self.presenter.seat, theme.ACCENT)
        f = theme.font(self.app.font_px(13), "bold")
        label = f"You: {name}"
        img = theme.render(f, label, theme.TEXT)
        right = self.instr_btn.rect.left - self.app.s(12)
        chip = pygame.Rect(0, 0, img.get_width() + self.app.s(30), self.app.s(28))
        chip.midright = (right, rect.centery)
        pygame.draw.rect(surface, (24, 31, 41), chip, border_radius=14)
        pygame.draw.rect(surface, col, chip, 2, border_radius=14)
        pygame.draw.circle(surface, col, (chip.left + self.app.s(13), chip.centery), self.app.s(5))
        surface.blit(img, img.get_rect(midleft=(chip.left + self.app.s(23), chip.centery)))
