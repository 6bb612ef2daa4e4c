"""The small safe expression language of scenarios, compiled to numpy.

See :mod:`game.expr.compiler` for the syntax and semantics.
"""

from game.expr.compiler import (
    BUILTIN_FUNCTIONS,
    EFFECT_OPS,
    MATH_FUNCTIONS,
    MAX_CHARS,
    MAX_DEPTH,
    MAX_LITERAL,
    MAX_NODES,
    MAX_POWER,
    Effect,
    Expr,
    ExprError,
    Names,
    Ref,
    compile_effect,
    compile_expr,
)

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
    "Names",
    "Ref",
    "compile_effect",
    "compile_expr",
]
