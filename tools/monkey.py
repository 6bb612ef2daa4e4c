#!/usr/bin/env python3
"""The monkey: seeded random input into the real screen stack, with invariants after each event.

It posts pygame events (key presses and holds, clicks on random points and on real widgets,
Shift+clicks, drags, the wheel, window resizes, F-keys, Esc, Enter, digits) into the app's own
event queue and runs the app's own frame (``App.frame``) after each one, under
SDL_VIDEODRIVER=dummy. Episodes start at the title screen, a briefing of any shipped scenario
(one seat or hot-seat) or a replay being watched. After every event it checks:

- no exception escaped the frame;
- the screen stack is not empty, its top is not paused and every screen under it is;
- a turn advances only by an explicit end-turn: a fresh press of Enter (not a key repeat) or a
  click on the end-turn button, on the board, one per human seat and turn;
- every decision in the game (and in the autosave) is one the monkey chose when it ended a turn;
- closing an overlay (Esc, or its Back/Cancel/Done button) returns to the screen below it;
- no event's frames take longer than ``--hang-seconds`` (a watchdog thread then prints the main
  thread's stack and raises ``Hang`` in it), and no job of the worker runs longer than
  ``--worker-seconds`` (its thread's stack is reported).

The worker thread's results (a turn resolved, the debrief's replays, a reload) reach the frame
loop when the thread happens to finish, so with ``--worker real`` a run depends on the
machine's timing and a failure may not replay. The default, ``--worker lag``, hands each
result back a seeded number of frames after its job was submitted (waiting for the thread if it
is late): input still arrives while the game is busy, and a seed replays exactly. ``--worker
wait`` hands every result back at the next frame.

A failure names the seed and the event index, so it replays::

    python tools/monkey.py --seed 7 --events 1200      # replays seed 7 up to event 1200
    python tools/monkey.py --minutes 30                # seeds 1, 2, ... for 30 minutes

tests/test_monkey.py runs the same code on a few seeds.
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import random
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any

import attrs

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pygame  # noqa: E402
import pygame_gui  # noqa: E402

from game.ui import saves  # noqa: E402
from game.ui.app import App, shipped_scenarios  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.screens.base import buttons_in  # noqa: E402
from game.ui.screens.overlay import Overlay  # noqa: E402
from game.ui.settings import Settings  # noqa: E402
from game.ui.work import Job, Worker  # noqa: E402

END_KEYS = (pygame.K_RETURN, pygame.K_KP_ENTER)
# keys a student meets: the game's own keys, digits, and some that mean nothing here
KEYS = (
    [pygame.K_RETURN] * 6
    + [pygame.K_KP_ENTER, pygame.K_ESCAPE, pygame.K_ESCAPE, pygame.K_ESCAPE]
    + [pygame.K_F1, pygame.K_F2, pygame.K_F5, pygame.K_F11, pygame.K_F12]
    + [pygame.K_1 + i for i in range(9)]
    + [pygame.K_KP1, pygame.K_KP5]
    + [pygame.K_UP, pygame.K_DOWN, pygame.K_LEFT, pygame.K_RIGHT, pygame.K_TAB, pygame.K_SPACE]
    + [pygame.K_HOME, pygame.K_BACKSPACE, pygame.K_PAGEUP, pygame.K_PAGEDOWN]
    + [pygame.K_w, pygame.K_a, pygame.K_s, pygame.K_d, pygame.K_h, pygame.K_n, pygame.K_r, pygame.K_l, pygame.K_x]
    + [pygame.K_SLASH]
)
SIZES = ((1280, 720), (1920, 1080), (960, 600), (1440, 810), (1000, 900), (2200, 800), (700, 500))
CLOSE_WORDS = ("Back", "Cancel", "Done", "Close", "OK", "Got it")
HANG_SECONDS = 10.0  # one event's frames longer than this: the window froze
WORKER_SECONDS = 60.0  # a job of the worker thread longer than this: it never finishes
WORKER_MODES = ("lag", "wait", "real")
LAGS = (1, 1, 1, 2, 3, 5, 8, 13, 30, 60)  # frames from a job's submission to its result (--worker lag)


@attrs.frozen
class Failure:
    """One broken invariant or exception, with what replays it."""

    seed: int
    event: int  # 1-based index of the event after which it was seen
    message: str
    detail: str = ""
    after: str = ""  # the event, in words ("Escape pressed", "a click on 'Help and keys (F1)'")

    def __str__(self) -> str:
        after = f" ({self.after})" if self.after else ""
        return (
            f"monkey seed {self.seed}, event {self.event}{after}: {self.message}\n"
            f"  replay: python tools/monkey.py --seed {self.seed} --events {self.event}"
            + (f"\n{self.detail}" if self.detail else "")
        )


@attrs.frozen
class Report:
    """What one run did: events sent, screens and scenarios seen, failures."""

    seed: int
    events: int
    episodes: int
    turns_ended: int
    screens: frozenset[str]
    failures: tuple[Failure, ...]


class Invariant(Exception):
    """An invariant does not hold (the message says which, in words)."""


class Hang(BaseException):
    """Raised in the frame loop by the watchdog: one event's frames took longer than the limit.
    A BaseException, so no ``except Exception`` of the game on the way swallows it."""


def thread_stack(ident: int | None) -> str:
    """The Python stack of the thread ``ident`` now (empty if it has ended)."""
    frame = sys._current_frames().get(ident) if ident is not None else None  # noqa: SLF001 - a watchdog's job
    return "".join(traceback.format_stack(frame)) if frame is not None else ""


def raise_in_thread(ident: int, exc: type[BaseException] | None) -> None:
    """Make ``exc`` raise in thread ``ident`` at its next Python instruction (None: cancel that)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(ident), ctypes.py_object(exc) if exc else None)


class Watchdog:
    """A thread that watches the frame loop: when one ``guard``ed call runs longer than ``limit``
    seconds it prints where the loop is (``where()`` says which seed and event) and the loop's
    stack to stderr at once, keeps that stack in ``stack``, and raises ``Hang`` in the loop.

    A loop stuck in C (no Python instruction to raise at) is still reported when the limit passes;
    it raises ``Hang`` when it comes back."""

    def __init__(self, limit: float, where: Callable[[], str]):
        self.limit = limit
        self.where = where
        self.loop = threading.get_ident()
        self.stack = ""
        self._lock = threading.Lock()
        self._since: float | None = None
        self._fired = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="monkey-watchdog", daemon=True)
        self._thread.start()

    def guard(self, fn: Callable[[], None]) -> None:
        """Run ``fn``; ``Hang`` if it outlasts the limit."""
        with self._lock:
            self._since, self._fired = time.monotonic(), False
        try:
            fn()
        finally:
            with self._lock:
                self._since = None
                fired = self._fired
                if fired:  # fired as fn returned: the Hang may still be pending, deliver it here instead
                    raise_in_thread(self.loop, None)
        if fired:
            raise Hang

    def close(self) -> None:
        self._stop.set()
        self._thread.join()

    def _watch(self) -> None:
        while not self._stop.wait(min(0.2, self.limit / 4)):
            with self._lock:
                if self._since is None or self._fired or time.monotonic() - self._since < self.limit:
                    continue
                self._fired = True
                self.stack = thread_stack(self.loop)
                print(
                    f"monkey: {self.where()}: no frame for {self.limit:g} s; the frame loop is at:\n{self.stack}",
                    file=sys.stderr,
                    flush=True,
                )
                raise_in_thread(self.loop, Hang)


class LagWorker(Worker):
    """The game's worker thread, with its results handed back to the frame loop a seeded number of
    frames (``lags``) after each job was submitted rather than when the thread happens to finish:
    the same seed then replays the same run. ``due_soon`` waits for the jobs the next frame hands
    back (outside the watchdog's guard: a job's time is the worker's limit, not a frame's)."""

    def __init__(self, seed: int, lags: tuple[int, ...]):
        super().__init__()
        self.rng = random.Random(seed)
        self.lags = lags
        self.frames = 0
        self.due: dict[int, int] = {}  # id of a job's future -> the frame that hands its result back

    def submit(self, label, fn, *args, on_done=None) -> Job:
        job = super().submit(label, fn, *args, on_done=on_done)
        self.due[id(job.future)] = self.frames + self.rng.choice(self.lags)
        return job

    def due_soon(self, timeout: float) -> Job | None:
        """Wait for the jobs the next frame hands back; the first one still running after
        ``timeout`` seconds (None: all finished)."""
        end = time.monotonic() + timeout
        for job in self.jobs:
            if self.due[id(job.future)] > self.frames + 1:
                break
            try:
                job.future.exception(timeout=max(0.0, end - time.monotonic()))
            except FutureTimeout:
                return job
        return None

    def poll(self) -> None:
        self.frames += 1
        while self.jobs and self.due[id(self.jobs[0].future)] <= self.frames and self.jobs[0].future.done():
            job = self.jobs.pop(0)
            del self.due[id(job.future)]
            result = job.future.result()
            if job.on_done is not None:
                job.on_done(result)


@attrs.define
class MatchLedger:
    """What the monkey did to one match: end-turn presses and the choice on the board at each."""

    match: Match
    first_turn: int
    first_decisions: int
    presses: int = 0
    chosen: set = attrs.field(factory=set)  # (turn, seat, instance)


class Monkey:
    """Drives one App with one seed; ``run(n)`` sends n events and returns a Report."""

    def __init__(
        self,
        seed: int,
        size: tuple[int, int] = (1280, 720),
        stop_at_first: bool = True,
        draw_every: int = 1,
        worker: str = "lag",
        hang_seconds: float = HANG_SECONDS,
        worker_seconds: float = WORKER_SECONDS,
    ):
        if worker not in WORKER_MODES:
            raise ValueError(f"worker mode {worker!r}: one of {', '.join(WORKER_MODES)}")
        self.seed = seed
        self.draw_every = draw_every
        self.size = size
        self.worker = worker
        self.worker_seconds = worker_seconds
        self.rng = random.Random(seed)
        self.lag_rng = random.Random(seed)  # the worker's lags: their own stream, the same for a seed
        random.seed(seed)  # the title screen draws its game seeds from ``random``
        self.watchdog = Watchdog(hang_seconds, lambda: f"seed {self.seed}, event {self.index}")
        self.app = self._new_app()
        self.scenarios = [str(p) for p in shipped_scenarios()]
        self.stop_at_first = stop_at_first
        self.index = 0
        self.episodes = 0
        self.turns_ended = 0
        self.failures: list[Failure] = []
        self.screens_seen: set[str] = set()
        self.held: set[int] = set()
        self.ledgers: dict[int, MatchLedger] = {}
        self.autosave_mtime: float | None = None

    def _new_app(self) -> App:
        """The window, with the worker the mode asks for."""
        app = App(Settings(width=self.size[0], height=self.size[1]), self.size, fixed_size=True)
        if self.worker != "real":
            app.work.shutdown()
            app.work = LagWorker(self.lag_rng.randrange(1 << 30), LAGS if self.worker == "lag" else (1,))
        return app

    def _replace_app(self) -> None:
        """After a hang the window's state is whatever the interrupted code left: start a new one
        (its worker thread too; a stuck job gets ``Hang`` raised in it, and is left behind)."""
        old = self.app
        for thread in list(getattr(old.work._pool, "_threads", ())):  # noqa: SLF001 - its one thread
            if thread.is_alive() and thread.ident is not None:
                raise_in_thread(thread.ident, Hang)
        old.work._pool.shutdown(wait=False, cancel_futures=True)  # noqa: SLF001
        pygame.display.quit()
        self.app = self._new_app()
        self.app.running = False
        self.held.clear()

    def close(self) -> None:
        self.watchdog.close()
        self.app.work._pool.shutdown(wait=False, cancel_futures=True)  # noqa: SLF001

    # ------------------------------------------------------------ episodes
    def new_episode(self) -> None:
        """Start again from the title, a briefing (one seat or hot-seat) or a watched replay."""
        app = self.app
        app.running = True
        app.instructor = False
        self.held.clear()
        self.episodes += 1
        kind = self.rng.choice(("title", "title", "play", "play", "hotseat", "watch"))
        path = self.rng.choice(self.scenarios)
        seed = self.rng.randrange(1, 1000)
        if kind == "title":
            app.open_title()
            return
        match = Match.start(path, (), seed)
        playable = [a.id for a in match.scenario.actors if a.playable] or [match.scenario.actors[0].id]
        if kind == "watch":
            from game.ui.screens.game_screen import GameScreen

            watched = Match.start(path, (), seed, game=self.rng.randrange(0, 50))
            watched.autosave = False
            app.stack.reset(GameScreen(app, watched, speed=self.rng.choice((1.0, 4.0))))
            return
        n = 2 if kind == "hotseat" and len(playable) > 1 else 1
        seats = tuple(self.rng.sample(playable, n))
        app.load_and_start(path, seats, seed)

    # ------------------------------------------------------------ input
    def _post(self, event: pygame.event.Event) -> None:
        pygame.event.post(event)
        self._before_frame(event)
        self._frame(event)

    def _key(self, key: int, down: bool, mod: int = 0) -> None:
        kind = pygame.KEYDOWN if down else pygame.KEYUP
        name = pygame.key.name(key)
        text = name if len(name) == 1 and not mod & pygame.KMOD_CTRL else ""
        if key == pygame.K_SLASH and mod & pygame.KMOD_SHIFT:
            text = "?"
        self._post(pygame.event.Event(kind, key=key, mod=mod, unicode=text, scancode=0))
        if down:
            self.held.add(key)
        else:
            self.held.discard(key)

    def _mouse(self, kind: int, pos: tuple[int, int], button: int = 1) -> None:
        pygame.mouse.set_pos(pos)
        if kind == pygame.MOUSEMOTION:
            buttons = (1, 0, 0) if button else (0, 0, 0)
            self._post(pygame.event.Event(kind, pos=pos, rel=(0, 0), buttons=buttons))
        else:
            self._post(pygame.event.Event(kind, pos=pos, button=button))

    def _point(self) -> tuple[int, int]:
        w, h = self.app.size
        return self.rng.randrange(0, w), self.rng.randrange(0, h)

    def _widget_point(self) -> tuple[int, int] | None:
        """The centre of a random visible button (on the top screen when it has some)."""
        buttons = [
            e
            for e in self.app.manager.get_sprite_group().sprites()
            if isinstance(e, pygame_gui.elements.UIButton) and e.visible and e.alive()
        ]
        if not buttons:
            return None
        b = self.rng.choice(buttons)
        return b.rect.centerx, b.rect.centery

    def actions(self) -> Iterator[None]:
        """One action after another (each posts one or more events)."""
        rng = self.rng
        while True:
            r = rng.random()
            if r < 0.36:
                key = rng.choice(KEYS)
                mod = pygame.KMOD_SHIFT if key == pygame.K_SLASH or rng.random() < 0.05 else 0
                if rng.random() < 0.04:
                    key, mod = rng.choice((pygame.K_s, pygame.K_l)), pygame.KMOD_CTRL
                self._key(key, True, mod)
                yield
                self._key(key, False, mod)
                yield
            elif r < 0.44:  # a key held down: the OS repeats KEYDOWN until it is let go
                key = rng.choice((pygame.K_RETURN, pygame.K_RETURN, pygame.K_ESCAPE, pygame.K_DOWN, pygame.K_F1))
                for _ in range(rng.randrange(2, 25)):
                    self._key(key, True)
                    yield
                self._key(key, False)
                yield
            elif r < 0.72:
                pos = self._widget_point() or self._point()
                shift = rng.random() < 0.15
                if shift:
                    pygame.key.set_mods(pygame.KMOD_SHIFT)
                self._mouse(pygame.MOUSEBUTTONDOWN, pos)
                yield
                self._mouse(pygame.MOUSEBUTTONUP, pos)
                yield
                pygame.key.set_mods(0)
            elif r < 0.8:
                pos = self._point()
                button = rng.choice((1, 1, 3))
                self._mouse(pygame.MOUSEBUTTONDOWN, pos, button)
                yield
                self._mouse(pygame.MOUSEBUTTONUP, pos, button)
                yield
            elif r < 0.85:  # a drag
                a, b = self._point(), self._point()
                self._mouse(pygame.MOUSEBUTTONDOWN, a)
                yield
                for i in range(1, 5):
                    p = (a[0] + (b[0] - a[0]) * i // 4, a[1] + (b[1] - a[1]) * i // 4)
                    self._mouse(pygame.MOUSEMOTION, p)
                    yield
                self._mouse(pygame.MOUSEBUTTONUP, b)
                yield
            elif r < 0.91:
                pygame.mouse.set_pos(self._point())
                self._post(pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=rng.choice((-3, -1, 1, 2)), flipped=False))
                yield
            elif r < 0.97:  # hover somewhere (tooltips, hover cards)
                self._mouse(pygame.MOUSEMOTION, self._point(), 0)
                yield
            else:
                w, h = rng.choice(SIZES)
                self._post(pygame.event.Event(pygame.VIDEORESIZE, w=w, h=h, size=(w, h)))
                yield

    # ------------------------------------------------------------ bookkeeping around a frame
    def _board(self) -> Any:
        top = self.app.stack.top
        return top if top is not None and top.name == "board" else None

    def _ledger(self, match: Match) -> MatchLedger:
        led = self.ledgers.get(id(match))
        if led is None or led.match is not match:
            led = MatchLedger(match, match.session.turn, len(match.session.decisions))
            # a match rebuilt mid-turn (a reload, a loaded save) keeps the hot-seat choices made on
            # the one it replaces: each was an end-turn press
            turn = match.session.turn
            led.presses = len(match.pending)
            led.chosen = {(turn, seat, choice[0]) for seat, choice in match.pending.items()}
            self.ledgers[id(match)] = led
            if len(self.ledgers) > 40:
                self.ledgers.pop(next(iter(self.ledgers)))
        return led

    def _end_turn_press(self, event) -> bool:
        """Is ``event`` an explicit end-turn on a board that can end one?"""
        board = self._board()
        if board is None or board.watch or board.match.session.done:
            return False
        if event.type == pygame.KEYDOWN:
            return event.key in END_KEYS and event.key not in self.held and not event.mod & pygame.KMOD_CTRL
        if event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            btn = getattr(board, "end_btn", None)
            return btn is not None and btn.visible and btn.rect.collidepoint(event.pos)
        return False

    def _before_frame(self, event) -> None:
        self._stack_before = list(self.app.stack.screens)
        self._event = event
        self._closing, self._event_words = self._read_event(event)
        if self._end_turn_press(event):
            board = self._board()
            led = self._ledger(board.match)
            led.presses += 1
            led.chosen.add((board.match.session.turn, board.seat, _selected(board)))
            self.turns_ended += 1

    def _read_event(self, event) -> tuple[bool, str]:
        """Whether ``event`` closes the overlay on top (Esc, or a click on its Back/Cancel/Done...
        button, read before the frame: after it, the screen that opened may have a Back button
        at the same place), and the event in words for a failure's report."""
        top = self.app.stack.top
        if event.type in (pygame.KEYDOWN, pygame.KEYUP):
            verb = "released" if event.type == pygame.KEYUP else "held" if event.key in self.held else "pressed"
            words = f"{pygame.key.name(event.key) or event.key} {verb}"
            return event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE and isinstance(top, Overlay), words
        if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP):
            hit = [
                b.text or ""
                for b in buttons_in(top.root if top is not None else None)
                if b.rect.collidepoint(event.pos)
            ]
            verb = "release" if event.type == pygame.MOUSEBUTTONUP else "press"
            words = f"mouse button {event.button} {verb} at {tuple(event.pos)}" + (f" on '{hit[-1]}'" if hit else "")
            closing = event.type == pygame.MOUSEBUTTONUP and isinstance(top, Overlay)
            return closing and any(w in text for text in hit for w in CLOSE_WORDS), words
        return False, pygame.event.event_name(event.type)

    def _frame(self, event) -> None:
        """The app's own frame; with ``draw_every`` > 1 most frames skip drawing (a faster run),
        but a frame after the stack changed always draws. A button release gets a second frame:
        pygame_gui posts the button's press then, and a person's next key comes later than 16 ms
        (without it, a click on "Back" and the next Esc land in one frame and read as one act).
        Each frame runs under the watchdog; the worker's jobs due in it are waited for first."""
        self.index += 1
        draw = self.index % self.draw_every == 0 or self.app.stack.screens != self._stack_before
        try:
            for _ in range(2 if event.type == pygame.MOUSEBUTTONUP else 1):
                if self._worker_late():
                    return
                self.watchdog.guard(lambda: self._one_frame(draw))
        except Hang:
            self._hung(f"one event's frames took more than {self.watchdog.limit:g} s (the window froze)")
            return
        except Exception as exc:  # noqa: BLE001 - the monkey reports every exception with its seed
            self._fail(f"{type(exc).__name__}: {exc}", traceback.format_exc())
            return
        if self._worker_late():
            return
        try:
            self.check(event)
        except Invariant as exc:
            self._fail(str(exc))

    def _one_frame(self, draw: bool) -> None:
        app = self.app
        if draw:
            app.frame(1 / 60)
            return
        setattr(app, "draw", _no_drawing)  # noqa: B010 - an instance attribute over the method
        try:
            app.frame(1 / 60)
        finally:
            del app.draw

    def _worker_late(self) -> bool:
        """A job of the worker past ``worker_seconds`` is a failure (with the worker thread's
        stack), and the run goes on in a new window. With a LagWorker, waits for the jobs the
        next frame hands back."""
        work = self.app.work
        if isinstance(work, LagWorker):
            late = work.due_soon(self.worker_seconds)
        else:
            now = time.monotonic()
            late = next((j for j in work.jobs if not j.future.done() and now - j.started > self.worker_seconds), None)
        if late is None:
            return False
        threads = list(getattr(work._pool, "_threads", ()))  # noqa: SLF001 - the stack of its one thread
        stack = "".join(thread_stack(t.ident) for t in threads)
        self._fail(
            f"the worker's job '{late.label or late.future}' has run for more than {self.worker_seconds:g} s",
            f"the worker thread is at:\n{stack}",
        )
        self._replace_app()
        return True

    def _hung(self, message: str) -> None:
        self._fail(message, f"the frame loop was at:\n{self.watchdog.stack}")
        self._replace_app()

    def _fail(self, message: str, detail: str = "") -> None:
        self.failures.append(Failure(self.seed, self.index, message, detail, getattr(self, "_event_words", "")))
        self.app.running = False  # the next action starts a new episode

    # ------------------------------------------------------------ invariants
    def check(self, event) -> None:
        app = self.app
        if not app.running:
            return
        stack = app.stack.screens
        if not stack:
            raise Invariant("the screen stack is empty")
        top = stack[-1]
        self.screens_seen.add(type(top).__name__)
        if top.paused:
            raise Invariant(f"the top screen {type(top).__name__} is paused (it would not answer)")
        under = [type(s).__name__ for s in stack[:-1] if not s.paused]
        if under:
            raise Invariant(f"{', '.join(under)} under {type(top).__name__} not paused")
        self._check_overlay_close(event)
        board: Any = next((s for s in reversed(stack) if s.name == "board"), None)
        if board is not None and not board.watch:
            self._check_turns(board.match)

    def _check_overlay_close(self, event) -> None:
        before = self._stack_before
        if not before or not isinstance(before[-1], Overlay) or not self._closing:
            return
        overlay = before[-1]
        stack = self.app.stack.screens
        if overlay not in stack and stack != before[:-1]:
            names = " > ".join(type(s).__name__ for s in stack)
            was = " > ".join(type(s).__name__ for s in before)
            raise Invariant(f"closing {type(overlay).__name__} left [{names}], not the screen below ([{was}] minus it)")

    def _check_turns(self, match: Match) -> None:
        led = self._ledger(match)
        sess = match.session
        advanced = sess.turn - led.first_turn
        humans = max(1, len(match.seats))
        if advanced * humans > led.presses:
            raise Invariant(
                f"{match.scenario.meta.id}: the turn went from {led.first_turn} to {sess.turn} "
                f"after {led.presses} end-turn press(es) for {humans} seat(s)"
            )
        for d in sess.decisions[led.first_decisions :]:
            for seat in match.seats:
                got = d["choices"].get(seat)
                if (d["turn"], seat, got) not in led.chosen:
                    raise Invariant(
                        f"{match.scenario.meta.id}: turn {d['turn']} holds {seat}'s choice {got}, "
                        f"never chosen by an end-turn (chosen: {sorted(led.chosen, key=str)})"
                    )
        self._check_autosave(match, led)

    def _check_autosave(self, match: Match, led: MatchLedger) -> None:
        path = saves.autosave_path()
        try:
            mtime = path.stat().st_mtime_ns
        except OSError:
            return
        if mtime == self.autosave_mtime:
            return
        self.autosave_mtime = mtime
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise Invariant(f"the autosave {path} is not readable JSON") from None
        sess = match.session
        same_game = (
            data.get("scenario") == match.scenario.meta.id
            and data.get("seed") == sess.seed
            and data.get("game") == sess.game
            and data.get("humans") == list(match.seats)
        )
        if not same_game:
            return
        saved = data.get("decisions", [])
        if saved != sess.decisions[: len(saved)]:
            raise Invariant(f"{match.scenario.meta.id}: the autosave's decisions differ from the game's")

    # ------------------------------------------------------------ run
    def _start_episode(self) -> None:
        """A new episode; one that fails to start (e.g. the board cannot be built at the window's
        size, or its building hangs) is a failure like any other, and the run goes on from the
        title screen."""
        self._event_words = "starting an episode"
        try:
            self.watchdog.guard(self.new_episode)
        except Hang:
            self._hung(f"starting an episode took more than {self.watchdog.limit:g} s")
        except Exception as exc:  # noqa: BLE001 - reported with its seed and event index
            self._fail(f"starting an episode: {type(exc).__name__}: {exc}", traceback.format_exc())
        else:
            return
        self.app.running = True
        self.app.open_title()

    def run(self, n_events: int, deadline: float | None = None) -> Report:
        actions = self.actions()
        self._start_episode()
        episode_end = self.index + self.rng.randrange(150, 700)
        while self.index < n_events and (deadline is None or time.monotonic() < deadline):
            if self.stop_at_first and self.failures:
                break
            if not self.app.running or self.index >= episode_end:
                self._start_episode()
                episode_end = self.index + self.rng.randrange(150, 700)
                actions = self.actions()  # a new episode does not finish the last one's key holds
            next(actions)
        return Report(
            self.seed,
            self.index,
            self.episodes,
            self.turns_ended,
            frozenset(self.screens_seen),
            tuple(self.failures),
        )


def _no_drawing() -> None:
    """Stands in for ``App.draw`` on frames the monkey does not draw."""


def _selected(board) -> int | None:
    """The instance the board has selected (the presenter's, once the board has one)."""
    presenter = getattr(board, "presenter", None)
    return getattr(presenter, "selected", None) if presenter is not None else board.selected


def run_seed(
    seed: int,
    n_events: int,
    deadline: float | None = None,
    stop_at_first: bool = True,
    draw_every: int = 1,
    **options: Any,
) -> Report:
    """One seed's run in a fresh temporary home (settings, saves, screenshots); ``options`` go to
    Monkey (worker, hang_seconds, worker_seconds)."""
    with tempfile.TemporaryDirectory(prefix="redline-monkey-") as home:
        old = os.environ.get("REDLINE_HOME")
        os.environ["REDLINE_HOME"] = home
        monkey = None
        try:
            monkey = Monkey(seed, stop_at_first=stop_at_first, draw_every=draw_every, **options)
            return monkey.run(n_events, deadline)
        finally:
            if monkey is not None:
                monkey.close()
            if old is None:
                os.environ.pop("REDLINE_HOME", None)
            else:
                os.environ["REDLINE_HOME"] = old
            pygame.display.quit()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python tools/monkey.py", description=__doc__.split("\n\n")[0])
    p.add_argument("--seed", type=int, default=1, help="the first seed (default 1)")
    p.add_argument("--events", type=int, default=3000, help="events per seed (default 3000)")
    p.add_argument("--seeds", type=int, default=1, help="how many seeds, from --seed on (default 1)")
    p.add_argument("--minutes", type=float, default=None, help="run seeds one after another for this long")
    p.add_argument("--keep-going", action="store_true", help="after a failure, start a new episode and go on")
    p.add_argument("--draw-every", type=int, default=1, help="draw one frame in N (default 1: every frame)")
    p.add_argument(
        "--worker",
        choices=WORKER_MODES,
        default="lag",
        help="when the worker's results reach the frame loop: lag (a seeded number of frames after each job "
        "started: replays), wait (at the next frame: replays), real (when the thread finishes: may not replay)",
    )
    p.add_argument(
        "--hang-seconds",
        type=float,
        default=HANG_SECONDS,
        help=f"fail when one event's frames take longer (default {HANG_SECONDS:g})",
    )
    p.add_argument(
        "--worker-seconds",
        type=float,
        default=WORKER_SECONDS,
        help=f"fail when one job of the worker thread takes longer (default {WORKER_SECONDS:g})",
    )
    args = p.parse_args(argv)
    options = {"worker": args.worker, "hang_seconds": args.hang_seconds, "worker_seconds": args.worker_seconds}
    end = time.monotonic() + args.minutes * 60 if args.minutes else None
    seed, done, total = args.seed, 0, 0
    failures: list[Failure] = []
    screens: set[str] = set()
    t0 = time.monotonic()
    while (end is not None and time.monotonic() < end) or (end is None and done < args.seeds):
        rep = run_seed(seed, args.events, end, not args.keep_going, max(1, args.draw_every), **options)
        done, total = done + 1, total + rep.events
        screens |= rep.screens
        failures += rep.failures
        status = f"{len(rep.failures)} failure(s)" if rep.failures else "ok"
        print(
            f"seed {seed}: {rep.events} events, {rep.episodes} episodes, {rep.turns_ended} end-turn presses: {status}",
            flush=True,
        )
        for f in rep.failures:
            print(f, flush=True)
        seed += 1
    print(
        f"{done} seed(s), {total} events in {time.monotonic() - t0:.0f} s: {len(failures)} failure(s); "
        f"screens seen: {', '.join(sorted(screens))}"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
