"""Fuzzing the whole scenario loader: whatever the bytes, a ScenarioError or a scenario.

(a) arbitrary and YAML-ish bytes, (b) truncations of the tutorial, (c) one-character
mutations of every scenario shipped in scenarios/, (d) random expressions in a red line's
``when`` and a response's ``p``, then games run with what loaded: no warnings, no NaN.
"""

from __future__ import annotations

import json
import re
import string
import time
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from game.diagnostics import ScenarioError
from game.engine.batch import Batch
from game.runners.load import Loaded, load_bytes
from game.runners.local import policies_for

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL_PATH = ROOT / "scenarios" / "tutorial.yaml"
TUTORIAL = TUTORIAL_PATH.read_bytes()
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
NAME = "fuzz.yaml"
BREAKS = re.compile("\r\n|[\r\n\x85\u2028\u2029]")
SLOWEST = 5.0  # CPU seconds a single load may take (it takes milliseconds; this catches hangs)

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load(raw: bytes, name: str = NAME, real_path: Path | None = None) -> Loaded | None:
    """The loaded scenario, or None after checking the ScenarioError's diagnostics.

    ``real_path`` is where the bytes would live, so that ``extends:`` can find its base.
    """
    start = time.process_time()
    try:
        loaded = load_bytes(raw, name, real_path=None if real_path is None else str(real_path))
    except ScenarioError as exc:
        check_diagnostics(exc.diagnostics, raw, name)
        loaded = None
    assert time.process_time() - start < SLOWEST
    return loaded


def check_diagnostics(diags, raw: bytes, name: str) -> None:
    assert diags
    lines = len(BREAKS.findall(raw.decode("utf-8", errors="replace"))) + 1
    for d in diags:
        assert d.file == name, d
        assert isinstance(d.message, str) and d.message.strip() and "\n" not in str(d), d
        if d.line == 0:  # a file-level error: no place, no path
            assert d.col == 0 and d.path == "", d
        else:
            assert 1 <= d.line <= lines + 1 and d.col >= 1, (d, lines)


def play(loaded: Loaded, games: int = 200) -> Batch:
    """Run ``games`` games; no warning of any kind, every result finite and in range."""
    rules = loaded.rules
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        batch = Batch(rules, 7, np.arange(games, dtype=np.uint64), policies_for(rules)).run()
    assert batch.done
    assert ((batch.outcome >= 0) & (batch.outcome < len(rules.outcomes))).all()
    assert ((batch.turns >= 1) & (batch.turns <= rules.scenario.calendar.turns)).all()
    assert np.isfinite(batch.score).all()
    assert np.isfinite(batch.objective_scores).all()
    return batch


# ------------------------------------------------------------------ (a) arbitrary bytes


@FUZZ
@given(st.binary(max_size=4000))
def test_arbitrary_bytes(raw):
    assert load(raw) is None


YAMLISH = st.lists(
    st.sampled_from(
        [
            *"ab1 0.-:,[]{}&*!|>'\"#?%@`\\~<=+\t\n\r\xe9",
            "- ",
            ": ",
            "\n  ",
            "\n    ",
            "&a ",
            "*a",
            "!!str ",
            "!foo ",
            "<<: ",
            "---\n",
            "...\n",
            ".nan",
            ".inf",
            "1e999",
            "0x1F",
            "99999999999999999999",
            "~",
            "\ufeff",
            "\u2028",
            "format: redline/1\n",
            "meta:\n",
            "actors:\n",
            "actions:\n",
            "outcomes:\n",
            "ladder:\n",
            "id: x\n",
            "name: X\n",
            "when: ",
            "p: ",
            "rungs: [",
            "tension",
        ]
    ),
    max_size=150,
).map("".join)


@FUZZ
@given(YAMLISH)
def test_yamlish_text(text):
    load(text.encode())


# ------------------------------------------------------------------ (b) truncations


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(TUTORIAL)))
def test_truncated_tutorial(n):
    load(TUTORIAL[:n], "scenarios/tutorial.yaml")


def test_tutorial_truncated_at_every_line():
    ends = [m.end() for m in re.finditer(rb"\n", TUTORIAL)]
    loaded = 0
    for end in ends:
        loaded += load(TUTORIAL[:end], "scenarios/tutorial.yaml") is not None
    assert load(TUTORIAL, "scenarios/tutorial.yaml") is not None
    assert loaded >= 1  # at least the whole file; some cuts in optional sections load too


# ------------------------------------------------------------------ (c) one-character mutations

SIGNIFICANT = [
    *":-[]{},#&*!|>'\"%@`?~\\.0123456789 ",
    "\t",
    "\n",
    "\r",
    "\x00",
    "\x85",
    "\u2028",
    "\ufeff",
    "\xe9",
    "\U0001f600",
]


@st.composite
def mutation(draw, text: str) -> str:
    pos = draw(st.integers(0, len(text)))
    op = draw(st.sampled_from(["delete", "insert", "replace"]))
    char = draw(st.sampled_from(SIGNIFICANT) | st.characters())
    if op == "delete":
        return text[:pos] + text[pos + 1 :]
    if op == "insert":
        return text[:pos] + char + text[pos:]
    return text[:pos] + char + text[pos + 1 :]


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_one_character_mutations(path):
    text = path.read_text(encoding="utf-8")
    name = f"scenarios/{path.name}"
    examples = max(40, min(200, 1_500_000 // max(len(text), 1)))  # a few seconds a file, whatever its size

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
    @given(mutation(text))
    def check(mutated):
        load(mutated.encode("utf-8", errors="surrogatepass"), name, path)

    check()


# ------------------------------------------------------------------ (d) random expressions

RED_LINE_WHEN = "    when: \"taken('seize_island') > 0 and aldoria.last_rung >= 2\"\n"
RESPONSE_P = "p: params.enforce_p}"
TEXT = TUTORIAL.decode()
assert TEXT.count(RED_LINE_WHEN) == 1 and TEXT.count(RESPONSE_P) == 1


def with_expressions(when: str, p: str) -> bytes:
    """The tutorial with red line 0's ``when`` and its first response's ``p`` replaced."""
    text = TEXT.replace(RED_LINE_WHEN, f"    when: {json.dumps(when)}\n")
    return text.replace(RESPONSE_P, f"p: {json.dumps(p)}}}").encode()


EXPR_ALPHABET = string.ascii_letters + string.digits + "_ +-*/<>=!%().,'\"[]"
EXPR_TOKENS = st.sampled_from(
    [
        "tension",
        "talks",
        "turn",
        "aldoria.resolve",
        "borvia.last_rung",
        "params.enforce_p",
        "params.nope",
        "taken('seize_island')",
        "crossed('homeland')",
        "struck('aldoria_home')",
        "tripped('island_landing')",
        "count('talks')",
        "nope('x')",
        "min(",
        "max(",
        "clip(",
        "abs(",
        "(",
        ")",
        ",",
        "0",
        "1",
        "0.5",
        "2",
        "1e12",
        "-",
        "+",
        "*",
        "/",
        "**",
        "<",
        ">=",
        "==",
        "!=",
        " and ",
        " or ",
        "not ",
        " if ",
        " else ",
        ".",
        "'",
    ]
)
EXPR_ATOMS = st.sampled_from(
    [
        "tension",
        "talks",
        "turn",
        "aldoria.resolve",
        "borvia.last_rung",
        "params.enforce_p",
        "params.accident_p",
        "taken('seize_island')",
        "crossed('homeland')",
        "struck('aldoria_home')",
        "count('talks')",
        "0",
        "1",
        "0.5",
        "2",
        "1e12",
        "1e-12",
        "-3",
    ]
)
BINARY_OPS = st.sampled_from(["+", "-", "*", "/", "<", ">=", "==", "!=", "and", "or"])
# Well-formed expressions, so that many load and reach the engine. No ** here: repeated
# squaring overflows to inf, a known bug (test_constant_overflow_is_refused).
WELL_FORMED = st.recursive(
    EXPR_ATOMS,
    lambda e: st.one_of(
        st.tuples(e, BINARY_OPS, e).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        e.map(lambda x: f"not {x}"),
        e.map(lambda x: f"-{x}"),
        e.map(lambda x: f"abs({x})"),
        st.tuples(e, e).map(lambda t: f"max({t[0]}, {t[1]})"),
        st.tuples(e, e, e).map(lambda t: f"clip({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(e, e, e).map(lambda t: f"({t[0]} if {t[1]} else {t[2]})"),
    ),
    max_leaves=12,
)
EXPRESSIONS = st.text(EXPR_ALPHABET, max_size=60) | st.lists(EXPR_TOKENS, max_size=25).map(" ".join) | WELL_FORMED


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(EXPRESSIONS, EXPRESSIONS)
def test_random_expressions_in_when_and_p(when, p):
    # more than one ** can overflow to inf: test_constant_overflow_is_refused (a known bug)
    assume(when.count("**") + p.count("**") <= 1)
    raw = with_expressions(when, p)
    loaded = load(raw, "scenarios/tutorial.yaml")
    if loaded is not None:
        play(loaded)


def test_expressions_from_the_fuzz_that_load_run_clean():
    """A few accepted expressions of each kind, so (d) is known to reach the engine."""
    for when, p in [
        ("tension > 0.3", "0.5"),
        ("not taken('seize_island')", "tension * 2 - 0.1"),
        ("talks or turn >= 2", "clip(tension, 0, 1)"),
        ("1", "tension if turn > 2 else 0"),
    ]:
        batch = play(load_bytes(with_expressions(when, p), "t.yaml"))
        assert batch.trips[0].sum() > 0


def first_error(raw: bytes) -> str:
    with pytest.raises(ScenarioError) as info:
        load_bytes(raw, "t.yaml")
    check_diagnostics(info.value.diagnostics, raw, "t.yaml")
    return str(info.value.diagnostics[0])


NESTED = {
    "parens-1000": ("(" * 1000 + "tension" + ")" * 1000, "expression is too long (2007 characters; the limit is 1000)"),
    "parens-300": ("(" * 300 + "tension" + ")" * 300, "syntax error: "),
    "minus-990": ("-" * 990 + "tension", "expression is too deeply nested (depth 991; the limit is 40)"),
    "not-240": ("not " * 240 + "tension", "expression is too deeply nested"),
    "plus-450": ("1+" * 450 + "1", "expression is too deeply nested"),
    "min-120": ("min(" * 120 + "1" + ", 1)" * 120, "expression is too deeply nested"),
    "args-450": ("min(" + "1," * 450 + "1)", "expression is too complex"),
}


@pytest.mark.parametrize(("text", "message"), NESTED.values(), ids=NESTED.keys())
def test_deeply_nested_expressions(text, message):
    error = first_error(with_expressions(text, "0.5"))
    assert f": red_lines.island_landing.when: {message}" in error, error


def test_huge_power_is_refused():
    error = first_error(with_expressions("1", "2**99999"))
    assert error.endswith(
        "red_lines.island_landing.responses.strike_back.p: the power in x ** n must be "
        "a whole number from 0 to 8, like x ** 2"
    ), error


def test_very_long_expression_text_is_refused_by_the_reader():
    error = first_error(with_expressions("tension" + " " * 25_000, "0.5"))
    assert "red_lines[0].when: text is too long (25007 characters; the limit is 20000)" in error, error


def test_division_by_zero_at_run_time_is_zero():
    text = with_expressions(
        "1 / (tension - tension) >= 0 and 1 / 0 == 0 and taken('seize_island') >= 0",
        "tension / (talks - talks) + 1 / 0 + 0.5",
    ).decode()
    text = text.replace('score: "1 - tension"}', 'score: "tension / (talks - talks) + 1 - tension"}')
    text = text.replace('weight: "1 + 2 * tension"}', 'weight: "1 / (talks - talks) + 1"}')
    loaded = load_bytes(text.encode(), "t.yaml")
    assert not loaded.warnings
    batch = play(loaded)
    assert batch.trips[0].sum() == 200  # the red line fired in every game: its `when` was evaluated
    assert batch.response_counts[0][0] > 0  # and its response drawn with p = 0.5


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('score: "1 - tension"}', 'score: "(1e12 ** 8) ** 8"}'),
        ('score: "1 - tension"}', 'score: "talks * (1e12 ** 8) ** 8"}'),
        ('effects: ["tension += 0.1"]', 'effects: ["tension = talks * (1e12 ** 8) ** 8"]'),
    ],
    ids=["objective-inf", "objective-nan", "effect-nan"],
)
def test_constant_overflow_is_refused(old, new):
    text = TEXT.replace(old, new, 1)
    assert text != TEXT
    loaded = load(text.encode(), "t.yaml")
    if loaded is not None:  # refused at load is the fix; if it loads, games must stay finite
        batch = play(loaded)
        assert np.isfinite(batch.objective_scores).all()
