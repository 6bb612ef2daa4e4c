"""Sweep/runner speed and memory, measured (not asserted): prints figures for docs/balance.md.

    python bench/bench_sweep.py [SCENARIO] [--games 1000000] [--workers 1,2] [--ten-million] [--out DIR]

Runs the scenario (default: the seed scenario, scenarios/atacms_2024.yaml, or the tutorial
when it is absent) with every actor AI through the sweep runner (one point: the scenario's
own values), in a fresh process per measurement, and prints game-turns per second, wall
time and peak memory: the peak of the whole process tree (main process + worker processes,
sampled every 50 ms) and the largest single process. Then the same engine run game by game
(batches of one) for the ratio. ``--ten-million`` adds a 10,000,000-game run (chunked,
flat memory; a few minutes); ``--out DIR`` makes that run write its full report (chunks,
games.csv.gz, plots) to DIR as well. The machine may be shared and noisy: read +-20%.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as main.py does
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_engine import game_by_game  # noqa: E402  (the same game-by-game baseline)

CHILD = r"""
import json, os, resource, sys, threading, time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, {root!r})

def tree_rss(pid):
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{{p}}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            for t in os.listdir(f"/proc/{{p}}/task"):
                with open(f"/proc/{{p}}/task/{{t}}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except OSError:
            pass
    return total

peak = [0]
stop = threading.Event()
def sample():
    while not stop.is_set():
        peak[0] = max(peak[0], tree_rss(os.getpid()))
        time.sleep(0.05)
threading.Thread(target=sample, daemon=True).start()

from game.loader.load import display_name, resolved_source
from game.runners.sweep import Sweep, run_sweep
path, games, workers, out = {path!r}, {games}, {workers}, {out!r}
sw = Sweep(resolved_source(path), display_name(path), [], games, 1)
t = time.perf_counter()
res = run_sweep(sw, workers, out=out or None)
dt = time.perf_counter() - t
stop.set()
self_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps(dict(seconds=dt, compute_seconds=res["run"]["seconds"], game_turns=res["run"]["game_turns"],
                      tree_peak_mb=peak[0] / 1024, process_peak_mb=max(self_kb, kids_kb) / 1024,
                      main_peak_mb=self_kb / 1024)))
"""


def measure(path: str, games: int, workers: int, out: str = "") -> dict:
    code = CHILD.format(root=ROOT, path=path, games=games, workers=workers, out=out)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if p.returncode:
        raise SystemExit(p.stderr)
    return json.loads(p.stdout.strip().splitlines()[-1])


def row(games: int, workers: int, m: dict, gbg: float) -> str:
    rate = m["game_turns"] / m["compute_seconds"]
    return (
        f"{games:>11,} {workers:>7} {m['compute_seconds']:>8.1f} {rate:>14,.0f} {rate / gbg:>8.0f}x "
        f"{m['tree_peak_mb']:>9.0f} {m['process_peak_mb']:>11.0f}"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    seed = os.path.join(ROOT, "scenarios", "atacms_2024.yaml")
    ap.add_argument(
        "scenario",
        nargs="?",
        default=seed if os.path.exists(seed) else os.path.join(ROOT, "scenarios", "tutorial.yaml"),
    )
    ap.add_argument("--games", type=int, default=1_000_000)
    ap.add_argument("--workers", default="1,2")
    ap.add_argument("--ten-million", action="store_true", help="also run 10,000,000 games on the most workers")
    ap.add_argument("--out", default="", help="with --ten-million: write that run's report to this folder")
    args = ap.parse_args()
    path = os.path.relpath(args.scenario, ROOT)
    workers = [int(w) for w in args.workers.split(",")]
    from game.diagnostics import ScenarioError
    from game.runners import kernel_cache
    from game.runners.load import load_scenario

    try:
        load_scenario(os.path.join(ROOT, path))
    except ScenarioError as exc:
        raise SystemExit(f"{path} does not load (is someone editing it?):\n{exc}") from None
    print(f"scenario: {path}; all actors AI; {os.cpu_count()} cores; chunks of 16384 games; sweep runner")
    gbg = game_by_game(path, engine="compiled" if kernel_cache.compiler() is not None else "numpy")
    print(f"game by game (one game per call, the same engine): {gbg:,.0f} game-turns/s")
    print(
        f"{'games':>11} {'workers':>7} {'seconds':>8} {'game-turns/s':>14} {'vs gbg':>9} {'peak MB':>9} "
        f"{'largest MB':>11}"
    )
    print(f"{'':>11} {'':>7} {'':>8} {'':>14} {'':>9} {'(all)':>9} {'(1 process)':>11}")
    for w in workers:
        print(row(args.games, w, measure(path, args.games, w), gbg), flush=True)
    if args.ten_million:
        w = max(workers)
        m = measure(path, 10_000_000, w, os.path.abspath(args.out) if args.out else "")
        print(row(10_000_000, w, m, gbg) + ("   (with --out: chunks, games.csv.gz, report)" if args.out else ""))
        if args.out:
            print(
                f"10M with report: {m['seconds']:.0f} s in all ({m['seconds'] - m['compute_seconds']:.0f} s "
                "writing results.json, plots and report.html)"
            )


if __name__ == "__main__":
    main()
