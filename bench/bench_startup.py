"""Start-up time of the headless commands people wait for, new vs a baseline commit, in one run.

    python bench/bench_startup.py [--baseline REV] [--repeat 7] [--scenario FILE]

Each command runs in a fresh process ``--repeat`` times in this tree and in a git worktree of
REV (default 5c51bae, before the import work of issue 12; made under the temp folder when
missing), alternating, and the best and the median of each are printed: wall clock and CPU
(user + system, the children's rusage), since on a shared, loaded machine the wall clock
mostly measures the wait for a core. The load average is printed before and after. ``validate``
runs on the seed scenario (ATACMS, the issue's figure: under 0.3 s of CPU) and on every other
shipped one. Byte code is cached in a private folder (``PYTHONPYCACHEPREFIX``) and one
warm-up run fills it, as on a user's machine where ``pip install`` writes the ``.pyc`` files;
``PYTHONDONTWRITEBYTECODE`` would make every run compile every module again. ``validate0`` is
``validate`` with an empty cache folder (``REDLINE_CACHE``): a scenario's first validate, which
measures its launch regions' edges before the cache keeps them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = "scenarios/atacms_2024.yaml"
OTHERS = ("tutorial", "cuba_1962", "israel_iran_2024")
"""The other shipped scenarios ``validate`` is timed on, beside the seed."""
BASELINE = "5c51bae"


def worktree(rev: str) -> str:
    """A checkout of ``rev`` beside the temp files, made once and reused."""
    sha = subprocess.run(["git", "rev-parse", rev], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    path = os.path.join(tempfile.gettempdir(), f"redline-bench-{sha.strip()[:12]}")
    if not os.path.isdir(path):
        subprocess.run(["git", "worktree", "add", "--detach", path, sha.strip()], cwd=ROOT, check=True)
    return path


def run_once(tree: str, argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh ``python main.py ARGV`` in ``tree``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run([sys.executable, "main.py", *argv], cwd=tree, env=env, capture_output=True)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode:
        raise SystemExit(f"{tree}: main.py {' '.join(argv)} failed ({p.returncode}):\n{p.stderr.decode()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--baseline", default=BASELINE, help=f"the commit to compare with (default {BASELINE})")
    ap.add_argument("--repeat", type=int, default=7, help="fresh processes per command and tree (default 7)")
    ap.add_argument("--scenario", default=SEED, help=f"the scenario validate and params read (default {SEED})")
    args = ap.parse_args()
    trees = {"new": ROOT, "baseline": worktree(args.baseline)}
    env = dict(os.environ, PYTHONPYCACHEPREFIX=os.path.join(tempfile.gettempdir(), "redline-bench-pycache"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    commands = {
        "validate": ["validate", args.scenario],
        **{f"validate {name.split('_')[0]}": ["validate", f"scenarios/{name}.yaml"] for name in OTHERS},
        "validate0": ["validate", args.scenario],  # an empty cache each time: a scenario's first validate
        "--help": ["--help"],
        "params": ["params", args.scenario],
    }
    print(f"{args.repeat} fresh processes a command and tree, best (median); {sys.executable}")
    print(
        f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} (1, 5, 15 min), {os.cpu_count()} cores"
    )
    print(f"{'command':<18} {'new wall':>15} {'new CPU':>15}   {'base wall':>15} {'base CPU':>15}   {'CPU ratio':>9}")
    for name, argv in commands.items():
        best = {}
        for tree in trees.values():
            run_once(tree, argv, env)  # warm-up: fills the byte-code cache (and the launch edges' cache)
        runs: dict[str, list[tuple[float, float]]] = {k: [] for k in trees}
        for _ in range(args.repeat):
            for label, tree in trees.items():
                if name.endswith("0"):
                    with tempfile.TemporaryDirectory(prefix="redline-bench-cache-") as empty:
                        runs[label].append(run_once(tree, argv, dict(env, REDLINE_CACHE=empty)))
                else:
                    runs[label].append(run_once(tree, argv, env))
        for label, got in runs.items():
            best[label] = (_figure([w for w, _ in got]), _figure([c for _, c in got]))
        (nw, nc), (bw, bc) = best["new"], best["baseline"]
        ratio = min(c for _, c in runs["baseline"]) / min(c for _, c in runs["new"])
        print(f"{name:<18} {nw:>15} {nc:>15}   {bw:>15} {bc:>15}   {ratio:>8.2f}x", flush=True)
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


def _figure(seconds: list[float]) -> str:
    """'0.231 (0.245)': the best and the median of a command's runs, in seconds."""
    return f"{min(seconds):.3f} ({statistics.median(seconds):.3f})"


if __name__ == "__main__":
    main()
