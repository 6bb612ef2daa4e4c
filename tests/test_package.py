"""The wheel is a real package: it carries every module and every file the game reads (scenarios,
map, fonts, theme, template, schema, docs examples), and installed on its own it gives a
``redline`` command equal to ``python main.py``.

The wheel is built from a copy of the sources, so a build never leaves ``build/`` in the working
tree (setuptools keeps stale modules there and would ship them in the next wheel).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("game", "scenarios", "assets", "docs", "setup.py", "pyproject.toml", "README.md")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, src / name)
    out = tmp_path_factory.mktemp("wheel")
    p = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "-q", "-w", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    (found,) = out.glob("redline-*.whl")
    return found


def _names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as z:
        return set(z.namelist())


def _shipped(folder: str, pattern: str) -> list[str]:
    return sorted(p.relative_to(ROOT / folder).as_posix() for p in (ROOT / folder).glob(pattern))


def test_requirements_are_the_package_and_its_extras():
    """requirements.txt (what ``python main.py`` needs, extras included so every README command
    works from a checkout) lists exactly the package's dependencies and its extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    package = set(project["dependencies"]) | {d for deps in project["optional-dependencies"].values() for d in deps}
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    listed = {line.split("#")[0].strip() for line in lines} - {""}
    assert listed == package


def test_wheel_carries_every_module(wheel):
    names = _names(wheel)
    modules = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "game").rglob("*.py"))
    assert modules and not [m for m in modules if m not in names]


@pytest.mark.parametrize(
    "folder,pattern",
    [
        ("scenarios", "*.yaml"),
        ("assets", "fonts/*.ttf"),
        ("assets", "fonts/OFL.txt"),
        ("assets", "map/*.json"),
        ("assets", "map/*.npz"),
        ("assets", "theme.json"),
        ("assets", "NOTICE.md"),
        ("docs", "examples/*.yaml"),
        ("docs", "redline.schema.json"),
        ("docs", "teaching/*.md"),
    ],
)
def test_wheel_carries_the_data(wheel, folder, pattern):
    files = _shipped(folder, pattern)
    assert files, f"nothing in {folder}/{pattern}"
    missing = [f for f in files if f"game/_bundled/{folder}/{f}" not in _names(wheel)]
    assert not missing


def test_wheel_carries_the_template_the_command_and_the_extras(wheel):
    names = _names(wheel)
    assert "game/templates/new_scenario.yaml" in names
    assert {"game/templates/handout/handout.html.j2", "game/templates/handout/card_page.html.j2"} <= set(names)
    with zipfile.ZipFile(wheel) as z:
        info = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        assert "redline = game.cli:main" in z.read(info).decode()
        meta = z.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    requires = [line for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    for heavy, extra in (("matplotlib", "report"), ("dask", "cluster")):
        lines = [r for r in requires if heavy in r]
        assert lines and all(f"extra == '{extra}'" in r or f'extra == "{extra}"' in r for r in lines), lines


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with only the wheel installed; its dependencies are read from this
    interpreter's site-packages (a .pth), so no index is needed."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=300)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    deps = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    Path(site, "_redline_test_deps.pth").write_text("\n".join(sorted(deps)) + "\n", encoding="utf-8")
    p = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", "--no-index", str(wheel)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    return venv


def _redline(venv: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    exe = venv / ("Scripts/redline.exe" if os.name == "nt" else "bin/redline")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env.update(SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy", REDLINE_CACHE=str(cwd / "cache"))
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600)


@pytest.mark.slow
def test_installed_redline_runs_every_kind_of_command(installed, tmp_path):
    python = installed / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    where = subprocess.run(
        [str(python), "-c", "import game, game.resources as r; print(game.__file__); print(r.scenarios_dir())"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    ).stdout.split()
    assert all(Path(w).is_relative_to(installed) for w in where), where
    tutorial = str(Path(where[1]) / "tutorial.yaml")

    p = _redline(installed, tmp_path, "--help")
    assert p.returncode == 0 and all(c in p.stdout for c in ("validate", "simulate", "sweep", "class-report", "watch"))

    p = _redline(installed, tmp_path, "validate", tutorial)
    assert p.returncode == 0 and "1 of 1 scenario valid" in p.stdout, p.stderr
    p = _redline(installed, tmp_path, "validate", "tutorial", "cuba_1962", "atacms_2024")  # shipped, by id
    assert p.returncode == 0 and "3 of 3 scenarios valid" in p.stdout, p.stderr

    p = _redline(installed, tmp_path, "new", "x.yaml")
    assert p.returncode == 0, p.stderr
    p = _redline(installed, tmp_path, "validate", "x.yaml")
    assert p.returncode == 0 and "x.yaml: ok" in p.stdout, p.stdout + p.stderr

    p = _redline(installed, tmp_path, "new", "y.yaml", "--from", "cuba_1962")
    assert p.returncode == 0 and _redline(installed, tmp_path, "validate", "y.yaml").returncode == 0

    p = _redline(installed, tmp_path, "simulate", "tutorial", "--games", "100", "--seed", "1", "--json")
    assert p.returncode == 0, p.stderr
    direct = subprocess.run(
        [sys.executable, "main.py", "simulate", "scenarios/tutorial.yaml", "--games", "100", "--seed", "1", "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert '"outcomes"' in p.stdout and json.loads(p.stdout) == json.loads(direct.stdout)

    p = _redline(installed, tmp_path, "play", tutorial, "--actor", "aldoria", "--screenshot", "board.png")
    assert p.returncode == 0 and (tmp_path / "board.png").stat().st_size > 0, p.stderr


TUTORIAL = "scenarios/tutorial.yaml"


@pytest.mark.parametrize(
    "args,hidden,message",
    [
        (
            ["sweep", TUTORIAL, "--set", "enforce_p=0,1", "--scheduler", "tcp://nowhere:1"],
            "distributed",
            "sweep --scheduler needs the cluster extra: pip install 'redline[cluster]'",
        ),
        (
            ["simulate", TUTORIAL, "--scheduler", "tcp://nowhere:1"],
            "distributed",
            "simulate --scheduler needs the cluster extra: pip install 'redline[cluster]'",
        ),
        (
            ["sweep", TUTORIAL, "--set", "enforce_p=0,1", "--games", "10", "--out", "nowhere"],
            "matplotlib",
            "sweep --out (the report's plots) needs the report extra: pip install 'redline[report]'",
        ),
    ],
    ids=["sweep-scheduler", "simulate-scheduler", "sweep-report"],
)
def test_a_missing_extra_is_one_line_and_exit_2(args, hidden, message):
    """Without dask or matplotlib, the command that needs one says which extra to install."""
    code = f"import sys; sys.modules[{hidden!r}] = None; from game.cli import main; sys.exit(main({args!r}))"
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert p.returncode == 2 and message in p.stderr, p.stderr
    assert len(p.stderr.strip().splitlines()) == 1 and not (ROOT / "nowhere").exists()
