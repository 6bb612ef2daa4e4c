"""Sweep speed and the parent's memory, new vs a baseline commit, side by side in one run.

    python bench/bench_sweep.py [SCENARIO ...] [--games 1000000,4000000] [--workers 2] [--repeat 1]
                                [--runner sweep,simulate] [--baseline REV] [--out DIR] [--ten-million]

For each scenario (default: the tutorial and ATACMS), runner (``sweep``: ``run_sweep`` at the
scenario's own values; ``simulate``: ``local.simulate``, what ``simulate`` runs), number of
games and tree (this one, and a git
worktree of REV, default 5c51bae, made under the temp folder when missing), a fresh process
plays every game with every actor AI and prints:

- compute: the runner's wall time, from its start to the last chunk folded (the sweep's own
  ``run.seconds``: before results.json and the plots);
- kernel: the time spent inside ``play_games`` (the engine itself), summed over the chunks in
  every worker and divided by the number of workers, so compute/kernel is the runner's
  overhead (scenario loads, pickling, folding, writing);
- CPU: the same two in CPU seconds, which a loaded machine does not inflate: the runner's
  (the parent's and every worker's, from its start to its workers' exit) and the kernel's
  (summed over the workers); their ratio is the overhead in work, whatever the wait for a core;
- parent MB: the peak resident memory of the parent process alone (sampled every 50 ms): it
  must stay flat as the number of games grows.

With ``--repeat N`` each row runs N times per tree, alternating, and shows the best of each figure.

``--out DIR`` makes the sweep write its report files (chunks, games.csv.gz, manifest) under
DIR, so their cost is in ``compute``. The machine may be shared and noisy: read +-20%, and
compare the two trees' rows, run back to back. A warm-up run per tree first builds the kernels
and fills the caches (as any earlier run on a user's machine would).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_startup import worktree  # noqa: E402  (the same baseline checkout)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CHILD = r"""
import json, os, resource, sys, threading, time
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
sys.path.insert(0, {root!r})

def rss_kb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0

peak = [0]
stop = threading.Event()
def sample():
    while not stop.is_set():
        peak[0] = max(peak[0], rss_kb())
        time.sleep(0.05)

import game.runners.local as local
from game.loader.load import display_name, resolved_source
from game.runners.sweep import Sweep, run_sweep

log = {log!r}
inner = local.play_games
def timed(*args, **kwargs):
    t, c = time.perf_counter(), time.process_time()
    done = inner(*args, **kwargs)
    with open(log, "a") as fh:  # each worker (forked with this wrapper) appends its own lines
        fh.write(f"{{time.perf_counter() - t}} {{time.process_time() - c}}\n")
    return done

def cpu():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime  # workers count once they exit
local.play_games = timed

path, games, workers, runner, out = {path!r}, {games}, {workers}, {runner!r}, {out!r}
source, name = resolved_source(path), display_name(path)
threading.Thread(target=sample, daemon=True).start()
t, c = time.perf_counter(), cpu()
if runner == "sweep":  # its own clock: to the last chunk folded, before results.json and the plots
    compute = run_sweep(Sweep(source, name, [], games, 1), workers, out=out or None)["run"]["seconds"]
else:
    local.simulate(local.RunSpec(source, name, 1), games, workers)
    compute = time.perf_counter() - t
runner_cpu = cpu() - c
stop.set()
with open(log) as fh:
    lines = [line.split() for line in fh.read().splitlines()]
kernel, kernel_cpu = sum(float(w) for w, _ in lines), sum(float(k) for _, k in lines)
print(json.dumps(dict(
    compute=compute, kernel=kernel / workers, cpu=runner_cpu, kernel_cpu=kernel_cpu, parent_mb=peak[0] / 1024
)))
"""


def measure(tree: str, path: str, runner: str, games: int, workers: int, out: str) -> dict:
    log = os.path.join(tempfile.gettempdir(), f"redline-bench-kernel-{os.getpid()}.log")
    if os.path.exists(log):
        os.unlink(log)
    code = CHILD.format(root=tree, path=path, games=games, workers=workers, runner=runner, out=out, log=log)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tree)
    if os.path.exists(log):
        os.unlink(log)
    if p.returncode:
        raise SystemExit(f"{tree}: {runner} of {games:,} games failed:\n{p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenario", nargs="*", default=["scenarios/tutorial.yaml", "scenarios/atacms_2024.yaml"])
    ap.add_argument("--games", default="1000000,4000000", help="comma-separated game counts")
    ap.add_argument("--workers", default="2", help="comma-separated worker counts (default 2)")
    ap.add_argument("--runner", default="sweep,simulate", help="sweep, simulate or both (comma-separated)")
    ap.add_argument("--baseline", default="5c51bae", help="the commit to compare with (default 5c51bae)")
    ap.add_argument("--out", default="", help="the sweep writes its report files under this folder")
    ap.add_argument("--ten-million", action="store_true", help="add a 10,000,000-game row")
    ap.add_argument("--repeat", type=int, default=1, help="runs per row and tree, alternating; the best is shown")
    args = ap.parse_args()
    games = [int(g) for g in args.games.split(",")] + ([10_000_000] if args.ten_million else [])
    trees = {"new": ROOT, "base": worktree(args.baseline)}
    workers = [int(w) for w in args.workers.split(",")]
    for tree in trees.values():  # warm-up: builds the kernels and fills the caches, as any earlier run would
        for scenario in args.scenario:
            measure(tree, scenario, "simulate", 20_000, 1, "")
    print(
        f"{os.cpu_count()} cores; load average {os.getloadavg()[0]:.1f} at the start (last column: at each row's end)"
    )
    head = f"{'compute s':>9} {'kernel s':>8} {'over':>5} {'CPU s':>6} {'kern CPU':>8} {'over':>5} {'parent MB':>9}"
    print(f"{'scenario':<12} {'runner':<8} {'games':>10} {'workers':>7}   new: {head}   base: {head}   load")
    for scenario in args.scenario:
        for runner in args.runner.split(","):
            for n in games:
                for w in workers:
                    runs: dict[str, list[dict]] = {label: [] for label in trees}
                    for _ in range(args.repeat):
                        for label, tree in trees.items():
                            out = ""
                            if args.out and runner == "sweep":
                                out = os.path.join(os.path.abspath(args.out), f"{label}-{n}-{w}")
                                shutil.rmtree(out, ignore_errors=True)  # a fresh run, not a resume
                            runs[label].append(measure(tree, scenario, runner, n, w, out))
                    cells = []
                    for got in runs.values():
                        m = {k: min(r[k] for r in got) for k in got[0]}
                        over = min(r["compute"] / r["kernel"] for r in got) - 1
                        over_cpu = min(r["cpu"] / r["kernel_cpu"] for r in got) - 1
                        cells.append(
                            f"{m['compute']:>9.2f} {m['kernel']:>8.2f} {over:>5.0%} "
                            f"{m['cpu']:>6.2f} {m['kernel_cpu']:>8.2f} {over_cpu:>5.0%} {m['parent_mb']:>9.0f}"
                        )
                    name = os.path.basename(scenario).removesuffix(".yaml")[:12]
                    print(
                        f"{name:<12} {runner:<8} {n:>10,} {w:>7}   new: {cells[0]}   base: {cells[1]}"
                        f"   {os.getloadavg()[0]:.1f}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
