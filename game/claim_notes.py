"""Claims cited in a text (a role card) as numbered notes a student can read.

Authors cite claims by id inside their texts ("... must judge for himself (b59, contested)"), so a
card stays true when a claim's status is revised. A student must never see the id: each cited
claim becomes a note number ``[3]`` in the text, and the note under the card gives the claim's
statement, its status in words and its sources. A parenthesis that held only claim ids (and the
author's copy of a status) becomes the bare note numbers.
"""

from __future__ import annotations

import re

import attrs

from game.claim_status import CLAIM_STATUSES
from game.model import Scenario

CLAIM_TOKEN = re.compile(r"\b[a-z0-9]+(?:_[a-z0-9]+)*\b")
"""A word that may be a claim id (ids are lower case, digits and underscores: ``b59``, ``u2_discovery``)."""

CITATION = re.compile(r" ?\(([^()]*)\)|" + CLAIM_TOKEN.pattern)
"""A parenthesis (its inside as group 1) or a word, in reading order, so notes number as read."""

STATUS_MEANS: dict[str, str] = {
    "established": "the record settles it",
    "reported": "credible reporting, not confirmed on the record",
    "contested": "the sources or experts disagree",
    "disputed": "one party asserts it, another denies it",
    "unsupported": "no evidence has been shown",
    "false": "the sources show it is wrong",
}
"""What each status means, as a student reads it beside a note (the full definitions are in the glossary)."""


@attrs.frozen
class ClaimNote:
    """One numbered note: the claim a text cites, in words."""

    number: int
    statement: str
    status: str
    status_means: str
    sources: tuple[str, ...]
    """Each source as a reader finds it: title, publisher, date."""


@attrs.frozen
class NotedText:
    """A text with its claim ids replaced by note numbers, and the notes they refer to."""

    text: str
    notes: tuple[ClaimNote, ...]


def source_line(scenario: Scenario, source_id: str) -> str:
    by_id = {s.id: s for s in scenario.meta.sources}
    s = by_id.get(source_id)
    if s is None:
        return source_id
    return ", ".join(x for x in (s.title, s.publisher, s.date) if x)


class Notes:
    """Numbers claims in the order a reader first meets them, across every text of one card."""

    def __init__(self, scenario: Scenario):
        self.scenario = scenario
        self.claims = {c.id: c for c in scenario.meta.claims}
        self.numbers: dict[str, int] = {}

    def number(self, claim_id: str) -> int:
        if claim_id not in self.numbers:
            self.numbers[claim_id] = len(self.numbers) + 1
        return self.numbers[claim_id]

    def _marks(self, inner: str) -> str | None:
        """The note numbers when a parenthesis holds only claim ids and status words, else None."""
        parts = [p.strip() for p in re.split(r"[,;]", inner)]
        ids = [p for p in parts if p in self.claims]
        if not ids or any(p not in self.claims and p not in CLAIM_STATUSES for p in parts):
            return None
        return "[" + ", ".join(str(self.number(p)) for p in ids) + "]"

    def text(self, text: str) -> str:
        """``text`` with every claim id it cites as a note number."""

        def word(m: re.Match) -> str:
            w = m.group(0)
            return f"[{self.number(w)}]" if w in self.claims and _id_like(w) else w

        def either(m: re.Match) -> str:
            if m.group(1) is None:
                return word(m)
            marks = self._marks(m.group(1))
            if marks is None:  # a parenthesis with words of its own: only the ids in it change
                return m.group(0).replace(m.group(1), CLAIM_TOKEN.sub(word, m.group(1)))
            return " " + marks if m.group(0).startswith(" ") else marks

        return CITATION.sub(either, text)

    def notes(self) -> tuple[ClaimNote, ...]:
        out = []
        for cid, n in self.numbers.items():
            c = self.claims[cid]
            out.append(
                ClaimNote(
                    n,
                    c.statement,
                    c.status,
                    STATUS_MEANS.get(c.status, ""),
                    tuple(source_line(self.scenario, s) for s in c.sources),
                )
            )
        return tuple(out)


def _id_like(word: str) -> bool:
    """Whether a claim id met in running text is surely a citation (``u2_discovery``, ``b59``), not
    an ordinary word that happens to be an id (``midterms``): those are cited in a parenthesis of
    their own, which ``Notes._marks`` reads."""
    return "_" in word or any(ch.isdigit() for ch in word)


def noted(text: str, scenario: Scenario) -> NotedText:
    """One text and its notes, numbered from 1.

    >>> from game.runners.load import load_scenario
    >>> scn = load_scenario("scenarios/cuba_1962.yaml").scenario
    >>> t = noted("must judge for himself (b59, contested); a US aircraft (maultsby).", scn)
    >>> t.text
    'must judge for himself [1]; a US aircraft [2].'
    >>> t.notes[0].status, t.notes[0].status_means
    ('contested', 'the sources or experts disagree')
    """
    notes = Notes(scenario)
    return NotedText(notes.text(text), notes.notes())


def _short(text: str, words: int = 8) -> str:
    cut = text.split()
    return " ".join(cut[:words]) + ("\u2026" if len(cut) > words else "")


def id_names(scenario: Scenario) -> dict[str, str]:
    """Each id an author may cite in a text, and how a reader names the thing: a claim by its
    opening words, a red line, document, action, source, perspective or actor by its name; a
    parameter as the teacher's setting."""
    meta = scenario.meta
    names: dict[str, str] = {c.id: f"\u2018{_short(c.statement)}\u2019" for c in meta.claims}
    names.update({s.id: f"\u2018{s.title}\u2019" for s in meta.sources})
    names.update({d.id: f"\u2018{d.title}\u2019" for d in meta.documents})
    names.update({p.id: p.holder for p in meta.perspectives})
    names.update({a.id: a.name for a in scenario.actions})
    names.update({r.id: f"\u2018{r.name}\u2019" for r in scenario.red_lines})
    names.update({a.id: a.name for a in scenario.actors})
    names.update({p.id: f"the setting {p.id}" for p in scenario.params})
    return names


def readable_ids(text: str, names: dict[str, str]) -> str:
    """``text`` with each id an author wrote in it (``see coup_2014``, ``the red lines
    nato_territory and ally_attacked``) as ``names`` (from ``id_names``) says it. Only words shaped
    like ids (an underscore or a digit) are read as ids.

    >>> from game.runners.load import load_scenario
    >>> names = id_names(load_scenario("scenarios/atacms_2024.yaml").scenario)
    >>> out = readable_ids("the red lines nato_territory and ally_attacked; the setting enforce_p", names)
    >>> "nato_territory" in out or "ally_attacked" in out, out.endswith("the setting enforce_p")
    (False, True)
    """

    def word(m: re.Match) -> str:
        w = m.group(0)
        if w not in names or not _id_like(w):
            return w
        before = text[max(0, m.start() - 8) : m.start()]
        return w if before.endswith("setting ") else names[w]

    return CLAIM_TOKEN.sub(word, text)
