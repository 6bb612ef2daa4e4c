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
    "Israel": ("Israel", "Israel's", "decides"),
    "Iran": ("Iran", "Iran's", "decides"),
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


def test_the_hold_the_game_adds_is_told_in_a_sentence():
    """The Hold and watch the game adds for an actor whose scenario gives none (Israel-Iran's
    United States and Iran) reads like the others' moves, not like a table row ("The United
    States: Hold and watch.")."""
    path = next(p for p in SCENARIOS if Path(p).stem == "israel_iran_2024")
    told = {
        e["text"]
        for m in _games(path, range(1, 4))
        for e in m.session.events
        if e["kind"] == "action" and e["action"] == f"wait_{e['actor']}"
    }
    assert told == {"The United States holds its course.", "Iran holds its course."}


def test_calendars_in_words():
    phrases = {Path(p).stem: Match.start(p, (), 1).scenario.calendar for p in SCENARIOS}
    said = {k: words.turns_phrase(c.turns, c.turn_days) for k, c in phrases.items()}
    assert said == {
        "atacms_2024": "13 weekly turns",
        "cuba_1962": "14 daily turns",
        "tutorial": "5 weekly turns",
        **({"israel_iran_2024": "15 fortnightly turns"} if "israel_iran_2024" in said else {}),
    }


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


def _id_like_words(text: str) -> set[str]:
    plain = re.sub(r"\S+://\S+", "", re.sub(r"<[^>]+>", " ", text))
    return {
        w for w in re.findall(r"(?<!setting )\b[a-z0-9]+(?:_[a-z0-9]+)*\b", plain) if "_" in w or re.search(r"\d", w)
    }


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: Path(p).stem)
def test_the_briefing_dossier_cards_and_handouts_name_no_internal_id(path):
    """A teacher's students met '(b59, contested)' and 'see coup_2014': a student reads names, never ids."""
    from game.handout import build, render
    from game.runners.load import load_scenario
    from game.ui.screens import briefing

    loaded = load_scenario(path)
    scn = loaded.scenario
    meta = scn.meta
    ids = {x.id for group in (meta.claims, meta.documents, meta.perspectives, scn.red_lines, scn.params) for x in group}
    ids |= {a.id for a in scn.actions} | {s.id for s in meta.sources}
    pages = render(build(loaded, games=20))
    for seat in (a.id for a in scn.actors if a.playable):
        m = Match.start(path, (seat,), 1)
        texts = {
            "short briefing": briefing.situation_html(m, 14, seat),
            "role card": briefing.card_column_html(m, 14, seat),
            "dossier": briefing.dossier_html(m, 14),
            "claims and views": briefing.views_html(m, 14),
            "handout": pages["handout.html"],
            "card page": pages[f"card-{seat}.html"],
        }
        for where, text in texts.items():
            assert not _id_like_words(text) & ids, (where, sorted(_id_like_words(text) & ids))


def test_rungs_and_the_escalation_score_are_said_on_their_scale():
    """'Kahn 4' and 'escalation score 56' meant nothing to a student: each says what it counts, and
    Kahn's ladder is named in full in the tooltip."""
    from game.ui.app import App
    from game.ui.debrief_data import replay_shares
    from game.ui.screens.debrief import SCORE_MEANS, DebriefScreen
    from game.ui.screens.game_screen import GameScreen
    from game.ui.settings import Settings

    app = App(Settings(), (1280, 720), fixed_size=True)
    match = Match.start(str(ROOT / "scenarios" / "atacms_2024.yaml"), ("russia",), 0)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(2)
    rungs = match.scenario.ladder.rungs
    seen_kahn = 0
    for o in board.presenter.options():
        detail, tip = board.decision.detail_html(o), board.decision.option_tooltip(o)
        assert not re.search(r"\bKahn \d", detail + tip), detail + tip
        if o.rung:
            assert f"rung {o.rung} of {len(rungs)} up the ladder" in detail
            if rungs[o.rung - 1].kahn:
                assert (
                    f"Herman Kahn's 44-rung escalation ladder of 1965 puts it at rung {rungs[o.rung - 1].kahn}" in tip
                )
                seen_kahn += 1
    assert seen_kahn
    tut = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria",), 3)
    tut.session.run_ai_to_end()
    debrief = DebriefScreen(app, tut, replays=replay_shares(tut.session, ("aldoria",), n=5))
    line = debrief.summary_line()
    assert re.search(r"escalation score -?[\d.]+ \(higher = more escalatory\)", line), line
    assert "higher = a more escalatory game" in SCORE_MEANS and "talks count below zero" in SCORE_MEANS
