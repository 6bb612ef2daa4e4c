"""One interactive game: a batch of one with human seats, options and a save format.

The window (and tests) drive a ``Session``: it lists each human actor's options with
why an illegal one is illegal and which declared red lines a legal one would trip,
steps a turn with the humans' choices, and keeps the explained event log. A save is
the seed plus the decisions made so far, replayed on load: small, versioned JSON,
never pickle, and bit-identical to the game that was saved.
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Mapping, Sequence

import attrs
import numpy as np

from game.engine.batch import NONE, Batch, Recorder
from game.engine.event_log import EventLog
from game.engine.history import history_comparison
from game.engine.observation import SeatPolicy
from game.engine.words import pct

SAVE_FORMAT = "redline-save/1"


@attrs.frozen
class Trip:
    red_line: str
    name: str
    owner: str
    declared: bool
    responses: tuple[tuple[str, float], ...]  # (action name, probability now)
    p_none: float


@attrs.frozen
class Option:
    instance: int
    action: str
    name: str
    category: str
    rung: int  # 1-based, 0 = none
    rung_name: str
    target: str
    weapon: str
    distance_km: float
    legal: bool
    reason: str
    description: str
    trips: tuple[Trip, ...]


@attrs.frozen
class SignalOption:
    index: int
    id: str
    kind: str
    says: str
    legal: bool


NO_RESPONSE = -1
"""A ruled red-line response: the red line fires and its owner does nothing."""


def _str_ints(value: Mapping) -> dict[str, int]:
    return {str(k): int(v) for k, v in value.items()}


def _strs(value: Sequence) -> tuple[str, ...]:
    if isinstance(value, str):
        raise TypeError("a list of ids, not one string")
    return tuple(str(v) for v in value)


@attrs.frozen
class Rulings:
    """A control cell's rulings for one turn of a game (a teacher running a class game): the
    action a doctrine seat takes instead of its draw (``choices``), the response a red line gives
    if it fires this turn instead of its chance draw (``responses``: red line id -> response index,
    ``NO_RESPONSE`` for none), and scenario events made to happen at the turn's start
    (``injected``); and human seats played by their doctrine this turn (``doctrine``: a team that
    ran out of time). They are part of the turn's record, so a save replays them."""

    choices: dict[str, int] = attrs.field(factory=dict, converter=_str_ints)
    responses: dict[str, int] = attrs.field(factory=dict, converter=_str_ints)
    injected: tuple[str, ...] = attrs.field(default=(), converter=_strs)
    doctrine: tuple[str, ...] = attrs.field(default=(), converter=_strs)

    def __bool__(self) -> bool:
        return bool(self.choices or self.responses or self.injected or self.doctrine)

    def to_record(self) -> dict:
        return {
            "choices": dict(self.choices),
            "responses": dict(self.responses),
            "injected": list(self.injected),
            "doctrine": list(self.doctrine),
        }

    @classmethod
    def from_record(cls, data: Mapping) -> Rulings:
        """``to_record``'s dict back (``TypeError``/``ValueError``/``AttributeError`` if malformed)."""
        return cls(
            dict(data.get("choices", {})),
            dict(data.get("responses", {})),
            data.get("injected", ()),
            data.get("doctrine", ()),
        )


class SaveError(Exception):
    """A save file that cannot be used (corrupt, foreign, or for another scenario)."""


def scenario_digest(source: bytes) -> str:
    return hashlib.sha256(source).hexdigest()[:16]


class Session:
    """A game in progress, for the window: a batch of one, with an event log."""

    def __init__(self, rules, seed: int, humans: tuple[str, ...] = (), game: int = 0, *, seats: Sequence[SeatPolicy]):
        """``seats``: one policy per actor, in order (``game.policies.seat_policies``: a human
        seat's is ``HumanPolicy``). The caller picks them: the engine knows no policy class."""
        self.rules = rules
        self.seed, self.game = int(seed), int(game)
        ids = [a.id for a in rules.scenario.actors]
        self.humans = tuple(h for h in humans if h in ids)
        self.human_ix = [ids.index(h) for h in self.humans]
        self.policies = list(seats)
        self.warning = ""  # why a loaded game differs from what was saved ("" = it does not)
        self.log = EventLog()
        self.batch = Batch(rules, self.seed, np.array([self.game], dtype=np.uint64), self.policies, self.log)
        self.decisions: list[dict] = []

    # -------------------------------------------------------------- state
    @property
    def done(self) -> bool:
        return self.batch.done

    @property
    def turn(self) -> int:
        return self.batch.turn

    @property
    def date(self):
        return self.rules.date_of(min(self.batch.turn, self.rules.scenario.calendar.turns))

    @property
    def events(self) -> list[dict]:
        return self.log.games[0]

    @property
    def outcome(self):
        o = int(self.batch.outcome[0])
        return None if o == NONE else self.rules.scenario.outcomes[o]

    def value(self, name: str) -> float:
        """Current value of a state column (last value once the game is over)."""
        i = self.rules.layout[name]
        if self.batch.live:
            return float(self.batch.X[i, 0])
        return float(self._final[i]) if hasattr(self, "_final") else float(self.rules.initial[i])

    def rungs(self) -> dict[str, int]:
        return {a.id: int(self.value(f"{a.id}.rung")) for a in self.rules.scenario.actors}

    def crossed(self) -> dict[str, tuple[str, int] | None]:
        """Threshold id -> (actor id who crossed it first, turn), or None."""
        out = {}
        for t, th in enumerate(self.rules.scenario.ladder.thresholds):
            turn = int(self.batch.crossed_turn[t, 0])
            who = int(self.batch.crossed_by[t, 0])
            out[th.id] = (self.rules.scenario.actors[who].id, turn) if turn else None
        return out

    def rung_history(self) -> dict[str, list[int]]:
        n = max(0, min(self.batch.turn - 1, self.rules.scenario.calendar.turns))
        if self.done:
            n = int(self.batch.turns[0])
        rungs = self.batch.rung_by_turn
        assert rungs is not None  # a batch of one keeps them
        return {a.id: rungs[i, :n, 0].tolist() for i, a in enumerate(self.rules.scenario.actors)}

    # -------------------------------------------------------------- options
    def options(self, actor: str) -> list[Option]:
        """Every instance the actor could choose now, legal or not (with the reason)."""
        R = self.rules
        a = R.actor_index(actor)
        if self.done:
            return []
        b = self.batch
        legal, inst_legal = b.legal_actions(a)
        out = []
        for j, k in enumerate(R.actor_actions[a]):
            act = R.actions[k]
            when_ok = bool(act.when(b.ctx()) != 0) if act.when.const is None else bool(act.when.const)
            for pos, i in enumerate(act.instances):
                x = R.instances[int(i)]
                if x.owner not in (-1, a):
                    continue
                ok = _first(legal[j]) and _first(inst_legal[j][pos])
                reason = "" if ok else self._why(act, x, when_ok)
                trips = self._trips(a, int(i)) if ok else ()
                rung_name = R.scenario.ladder.rungs[act.rung - 1].name if act.rung else ""
                out.append(
                    Option(
                        int(i),
                        act.spec.id,
                        act.spec.name,
                        act.spec.category,
                        act.rung,
                        rung_name,
                        R.scenario.map.sites[x.site].name if x.site >= 0 else "",
                        R.scenario.weapons[x.weapon].name if x.weapon >= 0 else "",
                        x.distance_km,
                        ok,
                        reason,
                        act.spec.description,
                        trips,
                    )
                )
        return out

    def _why(self, act, x, when_ok: bool) -> str:
        R = self.rules
        if x.reason:
            return x.reason
        held = self.batch.held()
        if held is not None and bool(held[0]):
            return "every side holds: the circuit breaker has tripped"
        if x.weapon >= 0:
            w = R.scenario.weapons[x.weapon]
            if self.value(f"{w.id}.authorized") <= 0:
                who = R.scenario.actor(w.authorized_by).name if w.authorized_by else "its supplier's"
                return f"needs {who} authorization"
            if self.value(f"{w.id}.stock") < w.per_use:
                return "no stock"
        if not when_ok:
            return f"not now: needs {act.spec.requires or act.spec.when}"
        return "not possible now"

    def _trips(self, a: int, inst: int) -> tuple[Trip, ...]:
        """Red lines that this choice alone would trip this turn, with today's odds."""
        R = self.rules
        if not R.red_lines:
            return ()
        probe = copy.copy(self.batch)
        probe.rec = Recorder()  # records nothing
        probe.X = self.batch.X.copy()
        for name in ("trips", "accidents", "escalations", "divergent", "signals_sent", "clipped", "action_counts"):
            setattr(probe, name, getattr(self.batch, name).copy())
        probe.X[R.reset_cols] = 0.0
        probe._apply(a, np.array([inst]), np.ones(1, dtype=bool), "decision", None)
        ctx = probe.ctx()
        out = []
        for r, rl in enumerate(R.red_lines):
            spec = R.scenario.red_lines[r]
            if rl.owner == a:
                continue
            cond = rl.when(ctx)
            if not bool(np.asarray(cond != 0).all()):
                continue
            if not spec.repeat and self.value(f"tripped:{spec.id}") > 0:
                continue
            ps = [float(p[0]) for p in probe.response_chances(r, ctx, 1)[0]]
            resp = tuple(
                (R.actions[resp.action].spec.name if resp.action >= 0 else "nothing", p)
                for resp, p in zip(rl.responses, ps)
            )
            out.append(
                Trip(spec.id, spec.name, R.scenario.actors[rl.owner].name, spec.declared, resp, max(0.0, 1 - sum(ps)))
            )
        return tuple(out)

    def signal_options(self, actor: str) -> list[SignalOption]:
        R = self.rules
        a = R.actor_index(actor)
        out = []
        for s in self.batch.actor_signals[a]:
            spec, when = R.signals[s].spec, R.signals[s].when
            ok = bool(when.const) if when.const is not None else bool(np.asarray(when(self.batch.ctx()) != 0).all())
            out.append(SignalOption(s, spec.id, spec.kind, spec.says, ok))
        return out

    # -------------------------------------------------------------- play
    def step(
        self,
        choices: dict[str, int] | None = None,
        signals: dict[str, int | None] | None = None,
        rulings: Rulings | None = None,
    ) -> list[dict]:
        """Play a turn; ``choices`` maps each human actor id to an instance id; ``rulings`` (a
        class game's control cell) overrule chance for this turn. Returns new events."""
        if self.done:
            return []
        choices, signals = dict(choices or {}), dict(signals or {})
        rulings = rulings or Rulings()
        R = self.rules
        for h in self.humans:
            if h not in choices and h not in rulings.doctrine:
                a = R.actor_index(h)
                choices[h] = int(R.actions[R.wait_action[a]].instances[0])
        before = len(self.events)
        record: dict = {
            "turn": self.turn,
            "choices": {k: int(v) for k, v in choices.items()},
            "signals": {k: (None if v is None else int(v)) for k, v in signals.items()},
        }
        if rulings:
            record["rulings"] = rulings.to_record()
        self.decisions.append(record)
        self._inject(rulings.injected)
        human = {R.actor_index(h): np.array([choices[h]]) for h in self.humans if h in choices}
        human.update({R.actor_index(a): np.array([i]) for a, i in rulings.choices.items()})
        hsig = {
            R.actor_index(h): np.array([NONE if signals.get(h) is None else signals[h]])
            for h in self.humans
            if h in choices
        }
        red_lines = [r.id for r in R.scenario.red_lines]
        self.batch.ruled_responses = {
            red_lines.index(r): (len(R.red_lines[red_lines.index(r)].responses) if j == NO_RESPONSE else j)
            for r, j in rulings.responses.items()
        }
        X = self.batch.X
        try:
            self.batch.step(human, hsig)
        finally:
            self.batch.ruled_responses = {}
        if self.batch.done:
            self._final = X[:, 0].copy() if X.shape[1] else self.rules.initial
        new = self.events[before:]
        for ev in new:
            if ev.get("kind") == "red_line" and ev.get("red_line") in rulings.responses:
                self._mark_ruled(ev)
        return new

    def rule_choices(self, red_line: str) -> list[tuple[int, str]]:
        """What a control cell may rule a red line's response to be: (index, what it is), the
        last ``NO_RESPONSE`` ("nothing")."""
        scn = self.rules.scenario
        spec = next(r for r in scn.red_lines if r.id == red_line)
        names = {a.id: a.name for a in scn.actions}
        out = [(j, names.get(r.action) or r.id or "do nothing") for j, r in enumerate(spec.responses)]
        return out + [(NO_RESPONSE, "no response")]

    def check_rulings(self, record: Mapping) -> Rulings:
        """The rulings of a turn's saved record, checked against this scenario; ``SaveError``."""
        R = self.rules
        try:
            rulings = Rulings.from_record(record.get("rulings", {}))
        except (AttributeError, TypeError, ValueError):
            raise SaveError("the save is damaged (a ruling is malformed)") from None
        lines = {r.id: len(r.responses) for r in R.scenario.red_lines}
        ids = {a.id for a in R.scenario.actors}
        if (
            any(a not in ids or not 0 <= i < len(R.instances) for a, i in rulings.choices.items())
            or any(r not in lines or not NO_RESPONSE <= j < lines[r] for r, j in rulings.responses.items())
            or any(e not in {ev.id for ev in R.scenario.events} for e in rulings.injected)
            or any(a not in self.humans for a in rulings.doctrine)
        ):
            raise SaveError("the save's rulings do not fit this version of the scenario")
        return rulings

    @staticmethod
    def _mark_ruled(ev: dict) -> None:
        """A red line whose response the control cell ruled: its news says so, with the odds
        chance gave it (the roll did not decide it)."""
        chosen = ev.get("chosen")
        p = next((r["p"] for r in ev.get("responses", []) if r["id"] == chosen), ev.get("p_none", 0.0))
        head = str(ev.get("text", "")).rsplit(" (", 1)[0]
        ev["ruled"] = True
        ev["text"] = f"{head} (the control cell's ruling; by chance {pct(float(p))} likely)"

    def _inject(self, injected: Sequence[str]) -> None:
        """Apply each named scenario event's effects now, as if it had fired, and log it."""
        if not injected:
            return
        b, R = self.batch, self.rules
        ids = [e.spec.id for e in R.events]
        ctx = b.ctx()
        mask = b.alive.copy()
        touched: set[int] = set()
        for event_id in injected:
            e = ids.index(event_id)
            b.X[b.happened_cols[e]] += mask
            for eff in R.events[e].effects:
                eff.apply(ctx, mask)
                touched.add(eff.target)
            b.rec.event(b, e, mask, 1.0, None)
        b._clip(sorted(touched & b.writable))

    def run_ai_to_end(self) -> None:
        while not self.done:
            self.step()

    def to_log(self) -> dict:
        """The game's log: the keys of ``replay --json`` plus ``humans`` and ``decisions``
        (what a student exports from the debrief and ``class-report`` reads)."""
        scn = self.rules.scenario
        b = self.batch
        rungs = ["none"] + [r.id for r in scn.ladder.rungs]
        hist = self.rung_history()
        turns = int(b.turns[0]) if self.done else max(0, self.turn - 1)
        max_rung = int(b.max_rung[0]) if self.done else max([0, *(max(v) for v in hist.values() if v)])
        outcome = self.outcome
        return {
            "format": "redline-log/1",
            "scenario": scn.meta.id,
            "seed": self.seed,
            "game": self.game,
            "policies": {a.id: ("human" if a.id in self.humans else p.name) for a, p in zip(scn.actors, self.policies)},
            "outcome": outcome.id if outcome is not None else None,
            "turns": turns,
            "max_rung": max_rung,
            "max_rung_id": rungs[max_rung],
            "escalation_score": float(b.score[0]) if self.done else self.value("_score"),
            "rungs_by_turn": hist,
            "objectives": {o.id: float(b.objective_scores[i, 0]) for i, o in enumerate(scn.objectives)},
            "history": history_comparison(self.rules, self.events),
            "events": self.events,
            "humans": list(self.humans),
            "decisions": self.decisions,
        }

    # -------------------------------------------------------------- saves
    def to_save(self, scenario_file: str, source: bytes) -> dict:
        return {
            "format": SAVE_FORMAT,
            "scenario": self.rules.scenario.meta.id,
            "scenario_file": scenario_file,
            "scenario_sha": scenario_digest(source),
            "seed": self.seed,
            "game": self.game,
            "humans": list(self.humans),
            "decisions": self.decisions,
        }

    @classmethod
    def from_save(
        cls, rules, data, source: bytes | None = None, *, seats: Callable[[tuple[str, ...]], Sequence[SeatPolicy]]
    ) -> Session:
        """Rebuild a session by replaying a save's decisions; ``SaveError`` if it is unusable.
        ``seats`` gives the policies for the save's human seats."""
        if not isinstance(data, dict) or data.get("format") != SAVE_FORMAT:
            raise SaveError("not a Redline save (format redline-save/1)")
        if data.get("scenario") != rules.scenario.meta.id:
            raise SaveError(f"this save is for scenario '{data.get('scenario')}', not '{rules.scenario.meta.id}'")
        try:
            seed, game = int(data["seed"]), int(data["game"])
            humans = tuple(str(h) for h in data["humans"])
            decisions = list(data["decisions"])
        except (KeyError, TypeError, ValueError):
            raise SaveError("the save is damaged (missing or malformed fields)") from None
        s = cls(rules, seed, humans, game, seats=seats(humans))
        n_inst = len(rules.instances)
        for d in decisions:
            if s.done:
                break
            try:
                choices = {str(k): int(v) for k, v in d["choices"].items()}
                signals = {str(k): (None if v is None else int(v)) for k, v in d.get("signals", {}).items()}
            except (KeyError, TypeError, ValueError, AttributeError):
                raise SaveError("the save is damaged (a decision is malformed)") from None
            if any(not 0 <= v < n_inst for v in choices.values()):
                raise SaveError("the save does not fit this version of the scenario")
            if any(v is not None and not 0 <= v < len(rules.signals) for v in signals.values()):
                raise SaveError("the save does not fit this version of the scenario")
            s.step(choices, signals, s.check_rulings(d))
        if source is not None and data.get("scenario_sha") not in (None, scenario_digest(source)):
            s.warning = "the scenario file changed since this game was saved; the game was replayed on the new version"
        return s


def _first(x) -> bool:
    return bool(x) if isinstance(x, bool) else bool(np.asarray(x).reshape(-1)[0])
