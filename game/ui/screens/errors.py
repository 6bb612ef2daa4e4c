"""A scenario that does not load: its messages (file:line:col: path: message), not a crash."""

from __future__ import annotations

import html

import pygame
from pygame_gui.elements import UIButton

from game.ui import theme
from game.ui.screens.base import Screen, button_pressed, oid
from game.ui.screens.overlay import Overlay
from game.ui.widgets import Label, text_box


class ErrorScreen(Screen):
    name = "errors"

    def __init__(self, app, path: str, diagnostics, retry=None):
        super().__init__(app)
        self.path = path
        self.diagnostics = list(diagnostics)
        self.retry = retry

    def build(self) -> None:
        root = self.new_root()
        m, s = self.app.manager, self.app.s
        w, h = self.app.size
        Label(
            pygame.Rect(s(40), s(28), w - s(80), s(44)),
            "This scenario cannot be played yet",
            m,
            container=root,
            object_id=oid("@title"),
        )
        n = sum(1 for d in self.diagnostics if d.severity == "error")
        sub = (
            f"{self.path}: {n} problem{'s' if n != 1 else ''} found. Fix the file and press F5 to try again "
            "(the same messages as 'python main.py validate')."
        )
        Label(pygame.Rect(s(40), s(76), w - s(80), s(26)), sub, m, container=root, object_id=oid("@dim"))
        px = self.app.font_px(14)
        lines = []
        for d in self.diagnostics:
            where = d.file + (f":{d.line}:{d.col}" if d.line else "")
            path = f" <font color='#9aa6b4'>{html.escape(d.path)}</font>" if d.path else ""
            lines.append(
                f"<font color='#e8b44c'><b>{html.escape(where)}</b></font>{path}<br>    {html.escape(d.message)}"
            )
        text_box(
            self.app,
            f"<font pixel_size={px}>" + "<br><br>".join(lines) + "</font>",
            pygame.Rect(s(40), s(116), w - s(80), h - s(200)),
            container=root,
            px=px,
            object_id=oid("@card_text"),
        )
        self.retry_btn = UIButton(
            pygame.Rect(w - s(40) - s(220), h - s(64), s(220), s(40)),
            "Try again (F5)",
            m,
            container=root,
            object_id=oid("@primary"),
            tool_tip_text="Reload the file from disk",
        )
        self.back_btn = UIButton(
            pygame.Rect(s(40), h - s(64), s(220), s(40)),
            "Back to the title screen",
            m,
            container=root,
            object_id=oid("@tool"),
        )

    def handle_event(self, event):
        if button_pressed(event, self.retry_btn) or (event.type == pygame.KEYDOWN and event.key == pygame.K_F5):
            self._retry()
            return None
        if button_pressed(event, self.back_btn) or (event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE):
            self.app.open_title()
            return None
        return event

    def _retry(self) -> None:
        if self.retry is not None:
            self.retry()
        else:
            self.app.open_title(preselect=self.path)

    def draw(self, surface) -> None:
        pygame.draw.rect(surface, theme.DANGER, pygame.Rect(0, 0, self.app.size[0], 4))

    def state(self) -> dict:
        return {"screen": self.name, "errors": [str(d) for d in self.diagnostics]}


class ReloadErrors(Overlay):
    """F5 found errors: list them over the board; the last good version stays in play."""

    name = "reload_errors"
    title = "The scenario has errors: the last good version stays in play"
    card_size = (900, 520)

    def __init__(self, app, path: str, diagnostics):
        super().__init__(app)
        self.path = path
        self.diagnostics = list(diagnostics)

    def build_card(self) -> None:
        px = self.app.font_px(13)
        lines = []
        for d in self.diagnostics[:40]:
            where = d.file + (f":{d.line}:{d.col}" if d.line else "")
            path = f" <font color='#9aa6b4'>{html.escape(d.path)}</font>" if d.path else ""
            lines.append(f"<font color='#e8b44c'><b>{html.escape(where)}</b></font>{path}: {html.escape(d.message)}")
        more = len(self.diagnostics) - 40
        if more > 0:
            lines.append(f"... and {more} more (python main.py validate {html.escape(self.path)})")
        self.add_text(
            f"<font pixel_size={px}>" + "<br>".join(lines) + "</font>", self.card.bottom - self.y - self.app.s(64)
        )
        self.ok = self.add_button(
            "Back to the game (Esc) \u2014 fix the file and press F5 again", cls="@primary", height=38
        )

    def handle_event(self, event):
        if button_pressed(event, self.ok):
            self.close()
            return None
        return super().handle_event(event)

    def state(self) -> dict:
        return {"screen": self.name, "errors": [str(d) for d in self.diagnostics]}
