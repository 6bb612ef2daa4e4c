"""A widget's tool tip is drawn whole: the hint's outline, drawn over the widgets, crossed the End
turn tip's words at 1920x1080 (the tutorial's signal hint outlines the row just above End turn)."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

from pathlib import Path  # noqa: E402

import pygame  # noqa: E402

from game.ui import theme  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings  # noqa: E402
from game.ui.tooltip import gui_tooltips  # noqa: E402

TUTORIAL = str(Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml")


def outline_coloured(rgb) -> bool:
    """A colour of the hint's pulsing outline (the accent, lightened up to 35 %)."""
    return any(
        all(abs(c - m) <= 2 for c, m in zip(rgb, theme.mix(theme.ACCENT, (255, 236, 190), t / 20))) for t in range(8)
    )


def test_the_hint_outline_never_crosses_a_tool_tip(tmp_path, monkeypatch):
    from game.ui.screens.game_screen import GameScreen

    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    app = App(Settings(), (1920, 1080), fixed_size=True)
    try:
        match = Match.start(TUTORIAL, ("aldoria",), 1)
        match.autosave = False
        board = app.stack.reset(GameScreen(app, match))
        app.render(2)
        assert board.hint.current().title == "The ladder"
        target = board.hint.target_rect(board.hint.layout()["target"])
        button = board.decision.end_btn
        # a tip standing across the outlined ladder's left edge
        tip = app.manager.create_tool_tip(
            "Every side acts at once; then red lines and chance are resolved",
            (target.left, target.centery),
            (0, 0),
            button,
            None,
        )
        app.manager.update(1 / 60)
        assert gui_tooltips(app.manager) == [pygame.Rect(tip.rect)]
        app.draw()
        inner = pygame.Rect(tip.rect).inflate(-12, -12)  # inside its own accent border
        crossing = [
            (x, y)
            for x in range(inner.left, inner.right)
            for y in range(inner.top, inner.bottom)
            if outline_coloured(app.window.get_at((x, y))[:3])
        ]
        assert crossing == []
        tip.kill()
        app.manager.update(1 / 60)
        assert gui_tooltips(app.manager) == []
    finally:
        pygame.display.quit()
