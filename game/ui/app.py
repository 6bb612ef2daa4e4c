"""Entry points and the main loop: one window, one pygame_gui UIManager, a screen stack.

``run_title`` (``python main.py``), ``run_play`` (``main.py play``) and ``run_watch``
(``main.py watch``) return an exit status. With ``--screenshot PNG`` the window is rendered
once after ``--after-turns`` turns (the human seat played by its doctrine), saved, and the
program exits 0 (1 if the scenario does not load, after printing the errors to stderr).
"""

from __future__ import annotations

import json
import math
import os
import random
import sys
import time
import warnings
from pathlib import Path

import attrs

import game.ui  # noqa: F401  (quiet pygame banner)

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402
import pygame_gui  # noqa: E402

from game.diagnostics import Diagnostic, ScenarioError  # noqa: E402
from game.files import atomic_write  # noqa: E402
from game.ui import focus, theme  # noqa: E402
from game.ui.match import Match, resolve_scenario_path  # noqa: E402
from game.ui.options import OptionError, WindowOptions  # noqa: E402
from game.ui.scale import UiScale, for_settings  # noqa: E402
from game.ui.screens.base import ScreenStack, buttons_in, clickable_part  # noqa: E402
from game.ui.settings import Settings, load_settings, save_settings, screenshots_dir  # noqa: E402
from game.ui.tooltip import wrap  # noqa: E402
from game.ui.work import Worker  # noqa: E402

DEFAULT_SCENARIO = "tutorial"  # a first-time player starts where the five ideas are taught
MIN_SIZE = (960, 600)
# Keys whose auto-repeat means something: moving through a list, panning and zooming the map,
# deleting typed text. Every other key acts once per physical press (Enter ends one turn).
REPEATING_KEYS = frozenset(
    {
        pygame.K_UP,
        pygame.K_DOWN,
        pygame.K_LEFT,
        pygame.K_RIGHT,
        pygame.K_PAGEUP,
        pygame.K_PAGEDOWN,
        pygame.K_BACKSPACE,
        pygame.K_DELETE,
        pygame.K_w,
        pygame.K_a,
        pygame.K_s,
        pygame.K_d,
        pygame.K_PLUS,
        pygame.K_MINUS,
        pygame.K_EQUALS,
        pygame.K_KP_PLUS,
        pygame.K_KP_MINUS,
    }
)
# Keys that end a turn, confirm or reload: ignored while the game is busy resolving.
ACTING_KEYS = frozenset({pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE, pygame.K_F5, pygame.K_RIGHT})
# Keys that never act on what is on view (leave, help, full screen, screenshot, modifiers): a press
# made before a new screen was drawn still counts.
HARMLESS_KEYS = frozenset(
    {
        pygame.K_ESCAPE,
        pygame.K_F1,
        pygame.K_F11,
        pygame.K_F12,
        pygame.K_LSHIFT,
        pygame.K_RSHIFT,
        pygame.K_LCTRL,
        pygame.K_RCTRL,
        pygame.K_LALT,
        pygame.K_RALT,
    }
)

# pygame_gui's own events (UI_BUTTON_PRESSED, ...): it posts them to the queue as it handles a click or a key
GUI_EVENTS = tuple(sorted({v for k, v in vars(pygame_gui).items() if k.startswith("UI_") and isinstance(v, int)}))


class App:
    """The window and its loop; screens call back into it to move between each other."""

    def __init__(self, settings: Settings | None = None, size: tuple[int, int] | None = None, fixed_size: bool = False):
        self.settings = settings or Settings()
        pygame.display.init()
        pygame.font.init()
        pygame.key.set_repeat(350, 40)
        self.size = size or self.settings.size
        self.fixed_size = fixed_size
        flags = pygame.RESIZABLE
        if self.settings.fullscreen and not fixed_size and os.environ.get("SDL_VIDEODRIVER") != "dummy":
            flags |= pygame.FULLSCREEN
            self.size = (0, 0)
        self.window = pygame.display.set_mode(self.size, flags)
        self.size = self.window.get_size()
        pygame.display.set_caption("Redline \u2014 an escalation-ladder game")
        self.manager = self._make_manager()
        self.stack = ScreenStack()
        self.stack.on_change = self._stack_changed
        self.clock = pygame.time.Clock()
        self.running = True
        self.instructor = False
        self.toasts: list[tuple[str, str, float]] = []
        self.frame_times: list[float] = []
        self.test_state = os.environ.get("REDLINE_TEST_STATE")
        self._last_state: dict | None = None
        self.work = Worker()
        self._held: set[int] = set()  # keys down now (a KEYDOWN for one of them is an auto-repeat)
        self._barrier = False  # key presses made before the screen on view was drawn are dropped
        self._carried: list[pygame.event.Event] = []  # events kept when a barrier lifted, for the next frame
        self._under: tuple[tuple[int, tuple[int, int]], pygame.Surface] | None = None  # see _draw_under
        if self.settings.problem:
            self.notify(self.settings.problem, "warn", 8)

    # ------------------------------------------------------------ scaling
    @property
    def scale(self) -> UiScale:
        """Lengths and font sizes for this window size and the settings (game/ui/scale.py)."""
        return for_settings(self.size, self.settings)

    @property
    def fs(self) -> float:
        return self.scale.text

    def s(self, v: float) -> int:
        """A layout length scaled by the window size and the UI scale."""
        return self.scale.px(v)

    def font_px(self, v: float) -> int:
        return self.scale.font_px(v)

    # ------------------------------------------------------------ UI manager
    def _make_manager(self) -> pygame_gui.UIManager:
        manager = pygame_gui.UIManager(self.size, theme.theme_dict(self.fs), enable_live_theme_updates=False)
        _cache_theme_ids(manager)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            manager.preload_fonts(theme.used_font_sizes(self.fs))
        return manager

    def rebuild_ui(self) -> None:
        """New theme (UI scale, text size) or window size: rebuild every screen's widgets."""
        self._under = None
        for s in self.stack.screens:
            s.teardown()
        self.manager = self._make_manager()
        for s in self.stack.screens:
            s.build()
        for s in self.stack.screens[:-1]:
            if s.root is not None and s.opaque_cover_hides_widgets():
                s.root.hide()

    def resize(self, size: tuple[int, int]) -> None:
        w, h = max(MIN_SIZE[0], size[0]), max(MIN_SIZE[1], size[1])
        if self.window.get_size() != (w, h):
            self.window = pygame.display.set_mode((w, h), pygame.RESIZABLE)
        before = self.scale
        self.size = self.window.get_size()
        if self.scale != before:
            self.rebuild_ui()  # the theme's font sizes follow the window size
        else:
            self.manager.set_window_resolution(self.size)
            for s in self.stack.screens:
                s.teardown()
            for s in self.stack.screens:
                s.build()
            for s in self.stack.screens[:-1]:
                if s.root is not None and s.opaque_cover_hides_widgets():
                    s.root.hide()
        if not self.settings.fullscreen and not self.fixed_size:
            self.settings.width, self.settings.height = self.size
            self.save_settings()

    def apply_settings(self, new: Settings) -> None:
        old = self.settings
        self.settings = new
        if new.fullscreen != old.fullscreen and os.environ.get("SDL_VIDEODRIVER") != "dummy":
            if new.fullscreen:
                self.window = pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
            else:
                self.window = pygame.display.set_mode(new.size, pygame.RESIZABLE)
        elif new.size != old.size and not new.fullscreen:
            self.window = pygame.display.set_mode(new.size, pygame.RESIZABLE)
        self.size = self.window.get_size()
        self.rebuild_ui()
        self.save_settings()

    def save_settings(self) -> None:
        try:
            save_settings(self.settings)
        except OSError as exc:
            self.notify(f"Settings not saved: {exc}", "warn")

    # ------------------------------------------------------------ messages
    def notify(self, text: str, kind: str = "info", seconds: float = 4.0) -> None:
        self.toasts.append((text, kind, time.monotonic() + seconds))
        self.toasts = self.toasts[-3:]

    def _draw_toasts(self, surface) -> None:
        now = time.monotonic()
        self.toasts = [t for t in self.toasts if t[2] > now]
        y = self.s(52)
        f = theme.font(self.font_px(14), "bold")
        for text, kind, _until in self.toasts:
            colour = {"warn": theme.DANGER, "good": theme.GOOD}.get(kind, theme.ACCENT)
            lines = wrap(f, text, min(760, self.size[0] - 80))
            w = max(f.size(line)[0] for line in lines) + 36
            h = len(lines) * f.get_linesize() + 18
            box = pygame.Rect(0, y, w, h)
            box.centerx = self.size[0] // 2
            pygame.draw.rect(surface, (10, 13, 18), box, border_radius=8)
            pygame.draw.rect(surface, colour, box, 2, border_radius=8)
            pygame.draw.rect(
                surface,
                colour,
                pygame.Rect(box.left, box.top, 6, box.h),
                border_top_left_radius=8,
                border_bottom_left_radius=8,
            )
            ty = box.top + 9
            for line in lines:
                surface.blit(theme.render(f, line, theme.TEXT), (box.left + 20, ty))
                ty += f.get_linesize()
            y = box.bottom + 8

    # ------------------------------------------------------------ navigation
    def open_title(
        self, preselect: str | None = None, actor: str | None = None, seed: int | None = None, sets: dict | None = None
    ) -> None:
        from game.ui.screens.title import TitleScreen

        self.stack.reset(TitleScreen(self, preselect=preselect, actor=actor, seed=seed, sets=sets))

    def start_match(self, match: Match, briefing: bool = True) -> None:
        from game.ui.screens.briefing import BriefingScreen
        from game.ui.screens.game_screen import GameScreen

        self.instructor = False  # a new game opens in the student's view; F2 turns the instructor's on
        board = GameScreen(self, match)
        self.stack.reset(board)
        if match.warning:
            self.notify(match.warning, "warn", 6)
        if briefing:
            self.stack.push(BriefingScreen(self, match))
        elif len(match.seats) > 1 and not match.session.done:
            board.hand_over()
        # on the worker thread, after the autosaves of turns still being played: the last write wins
        self.work.submit("", match.write_autosave)

    def show_errors(self, path: str, diagnostics: list[Diagnostic], retry=None) -> None:
        from game.ui.screens.errors import ErrorScreen

        self.stack.reset(ErrorScreen(self, path, diagnostics, retry))

    def load_and_start(
        self, path: str, seats, seed: int, sets: dict | None = None, briefing: bool = True, ai_seats=(), policies=None
    ) -> Match | None:
        try:
            match = Match.start(path, seats, seed, sets, ai_seats=ai_seats, policies=policies)
        except ScenarioError as exc:
            self.show_errors(
                path,
                exc.diagnostics,
                retry=lambda: self.load_and_start(path, seats, seed, sets, briefing, ai_seats, policies),
            )
            return None
        self.start_match(match, briefing)
        return match

    def toggle_help(self) -> None:
        from game.ui.screens.help import HelpScreen

        if isinstance(self.stack.top, HelpScreen):
            self.stack.pop()
        else:
            self.stack.push(HelpScreen(self))

    def quit(self) -> None:
        self.running = False

    # ------------------------------------------------------------ loop
    def _global_key(self, event) -> bool:
        if event.type != pygame.KEYDOWN or self._typing():
            return False
        if (
            event.key == pygame.K_F1
            or (event.key == pygame.K_SLASH and event.mod & pygame.KMOD_SHIFT)
            or event.unicode == "?"
        ):
            self.toggle_help()
            return True
        if event.key == pygame.K_F12:
            self.save_screenshot()
            return True
        if event.key == pygame.K_F11:
            s = attrs.evolve(self.settings, fullscreen=not self.settings.fullscreen)
            self.apply_settings(s)
            return True
        if event.key == pygame.K_q and event.mod & pygame.KMOD_CTRL:
            self.quit()
            return True
        return False

    def _typing(self) -> bool:
        focus = self.manager.get_focus_set() or set()
        return any(isinstance(e, pygame_gui.elements.UITextEntryLine) for e in focus)

    def input_barrier(self) -> None:
        """The student has not seen what is about to be drawn (a new screen, a new turn): key
        presses made until it is on view are dropped, so none acts on a screen nobody saw."""
        self._barrier = True

    def _admit(self, event) -> bool:
        """Whether an event reaches the screens: one act per physical key press (auto-repeat only
        for REPEATING_KEYS, or while typing), nothing acting while busy or before a barrier lifts."""
        if event.type == pygame.KEYDOWN:
            repeat = event.key in self._held
            self._held.add(event.key)
            if self._barrier and event.key not in HARMLESS_KEYS and event.key not in REPEATING_KEYS:
                return False
            typing = self._typing()
            if repeat and not typing and (event.key not in REPEATING_KEYS or event.mod & pygame.KMOD_CTRL):
                return False
            return not (self.work.busy and not typing and event.key in ACTING_KEYS)
        if event.type == pygame.KEYUP:
            self._held.discard(event.key)
        elif event.type == pygame.WINDOWFOCUSLOST:
            self._held.clear()
        return True

    def _lift_barrier(self) -> None:
        """After the frame that shows the new screen: drop the acting presses and the clicks
        queued until then (the other events keep their order)."""
        if not self._barrier:
            return
        pygame.event.pump()
        self._barrier = False
        for event in pygame.event.get():
            if event.type == pygame.KEYDOWN and event.key not in HARMLESS_KEYS and event.key not in REPEATING_KEYS:
                self._held.add(event.key)
            elif event.type == pygame.MOUSEBUTTONDOWN and event.button in (1, 2, 3):
                continue
            else:
                self._carried.append(event)

    def handle(self, event) -> None:
        if event.type == pygame.QUIT:
            self.quit()
            return
        if not self._admit(event):
            return
        if event.type == pygame.VIDEORESIZE and not self.settings.fullscreen:
            self.resize((event.w, event.h))
            return
        if self._global_key(event):
            return
        top = self.stack.top
        if top is not None and not self._typing() and top.focus_key(event):
            return
        consumed = self.manager.process_events(event)
        if consumed and event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEWHEEL):
            return
        self.stack.handle_event(event)

    def _text_input(self) -> None:
        """Text input (IME) only while a text field has focus: on X11 an active input method
        can hold back the first key presses, and the board needs every key at once."""
        want = self._typing()
        if want != getattr(self, "_text_on", None):
            self._text_on = want
            (pygame.key.start_text_input if want else pygame.key.stop_text_input)()

    def frame(self, dt: float) -> None:
        self._text_input()
        jobs = len(self.work.jobs)
        self.work.poll()
        if len(self.work.jobs) != jobs:  # a result may have changed a screen under an overlay
            self._under = None
        events, self._carried = self._carried + pygame.event.get(), []
        for event in events:
            self.handle(event)
            if not self.running:
                return
            # what pygame_gui posted while handling it (a click's UI_BUTTON_PRESSED) is handled now,
            # before the next event: a key pressed after a click, in the same frame, came after it
            while posted := pygame.event.get(eventtype=GUI_EVENTS, pump=False):
                for gui_event in posted:
                    self.handle(gui_event)
                    if not self.running:
                        return
        for s in list(self.stack.screens):
            s.update(dt)
        self.manager.update(dt)
        self.draw()
        pygame.display.flip()
        self._lift_barrier()
        self._write_test_state()

    def draw(self) -> None:
        surface = self.window
        surface.fill(theme.BG)
        visible = self.stack.visible()
        for s in visible:
            if s.paused and s is not visible[-1]:
                self._draw_under(s, surface)
            else:
                s.draw(surface)
        self.manager.draw_ui(surface)
        if visible:
            focus.draw_ring(surface, visible[-1].ring_rect(), self.scale)
        self._draw_busy(surface)
        self._draw_toasts(surface)
        for s in visible:  # hover cards and tooltips: the last thing drawn, above everything
            s.draw_over(surface)

    def _draw_under(self, screen, surface) -> None:
        """A paused screen under an overlay, drawn once and then copied: it does not change while
        the overlay is open (the board's map, ladder and hints took 40 ms a frame under the help
        card). Drawn anew after a resize, a change of the stack or a finished job."""
        key = (id(screen), self.size)
        if self._under is None or self._under[0] != key:
            screen.draw(surface)
            self._under = (key, surface.copy())
        else:
            surface.blit(self._under[1], (0, 0))

    def _draw_busy(self, surface) -> None:
        """What the game is doing while the player waits (resolving a turn, the debrief's replays)."""
        label = self.work.label
        if not label:
            return
        f = theme.font(self.font_px(15), "bold")
        img = theme.render(f, label, theme.TEXT)
        box = img.get_rect().inflate(self.s(64), self.s(22))
        box.midbottom = (self.size[0] // 2, self.size[1] - self.s(24))
        pygame.draw.rect(surface, (10, 13, 18), box, border_radius=8)
        pygame.draw.rect(surface, theme.ACCENT, box, 2, border_radius=8)
        centre = (box.left + self.s(22), box.centery)
        angle = time.monotonic() * 6.0
        for i in range(8):
            a = angle + i * math.pi / 4
            dot = (round(centre[0] + math.cos(a) * self.s(7)), round(centre[1] + math.sin(a) * self.s(7)))
            pygame.draw.circle(surface, theme.mix(theme.PANEL_EDGE, theme.ACCENT, i / 7), dot, max(1, self.s(2)))
        surface.blit(img, img.get_rect(midleft=(box.left + self.s(40), box.centery)))

    def run(self) -> int:
        while self.running and self.stack.screens:
            t0 = time.perf_counter()
            dt = self.clock.tick(60) / 1000.0
            self.frame(dt)
            self.frame_times.append(time.perf_counter() - t0)
            if len(self.frame_times) > 600:
                del self.frame_times[:300]
        for s in list(self.stack.screens):
            s.exit()
        self.work.shutdown()
        pygame.quit()
        theme.forget_fonts()
        return 0

    def render(self, frames: int = 4) -> None:
        """Finish the work in progress and what screens build over several frames, then advance a
        few frames without a clock (screenshots, tests)."""
        self.work.wait()
        settle = 0
        while settle < 10_000 and any(s.settling and not s.paused for s in self.stack.screens):  # covered: waits
            settle += 1
            for s in list(self.stack.screens):
                s.update(1 / 60)
        for _ in range(frames):
            pygame.event.pump()
            for s in list(self.stack.screens):
                s.update(1 / 60)
            self.manager.update(1 / 60)
            self.draw()
            self._lift_barrier()

    def capture(self, path: str) -> None:
        self.render()
        folder = os.path.dirname(os.path.abspath(path))
        os.makedirs(folder, exist_ok=True)
        pygame.image.save(self.window, path)
        print(f"wrote {os.path.abspath(path)}")

    def save_screenshot(self) -> Path | None:
        """F12: the window as a PNG in ``screenshots_dir()``; the toast says where (None: not saved)."""
        folder = screenshots_dir()
        top = self.stack.top.name if self.stack.top else "screen"
        path = folder / f"redline-{top}-{time.strftime('%Y%m%d-%H%M%S')}.png"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            pygame.image.save(self.window, str(path))
        except (OSError, pygame.error) as exc:
            self.notify(f"Screenshot not saved in {folder}: {exc}", "warn", 6)
            return None
        self.notify(f"Screenshot saved in {folder}: {path.name}", "good", 6)
        return path

    # ------------------------------------------------------------ test hooks
    def _stack_changed(self) -> None:
        self._last_state = None
        self._under = None
        self.input_barrier()

    def state(self) -> dict:
        top = self.stack.top
        st = dict(top.state()) if top is not None else {"screen": None}
        st["focus"] = bool(pygame.key.get_focused())
        st["busy"] = self.work.label
        if top is not None:  # where a test (or a person scripting xdotool) can click
            st["buttons"] = [
                [b.text, *part] for b in buttons_in(top.root) if (part := clickable_part(b)).w > 4 and part.h > 4
            ]
        return st

    def _write_test_state(self) -> None:
        if not self.test_state:
            return
        st = self.state()
        if st == self._last_state:
            return
        self._last_state = st
        try:
            with atomic_write(self.test_state) as fh:
                json.dump(st, fh)
        except OSError:
            pass


def _cache_theme_ids(manager: pygame_gui.UIManager) -> None:
    """Every widget asks the theme for its ids; pygame_gui 0.6 keys its cache of them with a string
    built by ``str.join`` over a string, which grows with the square of the nesting depth (2 ms
    a widget in the board's option list). The same cache, keyed by the ids themselves."""
    appearance = manager.get_theme()
    build = appearance.build_all_combined_ids
    known: dict[tuple, list[str]] = {}

    def build_all_combined_ids(element_base_ids, element_ids, class_ids, object_ids) -> list[str]:
        key = tuple(
            None if ids is None else tuple(ids) for ids in (element_base_ids, element_ids, class_ids, object_ids)
        )
        ids = known.get(key)
        if ids is None:
            ids = known[key] = build(element_base_ids, element_ids, class_ids, object_ids)
        return ids

    appearance.build_all_combined_ids = build_all_combined_ids  # type: ignore[method-assign]


# ---------------------------------------------------------------- entry points
def shipped_scenarios() -> list[Path]:
    from game.ui.match import SCENARIO_DIR

    return sorted(SCENARIO_DIR.glob("*.yaml"))


def _default_scenario() -> str | None:
    paths = shipped_scenarios()
    for p in paths:
        if p.stem == DEFAULT_SCENARIO:
            return str(p)
    return str(paths[0]) if paths else None


def _seats_arg(text: str | None, scenario) -> tuple[str, ...]:
    if not text:
        return ()
    ids = [a.id for a in scenario.actors]
    seats = tuple(s.strip() for s in text.split(",") if s.strip())
    for s in seats:
        if s not in ids:
            raise OptionError(f"--actor: unknown actor '{s}' (actors: {', '.join(ids)})")
    return seats


def _load_for_cli(path: str, sets: dict):
    from game.ui.match import load_file

    return load_file(resolve_scenario_path(path), sets)


def _print_diags(diags) -> None:
    for d in diags:
        print(d, file=sys.stderr)


def run_play(args: WindowOptions) -> int:
    """``main.py play``; raises OptionError for an --actor the scenario does not have."""
    sets = args.sets
    shot = args.screenshot
    settings = Settings() if shot else load_settings()
    size = args.size or ((1280, 720) if shot else settings.size)
    seed = args.seed if args.seed is not None else random.randrange(1, 1_000_000)
    path = args.file
    if shot:
        return _screenshot_play(args, path or _default_scenario(), sets, seed, size, settings)
    app = App(settings, size, fixed_size=args.size is not None)
    if path is None:
        app.open_title(seed=args.seed, sets=sets)
        return app.run()
    path = resolve_scenario_path(path)
    try:
        loaded, _raw = _load_for_cli(path, sets)
    except ScenarioError as exc:
        app.show_errors(path, exc.diagnostics, retry=lambda: _retry_play(app, path, args.actor, seed, sets))
        return app.run()
    seats = _seats_arg(args.actor, loaded.scenario)
    if not seats:
        app.open_title(preselect=path, seed=args.seed, sets=sets)
    else:
        app.load_and_start(path, seats, seed, sets, policies=args.policies)
    return app.run()


def _retry_play(app: App, path: str, actor: str | None, seed: int, sets: dict) -> None:
    try:
        loaded, _raw = _load_for_cli(path, sets)
    except ScenarioError as exc:
        app.show_errors(path, exc.diagnostics, retry=lambda: _retry_play(app, path, actor, seed, sets))
        return
    seats = _seats_arg(actor, loaded.scenario) if actor else ()
    if seats:
        app.load_and_start(path, seats, seed, sets)
    else:
        app.open_title(preselect=path, seed=seed, sets=sets)


def _screenshot_play(args: WindowOptions, path: str | None, sets: dict, seed: int, size, settings) -> int:
    from game.ui.screens.briefing import BriefingScreen
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.game_screen import GameScreen

    shot = args.screenshot
    if shot is None:
        raise ValueError("a screenshot run needs --screenshot")
    app = App(settings, size, fixed_size=True)
    screen = args.screen or "board"
    if path is None or screen == "title":
        app.open_title(preselect=path, seed=seed, sets=sets)
        app.capture(shot)
        return 0
    path = resolve_scenario_path(path)
    try:
        loaded, raw = _load_for_cli(path, sets)
    except ScenarioError as exc:
        _print_diags(exc.diagnostics)
        app.show_errors(path, exc.diagnostics)
        app.capture(shot)
        return 1
    seats = _seats_arg(args.actor, loaded.scenario) or (
        next((a.id for a in loaded.scenario.actors if a.playable), loaded.scenario.actors[0].id),
    )
    match = Match(path, loaded, raw, (), seed, 0, sets, ai_seats=seats)
    match.autosave = False
    for _ in range(args.after_turns):
        if match.session.done:
            break
        match.step_ai()
    if screen == "debrief":
        match.session.run_ai_to_end()
        app.stack.reset(DebriefScreen(app, match))
    else:
        app.stack.reset(GameScreen(app, match))
        if screen == "briefing":
            app.stack.push(BriefingScreen(app, match))
    app.capture(shot)
    return 0


def run_watch(args: WindowOptions) -> int:
    """``main.py watch``: game ``args.game`` of a batch, every seat played by its AI."""
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.game_screen import GameScreen

    sets = args.sets
    shot = args.screenshot
    settings = Settings() if shot else load_settings()
    size = args.size or ((1280, 720) if shot else settings.size)
    app = App(settings, size, fixed_size=bool(shot or args.size))
    path = resolve_scenario_path(args.file or "")
    try:
        loaded, raw = _load_for_cli(path, sets)
    except ScenarioError as exc:
        if shot:
            _print_diags(exc.diagnostics)
            app.show_errors(path, exc.diagnostics)
            app.capture(shot)
            return 1
        app.show_errors(path, exc.diagnostics)
        return app.run()
    match = Match(path, loaded, raw, (), 1 if args.seed is None else args.seed, args.game, sets)
    match.autosave = False
    board = GameScreen(app, match, speed=max(0.05, args.speed or 1.0))
    app.stack.reset(board)
    if shot:
        for _ in range(args.after_turns):
            if match.session.done:
                break
            board.advance()
            app.work.wait()
        if args.screen == "debrief":
            match.session.run_ai_to_end()
            app.stack.reset(DebriefScreen(app, match))
        app.capture(shot)
        return 0
    return app.run()


def run_title(args: WindowOptions) -> int:
    """``python main.py``: the title screen (or, with ``args.screenshot``, a picture of it, or of
    the default scenario's ``args.screen``)."""
    if args.screenshot:
        path = _default_scenario() if args.screen != "title" else None
        return _screenshot_play(args, path, args.sets, args.seed or 1, args.size or (1280, 720), Settings())
    settings = load_settings()
    app = App(settings, args.size or settings.size, fixed_size=args.size is not None)
    app.open_title(seed=args.seed, sets=args.sets)
    return app.run()
