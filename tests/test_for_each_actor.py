"""``for_each_actor:``: an action written once and copied per actor at load, ``self`` and
``adversary`` named in its expressions; the copies are plain actions, errors at the template."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.diagnostics import ScenarioError
from game.runners.load import load_bytes, load_scenario

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = (ROOT / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")
PLUS = (ROOT / "docs" / "examples" / "marrow_dam_plus.yaml").read_text(encoding="utf-8")
TALKS = "  - id: talks\n    name: Propose talks\n"

TEMPLATE = """\
  - id: pressure
    name: Press {adversary}
    for_each_actor: FOR_EACH
    category: posturing
    rung: show
    when: "self.resolve > 0.2"
    effects: ["adversary.resolve -= 0.1", "self.resolve += 0.05"]
    text: "{actor} presses {adversary} to back down."
"""


def with_template(for_each: str = "true", base: str = TUTORIAL, anchor: str = TALKS, template: str = TEMPLATE):
    assert base.count(anchor) == 1
    return base.replace(anchor, template.replace("FOR_EACH", for_each) + anchor)


def load(text: str):
    return load_bytes(text.encode(), "s.yaml")


def errors(text: str) -> list[str]:
    with pytest.raises(ScenarioError) as exc:
        load(text)
    return [str(d) for d in exc.value.diagnostics]


def test_one_action_per_actor_with_self_and_adversary_filled_in():
    scn = load(with_template()).scenario
    copies = {a.id: a for a in scn.actions if a.id.startswith("pressure")}
    assert list(copies) == ["pressure_aldoria", "pressure_borvia"]
    a = copies["pressure_aldoria"]
    assert a.actor == ("aldoria",) and a.name == "Press Borvia"
    assert a.when == "aldoria.resolve > 0.2"
    assert a.effects == ("borvia.resolve -= 0.1", "aldoria.resolve += 0.05")
    assert a.text == "{actor} presses Borvia to back down."
    assert copies["pressure_borvia"].effects == ("aldoria.resolve -= 0.1", "borvia.resolve += 0.05")


def test_the_copies_play_as_if_written_out():
    """The template and the same two actions written by hand give the same rules, game for game."""
    import numpy as np

    from game.engine.batch import Batch
    from game.runners.local import policies_for

    by_hand = "".join(
        f"""\
  - id: pressure_{me}
    name: Press {Other}
    actor: {me}
    category: posturing
    rung: show
    when: "{me}.resolve > 0.2"
    effects: ["{other}.resolve -= 0.1", "{me}.resolve += 0.05"]
    text: "{{actor}} presses {Other} to back down."
"""
        for me, other, Other in (("aldoria", "borvia", "Borvia"), ("borvia", "aldoria", "Aldoria"))
    )
    games = np.arange(300, dtype=np.uint64)
    texts = (with_template(), TUTORIAL.replace(TALKS, by_hand + TALKS))
    assert load(texts[0]).scenario == load(texts[1]).scenario
    outcomes = []
    for text in texts:
        rules = load(text).rules
        outcomes.append(Batch(rules, 7, games, policies_for(rules)).run().outcome.copy())
    assert np.array_equal(outcomes[0], outcomes[1])


def test_a_list_of_actors_and_a_mapping_of_adversaries():
    scn = load(with_template("[borvia]")).scenario
    assert [a.id for a in scn.actions if a.id.startswith("pressure")] == ["pressure_borvia"]
    plus = with_template(
        "{ostrana: lenvia, lenvia: ostrana}", PLUS, "  - id: talks\n", TEMPLATE.replace("show", "mobilise")
    )
    plus = plus.replace("self.resolve", "tension").replace("adversary.resolve", "tension")
    scn = load(plus).scenario
    names = {a.id: a.name for a in scn.actions if a.id.startswith("pressure")}
    assert names == {"pressure_ostrana": "Press Lenvia", "pressure_lenvia": "Press Ostrana"}


def test_each_copy_keeps_the_weapons_its_actor_owns():
    template = """\
  - id: strike_home
    name: Strike the other's navy
    for_each_actor: true
    category: violent
    rung: strike
    weapon: [aldoria_missiles, borvia_missiles]
    target: {tags: [aldoria_home, borvia_home], kinds: [military]}
    text: "{actor} fires {weapon} at {target}."
"""
    scn = load(with_template(template=template)).scenario
    weapons = {a.id: a.weapon for a in scn.actions if a.id.startswith("strike_home")}
    assert weapons == {"strike_home_aldoria": ("aldoria_missiles",), "strike_home_borvia": ("borvia_missiles",)}


def test_errors_point_at_the_template():
    text = with_template().replace('"adversary.resolve -= 0.1"', '"adversary.resolv -= 0.1"')
    line = 1 + text[: text.index('["adversary.resolv')].count("\n")
    found = errors(text)
    assert found[0] == (
        f"s.yaml:{line}:16: actions.pressure.effects[0]: "
        "unknown variable 'borvia.resolv' (did you mean 'borvia.resolve'?)"
    )
    assert errors(with_template("[aldoria, borvai]"))[0].endswith(
        "actions.pressure.for_each_actor: unknown actor 'borvai' (did you mean 'borvia'?)"
    )
    both = with_template().replace("    for_each_actor: true\n", "    for_each_actor: true\n    actor: aldoria\n")
    assert errors(both)[0].endswith("actions.pressure.actor: write for_each_actor: or actor:, not both")
    assert errors(with_template("5"))[0].endswith(
        "actions.pressure.for_each_actor: write true (every actor), a list of actor ids, or a mapping from each "
        "actor to its adversary (e.g. {ostrana: lenvia, lenvia: ostrana})"
    )


def test_an_adversary_that_is_not_one_actor_is_an_error():
    """In the Marrow Dam, Ostrana faces Lenvia and Kalder (one side): its adversary must be named."""
    plus = with_template("true", PLUS, "  - id: talks\n", TEMPLATE.replace("show", "mobilise"))
    plus = plus.replace("self.resolve > 0.2", "tension > 0.2").replace('"adversary.resolve -= 0.1", ', "")
    plus = plus.replace('"self.resolve += 0.05"', '"tension += 0.05"')
    assert errors(plus)[0].endswith(
        "actions.pressure.name: 'adversary' is not one actor for 'ostrana': it has 2 actors on other sides "
        "(lenvia, kalder); name each actor's adversary with for_each_actor: {ACTOR: ADVERSARY, ...}"
    )


def test_a_variant_changes_the_template_by_id(tmp_path):
    (tmp_path / "base.yaml").write_text(with_template(), encoding="utf-8")
    (tmp_path / "v.yaml").write_text("extends: base.yaml\nactions:\n  - {id: pressure, rung: talk}\n")
    scn = load_scenario(tmp_path / "v.yaml").scenario
    assert {a.rung for a in scn.actions if a.id.startswith("pressure")} == {"talk"}
