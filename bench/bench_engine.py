"""Engine speed and memory, measured (not asserted): prints figures for the README and notes.

    python bench/bench_engine.py [SCENARIO] [--games 100000,1000000] [--workers 1,2]

For each size: game-turns per second, wall time and the peak memory of a fresh process;
then the same engine run game by game (batches of one) for the ratio, and the time to
load and validate the scenario. The machine is shared and noisy: read figures as +-20%.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as main.py does
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

CHILD = r"""
import json, os, resource, sys, time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, {root!r})
import numpy as np
from game.loader.load import read_bytes, display_name
from game.runners.local import RunSpec, simulate
path, games, workers = {path!r}, {games}, {workers}
spec = RunSpec(read_bytes(path), display_name(path), 1)
t = time.perf_counter()
tally = simulate(spec, games, workers)
dt = time.perf_counter() - t
turns = int((np.arange(len(tally.turns)) * tally.turns).sum())
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps(dict(seconds=dt, game_turns=turns, peak_mb=max(self_kb, kids_kb) / 1024)))
"""


def measure(path: str, games: int, workers: int) -> dict:
    code = CHILD.format(root=ROOT, path=path, games=games, workers=workers)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(out.stdout.strip().splitlines()[-1])


def game_by_game(path: str, n: int = 300) -> float:
    import numpy as np

    from game.engine.batch import Batch
    from game.loader.load import load_scenario
    from game.runners.local import policies_for

    rules = load_scenario(path).rules
    pols = policies_for(rules)
    t = time.perf_counter()
    turns = 0
    for g in range(n):
        b = Batch(rules, 1, np.array([g], dtype=np.uint64), pols).run()
        turns += int(b.turns[0])
    return turns / (time.perf_counter() - t)


def load_time(path: str, repeat: int = 5) -> float:
    code = (f"import sys, time; sys.path.insert(0, {ROOT!r}); t = time.perf_counter();"
            f"from game.loader.load import load_scenario; load_scenario({path!r});"
            "print(time.perf_counter() - t)")
    best_cold = min(float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                         check=True).stdout) for _ in range(repeat))
    return best_cold


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", nargs="?", default=os.path.join(ROOT, "scenarios", "atacms_2024.yaml"))
    ap.add_argument("--games", default="100000,1000000")
    ap.add_argument("--workers", default="1")
    args = ap.parse_args()
    path = os.path.relpath(args.scenario, ROOT)
    print(f"scenario: {path}; all actors AI; {os.cpu_count()} cores; numpy chunks of 16384 games")
    print(f"load + validate + compile (fresh process, imports included): {load_time(path) * 1000:.0f} ms")
    gbg = game_by_game(path)
    print(f"game by game (batches of one): {gbg:,.0f} game-turns/s")
    print(f"{'games':>10} {'workers':>7} {'seconds':>8} {'game-turns/s':>14} {'x game-by-game':>15} {'peak MB':>8}")
    for workers in (int(w) for w in args.workers.split(",")):
        for games in (int(g) for g in args.games.split(",")):
            m = measure(path, games, workers)
            rate = m["game_turns"] / m["seconds"]
            print(f"{games:>10,} {workers:>7} {m['seconds']:>8.1f} {rate:>14,.0f} {rate / gbg:>15.0f} "
                  f"{m['peak_mb']:>8.0f}")


if __name__ == "__main__":
    main()
