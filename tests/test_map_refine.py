"""A wheel step never waits for the whole map: the frame of the step shows the old picture
scaled, the following frames draw the new one a step at a time within a budget, and the
picture they end with is the one drawn at once, pixel for pixel."""

from __future__ import annotations

import os
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

import pygame  # noqa: E402

from game import geo  # noqa: E402
from game.runners.load import load_scenario  # noqa: E402
from game.ui import map_view, theme  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
KOREA = ROOT / "docs" / "examples" / "korea_2010.yaml"  # clips (within) and cuts (minus)


def _view() -> tuple[map_view.MapView, pygame.Surface]:
    pygame.init()
    loaded = load_scenario(str(KOREA))
    scn = loaded.scenario
    view = map_view.MapView(scn, theme.actor_colours(scn), geo.load_basemap(geo.WORLD), [], rules=loaded.rules)
    view.set_rect(pygame.Rect(0, 0, 640, 400))
    screen = pygame.Surface((640, 400))
    return view, screen


def test_the_first_picture_is_drawn_at_once():
    view, screen = _view()
    view.draw(screen)
    assert view._job is None and len(view._cache) == 1


def test_a_wheel_step_refines_over_frames_to_the_picture_drawn_at_once(monkeypatch):
    monkeypatch.setattr(map_view, "FRAME_BUDGET_S", 0.0)  # one step a frame: the most frames
    view, screen = _view()
    view.draw(screen)
    before = pygame.image.tobytes(screen, "RGB")
    view.zoom(2, (320, 200))
    view.draw(screen)
    assert view._job is not None  # the frame of the step only shows the old picture, scaled
    preview = pygame.image.tobytes(screen, "RGB")
    assert preview != before and len(set(preview[::97])) > 2  # not blank sea: the map, larger
    frames = 1
    while view._job is not None:
        view.draw(screen)
        frames += 1
    assert frames > 10
    key = round(view.proj.scale, 6)
    refined, origin = view._cache[key]
    at_once = pygame.Surface(refined.get_size())
    view._render_static(at_once, origin)
    assert pygame.image.tobytes(refined, "RGB") == pygame.image.tobytes(at_once, "RGB")


def test_a_zoom_seen_before_is_blitted_without_refining():
    view, screen = _view()
    view.draw(screen)
    view.zoom(1)
    while True:
        view.draw(screen)
        if view._job is None:
            break
    view.zoom(-1)
    view.draw(screen)
    assert view._job is None
