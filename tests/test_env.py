"""The PettingZoo and Gymnasium environments (game/env.py): the API checkers on every shipped
scenario, seeding that gives the game ``replay`` shows, fog and hidden red lines, rewards."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pettingzoo")
pytest.importorskip("gymnasium")

from gymnasium.utils.env_checker import check_env  # noqa: E402
from pettingzoo.test import api_test, parallel_api_test  # noqa: E402

from game import resources  # noqa: E402
from game.env import env, load_rules, parallel_env, single_seat_env  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = sorted(p.stem for p in Path(resources.scenarios_dir()).glob("*.yaml"))


def _main(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", *args], capture_output=True, text=True, cwd=ROOT, timeout=300, check=False
    )


def _play_masked(e, rng: np.random.Generator) -> None:
    """Play an AEC episode to the end, each agent a uniformly random legal option."""
    for _agent in e.agent_iter():
        obs, _reward, terminated, truncated, _info = e.last()
        e.step(None if terminated or truncated else int(rng.choice(np.flatnonzero(obs["action_mask"]))))


def test_there_are_shipped_scenarios():
    assert {"tutorial", "cuba_1962", "atacms_2024", "israel_iran_2024"} <= set(SHIPPED)


@pytest.mark.parametrize("scenario", SHIPPED)
def test_pettingzoo_and_gymnasium_checkers_pass(scenario):
    """PettingZoo's api_test (with and without signals in the actions) and parallel_api_test,
    and Gymnasium's check_env for every seat."""
    rules = load_rules(scenario)  # compiled once; each environment takes the rules
    api_test(env(rules), num_cycles=200)
    parallel_api_test(parallel_env(rules), num_cycles=200)
    api_test(env(rules, signals=True), num_cycles=100)
    for actor in rules.scenario.actors:
        check_env(single_seat_env(rules, actor.id), skip_render_check=True)


def test_a_seeded_episode_is_the_game_replay_shows():
    """An episode of game G of seed S whose agent does and says what the doctrine drew in
    ``replay --seed S --game G`` is that game: the same events, rungs and outcome."""
    rules = load_rules("tutorial")
    outcomes = set()
    for game in range(8):
        ref = json.loads(_main("replay", "tutorial", "--seed", "11", "--game", str(game), "--json").stdout)
        mine = [ev for ev in ref["events"] if ev.get("actor") == "aldoria"]
        did = {ev["turn"]: ev["action"] for ev in mine if ev["kind"] == "decision"}
        said = {ev["turn"]: ev["signal"] for ev in mine if ev["kind"] == "signal"}
        e = env("tutorial", agents=["aldoria"], signals=True)
        e.reset(seed=11, options={"game": game})
        table = e.game.tables["aldoria"]
        for _agent in e.agent_iter():
            *_, terminated, truncated, info = e.last()
            if terminated or truncated:
                e.step(None)
                continue
            turn = info["turn"]
            want = [
                n
                for n in range(table.n_actions)
                if rules.action_id(rules.instances[table.split(n)[0]].action) == did[turn]
                and table.split(n)[1]
                == next((i for i, s in enumerate(rules.signals) if s.spec.id == said.get(turn)), None)
            ]
            assert len(want) == 1
            e.step(want[0])
        got = e.game_log()
        outcomes.add(got["outcome"])
        assert (got["outcome"], got["turns"], got["rungs_by_turn"]) == (
            ref["outcome"],
            ref["turns"],
            ref["rungs_by_turn"],
        )
        same = ("kind", "turn", "actor", "action", "signal", "text")
        strip = [{k: ev.get(k) for k in same} for ev in ref["events"] if ev["kind"] != "decision"]
        assert [{k: ev.get(k) for k in same} for ev in got["events"] if ev["kind"] != "decision"] == strip
    assert len(outcomes) > 1  # the games differ: the check is not of one path


def test_an_episode_replays_from_its_log(tmp_path):
    """Any episode (random legal play by every seat) is ``replay --log`` of its log, event for event."""
    for scenario, seed, game in (("tutorial", 5, 2), ("cuba_1962", 9, 0)):
        e = env(scenario)
        e.reset(seed=seed, options={"game": game})
        _play_masked(e, np.random.default_rng(seed))
        log = e.game_log()
        path = tmp_path / f"{scenario}.json"
        path.write_text(json.dumps(log), encoding="utf-8")
        p = _main("replay", scenario, "--log", str(path), "--json")
        assert p.returncode == 0, p.stderr
        replayed = json.loads(p.stdout)
        assert (replayed["seed"], replayed["game"]) == (seed, game)
        assert replayed["events"] == log["events"]
        assert replayed["outcome"] == log["outcome"]


def test_reset_without_seed_plays_the_next_game_of_the_batch():
    e = parallel_env("tutorial", agents=["borvia"])
    e.reset(seed=3)
    assert (e.game.seed, e.game.session.game) == (3, 0)
    e.reset()
    e.reset()
    assert (e.game.seed, e.game.session.game) == (3, 2)
    first = parallel_env("tutorial", agents=["borvia"])
    first.reset(seed=3, options={"game": 2})
    hold = {"borvia": first.game.tables["borvia"].hold}
    while first.agents:
        first.step(hold)
        e.step(hold)
    assert first.game_log()["events"] == e.game_log()["events"]


def test_hidden_red_lines_are_seen_only_by_their_owner():
    rules = load_rules("cuba_1962")
    e = parallel_env(rules)
    for spec in rules.scenario.red_lines:
        name = f"tripped:{spec.id}"
        for agent in e.possible_agents:
            seen = name in e.observation_names(agent)
            assert seen == (spec.declared or spec.owner == agent), (spec.id, agent)
    assert any(not r.declared for r in rules.scenario.red_lines)


def test_observation_holds_no_probability_or_engine_internals():
    e = parallel_env("cuba_1962")
    for agent in e.possible_agents:
        names = e.observation_names(agent)
        assert not [n for n in names if n.startswith(("_", "params."))]
        assert names[0] == "turn"


def test_illegal_actions_are_played_as_hold_and_said_in_info():
    e = single_seat_env("tutorial", "aldoria")
    obs, info = e.reset(seed=1)
    illegal = int(np.flatnonzero(obs["action_mask"] == 0)[0])
    instance = e.game.tables["aldoria"].instances[illegal]
    assert not next(o for o in e.game.session.options("aldoria") if o.instance == instance).legal
    _obs, _r, _term, _trunc, info = e.step(illegal)
    assert info["illegal_action"] is True
    first = e.game_log()["decisions"][0]
    assert first["choices"]["aldoria"] == e.game.tables["aldoria"].instances[e.game.tables["aldoria"].hold]


def _episode_rewards(reward, seat: str = "aldoria") -> list[float]:
    e = single_seat_env("tutorial", seat, reward=reward)
    e.reset(seed=4)
    rewards, done = [], False
    while not done:
        _o, r, done, _t, _i = e.step(e.game.tables[seat].hold)
        rewards.append(r)
    return rewards


def test_rewards_objectives_escalation_outcome_and_callable():
    objectives = _episode_rewards("objectives")
    assert all(r == 0.0 for r in objectives[:-1])
    e = single_seat_env("tutorial", "aldoria")
    e.reset(seed=4)
    while not e.game.session.done:
        e.step(e.game.tables["aldoria"].hold)
    log = e.game_log()
    assert objectives[-1] == pytest.approx(log["objectives"]["aldoria_calm"])
    escalation = _episode_rewards("escalation")
    score = e.game.session.value("aldoria.escalation")
    assert sum(escalation) == pytest.approx(-score) and score == 0.0  # holding never escalates
    outcome = _episode_rewards({log["outcome"]: 5.0})
    assert outcome[-1] == 5.0 and sum(outcome) == 5.0
    tension = _episode_rewards(lambda session, agent: -session.value("tension"))
    assert len(tension) == log["turns"] and all(r <= 0 for r in tension)


def test_doctrine_seats_follow_the_policies_option():
    e = parallel_env("tutorial", agents=["aldoria"], policies={"borvia": "hawk"})
    e.reset(seed=2)
    while e.agents:
        e.step({"aldoria": e.game.tables["aldoria"].hold})
    assert e.game_log()["policies"]["borvia"] == "hawk"


def test_bad_options_say_what_is_wrong():
    with pytest.raises(ValueError, match="agents must be actors"):
        env("tutorial", agents=["narnia"])
    with pytest.raises(ValueError, match="reward must be"):
        env("tutorial", reward="glory")
    with pytest.raises(ValueError, match="'glory' is not an outcome"):
        env("tutorial", reward={"glory": 1.0})
    with pytest.raises(ValueError, match="'narnia' is not an actor"):
        parallel_env("tutorial", agents=["aldoria"], policies={"narnia": "hawk"})


def test_render_shows_the_turns_news():
    e = parallel_env("tutorial", render_mode="ansi")
    e.reset(seed=1)
    e.step({a: e.game.tables[a].hold for a in e.agents})
    text = e.render()
    assert text is not None and "turn 1:" in text and "Aldoria" in text


def test_a_seat_not_driven_can_be_a_language_model():
    """``policies={"borvia": "llm:MODEL@URL"}``: the model plays its seat every turn against the
    agent, and the episode's log keeps its conversations and replays."""
    from llm_stand_in import StandIn, last_option

    with StandIn(["2", last_option]) as server:
        e = parallel_env("tutorial", agents=["aldoria"], policies={"borvia": f"llm:stand-in@{server.url}"})
        e.reset(seed=6)
        while e.agents:
            e.step({"aldoria": e.game.tables["aldoria"].hold})
        first = e.game_log()["turns"]
        e.reset(seed=6)
        while e.agents:
            e.step({"aldoria": e.game.tables["aldoria"].hold})
    log = e.game_log()
    assert log["policies"]["borvia"] == "llm:stand-in"
    assert [x["turn"] for x in log["llm"]] == list(range(1, log["turns"] + 1))  # this episode's only
    assert len(server.requests) == first + log["turns"]
    from game.decisions import SavedDecision, replay_decisions

    again = replay_decisions(
        e.game.rules, log["seed"], log["game"], log["humans"], [SavedDecision(**d) for d in log["decisions"]]
    )
    assert again.to_log()["events"] == log["events"]


def test_replay_log_refuses_a_log_of_another_scenario(tmp_path):
    e = parallel_env("tutorial")
    e.reset(seed=1)
    while e.agents:
        e.step({a: e.game.tables[a].hold for a in e.agents})
    path = tmp_path / "tutorial_game.json"
    path.write_text(json.dumps(e.game_log()), encoding="utf-8")
    p = _main("replay", "cuba_1962", "--log", str(path))
    assert p.returncode == 2 and "is a game of 'tutorial', not of 'cuba_1962'" in p.stderr
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    p = _main("replay", "tutorial", "--log", str(tmp_path / "bad.json"))
    assert p.returncode == 2 and "not valid JSON" in p.stderr and "Traceback" not in p.stderr
