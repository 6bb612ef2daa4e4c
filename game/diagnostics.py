"""Author-facing diagnostics: one error or warning at a place in a file.

Every message a user can cause is a ``Diagnostic``, never a traceback. They are
collected (not raised one by one) so an author sees every problem in one run.

>>> d = Diagnostic("scenarios/x.yaml", 42, 7, "red_lines[2].responses[1].p",
...                "unknown variable 'tensoin' (did you mean 'tension'?)")
>>> str(d)
"scenarios/x.yaml:42:7: red_lines[2].responses[1].p: unknown variable 'tensoin' (did you mean 'tension'?)"
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from collections.abc import Iterable

import attrs


@attrs.frozen
class Diagnostic:
    """A message about a place in an input file; ``line``/``col`` are 1-based, 0 = unknown."""

    file: str
    line: int
    col: int
    path: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else f"{self.severity}: "
        if not self.file:
            return f"{self.path}: {prefix}{self.message}" if self.path else f"{prefix}{self.message}"
        where = self.file
        if self.line:
            where += f":{self.line}:{self.col}"
        path = f" {self.path}:" if self.path else ""
        return f"{where}:{path} {prefix}{self.message}"


class RedlineError(Exception):
    """Base of every error a user can cause; carries one or more diagnostics."""

    def __init__(self, diagnostics: Iterable[Diagnostic] | Diagnostic | str):
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic("", 0, 0, "", diagnostics)]
        elif isinstance(diagnostics, Diagnostic):
            diagnostics = [diagnostics]
        self.diagnostics: list[Diagnostic] = list(diagnostics)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class ScenarioError(RedlineError):
    """The scenario file cannot be read, parsed or validated."""


def foreign_character(word: str) -> str | None:
    """Which character of a name is not ASCII, by its Unicode name, or None if all are.

    A Cyrillic 'а' or a fullwidth 'ｔ' looks like its Latin twin; the did-you-mean that
    names the twin would leave the author staring at two identical words.

    >>> foreign_character("strаke")
    "character 4 is 'а' (CYRILLIC SMALL LETTER A), not a Latin letter"
    >>> foreign_character("ｔension")
    "character 1 is 'ｔ' (FULLWIDTH LATIN SMALL LETTER T), not a plain Latin letter a-z"
    >>> foreign_character("strike") is None
    True
    """
    for i, ch in enumerate(word, 1):
        if ord(ch) < 128:
            continue
        name = unicodedata.name(ch, f"U+{ord(ch):04X}")
        if ch.isdigit():
            what = "not a digit 0-9"
        elif "LATIN" in name:
            what = "not a plain Latin letter a-z"
        elif ch.isalpha():
            what = "not a Latin letter"
        else:
            what = "not a letter, digit or underscore"
        return f"character {i} is {ch!r} ({name}), {what}"
    return None


_WORD_AROUND = re.compile(r"[\w.]*\Z"), re.compile(r"\A[\w.]*")


def look_alike_in_code(text: str) -> tuple[int, str] | None:
    """(offset, message) for the first character outside quotes that Python would silently
    read as another (NFKC: a fullwidth 'ｔension' is 'tension'), naming the word it is in.

    >>> look_alike_in_code("ｔension >= 0.4")
    (0, "'ｔension': character 1 is 'ｔ' (FULLWIDTH LATIN SMALL LETTER T), not a plain Latin letter a-z")
    >>> look_alike_in_code("count('ｔ') + é") is None
    True
    """
    quote = ""
    for at, ch in enumerate(text):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ord(ch) >= 128 and unicodedata.normalize("NFKC", ch) != ch:
            before = _WORD_AROUND[0].search(text, 0, at)
            after = _WORD_AROUND[1].match(text[at + 1 :])
            start = before.start() if before else at
            word = text[start : at + 1 + (after.end() if after else 0)]
            return at, f"{word!r}: {foreign_character(word)}"
    return None


SMALL_CHOICES = 100
"""Up to this many choices every one is compared (difflib); past it, only the near ones."""


class NearNames:
    """The names within about one edit of a word, found without comparing it to every name.

    Each name is filed under itself and every one-character deletion of it (a symmetric
    delete index), so a word and a name share an entry when they differ by one substitution,
    insertion, deletion or swap of neighbours. When nothing shares an entry, the names of a
    similar length that start with the same letter are compared, at most ``MAX_SCAN`` of them:
    asking costs about len(word) look-ups, not one comparison per name (4,000 misspelt
    references among 4,000 names took 6 minutes that way).

    >>> NearNames([f"depot_{i:04d}" for i in range(4000)]).closest("depto_0042")
    'depot_0042'
    """

    MAX_SCAN = 300

    def __init__(self, names: Iterable[str]):
        self.names = list(dict.fromkeys(names))
        self.by_variant: dict[str, list[str]] = {}
        self.by_head: dict[tuple[str, int], list[str]] = {}
        for name in self.names:
            for variant in _variants(name):
                self.by_variant.setdefault(variant, []).append(name)
            self.by_head.setdefault((name[:1], len(name)), []).append(name)

    def closest(self, word: str) -> str | None:
        near = {name for v in _variants(word) for name in self.by_variant.get(v, ())}
        if not near:
            for length in range(max(len(word) - 2, 0), len(word) + 3):
                near.update(self.by_head.get((word[:1], length), ())[: self.MAX_SCAN])
                if len(near) >= self.MAX_SCAN:
                    break
        close = difflib.get_close_matches(word, sorted(near), n=1, cutoff=0.6)
        return close[0] if close else None


def _variants(name: str) -> set[str]:
    return {name, *(name[:i] + name[i + 1 :] for i in range(len(name)))}


@functools.lru_cache(maxsize=8)
def _near_names(choices: tuple[str, ...]) -> NearNames:
    return NearNames(choices)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean ...?)' suffix, or '' when nothing is close.

    Up to ``SMALL_CHOICES`` choices, the closest of all by difflib; past it, the closest of
    the near ones (``NearNames``, kept for the last few sets of choices), so a file with
    thousands of names and thousands of typos is not checked in quadratic time.

    >>> did_you_mean("tensoin", ["tension", "support"])
    " (did you mean 'tension'?)"
    >>> did_you_mean("zzz", ["tension"])
    ''
    """
    names = tuple(choices)
    if len(names) <= SMALL_CHOICES:
        close = difflib.get_close_matches(word, list(names), n=1, cutoff=0.6)
        best = close[0] if close else None
    else:
        best = _near_names(names).closest(word)
    return f" (did you mean {best!r}?)" if best else ""
