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
