"""Fog's meaning (docs/authoring.md, fog), edge by edge, on both engines.

One draw per action and turn picks at most one of the action's fog entries (their chances
clipped to [0, 1] and scaled down where they add up to more than 1 at run time); a
replacement's own fog does not fire; a replacement is never lower on the ladder; the
accident share is a share. ``tests/scenarios/fog_edges.yaml`` has every edge; the kernel
plays it game for game in tests/test_compiled.py and tests/test_golden.py.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

from game.diagnostics import ScenarioError
from game.engine.batch import Batch, Recorder
from game.runners import kernel_cache
from game.runners.load import load_bytes, load_scenario
from game.runners.local import policies_for
from game.runners.tally import Tally, summarize

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EDGES = os.path.join(ROOT, "tests", "scenarios", "fog_edges.yaml")
GAMES = 20_000


class FogWatcher(Recorder):
    """Keeps every turn's choices, fog events and applied decisions (rows of the full batch)."""

    def __init__(self) -> None:
        self.choices: dict[tuple[int, int], np.ndarray] = {}
        self.fogs: list[tuple[int, int, int, np.ndarray, np.ndarray, np.ndarray]] = []
        self.applied_inst: dict[tuple[int, int], np.ndarray] = {}

    def decision(self, batch, actor, inst, p, u, weights, total, human):
        assert batch.live == batch.n  # the watched games are all still running (checked by the tests)
        self.choices[batch.turn, actor] = inst.copy()

    def fog(self, batch, actor, f, mask, p, u, inst_before, inst_after):
        self.fogs.append((batch.turn, actor, f, mask.copy(), np.asarray(p).copy(), inst_before.copy()))

    def applied(self, batch, actor, inst, mask, kind, cause_key):
        if kind == "decision":
            self.applied_inst[batch.turn, actor] = np.where(mask, inst, -1)


def _first_turn(path: str, n: int = GAMES):
    """Turn 1 of ``n`` games, watched (no game ends before turn 2)."""
    rules = load_scenario(path).rules
    watcher = FogWatcher()
    batch = Batch(rules, 11, np.arange(n, dtype=np.uint64), policies_for(rules), watcher)
    batch.step()
    return rules, batch, watcher


def _action(rules, fog_id: str) -> int:
    return next(f.action for f in rules.fog if f.spec.id == fog_id)


def _fog_index(rules, fog_id: str) -> int:
    return next(i for i, f in enumerate(rules.fog) if f.spec.id == fog_id)


def test_one_draw_picks_at_most_one_entry_with_each_entrys_chance():
    rules, batch, w = _first_turn(EDGES)
    show = rules.actions[_action(rules, "collision")].index
    for a in range(len(rules.scenario.actors)):
        chose = batch.inst_action[w.choices[1, a]] == show
        hits = {f: m for t, actor, f, m, _p, _b in w.fogs if actor == a and t == 1}
        misread = hits.get(_fog_index(rules, "collision"), np.zeros(GAMES, bool))
        overreach = hits.get(_fog_index(rules, "landing_party"), np.zeros(GAMES, bool))
        assert not (misread & overreach).any()  # never both in one turn
        assert not ((misread | overreach) & ~chose).any()
        n = int(chose.sum())
        assert n > 2000
        for got, p in ((misread, 0.3), (overreach, 0.4)):
            share = got.sum() / n
            assert abs(share - p) < 5 * np.sqrt(p * (1 - p) / n), (a, share, p)


def test_a_replacements_own_fog_does_not_fire():
    """naval_show may become seize_island, whose own fog (p >= 0.5) would make it a strike."""
    rules, batch, w = _first_turn(EDGES)
    show = _action(rules, "landing_party")
    seize = _action(rules, "stray_battery")
    strike = rules.fog[_fog_index(rules, "stray_battery")].becomes
    overreached = 0
    for a in range(len(rules.scenario.actors)):
        chose = batch.inst_action[w.choices[1, a]]
        applied = batch.inst_action[w.applied_inst[1, a]]
        per_game = sum(m.astype(int) for t, actor, _f, m, _p, _b in w.fogs if actor == a and t == 1)
        assert int(np.max(per_game)) <= 1  # one fog event per actor and turn at most
        became_seize = (chose == show) & (applied == seize)
        overreached += int(became_seize.sum())
        assert not ((chose == show) & (applied == strike)).any()
        for t, actor, _f, m, _p, before in w.fogs:
            if actor == a and t == 1:
                assert (batch.inst_action[before[m]] == batch.inst_action[w.choices[1, a]][m]).all()
    assert overreached > 1000


def test_chances_over_one_at_run_time_are_scaled_to_add_up_to_one():
    """talks' two entries are each 0.5 + tension (tension >= 0.3): every talk goes wrong, half each way."""
    rules, batch, w = _first_turn(EDGES)
    talks = _action(rules, "talks_misread")
    pair = {_fog_index(rules, "talks_misread"), _fog_index(rules, "talks_escort")}
    for a in range(len(rules.scenario.actors)):
        chose = batch.inst_action[w.choices[1, a]] == talks
        hit = {f: m for t, actor, f, m, _p, _b in w.fogs if actor == a and t == 1 and f in pair}
        assert set(hit) == pair
        either = hit[min(pair)] | hit[max(pair)]
        np.testing.assert_array_equal(either, chose)
        for f, m in hit.items():
            p = [pv for t, actor, g, _m, pv, _b in w.fogs if actor == a and g == f][0]
            np.testing.assert_array_equal(p[m], 0.5)  # as drawn: scaled down
        n = int(chose.sum())
        assert abs(hit[min(pair)].sum() / n - 0.5) < 5 * np.sqrt(0.25 / n)


def test_accident_share_is_a_share_of_rung_increases():
    """Misreads raise no rung: 4.9 accidents a game against about 10 rung increases, of which
    the overreaches' part is counted apart (the old share, accidents / rises, could pass 1)."""
    rules = load_scenario(EDGES).rules
    b = Batch(rules, 3, np.arange(5000, dtype=np.uint64), policies_for(rules)).run()
    t = Tally.of(b)
    assert 0 < t.fog_escalations <= t.escalations
    assert (b.fog_escalations <= b.escalations).all()
    share = summarize(t, rules, 3)["accidents"]["share_of_escalations"]
    assert share == t.fog_escalations / t.escalations
    assert 0 < share <= 1


def test_misread_only_scenario_shares_nothing_of_the_rises():
    """Misreads only: accidents happen, no rung rise is theirs."""
    fog_yaml = "fog:\n  - {id: a, action: naval_show, kind: misread, becomes: seize_island, p: 0.3}\n"
    rules = load_bytes(_edges_with_fog(fog_yaml), "fog.yaml").rules
    b = Batch(rules, 3, np.arange(3000, dtype=np.uint64), policies_for(rules)).run()
    t = Tally.of(b)
    assert t.accidents > 0
    assert t.fog_escalations == 0


def _edges_with_fog(fog_yaml: str) -> bytes:
    """tests/scenarios/fog_edges.yaml with its fog section replaced."""
    text = open(EDGES, encoding="utf-8").read()
    start, end = text.index("\nfog:\n") + 1, text.index("\nred_lines:\n") + 1
    return (text[:start] + fog_yaml + "\n" + text[end:]).encode()


@pytest.mark.parametrize(
    ("fog_yaml", "message"),
    [
        (
            "fog:\n  - {id: a, action: naval_show, kind: misread, becomes: seize_island, p: 0.7}\n"
            "  - {id: b, action: naval_show, kind: overreach, becomes: seize_island, p: 0.5}\n",
            "fog.b.p: the fog chances of 'naval_show' add up to 1.2, more than 1 "
            "(one draw a turn picks at most one of an action's fog entries)",
        ),
        (
            "fog:\n  - {id: a, action: seize_island, kind: overreach, becomes: naval_show, p: 0.1}\n",
            "fog.a.becomes: 'naval_show' (rung 'show') is less escalatory than 'seize_island' (rung 'seize'): "
            "fog only turns an action into one at least as high on the ladder",
        ),
        (
            "fog:\n  - {id: a, action: naval_show, kind: misread, becomes: wait, p: 0.1}\n",
            "fog.a.becomes: 'wait' (no rung) is less escalatory than 'naval_show' (rung 'show'): "
            "fog only turns an action into one at least as high on the ladder",
        ),
        (
            "fog:\n  - {id: a, action: naval_show, kind: overreach, becomes: naval_show, p: 0.1}\n",
            "fog.a.becomes: 'naval_show' cannot become itself: fog turns an action into another one",
        ),
    ],
    ids=["sum_above_one", "lower_rung", "no_rung", "itself"],
)
def test_fog_refused_at_load(fog_yaml, message):
    with pytest.raises(ScenarioError) as err:
        load_bytes(_edges_with_fog(fog_yaml), "fog.yaml")
    first = err.value.diagnostics[0]
    assert first.severity == "error"
    assert str(first).endswith(message), str(first)


def test_a_loop_is_no_longer_possible_and_plays_on_both_engines():
    """The issue's loop (naval_show -> seize_island -> ... back) cannot be written: a step back
    down the ladder is refused; a step up and a step up again is two turns, not one."""
    fog_yaml = (
        "fog:\n  - {id: up, action: naval_show, kind: overreach, becomes: seize_island, p: 1}\n"
        "  - {id: upper, action: seize_island, kind: overreach, becomes: missile_strike, p: 1}\n"
    )
    rules = load_bytes(_edges_with_fog(fog_yaml), "fog.yaml").rules
    games = np.arange(2000, dtype=np.uint64)
    b = Batch(rules, 5, games, policies_for(rules)).run()
    assert (b.accidents <= b.turns * len(rules.scenario.actors)).all()
    if kernel_cache.compiler() is None:
        return
    k = kernel_cache.play(rules, 5, games, policies_for(rules), "compiled")
    assert k is not None
    for name in ("outcome", "accidents", "escalations", "fog_escalations", "max_rung"):
        np.testing.assert_array_equal(getattr(k, name), getattr(b, name), err_msg=name)
