"""The debrief tells the truth: every decision that fed an outcome's condition is on its chain."""

import os
import re
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.ui.debrief_data import causal_chain
from game.ui.match import Match

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))
TUTORIAL = str(ROOT / "scenarios" / "tutorial.yaml")
NAME = re.compile(r"[A-Za-z_][\w.]*")


def _effect_targets(action) -> set[str]:
    """The variables an action's effects assign, read from the scenario text (not the engine)."""
    return {re.split(r"\s*[-+*/]?=", e, maxsplit=1)[0].strip() for e in action.effects}


def _reads(condition: str) -> set[str]:
    return set(NAME.findall(condition))


def _play(path: str, seat: str, seed: int, picks: list[int]) -> Match:
    m = Match.start(path, (seat,), seed)
    k = 0
    while not m.session.done:
        legal = [o for o in m.session.options(seat) if o.legal]
        m.session.step({seat: legal[picks[k % len(picks)] % len(legal)].instance})
        k += 1
    return m


def _fed(m: Match, seat: str) -> set[int]:
    """Ids of the seat's decisions whose action assigned a variable the outcome's condition reads."""
    scn = m.scenario
    out = m.session.outcome
    reads = _reads(out.when) if out.when else set()
    actions = {a.id: a for a in scn.actions}
    events = m.session.events
    fed = set()
    for e in events:
        if e["kind"] != "action" or e.get("via") != "decision" or e.get("actor") != seat:
            continue
        if _effect_targets(actions[e["action"]]) & reads:
            fed.update(e["causes"])
    return fed


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seat=st.sampled_from(["aldoria", "borvia"]),
    seed=st.integers(1, 10**6),
    picks=st.lists(st.integers(0, 9), min_size=1, max_size=6),
)
def test_every_decision_that_fed_the_outcome_is_on_the_chain(seat, seed, picks):
    m = _play(TUTORIAL, seat, seed, picks)
    chain = causal_chain(m.session.events, (seat,))
    on_path = {e["id"] for e in chain if e["on_path"]}
    assert _fed(m, seat) <= on_path


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: Path(p).stem)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fed_decisions_on_the_chain_in_every_scenario(path, seed):
    m = Match.start(path, (), 1)
    seat = next(a.id for a in m.scenario.actors if a.playable)
    m = _play(path, seat, seed, [seed, 0, 3, 1])
    on_path = {e["id"] for e in causal_chain(m.session.events, (seat,)) if e["on_path"]}
    assert _fed(m, seat) <= on_path


def _pick(session, action: str) -> int:
    return next(o.instance for o in session.options("aldoria") if o.action == action and o.legal)


def test_talks_then_warships_credits_the_talks():
    """The issue's repro: Aldoria proposes talks, then sends warships (then holds); talks settle
    the dispute."""
    for seed in range(1, 200):
        m = Match.start(TUTORIAL, ("aldoria",), seed)
        s = m.session

        s.step({"aldoria": _pick(s, "talks")})
        s.step({"aldoria": _pick(s, "naval_show")})
        while not s.done:
            s.step({"aldoria": _pick(s, "wait")})
        if s.outcome.id == "settlement":
            break
    else:
        pytest.fail("no seed in 1..199 settles after talks then warships")
    chain = causal_chain(s.events, ("aldoria",))
    talks = next(e for e in chain if e["mine"] and e["action"] == "talks")
    assert talks["on_path"] and talks["turn"] == 1
    assert chain[-1]["kind"] == "outcome" and chain[-1]["on_path"]


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: Path(p).stem)
def test_debrief_chart_labels_never_overlap_and_history_shows(path, size, tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    from game.ui.app import App
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.settings import Settings

    app = App(Settings(), size, fixed_size=True)
    m = Match.start(path, (), 1)
    seat = next(a.id for a in m.scenario.actors if a.playable)
    m = _play(path, seat, 4, [2, 0, 1])
    screen = DebriefScreen(app, m)
    app.stack.reset(screen)
    app.render(1)
    for boxes, frame in ((screen.chart_labels, screen.chart_rect), (screen.bars_labels, screen.bars_rect)):
        assert boxes
        for i, a in enumerate(boxes):
            assert frame.contains(a), (a, frame)
            assert a.collidelist(boxes[i + 1 :]) < 0, (a, boxes)
    if m.scenario.history:
        # the history comparison has its own box on screen, not at the end of the chain's
        box = screen.history_box
        assert box is not None and _on_screen(box.rect, size)
        assert "HISTORICALLY" in box.html_text and "HISTORICALLY" not in screen.story.html_text


def _on_screen(rect, size) -> bool:
    return rect.top >= 0 and rect.bottom <= size[1] and rect.left >= 0 and rect.right <= size[0]
