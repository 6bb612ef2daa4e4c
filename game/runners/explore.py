"""The strategy explorer: the best replies of one seat to the other seats' doctrines.

A strategy is a table: one of the seat's actions per *cell*, where a cell is what the seat
looks at when it chooses. Three families of tables:

- ``sequence``: by turn (an open-loop plan: turn 1 this, turn 2 that);
- ``band``: by the band of the scenario's main variable (low, middle, high ``tension``);
- ``rung``: by the highest rung the other seats' last moves reached.

The seat plays its table's action for the cell it is in; an action that is not legal there
is a Hold, and its target (when it has several) is drawn by value as the AI's is; a cell
where a table made under 2% of its decisions in the search is played as a Hold too (so a
table reads as what it does). It says what its doctrine would say. The other seats play
their doctrines.

The search is the cross-entropy method over tables (Rubinstein and Kroese, 2004): a
probability per cell and action, tables drawn from it, each played on the *same* games (common
random numbers: the same seed and game numbers for every candidate, so two tables differ by
what they do, never by their dice), the best fifth kept, the probabilities moved toward
theirs, again. The candidates of one round play in one ``Batch`` (the games repeated per
candidate; a candidate's choices are per game). The best tables found are then played on
fresh games (none used in the search, so the figures carry no winner's curse) beside the
seat's doctrine on the very same games: rates with 95% Wilson intervals, and the paired
difference with its own interval. Each is played again at each end of every disputed
parameter's range (the params tied to a contested or disputed claim; every param when none
is), to show how much the finding rests on a reading of the evidence.

It is the best reply *to these models of the actors*, found by search: not advice about
what any real government should do.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Sequence

import attrs
import numpy as np

from game import resources
from game.engine import words
from game.engine.batch import Batch, Ctx
from game.engine.observation import SeatPolicy
from game.policies import ScriptedPolicy, policy_for
from game.runners.load import Loaded, load_bytes, load_scenario
from game.runners.tally import wilson

FRESH = 1 << 40  # game numbers of the final evaluation start here: no search game among them
DISPUTED = ("contested", "disputed")
BANDS = 3
ROUNDS = 12  # cross-entropy rounds per family at most
SAMPLES = 32  # tables drawn per round
ELITE = 0.2  # the share of a round's tables kept
SMOOTH = 0.7  # how far the probabilities move toward the elite's each round
KEEP = 3  # strategies reported
RARE = 0.02  # a cell with fewer of a table's decisions than this share is played as a Hold


class ExploreError(ValueError):
    """A seat or an objective the scenario does not have (the message says which exist)."""


@attrs.frozen
class Family:
    """What a table's cells are: turns, bands of a variable, or the others' rung."""

    kind: str  # sequence | band | rung
    labels: tuple[str, ...]  # one per cell, in words
    column: int = -1  # the variable's column (band)
    lo: float = 0.0
    hi: float = 1.0


@attrs.frozen
class Strategy:
    """One table: the option (a position in the seat's actions) per cell; -1 = never reached
    in the search, played as Hold."""

    family: Family
    table: tuple[int, ...]


@attrs.frozen
class Rate:
    """Games that reached the objective, of ``n``, with the 95% Wilson interval."""

    hits: int
    n: int

    @property
    def share(self) -> float:
        return self.hits / self.n if self.n else 0.0

    @property
    def interval(self) -> tuple[float, float]:
        return wilson(self.hits, self.n)


@attrs.frozen
class Difference:
    """A strategy's rate minus the doctrine's on the same games, with a 95% interval (paired)."""

    mean: float
    lo: float
    hi: float


@attrs.frozen
class Found:
    """A strategy played on the fresh games: its rate, words, and its edge over the doctrine."""

    strategy: Strategy
    words: str
    rate: Rate
    versus: Difference
    search_share: float  # its rate in the search's games (biased upward: it was chosen on them)


@attrs.frozen
class Robustness:
    """The rates at one value of one disputed parameter (the strategies', then the doctrine's)."""

    param: str
    value: float
    rates: tuple[Rate, ...]
    doctrine: Rate


@attrs.frozen
class Exploration:
    """What ``explore`` found for a seat and an objective."""

    scenario: str
    seat: str
    seat_name: str
    objective: tuple[str, ...]  # outcome ids: reaching any of them counts
    objective_names: tuple[str, ...]
    seed: int
    games: int  # fresh games per strategy
    search_games: int  # games per candidate in the search
    candidates: int  # tables played in the search
    doctrine: Rate
    found: tuple[Found, ...]
    robustness: tuple[Robustness, ...]
    skipped_params: tuple[str, ...]  # disputed params left out for the time budget
    seconds: float


# ------------------------------------------------------------------ the seat's tables


def families(rules, seat: int) -> list[Family]:
    """The seat's three table families (``band`` on ``tension``, else the first variable
    that belongs to no actor; none when there is no such variable)."""
    scn = rules.scenario
    out = [Family("sequence", tuple(f"turn {t}" for t in range(1, scn.calendar.turns + 1)))]
    names = [v.id for v in scn.variables]
    var = "tension" if "tension" in names else next((n for n in names if "." not in n), None)
    if var is not None:
        col = rules.layout[var]
        c = rules.layout.columns[col]
        edges = np.linspace(c.lo, c.hi, BANDS + 1)
        labels = tuple(f"{var} {edges[i]:.2g}-{edges[i + 1]:.2g}" for i in range(BANDS))
        out.append(Family("band", labels, col, float(c.lo), float(c.hi)))
    if len(scn.actors) > 1:
        out.append(Family("rung", ("none",) + tuple(r.name for r in scn.ladder.rungs)))
    return out


def cells_now(batch: Batch, seat: int, family: Family) -> np.ndarray:
    """The cell each live game of ``batch`` is in for ``seat`` now."""
    X = batch.X
    if family.kind == "sequence":
        return np.full(batch.live, min(batch.turn, len(family.labels)) - 1, dtype=np.int64)
    if family.kind == "band":
        span = family.hi - family.lo or 1.0
        band = np.floor((X[family.column] - family.lo) / span * BANDS)
        return np.clip(band, 0, BANDS - 1).astype(np.int64)
    cols = [c for a, c in enumerate(batch.rules.last_rung_cols) if a != seat]
    highest = X[cols].max(axis=0) if cols else np.zeros(batch.live)
    return np.clip(highest, 0, len(family.labels) - 1).astype(np.int64)


class _TablesBatch(Batch):
    """Many tables on the same games at once: game ``g`` of candidate ``c`` is column
    ``c * per + g``; the seat's weights are 1 for its table's action in the game's cell. Rows
    marked ``doctrine`` play the seat's doctrine instead (the baseline, on the same games)."""

    def __init__(self, rules, seed, games, policies, seat, family, tables, doctrine):
        self._explored_seat, self._seat_family = seat, family
        self._seat_tables = tables  # [C, cells] option positions
        self._plays_doctrine = doctrine  # [C] bool
        self._games_per_table = len(games)
        self.visits = np.zeros(tables.shape, dtype=np.int64)
        super().__init__(rules, seed, np.tile(np.asarray(games, dtype=np.uint64), len(tables)), policies)

    def weight_values(self, a: int, ctx: Ctx) -> list:
        own = super().weight_values(a, ctx)
        if a != self._explored_seat:
            return own
        cand = np.minimum(self.pos // self._games_per_table, len(self._seat_tables) - 1)
        cell = cells_now(self, a, self._seat_family)
        alive = self.alive & ~self._plays_doctrine[cand]
        np.add.at(self.visits, (cand[alive], cell[alive]), 1)
        choice = self._seat_tables[cand, cell]
        doc = self._plays_doctrine[cand]
        out = []
        for j, w in enumerate(own):
            mine = (choice == j).astype(np.float64)
            out.append(np.where(doc, np.broadcast_to(np.asarray(w, dtype=np.float64), (self.live,)), mine))
        return out


@attrs.frozen
class _Played:
    hits: np.ndarray  # [C, games] bool
    visits: np.ndarray  # [C, cells]


def play_tables(
    rules, seed: int, games: np.ndarray, seat: int, family: Family, tables: np.ndarray, doctrine: np.ndarray, goal
) -> _Played:
    """Play each table (or the doctrine, where marked) on the same ``games``."""
    wait = _wait_pos(rules, seat)
    tables = np.where(tables < 0, wait, tables)
    policies = [policy_for(rules, a) for a in range(len(rules.scenario.actors))]
    b = _TablesBatch(rules, seed, games, policies, seat, family, tables, doctrine)
    b.run()
    hits = np.isin(b.outcome[: b.n], goal).reshape(len(tables), len(games))
    return _Played(hits, b.visits)


def _wait_pos(rules, seat: int) -> int:
    return int(np.flatnonzero(rules.actor_actions[seat] == rules.wait_action[seat])[0])


def describe(rules, seat: int, strategy: Strategy) -> str:
    """The table in words: runs of cells with the same action joined; unreached cells left out."""
    acts = rules.actor_actions[seat]
    fam = strategy.family
    name = [rules.actions[int(k)].spec.name for k in acts]
    runs: list[tuple[int, int, int]] = []
    for i, opt in enumerate(strategy.table):
        if opt < 0:
            continue
        if runs and runs[-1][2] == opt and runs[-1][1] == i - 1:
            runs[-1] = (runs[-1][0], i, opt)
        else:
            runs.append((i, i, opt))
    parts = []
    for first, last, opt in runs:
        if fam.kind == "sequence":
            where = f"turn {first + 1}" if first == last else f"turns {first + 1}-{last + 1}"
        elif first == last:
            where = fam.labels[first]
        elif fam.kind == "band":
            where = f"{fam.labels[first].rsplit('-', 1)[0]}-{fam.labels[last].rsplit('-', 1)[1]}"
        else:
            where = f"{fam.labels[first]} to {fam.labels[last]}"
        parts.append(f"{where}: {name[opt]}")
    if len(runs) == 1 and (fam.kind == "sequence" or -1 not in strategy.table):
        return f"Always: {name[runs[0][2]]}"
    lead = {"sequence": "Plan", "band": "By band", "rung": "By the others' last rung"}[fam.kind]
    if not parts:
        return "Always: " + name[_wait_pos(rules, seat)]
    rest = f" (elsewhere: {name[_wait_pos(rules, seat)]})" if fam.kind != "sequence" and -1 in strategy.table else ""
    return f"{lead}: " + "; ".join(parts) + rest


# ------------------------------------------------------------------ the search


def objective_ids(rules, objective: str) -> tuple[int, ...]:
    """Outcome indices for ``OUTCOME[,OUTCOME...]`` (reaching any counts)."""
    ids = [o.id for o in rules.scenario.outcomes]
    out = []
    for part in objective.split(","):
        part = part.strip()
        if part not in ids:
            raise ExploreError(f"no outcome '{part}' (outcomes: {', '.join(ids)})")
        out.append(ids.index(part))
    return tuple(out)


def seat_index(rules, seat: str) -> int:
    ids = [a.id for a in rules.scenario.actors]
    if seat not in ids:
        raise ExploreError(f"no seat '{seat}' (seats: {', '.join(ids)})")
    return ids.index(seat)


def _cem(rules, seed, games, seat, family, goal, rng, deadline, seen, stop) -> int:
    """Cross-entropy rounds over ``family``'s tables until they settle, ``ROUNDS`` or the
    deadline (or ``stop()``); every table played goes into ``seen`` (key -> share). Returns how
    many tables were played."""
    n_cells, n_opts = len(family.labels), len(rules.actor_actions[seat])
    probs = np.full((n_cells, n_opts), 1.0 / n_opts)
    played = 0
    n_elite = max(2, math.ceil(ELITE * SAMPLES))
    for _ in range(ROUNDS):
        draws = np.stack([rng.choice(n_opts, size=SAMPLES, p=p) for p in probs], axis=1)
        draws[0] = probs.argmax(axis=1)  # the current mode is always among them
        res = play_tables(rules, seed, games, seat, family, draws, np.zeros(len(draws), bool), goal)
        played += len(draws)
        shares = res.hits.mean(axis=1)
        for table, share, visits in zip(draws, shares, res.visits):
            # cells (almost) never reached are left out: a Hold there, not a word in its description
            kept = visits >= RARE * max(int(visits.sum()), 1)
            key = Strategy(family, tuple(int(t) if v else -1 for t, v in zip(table, kept)))
            seen.setdefault(key, float(share))
        elite = np.argsort(-shares, kind="stable")[:n_elite]
        freq = np.zeros_like(probs)
        for c in elite:
            freq[np.arange(n_cells), draws[c]] += 1.0 / n_elite
        probs = (1 - SMOOTH) * probs + SMOOTH * freq
        visited = res.visits[elite].sum(axis=0) > 0
        if time.monotonic() > deadline or stop() or (probs.max(axis=1)[visited] > 0.98).all():
            break
    return played


def _difference(mine: np.ndarray, base: np.ndarray) -> Difference:
    """The paired difference of two hit vectors on the same games, with a normal 95% interval."""
    d = mine.astype(np.float64) - base.astype(np.float64)
    m = float(d.mean())
    half = 1.96 * float(d.std(ddof=1)) / math.sqrt(len(d)) if len(d) > 1 else float("nan")
    return Difference(m, m - half, m + half)


def disputed_params(scenario) -> list:
    """The params tied to a contested or disputed claim; every param when none is."""
    status = {c.id: c.status for c in scenario.meta.claims}
    tied = [p for p in scenario.params if status.get(p.claim) in DISPUTED]
    return tied or list(scenario.params)


def evaluate(rules, seed: int, games: np.ndarray, seat: int, strategies: Sequence[Strategy], goal) -> tuple:
    """The strategies and the doctrine on the same games: (hits per strategy, doctrine hits)."""
    hits: list = []
    base = None
    for fam in dict.fromkeys(s.family for s in strategies):
        mine = [s for s in strategies if s.family == fam]
        rows = [list(s.table) for s in mine]
        doctrine = [False] * len(mine)
        if base is None:  # the doctrine once, in the first family's batch
            rows.append([0] * len(fam.labels))
            doctrine.append(True)
        res = play_tables(rules, seed, games, seat, fam, np.array(rows, dtype=np.int64), np.array(doctrine), goal)
        if base is None:
            base = res.hits[-1]
        hits.extend(zip(mine, res.hits[: len(mine)]))
    order = {s: i for i, s in enumerate(strategies)}
    hits.sort(key=lambda x: order[x[0]])
    return [h for _, h in hits], base


def _distinct(rules, seat: int, seen: dict, fams: list[Family], keep: int) -> list[Strategy]:
    """Twice ``keep`` of the best tables that read differently (the best of each family first): two
    tables that play the same action wherever they were reached are one strategy."""
    best = sorted(seen, key=lambda s: -seen[s])
    words: set[str] = set()
    firsts: list[Strategy] = []
    rest: list[Strategy] = []
    for s in best:
        w = describe(rules, seat, s)
        if w in words:
            continue
        words.add(w)
        (rest if any(f.family == s.family for f in firsts) else firsts).append(s)
    return (sorted(firsts, key=lambda s: -seen[s]) + rest)[: 2 * keep]


def loaded_scenario(scenario: str | os.PathLike | Loaded, sets: dict[str, float] | None = None) -> Loaded:
    """A loaded scenario from itself (loaded with ``sets``), a file, or a shipped scenario's id
    (``"tutorial"``)."""
    if isinstance(scenario, Loaded):
        return scenario
    name = os.fspath(scenario)
    path = (None if os.path.exists(name) else resources.find_shipped_scenario(name)) or name
    return load_scenario(path, sets or None)


def explore(
    scenario: str | os.PathLike | Loaded,
    seat: str,
    objective: str,
    games: int = 10_000,
    seed: int = 1,
    budget: float = 60.0,
    robust: bool = True,
    sets: dict[str, float] | None = None,
    stop: Callable[[], bool] = lambda: False,
    keep: int = KEEP,
) -> Exploration:
    """Search ``seat``'s tables for ``objective`` (see the module docstring): ``scenario`` is a
    file, a shipped scenario's id or a loaded scenario; ``objective`` an outcome id (several,
    joined by commas, count together); ``games`` the fresh games behind each figure; ``sets``
    the parameter values it was loaded with (``--set``), kept when a disputed one is varied;
    ``stop()`` true ends the search and skips the robustness as the budget's end would; ``keep``
    the strategies reported."""
    start = time.monotonic()
    loaded = loaded_scenario(scenario, sets)
    rules = loaded.rules
    a = seat_index(rules, seat)
    goal = objective_ids(rules, objective)
    search_games = max(200, min(1000, games // 10))
    train = np.arange(search_games, dtype=np.uint64)
    fams = families(rules, a)
    rng = np.random.default_rng(seed)
    seen: dict[Strategy, float] = {}
    candidates = 0
    search_end = start + (0.5 if robust else 0.8) * budget  # the rest: the fresh games, the params
    for i, fam in enumerate(fams):
        share_end = start + (search_end - start) * (i + 1) / len(fams)
        candidates += _cem(rules, seed, train, a, fam, goal, rng, share_end, seen, stop)
    chosen = _distinct(rules, a, seen, fams, keep)
    fresh = FRESH + np.arange(games, dtype=np.uint64)
    hits, base = evaluate(rules, seed, fresh, a, chosen, goal)
    played: dict[bytes, Found] = {}  # tables that reach the objective in the very same games play alike: one row
    for s, h in zip(chosen, hits):
        played.setdefault(
            np.packbits(h).tobytes(),
            Found(s, describe(rules, a, s), Rate(int(h.sum()), games), _difference(h, base), seen[s]),
        )
    found = sorted(played.values(), key=lambda f: -f.rate.hits)[:keep]
    robustness: list[Robustness] = []
    skipped: list[str] = []
    r_games = fresh[: max(500, games // 4)]
    if robust:
        for p in disputed_params(rules.scenario):
            if time.monotonic() - start > budget or stop():
                skipped.append(p.id)
                continue
            for value in p.range:
                at = {**(sets or {}), f"params.{p.id}": float(value)}
                variant = load_bytes(loaded.source, loaded.file, at).rules
                h, b = evaluate(variant, seed, r_games, a, [f.strategy for f in found], goal)
                n = len(r_games)
                robustness.append(
                    Robustness(p.id, float(value), tuple(Rate(int(x.sum()), n) for x in h), Rate(int(b.sum()), n))
                )
    outs = rules.scenario.outcomes
    return Exploration(
        scenario=rules.scenario.meta.title,
        seat=seat,
        seat_name=rules.scenario.actors[a].name,
        objective=tuple(outs[g].id for g in goal),
        objective_names=tuple(outs[g].name for g in goal),
        seed=seed,
        games=games,
        search_games=search_games,
        candidates=candidates,
        doctrine=Rate(int(base.sum()), games),
        found=tuple(found),
        robustness=tuple(robustness),
        skipped_params=tuple(skipped),
        seconds=time.monotonic() - start,
    )


# ------------------------------------------------------------------ the debrief's comparison


@attrs.frozen
class Comparison:
    """The debrief's panel: the best strategy found against these doctrines, the student's
    decisions and the seat's doctrine, on the same games, for the outcome best for the seat."""

    outcome: str
    outcome_name: str
    best: Found
    yours: Rate
    doctrine: Rate
    candidates: int  # tables played in the search
    why: str  # why this outcome: the seat's objective that ranks it first
    seconds: float


def best_outcome(rules, seat: int, seed: int, games: int = 1000) -> int:
    """The outcome whose games score highest on the seat's own objectives with the AI in every
    seat (the most common outcome when the seat has no objective)."""
    policies: list[SeatPolicy] = [policy_for(rules, i) for i in range(len(rules.scenario.actors))]
    b = Batch(rules, seed, np.arange(games, dtype=np.uint64), policies).run()
    outcome = b.outcome[: b.n]
    mine = [i for i, o in enumerate(rules.scenario.objectives) if o.actor == rules.scenario.actors[seat].id]
    if not mine:
        return int(np.bincount(outcome, minlength=len(rules.scenario.outcomes)).argmax())
    score = b.objective_scores[mine, : b.n].sum(axis=0)
    reached = np.unique(outcome)
    return int(max(reached, key=lambda o: (float(score[outcome == o].mean()), -int(o))))


def compare(
    loaded: Loaded,
    seat: str,
    script: dict[int, int],
    signals: dict[int, int | None] | None = None,
    seed: int = 1,
    games: int = 2000,
    budget: float = 6.0,
    stop: Callable[[], bool] = lambda: False,
) -> Comparison:
    """The debrief's figures for a student who played ``seat`` with these decisions (turn ->
    instance): the search under ``budget`` seconds, then the best table, the student's
    decisions (held fixed where legal, as the debrief's replays) and the doctrine on the same
    fresh games."""
    start = time.monotonic()
    rules = loaded.rules
    a = seat_index(rules, seat)
    goal = best_outcome(rules, a, seed)
    left = max(0.5, budget - (time.monotonic() - start))
    found = explore(loaded, seat, rules.scenario.outcomes[goal].id, games, seed, left, robust=False, stop=stop, keep=1)
    fresh = FRESH + np.arange(games, dtype=np.uint64)
    policies: list[SeatPolicy] = [policy_for(rules, i) for i in range(len(rules.scenario.actors))]
    policies[a] = ScriptedPolicy(script, policy_for(rules, a), signals)
    b = Batch(rules, seed, fresh, policies).run()
    yours = Rate(int(np.isin(b.outcome[: b.n], (goal,)).sum()), games)
    out = rules.scenario.outcomes[goal]
    texts = [o.text for o in rules.scenario.objectives if o.actor == seat]
    name = rules.scenario.actors[a].name
    why = (
        f"the outcome that scores best on {words.possessive(name)} objective ({'; '.join(texts)})"
        if texts
        else "the most common outcome with the AI in every seat"
    )
    return Comparison(
        out.id, out.name, found.found[0], yours, found.doctrine, found.candidates, why, time.monotonic() - start
    )
