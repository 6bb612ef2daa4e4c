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


@pytest.mark.parametrize("name", SCENARIOS)
def test_role_cards_never_show_a_claim_id_but_numbered_notes_with_status_and_sources(name):
    """A teacher saw '(b59, contested)' on a card: an internal id, and a status the card could not keep true."""
    from game.claim_notes import STATUS_MEANS
    from game.handout import card_for
    from game.ui.screens.role_card import role_card_html

    scn = load_scenario(f"scenarios/{name}.yaml").scenario
    ids = {c.id for c in scn.meta.claims}
    sources = {s.id: s.title for s in scn.meta.sources}
    files = render(build(load_scenario(f"scenarios/{name}.yaml"), games=20))
    for actor in (a for a in scn.actors if a.playable):
        card = card_for(scn, actor.id)
        shown = [card.description, *(s.text for s in card.sections)]
        window = re.sub(r"<[^>]+>", " ", role_card_html(scn, actor.id, 14))
        page = re.sub(r"<[^>]+>", " ", files[f"card-{actor.id}.html"])
        for text in (*shown, window, page):
            assert not set(re.findall(r"\b[a-z0-9_]+\b", text)) & {
                i for i in ids if "_" in i or any(map(str.isdigit, i))
            }
        cited = [int(n) for s in card.sections for m in re.findall(r"\[([\d, ]+)\]", s.text) for n in m.split(", ")]
        assert sorted(set(cited)) == [n.number for n in card.notes] == list(range(1, len(card.notes) + 1))
        for note in card.notes:
            claim = next(c for c in scn.meta.claims if c.statement == note.statement)
            assert note.status == claim.status and note.status_means == STATUS_MEANS[claim.status]
            assert all(sources[s] in line for s, line in zip(claim.sources, note.sources))
            assert esc(note.status_means) in files[f"card-{actor.id}.html"]


def test_a_parenthesis_of_only_ids_and_a_status_becomes_the_note_numbers():
    from game.claim_notes import noted

    scn = load_scenario("scenarios/cuba_1962.yaml").scenario
    text = noted("judge for himself (b59, contested); over Soviet territory (maultsby). Elections (midterms).", scn)
    assert text.text == "judge for himself [1]; over Soviet territory [2]. Elections [3]."
    assert [n.status for n in text.notes] == [
        c.status for i in ("b59", "maultsby", "midterms") for c in scn.meta.claims if c.id == i
    ]
    mixed = noted("weapons (tactical_nukes: US intelligence did not know); the midterms matter", scn)
    assert mixed.text == "weapons ([1]: US intelligence did not know); the midterms matter"
