"""Two quick presses of Enter on "See the debrief (Enter)" (120 ms apart, under Xvfb) showed the
debrief for a frame and left it for the title: the student lost the debrief. Enter leaves the
debrief only once it has been on view a moment; later, Enter goes to the title as its button says."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.screens import debrief as debrief_module  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

TUTORIAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml")


def press(app: App, key: int) -> None:
    app.frame(1 / 60)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=0, unicode="", scancode=0))
    app.frame(1 / 60)


def test_a_second_quick_enter_does_not_leave_the_debrief(tmp_path, monkeypatch):
    from game.ui.debrief_data import replay_shares
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.game_screen import GameScreen

    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    clock = [1000.0]
    monkeypatch.setattr(debrief_module.time, "monotonic", lambda: clock[0])
    app = App(Settings(), (1280, 720), fixed_size=True)
    try:
        match = Match.start(TUTORIAL, ("aldoria",), 3)
        match.autosave = False
        match.session.run_ai_to_end()
        app.stack.reset(GameScreen(app, match))
        debrief = app.stack.push(DebriefScreen(app, match, replays=replay_shares(match.session, ("aldoria",), n=20)))
        app.render(2)
        clock[0] += 0.12
        press(app, pygame.K_RETURN)
        assert app.stack.top is debrief
        clock[0] += debrief_module.LEAVE_GRACE
        press(app, pygame.K_RETURN)
        assert app.stack.top is not debrief and app.stack.top.name == "title"
    finally:
        pygame.display.quit()
