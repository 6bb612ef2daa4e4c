"""The window's speed, measured (not asserted): frame times, AI turn latency, debrief replays.

    SDL_VIDEODRIVER=dummy python bench/bench_ui.py [SCENARIO]

Prints the p50/p95 time to update and draw one frame of the board at 1280x720 (with and
without a range ring), the time the AI takes for one turn of a game (a batch of one), and
the time of the debrief's "your decisions, replayed 1,000 times". Headless drawing is a fair
proxy for the CPU side of a frame; a real display adds the blit to the screen.
"""

from __future__ import annotations

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

import numpy as np  # noqa: E402


def frames(app, n: int = 240) -> tuple[float, float]:
    times = []
    for _ in range(n):
        t = time.perf_counter()
        app.frame(1 / 60)
        app.draw()
        times.append(time.perf_counter() - t)
    ms = np.array(times[20:]) * 1000
    return float(np.percentile(ms, 50)), float(np.percentile(ms, 95))


def main() -> None:
    from game.engine.session import Session
    from game.ui.app import App
    from game.ui.debrief_data import replay_shares
    from game.ui.match import Match
    from game.ui.screens.game_screen import GameScreen
    from game.ui.settings import Settings

    path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "scenarios", "atacms_2024.yaml")
    app = App(Settings(), (1280, 720), fixed_size=True)
    probe = Match.start(path, (), 1)
    seat = next(a.id for a in probe.scenario.actors if a.playable)
    match = Match.start(path, (seat,), 1)
    board = GameScreen(app, match)
    app.stack.reset(board)
    p50, p95 = frames(app)
    print(f"scenario: {os.path.relpath(path, ROOT)}, board at 1280x720")
    print(f"frame (update + draw), board:            p50 {p50:5.1f} ms   p95 {p95:5.1f} ms   (60 fps = 16.7 ms)")
    weapon = next((o for o in board.legal_options() if o.weapon), None)
    if weapon is not None:
        board.selected = weapon.instance
        board.refresh_selection()
        frames(app, 30)
        p50, p95 = frames(app)
        print(f"frame, board with a range ring:          p50 {p50:5.1f} ms   p95 {p95:5.1f} ms")

    rules = match.session.rules
    steps = []
    for game in range(20):
        s = Session(rules, 7, (), game=game)
        while not s.done:
            t = time.perf_counter()
            s.step()
            steps.append(time.perf_counter() - t)
    ms = np.array(steps) * 1000
    print(
        f"AI turn (all actors, one game, {len(ms)} turns): p50 {np.percentile(ms, 50):5.1f} ms   "
        f"p95 {np.percentile(ms, 95):5.1f} ms   (target: under 20 ms)"
    )

    played = Session(rules, 3, (seat,))
    while not played.done:
        opts = [o for o in played.options(seat) if o.legal]
        played.step({seat: opts[len(opts) // 2].instance})
    t = time.perf_counter()
    replay_shares(played, (seat,))
    print(f"debrief: your decisions replayed 1,000 times + the AI in the seat: {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
