"""A starting rung per actor and the circuit breaker (docs/authoring.md), on both engines.

``tests/scenarios/breaker.yaml`` has both (the kernel plays it game for game in
tests/test_compiled.py and tests/test_golden.py); here, what they mean.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from game.diagnostics import ScenarioError
from game.engine.batch import Batch, Recorder
from game.engine.session import Session
from game.policies import seat_policies
from game.runners.load import load_bytes, load_scenario
from game.runners.local import policies_for

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BREAKER = os.path.join(ROOT, "tests", "scenarios", "breaker.yaml")
GAMES = 4000


class Watcher(Recorder):
    """Per turn: where the breaker tripped, tension before and after it, and each actor's
    applied decision (all games still running: the watched turns end no game)."""

    def __init__(self) -> None:
        self.tripped: dict[int, np.ndarray] = {}
        self.tension_after_trip: dict[int, np.ndarray] = {}
        self.decisions: dict[tuple[int, int], np.ndarray] = {}

    def breaker(self, batch, mask):
        self.tripped[batch.turn] = mask.copy()
        self.tension_after_trip[batch.turn] = batch.X[batch.rules.layout["tension"]].copy()

    def applied(self, batch, actor, inst, mask, kind, cause_key):
        if kind == "decision":
            self.decisions[batch.turn, actor] = np.where(mask, inst, -1)


def _text() -> str:
    return open(BREAKER, encoding="utf-8").read()


def test_start_rung_is_where_the_actor_stands_at_the_start():
    rules = load_scenario(BREAKER).rules
    borvia = rules.actor_index("borvia")
    show = next(i + 1 for i, r in enumerate(rules.scenario.ladder.rungs) if r.id == "show")
    assert rules.initial[rules.rung_cols[borvia]] == show
    assert rules.initial[rules.last_rung_cols[borvia]] == 0  # no action taken yet
    b = Batch(rules, 1, np.arange(GAMES, dtype=np.uint64), policies_for(rules)).run()
    assert (b.max_rung >= show).all()
    played = np.arange(rules.scenario.calendar.turns)[:, None] < b.turns[None, :]
    assert (b.rung_by_turn[borvia][played] >= show).all()


def test_a_start_rung_over_a_threshold_crosses_it_on_turn_1():
    text = _text().replace("start_rung: show", "start_rung: seize")
    rules = load_bytes(text.encode(), "b.yaml").rules
    b = Batch(rules, 1, np.arange(500, dtype=np.uint64), policies_for(rules)).run()
    t = [th.id for th in rules.scenario.ladder.thresholds].index("first_violence")
    assert (b.crossed_turn[t] == 1).all()
    assert (b.crossed_by[t] == rules.actor_index("borvia")).any()


def test_the_breaker_holds_every_actor_for_its_turns_and_applies_its_effects_once():
    rules = load_scenario(BREAKER).rules
    w = Watcher()
    b = Batch(rules, 2, np.arange(GAMES, dtype=np.uint64), policies_for(rules), w)
    tension = rules.layout["tension"]
    before = {}
    for turn in (1, 2, 3):
        before[turn] = b.X[tension].copy()
        b.step()
        assert b.live == GAMES  # no game ends before turn 3: the rows stay the games
    assert 1 not in w.tripped or not w.tripped[1].any()  # tension starts at 0.3
    waits = {a: set(rules.actions[rules.wait_action[a]].instances.tolist()) for a in range(2)}
    tripped = w.tripped[2]
    assert 100 < tripped.sum() < GAMES
    for turn in (2, 3):
        for a in range(2):
            applied = w.decisions[turn, a]
            assert all(int(i) in waits[a] for i in applied[tripped]), (turn, a)
    # not held where it did not trip: some other action in some of those games
    assert any(int(i) not in waits[0] for i in w.decisions[2, 0][~tripped])
    # its effect, once, where it tripped; it cannot trip again while it holds
    assert 3 not in w.tripped or not (w.tripped[3] & tripped).any()
    after = w.tension_after_trip[2][tripped]  # at 0.7 or more when it tripped, then 0.2 less
    assert ((after >= 0.5 - 1e-12) & (after <= 0.8 + 1e-12)).all()


def test_a_human_seat_is_held_too():
    text = _text().replace('when: "tension >= 0.7"', 'when: "turn == 1"')
    rules = load_bytes(text.encode(), "b.yaml").rules
    w = Watcher()
    b = Batch(rules, 2, np.arange(10, dtype=np.uint64), policies_for(rules), w)
    show = next(x for x in rules.actions if x.spec.id == "naval_show").instances[0]
    b.step(human={0: np.full(10, show)})
    assert w.tripped[1].all()
    assert (w.decisions[1, 0] == rules.actions[rules.wait_action[0]].instances[0]).all()
    legal, _ = b.legal_actions(0)
    for k, m in zip(rules.actor_actions[0], legal):
        if k != rules.wait_action[0]:
            assert not np.any(m)  # turn 2: still held (turns: 2)


def test_a_student_sees_why_only_the_hold_is_open():
    text = _text().replace('when: "tension >= 0.7"', 'when: "turn == 1"')
    rules = load_bytes(text.encode(), "b.yaml").rules
    s = Session(rules, 1, ("aldoria",), seats=seat_policies(rules, ("aldoria",)))
    s.step({"aldoria": int(rules.actions[rules.wait_action[0]].instances[0])})  # turn 1 held, turn 2 too
    shut = [o for o in s.options("aldoria") if not o.legal]
    assert shut and all(o.reason == "every side holds: the circuit breaker has tripped" for o in shut)
    assert [o.action for o in s.options("aldoria") if o.legal] == [rules.actions[rules.wait_action[0]].spec.id]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "start_rung: show",
            "start_rung: shwo",
            "actors.borvia.start_rung: unknown rung 'shwo' (did you mean 'show'?)",
        ),
        ("  turns: 2\n", "  turns: 0\n", "circuit_breaker.turns: a circuit breaker holds for 1 turn or more, not 0"),
        (
            'when: "tension >= 0.7"',
            'when: "tension >= params.nope"',
            "circuit_breaker.when: unknown variable 'params.nope'",
        ),
    ],
    ids=["unknown_rung", "no_turns", "bad_when"],
)
def test_refused_at_load(old, new, message):
    text = _text()
    assert old in text
    with pytest.raises(ScenarioError) as err:
        load_bytes(text.replace(old, new).encode(), "b.yaml")
    first = str(err.value.diagnostics[0])
    assert message in first, first
