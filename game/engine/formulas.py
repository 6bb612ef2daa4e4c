"""The formulas both engines compute, each written once, as a small typed tree.

``Batch`` (numpy, all games at once) and the generated C kernel (one game at a time) must
give the same numbers to the last bit. Every formula that both need is built here, once,
as a tree of frozen records:

- a red line's responses: each chance clipped to [0, 1], all scaled down where they add
  up to more than 1, and the draw of one of them (``response_chances``, ``response_choice``);
- an AI seat's choice: the categorical draw over unnormalised weights (``categorical``);
- the policies' weights: the presets' tables, tit-for-tat's mirror of the others' rung,
  a doctrine's rules over a preset, floored at 0 (``tit_for_tat``, ``doctrine_weight``);
- a variable kept in its declared range (``bounded``);
- an action's legality: its condition, an instance whose weapon is ready, the circuit
  breaker (``action_legal``, ``weapon_ready``).

``evaluate`` lowers a tree to numpy (``Batch``, the policies' explanations, the session's
odds); ``codegen`` prints the very same tree as C. Each node says its meaning once, for
both lowerings (IEEE doubles in the order the tree gives, no fused multiply-add): a rule
change is one edit here and both engines follow.

A leaf is a number (``Num``: from the scenario, or ``fixed`` when it is part of the rule
itself), a state column, a value the caller binds by name (``Given``: a draw, a chance), or
an expression of the scenario (``Formula``, or ``Holds`` for its truth).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from game.expr import Expr

# ------------------------------------------------------------------ the nodes


@attrs.frozen(eq=False)
class Num:
    """A number. ``fixed``: part of the rule (the 4 of tit-for-tat), written into C as it is;
    otherwise it comes from the scenario and the kernel reads it at run time (its slot
    shared by ``key``: where the number comes from, never its value)."""

    value: float
    key: Hashable | None = None
    fixed: bool = False


@attrs.frozen(eq=False)
class Column:
    """A column of the game's state."""

    index: int


@attrs.frozen(eq=False)
class Given:
    """A value the caller binds by name: a draw, a chance, a column being clipped."""

    name: str


@attrs.frozen(eq=False)
class Formula:
    """The value of an expression of the scenario."""

    expr: Expr


@attrs.frozen(eq=False)
class Holds:
    """Whether an expression of the scenario holds (is not 0)."""

    expr: Expr


@attrs.frozen(eq=False)
class Add:
    a: Node
    b: Node


@attrs.frozen(eq=False)
class Sub:
    a: Node
    b: Node


@attrs.frozen(eq=False)
class Mul:
    a: Node
    b: Node


@attrs.frozen(eq=False)
class Div:
    """a / b as IEEE divides (the expression language's own ``/`` gives 0 for b = 0; this does not)."""

    a: Node
    b: Node


@attrs.frozen(eq=False)
class Max:
    """The larger; NaN in either gives NaN (numpy's ``maximum``)."""

    a: Node
    b: Node


@attrs.frozen(eq=False)
class Pos0:
    """A weight floored at 0 (NaN stays NaN)."""

    a: Node


@attrs.frozen(eq=False)
class Clip01:
    """Clipped to [0, 1] (numpy's ``clip``: NaN stays NaN, -0.0 stays -0.0)."""

    a: Node


@attrs.frozen(eq=False)
class AtLeast:
    """``a`` raised to ``bound`` where below it; a NaN becomes the bound, a tie keeps ``a``.
    The bound is a declared one, never NaN."""

    a: Node
    bound: Node


@attrs.frozen(eq=False)
class AtMost:
    """``a`` lowered to ``bound`` where above it; a NaN becomes the bound, a tie keeps ``a``.
    The bound is a declared one, never NaN."""

    a: Node
    bound: Node


@attrs.frozen(eq=False)
class Where:
    """``a`` where ``cond`` holds, else ``b``."""

    cond: Node
    a: Node
    b: Node


@attrs.frozen(eq=False)
class Greater:
    a: Node
    b: Node


@attrs.frozen(eq=False)
class GreaterEq:
    a: Node
    b: Node


@attrs.frozen(eq=False)
class LessEq:
    a: Node
    b: Node


@attrs.frozen(eq=False)
class All:
    """Whether every condition holds (none: it holds)."""

    conds: tuple[Node, ...]


@attrs.frozen(eq=False)
class AnyOf:
    """Whether some condition holds (none: it does not)."""

    conds: tuple[Node, ...]


@attrs.frozen(eq=False)
class Not:
    """Whether the condition does not hold."""

    a: Node


@attrs.frozen(eq=False)
class Count:
    """How many of the conditions hold (an integer)."""

    conds: tuple[Node, ...]


Node = (
    Num
    | Column
    | Given
    | Formula
    | Holds
    | Add
    | Sub
    | Mul
    | Div
    | Max
    | Pos0
    | Clip01
    | AtLeast
    | AtMost
    | Where
    | Greater
    | GreaterEq
    | LessEq
    | All
    | AnyOf
    | Not
    | Count
)

ZERO = Num(0.0, fixed=True)
ONE = Num(1.0, fixed=True)


def children(n: Node) -> tuple[Node, ...]:
    """The nodes ``n`` is computed from, in order."""
    if isinstance(n, (Num, Column, Given, Formula, Holds)):
        return ()
    if isinstance(n, (Pos0, Clip01, Not)):
        return (n.a,)
    if isinstance(n, (AtLeast, AtMost)):
        return (n.a, n.bound)
    if isinstance(n, Where):
        return (n.cond, n.a, n.b)
    if isinstance(n, (Count, All, AnyOf)):
        return n.conds
    return (n.a, n.b)


def is_constant(n: Node) -> bool:
    """Whether ``n`` is the same in every game (no column, no bound name, no varying expression)."""
    if isinstance(n, (Column, Given)):
        return False
    if isinstance(n, (Formula, Holds)):
        return n.expr.const is not None
    return all(is_constant(c) for c in children(n))


# ------------------------------------------------------------------ the rules


def running_sums(terms: Sequence[Node]) -> list[Node]:
    """0 + t0, (0 + t0) + t1, ...: the partial sums, left to right."""
    out: list[Node] = []
    acc: Node = ZERO
    for t in terms:
        acc = Add(acc, t)
        out.append(acc)
    return out


@attrs.frozen(eq=False)
class ResponseChances:
    """A red line's responses as drawn: ``chances`` (one per response), ``scaled`` (whether
    they added up to more than 1 and were scaled down to add up to 1)."""

    chances: tuple[Node, ...]
    scaled: Node


def response_chances(ps: Sequence[Node]) -> ResponseChances:
    """Each chance clipped to [0, 1]; where they add up to more than 1, each divided by the sum
    (what is left over is 'no response')."""
    clipped = [Clip01(p) for p in ps]
    total = running_sums(clipped)[-1] if clipped else ZERO
    over = Greater(total, ONE)
    return ResponseChances(tuple(Where(over, Div(c, total), c) for c in clipped), over)


def response_choice(chances: Sequence[Node], u: Node) -> Count:
    """Which response a draw ``u`` in [0, 1) picks: the number of running sums at or below
    it (``len(chances)`` = no response)."""
    return Count(tuple(GreaterEq(u, run) for run in running_sums(chances)))


@attrs.frozen(eq=False)
class Categorical:
    """A draw among options by unnormalised weights: ``index`` picked, ``total`` weight
    (0 = nothing to choose; the caller falls back)."""

    index: Count
    total: Node


def categorical(weights: Sequence[Node], u: Node) -> Categorical:
    """The option whose share of the running sum holds ``u * total``."""
    runs = running_sums(weights)
    total = runs[-1] if runs else ZERO
    threshold = Mul(u, total)
    return Categorical(Count(tuple(LessEq(run, threshold) for run in runs[:-1])), total)


TIT_FOR_TAT_SPREAD = 4.0  # how sharply tit-for-tat prefers the rung it mirrors


def tit_for_tat(rung: Node, mirrored: Node) -> Node:
    """1 / (1 + 4 d^2), d = the action's rung minus the rung it mirrors."""
    d = Sub(rung, mirrored)
    return Div(ONE, Add(ONE, Mul(Mul(Num(TIT_FOR_TAT_SPREAD, fixed=True), d), d)))


def highest(nodes: Sequence[Node]) -> Node:
    """The largest of some rungs (0 if there are none)."""
    if not nodes:
        return ZERO
    out = nodes[0]
    for n in nodes[1:]:
        out = Max(out, n)
    return out


def while_holds(when: Expr, value: Node) -> Node:
    """``value`` while ``when`` holds, else 0 (a signal's weight while it may be sent)."""
    if when.const is not None and when.const != 0:
        return value
    return Where(Holds(when), value, ZERO)


def rule_term(when: Expr, weight: Expr) -> Node:
    """A doctrine rule's share of a weight: its weight while its condition holds."""
    return while_holds(when, Formula(weight))


def doctrine_weight(base: Node, terms: Sequence[Node]) -> Node:
    """A doctrine's weight of one option: the preset's share plus its rules' terms, floored at 0."""
    acc = base
    for t in terms:
        acc = Add(acc, t)
    return Pos0(acc)


def bounded(value: Node, lo: float, hi: float, column: int) -> Node:
    """A variable kept in its declared range (an infinite bound is no bound)."""
    out = value
    if lo > -np.inf:
        out = AtLeast(out, Num(lo, key=("lo", column)))
    if hi < np.inf:
        out = AtMost(out, Num(hi, key=("hi", column)))
    return out


def all_of(conds: Sequence[Node]) -> Node:
    """Every condition: ``ONE`` where all are constant and hold, ``ZERO`` where one never holds."""
    if any(c is ZERO for c in conds):
        return ZERO
    rest = tuple(c for c in conds if c is not ONE)
    return All(rest) if rest else ONE


def any_of(conds: Sequence[Node]) -> Node:
    """Some condition: ``ONE`` where one always holds, ``ZERO`` where there is none that may."""
    if any(c is ONE for c in conds):
        return ONE
    rest = tuple(c for c in conds if c is not ZERO)
    return AnyOf(rest) if rest else ZERO


def truth(when: Expr) -> Node:
    """Whether an expression holds, ``ONE`` or ``ZERO`` where it is a constant."""
    if when.const is not None:
        return ONE if when.const != 0 else ZERO
    return Holds(when)


READY_SLACK = 1e-9  # a stock a hair under one use (fractional per_use) still counts as one


def weapon_ready(stock: int, authorized: int, per_use: float, weapon: int) -> Node:
    """A weapon can be used now: a use's worth of stock (``READY_SLACK`` spared) and authorized."""
    need = Num(per_use - READY_SLACK, key=("need", weapon))
    return All((GreaterEq(Column(stock), need), Greater(Column(authorized), ZERO)))


def action_legal(when: Expr, instances: Sequence[Node], held: Node | None) -> Node:
    """An action is legal: its condition holds and one of its instances (weapon and target) can
    be used; while ``held`` (the circuit breaker) holds, it is not."""
    legal = all_of([truth(when), any_of(instances)])
    return legal if held is None else all_of([legal, Not(held)])


# ------------------------------------------------------------------ numpy


def _pick(keep, a, b):
    """``a`` where ``keep``, else ``b``; a number stays a number."""
    if isinstance(keep, np.ndarray):
        return np.where(keep, a, b)
    return a if keep else b


class NumpyEnv:
    """What a tree reads when lowered to numpy: ``ctx`` (the state ``X`` and instance
    constants, as expressions read them) and the values bound to ``Given`` names."""

    __slots__ = ("ctx", "given", "n")

    def __init__(self, ctx: Any, given: Mapping[str, Any] | None = None, n: int = 1):
        self.ctx, self.given, self.n = ctx, dict(given or {}), n


def evaluate(node: Node, env: NumpyEnv, memo: dict[int, Any] | None = None) -> Any:
    """The tree's value in numpy: an array over the games, or a number where it is the same
    in all (a subtree used twice is computed once)."""
    memo = {} if memo is None else memo
    got = memo.get(id(node))
    if got is None:
        got = memo[id(node)] = _numpy(node, env, memo)
    return got


def _numpy(n: Node, env: NumpyEnv, memo: dict[int, Any]) -> Any:
    def ev(x: Node) -> Any:
        return evaluate(x, env, memo)

    if isinstance(n, Num):
        return n.value
    if isinstance(n, Column):
        return env.ctx.X[n.index]
    if isinstance(n, Given):
        return env.given[n.name]
    if isinstance(n, Formula):
        return n.expr(env.ctx)
    if isinstance(n, Holds):
        v = n.expr(env.ctx)
        return bool(v != 0) if n.expr.const is not None else v != 0
    if isinstance(n, Add):
        return ev(n.a) + ev(n.b)
    if isinstance(n, Sub):
        return ev(n.a) - ev(n.b)
    if isinstance(n, Mul):
        return ev(n.a) * ev(n.b)
    if isinstance(n, Div):
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.divide(ev(n.a), ev(n.b))
    if isinstance(n, Max):
        return np.maximum(ev(n.a), ev(n.b))
    if isinstance(n, Pos0):
        return np.maximum(ev(n.a), 0.0)
    if isinstance(n, Clip01):
        return np.clip(ev(n.a), 0.0, 1.0)
    if isinstance(n, AtLeast):
        # not np.fmax: on a tie of 0.0 and -0.0 its result depends on the array's length (SIMD loop)
        a, bound = ev(n.a), ev(n.bound)
        return _pick(a >= bound, a, bound)
    if isinstance(n, AtMost):
        a, bound = ev(n.a), ev(n.bound)
        return _pick(a <= bound, a, bound)
    if isinstance(n, Where):
        c = ev(n.cond)
        if isinstance(c, np.ndarray):
            return np.where(c, ev(n.a), ev(n.b))
        return ev(n.a) if c else ev(n.b)
    if isinstance(n, Greater):
        return ev(n.a) > ev(n.b)
    if isinstance(n, GreaterEq):
        return ev(n.a) >= ev(n.b)
    if isinstance(n, LessEq):
        return ev(n.a) <= ev(n.b)
    if isinstance(n, All):
        every: Any = True
        for c in n.conds:
            every = every & ev(c)
        return every
    if isinstance(n, AnyOf):
        some: Any = False
        for c in n.conds:
            some = some | ev(c)
        return some
    if isinstance(n, Not):
        a = ev(n.a)
        return ~a if isinstance(a, np.ndarray) else not a
    out = np.zeros(env.n, dtype=np.int64)
    for c in n.conds:
        out += ev(c)
    return out
