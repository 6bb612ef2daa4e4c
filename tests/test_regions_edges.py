"""``regions._near_edges`` tests each edge only against the points in its box: it must give
exactly what measuring every point against every edge gives, for random rings, points on the
edges and points at about the tolerance from them."""

from __future__ import annotations

import numpy as np
import pytest

from game import regions

TOL = regions.EDGE_TOLERANCE_DEG


def every_point_against_every_edge(pts: np.ndarray, rings, tol: float = TOL) -> np.ndarray:
    """The definition: the planar distance to the nearest edge of any ring is at most ``tol``."""
    near = np.zeros(len(pts), dtype=bool)
    for ring in rings:
        a, b = ring, np.roll(ring, -1, axis=0)
        d = b - a
        ll = np.maximum((d**2).sum(axis=1), 1e-18)
        t = np.clip(((pts[:, None, :] - a[None]) * d[None]).sum(axis=2) / ll[None], 0.0, 1.0)
        gap = pts[:, None, :] - (a[None] + t[..., None] * d[None])
        near |= (gap**2).sum(axis=2).min(axis=1) <= tol * tol
    return near


def _case(seed: int) -> tuple[np.ndarray, list[np.ndarray]]:
    rng = np.random.default_rng(seed)
    rings = []
    for _ in range(rng.integers(1, 5)):
        n = int(rng.integers(3, 40))
        angle = np.sort(rng.uniform(0, 2 * np.pi, n))
        radius = rng.uniform(0.05, 1.5, n)
        centre = rng.uniform(-2, 2, 2)
        rings.append(np.column_stack([centre[0] + radius * np.cos(angle), centre[1] + radius * np.sin(angle)]))
    edge_pts = np.concatenate(rings)
    normal = rng.normal(size=edge_pts.shape)
    normal /= np.linalg.norm(normal, axis=1, keepdims=True)
    pts = np.concatenate(
        [
            rng.uniform(-4, 4, (400, 2)),  # anywhere
            edge_pts,  # on a corner
            edge_pts + normal * TOL * rng.uniform(0.98, 1.02, (len(edge_pts), 1)),  # about the tolerance away
            (edge_pts + np.roll(edge_pts, -1, axis=0)) / 2,  # mid-edge (or across rings)
        ]
    )
    return pts, rings


@pytest.mark.parametrize("seed", range(40))
def test_near_edges_is_every_point_against_every_edge(seed: int) -> None:
    pts, rings = _case(seed)
    want = every_point_against_every_edge(pts, rings)
    assert 0 < want.sum() < len(pts)
    assert np.array_equal(regions._near_edges(pts, rings), want)


def test_near_edges_of_nothing() -> None:
    pts, rings = _case(0)
    assert not regions._near_edges(pts, []).any()
    assert regions._near_edges(np.empty((0, 2)), rings).shape == (0,)


def test_near_edges_in_blocks_is_the_same(monkeypatch: pytest.MonkeyPatch) -> None:
    pts, rings = _case(7)
    want = regions._near_edges(pts, rings)
    monkeypatch.setattr(regions, "_PAIRS_PER_BLOCK", 5)
    assert np.array_equal(regions._near_edges(pts, rings), want)
