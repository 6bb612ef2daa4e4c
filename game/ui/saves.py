"""Saves: versioned JSON (never pickle), written atomically; the autosave for crash recovery.

A save is what ``Session.to_save`` gives (seed, game, human seats, decisions, scenario
id and digest) plus a ``ui`` block the title screen reads (title, turn, date, seats,
whether the game is over). Files live in ``$REDLINE_HOME/saves/`` or
``~/.local/share/redline/saves/`` (``$XDG_DATA_HOME`` honoured). ``autosave.json`` is
rewritten after every turn; the title screen offers to resume it while the game is not over.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path

import attrs

from game.engine.session import SAVE_FORMAT
from game.files import atomic_write
from game.ui.settings import home_dir

AUTOSAVE = "autosave.json"
MAX_SAVE_BYTES = 4 * 1024 * 1024


class SaveFileError(Exception):
    """A save file that cannot be read; the message says why in plain words."""


def saves_dir() -> Path:
    home = home_dir()
    if home is not None:
        return home / "saves"
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "redline" / "saves"


def autosave_path() -> Path:
    return saves_dir() / AUTOSAVE


@attrs.frozen
class SaveInfo:
    """What the title screen and the load list show about a save."""

    path: Path
    title: str
    scenario_file: str
    turn: int
    date: str
    seats: tuple[str, ...]
    done: bool
    saved_at: str

    @property
    def label(self) -> str:
        state = "finished" if self.done else f"turn {self.turn}"
        seats = ", ".join(self.seats) or "watching"
        return f"{self.title} \u2014 {seats}, {state} ({self.saved_at})"


def write_save(data: dict, path: Path) -> Path:
    """Write a save atomically (temporary file, fsync, rename)."""
    with atomic_write(str(path)) as fh:
        json.dump(data, fh, indent=1, ensure_ascii=False)
        fh.write("\n")
    return path


def new_save_path(scenario_id: str, when: dt.datetime | None = None) -> Path:
    when = when or dt.datetime.now()
    safe = re.sub(r"[^A-Za-z0-9_-]+", "_", scenario_id) or "game"
    base = saves_dir() / f"{safe}-{when:%Y%m%d-%H%M%S}.json"
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.stem}-{n}.json")
    return path


def read_save(path: Path) -> dict:
    """The parsed save; ``SaveFileError`` with a plain message when it is not a usable save."""
    name = path.name
    try:
        if path.stat().st_size > MAX_SAVE_BYTES:
            raise SaveFileError(f"{name}: too large to be a Redline save")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SaveFileError(f"{name}: the save file is gone") from None
    except OSError as exc:
        raise SaveFileError(f"{name}: cannot read the save ({exc.strerror})") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise SaveFileError(f"{name}: the save is damaged (not valid JSON); your current game goes on") from None
    if not isinstance(data, dict) or data.get("format") != SAVE_FORMAT:
        raise SaveFileError(f"{name}: not a Redline save (expected format {SAVE_FORMAT})")
    if not isinstance(data.get("scenario_file"), str) or not isinstance(data.get("decisions"), list):
        raise SaveFileError(f"{name}: the save is damaged (missing fields)")
    return data


def save_info(path: Path) -> SaveInfo:
    data = read_save(path)
    ui = data.get("ui") if isinstance(data.get("ui"), dict) else {}
    return SaveInfo(
        path,
        str(ui.get("title", data.get("scenario", "?"))),
        data["scenario_file"],
        int(ui.get("turn", len(data["decisions"]) + 1)),
        str(ui.get("date", "")),
        tuple(str(s) for s in ui.get("seat_names", data.get("humans", []))),
        bool(ui.get("done", False)),
        str(ui.get("saved_at", "")),
    )


def list_saves(include_autosave: bool = True) -> list[SaveInfo]:
    """Usable saves, newest first (unreadable files are skipped)."""
    folder = saves_dir()
    if not folder.is_dir():
        return []
    out = []
    for p in folder.glob("*.json"):
        if p.name == AUTOSAVE and not include_autosave:
            continue
        try:
            out.append((p.stat().st_mtime, save_info(p)))
        except (SaveFileError, OSError, ValueError, TypeError):
            continue
    return [info for _t, info in sorted(out, key=lambda x: -x[0])]


def resumable_autosave() -> SaveInfo | None:
    """The autosave of a game that was not finished (after a crash or a quit), or None."""
    p = autosave_path()
    if not p.exists():
        return None
    try:
        info = save_info(p)
    except (SaveFileError, ValueError, TypeError):
        return None
    return None if info.done else info
