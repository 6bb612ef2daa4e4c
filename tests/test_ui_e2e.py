"""End to end under a private Xvfb: a whole tutorial game driven by real key presses and a
click (xdotool), from the briefing to the debrief, with screenshots; and the ways a class broke
the window: closing overlays on the title screen, a held Enter, Enter on "See the debrief".

The game reports the screen it shows to ``$REDLINE_TEST_STATE`` (a JSON file) and saves
F12 screenshots to ``$REDLINE_HOME/screenshots``. Skipped when Xvfb or xdotool is missing.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.ui.screens.game_screen import CLICK_GRACE

ROOT = Path(__file__).resolve().parents[1]
NEEDED = ("Xvfb", "xdotool")
pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in NEEDED), reason="needs Xvfb and xdotool (apt-get install xvfb xdotool)"
)


def _free_display() -> int:
    for n in range(142, 200):
        if not os.path.exists(f"/tmp/.X{n}-lock") and not os.path.exists(f"/tmp/.X11-unix/X{n}"):
            return n
    raise RuntimeError("no free X display number")


def _xdo(env, *args, check=True) -> str:
    r = subprocess.run(["xdotool", *args], env=env, capture_output=True, text=True, timeout=10)
    if check and r.returncode != 0:
        raise AssertionError(f"xdotool {' '.join(args)} failed: {r.stderr.strip()}")
    return r.stdout.strip()


def _board_at_rest(s: dict) -> bool:
    """The board with nothing being computed or built: a press now acts on what is on view."""
    return s.get("screen") == "board" and not s.get("busy") and not s.get("settling")


def _wait(pred, timeout: float, what: str, state_file: Path, proc):
    t0 = time.monotonic()
    last = None
    while time.monotonic() - t0 < timeout:
        if proc.poll() is not None:
            raise AssertionError(f"the game exited ({proc.returncode}) while waiting for {what}")
        try:
            last = json.loads(state_file.read_text())
        except (OSError, ValueError):
            last = None
        if last is not None and pred(last):
            return last
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; last state: {last}")


@pytest.fixture
def xvfb():
    n = _free_display()
    proc = subprocess.Popen(
        ["Xvfb", f":{n}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    env = {k: v for k, v in os.environ.items() if k != "SDL_VIDEODRIVER"}
    env["DISPLAY"] = f":{n}"
    t0 = time.monotonic()
    while time.monotonic() - t0 < 10:
        if subprocess.run(["xdotool", "getdisplaygeometry"], env=env, capture_output=True).returncode == 0:
            break
        time.sleep(0.1)
    else:
        proc.terminate()
        pytest.skip("Xvfb did not start")
    yield env
    proc.terminate()
    proc.wait(timeout=5)


def test_whole_tutorial_game_with_keys_and_a_click(xvfb, tmp_path):
    env = dict(xvfb)
    state = tmp_path / "state.json"
    env.update(
        REDLINE_HOME=str(tmp_path),
        REDLINE_TEST_STATE=str(state),
        SDL_AUDIODRIVER="dummy",
        PYGAME_HIDE_SUPPORT_PROMPT="1",
    )
    game = subprocess.Popen(
        [
            sys.executable,
            "main.py",
            "play",
            "scenarios/tutorial.yaml",
            "--actor",
            "aldoria",
            "--seed",
            "1",
            "--size",
            "1280x720",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(lambda s: s.get("screen") == "briefing", 20, "the briefing", state, game)
        wid = ""
        t0 = time.monotonic()
        while not wid and time.monotonic() - t0 < 10:
            wid = _xdo(env, "search", "--onlyvisible", "--class", ".", check=False).splitlines()[:1]
            wid = wid[0] if wid else ""
            time.sleep(0.1)
        assert wid, "no game window found"
        _xdo(env, "windowfocus", "--sync", wid, check=False)
        # keys typed before the window has the keyboard focus are lost: wait for it
        _wait(lambda s: s.get("focus"), 10, "the keyboard focus", state, game)
        _xdo(env, "key", "Return")
        st = _wait(_board_at_rest, 10, "the board", state, game)
        assert st["turn"] == 1 and not st["done"]
        turn = 1
        while True:
            if turn == 2:
                # one turn by mouse: the End turn button at the bottom right of the decision panel,
                # clicked once the student has looked at the turn (a quicker click is not taken)
                time.sleep(CLICK_GRACE + 0.2)
                _xdo(env, "mousemove", "--window", wid, "1100", "690", "click", "1")
            else:
                _xdo(env, "key", "2")  # "Propose talks" (number keys pick actions)
                _wait(lambda s: s.get("selected") not in (None, 0), 5, "a selection", state, game)
                _xdo(env, "key", "Return")
            st = _wait(
                lambda s, t=turn: _board_at_rest(s) and (s["turn"] > t or s["done"]),
                10,
                f"turn {turn} to end",
                state,
                game,
            )
            if st["done"]:
                break
            turn = st["turn"]
            assert turn <= 5
        _xdo(env, "key", "F12")
        _xdo(env, "key", "Return")
        _wait(lambda s: s.get("screen") == "debrief", 15, "the debrief", state, game)
        st = _wait(lambda s: s.get("replays_ready"), 120, "the debrief's replays", state, game)
        assert st["outcome"] in ("war", "settlement", "standoff")
        assert abs(sum(st["student"]) - 1) < 1e-9 and abs(sum(st["ai"]) - 1) < 1e-9
        _xdo(env, "key", "F12")
        t0 = time.monotonic()
        shots = []
        while len(shots) < 2 and time.monotonic() - t0 < 5:
            shots = sorted((tmp_path / "screenshots").glob("*.png"))
            time.sleep(0.1)
        assert len(shots) == 2, shots
        assert any("debrief" in p.name for p in shots) and any("board" in p.name for p in shots)
        if shutil.which("import"):
            whole = tmp_path / "screen.png"
            subprocess.run(["import", "-window", "root", str(whole)], env=env, timeout=15, check=True)
            assert whole.stat().st_size > 10_000
        autosave = json.loads((tmp_path / "saves" / "autosave.json").read_text())
        assert autosave["ui"]["done"] is True and autosave["humans"] == ["aldoria"]
        assert len(autosave["decisions"]) == turn
    finally:
        game.terminate()
        try:
            out, _ = game.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            game.kill()
            out, _ = game.communicate()
    assert b"Traceback" not in (out or b""), out.decode(errors="replace")


class Window:
    """The game in its own process on the test's X display, driven with xdotool."""

    def __init__(self, env, tmp_path, args):
        self.env = dict(env)
        self.state_file = tmp_path / "state.json"
        self.data = tmp_path / "data"
        self.env.update(
            XDG_DATA_HOME=str(self.data),
            XDG_CONFIG_HOME=str(tmp_path / "config"),
            REDLINE_TEST_STATE=str(self.state_file),
            SDL_AUDIODRIVER="dummy",
            PYGAME_HIDE_SUPPORT_PROMPT="1",
        )
        self.env.pop("REDLINE_HOME", None)
        self.proc = subprocess.Popen(
            [sys.executable, "main.py", *args, "--size", "1280x720"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.wid = ""

    def wait(self, pred, what: str, timeout: float = 20):
        return _wait(pred, timeout, what, self.state_file, self.proc)

    def focus(self) -> None:
        t0 = time.monotonic()
        while not self.wid and time.monotonic() - t0 < 10:
            found = _xdo(self.env, "search", "--onlyvisible", "--class", ".", check=False).splitlines()[:1]
            self.wid = found[0] if found else ""
            time.sleep(0.1)
        assert self.wid, "no game window found"
        _xdo(self.env, "windowfocus", "--sync", self.wid, check=False)
        self.wait(lambda s: s.get("focus"), "the keyboard focus")

    def key(self, *names: str) -> None:
        _xdo(self.env, "key", *names)

    def hold(self, name: str, seconds: float) -> None:
        """Press a key and keep it down (the system's auto-repeat runs meanwhile)."""
        _xdo(self.env, "keydown", name)
        time.sleep(seconds)
        _xdo(self.env, "keyup", name)

    def click(self, x: int, y: int) -> None:
        _xdo(self.env, "mousemove", "--window", self.wid, str(x), str(y), "click", "1")

    def autosave(self) -> dict:
        return json.loads((self.data / "redline" / "saves" / "autosave.json").read_text())

    def close(self) -> str:
        self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return (out or b"").decode(errors="replace")


@pytest.fixture
def window(xvfb, tmp_path):
    opened = []

    def open_window(*args):
        w = Window(xvfb, tmp_path, args)
        opened.append(w)
        return w

    yield open_window
    for w in opened:
        out = w.close()
        assert "Traceback" not in out, out


def test_title_screen_overlays_close_without_a_crash(window, tmp_path, monkeypatch):
    """F1 then Esc, F1 twice, Back; Settings then Done; Load game then Cancel: the title screen
    (offering an unfinished game to resume) is still there and the game still runs."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("REDLINE_HOME", raising=False)
    from game.ui.match import Match

    unfinished = Match.start(str(ROOT / "scenarios" / "tutorial.yaml"), ("aldoria",), 3)
    unfinished.end_turn()
    assert unfinished.write_autosave() == ""
    w = window()
    w.wait(lambda s: s.get("screen") == "title", "the title screen")
    w.focus()
    on = {"title": lambda s: s.get("screen") == "title", "help": lambda s: s.get("screen") == "help"}
    for press, shows in (("F1", "help"), ("Escape", "title"), ("F1", "help"), ("F1", "title"), ("F1", "help")):
        w.key(press)
        w.wait(on[shows], f"{shows} after {press}")
    w.click(640, 600)  # "Back to the game (Esc)" at the foot of the help card
    w.wait(on["title"], "the title screen after Back")
    w.click(282, 679)  # Settings
    w.wait(lambda s: s.get("screen") == "settings", "the settings")
    w.click(488, 555)  # Done
    w.wait(on["title"], "the title screen after Done")
    w.click(118, 679)  # Load game
    w.wait(lambda s: s.get("screen") == "load", "the load dialog")
    w.click(640, 581)  # Cancel
    w.wait(on["title"], "the title screen after Cancel")
    time.sleep(0.5)
    assert w.proc.poll() is None, "the game exited"
    w.key("Down")
    w.wait(lambda s: s.get("screen") == "title" and s.get("scenario") != "tutorial", "the next scenario")


@pytest.mark.parametrize("scenario,actor", [("tutorial", "aldoria"), ("atacms_2024", "ukraine")])
def test_holding_return_ends_one_turn(window, scenario, actor):
    """An action chosen, then Enter held for 2 s: one turn is played, the student's, and the
    next turn waits for a fresh press (auto-repeat never ends a turn)."""
    w = window("play", f"scenarios/{scenario}.yaml", "--actor", actor, "--seed", "3")
    w.wait(lambda s: s.get("screen") == "briefing", "the briefing")
    w.focus()
    w.key("Return")
    w.wait(lambda s: _board_at_rest(s) and s["turn"] == 1, "the board")
    w.key("1")
    time.sleep(0.3)
    w.hold("Return", 2.0)
    st = w.wait(lambda s: _board_at_rest(s) and s["turn"] > 1, "turn 2")
    time.sleep(1.0)
    st = w.wait(lambda s: _board_at_rest(s), "the board at rest")
    saved = w.autosave()
    assert len(saved["decisions"]) == 1 and saved["ui"]["turn"] == 2, saved["decisions"]
    assert st["turn"] == 2 and st["decisions"] == 1, st


def test_enter_on_see_the_debrief_shows_the_debrief_and_stays(window):
    """Every turn of the tutorial ended with Enter, then Enter on "See the debrief" (held as a
    slow hand does): the debrief comes and stays; no new game starts behind it."""
    w = window("play", "scenarios/tutorial.yaml", "--actor", "aldoria", "--seed", "3")
    w.wait(lambda s: s.get("screen") == "briefing", "the briefing")
    w.focus()
    w.key("Return")
    st = w.wait(lambda s: _board_at_rest(s) and s["turn"] == 1, "the board")
    while not st["done"]:
        turn = st["turn"]
        w.hold("Return", 0.45)
        st = w.wait(
            lambda s, t=turn: _board_at_rest(s) and (s["turn"] > t or s["done"]),
            f"turn {turn} to end",
        )
        assert st["decisions"] == turn, st
    w.hold("Return", 0.45)
    w.wait(lambda s: s.get("screen") == "debrief", "the debrief")
    time.sleep(2.0)
    st = w.wait(lambda s: True, "the state")
    assert st["screen"] == "debrief", st
