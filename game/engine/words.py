"""Grammar that agrees with an actor's name, and chance told one way everywhere.

Scenario authors name actors as people say them ("Ukraine", "United States", "NATO's
European members"); a sentence built around a name needs its article ("the United
States"), its possessive ("the United States'") and a verb that agrees ("NATO's European
members decide"). The rules are small and fixed, so every shipped actor name has a test.

A chance result is told the same way in the news, the replay and the instructor view: its
probability, the roll (0 to 99) and the band of rolls that gives this result, so a 7%
choice with roll 22 reads as what it is, not as a broken die.
"""

from __future__ import annotations

import math

# First words of names that take "the" in running text ("the United States", "the Soviet Union").
_THE_FIRST_WORDS = frozenset({"united", "soviet", "netherlands", "philippines", "holy", "islamic", "kingdom"})
# Irregular third-person verbs: singular -> plural.
_IRREGULAR = {"is": "are", "has": "have", "does": "do", "was": "were"}


def is_plural(name: str) -> bool:
    """Whether a name is a plural noun phrase: its last word is a common noun in -s
    ("NATO's European members", "the allies"); proper names in -s ("United States") are not."""
    last = name.split()[-1] if name.split() else ""
    return last[:1].islower() and last.endswith("s") and not last.endswith("ss")


def subject(name: str, start: bool = False) -> str:
    """The name as the subject of a sentence: with "the" where English wants it.

    >>> subject("United States", start=True), subject("United States"), subject("Ukraine")
    ('The United States', 'the United States', 'Ukraine')
    """
    words = name.split()
    if words and words[0].lower() in _THE_FIRST_WORDS or " of " in name and not name[:1].islower():
        return ("The " if start else "the ") + name
    if start and name[:1].islower():
        return name[:1].upper() + name[1:]
    return name


def possessive(name: str, start: bool = False) -> str:
    """The name's possessive: "Aldoria's", "the United States'", "NATO's European members'".

    >>> possessive("Aldoria"), possessive("United States", start=True), possessive("NATO's European members")
    ("Aldoria's", "The United States'", "NATO's European members'")
    """
    who = subject(name, start)
    return who + ("'" if who.endswith("s") else "'s")


def verb(name: str, singular: str) -> str:
    """A third-person verb that agrees with the name: ``verb("NATO's European members", "decides")``
    is "decide"; a singular name keeps ``singular``.

    >>> verb("Russia", "holds"), verb("NATO's European members", "holds"), verb("the allies", "tries")
    ('holds', 'hold', 'try')
    """
    if not is_plural(name):
        return singular
    if singular in _IRREGULAR:
        return _IRREGULAR[singular]
    if singular.endswith("ies"):
        return singular[:-3] + "y"
    if singular.endswith(("sses", "shes", "ches", "xes", "zes", "oes")):
        return singular[:-2]
    return singular[:-1] if singular.endswith("s") else singular


def agree(text: str, name: str) -> str:
    """An author's news text that opens with ``{actor}`` made to agree with a plural name: its
    first verb, and an "its" right after it ("{actor} holds its course" -> "... hold their course").

    >>> agree("{actor} holds its course.", "NATO's European members"), agree("{actor} holds its course.", "Cuba")
    ('{actor} hold their course.', '{actor} holds its course.')
    """
    head = "{actor} "
    if not text.startswith(head) or not is_plural(name):
        return text
    first, _sep, tail = text[len(head) :].partition(" ")
    if tail.startswith("its "):
        tail = "their " + tail[4:]
    return head + verb(name, first) + (" " + tail if tail else "")


def count(n: int, noun: str) -> str:
    """``n`` and a noun that agrees with it: "1 daily turn", "14 daily turns".

    >>> count(1, "daily turn"), count(14, "daily turn"), count(2, "red line")
    ('1 daily turn', '14 daily turns', '2 red lines')
    """
    if n == 1:
        return f"1 {noun}"
    return f"{n} {noun}es" if noun.endswith(("s", "sh", "ch", "x")) else f"{n} {noun}s"


def turn_length(days: int) -> str:
    """A calendar's turn as a word where there is one: "daily", "weekly", else "N-day".

    >>> turn_length(1), turn_length(7), turn_length(3)
    ('daily', 'weekly', '3-day')
    """
    return {1: "daily", 7: "weekly", 14: "fortnightly"}.get(days, f"{days}-day")


def pct(p: float) -> str:
    """A probability as a student reads it.

    >>> pct(0.35), pct(1.0), pct(0.004)
    ('35%', '100%', '<1%')
    """
    if p <= 0:
        return "0%"
    if p < 0.01:
        return "<1%"
    return f"{round(p * 100):d}%"


def turns_phrase(turns: int, days: int) -> str:
    """A calendar in words: "14 daily turns", "13 weekly turns", "5 turns of 3 days".

    >>> turns_phrase(14, 1), turns_phrase(1, 7), turns_phrase(5, 3)
    ('14 daily turns', '1 weekly turn', '5 turns of 3 days')
    """
    if days in (1, 7, 14):
        return count(turns, f"{turn_length(days)} turn")
    return f"{count(turns, 'turn')} of {count(days, 'day')}"


def roll(draw: float) -> int:
    """The roll a draw in [0, 1) reads as: 0 to 99."""
    return min(99, int(math.floor(draw * 100)))


def band(lo: float, hi: float) -> str:
    """The rolls (0 to 99) that fall in the interval [lo, hi) of a draw: "16-22", or "16" alone."""
    a = min(99, int(math.floor(lo * 100 + 1e-9)))
    b = max(a, min(99, int(math.ceil(hi * 100 - 1e-9)) - 1))
    return f"{a}" if a == b else f"{a}-{b}"


def odds(p: float, draw: float, lo: float = 0.0) -> str:
    """A chance result in words: its probability, the roll and the band of rolls that gives it
    (``lo`` is where the band starts; a plain yes/no chance has its band from 0).

    The band holds as many rolls as the percentage says and the roll itself: the true band's
    edges rarely fall on whole rolls, and a "4%" result shown with the five rolls 13-17 that
    its edges touch read as two different odds (issue 11).

    >>> odds(0.07, 0.2231, 0.16)
    '7% likely; roll 22 of 0-99, in its band 16-22'
    >>> odds(0.1, 0.07)
    '10% likely; roll 7 of 0-99, in its band 0-9'
    >>> odds(0.044, 0.175, 0.132)
    '4% likely; roll 17 of 0-99, in its band 14-17'
    """
    r = roll(draw)
    first = min(99, int(math.floor(lo * 100 + 1e-9)))  # the rolls the true band touches: first..end-1
    end = max(first + 1, min(100, int(math.ceil((lo + p) * 100 - 1e-9))))
    width = max(1, min(round(p * 100), end - first))
    a = min(r, max(round(lo * 100), r - width + 1))  # the band nearest the true one that holds the roll
    a = max(first, min(a, end - width))
    return f"{pct(p)} likely; roll {r} of 0-99, in its band {band(a / 100, (a + width) / 100)}"
