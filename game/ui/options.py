"""What the window is asked to do, as the command line has already parsed and checked it.

The window never reads ``sys.argv``: ``game.cli`` parses the options (one parser for every
command) and hands them over as a ``WindowOptions``. No pygame here, so the command line can
build one without opening anything.
"""

from __future__ import annotations

import attrs

SCREENS = ("briefing", "board", "debrief", "title")
"""What ``--screenshot`` can capture."""


class OptionError(ValueError):
    """An option that does not fit the scenario it names (an unknown ``--actor``): bad usage,
    which the command line reports in one line with exit status 2."""


@attrs.frozen
class WindowOptions:
    """``play``, ``watch`` or the title screen, with the options the player gave."""

    file: str | None = None
    """The scenario to open; None opens the title screen."""
    actor: str | None = None
    """The seats the player takes, actor ids separated by commas (two or more: hot-seat)."""
    seed: int | None = None
    """None: a random seed (``play``), the title screen's own (title)."""
    sets: dict[str, float] = attrs.field(factory=dict)
    """Parameter values by dotted path (``--set``)."""
    size: tuple[int, int] | None = None
    """Window size in pixels; None: the saved setting (1280x720 for a screenshot)."""
    screenshot: str | None = None
    """Render once, save this PNG and exit."""
    after_turns: int = 0
    """Turns the seat plays by its doctrine before the screenshot."""
    screen: str | None = None
    """What a screenshot shows (one of ``SCREENS``); None: the board."""
    game: int = 0
    """``watch``: which game of the batch."""
    policies: dict[str, str] = attrs.field(factory=dict)
    """``play --policy``: actor id -> the policy of a seat nobody takes (``llm:MODEL@URL``: a model)."""
    speed: float = 1.0
    """``watch``: turns per second when playing."""
