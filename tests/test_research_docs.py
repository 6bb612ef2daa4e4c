"""docs/research.md stays true: every code block in it runs, in order, in a fresh folder, with
its model server at http://127.0.0.1:8080 replaced by the loopback stand-in."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from llm_stand_in import StandIn, last_option

pytest.importorskip("pettingzoo")
pytest.importorskip("gymnasium")

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "research.md"
DOC_URL = "http://127.0.0.1:8080"


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(language, code) of every fenced block, in order."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)]


def test_the_doc_has_python_and_shell_examples():
    kinds = [lang for lang, _ in code_blocks(DOC.read_text(encoding="utf-8"))]
    assert kinds.count("python") >= 5 and kinds.count("sh") >= 3
    assert set(kinds) == {"python", "sh"}  # every block is one the test runs


def test_every_example_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace: dict = {"__name__": "research_doc"}
    with StandIn(["2", "no idea", last_option]) as server:
        for lang, code in code_blocks(DOC.read_text(encoding="utf-8")):
            code = code.replace(DOC_URL, server.url)
            if lang == "python":
                out = io.StringIO()
                with contextlib.redirect_stdout(out):
                    exec(compile(code, str(DOC), "exec"), namespace)
                assert out.getvalue().strip(), code  # each example prints what it shows
                continue
            for line in code.strip().splitlines():
                args, _, target = line.partition(" > ")
                words = shlex.split(args)
                assert words[:2] == ["python", "main.py"], line
                p = subprocess.run(
                    [sys.executable, str(ROOT / "main.py"), *words[2:]],
                    capture_output=True,
                    text=True,
                    timeout=300,
                    check=False,
                )
                assert p.returncode == 0, (line, p.stderr)
                if target:
                    (tmp_path / target.strip()).write_text(p.stdout, encoding="utf-8")
        assert server.requests  # the model examples did ask the stand-in
    assert (tmp_path / "episode.json").is_file() and len(list((tmp_path / "llm_logs").glob("*.json"))) == 4


def test_the_explorer_section_shows_what_the_command_prints():
    """The explorer's printed table in the doc is the command's: its rows' layout and the best strategy."""
    text = DOC.read_text(encoding="utf-8")
    section = text[text.index("## The strategy explorer") : text.index("## What the tests check")]
    command = next(code for lang, code in code_blocks(section) if lang == "sh").strip()
    p = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), *shlex.split(command)[2:]],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert p.returncode == 0, p.stderr
    shown = [line[4:] for line in section.splitlines() if line.startswith("    ")]
    best = next(line for line in shown if line.startswith("  1  "))
    assert best.split("  ")[-1] in p.stdout  # the same best strategy, in the same words
    for line in shown:
        if line.startswith(("Explore:", "  #", "  parameter", "Limits:")):
            assert line in p.stdout.splitlines()
