"""The explained event log: every decision, chance and consequence, with its causes.

``EventLog`` is a recorder for small batches (a student's game, a replay, a debrief).
It turns the arrays each phase hands it into plain events, one list per game. Each
event has an ``id`` and ``causes`` (ids of earlier events): a red line tripped points at
this turn's events that changed what its condition reads; a response points at its red
line; an outcome at every event that changed its inputs.
"""

from __future__ import annotations

import numpy as np

from game.engine.batch import NONE, Ctx, Recorder
from game.engine.words import agree, odds, pct, possessive, subject, verb

__all__ = ["EventLog", "actor_news", "fill", "pct", "quoted"]


PLACEHOLDERS = ("actor", "target", "weapon", "distance_km")


def quoted(text: str) -> str:
    """Curly quotes around what an actor says, unless the author quoted it already.

    >>> quoted("We seek no war."), quoted('"Missiles will speak" (Zelensky)')
    ('\u201cWe seek no war.\u201d', '"Missiles will speak" (Zelensky)')
    """
    return text if text[:1] in "\"\u201c'" else f"\u201c{text}\u201d"


def fill(text: str, **values: str) -> str:
    """Put names into a news text. Only ``{actor}``, ``{target}``, ``{weapon}`` and
    ``{distance_km}`` are replaced, literally: an author's text is never a format string.

    >>> fill("{actor} fires {weapon} at {target}.", actor="A", weapon="W", target="T")
    'A fires W at T.'
    >>> fill("{actor.__class__}", actor="A")
    '{actor.__class__}'
    """
    for key, value in values.items():
        text = text.replace("{" + key + "}", value)
    return text


def actor_news(text: str, name: str, **values: str) -> str:
    """An author's news text with the actor's name put in, agreeing with it: its verb, its
    article, and "{actor}'s" as the name's own possessive ("the United States' ships", not
    "the United States's").

    >>> actor_news("{actor}'s ships shoot down the salvo.", "United States")
    "The United States' ships shoot down the salvo."
    >>> actor_news("{actor} holds its course; {actor}'s ships stay.", "Aldoria")
    "Aldoria holds its course; Aldoria's ships stay."
    """
    text = agree(text, name)
    text = text.replace("{actor}'s", possessive(name, start=text.startswith("{actor}'s")))
    return fill(text, actor=subject(name, start=text.startswith("{actor}")), **values)


class EventLog(Recorder):
    """Events per game of the batch, each a dict that JSON can hold."""

    def __init__(self, options: int = 6):
        self.options = options
        self.games: list[list[dict]] = []

    # -- helpers
    def start(self, batch) -> None:
        self.games = [[] for _ in range(batch.n)]
        self.writer: list[dict[int, int]] = [
            dict() for _ in range(batch.n)
        ]  # column -> id of the event that last wrote it
        self.writers: list[dict[int, list[int]]] = [dict() for _ in range(batch.n)]  # column -> every writer
        self.decision_of: list[dict[int, int]] = [dict() for _ in range(batch.n)]
        # (fog id, draw) -> its event this turn: one draw that fires for several actors is one event
        self.fog_of: list[dict[tuple[str, float], int]] = [dict() for _ in range(batch.n)]
        self.redline_of: list[int | None] = [None] * batch.n
        self.turn_first = [0] * batch.n
        R = batch.rules
        self.R = R
        self.batch = batch
        self.names = [a.name for a in R.scenario.actors]
        self.inst_cols = batch.writes
        self.rung_set = set(R.rung_cols) | set(R.last_rung_cols)

    def _add(self, g: int, event: dict, writes=()) -> int:
        ev = self.games[g]
        event = {"id": len(ev), "turn": self.batch.turn, "date": self.R.date_of(self.batch.turn).isoformat(), **event}
        event.setdefault("causes", [])
        ev.append(event)
        for c in writes:
            self.writer[g][c] = event["id"]
            self.writers[g].setdefault(c, []).append(event["id"])
        return event["id"]

    def _rows(self, mask):
        for row in np.flatnonzero(mask & self.batch.alive):
            yield int(row), int(self.batch.pos[row])

    def _inst(self, i: int) -> dict:
        R = self.R
        if i < 0 or i >= len(R.instances):
            return {"action": None}
        x = R.instances[i]
        out = {
            "action": R.actions[x.action].spec.id,
            "action_name": R.actions[x.action].spec.name,
            "rung": R.scenario.ladder.rungs[R.actions[x.action].rung - 1].id if R.actions[x.action].rung else None,
        }
        if x.site >= 0:
            out["target"] = R.scenario.map.sites[x.site].id
            out["target_name"] = R.scenario.map.sites[x.site].name
        if x.weapon >= 0:
            out["weapon"] = R.scenario.weapons[x.weapon].id
            out["weapon_name"] = R.scenario.weapons[x.weapon].name
        return out

    def _news(self, actor: int, i: int) -> str:
        R = self.R
        x = R.instances[i]
        spec = R.actions[x.action].spec
        target = R.scenario.map.sites[x.site].name if x.site >= 0 else ""
        weapon = R.scenario.weapons[x.weapon].name if x.weapon >= 0 else ""
        if spec.text:
            return actor_news(
                spec.text, self.names[actor], target=target, weapon=weapon, distance_km=f"{x.distance_km:.0f}"
            )
        return f"{subject(self.names[actor], start=True)}: {R.describe_instance(i)}."

    def _band_start(self, weights, acts, inst: int, row: int, total: float) -> float:
        """Where the chosen action's band of the decision draw starts: the options before it
        in the draw's order, as shares of the total weight."""
        if total <= 0 or not 0 <= inst < len(self.R.instances):
            return 0.0
        k = int(self.R.instances[inst].action)
        lo = 0.0
        for j, w in enumerate(weights):
            if int(acts[j]) == k:
                break
            lo += float(np.asarray(w)[row]) if np.ndim(w) else float(w)
        return lo / total

    # -- phases
    def turn_start(self, batch) -> None:
        for _row, g in self._rows(np.ones(batch.live, dtype=bool)):
            self.turn_first[g] = len(self.games[g])
            self.decision_of[g] = {}
            self.fog_of[g] = {}

    def event(self, batch, e, mask, p, u) -> None:
        event = self.R.events[e]
        spec, effects = event.spec, event.effects
        writes = {eff.target for eff in effects}
        for row, g in self._rows(mask):
            ev = {"kind": "event", "event": spec.id, "name": spec.name, "text": spec.text or spec.name}
            if u is not None:
                pv = float(np.asarray(p)[row]) if np.ndim(p) else float(p)
                ev.update(p=pv, draw=float(u[row]))
                if pv < 1:
                    ev["text"] += f" ({odds(pv, float(u[row]))})"
            self._add(g, ev, writes)

    def breaker(self, batch, mask) -> None:
        cb = self.R.scenario.circuit_breaker
        assert cb is not None and self.R.breaker is not None
        turns = self.R.breaker.turns
        writes = {eff.target for eff in self.R.breaker.effects}
        held = "this turn" if turns == 1 else f"this turn and the next {turns - 1}"
        for _row, g in self._rows(mask):
            text = cb.text or "The circuit breaker trips"
            self._add(g, {"kind": "breaker", "turns": turns, "text": f"{text}: every side holds {held}."}, writes)

    def decision(self, batch, actor, inst, p, u, weights, total, human) -> None:
        R = self.R
        acts = R.actor_actions[actor]
        for row, g in self._rows(np.ones(batch.live, dtype=bool)):
            i = int(inst[row])
            ev = {"kind": "decision", "actor": R.scenario.actors[actor].id, **self._inst(i), "human": bool(human)}
            what = R.describe_instance(i) if 0 <= i < len(R.instances) else "nothing"
            name = self.names[actor]
            ev["text"] = f"{subject(name, start=True)} {verb(name, 'decides')}: {what}"
            if not human:
                ev["p"] = float(p[row])
                ev["draw"] = float(u[row])
                t = float(total[row]) if total is not None else 0.0
                lo = self._band_start(weights, acts, i, row, t)
                if ev["p"] < 1.0:
                    ev["text"] += f" ({odds(ev['p'], ev['draw'], lo)})"
                if t > 0:
                    opts = []
                    for j, w in enumerate(weights):
                        wv = float(np.asarray(w)[row]) if np.ndim(w) else float(w)
                        if wv > 0:
                            opts.append({"action": R.actions[int(acts[j])].spec.id, "p": wv / t})
                    opts.sort(key=lambda o: -o["p"])
                    ev["options"] = opts[: self.options]
                    k = int(R.instances[i].action) if 0 <= i < len(R.instances) else -1
                    if k >= 0 and float(p[row]) < 1.0:
                        ctx = Ctx(batch.X[:, row : row + 1], [batch.inst_value[[i]], batch.inst_dist[[i]]])
                        parts = batch.weight_parts(actor, k, ctx)
                        ev["why"] = [{"what": what, "weight": w} for what, w in parts if w]
            self.decision_of[g][actor] = self._add(g, ev)

    def signal(self, batch, actor, sig, p, u, divergent) -> None:
        R = self.R
        for row, g in self._rows(sig >= 0):
            spec = R.signals[int(sig[row])].spec
            ev = {
                "kind": "signal",
                "actor": R.scenario.actors[actor].id,
                "signal": spec.id,
                "signal_kind": spec.kind,
                "says": spec.says,
                "divergent": bool(divergent[row]),
                "text": f"{subject(self.names[actor], start=True)} {verb(self.names[actor], 'says')}: "
                f"{quoted(spec.says)}",
            }
            if divergent[row]:
                ev["text"] += " (its action this turn says otherwise)"
            self._add(g, ev)

    def fog(self, batch, actor, f, mask, p, u, before, after) -> None:
        R = self.R
        spec = R.fog[f].spec
        for row, g in self._rows(mask):
            writes = set()
            if spec.kind == "misread":
                writes = {R.layout[f"taken:{spec.becomes}"], R.layout[f"count:{spec.becomes}"]}
            cause = [self.decision_of[g][actor]] if actor in self.decision_of[g] else []
            seen = self.fog_of[g].get((spec.id, float(u[row])))
            if seen is not None:  # both sides' warships in one collision: one chance, told once
                first = self.games[g][seen]
                first["causes"] = sorted(set(first["causes"]) | set(cause))
                for c in writes:
                    self.writer[g][c] = seen
                    if seen not in self.writers[g].setdefault(c, []):
                        self.writers[g][c].append(seen)
                continue
            pv = float(np.asarray(p)[row]) if np.ndim(p) else float(p)
            verb = "is misread as" if spec.kind == "misread" else "turns into"
            text = spec.text or f"Accident: {spec.action} {verb} {spec.becomes}"
            ev = {
                "kind": "fog",
                "fog": spec.id,
                "fog_kind": spec.kind,
                "action": spec.action,
                "becomes": spec.becomes,
                "p": pv,
                "draw": float(u[row]),
                "text": f"{text} ({odds(pv, float(u[row]))})",
            }
            ev["causes"] = cause
            self.fog_of[g][(spec.id, float(u[row]))] = self._add(g, ev, writes)

    def illegal(self, batch, actor, inst, mask, replaced_by) -> None:
        R = self.R
        for row, g in self._rows(mask):
            i = int(inst[row])
            x = R.instances[i] if 0 <= i < len(R.instances) else None
            reason = x.reason if x is not None and x.reason else "not possible any more this turn"
            if x is not None and x.weapon >= 0 and not x.reason:
                wc = R.weapon_cols[x.weapon]
                if batch.X[wc.authorized, row] <= 0:
                    w = R.scenario.weapons[x.weapon]
                    who = R.scenario.actor(w.authorized_by).name if w.authorized_by else "an"
                    reason = f"needs {who} authorization"
                elif batch.X[wc.stock, row] < wc.per_use:
                    reason = "no stock"
            self._add(
                g,
                {
                    "kind": "illegal",
                    "actor": R.scenario.actors[actor].id,
                    **self._inst(i),
                    "reason": reason,
                    "text": f"{subject(self.names[actor], start=True)} could not act: {reason}",
                    "causes": [self.decision_of[g].get(actor)] if actor in self.decision_of[g] else [],
                },
            )

    def applied(self, batch, actor, inst, mask, kind, cause) -> None:
        R = self.R
        for row, g in self._rows(mask):
            i = int(inst[row])
            if i >= len(R.instances):
                continue
            if kind == "response":
                causes = [self.redline_of[g]] if self.redline_of[g] is not None else []
            else:
                causes = [self.decision_of[g][actor]] if actor in self.decision_of[g] else []
            ev = {
                "kind": "action",
                "actor": R.scenario.actors[actor].id,
                "via": kind,
                **self._inst(i),
                "text": self._news(actor, i),
                "causes": causes,
            }
            writes = (self.inst_cols[i] - self.rung_set) | {R.rung_cols[actor], R.last_rung_cols[actor]}
            self._add(g, ev, writes)

    def _causes_of(self, g: int, reads) -> list[int]:
        """This turn's events that last wrote what ``reads`` names."""
        first = self.turn_first[g]
        ids = {self.writer[g][c] for c in reads if c in self.writer[g]}
        return sorted(i for i in ids if i >= first)

    def red_line(self, batch, r, mask, probs, u, choice, inst, applied) -> None:
        R = self.R
        rl = R.red_lines[r]
        spec = R.scenario.red_lines[r]
        owner = possessive(self.names[rl.owner], start=True)
        col = R.layout[f"tripped:{spec.id}"]
        for row, g in self._rows(mask):
            ps = [float(p[row]) for p in probs]
            j = int(choice[row])
            resp = [
                {"id": s.id or s.action or "none", "action": s.action, "p": ps[k]}
                for k, s in enumerate(r.spec for r in rl.responses)
            ]
            nothing = max(0.0, 1.0 - sum(ps))
            lo = sum(ps[:j])  # the band of choice j starts after the responses before it
            chance = odds(ps[j] if j < len(ps) else nothing, float(u[row]), lo)
            if j < len(rl.responses) and not rl.responses[j].spec.action:
                label = rl.responses[j].spec.id or "do nothing"
                text = f"{owner} red line '{spec.name}' tripped; response: {label} ({chance})"
            elif j < len(rl.responses):
                s = rl.responses[j].spec
                what = (
                    self._news(rl.owner, int(inst[row]))
                    if applied[row]
                    else f"{s.action} (not possible: no legal target or stock)"
                )
                text = f"{owner} red line '{spec.name}' tripped; response: {what} ({chance})"
            else:
                text = f"{owner} red line '{spec.name}' tripped; no response ({chance})"
            ev = {
                "kind": "red_line",
                "red_line": spec.id,
                "owner": R.scenario.actors[rl.owner].id,
                "name": spec.name,
                "declared": spec.declared,
                "responses": resp,
                "p_none": nothing,
                "draw": float(u[row]),
                "chosen": resp[j]["id"] if j < len(resp) else None,
                "text": text,
                "causes": self._causes_of(g, rl.when.reads),
            }
            self.redline_of[g] = self._add(g, ev, {col})

    def threshold(self, batch, t, mask, who) -> None:
        R = self.R
        spec = R.scenario.ladder.thresholds[t]
        for row, g in self._rows(mask):
            a = int(who[row])
            name = subject(self.names[a]) if a != NONE else "someone"
            cause = self.writer[g].get(R.rung_cols[a]) if a != NONE else None
            self._add(
                g,
                {
                    "kind": "threshold",
                    "threshold": spec.id,
                    "name": spec.name,
                    "actor": R.scenario.actors[a].id if a != NONE else None,
                    "text": f"Threshold crossed: '{spec.name}' \u2014 first by {name}",
                    "causes": [cause] if cause is not None else [],
                },
                {R.layout[f"crossed:{spec.id}"]},
            )

    def outcome(self, batch, o, mask) -> None:
        R = self.R
        spec, when = R.outcomes[o].spec, R.outcomes[o].when
        for _row, g in self._rows(mask):
            # every event that wrote what the condition reads fed it, not only the last writer
            causes = sorted({i for c in when.reads for i in self.writers[g].get(c, ())}) if when.const is None else []
            text = f"Outcome: {spec.name}." + (f" {spec.text}" if spec.text else "")
            self._add(
                g,
                {
                    "kind": "outcome",
                    "outcome": spec.id,
                    "name": spec.name,
                    "text": text,
                    "debrief": spec.text,
                    "causes": causes,
                },
            )
