"""F12 saves the window in the user's pictures folder (or $REDLINE_HOME/screenshots, or the data
folder) and the window says where."""

import os

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"

import platformdirs  # noqa: E402
import pygame  # noqa: E402

from game.ui import settings  # noqa: E402
from game.ui.app import App  # noqa: E402
from game.ui.settings import Settings  # noqa: E402


def press_f12(app: App) -> None:
    app.frame(1 / 60)
    pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F12, mod=0, unicode="", scancode=0))
    app.frame(1 / 60)


def test_f12_saves_in_the_pictures_folder_and_says_where(tmp_path, monkeypatch):
    from game.ui.screens.title import TitleScreen

    monkeypatch.delenv("REDLINE_HOME", raising=False)
    monkeypatch.setattr(platformdirs, "user_pictures_dir", lambda: str(tmp_path / "Pictures"))
    monkeypatch.setattr(platformdirs, "user_config_dir", lambda *a, **k: str(tmp_path / "config"))
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "data"))
    (tmp_path / "Pictures").mkdir()
    app = App(Settings(), (1280, 720), fixed_size=True)
    try:
        app.stack.reset(TitleScreen(app))
        press_f12(app)
        shots = list((tmp_path / "Pictures" / "Redline").glob("redline-title-*.png"))
        assert len(shots) == 1
        assert any(str(tmp_path / "Pictures" / "Redline") in text and shots[0].name in text for text, *_ in app.toasts)
    finally:
        pygame.display.quit()


def test_without_a_pictures_folder_the_data_folder_is_used(tmp_path, monkeypatch):
    monkeypatch.delenv("REDLINE_HOME", raising=False)
    monkeypatch.setattr(platformdirs, "user_pictures_dir", lambda: str(tmp_path / "none"))
    monkeypatch.setattr(platformdirs, "user_data_dir", lambda *a, **k: str(tmp_path / "data"))
    assert settings.screenshots_dir() == tmp_path / "data" / "screenshots"
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path / "home"))
    assert settings.screenshots_dir() == tmp_path / "home" / "screenshots"
