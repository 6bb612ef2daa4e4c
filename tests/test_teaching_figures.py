"""The teaching guides' figures are true: every marked block in docs/teaching/*.md is recomputed
from real games (fixed seeds, the same code as ``tools/teaching_figures.py``) and must equal the
guide's text. A guide also has every part a teacher needs, and names only commands that exist."""

from __future__ import annotations

import glob
import re

import pytest

from game.cli import COMMANDS
from tools import teaching_figures

GUIDES = sorted(glob.glob("docs/teaching/*.md"))
SECTIONS = (
    "## Learning objectives",
    "## Seats and teams for 12 to 30 students",
    "## Lesson plan: 50 minutes",
    "## Lesson plan: 90 minutes",
    "## Parameter settings to demonstrate",
    "## Discussion questions",
    "## Glossary",
    "## Reading list",
    "## Assessment rubric",
)


def test_there_is_a_guide_for_each_real_scenario():
    """Every shipped scenario but the tutorial is about real events and comes with a teacher's guide."""
    real = {p.rsplit("/", 1)[-1].removesuffix(".yaml") + ".md" for p in glob.glob("scenarios/*.yaml")}
    real.discard("tutorial.md")
    assert real >= {"atacms_2024.md", "cuba_1962.md", "israel_iran_2024.md"}
    assert {g.rsplit("/", 1)[-1] for g in GUIDES} >= real


@pytest.mark.slow
@pytest.mark.parametrize("path", GUIDES)
def test_every_figure_in_the_guide_is_what_the_games_give(path):
    text = open(path, encoding="utf-8").read()
    found = teaching_figures.blocks(text)
    assert {spec.split()[0] for spec, _ in found} >= {"outcomes", "sweep", "questions", "statuses"}
    for spec, body in found:
        want = teaching_figures.render_block(spec)
        assert body == want, f"{path}: the block '{spec}' is out of date; run python tools/teaching_figures.py"


@pytest.mark.parametrize("path", GUIDES)
def test_the_guide_has_every_part_and_names_real_commands(path):
    text = open(path, encoding="utf-8").read()
    for heading in SECTIONS:
        assert heading in text, f"{path}: no '{heading}'"
    used = set(re.findall(r"python main\.py ([a-z-]+)", text))
    assert used and used <= set(COMMANDS), used - set(COMMANDS)
    questions = text.split("## Discussion questions", 1)[1].split("## Glossary", 1)[0]
    generated = teaching_figures.blocks(questions)[0][1]
    assert 6 <= len(re.findall(r"^\d+\. ", generated, re.M)) <= 8
    for spec, _ in teaching_figures.blocks(text):
        scenario = dict(x.split("=", 1) for x in spec.split()[1:]).get("scenario")
        assert scenario is None or path.endswith(f"{scenario}.md"), f"{path} quotes figures of {scenario}"
