"""Only what ``pyproject.toml`` cannot say: the packages found under ``game/`` plus the repository's
top-level data folders, which the wheel carries as ``game._bundled.<name>`` (see ``game/resources.py``).
"""

from setuptools import find_namespace_packages, setup

BUNDLED = {
    "game._bundled.scenarios": "scenarios",
    "game._bundled.assets": "assets",
    "game._bundled.docs": "docs",
}

setup(
    packages=[p for p in find_namespace_packages(include=["game", "game.*"]) if "__pycache__" not in p] + list(BUNDLED),
    package_dir=BUNDLED,
)
