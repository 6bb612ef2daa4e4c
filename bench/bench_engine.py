"""Engine speed and memory, measured (not asserted): prints figures for the README and notes.

    python bench/bench_engine.py [SCENARIO] [--games 100000,1000000] [--workers 1,2]
                                 [--engines compiled,numpy] [--repeat 3]

For each engine (``compiled``: the C kernel headless runs use; ``numpy``: ``Batch``, the
engine the window and ``replay`` use), size and number of worker processes: game-turns
per second (the best of ``--repeat`` fresh processes), wall time and peak memory; then
each engine run game by game (one game per call) for the ratio; the time to load and
validate the scenario; and the time to build the kernel on a cold cache and to load it
from a warm one. The machine is shared and noisy: read figures as +-20%.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
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
path, games, workers, engine = {path!r}, {games}, {workers}, {engine!r}
spec = RunSpec(read_bytes(path), display_name(path), 1, engine=engine)
t = time.perf_counter()
tally = simulate(spec, games, workers)
dt = time.perf_counter() - t
turns = int((np.arange(len(tally.turns)) * tally.turns).sum())
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps(dict(seconds=dt, game_turns=turns, peak_mb=max(self_kb, kids_kb) / 1024)))
"""

BUILD = r"""
import os, sys, time
sys.path.insert(0, {root!r})
import numpy as np
from game.runners.load import load_scenario
from game.runners.local import policies_for
from game.runners import kernel_cache
rules = load_scenario({path!r}).rules
t = time.perf_counter()
assert kernel_cache.kernel(rules, policies_for(rules), "compiled") is not None
print(time.perf_counter() - t)
"""


def _run(code: str, env: dict) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT, env={**os.environ, **env}
    )
    return out.stdout.strip().splitlines()[-1]


def measure(path: str, games: int, workers: int, engine: str, repeat: int = 1) -> dict:
    """The best of ``repeat`` fresh processes (the least disturbed by the machine's other work)."""
    code = CHILD.format(root=ROOT, path=path, games=games, workers=workers, engine=engine)
    runs = [json.loads(_run(code, {})) for _ in range(repeat)]
    best = min(runs, key=lambda m: m["seconds"])
    best["peak_mb"] = max(m["peak_mb"] for m in runs)
    return best


def game_by_game(path: str, n: int = 300, engine: str = "numpy") -> float:
    """Game-turns per second when each game is its own batch (one call per game)."""
    import numpy as np

    from game.engine.batch import Batch
    from game.runners import kernel_cache
    from game.runners.load import load_scenario
    from game.runners.local import policies_for

    rules = load_scenario(path).rules
    pols = policies_for(rules)
    if engine == "compiled":
        kernel_cache.kernel(rules, pols, "compiled")
        n *= 20
    t = time.perf_counter()
    turns = 0
    for g in range(n):
        games = np.array([g], dtype=np.uint64)
        b = (
            kernel_cache.play(rules, 1, games, pols, "compiled")
            if engine == "compiled"
            else Batch(rules, 1, games, pols).run()
        )
        turns += int(b.turns[0])
    return turns / (time.perf_counter() - t)


def load_time(path: str, repeat: int = 5) -> float:
    code = (
        f"import sys, time; sys.path.insert(0, {ROOT!r}); t = time.perf_counter();"
        f"from game.runners.load import load_scenario; load_scenario({path!r});"
        "print(time.perf_counter() - t)"
    )
    return min(float(_run(code, {})) for _ in range(repeat))


def build_times(path: str) -> tuple[float, float]:
    """Seconds to build the kernel on an empty cache, and to load it from a warm one."""
    code = BUILD.format(root=ROOT, path=path)
    with tempfile.TemporaryDirectory() as cache:
        env = {"REDLINE_CACHE": cache}
        return float(_run(code, env)), float(_run(code, env))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", nargs="?", default=os.path.join(ROOT, "scenarios", "atacms_2024.yaml"))
    ap.add_argument("--games", default="100000,1000000")
    ap.add_argument("--workers", default="1")
    ap.add_argument("--engines", default="compiled,numpy")
    ap.add_argument("--repeat", type=int, default=3, help="fresh processes per figure; the best is shown")
    args = ap.parse_args()
    from game.runners import kernel_cache

    path = os.path.relpath(args.scenario, ROOT)
    engines = [e for e in args.engines.split(",") if e != "compiled" or kernel_cache.compiler() is not None]
    print(f"scenario: {path}; all actors AI; {os.cpu_count()} cores; chunks of 16384 games; best of {args.repeat} runs")
    print(f"load + validate + compile rules (fresh process, imports included): {load_time(path) * 1000:.0f} ms")
    if "compiled" in engines:
        cold, warm = build_times(path)
        print(f"kernel: generate + cc on an empty cache {cold:.2f} s; from the cache {warm * 1000:.0f} ms")
    gbg = {e: game_by_game(path, engine=e) for e in engines}
    for e in engines:
        print(f"game by game ({e}, one game per call): {gbg[e]:,.0f} game-turns/s")
    base = gbg.get("numpy")
    print("x 1-game: against the same engine called once per game; x interactive: against Batch on one game,")
    print("the engine of the window and of replay")
    print(
        f"{'engine':>9} {'games':>10} {'workers':>7} {'seconds':>8} {'game-turns/s':>14} {'x 1-game':>9} "
        f"{'x interactive':>14} {'peak MB':>8}"
    )
    for e in engines:
        for workers in (int(w) for w in args.workers.split(",")):
            for games in (int(g) for g in args.games.split(",")):
                m = measure(path, games, workers, e, args.repeat)
                rate = m["game_turns"] / m["seconds"]
                inter = f"{rate / base:>14.0f}" if base else f"{'-':>14}"
                print(
                    f"{e:>9} {games:>10,} {workers:>7} {m['seconds']:>8.1f} {rate:>14,.0f} {rate / gbg[e]:>9.0f} "
                    f"{inter} {m['peak_mb']:>8.0f}"
                )


if __name__ == "__main__":
    main()
