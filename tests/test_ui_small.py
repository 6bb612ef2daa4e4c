"""Small things people met: a new game opens in the student's view, and a screenshot says
where it was written."""

import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from game.ui.app import App  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = str(ROOT / "scenarios" / "tutorial.yaml")


def test_a_new_game_turns_the_instructor_view_off(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    app = App(Settings(), (1280, 720), fixed_size=True)
    app.start_match(Match.start(TUTORIAL, ("aldoria",), 1), briefing=False)
    app.instructor = True  # F2 in the first game
    app.start_match(Match.start(TUTORIAL, ("aldoria",), 2), briefing=False)
    assert app.instructor is False


def test_play_screenshot_prints_the_path_it_wrote(tmp_path):
    out = tmp_path / "shots" / "board.png"
    env = dict(os.environ, REDLINE_HOME=str(tmp_path), SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    p = subprocess.run(
        [sys.executable, "main.py", "play", TUTORIAL, "--actor", "aldoria", "--seed", "3"]
        + ["--screenshot", str(out), "--after-turns", "1"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert out.is_file() and f"wrote {out}" in p.stdout


def test_the_instructor_view_does_not_cover_the_map(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    app = App(Settings(), (1280, 720), fixed_size=True)
    app.start_match(Match.start(str(ROOT / "scenarios" / "atacms_2024.yaml"), ("ukraine",), 1), briefing=False)
    board = app.stack.top
    full_map = board.rects["map"].copy()
    board.toggle_instructor()
    app.render(1)
    box, map_rect = board.instructor.box.rect, board.rects["map"]
    assert not box.colliderect(map_rect) and full_map.contains(map_rect) and map_rect.w >= full_map.w // 2
    board.toggle_instructor()
    app.render(1)
    assert board.instructor.box is None and board.rects["map"] == full_map
