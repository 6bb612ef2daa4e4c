"""Settings that persist between runs: window size, fullscreen, UI scale, text size, palette,
guided hints.

Stored as JSON in ``$REDLINE_HOME/settings.json`` when ``REDLINE_HOME`` is set, else in the
user config folder (``platformdirs.user_config_dir("redline")``: ``$XDG_CONFIG_HOME/redline`` on
Linux). Written atomically. The file is data, not trusted: read only as a regular file under a
size cap, parsed with a nesting limit, checked against ``SettingsFile``; a file that cannot be used
is ignored (the defaults are used) and the one-line reason is kept in ``Settings.problem`` for
the window to show. Nothing is read or written at import time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import ClassVar

import attrs
import platformdirs

from game.datafile import BadValue, DataFileError, in_range, load_json_file, one_of, structure
from game.files import atomic_write, remove_stale_temporaries

SETTINGS_FORMAT = "redline-settings/1"
UI_SCALES = (0.9, 1.0, 1.15, 1.3, 1.5)
TEXT_SIZES = {"small": 0.9, "normal": 1.0, "large": 1.15, "larger": 1.3}
PALETTES = ("colorblind", "scenario")
WINDOW_SIZES = ((1280, 720), (1440, 810), (1600, 900), (1920, 1080))
MAX_SETTINGS_BYTES = 64 * 1024


def home_dir() -> Path | None:
    """``$REDLINE_HOME`` as a Path, or None when it is not set."""
    home = os.environ.get("REDLINE_HOME")
    return Path(home).expanduser() if home else None


def screenshots_dir() -> Path:
    """Where F12 saves: ``$REDLINE_HOME/screenshots``, else the user's pictures folder (``Redline`` in
    it) where the system has one, else the user data folder."""
    home = home_dir()
    if home is not None:
        return home / "screenshots"
    pictures = Path(platformdirs.user_pictures_dir())
    if pictures.is_dir():
        return pictures / "Redline"
    return Path(platformdirs.user_data_dir("redline", appauthor=False)) / "screenshots"


def config_path() -> Path:
    home = home_dir()
    if home is not None:
        return home / "settings.json"
    return Path(platformdirs.user_config_dir("redline", appauthor=False)) / "settings.json"


@attrs.frozen
class SettingsFile:
    """The schema of ``settings.json``: each field optional, typed and in range."""

    FORMAT: ClassVar[str] = SETTINGS_FORMAT
    format: str
    width: int = attrs.field(default=1280, validator=in_range(640, 8192))
    height: int = attrs.field(default=720, validator=in_range(400, 8192))
    fullscreen: bool = False
    # the scales the settings screen offers: past 1.5 the board does not fit the smallest window
    ui_scale: float = attrs.field(default=1.0, validator=in_range(min(UI_SCALES), max(UI_SCALES)))
    text_size: str = attrs.field(default="normal", validator=one_of(TEXT_SIZES))
    palette: str = attrs.field(default="colorblind", validator=one_of(PALETTES))
    show_hints: bool = True


@attrs.define
class Settings:
    """What the player chose; every field has a safe default."""

    width: int = 1280
    height: int = 720
    fullscreen: bool = False
    ui_scale: float = 1.0
    text_size: str = "normal"
    palette: str = "colorblind"
    show_hints: bool = True
    problem: str = attrs.field(default="", eq=False)  # why the file was ignored, if it was

    @property
    def size(self) -> tuple[int, int]:
        return self.width, self.height

    @property
    def font_scale(self) -> float:
        return self.ui_scale * TEXT_SIZES.get(self.text_size, 1.0)

    def to_json(self) -> dict:
        return {
            "format": SETTINGS_FORMAT,
            "width": self.width,
            "height": self.height,
            "fullscreen": self.fullscreen,
            "ui_scale": self.ui_scale,
            "text_size": self.text_size,
            "palette": self.palette,
            "show_hints": self.show_hints,
        }

    @classmethod
    def from_json(cls, data) -> Settings:
        """Settings from parsed JSON; raises ValueError naming the first bad field."""
        try:
            f = structure(data, SettingsFile, "a Redline settings file")
        except DataFileError as exc:
            raise BadValue(str(exc)) from None
        return cls(f.width, f.height, f.fullscreen, f.ui_scale, f.text_size, f.palette, f.show_hints)


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings, or the defaults (with ``problem`` set) when the file is unusable."""
    path = path or config_path()
    if path.parent.is_dir():
        remove_stale_temporaries(path.parent)  # a write killed half-way left one
    if not os.path.lexists(path):
        return Settings()
    try:
        f = load_json_file(path, SettingsFile, "a Redline settings file", MAX_SETTINGS_BYTES)
    except DataFileError as exc:
        s = Settings()
        s.problem = f"settings file {path} ignored ({exc}); using the defaults"
        return s
    return Settings(f.width, f.height, f.fullscreen, f.ui_scale, f.text_size, f.palette, f.show_hints)


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    path = path or config_path()
    with atomic_write(str(path)) as fh:
        json.dump(settings.to_json(), fh, indent=2)
        fh.write("\n")
    return path
