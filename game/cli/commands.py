"""The subcommands: ``args_X`` declares the flags of ``X``, ``cmd_X`` runs it."""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
import time

from game.cli.common import (
    ENGINE_HELP,
    SCENARIO_HELP,
    UsageError,
    engine_option,
    parse_policies,
    parse_sets,
    prog,
    progress,
    require_extra,
    scenario_arg,
)
from game.cli.explore_cmd import args_explore, cmd_explore  # noqa: F401  (dispatched by name from here)
from game.cli.sweep_cmd import args_sweep, cmd_sweep  # noqa: F401  (dispatched by name from here)
from game.cli.table import NAME_CAP, name_rows, name_width
from game.diagnostics import RedlineError, ScenarioError
from game.files import atomic_write

# ---------------------------------------------------------------- shared


def _scenario_args(sp, many: bool = False) -> None:
    if many:
        sp.add_argument("files", nargs="+", type=scenario_arg, metavar="FILE", help=SCENARIO_HELP)
    else:
        sp.add_argument("file", type=scenario_arg, metavar="FILE", help=SCENARIO_HELP)


def _set_arg(sp, help_text: str = "set a parameter (see 'params FILE'); repeatable") -> None:
    sp.add_argument("--set", action="append", metavar="PATH=VALUE", help=help_text)


def _load(path: str, sets: dict | None = None):
    from game.runners.load import load_scenario

    return load_scenario(path, sets or None)


def _each_scenario(paths):
    """(path, loaded scenario or None, number of errors printed) for each file."""
    for path in paths:
        try:
            yield path, _load(path), 0
        except ScenarioError as exc:
            for d in exc.diagnostics:
                print(d)
            yield path, None, len(exc.diagnostics)


def _check_policies(rules, policies: dict[str, str]) -> None:
    from game.policies import policy_for

    ids = [a.id for a in rules.scenario.actors]
    for actor, name in policies.items():
        if actor not in ids:
            raise UsageError(f"--policy: unknown actor '{actor}' (actors: {', '.join(ids)})")
        if name.startswith("llm:"):  # a language-model seat: game.cli.llm_cmd checks it
            continue
        try:
            policy_for(rules, ids.index(actor), name)
        except KeyError as exc:
            raise UsageError(f"--policy {actor}: {exc.args[0]}") from None


def _n(count: int, word: str) -> str:
    """A count and a word, in the plural when it needs one.

    >>> _n(1, 'red line'), _n(3, 'actor')
    ('1 red line', '3 actors')
    """
    return f"{count} {word}{'' if count == 1 else 's'}"


def _positive(value: str) -> int:
    try:
        n = int(value.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {n}")
    return n


def _game_index(value: str) -> int:
    """``--game``: an index within a batch, 0 to 2**64 - 1."""
    try:
        n = int(value.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value[:30]!r}") from None
    if not 0 <= n < 2**64:
        raise argparse.ArgumentTypeError(f"must be from 0 to 2**64 - 1, got {value[:30]}")
    return n


def _output_file(path: str, option: str) -> None:
    """Refuse an output file that cannot be written, before any work is done."""
    if os.path.isdir(path):
        raise UsageError(f"{option} {path}: is a folder; give a file name")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"{option} {path}: the folder {folder} does not exist")


def _output_folder(path: str, option: str) -> None:
    if os.path.exists(path) and not os.path.isdir(path):
        raise UsageError(f"{option} {path}: is a file; give a folder")


# ---------------------------------------------------------------- validate


def args_validate(sp) -> None:
    _scenario_args(sp, many=True)
    sp.add_argument("--quiet", action="store_true", help="print only errors")


def cmd_validate(args) -> int:
    from game.loader.load import display_name

    bad = 0
    n_errors = 0
    for path, loaded, errors in _each_scenario(args.files):
        if loaded is None:
            bad += 1
            n_errors += errors
            continue
        for w in loaded.warnings:
            print(w)
        if not args.quiet:
            scn = loaded.scenario
            print(
                f"{display_name(path)}: ok: '{scn.meta.title}', {_n(len(scn.actors), 'actor')}, "
                f"{_n(len(scn.actions), 'action')}, {_n(len(scn.red_lines), 'red line')}, "
                f"{_n(scn.calendar.turns, 'turn')}"
            )
    total = len(args.files)
    print(
        f"{total - bad} of {total} scenario{'s' if total != 1 else ''} valid"
        + (f"; {n_errors} error{'s' if n_errors != 1 else ''} in {bad} file{'s' if bad != 1 else ''}" if bad else "")
    )
    return 1 if bad else 0


# ---------------------------------------------------------------- simulate


def args_simulate(sp) -> None:
    _scenario_args(sp)
    sp.add_argument("--games", type=_positive, default=10_000, help="number of games (default 10000)")
    sp.add_argument("--seed", type=int, default=1, help="seed (default 1)")
    sp.add_argument(
        "--policy",
        action="append",
        metavar="ACTOR=NAME",
        help="policy for an actor: a scenario policy id or dove, hawk, tit_for_tat, random, "
        "or llm:MODEL@URL (a language model on an OpenAI-compatible server; games are then played one by one)",
    )
    sp.add_argument("--logs", metavar="DIR", help="with an llm: seat, write each game's log (and the model's answers)")
    _set_arg(sp)
    sp.add_argument("--workers", type=_positive, default=None, help="worker processes (default: one per core)")
    sp.add_argument("--scheduler", metavar="tcp://HOST:PORT", help="run the chunks on a Dask cluster")
    sp.add_argument("--engine", choices=("auto", "compiled", "numpy"), help=ENGINE_HELP)
    sp.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    sp.add_argument("--games-csv", metavar="PATH", help="write one row per game to PATH")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")


def _spec(args, loaded, sets, engine: str):
    from game.runners.local import RunSpec

    return RunSpec(
        loaded.source,
        loaded.file,
        args.seed,
        tuple(sorted(sets.items())),
        tuple(sorted(parse_policies(args.policy).items())),
        engine,
    )


def _executor(args):
    if getattr(args, "scheduler", None):
        require_extra("distributed", "cluster", f"{args.command} --scheduler")
        from game.runners.dask_runner import dask_executor

        return dask_executor(args.scheduler)
    return None


def cmd_simulate(args) -> int:
    from game.runners.local import default_workers, engine_name, simulate
    from game.runners.tally import summarize

    if args.games_csv:
        _output_file(args.games_csv, "--games-csv")
    engine = engine_option(args.engine)
    sets = parse_sets(args.set)
    loaded = _load(args.file, sets)
    policies = parse_policies(args.policy)
    _check_policies(loaded.rules, policies)
    if any(name.startswith("llm:") for name in policies.values()):
        from game.cli.llm_cmd import simulate_with_llm

        return simulate_with_llm(args, loaded, sets, policies, _print_summary)
    if args.logs:
        raise UsageError("--logs keeps the games of a seat played by a language model (--policy ACTOR=llm:MODEL@URL)")
    spec = _spec(args, loaded, sets, engine)
    workers = args.workers or (1 if args.games <= 20_000 else default_workers())
    bar = progress(args.games, args.quiet)
    rows: list = []
    t0 = time.perf_counter()

    def on_chunk(res):
        bar.update(len(res.outcome))
        if args.games_csv:
            rows.append(res)

    executor = _executor(args)
    try:
        tally = simulate(spec, args.games, workers, on_chunk, executor=executor)
    finally:
        bar.close()
        if executor is not None:
            executor.close()
    elapsed = time.perf_counter() - t0
    turns_total = int(sum(t * n for t, n in enumerate(tally.turns.tolist())))
    summary = summarize(
        tally,
        loaded.rules,
        args.seed,
        {
            "policies": {a.id: policies.get(a.id, a.policy) for a in loaded.scenario.actors},
            "params": {p.id: p.value for p in loaded.scenario.params},
            "overrides": sets,
        },
    )
    if args.games_csv:
        _write_games_csv(args.games_csv, loaded.rules, rows)
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        played_by = "" if executor is not None else f", {engine_name(spec)} engine"
        _print_summary(summary, loaded, elapsed, turns_total, played_by)
    return 0


def _write_games_csv(path: str, rules, results) -> None:
    outcomes = [o.id for o in rules.scenario.outcomes]
    rungs = ["none"] + [r.id for r in rules.scenario.ladder.rungs]
    with atomic_write(path) as fh:
        w = csv.writer(fh)
        w.writerow(["game", "outcome", "turns", "max_rung", "max_rung_id", "escalation_score"])
        for res in results:
            for i in range(len(res.outcome)):
                w.writerow(
                    [
                        res.start + i,
                        outcomes[res.outcome[i]],
                        int(res.turns[i]),
                        int(res.max_rung[i]),
                        rungs[res.max_rung[i]],
                        f"{float(res.score[i]):g}",
                    ]
                )


def _share(share: float) -> str:
    """A share as a percentage, never rounding a rare event down to zero.

    >>> _share(0.0004), _share(0.25), _share(0.0)
    ('  <0.1%', '  25.0%', '   0.0%')
    """
    return "  <0.1%" if 0 < share < 0.0005 else f"{share * 100:6.1f}%"


def _bar(share: float, width: int = 24) -> str:
    n = int(round(share * width))
    return "#" * n + "." * (width - n)


def _rows(name: str, width: int, cells: str) -> None:
    print("\n".join(name_rows(name, width, cells)))


def _print_summary(s: dict, loaded, elapsed: float, turns_total: int, engine: str = "") -> None:
    scn = loaded.scenario
    pol = ", ".join(f"{k}: {v}" for k, v in s["policies"].items())
    print(f"{scn.meta.title}")
    print(
        f"{s['games']:,} games, seed {s['seed']}, {elapsed:.1f} s "
        f"({turns_total / max(elapsed, 1e-9):,.0f} game-turns/s{engine}); policies: {pol}"
    )
    if s["overrides"]:
        print("set: " + ", ".join(f"{k}={v:g}" for k, v in s["overrides"].items()))
    print("\nOutcomes (share of games, 95% interval)")
    names = {o.id: o.name for o in scn.outcomes}
    rung_names = {r.id: r.name for r in scn.ladder.rungs}
    line_names = {r.id: f"{scn.actor(r.owner).name}: {r.name}" for r in scn.red_lines}
    width = name_width([*names.values(), *rung_names.values()], floor=34, cap=40)  # these rows end in a bar
    lines_width = name_width([], floor=NAME_CAP)
    for oid, share in s["outcomes"].items():
        lo, hi = s["outcome_intervals"][oid]
        _rows(names[oid], width, f"{_share(share)}  [{lo * 100:4.1f}, {hi * 100:4.1f}]  {_bar(share)}")
    t = s["turns"]
    print(f"\nTurns: mean {t['mean']:.1f}, median {t['p50']}, p95 {t['p95']} (limit {scn.calendar.turns})")
    print("\nHighest rung reached")
    for rid, share in s["max_rung"].items():
        if share:
            _rows(rung_names.get(rid, "no rung"), width, f"{_share(share)}  {_bar(share)}")
    if s["red_lines"]:
        print("\nRed lines (share of games where tripped)")
        for rid, info in s["red_lines"].items():
            _rows(line_names[rid], lines_width, _share(info["trip_rate"]))
    if s["thresholds"]:
        print("\nThresholds (share of games crossed; mean turn of first crossing)")
        for th in scn.ladder.thresholds:
            info = s["thresholds"][th.id]
            when = f"turn {info['first_turn_mean']:.1f}" if info["first_turn_mean"] else "-"
            _rows(th.name, lines_width, f"{_share(info['crossed'])}  {when}")
    e = s["escalation_score"]
    from game.model import RIVERA_WEIGHTS

    source = "Rivera et al. 2024 weights" if e["weights"] == RIVERA_WEIGHTS else "the scenario's weights"
    print(
        f"\nEscalation score ({source}): mean {e['mean']:.1f}, sd {e['sd']:.1f}, median {e['p50']:g}, p95 {e['p95']:g}"
    )
    a, sg = s["accidents"], s["signals"]
    print(
        f"Accidents (fog): {a['per_game']:.2f} per game, {a['share_of_escalations'] * 100:.0f}% of rung increases; "
        f"signals: {sg['per_game']:.2f} per game, {sg['divergence_rate'] * 100:.0f}% at odds with the action"
    )


# ---------------------------------------------------------------- replay


def args_replay(sp) -> None:
    _scenario_args(sp)
    sp.add_argument("--seed", type=int, default=1, help="seed of the batch (default 1)")
    sp.add_argument("--game", type=_game_index, default=0, help="game index within the batch (default 0)")
    sp.add_argument(
        "--policy", action="append", metavar="ACTOR=NAME", help="as for simulate, or llm:MODEL@URL (a language model)"
    )
    sp.add_argument("--log", metavar="LOG", help="replay a game log's decisions (its seed and game too)")
    _set_arg(sp)
    sp.add_argument("--json", action="store_true", help="print the game and its event log as JSON")


def replay_log(rules, seed: int, game: int, policies: dict[str, str] | None = None) -> dict:
    """Game ``game`` of batch ``seed`` as a batch of one, with its explained event log."""
    import numpy as np

    from game.engine.batch import Batch
    from game.engine.event_log import EventLog
    from game.engine.history import history_comparison
    from game.runners.local import policies_for

    log = EventLog()
    b = Batch(rules, seed, np.array([game], dtype=np.uint64), policies_for(rules, policies or {}), log).run()
    assert b.rung_by_turn is not None  # a batch of one keeps its rungs by turn
    scn = rules.scenario
    rungs = ["none"] + [r.id for r in scn.ladder.rungs]
    return {
        "format": "redline-log/1",
        "scenario": scn.meta.id,
        "seed": seed,
        "game": game,
        "policies": {a.id: (policies or {}).get(a.id, a.policy) for a in scn.actors},
        "outcome": scn.outcomes[int(b.outcome[0])].id,
        "turns": int(b.turns[0]),
        "max_rung": int(b.max_rung[0]),
        "max_rung_id": rungs[int(b.max_rung[0])],
        "escalation_score": float(b.score[0]),
        "rungs_by_turn": {a.id: b.rung_by_turn[i, : int(b.turns[0]), 0].tolist() for i, a in enumerate(scn.actors)},
        "objectives": {o.id: float(b.objective_scores[i, 0]) for i, o in enumerate(scn.objectives)},
        "history": history_comparison(rules, log.games[0]),
        "events": log.games[0],
    }


def cmd_replay(args) -> int:
    if args.game < 0:
        raise UsageError("--game must be 0 or more")
    sets = parse_sets(args.set)
    loaded = _load(args.file, sets)
    policies = parse_policies(args.policy)
    _check_policies(loaded.rules, policies)
    from game.cli import llm_cmd

    if args.log:
        out = llm_cmd.replay_from_log(loaded.rules, args.log, policies)
        args.seed, args.game = out["seed"], out["game"]
    elif any(name.startswith("llm:") for name in policies.values()):
        out = llm_cmd.llm_game_log(loaded.rules, args.seed, args.game, policies)
    else:
        out = replay_log(loaded.rules, args.seed, args.game, policies)
    answers = llm_cmd.answer_lines(out)
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    scn = loaded.scenario
    print(f"{scn.meta.title}: game {args.game} of seed {args.seed}")
    turn = None
    history = {h["turn"]: h for h in out["history"]}
    for ev in out["events"]:
        if ev["turn"] != turn:
            turn = ev["turn"]
            print(f"\nTurn {turn} ({ev['date']})")
            if turn in history:
                h = history[turn]
                print(f"  Historically: {h['text']}")
                left = [a for a, same in h["matches"].items() if not same]
                if left:
                    print(f"  This game left history here: {', '.join(scn.actor(a).name for a in left)}")
        print("  " + _event_line(ev, scn))
        if ev["kind"] == "decision" and (ev["turn"], ev.get("actor")) in answers:
            print("      " + answers[(ev["turn"], ev.get("actor"))])
    oc = next(o for o in scn.outcomes if o.id == out["outcome"])
    print(
        f"\nOutcome: {oc.name} after {out['turns']} turns; highest rung: {out['max_rung_id']}; "
        f"escalation score {out['escalation_score']:g}"
    )
    return 0


def _event_line(ev: dict, scn) -> str:
    kind = ev["kind"]
    ref = f"#{ev['id']}"
    cause = f" <- {', '.join('#' + str(c) for c in ev['causes'])}" if ev.get("causes") else ""
    line = f"{ref} {ev.get('text', kind)}{cause}"
    if ev.get("why"):
        total = sum(w["weight"] for w in ev["why"])
        parts = "; ".join(f"{w['what']} gives {w['weight']:.3g}" for w in ev["why"])
        line += f"\n      weight {max(total, 0.0):.3g}: {parts}"
    return line


# ---------------------------------------------------------------- schema, params


def args_schema(sp) -> None:
    sp.add_argument("--out", metavar="PATH", help="write to PATH instead of stdout")


def cmd_schema(args) -> int:
    from game.schema import json_schema

    if args.out:
        _output_file(args.out, "--out")
    text = json.dumps(json_schema(), indent=2) + "\n"
    if args.out:
        with atomic_write(args.out) as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)
    return 0


def args_params(sp) -> None:
    _scenario_args(sp)
    _set_arg(sp, "list the parameters with this one changed (PATH as listed, e.g. params.enforce_p=0); repeatable")


def cmd_params(args) -> int:
    from game.params import tunables

    loaded = _load(args.file, parse_sets(args.set))
    for t in tunables(loaded.scenario):
        print(f"{t.path} = {t.value:g}    range [{t.lo:g}, {t.hi:g}]  {t.says}".rstrip())
    return 0


# ---------------------------------------------------------------- the window


def args_play(sp) -> None:
    sp.add_argument("file", metavar="FILE", nargs="?", help="scenario file (default: the title screen)")
    sp.add_argument("--actor", help="the actor you play (default: ask)")
    sp.add_argument("--seed", type=int, default=None, help="seed (default: random)")
    sp.add_argument(
        "--policy",
        action="append",
        metavar="ACTOR=NAME",
        help="a seat you do not play: as for simulate, or llm:MODEL@URL (a language model plays it)",
    )
    _set_arg(sp)
    sp.add_argument(
        "--screenshot", metavar="PNG", help="play --after-turns turns by the seat's doctrine, save the window, exit"
    )
    sp.add_argument("--after-turns", type=int, default=0, metavar="N", help="turns to play before the screenshot")
    sp.add_argument(
        "--screen",
        default=None,
        metavar="SCREEN",
        help="screen to capture: briefing, board, debrief or title (default: board)",
    )
    sp.add_argument("--size", default=None, metavar="WxH", help="window size, e.g. 1920x1080 (default 1280x720)")


def cmd_play(args) -> int:
    from game.cli.window import play

    if args.policy:
        if not args.file:
            raise UsageError("--policy needs a scenario FILE")
        from game.cli.llm_cmd import split_policies

        policies = parse_policies(args.policy)
        _check_policies(_load(scenario_arg(args.file), parse_sets(args.set)).rules, policies)
        split_policies(policies)  # an llm: seat's MODEL@URL is checked before the window opens
    return play(args)


def args_watch(sp) -> None:
    _scenario_args(sp)
    sp.add_argument("--seed", type=int, default=1, help="seed of the batch (default 1)")
    sp.add_argument("--game", type=_game_index, default=0, help="game index within the batch (default 0)")
    _set_arg(sp)
    sp.add_argument("--speed", type=float, default=1.0, help="turns per second when playing (default 1)")
    sp.add_argument("--screenshot", metavar="PNG", help="play --after-turns turns, save the window, exit")
    sp.add_argument("--after-turns", type=int, default=0, metavar="N", help="turns to play before the screenshot")
    sp.add_argument("--size", default=None, metavar="WxH", help="window size, e.g. 1920x1080 (default 1280x720)")


def cmd_watch(args) -> int:
    from game.cli.window import watch

    return watch(args)


# ---------------------------------------------------------------- host, join (class play)


def args_host(sp) -> None:
    _scenario_args(sp)
    sp.add_argument("--port", type=int, default=8765, help="port to listen on (default 8765)")
    sp.add_argument("--bind", default="0.0.0.0", help="address to listen on (default: every network of this machine)")
    sp.add_argument("--seed", type=int, default=None, help="the game's seed (default: a random one)")
    sp.add_argument("--resume", metavar="SAVE", default=None, help="resume the class game saved in SAVE")
    sp.add_argument("--clock", type=int, default=0, metavar="SECONDS", help="seconds per turn (default: no clock)")
    sp.add_argument(
        "--on-timeout",
        choices=("hold", "doctrine"),
        default="hold",
        help="a seat that has not decided when the clock runs out holds (default) or plays its doctrine",
    )
    sp.add_argument("--out", metavar="DIR", default=None, help="folder of the autosave and the log (default class-ID)")
    sp.add_argument("--no-window", action="store_true", help="serve without the teacher's console window")
    sp.add_argument("--size", default=None, metavar="WxH", help="window size, e.g. 1920x1080")


def cmd_host(args) -> int:
    import random

    from game.net.host import HostError, announcement, prepare, serve_forever

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be 0 to 65535, got {args.port}")
    if not 0 <= args.clock <= 86400:
        raise UsageError(f"--clock must be 0 (none) to 86400 seconds, got {args.clock}")
    seed = args.seed if args.seed is not None else random.randrange(1, 1_000_000)
    try:
        plan = prepare(args.file, seed, args.resume, args.clock, args.on_timeout, args.out)
    except HostError as exc:
        print(f"{prog()} host: {exc}", file=sys.stderr)
        return 1
    if not args.no_window:
        from game.cli.window import host

        return host(args, plan)

    def started(port: int) -> None:
        print("\n".join(announcement(plan, port, prog())), flush=True)

    try:
        serve_forever(plan, args.bind, args.port, started)
    except OSError as exc:
        print(f"{prog()} host: cannot listen on port {args.port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0


def args_join(sp) -> None:
    sp.add_argument("address", metavar="ADDRESS", help="the host's address as the teacher gave it (host:port)")
    sp.add_argument("code", metavar="CODE", help="your seat's join code (or the teacher's)")
    sp.add_argument("--name", default="", help="your name, shown to your team and the teacher")
    sp.add_argument("--size", default=None, metavar="WxH", help="window size, e.g. 1920x1080")
    sp.add_argument("--screenshot", metavar="PNG", help="join, save the window once the view came, and exit")


def cmd_join(args) -> int:
    from game.cli.window import join

    return join(args)


__all__ = ["RedlineError"]


# ---------------------------------------------------------------- lint, new


def args_lint(sp) -> None:
    _scenario_args(sp, many=True)
    sp.add_argument(
        "--games", type=_positive, default=None, metavar="N", help="also run N games and flag balance problems"
    )
    sp.add_argument("--seed", type=int, default=1, help="seed of the --games run (default 1)")
    sp.add_argument("--strict", action="store_true", help="exit 1 when there are warnings")
    sp.add_argument("--quiet", action="store_true", help="no progress bar")


def cmd_lint(args) -> int:
    from game.lint import comment_cuts, lint
    from game.loader.load import read_bytes

    total, bad = 0, 0
    for path, loaded, _errors in _each_scenario(args.files):
        if loaded is None:
            bad += 1
            continue
        text = read_bytes(path).decode("utf-8", errors="replace")
        warnings = list(loaded.warnings) + lint(loaded) + comment_cuts(text, loaded.file)
        for w in warnings:
            print(w)
        balance = []
        if args.games:
            balance = _balance(args, loaded)
            for line in balance:
                print(f"{loaded.file}: balance: {line}")
        total += len(warnings) + len(balance)
    print(
        f"{total} warning{'s' if total != 1 else ''}"
        + (f"; {bad} file{'s' if bad != 1 else ''} with errors" if bad else "")
    )
    return 1 if bad or (args.strict and total) else 0


def _balance(args, loaded) -> list[str]:
    from game.runners.balance import balance_warnings
    from game.runners.local import RunSpec, default_workers, simulate

    spec = RunSpec(loaded.source, loaded.file, args.seed, engine=engine_option(None))
    bar = progress(args.games, args.quiet)
    tally = simulate(
        spec, args.games, 1 if args.games <= 20_000 else default_workers(), lambda res: bar.update(len(res.outcome))
    )
    bar.close()
    return balance_warnings(tally, loaded.rules)


def args_new(sp) -> None:
    sp.add_argument("file", metavar="FILE", help="the scenario file to create")
    sp.add_argument(
        "--from",
        dest="source",
        metavar="SCENARIO",
        help="start from a shipped scenario (its id, e.g. atacms_2024, or a path)",
    )
    sp.add_argument("--force", action="store_true", help="overwrite FILE if it exists")


def cmd_new(args) -> int:
    import os

    from game import resources
    from game.loader.load import display_name

    if os.path.exists(args.file) and not args.force:
        print(f"{args.file}: already exists; choose another name or add --force", file=sys.stderr)
        return 1
    try:
        schema = os.path.relpath(resources.schema_file(), os.path.dirname(os.path.abspath(args.file)))
    except ValueError:  # another drive (Windows): no relative path, name the file itself
        schema = resources.schema_file().as_uri()
    if args.source:
        src = args.source if os.path.exists(args.source) else resources.find_shipped_scenario(args.source)
        if src is None:
            shipped = [p.stem for p in resources.scenario_files()]
            raise UsageError(f"--from: no scenario '{args.source}' (shipped: {', '.join(shipped)})")
        with open(src, encoding="utf-8") as fh:
            lines = fh.read().splitlines(keepends=True)
        if lines and lines[0].startswith("# yaml-language-server:"):
            lines = lines[1:]
        text = f"# yaml-language-server: $schema={schema}\n" + "".join(lines)
    else:
        with open(resources.template_file(), encoding="utf-8") as fh:
            text = fh.read().replace("{schema}", schema).replace("{file}", display_name(args.file))
    with atomic_write(args.file) as fh:
        fh.write(text)
    print(f"wrote {display_name(args.file)}; check it with: {prog()} validate {display_name(args.file)}")
    return 0


# ---------------------------------------------------------------- class-report


def args_class_report(sp) -> None:
    sp.add_argument("logs", metavar="LOGS_DIR", help="folder of game logs students exported (*.json)")
    sp.add_argument("--out", metavar="DIR", required=True, help="folder to write report.html and summary.json")
    sp.add_argument(
        "--scenario",
        metavar="FILE",
        action="append",
        help="a scenario file the logs may be for, found by its id (repeatable; default: the shipped scenarios)",
    )
    sp.add_argument("--ai-games", type=_positive, default=2000, help="games of the AI in the seat (default 2000)")
    sp.add_argument(
        "--seat",
        metavar="ACTOR",
        help="report only the games played in this seat (default: the seat most logs played; a folder that "
        "mixes seats is reported with a warning naming each)",
    )


def cmd_class_report(args) -> int:
    from game.class_report import (
        LogError,
        analyse,
        find_scenario,
        pick_scenario,
        pick_seat,
        read_logs,
        render,
        replay_logs,
        version_warning,
    )

    if not os.path.isdir(args.logs):
        raise UsageError(f"{args.logs}: not a folder")
    _output_folder(args.out, "--out")
    require_extra("matplotlib", "report", "class-report (the report's plots)")
    logs, skipped = read_logs(args.logs)
    if not logs:
        for name, why in skipped:
            print(f"{name}: skipped: {why}", file=sys.stderr)
        print(f"{args.logs}: no usable game logs", file=sys.stderr)
        return 1
    scenario, other_scenarios, warnings = pick_scenario(logs)
    skipped += other_scenarios
    try:
        _path, loaded = find_scenario(scenario, args.scenario or [], _load)
        chosen = pick_seat(
            [(n, log) for n, log in logs if log.scenario == scenario],
            args.seat,
            {a.id: a.name for a in loaded.scenario.actors},
        )
    except LogError as exc:
        raise UsageError(str(exc)) from None
    skipped += chosen.skipped
    warnings += chosen.warnings
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    replayed, unplayable, flagged = replay_logs(chosen.logs, loaded.rules)
    skipped += unplayable
    warnings += version_warning(flagged, len(replayed))
    if not replayed:
        for name, why in skipped:
            print(f"{name}: skipped: {why}", file=sys.stderr)
        print(f"{args.logs}: no usable game logs", file=sys.stderr)
        return 1
    res = analyse(replayed, loaded.rules, args.ai_games, seat=chosen.seat, warnings=warnings)
    os.makedirs(args.out, exist_ok=True)
    with atomic_write(os.path.join(args.out, "report.html")) as fh:
        fh.write(render(res, skipped, flagged))
    with atomic_write(os.path.join(args.out, "summary.json")) as fh:
        json.dump(
            {
                **res,
                "skipped": [{"file": n, "why": w} for n, w in skipped],
                "flagged": [{"file": f.name, "why": f.why} for f in flagged],
            },
            fh,
            indent=2,
        )
    for name, why in skipped:
        print(f"{name}: skipped: {why}")
    for f in flagged:
        print(f"{f.name}: flagged: {f.why}")
    flags = f", {len(flagged)} flagged (outcome not what its decisions give)" if flagged else ""
    for line in version_warning(flagged, len(replayed)):
        print(f"warning: {line}", file=sys.stderr)
    print(
        f"{len(replayed)} logs of '{scenario}' read, {len(skipped)} skipped{flags}; "
        f"wrote {os.path.join(args.out, 'report.html')}"
    )
    return 0


# ---------------------------------------------------------------- handout


def args_handout(sp) -> None:
    _scenario_args(sp)
    sp.add_argument("--out", metavar="DIR", required=True, help="folder to write handout.html and card-SEAT.html")
    sp.add_argument("--paper", choices=("a4", "letter"), default="a4", help="paper size for printing (default a4)")
    sp.add_argument("--games", type=_positive, default=2000, help="AI games behind the debrief figures (default 2000)")
    sp.add_argument("--seed", type=int, default=1, help="seed of those games (default 1)")
    _set_arg(sp)


def cmd_handout(args) -> int:
    from game.handout import build, write

    _output_folder(args.out, "--out")
    loaded = _load(args.file, parse_sets(args.set))
    written = write(build(loaded, args.paper, args.games, args.seed), args.out)
    cards = sum(os.path.basename(p).startswith("card-") for p in written)
    print(
        f"wrote {written[0]} (briefing, {cards} role cards, {len(loaded.scenario.meta.documents)} documents, "
        f"claim statuses, debrief sheet from {args.games:,} AI games) and {cards} role cards alone; "
        "print from a browser (A4 or Letter, as --paper says)"
    )
    return 0
