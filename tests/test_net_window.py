"""The class-play windows driven by a real server on loopback (SDL's dummy driver): a seat
proposes and confirms through its screen, the console starts the game, a field being typed in
keeps its text and the focus when a new view rebuilds the screen, and every window ends on the
class debrief."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import time  # noqa: E402

import pygame  # noqa: E402
import pygame_gui  # noqa: E402
import pytest  # noqa: E402

from game.net import protocol  # noqa: E402
from game.net.client import BackgroundClient  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.screens.class_board import ClassBoardScreen  # noqa: E402
from game.ui.screens.net_common import ClassDebriefScreen  # noqa: E402
from game.ui.screens.net_host import ConsoleScreen, qr_surface  # noqa: E402
from game.ui.screens.net_join import JoinFormScreen  # noqa: E402
from game.ui.settings import Settings  # noqa: E402
from tests.net_support import CUBA, hosted, new_game  # noqa: E402


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    a = App(Settings(), (1280, 720), fixed_size=True)
    yield a
    pygame.display.quit()


def settle(app: App, test, timeout: float = 10.0) -> None:
    """Run frames until ``test()`` holds (the clients' threads deliver views meanwhile)."""
    deadline = time.monotonic() + timeout
    while not test():
        assert time.monotonic() < deadline, "the window never showed it"
        app.frame(1 / 60)
        time.sleep(0.01)


def key(screen, k: int) -> None:
    screen.handle_event(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=""))


def press(app: App, button) -> None:
    app.stack.handle_event(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=button))


def test_a_seat_plays_through_its_screen_and_ends_on_the_debrief(app, tmp_path):
    game = new_game(CUBA, seed=2)
    with hosted(game, str(tmp_path)) as h:
        teacher = BackgroundClient(h.address, game.teacher_code, "teacher")
        usa = BackgroundClient(h.address, game.codes["usa"], "Ana")
        try:
            assert teacher.start() and usa.start()
            console = ConsoleScreen(app, teacher, h.address)
            seat = ClassBoardScreen(app, usa)
            assert seat.map is not None and seat.ladder is not None  # the single-player board's views
            app.stack.reset(seat)
            settle(app, lambda: seat.shown is usa.view and bool(usa.view))
            assert seat.state()["phase"] == "lobby"

            app.stack.reset(console)
            settle(app, lambda: console.view.get("connected", {}).get("usa") == ["Ana"] and console.root is not None)
            assert console.qr is not None
            press(app, console.start_btn)
            settle(app, lambda: console.view["phase"] == "playing")

            app.stack.reset(seat)
            settle(app, lambda: seat.view["phase"] == "playing" and bool(seat.option_buttons))
            app.render(2)
            seat.entry.set_text("half a sentence")  # typing, when another seat's message rebuilds the screen
            app.manager.set_focus_set(seat.entry)
            teacher.send(protocol.Say("all", "the control cell speaks"))
            settle(app, lambda: len(seat.view["messages"]) == 1 and seat.shown is seat.view)
            assert seat.entry.get_text() == "half a sentence" and app._typing()

            sent: list = []
            real_send = usa.send
            usa.send = lambda message: (sent.append(message), real_send(message))  # type: ignore[method-assign]
            app.manager.set_focus_set(None)
            key(seat, pygame.K_2)  # one press picks the second action possible now
            second = seat.key_numbers[2]
            assert seat.selected == second == seat.stops[1] and seat.option_buttons[second].is_selected
            key(seat, pygame.K_UP)
            assert seat.selected == seat.key_numbers[1]
            press(app, seat.option_buttons[second])  # a click picks too
            assert seat.selected == second and not sent
            key(seat, pygame.K_RETURN)  # Enter proposes the pick...
            assert [type(m) for m in sent] == [protocol.Propose] and sent[0].instance == second
            settle(app, lambda: seat.view.get("proposal") is not None and seat.shown is seat.view)
            app.manager.set_focus_set(seat.entry)
            key(seat, pygame.K_RETURN)
            assert len(sent) == 1  # Enter in the message field proposes and confirms nothing
            app.manager.set_focus_set(None)
            key(seat, pygame.K_RETURN)  # ...and once the team sees it, Enter confirms it
            assert isinstance(sent[-1], protocol.Confirm) and len(sent) == 2
            settle(app, lambda: seat.view["turn"] == 2 or seat.view["phase"] == "over")

            turns = 1
            while seat.view["phase"] != "over":
                turn = seat.view["turn"]
                legal = max((o["rung"], o["instance"]) for o in seat.view["options"] if o["legal"])[1]
                seat.pick(legal)
                press(app, seat.propose_btn)
                settle(app, lambda: seat.view.get("proposal") is not None or seat.view["phase"] == "over")
                press(app, seat.confirm_btn)
                settle(app, lambda t=turn: seat.view["turn"] > t or seat.view["phase"] == "over")
                turns += 1
            settle(app, lambda: isinstance(app.stack.top, ClassDebriefScreen) and app.stack.top.root is not None)
            debrief = app.stack.top
            assert debrief.state()["outcome"] == game.session.outcome.id
            assert [e["turn"] for e in debrief.view["timeline"] if e["kind"] == "decision"] == list(range(1, turns + 1))
            app.render(2)
        finally:
            usa.stop()
            teacher.stop()


def test_the_join_form_says_why_a_join_failed(app, tmp_path):
    game = new_game(CUBA, seed=2)
    with hosted(game, str(tmp_path)) as h:
        form = JoinFormScreen(app, h.address, "WRONG1")
        app.stack.reset(form)
        press(app, form.join_btn)
        settle(app, lambda: bool(form.problem) and not app.work.busy)
        assert "no seat has this code" in form.problem
        form.fields["code"].set_text(game.codes["ussr"])
        press(app, form.join_btn)
        settle(app, lambda: isinstance(app.stack.top, ClassBoardScreen))
        app.stack.top.client.stop()


def test_the_qr_code_is_square_black_on_white():
    surf = qr_surface("192.168.1.20:8765", 200)
    assert surf.get_width() == surf.get_height() <= 200
    assert surf.get_at((0, 0))[:3] == (255, 255, 255)  # the quiet zone
    colours = {surf.get_at((x, y))[:3] for x in range(surf.get_width()) for y in range(0, surf.get_height(), 7)}
    assert colours == {(0, 0, 0), (255, 255, 255)}
