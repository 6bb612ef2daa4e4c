"""The one UI scale: lengths and font sizes for a window size and the player's settings.

Layouts are written for a 1280x720 window. A larger window scales lengths and text up by the
same factor (1920x1080 is 1.5), so the board keeps its proportions and its words stay readable
from the back of a classroom; a smaller window keeps the 720p sizes (text never shrinks below
its designed size). The "UI scale" setting multiplies lengths and text; the "Text size"
setting (Normal ... Larger) multiplies text only, so views must fit text in their boxes
(ellipsis or wrap), never assume it is the size they were drawn for.
"""

from __future__ import annotations

import attrs

from game.ui.settings import TEXT_SIZES

BASE_SIZE = (1280, 720)
MIN_FONT_PX = 8
LARGEST_TEXT = max(TEXT_SIZES, key=TEXT_SIZES.__getitem__)


def window_factor(size: tuple[int, int]) -> float:
    """How much a window is larger than 1280x720 (the smaller of the two ratios, at least 1,
    in steps of 1/8 so a window dragged a few pixels keeps its fonts)."""
    w, h = size
    raw = min(w / BASE_SIZE[0], h / BASE_SIZE[1])
    return max(1.0, int(raw * 8) / 8)


@attrs.frozen
class UiScale:
    """Multipliers for layout lengths and for font sizes."""

    layout: float = 1.0
    text: float = 1.0

    def px(self, length: float) -> int:
        """A layout length (designed at 1280x720) in window pixels."""
        return round(length * self.layout)

    def font_px(self, size: float) -> int:
        """A font size (designed at 1280x720, Normal text) in pixels."""
        return max(MIN_FONT_PX, round(size * self.text))


def ui_scale(size: tuple[int, int], ui_scale_setting: float = 1.0, text_size: str = "normal") -> UiScale:
    """The scale for a window of ``size`` with the player's UI scale and text size."""
    layout = window_factor(size) * ui_scale_setting
    return UiScale(layout=layout, text=layout * TEXT_SIZES.get(text_size, 1.0))


def for_settings(size: tuple[int, int], settings) -> UiScale:
    """``ui_scale`` from a Settings object (its ``ui_scale`` and ``text_size``)."""
    return ui_scale(size, settings.ui_scale, settings.text_size)
