"""``class-report`` reads students' exported logs, skips corrupt ones, compares with the AI."""

from __future__ import annotations

import json
import subprocess
import sys

from game.engine.session import Session
from game.policies import seat_policies
from game.runners.load import load_scenario


def _student_log(seed: int) -> dict:
    rules = load_scenario("scenarios/tutorial.yaml").rules
    s = Session(rules, seed, ("aldoria",), seats=seat_policies(rules, ("aldoria",)))
    while not s.done:
        legal = [o for o in s.options("aldoria") if o.legal]
        s.step({"aldoria": legal[(seed + s.turn) % len(legal)].instance})
    return json.loads(json.dumps(s.to_log()))


def test_class_report_reads_logs_and_skips_bad_ones(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    for seed in range(6):
        (logs / f"student{seed}.json").write_text(json.dumps(_student_log(seed)))
    (logs / "broken.json").write_text('{"format": "redline-log/1", "scenario": ')
    (logs / "foreign.json").write_text('{"hello": "world"}')
    (logs / "wrongtype.json").write_text(json.dumps({**_student_log(9), "turns": "five"}))
    out = tmp_path / "report"
    p = subprocess.run(
        [sys.executable, "main.py", "class-report", str(logs), "--out", str(out), "--ai-games", "300"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert "Traceback" not in p.stderr
    assert "broken.json: skipped: not valid JSON" in p.stdout
    assert "foreign.json: skipped: not a Redline game log" in p.stdout
    assert 'wrongtype.json: skipped: turns: expected a whole number, found "five"' in p.stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["logs"] == 6 and summary["seat"] == "aldoria"
    assert abs(sum(summary["students"].values()) - 1) < 1e-9
    assert abs(sum(summary["ai"].values()) - 1) < 1e-9
    assert summary["paths"] and sum(p["games"] for p in summary["paths"]) == 6
    page = (out / "report.html").read_text()
    assert "data:image/png;base64," in page and "Most common decision paths" in page


def test_class_report_with_no_logs(tmp_path):
    p = subprocess.run(
        [sys.executable, "main.py", "class-report", str(tmp_path), "--out", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 1 and "no usable game logs" in p.stderr


def _cuba_log(follow: int, seed: int) -> dict:
    """A US game that does what history records for ``follow`` turns, then the first other option."""
    rules = load_scenario("scenarios/cuba_1962.yaml").rules
    history = {h.turn: h.actions.get("usa") for h in rules.scenario.history}
    s = Session(rules, seed, ("usa",), seats=seat_policies(rules, ("usa",)))
    while not s.done:
        legal = [o for o in s.options("usa") if o.legal]
        wanted = history.get(s.turn) if s.turn <= follow else None
        same = [o for o in legal if o.action == wanted]
        other = [o for o in legal if o.action != history.get(s.turn)]
        s.step({"usa": (same or other or legal)[0].instance})
    return json.loads(json.dumps(s.to_log()))


def test_the_class_page_shows_the_ladder_the_partings_from_history_and_the_questions(tmp_path):
    rules = load_scenario("scenarios/cuba_1962.yaml").rules
    logs = tmp_path / "logs"
    logs.mkdir()
    for i, follow in enumerate((0, 0, 2, 3)):
        (logs / f"team{i}.json").write_text(json.dumps(_cuba_log(follow, 42)))
    out = tmp_path / "class"
    p = subprocess.run(
        [sys.executable, "main.py", "class-report", str(logs), "--out", str(out), "--ai-games", "300"],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert p.returncode == 0, p.stderr
    summary = json.loads((out / "summary.json").read_text())
    ladder = summary["ladder"]
    assert len(ladder["games"]) == 4 and all(len(g) >= 1 for g in ladder["games"])
    assert len(ladder["history"]) == len(rules.scenario.history)
    parted = {row["turn"]: row["games"] for row in summary["partings"]}
    assert parted.get(1) == 2, summary["partings"]
    assert sum(parted.values()) <= 4 and set(parted) <= {1, 3, 4}
    assert 6 <= len(summary["questions"]) <= 8
    page = (out / "report.html").read_text()
    for heading in ("The class's paths on the ladder", "Where the class and history parted", "Discussion questions"):
        assert heading in page
    assert page.count("data:image/png;base64,") == 3
    assert page.index("Where the class and history parted") < page.index("Discussion questions")
