"""Compile a ``Scenario`` once into ``Rules``: arrays and compiled expressions.

Static facts are settled here: action instances (action x weapon x target) with their
great-circle range checks, constant effects, draw sites, response candidates. An instance
that can never be legal keeps its reason ("out of range: 420 km > 300 km") for the window.
"""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Callable, Mapping

import attrs
import numpy as np

from game import geo, regions
from game.diagnostics import Diagnostic, did_you_mean
from game.engine.layout import LOOKUP_FUNCTIONS, Layout, build_layout
from game.engine.rng import site_id
from game.expr import Effect, Expr, ExprError, Ref, compile_effect, compile_expr
from game.model import (
    CATEGORIES,
    RIVERA_WEIGHTS,
    Action,
    Event,
    Fog,
    Objective,
    Outcome,
    Response,
    Scenario,
    Signal,
)

Locate = Callable[[tuple, int], tuple[str, int, int, str]]
"""(model path, offset in the expression) -> (file, line, col, author's dotted path)."""


class _Names:
    """Resolves expression names against the layout, params and instance constants."""

    def __init__(self, layout: Layout, params: dict[str, float], inst: tuple[str, ...] = ()):
        self.layout, self.params, self.inst = layout, params, inst
        self._public = [c.name for c in layout.columns if ":" not in c.name and not c.name.startswith("_")]

    def lookup(self, name: str):
        if name in ("true", "false"):
            return Ref("const", value=1.0 if name == "true" else 0.0)
        if name.startswith("params."):
            key = name[len("params.") :]
            return Ref("const", value=self.params[key]) if key in self.params else None
        if name in self.inst:
            return Ref("inst", index=self.inst.index(name))
        if ":" in name or name.startswith("_"):
            return None
        i = self.layout.index.get(name)
        return None if i is None else Ref("column", index=i)

    def lookup_call(self, func: str, arg: str):
        if func not in LOOKUP_FUNCTIONS:
            return None
        i = self.layout.index.get(f"{func}:{arg}")
        if i is not None:
            return Ref("column", index=i)
        what = LOOKUP_FUNCTIONS[func][1]
        known = [c.name.split(":", 1)[1] for c in self.layout.columns if c.name.startswith(func + ":")]
        return f"unknown {what} '{arg}'{did_you_mean(arg, known)}"

    def known(self):
        return [*self._public, *(f"params.{p}" for p in self.params), *self.inst]

    def writable(self, name: str):
        i = self.layout.index.get(name)
        if i is None or not self.layout.columns[i].writable:
            return None
        return Ref("column", index=i)


@attrs.frozen(eq=False)
class ActionRules:
    """One action, compiled."""

    index: int
    spec: Action
    actors: tuple[int, ...]
    rung: int  # 1-based position on the ladder, 0 = no rung
    category: int
    when: Expr
    effects: tuple[Effect, ...]
    instances: np.ndarray  # global instance ids
    score: float


@attrs.frozen
class Instance:
    id: int
    action: int
    weapon: int  # -1 = none
    site: int  # -1 = none
    owner: int  # actor index of the weapon's owner, -1 = none
    static_ok: bool
    reason: str  # why it can never be legal, "" if it can
    distance_km: float
    value: float
    struck_cols: tuple[int, ...]


@attrs.frozen(eq=False)
class ResponseRules:
    """One response of a red line: its chance, the action it takes (-1 = none) and the
    instances it may use, most preferred first."""

    spec: Response
    p: Expr
    action: int
    candidates: np.ndarray


@attrs.frozen(eq=False)
class RedLineRules:
    index: int
    owner: int
    when: Expr
    responses: tuple[ResponseRules, ...]
    repeat: bool
    site: int


@attrs.frozen(eq=False)
class SignalRules:
    """A signal: who may send it, when, its effects and the rungs it promises to stay within
    (0 = no bound)."""

    spec: Signal
    actors: tuple[int, ...]
    when: Expr
    effects: tuple[Effect, ...]
    max_rung: int
    min_rung: int


@attrs.frozen(eq=False)
class FogRules:
    """A fog rule: taking ``action`` may become ``becomes`` (overreach: ``inst_map`` maps
    each of its instances to the closest instance of ``becomes``)."""

    spec: Fog
    action: int
    becomes: int
    p: Expr
    inst_map: dict[int, int]
    site: int


@attrs.frozen(eq=False)
class EventRules:
    """An event: on a fixed turn (``turn`` > 0) or drawn each turn with chance ``p``."""

    spec: Event
    turn: int
    p: Expr
    when: Expr
    effects: tuple[Effect, ...]
    site: int


@attrs.frozen(eq=False)
class BreakerRules:
    """The circuit breaker: when ``when`` holds at the start of a turn (and it holds nobody
    yet), every actor is held for ``turns`` turns, this one included; ``effects`` apply once."""

    when: Expr
    turns: int
    effects: tuple[Effect, ...]


@attrs.frozen(eq=False)
class OutcomeRules:
    spec: Outcome
    when: Expr


@attrs.frozen(eq=False)
class ObjectiveRules:
    spec: Objective
    actor: int
    score: Expr


@attrs.frozen
class WeaponCols:
    """Where a weapon's stock and authorization live, what a use costs, what a turn adds."""

    stock: int
    authorized: int
    per_use: float
    production: float


@attrs.frozen(eq=False)
class PolicyTerm:
    when: Expr
    weight: Expr


@attrs.frozen(eq=False)
class PolicyRule:
    """One doctrine rule's term, attached to one action or one signal (``kind``)."""

    kind: str  # "action" | "signal"
    index: int
    term: PolicyTerm


@attrs.frozen(eq=False)
class Rules:
    """Everything the engine needs, settled at load."""

    scenario: Scenario
    layout: Layout
    params: dict[str, float]
    actions: list[ActionRules]
    instances: list[Instance]
    actor_actions: list[np.ndarray]  # per actor: action indices it may choose freely
    wait_action: list[int]  # per actor: its fallback action index
    red_lines: list[RedLineRules]
    thresholds: np.ndarray  # rung (1-based) of each threshold's `below`
    signals: list[SignalRules]
    fog: list[FogRules]
    events: list[EventRules]
    outcomes: list[OutcomeRules]
    at_end: int
    objectives: list[ObjectiveRules]
    weapon_cols: list[WeaponCols]
    rung_cols: list[int]
    last_rung_cols: list[int]
    escalation_cols: list[int]
    initial: np.ndarray
    reset_cols: np.ndarray
    start: dt.date
    warnings: list[Diagnostic]
    launch_points: dict[int, np.ndarray]  # weapon index -> [n, 2] lon/lat its range is measured from
    policy_terms: dict[str, list[PolicyRule]]  # policy id -> its rules' terms
    breaker: BreakerRules | None = None

    def date_of(self, turn: int) -> dt.date:
        return self.start + dt.timedelta(days=(turn - 1) * self.scenario.calendar.turn_days)

    def action_id(self, k: int) -> str:
        return self.actions[k].spec.id

    def actor_index(self, actor_id: str) -> int:
        return next(i for i, a in enumerate(self.scenario.actors) if a.id == actor_id)

    def describe_instance(self, i: int) -> str:
        inst = self.instances[i]
        act = self.actions[inst.action].spec
        parts = [act.name]
        if inst.site >= 0:
            parts.append(f"on {self.scenario.map.sites[inst.site].name}")
        if inst.weapon >= 0:
            parts.append(f"with {self.scenario.weapons[inst.weapon].name}")
        return " ".join(parts)


WAIT_ID = "wait"
MAX_ACTION_INSTANCES = 20_000
"""Target instances (weapons x sites) one action may have; the shipped scenarios have at most 12."""
MAX_INSTANCES = 50_000
"""Target instances of all actions together; the shipped scenarios have at most 110."""
MAX_RULES_PER_OPTION = 100
"""Policy rules that may weigh one action or signal: an option's weight is their running sum, a
formula as deep as their number (the shipped scenarios have at most 2)."""


class _Compiler:
    def __init__(self, scn: Scenario, locate: Locate):
        self.scn, self.locate = scn, locate
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []
        self.layout = build_layout(scn)
        self.params = {p.id: p.value for p in scn.params}
        self.names = _Names(self.layout, self.params)
        self.inst_names = _Names(self.layout, self.params, ("target.value", "target.distance_km"))
        self.funcs = tuple(LOOKUP_FUNCTIONS)

    def diag(self, path: tuple, message: str, offset: int = -1, severity: str = "error") -> None:
        file, line, col, dotted = self.locate(path, offset)
        d = Diagnostic(file, line, col, dotted, message, severity)
        (self.errors if severity == "error" else self.warnings).append(d)

    def expr(self, text: str, path: tuple, inst: bool = False) -> Expr:
        try:
            return compile_expr(str(text), self.inst_names if inst else self.names, self.funcs)
        except ExprError as e:
            self.diag(path, e.message, e.col)
            return compile_expr("0", self.names, self.funcs)

    def effect(self, text: str, path: tuple, inst: bool = False):
        try:
            return compile_effect(str(text), self.inst_names if inst else self.names, self.funcs)
        except ExprError as e:
            self.diag(path, e.message, e.col)
            return None

    def probability(self, text: str, path: tuple) -> Expr:
        raw = str(text).strip()
        if raw.endswith("%"):
            self.diag(path, f"write a probability as a number from 0 to 1: {raw} is {_percent_as_share(raw[:-1])}")
            return compile_expr("0", self.names, self.funcs)
        e = self.expr(text, path)
        if e.const is not None and not 0.0 <= e.const <= 1.0:
            hint = f" (for {e.const:g}% write {e.const / 100:g})" if 2 <= e.const <= 100 else ""
            self.diag(path, f"probability {e.const:g} is outside [0, 1]{hint}")
        return e


def compile_rules(
    scn: Scenario, locate: Locate, launch_edges: Mapping[str, np.ndarray] | None = None
) -> tuple[Rules | None, list[Diagnostic], list[Diagnostic]]:
    """Compile a reference-checked scenario; returns (rules or None, errors, warnings).
    ``launch_edges`` are ``regions.launch_edges(scn)`` when the caller has them already (the
    runners keep them on disk); they are computed here otherwise."""
    c = _Compiler(scn, locate)
    lay = c.layout
    actor_ix = {a.id: i for i, a in enumerate(scn.actors)}
    rung_ix = {r.id: i + 1 for i, r in enumerate(scn.ladder.rungs)}
    weapon_ix = {w.id: i for i, w in enumerate(scn.weapons)}
    site_ix = {s.id: i for i, s in enumerate(scn.map.sites)}
    region_by_id = {r.id: r for r in scn.map.regions}
    cat_weight = np.array([scn.scoring.weights.get(k, RIVERA_WEIGHTS[k]) for k in CATEGORIES])

    site_tags = []
    for s in scn.map.sites:
        region = region_by_id.get(s.region)
        site_tags.append(set(s.tags) | set(region.tags if region else ()) | {s.id, s.region})

    # Implicit "wait" for every actor that has none: always legal, no rung.
    actions = list(scn.actions)
    for wid in scn.implicit_waits():
        actor = wid[len(WAIT_ID) + 1 :]
        actions.append(
            Action(
                id=wid,
                name="Hold and watch",
                actor=(actor,),
                category="status_quo",
                description="Do nothing new this turn.",
                text="{actor} holds its course.",
            )
        )
        lay.add(f"taken:{wid}", reset_each_turn=True)
        lay.add(f"count:{wid}")

    edges = regions.launch_edges(scn) if launch_edges is None else launch_edges
    launch_points: dict[int, np.ndarray] = {}
    for wi, w in enumerate(scn.weapons):
        parts = [np.empty((0, 2))]
        for rid in w.launch_from:
            r = region_by_id.get(rid)
            if r is None:
                continue
            parts.append(edges[rid] if rid in edges else regions.edge_points(r, region_by_id))
            if r.center is not None:
                parts.append(np.array([r.center], dtype=float))
        launch_points[wi] = np.concatenate(parts).reshape(-1, 2)

    aims_of = [_aims(act, scn, site_tags, actor_ix, weapon_ix) for act in actions]
    site_km = _site_km(scn, launch_points, aims_of)
    instances: list[Instance] = []
    rules_actions: list[ActionRules] = []
    for k, act in enumerate(actions):
        path = ("actions", k)
        aims = aims_of[k]
        n_aims = sum(len(sites_w) for _, sites_w in aims)
        if n_aims > MAX_ACTION_INSTANCES:
            c.diag(
                path,
                f"{n_aims:,} target instances (weapons x sites) exceed the limit of {MAX_ACTION_INSTANCES:,}; "
                "narrow its targets",
            )
            aims = []
        elif len(instances) + n_aims > MAX_INSTANCES:
            c.diag(
                path,
                f"its {n_aims:,} target instances (weapons x sites) bring the scenario to "
                f"{len(instances) + n_aims:,}, past the limit of {MAX_INSTANCES:,}; narrow its targets",
            )
            aims = []
        ids = []
        for wi, sites_w in aims:
            for si in sites_w:
                ok, reason, dist = True, "", 0.0
                if wi >= 0 and si >= 0:
                    w = scn.weapons[wi]
                    site = scn.map.sites[si]
                    if len(launch_points[wi]):
                        dist = 0.0 if site.region in w.launch_from else site_km[wi, si]
                        if dist > w.range_km:
                            ok, reason = False, f"out of range: {dist:.0f} km > {w.range_km:.0f} km"
                struck = tuple(lay[f"struck:{t}"] for t in sorted(site_tags[si])) if si >= 0 else ()
                value = scn.map.sites[si].value if si >= 0 else 0.0
                owner = actor_ix.get(scn.weapons[wi].owner, -1) if wi >= 0 else -1
                instances.append(Instance(len(instances), k, wi, si, owner, ok, reason, dist, value, struck))
                ids.append(instances[-1].id)
        inst = bool(act.target is not None)
        effects = [
            e for j, t in enumerate(act.effects) if (e := c.effect(t, (*path, "effects", j), inst=inst)) is not None
        ]
        if act.target is not None and not ids and n_aims == 0:
            c.diag((*path, "target"), "no site matches this target (after removing the actor's own side's sites)")
        rules_actions.append(
            ActionRules(
                index=k,
                spec=act,
                actors=tuple(actor_ix[a] for a in act.actor if a in actor_ix),
                rung=rung_ix.get(act.rung, 0),
                category=CATEGORIES.index(act.category) if act.category in CATEGORIES else 0,
                when=c.expr(act.when, (*path, "when")),
                effects=tuple(effects),
                instances=np.array(ids, dtype=np.int64),
                score=float(cat_weight[CATEGORIES.index(act.category)]) if act.category in CATEGORIES else 0.0,
            )
        )

    actor_actions, wait_action = [], []
    for ai in range(len(scn.actors)):
        mine = [r.index for r in rules_actions if ai in r.actors and not r.spec.response_only]
        actor_actions.append(np.array(mine, dtype=np.int64))
        waits = [
            k
            for k in mine
            if rules_actions[k].spec.category == "status_quo"
            and rules_actions[k].when.const is not None
            and rules_actions[k].when.const != 0
        ]
        wait_action.append(waits[0] if waits else mine[0])

    red_lines: list[RedLineRules] = []
    for i, red_line in enumerate(scn.red_lines):
        path = ("red_lines", i)
        resps: list[ResponseRules] = []
        const_sum = 0.0
        each_ok = True
        for j, resp in enumerate(red_line.responses):
            p = c.probability(resp.p, (*path, "responses", j, "p"))
            if p.const is not None:
                const_sum += p.const
                each_ok &= 0.0 <= p.const <= 1.0
            k = next((x.index for x in rules_actions if x.spec.id == resp.action), -1)
            cands = (
                _response_candidates(
                    rules_actions[k], instances, resp, site_ix, weapon_ix, actor_ix.get(red_line.owner, -1)
                )
                if k >= 0
                else []
            )
            if resp.target and cands and instances[cands[0]].site != site_ix.get(resp.target):
                c.diag(
                    (*path, "responses", j, "target"),
                    f"'{resp.action}' can never hit '{resp.target}' "
                    "(out of range or on the owner's own side); the response uses the most valuable legal "
                    "target instead",
                    severity="warning",
                )
            resps.append(ResponseRules(resp, p, k, np.array(cands, dtype=np.int64)))
        if const_sum > 1.0 + 1e-9 and each_ok:
            c.diag(
                (*path, "responses"),
                f"response probabilities add up to {const_sum:g}, more than 1 (what is left over is 'no response')",
            )
        red_lines.append(
            RedLineRules(
                i,
                actor_ix.get(red_line.owner, 0),
                c.expr(red_line.when, (*path, "when")),
                tuple(resps),
                red_line.repeat,
                site_id(f"red_line:{red_line.id}"),
            )
        )

    signals: list[SignalRules] = []
    for i, signal in enumerate(scn.signals):
        path = ("signals", i)
        effects = [e for j, t in enumerate(signal.effects) if (e := c.effect(t, (*path, "effects", j))) is not None]
        signals.append(
            SignalRules(
                signal,
                tuple(actor_ix[a] for a in signal.actor if a in actor_ix),
                c.expr(signal.when, (*path, "when")),
                tuple(effects),
                rung_ix.get(signal.max_rung, 0),
                rung_ix.get(signal.min_rung, 0),
            )
        )

    fog: list[FogRules] = []
    action_at = {x.spec.id: x.index for x in rules_actions}
    closest_in: dict[int, _ClosestInstance] = {}
    inst_maps: dict[tuple[int, int], dict[int, int]] = {}
    for i, f in enumerate(scn.fog):
        k = action_at.get(f.action, -1)
        b = action_at.get(f.becomes, -1)
        if k < 0 or b < 0 or not len(rules_actions[b].instances):
            continue
        if b not in closest_in:
            closest_in[b] = _ClosestInstance(rules_actions[b], instances)
        if (k, b) not in inst_maps:  # one map per pair of actions, shared by every fog entry on it
            inst_maps[k, b] = {int(i1): closest_in[b].to(instances[int(i1)]) for i1 in rules_actions[k].instances}
        inst_map = inst_maps[k, b]
        fog.append(FogRules(f, k, b, c.probability(f.p, ("fog", i, "p")), inst_map, site_id(f"fog:{f.id}")))
    _check_fog(c, scn, rules_actions, fog)

    start = dt.date.fromisoformat(scn.calendar.start)
    events: list[EventRules] = []
    for i, e in enumerate(scn.events):
        path = ("events", i)
        turn = 0
        if e.date:
            turn = (dt.date.fromisoformat(e.date) - start).days // scn.calendar.turn_days + 1
        elif e.turn is not None:
            turn = e.turn
        effects = [x for j, t in enumerate(e.effects) if (x := c.effect(t, (*path, "effects", j))) is not None]
        p = c.probability(e.p, (*path, "p"))
        if not turn and p.const == 0:
            c.diag(path, f"event '{e.id}' never happens: give it a date:, a turn: or a chance p:", severity="warning")
        events.append(EventRules(e, turn, p, c.expr(e.when, (*path, "when")), tuple(effects), site_id(f"event:{e.id}")))

    outcomes: list[OutcomeRules] = []
    at_end = 0
    for i, o in enumerate(scn.outcomes):
        outcomes.append(OutcomeRules(o, c.expr(o.when, ("outcomes", i, "when"))))
        if o.at_end:
            at_end = i
    objectives = [
        ObjectiveRules(o, actor_ix.get(o.actor, 0), c.expr(o.score, ("objectives", i, "score")))
        for i, o in enumerate(scn.objectives)
    ]
    action_ix = {x.spec.id: x.index for x in rules_actions}
    signal_ix = {s.id: i for i, s in enumerate(scn.signals)}
    policy_terms: dict[str, list[PolicyRule]] = {}
    for i, pol in enumerate(scn.policies):
        terms: list[PolicyRule] = []
        for j, rule in enumerate(pol.rules):
            term = PolicyTerm(
                c.expr(rule.when, ("policies", i, "rules", j, "when")),
                c.expr(rule.weight, ("policies", i, "rules", j, "weight")),
            )
            if rule.action:
                targets = [("action", action_ix.get(rule.action, -1))]
            elif rule.category:
                targets = [("action", x.index) for x in rules_actions if x.spec.category == rule.category]
            else:
                targets = [("signal", signal_ix.get(rule.signal, -1))]
            terms.extend(PolicyRule(kind, k, term) for kind, k in targets if k >= 0)
        weighed = collections.Counter((t.kind, t.index) for t in terms)
        crowded = [(kind, k, n) for (kind, k), n in weighed.items() if n > MAX_RULES_PER_OPTION]
        if crowded:
            kind, k, n = max(crowded, key=lambda x: x[2])
            name = next(x.spec.id for x in rules_actions if x.index == k) if kind == "action" else scn.signals[k].id
            c.diag(
                ("policies", i, "rules"),
                f"{n:,} rules weigh the {kind} '{name}', past the limit of {MAX_RULES_PER_OPTION} an option; "
                "merge them into fewer rules",
            )
        policy_terms[pol.id] = terms

    for i, seat in enumerate(scn.actors):
        if seat.start_rung and seat.start_rung not in rung_ix:
            hint = did_you_mean(seat.start_rung, list(rung_ix))
            c.diag(("actors", i, "start_rung"), f"unknown rung '{seat.start_rung}'{hint}")
    breaker = _breaker(c, scn)
    thresholds = np.array([rung_ix.get(t.below, 0) for t in scn.ladder.thresholds], dtype=np.float64)
    cols = lay.columns
    rules = Rules(
        scenario=scn,
        layout=lay,
        params=c.params,
        actions=rules_actions,
        instances=instances,
        actor_actions=actor_actions,
        wait_action=wait_action,
        red_lines=red_lines,
        thresholds=thresholds,
        signals=signals,
        fog=fog,
        events=events,
        outcomes=outcomes,
        at_end=at_end,
        objectives=objectives,
        weapon_cols=[
            WeaponCols(lay[f"{w.id}.stock"], lay[f"{w.id}.authorized"], w.per_use, w.production) for w in scn.weapons
        ],
        rung_cols=[lay[f"{a.id}.rung"] for a in scn.actors],
        last_rung_cols=[lay[f"{a.id}.last_rung"] for a in scn.actors],
        escalation_cols=[lay[f"{a.id}.escalation"] for a in scn.actors],
        initial=np.array([col.initial for col in cols]),
        reset_cols=np.array([i for i, col in enumerate(cols) if col.reset_each_turn], dtype=np.int64),
        start=start,
        warnings=c.warnings,
        policy_terms=policy_terms,
        launch_points=launch_points,
        breaker=breaker,
    )
    if c.errors:
        return None, c.errors, c.warnings
    return rules, [], c.warnings


def _breaker(c: _Compiler, scn: Scenario) -> BreakerRules | None:
    """The scenario's circuit breaker, compiled (None: it has none)."""
    cb = scn.circuit_breaker
    if cb is None:
        return None
    if cb.turns < 1:
        c.diag(("circuit_breaker", "turns"), f"a circuit breaker holds for 1 turn or more, not {cb.turns}")
    effects = [x for j, t in enumerate(cb.effects) if (x := c.effect(t, ("circuit_breaker", "effects", j))) is not None]
    return BreakerRules(c.expr(cb.when, ("circuit_breaker", "when")), cb.turns, tuple(effects))


def _check_fog(c: _Compiler, scn: Scenario, actions: list[ActionRules], fog: list[FogRules]) -> None:
    """Fog turns an action into another at least as escalatory, and an action's entries share
    one draw (so their constant chances may add up to 1 at most)."""
    rung_name = {i + 1: r.id for i, r in enumerate(scn.ladder.rungs)}
    index = {id(f): i for i, f in enumerate(scn.fog)}
    total: dict[int, float] = {}
    for fr in fog:
        i = index[id(fr.spec)]
        src, dst = actions[fr.action], actions[fr.becomes]
        if fr.action == fr.becomes:
            c.diag(("fog", i, "becomes"), f"'{src.spec.id}' cannot become itself: fog turns an action into another one")
        elif dst.rung < src.rung:
            below = f"rung '{rung_name[dst.rung]}'" if dst.rung else "no rung"
            c.diag(
                ("fog", i, "becomes"),
                f"'{dst.spec.id}' ({below}) is less escalatory than '{src.spec.id}' (rung '{rung_name[src.rung]}'): "
                "fog only turns an action into one at least as high on the ladder",
            )
        if fr.p.const is not None and 0.0 <= fr.p.const <= 1.0:
            before = total.get(fr.action, 0.0)
            total[fr.action] = before + fr.p.const
            if before <= 1.0 + 1e-9 < total[fr.action]:
                c.diag(
                    ("fog", i, "p"),
                    f"the fog chances of '{src.spec.id}' add up to {total[fr.action]:g}, more than 1 "
                    "(one draw a turn picks at most one of an action's fog entries)",
                )


def _percent_as_share(number: str) -> str:
    try:
        return f"{float(number) / 100:g}"
    except ValueError:
        return "a number from 0 to 1"


def _aims(act: Action, scn: Scenario, site_tags, actor_ix, weapon_ix) -> list[tuple[int, list[int]]]:
    """(weapon, sites) pairs an action aims at: each weapon (-1: none) with the sites its owner
    (else the action's actors) may target; [-1] for an action without a target."""
    weapons = [weapon_ix[w] for w in act.weapon if w in weapon_ix] or [-1]
    targets_by_shooter: dict[frozenset[str], list[int]] = {}
    aims: list[tuple[int, list[int]]] = []
    for wi in weapons:
        shooter = frozenset({scn.weapons[wi].owner} if wi >= 0 else act.actor)
        if shooter not in targets_by_shooter:
            targets_by_shooter[shooter] = (
                _target_sites(act, scn, site_tags, actor_ix, set(shooter)) if act.target is not None else [-1]
            )
        aims.append((wi, targets_by_shooter[shooter]))
    return aims


def _site_km(
    scn: Scenario, launch_points: dict[int, np.ndarray], aims_of: list[list[tuple[int, list[int]]]]
) -> dict[tuple[int, int], float]:
    """Each (weapon, site) some action aims at: the site's distance to the weapon's launch
    points, measured in one call for all the weapons launched from the same regions (actions
    share weapons and sites, weapons share launch regions, and each call turns the thousands of
    launch points into unit vectors again); the same figures, since ``geo.nearest_km`` measures
    each point alone."""
    sites_of: dict[tuple[str, ...], set[int]] = {}
    weapons_of: dict[tuple[str, ...], set[int]] = {}
    for aims in aims_of:
        for wi, sites_w in aims:
            if wi >= 0 and len(launch_points[wi]):
                launch = scn.weapons[wi].launch_from
                sites_of.setdefault(launch, set()).update(si for si in sites_w if si >= 0)
                weapons_of.setdefault(launch, set()).add(wi)
    km: dict[tuple[int, int], float] = {}
    for launch, sites in sites_of.items():
        order = sorted(sites)
        if order:
            lonlat = np.array([[scn.map.sites[si].lon, scn.map.sites[si].lat] for si in order])
            first = min(weapons_of[launch])
            dists = [float(d) for d in _nearest_km(lonlat, launch_points[first])]
            km.update(((wi, si), d) for wi in weapons_of[launch] for si, d in zip(order, dists, strict=True))
    return km


def _target_sites(act: Action, scn: Scenario, site_tags, actor_ix, shooters: set[str]) -> list[int]:
    """Sites the action can aim at, leaving out the shooters' own side's (unless named)."""
    out: list[int] = []
    sides = {scn.actors[actor_ix[a]].side or a for a in shooters if a in actor_ix}
    controller_side = {a.id: a.side or a.id for a in scn.actors}
    region_ctrl = {r.id: r.controller for r in scn.map.regions}
    target = act.target
    if target is None:
        return out
    names, tags, kinds = set(target.sites), set(target.tags), set(target.kinds)
    for si, s in enumerate(scn.map.sites):
        named = s.id in names
        tagged = bool(site_tags[si] & tags)
        if not (named or tagged):
            continue
        if kinds and s.kind not in kinds:
            continue
        ctrl = region_ctrl.get(s.region, "")
        if ctrl and controller_side.get(ctrl) in sides and not named:
            continue
        out.append(si)
    return out


def _response_candidates(rule: ActionRules, instances, resp, site_ix, weapon_ix, owner: int) -> list[int]:
    """Instances a response may use, most preferred first: as named, then by target value."""
    cands = [
        instances[int(i)]
        for i in rule.instances
        if instances[int(i)].static_ok and (instances[int(i)].owner in (-1, owner))
    ]
    if resp.target:
        cands = [x for x in cands if x.site == site_ix.get(resp.target, -2)] or cands
    if resp.weapon:
        cands = [x for x in cands if x.weapon == weapon_ix.get(resp.weapon, -2)] or cands
    cands.sort(key=lambda x: (-x.value, x.id))
    return [x.id for x in cands]


class _ClosestInstance:
    """The instance of one action that a fogged instance of another turns into: the same site
    and weapon, else the same site, else the first that can ever be legal, else the first.
    Indexed once per action, so a fog entry over thousands of instances is not quadratic."""

    def __init__(self, target: ActionRules, instances: list[Instance]):
        self.by_site_weapon: dict[tuple[int, int], int] = {}
        self.by_site: dict[int, int] = {}
        ids = [int(i) for i in target.instances]
        for i in ids:
            x = instances[i]
            self.by_site_weapon.setdefault((x.site, x.weapon), i)
            self.by_site.setdefault(x.site, i)
        self.fallback = next((i for i in ids if instances[i].static_ok), ids[0])

    def to(self, src: Instance) -> int:
        found = self.by_site_weapon.get((src.site, src.weapon))
        if found is None:
            found = self.by_site.get(src.site, self.fallback)
        return found


def _nearest_km(points: np.ndarray, launch: np.ndarray) -> np.ndarray:
    """Each point's great-circle distance to the nearest launch point (``geo.nearest_km``: the
    same figures as ``geo.min_distance_km`` point by point, without a call per point)."""
    return geo.nearest_km(points, launch)
