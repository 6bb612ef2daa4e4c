"""The tutorial teaches all its ideas: every game, whatever the student chooses, shows every
hint, each at its moment (the first chance result, the first signal, the debrief)."""

import os
import random
from pathlib import Path

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import pytest

from game.ui import hints
from game.ui.match import Match

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = str(ROOT / "scenarios" / "tutorial.yaml")


def _first_turn_showing(events: list[dict], moment) -> int | None:
    """The first board turn whose news (earlier turns' events) holds the moment."""
    turns = sorted({e["turn"] for e in events if moment(e)})
    return turns[0] + 1 if turns else None


def _play_and_read(seat: str, seed: int, rng: random.Random) -> tuple[dict[str, int], Match]:
    """Play a game with random legal choices and signals, dismissing each hint as it shows;
    returns hint title -> the turn it first showed."""
    m = Match.start(TUTORIAL, (seat,), seed)
    s = m.session
    state = hints.HintState()
    seen: dict[str, int] = {}
    while not s.done:
        while (h := state.current(m.scenario, s.events, s.turn, seat, True)) is not None:
            seen.setdefault(h.title, s.turn)
            state.dismiss(h, seat)
        legal = [o for o in s.options(seat) if o.legal]
        sigs = [x.index for x in s.signal_options(seat) if x.legal] + [None]
        s.step({seat: rng.choice(legal).instance}, {seat: rng.choice(sigs)})
    return seen, m


@pytest.mark.parametrize("seat", ["aldoria", "borvia"])
def test_every_game_shows_every_hint_at_its_moment(seat):
    rng = random.Random(11)
    scn = Match.start(TUTORIAL, (), 1).scenario
    board = [h for h in scn.hints if h.on != "debrief"]
    assert hints.debrief_hint(scn) is not None
    for seed in range(1, 121):
        seen, m = _play_and_read(seat, seed, rng)
        assert set(seen) == {h.title for h in board}, (seed, seen)
        events = m.session.events
        for h in board:
            expected = h.turn
            if h.on == "chance":
                first = _first_turn_showing(events, lambda e: "draw" in e and e["kind"] != "decision")
                expected = min(h.turn, first) if first else h.turn
            elif h.on == "signal":
                first = _first_turn_showing(events, lambda e: e["kind"] == "signal")
                expected = min(h.turn, first) if first else h.turn
            assert seen[h.title] == expected, (seed, h.title, seen)


def test_tutorial_games_last_long_enough_for_every_hint():
    scn = Match.start(TUTORIAL, (), 1).scenario
    last = max(h.turn for h in scn.hints if h.on != "debrief")
    for seed in range(1, 300):
        m = Match.start(TUTORIAL, (), seed)
        m.session.run_ai_to_end()
        assert m.session.log.games[0][-1]["turn"] >= last


def test_a_claim_status_hint_names_the_statuses():
    scn = Match.start(TUTORIAL, (), 1).scenario
    claim_hint = next(h for h in scn.hints if "claim" in h.title.lower())
    statuses = {c.status for c in scn.meta.claims}
    assert len(statuses) >= 3
    assert all(st in claim_hint.text.lower() for st in statuses)


def test_hint_state_queue_dismiss_and_h():
    m = Match.start(TUTORIAL, ("aldoria",), 1)
    scn, s = m.scenario, m.session
    st = hints.HintState()
    first = st.current(scn, s.events, 1, "aldoria", True)
    assert first.title == "The ladder"
    st.dismiss(first, "aldoria")
    assert st.current(scn, s.events, 1, "aldoria", True) is None
    assert st.current(scn, s.events, 1, "borvia", True).title == "The ladder"  # per seat
    assert st.toggle(scn, s.events, 1, "aldoria", True) is True  # H brings it back
    assert st.current(scn, s.events, 1, "aldoria", True).title == "The ladder"
    assert st.toggle(scn, s.events, 1, "aldoria", True) is False
    # hints off in the settings: none shows by itself, H still brings the latest due one
    assert st.current(scn, s.events, 2, "aldoria", False) is None
    assert st.toggle(scn, s.events, 2, "aldoria", False) is True
    assert st.current(scn, s.events, 2, "aldoria", False).title == "A declared red line"


def test_tutorial_comes_first_on_the_title_list(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    from game.ui.app import App
    from game.ui.screens.title import TitleScreen
    from game.ui.settings import Settings

    app = App(Settings(), (1280, 720), fixed_size=True)
    assert TitleScreen(app).entries[0].stem == "tutorial"


def test_the_debrief_shows_its_hint(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    from game.ui.app import App
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.settings import Settings

    app = App(Settings(), (1280, 720), fixed_size=True)
    m = Match.start(TUTORIAL, ("aldoria",), 3)
    while not m.session.done:
        m.session.step({"aldoria": next(o.instance for o in m.session.options("aldoria") if o.legal)})
    screen = DebriefScreen(app, m)
    app.stack.reset(screen)
    app.render(1)
    hint = hints.debrief_hint(m.scenario)
    assert "HINT \u00b7 THE DEBRIEF" in screen.story.html_text and hint.text[:40] in screen.story.html_text
