"""The debrief's strategy panel, timed on each shipped scenario: what the student waits for.

    python bench/bench_explore.py [SCENARIO ...] [--budget SECONDS] [--games N]

For each scenario and its first seat, a game is played by the AI to the end (the student's
decisions), then ``comparison_for`` runs as the debrief's worker thread runs it, and the bench
prints: the wall time of the whole panel (search, the outcome's choice, the fresh games) against
the issue's 10 s, the CPU time, the tables searched and the figures shown. The machine may be
shared and busy: CPU time is what a laptop would spend; wall time is what this machine took.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from game.ui.match import Match  # noqa: E402
from game.ui.panels.explore_panel import BUDGET, GAMES, comparison_for  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHIPPED = ("tutorial", "cuba_1962", "atacms_2024")
LIMIT_S = 10.0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenarios", nargs="*", default=list(SHIPPED))
    ap.add_argument("--budget", type=float, default=BUDGET, help=f"the panel's search budget (default {BUDGET})")
    ap.add_argument("--games", type=int, default=GAMES, help=f"fresh games behind its figures (default {GAMES})")
    args = ap.parse_args()
    print(f"{'scenario':12} {'seat':12} {'wall s':>7} {'cpu s':>7} {'tables':>7}  figures")
    for name in args.scenarios:
        match = Match.start(os.path.join(ROOT, "scenarios", f"{name}.yaml"), (), 1)
        match.autosave = False
        seat = match.scenario.actors[0].id
        match.session.run_ai_to_end()
        wall, cpu = time.perf_counter(), time.process_time()
        r = comparison_for(match, seat, args.budget, args.games)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        tables = 0
        if isinstance(r, str):
            figures = r
        else:
            tables = r.candidates
            figures = (
                f"{r.outcome}: best {100 * r.best.rate.share:.1f}%, yours {100 * r.yours.share:.1f}%, "
                f"doctrine {100 * r.doctrine.share:.1f}% | {r.best.words[:70]}"
            )
        flag = "" if wall < LIMIT_S else f"  (over {LIMIT_S:g} s here)"
        print(f"{name:12} {seat:12} {wall:7.1f} {cpu:7.1f} {tables:7,}  {figures}{flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
