"""Settings that persist between runs: window size, fullscreen, UI scale, text size, palette,
guided hints.

Stored as JSON in ``$REDLINE_HOME/settings.json`` when ``REDLINE_HOME`` is set, else in
``~/.config/redline/settings.json`` (``$XDG_CONFIG_HOME`` is honoured). Written atomically;
a file that cannot be read is ignored (the defaults are used) and the reason is kept in
``Settings.problem`` for the window to show. Nothing is read or written at import time.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import attrs

from game.files import atomic_write

SETTINGS_FORMAT = "redline-settings/1"
UI_SCALES = (0.9, 1.0, 1.15, 1.3, 1.5)
TEXT_SIZES = {"small": 0.9, "normal": 1.0, "large": 1.15, "larger": 1.3}
PALETTES = ("colorblind", "scenario")
WINDOW_SIZES = ((1280, 720), (1440, 810), (1600, 900), (1920, 1080))


def home_dir() -> Path | None:
    """``$REDLINE_HOME`` as a Path, or None when it is not set."""
    home = os.environ.get("REDLINE_HOME")
    return Path(home).expanduser() if home else None


def config_path() -> Path:
    home = home_dir()
    if home is not None:
        return home / "settings.json"
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "redline" / "settings.json"


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
        if not isinstance(data, dict) or data.get("format") != SETTINGS_FORMAT:
            raise ValueError(f"not a Redline settings file (format {SETTINGS_FORMAT})")
        s = cls()
        for key, kind in (
            ("width", int),
            ("height", int),
            ("fullscreen", bool),
            ("ui_scale", float),
            ("text_size", str),
            ("palette", str),
            ("show_hints", bool),
        ):
            if key not in data:
                continue
            value = data[key]
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
                raise ValueError(f"'{key}' should be {kind.__name__}, found {value!r}")
            setattr(s, key, value)
        if not (640 <= s.width <= 8192 and 400 <= s.height <= 8192):
            raise ValueError(f"window size {s.width}x{s.height} is out of range")
        if not 0.5 <= s.ui_scale <= 3.0:
            raise ValueError(f"ui_scale {s.ui_scale} is out of range [0.5, 3]")
        if s.text_size not in TEXT_SIZES:
            raise ValueError(f"text_size {s.text_size!r} is not one of {', '.join(TEXT_SIZES)}")
        if s.palette not in PALETTES:
            raise ValueError(f"palette {s.palette!r} is not one of {', '.join(PALETTES)}")
        return s


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings, or the defaults (with ``problem`` set) when the file is unusable."""
    path = path or config_path()
    if not path.exists():
        return Settings()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Settings.from_json(data)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        s = Settings()
        s.problem = f"settings file {path} ignored ({exc}); using the defaults"
        return s


def save_settings(settings: Settings, path: Path | None = None) -> Path:
    path = path or config_path()
    with atomic_write(str(path)) as fh:
        json.dump(settings.to_json(), fh, indent=2)
        fh.write("\n")
    return path
