"""What the debrief shows, computed without pygame: the replays, the causal chain, the log.

- ``seat_script``: the instance each seat chose, turn by turn (from the decision events).
- ``replay_shares``: the student's choices held fixed where still legal, chance and the AI
  drawn anew, 1,000 games; and the same with the AI (the seat's doctrine) in the seat.
- ``ReplayRun``: the same figures computed in steps on the worker thread, the debrief drawing
  the figures so far (``latest``) from the first hundred games on.
- ``causal_chain``: the events on the way from the student's decisions to the outcome.
- ``game_log``: the same JSON structure as ``main.py replay --json``, for this game.
"""

from __future__ import annotations

import threading
import time

import attrs
import numpy as np

from game.engine.batch import Batch
from game.policies import ScriptedPolicy, policy_for
from game.runners.explore import FRESH

# the strategy card's games too (its ``yours`` and doctrine figures are these bars' for its outcome):
# the game numbers the card evaluates on, ``FRESH`` on, so the two never say 13% and 14% for one thing
REPLAYS = 1000
# games per step of a ReplayRun: the first figures after a tenth of the games, the rest in one
# step (a step costs about 70 games' time whatever its size, so more steps would cost more)
CHUNKS = (100, 900)


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
    """Outcome shares (one per scenario outcome, summing to 1) over ``n`` games each, of the
    ``total`` the debrief asked for (``n < total``: still being computed)."""

    outcomes: tuple[str, ...]  # outcome names
    student: np.ndarray | None  # with the student's decisions held fixed
    ai: np.ndarray  # with the AI in the seat(s)
    n: int
    seed: int
    total: int = REPLAYS

    @property
    def ready(self) -> bool:
        return self.n >= self.total


def _counts(rules, seed: int, policies, games: np.ndarray) -> np.ndarray:
    """Outcome counts of ``games`` (their indices in the batch seeded ``seed``: a game plays the
    same in any step). Between turns the thread lets the frame loop run (``time.sleep(0)``
    hands over the GIL, which a turn of numpy work holds for a few milliseconds at a time)."""
    b = Batch(rules, seed, games, policies)
    while not b.done:
        b.step()
        time.sleep(0)
    return np.bincount(b.outcome[: b.n], minlength=len(rules.scenario.outcomes)).astype(float)


def _shares(counts: np.ndarray) -> np.ndarray:
    return counts / max(counts.sum(), 1.0)


class ReplayRun:
    """The student's decisions replayed ``n`` times vs the AI in the same seats, in steps of
    ``chunks`` games: ``run`` (on the worker thread) sets ``latest`` after each step, the frame
    loop reads it (one attribute, replaced whole). ``stop`` set ends it after the current turn."""

    def __init__(
        self, session, seats: tuple[str, ...], n: int | None = None, seed: int | None = None, chunks=None
    ) -> None:
        self.session = session
        self.seats = tuple(seats)
        self.n = REPLAYS if n is None else n
        self.seed = (session.seed * 7919 + 1) if seed is None else seed
        self.chunks = tuple(CHUNKS if chunks is None else chunks)
        self.stop = threading.Event()
        rules = session.rules
        k = len(rules.scenario.outcomes)
        names = tuple(o.name for o in rules.scenario.outcomes)
        self.latest = Replays(names, np.zeros(k) if self.seats else None, np.zeros(k), 0, self.seed, self.n)

    def _policies(self):
        rules = self.session.rules
        ids = [a.id for a in rules.scenario.actors]
        ai = [policy_for(rules, i) for i in range(len(ids))]
        if not self.seats:
            return None, ai
        mine = list(ai)
        for actor in self.seats:
            i = ids.index(actor)
            mine[i] = ScriptedPolicy(
                seat_script(self.session, actor), policy_for(rules, i), seat_signals(self.session, actor)
            )
        return mine, ai

    def run(self) -> Replays:
        """Play the games step by step (worker thread); the figures of every game played."""
        rules = self.session.rules
        mine, ai = self._policies()
        k = len(rules.scenario.outcomes)
        student, machine = np.zeros(k), np.zeros(k)
        done = 0
        sizes = list(self.chunks) + [self.n]  # the last step plays what the chunks left
        for size in sizes:
            size = min(size, self.n - done)
            if size <= 0 or self.stop.is_set():
                break
            games = FRESH + np.arange(done, done + size, dtype=np.uint64)
            if mine is not None:
                student += _counts(rules, self.seed, mine, games)
            machine += _counts(rules, self.seed, ai, games)
            done += size
            self.latest = attrs.evolve(
                self.latest, student=None if mine is None else _shares(student), ai=_shares(machine), n=done
            )
        return self.latest


def replay_shares(session, seats: tuple[str, ...], n: int = REPLAYS, seed: int | None = None) -> Replays:
    """The student's decisions replayed ``n`` times vs the AI in the same seats, in one step."""
    return ReplayRun(session, seats, n, seed, chunks=(n,)).run()


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
