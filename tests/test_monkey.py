"""The monkey (tools/monkey.py) in CI: a few seeds of random input into the real screen stack.

Each seed sends events (keys pressed and held, clicks on widgets and anywhere, drags, the
wheel, resizes) through the app's own frame under the dummy video driver, over every screen,
overlay and shipped scenario, one seat, hot-seat and watch, and checks the invariants after
each event (see tools/monkey.py). A failure prints its seed and event index, which replay it:
``python tools/monkey.py --seed S --events N``.
"""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui.match import Match  # noqa: E402
from tools import monkey  # noqa: E402

SEEDS = (1, 2, 3)
EVENTS = 400


@pytest.fixture(autouse=True)
def quiet_labels():
    """pygame_gui warns for every label too small for its text; tests/test_text_fit.py owns that."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


def test_monkey_finds_no_failure():
    screens: set[str] = set()
    for seed in SEEDS:
        report = monkey.run_seed(seed, EVENTS, stop_at_first=False, draw_every=4)
        assert not report.failures, "\n".join(str(f) for f in report.failures)
        assert report.events >= EVENTS
        screens |= report.screens
    assert {"TitleScreen", "BriefingScreen", "GameScreen"} <= screens


def test_a_failure_names_its_seed_and_replays():
    """A broken invariant is reported with the seed and event index that replay it."""
    m = monkey.Monkey(5)
    try:
        m.new_episode()
        m.app.stack.screens.clear()  # an empty stack: what the invariant forbids
        m._stack_before = []
        m._frame(pygame.event.Event(pygame.USEREVENT))
    finally:
        m.close()
        pygame.display.quit()
    assert len(m.failures) == 1
    text = str(m.failures[0])
    assert "screen stack is empty" in text
    assert "python tools/monkey.py --seed 5 --events 1" in text


def test_watching_a_hint_about_signals_draws(tmp_path, monkeypatch):
    """Found by the monkey (seed 200): a hint pointing at the signal row, on a board that is
    watching a replay (no signal row), raised AttributeError while drawing."""
    from game.ui.app import App
    from game.ui.match import Match
    from game.ui.screens.game_screen import GameScreen
    from game.ui.settings import Settings

    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    app = App(Settings(), (1280, 720), fixed_size=True)
    try:
        watched = Match.start(str(Path(monkey.__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml"), (), 1)
        board = GameScreen(app, watched)
        app.stack.reset(board)
        app.render(2)
        assert board.hint.target_rect("signals") is None
    finally:
        pygame.display.quit()


def test_a_row_of_an_action_with_no_legal_instance_selects_nothing():
    """Found by the monkey (30-minute run, seed 502 event 42): an action's row clicked as the turn
    changed, when that action had no legal instance any more, raised StopIteration."""
    from game.ui.panels.presenter import BoardPresenter

    tutorial = Path(monkey.__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml"
    match = Match.start(str(tutorial), ("aldoria",), 1)
    presenter = BoardPresenter(match)
    presenter.default_selection()
    before = presenter.selected
    legal = {o.action for o in presenter.legal_options()}
    gone = next(a.id for a in match.scenario.actions if a.id not in legal)
    presenter.select_action(gone)
    assert presenter.selected == before
