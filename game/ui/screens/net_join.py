"""A student's window on a class game: the join form (address, code, name), then the seat's
board (``class_board.ClassBoardScreen``: the single-player board drawn from the server's view of
the seat) or, with the teacher's code, the console."""

from __future__ import annotations

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UITextEntryLine

from game.net.client import BackgroundClient
from game.ui.screens.base import Screen, oid
from game.ui.screens.net_common import esc
from game.ui.widgets import text_box


class JoinFormScreen(Screen):
    """Address and code (and a name): joins, then opens the seat's screen (or the console)."""

    name = "net_join_form"

    def __init__(self, app, address: str = "", code: str = "", problem: str = ""):
        super().__init__(app)
        self.address, self.code, self.person = address, code, ""
        self.problem = problem
        self.joining = False

    def build(self) -> None:
        root = self.new_root()
        m, s = self.app.manager, self.app.s
        w, h = self.app.size
        cw = min(s(560), w - s(80))
        x, y = (w - cw) // 2, max(s(40), h // 2 - s(220))
        UILabel(pygame.Rect(x, y, cw, s(48)), "Join a class game", m, container=root, object_id=oid("@title"))
        UILabel(
            pygame.Rect(x, y + s(50), cw, s(24)),
            "Your teacher gives the address and your seat's code.",
            m,
            container=root,
            object_id=oid("@dim"),
        )
        self.fields: dict[str, UITextEntryLine] = {}
        for i, (key, label, value) in enumerate(
            (
                ("address", "Address (host:port)", self.address),
                ("code", "Code", self.code),
                ("name", "Your name", self.person),
            )
        ):
            top = y + s(90) + i * s(70)
            UILabel(pygame.Rect(x, top, cw, s(22)), label, m, container=root, object_id=oid("@heading"))
            entry = UITextEntryLine(pygame.Rect(x, top + s(24), cw, s(38)), m, container=root)
            entry.set_text(value)
            self.fields[key] = entry
        by = y + s(300)
        self.join_btn = UIButton(
            pygame.Rect(x, by, cw // 2 - s(6), s(44)), "Join (Enter)", m, container=root, object_id=oid("@primary")
        )
        self.back_btn = UIButton(
            pygame.Rect(x + cw // 2 + s(6), by, cw // 2 - s(6), s(44)),
            "Back (Esc)",
            m,
            container=root,
            object_id=oid("@tool"),
        )
        text = "Joining\u2026" if self.joining else self.problem
        self.problem_box = text_box(
            self.app, f"<font color='#d55e00'>{esc(text)}</font>", pygame.Rect(x, by + s(56), cw, s(70)), root
        )

    def _keep(self) -> None:
        if self.root is not None:
            self.address = self.fields["address"].get_text()
            self.code = self.fields["code"].get_text()
            self.person = self.fields["name"].get_text()

    def join(self) -> None:
        self._keep()
        if not self.address.strip() or not self.code.strip():
            self.problem = "Type the address and the code your teacher gave."
            self.relayout()
            return
        client = BackgroundClient(self.address.strip(), self.code.strip(), self.person.strip())
        self.joining = True
        self.relayout()
        self.app.work.submit("Joining the class game", client.start, on_done=lambda ok: self.joined(client, ok))

    def joined(self, client: BackgroundClient, ok: bool) -> None:
        self.joining = False
        if not ok:
            self.problem = client.failure or "The join did not succeed."
            self.relayout()
            return
        open_client_screen(self.app, client)

    def handle_event(self, event):
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            if event.ui_element is self.join_btn and not self.joining:
                self.join()
            elif event.ui_element is self.back_btn:
                self.app.open_title()
            return None
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and not self.joining:
            self.join()
            return None
        if event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE:
            self.app.open_title()
            return None
        return None

    def relayout(self) -> None:
        self._keep()
        super().relayout()

    def draw(self, surface) -> None:
        from game.ui import theme

        surface.fill(theme.BG)

    def state(self) -> dict:
        return {"screen": self.name, "problem": self.problem}


def open_client_screen(app, client: BackgroundClient) -> None:
    """The screen for what the code opened: a seat's, or the teacher's console."""
    if client.role == "teacher":
        from game.ui.screens.net_host import ConsoleScreen

        app.stack.reset(ConsoleScreen(app, client, client.address))
    else:
        from game.ui.screens.class_board import ClassBoardScreen

        app.stack.reset(ClassBoardScreen(app, client))


def run_join(address: str, code: str, name: str, size, screenshot: str | None) -> int:
    """``main.py join``: the seat's window (the console with the teacher's code)."""
    import sys

    from game.ui.app import App
    from game.ui.settings import Settings, load_settings

    client = BackgroundClient(address, code, name)
    if not client.start():
        print(f"join: {client.failure}", file=sys.stderr)
        return 1
    settings = Settings() if screenshot else load_settings()
    app = App(settings, size or ((1280, 720) if screenshot else settings.size), fixed_size=size is not None)
    open_client_screen(app, client)
    try:
        if screenshot:
            app.capture(screenshot)
            return 0
        return app.run()
    finally:
        client.stop()
