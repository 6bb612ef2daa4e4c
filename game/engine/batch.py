"""The turn pipeline over a batch of games: the one rules implementation.

State is a float64 matrix ``X[S, B]`` (one row per column of the layout, one column
per game), so every phase is a few numpy operations over all games at once. An
interactive game is a batch of one; ``replay --game G`` is game G as a batch of one,
bit-identical to its row in any batch, because every draw is a pure function of
(seed, game index, turn, draw site).

Pipeline of a turn (``Batch.step``): events and production; decisions (all actors
at once, from the same state); resolution in initiative order (fog, legality,
effects, rungs); doctrine (red lines fire, responses drawn, bounded cascades);
thresholds; outcomes. A recorder sees every phase's arrays: ``EventLog`` turns them
into explained events for small batches; big batches keep only the tallies here.

One rule book: the formulas of the turn (each response's chance and their scaling, the
categorical draw, the policies' weights, a variable's bounds) are not written here but
built once in ``game.engine.formulas`` as typed trees, which this module evaluates with
numpy (``formulas.evaluate``) and ``compiled/codegen.py`` prints as C, node for node.
Policies answer with such trees over what their seat observes
(``game.engine.observation``), so they too run on both engines unchanged. The order of
the phases is not here either: ``step`` walks ``game.engine.phases.TURN``, as codegen does.
What stays here is each phase's numpy code and which games it touches.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np

from game.engine import formulas, phases
from game.engine.formulas import Formula, Given, Node, NumpyEnv, evaluate
from game.engine.observation import SeatPolicy, observe
from game.engine.rng import draw, site_id
from game.engine.rules import Rules

NONE = -1


class Rows:
    """The rows of some games of ``X``, gathered one column at a time, when first read:
    expressions over a few games read a few columns, never the whole state."""

    __slots__ = ("X", "rows", "cache")

    def __init__(self, X: np.ndarray, rows: np.ndarray):
        self.X, self.rows = X, rows
        self.cache: dict[int, np.ndarray] = {}

    def __getitem__(self, i: int) -> np.ndarray:
        col = self.cache.get(i)
        if col is None:
            col = self.cache[i] = self.X[i, self.rows]
        return col


class Ctx:
    """What expressions read: the state matrix and per-game instance constants."""

    __slots__ = ("X", "inst")

    def __init__(self, X: np.ndarray | Rows, inst=None):
        self.X = X
        self.inst = inst if inst is not None else []


def categorical(weights: list, u: np.ndarray, explain: bool = True):
    """Draw an index per game from unnormalised weights (``formulas.categorical``: a running
    sum over the few options, never over games). Returns (index, probability of it or None,
    total weight)."""
    n = len(u)
    rule = formulas.categorical([Given(f"w{j}") for j in range(len(weights))], Given("u"))
    env = NumpyEnv(None, {"u": u, **{f"w{j}": w for j, w in enumerate(weights)}}, n)
    memo: dict = {}
    idx = evaluate(rule.index, env, memo)
    total = np.broadcast_to(np.asarray(evaluate(rule.total, env, memo), dtype=np.float64), (n,))
    if not explain:
        return idx, None, total
    chosen = np.zeros(n)
    for j, w in enumerate(weights):
        chosen = np.where(idx == j, w, chosen)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(total > 0, chosen / np.where(total > 0, total, 1.0), 0.0)
    return idx, p, total


@attrs.frozen(eq=False)
class FogDraw:
    """One action's fog entries (indices into ``Rules.fog``, in file order) and their one draw a
    turn: each chance clipped to [0, 1], all scaled down where they add up to more than 1, and the
    entry the draw picks (``len(fogs)`` = none), as a red line picks one of its responses."""

    action: int
    fogs: tuple[int, ...]
    site: int
    chances: formulas.ResponseChances
    choice: formulas.Count


def fog_draw(rules: Rules, action: int, fogs: Sequence[int]) -> FogDraw:
    """The draw of an action's fog; its site is its first entry's (one entry draws as before)."""
    chances = formulas.response_chances([Formula(rules.fog[f].p) for f in fogs])
    return FogDraw(
        action, tuple(fogs), rules.fog[fogs[0]].site, chances, formulas.response_choice(chances.chances, Given("u"))
    )


class _Turn:
    """What one phase of a turn hands to a later one: the seats' inputs, the decisions."""

    __slots__ = ("human", "human_signals", "choices", "signals")

    def __init__(self, human: dict[int, np.ndarray], human_signals: dict[int, np.ndarray]):
        self.human, self.human_signals = human, human_signals
        self.choices: list[np.ndarray] = []
        self.signals: list[np.ndarray] = []


class Recorder:
    """Receives each phase's arrays; the default keeps nothing (the batch keeps tallies)."""

    def start(self, batch): ...
    def turn_start(self, batch): ...
    def event(self, batch, e: int, mask, p, u): ...
    def breaker(self, batch, mask): ...
    def decision(self, batch, actor: int, inst, p, u, weights, total, human): ...
    def signal(self, batch, actor: int, sig, p, u, divergent): ...
    def fog(self, batch, actor: int, f: int, mask, p, u, inst_before, inst_after): ...
    def illegal(self, batch, actor: int, inst, mask, replaced_by): ...
    def applied(self, batch, actor: int, inst, mask, kind: str, cause_key): ...
    def red_line(self, batch, r: int, mask, probs, u, choice, inst, applied): ...
    def threshold(self, batch, t: int, mask, who): ...
    def outcome(self, batch, o: int, mask): ...
    def finish(self, batch): ...


class Batch:
    """A batch of games of one scenario, advanced a turn at a time."""

    def __init__(self, rules: Rules, seed: int, games, policies: list[SeatPolicy], recorder: Recorder | None = None):
        self.rules = rules
        self.seed = int(seed)
        self.games = np.asarray(games, dtype=np.uint64)
        self.n = len(self.games)
        self.policies = policies
        self.rec = recorder or Recorder()
        self.explain = recorder is not None and type(recorder) is not Recorder
        R = rules
        B = self.n
        self.X = np.repeat(R.initial[:, None], B, axis=1)
        self.pos = np.arange(B)  # row -> position in the batch (B = finished)
        self.alive = np.ones(B, dtype=bool)  # rows whose game is still being played
        self.trash = B  # finished rows write their tallies here
        B = B + 1
        self.turn = 1
        self.X[R.layout["turn"]] = 1.0
        n_thr = len(R.thresholds)
        self.outcome = np.full(B, NONE, dtype=np.int64)
        self.turns = np.zeros(B, dtype=np.int64)
        self.max_rung = np.zeros(B, dtype=np.int64)
        self.score = np.zeros(B)
        self.crossed_turn = np.zeros((n_thr, B), dtype=np.int64)
        self.crossed_by = np.full((n_thr, B), NONE, dtype=np.int64)
        self.trips = np.zeros((len(R.red_lines), B), dtype=np.int64)
        self.accidents = np.zeros(B, dtype=np.int64)
        self.escalations = np.zeros(B, dtype=np.int64)
        self.divergent = np.zeros(B, dtype=np.int64)
        self.signals_sent = np.zeros(B, dtype=np.int64)
        self.clipped = np.zeros(B, dtype=np.int64)
        self.fog_escalations = np.zeros(B, dtype=np.int64)
        self.objective_scores = np.zeros((len(R.objectives), B))
        self.rung_by_turn = (
            np.zeros((len(R.scenario.actors), R.scenario.calendar.turns, B), dtype=np.int8) if B <= 4096 else None
        )
        self.action_counts = np.zeros(len(R.actions), dtype=np.int64)
        self.rung_hist = np.zeros((R.scenario.calendar.turns, len(R.scenario.ladder.rungs) + 1), dtype=np.int64)
        self.signal_counts = np.zeros(len(R.signals), dtype=np.int64)
        self.response_counts = [np.zeros(len(r.responses) + 1, dtype=np.int64) for r in R.red_lines]
        self.ruled_responses: dict[int, int] = {}
        """Red line index -> the response it gives if it fires (``len(responses)``: none) instead
        of its draw: a control cell's ruling for the turn being played (``Session.step``)."""
        self._prepare_static()
        self.order = sorted(range(len(R.scenario.actors)), key=lambda a: (-R.scenario.actors[a].initiative, a))
        self.rec.start(self)

    # ------------------------------------------------------------------ static tables
    def _prepare_static(self) -> None:
        R = self.rules
        n_inst = len(R.instances)
        self.NOOP = n_inst  # an extra instance row that changes nothing
        lay = R.layout
        needed = self._needed_columns()
        # Constant deltas of each instance, per actor (the same action taken by two actors
        # raises each one's own escalation score), action-major for contiguous gathers.
        self.actor_delta = []
        self.actor_clip = []
        writable = {i for i, c in enumerate(lay.columns) if c.writable}
        per_inst: list[dict[int, float]] = []
        for inst in R.instances:
            act = R.actions[inst.action]
            k = act.spec.id
            row: dict[int, float] = {}

            def add(c: int, v: float, row=row) -> None:
                if c in needed and v:
                    row[c] = row.get(c, 0.0) + v

            add(lay[f"taken:{k}"], 1.0)
            add(lay[f"count:{k}"], 1.0)
            add(lay["_score"], act.score)
            if inst.weapon >= 0:
                wc = R.weapon_cols[inst.weapon]
                add(wc.stock, -wc.per_use)
            for c in inst.struck_cols:
                name = lay.columns[c].name.split(":", 1)[1]
                add(c, 1.0)
                add(lay[f"strikes:{name}"], 1.0)
            for eff in act.effects:
                if eff.op in ("+=", "-=") and eff.expr.const is not None:
                    add(eff.target, eff.expr.const if eff.op == "+=" else -eff.expr.const)
            per_inst.append(row)
        self.writes = {}
        self.inst_nonzero: list[dict[int, list]] = []
        # a weapon's stock is clipped after every use too: a fractional per_use can leave it a
        # hair below 0, and a later clip of it in some games only would make a game's result
        # depend on the other games of its batch
        stock_of = {x.id: R.weapon_cols[x.weapon].stock for x in R.instances if x.weapon >= 0}
        self.action_clip = [
            ({e.target for e in act.effects} | {stock_of[int(i)] for i in act.instances if int(i) in stock_of})
            & writable
            for act in R.actions
        ]
        for a in range(len(R.scenario.actors)):
            mine = [x.id for x in R.instances if a in R.actions[x.action].actors]
            cols = sorted({c for i in mine for c in per_inst[i]} | {R.escalation_cols[a]})
            D = np.zeros((len(cols), n_inst + 1))
            where = {c: j for j, c in enumerate(cols)}
            for i in mine:
                for c, v in per_inst[i].items():
                    D[where[c], i] = v
                D[where[R.escalation_cols[a]], i] = R.actions[R.instances[i].action].score
            self.actor_delta.append((np.array(cols, dtype=np.int64), D))
            self.inst_nonzero.append({i: [(c, float(D[where[c], i])) for c in cols if D[where[c], i]] for i in mine})
            targets = {e.target for x in mine for e in R.actions[R.instances[x].action].effects}
            targets |= {e.target for s in R.signals if a in s.actors for e in s.effects}
            targets |= {stock_of[x] for x in mine if x in stock_of}
            self.actor_clip.append(np.array(sorted(targets & writable), dtype=np.int64))
        for x in R.instances:
            act = R.actions[x.action]
            written = set(per_inst[x.id]) | {e.target for e in act.effects}
            written |= {R.rung_cols[a] for a in act.actors} | {R.last_rung_cols[a] for a in act.actors}
            written |= {R.escalation_cols[a] for a in act.actors}
            self.writes[x.id] = written
        self.tripped_cols = [lay[f"tripped:{r.id}"] for r in R.scenario.red_lines]
        self.crossed_cols = [lay[f"crossed:{t.id}"] for t in R.scenario.ladder.thresholds]
        self.happened_cols = [lay[f"happened:{e.id}"] for e in R.scenario.events]
        self.signalled_cols = [lay[f"signalled:{s.id}"] for s in R.scenario.signals]
        self.taken_cols = [lay[f"taken:{a.spec.id}"] for a in R.actions]
        self.count_cols = [lay[f"count:{a.spec.id}"] for a in R.actions]
        self.first_instance = [
            np.array([int(R.actions[k].instances[0]) for k in R.actor_actions[a]] + [n_inst], dtype=np.int64)
            for a in range(len(R.scenario.actors))
        ]
        self.multi_instance = [
            [j for j, k in enumerate(R.actor_actions[a]) if len(R.actions[k].instances) > 1]
            for a in range(len(R.scenario.actors))
        ]
        self.inst_value_w = [max(x.value, 1e-6) for x in R.instances]
        self.fire_writes: list[set[int]] = []
        for r, rl in enumerate(R.red_lines):
            fire_cols = {self.tripped_cols[r]}
            for resp in rl.responses:
                for c in resp.candidates:
                    fire_cols |= self.writes[int(c)]
            self.fire_writes.append(fire_cols)
        self.inst_rung = np.array([R.actions[x.action].rung for x in R.instances] + [0], dtype=np.float64)
        self.inst_action = np.array([x.action for x in R.instances] + [NONE], dtype=np.int64)
        self.inst_weapon = np.array([x.weapon for x in R.instances] + [NONE], dtype=np.int64)
        self.inst_static = np.array([x.static_ok for x in R.instances] + [True])
        self.inst_value = np.array([x.value for x in R.instances] + [0.0])
        self.inst_dist = np.array([x.distance_km for x in R.instances] + [0.0])
        self.dynamic_effects = {
            a.index: [e for e in a.effects if not (e.op in ("+=", "-=") and e.expr.const is not None)]
            for a in R.actions
        }
        self.clip_cols = np.array([i for i, c in enumerate(lay.columns) if c.writable], dtype=np.int64)
        self.writable = set(self.clip_cols.tolist())
        self.rung_col_set = set(R.rung_cols)
        # per-game counters live in X while a game runs (cheap in-place adds) and are
        # copied out when it ends
        self.tally_cols = {
            "accidents": lay["_accidents"],
            "escalations": lay["_escalations"],
            "divergent": lay["_divergent"],
            "signals_sent": lay["_signals"],
            "clipped": lay["_clipped"],
            "fog_escalations": lay["_fog_escalations"],
        }
        self.per_turn = [(lay[v.id], v.per_turn) for v in R.scenario.variables if v.per_turn]
        self.held_col = lay["_held"] if R.breaker is not None else None
        self.site_decide = [site_id(f"decide:{a.id}") for a in R.scenario.actors]
        self.site_target = [site_id(f"target:{a.id}") for a in R.scenario.actors]
        self.site_signal = [site_id(f"signal:{a.id}") for a in R.scenario.actors]
        self.actor_signals = [
            [i for i, s in enumerate(R.signals) if a in s.actors] for a in range(len(R.scenario.actors))
        ]
        self.fog_by_action: dict[int, list[int]] = {}
        for f, fog in enumerate(R.fog):
            self.fog_by_action.setdefault(fog.action, []).append(f)
        self.fog_draws = [
            [fog_draw(R, k, self.fog_by_action[k]) for k in sorted(set(acts.tolist()) & set(self.fog_by_action))]
            for acts in R.actor_actions
        ]
        maps = []
        for fog in R.fog:
            m = np.arange(n_inst + 1)
            for src, dst in fog.inst_map.items():
                m[src] = dst
            maps.append(m)
        self.fog_maps = maps
        # the formulas of this batch's rules and seats, built once (game.engine.formulas)
        self.weapon_ready = [
            formulas.weapon_ready(w.stock, w.authorized, w.per_use, n) for n, w in enumerate(R.weapon_cols)
        ]
        held = None if self.held_col is None else formulas.Greater(formulas.Column(self.held_col), formulas.ZERO)
        self.legal_formulas: list[dict[int, tuple[Node, list[Node]]]] = []
        for a in range(len(R.scenario.actors)):
            by_action: dict[int, tuple[Node, list[Node]]] = {}
            for k in R.actor_actions[a].tolist():
                act = R.actions[k]
                instances = [
                    formulas.ZERO
                    if not x.static_ok or x.owner not in (-1, a)
                    else self.weapon_ready[x.weapon]
                    if x.weapon >= 0
                    else formulas.ONE
                    for x in (R.instances[int(i)] for i in act.instances)
                ]
                # the circuit breaker holds every action but the hold
                by_action[k] = (
                    formulas.action_legal(act.when, instances, None if k == R.wait_action[a] else held),
                    instances,
                )
            self.legal_formulas.append(by_action)
        self.observations = [observe(R, a) for a in range(len(R.scenario.actors))]
        self.weight_formulas: list[list[Node]] = []
        self.signal_formulas: list[list[Node]] = []
        for a, policy in enumerate(self.policies):
            obs = self.observations[a]
            self.weight_formulas.append(policy.action_weights(obs, [int(k) for k in R.actor_actions[a]]))
            none_w, ws = policy.signal_weights(obs, self.actor_signals[a])
            self.signal_formulas.append(
                [none_w, *(formulas.while_holds(R.signals[s].when, w) for s, w in zip(self.actor_signals[a], ws))]
            )
        self.response_formulas = []
        for rl in R.red_lines:
            chances = formulas.response_chances([Formula(resp.p) for resp in rl.responses])
            self.response_formulas.append((chances, formulas.response_choice(chances.chances, Given("u"))))
        self.bounds = {
            c: formulas.bounded(Given("v"), col.lo, col.hi, c) for c, col in enumerate(lay.columns) if col.writable
        }

    def _needed_columns(self) -> set[int]:
        """Columns someone reads: any expression, the engine, the window. Counters that
        nothing reads (``taken``, ``struck`` of most actions and tags) are not kept up."""
        R = self.rules
        lay = R.layout
        needed = {
            i
            for i, c in enumerate(lay.columns)
            if ":" not in c.name or c.name.startswith(("tripped:", "crossed:", "happened:", "signalled:"))
        }
        exprs = [a.when for a in R.actions] + [e.expr for a in R.actions for e in a.effects]
        exprs += [rl.when for rl in R.red_lines] + [resp.p for rl in R.red_lines for resp in rl.responses]
        exprs += [s.when for s in R.signals] + [e.expr for s in R.signals for e in s.effects]
        exprs += [f.p for f in R.fog] + [e.p for e in R.events] + [e.when for e in R.events]
        exprs += [x.expr for e in R.events for x in e.effects] + [o.when for o in R.outcomes]
        exprs += [o.score for o in R.objectives]
        if R.breaker is not None:
            exprs += [R.breaker.when] + [e.expr for e in R.breaker.effects]
        exprs += [t.term.when for ts in R.policy_terms.values() for t in ts]
        exprs += [t.term.weight for ts in R.policy_terms.values() for t in ts]
        for e in exprs:
            needed |= e.reads
        return needed

    # ------------------------------------------------------------------ helpers
    @property
    def live(self) -> int:
        return self.X.shape[1]

    @property
    def done(self) -> bool:
        return self.live == 0

    def ctx(self, inst=None) -> Ctx:
        if inst is None:
            return Ctx(self.X)
        return Ctx(self.X, [self.inst_value[inst], self.inst_dist[inst]])

    def u(self, site: int, k: int = 0) -> np.ndarray:
        return draw(self.seed, self.games, self.turn, site, k)

    def weapon_ok(self) -> list[np.ndarray]:
        """Per weapon, the games where it can be used now (``formulas.weapon_ready``)."""
        env = NumpyEnv(self.ctx(), n=self.live)
        return [evaluate(tree, env) for tree in self.weapon_ready]

    def weight_values(self, a: int, ctx: Ctx) -> list:
        """Actor ``a``'s policy's weight of each of its options, in every game (a number
        where it is the same in all)."""
        env = NumpyEnv(ctx, n=self.live)
        memo: dict = {}
        return [evaluate(f, env, memo) for f in self.weight_formulas[a]]

    def weight_parts(self, a: int, k: int, ctx: Ctx) -> list[tuple[str, float]]:
        """Where the weight of action ``k`` comes from, in the one game of ``ctx``."""
        env = NumpyEnv(ctx, n=1)
        parts = self.policies[a].weight_parts(self.observations[a], k)
        return [(what, float(np.asarray(evaluate(f, env)).reshape(-1)[0])) for what, f in parts]

    def _as_array(self, v) -> np.ndarray:
        return np.broadcast_to(np.asarray(v, dtype=np.float64), (self.live,))

    def legal_actions(self, actor: int, wok=None) -> tuple[list, list]:
        """Per action of the actor's free choices, whether it is legal (a bool over games, or
        one Python bool for all); and per action, the same for each of its instances
        (static legality, stock, authorization): ``formulas.action_legal`` of each."""
        # the weapons' readiness, when the caller has it, is not computed again
        memo: dict = {} if wok is None else {id(t): ok for t, ok in zip(self.weapon_ready, wok)}
        env = NumpyEnv(self.ctx(), n=self.live)

        def value(tree: Node):
            v = evaluate(tree, env, memo)
            return bool(v) if formulas.is_constant(tree) else v

        masks, inst_legal = [], []
        for k in self.rules.actor_actions[actor]:
            legal, instances = self.legal_formulas[actor][int(k)]
            masks.append(value(legal))
            inst_legal.append([value(t) for t in instances])
        return masks, inst_legal

    # ------------------------------------------------------------------ the turn
    def step(self, human: dict[int, np.ndarray] | None = None, human_signals: dict[int, np.ndarray] | None = None):
        """Play one turn, phase by phase in the order of ``phases.TURN``. ``human`` maps actor
        index -> chosen instance id per live game."""
        if self.done:
            return
        turn = _Turn(human or {}, human_signals or {})
        for phase in phases.TURN:
            if self.done:  # every game ended in an earlier phase of this turn
                break
            getattr(self, f"_phase_{phase.name}")(turn)
        self.turn += 1

    # ------------------------------------------------------------------ the phases (phases.TURN)
    def _phase_clock(self, turn: _Turn) -> None:
        self.X[self.rules.layout["turn"]] = float(self.turn)
        self.rec.turn_start(self)

    def _phase_events(self, turn: _Turn) -> None:
        self._events()

    def _phase_breaker(self, turn: _Turn) -> None:
        self._breaker()

    def _phase_decide(self, turn: _Turn) -> None:
        turn.choices, turn.signals = self._decide(turn.human, turn.human_signals)

    def _phase_reset(self, turn: _Turn) -> None:
        self.X[self.rules.reset_cols] = 0.0

    def _phase_resolve(self, turn: _Turn) -> None:
        for a in self.order:
            self._resolve(a, turn.choices[a], turn.signals[a])

    def _phase_thresholds(self, turn: _Turn) -> None:
        self._thresholds()

    def _phase_doctrine(self, turn: _Turn) -> None:
        self._doctrine()

    def _phase_tally(self, turn: _Turn) -> None:
        R = self.rules
        top = self.X[R.rung_cols].max(axis=0).astype(np.int64) if R.rung_cols else np.zeros(self.live, np.int64)
        self.rung_hist[self.turn - 1] += np.bincount(top[self.alive], minlength=self.rung_hist.shape[1])
        if self.rung_by_turn is not None:
            self._record_rungs()

    def _phase_outcomes(self, turn: _Turn) -> None:
        self._outcomes()

    def run(self) -> Batch:
        while not self.done:
            self.step()
        return self

    def _clip(self, cols: Sequence[int] | np.ndarray | None = None, rows: np.ndarray | None = None) -> None:
        """Keep variables in their declared ranges (after effects, before anyone reads them)."""
        cols = self.clip_cols if cols is None else cols
        X = self.X
        for c in cols:
            rule = self.bounds[int(c)]
            if isinstance(rule, Given):
                continue  # no bounds
            if rows is None:
                X[c] = evaluate(rule, NumpyEnv(None, {"v": X[c]}))
            else:
                X[c, rows] = evaluate(rule, NumpyEnv(None, {"v": X[c, rows]}))

    def _events(self) -> None:
        R = self.rules
        touched = set()
        for w in R.weapon_cols:
            if w.production:
                self.X[w.stock] += w.production
                touched.add(w.stock)
        for c, v in self.per_turn:
            self.X[c] += v
            touched.add(c)
        ctx = self.ctx()
        for e, ev in enumerate(R.events):
            spec, turn, p, when, effects, site = ev.spec, ev.turn, ev.p, ev.when, ev.effects, ev.site
            col = self.happened_cols[e]
            if turn:
                if turn != self.turn:
                    continue
                mask = self.alive.copy()
                if when.const is None:
                    mask &= when(ctx) != 0
                elif not when.const:
                    continue
                pv, u = 1.0, None
            else:
                if p.const == 0:
                    continue
                u = self.u(site)
                pv = np.clip(self._as_array(p(ctx)), 0.0, 1.0)
                mask = (u < pv) & (when(ctx) != 0) & self.alive
                if not spec.repeat:
                    mask &= self.X[col] == 0
            if not mask.any():
                continue
            self.X[col] += mask
            for eff in effects:
                eff.apply(ctx, mask)
                touched.add(eff.target)
            self.rec.event(self, e, mask, pv, u)
        self._clip(sorted(touched & self.writable))

    def held(self) -> np.ndarray | None:
        """Games where the circuit breaker holds every actor this turn (None: no breaker)."""
        return None if self.held_col is None else self.X[self.held_col] > 0

    def _breaker(self) -> None:
        """The circuit breaker: a turn of its hold is spent; where it holds nobody and its
        condition holds, it trips: every actor is held for its turns (this one included), and
        its effects apply once."""
        cb, h = self.rules.breaker, self.held_col
        if cb is None or h is None:
            return
        X = self.X
        X[h] = np.where(X[h] > 0, X[h] - 1.0, 0.0)
        ctx = self.ctx()
        trip = (X[h] == 0) & (np.asarray(cb.when(ctx)) != 0) & self.alive
        if not trip.any():
            return
        X[h] = np.where(trip, float(cb.turns), X[h])
        for eff in cb.effects:
            eff.apply(ctx, trip)
        self._clip(sorted({e.target for e in cb.effects} & self.writable), np.flatnonzero(trip))
        self.rec.breaker(self, trip)

    def _decide(self, human, human_signals):
        """Every actor chooses at once, from the same state: weights over its legal actions
        (its policy), one counter-based draw, then a target by value among legal ones."""
        R = self.rules
        wok = self.weapon_ok()
        ctx = self.ctx()
        choices, signals = [], []
        for a in range(len(R.scenario.actors)):
            acts = R.actor_actions[a]
            policy = self.policies[a]
            legal, inst_legal = self.legal_actions(a, wok)
            if a in human:
                inst = np.asarray(human[a], dtype=np.int64).copy()
                held = self.held()
                if held is not None:
                    inst = np.where(held, R.actions[R.wait_action[a]].instances[0], inst)
                choices.append(inst)
                self.rec.decision(self, a, inst, np.ones(self.live), None, None, None, True)
            else:
                weights = []
                for j, w in enumerate(self.weight_values(a, ctx)):
                    ok = legal[j]
                    if ok is False or (not isinstance(w, np.ndarray) and w == 0):
                        weights.append(0.0)
                    elif ok is True:
                        weights.append(w)
                    else:
                        weights.append(np.where(ok, w, 0.0))  # an illegal option weighs 0, even NaN
                live_opts = [j for j, w in enumerate(weights) if isinstance(w, np.ndarray) or w != 0]
                u = self.u(self.site_decide[a])
                wait_pos = int(np.flatnonzero(acts == R.wait_action[a])[0])
                if live_opts:
                    sub, p, total = categorical([weights[j] for j in live_opts], u, self.explain)
                    idx = np.where(total > 0, np.asarray(live_opts)[sub], wait_pos)
                else:
                    idx, p, total = np.full(self.live, wait_pos), None, np.zeros(self.live)
                if self.explain:
                    p = np.where(total > 0, p, 1.0) if p is not None else np.ones(self.live)
                inst = self._pick_instance(a, acts, idx, inst_legal)
                script = policy.scripted(self.turn)
                if script is not None:
                    k = R.instances[script].action
                    j = int(np.flatnonzero(acts == k)[0]) if k in acts else -1
                    ok = np.zeros(self.live, dtype=bool)
                    if j >= 0:
                        pos = int(np.flatnonzero(R.actions[k].instances == script)[0])
                        ok = ok | (legal[j] & inst_legal[j][pos])
                    inst = np.where(ok, script, inst)
                    if p is not None:
                        p = np.where(ok, 1.0, p)
                choices.append(inst)
                self.rec.decision(self, a, inst, p, u, weights, total, False)
            signals.append(self._decide_signal(a, policy, human_signals, ctx))
        return choices, signals

    def _pick_instance(self, a, acts, idx, inst_legal) -> np.ndarray:
        """The target (and weapon) of each game's chosen action: drawn by value among the
        legal instances, for actions with more than one (computed on those games only)."""
        R = self.rules
        inst = self.first_instance[a][idx]
        u = None
        for j in self.multi_instance[a]:
            rows = np.flatnonzero(idx == j)
            if not len(rows):
                continue
            ids = R.actions[acts[j]].instances
            if u is None:
                u = self.u(self.site_target[a])
            cand, weights = [], []
            for x, ok in zip(ids, inst_legal[j]):
                if ok is False:
                    continue
                cand.append(int(x))
                w = self.inst_value_w[int(x)]
                weights.append(np.full(len(rows), w) if ok is True else w * ok[rows])
            if not cand:
                continue
            sub, _p, _t = categorical(weights, u[rows], False)
            inst[rows] = np.asarray(cand)[sub]
        return inst

    def _decide_signal(self, a, policy, human_signals, ctx) -> np.ndarray:
        sigs = self.actor_signals[a]
        if a in human_signals:
            return np.asarray(human_signals[a], dtype=np.int64)
        if self.turn in policy.signals:
            scripted = policy.signals[self.turn]
            return np.full(self.live, NONE if scripted is None else int(scripted), dtype=np.int64)
        if not sigs or policy.human:
            return np.full(self.live, NONE, dtype=np.int64)
        memo: dict = {}
        env = NumpyEnv(ctx, n=self.live)
        weights = [evaluate(f, env, memo) for f in self.signal_formulas[a]]
        u = self.u(self.site_signal[a])
        idx, p, total = categorical(weights, u, self.explain)
        out = np.where((idx > 0) & (total > 0), np.array([NONE, *sigs])[idx], NONE)
        return out

    def _resolve(self, a: int, inst: np.ndarray, sig: np.ndarray) -> None:
        R = self.rules
        inst, overreached = self._fog(a, inst)
        ok = self._legal_now(inst)
        if not ok.all():
            bad = ~ok
            wait = R.actions[R.wait_action[a]].instances[0]
            self.rec.illegal(self, a, inst, bad, wait)
            inst = np.where(bad, wait, inst)
        if overreached is not None:
            col = self.tally_cols["fog_escalations"]
            self.X[col] += overreached & (self.inst_rung[inst] > self.X[R.rung_cols[a]])
        self._apply(a, inst, np.ones(self.live, dtype=bool), "decision", None)
        if sig is not None and len(self.actor_signals[a]):
            sent = sig >= 0
            if sent.any():
                self._apply_signal(a, sig, sent, inst)

    def _fog(self, a: int, inst: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
        """Fog on the actions the actor chose (``fog_draw``): one draw per action and turn picks
        at most one of its entries; an overreach replaces the instance, a misread marks the other
        action as taken. A replacement's own fog does not fire (the draw is on the choice).
        Returns the instances to resolve and where an overreach replaced one (None: nowhere)."""
        R = self.rules
        act = self.inst_action[inst]
        out, overreached = inst, None
        for fd in self.fog_draws[a]:
            took = (act == fd.action) & self.alive
            if not took.any():
                continue
            u = self.u(fd.site)
            env = NumpyEnv(self.ctx(), {"u": u}, self.live)
            memo: dict = {}
            choice = evaluate(fd.choice, env, memo)
            for j, f in enumerate(fd.fogs):
                mask = took & (choice == j)
                if not mask.any():
                    continue
                fog = R.fog[f]
                self.X[self.tally_cols["accidents"]] += mask
                before = out
                if fog.spec.kind == "overreach":
                    out = np.where(mask, self.fog_maps[f][out], out)
                    overreached = mask if overreached is None else overreached | mask
                else:
                    self.X[self.taken_cols[fog.becomes]] += mask
                    self.X[self.count_cols[fog.becomes]] += mask
                if self.explain:
                    pv = self._as_array(evaluate(fd.chances.chances[j], env, memo))
                    self.rec.fog(self, a, f, mask, pv, u, before, out)
        return out, overreached

    def _legal_now(self, inst: np.ndarray, wok: list | None = None) -> np.ndarray:
        """Resources only: stock and authorization may have changed since the decision
        (another actor's move, a response); preconditions were checked when deciding."""
        ok = self.inst_static[inst]
        wi = self.inst_weapon[inst]
        used = np.flatnonzero(np.bincount(wi[wi >= 0], minlength=len(self.rules.weapon_cols)))
        if len(used):
            ok = ok.copy()
            for w in used:
                m = wok[w] if wok is not None else evaluate(self.weapon_ready[w], NumpyEnv(self.ctx(), n=self.live))
                ok &= (wi != w) | m
        return ok

    def _can_use(self, i: int, rows: np.ndarray) -> np.ndarray:
        """Whether instance ``i`` has the stock and authorization it needs, in those games."""
        x = self.rules.instances[i]
        if not x.static_ok:
            return np.zeros(len(rows), dtype=bool)
        if x.weapon < 0:
            return np.ones(len(rows), dtype=bool)
        return evaluate(self.weapon_ready[x.weapon], NumpyEnv(Ctx(Rows(self.X, rows)), n=len(rows)))

    def _apply_rows(self, a: int, rows: np.ndarray, sub: np.ndarray, cause) -> None:
        """Apply instances ``sub`` in the games ``rows`` only (a response in a few games).
        When most games respond, whole rows are cheaper than fancy indexing: same result."""
        if 2 * len(rows) > self.live:
            full = np.full(self.live, self.NOOP, dtype=np.int64)
            full[rows] = sub
            mask = np.zeros(self.live, dtype=bool)
            mask[rows] = True
            self._apply(a, full, mask, "response", cause)
            return
        R = self.rules
        X = self.X
        first = sub[0] if len(sub) else -1
        for i in [first] if (sub == first).all() else np.unique(sub):
            r = rows if i == first and len(sub) and (sub == first).all() else rows[sub == i]
            for c, v in self.inst_nonzero[a][int(i)]:
                X[c, r] += v
        rc, lc = R.rung_cols[a], R.last_rung_cols[a]
        rung = self.inst_rung[sub]
        X[self.tally_cols["escalations"], rows] += rung > X[rc, rows]
        X[rc, rows] = np.maximum(X[rc, rows], rung)
        X[lc, rows] = rung
        act = self.inst_action[sub]
        counts = np.bincount(act, minlength=len(R.actions))
        self.action_counts += counts
        dyn = [int(k) for k in np.flatnonzero(counts) if self.dynamic_effects[int(k)]]
        if dyn:
            full = np.full(self.live, self.NOOP, dtype=np.int64)
            full[rows] = sub
            ctx = self.ctx(full)
            for k in dyn:
                m = np.zeros(self.live, dtype=bool)
                m[rows[act == k]] = True
                for eff in self.dynamic_effects[k]:
                    eff.apply(ctx, m)
        clip: set[int] = set()
        for taken in np.flatnonzero(counts):
            clip |= self.action_clip[int(taken)]
        self._clip(sorted(clip), rows)
        if self.explain:
            full = np.full(self.live, self.NOOP, dtype=np.int64)
            full[rows] = sub
            m = np.zeros(self.live, dtype=bool)
            m[rows] = True
            self.rec.applied(self, a, full, m, "response", cause)

    def _apply(self, a: int, inst: np.ndarray, mask: np.ndarray, kind: str, cause) -> None:
        """Apply chosen instances under ``mask``: counters, stocks, strikes, rungs, effects."""
        R = self.rules
        X = self.X
        inst = np.where(mask, inst, self.NOOP)
        cols, D = self.actor_delta[a]
        rc, lc = R.rung_cols[a], R.last_rung_cols[a]
        gathered = D.take(inst, axis=1)  # one gather for all the actor's columns
        for j, c in enumerate(cols):
            # only where there is something to add: adding 0.0 would turn a -0.0 into 0.0 in the
            # games that did not take this action (as the few-games path and the kernel do)
            np.add(X[c], gathered[j], out=X[c], where=gathered[j] != 0.0)
        rung = self.inst_rung[inst]
        X[self.tally_cols["escalations"]] += rung > X[rc]
        np.maximum(X[rc], rung, out=X[rc])
        X[lc] = np.where(mask, rung, X[lc])
        act = self.inst_action[inst]
        counts = np.bincount(act[mask & (act >= 0) & self.alive], minlength=len(R.actions))
        self.action_counts += counts
        dyn = [int(k) for k in np.flatnonzero(counts) if self.dynamic_effects[int(k)]]
        if dyn:
            ctx = self.ctx(inst)
            act = self.inst_action[inst]
            for k in dyn:
                m = act == k
                for eff in self.dynamic_effects[k]:
                    eff.apply(ctx, m)
        self._clip(self.actor_clip[a])
        self.rec.applied(self, a, inst, mask, kind, cause)

    def _apply_signal(self, a, sig, sent, inst) -> None:
        """Record what the actor said, whether its action this turn contradicts it, and
        the saying's own effects."""
        R = self.rules
        rung = self.inst_rung[inst]
        counts = np.bincount(sig[sent & self.alive], minlength=len(R.signals))
        self.signal_counts += counts
        self.X[self.tally_cols["signals_sent"]] += sent
        div = np.zeros(self.live, dtype=bool)
        ctx = self.ctx()
        for s in np.flatnonzero(counts):
            signal = R.signals[s]
            m = sig == s
            self.X[self.signalled_cols[s]] += m
            if signal.max_rung:
                div |= m & (rung > signal.max_rung)
            if signal.min_rung:
                div |= m & (rung < signal.min_rung)
            for eff in signal.effects:
                eff.apply(ctx, m)
        self.X[self.tally_cols["divergent"]] += div
        self.rec.signal(self, a, np.where(sent, sig, NONE), None, None, div)
        self._clip(self.actor_clip[a])

    def _thresholds(self) -> set[int]:
        """Mark thresholds newly crossed, and by whom; returns the columns it changed."""
        R = self.rules
        changed: set[int] = set()
        if not len(R.thresholds):
            return changed
        X = self.X
        rungs = [X[c] for c in R.rung_cols]
        top = rungs[0].copy()
        for r in rungs[1:]:
            np.maximum(top, r, out=top)
        for t, thr in enumerate(R.thresholds):
            col = self.crossed_cols[t]
            new = (top >= thr) & (X[col] == 0) & self.alive
            if not new.any():
                continue
            rows = np.flatnonzero(new)
            who_rows = np.full(len(rows), NONE, dtype=np.int64)
            for a in reversed(self.order):
                who_rows = np.where(rungs[a][rows] >= thr, a, who_rows)
            X[col, rows] = 1.0
            changed.add(col)
            self.crossed_turn[t, self.pos[rows]] = self.turn
            self.crossed_by[t, self.pos[rows]] = who_rows
            if self.explain:
                who = np.full(self.live, NONE, dtype=np.int64)
                who[rows] = who_rows
                self.rec.threshold(self, t, new, who)
        return changed

    def _doctrine(self) -> None:
        """Red lines whose conditions now hold fire (each at most once a turn); responses
        may trip others, up to ``max_cascade`` rounds. After the first round only red lines
        that read something a response changed are evaluated again."""
        R = self.rules
        if not R.red_lines:
            return
        fired = np.zeros((len(R.red_lines), self.live), dtype=bool)
        candidates: Sequence[int] = range(len(R.red_lines))
        for _depth in range(R.scenario.scoring.max_cascade + 1):
            ctx = self.ctx()
            firing = []
            for r in candidates:
                rl = R.red_lines[r]
                cond = rl.when(ctx)
                if not isinstance(cond, np.ndarray):
                    if not cond:
                        continue
                    cond = np.ones(self.live, dtype=bool)
                m = (cond != 0) & ~fired[r] & self.alive
                if not rl.repeat:
                    m &= self.X[self.tripped_cols[r]] == 0
                if m.any():
                    firing.append((r, m))
            if not firing:
                break
            dirty: set[int] = set()
            for r, m in firing:
                dirty |= self._fire(r, m)
                fired[r] |= m
            if dirty & self.rung_col_set:
                dirty |= self._thresholds()
            candidates = [r for r, rl in enumerate(R.red_lines) if rl.when.reads & dirty]

    def _fire(self, r: int, mask: np.ndarray) -> set[int]:
        """A red line fired in the games of ``mask``: draw and apply its owner's response.
        Works on those games only, so a rarely tripped red line costs little."""
        R = self.rules
        rl = R.red_lines[r]
        rows = np.flatnonzero(mask)
        self.X[self.tripped_cols[r], rows] += 1.0
        self.trips[r, self.pos[rows]] += 1
        n = len(rows)
        u = draw(self.seed, self.games[rows], self.turn, rl.site)
        probs, over, choice = self._responses(r, Ctx(Rows(self.X, rows)), n, u)
        if r in self.ruled_responses:
            choice = np.full(n, self.ruled_responses[r], dtype=np.int64)
        if over.any():
            self.X[self.tally_cols["clipped"], rows[over]] += 1
        self.response_counts[r] += np.bincount(choice, minlength=len(probs) + 1)
        inst = np.full(n, self.NOOP, dtype=np.int64)
        for j, resp in enumerate(rl.responses):
            m = choice == j
            if resp.action < 0 or not m.any():
                continue
            chosen = np.full(n, self.NOOP, dtype=np.int64)
            for cand in resp.candidates[::-1]:
                chosen = np.where(self._can_use(int(cand), rows), cand, chosen)
            inst = np.where(m, chosen, inst)
        applied = inst != self.NOOP
        if self.explain:
            full_inst = np.full(self.live, self.NOOP, dtype=np.int64)
            full_inst[rows] = inst
            full_applied = np.zeros(self.live, dtype=bool)
            full_applied[rows] = applied
            full = []
            for p in probs:
                f = np.zeros(self.live)
                f[rows] = p
                full.append(f)
            fu = np.zeros(self.live)
            fu[rows] = u
            fc = np.full(self.live, -1, dtype=np.int64)
            fc[rows] = choice
            self.rec.red_line(self, r, mask, full, fu, fc, full_inst, full_applied)
        if not applied.any():
            return {self.tripped_cols[r]}
        self._apply_rows(rl.owner, rows[applied], inst[applied], r)
        return self.fire_writes[r]

    def response_chances(self, r: int, ctx: Ctx, n: int) -> tuple[list[np.ndarray], np.ndarray]:
        """Each response of red line ``r``: its chance in these ``n`` games, as the draw uses
        it (each clipped to [0, 1], all scaled down where they add up to more than 1); and
        where they were scaled down."""
        probs, over, _choice = self._responses(r, ctx, n, None)
        return probs, over

    def _responses(self, r: int, ctx: Ctx, n: int, u: np.ndarray | None):
        """``response_chances``, and with a draw ``u`` the response it picks in each game
        (``len(responses)`` = none)."""
        chances, choice = self.response_formulas[r]
        env = NumpyEnv(ctx, {"u": u}, n)
        memo: dict = {}
        probs = [np.broadcast_to(evaluate(c, env, memo), (n,)) for c in chances.chances]
        over = np.broadcast_to(evaluate(chances.scaled, env, memo), (n,))
        return probs, over, (evaluate(choice, env, memo) if u is not None else None)

    def _outcomes(self) -> None:
        R = self.rules
        ctx = self.ctx()
        finished = np.zeros(self.live, dtype=bool)
        result = np.full(self.live, NONE, dtype=np.int64)
        for o, out in enumerate(R.outcomes):
            if out.spec.at_end and out.when.const == 0:
                continue
            c = out.when(ctx)
            m = (np.asarray(c) != 0) & ~finished
            if np.ndim(m) == 0:
                m = np.full(self.live, bool(m)) & ~finished
            result = np.where(m, o, result)
            finished |= m
        if self.turn >= R.scenario.calendar.turns:
            result = np.where(finished, result, R.at_end)
            finished[:] = True
        if finished.any():
            self._finish(finished, result)

    def _finish(self, finished: np.ndarray, result: np.ndarray) -> None:
        R = self.rules
        finished = finished & self.alive
        if not finished.any():
            return
        pos = self.pos[finished]
        self.outcome[pos] = result[finished]
        self.turns[pos] = self.turn
        self.max_rung[pos] = self.X[R.rung_cols][:, finished].max(axis=0) if R.rung_cols else 0
        self.score[pos] = self.X[R.layout["_score"], finished]
        for name, col in self.tally_cols.items():
            getattr(self, name)[pos] = self.X[col, finished]
        ctx = self.ctx()
        for i, objective in enumerate(R.objectives):
            v = self._as_array(objective.score(ctx))
            self.objective_scores[i, pos] = v[finished]
        if self.explain:
            for o in np.flatnonzero(np.bincount(result[finished], minlength=len(R.outcomes))):
                self.rec.outcome(self, int(o), finished & (result == o))
        self.alive &= ~finished
        self.pos[finished] = self.trash
        n_alive = int(self.alive.sum())
        if n_alive == 0:
            self._compact(self.alive)
            self._trim()
            self.rec.finish(self)
        elif n_alive <= 0.7 * self.live:
            self._compact(self.alive)

    def _compact(self, keep: np.ndarray) -> None:
        """Drop finished games' rows (done only when enough have finished to be worth a copy)."""
        idx = np.flatnonzero(keep)
        self.X = np.take(self.X, idx, axis=1)
        self.games = self.games[idx]
        self.pos = self.pos[idx]
        self.alive = self.alive[idx]

    def _trim(self) -> None:
        """All games are over: drop the slot where finished rows wrote their tallies."""
        n = self.n
        for name in (
            "outcome",
            "turns",
            "max_rung",
            "score",
            "accidents",
            "escalations",
            "divergent",
            "signals_sent",
            "clipped",
            "fog_escalations",
        ):
            setattr(self, name, getattr(self, name)[:n])
        for name in ("crossed_turn", "crossed_by", "trips", "objective_scores"):
            setattr(self, name, getattr(self, name)[:, :n])
        if self.rung_by_turn is not None:
            self.rung_by_turn = self.rung_by_turn[:, :, :n]

    def _record_rungs(self) -> None:
        R = self.rules
        assert self.rung_by_turn is not None  # kept for small batches only
        t = min(self.turn, R.scenario.calendar.turns) - 1
        self.rung_by_turn[:, t, self.pos] = self.X[R.rung_cols].astype(np.int8)
