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


def _cuba_seat_log(seat: str, seed: int) -> dict:
    """A finished Cuba game with a student in ``seat``, choosing the first legal option each turn."""
    rules = load_scenario("scenarios/cuba_1962.yaml").rules
    s = Session(rules, seed, (seat,), seats=seat_policies(rules, (seat,)))
    while not s.done:
        s.step({seat: next(o for o in s.options(seat) if o.legal).instance})
    return json.loads(json.dumps(s.to_log()))


def _class_report(logs, out, *extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", "class-report", str(logs), "--out", str(out), "--ai-games", "100", *extra],
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_a_folder_mixing_seats_warns_with_each_seat_and_count_and_seat_picks_one(tmp_path):
    """A teacher put US and Soviet logs in one folder: the report said 'two US games' without a word."""
    logs = tmp_path / "logs"
    logs.mkdir()
    for i in range(3):
        (logs / f"us{i}.json").write_text(json.dumps(_cuba_seat_log("usa", 10 + i)))
    (logs / "ussr0.json").write_text(json.dumps(_cuba_seat_log("ussr", 20)))
    (logs / "tut.json").write_text(json.dumps(_student_log(1)))
    p = _class_report(logs, tmp_path / "all")
    assert p.returncode == 0, p.stderr
    lines = [line for line in p.stderr.splitlines() if line.startswith("warning:")]
    assert any("mixes logs of 2 seats" in w and "[usa] (3 logs)" in w and "[ussr] (1 log)" in w for w in lines), lines
    assert any(
        "mixes logs of 2 scenarios" in w and "cuba_1962 (4 logs)" in w and "tutorial (1 log)" in w for w in lines
    )
    summary = json.loads((tmp_path / "all" / "summary.json").read_text())
    assert summary["seat"] == "usa" and summary["logs"] == 3 and len(summary["warnings"]) == 2
    assert "Warning: the folder mixes logs of 2 seats" in (tmp_path / "all" / "report.html").read_text()
    p = _class_report(logs, tmp_path / "ussr", "--seat", "ussr")
    assert p.returncode == 0, p.stderr
    summary = json.loads((tmp_path / "ussr" / "summary.json").read_text())
    assert summary["seat"] == "ussr" and summary["logs"] == 1 and len(summary["ladder"]["games"]) == 1
    assert "us0.json: skipped: played as United States [usa], not" in p.stdout
    p = _class_report(logs, tmp_path / "x", "--seat", "france")
    assert p.returncode == 2 and "--seat france: no such seat" in p.stderr and "Traceback" not in p.stderr


def test_one_seat_per_folder_gives_no_warning(tmp_path):
    """The guides' way (a folder per seat, `class-report logs/usa/ --out class/usa/`) stays quiet."""
    logs = tmp_path / "logs" / "usa"
    logs.mkdir(parents=True)
    for i in range(2):
        (logs / f"team{i}.json").write_text(json.dumps(_cuba_seat_log("usa", 30 + i)))
    p = _class_report(logs, tmp_path / "class" / "usa")
    assert p.returncode == 0, p.stderr
    assert "warning" not in p.stderr
    assert json.loads((tmp_path / "class" / "usa" / "summary.json").read_text())["warnings"] == []


def test_the_history_line_and_the_class_lines_are_both_the_highest_rung_so_far():
    """History's line fell (the rung of each turn's action) while the class's never did (highest so far)."""
    from game.class_report import highest_so_far, historical_rungs

    rules = load_scenario("scenarios/cuba_1962.yaml").rules
    for seat in ("usa", "ussr", "cuba"):
        line = historical_rungs(rules, seat)
        assert line == highest_so_far(line) and any(line), (seat, line)
    log = _cuba_seat_log("usa", 5)
    assert highest_so_far([2, 1, 3, 0]) == [2, 2, 3, 3]
    assert highest_so_far(log["rungs_by_turn"]["usa"]) == sorted(highest_so_far(log["rungs_by_turn"]["usa"]))


def test_every_class_report_command_in_the_guides_is_one_the_command_takes():
    """The guides' class-report lines (a folder per seat, or --seat) stay true as the command changes."""
    import glob
    import re
    import shlex

    from game.cli import build_parser

    parser = build_parser()
    seen = 0
    for guide in glob.glob("docs/teaching/*.md"):
        scenario = load_scenario(f"scenarios/{guide.rsplit('/', 1)[-1][:-3]}.yaml").scenario
        seat = next(a.id for a in scenario.actors if a.playable)
        for line in re.findall(r"`python main\.py (class-report [^`]+)`", open(guide, encoding="utf-8").read()):
            args = parser.parse_args(shlex.split(line.replace("SEAT", seat)))
            assert args.logs and args.out, line
            if args.seat is not None:
                assert args.seat in {a.id for a in scenario.actors}, line
            seen += 1
    assert seen >= 3
