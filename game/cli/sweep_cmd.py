"""``python main.py sweep``: a parameter grid, many games per point, a summary and a report.

Exit status: 0 ok, 1 invalid input (unknown ``--set`` path, value out of range, a
scenario error, a ``--resume`` into a different sweep), 2 bad usage.
"""

from __future__ import annotations

import json
import math
import os
import sys
import time

MAX_POINTS = 100


def args_sweep(sp) -> None:
    from game.cli.commands import _positive
    from game.cli.common import ENGINE_HELP, SCENARIO_HELP, scenario_arg

    sp.add_argument("file", type=scenario_arg, metavar="FILE", help=SCENARIO_HELP)
    sp.add_argument(
        "--set",
        action="append",
        metavar="PATH=V1,V2,...",
        help="a parameter and the values to try (see 'params FILE'); repeat for a grid",
    )
    sp.add_argument("--games", type=_positive, default=10_000, help="games per point (default 10000)")
    sp.add_argument("--seed", type=int, default=1, help="seed, the same at every point (default 1)")
    sp.add_argument(
        "--policy",
        action="append",
        metavar="ACTOR=NAME",
        help="policy for an actor: a scenario policy id or dove, hawk, tit_for_tat, random",
    )
    where = sp.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_positive, default=None, help="worker processes (default: one per core)")
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run the chunks on a Dask cluster")
    sp.add_argument("--engine", choices=("auto", "compiled", "numpy"), help=ENGINE_HELP)
    sp.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    sp.add_argument("--out", metavar="DIR", help="write results.json, games.csv, plots and report.html to DIR")
    sp.add_argument(
        "--resume",
        action="store_true",
        help="with --out: reuse the chunks an interrupted run of the same sweep saved in DIR",
    )
    sp.add_argument(
        "--max-points",
        type=_positive,
        default=MAX_POINTS,
        help=f"refuse a grid of more points than this (default {MAX_POINTS}); each point plays --games games",
    )
    sp.add_argument("--quiet", action="store_true", help="no progress bar")


def cmd_sweep(args) -> int:
    from game.cli.commands import _check_policies, _load
    from game.cli.common import UsageError, engine_option, parse_policies, parse_sets, progress, require_extra
    from game.loader.load import display_name, resolved_source
    from game.runners.local import default_workers
    from game.runners.sweep import GridError, Sweep, make_axes, run_sweep

    engine = engine_option(args.engine)
    if not args.set:
        raise UsageError("give at least one --set PATH=V1,V2,... (see 'python main.py params FILE')")
    if args.resume and not args.out:
        raise UsageError("--resume needs --out DIR (the folder of the interrupted sweep)")
    if args.out and os.path.exists(args.out) and not os.path.isdir(args.out):
        raise UsageError(f"--out {args.out}: is a file; give a folder")
    if args.out:
        require_extra("matplotlib", "report", "sweep --out (the report's plots)")
    if args.scheduler:
        require_extra("distributed", "cluster", "sweep --scheduler")
    sets = parse_sets(args.set, multi=True)
    loaded = _load(args.file)
    policies = parse_policies(args.policy)
    _check_policies(loaded.rules, policies)
    try:
        axes = make_axes(loaded.scenario, sets)
        n_points = math.prod(len(a.values) for a in axes)
        if n_points > args.max_points:
            sizes = " x ".join(str(len(a.values)) for a in axes)
            raise UsageError(
                f"the grid has {n_points:,} points ({sizes}), more than --max-points {args.max_points}; "
                "give fewer values, or raise --max-points to run it"
            )
        sw = Sweep(
            resolved_source(args.file),
            display_name(args.file),
            axes,
            args.games,
            args.seed,
            tuple(sorted(policies.items())),
            engine=engine,
        )
    except GridError as exc:
        raise UsageError(str(exc)) from None
    workers = args.workers or (1 if args.games * n_points <= 20_000 else default_workers())
    executor = None
    if args.scheduler:
        from game.runners.dask_runner import dask_executor

        executor = dask_executor(args.scheduler)
    bar = None
    left = 0

    def on_start(to_compute: int, reused: int) -> None:
        nonlocal bar, left
        bar = progress(to_compute, args.quiet)
        left = to_compute
        if reused:
            bar.set_postfix_str(f"{reused:,} games reused")

    def on_games(n: int) -> None:
        nonlocal left
        if bar is None:  # run_sweep calls on_start before any game
            return
        bar.update(n)
        left -= n
        if left <= 0:  # all games played: the bar stops before the report is written
            bar.close()

    t0 = time.perf_counter()
    try:
        res = run_sweep(sw, workers, executor, args.out, args.resume, on_games=on_games, on_start=on_start)
    except KeyboardInterrupt:
        if args.out:
            print(
                f"interrupted: the finished chunks are saved in {os.path.join(args.out, 'chunks')}; "
                "run the same command with --resume to go on",
                file=sys.stderr,
            )
        raise
    finally:
        if bar is not None:
            bar.close()
        if executor is not None:
            executor.close()
    res["run"]["workers"] = f"the Dask cluster at {args.scheduler}" if args.scheduler else workers
    if args.json:
        print(json.dumps(res, indent=2))
    else:
        print_summary(res, time.perf_counter() - t0, args.out)
    return 0


def _g(v: float) -> str:
    return f"{v:g}"


def _bar(share: float, width: int = 20) -> str:
    n = int(round(share * width))
    return "#" * n + "." * (width - n)


def _share(x: float) -> str:
    return f"{x * 100:.1f}%" if x == 0 or x >= 0.001 else f"{x * 100:.2g}%"


def _wrapped(head: str, items: list[str], width: int = 110) -> None:
    import textwrap

    print(
        textwrap.fill(
            "; ".join(items),
            width=width,
            initial_indent="  " + head,
            subsequent_indent="  " + " " * len(head),
            break_long_words=False,
            break_on_hyphens=False,
        )
    )


def print_summary(res: dict, elapsed: float, out: str | None) -> None:
    from game.cli.table import name_rows, name_width

    names = res["names"]
    run = res["run"]
    pts = res["points"]
    print(f"{res['title']}")
    print(
        f"sweep of {len(pts)} point{'s' if len(pts) != 1 else ''} x {res['games']:,} games, seed {res['seed']} "
        f"(the same games at every point); {res['file']}, sha256 {res['digest'][:12]}"
    )
    for g in res["grid"]:
        d = res["defaults"].get(g["path"])
        print(
            f"  {g['path']} = {', '.join(_g(v) for v in g['values'])}"
            + (f"   (scenario: {_g(d)})" if d is not None else "")
        )
    rate = f", {run['game_turns_per_s']:,} game-turns/s" if run["game_turns_per_s"] else ""
    if run.get("engine"):
        rate += f", {run['engine']} engine"
    where = (
        f"{run['workers']} worker{'s' if run['workers'] != 1 else ''}"
        if isinstance(run["workers"], int)
        else f"on {run['workers']}"
    )
    line = f"{len(pts) * res['games']:,} games in {run['seconds']:.1f} s ({where}{rate})"
    if run["reused_chunks"]:
        line += f"; {run['reused_chunks']} of {run['chunks']} chunks reused from the saved run"
    print(line)
    for note in run.get("notes", []):
        if not note.startswith("resumed"):
            print(note)
    width = name_width(names["outcomes"].values(), cap=40)  # rows end in a bar; longer names wrap
    for p in pts:
        vals = ", ".join(f"{k}={_g(v)}" for k, v in p["values"].items())
        print(f"\nPoint #{p['index']} ({p['index'] + 1} of {len(pts)}): {vals}")
        print(f"  {'outcome':<{width}}  share   95% interval")
        for oid, oname in names["outcomes"].items():
            lo, hi = p["outcome_intervals"][oid]
            s = p["outcomes"][oid]
            print(
                "\n".join(name_rows(oname, width, f"{s * 100:5.1f}%   [{lo * 100:4.1f}, {hi * 100:4.1f}]  {_bar(s)}"))
            )
        t = p["turns"]
        print(f"  turns: mean {t['mean']:.2f}, median {t['p50']}, p95 {t['p95']} (limit {res['turn_limit']})")
        _wrapped(
            "highest rung: ",
            [f"{names['rungs'][rid]} {_share(share)}" for rid, share in p["max_rung"].items() if share],
        )
        if p["red_lines"]:
            _wrapped(
                "red lines tripped: ",
                [f"{names['red_lines'][rid]['name']} {_share(v['trip_rate'])}" for rid, v in p["red_lines"].items()],
            )
    if res["sensitivity"]:
        print("\nSensitivity: change in each outcome's share from a parameter's lowest to its highest value")
        print("(averaged over the other parameters' values; range = largest minus smallest share over its values)")
        pw = max(len(r["param"]) for r in res["sensitivity"])
        width = max(len(n) for n in [*names["outcomes"].values(), "outcome"])  # a middle column: never wrapped
        print(f"  {'parameter':<{pw}}  {'outcome':<{width}}  {'low -> high':>13}  {'change':>9}  {'range':>8}")
        for r in res["sensitivity"]:
            lh = f"{_g(r['low'])} -> {_g(r['high'])}"
            print(
                f"  {r['param']:<{pw}}  {names['outcomes'][r['outcome']]:<{width}}  {lh:>13}  "
                f"{r['change'] * 100:+7.2f}pp  {r['range'] * 100:6.2f}pp"
            )
    if res["balance"]:
        print("\nBalance")
        for b in res["balance"]:
            where = (
                "all points"
                if len(b["points"]) == len(pts)
                else "point" + ("s " if len(b["points"]) > 1 else " ") + ", ".join(f"#{i}" for i in b["points"])
            )
            print(f"  ! {b['warning']} ({where})")
    if out:
        files = res["files"]
        print(f"\nReport written in {run.get('report_seconds', 0):.1f} s (total {elapsed:.1f} s)")
        print(
            f"\nReport: {os.path.join(out, files['report'])} (with results.json, {files['games']}"
            + (", gzipped: more than 2,000,000 rows" if files["games_gzipped"] else "")
            + f", {len(files['plots'])} plots; chunks saved in {os.path.join(out, 'chunks')})"
        )
