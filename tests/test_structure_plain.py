"""The loader structures a valid scenario without cattrs (``structure._plain``) and leaves every
other to cattrs, which words the errors: so the plain reader must build exactly what cattrs
builds, and must never accept what cattrs refuses."""

from __future__ import annotations

import copy
import glob
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.loader import structure
from game.loader.extends import from_located, resolve
from game.loader.load import _read_base
from game.loader.yaml_source import read_yaml_bytes
from game.model import Scenario

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted(glob.glob(str(ROOT / "scenarios" / "*.yaml")) + glob.glob(str(ROOT / "docs" / "examples" / "*.yaml")))


def _normalized(path: str) -> dict:
    raw = Path(path).read_bytes()
    merged = resolve(from_located(read_yaml_bytes(raw, path), raw.decode("utf-8")), path, path, None, _read_base)
    data, _pathmap, problems = structure.normalize(merged.data)
    assert not problems
    return data


def _both(data) -> tuple[object, object]:
    """(what cattrs builds or None when it refuses, what the plain reader builds or None)."""
    try:
        slow = structure.converter().structure(data, Scenario)
    except Exception:  # noqa: BLE001 - a refusal is what is compared
        slow = None
    try:
        fast = structure._plain(data, Scenario)
    except Exception:  # noqa: BLE001
        fast = None
    return slow, fast


@pytest.mark.parametrize("path", FILES, ids=[Path(f).stem for f in FILES])
def test_plain_reader_builds_what_cattrs_builds(path: str) -> None:
    slow, fast = _both(_normalized(path))
    assert slow is not None and fast == slow


TUTORIAL = _normalized(str(ROOT / "scenarios" / "tutorial.yaml"))
ODD_VALUES = st.sampled_from(
    [
        None,
        True,
        False,
        0,
        1,
        -3,
        2.5,
        math.nan,
        math.inf,
        "",
        "x",
        "#0072B2",
        [],
        [1],
        ["a", 2],
        [1.0, 2.0],
        {},
        {"a": 1},
    ]
)


def _paths(value, here=()):
    yield here
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*here, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*here, i))


PATHS = [p for p in _paths(TUTORIAL) if p]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(PATHS), st.sampled_from(["set", "delete", "extra"]), ODD_VALUES),
        min_size=1,
        max_size=3,
    )
)
def test_plain_reader_never_accepts_what_cattrs_refuses(edits) -> None:
    data = copy.deepcopy(TUTORIAL)
    for path, how, value in edits:
        parent = data
        try:
            for step in path[:-1]:
                parent = parent[step]
            if how == "set":
                parent[path[-1]] = value
            elif how == "delete":
                del parent[path[-1]]
            elif isinstance(parent, dict):
                parent["no_such_field"] = value
        except (KeyError, IndexError, TypeError):
            continue
    slow, fast = _both(data)
    if slow is None:
        assert fast is None
    else:
        assert fast == slow or fast is None
