"""The strategy explorer: it finds on the tutorial a strategy better than the AI seat by a
confidence interval, with common random numbers, and the command prints its table and its limits."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from game.engine.batch import Batch
from game.policies import policy_for
from game.runners.explore import (
    FRESH,
    Family,
    Strategy,
    compare,
    describe,
    disputed_params,
    explore,
    families,
    objective_ids,
    play_tables,
)
from game.runners.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tutorial():
    return load_scenario(ROOT / "scenarios" / "tutorial.yaml")


@pytest.fixture(scope="module")
def found(tutorial):
    # a budget far above what the rounds need: the search ends by its rounds, so by the seed alone
    return explore(tutorial, "aldoria", "settlement", games=2000, seed=3, budget=600)


def test_explore_finds_a_strategy_strictly_better_than_the_ai_seat(found):
    best = found.found[0]
    assert best.rate.interval[0] > found.doctrine.interval[1]
    assert best.versus.lo > 0  # the paired difference on the same games, too
    assert best.rate.n == found.doctrine.n == 2000
    assert "Propose talks" in best.words


def test_the_figures_come_from_fresh_games_and_robustness_covers_each_disputed_param(found, tutorial):
    params = {(r.param, r.value) for r in found.robustness}
    assert params == {(p.id, v) for p in disputed_params(tutorial.scenario) for v in p.range}
    assert all(len(r.rates) == len(found.found) for r in found.robustness)
    assert found.candidates >= 3 * 32 and not found.skipped_params


def test_the_same_seed_finds_the_same_strategies(found, tutorial):
    again = explore(tutorial, "aldoria", "settlement", games=2000, seed=3, budget=600)
    assert [f.words for f in again.found] == [f.words for f in found.found]
    assert [f.rate for f in again.found] == [f.rate for f in found.found]


def test_common_random_numbers_same_table_same_games_same_results(tutorial):
    rules = tutorial.rules
    fam = families(rules, 0)[0]
    games = np.arange(300, dtype=np.uint64)
    goal = objective_ids(rules, "settlement,war")
    rng = np.random.default_rng(0)
    tables = rng.integers(0, len(rules.actor_actions[0]), size=(4, len(fam.labels)))
    tables[2] = tables[0]  # a candidate twice in one batch
    both = play_tables(rules, 9, games, 0, fam, tables, np.zeros(4, bool), goal)
    assert (both.hits[0] == both.hits[2]).all()
    alone = play_tables(rules, 9, games, 0, fam, tables[1:2], np.zeros(1, bool), goal)
    assert (alone.hits[0] == both.hits[1]).all()  # the other candidates change nothing of its games
    again = play_tables(rules, 9, games, 0, fam, tables, np.zeros(4, bool), goal)
    assert (again.hits == both.hits).all()


def test_the_doctrine_row_plays_the_very_games_of_the_ai_seat(tutorial):
    rules = tutorial.rules
    games = np.arange(500, dtype=np.uint64)
    goal = objective_ids(rules, "war")
    fam = families(rules, 1)[1]
    res = play_tables(rules, 4, games, 1, fam, np.zeros((2, len(fam.labels)), int), np.array([False, True]), goal)
    policies = [policy_for(rules, a) for a in range(2)]
    b = Batch(rules, 4, games, policies).run()
    assert (res.hits[1] == np.isin(b.outcome[: b.n], goal)).all()


def test_an_open_loop_plan_reads_as_turns(tutorial):
    rules = tutorial.rules
    fam = Family("sequence", tuple(f"turn {t}" for t in range(1, 6)))
    talks, show = 1, 2
    assert describe(rules, 0, Strategy(fam, (talks, talks, show, show, -1))) == (
        "Plan: turns 1-2: Propose talks; turns 3-4: Send warships to the island"
    )
    assert describe(rules, 0, Strategy(fam, (talks,) * 5)) == "Always: Propose talks"


def test_compare_gives_the_debrief_figures_on_the_same_games(tutorial):
    talks = int(rules_instance(tutorial.rules, "talks"))
    c = compare(tutorial, "aldoria", {t: talks for t in range(1, 6)}, seed=2, games=500, budget=600)
    assert c.outcome == "settlement"  # the outcome best for Aldoria's own objective (1 - tension)
    assert c.best.rate.n == c.yours.n == c.doctrine.n == 500
    assert c.yours.share > c.doctrine.share  # talks every turn beats the doctrine, as the search says
    assert c.best.rate.hits >= c.yours.hits - 25


def rules_instance(rules, action_id: str) -> int:
    return next(x.id for x in rules.instances if rules.actions[x.action].spec.id == action_id)


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "explore", *args], capture_output=True, text=True, check=False
    )


def test_the_command_prints_the_table_and_its_limits():
    p = run_cli("tutorial", "--seat", "borvia", "--objective", "war", "--games", "600", "--budget", "60")
    assert p.returncode == 0, p.stderr
    out = p.stdout
    assert "objective: Open war (war)" in out and "doctrine 'borvia_doctrine'" in out
    assert "params.enforce_p" in out and "params.accident_p" in out
    assert "not advice" in out
    assert "  1  " in out and "[" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--seat", "nobody", "--objective", "war"), "--seat: no seat 'nobody' (seats: aldoria, borvia)"),
        (("--seat", "aldoria", "--objective", "peace"), "--objective: no outcome 'peace' (outcomes: war,"),
        (("--seat", "aldoria", "--objective", "war", "--budget", "0"), "--budget must be more than 0"),
    ],
)
def test_bad_usage_is_one_line(args, message):
    p = run_cli("tutorial", *args)
    assert p.returncode == 2
    assert message in p.stderr and "Traceback" not in p.stderr and len(p.stderr.strip().splitlines()) == 1


def test_robustness_keeps_the_parameters_it_was_given():
    sets = {"params.accident_p": 0.0}
    found = explore("tutorial", "borvia", "war", games=400, seed=5, budget=600, sets=sets)
    row = next(r for r in found.robustness if r.param == "enforce_p" and r.value == 1.0)
    rules = load_scenario(ROOT / "scenarios" / "tutorial.yaml", {**sets, "params.enforce_p": 1.0}).rules
    games = FRESH + np.arange(400, dtype=np.uint64)
    b = Batch(rules, 5, games, [policy_for(rules, a) for a in range(2)]).run()
    assert row.doctrine.hits == int(np.isin(b.outcome[: b.n], objective_ids(rules, "war")).sum())


def test_a_stopped_search_ends_after_one_round_of_each_family(tutorial):
    talks = rules_instance(tutorial.rules, "talks")
    c = compare(tutorial, "aldoria", {1: talks}, seed=2, games=300, budget=600, stop=lambda: True)
    assert c.candidates == 32 * len(families(tutorial.rules, 0))
    assert c.best.rate.n == 300
