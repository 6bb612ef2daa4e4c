"""Words a student understands: grammar that agrees with every shipped actor's name, chance
told the same way everywhere (the roll lies in the band it names), no internal ids."""

import os
import re
from pathlib import Path

import pytest

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from game.engine import words  # noqa: E402
from game.ui import news_view, theme  # noqa: E402
from game.ui.match import Match  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted(str(p) for p in (ROOT / "scenarios").glob("*.yaml"))

# every shipped actor name: (subject at a sentence start, possessive mid-sentence, "decides" agreeing)
EXPECTED = {
    "Ukraine": ("Ukraine", "Ukraine's", "decides"),
    "Russia": ("Russia", "Russia's", "decides"),
    "United States": ("The United States", "the United States'", "decides"),
    "NATO's European members": ("NATO's European members", "NATO's European members'", "decide"),
    "Soviet Union": ("The Soviet Union", "the Soviet Union's", "decides"),
    "Cuba": ("Cuba", "Cuba's", "decides"),
    "Aldoria": ("Aldoria", "Aldoria's", "decides"),
    "Borvia": ("Borvia", "Borvia's", "decides"),
}


def _actor_names() -> set[str]:
    return {a.name for p in SCENARIOS for a in Match.start(p, (), 1).scenario.actors}


def test_every_shipped_actor_name_has_its_grammar():
    assert _actor_names() <= set(EXPECTED), "a new actor name: add its expected grammar here"
    for name, (start, poss, decides) in EXPECTED.items():
        assert words.subject(name, start=True) == start
        assert words.possessive(name) == poss
        assert words.verb(name, "decides") == decides


def test_verbs_counts_and_turn_lengths():
    plural = "NATO's European members"
    assert [words.verb(plural, v) for v in ("says", "holds", "is", "has", "reaches", "tries")] == [
        "say",
        "hold",
        "are",
        "have",
        "reach",
        "try",
    ]
    assert words.count(14, "daily turn") == "14 daily turns" and words.count(1, "weekly turn") == "1 weekly turn"
    assert words.count(3, "red line") == "3 red lines"
    assert (words.turn_length(1), words.turn_length(7)) == ("daily", "weekly")


def test_band_covers_exactly_the_rolls_of_an_interval():
    assert words.band(0.0, 0.1) == "0-9"
    assert words.band(0.16, 0.23) == "16-22"
    assert words.band(0.95, 1.0) == "95-99"
    assert words.band(0.5, 0.504) == "50"


ODDS = re.compile(r"(\d+%|<1%) likely; roll (\d+) of 0-99, in its band (\d+)(?:-(\d+))?\)")


def _games(path: str, seeds=range(1, 16)):
    for seed in seeds:
        m = Match.start(path, (), seed)
        m.session.run_ai_to_end()
        yield m


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: Path(p).stem)
def test_every_chance_result_rolls_inside_the_band_it_names(path):
    seen = 0
    for m in _games(path):
        for e in m.session.events:
            if "draw" not in e or "likely" not in e["text"]:
                continue
            found = ODDS.search(e["text"])
            assert found, e["text"]
            roll, lo = int(found[2]), int(found[3])
            hi = int(found[4]) if found[4] else lo
            assert roll == words.roll(e["draw"]) and lo <= roll <= hi, e["text"]
            seen += 1
    assert seen > 0


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: Path(p).stem)
def test_news_agrees_with_names_and_shows_no_internal_ids(path):
    internal = re.compile(r"\bparams\.\w+|\b[a-z_]{2,}\.[a-z_]{2,}\b")
    for m in _games(path, range(1, 6)):
        scn = m.scenario
        seat = next(a.id for a in scn.actors if a.playable)
        feed = news_view.feed_html(m.session.events, scn, theme.actor_colours(scn, "default"), False, (seat,))
        text = re.sub(r"<[^>]+>", "", feed[0] if isinstance(feed, tuple) else feed)
        assert not internal.findall(text), internal.findall(text)
        for e in m.session.events:
            for a in scn.actors:
                if words.is_plural(a.name):
                    assert not re.search(re.escape(a.name) + r" (decides|says|holds)\b", e["text"]), e["text"]
                if words.subject(a.name) != a.name:
                    assert not e["text"].startswith(f"{a.name} "), e["text"]


def test_calendars_in_words():
    phrases = {Path(p).stem: Match.start(p, (), 1).scenario.calendar for p in SCENARIOS}
    said = {k: words.turns_phrase(c.turns, c.turn_days) for k, c in phrases.items()}
    assert said == {"atacms_2024": "13 weekly turns", "cuba_1962": "14 daily turns", "tutorial": "5 weekly turns"}


def _subparser(name: str):
    import argparse

    from game.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return sub.choices[name]


@pytest.mark.parametrize("command", ["play", "watch", "lint", "params"])
def test_cli_options_have_help_and_list_their_choices(command):
    sp = _subparser(command)
    for action in sp._actions:
        assert action.help, (command, action.option_strings or action.dest)
        if "--screen" in action.option_strings:
            assert all(s in action.help for s in ("briefing", "board", "debrief", "title"))
    if command == "params":
        assert "params FILE" not in sp.format_help()  # it does not send the reader to itself
