"""The safe expression language: text -> a tree of small numpy nodes.

Scenario authors write conditions, probabilities, weights and effects as short
Python-like expressions (``0.2 + 0.5 * tension``, ``crossed('nuclear') and turn > 3``,
``russia.resolve -= 0.1``). The text is parsed with :func:`ast.parse` and walked
against a whitelist; nothing is ever passed to ``eval``/``exec``. The result is a
tree of small attrs node objects (picklable, so it can go to worker processes)
whose ``__call__`` evaluates one node for a whole batch of games at once.

Semantics worth knowing (they are also what the tests pin down):

- every value is a float; ``True``/``False`` and comparisons give 1.0/0.0;
- truthiness is "nonzero"; ``and``/``or``/``not`` give 1.0/0.0 (not an operand);
- ``a / 0`` is 0 (no warning, no inf/nan): authors write ``hits / shots``;
- ``x ** n`` needs a constant whole ``n`` from 0 to 8 and is repeated multiplication,
  so results are bit-identical whatever the batch size (no ``pow``);
- ``exp``, ``log``, ``sqrt`` and ``normal_cdf`` (``MATH_FUNCTIONS``, one table both engines
  read) are the C library's, as Python's ``math`` calls it and the kernel calls it (numpy's
  own ``exp``/``log`` differ in the last bit); ``log`` and ``sqrt`` raise an argument below
  their floor (NaN included) to it: ``log`` of anything under 2.2e-308 is ``log(2.2e-308)``,
  about -708.4, ``sqrt`` of a negative is 0; a constant below the floor is an error;
- ``min``/``max`` propagate NaN whatever the argument order, and
  ``clip(x, lo, hi)`` is ``min(max(x, lo), hi)`` (so ``hi`` wins when ``lo > hi``);
- anything that does not depend on the state is folded to a constant at compile time
  (params are constants), and a constant expression evaluates to a Python float;
- a non-constant expression evaluates to a float64 array [B]; a bare variable gives a
  *view* of ``ctx.X[i]`` (or ``ctx.inst[i]``): callers must not modify the result.
"""

from __future__ import annotations

import ast
import math
import re
import sys
import warnings
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Protocol

import attrs
import numpy as np

from game.diagnostics import did_you_mean, foreign_character, look_alike_in_code

__all__ = [
    "BUILTIN_FUNCTIONS",
    "EFFECT_OPS",
    "MATH_FUNCTIONS",
    "MAX_CHARS",
    "MAX_DEPTH",
    "MAX_LITERAL",
    "MAX_NODES",
    "MAX_POWER",
    "Effect",
    "Expr",
    "ExprError",
    "MathFunction",
    "Names",
    "Ref",
    "compile_effect",
    "compile_expr",
]

MAX_CHARS = 1000  # longest accepted text
MAX_DEPTH = 40  # deepest nesting of expression nodes (a lone name has depth 1)
MAX_NODES = 400  # most expression nodes in one text
MAX_LITERAL = 1e12  # largest number literal, in absolute value
MAX_POWER = 8  # largest exponent in x ** n


@attrs.frozen
class MathFunction:
    """A function of one number, described once for both engines. ``floor``: the lowest
    argument it takes (anything below it, NaN included, is raised to it; None: it takes every
    number); ``scalar``: its value for one argument, the C library's (Python's ``math`` calls
    it), which ``Batch`` maps over the games; ``c``: the same call in C, ``{}`` the (floored)
    argument; ``vector``: a numpy function giving the very same bits, where one exists."""

    name: str
    floor: float | None
    scalar: Callable[[float], float]
    c: str
    says: str
    vector: Callable[[np.ndarray], np.ndarray] | None = None


def _exp(v: float) -> float:
    """e ** v as C's exp: infinite past about 709.78 (``math.exp`` raises there)."""
    try:
        return math.exp(v)
    except OverflowError:
        return INF


_SQRT1_2 = 0.7071067811865476  # 1 / sqrt(2), the double nearest (C's M_SQRT1_2)


def _normal_cdf(v: float) -> float:
    """P(Z <= v) for a standard normal Z: 0.5 * erfc(-v / sqrt(2)) (accurate in both tails)."""
    return 0.5 * math.erfc(-v * _SQRT1_2)


MATH_FUNCTIONS: dict[str, MathFunction] = {
    f.name: f
    for f in (
        MathFunction("exp", None, _exp, "exp({})", "e to the power x (infinite past x = 709.78)"),
        MathFunction(
            "log",
            sys.float_info.min,
            math.log,
            "log({})",
            "natural logarithm; anything under 2.2e-308 (0, a negative) counts as 2.2e-308, giving -708.4",
        ),
        MathFunction("sqrt", 0.0, math.sqrt, "sqrt({})", "square root; of a negative number, 0", np.sqrt),
        MathFunction(
            "normal_cdf",
            None,
            _normal_cdf,
            f"(0.5 * erfc(-({{}}) * {_SQRT1_2.hex()}))",
            "the chance that a standard normal draw is at most x (0.5 at 0, 0.975 at 1.96)",
        ),
    )
}
BUILTIN_FUNCTIONS = ("min", "max", "clip", "abs", *MATH_FUNCTIONS)
EFFECT_OPS = ("=", "+=", "-=", "*=")

INF = math.inf
Interval = tuple[float, float]
Ranges = Mapping[Any, tuple[float, float]]


# ---------------------------------------------------------------------------
# public value types


@attrs.frozen
class Ref:
    """What a name resolves to.

    ``kind`` is ``"const"`` (``value``, folded at compile time; params are consts),
    ``"column"`` (reads ``ctx.X[index]``) or ``"inst"`` (reads ``ctx.inst[index]``,
    a per-game instance constant such as the chosen target's value).
    """

    kind: str = attrs.field(validator=attrs.validators.in_(("const", "column", "inst")))
    index: int = -1
    value: float = 0.0


@attrs.frozen
class ExprError(Exception):
    """A problem in an author's expression; ``col`` is the 0-based offset in the text."""

    message: str
    col: int

    def __str__(self) -> str:
        return self.message


class Names(Protocol):
    """How the caller tells the compiler what names mean.

    The names passed in come straight from an author's text (any dotted identifier,
    e.g. ``tension.__class__``): treat them as keys to look up, never as attributes.
    """

    def lookup(self, name: str) -> Ref | None:
        """A (possibly dotted) name -> Ref, or None if unknown."""
        ...

    def lookup_call(self, func: str, arg: str) -> Ref | str | None:
        """``func('arg')`` -> Ref; None = unknown function; a str = an error message."""
        ...

    def known(self) -> Iterable[str]:
        """All valid names (used for "did you mean")."""
        ...

    def writable(self, name: str) -> Ref | None:
        """The column an effect may change, or None if it may not be changed."""
        ...


# ---------------------------------------------------------------------------
# interval helpers (for Expr.bounds)


def _fix(lo: float, hi: float) -> Interval:
    """Replace a NaN end (from inf - inf) by the infinite end that is always safe."""
    return (-INF if math.isnan(lo) else lo, INF if math.isnan(hi) else hi)


def _mul1(x: float, y: float) -> float:
    """x * y where 0 * inf counts as 0 (an exact zero times anything finite is zero)."""
    return 0.0 if x == 0.0 or y == 0.0 else x * y


def _iv_mul(a: Interval, b: Interval) -> Interval:
    """Interval product.

    >>> _iv_mul((-1.0, 2.0), (3.0, 4.0))
    (-4.0, 8.0)
    >>> _iv_mul((0.0, 0.0), (-math.inf, math.inf))
    (0.0, 0.0)
    """
    c = [_mul1(x, y) for x in a for y in b]
    return _fix(min(c), max(c))


def _quot(x: float, y: float, side: float) -> float:
    """x / y, where y == 0 stands for the limit from the ``side`` (+1/-1) of zero."""
    if y == 0.0:
        return 0.0 if x == 0.0 else math.copysign(INF, x) * side
    return x / y


def _iv_div(a: Interval, b: Interval) -> Interval:
    """Interval quotient with the language's rule ``x / 0 == 0``.

    >>> _iv_div((1.0, 2.0), (4.0, 8.0))
    (0.125, 0.5)
    >>> _iv_div((1.0, 2.0), (0.0, 4.0))
    (0.0, inf)
    >>> _iv_div((1.0, 2.0), (0.0, 0.0))
    (0.0, 0.0)
    """
    blo, bhi = b
    parts: list[tuple[float, float, float]] = []  # (lo, hi, side of zero)
    if bhi > 0.0:
        parts.append((max(blo, 0.0), bhi, 1.0))
    if blo < 0.0:
        parts.append((blo, min(bhi, 0.0), -1.0))
    cands = [0.0] if blo <= 0.0 <= bhi else []
    for lo, hi, side in parts:
        for x in a:
            for y in (lo, hi):
                q = _quot(x, y, side)
                if not math.isnan(q):  # inf / inf: the other corners bound it
                    cands.append(q)
    if not cands:
        return (-INF, INF)
    return (min(cands), max(cands))


def _ipow(x: Any, n: int) -> Any:
    """x ** n by repeated multiplication, left to right (n >= 1), as the nodes do it."""
    r = x
    for _ in range(n - 1):
        r = r * x
    return r


def _truth(iv: Interval) -> bool | None:
    """True/False when every value in the interval is nonzero/zero, else None."""
    lo, hi = iv
    if lo == 0.0 and hi == 0.0:
        return False
    if lo > 0.0 or hi < 0.0:
        return True
    return None


def _bool_iv(t: bool | None) -> Interval:
    return (0.0, 1.0) if t is None else (1.0, 1.0) if t else (0.0, 0.0)


def _cmp_iv(op: str, a: Interval, b: Interval) -> bool | None:
    """Whether ``a op b`` is surely true/false for all values in the intervals."""
    if op in (">", ">="):
        op, a, b = {">": "<", ">=": "<="}[op], b, a
    if op == "<":
        return True if a[1] < b[0] else False if a[0] >= b[1] else None
    if op == "<=":
        return True if a[1] <= b[0] else False if a[0] > b[1] else None
    same = a[0] == a[1] == b[0] == b[1]
    apart = a[1] < b[0] or b[1] < a[0]
    eq = True if same else False if apart else None
    if op == "==":
        return eq
    return None if eq is None else not eq


# ---------------------------------------------------------------------------
# nodes: each evaluates once per batch; a const child gives a Python float,
# anything else a float64 array [B]. ``own``/``out`` flags say a child's result is a
# fresh temporary the parent may overwrite (never a view of ctx.X / ctx.inst).


class _Node:
    __slots__ = ()

    def __call__(self, ctx: Any) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def iv(self, ranges: Ranges) -> Interval:  # pragma: no cover - overridden
        raise NotImplementedError

    def children(self) -> list[_Node]:
        out: list[_Node] = []
        for f in attrs.fields(type(self)):  # type: ignore[arg-type]  # every concrete node is an attrs class
            v = getattr(self, f.name)
            if isinstance(v, _Node):
                out.append(v)
            elif isinstance(v, tuple):
                out.extend(x for x in v if isinstance(x, _Node))
        return out


@attrs.frozen
class _Const(_Node):
    """A number. ``fixed``: written as a number in the text (or computed from such numbers
    only), so no parameter can change it; the compiled engine writes those into its source
    and keeps the others (params) in a table read at run time."""

    value: float
    fixed: bool = False
    name: str = ""  # the parameter it is, when it is one (``params.enforce_p``)

    def __call__(self, ctx: Any) -> float:
        return self.value

    def iv(self, ranges: Ranges) -> Interval:
        return (self.value, self.value)


@attrs.frozen
class _Col(_Node):
    index: int

    def __call__(self, ctx: Any) -> np.ndarray:
        return ctx.X[self.index]

    def iv(self, ranges: Ranges) -> Interval:
        lo, hi = ranges.get(self.index, (-INF, INF))
        return (float(lo), float(hi))


@attrs.frozen
class _Inst(_Node):
    index: int

    def __call__(self, ctx: Any) -> np.ndarray:
        return ctx.inst[self.index]

    def iv(self, ranges: Ranges) -> Interval:
        lo, hi = ranges.get(("inst", self.index), (-INF, INF))
        return (float(lo), float(hi))


_LEAVES = (_Const, _Col, _Inst)


def _owned(node: _Node) -> bool:
    """Whether ``node`` returns a fresh array its parent may overwrite."""
    return not isinstance(node, _LEAVES)


@attrs.frozen
class _Neg(_Node):
    a: _Node
    own: bool = False

    def __call__(self, ctx: Any) -> Any:
        a = self.a(ctx)
        return np.negative(a, out=a) if self.own else np.negative(a)

    def iv(self, ranges: Ranges) -> Interval:
        lo, hi = self.a.iv(ranges)
        return (-hi, -lo)


@attrs.frozen
class _Abs(_Node):
    a: _Node
    own: bool = False

    def __call__(self, ctx: Any) -> Any:
        a = self.a(ctx)
        return np.absolute(a, out=a) if self.own else np.absolute(a)

    def iv(self, ranges: Ranges) -> Interval:
        lo, hi = self.a.iv(ranges)
        if lo >= 0.0:
            return (lo, hi)
        if hi <= 0.0:
            return (-hi, -lo)
        return (0.0, max(-lo, hi))


@attrs.frozen
class _Bin(_Node):
    """Base of + - *: ``out`` 0 allocates, 1 writes into a's result, 2 into b's."""

    a: _Node
    b: _Node
    out: int = 0


@attrs.frozen
class _Add(_Bin):
    def __call__(self, ctx: Any) -> Any:
        a = self.a(ctx)
        b = self.b(ctx)
        if self.out == 1:
            return np.add(a, b, out=a)
        if self.out == 2:
            return np.add(a, b, out=b)
        return np.add(a, b)

    def iv(self, ranges: Ranges) -> Interval:
        a, b = self.a.iv(ranges), self.b.iv(ranges)
        return _fix(a[0] + b[0], a[1] + b[1])


@attrs.frozen
class _Sub(_Bin):
    def __call__(self, ctx: Any) -> Any:
        a = self.a(ctx)
        b = self.b(ctx)
        if self.out == 1:
            return np.subtract(a, b, out=a)
        if self.out == 2:
            return np.subtract(a, b, out=b)
        return np.subtract(a, b)

    def iv(self, ranges: Ranges) -> Interval:
        a, b = self.a.iv(ranges), self.b.iv(ranges)
        return _fix(a[0] - b[1], a[1] - b[0])


@attrs.frozen
class _Mul(_Bin):
    def __call__(self, ctx: Any) -> Any:
        a = self.a(ctx)
        b = self.b(ctx)
        if self.out == 1:
            return np.multiply(a, b, out=a)
        if self.out == 2:
            return np.multiply(a, b, out=b)
        return np.multiply(a, b)

    def iv(self, ranges: Ranges) -> Interval:
        return _iv_mul(self.a.iv(ranges), self.b.iv(ranges))


@attrs.frozen
class _DivConst(_Node):
    """a / c for a constant nonzero c (division, not multiplication by 1/c)."""

    a: _Node
    c: float
    own: bool = False

    def __call__(self, ctx: Any) -> Any:
        a = self.a(ctx)
        return np.divide(a, self.c, out=a) if self.own else np.divide(a, self.c)

    def iv(self, ranges: Ranges) -> Interval:
        return _iv_div(self.a.iv(ranges), (self.c, self.c))


@attrs.frozen
class _Div(_Node):
    """a / b with 0 wherever b == 0 (no warning, no inf/nan from the zero)."""

    a: _Node
    b: _Node

    def __call__(self, ctx: Any) -> Any:
        a = self.a(ctx)
        b = self.b(ctx)
        out = np.zeros(np.broadcast_shapes(np.shape(a), np.shape(b)))
        np.divide(a, b, out=out, where=np.not_equal(b, 0.0))
        return out if out.ndim else float(out)

    def iv(self, ranges: Ranges) -> Interval:
        return _iv_div(self.a.iv(ranges), self.b.iv(ranges))


@attrs.frozen
class _Pow(_Node):
    """a ** n (2 <= n <= MAX_POWER) as ((a * a) * a) ..."""

    a: _Node
    n: int

    def __call__(self, ctx: Any) -> Any:
        a = self.a(ctx)
        r = np.multiply(a, a)
        if isinstance(r, np.ndarray):
            for _ in range(self.n - 2):
                np.multiply(r, a, out=r)
        else:
            for _ in range(self.n - 2):
                r = np.multiply(r, a)
        return r

    def iv(self, ranges: Ranges) -> Interval:
        lo, hi = self.a.iv(ranges)
        n = self.n
        if n % 2 or lo >= 0.0:
            return (_ipow(lo, n), _ipow(hi, n))
        if hi <= 0.0:
            return (_ipow(hi, n), _ipow(lo, n))
        return (0.0, max(_ipow(lo, n), _ipow(hi, n)))


_CMP_UFUNCS: dict[str, Callable[..., Any]] = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


@attrs.frozen
class _Cmp(_Node):
    """A comparison chain ``x0 op0 x1 op1 x2 ...``; each operand is evaluated once."""

    operands: tuple[_Node, ...]
    ops: tuple[str, ...]

    def __call__(self, ctx: Any) -> Any:
        vals = [o(ctx) for o in self.operands]
        r = _CMP_UFUNCS[self.ops[0]](vals[0], vals[1])
        for i in range(1, len(self.ops)):
            r = np.logical_and(r, _CMP_UFUNCS[self.ops[i]](vals[i], vals[i + 1]))
        return r.astype(np.float64)

    def iv(self, ranges: Ranges) -> Interval:
        ivs = [o.iv(ranges) for o in self.operands]
        ts = [_cmp_iv(op, ivs[i], ivs[i + 1]) for i, op in enumerate(self.ops)]
        if any(t is False for t in ts):
            return (0.0, 0.0)
        return _bool_iv(True if all(t is True for t in ts) else None)


@attrs.frozen
class _Not(_Node):
    a: _Node

    def __call__(self, ctx: Any) -> Any:
        return np.equal(self.a(ctx), 0.0).astype(np.float64)

    def iv(self, ranges: Ranges) -> Interval:
        t = _truth(self.a.iv(ranges))
        return _bool_iv(None if t is None else not t)


@attrs.frozen
class _And(_Node):
    """All values nonzero -> 1.0 else 0.0 (one value: ``x != 0``)."""

    values: tuple[_Node, ...]

    def __call__(self, ctx: Any) -> Any:
        r = np.not_equal(self.values[0](ctx), 0.0)
        for v in self.values[1:]:
            r = np.logical_and(r, v(ctx))
        return r.astype(np.float64)

    def iv(self, ranges: Ranges) -> Interval:
        ts = [_truth(v.iv(ranges)) for v in self.values]
        if any(t is False for t in ts):
            return (0.0, 0.0)
        return _bool_iv(True if all(ts) else None)


@attrs.frozen
class _Or(_Node):
    """Any value nonzero -> 1.0 else 0.0 (one value: ``x != 0``)."""

    values: tuple[_Node, ...]

    def __call__(self, ctx: Any) -> Any:
        r = np.not_equal(self.values[0](ctx), 0.0)
        for v in self.values[1:]:
            r = np.logical_or(r, v(ctx))
        return r.astype(np.float64)

    def iv(self, ranges: Ranges) -> Interval:
        ts = [_truth(v.iv(ranges)) for v in self.values]
        if any(t is True for t in ts):
            return (1.0, 1.0)
        return _bool_iv(False if all(t is False for t in ts) else None)


@attrs.frozen
class _If(_Node):
    cond: _Node
    a: _Node
    b: _Node

    def __call__(self, ctx: Any) -> Any:
        return np.where(self.cond(ctx), self.a(ctx), self.b(ctx))

    def iv(self, ranges: Ranges) -> Interval:
        t = _truth(self.cond.iv(ranges))
        if t is not None:
            return (self.a if t else self.b).iv(ranges)
        a, b = self.a.iv(ranges), self.b.iv(ranges)
        return (min(a[0], b[0]), max(a[1], b[1]))


@attrs.frozen
class _MinMax(_Node):
    """min(...) / max(...), left to right; NaN in any argument gives NaN."""

    args: tuple[_Node, ...]
    is_max: bool
    own: bool = False  # the first argument's result may be overwritten

    def __call__(self, ctx: Any) -> Any:
        uf = np.maximum if self.is_max else np.minimum
        args = self.args
        a = args[0](ctx)
        r = uf(a, args[1](ctx), out=a) if self.own else uf(a, args[1](ctx))
        for node in args[2:]:
            r = uf(r, node(ctx), out=r) if isinstance(r, np.ndarray) else uf(r, node(ctx))
        return r

    def iv(self, ranges: Ranges) -> Interval:
        ivs = [n.iv(ranges) for n in self.args]
        pick = max if self.is_max else min
        return (pick(i[0] for i in ivs), pick(i[1] for i in ivs))


@attrs.frozen
class _Clip(_Node):
    """clip(x, lo, hi) = min(max(x, lo), hi)."""

    x: _Node
    lo: _Node
    hi: _Node
    own: bool = False

    def __call__(self, ctx: Any) -> Any:
        x = self.x(ctx)
        r = np.maximum(x, self.lo(ctx), out=x) if self.own else np.maximum(x, self.lo(ctx))
        if isinstance(r, np.ndarray):
            return np.minimum(r, self.hi(ctx), out=r)
        return np.minimum(r, self.hi(ctx))

    def iv(self, ranges: Ranges) -> Interval:
        x, lo, hi = self.x.iv(ranges), self.lo.iv(ranges), self.hi.iv(ranges)
        m = (max(x[0], lo[0]), max(x[1], lo[1]))
        return (min(m[0], hi[0]), min(m[1], hi[1]))


@attrs.frozen
class _Math(_Node):
    """A function of ``MATH_FUNCTIONS`` (by name, so the tree pickles)."""

    fn: str
    a: _Node

    def __call__(self, ctx: Any) -> Any:
        f = MATH_FUNCTIONS[self.fn]
        a = self.a(ctx)
        if isinstance(a, np.ndarray):
            if f.floor is not None:
                a = np.where(a >= f.floor, a, f.floor)
            if f.vector is not None:
                return f.vector(a)
            return np.fromiter(map(f.scalar, a.tolist()), np.float64, len(a))
        v = float(a)
        return f.scalar(v if f.floor is None or v >= f.floor else f.floor)

    def iv(self, ranges: Ranges) -> Interval:
        """Every function of the table is nondecreasing."""
        f = MATH_FUNCTIONS[self.fn]
        lo, hi = self.a.iv(ranges)
        if f.floor is not None:
            lo, hi = max(lo, f.floor), max(hi, f.floor)
        return (f.scalar(lo), f.scalar(hi))


def _fold(node: _Node) -> _Node:
    """Replace a node whose children are all constants by its value."""
    if isinstance(node, _LEAVES) or not all(isinstance(c, _Const) for c in node.children()):
        return node
    with np.errstate(all="ignore"):
        value = float(node(None))
    if not math.isfinite(value):
        raise ExprError("a constant part of this expression is too large (it overflows)", 0)
    consts = [c for c in _walk(node) if isinstance(c, _Const)]
    return _Const(value, bool(consts) and all(c.fixed for c in consts) and not _has_param_divisor(node))


def _has_param_divisor(node: _Node) -> bool:
    """A ``_DivConst`` keeps its divisor as a float, not a node: count it as a parameter."""
    return any(isinstance(n, _DivConst) for n in _walk(node))


def _walk(node: _Node) -> Iterable[_Node]:
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(n.children())


# ---------------------------------------------------------------------------
# compiled values


@attrs.frozen
class Expr:
    """A compiled expression; call it with a context having ``X`` [S, B] and ``inst``."""

    source: str
    reads: frozenset[int]
    const: float | None
    root: _Node = attrs.field(repr=False)

    def __call__(self, ctx: Any) -> np.ndarray | float:
        """Evaluate for the whole batch: a float64 array [B], or a float when constant.

        The array may be a view of ``ctx.X``/``ctx.inst`` (for a bare variable):
        do not modify it in place.
        """
        if self.const is not None:
            return self.const
        with np.errstate(all="ignore"):
            return self.root(ctx)

    def bounds(self, ranges: Ranges | None = None) -> tuple[float, float]:
        """A conservative (lo, hi) of the value, by interval arithmetic.

        ``ranges`` maps a column index (or ``("inst", i)``) to its (lo, hi); anything
        missing is (-inf, inf). NaN inputs are not considered.
        """
        if self.const is not None:
            return (self.const, self.const)
        lo, hi = self.root.iv(ranges or {})
        return (float(lo), float(hi))


_EFFECT_UFUNCS: dict[str, Callable[..., Any]] = {
    "+=": np.add,
    "-=": np.subtract,
    "*=": np.multiply,
}


@attrs.frozen
class Effect:
    """A compiled ``target op expr`` (op in ``=``, ``+=``, ``-=``, ``*=``)."""

    source: str
    target: int
    op: str
    expr: Expr

    def apply(self, ctx: Any, mask: np.ndarray | None = None) -> None:
        """Update ``ctx.X[target]`` in place; with ``mask`` (bool [B]) only those games."""
        row = ctx.X[self.target]
        with np.errstate(all="ignore"):
            value = self.expr.const if self.expr.const is not None else self.expr.root(ctx)
            if self.op == "=":
                if mask is None:
                    row[...] = value
                else:
                    np.copyto(row, value, where=mask)
            elif mask is None:
                _EFFECT_UFUNCS[self.op](row, value, out=row)
            else:
                _EFFECT_UFUNCS[self.op](row, value, out=row, where=mask)


# ---------------------------------------------------------------------------
# the compiler

_REFUSED_NODES: dict[type, str] = {
    ast.Subscript: "subscripts like x[0] are not allowed",
    ast.Slice: "slices like x[1:2] are not allowed",
    ast.Lambda: "lambda functions are not allowed",
    ast.ListComp: "comprehensions like [x for x in y] are not allowed",
    ast.SetComp: "comprehensions like [x for x in y] are not allowed",
    ast.DictComp: "comprehensions like [x for x in y] are not allowed",
    ast.GeneratorExp: "comprehensions like [x for x in y] are not allowed",
    ast.List: "lists like [a, b] are not allowed",
    ast.Tuple: "tuples like (a, b) are not allowed",
    ast.Set: "sets like {a, b} are not allowed",
    ast.Dict: "dictionaries like {'a': 1} are not allowed",
    ast.JoinedStr: "f-strings like f'{x}' are not allowed",
    ast.FormattedValue: "f-strings like f'{x}' are not allowed",
    ast.NamedExpr: "the walrus operator := is not allowed",
    ast.Starred: "starred expressions like *x are not allowed",
    ast.Await: "'await' is not allowed",
    ast.Yield: "'yield' is not allowed",
    ast.YieldFrom: "'yield' is not allowed",
}

_REFUSED_BINOPS: dict[type, tuple[str, str]] = {  # op type -> (symbol, message)
    ast.Mod: ("%", "the remainder operator % is not allowed"),
    ast.FloorDiv: ("//", "floor division // is not allowed (use /)"),
    ast.BitAnd: ("&", "the bitwise operator & is not allowed (use 'and')"),
    ast.BitOr: ("|", "the bitwise operator | is not allowed (use 'or')"),
    ast.BitXor: ("^", "the bitwise operator ^ is not allowed (for powers use **)"),
    ast.LShift: ("<<", "the shift operator << is not allowed"),
    ast.RShift: (">>", "the shift operator >> is not allowed"),
    ast.MatMult: ("@", "the matrix operator @ is not allowed"),
}

_CMP_SYMBOLS: dict[type, str] = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
}

_REFUSED_CMPS: dict[type, tuple[str, str]] = {
    ast.In: ("in", "'in' is not allowed"),
    ast.NotIn: ("not", "'not in' is not allowed"),
    ast.Is: ("is", "'is' is not allowed (use ==)"),
    ast.IsNot: ("is", "'is not' is not allowed (use !=)"),
}

_AUG_OPS: dict[type, str] = {ast.Add: "+=", ast.Sub: "-=", ast.Mult: "*="}
_EFFECT_EXAMPLE = "like 'tension += 0.1'"
_NEWLINE = re.compile(r"\r\n|\r|\n")


def _dotted(node: ast.AST) -> str | None:
    """The dotted name of a Name/Attribute chain, or None for anything else.

    >>> _dotted(ast.parse("russia.resolve", mode="eval").body)
    'russia.resolve'
    >>> _dotted(ast.parse("f(x).y", mode="eval").body) is None
    True
    """
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _measure(tree: ast.AST) -> tuple[int, int]:
    """(expression nodes, deepest nesting of expression nodes), without recursion.

    >>> _measure(ast.parse("a + b * c", mode="eval"))
    (5, 3)
    """
    count = depth = 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:  # ast.iter_child_nodes's children, read off ``_fields`` directly: 3x faster
        node, d = stack.pop()
        if isinstance(node, ast.expr):
            d += 1
            count += 1
            depth = max(depth, d)
        for name in node._fields:
            child = getattr(node, name, None)
            if isinstance(child, ast.AST):
                stack.append((child, d))
            elif isinstance(child, list):
                stack.extend((x, d) for x in child if isinstance(x, ast.AST))
    return count, depth


class _Source:
    """The text being compiled, for turning (line, col) into 0-based offsets."""

    def __init__(self, text: str):
        self.text = text
        self.lead = len(text) - len(text.lstrip())  # parsed text starts here
        self.body = text[self.lead :]
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(self.body)]

    def offset(self, lineno: int | None, col: int | None, *, utf8: bool = True) -> int:
        """Absolute 0-based character offset of (1-based line, col) in ``text``."""
        if not lineno:
            return 0
        i = min(max(lineno, 1), len(self.starts)) - 1
        start = self.starts[i]
        col = max(col or 0, 0)
        if utf8:
            line = self.body[start : self.starts[i + 1] if i + 1 < len(self.starts) else None]
            col = len(line.encode("utf-8")[:col].decode("utf-8", errors="ignore"))
        return min(self.lead + start + col, len(self.text))

    def col(self, node: ast.AST) -> int:
        return self.offset(getattr(node, "lineno", None), getattr(node, "col_offset", None))

    def end(self, node: ast.AST) -> int:
        return self.offset(getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None))

    def between(self, left: ast.AST, right: ast.AST, symbol: str) -> int:
        """Offset of ``symbol`` between two nodes (an operator), else of ``left``."""
        lo, hi = self.end(left), self.col(right)
        i = self.text.find(symbol, lo, hi)
        return i if i >= 0 else self.col(left)

    def segment(self, node: ast.AST) -> str:
        return self.text[self.col(node) : self.end(node)]


def _syntax_error(src: _Source, e: SyntaxError) -> ExprError:
    """An ExprError for a SyntaxError, with a friendlier reason in two common cases."""
    reason = (e.msg or "invalid syntax").rstrip(".")
    text = src.text
    if not e.lineno:
        col = 0
    elif e.offset:  # 1-based, in characters
        col = src.offset(e.lineno, e.offset - 1, utf8=False)
    else:  # 0 at the end of the text: point at the end of that line
        col = src.offset(e.lineno + 1, 0, utf8=False) if e.lineno < len(src.starts) else len(text)
        col = len(text[:col].rstrip())
    if reason == "invalid syntax":
        if col >= len(text.rstrip()):
            reason = "the expression ends too early"
        elif text[col] == "=" and text[col + 1 : col + 2] != "=":
            reason = "invalid syntax (use == to compare)"
    return ExprError(f"syntax error: {reason}", col)


def _parse(src: _Source, mode: str) -> ast.AST:
    text = src.text
    if len(text) > MAX_CHARS:
        raise ExprError(
            f"expression is too long ({len(text)} characters; the limit is {MAX_CHARS})",
            MAX_CHARS,
        )
    if not src.body.strip():
        raise ExprError("the expression is empty", 0)
    look_alike = look_alike_in_code(text)
    if look_alike is not None:
        raise ExprError(look_alike[1], look_alike[0])
    try:
        with warnings.catch_warnings():  # e.g. invalid escapes in a quoted name
            warnings.simplefilter("ignore")
            tree = ast.parse(src.body, mode=mode)
    except SyntaxError as e:
        raise _syntax_error(src, e) from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as e:
        raise ExprError(f"syntax error: {e}", 0) from None
    count, depth = _measure(tree)
    if depth > MAX_DEPTH:
        raise ExprError(f"expression is too deeply nested (depth {depth}; the limit is {MAX_DEPTH})", 0)
    if count > MAX_NODES:
        raise ExprError(f"expression is too complex ({count} parts; the limit is {MAX_NODES})", 0)
    return tree


class _Compiler:
    def __init__(self, src: _Source, names: Names, lookup_functions: Iterable[str]):
        self.src = src
        self.names = names
        self.lookups = sorted({f for f in lookup_functions if f not in BUILTIN_FUNCTIONS})

    def error(self, message: str, where: ast.AST | int) -> ExprError:
        col = where if isinstance(where, int) else self.src.col(where)
        return ExprError(message, col)

    # -- names ---------------------------------------------------------------

    def ref_node(self, ref: Ref, name: str = "") -> _Node:
        if ref.kind == "const":
            return _Const(float(ref.value), False, name)
        if ref.kind == "column":
            return _Col(int(ref.index))
        return _Inst(int(ref.index))

    def name(self, dotted: str, node: ast.AST) -> _Node:
        ref = self.names.lookup(dotted)
        if ref is None:
            if dotted in BUILTIN_FUNCTIONS or dotted in self.lookups:
                raise self.error(f"'{dotted}' is a function: call it like {dotted}(...)", node)
            hint = did_you_mean(dotted, self.names.known())
            foreign = foreign_character(dotted) if hint else None
            if foreign:  # a Cyrillic 'е' in 'tеnsion': the suggestion would look the same
                raise self.error(f"unknown variable {dotted!r}: {foreign}", node)
            raise self.error(f"unknown variable {dotted!r}{hint}", node)
        return self.ref_node(ref, dotted)

    def unknown_function(self, name: str, node: ast.AST) -> ExprError:
        allowed = [f for f in (*BUILTIN_FUNCTIONS, *self.lookups) if f != name]
        hint = did_you_mean(name, allowed)
        if hint:
            return self.error(f"unknown function {name!r}{hint}", node)
        return self.error(f"unknown function {name!r} (known: {', '.join(allowed)})", node)

    def strings_message(self) -> str:
        if not self.lookups:
            return "strings are not allowed in expressions"
        funcs = ", ".join(f"{f}()" for f in self.lookups)
        return f"strings are only allowed as the argument of {funcs}"

    # -- expressions ---------------------------------------------------------

    def expr(self, node: ast.AST) -> _Node:
        if isinstance(node, ast.Constant):
            return self.constant(node)
        if isinstance(node, (ast.Name, ast.Attribute)):
            dotted = _dotted(node)
            if dotted is None:
                raise self.error("attributes are only allowed on names, like russia.resolve", node)
            return self.name(dotted, node)
        if isinstance(node, ast.UnaryOp):
            return self.unary(node)
        if isinstance(node, ast.BinOp):
            return self.binop(node)
        if isinstance(node, ast.BoolOp):
            return self.boolop(node)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.IfExp):
            cond = self.expr(node.test)
            a, b = self.expr(node.body), self.expr(node.orelse)
            if isinstance(cond, _Const):
                return a if cond.value != 0.0 else b
            return _fold(_If(cond, a, b))
        if isinstance(node, ast.Call):
            return self.call(node)
        message = _REFUSED_NODES.get(type(node))
        if message is None:
            message = f"{type(node).__name__} expressions are not allowed"
        raise self.error(message, node)

    def constant(self, node: ast.Constant) -> _Node:
        v = node.value
        if isinstance(v, bool):
            return _Const(1.0 if v else 0.0, True)
        if isinstance(v, (int, float)):
            if not abs(v) <= MAX_LITERAL:  # also catches inf/nan
                seg = self.src.segment(node) or repr(v)
                raise self.error(f"number {seg} is too large (the limit is 1e12)", node)
            return _Const(float(v), True)
        if isinstance(v, (str, bytes)):
            raise self.error(self.strings_message(), node)
        if isinstance(v, complex):
            raise self.error("complex numbers like 1j are not allowed", node)
        if v is None:
            raise self.error("None is not allowed", node)
        raise self.error(f"{self.src.segment(node) or repr(v)} is not allowed", node)

    def unary(self, node: ast.UnaryOp) -> _Node:
        if isinstance(node.op, ast.Invert):
            raise self.error("the bitwise operator ~ is not allowed (use 'not')", node)
        a = self.expr(node.operand)
        if isinstance(node.op, ast.UAdd):
            return a
        if isinstance(node.op, ast.Not):
            return _fold(_Not(a))
        return _fold(_Neg(a, _owned(a)))

    def binop(self, node: ast.BinOp) -> _Node:
        refused = _REFUSED_BINOPS.get(type(node.op))
        if refused is not None:
            symbol, message = refused
            raise self.error(message, self.src.between(node.left, node.right, symbol))
        a = self.expr(node.left)
        if isinstance(node.op, ast.Pow):
            return self.power(a, node)
        b = self.expr(node.right)
        out = 1 if _owned(a) else 2 if _owned(b) else 0
        if isinstance(node.op, ast.Add):
            return _fold(_Add(a, b, out))
        if isinstance(node.op, ast.Sub):
            return _fold(_Sub(a, b, out))
        if isinstance(node.op, ast.Mult):
            return _fold(_Mul(a, b, out))
        # ast.Div (every other operator was refused above)
        if isinstance(b, _Const):
            if b.value == 0.0:
                return _Const(0.0)  # x / 0 == 0
            return _fold(_DivConst(a, b.value, _owned(a)))
        return _fold(_Div(a, b))

    def power(self, a: _Node, node: ast.BinOp) -> _Node:
        n = self.expr(node.right)
        if not (isinstance(n, _Const) and n.value == int(n.value) and 0 <= n.value <= MAX_POWER):
            raise self.error(
                f"the power in x ** n must be a whole number from 0 to {MAX_POWER}, like x ** 2",
                node.right,
            )
        k = int(n.value)
        if k == 0:
            return _Const(1.0)
        if k == 1:
            return a
        return _fold(_Pow(a, k))

    def boolop(self, node: ast.BoolOp) -> _Node:
        values = [self.expr(v) for v in node.values]
        is_and = isinstance(node.op, ast.And)
        rest: list[_Node] = []
        for v in values:
            if isinstance(v, _Const):
                truthy = v.value != 0.0  # NaN counts as true
                if truthy != is_and:  # a false 'and' operand / a true 'or' operand decides
                    return _Const(0.0 if is_and else 1.0)
            else:
                rest.append(v)
        if not rest:
            return _Const(1.0 if is_and else 0.0)
        return _And(tuple(rest)) if is_and else _Or(tuple(rest))

    def compare(self, node: ast.Compare) -> _Node:
        ops: list[str] = []
        left = node.left
        for op, right in zip(node.ops, node.comparators, strict=True):
            refused = _REFUSED_CMPS.get(type(op))
            if refused is not None:
                symbol, message = refused
                raise self.error(message, self.src.between(left, right, symbol))
            ops.append(_CMP_SYMBOLS[type(op)])
            left = right
        operands = tuple(self.expr(x) for x in [node.left, *node.comparators])
        return _fold(_Cmp(operands, tuple(ops)))

    def call(self, node: ast.Call) -> _Node:
        if not isinstance(node.func, (ast.Name, ast.Attribute)):
            raise self.error("only named functions can be called, like min(a, b)", node)
        fname = _dotted(node.func)
        if fname is None:
            raise self.error("attributes are only allowed on names, like russia.resolve", node)
        if fname not in BUILTIN_FUNCTIONS and fname not in self.lookups:
            raise self.unknown_function(fname, node.func)
        for kw in node.keywords:
            if kw.arg is None:
                raise self.error("arguments like f(**x) are not allowed", kw)
            raise self.error("keyword arguments like f(x=1) are not allowed", kw)
        for arg in node.args:
            if isinstance(arg, ast.Starred):
                raise self.error("arguments like f(*x) are not allowed", arg)
        args = node.args
        if fname in BUILTIN_FUNCTIONS:
            nodes = tuple(self.expr(a) for a in args)  # refused constructs first
            if fname in ("min", "max"):
                if len(nodes) < 2:
                    raise self.error(f"{fname}() needs at least 2 values, like {fname}(a, b)", node)
                return _fold(_MinMax(nodes, fname == "max", _owned(nodes[0])))
            if fname in MATH_FUNCTIONS:
                return self.math(fname, nodes, node)
            if fname == "clip":
                if len(nodes) != 3:
                    raise self.error("clip() needs 3 values: clip(x, low, high)", node)
                x, lo, hi = nodes
                return _fold(_Clip(x, lo, hi, _owned(x)))
            if len(nodes) != 1:
                raise self.error("abs() needs 1 value: abs(x)", node)
            return _fold(_Abs(nodes[0], _owned(nodes[0])))
        # a lookup function: exactly one string literal
        if len(args) != 1 or not (isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)):
            raise self.error(f"{fname}() needs one name in quotes, like {fname}('name')", node)
        result = self.names.lookup_call(fname, args[0].value)
        if result is None:
            raise self.unknown_function(fname, node.func)
        if isinstance(result, str):
            raise self.error(result, args[0])
        return self.ref_node(result)

    def math(self, fname: str, nodes: tuple[_Node, ...], node: ast.Call) -> _Node:
        if len(nodes) != 1:
            raise self.error(f"{fname}() needs 1 value: {fname}(x)", node)
        (a,) = nodes
        floor = MATH_FUNCTIONS[fname].floor
        if isinstance(a, _Const) and floor is not None and not a.value >= floor:
            lowest = "above 0" if floor > 0 else "0 or more"
            raise self.error(f"{fname}() of {a.value:g} is undefined: its value must be {lowest}", node.args[0])
        return _fold(_Math(fname, a))

    def finish(self, root: _Node, source: str) -> Expr:
        reads = frozenset(n.index for n in _walk(root) if isinstance(n, _Col))
        const = root.value if isinstance(root, _Const) else None
        return Expr(source, reads, const, root)


def compile_expr(text: str, names: Names, lookup_functions: Iterable[str] = ()) -> Expr:
    """Compile an expression; raise :class:`ExprError` for anything not allowed.

    ``lookup_functions`` are the names of functions taking one quoted name
    (``crossed('nuclear')``), resolved through ``names.lookup_call``.

    >>> class NoNames:
    ...     def lookup(self, name): return None
    ...     def lookup_call(self, func, arg): return None
    ...     def known(self): return []
    ...     def writable(self, name): return None
    >>> compile_expr("min(2 ** 3, 10) / 4", NoNames()).const
    2.0
    >>> compile_expr("1 / 0", NoNames()).const
    0.0
    """
    if not isinstance(text, str):
        raise TypeError(f"expression text must be a str, not {type(text).__name__}")
    src = _Source(text)
    tree = _parse(src, "eval")
    assert isinstance(tree, ast.Expression)
    comp = _Compiler(src, names, lookup_functions)
    return comp.finish(comp.expr(tree.body), text)


def compile_effect(text: str, names: Names, lookup_functions: Iterable[str] = ()) -> Effect:
    """Compile ``target = expr`` / ``+=`` / ``-=`` / ``*=``; the target must be writable."""
    if not isinstance(text, str):
        raise TypeError(f"effect text must be a str, not {type(text).__name__}")
    src = _Source(text)
    tree = _parse(src, "exec")
    assert isinstance(tree, ast.Module)
    comp = _Compiler(src, names, lookup_functions)
    if len(tree.body) != 1:
        where = src.col(tree.body[1]) if len(tree.body) > 1 else 0
        raise ExprError(f"an effect must be exactly one change, {_EFFECT_EXAMPLE}", where)
    stmt = tree.body[0]
    if isinstance(stmt, ast.AugAssign):
        op = _AUG_OPS.get(type(stmt.op))
        if op is None:
            raise comp.error(f"only =, +=, -= and *= can be used in an effect, {_EFFECT_EXAMPLE}", stmt)
        target: ast.expr = stmt.target
    elif isinstance(stmt, ast.Assign):
        if len(stmt.targets) != 1:
            raise comp.error("an effect can change only one variable at a time", stmt.targets[1])
        op, target = "=", stmt.targets[0]
    elif isinstance(stmt, ast.Expr):
        raise comp.error(f"an effect must change a variable, {_EFFECT_EXAMPLE}", stmt)
    else:
        raise comp.error(f"an effect must be one change, {_EFFECT_EXAMPLE}", stmt)
    assert stmt.value is not None
    dotted = _dotted(target)
    if dotted is None:
        if isinstance(target, (ast.Tuple, ast.List)):
            raise comp.error("an effect can change only one variable at a time", target)
        message = _REFUSED_NODES.get(type(target), "an effect can only change a variable")
        raise comp.error(message, target)
    ref = names.writable(dotted)
    if ref is None or ref.kind != "column":
        if names.lookup(dotted) is not None:
            raise comp.error(f"{dotted!r} cannot be changed by an effect", target)
        hint = did_you_mean(dotted, names.known())
        raise comp.error(f"unknown variable {dotted!r}{hint}", target)
    expr = comp.finish(comp.expr(stmt.value), src.segment(stmt.value))
    return Effect(text, int(ref.index), op, expr)
