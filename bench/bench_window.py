"""How long a student waits for the window: the title screen's first frame from a fresh process,
and the briefing's full dossier from the key press to its first frame and to the last line laid
out, in this tree and in a git worktree of a baseline commit, alternating, in one run.

    python bench/bench_window.py [--baseline REV] [--repeat 3] [--scenario FILE --seat ACTOR]

Each run is a fresh ``python`` (the SDL dummy driver: the CPU side of a frame; a real display adds
the blit) that builds the window as ``python main.py`` does, draws the title screen once, then opens
the scenario's briefing and presses D. Printed: the best of ``--repeat`` runs, wall clock and CPU
(on a shared, loaded machine the wall clock mostly measures the wait for a core), and the load.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_startup import worktree  # noqa: E402  (the same baseline checkout)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHILD = r"""
import os, sys, time, json
cpu0 = time.process_time()
sys.path.insert(0, os.getcwd())
from game.ui.app import App
from game.ui.settings import Settings
from game.ui.match import Match
from game.ui.screens.briefing import BriefingScreen
import pygame

def frame(app):
    for s in list(app.stack.screens):
        s.update(1 / 60)
    app.manager.update(1 / 60)
    app.draw()
    pygame.display.flip()

app = App(Settings(), (1280, 720), fixed_size=True)
app.open_title()
frame(app)
print("first-frame", time.process_time() - cpu0, flush=True)
match = Match.start(sys.argv[1], (sys.argv[2],), 7)
brief = BriefingScreen(app, match)
app.stack.reset(brief)
frame(app)
t, c = time.perf_counter(), time.process_time()
brief.show_page("dossier")
frame(app)
shown = (time.perf_counter() - t, time.process_time() - c)
while brief.settling:
    frame(app)
done = (time.perf_counter() - t, time.process_time() - c)
print(json.dumps({"dossier_shown": shown, "dossier_done": done}), flush=True)
"""


def run_once(tree: str, scenario: str, seat: str, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """(wall, CPU) seconds of one fresh process: start to the title's first frame, the dossier."""
    t = time.perf_counter()
    p = subprocess.Popen(
        [sys.executable, "-c", CHILD, os.path.join(tree, scenario), seat],
        cwd=tree,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert p.stdout is not None
    first = p.stdout.readline().split()
    wall_first = time.perf_counter() - t
    rest = p.stdout.readline()
    err = p.stderr.read() if p.stderr else ""
    if p.wait() or len(first) != 2 or not rest:
        raise SystemExit(f"{tree}: the window did not open:\n{err}")
    got = {k: tuple(v) for k, v in json.loads(rest).items()}
    return {"first frame": (wall_first, float(first[1])), **got}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", default="8485b8b", help="the commit to compare with (default 8485b8b)")
    ap.add_argument("--repeat", type=int, default=3, help="fresh processes per tree (default 3)")
    ap.add_argument("--scenario", default="scenarios/atacms_2024.yaml", help="the briefing to open")
    ap.add_argument("--seat", default="russia", help="the seat it is opened for")
    args = ap.parse_args()
    trees = {"new": ROOT, "baseline": worktree(args.baseline)}
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1")
    env["PYTHONPYCACHEPREFIX"] = os.path.join(tempfile.gettempdir(), "redline-bench-pycache")
    env["REDLINE_HOME"] = tempfile.mkdtemp(prefix="redline-bench-")
    for tree in trees.values():
        run_once(tree, args.scenario, args.seat, env)  # warm-up: fills the byte-code cache
    runs: dict[str, list[dict]] = {k: [] for k in trees}
    for _ in range(args.repeat):
        for label, tree in trees.items():
            runs[label].append(run_once(tree, args.scenario, args.seat, env))
    print(f"best of {args.repeat} fresh processes; {args.scenario} as {args.seat}; load {os.getloadavg()[0]:.1f}")
    print(f"{'':<18} {'new wall':>9} {'new CPU':>8}   {'base wall':>9} {'base CPU':>8}")
    for key, what in (
        ("first frame", "title first frame"),
        ("dossier_shown", "dossier shown"),
        ("dossier_done", "dossier laid out"),
    ):
        (nw, nc), (bw, bc) = ((min(r[key][0] for r in got), min(r[key][1] for r in got)) for got in runs.values())
        print(f"{what:<18} {nw:>8.2f}s {nc:>7.2f}s   {bw:>8.2f}s {bc:>7.2f}s")


if __name__ == "__main__":
    main()
