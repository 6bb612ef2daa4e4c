"""The hostile-file corpus of issue 17: saves, settings, game logs and sweep chunks that a
user, a student, a crash or a full disk can leave, each with the one line Redline must say.

``write_*`` functions build the files in a folder (generated, not committed: some are large or
are FIFOs and symlinks to devices) and return ``{file name: expected message fragment}``;
``tests/hostile/read_all.py`` reads them under a memory and time limit.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"


def _specials(folder: Path, expected: dict[str, str]) -> None:
    """A FIFO (opening it would block for ever) and a symlink to /dev/zero (reads for ever)."""
    os.mkfifo(folder / "zz_fifo.json")
    expected["zz_fifo.json"] = "not a regular file (a pipe)"
    os.symlink("/dev/zero", folder / "zero.json")
    expected["zero.json"] = "not a regular file (a device)"
    os.symlink(folder / "no-such-target", folder / "dangling.json")
    expected["dangling.json"] = "gone"
    (folder / "a_folder.json").mkdir()
    expected["a_folder.json"] = "not a regular file (a folder)"


def _common_json(folder: Path, expected: dict[str, str], fmt: str) -> None:
    cases = {
        "deep_array.json": (b"[" * 200_000 + b"]" * 200_000, "nested 200000 levels deep"),
        "deep_object.json": (b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "nested 50000 levels deep"),
        "deep_unclosed.json": (b"[" * 300_000, "nested 300000 levels deep"),
        "nan.json": (f'{{"format": "{fmt}", "x": NaN}}'.encode(), "NaN is not a number"),
        "infinity.json": (f'{{"format": "{fmt}", "x": -Infinity}}'.encode(), "-Infinity is not a number"),
        "float_1e400.json": (f'{{"format": "{fmt}", "x": 1e400}}'.encode(), "the number 1e400 is too large"),
        "int_5000_digits.json": (f'{{"format": "{fmt}", "x": {"9" * 5000}}}'.encode(), "has 5000 digits"),
        "not_utf8.json": (b'{"format": "\xff\xfe"}', "not UTF-8 text"),
        "empty.json": (b"", "not valid JSON"),
        "null.json": (b"null", "expected a JSON object, found null"),
        "list.json": (b"[1, 2, 3]", "expected a JSON object, found a list"),
        "truncated.json": (f'{{"format": "{fmt}", "seed": 1'.encode(), "not valid JSON"),
        "nul_bytes.json": (b"\x00" * 1000, "not valid JSON"),
        "other_format.json": (b'{"format": "something-else/9"}', 'format "something-else/9"'),
    }
    for name, (data, message) in cases.items():
        (folder / name).write_bytes(data)
        expected[name] = message
    _specials(folder, expected)


def _tutorial_game(seed: int, turns: int | None = None):
    from game.ui.match import Match

    m = Match.start(str(TUTORIAL), ("aldoria",), seed)
    n = 0
    while not m.session.done and (turns is None or n < turns):
        legal = [o for o in m.session.options("aldoria") if o.legal]
        m.choose("aldoria", legal[(seed + m.session.turn) % len(legal)].instance, None)
        n += 1
    return m


def write_saves(folder: Path) -> dict[str, str]:
    """Hostile files in a saves folder (``autosave.json`` is the worst of them)."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}
    _common_json(folder, expected, "redline-save/1")
    good = _tutorial_game(3, 2).to_save()
    (folder / "good.json").write_text(json.dumps(good))
    expected["good.json"] = "ok"

    def variant(name: str, message: str, change) -> None:
        data = json.loads(json.dumps(good))
        change(data)
        (folder / name).write_text(json.dumps(data))
        expected[name] = message

    variant("seed_text.json", 'seed: expected a whole number, found "3"', lambda d: d.update(seed="3"))
    variant("seed_negative.json", "seed -1 is out of range", lambda d: d.update(seed=-1))
    variant("seed_2_64.json", "seed 18446744073709551616 is out of range", lambda d: d.update(seed=2**64))
    variant("humans_text.json", 'humans: expected a list, found "aldoria"', lambda d: d.update(humans="aldoria"))
    variant(
        "choices_list.json",
        "decisions[0].choices: expected an object, found a list",
        lambda d: d["decisions"][0].update(choices=[0]),
    )
    variant("turn_zero.json", "turn 0 is out of range", lambda d: d["decisions"][0].update(turn=0))
    variant("ui_turn_huge.json", "ui.turn", lambda d: d["ui"].update(turn=10**12) or d["ui"].update(turn="x"))
    variant(
        "foreign_move.json",
        "turn 1: Aldoria cannot choose action #",
        lambda d: d["decisions"][0]["choices"].update(aldoria=10_000),
    )
    variant("wrong_turn.json", "decision 2 says turn 7", lambda d: d["decisions"][1].update(turn=7))
    variant("unknown_seat.json", "seat 'atlantis'", lambda d: d.update(humans=["aldoria", "atlantis"]))
    variant(
        "extra_seat_choice.json",
        "'borvia' chose, but it is not a human seat",
        lambda d: d["decisions"][0]["choices"].update(borvia=0),
    )
    big = folder / "huge.json"
    with open(big, "wb") as fh:
        fh.truncate(50_000_000)  # sparse: over the cap without using the disk
    expected["huge.json"] = "too large"
    # a temporary file a killed save left behind: cleaned, never listed
    stale = folder / ".redline-tmp-killed"
    stale.write_text('{"format": "redline-save/1", "half')
    os.utime(stale, (1, 1))
    return expected


def write_settings(folder: Path) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}
    _common_json(folder, expected, "redline-settings/1")
    for name in list(expected):  # settings are capped at 64 KB: the deep files are refused by size
        path = folder / name
        if path.is_file() and not path.is_symlink() and path.stat().st_size > 65_536:
            expected[name] = "too large"
    base = {"format": "redline-settings/1"}
    for name, extra, message in (
        ("width_huge.json", {"width": 100000}, "width 100000 is out of range"),
        ("width_bool.json", {"width": True}, "width: expected a whole number, found true"),
        ("scale_text.json", {"ui_scale": "big"}, 'ui_scale: expected a number, found "big"'),
        ("palette.json", {"palette": "rainbow"}, 'palette "rainbow" is not one of'),
        ("fullscreen_int.json", {"fullscreen": 1}, "fullscreen: expected true or false, found 1"),
        ("good.json", {"width": 1600, "height": 900}, "ok"),
    ):
        (folder / name).write_text(json.dumps({**base, **extra}))
        expected[name] = message
    with open(folder / "huge.json", "wb") as fh:
        fh.truncate(10_000_000)
    expected["huge.json"] = "too large"
    return expected


def write_logs(folder: Path) -> dict[str, str]:
    """Hostile game logs beside three honest ones, for ``class-report``."""
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}
    _common_json(folder, expected, "redline-log/1")
    for seed in range(3):
        (folder / f"student{seed}.json").write_text(json.dumps(_tutorial_game(seed).session.to_log()))
        expected[f"student{seed}.json"] = "ok"
    good = json.loads(json.dumps(_tutorial_game(7).session.to_log()))

    def variant(name: str, message: str, change) -> None:
        data = json.loads(json.dumps(good))
        change(data)
        (folder / name).write_text(json.dumps(data).replace('"TURN_10_400"', str(10**400)))
        expected[name] = message

    def first(kind: str):
        return lambda d: next(e for e in d["events"] if e["kind"] == kind)

    variant(
        "action_list.json", "action: expected text, found a list", lambda d: first("decision")(d).update(action=[1])
    )
    variant("turn_10_400.json", "has 401 digits", lambda d: first("decision")(d).update(turn="TURN_10_400"))
    variant("traversal.json", "is not a scenario id", lambda d: d.update(scenario="../../../../tmp/x"))
    variant("absolute.json", "is not a scenario id", lambda d: d.update(scenario="/etc/passwd"))
    variant("unfinished.json", "the game was not finished", lambda d: d.update(outcome=None))
    variant("illegal.json", "cannot be replayed: turn 1", lambda d: d["decisions"][0]["choices"].update(aldoria=9999))
    variant("cut_short.json", "its decisions stop at turn", lambda d: d.update(decisions=d["decisions"][:1]))
    variant(
        "forged.json",
        "flagged: the log says",
        lambda d: d.update(outcome=next(o for o in ("war", "settlement", "standoff") if o != d["outcome"])),
    )
    with open(folder / "huge.json", "wb") as fh:
        fh.truncate(60_000_000)
    expected["huge.json"] = "too large"
    return expected


def damage_chunks(chunk_dir: Path) -> dict[str, str]:
    """Damage the saved chunks of a finished sweep in every way a disk or a kill can."""
    names = sorted(p.name for p in chunk_dir.glob("p*-g*.npz"))
    assert len(names) >= 8, names
    how = {}
    for name, damage in zip(
        names, ("truncate", "flip", "zero-length", "foreign", "fifo", "dev-zero", "folder", "swapped")
    ):
        path = chunk_dir / name
        data = path.read_bytes()
        path.unlink()
        if damage == "truncate":
            path.write_bytes(data[: len(data) // 3])
        elif damage == "flip":
            path.write_bytes(data[:200] + bytes(b ^ 0xA5 for b in data[200:260]) + data[260:])
        elif damage == "zero-length":
            path.write_bytes(b"")
        elif damage == "foreign":
            path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
        elif damage == "fifo":
            os.mkfifo(path)
        elif damage == "dev-zero":
            os.symlink("/dev/zero", path)
        elif damage == "folder":
            path.mkdir()
        elif damage == "swapped":  # another chunk's valid file under this name
            path.write_bytes((chunk_dir / names[-1]).read_bytes())
        how[name] = damage
    return how
