"""The guides stay true: the authoring guide's full example validates and plays; the README's
commands exist."""

from __future__ import annotations

import re

import numpy as np
import pytest

from game.cli import COMMANDS, main
from game.engine.batch import Batch
from game.runners.load import load_bytes
from game.runners.local import policies_for


def _block_after(text: str, marker: str) -> str:
    start = text.index(marker)
    body = text[text.index("```yaml\n", start) + len("```yaml\n") :]
    return body[: body.index("```")]


def test_authoring_guide_full_example_validates_and_plays():
    guide = open("docs/authoring.md", encoding="utf-8").read()
    example = _block_after(guide, "<!-- from: example -->")
    loaded = load_bytes(example.encode(), "marrow_dam.yaml")
    assert loaded.scenario.meta.title == "The Marrow Dam"
    b = Batch(loaded.rules, 1, np.arange(500, dtype=np.uint64), policies_for(loaded.rules)).run()
    assert (b.outcome >= 0).all()


def test_readme_commands_exist():
    readme = open("README.md", encoding="utf-8").read()
    used = set(re.findall(r"python main\.py ([a-z-]+)", readme))
    assert used <= set(COMMANDS), used - set(COMMANDS)
    assert "python -m pytest" in readme and "python main.py" in readme


def test_the_guides_example_files_validate():
    import glob

    from game.runners.load import load_scenario

    files = sorted(glob.glob("docs/examples/*.yaml"))
    assert {f.rsplit("/", 1)[-1] for f in files} >= {"marrow_dam.yaml", "marrow_dam_plus.yaml", "marrow_bluff.yaml"}
    for f in files:
        assert load_scenario(f).scenario.meta.title


def test_the_guides_for_each_actor_example_loads_in_the_recipes_file():
    guide = open("docs/authoring.md", encoding="utf-8").read()
    example = _block_after(guide, "**One action for every actor: `for_each_actor:`.**")
    plus = open("docs/examples/marrow_dam_plus.yaml", encoding="utf-8").read()
    text = plus.replace("actions:\n", "actions:\n" + example, 1)
    copies = {a.id: a for a in load_bytes(text.encode(), "plus.yaml").scenario.actions if a.id.startswith("pressure")}
    assert {k: (a.actor, a.name) for k, a in copies.items()} == {
        "pressure_ostrana": (("ostrana",), "Press Lenvia"),
        "pressure_lenvia": (("lenvia",), "Press Ostrana"),
    }


def test_the_guides_rungs_off_example_loads_in_the_recipes_file():
    guide = open("docs/authoring.md", encoding="utf-8").read()
    example = _block_after(guide, "**How far off, as a number: `rungs_off`.**")
    plus = open("docs/examples/marrow_dam_plus.yaml", encoding="utf-8").read()
    scn = load_bytes(plus.replace("signals:\n", "signals:\n" + example, 1).encode(), "plus.yaml").scenario
    promise = next(s for s in scn.signals if s.id == "calm_promise")
    assert promise.effects[1] == "ostrana.pride -= 0.1 * (max(0, ostrana.last_rung - 1))"


def test_the_guide_quotes_the_corpus_messages_as_the_loader_and_lint_say_them():
    """The guide's examples of the new errors and warnings are the corpus files' own messages."""
    from pathlib import Path

    guide = open("docs/authoring.md", encoding="utf-8").read()
    corpus = Path("tests/bad_scenarios")
    files = [corpus / "70_rule_names_hold_and_watch.yaml", corpus / "71_apostrophe_in_single_quotes.yaml"]
    files += sorted((corpus / "warnings").glob("*.yaml"))
    for f in files:
        first = f.read_text(encoding="utf-8").splitlines()[0]
        message = re.sub(r"^# \w+: [^ ]+:\d+:\d+: ", "", first)
        assert message in guide, f"{f.name}: the guide does not say {message!r}"


def _transcripts(path: str, command: str):
    """Each ``$ python main.py <command> ...`` block of a guide: its arguments and the lines shown."""
    text = open(path, encoding="utf-8").read()
    for m in re.finditer(r"```(?:text)?\n\$ python main\.py (" + command + r" [^\n]+)\n(.*?)```", text, re.S):
        yield m.group(1).split(), m.group(2).rstrip().splitlines()


@pytest.mark.parametrize("path", ["README.md", "docs/authoring.md"])
def test_the_guides_replays_print_what_replay_prints(path, capsys):
    """A replay shown in a guide is what the command prints today, line for line: a line "..."
    stands for lines left out, and a line ending in " ..." for the rest of a long line."""
    shown = list(_transcripts(path, "replay"))
    assert shown
    for args, lines in shown:
        args = [a.replace("scenarios/marrow", "docs/examples/marrow") for a in args]
        assert main(args) == 0
        printed = capsys.readouterr().out.rstrip().splitlines()
        if all(x.strip() != "..." for x in lines):
            assert printed == lines, args
            continue
        at = 0
        for line in (x for x in lines if x.strip() != "..."):
            head = line[:-4] if line.endswith(" ...") else None
            while at < len(printed) and not (printed[at] == line or (head and printed[at].startswith(head))):
                at += 1
            assert at < len(printed), f"{' '.join(args)}: not printed (or out of order): {line}"
            at += 1
