"""Tests of the safe expression language (game.expr)."""

from __future__ import annotations

import doctest
import math
import pickle
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import game.expr.compiler as compiler_module
from game.expr import (
    MAX_CHARS,
    Effect,
    Expr,
    ExprError,
    Ref,
    compile_effect,
    compile_expr,
)

# --- a small fake world ------------------------------------------------------

COLUMNS = {
    "tension": 0,
    "support": 1,
    "russia.resolve": 2,
    "turn": 3,
    "atacms.stock": 4,
    # 5: crossed('nuclear'), 6: taken('deep_strike')
}
INSTS = {"target.value": 0, "target.cost": 1}
CONSTS = {"params.p": 0.25, "params.enforce_p": 0.5, "params.n": 3.0, "params.off": 0.0}
LOOKUPS = ("crossed", "taken", "count", "tripped")
S = 7


class FakeNames:
    def lookup(self, name):
        if name in COLUMNS:
            return Ref("column", COLUMNS[name])
        if name in INSTS:
            return Ref("inst", INSTS[name])
        if name in CONSTS:
            return Ref("const", value=CONSTS[name])
        return None

    def lookup_call(self, func, arg):
        if func == "crossed":
            if arg == "nuclear":
                return Ref("column", 5)
            return f"unknown threshold {arg!r} (did you mean 'nuclear'?)"
        if func == "taken":
            return Ref("column", 6) if arg == "deep_strike" else f"unknown action {arg!r}"
        if func == "count":
            return Ref("const", value=2.0)
        return None  # 'tripped' is declared but this resolver does not know it

    def known(self):
        return [*COLUMNS, *INSTS, *CONSTS]

    def writable(self, name):
        if name in COLUMNS and name != "turn":
            return Ref("column", COLUMNS[name])
        return None


NAMES = FakeNames()


class Ctx:
    def __init__(self, X, inst):
        self.X = X
        self.inst = inst


def comp(text):
    return compile_expr(text, NAMES, LOOKUPS)


def eff(text):
    return compile_effect(text, NAMES, LOOKUPS)


def make_ctx(B=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, size=(S, B))
    X[3] = np.arange(B, dtype=np.float64)  # turn
    X[5] = (np.arange(B) % 2).astype(np.float64)  # crossed('nuclear')
    X[6] = ((np.arange(B) + 1) % 2).astype(np.float64)
    inst = [rng.uniform(0.0, 10.0, size=B), np.full(B, 3.0)]
    return Ctx(X, inst)


def error_of(text, effect=False):
    with pytest.raises(ExprError) as info:
        eff(text) if effect else comp(text)
    return info.value.message, info.value.col


def _game(X, inst, j):
    """The context of game j alone (a batch of one), copied."""
    return Ctx(X[:, j : j + 1].copy(), [a[j : j + 1].copy() for a in inst])


def bits(v):
    return np.asarray(v, dtype=np.float64).tobytes()


# --- semantics ------------------------------------------------------------------

CTX = make_ctx()
T, SUP, RES, TURN = CTX.X[0], CTX.X[1], CTX.X[2], CTX.X[3]
TV = CTX.inst[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1 + 2 * 3", 7.0),
        ("(1 + 2) * 3", 9.0),
        ("2 - 3 - 4", -5.0),
        ("12 / 4 / 3", 1.0),
        ("-2 * 3", -6.0),
        ("+2", 2.0),
        ("--2", 2.0),
        ("-2 ** 2", -4.0),
        ("2 ** 3 ** 1", 8.0),
        ("True + True", 2.0),
        ("False", 0.0),
        ("0.5", 0.5),
    ],
)
def test_constant_arithmetic_and_precedence(text, expected):
    e = comp(text)
    assert e.const == expected
    out = e(CTX)
    assert type(out) is float and out == expected
    assert e.reads == frozenset()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tension + support * 2", T + SUP * 2),
        ("(tension + support) * 2", (T + SUP) * 2),
        ("tension - support - russia.resolve", (T - SUP) - RES),
        ("-tension * support", -T * SUP),
        ("tension / 2", T / 2),
        ("target.value * 0.1 + turn", TV * 0.1 + TURN),
        ("1 - tension", 1 - T),
        ("-(tension + support)", -(T + SUP)),
    ],
)
def test_array_arithmetic(text, expected):
    out = comp(text)(CTX)
    assert isinstance(out, np.ndarray) and out.dtype == np.float64 and out.shape == (5,)
    assert bits(out) == bits(expected)


def test_reads_and_view():
    e = comp("tension + russia.resolve * target.value + crossed('nuclear')")
    assert e.reads == frozenset({0, 2, 5})
    assert e.const is None
    bare = comp("support")
    assert bare.reads == frozenset({1})
    out = bare(CTX)
    assert np.shares_memory(out, CTX.X)  # a view, as documented


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("tension < support", T < SUP),
        ("tension >= support", T >= SUP),
        ("turn == 2", TURN == 2),
        ("turn != 2", TURN != 2),
        ("1 < turn <= 3", (TURN > 1) & (TURN <= 3)),
        ("0 <= turn < 2 < 3", (TURN >= 0) & (TURN < 2)),
        ("turn > 1 > 0", TURN > 1),
    ],
)
def test_comparisons(text, expected):
    out = comp(text)(CTX)
    assert out.dtype == np.float64
    assert bits(out) == bits(expected.astype(np.float64))


def test_constant_comparisons():
    assert comp("1 < 2 < 3").const == 1.0
    assert comp("1 < 3 < 2").const == 0.0
    assert comp("2 == 2.0").const == 1.0


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("turn > 1 and turn < 4", (TURN > 1) & (TURN < 4)),
        ("turn < 1 or turn > 3", (TURN < 1) | (TURN > 3)),
        ("not turn", TURN == 0),
        ("not (turn > 2)", ~(TURN > 2)),
        ("turn and crossed('nuclear')", (TURN != 0) & (CTX.X[5] != 0)),
        ("turn or 0", TURN != 0),
        ("turn and 2", TURN != 0),  # result is 1.0/0.0, not the operand
        ("turn > 0 and turn < 4 and crossed('nuclear')", (TURN > 0) & (TURN < 4) & (CTX.X[5] != 0)),
    ],
)
def test_boolean_ops(text, expected):
    out = comp(text)(CTX)
    assert bits(out) == bits(expected.astype(np.float64))


def test_boolean_folding():
    assert comp("0 and tension").const == 0.0
    assert comp("1 or tension").const == 1.0
    assert comp("params.off and tension").reads == frozenset()
    assert comp("2 and 3").const == 1.0
    assert comp("0 or 0").const == 0.0
    assert comp("not 0").const == 1.0
    assert comp("not 5").const == 0.0


def test_conditional():
    out = comp("tension if turn > 1 else support")(CTX)
    assert bits(out) == bits(np.where(TURN > 1, T, SUP))
    out = comp("1 if crossed('nuclear') else 0.5")(CTX)
    assert bits(out) == bits(np.where(CTX.X[5] != 0, 1.0, 0.5))
    folded = comp("tension if params.off else support")
    assert folded.reads == frozenset({1})
    assert bits(folded(CTX)) == bits(SUP)
    assert comp("1 if 0 else 2").const == 2.0


def test_min_max_clip_abs():
    assert bits(comp("min(tension, support)")(CTX)) == bits(np.minimum(T, SUP))
    assert bits(comp("max(tension, support, 0.5)")(CTX)) == bits(np.maximum(np.maximum(T, SUP), 0.5))
    assert bits(comp("clip(tension, -0.5, 0.5)")(CTX)) == bits(np.clip(T, -0.5, 0.5))
    assert bits(comp("abs(tension)")(CTX)) == bits(np.abs(T))
    assert comp("min(3, 1, 2)").const == 1.0
    assert comp("max(3, 1, 2)").const == 3.0
    assert comp("clip(5, 0, 1)").const == 1.0
    assert comp("clip(0.5, 1, 0)").const == 0.0  # hi wins when lo > hi
    assert comp("abs(-2)").const == 2.0
    # min(1, 2, x): constant arguments first, array later
    assert bits(comp("min(1, 2, tension)")(CTX)) == bits(np.minimum(1.0, T))


def test_math_functions_are_the_c_librarys_over_the_games():
    """exp, log, sqrt, normal_cdf: the C library's values (Python's math calls it), element by
    element, the same in a batch of one; log and sqrt raise an argument below their floor."""
    x = np.array([-2.0, -0.0, 0.0, 5e-324, 1e-300, 0.5, 1.0, 2.0, 700.0, 710.0, math.inf, -math.inf, math.nan])
    ctx = Ctx(np.tile(x, (S, 1)), [x, x])
    tiny = math.log(2.2250738585072014e-308)
    want = {
        "exp": [math.exp(v) if v < 709.8 else math.inf for v in x.tolist()],
        "log": [math.log(v) if v >= 2.2250738585072014e-308 else tiny for v in x.tolist()],
        "sqrt": [math.sqrt(v) if v >= 0 else 0.0 for v in x.tolist()],
        "normal_cdf": [0.5 * math.erfc(-v * 0.7071067811865476) for v in x.tolist()],
    }
    want["log"][10] = math.inf
    want["exp"][12] = math.nan
    for name, w in want.items():
        got = comp(f"{name}(tension)")(ctx)
        assert bits(got) == bits(w), name
        for j in range(len(x)):
            assert bits(comp(f"{name}(tension)")(_game(ctx.X, ctx.inst, j))) == bits(w[j]), (name, j)
    assert bits(comp("sqrt(tension)")(Ctx(np.array([[-0.0]] * S), []))) == bits([-0.0])  # IEEE: sqrt(-0) = -0
    assert comp("exp(1)").const == math.e
    assert comp("log(params.n)").const == math.log(3.0)
    assert comp("normal_cdf(0)").const == 0.5
    assert abs(comp("normal_cdf(1.959963984540054)").const - 0.975) < 1e-15
    assert comp("sqrt(params.off)").const == 0.0


@pytest.mark.parametrize(
    ("text", "message", "col"),
    [
        ("log(0)", "log() of 0 is undefined: its value must be above 0", 4),
        ("1 + log(params.off)", "log() of 0 is undefined: its value must be above 0", 8),
        ("sqrt(-1)", "sqrt() of -1 is undefined: its value must be 0 or more", 5),
        ("exp(800)", "a constant part of this expression is too large (it overflows)", 0),
        ("exp(tension, 1)", "exp() needs 1 value: exp(x)", 0),
        ("normal_cdf()", "normal_cdf() needs 1 value: normal_cdf(x)", 0),
    ],
)
def test_math_functions_refused(text, message, col):
    assert error_of(text) == (message, col)


@pytest.mark.parametrize(
    ("text", "ranges", "expected"),
    [
        ("exp(tension)", {0: (0.0, 1.0)}, (1.0, math.e)),
        ("log(tension)", {0: (-1.0, 1.0)}, (math.log(2.2250738585072014e-308), 0.0)),
        ("sqrt(tension)", {0: (-4.0, 4.0)}, (0.0, 2.0)),
        ("normal_cdf(tension)", {}, (0.0, 1.0)),
    ],
)
def test_math_function_bounds(text, ranges, expected):
    assert comp(text).bounds(ranges) == expected


def test_math_function_pickles():
    e = comp("normal_cdf(log(tension) - sqrt(support))")
    again = pickle.loads(pickle.dumps(e))
    assert bits(again(CTX)) == bits(e(CTX))


def test_min_max_nan_order_independent():
    X = np.array([[np.nan, 1.0], [1.0, np.nan]])
    ctx = Ctx(X, [])
    a, b = comp("min(tension, support)")(ctx), comp("min(support, tension)")(ctx)
    assert np.isnan(a).all() and np.isnan(b).all()


def test_lookup_calls():
    assert bits(comp("crossed('nuclear')")(CTX)) == bits(CTX.X[5])
    assert comp('taken("deep_strike")').reads == frozenset({6})
    assert comp("count('x') * 2").const == 4.0


def test_constant_folding_params():
    e = comp("params.p * 2")
    assert e.const == 0.5 and e.reads == frozenset()
    assert e(CTX) == 0.5
    e = comp("tension * params.p + params.enforce_p")
    assert e.const is None and e.reads == frozenset({0})
    assert bits(e(CTX)) == bits(T * 0.25 + 0.5)
    # folded subtree inside a non-constant expression
    # (no algebraic simplification: x + 0 is kept, since -0.0 + 0.0 is 0.0)
    assert comp("tension + (params.p * 4 - 1)").root == compiler_module._Add(
        compiler_module._Col(0), compiler_module._Const(0.0)
    )
    assert comp("tension + (params.p * 4 - 1)").reads == frozenset({0})


def test_division_by_zero_is_zero():
    X = np.array([[1.0, -2.0, 0.0, 3.0], [0.0, 0.0, 0.0, 2.0]])
    ctx = Ctx(X, [])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = comp("tension / support")(ctx)
        assert bits(out) == bits([0.0, 0.0, 0.0, 1.5])
        assert bits(comp("1 / support")(ctx)) == bits([0.0, 0.0, 0.0, 0.5])
        assert bits(comp("tension / 0")(ctx)) == bits(0.0)
        assert comp("1 / 0").const == 0.0
        assert comp("0 / 0").const == 0.0
        assert comp("tension / (support - support)")(ctx).tolist() == [0.0] * 4
        assert np.isfinite(comp("(tension / support) * 1e12")(ctx)).all()


def test_overflow_gives_no_warning():
    big = Ctx(np.array([[1e300, -1e300]]), [])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isinf(comp("tension * tension * tension")(big)).all()
    with pytest.raises(ExprError, match="too large"):
        comp("1e12 ** 8 * 1e12 ** 8 * 1e12 ** 8 * 1e12 ** 8")


def test_power_is_repeated_multiplication():
    e = comp("tension ** 3")
    assert bits(e(CTX)) == bits(T * T * T)
    assert bits(comp("tension ** 8")(CTX)) == bits(T * T * T * T * T * T * T * T)
    assert bits(comp("(tension + 1) ** 2")(CTX)) == bits((T + 1) * (T + 1))
    assert comp("tension ** 0").const == 1.0
    assert comp("tension ** 1").root == comp("tension").root
    assert bits(comp("tension ** params.n")(CTX)) == bits(T * T * T)
    assert comp("2 ** 8").const == 256.0
    assert comp("1.5 ** 2").const == 2.25


@pytest.mark.parametrize("text", ["tension ** 9", "tension ** -1", "tension ** 0.5", "2 ** tension"])
def test_power_refused(text):
    message, col = error_of(text)
    assert message == "the power in x ** n must be a whole number from 0 to 8, like x ** 2"
    assert col == text.index("**") + 3


def test_input_never_mutated():
    ctx = make_ctx()
    before = ctx.X.copy(), [a.copy() for a in ctx.inst]
    for text in [
        "-tension",
        "abs(tension) + support",
        "tension * support - russia.resolve",
        "min(tension, support) + max(target.value, 1)",
        "clip(tension, support, 1)",
        "tension ** 3 / support",
        "(tension + 1) * (support + 1)",
    ]:
        comp(text)(ctx)
    assert np.array_equal(ctx.X, before[0])
    assert all(np.array_equal(a, b) for a, b in zip(ctx.inst, before[1], strict=True))


# --- errors ------------------------------------------------------------------------

STRINGS = "strings are only allowed as the argument of count(), crossed(), taken(), tripped()"
LIKE = "like 'tension += 0.1'"
KNOWN = "min, max, clip, abs, exp, log, sqrt, normal_cdf, count, crossed, taken, tripped"


@pytest.mark.parametrize(
    ("text", "message", "col"),
    [
        ("tension[0]", "subscripts like x[0] are not allowed", 0),
        ("1 + tension[1:2]", "subscripts like x[0] are not allowed", 4),
        ("lambda: 1", "lambda functions are not allowed", 0),
        ("[x for x in y]", "comprehensions like [x for x in y] are not allowed", 0),
        ("max(x for x in y)", "comprehensions like [x for x in y] are not allowed", 3),
        ("{x: 1 for x in y}", "comprehensions like [x for x in y] are not allowed", 0),
        ("[1, 2]", "lists like [a, b] are not allowed", 0),
        ("(1, 2)", "tuples like (a, b) are not allowed", 0),
        ("{1, 2}", "sets like {a, b} are not allowed", 0),
        ("{'a': 1}", "dictionaries like {'a': 1} are not allowed", 0),
        ("'a' + 1", STRINGS, 0),
        ("turn == 'war'", STRINGS, 8),
        ("f'{tension}'", "f-strings like f'{x}' are not allowed", 0),
        ("(y := 1)", "the walrus operator := is not allowed", 1),
        ("max(1, 2).real", "attributes are only allowed on names, like russia.resolve", 0),
        ("tension.__class__.x", "unknown variable 'tension.__class__.x'", 0),
        ("tension & 1", "the bitwise operator & is not allowed (use 'and')", 8),
        ("tension | 1", "the bitwise operator | is not allowed (use 'or')", 8),
        ("tension ^ 2", "the bitwise operator ^ is not allowed (for powers use **)", 8),
        ("~tension", "the bitwise operator ~ is not allowed (use 'not')", 0),
        ("tension << 1", "the shift operator << is not allowed", 8),
        ("tension >> 1", "the shift operator >> is not allowed", 8),
        ("tension @ support", "the matrix operator @ is not allowed", 8),
        ("tension % 2", "the remainder operator % is not allowed", 8),
        ("tension // 2", "floor division // is not allowed (use /)", 8),
        ("tension is support", "'is' is not allowed (use ==)", 8),
        ("tension is not support", "'is not' is not allowed (use !=)", 8),
        ("tension in support", "'in' is not allowed", 8),
        ("tension not in support", "'not in' is not allowed", 8),
        ("None", "None is not allowed", 0),
        ("1j", "complex numbers like 1j are not allowed", 0),
        ("...", "... is not allowed", 0),
        ("await tension", "'await' is not allowed", 0),
        ("(yield)", "'yield' is not allowed", 1),
        ("1e13", "number 1e13 is too large (the limit is 1e12)", 0),
        ("2 * 1e999", "number 1e999 is too large (the limit is 1e12)", 4),
        ("10000000000001", "number 10000000000001 is too large (the limit is 1e12)", 0),
        ("min(tension)", "min() needs at least 2 values, like min(a, b)", 0),
        ("max()", "max() needs at least 2 values, like max(a, b)", 0),
        ("clip(1, 2)", "clip() needs 3 values: clip(x, low, high)", 0),
        ("abs(1, 2)", "abs() needs 1 value: abs(x)", 0),
        ("min(a=1, b=2)", "keyword arguments like f(x=1) are not allowed", 4),
        ("min(**k)", "arguments like f(**x) are not allowed", 4),
        ("max(*tension)", "arguments like f(*x) are not allowed", 4),
        ("crossed(tension)", "crossed() needs one name in quotes, like crossed('name')", 0),
        ("crossed('a', 'b')", "crossed() needs one name in quotes, like crossed('name')", 0),
        ("crossed()", "crossed() needs one name in quotes, like crossed('name')", 0),
        ('crossed("nukular")', "unknown threshold 'nukular' (did you mean 'nuclear'?)", 8),
        ("foo(1)", f"unknown function 'foo' (known: {KNOWN})", 0),
        ("1 + np.exp(1)", "unknown function 'np.exp' (did you mean 'exp'?)", 4),
        ("crosed('nuclear')", "unknown function 'crosed' (did you mean 'crossed'?)", 0),
        (
            "tripped('x')",
            "unknown function 'tripped' (known: min, max, clip, abs, exp, log, sqrt, normal_cdf, count, crossed, "
            "taken)",
            0,
        ),
        ("tension(1)", f"unknown function 'tension' (known: {KNOWN})", 0),
        ("(tension)(1)", f"unknown function 'tension' (known: {KNOWN})", 1),
        ("max(1, 2)(3)", "only named functions can be called, like min(a, b)", 0),
        ("tensoin + 1", "unknown variable 'tensoin' (did you mean 'tension'?)", 0),
        (
            "1 + russia.reslove",
            "unknown variable 'russia.reslove' (did you mean 'russia.resolve'?)",
            4,
        ),
        ("zzz", "unknown variable 'zzz'", 0),
        ("crossed + 1", "'crossed' is a function: call it like crossed(...)", 0),
        ("turn = 1", "syntax error: invalid syntax (use == to compare)", 5),
        ("(1 +", "syntax error: '(' was never closed", 0),
        ("tension +", "syntax error: the expression ends too early", 9),
        ("tension + ", "syntax error: the expression ends too early", 9),
        ("min(1,\n", "syntax error: '(' was never closed", 3),
        ("a b", "syntax error: invalid syntax", 2),
        ("tension + * 2", "syntax error: invalid syntax", 10),
        ("1 + )", "syntax error: unmatched ')'", 4),
        ("1 if turn", "syntax error: expected 'else' after 'if' expression", 0),
        ("", "the expression is empty", 0),
        ("   ", "the expression is empty", 0),
    ],
)
def test_refused(text, message, col):
    assert error_of(text) == (message, col)


def test_error_is_an_exception_with_message():
    err = ExprError("boom", 3)
    assert str(err) == "boom" and err.col == 3
    copy = pickle.loads(pickle.dumps(err))  # errors cross process boundaries too
    assert (copy.message, copy.col) == ("boom", 3)


def test_columns_with_leading_space_newlines_and_unicode():
    assert error_of("  tensoin")[1] == 2
    assert error_of("(tension +\n  supprt)") == (
        "unknown variable 'supprt' (did you mean 'support'?)",
        13,
    )
    # col_offset is in UTF-8 bytes; ExprError.col is in characters
    assert error_of("count('é') + tensoin")[1] == 13
    assert error_of("é + 1")[0] == "unknown variable 'é'"
    assert error_of("(tension +\n @)") == ("syntax error: invalid syntax", 12)
    assert error_of("tension +\n @") == ("syntax error: invalid syntax", 9)


def test_strings_message_without_lookup_functions():
    with pytest.raises(ExprError) as info:
        compile_expr("'a'", NAMES)
    assert info.value.message == "strings are not allowed in expressions"


def test_limits():
    text = "1 + " * 250 + "1"
    assert len(text) > MAX_CHARS
    assert error_of(text) == (
        f"expression is too long ({len(text)} characters; the limit is 1000)",
        1000,
    )
    deep = "-" * 40 + "tension"
    assert error_of(deep) == ("expression is too deeply nested (depth 41; the limit is 40)", 0)
    assert comp("-" * 39 + "tension").reads == frozenset({0})
    wide = "max(" + ",".join(["1"] * 400) + ")"
    assert len(wide) <= MAX_CHARS
    assert error_of(wide) == ("expression is too complex (402 parts; the limit is 400)", 0)
    assert comp("max(" + ",".join(["1"] * 398) + ")").const == 1.0
    # the parser's own nesting limit is reported as a syntax error
    message, _ = error_of("(" * 250 + "1" + ")" * 250)
    assert message.startswith("syntax error: ")


def test_non_string_text_is_a_type_error():
    with pytest.raises(TypeError):
        compile_expr(0.5, NAMES)  # type: ignore[arg-type]


# --- effects ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "op", "expected"),
    [
        ("tension = 0.5", "=", lambda X: np.full(5, 0.5)),
        ("tension = support * 2", "=", lambda X: X[1] * 2),
        ("tension += 0.1", "+=", lambda X: X[0] + 0.1),
        ("tension -= support", "-=", lambda X: X[0] - X[1]),
        ("tension *= 1 - params.p", "*=", lambda X: X[0] * 0.75),
        ("tension += tension", "+=", lambda X: X[0] + X[0]),
        ("tension = tension", "=", lambda X: X[0]),
    ],
)
def test_effects(text, op, expected):
    ctx = make_ctx()
    X0 = ctx.X.copy()
    e = eff(text)
    assert isinstance(e, Effect) and e.op == op and e.target == 0 and e.source == text
    e.apply(ctx)
    assert bits(ctx.X[0]) == bits(expected(X0))
    assert np.array_equal(ctx.X[1:], X0[1:])
    # masked: only the selected games change
    ctx = make_ctx()
    mask = np.array([True, False, True, False, False])
    e.apply(ctx, mask)
    want = np.where(mask, expected(X0), X0[0])
    assert bits(ctx.X[0]) == bits(want)
    assert np.array_equal(ctx.X[1:], X0[1:])


def test_effect_fields():
    e = eff("russia.resolve -= 0.1 * crossed('nuclear')")
    assert e.target == 2 and e.op == "-="
    assert e.expr.source == "0.1 * crossed('nuclear')"
    assert e.expr.reads == frozenset({5})


@pytest.mark.parametrize(
    ("text", "message", "col"),
    [
        ("turn += 1", "'turn' cannot be changed by an effect", 0),
        ("params.p = 1", "'params.p' cannot be changed by an effect", 0),
        ("tensoin += 1", "unknown variable 'tensoin' (did you mean 'tension'?)", 0),
        ("tension /= 2", f"only =, +=, -= and *= can be used in an effect, {LIKE}", 0),
        ("tension += 1; support += 1", f"an effect must be exactly one change, {LIKE}", 14),
        ("tension + 1", "an effect must change a variable, like 'tension += 0.1'", 0),
        ("import os", "an effect must be one change, like 'tension += 0.1'", 0),
        ("tension = support = 1", "an effect can change only one variable at a time", 10),
        ("tension, support = 1, 2", "an effect can change only one variable at a time", 0),
        ("tension[0] = 1", "subscripts like x[0] are not allowed", 0),
        ("tension += tensoin", "unknown variable 'tensoin' (did you mean 'tension'?)", 11),
        ("tension += 'a'", STRINGS, 11),
        ("tension +=", "syntax error: the expression ends too early", 10),
        ("tension == 1", "an effect must change a variable, like 'tension += 0.1'", 0),
        ("", "the expression is empty", 0),
        ("  tension += 1 %  2", "the remainder operator % is not allowed", 15),
    ],
)
def test_effect_refused(text, message, col):
    assert error_of(text, effect=True) == (message, col)


def test_effect_leading_space_and_newline():
    e = eff("\n  tension += 1\n")
    ctx = make_ctx()
    before = ctx.X[0].copy()
    e.apply(ctx)
    assert bits(ctx.X[0]) == bits(before + 1)


# --- pickling, bounds, doctests -------------------------------------------------


def test_pickling_round_trip():
    texts = [
        "tension * params.p + min(support, 1) - abs(russia.resolve) ** 2",
        "1 if crossed('nuclear') and not turn > 3 else clip(target.value / support, 0, 1)",
        "0 < tension <= 1 or support != 0",
        "tension / 3 + max(1, 2, tension)",
        "params.p * 2",
    ]
    for text in texts:
        e = comp(text)
        e2 = pickle.loads(pickle.dumps(e))
        assert e2 == e and isinstance(e2, Expr)
        assert bits(e2(CTX)) == bits(e(CTX))
    ef = eff("tension += support / 2")
    ef2 = pickle.loads(pickle.dumps(ef))
    assert ef2 == ef
    a, b = make_ctx(), make_ctx()
    ef.apply(a)
    ef2.apply(b)
    assert np.array_equal(a.X, b.X)


@pytest.mark.parametrize(
    ("text", "ranges", "expected"),
    [
        ("0.5", {}, (0.5, 0.5)),
        ("tension", {}, (-math.inf, math.inf)),
        ("0.1 + 0.5 * tension", {0: (0.0, 1.0)}, (0.1, 0.6)),
        ("tension * support", {0: (-1.0, 2.0), 1: (-3.0, 1.0)}, (-6.0, 3.0)),
        ("tension - support", {0: (0.0, 1.0), 1: (0.0, 1.0)}, (-1.0, 1.0)),
        ("tension / support", {0: (1.0, 2.0), 1: (0.0, 4.0)}, (0.0, math.inf)),
        ("tension / support", {0: (1.0, 2.0), 1: (2.0, 4.0)}, (0.25, 1.0)),
        ("tension / 0", {0: (1.0, 2.0)}, (0.0, 0.0)),
        ("tension ** 2", {0: (-2.0, 1.0)}, (0.0, 4.0)),
        ("tension ** 3", {0: (-2.0, 1.0)}, (-8.0, 1.0)),
        ("-tension", {0: (-2.0, 1.0)}, (-1.0, 2.0)),
        ("abs(tension)", {0: (-2.0, 1.0)}, (0.0, 2.0)),
        ("clip(tension, 0, 1)", {}, (0.0, 1.0)),
        ("min(tension, 1)", {0: (0.0, 5.0)}, (0.0, 1.0)),
        ("max(tension, support)", {0: (0.0, 5.0), 1: (-1.0, 7.0)}, (0.0, 7.0)),
        ("tension < 1", {0: (0.0, 0.5)}, (1.0, 1.0)),
        ("tension < 1", {0: (1.0, 2.0)}, (0.0, 0.0)),
        ("tension < 1", {0: (0.0, 2.0)}, (0.0, 1.0)),
        ("0 <= tension <= 1", {0: (0.2, 0.5)}, (1.0, 1.0)),
        ("tension == 1", {0: (2.0, 3.0)}, (0.0, 0.0)),
        ("tension != 1", {0: (2.0, 3.0)}, (1.0, 1.0)),
        ("not tension", {0: (1.0, 2.0)}, (0.0, 0.0)),
        ("tension and support", {0: (0.0, 0.0)}, (0.0, 0.0)),
        ("tension or support", {0: (1.0, 2.0)}, (1.0, 1.0)),
        ("tension or support", {}, (0.0, 1.0)),
        ("0.9 if tension > 1 else 0.2", {0: (0.0, 2.0)}, (0.2, 0.9)),
        ("0.9 if tension > 1 else 0.2", {0: (1.5, 2.0)}, (0.9, 0.9)),
        ("params.enforce_p * 1.5 + target.value", {("inst", 0): (0.0, 1.0)}, (0.75, 1.75)),
        ("target.value", {}, (-math.inf, math.inf)),
        ("tension * 0", {}, (0.0, 0.0)),
    ],
)
def test_bounds(text, ranges, expected):
    assert comp(text).bounds(ranges) == expected


def test_doctests():
    result = doctest.testmod(compiler_module)
    assert result.attempted >= 5 and result.failed == 0


# --- properties ------------------------------------------------------------------

ATOMS = [
    "tension",
    "support",
    "russia.resolve",
    "turn",
    "target.value",
    "params.p",
    "params.off",
    "crossed('nuclear')",
    "count('x')",
    "True",
    "0",
    "0.5",
    "2",
    "3.25",
]


def _chain(t):
    """'(a op b op c)' from operands and (at least as many as needed) operators."""
    operands, ops = t
    parts = [operands[0]]
    for op, x in zip(ops, operands[1:], strict=False):
        parts += [op, x]
    return "(" + " ".join(parts) + ")"


def _expressions():
    leaf = st.sampled_from(ATOMS)

    def extend(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(inner, st.integers(0, 4)).map(lambda t: f"({t[0]}) ** {t[1]}"),
            inner.map(lambda a: f"-({a})"),
            inner.map(lambda a: f"(not {a})"),
            st.tuples(
                st.lists(inner, min_size=2, max_size=3),
                st.lists(st.sampled_from(["<", "<=", ">", ">=", "==", "!="]), min_size=2),
            ).map(_chain),
            st.tuples(st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3)).map(
                lambda t: "(" + f" {t[0]} ".join(t[1]) + ")"
            ),
            st.tuples(inner, inner, inner).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
            st.tuples(st.sampled_from(["min", "max"]), st.lists(inner, min_size=2, max_size=3)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"
            ),
            st.tuples(inner, inner, inner).map(lambda t: f"clip({t[0]}, {t[1]}, {t[2]})"),
            inner.map(lambda a: f"abs({a})"),
        )

    return st.recursive(leaf, extend, max_leaves=10)


VALUES = st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 2.0, -3.0, 0.1, 1e-3, 7.25, 1e6])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=60))
def test_arbitrary_text_raises_only_expr_error(text):
    for fn in (comp, eff):
        try:
            fn(text)
        except ExprError as e:
            assert isinstance(e.message, str) and 0 <= e.col <= len(text)


TOKENS = st.sampled_from(
    [
        *ATOMS,
        *["(", ")", "[", "]", ",", ".", "+", "-", "*", "/", "**", "%", "<", "==", ":", "="],
        *["+=", "~", "@", "x", "é", "#", "1e99", "lambda", "'x'", "min(", "clip(", "abs("],
        *[" ", "\n", " and ", " or ", "not ", " if ", " else ", "crossed("],
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(TOKENS, max_size=25).map("".join))
def test_token_soup_raises_only_expr_error(text):
    for fn in (comp, eff):
        try:
            fn(text)
        except ExprError as e:
            assert 0 <= e.col <= len(text)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    _expressions(),
    st.integers(1, 6),
    st.data(),
)
def test_batch_equals_game_by_game(text, B, data):
    try:
        e = comp(text)
    except ExprError as err:
        # only the depth/size limits may refuse a generated expression
        assert "too deeply nested" in err.message or "too complex" in err.message
        assume(False)
    X = np.array(data.draw(st.lists(VALUES, min_size=S * B, max_size=S * B))).reshape(S, B)
    inst = [np.array(data.draw(st.lists(VALUES, min_size=B, max_size=B))), np.ones(B)]
    ctx = Ctx(X.copy(), [a.copy() for a in inst])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batch = e(ctx)
        games = [e(_game(X, inst, j)) for j in range(B)]
    assert np.array_equal(ctx.X, X) and all(np.array_equal(a, b) for a, b in zip(ctx.inst, inst, strict=True))
    if e.const is not None:
        assert type(batch) is float and all(type(g) is float for g in games)
        assert all(bits(g) == bits(batch) for g in games)
        return
    assert isinstance(batch, np.ndarray) and batch.dtype == np.float64 and batch.shape == (B,)
    for j, g in enumerate(games):
        assert g.shape == (1,) and bits(g[0]) == bits(batch[j])
    # and a pickled copy computes the same bits
    assert bits(pickle.loads(pickle.dumps(e))(ctx)) == bits(batch)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_expressions(), st.integers(1, 6), st.data())
def test_bounds_are_conservative(text, B, data):
    try:
        e = comp(text)
    except ExprError:
        assume(False)
    X = np.array(data.draw(st.lists(VALUES, min_size=S * B, max_size=S * B))).reshape(S, B)
    inst = [np.array(data.draw(st.lists(VALUES, min_size=B, max_size=B))), np.ones(B)]
    ranges = {i: (float(X[i].min()), float(X[i].max())) for i in range(S)}
    ranges[("inst", 0)] = (float(inst[0].min()), float(inst[0].max()))
    ranges[("inst", 1)] = (1.0, 1.0)
    lo, hi = e.bounds(ranges)
    if e.const is not None:
        assert (lo, hi) == (e.const, e.const)
        return
    try:  # bounds do not consider NaN/overflow: skip draws that produce them
        with np.errstate(over="raise", invalid="raise"):
            out = e.root(Ctx(X, inst))
    except FloatingPointError:
        assume(False)
    assert ((lo <= out) & (out <= hi)).all(), (text, lo, hi, out)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.sampled_from(["=", "+=", "-=", "*="]),
    _expressions(),
    st.integers(1, 6),
    st.data(),
)
def test_effect_batch_equals_game_by_game(op, text, B, data):
    try:
        e = eff(f"support {op} {text}")
    except ExprError:
        assume(False)
    X = np.array(data.draw(st.lists(VALUES, min_size=S * B, max_size=S * B))).reshape(S, B)
    inst = [np.array(data.draw(st.lists(VALUES, min_size=B, max_size=B))), np.ones(B)]
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=B, max_size=B)))
    ctx = Ctx(X.copy(), [a.copy() for a in inst])
    e.apply(ctx, mask)
    for j in range(B):
        one = _game(X, inst, j)
        e.apply(one, mask[j : j + 1])
        assert bits(one.X[:, 0]) == bits(ctx.X[:, j])
    assert np.array_equal(np.delete(ctx.X, 1, axis=0), np.delete(X, 1, axis=0))
    assert bits(ctx.X[1][~mask]) == bits(X[1][~mask])
