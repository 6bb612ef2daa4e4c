"""Colours, fonts and the pygame_gui theme (``assets/theme.json``), scaled by the settings.

Actor colours come from the Okabe-Ito palette (safe for the common colour-vision
deficiencies) unless the player chose the scenario's own colours. Every font is the
shipped Noto Sans (OFL), which renders Latin and Cyrillic place names.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache

import pygame

from game import colours, resources

ASSETS = resources.assets_dir()
ROOT = ASSETS.parent
"""What the theme's font paths (``assets/fonts/...``) are relative to, in a checkout or a wheel."""
FONT_DIR = resources.fonts_dir()
THEME_FILE = resources.theme_file()
FONT_FILES = {
    "regular": FONT_DIR / "NotoSans-Regular.ttf",
    "bold": FONT_DIR / "NotoSans-Bold.ttf",
    "italic": FONT_DIR / "NotoSans-Italic.ttf",
}


BG = (13, 18, 24)
PANEL = (20, 27, 36)
PANEL_EDGE = (40, 50, 62)
TEXT = (228, 232, 238)
TEXT_DIM = (154, 166, 180)
TEXT_FAINT = (104, 116, 130)
ACCENT = (232, 180, 76)
DANGER = (213, 94, 0)
GOOD = (0, 158, 115)
SEA = colours.MAP_BACKGROUNDS["sea"]
SEA_GRID = (24, 44, 62)
LAND = colours.MAP_BACKGROUNDS["land"]
LAND_FOREIGN = (34, 40, 49)
BORDER = (96, 108, 122)
REGION_EDGE = (66, 76, 88)


def hex_rgb(text: str, default=(153, 153, 153)) -> tuple[int, int, int]:
    t = (text or "").lstrip("#")
    if len(t) != 6:
        return default
    try:
        return int(t[0:2], 16), int(t[2:4], 16), int(t[4:6], 16)
    except ValueError:
        return default


def lighten(rgb, f: float = 0.35) -> tuple[int, int, int]:
    r, g, b = (int(c + (255 - c) * f) for c in rgb[:3])
    return r, g, b


def darken(rgb, f: float = 0.4) -> tuple[int, int, int]:
    r, g, b = (int(c * (1 - f)) for c in rgb[:3])
    return r, g, b


def mix(a, b, t: float) -> tuple[int, int, int]:
    r, g, bl = (int(a[i] + (b[i] - a[i]) * t) for i in range(3))
    return r, g, bl


def actor_colours(scenario, palette: str = "colorblind") -> dict[str, tuple[int, int, int]]:
    """Actor id -> colour (map regions, ladder, debrief): the author's ``color`` where it reads
    well, else Okabe-Ito; ``scenario`` takes the author's colours as written (``game.colours``)."""
    return colours.actor_colours([(a.id, a.color) for a in scenario.actors], palette)


def hex_of(rgb) -> str:
    r, g, b = (int(c) for c in rgb[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


# ---------------------------------------------------------------- fonts for custom drawing
@lru_cache(maxsize=64)
def font(size: int, style: str = "regular") -> pygame.font.Font:
    f = pygame.font.Font(str(FONT_FILES.get(style, FONT_FILES["regular"])), max(6, int(size)))
    return f


_TEXT_CACHE: dict = {}


def forget_fonts() -> None:
    """Drop the cached fonts and texts: pygame.quit() voids every font made before it, and a
    window opened again in the same process (tests, a notebook) would draw with dead ones."""
    font.cache_clear()
    _TEXT_CACHE.clear()


def render(f: pygame.font.Font, content: str, colour, halo=None) -> pygame.Surface:
    """A rendered line of text (with a one-pixel dark outline when ``halo`` is given), cached:
    the board redraws the same labels every frame."""
    key = (f, content, tuple(colour), halo)
    img = _TEXT_CACHE.get(key)
    if img is not None:
        return img
    if len(_TEXT_CACHE) > 6000:
        _TEXT_CACHE.clear()
    if halo is None:
        img = f.render(content, True, colour)
    else:
        front = f.render(content, True, colour)
        shadow = f.render(content, True, halo)
        img = pygame.Surface((front.get_width() + 2, front.get_height() + 2), pygame.SRCALPHA)
        for dx, dy in ((0, 1), (2, 1), (1, 0), (1, 2), (0, 0), (2, 2), (0, 2), (2, 0)):
            img.blit(shadow, (dx, dy))
        img.blit(front, (1, 1))
    _TEXT_CACHE[key] = img
    return img


def size(f: pygame.font.Font, content: str) -> tuple[int, int]:
    return render(f, content, (255, 255, 255)).get_size()


# ---------------------------------------------------------------- pygame_gui theme
SCROLL_ARROW_PX = 12  # the arrows of pygame_gui's scroll bars (their buttons are 18 px at every scale)


def theme_dict(font_scale: float = 1.0) -> dict:
    """The theme file with absolute font paths, and font sizes and tool tip widths scaled by ``font_scale``."""
    data = json.loads(THEME_FILE.read_text(encoding="utf-8"))
    data.pop("_comment", None)
    data = copy.deepcopy(data)
    for block in data.values():
        if not isinstance(block, dict):
            continue
        f = block.get("font")
        if not isinstance(f, dict):
            continue
        for key in ("regular_path", "bold_path", "italic_path", "bold_italic_path"):
            if key in f:
                f[key] = str((ROOT / f[key]).resolve())
        if "size" in f:
            f["size"] = str(max(8, round(int(f["size"]) * font_scale)))
    for bar in ("vertical_scroll_bar.button", "horizontal_scroll_bar.button"):
        # a scroll bar keeps its width at every text size: so does the arrow on its buttons (pygame_gui's
        # own font with the arrow glyphs, one line of which was a pixel taller than the button)
        data[bar] = {"font": {"name": "fira_code_symbols", "size": str(SCROLL_ARROW_PX)}}
    for block in ("@card_text",):
        # the text cards are square-cornered: pygame_gui drew a large rounded one in 0.3 s (the title's
        # scenario card at 1920x1080, twice per arrow press: the title froze 0.7 s and keys queued up)
        data.get(block, {}).get("misc", {}).update(shape="rectangle")
        data.get(block, {}).get("misc", {}).pop("shape_corner_radius", None)
    tip = data.get("tool_tip", {}).get("misc", {})
    if "rect_width" in tip:  # a tool tip's line width grows with its text
        tip["rect_width"] = str(round(int(tip["rect_width"]) * font_scale))
    return data


def used_font_sizes(font_scale: float) -> list[dict]:
    """Fonts to preload so pygame_gui does not load them mid-frame (or warn)."""
    data = theme_dict(font_scale)
    seen = set()
    for block in data.values():
        f = block.get("font") if isinstance(block, dict) else None
        if isinstance(f, dict) and "size" in f:
            seen.add((int(f["size"]), "bold" if f.get("bold") == "1" else "regular"))
    for base in (10, 11, 12, 13, 14, 15, 16, 17, 18, 20, 22, 24, 26, 30):
        size = max(8, round(base * font_scale))
        for style in ("regular", "bold", "italic"):
            seen.add((size, style))
    return [{"name": "noto", "point_size": s, "style": st} for s, st in sorted(seen)]
