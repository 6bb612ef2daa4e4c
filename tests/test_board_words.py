"""Every name on the board whole and reachable (issue 11): an action's name is not squeezed out by
the marks beside it, its full text shows on hover and under keyboard focus, and the rung numbers
beside the actions are centred as the panel asks."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"
SIZES = [((1280, 720), "normal"), ((1920, 1080), "normal"), ((1280, 720), "larger")]


@pytest.fixture(params=SIZES, ids=["1280", "1920", "larger"])
def israel(request, tmp_path, monkeypatch):
    """Israel's board on turn 1 of Israel-Iran: wide strikes trip a red line and have two targets."""
    from game.ui.screens.game_screen import GameScreen

    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    size, text = request.param
    app = App(Settings(text_size=text), size, fixed_size=True)
    match = Match.start(str(SCENARIOS / "israel_iran_2024.yaml"), ("israel",), 1)
    match.autosave = False
    screen = app.stack.reset(GameScreen(app, match))
    app.render(2)
    yield screen
    pygame.display.quit()


def action_rows(board) -> dict[str, pygame.Rect]:
    return {key[1]: b for key, b in board.decision.option_buttons.items() if isinstance(key, tuple)}


def shown_name(row_text: str) -> str:
    """The part of the action's name a row shows (after its key), without the ellipsis."""
    return row_text.split("   ", 1)[1].rstrip("\u2026")


def test_marks_leave_the_name_readable_on_its_row(israel):
    """'Wide strikes on air defences and missile production' read 'Wide stri…  · red line  · 2 targets'
    at 1920x1080: the marks now sit on a line of their own, whole, and the name keeps its row."""
    decision = israel.decision
    rows = action_rows(israel)
    scn = israel.match.scenario
    marked = [a for a in rows if a in decision.marks]
    assert {"isr_military_strikes", "isr_signal_strike"} <= set(marked)
    for action in marked:
        name = next(a.name for a in scn.actions if a.id == action)
        shown = shown_name(rows[action].text)
        assert name.startswith(shown) and len(shown) >= min(len(name), 20), (action, rows[action].text)
        mark = decision.marks[action]
        assert "\u2026" not in mark.text and "red line" in mark.text or "target" in mark.text
        assert mark.rect.top >= rows[action].rect.bottom  # under the name, never over it
        assert mark.rect.left >= decision.scroller.rect.left
    assert "2 targets" in decision.marks["isr_military_strikes"].text
    assert "red line" in decision.marks["isr_military_strikes"].text


def test_the_full_name_is_reachable_by_mouse_and_keyboard(israel):
    """Hover: the row's tool tip (and the mark line's) starts with the whole name. Keyboard: the
    action's key selects it and the card under the list names it whole."""
    decision = israel.decision
    scn = israel.match.scenario
    name = next(a.name for a in scn.actions if a.id == "isr_military_strikes")
    row = action_rows(israel)["isr_military_strikes"]
    assert row.tool_tip_text.startswith(name)
    mark = decision.marks["isr_military_strikes"]
    assert any(el is mark and text.startswith(name) for el, text in decision.reason_tips)
    action_of = {o.instance: o.action for o in israel.presenter.options()}
    n = next(n for n, inst in decision.key_numbers.items() if action_of[inst] == "isr_military_strikes")
    assert israel._key(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_0 + n, mod=0))
    assert action_of[israel.presenter.selected] == "isr_military_strikes"
    assert name in decision.detail.html_text


def test_rung_numbers_are_centred(israel):
    """The alignment was set after the label was made: pygame_gui had drawn it from the left."""
    rungs = [el for el in israel.decision.scroller.get_container().elements if el.get_object_ids()[-1] == "#rung"]
    assert rungs
    for label in rungs:
        assert label.drawable_shape.theming["text_horiz_alignment"] == "center"


def press(board, key: int, mod: int = 0) -> None:
    board.app.stack.top.handle_event(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode=""))


def test_f3_reads_the_cut_ladder_and_indicator_names_by_keyboard(israel):
    """Cut rung names and indicator labels showed their full text on mouse hover only: F3 moves over
    them (Shift+F3 back) with the focus ring on the name and its full text on a tooltip; Escape stops."""
    panel = israel.ladder_panel
    cut = panel.cut_texts()
    assert any(c.text.startswith("Rung ") for c in cut)  # 'Strikes on energy and the econom…'
    larger = israel.app.settings.text_size == "larger"  # at normal text every indicator label is whole
    assert any(c.rect.colliderect(panel.indicators_rect) for c in cut) == larger  # "Israel: grievance" cut
    seen = []
    for _ in cut:
        press(israel, pygame.K_F3)
        israel.app.render(1)
        read = panel.read_text()
        assert read is not None and israel.focus_rect() == read.rect
        seen.append(read.text)
    assert seen == [c.text for c in cut]  # each once, top to bottom
    press(israel, pygame.K_F3)
    assert panel.read_text().text == cut[0].text  # round again
    press(israel, pygame.K_F3, pygame.KMOD_SHIFT)
    assert panel.read_text().text == cut[-1].text
    press(israel, pygame.K_ESCAPE)
    assert panel.read_text() is None
    assert israel.app.stack.top is israel  # Escape stopped reading, it did not open the menu


def test_the_read_name_is_drawn_whole_over_the_board(israel, monkeypatch):
    import game.ui.screens.game_screen as game_screen

    drawn = []
    monkeypatch.setattr(game_screen, "draw_tooltip", lambda surface, text, scale, at=None: drawn.append((text, at)))
    press(israel, pygame.K_F3)
    read = israel.ladder_panel.read_text()
    israel.draw_over(israel.app.window)
    assert drawn == [(read.text, read.rect.bottomleft)]


def test_end_turn_says_wait_while_the_board_takes_no_press(israel):
    """Enter and clicks are ignored while a turn resolves and the board is rebuilt (the input
    barrier): End turn reads 'Wait…' and takes no click then, and is itself again once the turn is on view."""
    from game.ui.panels.decision import WAIT_TEXT

    app, decision = israel.app, israel.decision
    assert decision.end_btn.text.startswith("End turn")
    press(israel, pygame.K_RETURN)
    assert israel.busy
    states = []
    for _ in range(600):
        app.frame(1 / 60)
        btn = israel.decision.end_btn
        if btn is not None and btn.alive():
            states.append((israel.busy, btn.is_enabled, btn.text))
        if not israel.busy and btn is not None and btn.is_enabled:
            break
        time.sleep(0.005)
    assert israel.match.session.turn == 2
    busy_states = [s for s in states if s[0]]
    assert busy_states and all(
        not enabled and WAIT_TEXT.startswith(text.rstrip("\u2026")) for _b, enabled, text in busy_states
    )
    assert states[-1][1] and states[-1][2].startswith("End turn")


def test_target_rows_leave_room_for_the_target_and_say_it_whole_on_hover(israel):
    """Every target of wide strikes trips the red line, as the line under the action says: the
    target rows do not repeat it (it cut 'Parchin military co…  · red line'), and each row's tool
    tip starts with the target, weapon and distance the row may cut."""
    decision = israel.decision
    israel.presenter.select_action("isr_military_strikes")
    israel.selection_changed()
    targets = [(inst, b) for inst, b in decision.option_buttons.items() if not isinstance(inst, tuple)]
    assert len(targets) == 2
    options = {o.instance: o for o in israel.presenter.options()}
    for inst, b in targets:
        assert "red line" not in b.text
        assert b.tool_tip_text.startswith(decision.instance_text(options[inst]) + ": ")
        assert b.text.startswith(options[inst].target[:18])
