"""Every command over the expensive-but-valid corpus (issue 17): seconds and peak MB, measured.

    python bench/bench_hostile.py [--only bad_refs,big_fog] [--commands validate,lint]
                                  [--rev REV] [--baseline-rev REV] [--timeout 60] [--games 1000]

Writes the corpus of ``tools/make_hostile.py`` into a temporary folder, then runs each
command on each file in its own process (its own session, so a compiler it starts dies with
it; an address-space limit of ``--memory-mb`` so a runaway build cannot take the machine):
``validate``, ``lint``, ``simulate --games N`` with the compiled and the numpy engine (a fresh
kernel cache each time, so a build is counted) and ``replay --game 1``. Peak MB is the
largest resident set of the command and its children (``os.wait4``). ``--rev`` measures a
commit instead of the working tree (which others may be editing); with ``--baseline-rev`` the
same runs are made on that commit and printed beside. A commit is checked out with ``git
worktree add`` under /tmp (no stash; the working tree is not touched), and each tree's files
are grown from its own ``scenarios/tutorial.yaml``, so an older tree reads what it knows.
The target: every command under 10 s and 500 MB. The machine is shared: read times as +-20%.
"""

from __future__ import annotations

import argparse
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time

import attrs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))

import make_hostile  # noqa: E402  (a tool, not a package)

TARGET_SECONDS = 10.0
TARGET_MB = 500.0


@attrs.frozen
class Run:
    """One command on one file: wall seconds, peak MB, exit status (None = timed out).

    A cell reads ``1.19 s 89 MB [1]``: [exit status] when not 0 (1 = the file is refused,
    as it should be for ``bad_refs`` and ``weapons_x_sites``), ``!`` past the target.
    """

    seconds: float
    peak_mb: float
    status: int | None

    def cell(self) -> str:
        if self.status is None:
            return f">{self.seconds:.0f} s (killed)"
        mark = "" if self.seconds < TARGET_SECONDS and self.peak_mb < TARGET_MB else " !"
        code = f" [{self.status}]" if self.status else ""
        return f"{self.seconds:6.2f} s {self.peak_mb:5.0f} MB{code}{mark}"


COMMANDS: dict[str, tuple[list[str], dict[str, str]]] = {
    "validate": (["validate"], {}),
    "lint": (["lint"], {}),
    "simulate-compiled": (["simulate", "--seed", "1", "--quiet"], {"REDLINE_ENGINE": "compiled"}),
    "simulate-numpy": (["simulate", "--seed", "1", "--quiet"], {"REDLINE_ENGINE": "numpy"}),
    "replay": (["replay", "--seed", "1", "--game", "1"], {}),
}


def run(tree: str, command: str, path: str, games: int, timeout: float, memory_mb: int, cache: str) -> Run:
    """Run one command of the tree at ``tree`` on ``path``; measure it."""
    args, extra_env = COMMANDS[command]
    argv = [sys.executable, "main.py", args[0], path, *args[1:]]
    if args[0] == "simulate":
        argv += ["--games", str(games)]
    env = {**os.environ, **extra_env, "XDG_CACHE_HOME": cache, "OPENBLAS_NUM_THREADS": "1"}
    limit = memory_mb * 1024 * 1024

    def limits() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    start = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        cwd=tree,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=limits,
    )
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        elapsed = time.perf_counter() - start
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return Run(elapsed, usage.ru_maxrss / 1024, proc.returncode)
        if elapsed > timeout:
            os.killpg(proc.pid, signal.SIGKILL)
            _pid, _status, usage = os.wait4(proc.pid, 0)
            proc.returncode = -9
            return Run(elapsed, usage.ru_maxrss / 1024, None)
        time.sleep(0.02)


def worktree(rev: str) -> str:
    """A checkout of ``rev`` under /tmp (made once, reused)."""
    sha = subprocess.run(["git", "rev-parse", rev], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    folder = os.path.join(tempfile.gettempdir(), f"redline-baseline-{sha[:12]}")
    if not os.path.isdir(folder):
        subprocess.run(["git", "worktree", "add", "--detach", folder, sha], cwd=ROOT, check=True, capture_output=True)
    return folder


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default="", help="corpus files: " + ", ".join(make_hostile.CORPUS))
    ap.add_argument("--commands", default="", help="commands: " + ", ".join(COMMANDS))
    ap.add_argument("--rev", default="", help="measure this git revision, not the working tree")
    ap.add_argument("--baseline-rev", default="", help="also run a git revision (e.g. HEAD~10) for comparison")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds before a command is killed")
    ap.add_argument("--memory-mb", type=int, default=4096, help="address-space limit of each command")
    ap.add_argument("--games", type=int, default=1000)
    args = ap.parse_args(argv)
    names = [n for n in args.only.split(",") if n] or list(make_hostile.CORPUS)
    commands = [c for c in args.commands.split(",") if c] or list(COMMANDS)
    for n in names:
        if n not in make_hostile.CORPUS:
            ap.error(f"unknown corpus file {n!r}")
    for c in commands:
        if c not in COMMANDS:
            ap.error(f"unknown command {c!r}")
    trees = {args.rev: worktree(args.rev)} if args.rev else {"working tree": ROOT}
    if args.baseline_rev:
        trees[args.baseline_rev] = worktree(args.baseline_rev)
    with tempfile.TemporaryDirectory(prefix="redline-hostile-") as folder:
        print(f"{'file':18} {'KB':>6} {'command':18} " + "  ".join(f"{t:>22}" for t in trees))
        worst = 0.0
        for name in names:
            paths = []
            for i, tree in enumerate(trees.values()):
                os.makedirs(os.path.join(folder, str(i)), exist_ok=True)
                tutorial = os.path.join(tree, "scenarios", "tutorial.yaml")
                paths.append(make_hostile.write(name, os.path.join(folder, str(i)), tutorial))
            size = os.path.getsize(paths[0]) // 1024
            for command in commands:
                cells = []
                for i, (tree, path) in enumerate(zip(trees.values(), paths)):
                    cache = tempfile.mkdtemp(dir=folder, prefix="cache-")
                    r = run(tree, command, path, args.games, args.timeout, args.memory_mb, cache)
                    if i == 0:
                        worst = max(worst, r.seconds if r.status is not None else float("inf"))
                    cells.append(f"{r.cell():>22}")
                print(f"{name:18} {size:6} {command:18} " + "  ".join(cells), flush=True)
    print(
        f"slowest command of {next(iter(trees))}: {worst:.2f} s "
        f"(target < {TARGET_SECONDS:g} s and < {TARGET_MB:g} MB; '!' = missed)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
