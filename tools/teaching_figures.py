"""Write the teaching guides' figures from real games, between their markers.

    python tools/teaching_figures.py            # rewrites the blocks in docs/teaching/*.md
    python tools/teaching_figures.py --check    # exit 1 and name each block that is out of date

A guide asks for a figure with a marked block; the script fills in what is between the markers:

    <!-- figures:start outcomes scenario=atacms_2024 games=2000 seed=1 -->
    ...   (the AI's outcome shares, red-line trip rates and threshold rates)
    <!-- figures:end -->

    <!-- figures:start sweep scenario=atacms_2024 param=enforce_p values=0,0.5,1 games=2000 seed=1 -->
    ...   (the outcome shares at each value of the param, the same games at every value)
    <!-- figures:end -->

and ``questions scenario=... games=... seed=...`` (the debrief questions, as the handout asks them),
``statuses`` (the six claim statuses, from ``game/claim_status.py``).

``tests/test_teaching_figures.py`` recomputes every block (a few thousand games, fixed seeds: a
second or two) and fails when a guide's text differs, so no figure in a guide is ever stale.
Run this again after a scenario changes.
"""

from __future__ import annotations

import argparse
import functools
import glob
import os
import re
import sys

import attrs

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

from game.claim_status import glossary_markdown  # noqa: E402
from game.class_report import ScenarioFigures, discussion_questions, scenario_figures  # noqa: E402
from game.runners.load import load_scenario  # noqa: E402

GUIDES = os.path.join(ROOT, "docs", "teaching", "*.md")
BLOCK = re.compile(r"(<!-- figures:start (?P<spec>[^>]*?) -->\n)(?P<body>.*?)(<!-- figures:end -->)", re.S)


@attrs.frozen
class BlockSpec:
    """What a marker asks for: ``outcomes`` or ``sweep``, and its ``key=value`` arguments."""

    kind: str
    args: dict[str, str]

    @classmethod
    def parse(cls, text: str) -> BlockSpec:
        kind, *rest = text.split()
        args = dict(item.split("=", 1) for item in rest)
        return cls(kind, args)


def _percent(x: float) -> str:
    """A share as the guides print it.

    >>> _percent(0.4765), _percent(0.004), _percent(0.0)
    ('47.7%', '0.4%', '0.0%')
    """
    return f"{x * 100:.1f}%"


@functools.cache
def _rules(scenario: str, sets: tuple[tuple[str, float], ...] = ()):
    """The scenario compiled once per distinct setting (compiling dominates the time, not the games);
    a param set to its default value is the scenario as shipped."""
    path = os.path.join(ROOT, "scenarios", f"{scenario}.yaml")
    if not sets:
        return load_scenario(path).rules
    defaults = {f"params.{p.id}": p.value for p in _rules(scenario).scenario.params}
    changed = tuple((k, v) for k, v in sets if defaults.get(k) != v)
    return _rules(scenario, changed) if changed != sets else load_scenario(path, dict(sets)).rules


def _figures(scenario: str, games: int, seed: int, sets: tuple[tuple[str, float], ...] = ()) -> ScenarioFigures:
    return scenario_figures(_rules(scenario, sets), games, seed)


def outcomes_block(args: dict[str, str]) -> str:
    games, seed = int(args["games"]), int(args["seed"])
    fig = _figures(args["scenario"], games, seed)
    lines = [
        f"Figures from {games:,} games with the AI playing every seat by its doctrine (seed {seed}), "
        "written by `python tools/teaching_figures.py`.",
        "",
        "| outcome | share of AI games |",
        "| --- | ---: |",
    ]
    lines += [f"| {o.name}{' (history)' if o.historical else ''} | {_percent(o.share)} |" for o in fig.outcomes]
    lines += ["", "| red line | whose | declared | tripped in |", "| --- | --- | --- | ---: |"]
    lines += [
        f"| {r.name} | {r.owner} | {'declared' if r.declared else 'hidden'} | {_percent(r.rate)} |"
        for r in fig.red_lines
    ]
    lines += ["", "| threshold | crossed in |", "| --- | ---: |"]
    lines += [f"| {t.name} | {_percent(t.rate)} |" for t in fig.thresholds]
    return "\n".join(lines) + "\n"


def sweep_block(args: dict[str, str]) -> str:
    games, seed, param = int(args["games"]), int(args["seed"]), args["param"]
    values = [float(v) for v in args["values"].split(",")]
    figs = [_figures(args["scenario"], games, seed, ((f"params.{param}", v),)) for v in values]
    head = " | ".join(f"{param} = {v:g}" for v in values)
    lines = [
        f"Share of {games:,} AI games (seed {seed}, the same games at each value), "
        "written by `python tools/teaching_figures.py`.",
        "",
        f"| outcome | {head} |",
        "| --- |" + " ---: |" * len(values),
    ]
    for i, o in enumerate(figs[0].outcomes):
        cells = " | ".join(_percent(f.outcomes[i].share) for f in figs)
        lines.append(f"| {o.name}{' (history)' if o.historical else ''} | {cells} |")
    return "\n".join(lines) + "\n"


def questions_block(args: dict[str, str]) -> str:
    """The debrief questions the handout's sheet and the class page ask, with their figures."""
    games, seed = int(args["games"]), int(args["seed"])
    fig = _figures(args["scenario"], games, seed)
    qs = discussion_questions(_rules(args["scenario"]).scenario, fig)
    return "\n".join(f"{i}. {q.text} *Debrief: {q.where}.*" for i, q in enumerate(qs, 1)) + "\n"


def statuses_block(args: dict[str, str]) -> str:
    """The six claim statuses, in the words of ``game/claim_status.py``."""
    return glossary_markdown() + "\n"


KINDS = {"outcomes": outcomes_block, "sweep": sweep_block, "questions": questions_block, "statuses": statuses_block}


def render_block(spec: str) -> str:
    """The text a block with this marker should hold."""
    block = BlockSpec.parse(spec)
    if block.kind not in KINDS:
        raise ValueError(f"unknown figures block '{block.kind}' (known: {', '.join(KINDS)})")
    return KINDS[block.kind](block.args)


def blocks(text: str) -> list[tuple[str, str]]:
    """(marker spec, current body) for each figures block of a guide."""
    return [(m.group("spec"), m.group("body")) for m in BLOCK.finditer(text)]


def refresh(text: str) -> str:
    return BLOCK.sub(lambda m: m.group(1) + render_block(m.group("spec")) + m.group(4), text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report blocks that are out of date")
    args = parser.parse_args(argv)
    stale = 0
    for path in sorted(glob.glob(GUIDES)):
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        new = refresh(text)
        rel = os.path.relpath(path, ROOT)
        if new == text:
            print(f"{rel}: {len(blocks(text))} figure blocks up to date")
            continue
        if args.check:
            stale += 1
            print(f"{rel}: figures out of date; run python tools/teaching_figures.py")
            continue
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(new)
        print(f"{rel}: wrote {len(blocks(new))} figure blocks")
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
