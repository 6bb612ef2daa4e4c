"""What the debrief shows, computed without pygame: the replays, the causal chain, the log.

- ``seat_script``: the instance each seat chose, turn by turn (from the decision events).
- ``replay_shares``: the student's choices held fixed where still legal, chance and the AI
  drawn anew, 1,000 games; and the same with the AI (the seat's doctrine) in the seat.
- ``causal_chain``: the events on the way from the student's decisions to the outcome.
- ``game_log``: the same JSON structure as ``main.py replay --json``, for this game.
"""

from __future__ import annotations

import attrs
import numpy as np

from game.engine.batch import Batch
from game.policies import ScriptedPolicy, policy_for

REPLAYS = 1000


def instance_of(rules, ev: dict) -> int | None:
    """The instance id a decision event names (action, target, weapon), or None."""
    for x in rules.instances:
        act = rules.actions[x.action].spec
        if act.id != ev.get("action"):
            continue
        site = rules.scenario.map.sites[x.site].id if x.site >= 0 else None
        weapon = rules.scenario.weapons[x.weapon].id if x.weapon >= 0 else None
        if site == ev.get("target") and weapon == ev.get("weapon"):
            return x.id
    return None


def seat_script(session, actor: str) -> dict[int, int]:
    """Turn -> the instance ``actor`` chose that turn (human or AI)."""
    script = {int(x["turn"]): int(x["choices"][actor]) for x in session.decisions if actor in x.get("choices", {})}
    if script:
        return script
    out = {}
    for ev in session.events:
        if ev["kind"] == "decision" and ev.get("actor") == actor:
            i = instance_of(session.rules, ev)
            if i is not None:
                out[int(ev["turn"])] = i
    return out


def seat_signals(session, actor: str) -> dict[int, int | None]:
    """Turn -> the signal ``actor`` sent that turn (None: it said nothing), for the replays."""
    return {int(x["turn"]): x.get("signals", {}).get(actor) for x in session.decisions if actor in x.get("choices", {})}


@attrs.frozen
class Replays:
    """Outcome shares (one per scenario outcome, summing to 1) over ``n`` games each."""

    outcomes: tuple[str, ...]  # outcome names
    student: np.ndarray | None  # with the student's decisions held fixed
    ai: np.ndarray  # with the AI in the seat(s)
    n: int
    seed: int


def _shares(rules, seed: int, policies, n: int) -> np.ndarray:
    b = Batch(rules, seed, np.arange(n, dtype=np.uint64), policies).run()
    counts = np.bincount(b.outcome, minlength=len(rules.scenario.outcomes)).astype(float)
    return counts / max(counts.sum(), 1.0)


def replay_shares(session, seats: tuple[str, ...], n: int = REPLAYS, seed: int | None = None) -> Replays:
    """The student's decisions replayed ``n`` times vs the AI in the same seats."""
    rules = session.rules
    seed = (session.seed * 7919 + 1) if seed is None else seed
    ids = [a.id for a in rules.scenario.actors]
    ai = [policy_for(rules, i) for i in range(len(ids))]
    student = None
    if seats:
        mine = list(ai)
        for actor in seats:
            i = ids.index(actor)
            mine[i] = ScriptedPolicy(seat_script(session, actor), policy_for(rules, i), seat_signals(session, actor))
        student = _shares(rules, seed, mine, n)
    names = tuple(o.name for o in rules.scenario.outcomes)
    return Replays(names, student, _shares(rules, seed, ai, n), n, seed)


def causal_chain(events: list[dict], seats: tuple[str, ...]) -> list[dict]:
    """Events from the seats' decisions to the outcome, in order.

    The union of the outcome's ancestors (walking ``causes`` back) and what followed from
    each of the seats' decisions (walking forward), each event marked with ``on_path``
    (an ancestor of the outcome) and ``mine`` (a decision of a seat).
    """
    by_id = {e["id"]: e for e in events}
    outcome = next((e for e in reversed(events) if e["kind"] == "outcome"), None)
    ancestors: set[int] = set()
    if outcome is not None:
        stack = [outcome["id"]]
        while stack:
            i = stack.pop()
            if i in ancestors or i not in by_id:
                continue
            ancestors.add(i)
            stack.extend(c for c in by_id[i].get("causes", []) if c is not None)
    mine = {e["id"] for e in events if e["kind"] == "decision" and e.get("actor") in seats}
    children: dict[int, list[int]] = {}
    for e in events:
        for c in e.get("causes", []):
            if c is not None:
                children.setdefault(c, []).append(e["id"])
    following: set[int] = set()
    stack = list(mine)
    while stack:
        i = stack.pop()
        if i in following:
            continue
        following.add(i)
        stack.extend(children.get(i, []))
    keep = sorted(ancestors | following)
    out = []
    for i in keep:
        e = dict(by_id[i])
        e["on_path"] = i in ancestors
        e["mine"] = i in mine
        out.append(e)
    return out


def game_log(match) -> dict:
    """This game's log, with the keys of ``replay --json`` plus ``humans`` and ``decisions``
    (and ``llm``, the conversations of a seat played by a language model)."""
    return match.game_log()
