"""The debrief and the news tell one truth (issue 11): a chance told once, its percentage and
its band the same number, the bars and the strategy card from the same games, possessives that
agree with the name."""

import os
import re
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from hypothesis import given
from hypothesis import strategies as st

from game.engine import words
from game.engine.event_log import actor_news
from game.ui.debrief_data import REPLAYS, causal_chain, replay_shares
from game.ui.match import Match
from game.ui.panels import explore_panel

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = str(ROOT / "scenarios" / "tutorial.yaml")
ODDS = re.compile(r"(\d+%|<1%) likely; roll (\d+) of 0-99, in its band (\d+)(?:-(\d+))?")


def _warships_first(seed: int) -> Match:
    """Tutorial as Aldoria: warships on turn 1, then the first legal option."""
    m = Match.start(TUTORIAL, ("aldoria",), seed)
    legal = [o for o in m.session.options("aldoria") if o.legal]
    m.session.step({"aldoria": next(o for o in legal if o.action == "naval_show").instance})
    while not m.session.done:
        m.session.step({"aldoria": next(o for o in m.session.options("aldoria") if o.legal).instance})
    return m


def test_one_collision_is_one_chance_in_the_chain():
    """Seed 47: both sides sent warships and one draw (roll 4) collided them; the chain listed
    the collision twice, once per side. Now once, caused by both sides' decisions."""
    m = _warships_first(47)
    events = m.session.events
    fogs = [e for e in events if e["kind"] == "fog" and e["turn"] == 1]
    assert len(fogs) == 1, [e["text"] for e in fogs]
    deciders = {events[c]["actor"] for c in fogs[0]["causes"]}
    assert deciders == {"aldoria", "borvia"}
    chain = causal_chain(events, ("aldoria",))
    texts = [e["text"] for e in chain if e["turn"] == 1 and e["kind"] == "fog"]
    assert len(texts) == 1


def test_no_chance_result_is_told_twice_in_a_turn():
    for seed in range(1, 13):
        m = _warships_first(seed)
        seen = [(e["turn"], e["fog"]) for e in m.session.events if e["kind"] == "fog"]
        assert len(seen) == len(set(seen)), seed


@given(
    p=st.floats(0.0005, 0.999),
    start=st.floats(0.0, 1.0),
    where=st.floats(0.0, 0.999999),
)
def test_the_band_holds_as_many_rolls_as_the_percentage_says_and_the_roll(p, start, where):
    lo = start * (1 - p)
    draw = lo + where * p
    found = ODDS.fullmatch(words.odds(p, draw, lo))
    assert found
    a = int(found[3])
    b = int(found[4]) if found[4] else a
    stated = 1 if found[1] == "<1%" else max(1, int(found[1][:-1]))
    assert b - a + 1 == stated
    assert int(found[2]) == words.roll(draw) and a <= int(found[2]) <= b
    assert 0 <= a <= b <= 99


def test_four_percent_is_a_band_of_four():
    """The tester's '4% likely … band 13-17': a band of five rolls beside 4%."""
    assert words.odds(0.044, 0.175, 0.132) == "4% likely; roll 17 of 0-99, in its band 14-17"
    assert words.odds(0.044, 0.133, 0.132) == "4% likely; roll 13 of 0-99, in its band 13-16"


def test_the_bars_and_the_strategy_card_count_the_same_games():
    """The bars said 13% (1,000 replays) and the card 14% (2,000 other games) for one outcome."""
    assert explore_panel.GAMES == REPLAYS
    m = _warships_first(3)
    bars = replay_shares(m.session, ("aldoria",), n=REPLAYS)
    card = explore_panel.comparison_for(m, "aldoria", budget=0.5)
    assert not isinstance(card, str)
    k = [o.id for o in m.scenario.outcomes].index(card.outcome)
    assert bars.student is not None
    assert card.yours.n == bars.n == REPLAYS
    assert card.yours.share == bars.student[k]
    assert card.doctrine.share == bars.ai[k]


def test_possessives_agree_with_names_ending_in_s():
    text = "{actor}'s ships and jets shoot down much of the salvo."
    assert actor_news(text, "United States") == "The United States' ships and jets shoot down much of the salvo."
    assert actor_news(text, "Aldoria") == "Aldoria's ships and jets shoot down much of the salvo."
    assert actor_news(text, "NATO's European members").startswith("NATO's European members' ships")
    assert actor_news("Then {actor}'s leaders vow.", "Soviet Union") == "Then the Soviet Union's leaders vow."


def test_no_shipped_news_text_writes_s_apostrophe_s():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        scn = Match.start(str(path), (), 1).scenario
        for action in scn.actions:
            for who in action.actor if action.text and "{actor}" in action.text else ():
                news = actor_news(action.text, scn.actor(who).name)
                assert not re.search(r"s's\b", news), f"{path.name}: {action.id}: {news}"
