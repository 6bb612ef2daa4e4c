"""The debrief opens at once and builds its widgets and texts over the next frames (in one frame
they took 200 ms): placeholders until each text is laid out, Esc and the wheel answer meanwhile."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.debrief_data import replay_shares  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings  # noqa: E402
from game.ui.text_card import TextCard, parse  # noqa: E402

ATACMS = str(Path(__file__).resolve().parents[1] / "scenarios" / "atacms_2024.yaml")


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))


@pytest.fixture(scope="module")
def finished():
    match = Match.start(ATACMS, ("ukraine",), 3)
    match.autosave = False
    match.session.run_ai_to_end()
    return match, replay_shares(match.session, ("ukraine",), n=20)


def _press(key):
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0))


def test_the_debrief_builds_over_frames_and_answers_esc_meanwhile(finished):
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.game_screen import GameScreen

    match, replays = finished
    app = App(Settings(), (1280, 720), fixed_size=True)
    board = app.stack.reset(GameScreen(app, match))
    debrief = app.stack.push(DebriefScreen(app, match, replays=replays))
    assert debrief.settling and not any(card.ready for card in debrief.cards())
    app.frame(1 / 60)
    assert debrief.settling and not debrief.story.ready  # a frame does a part, not the whole
    frames = 1
    while debrief.settling:
        app.frame(1 / 60)
        frames += 1
    assert frames > 3 and all(card.ready for card in debrief.cards())
    assert debrief.history_box is not None and "HISTORICALLY" in debrief.history_box.html_text
    # again, and Esc before it is ready: back on the board
    app.stack.pop()
    app.stack.push(DebriefScreen(app, match, replays=replays))
    app.frame(1 / 60)
    _press(pygame.K_ESCAPE)
    app.frame(1 / 60)
    assert app.stack.top is board


def test_the_story_scrolls_with_keys_and_wheel(finished):
    from game.ui.screens.debrief import DebriefScreen

    match, replays = finished
    app = App(Settings(), (1280, 720), fixed_size=True)
    debrief = app.stack.reset(DebriefScreen(app, match, replays=replays))
    app.render(1)
    story = debrief.story
    assert story.content_h > story.view_h  # ATACMS's chain is longer than its card
    _press(pygame.K_PAGEDOWN)
    app.frame(1 / 60)
    assert story.scroll > 0
    pygame.mouse.set_pos(story.rect.center)
    wheel_up = pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=50, flipped=False, precise_x=0.0, precise_y=50.0)
    if story.rect.collidepoint(pygame.mouse.get_pos()):  # the dummy driver may not move the mouse
        debrief.handle_event(wheel_up)
        assert story.scroll == 0


def test_text_card_wraps_within_its_width_and_keeps_styles():
    pygame.font.init()
    html_text = "<font pixel_size=14><b>Turn 1</b> <font color='#e8b44c'>" + "word " * 80 + "</font><br>end</font>"
    paragraphs = parse(html_text, 13)
    assert len(paragraphs) == 2 and paragraphs[0][0].style == "bold" and paragraphs[0][0].px == 14
    assert paragraphs[0][-1].colour == (232, 180, 76)
    card = TextCard(html_text, pygame.Rect(0, 0, 300, 200), 13, 10)
    steps = sum(1 for _ in card.steps())
    assert card.ready and steps == len(card.lines) > 2
    assert all(line.get_width() <= card.inner_w for line in card.lines)


def test_help_over_a_debrief_being_built_shows_no_debrief_widget(finished):
    """F1 while the debrief builds: the building waits under the help card and goes on after it."""
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.help import HelpScreen

    match, replays = finished
    app = App(Settings(), (1280, 720), fixed_size=True)
    debrief = app.stack.reset(DebriefScreen(app, match, replays=replays))
    app.frame(1 / 60)
    app.stack.push(HelpScreen(app))
    for _ in range(5):
        app.frame(1 / 60)
    assert debrief.settling and debrief.export_btn is None
    app.stack.pop()
    app.render(1)
    assert not debrief.settling and debrief.export_btn is not None and debrief.export_btn.visible


def test_the_replays_in_steps_give_the_figures_of_one_step(finished):
    """A game plays the same in any step: the figures after every step are those of one run."""
    from game.ui.debrief_data import ReplayRun

    match, _replays = finished
    one = replay_shares(match.session, ("ukraine",), n=60)
    run = ReplayRun(match.session, ("ukraine",), n=60, chunks=(10, 20))
    assert run.latest.n == 0 and not run.latest.ready
    stepped = run.run()
    assert stepped.ready and stepped.n == 60
    assert stepped.student is not None and one.student is not None
    assert stepped.student.tolist() == one.student.tolist() and stepped.ai.tolist() == one.ai.tolist()


def test_see_the_debrief_opens_it_at_once_and_the_bars_fill_in(finished, monkeypatch):
    """Enter on 'See the debrief' showed 'Preparing the debrief' until the 1,000 replays were done
    (seconds under load); now the debrief opens on the next frame, the replays run on the worker in
    steps, and the figures it shows grow to the full count."""
    from game.ui import debrief_data
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.game_screen import GameScreen

    monkeypatch.setattr(debrief_data, "REPLAYS", 40)
    monkeypatch.setattr(debrief_data, "CHUNKS", (10,))
    match, _replays = finished
    app = App(Settings(), (1280, 720), fixed_size=True)
    board = app.stack.reset(GameScreen(app, match))
    app.render(1)
    board.open_debrief()
    debrief = app.stack.top
    assert isinstance(debrief, DebriefScreen) and not app.work.label  # no "Preparing" wait on the board
    seen = set()
    for _ in range(600):
        app.frame(1 / 60)
        seen.add(debrief.replays.n)
        if debrief.replays.ready:
            break
        time.sleep(0.005)
    assert debrief.replays.ready and debrief.replays.n == 40 and app.stack.top is debrief
    assert debrief.state()["replays_ready"]
    assert seen <= {0, 10, 40}
    debrief.exit()
    app.work.wait()


def test_a_text_the_debrief_cut_reads_whole_on_tab_and_hover(finished, monkeypatch):
    """At a small window and the largest text the charts cut texts; Tab reaches each of them and
    shows its whole text (Enter there presses nothing), and so does the mouse over it."""
    from game.ui.scale import LARGEST_TEXT
    from game.ui.screens import debrief as debrief_module
    from game.ui.screens.debrief import DebriefScreen

    shown: list[str] = []
    monkeypatch.setattr(debrief_module, "draw_tooltip", lambda surface, text, scale, at=None: shown.append(text))
    match, replays = finished
    app = App(Settings(text_size=LARGEST_TEXT), (960, 600), fixed_size=True)
    debrief = app.stack.reset(DebriefScreen(app, match, replays=replays))
    app.render(1)
    cut = [t for t in debrief.tips if t != debrief.summary_tip]
    assert cut, "nothing cut at 960x600 with the largest text: the test needs a cut"
    tip = cut[0]
    for _ in range(len(debrief.focus_order())):
        _press(pygame.K_TAB)
        pygame.event.post(pygame.event.Event(pygame.KEYUP, key=pygame.K_TAB, mod=0, unicode="", scancode=0))
        app.frame(1 / 60)
        if debrief.tab_focused() == tip:
            break
    assert debrief.tab_focused() == tip and debrief.ring_rect() == tip.rect
    assert shown and shown[-1] == tip.text
    _press(pygame.K_RETURN)
    app.frame(1 / 60)
    assert app.stack.top is debrief  # Enter on a text: still the debrief
    debrief.tab_index = None
    shown.clear()
    monkeypatch.setattr(pygame.mouse, "get_pos", lambda: tip.rect.center)
    app.frame(1 / 60)
    assert shown and shown[-1] == tip.text


def test_the_summary_line_too_long_for_its_row_ends_in_an_ellipsis_and_reads_whole_on_hover(finished):
    """At 960x600 with the largest text, even without the scenario's title the summary line ran
    210 px past its row, cut with no mark; now it ends in "…" and its tip says it whole."""
    from game.ui.scale import LARGEST_TEXT
    from game.ui.screens.debrief import SCORE_MEANS, DebriefScreen

    match, replays = finished
    app = App(Settings(text_size=LARGEST_TEXT), (960, 600), fixed_size=True)
    debrief = app.stack.reset(DebriefScreen(app, match, replays=replays))
    app.render(1)
    line = debrief.summary_line(0)
    label = next(e for e in debrief.root.elements if getattr(e, "text", "").startswith(line[:20]))
    assert label.text.endswith("\u2026") and label.text != line
    assert label.font.size(label.text)[0] <= label.rect.w
    assert debrief.summary_tip.text == f"{line}. Escalation score: {SCORE_MEANS}."
    assert debrief.summary_tip.rect.topleft == label.rect.topleft
