"""The debrief's "Your own side's red lines" lines read as sentences: a private (never declared)
line of the student's side read "Turn 10: the Soviet Union's red line a line never declared", with
no verb and no name, though the role card lists it and the news names it."""

from pathlib import Path
from types import SimpleNamespace

from game.ui.match import Match
from game.ui.screens.debrief import DebriefScreen

CUBA = str(Path(__file__).resolve().parents[1] / "scenarios" / "cuba_1962.yaml")


def lines_for(declared: bool) -> list[str]:
    match = Match.start(CUBA, ("ussr",), 1)
    line = next(r for r in match.scenario.red_lines if r.owner == "ussr" and r.declared == declared)
    event = {
        "id": 1,
        "kind": "red_line",
        "turn": 10,
        "owner": "ussr",
        "red_line": line.id,
        "name": line.name,
        "declared": declared,
        "causes": [],
        "text": "red line; no response",
        "responses": [],
        "p_none": 0.6,
    }
    stand_in = SimpleNamespace(
        match=SimpleNamespace(scenario=match.scenario, session=SimpleNamespace(events=[event])), seats=("ussr",)
    )
    return DebriefScreen.own_red_lines_html(stand_in), line.name


def test_a_private_line_of_ones_own_side_is_named_and_said_to_have_fired():
    parts, name = lines_for(declared=False)
    head = next(p for p in parts if p.startswith("<b>Turn 10</b>"))
    assert f"\u2018{name}\u2019 fired" in head and "private red line" in head and "never declared" in head
    assert "a line never declared" not in head


def test_a_declared_line_of_ones_own_side_is_named_and_said_to_have_fired():
    parts, name = lines_for(declared=True)
    head = next(p for p in parts if p.startswith("<b>Turn 10</b>"))
    assert head.endswith(f"red line \u2018{name}\u2019 fired")
