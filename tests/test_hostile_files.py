"""Files Redline reads that a user, a student or a crash can hand it (issue 17): saves,
settings, game logs, sweep chunks. Each is data to validate; a bad one gives one line
that says why, and the game or the command goes on. ``tests/hostile/`` runs the whole
corpus under a memory and time limit."""

import os

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

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
    from game.datafile import DataFileError, parse_json

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
    from game.datafile import DataFileError, parse_json

    if message is None:
        assert parse_json(raw)["a"].startswith("[[[")
    else:
        with pytest.raises(DataFileError, match=message):
            parse_json(raw)


def test_escaped_quotes_without_an_end_are_scanned_once():
    """200,000 escaped quotes in an unterminated string: a string pattern that can fail would
    restart at each of them (quadratic: minutes); the depth scan reads the text once."""
    from game.datafile import DataFileError, json_depth, parse_json

    raw = b'["' + b'\\"' * 200_000
    assert json_depth(raw) == 1 and json_depth(raw + b"\\") == 1
    with pytest.raises(DataFileError, match="not valid JSON \\(line 1 column 2: Unterminated string"):
        parse_json(raw)


def test_fifo_and_device_are_refused_at_once(tmp_path):
    os.mkfifo(tmp_path / "pipe.json")
    os.symlink("/dev/zero", tmp_path / "zero.json")
    from game.datafile import DataFileError, read_regular_file

    with pytest.raises(DataFileError, match="not a regular file \\(a pipe\\)"):
        read_regular_file(tmp_path / "pipe.json", 1000)
    with pytest.raises(DataFileError, match="not a regular file \\(a device\\)"):
        read_regular_file(tmp_path / "zero.json", 1000)


# ---------------------------------------------------------------- saves


def test_autosave_nested_200k_deep_does_not_stop_the_game(home):
    saves.autosave_path().write_bytes(b"[" * 200_000)
    assert saves.resumable_autosave() is None
    assert saves.list_saves() == []
    (bad,) = saves.unreadable_saves()
    assert bad.path.name == "autosave.json" and "nested 200000 levels deep" in bad.reason


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
        (b'{"format": "redline-settings/1", "ui_scale": 2.0}', "ui_scale 2.0 is out of range"),
        (b'{"format": "redline-settings/1", "fullscreen": 1}', "fullscreen: expected true or false, found 1"),
    ],
    ids=["huge", "deep", "inf", "wide", "scale-2", "int-as-bool"],
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


# ---------------------------------------------------------------- class-report


def _student_log(seed: int) -> dict:
    m = Match.start(TUTORIAL, ("aldoria",), seed)
    while not m.session.done:
        legal = [o for o in m.session.options("aldoria") if o.legal]
        m.choose("aldoria", legal[(seed + m.session.turn) % len(legal)].instance, None)
    return json.loads(json.dumps(m.session.to_log()))


def _class_report(logs: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", "class-report", str(logs), "--out", str(out), "--ai-games", "50", *extra],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_class_report_trusts_no_log(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    for seed in range(3):
        (logs / f"student{seed}.json").write_text(json.dumps(_student_log(seed)))
    listy = _student_log(4)
    next(e for e in listy["events"] if e["kind"] == "decision")["action"] = ["a", "b"]
    (logs / "listy.json").write_text(json.dumps(listy))
    (logs / "huge_turn.json").write_text(json.dumps(_student_log(5)).replace('"turn": 1,', f'"turn": {10**400},', 1))
    os.mkfifo(logs / "zz.json")
    os.symlink("/dev/zero", logs / "zero.json")
    (tmp_path / "x.yaml").write_text("not: a scenario\n")
    (logs / "traversal.json").write_text(
        json.dumps({**_student_log(6), "scenario": "../../../../" + str(tmp_path / "x")})
    )
    p = _class_report(logs, tmp_path / "out")
    assert p.returncode == 0 and "Traceback" not in p.stderr, p.stderr
    out = p.stdout
    assert "listy.json: skipped: events[0].action: expected text, found a list" in out
    assert "huge_turn.json: skipped: the integer 100000000000... has 401 digits (too large)" in out
    assert "zz.json: skipped: not a regular file (a pipe)" in out
    assert "zero.json: skipped: not a regular file (a device)" in out
    assert "traversal.json: skipped: scenario '../../../../" in out and "is not a scenario id" in out
    assert "3 logs of 'tutorial' read, 5 skipped" in out


def test_class_report_flags_a_forged_outcome(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    honest = _student_log(1)
    forged = dict(honest, outcome=next(o for o in ("war", "settlement", "standoff") if o != honest["outcome"]))
    (logs / "honest.json").write_text(json.dumps(honest))
    (logs / "forged.json").write_text(json.dumps(forged))
    p = _class_report(logs, tmp_path / "out")
    assert p.returncode == 0, p.stderr
    assert "forged.json: flagged: the log says" in p.stdout and "(the replay is counted)" in p.stdout
    assert "2 logs of 'tutorial' read, 0 skipped, 1 flagged (outcome not what its decisions give)" in p.stdout
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [f["file"] for f in summary["flagged"]] == ["forged.json"]
    assert summary["students"][honest["outcome"]] == 1.0  # both games counted as they were played
    assert "Logs flagged" in (tmp_path / "out" / "report.html").read_text()


def test_class_report_refuses_illegal_decisions_in_a_log(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    log = _student_log(2)
    log["decisions"][0]["choices"]["aldoria"] = 10_000
    (logs / "crafted.json").write_text(json.dumps(log))
    (logs / "ok.json").write_text(json.dumps(_student_log(3)))
    p = _class_report(logs, tmp_path / "out")
    assert p.returncode == 0, p.stderr
    assert (
        "crafted.json: skipped: its decisions cannot be replayed: turn 1: Aldoria cannot choose action #10000"
        in p.stdout
    )


def test_class_report_finds_the_scenario_only_among_named_files(tmp_path):
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "a.json").write_text(json.dumps(_student_log(1)))
    p = _class_report(logs, tmp_path / "out", "--scenario", ATACMS)
    assert p.returncode == 2 and p.stderr.count("\n") == 1
    assert "none of the scenario files given" in p.stderr and "has the id 'tutorial'" in p.stderr


# ---------------------------------------------------------------- one-line errors


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    return subprocess.run(
        [sys.executable, "main.py", *args], capture_output=True, text=True, timeout=60, cwd=ROOT, env=env
    )


@pytest.mark.parametrize(
    "args,message",
    [
        (
            ["replay", TUTORIAL, "--game", str(2**64)],
            "argument --game: must be from 0 to 2**64 - 1, got 18446744073709551616",
        ),
        (["watch", TUTORIAL, "--game", "-1"], "argument --game: must be from 0 to 2**64 - 1, got -1"),
        (
            ["simulate", TUTORIAL, "--games", "10", "--games-csv", "{tmp}"],
            "--games-csv {tmp}: is a folder; give a file name",
        ),
        (["schema", "--out", "{tmp}"], "--out {tmp}: is a folder; give a file name"),
        (["schema", "--out", "{tmp}/no/such/x.json"], "the folder {tmp}/no/such does not exist"),
        (["class-report", "{tmp}", "--out", TUTORIAL], f"--out {TUTORIAL}: is a file; give a folder"),
        (
            ["play", TUTORIAL, "--size", "100000x100000"],
            "--size 100000x100000 is out of range: from 640x480 to 7680x4320",
        ),
    ],
    ids=[
        "replay-game-2**64",
        "watch-game--1",
        "games-csv-dir",
        "schema-out-dir",
        "schema-out-nowhere",
        "class-report-out-file",
        "play-size-huge",
    ],
)
def test_bad_command_lines_get_one_line_and_exit_2(tmp_path, args, message):
    p = _cli(*(a.replace("{tmp}", str(tmp_path)) for a in args))
    assert p.returncode == 2, p.stderr
    assert "Traceback" not in p.stderr
    assert message.replace("{tmp}", str(tmp_path)) in p.stderr
    assert p.stderr.strip().splitlines()[-1].endswith(message.replace("{tmp}", str(tmp_path)))


# ---------------------------------------------------------------- sweep chunks and reports


def _sweep(source: bytes, name: str = "tutorial.yaml", games: int = 600):
    from game.runners.load import load_bytes
    from game.runners.sweep import Sweep, make_axes

    axes = make_axes(load_bytes(source, name).scenario, {"enforce_p": [0.0, 1.0]})
    return Sweep(source, name, axes, games, 3, chunk=200)


def _numbers(res: dict) -> dict:
    return {k: v for k, v in res.items() if k not in ("run", "files")}


@pytest.mark.parametrize("damage", ["truncate", "flip", "zero-length", "foreign-bytes"])
def test_a_damaged_chunk_is_computed_again_on_resume(tmp_path, damage):
    from game.runners.sweep import run_sweep

    sw = _sweep(Path(TUTORIAL).read_bytes())
    out = tmp_path / "out"
    ref = run_sweep(sw, out=str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    assert len(manifest["chunks"]) == 6 and all(len(h) == 64 for h in manifest["chunks"].values())
    victim = out / "chunks" / "p00001-g000000000200.npz"
    data = victim.read_bytes()
    victim.write_bytes(
        {
            "truncate": data[: len(data) // 2],
            "flip": data[:300] + bytes([data[300] ^ 0xFF]) + data[301:],
            "zero-length": b"",
            "foreign-bytes": b"PK\x03\x04" + os.urandom(200),
        }[damage]
    )
    again = run_sweep(sw, out=str(out), resume=True)
    assert "1 saved chunk damaged (p00001-g000000000200.npz): computed again" in again["run"]["notes"]
    assert again["run"]["reused_chunks"] == 5 and again["run"]["computed_chunks"] == 1
    assert _numbers(again) == _numbers(ref)
    assert json.loads((out / "manifest.json").read_text())["chunks"] == manifest["chunks"]


def test_a_chunk_saved_after_the_last_manifest_write_is_checked_whole(tmp_path):
    from game.runners.sweep import run_sweep

    sw = _sweep(Path(TUTORIAL).read_bytes())
    out = tmp_path / "out"
    ref = run_sweep(sw, out=str(out))
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["chunks"] = {}  # as if killed before the manifest recorded any hash
    (out / "manifest.json").write_text(json.dumps(manifest))
    victim = out / "chunks" / "p00000-g000000000400.npz"
    data = victim.read_bytes()
    victim.write_bytes(data[:-40] + bytes(b ^ 0x55 for b in data[-40:]))
    again = run_sweep(sw, out=str(out), resume=True)
    assert again["run"]["computed_chunks"] == 1 and _numbers(again) == _numbers(ref)


def test_math_text_in_an_outcome_name_does_not_break_the_report(tmp_path):
    from game.runners.sweep import run_sweep

    source = Path(TUTORIAL).read_bytes().replace(b"name: Open war", rb"name: '$\foo{$ open war'")
    out = tmp_path / "out"
    res = run_sweep(_sweep(source), out=str(out))
    assert res["names"]["outcomes"]["war"] == "$\\foo{$ open war"
    assert (out / "results.json").exists() and len(res["files"]["plots"]) >= 2
    assert "$\\foo{$ open war" in (out / "report.html").read_text()


def test_results_are_written_before_any_plot(tmp_path, monkeypatch):
    from game.runners import report
    from game.runners.sweep import run_sweep

    def broken_plots(out, res):
        raise RuntimeError("a plot failed")

    monkeypatch.setattr(report, "write_report", broken_plots)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="a plot failed"):
        run_sweep(_sweep(Path(TUTORIAL).read_bytes()), out=str(out))
    assert len(json.loads((out / "results.json").read_text())["points"]) == 2


def test_sweep_grid_is_bounded_before_any_work(tmp_path):
    enforce = ",".join(f"{i / 40:g}" for i in range(40))
    accident = ",".join(f"{i / 80:g}" for i in range(40))
    p = _cli("sweep", TUTORIAL, "--set", f"enforce_p={enforce}", "--set", f"accident_p={accident}", "--quiet")
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert p.stderr.strip().endswith(
        "the grid has 1,600 points (40 x 40), more than --max-points 100; "
        "give fewer values, or raise --max-points to run it"
    )
    p = _cli("sweep", TUTORIAL, "--set", "enforce_p=0,1", "--out", TUTORIAL, "--quiet")
    assert p.returncode == 2 and p.stderr.strip().endswith(f"--out {TUTORIAL}: is a file; give a folder")


def test_load_dialog_lists_unreadable_saves_and_opens(home):
    from game.ui.app import App
    from game.ui.screens.pause import LoadDialog

    good = Match.start(TUTORIAL, ("aldoria",), 3).save_as()
    (home / "saves" / "deep.json").write_bytes(b"[" * 200_000)
    (home / "saves" / "inf.json").write_bytes(b'{"format": "redline-save/1", "turn": 1e400}')
    app = App(Settings(), (1280, 720), fixed_size=True)
    dialog = LoadDialog(app)
    app.stack.push(dialog)
    app.render(1)
    texts = [e.html_text for e in dialog.body.get_container().elements if hasattr(e, "html_text")]
    assert [info.path for _b, info in dialog.items] == [good]
    assert any(
        "Unreadable: deep.json: unreadable (the save is damaged (nested 200000 levels deep" in t and "1 more" in t
        for t in texts
    )


# ---------------------------------------------------------------- the corpus, under limits

MEMORY_LIMIT = 2 * 1024**3  # address space: numpy and pygame reserve more than they use
CPU_LIMIT_S = 120


def _limited():
    """Run in the child before exec: a memory and a CPU limit (a hang is the timeout's)."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_LIMIT_S, CPU_LIMIT_S))


def _run_limited(args: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "SDL_VIDEODRIVER": "dummy", **(env or {})}
    p = subprocess.run(
        [sys.executable, *args], capture_output=True, text=True, timeout=300, cwd=ROOT, env=env, preexec_fn=_limited
    )
    assert p.returncode >= 0, f"killed by signal {-p.returncode}: {p.stderr[-2000:]}"
    assert "Traceback" not in p.stderr, p.stderr[-4000:]
    return p


def _lines(stdout: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in stdout.splitlines() if ": " in line)


def test_hostile_saves_under_limits(tmp_path):
    from tests.hostile.corpus import write_saves

    folder = tmp_path / "saves"
    expected = write_saves(folder)
    p = _run_limited(["-m", "tests.hostile.read_all", "saves", str(folder)])
    assert p.returncode == 0, p.stderr
    got = _lines(p.stdout)
    for name, message in expected.items():
        assert message in got[name], (name, got[name])
        assert "\n" not in got[name]
    # well-formed saves are listed; their moves are checked when one is loaded (above)
    legal_form = {"good.json", "foreign_move.json", "wrong_turn.json", "unknown_seat.json", "extra_seat_choice.json"}
    assert set(got["listed"].split()) == legal_form
    assert got["unreadable"] == str(len(expected) - len(legal_form))
    assert got["left"] == ""  # the killed save's temporary file is gone


def test_hostile_settings_under_limits(tmp_path):
    from tests.hostile.corpus import write_settings

    folder = tmp_path / "settings"
    expected = write_settings(folder)
    p = _run_limited(["-m", "tests.hostile.read_all", "settings", str(folder)])
    assert p.returncode == 0, p.stderr
    got = _lines(p.stdout)
    for name, message in expected.items():
        assert message in got[name], (name, got[name])
        assert message == "ok" or got[name].endswith("; using the defaults")


def test_the_game_starts_over_a_hostile_autosave_and_settings(tmp_path):
    home = tmp_path / "home"
    (home / "saves").mkdir(parents=True)
    (home / "saves" / "autosave.json").write_bytes(b"[" * 200_000)
    (home / "settings.json").write_bytes(b'{"format": "redline-settings/1", "ui_scale": 1e400}')
    shot = tmp_path / "title.png"
    p = _run_limited(["main.py", "--screenshot", str(shot)], env={"REDLINE_HOME": str(home)})
    assert p.returncode == 0, p.stderr
    assert shot.stat().st_size > 0


def test_hostile_logs_under_limits(tmp_path):
    from tests.hostile.corpus import write_logs

    folder = tmp_path / "logs"
    expected = write_logs(folder)
    out = tmp_path / "report"
    p = _run_limited(["main.py", "class-report", str(folder), "--out", str(out), "--ai-games", "50"])
    assert p.returncode == 0, p.stderr
    said = {}
    for line in p.stdout.splitlines():
        name, _, rest = line.partition(": ")
        said[name] = rest
    for name, message in expected.items():
        if message == "ok":
            assert name not in said, (name, said.get(name))
        else:
            assert message in said[name], (name, said[name])
    assert "4 logs of 'tutorial' read" in p.stdout and "1 flagged" in p.stdout
    assert json.loads((out / "summary.json").read_text())["logs"] == 4


def test_hostile_chunks_under_limits(tmp_path):
    from tests.hostile.corpus import damage_chunks

    out = tmp_path / "sweep"
    args = ["main.py", "sweep", TUTORIAL, "--set", "enforce_p=0,1", "--games", "500", "--quiet", "--out", str(out)]
    env = {"REDLINE_CHUNK": "100", "REDLINE_ENGINE": "numpy"}
    p = _run_limited(args, env)
    assert p.returncode == 0, p.stderr
    ref = json.loads((out / "results.json").read_text())
    how = damage_chunks(out / "chunks")
    p = _run_limited([*args, "--resume"], env)
    assert p.returncode == 0, p.stderr
    assert f"{len(how)} saved chunks damaged" in p.stdout and "computed again" in p.stdout
    got = json.loads((out / "results.json").read_text())
    assert got["run"]["computed_chunks"] == len(how) and got["run"]["reused_chunks"] == 10 - len(how)
    assert {k: v for k, v in got.items() if k != "run"} == {k: v for k, v in ref.items() if k != "run"}


def test_temporaries_of_a_killed_settings_write_are_cleaned(home):
    stale = home / f"{TMP}settings"
    stale.write_text('{"format": "redline-set')
    os.utime(stale, (1, 1))
    assert load_settings() == Settings()
    assert not stale.exists()
