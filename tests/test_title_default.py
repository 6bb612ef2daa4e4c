"""The title screen a first-time player meets preselects the tutorial (the five ideas come first)."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pytest  # noqa: E402

from game.ui.app import App  # noqa: E402
from game.ui.settings import Settings  # noqa: E402


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    return tmp_path


def test_first_time_player_sees_the_tutorial_selected():
    from game.ui.screens.title import TitleScreen

    app = App(Settings(), (1280, 720), fixed_size=True)
    title = app.stack.reset(TitleScreen(app))
    assert title.entries[title.index].stem == "tutorial"
