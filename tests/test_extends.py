"""``extends:``: variants by id, confined to the folder tree, errors in the right file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from game.diagnostics import ScenarioError
from game.runners.load import load_bytes, load_scenario


@pytest.fixture
def folder(tmp_path):
    shutil.copy("scenarios/tutorial.yaml", tmp_path / "tutorial.yaml")
    return tmp_path


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def first_error(path):
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    return exc.value.diagnostics[0]


def test_variant_changes_one_probability_adds_an_actor_and_removes_a_red_line(folder):
    path = write(
        folder,
        "bluff.yaml",
        """\
extends: tutorial.yaml
meta: {id: bluff, title: Bluff}
red_lines:
  - id: island_landing
    responses:
      - {id: show_back, p: 0.3}
  - id: homeland_struck
    remove: true
actors:
  cerulia: {name: Cerulia, policy: dove}
""",
    )
    scn = load_scenario(path).scenario
    base = load_scenario(str(folder / "tutorial.yaml")).scenario
    assert scn.meta.title == "Bluff" and scn.meta.summary == base.meta.summary
    assert [r.id for r in scn.red_lines] == ["island_landing"]
    resp = {r.id or r.action: r.p for r in scn.red_lines[0].responses}
    assert resp["show_back"] == "0.3" and resp["strike_back"] == "params.enforce_p"
    assert [a.id for a in scn.actors] == ["aldoria", "borvia", "cerulia"]


def test_error_in_variant_points_at_the_variant(folder):
    path = write(
        folder,
        "bad.yaml",
        """\
extends: tutorial.yaml
outcomes:
  - {id: war, when: "tensoin > 1"}
""",
    )
    d = first_error(path)
    assert d.file.endswith("bad.yaml") and (d.line, d.col) == (3, 22)
    assert d.message == "unknown variable 'tensoin' (did you mean 'tension'?)"


def test_error_in_base_points_at_the_base(folder):
    text = (folder / "tutorial.yaml").read_text().replace("category: posturing", "category: posture")
    write(folder, "base.yaml", text)
    path = write(folder, "variant.yaml", "extends: base.yaml\nmeta: {title: V}\n")
    d = first_error(path)
    assert d.file.endswith("base.yaml")
    assert "did you mean 'posturing'" in d.message


def test_escapes_and_cycles_are_refused(folder, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    shutil.copy("scenarios/tutorial.yaml", outside / "t.yaml")
    sub = folder / "sub"
    sub.mkdir()
    assert "outside this scenario's folder" in first_error(write(sub, "up.yaml", "extends: ../tutorial.yaml\n")).message
    assert "absolute path" in first_error(write(folder, "abs.yaml", f"extends: {outside / 't.yaml'}\n")).message
    os.symlink(outside / "t.yaml", folder / "link.yaml")
    assert "outside" in first_error(write(folder, "sym.yaml", "extends: link.yaml\n")).message
    write(folder, "a.yaml", "extends: b.yaml\n")
    write(folder, "b.yaml", "extends: a.yaml\n")
    assert "cycle" in first_error(str(folder / "a.yaml")).message
    assert "no such file" in first_error(write(folder, "m.yaml", "extends: missing.yaml\n")).message


def test_base_in_a_subfolder_is_fine(folder):
    (folder / "bases").mkdir()
    shutil.copy(folder / "tutorial.yaml", folder / "bases" / "t.yaml")
    path = write(folder, "v.yaml", "extends: bases/t.yaml\nmeta: {title: From a subfolder}\n")
    assert load_scenario(path).scenario.meta.title == "From a subfolder"


def test_a_section_in_the_wrong_form_is_an_error_in_the_variant(folder):
    path = write(folder, "v.yaml", "extends: tutorial.yaml\nactors:\n  - id: cerulia\n    name: Cerulia\n")
    d = first_error(path)
    assert d.file.endswith("v.yaml") and d.line == 3
    assert "write 'actors' in the same form as the base" in d.message


def test_a_misspelt_base_gets_a_suggestion(folder):
    d = first_error(write(folder, "v.yaml", "extends: tutoral.yaml\n"))
    assert d.message.endswith("no such file (did you mean 'tutorial.yaml'?)")


# ------------------------------------------------------------------ every way in opens a variant
# The guide's own variant: each command and screen that opens a file must find its base beside it.

ROOT = Path(__file__).resolve().parent.parent
VARIANT = ROOT / "docs" / "examples" / "marrow_bluff.yaml"


def main_py(*args: str, **env: str) -> subprocess.CompletedProcess:
    p = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", **env},
    )
    assert "Traceback" not in p.stderr, p.stderr
    assert "needs the scenario to be read from a file" not in p.stdout + p.stderr
    return p


def test_the_variant_is_one_file_for_workers_and_saves():
    loaded = load_scenario(VARIANT)
    assert loaded.scenario.meta.id == "marrow_bluff"
    assert b"extends" not in loaded.source  # the merged scenario, base included
    again = load_bytes(loaded.source, "merged.yaml")
    assert again.scenario == loaded.scenario
    plain = ROOT / "scenarios" / "tutorial.yaml"
    assert load_scenario(plain).source == plain.read_bytes()  # a save's hash of a plain file is unchanged


@pytest.mark.parametrize(
    "args",
    [
        ("simulate", "--games", "300", "--quiet", "--json"),
        ("replay", "--seed", "1", "--game", "2"),
        ("lint", "--games", "300", "--quiet"),
        ("params",),
        ("sweep", "--set", "enforce_p=0,1", "--games", "200", "--quiet"),
    ],
    ids=lambda a: a[0],
)
def test_every_headless_command_opens_the_guides_variant(args):
    p = main_py(args[0], str(VARIANT), *args[1:])
    assert p.returncode == 0, p.stdout + p.stderr
    if args[0] == "simulate":
        assert json.loads(p.stdout)["games"] == 300
    if args[0] == "params":
        assert "params.enforce_p = 0.1 " in p.stdout  # the variant's value over the base's


@pytest.mark.parametrize("command", ["play", "watch"])
def test_the_window_opens_the_guides_variant(tmp_path, command):
    out = tmp_path / "shot.png"
    extra = ("--actor", "ostrana") if command == "play" else ("--seed", "1", "--game", "0")
    p = main_py(
        command, str(VARIANT), *extra, "--screenshot", str(out), "--after-turns", "1", REDLINE_HOME=str(tmp_path)
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert out.stat().st_size > 0


def test_title_screen_save_and_resume_open_a_variant(tmp_path, monkeypatch):
    monkeypatch.setenv("REDLINE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    from game.ui.app import App
    from game.ui.match import Match
    from game.ui.screens.title import TitleScreen
    from game.ui.settings import Settings

    for name in ("marrow_dam_plus.yaml", "marrow_bluff.yaml"):
        shutil.copy(VARIANT.parent / name, tmp_path / name)
    variant = str(tmp_path / "marrow_bluff.yaml")
    title = TitleScreen(App(Settings(), (1280, 720), fixed_size=True), preselect=variant)
    assert not title.entry.errors and title.entry.loaded.scenario.meta.id == "marrow_bluff"

    match = Match.start(variant, ("ostrana",), 5)
    legal = [o for o in match.session.options("ostrana") if o.legal]
    match.choose("ostrana", legal[-1].instance, None)
    saved = match.save_as()
    back = Match.from_save_file(saved)
    assert back.session.decisions == match.session.decisions and not back.warning
    # the save's hash covers the base too: a changed base is noticed on resume
    base = tmp_path / "marrow_dam_plus.yaml"
    base.write_text(base.read_text().replace("Diplomatic notes and meetings.", "Notes and meetings."))
    assert "changed since this game was saved" in Match.from_save_file(saved).warning


def test_class_report_replays_logs_of_a_variant(tmp_path):
    from game.engine.session import Session
    from game.policies import seat_policies

    rules = load_scenario(VARIANT).rules
    logs = tmp_path / "logs"
    logs.mkdir()
    for seed in range(3):
        s = Session(rules, seed, ("ostrana",), seats=seat_policies(rules, ("ostrana",)))
        while not s.done:
            legal = [o for o in s.options("ostrana") if o.legal]
            s.step({"ostrana": legal[(seed + s.turn) % len(legal)].instance})
        (logs / f"s{seed}.json").write_text(json.dumps(s.to_log()))
    p = main_py(
        "class-report", str(logs), "--out", str(tmp_path / "out"), "--scenario", str(VARIANT), "--ai-games", "200"
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert json.loads((tmp_path / "out" / "summary.json").read_text())["logs"] == 3


def test_handout_and_a_hosted_class_game_open_a_variant(tmp_path):
    from game.net.host import prepare

    plan = prepare(str(VARIANT), 3, folder=str(tmp_path / "class"))
    assert plan.game.loaded.scenario.meta.id == "marrow_bluff"
    p = main_py("handout", str(VARIANT), "--out", str(tmp_path / "handout"), "--games", "200")
    assert p.returncode == 0, p.stdout + p.stderr
    assert (tmp_path / "handout" / "handout.html").stat().st_size > 0
