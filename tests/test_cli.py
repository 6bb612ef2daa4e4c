"""The headless commands, run as a user runs them: through a subprocess."""

from __future__ import annotations

import csv
import json
import subprocess
import sys

import pytest

TUTORIAL = "scenarios/tutorial.yaml"


def run(*args, check_rc=None):
    p = subprocess.run([sys.executable, "main.py", *args], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in p.stderr, p.stderr
    if check_rc is not None:
        assert p.returncode == check_rc, (p.returncode, p.stdout, p.stderr)
    return p


def test_validate_ok():
    p = run("validate", TUTORIAL, check_rc=0)
    assert "1 of 1 scenario valid" in p.stdout


def test_validate_reports_every_error_with_its_line(tmp_path):
    text = open(TUTORIAL).read()
    text = text.replace('when: "tension >= 0.4"', 'when: "tensoin >= 0.4"')
    text = text.replace("category: posturing", "category: posture", 1)
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    p = run("validate", str(bad), TUTORIAL, check_rc=1)
    lines = p.stdout.splitlines()
    assert any(
        ":" in line and "category must be one of" in line and "did you mean 'posturing'" in line for line in lines
    ), p.stdout
    assert lines[-1] == "1 of 2 scenarios valid; 1 error in 1 file"


def test_expression_error_points_at_the_name(tmp_path):
    text = open(TUTORIAL).read().replace('when: "tension >= 0.4"', 'when: "tensoin >= 0.4"')
    bad = tmp_path / "bad.yaml"
    bad.write_text(text)
    p = run("validate", str(bad), check_rc=1)
    line_no = next(i for i, line in enumerate(text.splitlines(), 1) if "tensoin" in line)
    col = text.splitlines()[line_no - 1].index("tensoin") + 1
    expected = "actions.seize_island.when: unknown variable 'tensoin' (did you mean 'tension'?)"
    assert f"bad.yaml:{line_no}:{col}: {expected}" in p.stdout


def test_usage_errors_exit_2():
    assert run("validate", check_rc=2).stderr
    assert "expected a positive number" in run("simulate", TUTORIAL, "--games", "0", check_rc=2).stderr
    assert "unknown actor" in run("simulate", TUTORIAL, "--policy", "nobody=hawk", check_rc=2).stderr
    assert run("frobnicate", check_rc=2).stderr


def test_simulate_json_and_csv(tmp_path):
    out = tmp_path / "games.csv"
    p = run("simulate", TUTORIAL, "--games", "3000", "--seed", "4", "--json", "--games-csv", str(out), check_rc=0)
    s = json.loads(p.stdout)
    for key in (
        "scenario",
        "games",
        "seed",
        "outcomes",
        "turns",
        "max_rung",
        "red_lines",
        "escalation_score",
        "thresholds",
        "accidents",
        "signals",
    ):
        assert key in s
    assert s["games"] == 3000 and s["seed"] == 4
    assert sum(s["outcomes"].values()) == pytest.approx(1.0)
    assert set(s["turns"]) == {"mean", "p50", "p95"}
    rows = list(csv.DictReader(open(out)))
    assert len(rows) == 3000
    assert {"game", "outcome", "turns", "max_rung"} <= set(rows[0])
    # replay of a game equals its row in the batch
    for g in (0, 1234, 2999):
        r = json.loads(run("replay", TUTORIAL, "--seed", "4", "--game", str(g), "--json", check_rc=0).stdout)
        assert r["outcome"] == rows[g]["outcome"]
        assert r["turns"] == int(rows[g]["turns"])
        assert r["max_rung"] == int(rows[g]["max_rung"])
        assert r["events"] and r["events"][-1]["kind"] == "outcome"


def test_simulate_set_and_policy_change_results():
    base = json.loads(run("simulate", TUTORIAL, "--games", "4000", "--json", "--quiet", check_rc=0).stdout)
    hawk = json.loads(
        run(
            "simulate",
            TUTORIAL,
            "--games",
            "4000",
            "--json",
            "--quiet",
            "--policy",
            "aldoria=hawk",
            "--policy",
            "borvia=hawk",
            check_rc=0,
        ).stdout
    )
    assert hawk["outcomes"]["war"] > base["outcomes"]["war"]
    bluff = json.loads(
        run(
            "simulate", TUTORIAL, "--games", "4000", "--json", "--quiet", "--set", "params.enforce_p=0", check_rc=0
        ).stdout
    )
    assert bluff["red_lines"]["island_landing"]["responses"]["strike_back"] == 0
    p = run("simulate", TUTORIAL, "--set", "params.enforce_p=7", check_rc=1)
    assert "outside its range [0, 1]" in p.stderr
    p = run("simulate", TUTORIAL, "--set", "params.enforse_p=0.1", check_rc=1)
    assert "did you mean 'params.enforce_p'" in p.stderr


def test_simulate_human_summary():
    p = run("simulate", TUTORIAL, "--games", "2000", check_rc=0)
    assert "Outcomes" in p.stdout and "Red lines" in p.stdout and "Escalation score" in p.stdout


def test_replay_text_explains_chance():
    p = run("replay", TUTORIAL, "--seed", "3", "--game", "5", check_rc=0)
    assert "Turn 1" in p.stdout and "decides" in p.stdout and "Outcome:" in p.stdout


def test_schema_and_params():
    schema = json.loads(run("schema", check_rc=0).stdout)
    assert schema["properties"]["format"]["const"] == "redline/1"
    p = run("params", TUTORIAL, check_rc=0)
    first = p.stdout.splitlines()[0]
    assert first.startswith("params.enforce_p = 0.5")
    assert "red_lines.homeland_struck.responses.missile_strike.p = 0.6" in p.stdout


HEADLESS = """
import runpy, sys
sys.argv = ["main.py", *{args!r}]
try:
    runpy.run_path("main.py", run_name="__main__")
except SystemExit:
    pass
assert "pygame" not in sys.modules, "pygame was imported"
print("NO-PYGAME")
"""


@pytest.mark.parametrize(
    "args",
    [
        ["validate", TUTORIAL],
        ["simulate", TUTORIAL, "--games", "500", "--quiet"],
        ["replay", TUTORIAL, "--game", "2"],
        ["schema"],
        ["params", TUTORIAL],
    ],
)
def test_headless_commands_never_import_pygame(args):
    p = subprocess.run([sys.executable, "-c", HEADLESS.format(args=args)], capture_output=True, text=True, timeout=120)
    assert "NO-PYGAME" in p.stdout, p.stderr


def test_engine_imports_no_pygame():
    code = (
        "import sys, game.engine.batch, game.engine.session, game.loader.load, game.runners.local;"
        "assert 'pygame' not in sys.modules; print('ok')"
    )
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "ok"
