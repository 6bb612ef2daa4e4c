"""The title screen: the shipped scenarios (title, summary, length), the seat picker, Start.

The tutorial is selected by default (a first-time player starts there). Picking two or more actors makes
a hot-seat game. An unfinished autosave (after a crash or a quit) is offered to resume.
A scenario that does not load is listed with its errors rather than hidden. Digits typed
here choose the seed (a class can all play the same one); N draws a new one.
"""

from __future__ import annotations

import html
import random

import attrs
import pygame
import pygame_gui
from pygame_gui.elements import UIButton

from game.diagnostics import ScenarioError
from game.engine import words
from game.engine.session import SaveError
from game.loader.load import Checked, check_file
from game.runners.load import compile_checked
from game.ui import saves, theme
from game.ui.ladder_view import _fit
from game.ui.match import Match
from game.ui.screens.base import Screen, oid
from game.ui.widgets import Label, text_box


@attrs.define
class Entry:
    path: str
    stem: str
    loaded: Checked | None = None
    """The scenario checked, not compiled: the title shows every file, a player starts one."""
    raw: bytes = b""
    errors: list = attrs.Factory(list)

    @property
    def title(self) -> str:
        return self.loaded.scenario.meta.title if self.loaded else f"{self.stem} (cannot be loaded)"


class TitleScreen(Screen):
    name = "title"

    def __init__(
        self,
        app,
        preselect: str | None = None,
        actor: str | None = None,
        seed: int | None = None,
        sets: dict | None = None,
    ):
        super().__init__(app)
        from game.ui.app import DEFAULT_SCENARIO, shipped_scenarios

        self.sets = sets or {}
        paths = [str(p) for p in sorted(shipped_scenarios(), key=lambda p: p.stem != "tutorial")]  # tutorial first
        if preselect and not any(_same(preselect, p) for p in paths):
            paths.insert(0, preselect)
        self.entries = [self._load(p) for p in paths]
        self.index = 0
        for i, e in enumerate(self.entries):
            if (preselect and _same(preselect, e.path)) or (not preselect and e.stem == DEFAULT_SCENARIO):
                self.index = i
                break
        self.seats: list[str] = [actor] if actor else []
        self.seed = seed if seed is not None else random.randrange(1, 100_000)
        self.seed_typed: str | None = None  # digits typed so far, while the player types a seed
        self.unfinished: saves.SaveInfo | None = saves.resumable_autosave()
        self._pick_default_seat()

    def _load(self, path: str) -> Entry:
        from pathlib import Path

        e = Entry(path, Path(path).stem)
        try:
            e.loaded = check_file(path, self.sets or None)
            e.raw = e.loaded.source
        except ScenarioError as exc:
            e.errors = exc.diagnostics
        return e

    @property
    def entry(self) -> Entry:
        return self.entries[self.index]

    def _pick_default_seat(self) -> None:
        e = self.entry
        if not e.loaded:
            self.seats = []
            return
        ids = [a.id for a in e.loaded.scenario.actors if a.playable]
        self.seats = [s for s in self.seats if s in ids] or ids[:1]

    # ------------------------------------------------------------ widgets
    def build(self) -> None:
        root = self.new_root()
        m, s = self.app.manager, self.app.s
        w, h = self.app.size
        pad = s(40)
        left_w = max(s(400), int(w * 0.38))
        Label(pygame.Rect(pad, s(32), left_w, s(52)), "REDLINE", m, container=root, object_id=oid("@title"))
        Label(
            pygame.Rect(pad, s(82), left_w, s(24)),
            _first_fitting(
                theme.font(self.app.font_px(12)),
                ("A teaching game about escalation ladders and red lines", "Escalation ladders and red lines"),
                left_w,
            ),
            m,
            container=root,
            object_id=oid("@dim"),
        )
        y = s(130)
        Label(pygame.Rect(pad, y, left_w, s(20)), "SCENARIOS", m, container=root, object_id=oid("@heading"))
        y += s(26)
        self.cards = []
        cfont = theme.font(self.app.font_px(15), "bold")
        for i, e in enumerate(self.entries):
            tip = (
                e.loaded.scenario.meta.summary
                if e.loaded
                else f"{len(e.errors)} error(s): {e.errors[0]}"
                if e.errors
                else None
            )
            b = UIButton(
                pygame.Rect(pad, y, left_w, s(46)),
                _fit(cfont, e.title, left_w - s(30)),
                m,
                container=root,
                object_id=oid("@card"),
                tool_tip_text=tip,
            )
            if i == self.index:
                b.select()
            self.cards.append(b)
            y += s(46)
            if e.loaded:
                scn = e.loaded.scenario
                turns = words.turns_phrase(scn.calendar.turns, scn.calendar.turn_days)
                sub = f"{turns} \u00b7 {', '.join(a.name for a in scn.actors)}"
                if theme.font(self.app.font_px(12)).size(sub)[0] > left_w - s(20):
                    sub = f"{turns} \u00b7 {len(scn.actors)} sides"  # their names are on the side buttons
            else:
                sub = "has errors: select it to see them"
            Label(
                pygame.Rect(pad + s(14), y, left_w - s(14), s(22)),
                _fit(theme.font(self.app.font_px(12)), sub, left_w - s(20)),
                m,
                container=root,
                object_id=oid("@dim"),
            )
            y += s(30)
        by = h - s(60)
        bw = (left_w - s(16)) // 3
        self.load_btn = UIButton(
            pygame.Rect(pad, by, bw, s(38)),
            "Load game",
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="Ctrl+L",
        )
        self.settings_btn = UIButton(
            pygame.Rect(pad + bw + s(8), by, bw, s(38)), "Settings", m, container=root, object_id=oid("@tool")
        )
        self.quit_btn = UIButton(
            pygame.Rect(pad + 2 * (bw + s(8)), by, bw, s(38)),
            "Quit",
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="Ctrl+Q",
        )
        self.resume_btn = None
        if self.unfinished is not None:
            self.resume_btn = UIButton(
                pygame.Rect(pad, by - s(50), left_w, s(40)),
                _fit(cfont, f"Resume: {self.unfinished.title} \u2014 turn {self.unfinished.turn}", left_w - s(30)),
                m,
                container=root,
                object_id=oid("@primary"),
                tool_tip_text="Your last game was not finished (autosaved every turn)",
            )
        self.join_btn = UIButton(  # class play over the network (game/ui/screens/net_join.py)
            pygame.Rect(pad, by - s(100 if self.resume_btn is not None else 50), left_w, s(40)),
            "Join a class game",
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="Your teacher hosts the game: type the address and your seat's code",
        )
        self.build_details(root, pygame.Rect(pad + left_w + s(36), s(40), w - left_w - 2 * pad - s(36), h - s(80)))

    def build_details(self, root, rect) -> None:
        m, s = self.app.manager, self.app.s
        e = self.entry
        px = self.app.font_px(15)
        self.actor_buttons = {}
        self.start_btn = None
        self.errors_btn = None
        self.seed_btn = None
        if not e.loaded:
            lines = "<br>".join(html.escape(str(d)) for d in e.errors[:12])
            text_box(
                self.app,
                f"<font pixel_size={px}><font color='#d55e00'><b>This scenario cannot be loaded.</b></font><br>"
                f"<br><font pixel_size={self.app.font_px(13)}>{lines}</font></font>",
                pygame.Rect(rect.left, rect.top, rect.w, rect.h - s(70)),
                container=root,
                px=px,
                object_id=oid("@card_text"),
            )
            self.errors_btn = UIButton(
                pygame.Rect(rect.right - s(260), rect.bottom - s(44), s(260), s(44)),
                "Show the errors (F5 retries)",
                m,
                container=root,
                object_id=oid("@primary"),
            )
            return
        scn = e.loaded.scenario
        n_actors = len([a for a in scn.actors if a.playable])
        grid_rows = (n_actors + 1) // 2 if n_actors > 2 else 1
        mode_h = max(s(54), round(2.5 * theme.font(self.app.font_px(13)).get_linesize()) + s(16))  # two lines of it
        below = s(26) + grid_rows * s(50) + mode_h + s(4) + s(70)
        summary_h = max(s(160), rect.h - below - s(18))
        meta = scn.meta
        cal = scn.calendar
        invented = " \u00b7 invented countries" if meta.fictional else ""
        text = (
            f"<font pixel_size={self.app.font_px(22)}><b>{html.escape(meta.title)}</b></font><br>"
            f"<font pixel_size={self.app.font_px(13)} color='#9aa6b4'>{words.turns_phrase(cal.turns, cal.turn_days)} "
            f"from {html.escape(cal.start)}{invented}</font><br><br>"
            f"<font pixel_size={px}>{html.escape(meta.summary)}</font>"
        )
        text_box(self.app, text, pygame.Rect(rect.left, rect.top, rect.w, summary_h), root, object_id=oid("@card_text"))
        y = rect.top + summary_h + s(18)
        Label(
            pygame.Rect(rect.left, y, rect.w, s(20)),
            _first_fitting(
                theme.font(self.app.font_px(12), "bold"),
                (
                    "CHOOSE YOUR SIDE \u00b7 SHIFT+CLICK OR SPACE ADDS A PLAYER (HOT-SEAT)",
                    "CHOOSE YOUR SIDE \u00b7 SPACE ADDS A PLAYER (HOT-SEAT)",
                    "CHOOSE YOUR SIDE \u00b7 SPACE: HOT-SEAT",
                ),
                rect.w,
            ),
            m,
            container=root,
            object_id=oid("@heading"),
        )
        y += s(26)
        colours = theme.actor_colours(scn, self.app.settings.palette)
        actors = [a for a in scn.actors if a.playable]
        cols = 2 if len(actors) > 2 else max(1, len(actors))
        bw = (rect.w - s(10) * (cols - 1)) // cols
        afont = theme.font(self.app.font_px(15), "bold")
        for i, a in enumerate(actors):
            bx = rect.left + (i % cols) * (bw + s(10))
            by = y + (i // cols) * s(50)
            b = UIButton(
                pygame.Rect(bx, by, bw, s(44)),
                _fit(afont, a.name, bw - s(30)),
                m,
                container=root,
                object_id=oid("@card"),
                tool_tip_text=a.description or None,
            )
            if a.id in self.seats:
                b.select()
            self.actor_buttons[a.id] = b
        y += ((len(actors) + cols - 1) // cols) * s(50) + s(4)
        self.colours = colours
        self.actor_rows = y
        seats = [scn.actor(x) for x in self.seats]
        if len(seats) > 1:
            mode = (
                "Hot-seat on one computer: "
                + " and ".join(a.name for a in seats)
                + " (a handover screen between players)"
            )
        elif seats:
            mode = f"You play {seats[0].name}" + (f": {seats[0].description}" if seats[0].description else "")
        else:
            mode = "Pick a side"
        text_box(
            self.app,
            f"<font pixel_size={self.app.font_px(13)} color='#9aa6b4'>{html.escape(mode)}</font>",
            pygame.Rect(rect.left - s(6), y, rect.w + s(6), mode_h),
            root,
            self.app.font_px(13),
        )
        by = rect.bottom - s(48)
        shown = f"Seed {self.seed_typed}_" if self.seed_typed is not None else f"Seed {self.seed}"
        # the seed row and Start share the row: Start gives up width first (a 1000x600 window overlapped them)
        seed_w = max(s(90), theme.font(self.app.font_px(12)).size("Seed 000000000_")[0] + s(12))
        new_w = max(s(120), theme.font(self.app.font_px(13)).size("New seed (N)")[0] + s(20))
        start_w = max(s(150), min(s(280), rect.w - seed_w - new_w - s(12)))
        Label(pygame.Rect(rect.left, by + s(8), seed_w, s(30)), shown, m, container=root, object_id=oid("@dim"))
        self.seed_btn = UIButton(
            pygame.Rect(rect.left + seed_w, by + s(6), new_w, s(34)),
            "New seed (N)",
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="The seed fixes every chance draw: the same seed and the same "
            "decisions replay the same game (python main.py play --seed S). "
            "Type digits to choose one, e.g. the seed your instructor gives",
        )
        self.start_btn = UIButton(
            pygame.Rect(rect.right - start_w, by, start_w, s(48)),
            "Start (Enter)",
            m,
            container=root,
            object_id=oid("@primary"),
            tool_tip_text="Read the briefing, then play",
        )
        if not self.seats:
            self.start_btn.disable()

    # ------------------------------------------------------------ input
    def handle_event(self, event):
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            el = event.ui_element
            for i, b in enumerate(self.cards):
                if el is b:
                    self.select(i)
                    return None
            for aid, b in self.actor_buttons.items():
                if el is b:
                    self.toggle_seat(aid, add=bool(pygame.key.get_mods() & pygame.KMOD_SHIFT))
                    return None
            if el is self.start_btn:
                self.start()
            elif el is self.resume_btn:
                self.resume_game()
            elif el is self.join_btn:
                from game.ui.screens.net_join import JoinFormScreen

                self.app.stack.reset(JoinFormScreen(self.app))
            elif el is self.load_btn:
                self.open_load()
            elif el is self.settings_btn:
                from game.ui.screens.settings_screen import SettingsScreen

                self.app.stack.push(SettingsScreen(self.app))
            elif el is self.quit_btn:
                self.app.quit()
            elif el is self.errors_btn:
                self.show_errors()
            elif el is self.seed_btn:
                self.new_seed()
            return None
        if event.type == pygame.KEYDOWN:
            if self.app._typing() and event.key not in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_ESCAPE):
                return None
            if event.key in (pygame.K_UP, pygame.K_DOWN):
                self.tab_index = None  # the ring goes back to the scenario the arrows move
                self.select((self.index + (1 if event.key == pygame.K_DOWN else -1)) % len(self.entries))
            elif event.key in (pygame.K_LEFT, pygame.K_RIGHT):
                self.cycle_seat(-1 if event.key == pygame.K_LEFT else 1)
            elif event.key == pygame.K_SPACE:
                self.toggle_focused()
            elif event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
                self.start_or_show_errors()
            elif event.key == pygame.K_F5:
                self.entries[self.index] = self._load(self.entry.path)
                self._pick_default_seat()
                self.relayout()
            elif event.key == pygame.K_l and event.mod & pygame.KMOD_CTRL:
                self.open_load()
            elif event.key == pygame.K_n:
                self.new_seed()
            elif event.unicode and event.unicode.isdigit() and event.unicode.isascii():
                self.type_seed(event.unicode)
            elif event.key == pygame.K_BACKSPACE and self.seed_typed is not None:
                self.type_seed(None)
            elif event.key == pygame.K_r and self.unfinished is not None:
                self.resume_game()
            elif event.key == pygame.K_ESCAPE:
                pass  # Esc closes overlays; a second Esc after closing Help must not quit the game (Quit does)
            else:
                return event
            return None
        return event

    def new_seed(self) -> None:
        self.seed = random.randrange(1, 100_000)
        self.seed_typed = None
        self.relayout()

    def type_seed(self, digit: str | None) -> None:
        """A digit typed on the title screen (None: backspace): the seed is what was typed
        (up to 9 digits); with every digit deleted, the seed shown before typing stays."""
        if self.seed_typed is None:
            self.seed_typed, self._seed_before = "", self.seed
        if digit is None:
            self.seed_typed = self.seed_typed[:-1]
        elif len(self.seed_typed) < 9:
            self.seed_typed = (self.seed_typed + digit).lstrip("0") or "0"
        self.seed = int(self.seed_typed) if self.seed_typed else self._seed_before
        self.relayout()

    def select(self, i: int) -> None:
        self.index = i
        self._pick_default_seat()
        self.relayout()

    def playable(self) -> list[str]:
        e = self.entry
        return [a.id for a in e.loaded.scenario.actors if a.playable] if e.loaded else []

    def cycle_seat(self, d: int) -> None:
        ids = self.playable()
        if not ids:
            return
        cur = self.seats[0] if self.seats else ids[0]
        i = ids.index(cur) if cur in ids else 0
        self.seats = [ids[(i + d) % len(ids)]]
        self.relayout()

    def toggle_focused(self) -> None:
        """Space adds the next actor to the seats (hot-seat) or removes extras."""
        ids = self.playable()
        if len(self.seats) < len(ids):
            self.seats.append(next(a for a in ids if a not in self.seats))
        else:
            self.seats = self.seats[:1]
        self.relayout()

    def toggle_seat(self, aid: str, add: bool = False) -> None:
        """Click: play this side. Shift+click: add or remove it (hot-seat)."""
        if not add:
            self.seats = [aid]
        elif aid in self.seats:
            if len(self.seats) > 1:
                self.seats.remove(aid)
        else:
            self.seats.append(aid)
        ids = self.playable()
        self.seats = [a for a in ids if a in self.seats]
        self.relayout()

    def start_or_show_errors(self) -> None:
        """Enter: start the selected scenario, or list why it cannot load."""
        if self.entry.loaded:
            self.start()
        else:
            self.show_errors()

    def start(self) -> None:
        e = self.entry
        if not e.loaded or not self.seats:
            return
        try:
            loaded = compile_checked(e.loaded)
        except ScenarioError as exc:
            e.loaded, e.errors = None, exc.diagnostics
            self.show_errors()
            return
        match = Match(e.path, loaded, e.raw, tuple(self.seats), self.seed, 0, self.sets)
        self.app.start_match(match, briefing=True)

    def resume_game(self) -> None:
        info = self.unfinished
        if info is None:
            return
        try:
            match = Match.from_save_file(info.path)
        except (saves.SaveFileError, SaveError) as exc:
            self.app.notify(f"Cannot resume: {exc}", "warn", 6)
            self.unfinished = None
            self.relayout()
            return
        except ScenarioError as exc:
            self.app.show_errors(info.scenario_file, exc.diagnostics)
            return
        self.app.start_match(match, briefing=False)
        self.app.notify("Resumed your last game", "good")

    def open_load(self) -> None:
        from game.ui.screens.pause import LoadDialog

        self.app.stack.push(LoadDialog(self.app))

    def show_errors(self) -> None:
        e = self.entry
        self.app.show_errors(e.path, e.errors, retry=lambda: self.app.open_title(preselect=e.path))

    def draw(self, surface) -> None:
        w, h = self.app.size
        surface.fill(theme.BG)
        pygame.draw.rect(surface, theme.ACCENT, pygame.Rect(0, 0, w, 3))
        if self.entry.loaded:
            bx = self.app.s(40) + max(self.app.s(400), int(w * 0.38)) + self.app.s(18)
            pygame.draw.line(surface, theme.PANEL_EDGE, (bx, self.app.s(40)), (bx, h - self.app.s(40)))

    def focus_order(self) -> list[UIButton]:
        """Tab's order: the scenarios, the sides, the seed, Start, then resume, load, settings, quit."""
        order = [
            *self.cards,
            *self.actor_buttons.values(),
            self.seed_btn,
            self.start_btn,
            self.errors_btn,
            self.resume_btn,
            self.join_btn,
            self.load_btn,
            self.settings_btn,
            self.quit_btn,
        ]
        return [b for b in order if b is not None and b.visible and b.is_enabled]

    def activate(self, button: UIButton, key: int) -> None:
        """Space on a side adds or removes it (hot-seat, as Shift+click); Enter plays it alone.
        Space on a scenario selects it; Enter starts it, as "Start (Enter)" promises."""
        aid = next((a for a, b in self.actor_buttons.items() if b is button), None)
        if aid is not None:
            self.toggle_seat(aid, add=key == pygame.K_SPACE)
        elif button in self.cards:
            self.select(self.cards.index(button))
            if key != pygame.K_SPACE:
                self.start_or_show_errors()
        else:
            super().activate(button, key)

    def focus_rect(self) -> pygame.Rect | None:
        """The scenario the arrow keys move and Enter starts."""
        return pygame.Rect(self.cards[self.index].rect) if 0 <= self.index < len(self.cards) else None

    def state(self) -> dict:
        return {"screen": self.name, "scenario": self.entry.stem, "seats": list(self.seats)}


def _first_fitting(font, texts: tuple[str, ...], width: int) -> str:
    """The first of ``texts`` (longest first) as wide as ``width`` at most; else the shortest."""
    return next((t for t in texts if font.size(t)[0] <= width), texts[-1])


def _same(a: str, b: str) -> bool:
    import os

    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.abspath(a) == os.path.abspath(b)
