"""``geo.nearest_km`` measures only the pairs its chord ordering leaves in doubt: it must give
to the bit the minimum of ``haversine_km`` over every pair (the ranges the engine checks and
the stored results depend on those figures), for spread points, clustered near-ties, the
poles, the antimeridian and antipodes."""

from __future__ import annotations

import numpy as np
import pytest

from game import geo


def every_pair(points: np.ndarray, targets: np.ndarray) -> np.ndarray:
    return geo.haversine_km(points[:, None, 0], points[:, None, 1], targets[None, :, 0], targets[None, :, 1]).min(
        axis=1
    )


def _lonlat(rng: np.random.Generator, n: int) -> np.ndarray:
    return np.column_stack([rng.uniform(-180, 180, n), np.degrees(np.arcsin(rng.uniform(-1, 1, n)))])


@pytest.mark.parametrize("seed", range(30))
def test_nearest_is_the_minimum_over_every_pair_to_the_bit(seed: int) -> None:
    rng = np.random.default_rng(seed)
    points = _lonlat(rng, 40)
    kind = seed % 3
    if kind == 0:  # spread over the globe
        targets = _lonlat(rng, 700)
    elif kind == 1:  # many targets a few centimetres from each other: near-ties everywhere
        targets = points[:6].repeat(100, axis=0) + rng.normal(0, 1e-7, (600, 2))
    else:  # a dense border, as a country's edge
        targets = np.column_stack([rng.uniform(22, 40, 3000), rng.uniform(44, 52, 3000)])
    assert every_pair(points, targets).tobytes() == geo.nearest_km(points, targets).tobytes()


def test_nearest_at_the_poles_the_antimeridian_and_antipodes() -> None:
    points = np.array([[0.0, 90.0], [179.999, 0.0], [10.0, 20.0], [0.0, -90.0]])
    targets = np.array([[-179.999, 0.0], [45.0, 89.9999], [-170.0, -20.0], [123.0, -90.0], [10.0, 20.0]])
    got = geo.nearest_km(points, targets)
    assert got.tobytes() == every_pair(points, targets).tobytes()
    assert got[2] == 0.0  # a target on the point


def test_nearest_in_blocks_and_without_targets() -> None:
    rng = np.random.default_rng(5)
    points, targets = _lonlat(rng, 3000), _lonlat(rng, 2000)  # more pairs than one block holds
    assert every_pair(points, targets).tobytes() == geo.nearest_km(points, targets).tobytes()
    assert geo.nearest_km(np.empty((0, 2)), targets).shape == (0,)
    with pytest.raises(ValueError, match="at least one target"):
        geo.nearest_km(points, np.empty((0, 2)))
