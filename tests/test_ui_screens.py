"""The window's screens, headless (SDL dummy driver): build, draw, screenshots, the stack."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pygame_gui  # noqa: E402
import pytest  # noqa: E402

from game.diagnostics import ScenarioError  # noqa: E402
from game.ui.app import App, run_play, run_watch  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.options import WindowOptions  # noqa: E402
from game.ui.screens.base import Screen, ScreenStack  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


def loadable():
    out = []
    for p in SCENARIOS:
        try:
            m = Match.start(str(p), (), 1)
        except ScenarioError:
            continue
        out.append((p, m.scenario))
    return out


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def app():
    a = App(Settings(), (1280, 720), fixed_size=True)
    yield a


@pytest.mark.parametrize("path,scenario", loadable(), ids=lambda x: getattr(x, "stem", ""))
def test_every_screen_builds_and_draws(app, path, scenario):
    from game.ui.screens.briefing import BriefingScreen
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.game_screen import GameScreen
    from game.ui.screens.help import HelpScreen
    from game.ui.screens.pause import LoadDialog, PauseMenu
    from game.ui.screens.settings_screen import SettingsScreen
    from game.ui.screens.title import TitleScreen

    seat = next(a.id for a in scenario.actors if a.playable)
    match = Match.start(str(path), (seat,), 3)
    app.stack.reset(TitleScreen(app, preselect=str(path)))
    app.render(2)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.stack.push(BriefingScreen(app, match))
    app.render(2)
    app.stack.pop()
    # choose an option with a weapon when there is one: the range ring is drawn
    weapon = next((o for o in board.legal_options() if o.weapon), None)
    if weapon is not None:
        board.presenter.select(weapon.instance)
        board.selection_changed()
        assert board.map.coverage is not None
    app.instructor = True
    board.relayout()
    app.render(2)
    app.instructor = False
    for overlay in (HelpScreen(app), PauseMenu(app, board), SettingsScreen(app), LoadDialog(app)):
        app.stack.push(overlay)
        app.render(1)
        app.stack.pop()
    board.end_turn()
    app.work.wait()  # the turn is played on the worker thread
    assert match.session.turn == 2 or match.session.done
    match.session.run_ai_to_end()
    board.relayout()
    app.render(1)
    deb = DebriefScreen(app, match)
    app.stack.push(deb)
    app.render(2)
    st = app.state()
    assert st["screen"] == "debrief" and st["outcome"] is not None
    import json

    out = deb.export(Path(app_tmp := os.environ["REDLINE_HOME"]) / "log.json")
    log = json.loads(Path(out).read_text())
    assert log["format"] == "redline-log/1" and log["humans"] == [seat] and Path(app_tmp).exists()
    # watch mode
    watch = Match.start(str(path), (), 1, game=2)
    w = GameScreen(app, watch)
    app.stack.reset(w)
    w.advance()
    app.render(1)
    assert watch.session.turn == 2 or watch.session.done


def test_error_screen_shows_diagnostics(app, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("format: redline/1\nmeta: {id: x}\n", encoding="utf-8")
    app.load_and_start(str(bad), ("a",), 1)
    app.render(1)
    st = app.state()
    assert st["screen"] == "errors"
    assert any("bad.yaml:" in e for e in st["errors"])


def _play_args(**kw):
    base = dict(
        file=str(ROOT / "scenarios" / "tutorial.yaml"),
        actor="aldoria",
        seed=1,
    )
    base.update(kw)
    return WindowOptions(**base)


@pytest.mark.parametrize("screen,size", [("board", None), ("briefing", (1024, 640)), ("debrief", (1440, 810))])
def test_screenshot_flag_writes_png_of_the_size(tmp_path, screen, size):
    out = tmp_path / f"{screen}.png"
    rc = run_play(_play_args(screenshot=str(out), after_turns=2, screen=screen, size=size))
    assert rc == 0
    img = pygame.image.load(str(out))
    assert img.get_size() == (size or (1280, 720))


def test_screenshot_of_a_broken_scenario_exits_1(tmp_path, capsys):
    bad = tmp_path / "broken.yaml"
    bad.write_text("format: redline/1\nmeta: [\n", encoding="utf-8")
    out = tmp_path / "err.png"
    rc = run_play(_play_args(file=str(bad), screenshot=str(out)))
    assert rc == 1 and out.exists()
    assert "broken.yaml:" in capsys.readouterr().err


def test_watch_screenshot(tmp_path):
    out = tmp_path / "watch.png"
    args = WindowOptions(
        file=str(ROOT / "scenarios" / "tutorial.yaml"), seed=1, game=3, screenshot=str(out), after_turns=2
    )
    assert run_watch(args) == 0
    assert pygame.image.load(str(out)).get_size() == (1280, 720)


def test_watch_replays_the_same_game_as_replay():
    from game.cli.commands import replay_log

    m = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), (), 7, game=5)
    m.session.run_ai_to_end()
    log = replay_log(m.rules, 7, 5)
    assert [e["text"] for e in m.session.events] == [e["text"] for e in log["events"]]


# ---------------------------------------------------------------- the screen stack
class Probe(Screen):
    def __init__(self, app, name, consume=(), modal=False, opaque=True):
        super().__init__(app)
        self.name, self.consume, self.modal, self.opaque = name, set(consume), modal, opaque
        self.seen, self.calls = [], []

    def build(self):
        pass

    def enter(self):
        self.calls.append("enter")

    def exit(self):
        self.calls.append("exit")

    def pause(self):
        self.paused = True
        self.calls.append("pause")

    def resume(self):
        self.paused = False
        self.calls.append("resume")

    def handle_event(self, event):
        self.seen.append(event.type)
        return None if event.type in self.consume else event

    def draw(self, surface):
        pass


def test_stack_event_chain_and_lifecycle():
    stack = ScreenStack()
    bottom = Probe(None, "bottom", consume={pygame.KEYUP})
    top = Probe(None, "top", consume={pygame.KEYDOWN}, modal=False, opaque=False)
    stack.push(bottom)
    stack.push(top)
    assert bottom.calls == ["enter", "pause"] and top.calls == ["enter"]
    # consumed at the top: the bottom never sees it
    assert stack.handle_event(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_a)) is None
    assert bottom.seen == []
    # passed down and consumed below
    assert stack.handle_event(pygame.event.Event(pygame.KEYUP, key=pygame.K_a)) is None
    assert bottom.seen == [pygame.KEYUP]
    # not consumed by anyone: returned
    ev = pygame.event.Event(pygame.MOUSEMOTION, pos=(1, 1))
    assert stack.handle_event(ev) is ev
    # the non-opaque top is drawn over the bottom
    assert stack.visible() == [bottom, top]
    # a modal screen stops the chain
    modal = Probe(None, "modal", modal=True)
    stack.push(modal)
    n = len(bottom.seen)
    assert stack.handle_event(pygame.event.Event(pygame.KEYUP, key=pygame.K_b)) is not None
    assert len(bottom.seen) == n and modal.seen == [pygame.KEYUP]
    assert stack.visible() == [modal]
    stack.pop()
    assert modal.calls[-1] == "exit" and top.calls[-1] == "resume"
    stack.replace(Probe(None, "other"))
    assert top.calls[-1] == "exit"


def test_window_resize_relays_out_every_screen(app):
    from game.ui.screens.game_screen import GameScreen
    from game.ui.screens.help import HelpScreen

    match = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria",), 1)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.stack.push(HelpScreen(app))
    for size in ((1600, 900), (1000, 640), (1280, 720)):
        app.resize(size)
        app.render(1)
        assert app.size == size
        assert board.rects["side"].right == size[0] and board.rects["news"].bottom == size[1]
        assert board.map.proj.rect == board.rects["map"]
    app.stack.pop()


# ---------------------------------------------------------------- guided hints, history in the news
def _key(app, key, mod=0):
    """One physical press: down and up (a second down without an up is an auto-repeat)."""
    app.handle(pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, unicode="", scancode=0))
    app.handle(pygame.event.Event(pygame.KEYUP, key=key, mod=mod, unicode="", scancode=0))
    app.render(1)


def test_hint_card_shows_on_its_turn_and_hides(app, monkeypatch):
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria",), 1)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(1)
    assert app.state()["hint"] == "The ladder" and board.hint.button is not None
    lay = board.hint.layout()
    # over the map, beside the ladder (an arrow to it), not over the ladder or the decisions
    assert board.rects["map"].contains(lay["card"]) and lay["target"] == "ladder"
    assert not lay["card"].colliderect(board.rects["ladder"]) and not lay["card"].colliderect(board.rects["side"])
    assert lay["arrow"][1][0] > board.rects["ladder"].left
    _key(app, pygame.K_ESCAPE)  # Esc hides the hint (not the menu)
    assert app.state()["screen"] == "board" and app.state()["hint"] is None and board.hint.button is None
    _key(app, pygame.K_h)  # H shows it again
    assert app.state()["hint"] == "The ladder"
    # "Got it"
    app.handle(pygame.event.Event(pygame_gui.UI_BUTTON_PRESSED, ui_element=board.hint.button))
    assert app.state()["hint"] is None
    _key(app, pygame.K_ESCAPE)  # no hint now: Esc opens the menu
    assert app.state()["screen"] == "menu"
    app.stack.pop()
    # the next turn has its own hint, about the decision panel
    board.end_turn()
    app.render(1)
    assert match.session.turn == 2 and app.state()["hint"] == "A declared red line"
    lay = board.hint.layout()
    assert lay["target"] == "decisions" and board.hint.target_rect("decisions").contains(board.decision.list_rect)
    board.relayout()  # a resize or new settings keep it
    assert app.state()["hint"] == "A declared red line"
    # hints turned off in the settings
    monkeypatch.setattr(app.settings, "show_hints", False)
    board.relayout()
    assert app.state()["hint"] is None
    _key(app, pygame.K_h)
    assert app.state()["hint"] == "A declared red line"


def test_no_hint_card_without_hints(app):
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(str(ROOT / "scenarios" / "cuba_1962.yaml"), ("usa",), 1)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(1)
    assert app.state()["hint"] is None and board.hint.button is None
    _key(app, pygame.K_h)
    assert app.state()["hint"] is None


def test_board_news_shows_history_and_where_the_player_left_it(app):
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(str(ROOT / "scenarios" / "atacms_2024.yaml"), ("ukraine",), 1)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(1)
    text = board.news.html_text
    assert "Historically:" in text and "TURN 1" in text and "History:" not in text
    assert board.news.scroll_share() == 0
    board.presenter.select(next(o.instance for o in board.legal_options() if o.action == "hold"))
    board.end_turn()
    app.render(1)
    text = board.news.html_text
    assert "History:</b></font> <font color='#b4aa94'>Ukraine did <b>" in text
    assert text.count("Historically:") == 2  # turn 1, and turn 2 being decided
    # the news opens at turn 1's results, not at the end (turn 2's history)
    assert 0 < board.news.scroll_share() < 1
    # boxes of a few lines of one turn; the next turn lays out only the turn just resolved and the
    # one being decided: turn 1's boxes are the same objects
    first = [block.box for block in board.news.blocks if block.turn == 0]
    assert {block.turn for block in board.news.blocks} == {0, 1} and first
    board.end_turn()
    app.render(1)
    assert {block.turn for block in board.news.blocks} == {0, 1, 2}
    assert [block.box for block in board.news.blocks if block.turn == 0] == first
    assert 0 < board.news.scroll_share() < 1


def test_watch_news_shows_history(app):
    from game.ui.screens.game_screen import GameScreen

    watch = Match.start(str(ROOT / "scenarios" / "atacms_2024.yaml"), (), 1, game=1)
    board = GameScreen(app, watch)
    app.stack.reset(board)
    for _ in range(3):
        board.advance()
        app.render(1)  # the turn is played on the worker thread, the panels rebuilt over frames
    text = board.news.html_text
    assert text.count("Historically:") == 4 and "History:" in text


def test_title_screen_takes_a_typed_seed(app):
    from game.ui.screens.title import TitleScreen

    title = TitleScreen(app, preselect=str(ROOT / "scenarios" / "tutorial.yaml"), seed=777)
    app.stack.reset(title)

    def key(k, ch=""):
        title.handle_event(pygame.event.Event(pygame.KEYDOWN, key=k, unicode=ch, mod=0))

    for ch in "0042":
        key(getattr(pygame, f"K_{ch}"), ch)
    assert title.seed == 42 and title.seed_typed == "42"
    app.render(1)
    key(pygame.K_BACKSPACE)
    assert title.seed == 4
    key(pygame.K_BACKSPACE)
    assert title.seed == 777  # nothing typed: the seed shown before stays
    for ch in "1234567890123":
        key(getattr(pygame, f"K_{ch}"), ch)
    assert title.seed == 123456789  # at most 9 digits
    title.start()
    match = app.stack.screens[0].match if hasattr(app.stack.screens[0], "match") else None
    assert match is not None and match.seed == 123456789


def test_hot_seat_handover_turns_the_instructor_view_off(app):
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria", "borvia"), 5)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.instructor = True
    board.relayout()
    first = match.viewpoint
    board.presenter.select(board.legal_options()[0].instance)
    board.end_turn()
    st = app.state()
    assert st["screen"] == "handover" and st["seat"] != first
    assert app.instructor is False
    app.render(1)


@pytest.mark.parametrize("with_autosave", [False, True])
def test_title_screen_survives_every_overlay_closing(app, with_autosave):
    """Closing help, settings or the load dialog over the title screen resumes it (the autosave
    it offers was once kept in an attribute that hid ``Screen.resume``)."""
    from game.ui.screens.help import HelpScreen
    from game.ui.screens.pause import LoadDialog
    from game.ui.screens.settings_screen import SettingsScreen
    from game.ui.screens.title import TitleScreen

    if with_autosave:
        match = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria",), 3)
        match.end_turn()
        assert match.write_autosave() == ""
    title = app.stack.reset(TitleScreen(app))
    assert (title.unfinished is not None) == with_autosave
    for overlay in (HelpScreen(app), SettingsScreen(app), LoadDialog(app)):
        app.stack.push(overlay)
        app.render(1)
        overlay.close()
        assert app.stack.top is title and not title.paused
        app.render(1)
    app.toggle_help()
    app.toggle_help()
    assert app.stack.top is title and title.root is not None and title.root.visible


def test_f5_reloads_on_the_worker_and_keeps_the_game(app, tmp_path):
    """F5 reads the file again and replays the game on it off the frame loop; a broken file
    leaves the last good version in play and lists its errors."""
    from game.ui.screens.game_screen import GameScreen

    source = (ROOT / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")
    path = tmp_path / "tutorial.yaml"
    path.write_text(source, encoding="utf-8")
    match = Match.start(str(path), ("aldoria",), 3)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(1)
    board.end_turn()
    app.render(1)
    played = list(match.session.decisions)
    path.write_text(source.replace('"Tutorial: The Tessel Strait"', '"Tutorial, edited"', 1), encoding="utf-8")
    _key(app, pygame.K_F5)
    assert match.scenario.meta.title == "Tutorial, edited" and match.session.decisions == played
    assert app.stack.top is board and match.session.turn == 2
    path.write_text(source.replace("actors:", "actorz:", 1), encoding="utf-8")
    _key(app, pygame.K_F5)
    assert app.state()["screen"] == "reload_errors"
    assert match.scenario.meta.title == "Tutorial, edited" and match.session.decisions == played


def _click(app, pos):
    """One left click (down and up) at ``pos``, through the window's event handling; the button
    presses it makes are handled in the next frame."""
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos))
    app.handle(pygame.event.Event(pygame.MOUSEBUTTONUP, button=1, pos=pos))
    app.frame(1 / 60)


def test_a_quick_triple_click_on_end_turn_ends_one_turn(app):
    """Clicks 2 and 3 of a quick triple click landed on the next turn's End turn button and
    played turns nobody had looked at (issue 11); after the grace a click ends a turn again."""
    from game.ui.screens import game_screen
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria",), 3)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(3)

    def settle():
        for _ in range(400):
            app.work.wait()
            app.frame(1 / 60)
            if not board.busy:
                break

    board.presenter.select(board.legal_options()[0].instance)
    board.selection_changed()
    app.render(1)
    end = board.decision.end_btn.rect.center
    board._turn_shown_at -= game_screen.CLICK_GRACE  # the student has looked at turn 1
    _click(app, end)
    settle()
    assert match.session.turn == 2
    board.presenter.select(board.legal_options()[0].instance)
    board.selection_changed()
    _click(app, end)
    _click(app, end)
    settle()
    assert match.session.turn == 2, "a click within the grace after a new turn ended it"
    board._turn_shown_at -= game_screen.CLICK_GRACE
    _click(app, end)
    settle()
    assert match.session.turn == 3


def test_enter_on_the_debrief_keeps_the_class_seed_on_the_title_screen(app):
    """A class plays one seed: Enter on the debrief opens the title screen with that seed, not a new one."""
    from game.ui.screens.debrief import LEAVE_GRACE, DebriefScreen
    from game.ui.screens.title import TitleScreen

    match = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria",), 42)
    match.session.run_ai_to_end()
    debrief = DebriefScreen(app, match)
    app.stack.reset(debrief)
    app.render(2)
    debrief._opened_at -= LEAVE_GRACE  # the student has looked at the debrief
    _key(app, pygame.K_RETURN)
    title = app.stack.top
    assert isinstance(title, TitleScreen) and title.seed == 42


def test_news_that_cannot_be_laid_out_never_breaks_the_board(app, monkeypatch):
    """pygame_gui raised "Row longer than layout" while the board was rebuilt after a settings change
    (monkey seed 300), and every later build failed the same way: the news says so instead."""
    from game.ui.panels import news
    from game.ui.screens.game_screen import GameScreen

    real = news.UITextBox

    def refusing(text, *args, **kw):
        if "cannot be laid out" not in text:
            raise RuntimeError("Row longer than layout")
        return real(text, *args, **kw)

    match = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria",), 3)
    match.session.run_ai_to_end()
    monkeypatch.setattr(news, "UITextBox", refusing)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(2)
    blocks = board.news.blocks
    assert blocks and all("cannot be laid out" in block.box.html_text for block in blocks)
    assert len(blocks) == len({block.turn for block in blocks})  # one note a turn, not one a block


def test_settings_show_the_window_size_in_use(app):
    """After `--size 1920x1080` the Settings card highlighted the saved 1280x720."""
    from game.ui.screens.settings_screen import SettingsScreen

    app.resize((1920, 1080))
    try:
        screen = SettingsScreen(app)
        app.stack.push(screen)
        app.render(1)
        chosen = [value for button, key, value in screen.choices if key == "size" and button.is_selected]
        assert chosen == [(1920, 1080)]
        app.stack.pop()
    finally:
        app.resize((1280, 720))


def test_the_briefing_scrolls_by_keyboard_and_esc_keeps_the_seed(app):
    """A keyboard-only student could not reach the briefing's perspectives and claims; Esc lost the seed."""
    from game.ui.screens.briefing import BriefingScreen
    from game.ui.screens.title import TitleScreen

    match = Match.start(str(ROOT / "scenarios" / "atacms_2024.yaml"), ("ukraine",), 42)
    brief = BriefingScreen(app, match)
    app.stack.reset(brief)
    app.render(2)
    card = brief.right
    assert card.content_h > card.view_h, "the ATACMS claims column is longer than its view"
    _key(app, pygame.K_RIGHT)
    assert brief.focus_rect() == brief.right.rect
    _key(app, pygame.K_PAGEDOWN)
    _key(app, pygame.K_PAGEDOWN)
    app.render(2)
    assert card.scroll > 0
    _key(app, pygame.K_ESCAPE)
    title = app.stack.top
    assert isinstance(title, TitleScreen) and title.seed == 42


def test_a_news_box_is_never_laid_out_narrower_than_its_minimum(app):
    """A scroller a few pixels wide made pygame_gui's layout loop for minutes (monkey seed 524)."""
    from game.ui.panels.news import MIN_NEWS_WIDTH
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria",), 3)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(1)
    box = board.news._news_box("<b>Turn 1</b> Aldoria proposes talks under the Strait Council.", 0, 3)
    assert box is not None and box.rect.w >= app.s(MIN_NEWS_WIDTH)
    box.kill()


def test_the_instructor_card_is_never_laid_out_narrower_than_the_news_minimum(app):
    """At 960x600 with the largest text the instructor column is a few pixels wide; its card made
    pygame_gui's layout loop for minutes (the 30-minute monkey, seed 524, after F2)."""
    from game.ui.panels.news import MIN_NEWS_WIDTH
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(str(ROOT / "scenarios" / "atacms_2024.yaml"), ("ukraine",), 3)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(1)
    board.instructor.rect = pygame.Rect(0, 50, 20, 400)
    app.instructor = True
    try:
        board.instructor.build_widgets(app.manager.get_root_container())
        assert board.instructor.box is not None and board.instructor.box.rect.w >= app.s(MIN_NEWS_WIDTH)
    finally:
        app.instructor = False
        if board.instructor.box is not None:
            board.instructor.box.kill()


def test_no_hint_card_when_the_map_is_a_sliver(app):
    """The smallest window with the largest text and the instructor view left the map a few pixels
    wide: the hint card had a negative size and drawing it raised (the monkey, seed 553)."""
    from game.ui.screens.game_screen import GameScreen

    match = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria",), 3)
    board = GameScreen(app, match)
    app.stack.reset(board)
    app.render(1)
    assert board.hint.current() is not None, "the tutorial opens with a hint"
    board.rects["map"] = pygame.Rect(0, 50, 30, 400)
    board.hint._cache = None
    assert board.hint.layout() is None
    board.hint.draw(app.window)
