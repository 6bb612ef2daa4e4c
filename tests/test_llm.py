"""The language-model seat (game/policies/llm.py) against a stand-in server on loopback
(tests/llm_stand_in.py): what it sends, how it reads answers (an illegal one, garbage), that
the game's log keeps every prompt and answer, and that the game replays without the server."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from llm_stand_in import StandIn, last_option

from game.policies.llm import LLMError, LLMPolicy, game_log, parse_llm_spec, play_game, prompt
from game.runners.load import load_scenario

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tutorial():
    return load_scenario(ROOT / "scenarios" / "tutorial.yaml").rules


def _main(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", *args], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )


def test_answers_are_read_retried_and_replaced_by_hold(tutorial):
    """Turn 1 a good answer; turn 2 an illegal number then garbage (replaced by Hold after one
    retry); turn 3 garbage then a good answer."""
    with StandIn(["2", "Option 99", "no comment", "banana", "1, to wait", last_option]) as server:
        seat = LLMPolicy("stand-in-model", server.url, retries=1)
        session = play_game(tutorial, 3, 5, {"borvia": seat})
        log = game_log(session, {"borvia": seat})
    turns = {x["turn"]: x for x in log["llm"]}
    assert turns[1]["status"] == "ok" and turns[1]["action"] == "Propose talks"
    assert turns[2]["answers"] == ["Option 99", "no comment"]
    assert turns[2]["verdicts"][0].startswith("illegal: 99 is not an option")
    assert turns[2]["status"] == "replaced by Hold: unparseable: no number"
    assert turns[2]["action"] == "Hold and watch"
    assert turns[3]["status"] == "ok after 1 retries"
    first = server.requests[0]
    assert first["model"] == "stand-in-model" and first["temperature"] == 0.0
    assert [m["role"] for m in first["messages"]] == ["system", "user"]
    retry = server.requests[2]["messages"]
    assert [m["role"] for m in retry] == ["system", "user", "assistant", "user"]
    assert retry[2]["content"] == "Option 99" and "one number from 1 to" in retry[3]["content"]
    # every prompt and answer is in the log, and the decisions are the model's choices
    assert turns[2]["messages"][-1] == {"role": "assistant", "content": "no comment"}
    assert log["policies"]["borvia"] == "llm:stand-in-model"
    chosen = {d["turn"]: d["choices"]["borvia"] for d in log["decisions"]}
    assert all(chosen[t] == x["instance"] for t, x in turns.items())
    assert len(server.requests) == sum(len(x["answers"]) for x in log["llm"])


def test_the_prompt_is_the_seats_view(tutorial):
    """The role card, the turn, the news without its odds, and only the legal options, numbered."""
    from game.engine.session import Session
    from game.policies import seat_policies

    session = Session(tutorial, 1, ("aldoria",), 0, seats=seat_policies(tutorial, ("aldoria",)))
    session.step({"aldoria": 0})
    legal = [o for o in session.options("aldoria") if o.legal]
    text = prompt(session, "aldoria", legal)
    assert "You are Aldoria." in text and "Your goals: Keep Skerry Island" in text and "Turn 2 of 5" in text
    listed = [line for line in text.split("Your options this turn:")[1].splitlines() if line[:1].isdigit()]
    assert len(listed) == len(legal) < len(session.options("aldoria"))
    assert listed[0].startswith("1. Hold and watch")
    news = text.split("Last turn's news:")[1].split("Your options")[0]
    assert "Borvia" in news and "likely" not in news and "roll" not in news
    assert text.endswith(f"Answer with one number from 1 to {len(legal)}.")


def test_a_hidden_red_line_is_not_named_to_the_model():
    rules = load_scenario(ROOT / "scenarios" / "cuba_1962.yaml").rules
    hidden = [r.name for r in rules.scenario.red_lines if not r.declared]
    with StandIn([last_option]) as server:
        seat = LLMPolicy("m", server.url)
        play_game(rules, 2, 0, {"usa": seat})
    for x in seat.transcript:
        for name in hidden:
            assert name not in x.messages[1]["content"]


def test_an_llm_game_replays_from_its_log_without_the_server(tmp_path):
    with StandIn(["3", "garbage", "garbage", "garbage", "2", last_option]) as server:
        p = _main(
            "replay",
            "tutorial",
            "--seed",
            "4",
            "--game",
            "1",
            "--policy",
            f"borvia=llm:stand-in@{server.url}/v1",
            "--json",
        )
        assert p.returncode == 0, p.stderr
        text = _main(
            "replay", "tutorial", "--seed", "4", "--game", "1", "--policy", f"borvia=llm:stand-in@{server.url}"
        )
    played = json.loads(p.stdout)
    assert played["llm"] and all(x["messages"] for x in played["llm"])
    assert "replaced by Hold" in played["llm"][1]["status"]
    assert "model answered '3': ok" in text.stdout
    path = tmp_path / "llm_game.json"
    path.write_text(p.stdout, encoding="utf-8")
    again = _main("replay", "tutorial", "--log", str(path), "--json")  # the server is gone
    assert again.returncode == 0, again.stderr
    replayed = json.loads(again.stdout)
    assert replayed["events"] == played["events"] and replayed["outcome"] == played["outcome"]
    assert replayed["llm"] == played["llm"] and replayed["policies"]["borvia"] == "llm:stand-in"


def test_simulate_with_an_llm_seat_writes_each_games_log(tmp_path):
    with StandIn([last_option]) as server:
        p = _main(
            "simulate",
            "tutorial",
            "--games",
            "3",
            "--seed",
            "2",
            "--json",
            "--logs",
            str(tmp_path / "logs"),
            "--policy",
            f"aldoria=llm:stand-in@{server.url}",
        )
    assert p.returncode == 0, p.stderr
    summary = json.loads(p.stdout)
    assert summary["games"] == 3 and summary["policies"]["aldoria"].startswith("llm:stand-in@")
    logs = sorted((tmp_path / "logs").glob("*.json"))
    assert [f.name for f in logs] == ["game_0.json", "game_1.json", "game_2.json"]
    assert all(json.loads(f.read_text())["llm"] for f in logs)


def test_server_problems_are_one_line_errors(tutorial):
    p = _main("replay", "tutorial", "--policy", "borvia=llm:m@http://127.0.0.1:9")
    assert p.returncode == 2 and "cannot reach the model server" in p.stderr and "Traceback" not in p.stderr
    p = _main("simulate", "tutorial", "--policy", "borvia=llm:no-url")
    assert p.returncode == 2 and "is not llm:MODEL@URL" in p.stderr
    p = _main("simulate", "tutorial", "--games", "10", "--logs", "ignored")
    assert p.returncode == 2 and "--logs keeps the games of a seat played by a language model" in p.stderr
    with StandIn([None]) as server, pytest.raises(LLMError, match="HTTP 500"):
        play_game(tutorial, 1, 0, {"borvia": LLMPolicy("m", server.url, timeout=5)})


def test_the_policy_spec():
    assert parse_llm_spec("llm:qwen2.5:7b@http://localhost:8000/v1/") == ("qwen2.5:7b", "http://localhost:8000")
    with pytest.raises(ValueError):
        parse_llm_spec("llm:@http://x")


def test_the_window_asks_the_model_for_its_seat(tmp_path, monkeypatch):
    """``play --policy borvia=llm:...``: the match asks the model on each turn it plays (on the
    worker thread, in the window), its log keeps the conversations, and it replays."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))  # autosaves go to the test's folder
    from game.decisions import SavedDecision, replay_decisions
    from game.ui.match import Match

    with StandIn(["3", "nonsense", None, last_option]) as server:
        match = Match.start(
            str(ROOT / "scenarios" / "tutorial.yaml"),
            ("aldoria",),
            8,
            policies={"borvia": f"llm:stand-in@{server.url}"},
        )
        assert match.seats == ("aldoria",) and set(match.models) == {"borvia"}
        while not match.session.done:
            match.end_turn()
    log = match.game_log()
    assert log["policies"]["borvia"] == "llm:stand-in"
    assert [x["turn"] for x in log["llm"]] == list(range(1, log["turns"] + 1))
    second = log["llm"][1]  # "nonsense", then HTTP 500 (the window holds), then a good answer
    assert second["verdicts"][0] == "unparseable: no number" and second["verdicts"][1].startswith("server error:")
    again = replay_decisions(
        match.loaded.rules, log["seed"], log["game"], log["humans"], [SavedDecision(**d) for d in log["decisions"]]
    )
    assert again.to_log()["events"] == log["events"]


def test_play_checks_its_policy_option_before_opening_the_window():
    p = _main("play", "tutorial", "--actor", "aldoria", "--policy", "borvia=llm:nourl")
    assert p.returncode == 2 and "is not llm:MODEL@URL" in p.stderr
    p = _main("play", "tutorial", "--policy", "narnia=hawk")
    assert p.returncode == 2 and "unknown actor 'narnia'" in p.stderr


def test_the_modules_examples_hold():
    import doctest

    import game.policies.llm as llm_module

    result = doctest.testmod(llm_module)
    assert result.attempted >= 4 and result.failed == 0
