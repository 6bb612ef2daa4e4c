"""``python main.py explore``: a seat's best strategies found against the other seats' doctrines.

Exit status: 0 ok, 1 invalid input (a scenario error), 2 bad usage (an unknown seat or outcome).
"""

from __future__ import annotations

LIMITS = (
    "Limits: the best reply found, by search over simple tables, to these models of the actors (the "
    "scenario author's doctrines and parameters); not advice about what any real government should do."
)


def args_explore(sp) -> None:
    from game.cli.commands import _positive
    from game.cli.common import SCENARIO_HELP, scenario_arg

    sp.add_argument("file", type=scenario_arg, metavar="FILE", help=SCENARIO_HELP)
    sp.add_argument("--seat", required=True, metavar="ACTOR", help="the seat whose strategies are searched")
    sp.add_argument(
        "--objective",
        required=True,
        metavar="OUTCOME[,OUTCOME...]",
        help="the outcome to reach (an id; several joined by commas count together)",
    )
    sp.add_argument(
        "--games",
        type=_positive,
        default=10_000,
        help="fresh games for the figures of each strategy and the doctrine (default 10000); "
        "the search plays a tenth of that per candidate (200 to 1000)",
    )
    sp.add_argument("--seed", type=int, default=1, help="seed of the search and of the games (default 1)")
    sp.add_argument(
        "--budget", type=float, default=60.0, metavar="SECONDS", help="time for the search and robustness (default 60)"
    )
    sp.add_argument("--set", action="append", metavar="PATH=VALUE", help="set a parameter first; repeatable")


def cmd_explore(args) -> int:
    from game.cli.commands import _load
    from game.cli.common import UsageError, parse_sets
    from game.runners.explore import ExploreError, explore

    if not args.budget > 0:
        raise UsageError(f"--budget must be more than 0 seconds, got {args.budget:g}")
    sets = parse_sets(args.set)
    loaded = _load(args.file, sets)
    try:
        found = explore(loaded, args.seat, args.objective, args.games, args.seed, args.budget, sets=sets)
    except ExploreError as exc:
        raise UsageError(f"--{'seat' if 'seat' in str(exc) else 'objective'}: {exc}") from None
    print("\n".join(report_lines(found, loaded.rules)))
    return 0


def _pct(share: float) -> str:
    return f"{100 * share:5.1f}%"


def _ci(rate) -> str:
    lo, hi = rate.interval
    return f"[{100 * lo:4.1f}, {100 * hi:4.1f}]"


def report_lines(e, rules) -> list[str]:
    """The table ``explore`` prints."""
    goal = " or ".join(f"{n} ({i})" for i, n in zip(e.objective, e.objective_names))
    seat_policy = rules.scenario.actors[[a.id for a in rules.scenario.actors].index(e.seat)].policy
    out = [
        e.scenario,
        f"Explore: {e.seat_name} ({e.seat}) against the other seats' doctrines; objective: {goal}",
        f"searched {e.candidates:,} strategies (cross-entropy over per-turn, per-band and per-rung tables) on "
        f"{e.search_games:,} games each, seed {e.seed}, {e.seconds:.1f} s; the figures below are from "
        f"{e.games:,} fresh games, the same for every row",
        "",
        "  #  reached  95% CI         vs the doctrine (same games)  strategy",
    ]
    for i, f in enumerate(e.found, 1):
        d = f.versus
        vs = f"{100 * d.mean:+5.1f} pts [{100 * d.lo:+5.1f}, {100 * d.hi:+5.1f}]"
        out.append(f"  {i}  {_pct(f.rate.share)}   {_ci(f.rate)}   {vs:28}  {f.words}")
    out.append(f"  -  {_pct(e.doctrine.share)}   {_ci(e.doctrine)}   {'(the AI seat)':28}  doctrine '{seat_policy}'")
    if e.robustness:
        heads = "  ".join(f"{'#' + str(i):>6}" for i in range(1, len(e.found) + 1))
        out += [
            "",
            f"Robustness: the same strategies at each end of each disputed parameter's range "
            f"({e.robustness[0].doctrine.n:,} games each)",
            f"  {'parameter':28} {'value':>8}  {heads}  {'doctrine':>8}",
        ]
        for r in e.robustness:
            cells = "  ".join(f"{_pct(x.share):>6}" for x in r.rates)
            out.append(f"  params.{r.param:21} {r.value:8g}  {cells}  {_pct(r.doctrine.share):>8}")
    if e.skipped_params:
        out.append(f"  not tried within --budget: {', '.join(e.skipped_params)}")
    out += ["", LIMITS]
    return out
