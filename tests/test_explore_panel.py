"""The debrief's strategy panel (dummy video driver): it computes on the worker thread and then
shows the best strategy found against these doctrines beside the student's, on the same games."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.debrief_data import replay_shares  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

TUTORIAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))


def test_the_debrief_panel_shows_the_best_strategy_and_yours():
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(TUTORIAL, ("aldoria",), 5)
    match.autosave = False
    match.session.run_ai_to_end()
    app = App(Settings(), (1280, 720), fixed_size=True)
    app.stack.reset(GameScreen(app, match))
    debrief = app.stack.push(DebriefScreen(app, match, replays=replay_shares(match.session, ("aldoria",), n=20)))
    assert debrief.state()["explore"]["pending"]
    app.frame(1 / 60)  # the card says it is searching meanwhile
    app.work.wait(120)
    while debrief.settling:
        app.frame(1 / 60)
    app.frame(1 / 60)  # drawn with its figures
    shown = debrief.state()["explore"]
    assert shown["outcome"] == "settlement"  # the outcome best for Aldoria's own objective
    assert shown["best"] > shown["doctrine"] and shown["best"] >= shown["yours"]
    assert shown["text"].startswith(
        "Against these doctrines, this strategy reached \u2018Talks settle the dispute\u2019"
    )
    assert f"{100 * shown['yours']:.0f}%" in shown["text"] and f"{100 * shown['best']:.0f}%" in shown["text"]
    assert shown["strategy"].startswith(("Always:", "Plan:", "By "))
