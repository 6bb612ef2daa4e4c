"""The six claim statuses and what each means: one glossary for the format, the window,
the handouts and the authoring guide (``tests/test_teaching_figures.py`` keeps the guide equal).

Order matters: from the best attested to the refuted, as the briefing lists them.
"""

from __future__ import annotations

STATUS_DEFINITIONS: dict[str, str] = {
    "established": (
        "The record settles it: official documents, the parties themselves, or several independent "
        "sources agree, and no serious source disputes it."
    ),
    "reported": (
        "Credible reporting says so, usually citing officials who were not named, but nobody has confirmed "
        "it on the record; no source contradicts it."
    ),
    "contested": (
        "Sources or experts disagree about the facts (a number, a range, what a weapon is, what would have "
        "happened), and the evidence does not settle it."
    ),
    "disputed": (
        "One party to the crisis asserts it and another denies it: a clash of positions, often a legal or "
        "political judgement, rather than a gap in the evidence."
    ),
    "unsupported": (
        "Nothing in the sources backs it: it may be true, but no evidence has been shown, or the source "
        "cited says something weaker."
    ),
    "false": "The sources show it is wrong (a wrong number, date or attribution).",
}
"""Each status's one-sentence definition. Contested and disputed differ in who disagrees: experts
over evidence (contested) or the parties over a position (disputed); reported and established differ
in whether anyone has confirmed it on the record."""

CLAIM_STATUSES: tuple[str, ...] = tuple(STATUS_DEFINITIONS)


def glossary_markdown() -> str:
    """The glossary as the Markdown list the authoring guide and the teaching guides carry.

    >>> glossary_markdown().splitlines()[0][:40]
    '- **established**: The record settles it'
    """
    return "\n".join(f"- **{status}**: {text}" for status, text in STATUS_DEFINITIONS.items())
