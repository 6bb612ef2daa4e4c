"""The monkey's watchdog, its replayable worker and its reading of clicks (tools/monkey.py).

A frozen window was reported as nothing by the long run (five minutes in pygame_gui's layout of a
text box a few pixels wide); a worker job that never ends would have been too. And a click on
the Esc menu's "Help and keys" read as closing the menu, at a size where the help card's "Back"
button opens under the pointer (seed 562 of the 30-minute run).
"""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import attrs  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui.app import App  # noqa: E402
from tools import monkey  # noqa: E402

TUTORIAL = str(Path(monkey.__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml")
SLOW_LIMIT = 20.0  # a hang the watchdog fails to stop still ends, so the test fails instead of freezing


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield
    pygame.display.quit()


def frozen_draw(self) -> None:
    """A frame that never ends (a layout loop), but for the watchdog."""
    end = time.monotonic() + SLOW_LIMIT
    while time.monotonic() < end:
        time.sleep(0.01)


def test_a_frame_that_hangs_is_a_failure_with_its_stack(monkeypatch, capsys):
    m = monkey.Monkey(3, hang_seconds=0.5)
    try:
        m.app.open_title()
        monkeypatch.setattr(App, "draw", frozen_draw)
        t0 = time.monotonic()
        m._key(pygame.K_DOWN, True)
        took = time.monotonic() - t0
        monkeypatch.undo()
        assert len(m.failures) == 1
        failure = m.failures[0]
        assert "window froze" in failure.message
        assert "frozen_draw" in failure.detail  # where the frame loop was stuck
        assert "python tools/monkey.py --seed 3 --events 1" in str(failure)
        assert "down pressed" in str(failure)
        assert took < SLOW_LIMIT / 2  # stopped by the watchdog, not by the hang's own end
        assert "no frame for 0.5 s" in capsys.readouterr().err  # said at once, before the run ends
        assert not m.app.running  # a new window, waiting for the next episode
        m._start_episode()
        m._key(pygame.K_DOWN, True)
        assert len(m.failures) == 1
    finally:
        m.close()
        pygame.display.quit()


def stuck_job() -> None:
    end = time.monotonic() + SLOW_LIMIT
    while time.monotonic() < end:
        time.sleep(0.01)


@pytest.mark.parametrize("worker", ["wait", "real"])
def test_a_worker_job_that_never_ends_is_a_failure(worker):
    m = monkey.Monkey(4, worker=worker, worker_seconds=0.5)
    try:
        m.app.open_title()
        m.app.work.submit("Playing turn 3\u2026", stuck_job)
        if worker == "real":
            time.sleep(0.6)
        m._key(pygame.K_DOWN, True)
        assert len(m.failures) == 1
        failure = m.failures[0]
        assert "'Playing turn 3\u2026' has run for more than 0.5 s" in failure.message
        assert "stuck_job" in failure.detail  # the worker thread's stack
    finally:
        m.close()
        pygame.display.quit()


def test_lag_mode_replays_the_same_run():
    """With the worker's results handed back at seeded frames, a seed's run is the same each time
    (the real thread's timing made seed 562's failure vanish when replayed alone)."""

    def run() -> tuple:
        m = monkey.Monkey(11, draw_every=8)
        try:
            report = m.run(120)
            return report.turns_ended, report.episodes, tuple(sorted(report.screens)), m.app.stack.top.name
        finally:
            m.close()
            pygame.display.quit()

    assert run() == run()


def test_a_click_that_opens_help_from_the_menu_is_not_read_as_closing_it():
    """At 960x600 with UI scale 1.5 the help card's "Back to the game" button opens where the
    menu's "Help and keys" was: the click opened help (the menu's choice), and the monkey, hit
    testing after the frame, read a click on "Back" that closed the menu onto the help card."""
    from game.ui.screens.help import HelpScreen
    from game.ui.screens.pause import PauseMenu

    m = monkey.Monkey(562, size=(960, 600))
    try:
        app = m.app
        app.apply_settings(attrs.evolve(app.settings, ui_scale=1.5))
        app.load_and_start(TUTORIAL, ("aldoria",), 1, briefing=False)
        board = app.stack.top
        board.open_menu()
        app.frame(1 / 60)
        menu = app.stack.top
        assert isinstance(menu, PauseMenu)
        at = menu.buttons["help"].rect.center
        m._mouse(pygame.MOUSEBUTTONDOWN, at)
        m._mouse(pygame.MOUSEBUTTONUP, at)
        assert [type(s) for s in app.stack.screens] == [type(board), HelpScreen]
        assert app.stack.top.ok.rect.collidepoint(at)  # what fooled the old hit test
        assert not m.failures, "\n".join(map(str, m.failures))
        m._mouse(pygame.MOUSEBUTTONDOWN, at)
        m._mouse(pygame.MOUSEBUTTONUP, at)  # now a click on "Back": help closes onto the board
        assert app.stack.screens == [board]
        assert not m.failures, "\n".join(map(str, m.failures))
    finally:
        m.close()
        pygame.display.quit()
