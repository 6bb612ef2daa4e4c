"""Instructions the compiled kernel executes per game-turn, new vs a baseline commit, under callgrind.

    python bench/bench_callgrind.py [SCENARIO ...] [--games 2000] [--baseline REV]

For each tree (this one, and a git worktree of REV, default ea1880b: before the fog, phase and
breaker work), a fresh Python under ``valgrind --tool=callgrind`` loads the scenario, builds its
kernel (``cc`` runs outside valgrind, before it), and plays the games with every actor AI;
callgrind counts only inside libffi's ``ffi_call`` (``--toggle-collect``): the kernel's two
entry points as ctypes calls them (``redline_keys``, a few thousand instructions, and
``redline_play``; callgrind does not name the kernel's own exported functions, so they cannot
be toggled on directly), so the figure is the engine's own instruction count, whatever the
machine's load: instructions / game-turns played, and how many times fewer the new tree needs.
Needs valgrind and a C compiler.

    python bench/bench_callgrind.py scenarios/atacms_2024.yaml scenarios/tutorial.yaml scenarios/cuba_1962.yaml
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_startup import worktree  # noqa: E402  (the same baseline checkout)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEED = "scenarios/atacms_2024.yaml"

CHILD = r"""
import sys
import numpy as np
from game.runners import kernel_cache
from game.runners.load import load_scenario
from game.runners.local import policies_for
rules = load_scenario(sys.argv[1]).rules
games = np.arange(int(sys.argv[2]), dtype=np.uint64)
k = kernel_cache.play(rules, 1, games, policies_for(rules), "compiled")
assert k is not None, "the kernel did not build"
print("TURNS", int(k.turns.sum()))
"""


def count(tree: str, scenario: str, games: int, cache: str) -> tuple[int, int]:
    """(instructions inside redline_play, game-turns played) in ``tree``."""
    env = dict(os.environ, REDLINE_CACHE=cache, PYTHONPATH=tree)
    subprocess.run([sys.executable, "-c", CHILD, scenario, "10"], cwd=tree, env=env, check=True, capture_output=True)
    out = os.path.join(cache, "callgrind.out")
    done = subprocess.run(
        [
            "valgrind",
            "--tool=callgrind",
            "--collect-atstart=no",
            "--toggle-collect=ffi_call*",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-c",
            CHILD,
            scenario,
            str(games),
        ],
        cwd=tree,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    found = re.search(r"TURNS (\d+)", done.stdout)
    if found is None:
        raise SystemExit(f"{tree}: the child printed no game-turns:\n{done.stdout}{done.stderr}")
    turns = int(found.group(1))
    summary = next(line for line in open(out, encoding="utf-8") if line.startswith("summary:"))
    return int(summary.split()[1]), turns


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scenarios", nargs="*", default=[SEED], metavar="SCENARIO")
    ap.add_argument("--games", type=int, default=2000, help="games played under callgrind (default 2000)")
    ap.add_argument("--baseline", default="ea1880b", help="the commit to compare with (default ea1880b)")
    args = ap.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("bench_callgrind needs valgrind (Debian: apt-get install -y valgrind)")
    trees = {"new": ROOT, f"baseline {args.baseline}": worktree(args.baseline)}
    for scenario in args.scenarios:
        print(f"{scenario}; {args.games:,} games, every actor AI, seed 1; instructions inside the kernel")
        print(f"{'tree':<18} {'instructions':>14} {'game-turns':>11} {'per game-turn':>14}")
        per: dict[str, float] = {}
        for label, tree in trees.items():
            if not os.path.exists(os.path.join(tree, scenario)):
                print(f"{label:<18} {'(no such scenario in this tree)':>41}", flush=True)
                continue
            with tempfile.TemporaryDirectory(prefix="redline-callgrind-") as cache:
                ir, turns = count(tree, scenario, args.games, cache)
            per[label] = ir / turns
            print(f"{label:<18} {ir:>14,} {turns:>11,} {per[label]:>14,.0f}", flush=True)
        if len(per) == 2:
            new, old = per.values()
            print(f"the new tree needs {old / new:.2f}x fewer instructions per game-turn", flush=True)
        print(flush=True)


if __name__ == "__main__":
    main()
