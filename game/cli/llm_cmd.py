"""``--policy ACTOR=llm:MODEL@URL`` on ``simulate`` and ``replay``, and ``replay --log``.

A seat played by a language model asks its server each turn, so its games are played one at a
time (``game.policies.llm.play_game``), never in the batch engine's workers; each game's log
keeps the decisions and the model's conversations, and ``replay --log`` plays it again from
the decisions alone, without the server.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from game.cli.common import UsageError, progress


def split_policies(policies: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """(actor id -> ``LLMPolicy`` for the ``llm:`` seats, the other seats' policy names)."""
    from game.policies.llm import LLMPolicy, is_llm_spec

    seats, names = {}, {}
    for actor, name in policies.items():
        if is_llm_spec(name):
            try:
                seats[actor] = LLMPolicy.from_spec(name)
            except ValueError as exc:
                raise UsageError(f"--policy {actor}: {exc}") from None
        else:
            names[actor] = name
    return seats, names


def _play(rules, seed: int, game: int, seats: dict, names: dict[str, str]):
    from game.policies.llm import LLMError, play_game

    try:
        return play_game(rules, seed, game, seats, names)
    except LLMError as exc:
        raise UsageError(f"--policy {', '.join(seats)}=llm: {exc}") from None


def llm_game_log(rules, seed: int, game: int, policies: dict[str, str]) -> dict:
    """Game ``game`` of ``seed`` with model seats: its log, conversations included."""
    from game.policies.llm import game_log

    seats, names = split_policies(policies)
    return game_log(_play(rules, seed, game, seats, names), seats)


def simulate_with_llm(args, loaded, sets: dict, policies: dict[str, str], print_summary: Callable) -> int:
    """``simulate`` with model seats: the games played one by one (each asks the model every
    turn), summarised as any simulation; ``--logs DIR`` keeps each game's log."""
    import json
    import os

    from game.files import atomic_write
    from game.policies.llm import game_log
    from game.runners.tally import Tally, summarize

    if args.games_csv or args.scheduler:
        raise UsageError("--games-csv and --scheduler do not work with an llm: seat (use --logs DIR)")
    if args.logs and os.path.exists(args.logs) and not os.path.isdir(args.logs):
        raise UsageError(f"--logs {args.logs}: is a file; give a folder")
    seats, names = split_policies(policies)
    rules = loaded.rules
    bar = progress(args.games, args.quiet)
    tally = None
    t0 = time.perf_counter()
    try:
        for g in range(args.games):
            session = _play(rules, args.seed, g, seats, names)
            t = Tally.of(session.batch)
            tally = t if tally is None else tally.merge(t)
            if args.logs:
                os.makedirs(args.logs, exist_ok=True)
                with atomic_write(os.path.join(args.logs, f"game_{g}.json")) as fh:
                    json.dump(game_log(session, seats), fh, indent=1, ensure_ascii=False)
            bar.update(1)
    finally:
        bar.close()
    elapsed = time.perf_counter() - t0
    assert tally is not None  # --games is at least 1
    summary = summarize(
        tally,
        rules,
        args.seed,
        {
            "policies": {a.id: policies.get(a.id, a.policy) for a in loaded.scenario.actors},
            "params": {p.id: p.value for p in loaded.scenario.params},
            "overrides": sets,
        },
    )
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        turns_total = int(sum(t * n for t, n in enumerate(tally.turns.tolist())))
        print_summary(summary, loaded, elapsed, turns_total, ", one game at a time")
    return 0


def replay_from_log(rules, path: str, names: dict[str, str]) -> dict:
    """The game of a log (``redline-log/1``: an exported game, an environment's episode or a
    model seat's game) replayed from its decisions, each checked against the rules."""
    import json

    from game.class_report import LogError, read_log
    from game.decisions import replay_decisions
    from game.engine.session import SaveError

    try:
        log = read_log(path)
    except LogError as exc:
        raise UsageError(f"--log {path}: {exc}") from None
    if log.scenario != rules.scenario.meta.id:
        raise UsageError(f"--log {path}: it is a game of '{log.scenario}', not of '{rules.scenario.meta.id}'")
    try:
        session = replay_decisions(rules, log.seed, log.game, log.humans, log.decisions, names)
    except SaveError as exc:
        raise UsageError(f"--log {path}: its decisions cannot be replayed: {exc}") from None
    if not session.done:
        raise UsageError(f"--log {path}: its decisions stop at turn {session.turn}, before the game ends")
    out = session.to_log()
    with open(path, encoding="utf-8") as fh:
        raw = json.load(fh)
    recorded = raw.get("policies") if isinstance(raw.get("policies"), dict) else {}
    for actor in log.humans:
        if isinstance(recorded.get(actor), str):
            out["policies"][actor] = recorded[actor]
    if isinstance(raw.get("llm"), list):
        out["llm"] = raw["llm"]
    return out


def answer_lines(out: dict) -> dict[tuple[int, str], str]:
    """(turn, actor) -> a line saying what the model answered, for the text replay."""
    lines = {}
    for x in out.get("llm", []):
        if not isinstance(x, dict):
            continue
        answers = [str(a) for a in x.get("answers", [])]
        said = " / ".join(repr(a[:60]) for a in answers)
        lines[(int(x.get("turn", 0)), str(x.get("actor", "")))] = f"model answered {said}: {x.get('status', '')}"
    return lines
