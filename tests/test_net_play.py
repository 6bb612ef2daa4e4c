"""A class game played over loopback websockets: to its debrief, through a client's crash and a
host's, with the control cell's commands, and with every decision applied exactly once."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys

import pytest

from game.class_report import read_log, replay_logs
from game.engine.session import NO_RESPONSE
from game.net import protocol
from game.net.class_game import ClassError, ClassGame
from tests.net_support import (
    ATACMS,
    CUBA,
    ROOT,
    FakeClock,
    close_all,
    hosted,
    join,
    join_all,
    new_game,
    pick,
    play_turn,
    start,
)

SEATS = ("usa", "ussr", "cuba")


def test_three_teams_play_a_scenario_to_its_debrief(tmp_path):
    game = new_game(CUBA, seed=11)
    turns = game.scenario.calendar.turns

    async def main():
        with hosted(game, str(tmp_path)) as h:
            teacher, clients = await join_all(h, SEATS)
            await start(teacher, clients)
            assert teacher.view["actors"] == [{"id": a.id, "name": a.name, "team": True} for a in game.scenario.actors]
            while clients["usa"].view["phase"] != "over":
                turn = clients["usa"].view["turn"]
                await clients["usa"].say("all", f"public statement of turn {turn}")
                await clients["ussr"].say("usa", f"private word of turn {turn}")
                await clients["ussr"].wait_for(
                    lambda v, t=turn: any(m["text"].endswith(f"turn {t}") for m in v["messages"])
                )
                await play_turn(clients)
            for c in [*clients.values(), teacher]:
                view = await c.wait_for(lambda v: v["phase"] == "over" and bool(v["replays"]), timeout=120)
                assert view["outcome"]["id"] == game.session.outcome.id
            replays = teacher.view["replays"]
            assert replays["n"] == 1000 and set(replays["teams"]) == set(SEATS)
            for shares in [replays["ai"], *replays["teams"].values()]:
                assert len(shares) == len(game.scenario.outcomes) and abs(sum(shares) - 1) < 1e-3
            await close_all(teacher, *clients.values())
        return clients, teacher

    clients, teacher = asyncio.run(main())
    timeline = teacher.view["timeline"]
    played = game.session.turn - 1 if not game.session.done else int(game.session.batch.turns[0])
    assert 1 <= played <= turns
    for seat in SEATS:  # each team's decisions, one a turn, on the one timeline
        assert [e["turn"] for e in timeline if e["kind"] == "decision" and e["seat"] == seat] == list(
            range(1, played + 1)
        )
    said = [e for e in timeline if e["kind"] == "message"]
    assert len(said) == 2 * played and all(e["text"].endswith(f"turn {e['turn']}\u201d") for e in said)
    cuba_timeline = clients["cuba"].view["timeline"]  # Cuba reads the public statements, not the private words
    assert not any("private word" in e["text"] for e in cuba_timeline)
    assert sum("public statement" in e["text"] for e in cuba_timeline) == played
    assert not clients["usa"].errors and not teacher.errors

    # the game's log is class-report's, and replaying its decisions gives the game that was played
    log = read_log(str(tmp_path / "log.json"))
    assert log.humans == SEATS and len(log.decisions) == played
    replayed, unplayable, flagged = replay_logs([("log.json", log)], game.rules)
    assert not unplayable and not flagged
    assert replayed[0].outcome == game.session.outcome.id
    written = json.loads((tmp_path / "log.json").read_text())["class"]
    assert written["teams"] == list(SEATS) and written["replays"] == teacher.view["replays"]


def test_a_client_killed_mid_turn_rejoins_and_its_decision_is_applied_once(tmp_path):
    game = new_game(CUBA, seed=3)

    async def main():
        with hosted(game, str(tmp_path)) as h:
            teacher, clients = await join_all(h, SEATS)
            await start(teacher, clients)
            await play_turn(clients)
            usa = clients["usa"]
            decision = await usa.propose(pick(usa.view))
            await usa.wait_for(lambda v: v["proposal"] is not None)
            assert usa.ws is not None
            usa.ws.transport.abort()  # the laptop sleeps: no closing handshake
            await clients["ussr"].decide(pick(clients["ussr"].view))
            await clients["cuba"].decide(pick(clients["cuba"].view))
            await teacher.wait_for(lambda v: sorted(v["decided"]) == ["cuba", "ussr"] and not v["connected"]["usa"])

            back = await join(h.address, game.codes["usa"].lower(), "usa again")  # case does not matter
            view = await back.wait_for(lambda v: bool(v))
            assert view["turn"] == 2 and view["proposal"]["decision"] == decision  # the game where it was
            await back.confirm(decision)
            await back.wait_for(lambda v: v["turn"] == 3 or v["phase"] == "over")
            await back.confirm(decision)  # replayed: refused, nothing changes
            assert "already applied" in await back.wait_error(1)
            saved = h.saved()
            await back.send(protocol.Confirm(decision))
            await back.wait_error(2)
            assert h.saved() == saved
            await close_all(back, teacher, clients["ussr"], clients["cuba"])

    asyncio.run(main())
    assert [d["turn"] for d in game.session.decisions] == [1, 2]


def _host(args: list[str]) -> tuple[subprocess.Popen, str, dict[str, str]]:
    """``main.py host ... --no-window`` in a process of its own: its address and codes as printed."""
    proc = subprocess.Popen(
        [sys.executable, "main.py", "host", *args, "--no-window", "--port", "0", "--bind", "127.0.0.1"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    lines = []
    while not lines or not lines[-1].startswith("the game's log"):
        line = proc.stdout.readline()
        assert line, "the host printed no address"
        lines.append(line.rstrip("\n"))
    text = "\n".join(lines)
    port = re.search(r"join \S+:(\d+) CODE", text)
    assert port is not None, text
    codes = dict(re.findall(r"^  (.+): ([A-Z0-9]+)$", text, re.M))
    codes["teacher"] = re.search(r"console: .* (\S+)$", text, re.M).group(1)  # type: ignore[union-attr]
    return proc, f"127.0.0.1:{port.group(1)}", codes


def test_the_host_killed_resumes_from_its_save(tmp_path):
    out = str(tmp_path / "class")
    proc, address, codes = _host([CUBA, "--seed", "5", "--out", out])
    names = {"usa": "United States", "ussr": "Soviet Union", "cuba": "Cuba"}

    async def first_half():
        teacher = await join(address, codes["teacher"])
        clients = {s: await join(address, codes[names[s]]) for s in SEATS}
        await teacher.wait_for(lambda v: all(v["connected"][s] for s in SEATS))
        await start(teacher, clients)
        for _ in range(3):
            await play_turn(clients)
        await clients["usa"].say("all", "before the crash")
        decision = await clients["ussr"].propose(pick(clients["ussr"].view))
        await teacher.wait_for(lambda v: "ussr" in v["proposals"])
        return teacher.view, decision

    try:
        before, decision = asyncio.run(first_half())
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    save = os.path.join(out, "game.class-save")
    proc, address, codes2 = _host([CUBA, "--resume", save])
    assert codes2 == codes  # the same codes open the same seats

    async def second_half():
        teacher = await join(address, codes["teacher"])
        clients = {s: await join(address, codes[names[s]]) for s in SEATS}
        view = await teacher.wait_for(lambda v: all(v["connected"][s] for s in SEATS))
        assert view["turn"] == before["turn"] == 4
        assert view["proposals"]["ussr"]["decision"] == decision
        assert [m["text"] for m in view["messages"]] == ["before the crash"]
        await clients["ussr"].confirm(decision)
        await clients["usa"].decide(pick(clients["usa"].view))
        await clients["cuba"].decide(pick(clients["cuba"].view))
        await teacher.wait_for(lambda v: v["turn"] == 5)
        while clients["usa"].view["phase"] != "over":
            await play_turn(clients)
        await close_all(teacher, *clients.values())

    try:
        asyncio.run(second_half())
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
    log = read_log(os.path.join(out, "log.json"))
    assert [d.turn for d in log.decisions] == list(range(1, log.turns + 1))


def test_the_control_cell(tmp_path):
    """Pause, clock (hold and doctrine), inject, news, override with a reason, reveal."""
    game = new_game(ATACMS, seed=2)
    clock = FakeClock()
    teams = ("ukraine", "russia", "usa")  # nato_europe is played by its doctrine

    async def main():
        with hosted(game, str(tmp_path), clock) as h:
            teacher, clients = await join_all(h, teams)
            await start(teacher, clients)
            ukraine = clients["ukraine"]
            await teacher.send(protocol.Pause())
            await teacher.wait_for(lambda v: v["phase"] == "paused")
            await ukraine.propose(pick(ukraine.view))
            assert "paused" in await ukraine.wait_error(1)
            await ukraine.send(protocol.Resume())
            assert "teacher's" in await ukraine.wait_error(2)
            await teacher.send(protocol.Resume())
            await teacher.send(protocol.Clock(60, "hold"))
            await teacher.wait_for(lambda v: v["clock"]["seconds"] == 60 and v["phase"] == "playing")

            event = game.scenario.events[0]
            await teacher.send(protocol.Inject(event.id))
            await teacher.send(protocol.News("Markets fall across Europe"))
            nato = (await teacher.wait_for(lambda v: bool(v["doctrine_options"])))["doctrine_options"]["nato_europe"]
            ruled = nato[-1]
            await teacher.send(protocol.Override("nato_europe", ruled["instance"], "the allies met in Ramstein"))
            await teacher.send(protocol.Override("ukraine", pick(ukraine.view), "no"))
            assert "played by a team" in await teacher.wait_error(1)

            await clients["russia"].decide(pick(clients["russia"].view))
            await teacher.wait_for(lambda v: v["decided"] == ["russia"])
            clock.now += 61  # Ukraine and the USA run out of time: they hold
            view = await ukraine.wait_for(lambda v: v["turn"] == 2)
            texts = [f["text"] for f in view["feed"]]
            assert "Markets fall across Europe" in texts
            assert any(f["kind"] == "event" and f["text"].startswith(event.text[:20]) for f in view["feed"])
            assert any("Ramstein" in t for t in texts)  # the ruling and its reason
            assert any("did not decide in time: it holds" in t for t in texts)
            first = game.session.decisions[0]
            assert first["rulings"]["choices"] == {"nato_europe": ruled["instance"]}
            assert first["rulings"]["injected"] == [event.id]
            R = game.rules
            assert first["choices"]["ukraine"] == int(R.actions[R.wait_action[R.actor_index("ukraine")]].instances[0])
            assert "usa" not in first["signals"] or first["signals"]["usa"] is None

            await teacher.send(protocol.Clock(30, "doctrine"))
            await teacher.wait_for(lambda v: v["clock"]["on_timeout"] == "doctrine")
            clock.now += 31
            await teacher.wait_for(lambda v: v["turn"] == 3)
            assert set(game.session.decisions[1]["choices"]) == set()  # every seat drew by its doctrine
            assert game.session.decisions[1]["rulings"]["doctrine"] == list(teams)

            assert ukraine.view["red_lines"] == []
            await teacher.send(protocol.Reveal())
            view = await ukraine.wait_for(lambda v: v["revealed"])
            assert {r["id"] for r in view["red_lines"]} == {r.id for r in game.scenario.red_lines}
            await close_all(teacher, *clients.values())

    asyncio.run(main())
    assert game.rulings[0].kind == "inject" and game.rulings[2].reason == "the allies met in Ramstein"


@pytest.mark.parametrize("on_timeout", ["hold", "doctrine"])
def test_the_turn_clock_is_kept_in_the_save(tmp_path, on_timeout):
    game = new_game(CUBA, seed=1)
    game.start(SEATS, 0.0)
    game.set_clock(45, on_timeout, 0.0)
    game.pause(10.0)
    data = json.loads(json.dumps(game.to_save()))
    again = type(game).from_save(game.loaded, game.source, data, 0.0)
    assert (again.clock_seconds, again.on_timeout, again.teams) == (45, on_timeout, SEATS)


def test_a_game_with_no_team_does_not_start():
    game = new_game(CUBA, seed=1)
    with pytest.raises(ClassError, match="no team has joined"):
        game.start((), 0.0)
    assert not game.started


def test_a_ruling_on_a_red_line_changes_that_result_only_and_is_kept(tmp_path):
    """The control cell rules a red line's chance result: that response, and nothing else, differs
    from the same game unruled; the ruling and its reason are logged, in the save (a resumed game
    is the same game), the news, the class debrief and the log class-report reads."""
    line, strike = "western_missiles_on_russia", 24  # Ukraine's ATACMS on Kursk trips Russia's line

    def played(rule: int | None) -> ClassGame:
        game = new_game(ATACMS, seed=3)
        game.start(("ukraine",), 0.0)
        if rule is not None:
            game.rule_response(line, rule, "Moscow is negotiating a prisoner exchange")
        game.propose("ukraine", "d1", 1, strike, None, "Ana")
        game.confirm("ukraine", "d1", 0.0)
        return game

    def red_line_event(game: ClassGame) -> tuple[int, dict]:
        return next((i, e) for i, e in enumerate(game.session.events) if e.get("red_line") == line)

    drawn = played(None)
    i, by_chance = red_line_event(drawn)
    rule = NO_RESPONSE if by_chance["chosen"] is not None else 1
    ruled = played(rule)
    j, by_ruling = red_line_event(ruled)
    assert i == j and ruled.session.events[:i] == drawn.session.events[:i]  # everything before it alike
    assert by_ruling["draw"] == by_chance["draw"] and by_ruling["ruled"] and "ruled" not in by_chance
    expected = None if rule == NO_RESPONSE else by_ruling["responses"][rule]["id"]
    assert by_ruling["chosen"] == expected != by_chance["chosen"]
    assert "the control cell's ruling" in by_ruling["text"]
    assert ruled.session.decisions[0]["rulings"]["responses"] == {line: rule}
    assert ruled.ruled_responses == {}  # for one turn only

    reason = "Moscow is negotiating a prisoner exchange"
    assert any(r.kind == "response" and r.reason == reason for r in ruled.rulings)
    save = json.loads(json.dumps(ruled.to_save()))
    again = ClassGame.from_save(ruled.loaded, ruled.source, save, 0.0)
    assert again.session.events == ruled.session.events
    russia_news = [f["text"] for f in ruled.view("russia", 0.0)["feed"]]
    assert any("the control cell's ruling" in t for t in russia_news)
    ruled.set_clock(1, "hold", 0.0)
    now = 0.0
    while not ruled.over:  # the rest of the game: Ukraine holds on time-out
        now += 2.0
        ruled.tick(now)
    log = ruled.class_log()
    assert any(r["reason"] == reason for r in log["class"]["rulings"])
    (tmp_path / "log.json").write_text(json.dumps(log), encoding="utf-8")
    replayed, skipped, flagged = replay_logs([("log.json", read_log(str(tmp_path / "log.json")))], ruled.rules)
    assert not skipped and not flagged  # class-report replays the game with its rulings, as it was played
    assert replayed[0].events == ruled.session.events
    assert any(x["kind"] == "ruling" and reason in x["text"] for x in ruled.timeline("ukraine"))
    assert any(reason in x["text"] for x in ruled.view("ukraine", 0.0)["timeline"])
    assert any(reason in x["text"] for x in ruled.teacher_view(0.0)["timeline"])


def test_a_ruling_is_refused_without_a_reason_or_a_response_the_line_has():
    game = new_game(ATACMS, seed=3)
    game.start(("ukraine",), 0.0)
    with pytest.raises(ClassError, match="needs a reason"):
        game.rule_response("western_missiles_on_russia", 0, "  ")
    with pytest.raises(ClassError, match="no response #9"):
        game.rule_response("western_missiles_on_russia", 9, "why")
    with pytest.raises(ClassError, match="no red line"):
        game.rule_response("nope", 0, "why")
    assert game.ruled_responses == {} and game.rulings == []
