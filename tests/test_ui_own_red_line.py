"""A red line of the student's own side (Cuba 1962 as the United States: 'No offensive missiles in
Cuba' fires on turn 1) is told in the news and in the debrief as what it is: the side's doctrine,
not the student's decision, with why it fired, what it does and the line's own words."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import html  # noqa: E402
import re  # noqa: E402
from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui import news_view, theme  # noqa: E402
from game.ui.debrief_data import replay_shares  # noqa: E402
from game.ui.match import Match  # noqa: E402

CUBA = str(Path(__file__).resolve().parents[1] / "scenarios" / "cuba_1962.yaml")
PREPARE_QUIETLY = 6  # the US's third listed action on turn 1 (key 3), as a play-tester chose it


def plain(html_text: str) -> str:
    return html.unescape(re.sub("<[^>]+>", "", html_text.replace("<br>", "\n")))


@pytest.fixture(scope="module")
def cuba():
    match = Match.start(CUBA, ("usa",), 7)
    match.autosave = False
    match.choose("usa", PREPARE_QUIETLY, None)
    return match


def test_the_news_says_whose_line_fired_why_and_what_it_does(cuba):
    line = next(r for r in cuba.scenario.red_lines if r.id == "offensive_weapons")
    assert any(e["kind"] == "red_line" and e["red_line"] == line.id for e in cuba.session.events)
    colours = theme.actor_colours(cuba.scenario, "colorblind")
    news = plain(news_view.feed_html(cuba.session.events, cuba.scenario, colours, False, ("usa",)))
    head = next(n for n in news.splitlines() if n.startswith("Your own side's red line:"))
    assert f"the United States' red line \u2018{line.name}\u2019 fired \u2014 not your decision" in head
    assert "Why: " in news and "What it does: the United States answers by its own doctrine" in news
    assert "Prepare strike and invasion forces quietly 60%" in news  # its answers, by name, with odds
    assert line.says[:40] in news
    # the Soviet player reads the same event as another side's red line, without the notes
    theirs = plain(news_view.feed_html(cuba.session.events, cuba.scenario, colours, False, ("ussr",)))
    assert f"red line \u2018{line.name}\u2019 fired" not in theirs and f"red line '{line.name}' tripped" in theirs
    # its own line answering the strike was never declared (Cuba 1962: the analysts' inference), so it is told unnamed
    assert "Your own side's red line: the Soviet Union's red line" in theirs


def test_the_debrief_lists_the_own_side_lines(cuba, tmp_path, monkeypatch):
    from game.ui.app import App
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.settings import Settings

    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    cuba.session.run_ai_to_end()
    app = App(Settings(), (1280, 720), fixed_size=True)
    try:
        debrief = DebriefScreen(app, cuba, replays=replay_shares(cuba.session, ("usa",), n=10))
        story = plain(debrief.story_html())
    finally:
        pygame.display.quit()
    section = story.split("YOUR OWN SIDE'S RED LINES", 1)[1]
    assert "Turn 1: the United States' red line \u2018No offensive missiles in Cuba\u2019" in section
    assert "Why: " in section and "What it does: " in section and "This time: " in section
