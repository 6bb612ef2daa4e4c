"""Where each changing number of a game lives: one row of the state matrix ``X[S, B]``.

Every name an expression may read resolves here, at load, to a row index, so
``russia.resolve`` costs an index at run time, never a dictionary lookup.
"""

from __future__ import annotations

import attrs

from game.engine.words import possessive
from game.model import Scenario


@attrs.define
class Column:
    name: str
    initial: float
    lo: float = float("-inf")
    hi: float = float("inf")
    writable: bool = False
    reset_each_turn: bool = False
    says: str = ""


@attrs.define
class Layout:
    columns: list[Column] = attrs.Factory(list)
    index: dict[str, int] = attrs.Factory(dict)

    def add(self, name: str, initial: float = 0.0, **kw) -> int:
        self.index[name] = len(self.columns)
        self.columns.append(Column(name, initial, **kw))
        return self.index[name]

    def __getitem__(self, name: str) -> int:
        return self.index[name]

    def __len__(self) -> int:
        return len(self.columns)


def build_layout(scn: Scenario) -> Layout:
    """Columns: ``turn``, variables, per-actor rungs, weapon stocks and authorizations,
    and the counters behind the lookup functions (``taken``, ``struck``, ``crossed``, ...).

    Names with ``:`` are reachable only through lookup functions (``taken('x')``),
    names with a leading ``_`` only by the engine.
    """
    lay = Layout()
    lay.add("turn", 1.0, says="the current turn, 1 = first")
    rung_at = {r.id: i + 1 for i, r in enumerate(scn.ladder.rungs)}
    for v in scn.variables:
        lay.add(v.id, v.initial, lo=v.range[0], hi=v.range[1], writable=True, says=v.says)
    for a in scn.actors:
        lay.add(
            f"{a.id}.rung",
            float(rung_at.get(a.start_rung, 0)),
            says=f"{possessive(a.name, start=True)} highest rung so far (1 = lowest)",
        )
        lay.add(f"{a.id}.last_rung", 0.0, says=f"the rung of {possessive(a.name)} latest action")
        lay.add(f"{a.id}.escalation", 0.0, says=f"{possessive(a.name, start=True)} escalation score so far")
    for w in scn.weapons:
        lay.add(f"{w.id}.stock", w.stock, lo=0.0, writable=True, says=f"{w.name} rounds left")
        lay.add(
            f"{w.id}.authorized",
            1.0 if w.authorized else 0.0,
            lo=0.0,
            hi=1.0,
            writable=True,
            says=f"1 while {w.name} is authorized",
        )
    for act in scn.actions:
        lay.add(f"taken:{act.id}", reset_each_turn=True)
        lay.add(f"count:{act.id}")
    tags = sorted(
        {t for r in scn.map.regions for t in r.tags}
        | {t for s in scn.map.sites for t in s.tags}
        | {s.id for s in scn.map.sites}
        | {r.id for r in scn.map.regions}
    )
    for t in tags:
        lay.add(f"struck:{t}", reset_each_turn=True)
        lay.add(f"strikes:{t}")
    for r in scn.red_lines:
        lay.add(f"tripped:{r.id}")
    for threshold in scn.ladder.thresholds:
        lay.add(f"crossed:{threshold.id}")
    for s in scn.signals:
        lay.add(f"signalled:{s.id}")
    for e in scn.events:
        lay.add(f"happened:{e.id}")
    for name in ("_score", "_accidents", "_divergent", "_signals", "_clipped", "_escalations", "_fog_escalations"):
        lay.add(name)
    if scn.circuit_breaker is not None:
        lay.add("_held")  # turns the circuit breaker still holds every actor, this one included
    return lay


LOOKUP_FUNCTIONS = {
    "taken": ("taken", "action", "1 if the action was taken in the latest turn"),
    "count": ("count", "action", "how many times the action has been taken"),
    "struck": ("struck", "site or tag", "strikes on it in the latest turn"),
    "strikes": ("strikes", "site or tag", "strikes on it so far"),
    "tripped": ("tripped", "red line", "how many times the red line has tripped"),
    "crossed": ("crossed", "threshold", "1 once any actor has crossed the threshold"),
    "signalled": ("signalled", "signal", "how many times the signal has been sent"),
    "happened": ("happened", "event", "how many times the event has happened"),
}
