"""``extends:``: variants by id, confined to the folder tree, errors in the right file."""

from __future__ import annotations

import os
import shutil

import pytest

from game.diagnostics import ScenarioError
from game.runners.load import load_scenario


@pytest.fixture
def folder(tmp_path):
    shutil.copy("scenarios/tutorial.yaml", tmp_path / "tutorial.yaml")
    return tmp_path


def write(folder, name, text):
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return str(path)


def first_error(path):
    with pytest.raises(ScenarioError) as exc:
        load_scenario(path)
    return exc.value.diagnostics[0]


def test_variant_changes_one_probability_adds_an_actor_and_removes_a_red_line(folder):
    path = write(
        folder,
        "bluff.yaml",
        """\
extends: tutorial.yaml
meta: {id: bluff, title: Bluff}
red_lines:
  - id: island_landing
    responses:
      - {id: show_back, p: 0.3}
  - id: homeland_struck
    remove: true
actors:
  cerulia: {name: Cerulia, policy: dove}
""",
    )
    scn = load_scenario(path).scenario
    base = load_scenario(str(folder / "tutorial.yaml")).scenario
    assert scn.meta.title == "Bluff" and scn.meta.summary == base.meta.summary
    assert [r.id for r in scn.red_lines] == ["island_landing"]
    resp = {r.id or r.action: r.p for r in scn.red_lines[0].responses}
    assert resp["show_back"] == "0.3" and resp["strike_back"] == "params.enforce_p"
    assert [a.id for a in scn.actors] == ["aldoria", "borvia", "cerulia"]


def test_error_in_variant_points_at_the_variant(folder):
    path = write(
        folder,
        "bad.yaml",
        """\
extends: tutorial.yaml
outcomes:
  - {id: war, when: "tensoin > 1"}
""",
    )
    d = first_error(path)
    assert d.file.endswith("bad.yaml") and (d.line, d.col) == (3, 22)
    assert d.message == "unknown variable 'tensoin' (did you mean 'tension'?)"


def test_error_in_base_points_at_the_base(folder):
    text = (folder / "tutorial.yaml").read_text().replace("category: posturing", "category: posture")
    write(folder, "base.yaml", text)
    path = write(folder, "variant.yaml", "extends: base.yaml\nmeta: {title: V}\n")
    d = first_error(path)
    assert d.file.endswith("base.yaml")
    assert "did you mean 'posturing'" in d.message


def test_escapes_and_cycles_are_refused(folder, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside")
    shutil.copy("scenarios/tutorial.yaml", outside / "t.yaml")
    sub = folder / "sub"
    sub.mkdir()
    assert "outside this scenario's folder" in first_error(write(sub, "up.yaml", "extends: ../tutorial.yaml\n")).message
    assert "absolute path" in first_error(write(folder, "abs.yaml", f"extends: {outside / 't.yaml'}\n")).message
    os.symlink(outside / "t.yaml", folder / "link.yaml")
    assert "outside" in first_error(write(folder, "sym.yaml", "extends: link.yaml\n")).message
    write(folder, "a.yaml", "extends: b.yaml\n")
    write(folder, "b.yaml", "extends: a.yaml\n")
    assert "cycle" in first_error(str(folder / "a.yaml")).message
    assert "no such file" in first_error(write(folder, "m.yaml", "extends: missing.yaml\n")).message


def test_base_in_a_subfolder_is_fine(folder):
    (folder / "bases").mkdir()
    shutil.copy(folder / "tutorial.yaml", folder / "bases" / "t.yaml")
    path = write(folder, "v.yaml", "extends: bases/t.yaml\nmeta: {title: From a subfolder}\n")
    assert load_scenario(path).scenario.meta.title == "From a subfolder"


def test_a_section_in_the_wrong_form_is_an_error_in_the_variant(folder):
    path = write(folder, "v.yaml", "extends: tutorial.yaml\nactors:\n  - id: cerulia\n    name: Cerulia\n")
    d = first_error(path)
    assert d.file.endswith("v.yaml") and d.line == 3
    assert "write 'actors' in the same form as the base" in d.message


def test_a_misspelt_base_gets_a_suggestion(folder):
    d = first_error(write(folder, "v.yaml", "extends: tutoral.yaml\n"))
    assert d.message.endswith("no such file (did you mean 'tutorial.yaml'?)")
