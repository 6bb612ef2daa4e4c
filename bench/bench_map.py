"""The world map's cost, measured (not asserted): prints figures for the notes.

    python bench/bench_map.py [SCENARIO ...] [--size 900x560] [--frames 300]

The time to read the world basemap (once per process); then for each scenario (default: the
shipped ones): the time to build the map view (rings to the unit plane), to render the
static cache (a new zoom or a pan past the margin: sea, land, borders, the scenario's regions),
and the frame time of a board frame that blits the cache and draws sites and labels (what the
window does 60 times a second while the map is still), with the frames per second that allows;
then the same at the whole-world zoom; and wheel zoom steps (the frame right after a step,
and the frames until the new picture is complete). Runs headless (SDL's dummy video driver). The machine is
shared and noisy: read figures as +-20%.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import pygame  # noqa: E402

from game import geo  # noqa: E402
from game.runners.load import load_scenario  # noqa: E402
from game.ui import theme  # noqa: E402
from game.ui.map_view import ZOOM_STEP, MapView  # noqa: E402


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def bench(path: str, size: tuple[int, int], frames: int) -> None:
    loaded = load_scenario(path)
    scn = loaded.scenario
    basemap = geo.load_basemap(scn.map.basemap) if scn.map.basemap != "none" else None
    t = time.perf_counter()
    view = MapView(scn, theme.actor_colours(scn), basemap, [], rules=loaded.rules)
    build = time.perf_counter() - t
    screen = pygame.Surface(size)
    view.set_rect(pygame.Rect(0, 0, *size))
    print(f"{os.path.basename(path)}: basemap {scn.map.basemap}, view built in {_ms(build)}")
    _bench_wheel(view, screen)
    for label, zoom_out in (("scenario view", 0), ("whole world", 1)):
        if zoom_out:
            view.home = (-180.0, -60.0, 180.0, 80.0)
            view.reset_view()
        renders = []
        for _ in range(3):
            view._cache.clear()
            t = time.perf_counter()
            view._cache_surface()
            renders.append(time.perf_counter() - t)
        times = []
        for _ in range(frames):
            t = time.perf_counter()
            view.draw(screen, 1 / 60)
            times.append(time.perf_counter() - t)
        frame = statistics.median(times)
        p95 = sorted(times)[int(0.95 * len(times))]
        print(
            f"  {label}: static render {_ms(min(renders))} (best of 3), frame {_ms(frame)} median, "
            f"{_ms(p95)} p95 -> {1 / frame:.0f} fps"
        )


def _bench_wheel(view: MapView, screen: pygame.Surface) -> None:
    """Wheel steps in and out, as the window sees them: the time of the frame right after each
    step (the old picture scaled, plus a frame's budget of the new render), and how many frames
    and how long until the new picture is complete."""
    view.draw(screen, 1 / 60)  # the first picture (drawn at once)
    first, refine_frames, refine_time, worst = [], [], [], 0.0
    for steps in (1, 1, 1, -1, -1, -1, -1, -1):
        view._cache.pop(round(view.proj.scale * ZOOM_STEP**steps, 6), None)  # a zoom never seen
        view.zoom(steps)
        t0 = time.perf_counter()
        view.draw(screen, 1 / 60)
        first.append(time.perf_counter() - t0)
        frames = 1
        while view._job is not None:
            t = time.perf_counter()
            view.draw(screen, 1 / 60)
            worst = max(worst, time.perf_counter() - t)
            frames += 1
        refine_frames.append(frames)
        refine_time.append(time.perf_counter() - t0)
    print(
        f"  wheel zoom ({len(first)} steps): frame after a step {_ms(statistics.median(first))} median, "
        f"{_ms(max(first))} worst; new picture complete after {statistics.median(refine_frames):.0f} frames, "
        f"{_ms(statistics.median(refine_time))} median (worst refining frame {_ms(worst)})"
    )
    view.reset_view()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("scenarios", nargs="*", help="scenario files (default: the shipped ones on the world map)")
    ap.add_argument("--size", default="900x560", help="map size in pixels, WxH (the board's map at 1280x720)")
    ap.add_argument("--frames", type=int, default=300)
    args = ap.parse_args(argv)
    w, h = (int(v) for v in args.size.lower().split("x"))
    pygame.init()
    t = time.perf_counter()
    world = geo.load_basemap(geo.WORLD)
    size = os.path.getsize(os.path.join(geo.MAP_DIR, f"{geo.WORLD}.npz"))
    print(
        f"world.npz: {size / 1024:.0f} KB, {len(world['countries'])} countries and {len(world['regions'])} "
        f"regions read in {_ms(time.perf_counter() - t)}"
    )
    paths = args.scenarios or [
        os.path.join(ROOT, "scenarios", f) for f in ("atacms_2024.yaml", "cuba_1962.yaml", "tutorial.yaml")
    ]
    for path in paths:
        bench(path, (w, h), args.frames)
    return 0


if __name__ == "__main__":
    sys.exit(main())
