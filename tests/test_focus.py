"""The keyboard focus ring: drawn where the keyboard acts, on the title, the board and the briefing."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui import charts, focus  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

TUTORIAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml")


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    a = App(Settings(), (1280, 720), fixed_size=True)
    yield a
    pygame.display.quit()


def ring_drawn(app: App, rect: pygame.Rect) -> bool:
    """The ring's colour on the outline around ``rect`` (its top edge, middle)."""
    app.render(2)
    ring = rect.inflate(app.s(6), app.s(6))
    return tuple(app.window.get_at((ring.centerx, ring.top))[:3]) == focus.RING


def test_title_rings_the_selected_scenario_and_follows_the_arrows(app):
    from game.ui.screens.title import TitleScreen

    title = TitleScreen(app, preselect=TUTORIAL)
    app.stack.reset(title)
    first = title.focus_rect()
    assert first == title.cards[title.index].rect and ring_drawn(app, first)
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_DOWN, mod=0, unicode="", scancode=0))
    assert title.focus_rect() != first and ring_drawn(app, title.focus_rect())


def test_board_rings_the_selected_action(app):
    from game.ui.screens.briefing import BriefingScreen
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(TUTORIAL, ("aldoria",), 1)
    match.autosave = False
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(2)
    selected = next(b for b in board.decision.option_buttons.values() if b.is_selected)
    assert board.focus_rect() == selected.rect and ring_drawn(app, selected.rect)
    briefing = app.stack.push(BriefingScreen(app, match))
    assert briefing.focus_rect() == briefing.go.rect and ring_drawn(app, briefing.go.rect)


TAB, SHIFT_TAB = (pygame.K_TAB, 0), (pygame.K_TAB, pygame.KMOD_SHIFT)


def press(app: App, key: int, mod: int = 0) -> None:
    """One physical press through the event queue and the app's frame (as SDL delivers it)."""
    app.frame(1 / 60)  # the screen on view has been drawn: presses now act on it
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))
    pygame.event.post(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode="", scancode=0))
    app.frame(1 / 60)


def tab_through(app: App, screen, mod: int = 0) -> list[pygame.Rect]:
    """Press Tab (or Shift+Tab) once per button of ``screen``: the rects the ring went to."""
    seen = []
    for _ in range(len(screen.focus_order())):
        press(app, pygame.K_TAB, mod)
        rect = screen.ring_rect()
        assert rect is not None and ring_drawn(app, rect)
        seen.append(rect)
    return seen


def tab_to(app: App, screen, text: str) -> None:
    """Tab until the ring is on the button labelled ``text`` (starting with it)."""
    for _ in range(len(screen.focus_order()) + 1):
        press(app, pygame.K_TAB)
        if screen.tab_focused() is not None and screen.tab_focused().text.startswith(text):
            return
    raise AssertionError(f"Tab never reached {text!r}: {[b.text for b in screen.focus_order()]}")


def test_tab_reaches_every_title_button_and_enter_presses_it(app):
    from game.ui.screens.settings_screen import SettingsScreen
    from game.ui.screens.title import TitleScreen

    title = app.stack.reset(TitleScreen(app, preselect=TUTORIAL))
    buttons = [title.load_btn, title.settings_btn, title.quit_btn, title.seed_btn, title.start_btn, title.join_btn]
    buttons += [*title.cards, *title.actor_buttons.values()]
    forward = tab_through(app, title)
    assert sorted(map(tuple, forward)) == sorted(tuple(b.rect) for b in buttons)
    assert tab_through(app, title, pygame.KMOD_SHIFT) == forward[-2::-1] + forward[-1:]
    tab_to(app, title, "Settings")
    press(app, pygame.K_RETURN)
    assert isinstance(app.stack.top, SettingsScreen)
    settings = app.stack.top
    tab_to(app, settings, "Done")
    press(app, pygame.K_SPACE)
    assert app.stack.top is title and len(app.stack.screens) == 1


def test_space_on_a_side_adds_a_hot_seat_player_and_enter_plays_it_alone(app):
    from game.ui.screens.title import TitleScreen

    title = app.stack.reset(TitleScreen(app, preselect=TUTORIAL))
    first, second = title.playable()[:2]
    tab_to(app, title, title.actor_buttons[second].text)
    press(app, pygame.K_SPACE)
    assert title.seats == [first, second]
    press(app, pygame.K_RETURN)
    assert title.seats == [second]
    press(app, pygame.K_DOWN)  # the arrows take the ring back to the scenarios
    assert title.tab_focused() is None and title.ring_rect() == title.focus_rect()


def test_every_overlay_answers_tab_and_the_arrows(app):
    from game.ui.screens.game_screen import GameScreen
    from game.ui.screens.help import HelpScreen
    from game.ui.screens.pause import LoadDialog, PauseMenu

    app.settings.show_hints = False  # Esc hides a hint card before it opens the menu
    match = Match.start(TUTORIAL, ("aldoria",), 1)
    match.autosave = False
    board = app.stack.reset(GameScreen(app, match))
    app.render(2)
    press(app, pygame.K_ESCAPE)
    menu = app.stack.top
    assert isinstance(menu, PauseMenu)  # the ring opens on its first button, Back to the game
    assert menu.tab_focused() is menu.buttons["resume"] and ring_drawn(app, menu.buttons["resume"].rect)
    press(app, pygame.K_DOWN)
    assert menu.tab_focused() is menu.buttons["save"]
    tab_to(app, menu, "Help")
    press(app, pygame.K_RETURN)
    help_screen = app.stack.top
    assert isinstance(help_screen, HelpScreen)
    tab_to(app, help_screen, "Back")
    press(app, pygame.K_RETURN)
    assert app.stack.top is board
    press(app, pygame.K_ESCAPE)
    tab_to(app, app.stack.top, "Load")
    press(app, pygame.K_RETURN)
    assert isinstance(app.stack.top, LoadDialog)
    tab_to(app, app.stack.top, "Cancel")
    press(app, pygame.K_RETURN)
    assert app.stack.top is board


def test_tab_on_the_debrief_reaches_its_buttons(app):
    from game.ui.debrief_data import replay_shares
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(TUTORIAL, ("aldoria",), 3)
    match.autosave = False
    match.session.run_ai_to_end()
    app.stack.reset(GameScreen(app, match))
    debrief = app.stack.push(DebriefScreen(app, match, replays=replay_shares(match.session, ("aldoria",), n=20)))
    app.render(2)
    order = debrief.focus_order()
    labels = [b.text for b in order if not isinstance(b, charts.Tip)]
    assert [label.split(" (")[0] for label in labels] == [
        "Back to the map",
        "Play again",
        "Title screen",
        "Export game log",
    ]
    # before them, in reading order, the texts it shows whole on Tab (the escalation score's meaning)
    assert any(isinstance(t, charts.Tip) and t.text.startswith("Escalation score") for t in order)
    assert len(tab_through(app, debrief)) == len(order)
    tab_to(app, debrief, "Back to the map")
    press(app, pygame.K_SPACE)
    assert isinstance(app.stack.top, GameScreen)


def test_an_overlay_never_rings_a_button_of_the_screen_below(app):
    """A click on the title's Settings button leaves it focused in pygame_gui; the Settings card over
    it rings nothing of the title (the ring stood on the covered button)."""
    from game.ui.screens.settings_screen import SettingsScreen
    from game.ui.screens.title import TitleScreen

    title = app.stack.reset(TitleScreen(app, preselect=TUTORIAL))
    app.manager.set_focus_set(title.settings_btn)
    settings = app.stack.push(SettingsScreen(app))
    app.render(1)
    assert settings.ring_rect() != pygame.Rect(title.settings_btn.rect)
    settings.tab_index = None  # a click focuses Done in pygame_gui, and a click takes the Tab ring away
    app.manager.set_focus_set(settings.done)
    assert settings.ring_rect() == pygame.Rect(settings.done.rect)


def test_the_debrief_rings_the_button_enter_presses(app):
    """The debrief opens by Enter and leaves for the title by Enter: the ring shows it, on Title screen."""
    from game.ui.debrief_data import replay_shares
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(TUTORIAL, ("aldoria",), 3)
    match.autosave = False
    match.session.run_ai_to_end()
    app.stack.reset(GameScreen(app, match))
    debrief = app.stack.push(DebriefScreen(app, match, replays=replay_shares(match.session, ("aldoria",), n=20)))
    app.render(2)
    assert debrief.title_btn.text.endswith("(Enter)")
    assert debrief.ring_rect() == debrief.title_btn.rect and ring_drawn(app, debrief.title_btn.rect)


def test_esc_on_the_dossier_goes_back_to_the_briefing_not_the_title(app):
    from game.ui.screens.briefing import BriefingScreen
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(TUTORIAL, ("aldoria",), 1)
    match.autosave = False
    app.stack.reset(GameScreen(app, match))
    briefing = app.stack.push(BriefingScreen(app, match))
    press(app, pygame.K_d)
    assert briefing.page == "dossier"
    press(app, pygame.K_ESCAPE)
    assert app.stack.top is briefing and briefing.page == "briefing"
    press(app, pygame.K_ESCAPE)
    assert app.stack.top is not briefing and app.stack.top.name == "title"
