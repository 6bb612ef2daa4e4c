"""The launch edges kept on disk (``game.runners.launch_cache``): the cached points are the
computed ones to the bit, and no cache file (damaged, foreign, stale) nor cache folder
(missing, unwritable) can break loading a scenario: it is ignored and the edges computed."""

from __future__ import annotations

import glob
import os
import zipfile
from pathlib import Path

import attrs
import numpy as np
import pytest

from game import regions
from game.engine.rules import compile_rules
from game.loader.load import check_file
from game.runners import launch_cache
from game.runners.load import load_scenario

ROOT = Path(__file__).resolve().parent.parent
KOREA = ROOT / "tests" / "maps" / "korea_map.yaml"
ATACMS = ROOT / "scenarios" / "atacms_2024.yaml"


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh cache folder and an empty in-process memory for each test."""
    monkeypatch.setenv("REDLINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.setattr(launch_cache, "_memory", type(launch_cache._memory)())
    return tmp_path / "cache" / "launch"


def _same(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    return list(a) == list(b) and all(a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k]) for k in a)


def _no_measuring(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(scn):
        raise AssertionError("measured again")

    monkeypatch.setattr(regions, "launch_edges", fail)


def test_cached_edges_are_the_computed_ones(own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    scn = check_file(ATACMS).scenario
    computed = regions.launch_edges(scn)
    assert len(computed) >= 3 and sum(len(v) for v in computed.values()) > 1000
    first = launch_cache.launch_edges(scn)
    assert _same(first, computed)
    (saved,) = glob.glob(str(own_cache / "e_*.npz"))
    launch_cache._memory.clear()
    _no_measuring(monkeypatch)
    assert _same(launch_cache.launch_edges(scn), computed)  # read back from the file
    assert os.path.getsize(saved) > 0


def test_rules_from_cached_edges_equal_rules_measured_in_the_engine() -> None:
    checked = check_file(KOREA)
    load_scenario(KOREA)  # fills the cache
    launch_cache._memory.clear()
    cached = load_scenario(KOREA).rules
    measured, errors, _ = compile_rules(checked.scenario, checked.locate)
    assert measured is not None and not errors
    assert cached.launch_points.keys() == measured.launch_points.keys()
    for wi, pts in measured.launch_points.items():
        assert np.array_equal(cached.launch_points[wi], pts)
    assert [(i.static_ok, i.distance_km) for i in cached.instances] == [
        (i.static_ok, i.distance_km) for i in measured.instances
    ]


def _damage(path: str, how: str, other: str) -> None:
    data = Path(path).read_bytes()
    if how == "truncated":
        Path(path).write_bytes(data[: len(data) // 2])
    elif how == "empty":
        Path(path).write_bytes(b"")
    elif how == "garbage":
        Path(path).write_bytes(os.urandom(len(data)))
    elif how == "flipped":
        Path(path).write_bytes(data[:100] + bytes([data[100] ^ 0xFF]) + data[101:])
    elif how == "foreign_version":
        with np.load(path) as z:
            arrays = dict(z)
        header = bytes(arrays["header"]).replace(launch_cache.FORMAT.encode(), b"redline-launch-edges/0")
        np.savez(path, **{**arrays, "header": np.frombuffer(header, dtype=np.uint8)})
    elif how == "other_key":
        Path(path).write_bytes(Path(other).read_bytes())
    elif how == "not_finite":
        with np.load(path) as z:
            arrays = dict(z)
        arrays["points"][0, 0] = np.nan
        np.savez(path, **arrays)
    elif how == "pickled":
        with np.load(path) as z:
            arrays = dict(z)
        np.savez(path, **{**arrays, "points": np.array([object()], dtype=object)})
    elif how == "folder":
        os.remove(path)
        os.mkdir(path)


@pytest.mark.parametrize(
    "how",
    ["truncated", "empty", "garbage", "flipped", "foreign_version", "other_key", "not_finite", "pickled", "folder"],
)
def test_a_bad_cache_file_is_ignored_and_measured_again(own_cache: Path, how: str) -> None:
    scn = check_file(KOREA).scenario
    computed = regions.launch_edges(scn)
    launch_cache.launch_edges(scn)
    (path,) = glob.glob(str(own_cache / "e_*.npz"))
    moved = attrs.evolve(scn.map.regions[0], outline=((126.0, 37.0), (127.0, 37.0), (127.0, 38.0)))
    other_scn = attrs.evolve(scn, map=attrs.evolve(scn.map, regions=(moved, *scn.map.regions[1:])))
    launch_cache._memory.clear()
    launch_cache.launch_edges(other_scn)
    other = next(p for p in glob.glob(str(own_cache / "e_*.npz")) if p != path)
    _damage(path, how, other)
    assert launch_cache._read(path, launch_cache.key(scn), regions.launch_region_ids(scn)) is None
    launch_cache._memory.clear()
    assert _same(launch_cache.launch_edges(scn), computed)
    if how != "folder":  # written again, whole: the next process reads it
        launch_cache._memory.clear()
        with zipfile.ZipFile(path) as z:
            assert z.testzip() is None
        assert _same(launch_cache._read(path, launch_cache.key(scn), regions.launch_region_ids(scn)) or {}, computed)
    assert not glob.glob(str(own_cache / "*.tmp"))


def test_a_cache_folder_that_cannot_be_made_is_ignored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("REDLINE_CACHE", str(blocker))
    scn = check_file(KOREA).scenario
    assert launch_cache.cache_dir() is None
    assert _same(launch_cache.launch_edges(scn), regions.launch_edges(scn))


def test_a_cache_that_cannot_be_written_is_ignored(own_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(launch_cache.os, "replace", full_disk)
    scn = check_file(KOREA).scenario
    assert _same(launch_cache.launch_edges(scn), regions.launch_edges(scn))
    assert os.listdir(own_cache) == []  # no file, no temporary left behind


def test_the_key_follows_the_geometry_only() -> None:
    scn = check_file(KOREA).scenario
    retitled = attrs.evolve(scn, meta=attrs.evolve(scn.meta, title="Another title"))
    assert launch_cache.key(retitled) == launch_cache.key(scn)
    (first, *rest) = scn.map.regions
    assert first.id in regions.launch_region_ids(scn)
    moved = attrs.evolve(first, outline=((126.0, 37.0), (127.0, 37.0), (127.0, 38.0)))
    other = attrs.evolve(scn, map=attrs.evolve(scn.map, regions=(moved, *rest)))
    assert launch_cache.key(other) != launch_cache.key(scn)


def test_the_cache_keeps_the_most_recently_used(own_cache: Path) -> None:
    own_cache.mkdir(parents=True)
    for i in range(launch_cache.KEEP + 3):
        path = own_cache / f"e_{i:024d}.npz"
        path.write_bytes(b"x")
        os.utime(path, (1000 + i, 1000 + i))
    stale = own_cache / "e_x.npz.abc.tmp"
    stale.write_bytes(b"")
    os.utime(stale, (1000, 1000))
    launch_cache.prune(str(own_cache))
    left = sorted(os.listdir(own_cache))
    assert left == [f"e_{i:024d}.npz" for i in range(3, launch_cache.KEEP + 3)]


def test_a_sweep_measures_the_launch_edges_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every point of a sweep over a range compiles the scenario, and none measures the edges
    again: the first from the world map, the others from memory; a later process from disk."""
    from game.loader.load import resolved_source
    from game.runners import local
    from game.runners.sweep import Axis, Sweep, run_sweep

    measured = []
    real = regions.launch_edges

    def counted(scn):
        measured.append(scn.meta.id)
        return real(scn)

    monkeypatch.setattr(regions, "launch_edges", counted)
    monkeypatch.setattr(local, "_compiled_rules", local._compiled_rules.__wrapped__)  # no compile is reused
    sweep = Sweep(resolved_source(KOREA), "korea.yaml", [Axis("weapons.k9.range_km", (20.0, 40.0, 80.0))], 64, 1)
    results = run_sweep(sweep, 1)
    assert len(results["points"]) == 3 and len(measured) == 1
    launch_cache._memory.clear()
    run_sweep(sweep, 1)
    assert len(measured) == 1
