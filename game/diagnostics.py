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


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A ' (did you mean ...?)' suffix, or '' when nothing is close.

    >>> did_you_mean("tensoin", ["tension", "support"])
    " (did you mean 'tension'?)"
    >>> did_you_mean("zzz", ["tension"])
    ''
    """
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
