"""The window's speed, measured (not asserted): frame times on the board of every shipped scenario,
while turns resolve and are put on the board and while the debrief computes, in this tree and in
a git worktree of a baseline commit (default 5c51bae), alternating, in one run.

    SDL_VIDEODRIVER=dummy python bench/bench_ui.py [--turns N] [--repeat R] [--baseline REV] [SCENARIO ...]

Each measurement is a fresh process running this file's ``measure`` on the tree's own ``game``
package at 1280x720. Frames are paced at 60 per second as in the game; a frame's time is the time
to poll the worker, handle events, update and draw (not the wait for the next tick), on the wall
clock and in the main thread's CPU time (on a busy machine the wall clock also counts the waits
for a core: the load average is printed). "idle" is the board before any key; "turn" every frame
from the Enter press until the new turn is on the board, plus a few; "debrief" every frame from
Enter on "See the debrief" until the debrief is built and drawn. The frames of the repeats are
pooled. Headless drawing is a fair proxy for the CPU side of a frame; a real display adds the blit.

``--save FILE`` writes the figures as JSON.
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
TREE = os.environ.get("REDLINE_BENCH_TREE", ROOT)  # whose ``game`` a child process measures
sys.path.insert(0, TREE)
sys.path.insert(1, os.path.join(ROOT, "bench"))

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

    def summary(self) -> dict[str, float]:
        """The figures ``--save`` writes."""
        w, c = self.wall, self.cpu
        return {
            "p50_wall": self._p(w, 50),
            "p95_wall": self._p(w, 95),
            "p50_cpu": self._p(c, 50),
            "p95_cpu": self._p(c, 95),
            "max_wall": max(w, default=0.0),
            "max_cpu": max(c, default=0.0),
            "frames": len(w),
        }

    def row(self) -> str:
        """p50, p95 and max of the wall clock, then of the CPU time."""
        w, c = self.wall, self.cpu
        return (
            f"{self._p(w, 50):8.1f} {self._p(w, 95):5.1f} {max(w, default=0):6.1f}"
            f"  {self._p(c, 50):7.1f} {self._p(c, 95):5.1f} {max(c, default=0):6.1f}"
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


def child(path: str, turns: int) -> None:
    """In a fresh process: measure ``path`` on ``TREE``'s board and print the frames as JSON."""
    from game.ui.app import App
    from game.ui.screens.game_screen import GameScreen
    from game.ui.settings import Settings

    app = App(Settings(), (1280, 720), fixed_size=True)
    got = measure(app, GameScreen, path, turns)
    app.work.shutdown()
    print(json.dumps({kind: {"wall": f.wall, "cpu": f.cpu} for kind, f in got.items()}), flush=True)


def run_child(tree: str, path: str, turns: int) -> dict[str, Figures]:
    """One measurement of ``path`` in a fresh process on ``tree``'s ``game`` package."""
    import subprocess

    env = dict(os.environ, REDLINE_BENCH_TREE=tree, REDLINE_HOME=tempfile.mkdtemp(prefix="redline-bench-"))
    cmd = [sys.executable, os.path.abspath(__file__), "--child", path, "--turns", str(turns)]
    p = subprocess.run(cmd, cwd=tree, env=env, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(f"{tree}: {os.path.basename(path)}: the bench failed:\n{p.stderr[-2000:]}")
    data = json.loads(p.stdout.strip().splitlines()[-1])
    return {kind: Figures(tuple(v["wall"]), tuple(v["cpu"])) for kind, v in data.items()}


def pooled(runs: list[dict[str, Figures]]) -> dict[str, Figures]:
    """The frames of several runs as one set per moment."""
    kinds = runs[0].keys()
    return {k: Figures(sum((r[k].wall for r in runs), ()), sum((r[k].cpu for r in runs), ())) for k in kinds}


def main() -> None:
    from bench_startup import BASELINE, worktree

    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("scenarios", nargs="*", help="scenario files (default: every shipped scenario)")
    p.add_argument("--turns", type=int, default=4, help="turns ended with Enter per scenario (default 4)")
    p.add_argument("--repeat", type=int, default=2, help="fresh processes per scenario and tree (default 2)")
    p.add_argument("--baseline", default=BASELINE, help=f"the commit to compare with (default {BASELINE})")
    p.add_argument("--no-baseline", action="store_true", help="measure this tree only")
    p.add_argument("--save", metavar="FILE", help="write the figures as JSON")
    p.add_argument("--child", metavar="SCENARIO", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.child:
        child(args.child, args.turns)
        return
    paths = args.scenarios or sorted(
        os.path.join(ROOT, "scenarios", f) for f in os.listdir(os.path.join(ROOT, "scenarios")) if f.endswith(".yaml")
    )
    trees = {"now": ROOT}
    if not args.no_baseline:
        trees[args.baseline] = worktree(args.baseline)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    results: dict[str, dict[str, dict[str, Figures]]] = {}
    for path in paths:
        name = os.path.relpath(path, ROOT)
        runs: dict[str, list[dict[str, Figures]]] = {label: [] for label in trees}
        for _ in range(args.repeat):
            for label, tree in trees.items():  # alternating, so both see the same load
                runs[label].append(run_child(tree, os.path.join(tree, name), args.turns))
        results[name] = {label: pooled(got) for label, got in runs.items()}
    end_load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"frame times in ms at 1280x720, 60 fps pacing, {args.repeat} fresh processes pooled "
        f"(target: p95 wall under 16.7); load average {load:.1f} at the start, {end_load:.1f} at the end"
    )
    head = f"{'wall p50':>8} {'p95':>5} {'max':>6}  {'cpu p50':>7} {'p95':>5} {'max':>6}"
    print(f"  {'scenario':<32} {'moment':<8} {'tree':<8} {head}")
    for name, by_tree in results.items():
        for kind in ("idle", "turn", "debrief"):
            for label, figs in by_tree.items():
                print(f"  {name:<32} {kind:<8} {label:<8} {figs[kind].row()}")
    if args.save:
        saved = {
            "load": [load, end_load],
            "scenarios": {
                n: {t: {k: f.summary() for k, f in fs.items()} for t, fs in bt.items()} for n, bt in results.items()
            },
        }
        with open(args.save, "w", encoding="utf-8") as fh:
            json.dump(saved, fh, indent=1)


if __name__ == "__main__":
    main()
