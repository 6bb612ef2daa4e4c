"""The headless tables print every name whole: a name longer than its column wraps onto the
next line (its figures after its last line) and is never cut."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from game.cli.table import NAME_CAP, name_rows, name_width
from game.diagnostics import ScenarioError
from game.runners.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "scenarios").glob("*.yaml"))


def _names(path: str) -> list[str]:
    """Every name simulate prints in a table: outcomes, rungs, red lines (with their owner),
    thresholds."""
    scn = load_scenario(str(ROOT / path)).scenario
    return [
        *(o.name for o in scn.outcomes),
        *(r.name for r in scn.ladder.rungs),
        *(f"{scn.actor(r.owner).name}: {r.name}" for r in scn.red_lines),
        *(t.name for t in scn.ladder.thresholds),
    ]


def _longest_names_scenario() -> str:
    """The shipped scenario with the longest name (one being written may not load yet)."""
    longest = {}
    for path in SHIPPED:
        try:
            longest[path] = max(len(n) for n in _names(path))
        except ScenarioError:
            continue
    return max(longest, key=longest.__getitem__)


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_a_long_name_wraps_whole_with_its_figures_on_its_last_line():
    name = "Russia: Suppliers who let their missiles hit Russia become parties to the war"
    rows = name_rows(name, 30, "81.0%")
    assert len(rows) > 1 and all(len(r) <= 2 + 30 for r in rows[:-1])
    assert rows[-1].endswith(" 81.0%") and _flat(" ".join(rows)) == f"{name} 81.0%"
    assert name_rows("Nuclear use", 30, "1.0%") == [f"  {'Nuclear use':<30} 1.0%"]


def test_the_column_is_as_wide_as_the_longest_name_up_to_the_cap():
    assert name_width(["short"]) == 20
    assert name_width(["x" * 33]) == 33
    assert name_width(["x" * 90]) == NAME_CAP


def _cut_names(out: str, names: list[str]) -> list[str]:
    """Names printed only in part: their first words are in the output, not all of them."""
    shown = _flat(out)
    return [n for n in names if _flat(n)[:20] in shown and _flat(n) not in shown]


def test_simulate_prints_every_name_of_the_scenario_with_the_longest_names_whole():
    path = _longest_names_scenario()
    names = _names(path)
    assert max(len(n) for n in names) > NAME_CAP  # the test would prove nothing on short names
    p = subprocess.run(
        [sys.executable, "main.py", "simulate", path, "--games", "40", "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert p.returncode == 0, p.stderr
    scn = load_scenario(str(ROOT / path)).scenario
    shown = _flat(p.stdout)
    for name in (*(o.name for o in scn.outcomes), *(f"{scn.actor(r.owner).name}: {r.name}" for r in scn.red_lines)):
        assert _flat(name) in shown, f"{name!r} is not printed whole"
    assert _cut_names(p.stdout, names) == []


def test_sweep_prints_every_outcome_and_red_line_whole():
    path = _longest_names_scenario()
    scn = load_scenario(str(ROOT / path)).scenario
    param = scn.params[0]
    lo, hi = param.range
    p = subprocess.run(
        [sys.executable, "main.py", "sweep", path, "--set", f"params.{param.id}={lo:g},{hi:g}", "--games", "20"],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )
    assert p.returncode == 0, p.stderr
    shown = _flat(p.stdout)
    for name in (*(o.name for o in scn.outcomes), *(r.name for r in scn.red_lines)):
        assert _flat(name) in shown, f"{name!r} is not printed whole"


@pytest.mark.parametrize("cap", [24, 40])
def test_no_printed_line_of_a_wrapped_name_loses_a_word(cap):
    for path in SHIPPED:
        try:
            names = _names(path)
        except ScenarioError:
            continue
        for name in names:
            rows = name_rows(name, name_width([name], cap=cap), "1.0%")
            assert _flat(" ".join(rows)) == _flat(f"{name} 1.0%")
