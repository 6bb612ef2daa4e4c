"""A chunk's tally counts what its fields say, field by field, written here the plain way
(Tally.of takes faster routes to the same numbers, and results must not change by a bit)."""

from __future__ import annotations

import os

import numpy as np
import pytest

from game.loader.load import read_bytes
from game.runners.local import RunSpec, compiled_rules, play_games, policies_for
from game.runners.tally import Tally, _score_counts

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def plain_tally(b) -> dict:
    R = b.rules
    T = R.scenario.calendar.turns
    n_actors = len(R.scenario.actors)
    crossed = b.crossed_turn > 0
    scores, counts = np.unique(np.round(b.score), return_counts=True)
    return {
        "games": b.n,
        "outcomes": np.bincount(b.outcome, minlength=len(R.outcomes)),
        "turns": np.bincount(b.turns, minlength=T + 1),
        "max_rung": np.bincount(b.max_rung, minlength=len(R.scenario.ladder.rungs) + 1),
        "trip_games": (b.trips > 0).sum(axis=1),
        "trips": b.trips.sum(axis=1),
        "crossed": crossed.sum(axis=1),
        "crossed_turn": np.array([np.bincount(row, minlength=T + 1) for row in b.crossed_turn], dtype=np.int64).reshape(
            len(R.thresholds), T + 1
        ),
        "crossed_by": np.array(
            [np.bincount(by[c], minlength=n_actors)[:n_actors] for by, c in zip(b.crossed_by, crossed)],
            dtype=np.int64,
        ).reshape(len(R.thresholds), n_actors),
        "score_sum": float(b.score.sum()),
        "score_sq": float((b.score**2).sum()),
        "score_hist": dict(zip(scores.tolist(), counts.tolist())),
        "clipped_games": int((b.clipped > 0).sum()),
        "accidents": int(b.accidents.sum()),
        "objective_sum": b.objective_scores.sum(axis=1),
    }


@pytest.mark.parametrize("engine", ["auto", "numpy"])
@pytest.mark.parametrize("scenario", ["tutorial", "atacms_2024", "cuba_1962", "israel_iran_2024"])
def test_tally_of_counts_what_its_fields_say(scenario, engine):
    spec = RunSpec(read_bytes(os.path.join(ROOT, "scenarios", f"{scenario}.yaml")), f"{scenario}.yaml", 7)
    rules = compiled_rules(spec)
    b = play_games(rules, 7, np.arange(3000, 5000, dtype=np.uint64), policies_for(rules), engine)
    got = Tally.of(b)
    want = plain_tally(b)
    assert want["crossed"].sum() > 0 or not len(rules.thresholds)
    for name, value in want.items():
        mine = getattr(got, name)
        if isinstance(value, np.ndarray):
            assert mine.dtype == value.dtype and mine.shape == value.shape and np.array_equal(mine, value), name
        else:
            assert type(mine) is type(value) and mine == value, name


def _unique_counts(score: np.ndarray) -> tuple[list[float], list[int]]:
    scores, counts = np.unique(np.round(score), return_counts=True)
    return scores.tolist(), counts.tolist()


@pytest.mark.parametrize(
    "score",
    [
        [],
        [0.3, 2.5, 3.5, -2.5, 7.0, 7.49],
        [-0.3, 0.2, 4.0],  # -0.3 rounds to -0.0: its sign must stay as np.unique keeps it
        [-0.0, 1.0],
        [-0.4],
        [-12.0, 180.4, 0.0, 0.1],
        [1.0, float("nan"), 2.0],
        [float("-inf"), 3.0],
        [0.0, 1e9],  # wider than a bincount should span
        [-5e6, -5e6 + 3],
    ],
)
def test_score_counts_are_np_uniques_to_the_sign(score):
    got, want = _score_counts(np.array(score, dtype=np.float64)), _unique_counts(np.array(score, dtype=np.float64))
    assert [repr(k) for k in got[0]] == [repr(k) for k in want[0]] and got[1] == want[1]
