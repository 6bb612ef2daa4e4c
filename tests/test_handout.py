"""``handout``: the printable page set and one card per seat, rendered in full (no template
variable left), with the documents' claim checks and the debrief sheet's figures from real games."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from markupsafe import escape

from game.class_report import scenario_figures
from game.handout import build, render
from game.runners.load import load_scenario


def esc(text: str) -> str:
    """As Jinja2's autoescape writes it."""
    return str(escape(text))


SCENARIOS = ["atacms_2024", "cuba_1962", "tutorial"]


def run(*args):
    p = subprocess.run([sys.executable, "main.py", *args], capture_output=True, text=True, timeout=300)
    assert "Traceback" not in p.stderr, p.stderr
    return p


@pytest.mark.parametrize("name", SCENARIOS)
def test_the_command_writes_the_page_set_and_a_card_for_every_seat(tmp_path, name):
    p = run("handout", f"scenarios/{name}.yaml", "--out", str(tmp_path), "--games", "300")
    assert p.returncode == 0, p.stderr
    scn = load_scenario(f"scenarios/{name}.yaml").scenario
    seats = [a for a in scn.actors if a.playable]
    assert f"{len(seats)} role cards" in p.stdout
    page = (tmp_path / "handout.html").read_text(encoding="utf-8")
    for actor in seats:
        card = (tmp_path / f"card-{actor.id}.html").read_text(encoding="utf-8")
        assert f"<h1>{esc(actor.name)}</h1>" in card and f'id="card-{actor.id}"' in page
        for text in (page, card):
            assert not re.search(r"\{\{|\}\}|\{%|%\}", text), "a template tag was left unrendered"
    assert page.count('class="page"') >= 3 + len(seats)
    assert "size: A4" in page and "break-after: page" in page
    assert "Teacher's debrief sheet" in page and "The six claim statuses" in page


def test_letter_paper_and_figures_from_the_same_games_as_the_class_report(tmp_path):
    loaded = load_scenario("scenarios/cuba_1962.yaml")
    handout = build(loaded, "letter", games=400, seed=3)
    assert handout.figures == scenario_figures(loaded.rules, 400, 3)
    page = render(handout)["handout.html"]
    assert "size: letter" in page
    history = next(o for o in handout.figures.outcomes if o.historical)
    share = f"{history.share * 100:.0f}%"
    assert re.search(rf"{re.escape(history.name)} <b>\(history\)</b></td><td class=\"num\">{share}</td>", page)
    for q in handout.questions:
        assert esc(q.text) in page


def test_a_documents_points_are_printed_with_their_claims_and_statuses():
    loaded = load_scenario("scenarios/atacms_2024.yaml")
    page = render(build(loaded, games=50))["handout.html"]
    claims = {c.id: c for c in loaded.scenario.meta.claims}
    doc = loaded.scenario.meta.documents[0]
    section = page[page.index(f'id="document-{doc.id}"') :]
    for point in doc.points:
        for cid in point.claims:
            assert f'<span class="status {claims[cid].status}">' in section


def test_a_seat_without_a_written_card_gets_one_from_its_objectives_and_declared_red_lines():
    from game.handout import card_for

    scn = load_scenario("docs/examples/marrow_dam.yaml").scenario
    for actor in scn.actors:
        assert actor.role_card.is_empty()
        card = card_for(scn, actor.id)
        goals = [o.text for o in scn.objectives if o.actor == actor.id]
        assert card.sections[0].title == "What you want"
        assert card.sections[0].text == ("; ".join(goals) or actor.description)
        declared = [r.name for r in scn.red_lines if r.owner == actor.id and r.declared]
        assert any(all(n in s.text for n in declared) for s in card.sections) or not declared
