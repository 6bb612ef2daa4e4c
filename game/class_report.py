"""``class-report``: what a class did with a scenario, from the logs students exported.

Each log is the JSON a student's debrief exports (``format: redline-log/1``, the same
structure as ``replay --json`` plus the human seats and their decisions). Nothing in a log
is trusted: only regular files are read (never a FIFO or a device), under a size cap; the
JSON is parsed with a nesting limit and checked against ``GameLog``; the scenario is found
by its id only among the files the teacher names (``--scenario``) or the shipped ones, never
used as a path; and each game is replayed from its decisions (each checked by the engine's
legality rules), so the report's outcomes, paths and thresholds are the replay's. A log whose
recorded outcome differs from its replay is flagged. The report compares the class with the
AI playing the same seat.
"""

from __future__ import annotations

import base64
import collections
import html
import os
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import attrs
import numpy as np

from game.datafile import DataFileError, in_range, load_json_file
from game.decisions import MAX_SEED, MAX_TURNS, SavedDecision, replay_decisions
from game.engine.session import SaveError
from game.runners.report import _percent, _plt, _png

if TYPE_CHECKING:
    from game.runners.load import Loaded

LOG_FORMAT = "redline-log/1"
MAX_LOG_BYTES = 20_000_000
SCENARIO_ID = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}")


class LogError(Exception):
    """A log that cannot be used; the message says why."""


@attrs.frozen
class LogEvent:
    """The fields of an event the report could read; the rest of an event is not used."""

    kind: str
    turn: int = attrs.field(validator=in_range(0, MAX_TURNS))
    actor: str | None = None
    action: str | None = None
    threshold: str | None = None
    human: bool = False


@attrs.frozen
class GameLog:
    """The schema of an exported log (``redline-log/1``); unknown keys are ignored."""

    FORMAT: ClassVar[str] = LOG_FORMAT
    format: str
    scenario: str
    seed: int = attrs.field(validator=in_range(0, MAX_SEED))
    outcome: str | None
    turns: int = attrs.field(validator=in_range(0, MAX_TURNS))
    events: tuple[LogEvent, ...]
    humans: tuple[str, ...]
    decisions: tuple[SavedDecision, ...] = attrs.field(validator=attrs.validators.max_len(MAX_TURNS))
    game: int = attrs.field(default=0, validator=in_range(0, MAX_SEED))


@attrs.frozen
class ReplayedLog:
    """A log's game as replaying its decisions gives it (what the report counts)."""

    name: str
    humans: tuple[str, ...]
    outcome: str
    turns: int
    events: list[dict]
    rungs: dict[str, list[int]] = attrs.Factory(dict)
    """Each actor's rung after each turn (0: none yet), as the replay gives them."""
    history: list[dict] = attrs.Factory(list)
    """Per turn with a historical record: what happened then and whether each actor matched it."""


@attrs.frozen
class Flagged:
    """A log whose recorded outcome or length is not what its decisions give."""

    name: str
    why: str


def read_log(path: str) -> GameLog:
    """Read and check one exported log; ``LogError`` (one line) if it is not a usable Redline log."""
    try:
        log = load_json_file(path, GameLog, "a Redline game log", MAX_LOG_BYTES)
    except DataFileError as exc:
        raise LogError(str(exc)) from None
    if not SCENARIO_ID.fullmatch(log.scenario):
        raise LogError(f"scenario {log.scenario[:40]!r} is not a scenario id")
    if log.outcome is None:
        raise LogError("the game was not finished")
    return log


def read_logs(folder: str) -> tuple[list[tuple[str, GameLog]], list[tuple[str, str]]]:
    """Every ``*.json`` in ``folder`` as (name, log), and (name, why) for those skipped."""
    logs, skipped = [], []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".json"):
            continue
        try:
            logs.append((name, read_log(os.path.join(folder, name))))
        except LogError as exc:
            skipped.append((name, str(exc)))
    return logs, skipped


def find_scenario(scenario_id: str, named: list[str], load: Callable[[str], Loaded]) -> tuple[str, Loaded]:
    """(path, loaded) of the scenario whose id is ``scenario_id``: among the files the teacher
    named, else among the shipped ones. The id is never used as a path."""
    from game import resources

    if named:
        for path in named:
            loaded = load(path)
            if loaded.scenario.meta.id == scenario_id:
                return path, loaded
        raise LogError(f"none of the scenario files given ({', '.join(named)}) has the id '{scenario_id}'")
    shipped = {p.stem: p for p in Path(resources.scenarios_dir()).glob("*.yaml")}
    if scenario_id in shipped:
        loaded = load(str(shipped[scenario_id]))
        if loaded.scenario.meta.id == scenario_id:
            return str(shipped[scenario_id]), loaded
    raise LogError(f"cannot find the scenario '{scenario_id}'; pass it with --scenario FILE")


def replay_logs(logs: list[tuple[str, GameLog]], rules):
    """Each log replayed from its decisions: (replayed, skipped, flagged)."""
    replayed, skipped, flagged = [], [], []
    outcomes = rules.scenario.outcomes
    names = {o.id: o.name for o in outcomes}
    for name, log in logs:
        try:
            s = replay_decisions(rules, log.seed, log.game, log.humans, log.decisions)
        except SaveError as exc:
            skipped.append((name, f"its decisions cannot be replayed: {exc}"))
            continue
        if not s.done:
            skipped.append((name, f"its decisions stop at turn {s.turn}, before the game ends"))
            continue
        got = s.to_log()
        if (log.outcome, log.turns) != (got["outcome"], got["turns"]):
            said = names.get(log.outcome or "", log.outcome)
            flagged.append(
                Flagged(
                    name,
                    f"the log says '{said}' after {log.turns} turns; replaying its decisions gives "
                    f"'{names[got['outcome']]}' after {got['turns']} turns (the replay is counted)",
                )
            )
        replayed.append(
            ReplayedLog(
                name, s.humans, got["outcome"], got["turns"], got["events"], got["rungs_by_turn"], got["history"]
            )
        )
    return replayed, skipped, flagged


def _logs_phrase(counts: collections.Counter[str], name: Callable[[str], str]) -> str:
    return ", ".join(f"{name(k)} ({n} log{'s' if n != 1 else ''})" for k, n in counts.most_common())


@attrs.frozen
class Selection:
    """The logs one report covers (one scenario, one seat), those left out and why, and the
    warning lines a teacher must see when a folder mixes scenarios or seats."""

    seat: str
    logs: list[tuple[str, GameLog]]
    skipped: list[tuple[str, str]]
    warnings: list[str]


def log_seat(log: GameLog) -> str:
    """The seat a student played (the first human seat; hot-seat games list more)."""
    return log.humans[0] if log.humans else ""


def pick_scenario(logs: list[tuple[str, GameLog]]) -> tuple[str, list[tuple[str, str]], list[str]]:
    """The scenario most logs are for, the logs of other scenarios as skipped, and a warning
    naming each scenario found when there are several."""
    counts = collections.Counter(log.scenario for _n, log in logs)
    scenario = counts.most_common(1)[0][0]
    skipped = [(n, f"for scenario '{log.scenario}', not '{scenario}'") for n, log in logs if log.scenario != scenario]
    warnings = []
    if len(counts) > 1:
        warnings.append(
            f"the folder mixes logs of {len(counts)} scenarios: {_logs_phrase(counts, str)}; "
            f"reporting '{scenario}' only"
        )
    return scenario, skipped, warnings


def pick_seat(logs: list[tuple[str, GameLog]], seat: str | None, actor_names: dict[str, str]) -> Selection:
    """The logs of one seat: ``seat`` when given, else the seat most logs played. A folder that
    mixes seats gets a warning naming each seat and its count of logs; the other seats' logs are
    skipped (a class page compares the games of one seat). ``LogError`` for a seat the scenario
    does not have."""

    def name(a: str) -> str:
        return f"{actor_names.get(a, a)} [{a}]"

    if seat is not None and seat not in actor_names:
        raise LogError(f"--seat {seat}: no such seat; the scenario's seats are {', '.join(actor_names)}")
    counts = collections.Counter(log_seat(log) for _n, log in logs)
    chosen = seat if seat is not None else counts.most_common(1)[0][0]
    kept = [(n, log) for n, log in logs if chosen in log.humans]
    skipped = [
        (n, f"played as {name(log_seat(log))}, not {name(chosen)}") for n, log in logs if chosen not in log.humans
    ]
    warnings = []
    if len(counts) > 1:
        how = "as --seat asks" if seat is not None else "the seat most logs played; choose another with --seat ID"
        warnings.append(
            f"the folder mixes logs of {len(counts)} seats: {_logs_phrase(counts, name)}; "
            f"reporting {name(chosen)} only ({how})"
        )
    return Selection(chosen, kept, skipped, warnings)


def version_warning(flagged: Sequence[Flagged], replayed: int) -> list[str]:
    """A warning when logs record outcomes their decisions no longer give: most likely played on
    another version of the scenario."""
    if not flagged:
        return []
    return [
        f"{len(flagged)} of {replayed} logs record an outcome their decisions do not give on this scenario file: "
        "they were probably played on another version of it (the replay is counted)"
    ]


def decision_path(log: ReplayedLog, actor: str) -> tuple[str, ...]:
    return tuple(
        ev.get("action") or "?"
        for ev in log.events
        if ev["kind"] == "decision" and ev.get("actor") == actor and ev.get("human")
    )


@attrs.frozen
class OutcomeShare:
    id: str
    name: str
    share: float
    historical: bool


@attrs.frozen
class TripRate:
    id: str
    name: str
    owner: str
    declared: bool
    rate: float


@attrs.frozen
class ThresholdRate:
    id: str
    name: str
    rate: float


@attrs.frozen
class ScenarioFigures:
    """What the AI playing every seat by its doctrine does in ``games`` games from ``seed``: the
    numbers a teaching guide and a debrief sheet quote (``tools/teaching_figures.py`` writes them,
    a test recomputes them)."""

    scenario: str
    games: int
    seed: int
    outcomes: tuple[OutcomeShare, ...]
    red_lines: tuple[TripRate, ...]
    thresholds: tuple[ThresholdRate, ...]


@attrs.frozen
class Question:
    """A debrief question and the debrief screen (or report section) where its evidence is."""

    text: str
    where: str


def scenario_figures(rules, games: int, seed: int) -> ScenarioFigures:
    """Outcome shares, red-line trip rates and threshold crossings over ``games`` AI games."""
    from game.runners.local import play_games, policies_for
    from game.runners.tally import Tally, summarize

    scn = rules.scenario
    b = play_games(rules, seed, np.arange(games, dtype=np.uint64), policies_for(rules))
    summary = summarize(Tally.of(b), rules, seed)
    names = {a.id: a.name for a in scn.actors}
    return ScenarioFigures(
        scn.meta.id,
        games,
        seed,
        tuple(OutcomeShare(o.id, o.name, summary["outcomes"][o.id], o.historical) for o in scn.outcomes),
        tuple(
            TripRate(r.id, r.name, names.get(r.owner, r.owner), r.declared, summary["red_lines"][r.id]["trip_rate"])
            for r in scn.red_lines
        ),
        tuple(ThresholdRate(t.id, t.name, summary["thresholds"][t.id]["crossed"]) for t in scn.ladder.thresholds),
    )


def first_sentence(text: str) -> str:
    """A parameter's description up to its first full stop, its first letter in lower case, to
    follow a colon.

    >>> first_sentence("How readily he trades. 0.2 = never.")
    'how readily he trades.'
    """
    head = text.split(". ", 1)[0].rstrip(".") + "."
    return head[:1].lower() + head[1:]


def discussion_questions(scn, fig: ScenarioFigures) -> tuple[Question, ...]:
    """Six to eight debrief questions built from the scenario and its figures, each pointing at the
    debrief screen that holds its evidence, so a teacher's sheet, the class page and a guide ask
    the same things."""
    qs = []
    top = max(fig.outcomes, key=lambda o: o.share)
    history = next((o for o in fig.outcomes if o.historical), None)
    qs.append(
        Question(
            f"Which outcome did your game reach? With the AI in every seat, '{top.name}' is the most common "
            f"({top.share:.0%} of {fig.games:,} games). What in your decisions made yours more or less likely?",
            "the outcome and 'your decisions, replayed 1,000 times'",
        )
    )
    if history is not None:
        qs.append(
            Question(
                f"History ended in '{history.name}' ({history.share:.0%} of AI games). At which turn did your "
                "game first part from history, and whose decision was it?",
                "'how it happened' and the history box beneath it",
            )
        )
    declared = [r for r in fig.red_lines if r.declared and r.rate > 0]
    if declared:
        r = min(declared, key=lambda r: abs(r.rate - 0.5))  # the least foregone: most to discuss
        qs.append(
            Question(
                f"The declared red line '{r.name}' ({r.owner}) tripped in {r.rate:.0%} of AI games. When it tripped in "
                "yours, was it enforced? What did enforcing it depend on: the words, or the chance?",
                "'how it happened' (the red line and its response, with the odds)",
            )
        )
    crossed = [t for t in fig.thresholds if t.rate > 0]
    if crossed:
        t = min(crossed, key=lambda t: abs(t.rate - 0.5))
        qs.append(
            Question(
                f"The threshold '{t.name}' was crossed in {t.rate:.0%} of AI games. Who crossed it first in yours, "
                "and did they mean to cross it?",
                "the escalation trajectory (rung by turn)",
            )
        )
    doubtful = [p for p in scn.params if p.claim]
    status = {c.id: c for c in scn.meta.claims}
    contested = [p for p in doubtful if p.claim in status and status[p.claim].status in ("contested", "disputed")]
    if contested:
        p = contested[0]
        c = status[p.claim]
        lo, hi = p.range
        qs.append(
            Question(
                f"The claim '{c.statement}' is {c.status}. The game turns it into a number: {first_sentence(p.says)} "
                f"It is {p.value:g} here, on a scale from {lo:g} to {hi:g}. What value would you set, on what "
                "evidence, and which outcome would change most?",
                f"the dossier (claims, and the setting {p.id}) and 'your decisions, replayed'",
            )
        )
    if scn.signals:
        qs.append(
            Question(
                "Which of your statements did not match what you did? Did the other side act as if it believed you?",
                "'how it happened' (signals beside actions)",
            )
        )
    if scn.fog:
        qs.append(
            Question(
                "Did any step up the ladder happen that nobody chose (a misreading or an accident)? What "
                "would have stopped it?",
                "'how it happened' (chance results, with their odds)",
            )
        )
    qs.append(
        Question(
            "If you played again in the same seat with the same seed, which one decision would you change, and why?",
            "the escalation trajectory and 'how it happened'",
        )
    )
    return tuple(qs[:8])


def _fig_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def parting_turns(logs: list[ReplayedLog], seat: str, action_names: dict[str, str]) -> list[dict]:
    """Where each game first left history in the seat: the turn, what history did, what the students
    did instead, and in how many games; the most common first."""
    count: collections.Counter[tuple[int, str, str]] = collections.Counter()
    for log in logs:
        for h in log.history:
            if seat in h["matches"] and not h["matches"][seat]:
                did = ", ".join(action_names.get(a, a) for a in h["game_actions"].get(seat, [])) or "nothing"
                count[(h["turn"], action_names.get(h["historical_actions"][seat], ""), did)] += 1
                break
    return [
        {"turn": t, "history": hist, "students": did, "games": n}
        for (t, hist, did), n in sorted(count.items(), key=lambda kv: (kv[0][0], -kv[1]))
    ]


def highest_so_far(rungs: list[int]) -> list[int]:
    """A rung-by-turn line as the highest rung reached so far, the one definition both of the
    class chart's lines use.

    >>> highest_so_far([1, 3, 2, 4])
    [1, 3, 3, 4]
    """
    return [int(r) for r in np.maximum.accumulate(rungs)] if rungs else []


def historical_rungs(rules, seat: str) -> list[int]:
    """The seat's highest rung so far, turn by turn, had it done what history records (0 until
    history records a step up): the definition the class's lines use, so neither line can fall."""
    scn = rules.scenario
    index = {r.id: i + 1 for i, r in enumerate(scn.ladder.rungs)}
    rung_of = {a.spec.id: index.get(a.spec.rung, 0) for a in rules.actions}
    out: list[int] = []
    current = 0
    for h in scn.history:
        while len(out) < h.turn - 1:
            out.append(current)
        if seat in h.actions:
            current = max(current, rung_of.get(h.actions[seat], 0))
        out.append(current)
    return out


def analyse(
    logs: list[ReplayedLog], rules, ai_games: int = 2000, seed: int = 1, seat: str | None = None, warnings=()
) -> dict:
    """The class's outcomes, paths, rungs and partings from history in ``seat`` (default: the seat
    most logs played), the AI's outcomes in the same seat, and the debrief questions with their figures."""
    scn = rules.scenario
    outcomes = [o.id for o in scn.outcomes]
    if seat is None:
        seats = collections.Counter(h for log in logs for h in log.humans[:1])
        seat = seats.most_common(1)[0][0] if seats else scn.actors[0].id
    students = collections.Counter(log.outcome for log in logs)
    fig = scenario_figures(rules, ai_games, seed)
    paths = collections.Counter(decision_path(log, seat) for log in logs if seat in log.humans)
    crossed: dict[str, dict] = {}
    for th in scn.ladder.thresholds:
        turns: list[int] = []
        by: collections.Counter[str] = collections.Counter()
        for log in logs:
            ev = next((e for e in log.events if e["kind"] == "threshold" and e.get("threshold") == th.id), None)
            if ev:
                turns.append(ev["turn"])
                by[ev.get("actor") or "?"] += 1
        crossed[th.id] = {"name": th.name, "games": len(turns), "turns": turns, "by": dict(by)}
    action_names = {a.spec.id: a.spec.name for a in rules.actions}
    return {
        "scenario": scn.meta.id,
        "title": scn.meta.title,
        "seat": seat,
        "warnings": list(warnings),
        "logs": len(logs),
        "students": {o: students.get(o, 0) / max(len(logs), 1) for o in outcomes},
        "ai": {o.id: o.share for o in fig.outcomes},
        "ai_games": ai_games,
        "outcome_names": {o.id: o.name for o in scn.outcomes},
        "historical_outcome": next((o.id for o in scn.outcomes if o.historical), None),
        "paths": [{"path": list(p), "games": n} for p, n in paths.most_common(10)],
        "thresholds": crossed,
        "ai_thresholds": {t.id: t.rate for t in fig.thresholds},
        "actor_names": {a.id: a.name for a in scn.actors},
        "action_names": action_names,
        "ladder": {
            "rungs": [r.name for r in scn.ladder.rungs],
            "thresholds": [
                {"name": t.name, "below": 1 + [r.id for r in scn.ladder.rungs].index(t.below)}
                for t in scn.ladder.thresholds
            ],
            "games": [highest_so_far(log.rungs.get(seat, [])) for log in logs if seat in log.humans],
            "history": historical_rungs(rules, seat) if scn.history else [],
        },
        "partings": parting_turns(logs, seat, action_names),
        "questions": [attrs.asdict(q) for q in discussion_questions(scn, fig)],
    }


def _runs(path: list[str], names: dict[str, str]) -> list[str]:
    """Decisions turn by turn, repeats folded: ``Strike (turns 4-9)``.

    >>> _runs(["a", "b", "b", "b"], {"a": "Talk", "b": "Strike"})
    ['Talk (turn 1)', 'Strike (turns 2-4)']
    """
    out, start = [], 0
    for i in range(1, len(path) + 1):
        if i == len(path) or path[i] != path[start]:
            turns = f"turn {start + 1}" if i - start == 1 else f"turns {start + 1}-{i}"
            out.append(f"{names.get(path[start], path[start])} ({turns})")
            start = i
    return out


def plot_outcomes(res: dict) -> bytes:
    plt = _plt()
    ids = list(res["students"])
    x = np.arange(len(ids))
    fig, ax = plt.subplots(figsize=(7.5, 3.2))
    ax.bar(x - 0.2, [res["students"][o] for o in ids], 0.4, label=f"class ({res['logs']} games)", color="#0072B2")
    ax.bar(
        x + 0.2,
        [res["ai"][o] for o in ids],
        0.4,
        label=f"AI in the same seat ({res['ai_games']} games)",
        color="#E69F00",
    )
    ax.set_xticks(x, [res["outcome_names"][o][:22] for o in ids], rotation=20, ha="right", fontsize=8)
    ax.set_ylabel("share of games")
    ax.yaxis.set_major_formatter(_percent())
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def plot_ladder(res: dict) -> bytes:
    """Every class game's path in the seat on one ladder (rung by turn), history's path in black,
    and the thresholds as dotted lines: where the class climbed, stopped and left history."""
    plt = _plt()
    lad = res["ladder"]
    rungs = lad["rungs"]
    fig, ax = plt.subplots(figsize=(7.5, 4.2))
    games = lad["games"]
    for i, path in enumerate(games):
        jitter = (i - (len(games) - 1) / 2) * min(0.3 / max(len(games), 1), 0.04)
        turns = np.arange(1, len(path) + 1)
        ax.plot(turns, np.asarray(path, dtype=float) + jitter, color="#0072B2", alpha=0.45, lw=1.6)
    if lad["history"]:
        turns = np.arange(1, len(lad["history"]) + 1)
        ax.plot(turns, lad["history"], color="#111111", lw=2.6, ls="--", label="history (highest rung so far)")
    last = max([len(p) for p in games] + [len(lad["history"]), 1])
    for th in lad["thresholds"]:
        y = th["below"] - 0.5
        ax.axhline(y, color="#CC79A7", lw=0.8, ls=":")
        ax.text(last + 0.4, y, th["name"][:38], fontsize=6.5, color="#8a2a6a", va="center", ha="right")
    ax.plot([], [], color="#0072B2", lw=1.6, label=f"class games ({len(games)}; highest rung so far)")
    ax.set_yticks(range(len(rungs) + 1), ["none", *(r[:30] for r in rungs)], fontsize=7)
    ax.set_ylim(-0.5, len(rungs) + 0.5)
    ax.set_xlabel("turn")
    ax.legend(fontsize=8, frameon=True, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def plot_thresholds(res: dict) -> bytes:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7.5, 2.8))
    ids = list(res["thresholds"])
    for i, t in enumerate(ids):
        turns = res["thresholds"][t]["turns"]
        if turns:
            ax.scatter(turns, [i] * len(turns), alpha=0.5, color="#CC79A7")
    ax.set_yticks(range(len(ids)), [res["thresholds"][t]["name"][:30] for t in ids], fontsize=8)
    ax.set_xlabel("turn the class first crossed it")
    ax.spines[["top", "right"]].set_visible(False)
    return _png(fig)


def render(res: dict, skipped: list[tuple[str, str]], flagged: Sequence[Flagged] = ()) -> str:
    """The page a teacher projects: the class's paths on one ladder, outcomes beside the AI's, where
    the class left history, and the debrief questions beside the figures."""
    e = html.escape
    hist = res.get("historical_outcome")
    rows = "".join(
        f"<tr><td>{e(res['outcome_names'][o])}{' <b>(history)</b>' if o == hist else ''}</td>"
        f"<td>{res['students'][o] * 100:.0f}%</td><td>{res['ai'][o] * 100:.0f}%</td></tr>"
        for o in res["students"]
    )
    paths = "".join(
        f"<tr><td>{n['games']}</td><td>{e(' → '.join(_runs(n['path'], res['action_names'])))}</td></tr>"
        for n in res["paths"]
    )
    names = res["actor_names"]

    def by(v: dict) -> str:
        return ", ".join(f"{names.get(a, a)}: {n}" for a, n in v["by"].items())

    th = "".join(
        f"<tr><td>{e(v['name'])}</td><td>{v['games']} of {res['logs']}</td>"
        f"<td>{res['ai_thresholds'][k] * 100:.0f}%</td><td>{e(by(v))}</td></tr>"
        for k, v in res["thresholds"].items()
    )
    partings = "".join(
        f"<tr><td>{p['turn']}</td><td>{e(p['history'])}</td><td>{e(p['students'])}</td><td>{p['games']}</td></tr>"
        for p in res["partings"]
    )
    stayed = res["logs"] - sum(p["games"] for p in res["partings"])
    parted = (
        f"<table><tr><th>turn</th><th>history did</th><th>the class did instead</th><th>games</th></tr>{partings}"
        f"</table><p class=note>{stayed} of {res['logs']} games never left history in this seat (where history "
        "records the seat's action).</p>"
        if res["ladder"]["history"]
        else "<p class=note>This scenario has no historical record to compare with.</p>"
    )
    questions = "".join(
        f"<li>{e(q['text'])}<div class=where>Evidence: {e(q['where'])}</div></li>" for q in res["questions"]
    )
    skip = "".join(f"<li><code>{e(f)}</code>: {e(why)}</li>" for f, why in skipped)
    flags = "".join(f"<li><code>{e(f.name)}</code>: {e(f.why)}</li>" for f in flagged)
    seat = e(res["actor_names"].get(res["seat"], res["seat"]))
    warns = "".join(f"<p class=warn>Warning: {e(w)}.</p>" for w in res.get("warnings", ()))
    return f"""<!doctype html><html><head><meta charset="utf-8"><title>Class debrief: {e(res["title"])}</title>
<style>body{{font-family:system-ui,sans-serif;margin:1.2em 2em;color:#1b1f24;font-size:17px;line-height:1.4}}
h1{{font-size:1.7em;margin:.2em 0}}h2{{font-size:1.15em;margin:1.1em 0 .4em}}
.grid{{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:2em;align-items:start}}
.questions{{position:sticky;top:1em;background:#f4f6f8;border-left:5px solid #e8b44c;padding:.6em 1.2em}}
.questions li{{margin:.5em 0}}.where,.note{{color:#5b6570;font-size:.85em}}
table{{border-collapse:collapse;margin:.5em 0}}td,th{{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left}}
.warn{{background:#fdf0d5;border-left:5px solid #d55e00;padding:.4em .8em}}
img{{max-width:100%}}@media (max-width:1000px){{.grid{{grid-template-columns:1fr}}}}</style></head><body>
<h1>Class debrief: {e(res["title"])}</h1>
<p>{res["logs"]} student games in the seat of <b>{seat}</b>, beside {res["ai_games"]:,} games where the AI plays
that seat by its doctrine.</p>{warns}
<div class=grid><div>
<h2>The class's paths on the ladder</h2>
<img src="{_fig_uri(plot_ladder(res))}" alt="every class game's highest rung so far, turn by turn, with history's">
<p class=note>Each line is a side's highest rung so far (its place on the ladder, as the game shows it): a line
rises when a step goes higher than any before and never falls, for the class's games and history alike.</p>
<h2>Where the class and history parted</h2>{parted}
<h2>Outcomes</h2><img src="{_fig_uri(plot_outcomes(res))}" alt="outcomes">
<table><tr><th>outcome</th><th>class</th><th>AI in the seat</th></tr>{rows}</table>
</div><aside class=questions><h2>Discussion questions</h2><ol>{questions}</ol></aside></div>
<h2>Most common decision paths</h2><table><tr><th>games</th><th>decisions, turn by turn</th></tr>{paths}</table>
<h2>Thresholds crossed</h2><img src="{_fig_uri(plot_thresholds(res))}" alt="thresholds">
<table><tr><th>threshold</th><th>class</th><th>AI games</th><th>crossed first by</th></tr>{th}</table>
{f"<h2>Logs flagged: the outcome they record is not what their decisions give</h2><ul>{flags}</ul>" if flags else ""}
{f"<h2>Logs skipped</h2><ul>{skip}</ul>" if skip else ""}
</body></html>
"""
