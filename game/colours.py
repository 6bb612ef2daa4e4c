"""Actor colours: the author's ``color`` where it reads well, else a colour-blind-safe palette.

Pure (no pygame): the window (``game.ui.theme.actor_colours``: map regions, the ladder and the
debrief's lines) and ``lint`` use the same rules. An author's colour is kept when it stands out
from the map's land and sea (WCAG contrast ratio at least ``MIN_CONTRAST``) and when no other
actor's colour looks like it, with normal colour vision or with protanopia or deuteranopia
(Machado et al. 2009, severity 1); otherwise the default palette gives that actor the first
Okabe-Ito colour still free.

>>> actor_colours([("us", "#0072B2"), ("them", "")])
{'us': (0, 114, 178), 'them': (213, 94, 0)}
>>> actor_colours([("us", "#000080")])             # navy on the dark land: replaced
{'us': (0, 114, 178)}
>>> actor_colours([("us", "#000080")], "scenario")  # the player asked for the scenario's own
{'us': (0, 0, 128)}
"""

from __future__ import annotations

import re

import numpy as np

OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#E69F00", "#CC79A7", "#56B4E9", "#F0E442", "#999999")
"""Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency."""

MAP_BACKGROUNDS = {"land": (43, 50, 60), "sea": (16, 33, 48)}
"""The map's land and sea (``game.ui.theme.LAND`` and ``SEA`` are these)."""

MIN_CONTRAST = 2.0
"""Smallest WCAG contrast ratio against land and sea: the darkest Okabe-Ito blue has 2.49 on the
land; navy (1.24) or dark grey (1.02) disappear."""

MIN_DISTANCE = 12.5
"""Smallest CIELAB distance between two actors' colours, under each simulated vision: pure red
and green (12.1 apart with deuteranopia) are too close; the first seven Okabe-Ito colours keep
at least 17 apart."""

HEX_RE = re.compile(r"^#[0-9a-fA-F]{6}$")

_CVD = {
    "protanopia": np.array(
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]
    ),
    "deuteranopia": np.array(
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]
    ),
}


def hex_rgb(text: str) -> tuple[int, int, int]:
    """``"#0072B2"`` -> ``(0, 114, 178)``."""
    t = text.lstrip("#")
    return int(t[0:2], 16), int(t[2:4], 16), int(t[4:6], 16)


def _linear(rgb) -> np.ndarray:
    v = np.asarray(rgb, dtype=float) / 255.0
    return np.where(v <= 0.04045, v / 12.92, ((v + 0.055) / 1.055) ** 2.4)


def luminance(rgb) -> float:
    """WCAG relative luminance."""
    return float(np.dot([0.2126, 0.7152, 0.0722], _linear(rgb)))


def contrast(a, b) -> float:
    """WCAG contrast ratio of two colours (1 to 21).

    >>> round(contrast((255, 255, 255), (0, 0, 0)), 1)
    21.0
    """
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = m @ np.clip(linear_rgb, 0.0, 1.0) / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 216 / 24389, np.cbrt(xyz), (24389 / 27 * xyz + 16) / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def look_alike(a, b) -> str:
    """'' when two colours are told apart by everyone, else the vision that confuses them.

    >>> look_alike((213, 94, 0), (0, 158, 115))     # Okabe-Ito vermilion and green
    ''
    >>> look_alike((200, 30, 30), (90, 110, 20))    # a red and an olive green
    'deuteranopia'
    """
    la, lb = _linear(a), _linear(b)
    for vision, matrix in (("normal vision", np.eye(3)), *_CVD.items()):
        if np.linalg.norm(_lab(matrix @ la) - _lab(matrix @ lb)) < MIN_DISTANCE:
            return vision
    return ""


def colour_problem(colour: str, others: list[tuple[str, str]]) -> str:
    """Why an author's colour is not used by the default palette ('' when it is): too little
    contrast with the map, or an earlier actor's colour looks the same. ``others`` are the
    earlier actors' (id, colour)."""
    rgb = hex_rgb(colour)
    for name, bg in MAP_BACKGROUNDS.items():
        ratio = contrast(rgb, bg)
        if ratio < MIN_CONTRAST:
            return (
                f"colour {colour} has a contrast of {ratio:.1f}:1 with the map's {name} "
                f"(at least {MIN_CONTRAST:g}:1 reads)"
            )
    for other_id, other in others:
        vision = look_alike(rgb, hex_rgb(other))
        if vision:
            return f"colour {colour} looks like {other_id}'s {other} with {vision}"
    return ""


def actor_colours(actors: list[tuple[str, str]], palette: str = "colorblind") -> dict[str, tuple[int, int, int]]:
    """Actor id -> colour, for (id, author's colour or '') in actor order.

    ``colorblind`` (the default): the author's colour unless ``colour_problem`` finds one, else
    the first Okabe-Ito colour no kept colour looks like. ``scenario``: the author's colours as
    written, Okabe-Ito in actor order where there is none."""
    out: dict[str, tuple[int, int, int]] = {}
    kept: list[tuple[str, str]] = []
    for i, (actor, colour) in enumerate(actors):
        if colour and HEX_RE.match(colour) and (palette == "scenario" or not colour_problem(colour, kept)):
            out[actor] = hex_rgb(colour)
            kept.append((actor, colour))
            continue
        if palette == "scenario":
            out[actor] = hex_rgb(OKABE_ITO[i % len(OKABE_ITO)])
            continue
        free = [c for c in OKABE_ITO if not any(look_alike(hex_rgb(c), hex_rgb(k)) for _a, k in kept)]
        chosen = free[0] if free else OKABE_ITO[i % len(OKABE_ITO)]
        out[actor] = hex_rgb(chosen)
        kept.append((actor, chosen))
    return out
