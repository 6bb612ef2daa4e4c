"""Tallies: what a chunk of games leaves behind, small, mergeable and order-exact.

A chunk's tally holds counts and sums, never events, so memory does not grow with
the number of games. Tallies are merged in chunk order, whatever order the chunks
finished in, so results are identical on one worker, many, or a Dask cluster.
"""

from __future__ import annotations

import math

import attrs
import numpy as np

from game.engine.batch import Batch
from game.engine.compiled import KernelResult
from game.model import RIVERA_WEIGHTS


@attrs.define
class Tally:
    games: int
    outcomes: np.ndarray  # [O] games per outcome
    turns: np.ndarray  # [T+1] games per length
    max_rung: np.ndarray  # [N+1] games per highest rung (0 = none)
    trip_games: np.ndarray  # [R] games where the red line tripped at least once
    trips: np.ndarray  # [R] trips in all
    responses: list  # [R][responses + 1] chosen responses (last = none)
    crossed: np.ndarray  # [Th] games where the threshold was crossed
    crossed_turn: np.ndarray  # [Th, T+1] games by turn of first crossing
    crossed_by: np.ndarray  # [Th, actors] who crossed first
    score_sum: float
    score_sq: float
    score_hist: dict  # rounded score -> games
    accidents: int
    escalations: int
    fog_escalations: int  # rung increases brought about by a fog's overreach (a part of escalations)
    divergent: int
    signals: int
    clipped_games: int
    actions: np.ndarray  # [A] times each action was taken
    signal_counts: np.ndarray  # [S]
    objective_sum: np.ndarray  # [Obj]
    rung_hist: np.ndarray  # [T, N+1] live games by turn and current highest rung

    @classmethod
    def of(cls, b: Batch | KernelResult) -> Tally:
        R = b.rules
        T = R.scenario.calendar.turns
        n_actors = len(R.scenario.actors)
        n_rungs = len(R.scenario.ladder.rungs)
        # one pass over the games for three histograms: outcome x length x highest rung
        ends = np.multiply(b.outcome, T + 1, dtype=np.int64)
        ends += b.turns
        ends *= n_rungs + 1
        ends += b.max_rung
        ends = np.bincount(ends, minlength=len(R.outcomes) * (T + 1) * (n_rungs + 1))
        ends = ends.reshape(len(R.outcomes), T + 1, n_rungs + 1)
        # and one for the thresholds: threshold x turn first crossed (0: never) x who crossed (0: no one)
        per_threshold = (T + 1) * (n_actors + 1)
        firsts = np.multiply(b.crossed_turn, n_actors + 1, dtype=np.int64)
        firsts += np.arange(1, 1 + len(R.thresholds) * per_threshold, per_threshold, dtype=np.int64)[:, None]
        firsts += b.crossed_by
        firsts = np.bincount(firsts.ravel(), minlength=len(R.thresholds) * per_threshold)
        firsts = firsts.reshape(len(R.thresholds), T + 1, n_actors + 1)
        crossed_turn = firsts.sum(axis=2)  # column 0: never crossed
        scores, counts = _score_counts(b.score)
        return cls(
            games=b.n,
            outcomes=ends.sum(axis=(1, 2)),
            turns=ends.sum(axis=(0, 2)),
            max_rung=ends.sum(axis=(0, 1)),
            trip_games=_nonzero_per_row(b.trips),
            trips=b.trips.sum(axis=1),
            responses=[c.copy() for c in b.response_counts],
            crossed=b.n - crossed_turn[:, 0],
            crossed_turn=crossed_turn,
            crossed_by=firsts[:, 1:, 1:].sum(axis=1),
            score_sum=float(b.score.sum()),
            score_sq=float((b.score**2).sum()),
            score_hist=dict(zip(scores, counts)),
            accidents=int(b.accidents.sum()),
            escalations=int(b.escalations.sum()),
            fog_escalations=int(b.fog_escalations.sum()),
            divergent=int(b.divergent.sum()),
            signals=int(b.signals_sent.sum()),
            clipped_games=int(np.count_nonzero(b.clipped > 0)),
            actions=b.action_counts.copy(),
            signal_counts=b.signal_counts.copy(),
            objective_sum=b.objective_scores.sum(axis=1),
            rung_hist=b.rung_hist.copy(),
        )

    def merge(self, o: Tally) -> Tally:
        hist = dict(self.score_hist)
        for k, v in o.score_hist.items():
            hist[k] = hist.get(k, 0) + v
        return Tally(
            games=self.games + o.games,
            outcomes=self.outcomes + o.outcomes,
            turns=self.turns + o.turns,
            max_rung=self.max_rung + o.max_rung,
            trip_games=self.trip_games + o.trip_games,
            trips=self.trips + o.trips,
            responses=[a + b for a, b in zip(self.responses, o.responses)],
            crossed=self.crossed + o.crossed,
            crossed_turn=self.crossed_turn + o.crossed_turn,
            crossed_by=self.crossed_by + o.crossed_by,
            score_sum=self.score_sum + o.score_sum,
            score_sq=self.score_sq + o.score_sq,
            score_hist=hist,
            accidents=self.accidents + o.accidents,
            escalations=self.escalations + o.escalations,
            fog_escalations=self.fog_escalations + o.fog_escalations,
            divergent=self.divergent + o.divergent,
            signals=self.signals + o.signals,
            clipped_games=self.clipped_games + o.clipped_games,
            actions=self.actions + o.actions,
            signal_counts=self.signal_counts + o.signal_counts,
            objective_sum=self.objective_sum + o.objective_sum,
            rung_hist=self.rung_hist + o.rung_hist,
        )


def _nonzero_per_row(values: np.ndarray) -> np.ndarray:
    """``(values != 0).sum(axis=1)`` (int64), row by row: numpy counts a row's non-zeros with
    its fast whole-array count, and sums booleans along an axis slowly (43 us against 110 us
    for 13 rows of 16,384 games).

    >>> _nonzero_per_row(np.array([[0, 2, 1], [0, 0, 0]])).tolist()
    [2, 0]
    """
    return np.array([np.count_nonzero(row) for row in values], dtype=np.int64)


def _score_counts(score: np.ndarray) -> tuple[list[float], list[int]]:
    """The rounded scores that occur, ascending, and how many games have each: what
    ``np.unique(np.round(score), return_counts=True)`` gives, by one bincount (no sort) when
    the scores span a modest range; by ``np.unique`` when they do not, or when a score rounds
    to -0.0 (whose sign a bincount would not keep).

    >>> _score_counts(np.array([2.4, -1.0, 2.0, 5.6]))
    ([-1.0, 2.0, 6.0], [1, 2, 1])
    """
    rounded = np.round(score)
    if not len(rounded):
        return [], []
    low, high = float(rounded.min()), float(rounded.max())
    if math.isfinite(low) and math.isfinite(high) and high - low <= _SCORE_BINS:
        bins = rounded.astype(np.intp)
        bins -= int(low)
        counts = np.bincount(bins)
        zero = -int(low)
        if not (0 <= zero < len(counts) and counts[zero] and (rounded.view(np.int64) == _MINUS_ZERO).any()):
            present = np.flatnonzero(counts)
            return (present + low).tolist(), counts[present].tolist()
    scores, counts = np.unique(rounded, return_counts=True)
    return scores.tolist(), counts.tolist()


_MINUS_ZERO = np.float64(-0.0).view(np.int64)  # the bits of -0.0 (== 0.0 as a float)
_SCORE_BINS = 1 << 16  # the widest span of rounded scores counted by bincount (a 512 KB array at most)


def _quantile_from_hist(hist: np.ndarray, q: float) -> int:
    cum = np.cumsum(hist)
    if cum[-1] == 0:
        return 0
    return int(np.searchsorted(cum, q * cum[-1]))


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """95% Wilson score interval for a share k/n.

    >>> [round(x, 3) for x in wilson(50, 100)]
    [0.404, 0.596]
    """
    if n == 0:
        return (0.0, 1.0)
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def _mean_turn(hist: np.ndarray, n: int) -> float | None:
    return float((np.arange(len(hist)) * hist)[1:].sum() / n) if n else None


def summarize(t: Tally, rules, seed: int, extra: dict | None = None) -> dict:
    """The JSON summary of ``simulate``: shares, intervals, distributions, rates."""
    scn = rules.scenario
    n = max(t.games, 1)
    mean = t.score_sum / n
    var = max(t.score_sq / n - mean * mean, 0.0)
    scores = sorted(t.score_hist.items())
    cum, p50, p95 = 0, None, 0.0
    for s, c in scores:
        cum += c
        if cum >= 0.5 * n and p50 is None:
            p50 = s
        if cum >= 0.95 * n:
            p95 = s
            break
    p50 = p50 if p50 is not None else 0.0
    rungs = scn.ladder.rungs
    out = {
        "scenario": scn.meta.id,
        "title": scn.meta.title,
        "games": t.games,
        "seed": seed,
        **(extra or {}),
        "outcomes": {o.id: int(c) / n for o, c in zip(scn.outcomes, t.outcomes)},
        "outcome_intervals": {o.id: list(wilson(int(c), t.games)) for o, c in zip(scn.outcomes, t.outcomes)},
        "turns": {
            "mean": float((np.arange(len(t.turns)) * t.turns).sum() / n),
            "p50": _quantile_from_hist(t.turns, 0.5),
            "p95": _quantile_from_hist(t.turns, 0.95),
        },
        "max_rung": {("none" if i == 0 else rungs[i - 1].id): int(c) / n for i, c in enumerate(t.max_rung)},
        "red_lines": {
            r.id: {
                "trip_rate": int(t.trip_games[i]) / n,
                "trips_per_game": int(t.trips[i]) / n,
                "responses": {
                    **{(s.id or s.action or "none"): int(t.responses[i][j]) for j, s in enumerate(r.responses)},
                    "none": int(t.responses[i][-1]),
                },
            }
            for i, r in enumerate(scn.red_lines)
        },
        "escalation_score": {
            "mean": mean,
            "sd": math.sqrt(var),
            "p50": p50,
            "p95": p95,
            "weights": {k: scn.scoring.weights.get(k, v) for k, v in RIVERA_WEIGHTS.items()},
        },
        "thresholds": {
            th.id: {
                "crossed": int(t.crossed[i]) / n,
                "first_turn_mean": _mean_turn(t.crossed_turn[i], int(t.crossed[i])),
                "first_by": {a.id: int(t.crossed_by[i][j]) for j, a in enumerate(scn.actors)},
            }
            for i, th in enumerate(scn.ladder.thresholds)
        },
        "accidents": {
            "per_game": t.accidents / n,
            "share_of_escalations": (t.fog_escalations / t.escalations) if t.escalations else 0.0,
        },
        "signals": {"per_game": t.signals / n, "divergence_rate": (t.divergent / t.signals) if t.signals else 0.0},
        "clipped_games": t.clipped_games / n,
        "actions": {a.spec.id: int(c) for a, c in zip(rules.actions, t.actions)},
        "objectives": {o.id: float(t.objective_sum[i] / n) for i, o in enumerate(scn.objectives)},
    }
    return out
