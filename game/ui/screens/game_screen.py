"""The board: map, ladder, indicators, news feed and the decision panel (or watch controls).

Layout (adapts to the window): a top bar (scenario, date and turn, seat, menu); the map with the
news feed under it; the ladder and the indicator bars beside it; the decision panel on the right.
Everything a student does here works by keyboard and by mouse.

The board is a screen of panels (``game/ui/panels``), each with its own widgets, and a
``BoardPresenter`` that owns the selection. A turn is played on the worker thread while the board
shows the turn before; then the panels are rebuilt a few widgets a frame, so the window never
stalls, and no key acts on the new turn before all of it is on view.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pygame
import pygame_gui

from game.geo import BasemapError, load_basemap
from game.ui import theme
from game.ui.ladder_view import LadderView, _fit
from game.ui.map_view import MapView
from game.ui.match import NewVersion, TurnResult
from game.ui.option_keys import option_number
from game.ui.panels.base import Panel
from game.ui.panels.decision import DecisionPanel, WatchPanel
from game.ui.panels.hints import HintPanel
from game.ui.panels.instructor import InstructorPanel
from game.ui.panels.ladder import LadderPanel
from game.ui.panels.news import NewsPanel
from game.ui.panels.presenter import BoardPresenter
from game.ui.panels.top import TopBar
from game.ui.screens.base import Screen
from game.ui.tooltip import draw_tooltip, wrap

SPEEDS = (0.5, 1.0, 2.0, 4.0)
STEP_BUDGET = 0.004
"""Seconds of widget building a frame while a new turn is put on the board: with the board drawn
the rebuild's frames took 10.6-11.1 ms CPU at p95 (ATACMS, Cuba), 12.4-12.7 with 6 ms."""
NOTE_SECONDS = 3.0
"""How long the note stays where End turn is, after an Enter or a click that ended nothing."""
CHOOSE_FIRST = "Choose an action first (Up/Down or its key)"
WATCHING_NOTE = "Watching: Space plays or pauses, Right steps a turn"
AI_SEAT_NOTE = "The computer plays this side: it ends its own turns"
CLICK_GRACE = 0.5
"""Seconds after a new turn is on view during which a click on End turn is not taken: the second
and third click of a quick double or triple click were ending turns nobody had looked at."""


def load_cities(basemap_name: str) -> list[dict]:
    from game.geo import MAP_DIR

    try:
        data = json.loads((MAP_DIR / "cities.json").read_text(encoding="utf-8"))
        return [c for c in data.get("cities", []) if c.get("map") == basemap_name]
    except (OSError, ValueError):
        return []


class GameScreen(Screen):
    name = "board"

    def __init__(self, app, match, speed: float | None = None):
        super().__init__(app)
        self.match = match
        self.presenter = BoardPresenter(match)
        self.watch = self.presenter.watch
        self.speed = speed or 1.0
        self.playing = self.watch
        self._clock = 0.0
        self._dt = 0.0
        self._turn_shown_at = -CLICK_GRACE  # time.monotonic() when the current turn was all on view
        self.end_note: tuple[str, float] | None = None  # why End turn did nothing, until when
        self.end_note_rect: pygame.Rect | None = None  # where the note was last drawn
        self.rects: dict[str, pygame.Rect] = {}
        self.top = TopBar(self)
        self.decision: DecisionPanel | WatchPanel = WatchPanel(self) if self.watch else DecisionPanel(self)
        self.news = NewsPanel(self)
        self.ladder_panel = LadderPanel(self)
        self.instructor = InstructorPanel(self)
        self.hint = HintPanel(self)
        self.pending_panels: list[Panel] = []  # panels still to rebuild after a turn, over frames
        self._steps: Iterator[None] = iter(())
        self._scroll_pending = False
        self._prepare_views()

    # ------------------------------------------------------------ data
    def _prepare_views(self) -> None:
        scn = self.match.scenario
        self.colours = theme.actor_colours(scn, self.app.settings.palette)
        basemap = None
        self.basemap_problem = ""
        if scn.map.basemap and scn.map.basemap != "none":
            try:
                basemap = load_basemap(scn.map.basemap)
            except BasemapError as exc:
                self.basemap_problem = str(exc)
        self.map = MapView(
            scn, self.colours, basemap, load_cities(scn.map.basemap), self.app.fs, rules=self.match.rules
        )
        self.ladder = LadderView(scn, self.colours, self.app.fs)

    @property
    def seat(self) -> str | None:
        return self.presenter.seat

    @property
    def selected(self) -> int | None:
        return self.presenter.selected

    @property
    def end_btn(self):
        """The button that ends the turn (or opens the debrief), if the side panel has one."""
        return self.decision.end_btn

    def legal_options(self) -> list:
        return self.presenter.legal_options()

    # ------------------------------------------------------------ layout
    def layout(self) -> dict[str, pygame.Rect]:
        s = self.app.s
        w, h = self.app.size
        top_h = s(50)
        right_w = max(s(350), min(s(420), int(w * 0.28)))
        ladder_w = max(s(250), min(s(310), int(w * 0.205)))
        news_h = max(s(150), min(s(230), int(h * 0.27)))
        ind_h = self.ladder_panel.indicators_height()
        map_w = w - right_w - ladder_w
        # the instructor view (F2) takes a column at the map's left instead of covering the map
        inst_w = min(s(320), int(map_w * 0.42)) if self.app.instructor else 0
        return {
            "top": pygame.Rect(0, 0, w, top_h),
            "instructor": pygame.Rect(0, top_h, inst_w, h - top_h - news_h),
            "map": pygame.Rect(inst_w, top_h, map_w - inst_w, h - top_h - news_h),
            "news": pygame.Rect(0, h - news_h, map_w, news_h),
            "ladder": pygame.Rect(map_w, top_h, ladder_w, h - top_h - ind_h),
            "indicators": pygame.Rect(map_w, h - ind_h, ladder_w, ind_h),
            "side": pygame.Rect(w - right_w, top_h, right_w, h - top_h),
        }

    def panels(self) -> list[tuple[Panel, str]]:
        """Every panel with the part of the layout it fills, in the order they are (re)built."""
        return [
            (self.top, "top"),
            (self.decision, "side"),
            (self.ladder_panel, "ladder"),
            (self.news, "news"),
            (self.instructor, "instructor"),
            (self.hint, "map"),
        ]

    # ------------------------------------------------------------ widgets
    def build(self) -> None:
        self.new_root()
        self.pending_panels = []
        self.rects = r = self.layout()
        self.map.fs = self.ladder.fs = self.app.fs  # the window size may have changed the scale
        self.map.set_rect(r["map"])
        self.ladder_panel.indicators_rect = r["indicators"]
        for panel, part in self.panels():
            panel.build(r[part])
        self.update_preview()
        self._scroll_pending = True

    def rebuild_in_steps(self) -> None:
        """After a turn: the panels rebuilt a few widgets at a time (``update``), at most
        ``STEP_BUDGET`` seconds a frame, the decision panel first."""
        self.rects = r = self.layout()
        self.ladder_panel.indicators_rect = r["indicators"]
        self.pending_panels = [panel for panel, _part in self.panels()]
        self._steps = self._panel_steps()

    def _panel_steps(self) -> Iterator[None]:
        for panel, part in self.panels():
            yield from panel.build_steps(self.rects[part])
            self.pending_panels.remove(panel)
            if panel is self.decision:
                self.update_preview()
                self._scroll_pending = True
        self.app.input_barrier()  # the whole new turn is on view only now
        self._turn_shown_at = time.monotonic()

    @property
    def settling(self) -> bool:
        """Panels of a new turn are still being rebuilt."""
        return bool(self.pending_panels)

    def _build_some(self) -> None:
        """Rebuild panels until this frame's budget is spent: one step, then another only while
        one as long as the last still fits (a step started late overran the budget by its length)."""
        now = time.perf_counter()
        deadline, last = now + STEP_BUDGET, 0.0
        while self.pending_panels and now + last < deadline:
            next(self._steps, None)
            ended = time.perf_counter()
            last, now = ended - now, ended

    # ------------------------------------------------------------ selection
    def selection_changed(self) -> None:
        """The presenter's selection changed: the decision panel, the map's range ring, the scroll."""
        if isinstance(self.decision, DecisionPanel):
            self.decision.refresh()
            self.decision.ensure_visible()
        self.update_preview()

    def refresh_selection(self) -> None:
        self.selection_changed()

    def update_preview(self) -> None:
        o = self.presenter.selected_option() if not self.watch else None
        scn = self.match.scenario
        if o is not None and o.weapon:
            wid = next((w.id for w in scn.weapons if w.name == o.weapon), None)
            site = next((x.id for x in scn.map.sites if x.name == o.target), None)
            self.map.show_weapon(wid, site)
        else:
            self.map.show_weapon(None)
            self.map.target_site = None
            if o is not None and o.target:
                self.map.target_site = next((x.id for x in scn.map.sites if x.name == o.target), None)

    def move_selection(self, d: int) -> None:
        if isinstance(self.decision, DecisionPanel):
            self.presenter.step_selection(self.decision.stops, d)
            self.selection_changed()

    def cycle_signal(self, d: int) -> None:
        if self.presenter.cycle_signal(d):
            self.selection_changed()

    # ------------------------------------------------------------ actions
    @property
    def busy(self) -> bool:
        """A turn, the debrief or a reload is being computed or shown (the board shows the state before it)."""
        return self.app.work.busy or self.settling

    def end_turn(self, by_click: bool = False) -> None:
        """Enter or the End turn button: this seat's choice; once every seat has chosen, the turn
        is played on the worker thread while the board keeps showing this turn. A click that comes
        within ``CLICK_GRACE`` of the turn appearing is the tail of a multiple click: not taken."""
        sess = self.match.session
        if self.busy or (by_click and time.monotonic() - self._turn_shown_at < CLICK_GRACE):
            return
        if sess.done:
            self.open_debrief()
            return
        if self.match.ai_seats or self.presenter.selected is None:
            self.note_by_end_turn(AI_SEAT_NOTE if self.match.ai_seats else CHOOSE_FIRST)
            return
        turn = min(sess.turn, self.match.scenario.calendar.turns)
        self.hint.turn_ended()
        plan = self.presenter.take_choice()
        if plan is None:
            self.relayout()
            self.hand_over(note="")
            return
        self.app.work.submit(f"Resolving turn {turn}\u2026", self.match.play, plan, on_done=self._turn_played)

    def _turn_played(self, result: TurnResult) -> None:
        """On the frame loop: show the played turn (unless the game was left or reloaded meanwhile)."""
        if self not in self.app.stack.screens or not self.match.apply(result):
            return
        self.app.input_barrier()
        self.presenter.know_options(result.options)
        self.presenter.selected, self.presenter.signal = None, None
        if not self.watch:
            self.app.work.submit("", self.match.write_autosave, self.match.session, on_done=self._autosaved)
        if len(self.match.seats) > 1 and not self.match.session.done:
            self.relayout()
            self.hand_over()
        elif self.watch and self.playing and self.match.session.done:
            self.playing = False
            self.relayout()
        else:
            self.rebuild_in_steps()

    def _autosaved(self, problem: str) -> None:
        self.match.autosave_problem = problem
        if problem:
            self.app.notify(problem, "warn")

    def hand_over(self, note: str = "") -> None:
        from game.ui.screens.handover import HandoverScreen

        seat = self.match.viewpoint
        if seat is not None:
            if self.app.instructor:  # the next player starts in the student view, not the last one's
                self.app.instructor = False
                self.relayout()
                note = note or "Pass the computer on. The instructor view is now off (F2 turns it on)."
            self.app.stack.push(HandoverScreen(self.app, self.match, seat, note))

    def advance(self) -> None:
        """Watch mode: one turn, played on the worker thread."""
        if self.busy or self.match.session.done:
            return
        turn = self.match.session.turn
        self.app.work.submit(
            f"Playing turn {turn}\u2026", self.match.play, self.match.plan_turn(), on_done=self._turn_played
        )

    def open_debrief(self) -> None:
        """The debrief, at once: it replays the student's decisions on the worker thread and
        shows the figures as they come (the game is over: nothing changes the session they read)."""
        if self.busy:
            return
        from game.ui.screens.debrief import DebriefScreen

        self.app.stack.push(DebriefScreen(self.app, self.match))

    def save(self) -> None:
        if self.match.watching:
            return
        try:
            path = self.match.save_as()
        except OSError as exc:
            self.app.notify(f"Could not save: {exc}", "warn")
            return
        self.app.notify(f"Game saved: {path}", "good")

    def reload(self) -> None:
        """F5: read the scenario again and replay this game on it, on the worker thread."""
        if self.busy:
            return
        self.app.work.submit(
            "Reloading the scenario\u2026", self.match.load_version, self.match.session, on_done=self._reloaded
        )

    def _reloaded(self, version: NewVersion) -> None:
        if self not in self.app.stack.screens or version.base is not self.match.session:
            return
        if version.diagnostics:
            from game.ui.screens.errors import ReloadErrors

            self.app.stack.push(ReloadErrors(self.app, self.match.path, list(version.diagnostics)))
            return
        self.match.use_version(version)
        self.app.input_barrier()
        self._prepare_views()
        self.relayout()
        self.app.notify(f"Reloaded {self.match.path}: the game was replayed on the new version", "good")

    def toggle_instructor(self) -> None:
        self.app.instructor = not self.app.instructor
        self.relayout()

    def open_menu(self) -> None:
        from game.ui.screens.pause import PauseMenu

        self.app.stack.push(PauseMenu(self.app, self))

    def toggle_playing(self) -> None:
        """Watch mode: play or pause the replay."""
        self.playing = not self.playing
        if isinstance(self.decision, WatchPanel) and self.decision.play_btn is not None:
            self.decision.play_btn.set_text("Pause" if self.playing else "Play")

    def next_speed(self) -> None:
        self.speed = SPEEDS[(SPEEDS.index(self.speed) + 1) % len(SPEEDS)] if self.speed in SPEEDS else 1.0
        if isinstance(self.decision, WatchPanel) and self.decision.speed_btn is not None:
            self.decision.speed_btn.set_text(f"{self.speed:g} turn/s")

    # ------------------------------------------------------------ events
    def handle_event(self, event):
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            return self._button(event)
        if event.type == pygame.KEYDOWN and self._key(event):
            return None
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.ladder_panel.reading = None  # the mouse reads by hovering
        if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEWHEEL) and self.hint.covers(
            getattr(event, "pos", None) or pygame.mouse.get_pos()
        ):
            return None  # the card is not the map: no drag, no zoom under it
        if self.map.handle_event(event):
            return None
        return event

    def _button(self, event):
        el = event.ui_element
        top = self.top
        if el is self.hint.button and el is not None:
            self.hint.dismiss()
        elif el is top.menu_btn:
            self.open_menu()
        elif el is top.help_btn:
            self.app.toggle_help()
        elif el is top.instr_btn:
            self.toggle_instructor()
        elif el is self.decision.end_btn and el is not None:
            if self.watch:
                self.open_debrief()
            else:
                self.end_turn(by_click=True)
        elif isinstance(self.decision, WatchPanel) and el is self.decision.play_btn:
            self.toggle_playing()
        elif isinstance(self.decision, WatchPanel) and el is self.decision.step_btn:
            self.playing = False
            self.advance()
        elif isinstance(self.decision, WatchPanel) and el is self.decision.speed_btn:
            self.next_speed()
        elif isinstance(self.decision, DecisionPanel) and self.decision.press(el):
            return None
        else:
            return event
        return None

    def _key(self, event) -> bool:
        k, mod = event.key, event.mod
        ctrl = mod & pygame.KMOD_CTRL
        if k == pygame.K_ESCAPE:
            if self.ladder_panel.reading is not None:
                self.ladder_panel.reading = None
            elif self.hint.current() is not None:
                self.hint.dismiss()
            else:
                self.open_menu()
        elif k == pygame.K_h and not ctrl:
            self.hint.toggle()
        elif k == pygame.K_F2:
            self.toggle_instructor()
        elif k == pygame.K_F5:
            self.reload()
        elif k == pygame.K_F3:  # the ladder's and the indicators' cut names, whole, one a press
            if not self.ladder_panel.read_next(-1 if mod & pygame.KMOD_SHIFT else 1):
                self.app.notify("Every name on the ladder and the indicators is shown whole.")
        elif k == pygame.K_s and ctrl:
            self.save()
        elif k == pygame.K_l and ctrl:
            from game.ui.screens.pause import LoadDialog

            self.app.stack.push(LoadDialog(self.app))
        elif k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            if self.watch:
                if self.match.session.done:
                    self.open_debrief()
                else:
                    self.note_by_end_turn(WATCHING_NOTE)
            else:
                self.end_turn()
        elif k == pygame.K_HOME:
            self.map.reset_view()
        elif self.watch and k == pygame.K_SPACE:
            self.toggle_playing()
        elif self.watch and k == pygame.K_RIGHT and not mod & pygame.KMOD_SHIFT:
            self.playing = False
            self.advance()
        elif k in (pygame.K_w, pygame.K_a, pygame.K_s, pygame.K_d) and not ctrl:
            step = self.app.s(70)
            dx, dy = {pygame.K_w: (0, step), pygame.K_s: (0, -step), pygame.K_a: (step, 0), pygame.K_d: (-step, 0)}[k]
            self.map.proj.pan_pixels(dx, dy)
        elif not self.presenter.deciding or self.settling or not isinstance(self.decision, DecisionPanel):
            return False
        elif k in (pygame.K_UP, pygame.K_DOWN) and not mod & pygame.KMOD_SHIFT:
            self.move_selection(-1 if k == pygame.K_UP else 1)
        elif k in (pygame.K_LEFT, pygame.K_RIGHT) and not mod & pygame.KMOD_SHIFT:
            self.cycle_signal(-1 if k == pygame.K_LEFT else 1)
        elif k == pygame.K_TAB:
            self.cycle_signal(-1 if mod & pygame.KMOD_SHIFT else 1)
        elif (n := option_number(k, mod)) is not None:  # 1-9, 0, then letters: one press, one action
            if n in self.decision.key_numbers:
                self.presenter.select(self.decision.key_numbers[n])
                self.selection_changed()
        else:
            return False
        return True

    # ------------------------------------------------------------ frame
    def update(self, dt: float) -> None:
        if self.paused:
            return
        self._dt = dt
        self._show_waiting()
        if self.pending_panels:
            self._build_some()
            self._show_waiting()
            return
        if self._scroll_pending and isinstance(self.decision, DecisionPanel):
            self._scroll_pending = False
            self.decision.ensure_visible()
        if self.watch and self.playing and not self.match.session.done:
            self._clock += dt
            if self._clock >= 1.0 / self.speed:
                self._clock = 0.0
                self.advance()

    def _show_waiting(self) -> None:
        """End turn reads 'Wait…' while the board takes no press (a turn resolving, the board rebuilt)."""
        if isinstance(self.decision, DecisionPanel):
            self.decision.set_waiting(self.busy)

    def draw(self, surface) -> None:
        r = self.rects
        w, _h = self.app.size
        self.top.draw(surface)
        if self.app.instructor:
            f = theme.font(self.app.font_px(11), "bold")
            img = theme.render(f, "INSTRUCTOR VIEW", (12, 12, 12))
            chip = img.get_rect()
            chip.inflate_ip(14, 6)
            chip.midtop = (w // 2, r["top"].bottom + 6)
            pygame.draw.rect(surface, (204, 121, 167), chip, border_radius=4)
            surface.blit(img, img.get_rect(center=chip.center))
        self.map.draw(surface, self._dt)
        if self.basemap_problem:
            f = theme.font(self.app.font_px(12))
            surface.blit(
                theme.render(f, self.basemap_problem[:120], theme.DANGER), (r["map"].left + 10, r["map"].top + 8)
            )
        if self.match.session.done:
            self._draw_outcome_banner(surface, r["map"])
        self.hint.draw(surface)
        self.news.draw(surface)
        self.ladder_panel.draw(surface)
        pygame.draw.rect(surface, (17, 23, 31), r["side"])
        pygame.draw.line(surface, theme.PANEL_EDGE, r["side"].topleft, r["side"].bottomleft)

    def _draw_outcome_banner(self, surface, rect) -> None:
        """The outcome over the map, wrapped to the map's width (at 960x600 one line ran past it)."""
        banner = self.outcome_banner(rect)
        if banner is None:
            return
        f, box, lines = banner
        bg = pygame.Surface(box.size, pygame.SRCALPHA)
        bg.fill((8, 11, 15, 225))
        surface.blit(bg, box)
        pygame.draw.rect(surface, theme.ACCENT, box, 2, border_radius=6)
        y = box.top + self.app.s(10)
        for line in lines:
            img = theme.render(f, line, theme.TEXT)
            surface.blit(img, img.get_rect(midtop=(box.centerx, y)))
            y += f.get_linesize()

    def outcome_banner(self, rect) -> tuple[pygame.font.Font, pygame.Rect, list[str]] | None:
        """The outcome banner's font, box and lines over the map ``rect``: the text wrapped to the
        map's width (a word wider than that cut with an ellipsis: the decision panel names the
        outcome whole); None before the game ends."""
        out = self.match.session.outcome
        if out is None:
            return None
        f = theme.font(self.app.font_px(20), "bold")
        pad_x, pad_y = self.app.s(20), self.app.s(10)
        width = max(1, rect.w - 2 * pad_x - self.app.s(16))
        lines = [_fit(f, line, width) for line in wrap(f, f"Outcome: {out.name}", width)]
        across = max(f.size(line)[0] for line in lines) + 2 * pad_x
        box = pygame.Rect(0, 0, across, len(lines) * f.get_linesize() + 2 * pad_y)
        box.midtop = (rect.centerx, rect.top + self.app.s(14))
        return f, box, lines

    def note_by_end_turn(self, text: str) -> None:
        """A press that ends nothing says why, where End turn is (it had no sign it went nowhere)."""
        self.end_note = (text, time.monotonic() + NOTE_SECONDS)

    def draw_end_note(self, surface) -> None:
        """The note above End turn (under Play while watching), for NOTE_SECONDS or until an action
        is chosen."""
        self.end_note_rect = None
        chosen = self.end_note is not None and self.end_note[0] == CHOOSE_FIRST and self.presenter.selected is not None
        if self.end_note is None or chosen or time.monotonic() > self.end_note[1]:
            self.end_note = None
            return
        s = self.app.s
        panel = self.rects["side"]
        end, play = self.end_btn, getattr(self.decision, "play_btn", None)
        f = theme.font(self.app.font_px(13), "bold")
        pad = s(8)
        width = panel.w - s(24)
        lines = wrap(f, self.end_note[0], width - 2 * pad)
        box = pygame.Rect(panel.left + s(12), 0, width, len(lines) * f.get_linesize() + 2 * pad)
        if end is not None and end.visible:
            box.bottom = end.rect.top - s(6)
        elif play is not None and play.visible:  # watching: under Play, Step and the speed
            box.top = play.rect.bottom + s(6)
        else:
            box.bottom = panel.bottom - s(8)
        pygame.draw.rect(surface, (10, 13, 18), box, border_radius=s(6))
        pygame.draw.rect(surface, theme.ACCENT, box, 2, border_radius=s(6))
        for i, line in enumerate(lines):
            surface.blit(f.render(line, True, theme.TEXT), (box.left + pad, box.top + pad + i * f.get_linesize()))
        self.end_note_rect = box

    def draw_over(self, surface) -> None:
        if self.paused:
            return
        self.draw_end_note(surface)
        self.hint.draw_pointer(surface)
        if (read := self.ladder_panel.read_text()) is not None:
            draw_tooltip(surface, read.text, self.app.scale, at=read.rect.bottomleft)
            return
        text = self.ladder_panel.hover_text() or self.decision.hover_text() or self.top.hover_text()
        if self.hint.covers(pygame.mouse.get_pos()):
            return
        if self.map.hover_site is not None and not self.map.dragging:
            self.map.hover_card(surface)
        elif text:
            draw_tooltip(surface, text, self.app.scale)

    def focus_order(self) -> list:
        """None: on the board Tab chooses what to say, and every control has its own key."""
        return []

    def focus_rect(self) -> pygame.Rect | None:
        """The selected action (the arrow keys and digits move it, Enter plays it), where its row shows."""
        from game.ui.focus import visible_part

        if (read := self.ladder_panel.read_text()) is not None:
            return pygame.Rect(read.rect)
        buttons = getattr(self.decision, "option_buttons", {})
        b = buttons.get(self.presenter.selected) or next((b for b in buttons.values() if b.is_selected), None)
        if b is None or not b.visible:
            return super().focus_rect()
        scroller = getattr(self.decision, "scroller", None)
        return visible_part(pygame.Rect(b.rect), pygame.Rect(scroller.rect) if scroller is not None else None)

    def state(self) -> dict:
        s = self.match.session
        return {
            "screen": self.name,
            "turn": s.turn,
            "done": s.done,
            "seat": self.seat,
            "outcome": s.outcome.id if s.outcome else None,
            "selected": self.presenter.selected,
            "instructor": self.app.instructor,
            "hint": hint.title if (hint := self.hint.current()) else None,
            "decisions": len(s.decisions),
            "settling": self.settling,
            "note": self.end_note[0] if self.end_note else None,
        }
