"""Saves: versioned JSON (never pickle), written atomically; the autosave for crash recovery.

A save is what ``Session.to_save`` gives (seed, game, human seats, decisions, scenario
id and digest) plus a ``ui`` block the title screen reads (title, turn, date, seats,
whether the game is over, the hot-seat choices already made this turn). Files live in
``$REDLINE_HOME/saves/`` or the user data folder (``platformdirs.user_data_dir("redline")``:
``$XDG_DATA_HOME/redline/saves`` on Linux). ``autosave.json`` is rewritten after every decision;
the title screen offers to resume it while the game is not over.

A save is data, not trusted: it is read only as a regular file under a size cap, parsed
with a nesting limit, checked field by field against ``SaveFile``, and on load every decision
is replayed through the engine's own legality check (``Session.options``), so a crafted file
cannot make a seat take another actor's action or one its rules forbid.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import ClassVar

import attrs
import platformdirs

from game.datafile import DataFileError, in_range, load_json_file, structure
from game.decisions import MAX_SEED, MAX_TURNS, SavedDecision, check_decision, replay_decisions
from game.engine.session import SAVE_FORMAT, SaveError, Session, scenario_digest
from game.files import atomic_write, remove_stale_temporaries
from game.ui.settings import home_dir

AUTOSAVE = "autosave.json"
MAX_SAVE_BYTES = 4 * 1024 * 1024


class SaveFileError(Exception):
    """A save file that cannot be read; the message says why in plain words."""


@attrs.frozen
class PendingChoice:
    """A hot-seat choice made this turn before every seat had chosen."""

    instance: int
    signal: int | None = None


@attrs.frozen
class SaveUI:
    """What the title screen and the load list show, and how to find the scenario again."""

    title: str = ""
    scenario_abs: str = ""
    turn: int = attrs.field(default=1, validator=in_range(0, MAX_TURNS))
    date: str = ""
    seat_names: tuple[str, ...] = ()
    done: bool = False
    saved_at: str = ""
    sets: dict[str, float] = attrs.field(factory=dict)
    pending: dict[str, PendingChoice] = attrs.field(factory=dict)


@attrs.frozen
class SaveFile:
    """The schema of a save (``redline-save/1``); unknown keys are ignored."""

    FORMAT: ClassVar[str] = SAVE_FORMAT
    format: str
    scenario: str
    scenario_file: str
    seed: int = attrs.field(validator=in_range(0, MAX_SEED))
    game: int = attrs.field(validator=in_range(0, MAX_SEED))
    humans: tuple[str, ...]
    decisions: tuple[SavedDecision, ...] = attrs.field(validator=attrs.validators.max_len(MAX_TURNS))
    scenario_sha: str | None = None
    ui: SaveUI = attrs.field(factory=SaveUI)


def saves_dir() -> Path:
    home = home_dir()
    if home is not None:
        return home / "saves"
    return Path(platformdirs.user_data_dir("redline", appauthor=False)) / "saves"


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


@attrs.frozen
class UnreadableSave:
    """A file in the saves folder that is not a usable save, and why (the load list shows it)."""

    path: Path
    reason: str

    @property
    def label(self) -> str:
        return f"{self.path.name}: unreadable ({self.reason})"


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


def read_save_file(path: Path) -> SaveFile:
    """The checked save; ``SaveFileError`` (``name: why``) when it is not a usable save."""
    try:
        return load_json_file(path, SaveFile, "a Redline save", MAX_SAVE_BYTES)
    except DataFileError as exc:
        why = str(exc)
        if why == "the file is gone":
            raise SaveFileError(f"{path.name}: the save file is gone") from None
        if why.startswith("not a Redline save"):
            raise SaveFileError(f"{path.name}: {why}") from None
        raise SaveFileError(f"{path.name}: the save is damaged ({why}); your current game goes on") from None


def read_save(path: Path) -> dict:
    """The save as checked JSON (every field of ``SaveFile`` has its type and range)."""
    return attrs.asdict(read_save_file(path))


def save_info(path: Path) -> SaveInfo:
    save = read_save_file(path)
    ui = save.ui
    return SaveInfo(
        path,
        ui.title or save.scenario,
        save.scenario_file,
        ui.turn,
        ui.date,
        ui.seat_names or save.humans,
        ui.done,
        ui.saved_at,
    )


def replay_save(rules, data: dict, source: bytes | None = None) -> Session:
    """The saved game rebuilt on ``rules`` by replaying its decisions, each one first checked
    against what the engine allows that seat at that turn; ``SaveError`` names the turn and why."""
    try:
        save = structure(data, SaveFile, "a Redline save")
    except DataFileError as exc:
        raise SaveError(f"the save is damaged ({exc})") from None
    if save.scenario != rules.scenario.meta.id:
        raise SaveError(f"this save is for scenario '{save.scenario}', not '{rules.scenario.meta.id}'")
    try:
        s = replay_decisions(rules, save.seed, save.game, save.humans, save.decisions)
    except SaveError as exc:
        raise SaveError(f"the save cannot be replayed: {exc}") from None
    if source is not None and save.scenario_sha not in (None, scenario_digest(source)):
        s.warning = "the scenario file changed since this game was saved; the game was replayed on the new version"
    return s


def _save_files() -> list[Path]:
    folder = saves_dir()
    if not folder.is_dir():
        return []
    remove_stale_temporaries(folder)
    return sorted(folder.glob("*.json"))


def list_saves(include_autosave: bool = True) -> list[SaveInfo]:
    """Usable saves, newest first (``unreadable_saves`` lists the others)."""
    out = []
    for p in _save_files():
        if p.name == AUTOSAVE and not include_autosave:
            continue
        try:
            out.append((p.stat().st_mtime, save_info(p)))
        except (SaveFileError, OSError):
            continue
    return [info for _t, info in sorted(out, key=lambda x: -x[0])]


def unreadable_saves() -> list[UnreadableSave]:
    """The ``*.json`` files in the saves folder that are not usable saves, with the reason."""
    out = []
    for p in _save_files():
        try:
            save_info(p)
        except SaveFileError as exc:
            out.append(UnreadableSave(p, str(exc).removeprefix(f"{p.name}: ")))
    return out


def resumable_autosave() -> SaveInfo | None:
    """The autosave of a game that was not finished (after a crash or a quit), or None."""
    p = autosave_path()
    if p.parent.is_dir():
        remove_stale_temporaries(p.parent)
    if not p.exists():
        return None
    try:
        info = save_info(p)
    except SaveFileError:
        return None
    return None if info.done else info


def pending_choices(session: Session, data: dict) -> dict[str, tuple[int, int | None]]:
    """The hot-seat choices saved mid-turn (``ui.pending``), each checked like a decision."""
    pending = data.get("ui", {}).get("pending", {})
    if not pending:
        return {}
    d = SavedDecision(
        max(session.turn, 1),
        {a: p["instance"] for a, p in pending.items()},
        {a: p["signal"] for a, p in pending.items()},
    )
    if session.done:
        raise SaveError("the save has choices for a turn after the game ended")
    check_decision(session, d)
    return {a: (p["instance"], p["signal"]) for a, p in pending.items()}
