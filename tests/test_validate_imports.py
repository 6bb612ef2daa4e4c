"""``validate`` is what an author runs after every edit, so it stays light: in a fresh process it
imports none of the window's, the reports' or the cluster's libraries (nor cattrs, which only
words a bad file's errors), and once the launch edges are cached it reads no outline of the
world map."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ATACMS = "scenarios/atacms_2024.yaml"
HEAVY = (
    "matplotlib",
    "dask",
    "distributed",
    "pygame",
    "pygame_gui",
    "jinja2",
    "websockets",
    "pettingzoo",
    "gymnasium",
    "scipy",
    "pandas",
    "cattrs",  # a valid file is structured without it (game.loader.structure._plain)
    "typing_extensions",  # cattrs'
)

VALIDATE = """
import json, runpy, sys
sys.argv = ["main.py", "validate", {path!r}]
try:
    runpy.run_path("main.py", run_name="__main__")
except SystemExit as exc:
    code = exc.code
else:
    code = 0
import game.geo
print(json.dumps({{
    "code": code,
    "heavy": sorted(m for m in {heavy!r} if m in sys.modules),
    "outlines_read": game.geo._load_basemap.cache_info().currsize,
}}))
"""


def _validate() -> dict:
    code = VALIDATE.format(path=ATACMS, heavy=HEAVY)
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_validate_imports_no_heavy_library_and_reads_outlines_only_to_measure() -> None:
    first = _validate()  # may measure the launch edges (the session's cache may be empty)
    assert first["code"] == 0 and first["heavy"] == []
    again = _validate()
    assert again == {"code": 0, "heavy": [], "outlines_read": 0}
