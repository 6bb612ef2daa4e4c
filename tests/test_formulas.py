"""One rule book: the formulas both engines compute are written once (game/engine/formulas.py).

These tests hold the two lowerings of a formula tree together (numpy's ``evaluate`` and
codegen's C, bit for bit on random trees with NaN, infinities and signed zeros) and show
the point of it: a rule changed in formulas.py alone (a new response normalisation, a
sharper tit-for-tat) changes what both engines play, identically; and so does a new order of
the turn's phases (game/engine/phases.py).
"""

from __future__ import annotations

import ctypes
import math
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine import formulas, phases
from game.engine.batch import Batch, Ctx
from game.engine.compiled import codegen
from game.engine.formulas import NumpyEnv, evaluate
from game.policies import policy_for
from game.runners import kernel_cache
from game.runners.load import load_scenario
from game.runners.local import policies_for

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COVERAGE = os.path.join(ROOT, "tests", "scenarios", "kernel_coverage.yaml")
TUTORIAL = os.path.join(ROOT, "scenarios", "tutorial.yaml")
needs_cc = pytest.mark.skipif(kernel_cache.compiler() is None, reason="no C compiler")


def _value(node, **given):
    return evaluate(node, NumpyEnv(None, given))


def test_response_chances_clip_then_scale_down_what_adds_up_to_more_than_one():
    ps = [formulas.Num(0.5), formulas.Num(0.8), formulas.Num(-3.0)]
    rule = formulas.response_chances(ps)
    assert [_value(c) for c in rule.chances] == [0.5 / 1.3, 0.8 / 1.3, 0.0]
    assert _value(rule.scaled)
    low = formulas.response_chances([formulas.Num(0.25), formulas.Num(0.5)])
    assert [_value(c) for c in low.chances] == [0.25, 0.5] and not _value(low.scaled)
    u = np.array([0.0, 0.24, 0.25, 0.74, 0.75, 0.99])
    choice = evaluate(formulas.response_choice(low.chances, formulas.Given("u")), NumpyEnv(None, {"u": u}, len(u)))
    assert choice.tolist() == [0, 0, 1, 1, 2, 2]  # 2 = no response


def test_categorical_draws_by_share_of_the_running_sum():
    w = [formulas.Given("a"), formulas.Given("b"), formulas.Given("c")]
    rule = formulas.categorical(w, formulas.Given("u"))
    u = np.array([0.0, 0.1, 0.2, 0.5, 0.6, 0.99])
    env = NumpyEnv(None, {"a": 1.0, "b": 2.0, "c": 2.0, "u": u}, len(u))
    assert evaluate(rule.total, env) == 5.0
    assert evaluate(rule.index, env).tolist() == [0, 0, 1, 1, 2, 2]


def test_tit_for_tat_prefers_the_mirrored_rung_and_doctrine_floors_at_zero():
    near = _value(formulas.tit_for_tat(formulas.Num(3.0), formulas.Num(3.0)))
    far = _value(formulas.tit_for_tat(formulas.Num(5.0), formulas.Num(3.0)))
    assert near == 1.0 and far == 1.0 / (1.0 + 4.0 * 2.0 * 2.0)
    assert _value(formulas.doctrine_weight(formulas.Num(1.0), [formulas.Num(-4.0)])) == 0.0
    rows = np.array([-0.5, 0.25, np.nan])
    got = evaluate(formulas.doctrine_weight(formulas.ZERO, [formulas.Given("t")]), NumpyEnv(None, {"t": rows}, 3))
    assert got[:2].tolist() == [0.0, 0.25] and np.isnan(got[2])


def test_bounded_keeps_a_column_in_range_and_a_nan_becomes_the_bound():
    rule = formulas.bounded(formulas.Given("v"), 0.0, 10.0, 3)
    got = _value(rule, v=np.array([-1.0, 5.0, 11.0, np.nan]))
    assert got.tolist() == [0.0, 5.0, 10.0, 0.0]
    assert isinstance(formulas.bounded(formulas.Given("v"), -math.inf, math.inf, 3), formulas.Given)


# ------------------------------------------------------------------ the two lowerings agree

_NUMBERS = [0.0, -0.0, 1.0, -1.0, 0.5, 3.0, 1e300, -1e300, math.inf, -math.inf, math.nan]
_COLUMNS = 4
_BOUNDS = st.sampled_from([v for v in _NUMBERS if not math.isnan(v)]).map(formulas.Num)  # declared, never NaN


def _leaf():
    return st.one_of(
        st.sampled_from(_NUMBERS).map(formulas.Num),
        st.sampled_from(_NUMBERS).map(lambda v: formulas.Num(v, fixed=True)),
        st.integers(0, _COLUMNS - 1).map(formulas.Column),
    )


def _comparison(sub):
    ops = (formulas.Greater, formulas.GreaterEq, formulas.LessEq)
    return st.tuples(st.sampled_from(ops), sub, sub).map(lambda t: t[0](t[1], t[2]))


def _condition(sub):
    """A truth: a comparison, or all / some / not of comparisons (as the rules build them:
    conditions go into Where, Count and each other, never into arithmetic, where numpy's
    booleans and C's ints would differ: True + True)."""
    cmp = _comparison(sub)
    several = st.lists(cmp, min_size=0, max_size=3).map(tuple)
    return st.one_of(
        cmp,
        several.map(formulas.All),
        several.map(formulas.AnyOf),
        cmp.map(formulas.Not),
    )


def _tree(depth: int = 0):
    if depth > 3:
        return _leaf()
    sub = st.deferred(lambda: _tree(depth + 1))
    two = st.tuples(sub, sub)
    return st.one_of(
        _leaf(),
        *(two.map(lambda t, op=op: op(*t)) for op in (formulas.Add, formulas.Sub, formulas.Mul, formulas.Div)),
        two.map(lambda t: formulas.Max(*t)),
        *(st.tuples(sub, _BOUNDS).map(lambda t, op=op: op(*t)) for op in (formulas.AtLeast, formulas.AtMost)),
        sub.map(formulas.Pos0),
        sub.map(formulas.Clip01),
        st.tuples(st.one_of(sub, _condition(sub)), sub, sub).map(lambda t: formulas.Where(*t)),
        st.lists(_condition(sub), min_size=1, max_size=3).map(lambda xs: formulas.Count(tuple(xs))),
    )


@needs_cc
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees=st.lists(_tree(), min_size=20, max_size=40))
def test_c_formulas_match_numpy_bit_for_bit(trees):
    text, K = codegen.formulas_source(trees)
    fn = kernel_cache.library(text, ("redline_formulas",)).redline_formulas
    fn.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
    states = np.array(np.meshgrid(_NUMBERS, _NUMBERS[:6], _NUMBERS[3:9], _NUMBERS[::2])).reshape(_COLUMNS, -1)
    n = states.shape[1]
    with np.errstate(all="ignore"):
        want = [
            np.broadcast_to(np.asarray(evaluate(t, NumpyEnv(Ctx(states), n=n)), dtype=np.float64), n) for t in trees
        ]
    got = np.zeros((len(trees), n))
    out = np.zeros(len(trees))
    Kc = np.ascontiguousarray(K if len(K) else np.zeros(1))
    for g in range(n):
        x = np.ascontiguousarray(states[:, g])
        fn(x.ctypes.data, Kc.ctypes.data, out.ctypes.data)
        got[:, g] = out
    for t, w, gv in zip(trees, want, got):
        same = (np.ascontiguousarray(w).view(np.uint64) == gv.view(np.uint64)) | (np.isnan(w) & np.isnan(gv))
        assert same.all(), (t, states[:, ~same][:, :3], w[~same][:3], gv[~same][:3])


# ------------------------------------------------------------------ a rule changed in one place


def _both(path: str, preset: str | None = None, games: int = 800):
    """Both engines on fresh rules (a kernel is kept per rules object: these are new)."""
    rules = load_scenario(path).rules
    policies = (
        [policy_for(rules, a, preset) for a in range(len(rules.scenario.actors))] if preset else policies_for(rules)
    )
    ids = np.arange(games, dtype=np.uint64)
    k = kernel_cache.play(rules, 5, ids, policies, "compiled")
    assert k is not None
    return Batch(rules, 5, ids, policies).run(), k


def _same(b, k) -> None:
    for name in ("outcome", "turns", "max_rung", "score", "clipped", "trips", "objective_scores"):
        np.testing.assert_array_equal(getattr(k, name), getattr(b, name), err_msg=name)
    for x, y in zip(k.response_counts, b.response_counts):
        np.testing.assert_array_equal(x, y)


def _always_respond(ps):
    """Another normalisation: the chances are always scaled to add up to 1 (some response
    always comes), where the shipped rule scales only what adds up to more than 1."""
    clipped = [formulas.Clip01(p) for p in ps]
    total = formulas.running_sums(clipped)[-1] if clipped else formulas.ZERO
    some = formulas.Greater(total, formulas.ZERO)
    return formulas.ResponseChances(tuple(formulas.Where(some, formulas.Div(c, total), c) for c in clipped), some)


@needs_cc
def test_a_new_response_normalisation_in_formulas_changes_both_engines_alike(monkeypatch):
    before, _k = _both(COVERAGE)
    monkeypatch.setattr(formulas, "response_chances", _always_respond)
    after, k = _both(COVERAGE)
    _same(after, k)
    nothing = [c[-1] for c in after.response_counts]
    assert sum(nothing) == 0 < sum(c[-1] for c in before.response_counts)  # the change took
    assert not np.array_equal(before.outcome, after.outcome)


@needs_cc
def test_a_sharper_tit_for_tat_in_formulas_changes_both_engines_alike(monkeypatch):
    before, _k = _both(TUTORIAL, "tit_for_tat")
    monkeypatch.setattr(formulas, "TIT_FOR_TAT_SPREAD", 40.0)
    after, k = _both(TUTORIAL, "tit_for_tat")
    _same(after, k)
    assert not np.array_equal(before.max_rung, after.max_rung)


@needs_cc
def test_a_new_phase_order_in_phases_changes_both_engines_alike(monkeypatch):
    """The turn's order is one tuple (game/engine/phases.py): with the doctrine before the
    thresholds, and the events after the resolution, both engines play the new turn alike."""
    before, _k = _both(TUTORIAL)
    names = [p.name for p in phases.TURN]
    by_name = {p.name: p for p in phases.TURN}
    order = [n for n in names if n not in ("events", "thresholds")]
    order.insert(order.index("doctrine") + 1, "thresholds")
    order.insert(order.index("resolve") + 1, "events")
    turn = tuple(by_name[n] for n in order)
    phases.check_order(turn)
    monkeypatch.setattr(phases, "TURN", turn)
    after, k = _both(TUTORIAL)
    _same(after, k)
    assert not np.array_equal(before.outcome, after.outcome)  # the change took


def test_every_phase_of_the_turn_is_played_by_both_engines():
    for phase in phases.TURN:
        assert callable(getattr(Batch, f"_phase_{phase.name}")), phase.name
        assert callable(getattr(codegen._Gen, f"phase_{phase.name}")), phase.name


@pytest.mark.parametrize(
    ("order", "message"),
    [
        (("clock", "resolve", "decide"), "phase 'resolve' needs decide, reset to run before it in the turn"),
        (("clock", "clock"), "phase 'clock' comes twice in a turn"),
    ],
)
def test_an_order_that_reads_what_is_not_yet_decided_is_refused(order, message):
    by_name = {p.name: p for p in phases.TURN}
    with pytest.raises(ValueError, match=message):
        phases.check_order([by_name[n] for n in order])


@pytest.mark.parametrize("node", [formulas.AtLeast, formulas.AtMost])
def test_bounds_keep_a_signed_zero_whatever_the_batch_length(node):
    """np.fmax/np.fmin answer a tie of -0.0 and 0.0 differently in their SIMD and scalar loops, so a
    game's value depended on how many games shared its batch; the bound now keeps the value on a tie,
    as the C kernel does."""
    tree = node(formulas.Column(0), formulas.Num(0.0))
    for n in range(1, 40):
        states = np.full((1, n), -0.0)
        got = np.broadcast_to(np.asarray(evaluate(tree, NumpyEnv(Ctx(states), n=n)), dtype=np.float64), n)
        assert np.signbit(got).all(), (node.__name__, n, got)
