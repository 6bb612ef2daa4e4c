"""Hostile frames: bad JSON, huge frames, wrong types, wrong versions, replayed decisions, another
seat's commands, codes guessed by brute force. Each gets an error frame (or, past the size
limit, a closed connection); none crashes the server or changes the game."""

from __future__ import annotations

import asyncio
import json
import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.net import protocol
from game.net.client import ClassClient, JoinError
from game.net.server import MAX_BAD_CODES, MAX_MESSAGES_A_MINUTE
from tests.net_support import CUBA, FakeClock, close_all, hosted, join, join_all, new_game, pick, start

SEATS = ("usa", "ussr", "cuba")
TYPES = [*protocol.CLIENT_MESSAGES, "state", "welcome", "error", "", "HELLO", "propose ", None, 7]


def _junk(rng: random.Random, depth: int = 0):
    kind = rng.randrange(8 if depth < 3 else 5)
    if kind == 0:
        return rng.randrange(-(2**40), 2**40)
    if kind == 1:
        return rng.random() * 1e6
    if kind == 2:
        return "".join(chr(rng.randrange(1, 0x2FFF)) for _ in range(rng.randrange(0, 30)))
    if kind == 3:
        return rng.choice([None, True, False])
    if kind == 4:
        return ""
    if kind == 5:
        return [_junk(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {str(_junk(rng, depth + 1))[:10]: _junk(rng, depth + 1) for _ in range(rng.randrange(4))}


def hostile_frame(rng: random.Random, replay: str, turn: int) -> str | bytes:
    """One frame that breaks the protocol or the rules (never an accepted command)."""
    kind = rng.randrange(11)
    if kind == 0:  # not JSON
        return "".join(chr(rng.randrange(32, 127)) for _ in range(rng.randrange(1, 200)))
    if kind == 1:  # JSON, but not an object
        return json.dumps([_junk(rng) for _ in range(3)])
    if kind == 2:  # wrong or missing version
        return json.dumps({"v": rng.choice([0, 2, "1", None, 1.0001]), "type": "say", "to": "all", "text": "x"})
    if kind == 3:  # unknown type
        return json.dumps({"v": 1, "type": rng.choice(TYPES[len(protocol.CLIENT_MESSAGES) :])})
    if kind == 4:  # a known type with fields of the wrong type, or unknown fields
        t = rng.choice(list(protocol.CLIENT_MESSAGES))
        return json.dumps({"v": 1, "type": t, "decision": _junk(rng), "turn": "1", "instance": [1], "evil": 1})
    if kind == 5:  # a replayed decision
        return protocol.encode(protocol.Confirm(replay))
    if kind == 6:  # the teacher's commands from a seat
        return protocol.encode(rng.choice([protocol.Start(), protocol.Reveal(), protocol.News("fake news")]))
    if kind == 7:  # a proposal for another turn, or an action that is not the seat's
        return protocol.encode(protocol.Propose(f"x{rng.random()}", turn + rng.choice([-1, 1, 99]), 0))
    if kind == 8:  # binary
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 100)))
    if kind == 9:  # deep nesting
        n = rng.randrange(100, 3000)
        return '{"v":1,"type":"say","to":' + "[" * n + "]" * n + "}"
    return json.dumps({"v": 1, "type": "say", "to": rng.choice(["nowhere", "", "usa" * 30]), "text": "hi"})


def test_thousands_of_hostile_frames_change_nothing(tmp_path):
    game = new_game(CUBA, seed=4)
    rng = random.Random(20261203)
    frames = 3000

    async def main():
        with hosted(game, str(tmp_path)) as h:
            teacher, clients = await join_all(h, SEATS)
            await start(teacher, clients)
            replay = await clients["usa"].decide(pick(clients["usa"].view))
            await teacher.wait_for(lambda v: v["decided"] == ["usa"])
            before = h.saved()
            errors_before = h.server.errors
            ussr = clients["ussr"]
            for _ in range(frames):
                await ussr.send_raw(hostile_frame(rng, replay, ussr.view["turn"]))
            await ussr.wait_error(frames, timeout=60)
            assert h.saved() == before
            assert h.server.errors - errors_before == frames

            # a frame over the size limit closes that connection; the server and the game go on
            await ussr.send_raw(json.dumps({"v": 1, "type": "say", "to": "all", "text": "x" * 200_000}))
            with pytest.raises(ConnectionError):
                await ussr.wait_for(lambda v: False, timeout=10)
            assert h.saved() == before
            ussr = await join(h.address, game.codes["ussr"])
            await ussr.decide(pick(ussr.view))
            await clients["cuba"].decide(pick(clients["cuba"].view))
            await teacher.wait_for(lambda v: v["turn"] == 2 or v["phase"] == "over")
            await close_all(teacher, ussr, clients["usa"], clients["cuba"])

    asyncio.run(main())
    assert [d["turn"] for d in game.session.decisions] == [1]


def test_codes_guessed_by_brute_force_are_locked_out(tmp_path):
    game = new_game(CUBA, seed=4)
    clock = FakeClock()

    async def main():
        with hosted(game, str(tmp_path), clock) as h:
            for guess in range(MAX_BAD_CODES - 1):
                with pytest.raises(JoinError, match="no seat has this code"):
                    await join(h.address, f"AAAA{guess:02d}")
            with pytest.raises(JoinError, match="no seat has this code"):
                await join(h.address, "\u00e9\u00df\U0001f600")  # not ASCII: refused like any wrong code
            with pytest.raises(JoinError, match="too many wrong codes"):
                await join(h.address, game.codes["usa"])  # even the right code, for a minute
            clock.now += 61
            usa = await join(h.address, game.codes["usa"])
            assert usa.seat == "usa" and usa.view["phase"] == "lobby"
            await usa.close()
            client = ClassClient()
            for address in ("127.0.0.1:1", "127.0.0.1:99999", "a:b:c", ""):  # typed on the join form
                with pytest.raises(JoinError, match="cannot reach"):
                    await client.join(address, "AAAAAA", timeout=3)

    asyncio.run(main())


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=300),
        st.binary(max_size=100),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
            lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
            max_leaves=20,
        ).map(json.dumps),
    )
)
def test_decode_accepts_a_message_or_says_why(frame):
    try:
        msg = protocol.decode(frame)
    except protocol.ProtocolError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert type(msg) in protocol.CLIENT_MESSAGES.values()


short = st.text(max_size=protocol.MAX_ID)
number = st.integers(-(2**31), 2**31 - 1)
EXAMPLES = {
    protocol.Hello: st.builds(protocol.Hello, st.text(max_size=16), st.text(max_size=40)),
    protocol.Propose: st.builds(protocol.Propose, short, number, number, st.none() | number),
    protocol.Confirm: st.builds(protocol.Confirm, short),
    protocol.Say: st.builds(protocol.Say, short, st.text(max_size=protocol.MAX_TEXT)),
    protocol.Clock: st.builds(protocol.Clock, number, st.sampled_from(["hold", "doctrine"])),
    protocol.Inject: st.builds(protocol.Inject, short),
    protocol.News: st.builds(protocol.News, st.text(max_size=protocol.MAX_TEXT)),
    protocol.Override: st.builds(protocol.Override, short, number, st.text(max_size=protocol.MAX_TEXT)),
    protocol.RuleResponse: st.builds(protocol.RuleResponse, short, number, st.text(max_size=protocol.MAX_TEXT)),
    **{cls: st.just(cls()) for cls in (protocol.Start, protocol.Pause, protocol.Resume, protocol.Reveal)},
}


def test_every_client_message_has_an_example():
    assert set(EXAMPLES) == set(protocol.CLIENT_MESSAGES.values())


@given(st.one_of(*EXAMPLES.values()))
def test_every_message_survives_its_encoding(msg):
    assert protocol.decode(protocol.encode(msg)) == msg


def test_a_flood_of_messages_is_cut_at_the_rate_limit(tmp_path):
    game = new_game(CUBA, seed=4)
    clock = FakeClock()

    async def main():
        with hosted(game, str(tmp_path), clock) as h:
            teacher, clients = await join_all(h, SEATS)
            usa = clients["usa"]
            for k in range(MAX_MESSAGES_A_MINUTE + 5):
                await usa.say("all", f"flood {k}")
            assert "in a minute" in await usa.wait_error(1)
            await usa.wait_error(5)
            assert len(game.messages) == MAX_MESSAGES_A_MINUTE
            clock.now += 61
            await usa.say("all", "a minute later")
            await teacher.wait_for(lambda v: v["messages"][-1]["text"] == "a minute later")
            await close_all(teacher, *clients.values())

    asyncio.run(main())
