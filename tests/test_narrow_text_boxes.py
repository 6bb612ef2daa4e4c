"""No text box a few pixels wide, whatever the window and the text size (game.ui.widgets.text_box).

pygame_gui's layout of a UITextBox a few glyphs wide raises 'Row longer than layout' or loops
for minutes (the 30-minute monkey met both). At the smallest window (960x600) with the largest
UI scale and the largest text, every screen whose text boxes take their width from the layout
is built, and each of its text boxes is at least MIN_TEXT_BOX_EMS ems of the body text wide.
"""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402
from pygame_gui.elements import UITextBox  # noqa: E402

from game.diagnostics import Diagnostic  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.scale import LARGEST_TEXT  # noqa: E402
from game.ui.settings import UI_SCALES, Settings  # noqa: E402
from game.ui.widgets import MIN_TEXT_BOX_EMS, text_box  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SMALLEST = (960, 600)


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    settings = Settings(width=SMALLEST[0], height=SMALLEST[1], ui_scale=max(UI_SCALES), text_size=LARGEST_TEXT)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield App(settings, SMALLEST, fixed_size=True)
    pygame.display.quit()


def text_boxes(root) -> list[UITextBox]:
    """The text boxes inside ``root`` (a screen's container), at any depth."""
    found = []
    for el in getattr(root, "elements", ()):
        if isinstance(el, UITextBox):
            found.append(el)
        inner = el.get_container() if hasattr(el, "get_container") else None
        if inner is not None and inner is not el:
            found += text_boxes(inner)
        elif hasattr(el, "elements"):
            found += text_boxes(el)
    return found


def narrow_boxes(app: App, screen) -> list[str]:
    least = min(MIN_TEXT_BOX_EMS * app.font_px(12), app.size[0])  # 12 px: the smallest body text
    return [
        f"{type(screen).__name__}: {b.html_text[:50]!r} is {b.rect.w} px wide"
        for b in text_boxes(screen.root)
        if b.rect.w < least
    ]


def test_a_text_box_is_widened_to_its_minimum(app):
    box = text_box(app, "a text", pygame.Rect(10, 10, 3, 5))
    assert box.rect.w == MIN_TEXT_BOX_EMS * app.font_px(14)
    assert box.rect.h == 2 * app.font_px(14)
    assert text_box(app, "a text", pygame.Rect(0, 0, 5000, -1)).rect.w == app.size[0]


def test_the_window_screens_build_with_no_narrow_text_box(app):
    from game.ui.screens.errors import ErrorScreen, ReloadErrors
    from game.ui.screens.game_screen import GameScreen
    from game.ui.screens.handover import HandoverScreen
    from game.ui.screens.help import HelpScreen
    from game.ui.screens.pause import LoadDialog, PauseMenu
    from game.ui.screens.title import TitleScreen

    path = str(ROOT / "scenarios" / "cuba_1962.yaml")
    match = Match.start(path, ("usa", "ussr"), 3)
    match.autosave = False
    board = GameScreen(app, match)
    problem = [Diagnostic(path, 3, 5, "actions.blockade.when", "unknown variable 'tensoin' (did you mean 'tension'?)")]
    built = []
    for make in (
        lambda: app.stack.reset(TitleScreen(app)),
        lambda: app.stack.reset(ErrorScreen(app, path, problem)),
        lambda: app.stack.reset(HandoverScreen(app, match, "ussr")),
        lambda: (app.stack.reset(board), app.stack.push(HelpScreen(app))),
        lambda: (app.stack.reset(board), app.stack.push(PauseMenu(app, board))),
        lambda: (app.stack.reset(board), app.stack.push(LoadDialog(app))),
        lambda: (app.stack.reset(board), app.stack.push(ReloadErrors(app, path, problem))),
    ):
        make()
        app.render(1)
        built += narrow_boxes(app, app.stack.top)
    assert not built, "\n".join(built)


def settle(app: App, test, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not test():
        assert time.monotonic() < deadline, "the window never showed it"
        app.frame(1 / 60)
        time.sleep(0.01)


def test_the_class_screens_build_with_no_narrow_text_box(app, tmp_path):
    from game.net import protocol
    from game.net.client import BackgroundClient
    from game.ui.screens.class_board import ClassBoardScreen
    from game.ui.screens.net_host import ConsoleScreen
    from game.ui.screens.net_join import JoinFormScreen
    from tests.net_support import CUBA, hosted, new_game

    game = new_game(CUBA, seed=2)
    built = []
    with hosted(game, str(tmp_path)) as h:
        teacher = BackgroundClient(h.address, game.teacher_code, "teacher")
        usa = BackgroundClient(h.address, game.codes["usa"], "Ana")
        try:
            assert teacher.start() and usa.start()
            form = JoinFormScreen(app, h.address, "WRONG1", problem="No seat has this code: ask your teacher.")
            app.stack.reset(form)
            app.render(1)
            built += narrow_boxes(app, form)
            seat = ClassBoardScreen(app, usa)
            app.stack.reset(seat)
            settle(app, lambda: seat.shown is usa.view and bool(usa.view) and seat.root is not None)
            built += narrow_boxes(app, seat)
            console = ConsoleScreen(app, teacher, h.address)
            app.stack.reset(console)
            settle(app, lambda: console.view.get("connected", {}).get("usa") == ["Ana"] and console.root is not None)
            built += narrow_boxes(app, console)
            teacher.send(protocol.Start())
            settle(app, lambda: console.view.get("phase") == "playing" and console.root is not None)
            built += narrow_boxes(app, console)
            app.stack.reset(seat)
            settle(app, lambda: seat.view.get("phase") == "playing" and seat.root is not None)
            built += narrow_boxes(app, seat)
        finally:
            usa.stop()
            teacher.stop()
    assert not built, "\n".join(built)
