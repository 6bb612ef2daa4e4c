"""The board's top bar at the smallest window: the scenario's title ended under "Turn 3 of 13" at
1000x640 (ATACMS), both texts unreadable where they crossed."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402
import pytest  # noqa: E402

from game.ui import theme  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def drawn_columns(image: pygame.Surface) -> tuple[int, int]:
    """The first and last columns of ``image`` where its text is drawn (brighter than the bar)."""
    cols = [
        x
        for x in range(image.get_width())
        if any(sum(image.get_at((x, y))[:3]) > 250 for y in range(image.get_height()))
    ]
    return cols[0], cols[-1]


@pytest.mark.parametrize("size,text", [((960, 600), "normal"), ((1000, 640), "normal"), ((1280, 720), "larger")])
def test_the_title_ends_before_the_turn_line(size, text, tmp_path, monkeypatch):
    from game.ui.screens.game_screen import GameScreen

    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    app = App(Settings(text_size=text), size, fixed_size=True)
    try:
        match = Match.start(str(SCENARIOS / "atacms_2024.yaml"), ("ukraine",), 1)
        match.autosave = False
        board = app.stack.reset(GameScreen(app, match))
        app.render(2)
        top = board.top
        title_right = top.title_label.rect.left + theme.font(app.font_px(14)).size(top.title_label.text)[0]
        status_left = top.status_label.rect.left + drawn_columns(top.status_label.image)[0]
        assert title_right < status_left
        left, right = drawn_columns(top.status_label.image)
        assert abs(left - (top.status_label.rect.w - 1 - right)) <= 3  # centred under the date
        assert top.title_label.text.endswith("\u2026")  # cut, with its whole text on hover
    finally:
        pygame.display.quit()
