"""``handout``: the teacher's printable pages for a scenario, as HTML made for print.

One page set (``handout.html``): the short briefing, a role card per seat, the documents point by
point with the claims that check them, the six claim statuses, and the teacher's debrief sheet
(discussion questions, outcome shares and red-line trip rates from real AI games). Each role card
is also written alone (``card-ACTOR.html``) to hand to a team. Templates are Jinja2 files in
``game/templates/handout/``; undefined variables are errors, so nothing is printed unrendered.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import attrs
import jinja2

from game.claim_notes import ClaimNote, Notes
from game.claim_status import STATUS_DEFINITIONS
from game.class_report import Question, ScenarioFigures, discussion_questions, scenario_figures
from game.files import atomic_write
from game.model import Scenario

PAPER_SIZES = {"a4": "A4", "letter": "letter"}
"""``--paper`` choices and their CSS ``@page size``."""

HEADING = re.compile(r"^([A-Z][A-Z' ]{3,}\.)\s")
CARD_SECTIONS = (
    ("goals", "What you want"),
    ("red_lines", "Your red lines"),
    ("knows", "What you know"),
    ("does_not_know", "What you do not know"),
    ("options_note", "Your options"),
    ("others", "What the others say"),
)


@attrs.frozen
class Paragraph:
    heading: str
    text: str


@attrs.frozen
class CardSection:
    title: str
    text: str
    """The author's text, each claim id it cites as a note number ``[3]``."""


@attrs.frozen
class Card:
    actor_id: str
    name: str
    description: str
    sections: tuple[CardSection, ...]
    notes: tuple[ClaimNote, ...] = ()
    """The claims the card cites, numbered as a reader meets them: statement, status in words, sources."""


@attrs.frozen
class Handout:
    """Everything the templates print, already worked out."""

    scenario: Scenario
    briefing: tuple[Paragraph, ...]
    cards: tuple[Card, ...]
    figures: ScenarioFigures
    questions: tuple[Question, ...]
    paper: str


def paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Briefing text as paragraphs, a leading run of capitals ("WHAT HAPPENED.") as a heading.

    >>> paragraphs("Intro.\\nWHAT HAPPENED. It did.")
    (Paragraph(heading='', text='Intro.'), Paragraph(heading='What happened', text='It did.'))
    """
    out = []
    for para in text.split("\n"):
        if not para.strip():
            continue
        m = HEADING.match(para)
        if m:
            out.append(Paragraph(m.group(1).rstrip(".").capitalize(), para[m.end() :]))
        else:
            out.append(Paragraph("", para))
    return tuple(out)


def card_for(scn: Scenario, actor_id: str) -> Card:
    """A seat's card: the author's role card, or one built from its description, objectives and
    declared red lines when the author wrote none."""
    actor = scn.actor(actor_id)
    if actor.role_card.is_empty():
        goals = "; ".join(o.text for o in scn.objectives if o.actor == actor_id) or actor.description
        lines = "; ".join(r.name for r in scn.red_lines if r.owner == actor_id and r.declared)
        values = {"goals": goals, "red_lines": f"Declared: {lines}." if lines else ""}
    else:
        values = {key: getattr(actor.role_card, key) for key, _ in CARD_SECTIONS}
    notes = Notes(scn)
    sections = tuple(
        CardSection(title, notes.text(values[key])) for key, title in CARD_SECTIONS if values.get(key, "").strip()
    )
    return Card(actor.id, actor.name, actor.description, sections, notes.notes())


def build(loaded, paper: str = "a4", games: int = 2000, seed: int = 1) -> Handout:
    scn = loaded.scenario
    fig = scenario_figures(loaded.rules, games, seed)
    meta = scn.meta
    return Handout(
        scenario=scn,
        briefing=paragraphs(meta.briefing_short or meta.briefing or meta.summary),
        cards=tuple(card_for(scn, a.id) for a in scn.actors if a.playable),
        figures=fig,
        questions=discussion_questions(scn, fig),
        paper=PAPER_SIZES[paper],
    )


def template_dir() -> Path:
    return Path(__file__).resolve().parent / "templates" / "handout"


def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(template_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["percent"] = lambda x: f"{x * 100:.0f}%" if x >= 0.01 or x == 0 else "<1%"
    return env


def render(handout: Handout) -> dict[str, str]:
    """File name -> HTML: the whole page set, and each role card alone."""
    env = environment()
    claims = {c.id: c for c in handout.scenario.meta.claims}
    sources = {s.id: s for s in handout.scenario.meta.sources}
    common = {
        "h": handout,
        "scn": handout.scenario,
        "claims": claims,
        "sources": sources,
        "glossary": STATUS_DEFINITIONS,
    }
    files = {"handout.html": env.get_template("handout.html.j2").render(**common)}
    for card in handout.cards:
        files[f"card-{card.actor_id}.html"] = env.get_template("card_page.html.j2").render(card=card, **common)
    return files


def write(handout: Handout, out: str) -> list[str]:
    """Write the pages into ``out`` (created if missing); the paths written, in order."""
    os.makedirs(out, exist_ok=True)
    written = []
    for name, text in render(handout).items():
        path = os.path.join(out, name)
        with atomic_write(path) as fh:
            fh.write(text)
        written.append(path)
    return written
