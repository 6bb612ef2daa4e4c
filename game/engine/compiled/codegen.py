"""Generate a scenario's kernel in C: the turn pipeline of ``Batch``, one game at a time.

The batch engine evaluates each rule for all games with numpy; for a million headless
games that is thousands of passes over memory a turn. The kernel plays the same rules
game by game in machine code, keeping one game's state in a small vector for all its
turns. It is generated from the compiled ``Rules`` (never from an author's text:
expressions come from their checked trees, names are column numbers) and it must give
the very same numbers as ``Batch``: tests compare the two on every shipped scenario,
random seeds, presets and parameter values, tally for tally and game for game.

Each phase mirrors the ``Batch`` method it is named after, in the same order of
operations (the phases themselves in the order of ``game.engine.phases.TURN``, which both
walk), so floating-point results match to the last bit (IEEE doubles, no
contraction to fused multiply-add, no fast-math). The formulas inside the phases are not
rewritten here: a response's chance and their scaling, the categorical draws, the
policies' weights (presets, tit-for-tat, doctrines) and a variable's bounds are trees of
``game.engine.formulas``, built once (the policies build theirs from an observation) and
taken from the probe ``Batch``; ``formula`` prints each node as C with the meaning
``formulas.evaluate`` gives it in numpy, ``emit`` computes a shared subtree once. Change a
formula there and both engines follow (``tests/test_formulas.py`` shows it). Every number that comes from the
scenario (constants in expressions, thresholds, weights, production) is read from an
array ``K`` at run time (one slot per number, even for equal values), so a sweep over
parameter values reuses one compiled kernel: only the *shape* of the rules is in the
source. A value that changes the shape (a chance of exactly 0 drops its draw, a weight of
exactly 0 drops its option, a constant delta of exactly 0 is not written, a variable's bound
of 0 is held by other C than a bound that is not) gives another source and another build.

What the scenario fixes is fixed in the source, so a turn is mostly straight-line code (the
count of instructions per game-turn under callgrind is ``bench/bench_callgrind.py``): an
instance's effects are its own case of a jump on the instance (its deltas, rungs, effects and
the clips of the columns it wrote), a value that is the same in every game (a subtree of
numbers only, like a chance clipped to [0, 1]) is computed once a call into a slot of K after
the scenario's numbers (``hoist``), and so is a table of a subtree whose only input from the
game is a rung, at every rung (``tabulate``: tit-for-tat's share); a max of rungs (never NaN)
needs no NaN test, and the phases are inlined into the play loop. What the generator can prove
from the numbers it sees is not tested again at run time, each cut keeping the same bits: a
bound that is not 0 (one maxsd), a clip's side a constant drift cannot cross while every
variable starts in range, a weight's floor at 0 where its span is never below 0
(``formula_span``).

What is not here falls back to ``Batch``: human and scripted seats, and recorders.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping

import numpy as np

from game.engine import formulas, phases
from game.engine.batch import Batch
from game.engine.formulas import (
    Add,
    All,
    AnyOf,
    AtLeast,
    AtMost,
    Clip01,
    Column,
    Count,
    Div,
    Formula,
    Given,
    Greater,
    GreaterEq,
    Holds,
    LessEq,
    Max,
    Mul,
    Node,
    Not,
    Num,
    Pos0,
    Sub,
    Where,
)
from game.expr.compiler import (
    MATH_FUNCTIONS,
    Expr,
    _Abs,
    _Add,
    _And,
    _Clip,
    _Cmp,
    _Col,
    _Const,
    _Div,
    _DivConst,
    _If,
    _Inst,
    _Math,
    _MinMax,
    _Mul,
    _Neg,
    _Not,
    _Or,
    _Pow,
    _Sub,
)

# per-game integer results, rows of ``ints``
INT_FIELDS = (
    "outcome",
    "turns",
    "max_rung",
    "accidents",
    "escalations",
    "divergent",
    "signals_sent",
    "clipped",
    "fog_escalations",
)

PRELUDE = r"""
#include <stdint.h>
#include <math.h>
#define restrict __restrict__
/* the phases of a turn go inline into the play loop (a call passes seven arguments and saves
   registers: dozens of instructions a turn); a red line's firing, rare, stays a call */
#if defined(__GNUC__)
#define INLINE static inline __attribute__((always_inline))
#define RARE static __attribute__((noinline))
#else
#define INLINE static inline
#define RARE static
#endif

typedef struct {
    const uint64_t *keys; int64_t n_sites; const double *K;
    const double *inst_rung; const int64_t *inst_action; const uint8_t *inst_ok; const int64_t *inst_weapon;
    const double *inst_value; const double *inst_dist;
    int64_t B; int64_t *ints; double *score; double *objective; int64_t *crossed_turn; int64_t *crossed_by;
    int64_t *trips; int64_t *action_counts; int64_t *rung_hist; int64_t rung_width; int64_t *signal_counts;
    int64_t *response_counts; int64_t response_width;
    uint64_t mix1, mix2; /* splitmix64's multipliers, read from memory (see redline_play) */
} Ctx;

/* rng.draw for one game: splitmix64 of (game, key), 53 bits as a float in [0, 1); ``gg`` is the
   game's number times the golden gamma (once per game) */
static inline double draw1(uint64_t gg, uint64_t key, uint64_t mix1, uint64_t mix2) {
    uint64_t z = gg + key;
    z ^= z >> 30; z *= mix1;
    z ^= z >> 27; z *= mix2;
    z ^= z >> 31;
    return (double)(z >> 11) * 0x1p-53;
}
/* np.maximum / np.minimum: NaN in either argument gives NaN; a tie (0.0 and -0.0) gives b */
static inline double nmax(double a, double b) { if (a != a) return a; if (b != b) return b; return a > b ? a : b; }
static inline double nmin(double a, double b) { if (a != a) return a; if (b != b) return b; return a < b ? a : b; }
/* the same for numbers known not to be NaN (rungs): one instruction */
static inline double nnmax(double a, double b) { return a > b ? a : b; }
static inline double nnmin(double a, double b) { return a < b ? a : b; }
/* a value held to a bound that is not NaN (a NaN becomes the bound; a tie gives v), as formulas.evaluate */
static inline double fmax_b(double v, double lo) { return v >= lo ? v : lo; }
static inline double fmin_b(double v, double hi) { return v <= hi ? v : hi; }
/* the same where the generator sees the bound: not 0 (nor NaN), a tie is the very same number, so
   the strict comparison (one maxsd / minsd) gives the same bits; a bound of +0.0 is a compare and a mask */
static inline double fmax_nz(double v, double lo) { return v > lo ? v : lo; }
static inline double fmin_nz(double v, double hi) { return v < hi ? v : hi; }
static inline double fmax_p0(double v) { return v >= 0.0 ? v : 0.0; }
/* np.maximum(w, 0) of a policy weight (NaN stays NaN; -0.0 gives 0.0) */
static inline double pos0(double w) { return w <= 0.0 ? 0.0 : w; }
/* the larger of two rungs (engine columns, never NaN; a tie gives a), written as one maxsd */
static inline double rmax(double a, double b) { return b > a ? b : a; }
/* np.clip(v, 0, 1): NaN stays NaN, -0.0 stays -0.0 */
static inline double clip01(double v) { return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v); }
/* the expression language's a / b: 0 where b is 0 */
static inline double div0(double a, double b) { return b != 0.0 ? a / b : 0.0; }
/* a ** n as the batch engine computes it: ((a * a) * a) ... */
static inline double ipow(double a, int n) { double r = a * a; for (int i = 2; i < n; i++) r = r * a; return r; }

/* a categorical draw's count of running sums at most the threshold, two at a time where the compiler
   has vectors (a packed compare is -1 where it holds; a NaN pad never holds), one at a time elsewhere */
#if defined(__GNUC__)
typedef double v2d __attribute__((vector_size(16)));
typedef int64_t v2i __attribute__((vector_size(16)));
#define LE2(a, b, t) ((v2i)((v2d){(a), (b)} <= (v2d){(t), (t)}))
static inline int64_t le_count(v2i m) { return -(m[0] + m[1]); }
#else
#define LE2(a, b, t) (-(int64_t)((a) <= (t)) - (int64_t)((b) <= (t)))
#define le_count(m) (-(m))
#endif

#define U(j) draw1(gg, c->keys[t * c->n_sites + (j)], c->mix1, c->mix2)
"""

_INFIX = {_Add: "+", _Sub: "-", _Mul: "*"}

# gg: the game's part of its draws' hash
ARGS = "const Ctx *restrict c, double *restrict x, const double *restrict K, int64_t t, int64_t g, uint64_t gg"
CALL = "c, x, K, t, g, gg"


class Unsupported(Exception):
    """The scenario or a policy needs something only ``Batch`` does (the caller falls back)."""


class _Src:
    """Lines of C with indentation; ``block(head)`` opens ``head {`` and closes it."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.depth = 1

    def __call__(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def block(self, head: str) -> _Block:
        self(head + " {")
        self.depth += 1
        return _Block(self)


class _Block:
    def __init__(self, src: _Src):
        self.src = src

    def __enter__(self) -> _Src:
        return self.src

    def __exit__(self, *exc) -> None:
        self.src.depth -= 1
        self.src("}")


def _chain(n: int) -> str:
    return "if" if n == 0 else "else if"


class KernelSource:
    """The generated C source, the constants it reads (``K``) and its draw sites in order."""

    def __init__(self, text: str, K: np.ndarray, sites: list[int]):
        self.text, self.K, self.sites = text, K, sites


def _check_policy(policy):
    if policy.plays_by_formulas():
        return policy
    raise Unsupported(f"policy {policy.name!r} runs on the batch engine")


_FORMULA_INFIX = {Add: "+", Sub: "-", Mul: "*", Div: "/"}
_FORMULA_CMP = {Greater: ">", GreaterEq: ">=", LessEq: "<="}
_FORMULA_CALL = {Max: "nmax", AtLeast: "fmax_b", AtMost: "fmin_b"}
_FORMULA_LEAVES = (Num, Column, Given)
# the nodes whose value is a double: computed once a call where they are constant
_FORMULA_HOISTED = (Add, Sub, Mul, Div, Max, AtLeast, AtMost, Pos0, Clip01)


def _expr_children(n) -> tuple:
    """The nodes of an expression tree that ``n`` is computed from."""
    t = type(n)
    if t in (_Neg, _Abs, _Pow, _Not, _Math, _DivConst):
        return (n.a,)
    if t in _INFIX or t is _Div:
        return (n.a, n.b)
    if t is _Cmp:
        return tuple(n.operands)
    if t in (_And, _Or):
        return tuple(n.values)
    if t is _If:
        return (n.cond, n.a, n.b)
    if t is _MinMax:
        return tuple(n.args)
    if t is _Clip:
        return (n.x, n.lo, n.hi)
    return ()


def _expr_constant(n) -> bool:
    """Whether an expression node is the same in every game and turn (numbers only)."""
    if type(n) is _Const:
        return True
    kids = _expr_children(n)
    return bool(kids) and all(_expr_constant(k) for k in kids)


def formula_span(n: Node, ranges: Mapping[int, tuple[float, float]]) -> tuple[float, float] | None:
    """(lo, hi) holding a formula's value in every game, or None when it may be NaN or
    infinite (interval arithmetic on the numbers the generator sees; every intermediate
    finite, so no NaN can arise: IEEE rounding is monotone, so the corners bound the rest)."""
    spans = [formula_span(c, ranges) for c in formulas.children(n)]
    if any(s is None for s in spans):
        return None
    ab = [s for s in spans if s is not None]
    out: tuple[float, float] | None
    if isinstance(n, Num):
        out = (n.value, n.value)
    elif isinstance(n, Column):
        out = ranges.get(n.index)
    elif isinstance(n, Formula):
        out = expression_span(n.expr, ranges)
    elif isinstance(n, (Holds, Greater, GreaterEq, LessEq, All, AnyOf, Not)):
        out = (0.0, 1.0)
    elif isinstance(n, Count):
        out = (0.0, float(len(n.conds)))
    elif isinstance(n, (Add, Sub, Mul, Div, Max)):
        (alo, ahi), (blo, bhi) = ab
        if isinstance(n, Add):
            out = (alo + blo, ahi + bhi)
        elif isinstance(n, Sub):
            out = (alo - bhi, ahi - blo)
        elif isinstance(n, Max):
            out = (max(alo, blo), max(ahi, bhi))
        elif isinstance(n, Div) and blo <= 0.0:
            out = None
        else:
            op = (lambda x, y: x * y) if isinstance(n, Mul) else (lambda x, y: x / y)
            corners = [op(x, y) for x in (alo, ahi) for y in (blo, bhi)]
            out = (min(corners), max(corners))
    elif isinstance(n, (Pos0, Clip01)):
        lo, hi = ab[0]
        out = (max(lo, 0.0), max(hi, 0.0)) if isinstance(n, Pos0) else (min(max(lo, 0.0), 1.0), min(max(hi, 0.0), 1.0))
    elif isinstance(n, Where):
        (_c, (alo, ahi), (blo, bhi)) = ab
        out = (min(alo, blo), max(ahi, bhi))
    else:
        out = None
    if out is None or not all(math.isfinite(v) for v in out):
        return None
    return out


def expression_span(expr: Expr, ranges: Mapping[int, tuple[float, float]]) -> tuple[float, float] | None:
    """``formula_span`` of an expression: its nodes' own interval arithmetic (``iv``), only where
    every node's interval is finite (then no infinity, so no NaN, arises inside)."""
    if expr.const is not None:
        return (expr.const, expr.const) if math.isfinite(expr.const) else None
    stack = [expr.root]
    while stack:
        node = stack.pop()
        if type(node) is _Inst or not all(math.isfinite(v) for v in node.iv(ranges)):
            return None
        stack.extend(_expr_children(node))
    lo, hi = expr.root.iv(ranges)
    return (float(lo), float(hi))


class _Exprs:
    """Expressions as C: a checked tree becomes a C expression over ``x`` (the game's
    state), ``K`` (the constants) and ``tv``/``td`` (the chosen target's value and distance)."""

    def __init__(self) -> None:
        self.K: list[float] = []
        self.k_slot: dict = {}
        self.hoisted: dict[str, str] = {}  # C text of a value the same in every game -> its slot
        self.tables: list[str] = []  # C filling the slots of tabulated subtrees (``_Gen.tabulate``)
        self.never_nan: set[int] = set()  # columns only the engine writes, with whole numbers

    def k(self, v: float, key=None) -> str:
        """A slot of K for this value. Slots are shared by *where a number comes from*
        (``key``: a weapon's per-use, a column's bound, an expression node), never by value,
        so two parameter values that happen to coincide do not change the source, while the
        C compiler still sees one number used in many places as one."""
        if key is not None and key in self.k_slot:
            return self.k_slot[key]
        self.K.append(float(v))
        slot = f"K[{len(self.K) - 1}]"
        if key is not None:
            self.k_slot[key] = slot
        return slot

    def hoist(self, text: str) -> str:
        """A value the same in every game and turn (from K and numbers only): computed once a
        call, into a slot of K after the scenario's numbers, the same text sharing one slot."""
        slot = self.hoisted.get(text)
        if slot is None:
            self.K.append(0.0)  # the kernel computes it at the start of each call
            slot = self.hoisted[text] = f"K[{len(self.K) - 1}]"
        return slot

    def constants(self, given: str) -> str:
        """C that copies the numbers ``given`` into a local ``K`` and computes the hoisted
        values after them, in the order found (a value's parts before it)."""
        lines = [
            f"    double K[{max(1, len(self.K))}];",
            f"    for (int64_t i = 0; i < {len(self.K)}; i++) K[i] = {given}[i];",
        ]
        lines += [f"    {slot} = {text};" for text, slot in self.hoisted.items()]
        lines += [f"    {line}" for line in self.tables]
        return "\n".join(lines) + "\n"

    def ex(self, n) -> str:
        text = self.ex_text(n)
        if type(n) not in (_Const, _Col, _Inst) and _expr_constant(n):
            return self.hoist(text)
        return text

    def ex_text(self, n) -> str:
        t = type(n)
        if t is _Const:
            if n.fixed:  # a number written in the text: into the source, exactly
                return f"({float(n.value).hex()})"
            return self.k(n.value, ("param", n.name) if n.name else ("node", id(n)))
        if t is _Col:
            return f"x[{n.index}]"
        if t is _Inst:
            return ("tv", "td")[n.index]
        if t is _Neg:
            return f"(-{self.ex(n.a)})"
        if t is _Abs:
            return f"fabs({self.ex(n.a)})"
        if t in _INFIX:
            return f"({self.ex(n.a)} {_INFIX[t]} {self.ex(n.b)})"
        if t is _DivConst:
            return f"({self.ex(n.a)} / {self.k(n.c, ('node', id(n)))})"
        if t is _Div:
            return f"div0({self.ex(n.a)}, {self.ex(n.b)})"
        if t is _Pow:
            return f"ipow({self.ex(n.a)}, {int(n.n)})"
        if t in (_Cmp, _Not, _And, _Or):
            return f"(double){self.cond(n)}"
        if t is _If:
            return f"({self.cond(n.cond)} ? {self.ex(n.a)} : {self.ex(n.b)})"
        if t is _MinMax:
            f = "nmax" if n.is_max else "nmin"
            if all(type(a) is _Col and a.index in self.never_nan for a in n.args):
                f = "n" + f
            r = self.ex(n.args[0])
            for a in n.args[1:]:
                r = f"{f}({r}, {self.ex(a)})"
            return r
        if t is _Clip:
            return f"nmin(nmax({self.ex(n.x)}, {self.ex(n.lo)}), {self.ex(n.hi)})"
        if t is _Math:
            fn = MATH_FUNCTIONS[n.fn]
            arg = self.ex(n.a)
            if fn.floor is not None:
                arg = f"fmax_b({arg}, {float(fn.floor).hex()})"
            return fn.c.format(arg)
        raise Unsupported(f"expression node {t.__name__}")

    def e(self, expr: Expr) -> str:
        """An expression's value in this game (a constant comes from K)."""
        if expr.const is not None:
            return self.k(expr.const, ("expr", id(expr)))
        return self.ex(expr.root)

    def cond(self, n) -> str:
        """A node as a C truth value (an int 0/1): comparisons stay comparisons, and
        ``and``/``or`` evaluate every operand (they have no side effects) with ``&``/``|``,
        so a condition costs no branch the processor could mispredict."""
        t = type(n)
        if t is _Cmp:
            vals = [self.ex(o) for o in n.operands]
            return "(" + " & ".join(f"({vals[i]} {op} {vals[i + 1]})" for i, op in enumerate(n.ops)) + ")"
        if t is _Not:
            return f"(!{self.cond(n.a)})"
        if t is _And:
            return "(" + " & ".join(self.cond(v) for v in n.values) + ")"
        if t is _Or:
            return "(" + " | ".join(self.cond(v) for v in n.values) + ")"
        return f"({self.ex(n)} != 0.0)"

    def truth(self, expr: Expr) -> str:
        if expr.const is not None:
            return "1" if expr.const != 0 else "0"
        return self.cond(expr.root)

    def formula(self, n: Node, given: Mapping[str, str], names: Mapping[int, str] | None = None) -> str:
        """A formula tree (``game.engine.formulas``) as a C expression: the same node, the same
        meaning as ``formulas.evaluate`` gives it in numpy. ``given`` names the C value of each
        ``Given``; ``names`` the C variable already holding a subtree."""
        names = names or {}
        held = names.get(id(n))
        if held is not None:
            return held
        text = self.formula_text(n, given, names)
        if isinstance(n, _FORMULA_HOISTED) and formulas.is_constant(n):
            return self.hoist(text)
        return text

    def not_nan(self, n: Node) -> bool:
        """Whether a formula is never NaN: a rung, or the larger of such."""
        if isinstance(n, Column):
            return n.index in self.never_nan
        return isinstance(n, Max) and self.not_nan(n.a) and self.not_nan(n.b)

    @staticmethod
    def at_most_one(n: Count) -> tuple[list[Node], Node] | None:
        """(values, threshold) when a count is of values at most one threshold (a categorical
        draw's index: counted two at a time), else None."""
        conds = [c for c in n.conds if isinstance(c, LessEq)]
        if len(conds) < 2 or len(conds) < len(n.conds) or any(c.b is not conds[0].b for c in conds):
            return None
        return [c.a for c in conds], conds[0].b

    def formula_text(self, n: Node, given: Mapping[str, str], names: Mapping[int, str]) -> str:
        t = type(n)

        def f(x: Node) -> str:
            return self.formula(x, given, names)

        if isinstance(n, Num):
            fixed = n.fixed and math.isfinite(n.value)  # C has no literal for inf or NaN
            return f"({float(n.value).hex()})" if fixed else self.k(n.value, n.key)
        if isinstance(n, Column):
            return f"x[{n.index}]"
        if isinstance(n, Given):
            return given[n.name]
        if isinstance(n, Formula):
            return self.e(n.expr)
        if isinstance(n, Holds):
            return self.truth(n.expr)
        if isinstance(n, (Add, Sub, Mul, Div)):
            return f"({f(n.a)} {_FORMULA_INFIX[t]} {f(n.b)})"
        if isinstance(n, (Greater, GreaterEq, LessEq)):
            return f"({f(n.a)} {_FORMULA_CMP[t]} {f(n.b)})"
        if isinstance(n, Max) and self.not_nan(n):
            return f"nnmax({f(n.a)}, {f(n.b)})"
        if isinstance(n, (AtLeast, AtMost)) and isinstance(n.bound, Num) and not math.isnan(n.bound.value):
            # the bound's value picks the C (another value of the same kind keeps the source)
            if n.bound.value != 0.0:
                return f"{'fmax_nz' if isinstance(n, AtLeast) else 'fmin_nz'}({f(n.a)}, {f(n.bound)})"
            if isinstance(n, AtLeast) and math.copysign(1.0, n.bound.value) > 0:
                return f"fmax_p0({f(n.a)})"
        if isinstance(n, (Max, AtLeast, AtMost)):
            return f"{_FORMULA_CALL[t]}({f(n.a)}, {f(n.b if isinstance(n, Max) else n.bound)})"
        if isinstance(n, Pos0):
            return f"pos0({f(n.a)})"
        if isinstance(n, Clip01):
            return f"clip01({f(n.a)})"
        if isinstance(n, Where):
            return f"({f(n.cond)} ? {f(n.a)} : {f(n.b)})"
        counted = self.at_most_one(n) if isinstance(n, Count) else None
        if counted is not None:
            runs = [f(v) for v in counted[0]] + (["NAN"] if len(counted[0]) % 2 else [])
            threshold = f(counted[1])
            pairs = " + ".join(f"LE2({runs[i]}, {runs[i + 1]}, {threshold})" for i in range(0, len(runs), 2))
            return f"le_count({pairs})"
        if isinstance(n, Count):
            return "(" + " + ".join(f"(int64_t){f(c)}" for c in n.conds) + ")" if n.conds else "((int64_t)0)"
        if isinstance(n, (All, AnyOf)):  # every operand evaluated (no side effects): no branch
            op, empty = (" & ", "1") if isinstance(n, All) else (" | ", "0")
            once = dict.fromkeys(f(c) for c in n.conds)  # an operand written twice is the same truth
            return "(" + op.join(f"({c} != 0)" for c in once) + ")" if once else empty
        if isinstance(n, Not):
            return f"(!({f(n.a)}))"
        raise Unsupported(f"formula node {t.__name__}")


class _Gen(_Exprs):
    def __init__(self, rules, policies: list):
        super().__init__()
        self.R = rules
        self.policies = [_check_policy(p) for p in policies]
        self.sites: list[int] = []
        self.site_index: dict[int, int] = {}
        self.src = _Src()
        self.tmp = 0
        # a batch of two games is a probe: which weights and legal masks are per-game
        # arrays and which are constants is a property of the rules, not of the values
        self.probe = Batch(rules, 0, np.arange(2, dtype=np.uint64), policies)
        self.lay = rules.layout
        self.never_nan = set(rules.rung_cols) | set(rules.last_rung_cols)
        # every variable starts in its range (and every write is clipped), so a variable is always in
        # range where a phase starts: a clip can be cut to what the phase's writes could cross
        self.in_range = all(
            col.lo <= col.hi and col.lo <= rules.initial[c] <= col.hi
            for c, col in enumerate(self.lay.columns)
            if col.writable
        )
        self.functions: list[str] = []
        self.ranges: dict[int, tuple[float, float]] | None = None  # column_ranges, once needed
        # the values a rung column can hold (where it starts, the rungs of the instances): as
        # indexes of tables (``tabulate``) when they are all small whole numbers
        self.rung_set = set(rules.rung_cols) | set(rules.last_rung_cols)
        held = {float(rules.initial[c]) for c in self.rung_set} | set(self.probe.inst_rung.tolist())
        top = max(held, default=0.0)
        small = all(v.is_integer() and 0.0 <= v <= 64.0 for v in held)
        self.rung_values = list(range(int(top) + 1)) if small else []
        self.table_slot: dict[str, int] = {}

    # ------------------------------------------------------------------ helpers
    def u(self, site: int) -> str:
        i = self.site_index.get(site)
        if i is None:
            i = self.site_index[site] = len(self.sites)
            self.sites.append(site)
        return f"U({i})"

    def var(self, stem: str) -> str:
        self.tmp += 1
        return f"{stem}{self.tmp}"

    def emit(self, assignments: list[tuple[str, Node]], given: Mapping[str, str] | None = None) -> None:
        """Statements ``decl = formula;`` for each (decl, tree); a subtree the trees share is
        computed once, into a local variable, before them."""
        given = given or {}
        uses: Counter[int] = Counter()
        order: list[Node] = []
        seen: set[int] = set()

        names: dict[int, str] = {}

        def walk(n: Node) -> None:
            if id(n) in seen:
                return
            seen.add(id(n))
            table = self.tabulate(n)
            if table is not None:
                names[id(n)] = table
                return
            for ch in formulas.children(n):
                uses[id(ch)] += 1
                walk(ch)
            order.append(n)

        for _decl, root in assignments:
            uses[id(root)] += 1
            walk(root)
        for n in order:
            # a constant is hoisted (or written out) whole: a local inside would keep it per turn
            if uses[id(n)] > 1 and not isinstance(n, _FORMULA_LEAVES) and not formulas.is_constant(n):
                v = self.var("f")
                ctype = "int64_t" if isinstance(n, Count) else "double"
                self.src(f"{ctype} {v} = {self.formula(n, given, names)};")
                names[id(n)] = v
        for decl, root in assignments:
            self.src(f"{decl} = {self.formula(root, given, names)};")

    def rung_max(self, n: Node) -> bool:
        """Whether a formula is a rung column or the larger of such (its value: a rung taken)."""
        if isinstance(n, Column):
            return n.index in self.rung_set
        return isinstance(n, Max) and self.rung_max(n.a) and self.rung_max(n.b)

    def tabulate(self, n: Node) -> str | None:
        """A subtree whose only input from the game is one rung (``rung_max``: tit-for-tat's
        share of a weight, which mirrors the others' highest rung) as C reading a table of its
        value at each rung, filled once a call by the same C with the rung written as a number
        (so the same bits); None where it is not such a subtree, or the rungs are not small
        whole numbers."""
        if not self.rung_values or self.rung_max(n) or formulas.is_constant(n):
            return None
        mirrors: dict[int, Node] = {}
        ops = 0

        def inputs(x: Node) -> bool:
            nonlocal ops
            if self.rung_max(x):
                mirrors[id(x)] = x
                return True
            if isinstance(x, Num):
                return True
            if isinstance(x, (Column, Given, Formula, Holds)):
                return False
            ops += 1
            return all(inputs(ch) for ch in formulas.children(x))

        if not inputs(n) or len(mirrors) != 1 or ops < 3:  # a smaller one costs more to index than to compute
            return None
        (mirror,) = mirrors.values()
        key = self.formula(n, {}, {id(mirror): "M"})
        base = self.table_slot.get(key)
        if base is None:
            base = self.table_slot[key] = len(self.K)
            self.K.extend([0.0] * len(self.rung_values))
            for v in self.rung_values:
                self.tables.append(f"K[{base + v}] = {self.formula(n, {}, {id(mirror): f'({float(v).hex()})'})};")
        return f"K[{base} + (int64_t)({self.formula(mirror, {}, {})})]"

    def function(self, head: str, body) -> None:
        """One phase as its own static function (the C compiler inlines as it sees fit)."""
        outer = self.src
        self.src = _Src()
        body()
        self.functions.append(head + " {\n" + "\n".join(self.src.lines) + "\n}")
        self.src = outer

    def effect(self, eff) -> None:
        c, v = eff.target, self.e(eff.expr)
        if eff.op == "=":
            self.src(f"x[{c}] = {v};")
        else:
            self.src(f"x[{c}] = x[{c}] {eff.op[0]} {v};")

    def clip(self, cols, added: Mapping[int, float] | None = None) -> None:
        """``Batch._clip``: each column kept in its range by its ``formulas.bounded``. A column
        whose only write since it was last in range (``in_range``) added ``added[c]``, a finite
        number not 0, can only have crossed the bound on that number's side: the other side's
        test is left out (it would keep the value as it is, bit for bit)."""
        for c in sorted(set(cols)):
            rule = self.probe.bounds[c]
            v = (added or {}).get(c)
            if self.in_range and v is not None and math.isfinite(v) and v != 0.0:
                col = self.lay.columns[c]
                rule = formulas.bounded(Given("v"), col.lo if v < 0 else -math.inf, col.hi if v > 0 else math.inf, c)
            if not isinstance(rule, Given):
                self.src(f"x[{c}] = {self.formula(rule, {'v': f'x[{c}]'})};")

    def weapon_ok(self, w: int) -> str:
        """``formulas.weapon_ready`` of weapon w, as C."""
        return self.formula(self.probe.weapon_ready[w], {})

    # ------------------------------------------------------------------ the kernel
    def generate(self) -> KernelSource:
        R = self.R
        T = R.scenario.calendar.turns
        self.function(f"INLINE void events({ARGS})", self.events)
        if R.breaker is not None:
            self.function(f"INLINE void breaker({ARGS})", self.breaker)
        for a in range(len(R.scenario.actors)):
            self.function(f"INLINE void decide{a}({ARGS}, int64_t *ch, int64_t *sg)", lambda a=a: self.decide(a))
            self.function(f"INLINE void resolve{a}({ARGS}, int64_t ch, int64_t sg)", lambda a=a: self.resolve(a))
        self.function(f"INLINE void thresholds({ARGS})", self.thresholds)
        for r, rl in enumerate(R.red_lines):
            self.function(f"RARE void fire{r}({ARGS})", lambda r=r, rl=rl: self.fire(r, rl))
        self.function(f"INLINE void doctrine({ARGS})", self.doctrine)
        self.function(f"INLINE int outcome({ARGS})", self.outcomes)
        n_actors = len(R.scenario.actors)

        def play() -> None:
            s = self.src
            s("const double *restrict K = c->K;")
            s("for (int64_t g = 0; g < c->B; g++) {")
            s("    uint64_t gg = games[g] * 0x9E3779B97F4A7C15ULL;")
            s("    for (int64_t i = 0; i < S; i++) x[i] = X0[i];")
            s(f"    for (int64_t t = 1; t <= {T}; t++) {{")
            s.depth += 2
            s(f"int64_t ch[{n_actors}], sg[{n_actors}];")
            for phase in phases.TURN:  # the order of Batch.step, from the one description
                getattr(self, f"phase_{phase.name}")()
            s.depth -= 2
            s("    }")
            s("}")

        self.function(
            "static void play_games(const Ctx *c, const double *X0, int64_t S, const uint64_t *games, "
            "double *restrict x)",
            play,
        )
        entry = """
/* rng.key: the part of a draw's hash shared by all games, for every turn and draw site */
static uint64_t mix(uint64_t x) {
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}
void redline_keys(uint64_t seed, int64_t turns, const uint64_t *sites, int64_t n_sites, uint64_t *keys) {
    const uint64_t gamma = 0x9E3779B97F4A7C15ULL;
    uint64_t s = mix(seed * gamma + 0x632BE59BD9B4E019ULL);
    for (int64_t t = 0; t <= turns; t++) {
        uint64_t h = mix(s ^ ((uint64_t)t * gamma));
        for (int64_t j = 0; j < n_sites; j++) keys[t * n_sites + j] = mix(mix(h ^ sites[j]) ^ 1ULL);
    }
}

int64_t redline_play(const double *X0, int64_t S, const uint64_t *games, int64_t B, const uint64_t *keys,
                     int64_t n_sites, const double *K_, const double *inst_rung, const int64_t *inst_action,
                     const uint8_t *inst_ok, const int64_t *inst_weapon, const double *inst_value,
                     const double *inst_dist, int64_t *ints, double *score, double *objective,
                     int64_t *crossed_turn, int64_t *crossed_by, int64_t *trips, int64_t *action_counts,
                     int64_t *rung_hist, int64_t rung_width, int64_t *signal_counts, int64_t *response_counts,
                     int64_t response_width, double *x) {
CONSTANTS
    Ctx ctx = {keys, n_sites, K, inst_rung, inst_action, inst_ok, inst_weapon, inst_value,
               inst_dist, B, ints, score, objective, crossed_turn, crossed_by, trips, action_counts, rung_hist,
               rung_width, signal_counts, response_counts, response_width, 0xBF58476D1CE4E5B9ULL,
               0x94D049BB133111EBULL};
#if defined(__GNUC__)
    /* the multipliers as values the compiler cannot see: each draw multiplies by memory (one
       instruction) instead of loading a 64-bit constant into a register first (two) */
    __asm__("" : "+m"(ctx.mix1), "+m"(ctx.mix2));
#endif
    play_games(&ctx, X0, S, games, x);
    return 0;
}
"""
        text = (
            "/* generated by game.engine.compiled.codegen from a scenario's compiled rules: do not edit */"
            + PRELUDE
            + "\n\n".join(self.functions)
            + "\n"
            + entry.replace("CONSTANTS\n", self.constants("K_"))
        )
        return KernelSource(text, np.array(self.K, dtype=np.float64), list(self.sites))

    # ------------------------------------------------------------------ the phases (phases.TURN)
    # each is one phase of the play loop, the C of Batch._phase_NAME (c, x, K, t, g and gg in scope)
    def phase_clock(self) -> None:
        self.src(f"x[{self.lay['turn']}] = (double)t;")

    def phase_events(self) -> None:
        self.src(f"events({CALL});")

    def phase_breaker(self) -> None:
        if self.R.breaker is not None:
            self.src(f"breaker({CALL});")

    def phase_decide(self) -> None:
        for a in range(len(self.R.scenario.actors)):
            self.src(f"decide{a}({CALL}, &ch[{a}], &sg[{a}]);")

    def phase_reset(self) -> None:
        needed = self.probe._needed_columns()  # the others are never read: no need to reset them
        for col in self.R.reset_cols.tolist():
            if col in needed:
                self.src(f"x[{col}] = 0.0;")

    def phase_resolve(self) -> None:
        for a in self.probe.order:
            self.src(f"resolve{a}({CALL}, ch[{a}], sg[{a}]);")

    def phase_thresholds(self) -> None:
        self.src(f"thresholds({CALL});")

    def phase_doctrine(self) -> None:
        self.src(f"doctrine({CALL});")

    def phase_tally(self) -> None:
        top = self.top() if self.R.rung_cols else "0.0"
        self.src(f"c->rung_hist[(t - 1) * c->rung_width + (int64_t)({top})] += 1;")

    def phase_outcomes(self) -> None:
        self.src(f"if (outcome({CALL})) break;")  # a game that ends plays no later phase

    # ------------------------------------------------------------------ Batch._events
    def events(self) -> None:
        R, s, b = self.R, self.src, self.probe
        clip_always = []
        for w in R.weapon_cols:
            if w.production:
                s(f"x[{w.stock}] = x[{w.stock}] + {self.k(w.production)};")
                clip_always.append(w.stock)
        for col, v in b.per_turn:
            s(f"x[{col}] = x[{col}] + {self.k(v)};")
            clip_always.append(col)
        happened = []
        for e, ev in enumerate(R.events):
            spec, turn, p, when, effects, site = ev.spec, ev.turn, ev.p, ev.when, ev.effects, ev.site
            col = b.happened_cols[e]
            flag = f"ev{e}"
            if turn:
                if when.const is not None and not when.const:
                    continue
                s(f"int {flag} = t == {int(turn)} && {self.truth(when)};")
            else:
                if p.const == 0:
                    continue
                chance = f"clip01({self.e(p)})"
                if p.const is not None or _expr_constant(p.root):
                    chance = self.hoist(chance)
                cond = f"{self.truth(when)} && {self.u(site)} < {chance}"  # the draw last: cheap first
                if not spec.repeat:
                    cond = f"x[{col}] == 0.0 && {cond}"
                s(f"int {flag} = {cond};")
            happened.append((flag, [eff.target for eff in effects]))
            with s.block(f"if ({flag})"):
                s(f"x[{col}] = x[{col}] + 1.0;")
                for eff in effects:
                    self.effect(eff)
        # a drift is the only write to its column this phase unless an event writes the column too
        by_events = {col for _flag, targets in happened for col in targets}
        drift = [(w.stock, w.production) for w in R.weapon_cols if w.production] + list(b.per_turn)
        once = Counter(col for col, _v in drift)
        added = {col: v for col, v in drift if once[col] == 1 and col not in by_events}
        self.clip([col for col in clip_always if col in b.writable], added)
        for flag, targets in happened:
            cols = [col for col in targets if col in b.writable]
            if cols:
                with s.block(f"if ({flag})"):
                    self.clip(cols)

    # ------------------------------------------------------------------ Batch._breaker
    def breaker(self) -> None:
        R, s, b = self.R, self.src, self.probe
        cb, h = R.breaker, b.held_col
        assert cb is not None and h is not None
        s(f"x[{h}] = x[{h}] > 0.0 ? x[{h}] - 1.0 : 0.0;")
        with s.block(f"if (x[{h}] == 0.0 && {self.truth(cb.when)})"):
            s(f"x[{h}] = {self.k(float(cb.turns), ('breaker', 'turns'))};")
            for eff in cb.effects:
                self.effect(eff)
            self.clip([e.target for e in cb.effects if e.target in b.writable])

    # ------------------------------------------------------------------ Batch._decide
    def decide(self, a: int) -> None:
        self.decide_actor(a)
        self.decide_signal(a)

    def legal_code(self, a: int, k: int) -> tuple[str, list[str]]:
        """Whether action k is legal for actor a, and each instance: the trees of
        ``formulas.action_legal`` that ``Batch.legal_actions`` evaluates, as C."""
        legal, instances = self.probe.legal_formulas[a][k]
        return self.formula(legal, {}), [self.formula(t, {}) for t in instances]

    def weight_code(self, tree: Node) -> str:
        """A policy's weight formula, computed into a new variable. A weight is read only by a
        categorical draw, where -0.0 and 0.0 draw alike (the running sums compare equal): its floor
        at 0 is left out where the value floored is never NaN nor below 0 (``formula_span``)."""
        w = self.var("w")
        if self.ranges is None:
            self.ranges = self.column_ranges()
        if isinstance(tree, Pos0) and (span := formula_span(tree.a, self.ranges)) is not None and span[0] >= 0.0:
            tree = tree.a
        self.emit([(f"double {w}", tree)])
        return w

    def column_ranges(self) -> dict[int, tuple[float, float]]:
        """The columns whose values stay in a finite range in every game and turn: the variables
        while all start in range (each write is clipped), the rungs (the largest rung taken)."""
        R, b = self.R, self.probe
        out: dict[int, tuple[float, float]] = {}
        if self.in_range:
            for c, col in enumerate(self.lay.columns):
                if col.writable and math.isfinite(col.lo) and math.isfinite(col.hi):
                    out[c] = (col.lo, col.hi)
        for c in [*R.rung_cols, *R.last_rung_cols]:
            values = [float(R.initial[c]), *b.inst_rung.tolist()]
            if all(math.isfinite(v) for v in values):
                out[c] = (min(values), max(values))
        return out

    def categorical(self, weights: list[str], u: str, idx: str, total: str) -> None:
        """``batch.categorical``: ``formulas.categorical`` over the weights in these variables."""
        given = {f"w{j}": w for j, w in enumerate(weights)}
        uv = self.var("u")
        self.src(f"double {uv} = {u};")
        rule = formulas.categorical([Given(f"w{j}") for j in range(len(weights))], Given("u"))
        self.emit([(f"double {total}", rule.total), (f"int64_t {idx}", rule.index)], {**given, "u": uv})

    def decide_actor(self, a: int) -> None:
        R, s, b = self.R, self.src, self.probe
        acts = R.actor_actions[a]
        legal, inst_legal = b.legal_actions(a)
        trees = b.weight_formulas[a]
        probe_w = b.weight_values(a, b.ctx())
        weights: list = []  # per option: its weight (a variable or a K), or None when left out
        for j, (w, ok) in enumerate(zip(probe_w, legal)):
            k = int(acts[j])
            if ok is False or (not isinstance(w, np.ndarray) and w == 0):
                weights.append(None)
            elif not isinstance(w, np.ndarray):
                # a constant weight, as the policy's formula gives it; legal always or per game
                kw = self.k(float(w))
                weights.append(kw if ok is True else self.legal_weight(a, k, lambda kw=kw: kw))
            elif ok is True:
                weights.append(self.weight_code(trees[j]))
            else:
                weights.append(self.legal_weight(a, k, lambda j=j: self.weight_code(trees[j])))
        live = [j for j, w in enumerate(weights) if w is not None]
        wait_pos = int(np.flatnonzero(acts == R.wait_action[a])[0])
        s(f"int64_t j = {wait_pos};")
        if live:
            self.categorical([weights[j] for j in live], self.u(b.site_decide[a]), "sub", "tot")
            # tables, not switches: a random index makes a jump a mispredicted branch
            if live == list(range(len(live))):
                s("if (tot > 0.0) j = sub;")
            else:
                s(f"static const int64_t live[] = {{{', '.join(map(str, live))}}};")
                s("if (tot > 0.0) j = live[sub];")
        # the instance: the first one, or drawn by target value among the legal ones
        first = b.first_instance[a]
        s(f"static const int64_t first[] = {{{', '.join(str(int(i)) for i in first)}}};")
        s("int64_t inst = first[j];")
        for j in b.multi_instance[a]:
            with s.block(f"if (j == {j})"):
                self.pick_instance(a, j, int(acts[j]), inst_legal[j])
        s("*ch = inst;")

    def legal_weight(self, a: int, k: int, weight) -> str:
        """The weight of action k where it is legal, else 0 (computed only where legal)."""
        s = self.src
        lg, _rows = self.legal_code(a, k)
        wv = self.var("lw")
        s(f"double {wv} = 0.0;")
        with s.block(f"if ({lg})"):
            s(f"{wv} = {weight()};")
        return wv

    def pick_instance(self, a: int, j: int, k: int, inst_legal: list) -> None:
        """``Batch._pick_instance`` for action k: a draw by target value among legal instances."""
        R, s, b = self.R, self.src, self.probe
        _lg, rows = self.legal_code(a, k)
        cand, ws = [], []
        for pos, (x, ok) in enumerate(zip(R.actions[k].instances, inst_legal)):
            if ok is False:
                continue
            cand.append(int(x))
            wv = self.var("v")
            val = self.k(b.inst_value_w[int(x)], ("value", int(x)))
            s(f"double {wv} = {val};" if ok is True else f"double {wv} = {val} * ({rows[pos]} ? 1.0 : 0.0);")
            ws.append(wv)
        if not cand:
            return
        sub = self.var("sub")
        self.categorical(ws, self.u(b.site_target[a]), sub, self.var("tot"))
        table = self.var("cand")
        s(f"static const int64_t {table}[] = {{{', '.join(map(str, cand))}}};")
        s(f"inst = {table}[{sub}];")

    def decide_signal(self, a: int) -> None:
        s, b = self.src, self.probe
        sigs = b.actor_signals[a]
        if not sigs:
            s("*sg = -1;")
            return
        ws = []
        for tree in b.signal_formulas[a]:
            if formulas.is_constant(tree):
                ws.append(self.k(float(formulas.evaluate(tree, formulas.NumpyEnv(None)))))
            else:
                ws.append(self.weight_code(tree))
        idx, tot = self.var("sub"), self.var("tot")
        self.categorical(ws, self.u(b.site_signal[a]), idx, tot)
        s("*sg = -1;")
        s(f"static const int64_t said[] = {{-1, {', '.join(map(str, sigs))}}};")
        s(f"if ({tot} > 0.0) *sg = said[{idx}];")

    # ------------------------------------------------------------------ Batch._resolve
    def resolve(self, a: int) -> None:
        R, s, b = self.R, self.src, self.probe
        draws = b.fog_draws[a]
        overreach = any(R.fog[f].spec.kind == "overreach" for fd in draws for f in fd.fogs)
        if overreach:
            s("int overreached = 0;")
        if draws:
            with s.block(""):
                s("int64_t took = c->inst_action[ch];")  # the choice's action: a replacement's fog never fires
                for n, fd in enumerate(draws):
                    with s.block(f"{_chain(n)} (took == {fd.action})"):
                        self.fog(fd)
        self.apply(a, overreach)
        if b.actor_signals[a]:
            self.apply_signal(a)

    def fog(self, fd) -> None:
        """``Batch._fog`` for one action: its one draw picks at most one of its entries."""
        R, s, b = self.R, self.src, self.probe
        s(f"double u = {self.u(fd.site)};")
        self.emit([("int64_t fog", fd.choice)], {"u": "u"})
        s(f"if (fog < {len(fd.fogs)}) x[{self.lay['_accidents']}] += 1.0;")
        for j, f in enumerate(fd.fogs):
            fog = R.fog[f]
            with s.block(f"{_chain(j)} (fog == {j})"):
                if fog.spec.kind == "overreach":
                    s("overreached = 1;")
                    with s.block("switch (ch)"):
                        for src in R.actions[fd.action].instances.tolist():
                            s(f"case {src}: ch = {int(b.fog_maps[f][src])}; break;")
                else:
                    s(f"x[{b.taken_cols[fog.becomes]}] += 1.0;")
                    s(f"x[{b.count_cols[fog.becomes]}] += 1.0;")

    def can_use(self, i: int) -> str:
        """``Batch._can_use`` of a known instance."""
        x = self.R.instances[i]
        if not x.static_ok:
            return "0"
        return "1" if x.weapon < 0 else self.weapon_ok(x.weapon)

    def apply(self, a: int, overreach: bool) -> None:
        """``Batch._legal_now`` then ``Batch._apply`` of the decision in ``ch``: a jump to the
        straight-line code of each instance the actor may end up taking, which first checks
        that it can still be used (stock and authorization now), else the actor waits."""
        R, s, b = self.R, self.src, self.probe
        wait = int(R.actions[R.wait_action[a]].instances[0])
        if not R.instances[wait].static_ok or R.instances[wait].weapon >= 0:
            raise Unsupported("a wait that may not be usable")
        reachable = {int(x) for k in R.actor_actions[a].tolist() for x in R.actions[k].instances}
        reachable.add(wait)
        for fd in b.fog_draws[a]:
            for f in fd.fogs:
                if R.fog[f].spec.kind == "overreach":
                    reachable |= {int(b.fog_maps[f][src]) for src in R.actions[fd.action].instances.tolist()}
        rc, fe = R.rung_cols[a], b.tally_cols["fog_escalations"]
        with s.block("switch (ch)"):
            for inst in sorted(reachable):
                with s.block(f"case {inst}:"):
                    usable = self.can_use(inst)
                    if inst == wait:
                        s(f"wait{a}: ;")
                    elif usable != "1":
                        s(f"if (!({usable})) {{ ch = {wait}; goto wait{a}; }}")
                    if overreach:
                        s(f"if (overreached && c->inst_rung[{inst}] > x[{rc}]) x[{fe}] += 1.0;")
                    self.apply_instance(a, inst, set(b.actor_clip[a].tolist()))
                    s("break;")

    def apply_instance(self, a: int, inst: int, clip_set: set[int]) -> None:
        """``Batch._apply`` (or ``_apply_rows``) of one known instance: its constant deltas
        (values from K), the actor's rungs, its dynamic effects, then the columns it wrote
        that ``clip_set`` clips, kept in range."""
        R, s, b = self.R, self.src, self.probe
        k = int(R.instances[inst].action)
        for col, v in b.inst_nonzero[a].get(inst, ()):
            s(f"x[{col}] += {self.k(v, ('delta', a, inst, col))};")
        rc, lc, esc = R.rung_cols[a], R.last_rung_cols[a], self.lay["_escalations"]
        with s.block(""):
            s(f"double rg = c->inst_rung[{inst}];")
            s(f"if (rg > x[{rc}]) x[{esc}] += 1.0;")
            s(f"x[{rc}] = rmax(x[{rc}], rg);")
            s(f"x[{lc}] = rg;")
        s(f"c->action_counts[{k}] += 1;")
        effects = b.dynamic_effects.get(k, [])
        if effects:
            with s.block(""):
                s(f"double tv = c->inst_value[{inst}], td = c->inst_dist[{inst}];")
                s("(void)tv; (void)td;")
                for eff in effects:
                    self.effect(eff)
        deltas = dict(b.inst_nonzero[a].get(inst, ()))
        targets = {eff.target for eff in effects}
        if self.in_range:  # a column this instance did not write is still in range
            clip_set = clip_set & (set(deltas) | targets)
        self.clip(sorted(b.action_clip[k] & clip_set), {c: v for c, v in deltas.items() if c not in targets})

    def apply_signal(self, a: int) -> None:
        """``Batch._apply_signal``."""
        R, s, b = self.R, self.src, self.probe
        with s.block("if (sg >= 0)"):
            s("c->signal_counts[sg] += 1;")
            s(f"x[{self.lay['_signals']}] += 1.0;")
            s("double rg = c->inst_rung[ch];")
            with s.block("switch (sg)"):
                for sig in b.actor_signals[a]:
                    signal = R.signals[sig]
                    effects, max_rung, min_rung = signal.effects, signal.max_rung, signal.min_rung
                    s(f"case {sig}: {{")
                    s.depth += 1
                    s(f"x[{b.signalled_cols[sig]}] += 1.0;")
                    div = ([f"rg > {float(max_rung)!r}"] if max_rung else []) + (
                        [f"rg < {float(min_rung)!r}"] if min_rung else []
                    )
                    if div:
                        s(f"if ({' || '.join(div)}) x[{self.lay['_divergent']}] += 1.0;")
                    for eff in effects:
                        self.effect(eff)
                    self.clip(sorted({e.target for e in effects} & set(b.actor_clip[a].tolist())))
                    s("break;")
                    s.depth -= 1
                    s("}")

    # ------------------------------------------------------------------ Batch._thresholds
    def top(self) -> str:
        cols = self.R.rung_cols
        r = f"x[{cols[0]}]"
        for col in cols[1:]:
            r = f"rmax({r}, x[{col}])"
        return r

    def thresholds(self) -> None:
        R, s, b = self.R, self.src, self.probe
        if not len(R.thresholds) or not R.rung_cols:
            return
        s(f"double top = {self.top()};")
        for t, thr in enumerate(R.thresholds.tolist()):
            col = b.crossed_cols[t]
            with s.block(f"if (top >= {self.k(thr, ('thr', t))} && x[{col}] == 0.0)"):
                s(f"x[{col}] = 1.0;")
                s(f"c->crossed_turn[{t} * c->B + g] = t;")
                for n, a in enumerate(b.order):
                    s(
                        f"{_chain(n)} (x[{R.rung_cols[a]}] >= {self.k(thr, ('thr', t))}) "
                        f"c->crossed_by[{t} * c->B + g] = {a};"
                    )

    # ------------------------------------------------------------------ Batch._doctrine / _fire
    def doctrine(self) -> None:
        """``Batch._doctrine``: each round, the red lines whose conditions hold now (a bit
        each, from the state before the round) and have not fired this turn fire in order;
        then thresholds. A round where none does ends the cascade. After the first round
        only the red lines that read a column the round's responses (or thresholds) wrote
        are tested again (``dirty``): the others cannot have changed."""
        R, s, b = self.R, self.src, self.probe
        if not R.red_lines:
            return
        n = len(R.red_lines)
        words = range((n + 63) // 64)
        crossed = set(b.crossed_cols)
        touched = []  # per red line: the red lines its firing may make hold
        for r in range(n):
            wrote = set(b.fire_writes[r])
            if wrote & set(R.rung_cols):
                wrote |= crossed
            touched.append([q for q, rl in enumerate(R.red_lines) if rl.when.reads & wrote])
        s(f"uint64_t {', '.join(f'fired{w} = 0, dirty{w} = 0' for w in words)};")
        with s.block(f"for (int depth = 0; depth < {R.scenario.scoring.max_cascade + 1}; depth++)"):
            for w in words:
                s(f"uint64_t now{w} = 0;")
            for first in (True, False):
                with s.block("if (depth == 0)" if first else "else"):
                    for r, rl in enumerate(R.red_lines):  # mostly false: a test each is the fewest instructions
                        bit = f"(uint64_t)1 << {r % 64}"
                        cond = self.truth(rl.when)
                        if not rl.repeat:
                            cond = f"x[{b.tripped_cols[r]}] == 0.0 && {cond}"
                        if not first:
                            cond = f"(dirty{r // 64} & ({bit})) && {cond}"
                        s(f"if ({cond}) now{r // 64} |= {bit};")
            for w in words:
                s(f"now{w} &= ~fired{w};")
            s(f"if (!({' | '.join(f'now{w}' for w in words)})) break;")
            for w in words:
                s(f"fired{w} |= now{w};")
                s(f"dirty{w} = 0;")
            for r in range(n):
                masks = [sum(1 << (q % 64) for q in touched[r] if q // 64 == w) for w in words]
                marks = "".join(f" dirty{w} |= {hex(m)}ULL;" for w, m in zip(words, masks) if m)
                s(f"if (now{r // 64} & ((uint64_t)1 << {r % 64})) {{ fire{r}({CALL});{marks} }}")
            s(f"thresholds({CALL});")

    def fire(self, r: int, rl) -> None:
        s, b = self.src, self.probe
        s(f"x[{b.tripped_cols[r]}] += 1.0;")
        s(f"c->trips[{r} * c->B + g] += 1;")
        chances, choice = b.response_formulas[r]
        s(f"double u = {self.u(rl.site)};")
        self.emit([("int scaled", chances.scaled), ("int64_t choice", choice)], {"u": "u"})
        s(f"if (scaled) x[{self.lay['_clipped']}] += 1.0;")
        s(f"c->response_counts[{r} * c->response_width + choice] += 1;")
        for j, resp in enumerate(rl.responses):
            k, cands = resp.action, resp.candidates
            if k < 0 or not len(cands):
                continue
            with s.block(f"if (choice == {j})"):
                usable = [(cand, self.can_use(cand)) for cand in cands.tolist()]
                usable = [(cand, ok) for cand, ok in usable if ok != "0"]
                for n, (cand, ok) in enumerate(usable):  # the first candidate that can be used
                    with s.block(f"{_chain(n)} ({ok})"):
                        self.apply_instance(rl.owner, cand, self.probe.action_clip[k])
                    if ok == "1":
                        break

    # ------------------------------------------------------------------ Batch._outcomes / _finish
    def outcomes(self) -> None:
        R, s, b = self.R, self.src, self.probe
        s("int64_t res = -1;")
        n = 0
        for o, out in enumerate(R.outcomes):
            when = out.when
            if when.const is not None and not when.const:
                continue
            s(f"{_chain(n)} ({self.truth(when)}) res = {o};")
            n += 1
        s(f"if (res < 0 && t >= {R.scenario.calendar.turns}) res = {R.at_end};")
        s("if (res < 0) return 0;")
        s("c->ints[0 * c->B + g] = res;")
        s("c->ints[1 * c->B + g] = t;")
        s(f"c->ints[2 * c->B + g] = (int64_t)({self.top() if R.rung_cols else '0.0'});")
        for f, name in enumerate(INT_FIELDS[3:], start=3):
            s(f"c->ints[{f} * c->B + g] = (int64_t)(x[{b.tally_cols[name]}]);")
        s(f"c->score[g] = x[{self.lay['_score']}];")
        for i, objective in enumerate(R.objectives):
            s(f"c->objective[{i} * c->B + g] = {self.e(objective.score)};")
        s("return 1;")


def expressions_source(exprs: list) -> tuple[str, np.ndarray]:
    """C for ``redline_exprs(x, K, out)``: each expression's value into ``out`` (how tests
    hold the C expressions to numpy's results, NaN and infinities included)."""
    em = _Exprs()
    body = "\n".join(f"    out[{i}] = {em.e(e)};" for i, e in enumerate(exprs))
    text = (
        PRELUDE
        + "void redline_exprs(const double *restrict x, const double *restrict K_, double *out) {\n"
        + em.constants("K_")
        + "    double tv = 0.0, td = 0.0; (void)tv; (void)td;\n"
        + body
        + "\n}\n"
    )
    return text, np.array(em.K, dtype=np.float64)


def formulas_source(trees: list) -> tuple[str, np.ndarray]:
    """C for ``redline_formulas(x, K, out)``: each formula tree's value into ``out`` (how tests
    hold the C lowering of ``game.engine.formulas`` to ``formulas.evaluate``)."""
    em = _Exprs()
    body = "\n".join(f"    out[{i}] = (double){em.formula(t, {})};" for i, t in enumerate(trees))
    text = (
        PRELUDE
        + "void redline_formulas(const double *restrict x, const double *restrict K_, double *out) {\n"
        + em.constants("K_")
        + "    double tv = 0.0, td = 0.0; (void)tv; (void)td;\n"
        + body
        + "\n}\n"
    )
    return text, np.array(em.K, dtype=np.float64)


def generate(rules, policies: list) -> KernelSource:
    """The kernel source for these rules and policies (raises ``Unsupported``)."""
    return _Gen(rules, policies).generate()
