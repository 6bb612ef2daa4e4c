"""The files the game ships (scenarios, map, fonts, theme, template, schema, docs examples), found
with ``importlib.resources`` in one place, so an installed wheel and a source checkout agree.

A wheel carries the repository's top-level ``scenarios/``, ``assets/`` and ``docs/`` as
``game/_bundled/<name>`` (``setup.py``); a source checkout has them beside ``game/``. Both are
real folders on disk (pygame opens fonts by file name), so every function returns a ``Path``.
"""

from __future__ import annotations

import importlib.resources
from functools import cache
from pathlib import Path

__all__ = [
    "assets_dir",
    "docs_dir",
    "example_files",
    "find_shipped_scenario",
    "fonts_dir",
    "map_dir",
    "scenario_files",
    "scenarios_dir",
    "schema_file",
    "template_file",
    "theme_file",
]

BUNDLED = ("scenarios", "assets", "docs")
"""The top-level folders of the repository that a wheel carries under ``game/_bundled``."""


@cache
def _folder(name: str) -> Path:
    """The shipped folder ``name``: inside the installed package, else the checkout's top level."""
    assert name in BUNDLED, name
    installed = Path(str(importlib.resources.files("game._bundled"))) / name
    if installed.is_dir():
        return installed
    return Path(str(importlib.resources.files("game"))).parent / name


def scenarios_dir() -> Path:
    return _folder("scenarios")


def assets_dir() -> Path:
    return _folder("assets")


def docs_dir() -> Path:
    return _folder("docs")


def map_dir() -> Path:
    """The basemaps (``assets/map/*.json``) and ``cities.json``."""
    return assets_dir() / "map"


def fonts_dir() -> Path:
    return assets_dir() / "fonts"


def theme_file() -> Path:
    """The pygame_gui theme (``assets/theme.json``)."""
    return assets_dir() / "theme.json"


def schema_file() -> Path:
    """The scenario format's JSON Schema (``docs/redline.schema.json``), named by new scenarios."""
    return docs_dir() / "redline.schema.json"


def template_file() -> Path:
    """The commented template ``new`` writes (``game/templates/new_scenario.yaml``)."""
    return Path(str(importlib.resources.files("game"))) / "templates" / "new_scenario.yaml"


def scenario_files() -> list[Path]:
    """The shipped scenarios, sorted by file name."""
    return sorted(scenarios_dir().glob("*.yaml"))


def example_files() -> list[Path]:
    """The worked examples of ``docs/authoring.md`` (``docs/examples/*.yaml``)."""
    return sorted((docs_dir() / "examples").glob("*.yaml"))


def find_shipped_scenario(name: str) -> Path | None:
    """A shipped scenario named by its id (``tutorial``), file name or path as a save records it
    (``scenarios/tutorial.yaml``); None when no shipped scenario has that name.

    >>> find_shipped_scenario("tutorial").name
    'tutorial.yaml'
    >>> find_shipped_scenario("scenarios/cuba_1962.yaml").name
    'cuba_1962.yaml'
    >>> find_shipped_scenario("nowhere") is None
    True
    """
    stem = Path(name).name
    if not stem.endswith((".yaml", ".yml")):
        stem += ".yaml"
    found = scenarios_dir() / stem
    return found if found.is_file() else None
