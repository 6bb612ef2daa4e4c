"""The Esc menu and the load dialog (overlays over the board or the title screen)."""

from __future__ import annotations

import html

import pygame

from game.diagnostics import ScenarioError
from game.engine.session import SaveError
from game.ui import saves
from game.ui.match import Match
from game.ui.screens.base import button_pressed
from game.ui.screens.overlay import Overlay


class PauseMenu(Overlay):
    name = "menu"
    title = "Menu"
    card_size = (420, 518)

    def __init__(self, app, board=None):
        super().__init__(app)
        self.board = board

    def build_card(self) -> None:
        self.buttons = {}
        items: list[tuple[str, str, str | None]] = [("resume", "Back to the game (Esc)", None)]
        if self.board is not None and not self.board.match.watching:
            items += [("save", "Save the game (Ctrl+S)", "Saves to your saves folder; the game goes on")]
        if self.board is not None and self.board.match.viewpoint:
            items += [("card", "Your role card", "Your goals, red lines, what you know and what you do not")]
        items += [
            ("load", "Load a saved game (Ctrl+L)", None),
            ("settings", "Settings", "Window size, full screen, UI scale, text size, colours"),
            ("help", "Help and keys (F1)", None),
            ("title", "Quit to the title screen", "Your game is kept in the autosave"),
            ("quit", "Quit Redline (Ctrl+Q)", None),
        ]
        for key, text, tip in items:
            self.buttons[key] = self.add_button(text, tip, cls="@primary" if key == "resume" else "@tool", height=40)
        self.tab_index = 0  # the ring starts on "Back to the game": Enter there closes the menu

    def handle_event(self, event):
        for key, b in self.buttons.items():
            if button_pressed(event, b):
                self.choose(key)
                return None
        if event.type == pygame.KEYDOWN and event.mod & pygame.KMOD_CTRL:
            # the keys the buttons name act while the menu is open, as on the board
            key = {pygame.K_s: "save", pygame.K_l: "load"}.get(event.key)
            if key in self.buttons:
                self.choose(key)
                return None
        return super().handle_event(event)

    def choose(self, key: str) -> None:
        app = self.app
        if key == "resume":
            self.close()
        elif key == "save":
            self.close()
            self.board.save()
        elif key == "card":
            from game.ui.screens.role_card import RoleCardOverlay

            self.close()
            app.stack.push(RoleCardOverlay(app, self.board.match))
        elif key == "load":
            self.close()
            app.stack.push(LoadDialog(app))
        elif key == "settings":
            from game.ui.screens.settings_screen import SettingsScreen

            self.close()
            app.stack.push(SettingsScreen(app))
        elif key == "help":
            self.close()
            app.toggle_help()
        elif key == "title":
            app.open_title()
        elif key == "quit":
            app.quit()


class LoadDialog(Overlay):
    name = "load"
    title = "Load a saved game"
    card_size = (700, 520)

    def enter(self) -> None:
        super().enter()
        self.tab_index = 0  # the ring starts on the newest save (or Cancel): Enter there acts at once

    def build_card(self) -> None:
        self.items = []
        infos = saves.list_saves()[:8]
        if not infos:
            self.add_text(
                f"<font pixel_size={self.app.font_px(14)}>No saves yet in {saves.saves_dir()}.</font>", self.app.s(60)
            )
        for info in infos:
            label = ("Autosave: " if info.path.name == saves.AUTOSAVE else "") + info.label
            b = self.add_button(label, str(info.path), cls="@option", height=36)
            self.items.append((b, info))
        bad = saves.unreadable_saves()
        if bad:  # listed with the reason; they never stop the dialog
            more = f" (and {len(bad) - 1} more)" if len(bad) > 1 else ""
            self.add_text(
                f"<font pixel_size={self.app.font_px(13)}>Unreadable: {html.escape(bad[0].label)}{more}</font>",
                self.app.s(44),
            )
        self.y = self.card.bottom - self.app.s(56)
        self.cancel = self.add_button("Cancel (Esc)", height=38)

    def handle_event(self, event):
        if button_pressed(event, self.cancel):
            self.close()
            return None
        for b, info in self.items:
            if button_pressed(event, b):
                self.load(info.path)
                return None
        if event.type == pygame.KEYDOWN and pygame.K_1 <= event.key <= pygame.K_9:
            i = event.key - pygame.K_1
            if i < len(self.items):
                self.load(self.items[i][1].path)
                return None
        return super().handle_event(event)

    def load(self, path) -> None:
        try:
            match = Match.from_save_file(path)
        except (saves.SaveFileError, SaveError) as exc:
            self.app.notify(f"Cannot load this save: {exc}", "warn", 6)
            return
        except ScenarioError as exc:
            first = exc.diagnostics[0] if exc.diagnostics else ""
            self.app.notify(f"Cannot load this save: its scenario has errors ({first})", "warn", 8)
            return
        self.app.start_match(match, briefing=False)
        self.app.notify(f"Loaded {path.name}: turn {min(match.session.turn, match.scenario.calendar.turns)}", "good")
