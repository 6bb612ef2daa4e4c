"""``geo.point_in_polygon`` tests only the points in the ring's box, in bounded blocks: it must
answer exactly as the even-odd test of every point against every edge, for points anywhere,
on the corners, a hair off them and on the box's sides."""

from __future__ import annotations

import numpy as np
import pytest

from game import geo


def every_point_against_every_edge(lon: np.ndarray, lat: np.ndarray, ring: np.ndarray) -> np.ndarray:
    x0, y0 = ring[:, 0], ring[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    pxe, pye = lon[:, None], lat[:, None]
    crosses = (y0 > pye) != (y1 > pye)
    with np.errstate(divide="ignore", invalid="ignore"):
        xcross = x0 + (pye - y0) * (x1 - x0) / (y1 - y0)
    return (np.count_nonzero(crosses & (pxe < xcross), axis=-1) % 2) == 1


@pytest.mark.parametrize("seed", range(20))
def test_point_in_polygon_is_the_test_against_every_edge(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 60))
    angle = np.sort(rng.uniform(0, 2 * np.pi, n))
    ring = np.column_stack([rng.uniform(0.2, 3, n) * np.cos(angle), rng.uniform(0.2, 3, n) * np.sin(angle)])
    lo, hi = ring.min(axis=0), ring.max(axis=0)
    side = rng.uniform(lo[1], hi[1], 40)
    pts = np.concatenate(
        [
            rng.uniform(lo - 1, hi + 1, (300, 2)),
            ring,
            ring + rng.normal(0, 1e-12, ring.shape),
            np.column_stack([np.full(40, lo[0]), side]),
            np.column_stack([np.full(40, hi[0]), side]),
        ]
    )
    want = every_point_against_every_edge(pts[:, 0], pts[:, 1], ring)
    assert np.array_equal(geo.point_in_polygon(pts[:, 0], pts[:, 1], ring.ravel()), want)
    grid = pts.reshape(-1, 2, 2)  # any shape of points gives the same shape back
    assert np.array_equal(geo.point_in_polygon(grid[..., 0], grid[..., 1], ring.ravel()), want.reshape(-1, 2))
