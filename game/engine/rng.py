"""Counter-based randomness: every draw is a pure function of its coordinates.

``draw(seed, games, turn, site)`` hashes (seed, game index, turn, draw site, k) with a
splitmix64 mixer, so game G gets the same numbers in a batch of one or of a million,
in any chunk, on any worker. There is no generator state to carry, save or split.

>>> import numpy as np
>>> a = draw(7, np.arange(5, dtype=np.uint64), 3, site_id("decide:russia"))
>>> b = draw(7, np.array([3], dtype=np.uint64), 3, site_id("decide:russia"))
>>> bool(a[3] == b[0]) and bool(((0 <= a) & (a < 1)).all())
True
"""

from __future__ import annotations

import hashlib

import numpy as np

_M64 = (1 << 64) - 1
_GAMMA = 0x9E3779B97F4A7C15
_C1 = np.uint64(0xBF58476D1CE4E5B9)
_C2 = np.uint64(0x94D049BB133111EB)
_S30, _S27, _S31, _S11 = (np.uint64(s) for s in (30, 27, 31, 11))
_TO_UNIT = float(2.0**-53)


def _mix_int(x: int) -> int:
    """splitmix64's finaliser on a Python int (for the scalar part of the key)."""
    x &= _M64
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & _M64
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & _M64
    return x ^ (x >> 31)


def site_id(name: str) -> int:
    """A stable 64-bit id for a draw site, from its name (never from its position).

    Adding a red line does not move the draws of the others: common random numbers
    across scenario variants and parameter values come for free.

    >>> site_id("red_line:western_missiles") == site_id("red_line:western_missiles")
    True
    """
    return int.from_bytes(hashlib.blake2b(name.encode(), digest_size=8).digest(), "little")


def key(seed: int, turn: int, site: int, k: int = 0) -> int:
    """The part of a draw's hash that is the same for every game of a batch."""
    h = _mix_int(seed * _GAMMA + 0x632BE59BD9B4E019)
    h = _mix_int(h ^ (turn * _GAMMA))
    h = _mix_int(h ^ site)
    return _mix_int(h ^ (k * _GAMMA + 1))


def draw(seed: int, games: np.ndarray, turn: int, site: int, k: int = 0) -> np.ndarray:
    """Uniform floats in [0, 1), one per game, as a pure function of the coordinates."""
    x = games * np.uint64(_GAMMA) + np.uint64(key(seed, turn, site, k))
    x ^= x >> _S30
    x *= _C1
    x ^= x >> _S27
    x *= _C2
    x ^= x >> _S31
    return (x >> _S11).astype(np.float64) * _TO_UNIT
