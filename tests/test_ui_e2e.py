"""End to end under a private Xvfb: a whole tutorial game driven by real key presses and a
click (xdotool), from the briefing to the debrief, with screenshots.

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
        st = _wait(lambda s: s.get("screen") == "board", 10, "the board", state, game)
        assert st["turn"] == 1 and not st["done"]
        turn = 1
        while True:
            if turn == 2:
                # one turn by mouse: the End turn button at the bottom right of the decision panel
                _xdo(env, "mousemove", "--window", wid, "1100", "690", "click", "1")
            else:
                _xdo(env, "key", "2")  # "Propose talks" (number keys pick actions)
                _wait(lambda s: s.get("selected") not in (None, 0), 5, "a selection", state, game)
                _xdo(env, "key", "Return")
            st = _wait(
                lambda s, t=turn: s.get("screen") == "board" and (s["turn"] > t or s["done"]),
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
        st = _wait(lambda s: s.get("screen") == "debrief", 15, "the debrief", state, game)
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
