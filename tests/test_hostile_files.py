"""Files Redline reads that a user, a student or a crash can hand it (issue 17): saves,
settings, game logs, sweep chunks. Each is data to validate; a bad one gives one line
that says why, and the game or the command goes on. ``tests/hostile/`` runs the whole
corpus under a memory and time limit."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import json  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from game.datafile import DataFileError, parse_json, read_regular_file  # noqa: E402
from game.engine.session import SaveError  # noqa: E402
from game.files import TMP  # noqa: E402
from game.ui import saves  # noqa: E402
from game.ui.match import Match  # noqa: E402
from game.ui.settings import Settings, config_path, load_settings  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = str(ROOT / "scenarios" / "tutorial.yaml")
ATACMS = str(ROOT / "scenarios" / "atacms_2024.yaml")


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path))
    (tmp_path / "saves").mkdir()
    return tmp_path


def _save_of(path: str, seat: str, turns: int = 1) -> dict:
    m = Match.start(path, (seat,), 7)
    for _ in range(turns):
        m.choose(seat, next(o for o in m.session.options(seat) if o.legal).instance, None)
    return m.to_save()


# ---------------------------------------------------------------- where files live


def test_user_files_follow_xdg_on_linux(tmp_path, monkeypatch):
    monkeypatch.delenv("REDLINE_HOME", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    assert saves.autosave_path() == tmp_path / "data" / "redline" / "saves" / "autosave.json"
    assert config_path() == tmp_path / "config" / "redline" / "settings.json"


# ---------------------------------------------------------------- reading untrusted files


def test_json_nested_200k_deep_is_refused_without_recursion():
    with pytest.raises(DataFileError, match="nested 200000 levels deep"):
        parse_json(b"[" * 200_000 + b"]" * 200_000)


@pytest.mark.parametrize(
    "raw,message",
    [
        (b'{"turn": 1e400}', "1e400 is too large"),
        (b'{"turn": NaN}', "NaN is not a number"),
        (b'{"turn": -Infinity}', "-Infinity is not a number"),
        (b'{"seed": ' + b"9" * 4000 + b"}", "has 4000 digits"),
        (b'{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[\\"["}', None),
    ],
    ids=["1e400", "nan", "-inf", "4000-digits", "brackets-in-a-string"],
)
def test_json_numbers_and_brackets_in_strings(raw, message):
    if message is None:
        assert parse_json(raw)["a"].startswith("[[[")
    else:
        with pytest.raises(DataFileError, match=message):
            parse_json(raw)


def test_fifo_and_device_are_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "pipe.json")
    os.symlink("/dev/zero", tmp_path / "zero.json")
    t0 = time.monotonic()
    with pytest.raises(DataFileError, match="not a regular file \\(a pipe\\)"):
        read_regular_file(tmp_path / "pipe.json", 1000)
    with pytest.raises(DataFileError, match="not a regular file \\(a device\\)"):
        read_regular_file(tmp_path / "zero.json", 1000)
    assert time.monotonic() - t0 < 5  # a blocking open would never return


# ---------------------------------------------------------------- saves


def test_autosave_nested_200k_deep_does_not_stop_the_game(home):
    saves.autosave_path().write_bytes(b"[" * 200_000)
    assert saves.resumable_autosave() is None
    assert saves.list_saves() == []
    (bad,) = saves.unreadable_saves()
    assert bad.path.name == "autosave.json" and "too large" in bad.reason or "nested" in bad.reason


def test_autosave_with_turn_1e400_does_not_stop_the_game(home):
    data = _save_of(TUTORIAL, "aldoria")
    text = json.dumps(data).replace('"turn": 2,', '"turn": 1e400,', 1)
    assert "1e400" in text
    saves.autosave_path().write_text(text)
    assert saves.resumable_autosave() is None
    (bad,) = saves.unreadable_saves()
    assert (
        bad.label
        == "autosave.json: unreadable (the save is damaged (the number 1e400 is too large); your current game goes on)"
    )


@pytest.mark.parametrize(
    "change,message",
    [
        (lambda d: d.update(seed="7"), 'seed: expected a whole number, found "7"'),
        (lambda d: d.update(seed=-1), "seed -1 is out of range"),
        (lambda d: d["decisions"][0].update(choices=[1]), "decisions\\[0\\].choices: expected an object, found a list"),
        (lambda d: d["decisions"][0]["choices"].update(aldoria=True), "expected a whole number, found true"),
        (lambda d: d.update(humans="aldoria"), 'humans: expected a list, found "aldoria"'),
        (lambda d: d["ui"].update(turn=10**30), "has 31 digits"),
        (lambda d: d.pop("decisions"), "decisions: required field missing"),
    ],
)
def test_malformed_save_fields_are_named(home, change, message):
    data = _save_of(TUTORIAL, "aldoria")
    change(data)
    path = home / "saves" / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(saves.SaveFileError, match=message):
        Match.from_save_file(path)


def test_one_bad_save_does_not_break_the_load_list(home):
    good = Match.start(TUTORIAL, ("aldoria",), 3).save_as()
    (home / "saves" / "deep.json").write_bytes(b"{" * 100)
    (home / "saves" / "inf.json").write_bytes(b'{"format": "redline-save/1", "seed": Infinity}')
    os.mkfifo(home / "saves" / "fifo.json")
    assert [i.path for i in saves.list_saves()] == [good]
    reasons = {u.path.name: u.reason for u in saves.unreadable_saves()}
    assert reasons == {
        "deep.json": "the save is damaged (nested 100 levels deep (the limit is 64)); your current game goes on",
        "fifo.json": "the save is damaged (not a regular file (a pipe)); your current game goes on",
        "inf.json": "the save is damaged (Infinity is not a number a Redline file can hold); your current game goes on",
    }


def test_crafted_save_cannot_fire_another_actors_nuclear_strike(home):
    data = _save_of(ATACMS, "ukraine")
    m = Match.start(ATACMS, ("ukraine",), 7)
    nuke = next(o.instance for o in m.session.options("russia") if o.action == "tactical_nuclear_strike")
    data["decisions"][0]["choices"]["ukraine"] = nuke
    path = home / "saves" / "crafted.json"
    path.write_text(json.dumps(data))
    with pytest.raises(SaveError, match=f"turn 1: Ukraine cannot choose action #{nuke} \\(not one of its own\\)"):
        Match.from_save_file(path)


def test_crafted_save_cannot_take_an_illegal_action(home):
    data = _save_of(TUTORIAL, "aldoria")
    m = Match.start(TUTORIAL, ("aldoria",), 7)
    illegal = next(o for o in m.session.options("aldoria") if not o.legal)
    data["decisions"][0]["choices"]["aldoria"] = illegal.instance
    path = home / "saves" / "crafted.json"
    path.write_text(json.dumps(data))
    with pytest.raises(SaveError, match=f"turn 1: Aldoria cannot take '{illegal.name}' then"):
        Match.from_save_file(path)


def test_save_with_a_wrong_turn_or_a_foreign_seat_is_refused(home):
    data = _save_of(TUTORIAL, "aldoria", 2)
    data["decisions"][1]["turn"] = 5
    path = home / "saves" / "crafted.json"
    path.write_text(json.dumps(data))
    with pytest.raises(SaveError, match="decision 2 says turn 5, but the game is at turn 2"):
        Match.from_save_file(path)
    data = _save_of(TUTORIAL, "aldoria", 1)
    data["decisions"][0]["choices"]["borvia"] = 0
    path.write_text(json.dumps(data))
    with pytest.raises(SaveError, match="'borvia' chose, but it is not a human seat"):
        Match.from_save_file(path)


def test_temporaries_of_a_killed_save_are_cleaned(home):
    stale = home / "saves" / f"{TMP}abc123"
    stale.write_text('{"format": "redline-save/1", "half')
    old = time.time() - 3600
    os.utime(stale, (old, old))
    fresh = home / "saves" / f"{TMP}now"
    fresh.write_text("")  # a save being written right now by another window is spared
    saves.list_saves()
    assert not stale.exists() and fresh.exists()


# ---------------------------------------------------------------- settings


@pytest.mark.parametrize(
    "content,message",
    [
        (b"[" * 70_000, "too large"),
        (b"[" * 5_000, "nested 5000 levels deep"),
        (b'{"format": "redline-settings/1", "ui_scale": 1e400}', "1e400 is too large"),
        (b'{"format": "redline-settings/1", "width": 100000}', "width 100000 is out of range"),
        (b'{"format": "redline-settings/1", "fullscreen": 1}', "fullscreen: expected true or false, found 1"),
    ],
    ids=["huge", "deep", "inf", "wide", "int-as-bool"],
)
def test_bad_settings_fall_back_to_defaults_with_one_line(home, content, message):
    (home / "settings.json").write_bytes(content)
    s = load_settings()
    assert s == Settings() and message in s.problem and "\n" not in s.problem


def test_a_hot_seat_choice_survives_a_crash(home):
    m = Match.start(TUTORIAL, ("aldoria", "borvia"), 5)
    choice = next(o for o in m.session.options("aldoria") if o.legal and o.action != "hold")
    assert m.choose("aldoria", choice.instance, None) is None  # borvia has not chosen yet
    back = Match.from_save_file(saves.autosave_path())  # the window died here
    assert back.pending == {"aldoria": (choice.instance, None)}
    assert back.waiting_seats() == ["borvia"]
