"""Name columns of the headless tables (simulate, sweep): as wide as the longest name up to a
cap, and a longer name wrapped onto further lines, never cut. The figures go on a name's last
line, so that the name reads whole and its figures follow it."""

from __future__ import annotations

import textwrap

NAME_CAP = 52
"""The widest name column: with the figures after it, a row stays within about 80 columns."""


def name_width(names, floor: int = 20, cap: int = NAME_CAP) -> int:
    """The column width for these names: the longest, at least ``floor``, at most ``cap``."""
    return min(max([floor, *(len(n) for n in names)]), cap)


def name_rows(name: str, width: int, cells: str, indent: str = "  ") -> list[str]:
    """A table row: the name padded to ``width`` then the cells; a longer name wrapped at
    spaces (continuation lines indented two more), the cells after its last line.

    >>> name_rows("No Western missiles on Russia", 16, "98.5%")
    ['  No Western', '    missiles on', '    Russia         98.5%']
    """
    lines = textwrap.wrap(name, width, subsequent_indent="  ", break_on_hyphens=False) or [""]
    rows = [indent + line for line in lines[:-1]]
    rows.append(f"{indent}{lines[-1]:<{width}} {cells}".rstrip())
    return rows
