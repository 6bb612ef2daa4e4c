"""Every byte sent to each seat, read by a spy: no other seat's private messages, proposals or
hidden red lines ever reach it; the teacher's console gets them all."""

from __future__ import annotations

import asyncio
import json

from game.net.public import read_public_scenario
from tests.net_support import CUBA, close_all, hosted, join_all, new_game, start

SEATS = ("usa", "ussr", "cuba")


def _highest(view: dict) -> int:
    """The seat's legal option highest on the ladder (hawks: so that hidden red lines trip)."""
    return max((o["rung"], o["instance"]) for o in view["options"] if o["legal"])[1]


def _secret(sender: str, to: str, turn: int) -> str:
    return f"SECRET-{sender}-to-{to}-turn{turn}"


def test_no_seat_receives_another_seats_private_data(tmp_path):
    game = new_game(CUBA, seed=2)
    hidden = [r for r in game.scenario.red_lines if not r.declared]
    assert {r.owner for r in hidden} == {"usa", "ussr"}  # the test needs hidden lines of two seats

    async def main():
        with hosted(game, str(tmp_path)) as h:
            teacher, clients = await join_all(h, SEATS)
            await start(teacher, clients)
            while clients["usa"].view["phase"] != "over":
                turn = clients["usa"].view["turn"]
                for sender in SEATS:
                    for to in SEATS:
                        if to != sender:
                            await clients[sender].say(to, _secret(sender, to, turn))
                await clients["cuba"].wait_for(
                    lambda v, t=turn: sum(m["text"].endswith(f"turn{t}") for m in v["messages"]) == 4
                )
                # a proposal the team has not confirmed yet is the team's alone
                ussr = clients["ussr"]
                draft = await ussr.propose(_highest(ussr.view))
                await ussr.wait_for(lambda v, d=draft: (v["proposal"] or {}).get("decision") == d)
                await ussr.confirm(draft)
                for seat in ("usa", "cuba"):
                    await clients[seat].decide(_highest(clients[seat].view))
                for c in clients.values():
                    await c.wait_for(lambda v, t=turn: v["turn"] > t or v["phase"] == "over")
            await close_all(teacher, *clients.values())
        return {s: "".join(c.frames) for s, c in clients.items()}, "".join(teacher.frames), clients

    sent, to_teacher, clients = asyncio.run(main())
    turns = game.session.decisions[-1]["turn"]
    for seat, data in sent.items():
        for turn in range(1, turns + 1):
            for sender in SEATS:
                for to in SEATS:
                    if to == sender:
                        continue
                    secret = _secret(sender, to, turn)
                    assert (secret in data) == (seat in (sender, to)), (seat, secret)
                    assert secret in to_teacher
        for r in hidden:
            if r.owner != seat:
                assert r.id not in data and r.name not in data, (seat, r.id)
        assert '"weights' not in data and '"why"' not in data and '"draw"' not in data  # no AI internals
    for r in hidden:
        assert r.name in to_teacher
    for seat, c in clients.items():  # the scenario each window draws its board from: the public parts
        welcome = json.loads(c.frames[0])
        assert welcome["type"] == "welcome"
        scn = welcome["scenario"]
        board = read_public_scenario(scn).scenario()
        assert board.map.sites and board.ladder.rungs and [a.id for a in board.actors] == list(SEATS)
        assert not {"actions", "policies", "fog", "events", "outcomes", "objectives", "history", "hints"} & set(scn)
        assert all(
            set(a) <= {"id", "name", "side", "nuclear", "start_rung", "color", "description"} for a in scn["actors"]
        )
        assert all(seat in (w["owner"], w["supplier"]) for w in scn["weapons"])
        own = {r.id for r in game.scenario.red_lines if r.declared or r.owner == seat}
        assert {r["id"] for r in scn["red_lines"]} == own
    # the other seats' drafts: the USA's client never saw a Soviet proposal's decision id
    assert '"proposal":{"decision"' in sent["ussr"]
    ussr_tag = clients["ussr"].new_decision_id().split("-")[0]
    assert ussr_tag not in sent["usa"] and ussr_tag not in sent["cuba"]
    tripped = {e["owner"] for e in game.session.events if e["kind"] == "red_line" and not e["declared"]}
    assert tripped == {"usa", "ussr"}, "hidden red lines of both owners tripped: their news was tested"
    assert "reacts to a line it never declared" in sent["cuba"]
