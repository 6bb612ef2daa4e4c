"""Expensive-but-valid scenarios (issue 17): work after parsing is bounded, messages exact.

The files are written by ``tools/make_hostile.py`` into a temporary folder; the bench
(``bench/bench_hostile.py``) times every command over them, these tests check what each
produces: the refusals word for word, the accepted files as they were computed before the
work was indexed.
"""

from __future__ import annotations

import difflib
import random
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from game.diagnostics import SMALL_CHOICES, NearNames, ScenarioError, did_you_mean
from game.engine.rules import MAX_ACTION_INSTANCES, MAX_INSTANCES, MAX_RULES_PER_OPTION
from game.loader.references import MAX_SUGGESTIONS
from game.runners.load import load_bytes, load_scenario

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

import make_hostile  # noqa: E402  (a tool, not a package)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    for name in ("bad_refs", "big_fog", "weapons_x_sites"):
        make_hostile.write(name, str(folder))
    return folder


def problems(path: Path) -> list:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value.diagnostics


def test_4000_misspelt_references_suggest_for_the_first_50(corpus):
    diags = problems(corpus / "bad_refs.yaml")
    assert len(diags) == 4000
    first = diags[0].message
    assert first == "unknown site 'depto_0000' (did you mean 'depot_0000'?)"
    hinted = [d for d in diags if "did you mean" in d.message]
    assert len(hinted) == MAX_SUGGESTIONS
    assert diags[MAX_SUGGESTIONS].message == f"unknown site 'depto_{MAX_SUGGESTIONS:04d}'"


def test_weapons_x_sites_is_refused_at_the_action(corpus):
    diags = problems(corpus / "weapons_x_sites.yaml")
    assert [d.path for d in diags] == ["actions.strike"]
    assert diags[0].message == (
        f"900,600 target instances (weapons x sites) exceed the limit of {MAX_ACTION_INSTANCES:,}; narrow its targets"
    )
    assert diags[0].line > 0


def test_the_scenario_wide_instance_limit():
    """Three actions of 18,012 instances each: each under the action limit, together over."""
    scn = make_hostile.base()
    make_hostile.weapons_x_sites(scn)
    strike = scn["actions"][-1]
    strike["weapon"] = strike["weapon"][:6]
    for n in (2, 3):
        scn["actions"].append({**strike, "id": f"strike_{n}", "name": f"Strike {n}"})
    diags = problems_of(yaml.safe_dump(scn, sort_keys=False))
    assert [(d.path, d.message) for d in diags] == [
        (
            "actions.strike_3",
            f"its 18,012 target instances (weapons x sites) bring the scenario to 57,042, "
            f"past the limit of {MAX_INSTANCES:,}; narrow its targets",
        )
    ]


def problems_of(text: str) -> list:
    with pytest.raises(ScenarioError) as info:
        load_bytes(text.encode(), "x.yaml")
    return info.value.diagnostics


def test_fog_over_thousands_of_instances_maps_each_to_the_closest(corpus):
    rules = load_scenario(corpus / "big_fog.yaml").rules
    assert len(rules.instances) > 3000
    for fog in rules.fog:
        target = [rules.instances[int(i)] for i in rules.actions[fog.becomes].instances]
        for src_id, dst_id in fog.inst_map.items():
            src = rules.instances[src_id]
            expected = next(
                (x.id for x in target if x.site == src.site and x.weapon == src.weapon),
                next((x.id for x in target if x.site == src.site), next((x.id for x in target if x.static_ok), None)),
            )
            assert dst_id == (expected if expected is not None else target[0].id)


def test_near_names_agree_with_a_full_scan_on_one_edit_typos():
    rng = random.Random(7)
    letters = "abcdefghijklmnopqrstuvwxyz_"
    names = sorted({"".join(rng.choice(letters) for _ in range(rng.randint(4, 14))) for _ in range(2000)})
    index = NearNames(names)
    for name in rng.sample(names, 200):
        i = rng.randrange(len(name))
        typo = name[:i] + rng.choice(letters) + name[i + 1 :]
        best = difflib.get_close_matches(typo, names, n=1, cutoff=0.6)
        found = index.closest(typo)
        assert found is not None
        assert difflib.SequenceMatcher(None, typo, found).ratio() == pytest.approx(
            difflib.SequenceMatcher(None, typo, best[0]).ratio()
        )


def test_did_you_mean_is_unchanged_for_small_sets():
    names = [f"name_{i}" for i in range(SMALL_CHOICES)]
    assert did_you_mean("name_7x", names) == " (did you mean 'name_7'?)"
    assert did_you_mean("tensoin", ["tension", "support"]) == " (did you mean 'tension'?)"


def test_a_cyrillic_letter_in_an_expression_is_named():
    text = (ROOT / "tests/bad_scenarios/68_fullwidth_expression.yaml").read_text(encoding="utf-8")
    text = text.replace('"ｔension >= 0.4"', '"tеnsion >= 0.4"')
    (d,) = problems_of(text)
    assert d.message == "unknown variable 'tеnsion': character 2 is 'е' (CYRILLIC SMALL LETTER IE), not a Latin letter"
    assert d.path == "actions.seize_island.when"


def test_a_cyrillic_letter_in_an_id_is_named():
    text = (ROOT / "tests/bad_scenarios/68_fullwidth_expression.yaml").read_text(encoding="utf-8")
    text = text.replace('"ｔension >= 0.4"', '"tension >= 0.4"').replace("- id: talks\n", "- id: tаlks\n")
    messages = [d.message for d in problems_of(text)]
    assert "action id 'tаlks': character 2 is 'а' (CYRILLIC SMALL LETTER A), not a Latin letter" in messages


def _weighed_talks(n: int) -> str:
    scn = make_hostile.base()
    rules = scn["policies"]["aldoria_doctrine"]["rules"]
    rules.extend({"action": "talks", "weight": f"{i % 7} * (1 - tension) + talks / {i + 1}"} for i in range(n))
    return yaml.safe_dump(scn, sort_keys=False)


def test_rules_past_the_limit_on_one_option_are_refused_at_the_policy():
    """1,500 rules on one action made both engines fail with RecursionError (a sum as deep as its rules)."""
    diags = problems_of(_weighed_talks(MAX_RULES_PER_OPTION))
    assert [(d.path, d.message) for d in diags] == [
        (
            "policies.aldoria_doctrine.rules",
            f"{MAX_RULES_PER_OPTION + 1} rules weigh the action 'talks', past the limit of {MAX_RULES_PER_OPTION} "
            "an option; merge them into fewer rules",
        )
    ]


@pytest.mark.parametrize("engine", ["numpy", "compiled"])
def test_rules_up_to_the_limit_on_one_option_play(engine, tmp_path):
    """Just under the limit (the tutorial has one rule on 'talks' already), both engines play."""
    path = tmp_path / "crowded.yaml"
    path.write_text(_weighed_talks(MAX_RULES_PER_OPTION - 1))
    loaded = load_scenario(path)
    from game.runners.kernel_cache import compiler
    from game.runners.local import play_games, policies_for

    if engine == "compiled" and compiler() is None:
        pytest.skip("no C compiler")
    games = np.arange(200, dtype=np.uint64)
    result = play_games(loaded.rules, 1, games, policies_for(loaded.rules), engine)
    assert len(result.outcome) == 200 and result.turns.min() >= 1
