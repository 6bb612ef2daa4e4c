"""The key that picks each listed action on the board: 1-9, then 0, then letters the board does not
use for anything else (the map pans with W A S D, H shows the hint). One press picks one action;
the key is printed on the action's row. A seat with ten or more actions (the United States in the
Cuban crisis has twenty) could reach only the first nine before.
"""

from __future__ import annotations

import pygame

BOARD_LETTERS = "bcefgijkmnoprtuvxyz"
"""Letters free on the board: not W A S D (pan), H (hint), L and Q (Ctrl+L load, Ctrl+Q quit)."""

OPTION_KEYS: tuple[str, ...] = tuple("1234567890") + tuple(BOARD_LETTERS)
"""The key of the n-th listed action is ``OPTION_KEYS[n - 1]``."""

_BY_KEY: dict[int, int] = {
    **{getattr(pygame, f"K_{c}"): n for n, c in enumerate(OPTION_KEYS, 1)},
    **{getattr(pygame, f"K_KP{c}"): n for n, c in enumerate(OPTION_KEYS[:10], 1)},
}


def option_key_label(number: int) -> str:
    """What the row of the ``number``-th action shows (``""`` past the last key).

    >>> [option_key_label(n) for n in (1, 9, 10, 11, 29, 30)]
    ['1', '9', '0', 'B', 'Z', '']
    """
    return OPTION_KEYS[number - 1].upper() if 1 <= number <= len(OPTION_KEYS) else ""


def option_number(key: int, mod: int = 0) -> int | None:
    """Which listed action a key press picks (None: not an action key, or Ctrl/Alt held)."""
    if mod & (pygame.KMOD_CTRL | pygame.KMOD_ALT | pygame.KMOD_META):
        return None
    return _BY_KEY.get(key)
