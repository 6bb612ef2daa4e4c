"""Every word readable: no text wider than its box, no cut without an ellipsis, at any size.

Every screen (title, briefing, board, board with the instructor view, each overlay, hot-seat
handover, the finished board, debrief) of every shipped scenario is rendered at 1280x720 and
1920x1080, with Normal and with the largest text setting (SDL dummy driver). Two recorders see
the text:

- every visible pygame_gui label and button: its text, measured with its own font, must fit
  inside the element, across and down (a label or button cuts what does not fit without an
  ellipsis); every text box shows at least its first line whole (it scrolls the rest);
- every text the map draws with a halo (its scale bar, site and region names) lies inside the
  part of the window the map draws on;
- every cut the views make (``ladder_view._fit``, which the board, title and charts use, and the
  debrief's strategy card's own): the cut text must fit its width and keep some of the words (not
  cut down to a lone ellipsis); on a screen that lists the texts it drew cut (``tips``: the
  debrief's charts and cards), each cut's full text must be among them (shown on hover and on
  Tab focus).

A failure names the screen, the scenario, the size, the text and both widths.
"""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import attrs  # noqa: E402
import pygame  # noqa: E402
import pytest  # noqa: E402
from pygame_gui.elements import UIButton, UILabel, UITextBox  # noqa: E402

from game.ui import ladder_view, map_view  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.panels import explore_panel  # noqa: E402
from game.ui.scale import LARGEST_TEXT  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
CONFIGS = (((1280, 720), "normal"), ((1920, 1080), "normal"), ((1280, 720), LARGEST_TEXT), ((1920, 1080), LARGEST_TEXT))
ELLIPSIS = "\u2026"
MIN_KEPT = 3  # a cut keeps at least this many characters of the text (or the whole text)
BUTTON_PAD = 2  # pixels a button needs beside its text (its border, one pixel a side)


@attrs.frozen
class Misfit:
    """One text that does not fit its box."""

    where: str
    text: str
    width: int
    box: int
    why: str

    def __str__(self) -> str:
        return f"{self.where}: {self.why}: {self.text!r} needs {self.width} px in a box of {self.box} px"


class FitRecorder:
    """Records the cuts ``ladder_view._fit`` makes (its uncached half, so the cache is cleared first)
    and those of the debrief's strategy card."""

    def __init__(self, monkeypatch):
        self.cuts: list[tuple[pygame.font.Font, str, int, str]] = []

        def recorder(original):
            def recording(font, text, width):
                out = original(font, text, width)
                self.cuts.append((font, text, width, out))
                return out

            return recording

        ladder_view._FIT_CACHE.clear()
        monkeypatch.setattr(ladder_view, "_fit_uncached", recorder(ladder_view._fit_uncached))
        monkeypatch.setattr(explore_panel, "_fit", recorder(explore_panel._fit))

    def misfits(self, where: str, tips: list[str] | None = None) -> list[Misfit]:
        """The cuts too wide or too short; with ``tips`` (the full texts the screen shows on hover),
        the cuts whose full text is not among them."""
        out = []
        for font, text, width, cut in self.cuts:
            w = font.size(cut)[0]
            if w > width:
                out.append(Misfit(where, cut, w, width, "cut text still too wide"))
            elif cut != text and len(cut.rstrip(ELLIPSIS)) < min(MIN_KEPT, len(text)):
                out.append(Misfit(where, text, font.size(text)[0], width, f"cut to {cut!r}"))
            elif cut != text and tips is not None and not any(text in tip for tip in tips):
                out.append(Misfit(where, text, font.size(text)[0], width, "cut with no way to read it whole"))
        self.cuts.clear()
        ladder_view._FIT_CACHE.clear()
        return out


def drawn_tips(app: App) -> list[str] | None:
    """The full texts the visible screens give for what they drew cut (None: no screen lists them)."""
    screens = [s for s in app.stack.visible() if hasattr(s, "tips")]
    return [t.text for s in screens for t in s.tips] if screens else None


class DrawnTextRecorder:
    """Records the texts the map draws with a halo and the clip they were drawn in."""

    def __init__(self, monkeypatch):
        self.drawn: list[tuple[str, pygame.Rect, pygame.Rect]] = []
        original = map_view.text_with_halo

        def recording(surface, text, font, colour, pos, anchor="center"):
            rect = original(surface, text, font, colour, pos, anchor)
            self.drawn.append((text, pygame.Rect(rect), surface.get_clip()))
            return rect

        monkeypatch.setattr(map_view, "text_with_halo", recording)

    def misfits(self, where: str) -> list[Misfit]:
        out = [
            Misfit(where, text, rect.w, clip.clip(rect).w, f"drawn text cut by the map's edge at {tuple(rect)}")
            for text, rect, clip in self.drawn
            if not clip.contains(rect)
        ]
        self.drawn.clear()
        return out


def hover_texts(app: App) -> set[int]:
    """Ids of the elements whose full text the board shows on hover (its ``reason_tips``, on the
    screen or on one of its panels), besides pygame_gui's own tool tips."""
    found: set[int] = set()
    for screen in app.stack.screens:
        for obj in (screen, *vars(screen).values()):
            for el, _text in getattr(obj, "reason_tips", None) or ():
                found.add(id(el))
    return found


def text_box_misfit(box: UITextBox, where: str) -> Misfit | None:
    """A text box too short to show its first line whole (it scrolls what follows, not a line's top)."""
    layout = getattr(box, "text_box_layout", None)
    rows = getattr(layout, "layout_rows", None) if layout is not None else None
    if not rows:
        return None
    inner = box.text_wrap_rect.h  # inside the border, the shadow and the padding
    if inner < 0:  # a box as tall as its text (height -1) shows all of it
        return None
    # the first line's fonts (a row squeezed into a box too short reports the box's height)
    first = max((item.font.size(" ")[1] for item in rows[0].items if getattr(item, "font", None)), default=0)
    if first > inner:
        return Misfit(where, box.html_text[:60], first, inner, "UITextBox cuts its first line (height)")
    return None


def widget_misfits(app: App, where: str) -> list[Misfit]:
    """Visible labels and buttons whose text is wider or taller than the element (drawn cut, no
    ellipsis), or cut with an ellipsis and no way to read the whole text; text boxes whose first line
    is cut."""
    out = []
    hovered = hover_texts(app)
    for el in app.manager.get_sprite_group().sprites():
        if isinstance(el, UITextBox) and el.visible and el.alive():
            misfit = text_box_misfit(el, where)
            out += [misfit] if misfit is not None else []
            continue
        if not isinstance(el, (UILabel, UIButton)) or not el.visible or not el.alive() or not el.text:
            continue
        font = getattr(el, "font", None)
        if font is None:
            continue
        w, h = font.size(el.text)
        pad = BUTTON_PAD if isinstance(el, UIButton) else 0
        if w > el.rect.w - pad:
            out.append(Misfit(where, el.text, w, el.rect.w - pad, f"{type(el).__name__} cuts it"))
        elif h > el.rect.h - pad:
            out.append(Misfit(where, el.text, h, el.rect.h - pad, f"{type(el).__name__} cuts it (height)"))
        elif el.text.endswith(ELLIPSIS) and not getattr(el, "tool_tip_text", None) and id(el) not in hovered:
            out.append(Misfit(where, el.text, w, el.rect.w - pad, f"{type(el).__name__} cut without a tooltip"))
    return out


def banner_misfits(app: App, where: str) -> list[Misfit]:
    """The board's outcome banner: inside the map, every line within the banner, and the outcome
    named whole unless a line is cut with an ellipsis (at 960x600 one line ran past the map)."""
    from game.ui.screens.game_screen import GameScreen

    out = []
    for screen in app.stack.visible():
        if not isinstance(screen, GameScreen):
            continue
        area = screen.rects["map"]
        banner = screen.outcome_banner(area)
        if banner is None:
            continue
        font, box, lines = banner
        if box.left < area.left or box.right > area.right:
            out.append(Misfit(where, " ".join(lines), box.w, area.w, "outcome banner wider than the map"))
        for line in lines:
            if font.size(line)[0] > box.w:
                out.append(Misfit(where, line, font.size(line)[0], box.w, "outcome banner cuts a line"))
        name = f"Outcome: {screen.match.session.outcome.name}"
        if " ".join(lines) != name and not any(line.endswith(ELLIPSIS) for line in lines):
            out.append(Misfit(where, name, font.size(name)[0], box.w, f"outcome banner shows {lines!r}"))
    return out


def _states(app: App, path: Path):
    """(name, set-up) for every screen of one scenario, in an order that reuses the game."""
    from game.ui.screens.briefing import BriefingScreen
    from game.ui.screens.debrief import DebriefScreen
    from game.ui.screens.game_screen import GameScreen
    from game.ui.screens.handover import HandoverScreen
    from game.ui.screens.help import HelpScreen
    from game.ui.screens.pause import LoadDialog, PauseMenu
    from game.ui.screens.settings_screen import SettingsScreen
    from game.ui.screens.title import TitleScreen

    probe = Match.start(str(path), (), 3)
    seats = tuple(a.id for a in probe.scenario.actors if a.playable)[:2] or (probe.scenario.actors[0].id,)
    match = Match.start(str(path), seats[:1], 3)
    match.autosave = False
    board = GameScreen(app, match)

    def instructor(on: bool):
        app.instructor = on
        board.relayout()

    yield "title", lambda: app.stack.reset(TitleScreen(app, preselect=str(path)))
    yield "briefing", lambda: (app.stack.reset(board), app.stack.push(BriefingScreen(app, match)))
    yield "board", lambda: app.stack.pop()
    yield "board, instructor view", lambda: instructor(True)
    for name, make in (
        ("help", lambda: HelpScreen(app)),
        ("pause menu", lambda: PauseMenu(app, board)),
        ("settings", lambda: SettingsScreen(app)),
        ("load dialog", lambda: LoadDialog(app)),
    ):
        yield name, lambda make=make: (instructor(False), app.stack.push(make()))
        app.stack.pop()
    yield "handover", lambda: app.stack.push(HandoverScreen(app, match, seats[-1]))
    app.stack.pop()

    def finish():
        match.session.run_ai_to_end()
        board.relayout()

    yield "finished board", finish
    yield "debrief", lambda: app.stack.push(DebriefScreen(app, match))


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))


@pytest.mark.parametrize("size,text_size", CONFIGS, ids=lambda c: f"{c[0]}x{c[1]}" if isinstance(c, tuple) else c)
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_text_fits(path, size, text_size, monkeypatch):
    recorder = FitRecorder(monkeypatch)
    drawn = DrawnTextRecorder(monkeypatch)
    settings = Settings(width=size[0], height=size[1], text_size=text_size)
    app = App(settings, size, fixed_size=True)
    misfits: list[Misfit] = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # pygame_gui's own "too small" warnings: we measure
            for name, set_up in _states(app, path):
                set_up()
                app.render(2)
                where = f"{name}, {path.stem}, {size[0]}x{size[1]}, text {text_size}"
                misfits += widget_misfits(app, where) + recorder.misfits(where, drawn_tips(app)) + drawn.misfits(where)
                misfits += banner_misfits(app, where)
    finally:
        pygame.display.quit()
    unique = list(dict.fromkeys(str(m) for m in misfits))
    assert not unique, f"{len(unique)} texts do not fit:\n" + "\n".join(unique)


@pytest.mark.parametrize("text_size", ("normal", LARGEST_TEXT))
@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_the_outcome_banner_fits_the_smallest_window(path, text_size, monkeypatch):
    """At 960x600 the board's outcome banner ran past the map with no ellipsis: the board of a game
    that ended on the scenario's longest-named outcome, at the smallest window."""
    from game.ui.screens.game_screen import GameScreen

    recorder = FitRecorder(monkeypatch)
    app = App(Settings(width=960, height=600, text_size=text_size), (960, 600), fixed_size=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            match = Match.start(str(path), (), 3)
            match.autosave = False
            match.session.run_ai_to_end()
            outcomes = match.scenario.outcomes
            match.session.batch.outcome[0] = max(range(len(outcomes)), key=lambda i: len(outcomes[i].name))
            app.stack.reset(GameScreen(app, match))
            app.render(2)
            where = f"finished board, {path.stem}, 960x600, text {text_size}"
            found = banner_misfits(app, where) + recorder.misfits(where)
            assert app.stack.top.outcome_banner(app.stack.top.rects["map"]) is not None
    finally:
        pygame.display.quit()
    assert not found, "\n".join(map(str, found))


def test_the_recorders_see_a_cut_and_an_overflow(monkeypatch):
    """The checks above can fail: a label too narrow, a button and a text box too short, a cut to
    nothing and a map text past the map's edge are all reported."""
    recorder = FitRecorder(monkeypatch)
    drawn = DrawnTextRecorder(monkeypatch)
    app = App(Settings(), (1280, 720), fixed_size=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            UILabel(pygame.Rect(0, 0, 40, 30), "a label far too long for its box", app.manager)
            UIButton(pygame.Rect(0, 40, 300, 9), "a button too short", app.manager)
            UITextBox("a text box too short for one line", pygame.Rect(0, 60, 300, 16), app.manager)
            app.render(1)
            font = pygame.font.Font(None, 20)
            ladder_view._fit(font, "Nuclear threats made in public", 12)
            app.window.set_clip(pygame.Rect(0, 0, 100, 100))
            map_view.text_with_halo(app.window, "100 km (invented map)", font, (255, 255, 255), (95, 50))
            app.window.set_clip(None)
            found = widget_misfits(app, "probe") + recorder.misfits("probe") + drawn.misfits("probe")
    finally:
        pygame.display.quit()
    whys = {m.why for m in found}
    assert "UILabel cuts it" in whys
    assert "UIButton cuts it (height)" in whys
    assert "UITextBox cuts its first line (height)" in whys
    assert any(w.startswith("drawn text cut by the map's edge") for w in whys)
    assert any(w.startswith("cut to") for w in whys)


def test_a_label_grows_around_its_centre_to_its_text():
    """The window's labels (game.ui.widgets.Label) are never shorter than their text at Larger text."""
    from game.ui.widgets import Label

    app = App(Settings(text_size=LARGEST_TEXT), (1920, 1080), fixed_size=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            label = Label(pygame.Rect(10, 100, 400, 12), "5 May 2031", app.manager)
            need = label.font.size("5 May 2031")[1]
            assert label.rect.h == need > 12 and abs(label.rect.centery - 106) <= 1
            label.set_text("Turn 2 of 14")
            assert label.rect.h >= label.font.size("Turn 2 of 14")[1]
    finally:
        pygame.display.quit()


def test_a_cut_without_its_full_text_is_reported(monkeypatch):
    """The debrief cut a long outcome name in its bars with nothing to read it whole: a chart gives
    each text it cuts back as a tip, and a cut missing from the screen's tips is reported."""
    from game.ui import charts

    pygame.font.init()
    surface = pygame.Surface((400, 200))
    long = "Settlement: missiles out, no invasion, Jupiters out in secret"
    for tips, expect in (([], True), (None, False)):
        recorder = FitRecorder(monkeypatch)
        drawn: list[charts.Tip] = []
        charts.paired_bars(
            surface, pygame.Rect(0, 0, 400, 200), [long, "War"], [0.5, 0.5], [0.3, 0.7], "a", "b", tips=drawn
        )
        assert [t.text for t in drawn] == [long]
        given = tips if tips is not None else [t.text for t in drawn]
        found = [m for m in recorder.misfits("probe", given) if m.why == "cut with no way to read it whole"]
        assert bool(found) == expect and (not found or found[0].text == long)
