"""The teacher's kit's format: short briefings, role cards, documents and the claim-status glossary
are checked at load (a document's claim ids resolve, with a did-you-mean), linted for length, and
documented in the authoring guide in the code's own words."""

from __future__ import annotations

import json
import re
import shutil

import attrs
import pytest
import yaml

from game.claim_status import CLAIM_STATUSES, STATUS_DEFINITIONS, glossary_markdown
from game.lint import SHORT_BRIEFING_WORDS, lint
from game.model import CLAIM_STATUSES as MODEL_STATUSES
from game.model import RoleCard
from game.runners.load import ScenarioError, load_scenario


def _tutorial_with(tmp_path, change) -> str:
    """A variant of the tutorial (``extends:``), so the test never re-serialises the shipped file."""
    shutil.copy("scenarios/tutorial.yaml", tmp_path / "tutorial.yaml")
    base = yaml.safe_load(open("scenarios/tutorial.yaml", encoding="utf-8"))
    variant: dict = {"extends": "tutorial.yaml", "meta": {}, "actors": {}}
    change(base, variant)
    path = tmp_path / "kit.yaml"
    path.write_text(json.dumps(variant, indent=1), encoding="utf-8")
    return str(path)


def _document(claims: list[str], source: str) -> dict:
    return {
        "id": "speech",
        "title": "A speech",
        "author": "A minister",
        "date": "2031-06-01",
        "kind": "speech",
        "source": source,
        "summary": "The minister warns.",
        "points": [{"says": "The strait is ours.", "quote": "ours", "claims": claims}],
    }


def test_the_format_holds_a_document_and_a_role_card(tmp_path):
    def change(base, variant):
        claim = base["meta"]["claims"][0]["id"]
        source = base["meta"]["sources"][0]["id"]
        variant["meta"]["documents"] = [_document([claim], source)]
        variant["meta"]["briefing_short"] = "Read this first."
        first = next(iter(base["actors"]))
        variant["actors"][first] = {"role_card": {"goals": "Hold the island.", "red_lines": "No landing."}}

    scn = load_scenario(_tutorial_with(tmp_path, change)).scenario
    doc = scn.meta.documents[0]
    assert doc.kind == "speech" and doc.points[0].claims == (scn.meta.claims[0].id,)
    assert scn.meta.briefing_short == "Read this first."
    assert scn.actors[0].role_card.goals == "Hold the island." and not scn.actors[0].role_card.is_empty()
    assert RoleCard().is_empty()


def test_a_documents_unknown_claim_and_source_are_errors_at_their_place(tmp_path):
    def change(base, variant):
        claim = base["meta"]["claims"][0]["id"]
        variant["meta"]["documents"] = [_document([claim + "x"], "nowhere")]
        variant["meta"]["documents"][0]["kind"] = "blog"

    with pytest.raises(ScenarioError) as err:
        load_scenario(_tutorial_with(tmp_path, change))
    text = str(err.value)
    assert re.search(
        r"kit\.yaml:\d+:\d+: meta\.documents\.speech\.points\[0\]\.claims\[0\]: unknown claim '\w+x'", text
    ), text
    assert "did you mean" in text
    assert "unknown source 'nowhere'" in text
    assert "kind must be one of op-ed, speech, statement, article; found 'blog'" in text


def test_lint_warns_when_the_short_briefing_runs_long(tmp_path):
    long = " ".join(["word"] * 712)

    def change(base, variant):
        variant["meta"]["briefing_short"] = long

    lines = [str(d) for d in lint(load_scenario(_tutorial_with(tmp_path, change)))]
    said = "meta.briefing_short: warning: 712 words; a short briefing reads in five minutes at about 600"
    assert any(line.endswith(said) and "kit.yaml:" in line for line in lines), lines
    assert SHORT_BRIEFING_WORDS == 600


def test_one_glossary_of_claim_statuses_in_code_and_in_the_authoring_guide():
    assert MODEL_STATUSES == CLAIM_STATUSES == tuple(STATUS_DEFINITIONS)
    assert CLAIM_STATUSES == ("established", "reported", "contested", "disputed", "unsupported", "false")
    guide = open("docs/authoring.md", encoding="utf-8").read()
    block = guide.split("<!-- claim-statuses:start -->\n", 1)[1].split("\n<!-- claim-statuses:end -->", 1)[0]
    assert block == glossary_markdown()


def test_the_shipped_short_briefings_read_in_five_minutes():
    for name in ("atacms_2024", "cuba_1962", "tutorial"):
        scn = load_scenario(f"scenarios/{name}.yaml").scenario
        words = len(scn.meta.briefing_short.split())
        assert 0 < words <= SHORT_BRIEFING_WORDS, (name, words)


CLAIM_ID = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b")


@pytest.mark.parametrize("name", ["atacms_2024", "cuba_1962"])
def test_every_seat_has_a_full_role_card_whose_claim_ids_exist(name):
    scn = load_scenario(f"scenarios/{name}.yaml").scenario
    claims = {c.id for c in scn.meta.claims}
    for actor in scn.actors:
        card = actor.role_card
        assert all(attrs_value.strip() for attrs_value in attrs.astuple(card)), actor.id
        cited = set(CLAIM_ID.findall(card.red_lines + card.knows + card.does_not_know))
        assert cited, f"{actor.id}: a role card cites the claims it rests on"
        every = set(CLAIM_ID.findall(" ".join(attrs.astuple(card))))
        assert every <= claims, f"{actor.id}: unknown claim ids {sorted(every - claims)}"
