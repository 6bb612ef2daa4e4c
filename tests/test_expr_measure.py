"""``compiler._measure`` walks an expression's tree by its ``_fields`` (3x faster than
``ast.iter_child_nodes``, for every expression of every scenario loaded): it must count the
same nodes and the same depth as the plain recursive walk over ``ast.iter_child_nodes``."""

from __future__ import annotations

import ast

import pytest

from game.expr.compiler import _measure

TEXTS = [
    "1",
    "tension += 0.02",
    "0.2 + 0.5 * tension if crossed('nuclear') and turn > 3 else min(a, b, c)",
    "a < b <= c != d",
    "not (x or y) and -z ** 2",
    "f(1, *rest, key=2, **more)",
    "[i for i in range(3) if i] + {k: v for k, v in d.items()}",
    "lambda q, *r, s=1, **t: q",
    "x[1:2, ::3].attr",
    "f'{a!r:>{width}}' 'tail'",
    "(yield_ := 3)",
    "a = b = c",
    "del x; pass",
    "{1, 2, *s}, (1,), [*l]",
    "clip(a, 0, 1) * exp(-b) / (1 + abs(c))",
]


def _reference(tree: ast.AST) -> tuple[int, int]:
    """Expression nodes and the deepest nesting of them, by recursion over iter_child_nodes."""

    def walk(node: ast.AST, d: int) -> tuple[int, int]:
        if isinstance(node, ast.expr):
            d += 1
        count, depth = int(isinstance(node, ast.expr)), d
        for child in ast.iter_child_nodes(node):
            c, dd = walk(child, d)
            count, depth = count + c, max(depth, dd)
        return count, depth

    return walk(tree, 0)


@pytest.mark.parametrize("text", TEXTS)
def test_measure_counts_as_the_recursive_walk(text: str) -> None:
    tree = ast.parse(text, mode="exec")
    assert _measure(tree) == _reference(tree)
    if len(tree.body) == 1 and isinstance(tree.body[0], ast.Expr):
        tree = ast.parse(text, mode="eval")
        assert _measure(tree) == _reference(tree)


def test_measure_of_a_deep_text() -> None:
    tree = ast.parse("-" * 300 + "x", mode="eval")
    assert _measure(tree) == (301, 301) == _reference(tree)
