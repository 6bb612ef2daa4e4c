"""The window's speed, measured (not asserted): frame times on the board of every shipped scenario,
including the frames while a turn resolves and while the debrief computes, beside the previous
version of the board (which resolved on the frame loop) in the same run.

    SDL_VIDEODRIVER=dummy python bench/bench_ui.py [--turns N] [SCENARIO ...]

Frames are paced at 60 per second as in the game; a frame's time is the time to poll the
worker, handle events, update and draw (not the wait for the next tick), on the wall clock and
in the main thread's CPU time (on a busy machine the wall clock also counts the waits for a core).
"now" is the board as it is; "before" the same board resolving on the frame loop. "turn" counts every
frame from the Enter press until the new turn is on the board; "debrief" every frame from Enter
on "See the debrief" until the debrief is built and drawn. Beside each figure, the same board working as
before the worker thread (everything inside the frame that took the key): what a student saw.
Headless drawing is a fair proxy for the CPU side of a frame; a real display adds the blit.

``--save FILE`` writes the p50/p95 figures as JSON; ``--baseline FILE`` prints a saved run's
p95 figures beside this run's (e.g. the same bench run on an older checkout):

    python bench/bench_ui.py --now-only --save /tmp/now.json --baseline /tmp/before.json
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as main.py does
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("REDLINE_HOME", tempfile.mkdtemp(prefix="redline-bench-"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import attrs  # noqa: E402
import numpy as np  # noqa: E402
import pygame  # noqa: E402

FRAME = 1 / 60
SETTLE_FRAMES = 3  # frames after the new screen is drawn, still counted (what the student sees next)


@attrs.frozen
class Figures:
    """Frame times in milliseconds of one kind of moment: wall clock, and the main thread's CPU
    time (what the frame itself cost, whatever else the machine runs)."""

    wall: tuple[float, ...]
    cpu: tuple[float, ...]

    @staticmethod
    def _p(values: tuple[float, ...], q: float) -> float:
        return float(np.percentile(values, q)) if values else float("nan")

    @property
    def p95_wall(self) -> float:
        return self._p(self.wall, 95)

    @property
    def p95_cpu(self) -> float:
        return self._p(self.cpu, 95)

    def summary(self) -> dict[str, float]:
        """The figures a later run prints beside its own (``--baseline``)."""
        w, c = self.wall, self.cpu
        return {
            "p50_wall": self._p(w, 50),
            "p95_wall": self._p(w, 95),
            "p50_cpu": self._p(c, 50),
            "p95_cpu": self._p(c, 95),
            "frames": len(w),
        }

    def cell(self) -> str:
        w, c = self.wall, self.cpu
        return (
            f"p50 {self._p(w, 50):5.1f} p95 {self._p(w, 95):6.1f} max {max(w, default=0):6.1f}"
            f" | cpu p95 {self._p(c, 95):6.1f} max {max(c, default=0):6.1f}"
        )


class Frames:
    """Frame times being collected."""

    def __init__(self) -> None:
        self.wall: list[float] = []
        self.cpu: list[float] = []

    def figures(self) -> Figures:
        return Figures(tuple(self.wall), tuple(self.cpu))


def paced_frame(app, frames: Frames | None) -> None:
    """One frame at 60 fps: its own time recorded, then the rest of the tick waited."""
    t, c = time.perf_counter(), time.thread_time()
    app.frame(FRAME)
    took = time.perf_counter() - t
    if frames is not None:
        frames.wall.append(took * 1000)
        frames.cpu.append((time.thread_time() - c) * 1000)
    if took < FRAME:
        time.sleep(FRAME - took)


def press(key: int) -> None:
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0))


def settled(app, board) -> bool:
    return not app.work.jobs and not getattr(board, "pending_panels", None)


def measure(app, board_class, path: str, turns: int) -> dict[str, Figures]:
    """Idle board, turns ended with Enter, then the rest played by the AI and the debrief opened."""
    from game.ui.match import Match

    probe = Match.start(path, (), 1)
    seat = next(a.id for a in probe.scenario.actors if a.playable)
    match = Match.start(path, (seat,), 1)
    board = board_class(app, match)
    app.stack.reset(board)
    idle = Frames()
    for _ in range(20):
        paced_frame(app, None)
    for _ in range(120):
        paced_frame(app, idle)
    turn_frames = Frames()
    for _ in range(turns):
        if match.session.done:
            break
        before = match.session.turn
        press(pygame.K_RETURN)
        paced_frame(app, turn_frames)
        while not (match.session.turn > before and settled(app, board)):
            paced_frame(app, turn_frames)
        for _ in range(SETTLE_FRAMES):
            paced_frame(app, turn_frames)
    match.session.run_ai_to_end()
    board.relayout()
    for _ in range(10):
        paced_frame(app, None)
    debrief_frames = Frames()
    press(pygame.K_RETURN)
    paced_frame(app, debrief_frames)
    while app.stack.top is board or app.work.jobs or app.stack.top.settling:  # until the debrief is built
        paced_frame(app, debrief_frames)
    for _ in range(SETTLE_FRAMES):
        paced_frame(app, debrief_frames)
    return {"idle": idle.figures(), "turn": turn_frames.figures(), "debrief": debrief_frames.figures()}


def frame_loop_board():
    """Today's board made to work as the board did before the worker thread: the turn resolved,
    the debrief's replays computed and every panel rebuilt inside the frame that took the key."""
    from game.ui.debrief_data import replay_shares
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.game_screen import GameScreen

    class FrameLoopBoard(GameScreen):
        def end_turn(self, by_click: bool = False) -> None:
            if self.match.session.done:
                self.open_debrief()
                return
            plan = self.presenter.take_choice()
            if plan is not None:
                self.match.end_turn_with(plan)
            self.relayout()

        def open_debrief(self) -> None:
            replays = replay_shares(self.match.session, tuple(self.match.seats or self.match.ai_seats))
            self.app.stack.push(DebriefScreen(self.app, self.match, replays=replays))

    return FrameLoopBoard


def print_beside(now: dict, path: str) -> None:
    """p95 wall and CPU of a saved run (``path``) and of this run, per scenario and moment."""
    with open(path, encoding="utf-8") as fh:
        base = json.load(fh)
    print(f"\np95 in ms, baseline ({path}, load {base['load']:.1f}) -> now (load {now['load']:.1f})")
    print(f"  {'scenario':<28} {'moment':<8} {'wall':>17} {'cpu':>17}")
    for name, kinds in now["scenarios"].items():
        for kind, fig in kinds.items():
            old = base["scenarios"].get(name, {}).get(kind)
            if old is None:
                continue
            wall = f"{old['p95_wall']:.1f} -> {fig['p95_wall']:.1f}"
            cpu = f"{old['p95_cpu']:.1f} -> {fig['p95_cpu']:.1f}"
            print(f"  {name:<28} {kind:<8} {wall:>17} {cpu:>17}")


def main() -> None:
    from game.ui.app import App
    from game.ui.screens.game_screen import GameScreen
    from game.ui.settings import Settings

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("scenarios", nargs="*", help="scenario files (default: every shipped scenario)")
    p.add_argument("--turns", type=int, default=4, help="turns ended with Enter per scenario (default 4)")
    p.add_argument("--now-only", action="store_true", help="skip the board as it was before the worker thread")
    p.add_argument("--save", metavar="FILE", help="write this run's p50/p95 figures as JSON")
    p.add_argument("--baseline", metavar="FILE", help="a run saved with --save, printed beside this one")
    args = p.parse_args()
    paths = args.scenarios or sorted(
        os.path.join(ROOT, "scenarios", f) for f in os.listdir(os.path.join(ROOT, "scenarios")) if f.endswith(".yaml")
    )
    app = App(Settings(), (1280, 720), fixed_size=True)
    old = frame_loop_board()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"frame times in ms at 1280x720, 60 fps pacing (target: p95 under 16.7); load average {load:.1f}")
    summary = []
    for path in paths:
        name = os.path.relpath(path, ROOT)
        now = measure(app, GameScreen, path, args.turns)
        before = None if args.now_only else measure(app, old, path, args.turns)
        print(f"\n{name}")
        for kind in ("idle", "turn", "debrief"):
            print(f"  {kind:<8} now     {now[kind].cell()}")
            if before is not None:
                print(f"  {'':<8} before  {before[kind].cell()}")
        summary.append((name, now))
    print("\np95 of frames in ms, wall clock beside the main thread's CPU (target: wall under 16.7)")
    print(f"  {'scenario':<28} {'turn wall':>10} {'turn cpu':>9} {'debrief wall':>13} {'debrief cpu':>12}")
    for name, now in summary:
        turn, brief = now["turn"], now["debrief"]
        print(
            f"  {name:<28} {turn.p95_wall:>10.1f} {turn.p95_cpu:>9.1f} {brief.p95_wall:>13.1f} {brief.p95_cpu:>12.1f}"
        )
    saved = {"load": load, "scenarios": {name: {k: f.summary() for k, f in now.items()} for name, now in summary}}
    if args.save:
        with open(args.save, "w", encoding="utf-8") as fh:
            json.dump(saved, fh, indent=1)
    if args.baseline:
        print_beside(saved, args.baseline)
    app.work.shutdown()


if __name__ == "__main__":
    main()
