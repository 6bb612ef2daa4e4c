"""``new`` writes a template that validates; ``lint`` finds what is worth a look."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from game.lint import lint
from game.runners.load import load_scenario


def run(*args):
    p = subprocess.run([sys.executable, "main.py", *args], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in p.stderr, p.stderr
    return p


def test_new_template_validates_and_plays(tmp_path):
    path = tmp_path / "mine.yaml"
    assert run("new", str(path)).returncode == 0
    assert path.read_text().startswith("# yaml-language-server: $schema=")
    assert run("validate", str(path)).returncode == 0
    assert run("simulate", str(path), "--games", "500", "--quiet").returncode == 0
    again = run("new", str(path))
    assert again.returncode == 1 and "already exists" in again.stderr


def test_new_from_a_shipped_scenario(tmp_path):
    path = tmp_path / "copy.yaml"
    assert run("new", str(path), "--from", "tutorial").returncode == 0
    assert run("validate", str(path)).returncode == 0
    p = run("new", str(tmp_path / "x.yaml"), "--from", "nope")
    assert p.returncode == 2 and "shipped:" in p.stderr


def _lint_text(tmp_path, text):
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return [str(d) for d in lint(load_scenario(str(path)))]


def test_lint_finds_unused_things_and_risky_probabilities(tmp_path):
    text = open("scenarios/tutorial.yaml").read()
    text = text.replace(
        "  talks: {initial: 0, range: [0, 10], says: Rounds of talks held}",
        "  talks: {initial: 0, range: [0, 10], says: Rounds of talks held}\n"
        "  unused_thing: {initial: 0, range: [0, 1]}",
    )
    text = text.replace('p: "0.3 * (1 - params.enforce_p)"', 'p: "0.6 * (1 - params.enforce_p) + 0.3 * tension"')
    text = text.replace("fictional: true", "fictional: false")
    text = text.replace("    source: redline_tutorial\n", "", 1)
    text = text.replace("text: Two rounds of talks and a calmer sea. Who moved first, and why did it work?", "text: ''")
    found = "\n".join(_lint_text(tmp_path, text))
    assert "variable 'unused_thing' is never used" in found
    assert "the responses can add up to" in found
    assert "at least three perspectives" not in found  # the tutorial has three
    assert "outcome 'settlement' has no debrief text" in found
    assert "param 'enforce_p' names no claim or source" in found


def test_lint_command_prints_a_count():
    p = run("lint", "scenarios/tutorial.yaml")
    assert p.returncode == 0 and p.stdout.strip().splitlines()[-1].endswith("warnings")


def test_lint_warns_when_a_comment_cuts_prose(tmp_path):
    text = open("scenarios/tutorial.yaml", encoding="utf-8").read()
    cut = text.replace(
        "    description: A coastal democracy",
        "    description: Ships gather #3 near the strait. A coastal democracy",
        1,
    )
    assert cut != text
    path = tmp_path / "cut.yaml"
    path.write_text(cut, encoding="utf-8")
    p = run("lint", str(path))
    line = cut[: cut.index("#3")].count("\n") + 1
    assert (
        f"cut.yaml:{line}:31: description: warning: the text of 'description' stops at 'gather': ' #' starts "
        "a YAML comment; put the whole text in quotes to keep '#3 near the strait."
    ) in p.stdout
    # expressions with inline comments and quoted texts are fine: the shipped scenarios say nothing
    for shipped in ("scenarios/tutorial.yaml", "scenarios/atacms_2024.yaml", "scenarios/cuba_1962.yaml"):
        assert "starts a YAML comment" not in run("lint", shipped).stdout


# ------------------------------------------------------------------ warnings corpus
# tests/bad_scenarios/warnings/: each file is docs/examples/marrow_dam_plus.yaml with one slip the
# loader accepts; its first line is '# warns: <the exact line lint prints for it>'.

WARNINGS = Path(__file__).resolve().parent / "bad_scenarios" / "warnings"
WARNING_FILES = sorted(p.name for p in WARNINGS.glob("*.yaml"))


def _lint_all(path: str) -> list:
    loaded = load_scenario(path)
    return list(loaded.warnings) + lint(loaded)


def test_warnings_corpus_is_there():
    assert len(WARNING_FILES) >= 6
    for name in WARNING_FILES:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.yaml", name), name


@pytest.mark.parametrize("name", WARNING_FILES)
def test_each_slip_gives_its_one_warning(name, monkeypatch):
    monkeypatch.chdir(WARNINGS.parent.parent.parent)
    path = f"tests/bad_scenarios/warnings/{name}"
    header = open(path, encoding="utf-8").readline().rstrip("\n")
    assert header.startswith("# warns: "), name
    base = {(d.path, d.message) for d in _lint_all("docs/examples/marrow_dam_plus.yaml")}
    new = [str(d) for d in _lint_all(path) if (d.path, d.message) not in base]
    assert new == [header[len("# warns: ") :]]
    p = run("lint", path)
    assert p.returncode == 0 and new[0] in p.stdout.splitlines()
