"""Imports point one way, as the README's "Code layout" says (A -> B: A may import B):
cli and ui -> runners -> policies -> engine -> expr -> model, and the loader beside the engine,
never importing it; checked on every module's imports, function-level ones included, with ``ast``.

The allowed graph is data (``MAY_IMPORT``); a module outside it fails until it is given a layer.
The precise rule for the window: ``game.cli`` never imports ``game.ui``, except ``game.cli.window``
(the commands that open the window), and there only inside functions, so the headless commands
never load pygame; ``game.ui`` never imports ``game.cli``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "game"

_MODEL = frozenset(
    {
        "game",
        "game.diagnostics",
        "game.resources",
        "game.model",
        "game.params",
        "game.geo",
        "game.claim_status",
        "game.regions",
    }
)
_EXPR = _MODEL | {"game.expr"}
_ENGINE = _EXPR | {"game.engine"}
_POLICIES = _ENGINE | {"game.policies", "game.policies.llm"}
_FILES = frozenset({"game.files", "game.datafile"})  # reading and writing files: not for the pure layers
_RUNNERS = _POLICIES | _FILES | {"game.loader", "game.runners", "game.decisions"}
_TOOLS = _RUNNERS | {"game.lint", "game.class_report", "game.schema", "game.handout", "game.claim_notes"}

MAY_IMPORT: dict[str, frozenset[str]] = {
    # component (a module or a package) -> the components its modules may import
    "game": frozenset(),
    "game.diagnostics": frozenset(),
    "game.resources": frozenset(),
    "game.files": frozenset({"game.diagnostics"}),
    "game.datafile": frozenset({"game.diagnostics"}),
    "game.claim_status": frozenset(),
    "game.model": frozenset({"game", "game.diagnostics", "game.claim_status"}),
    "game.params": frozenset({"game.diagnostics", "game.model"}),
    "game.geo": frozenset({"game.resources"}),
    "game.regions": frozenset(
        {"game", "game.diagnostics", "game.model", "game.geo"}
    ),  # the world map's regions: the loader checks them, the engine measures ranges from them
    "game.schema": frozenset({"game", "game.model"}),
    "game.expr": frozenset({"game.diagnostics", "game.model"}),
    "game.loader": _MODEL | _FILES,  # the loader checks a file; compiling it is the engine's (never imported here)
    "game.engine": _EXPR,
    "game.policies": _POLICIES,  # policies see the engine's read-only observation
    "game.policies.llm": _POLICIES,  # the language-model seat: a policy that talks HTTP, so not pure
    "game.runners": _RUNNERS,
    "game.env": _RUNNERS,  # the PettingZoo/Gymnasium environments drive a session, as a runner does
    "game.decisions": _RUNNERS,
    "game.lint": _RUNNERS,
    "game.class_report": _RUNNERS,
    "game.claim_notes": frozenset({"game.claim_status", "game.model"}),  # a card's claims as numbered notes
    "game.handout": _RUNNERS
    | {"game.class_report", "game.claim_notes"},  # the debrief sheet shares the class report's figures
    "game.net": _RUNNERS | {"game.net"},  # class play over a network: beside the runners, under ui and cli
    "game.cli": _TOOLS | {"game.cli", "game.net"},
    "game.ui": _TOOLS | {"game.ui", "game.net"},
}

WINDOW_COMMANDS = "game.cli.window"
"""The one module of ``game.cli`` that may import ``game.ui``, and only inside its functions."""

GUI = ("pygame", "pygame_gui")
"""Only ``game.ui`` imports these."""
EXTRAS = ("dask", "distributed", "matplotlib")
"""Optional (``redline[cluster]``, ``redline[report]``): only ``game.runners``, only inside functions."""
RESEARCH = ("pettingzoo", "gymnasium")
"""Optional (``redline[research]``): only ``game.env`` imports them, and nothing imports ``game.env``."""
PURE = ("game.model", "game.expr", "game.engine", "game.policies")
IMPURE = ("os", "subprocess", "shutil", "tempfile", "time", "socket", "platformdirs", "urllib", "http")
"""No I/O, no environment, no clock, no processes in the pure layers."""


@attrs.frozen
class Import:
    module: str
    """The importing module."""
    target: str
    """The imported module, absolute."""
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or path.is_dir()


def imports_of(path: Path) -> list[Import]:
    return imports_in(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py")


def imports_in(source: str, module: str, is_package: bool) -> list[Import]:
    """Every import in a module's source, absolute, with whether it sits inside a function."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            if isinstance(child, ast.Import):
                found.extend(Import(module, a.name, child.lineno, inside) for a in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    anchor = package.split(".")[: len(package.split(".")) - (child.level - 1)]
                    base = ".".join(anchor + ([child.module] if child.module else []))
                for a in child.names:
                    sub = f"{base}.{a.name}"
                    found.append(Import(module, sub if _is_module(sub) else base, child.lineno, inside))
            visit(child, inside)

    visit(ast.parse(source, module), False)
    return found


def component(name: str) -> str | None:
    """The longest key of ``MAY_IMPORT`` that ``name`` is or lies under."""
    best = None
    for key in MAY_IMPORT:
        if (name == key or name.startswith(key + ".")) and (best is None or len(key) > len(best)):
            best = key
    return best


def _top(name: str) -> str:
    return name.split(".")[0]


def problems_of(imp: Import) -> list[str]:
    """Why this import breaks the layering (empty when it does not)."""
    own = component(imp.module)
    where = f"game/{'/'.join(imp.module.split('.')[1:]) or '__init__'}.py:{imp.line}: {imp.module} imports {imp.target}"
    if own is None:
        return [f"{where}: {imp.module} has no layer; add it to MAY_IMPORT in tests/test_layers.py"]
    out = []
    if _top(imp.target) == "game":
        other = component(imp.target)
        if own == "game.cli" and other == "game.ui":
            if imp.module != WINDOW_COMMANDS or not imp.in_function:
                out.append(f"{where}: only {WINDOW_COMMANDS} imports the window, and only inside a function")
        elif other is None or (other != own and other not in MAY_IMPORT[own]):
            out.append(f"{where}: {own} may import only {', '.join(sorted(MAY_IMPORT[own])) or 'nothing of game'}")
    lib = _top(imp.target)
    if lib in GUI and own != "game.ui":
        out.append(f"{where}: only game.ui imports {lib}")
    if lib in EXTRAS and (own != "game.runners" or not imp.in_function):
        out.append(f"{where}: {lib} is an optional extra: import it in game.runners, inside the function that needs it")
    if lib in RESEARCH and own != "game.env":
        out.append(f"{where}: {lib} is the research extra: only game.env imports it")
    if _top(imp.target) == "game" and component(imp.target) == "game.env" and own != "game.env":
        out.append(f"{where}: game.env needs the research extra: nothing in the game imports it")
    if lib in IMPURE and own in PURE:
        out.append(f"{where}: {own} is pure (no I/O, environment, clock or processes)")
    return out


def all_imports() -> list[Import]:
    return [imp for path in sorted(PACKAGE.rglob("*.py")) for imp in imports_of(path)]


def test_imports_point_one_way():
    violations = list(dict.fromkeys(p for imp in all_imports() for p in problems_of(imp)))
    assert not violations, "imports against the layering:\n" + "\n".join(violations)


def test_the_checker_sees_function_level_and_relative_imports():
    """The rules catch what they are meant to: a lazy import of the window outside cli.window, a
    loader importing the engine, an extra imported at module level, pygame in the engine."""
    cases = {
        "game/cli/commands.py": ("def f():\n    from game.ui.app import run_play\n", "only game.cli.window"),
        "game/loader/load.py": ("from ..engine.rules import compile_rules\n", "game.loader may import only"),
        "game/runners/report.py": ("import matplotlib\n", "optional extra"),
        "game/engine/batch.py": ("def f():\n    import pygame\n", "only game.ui imports pygame"),
        "game/engine/rules.py": ("import subprocess\n", "is pure"),
        "game/ui/app.py": ("from game.cli import common\n", "game.ui may import only"),
        "game/runners/sweep.py": ("def f():\n    import gymnasium\n", "research extra"),
        "game/cli/sweep_cmd.py": ("def f():\n    from game.env import env\n", "nothing in the game imports it"),
        "game/policies/base.py": ("import urllib.request\n", "is pure"),
    }
    for rel, (source, message) in cases.items():
        found = [p for i in imports_in(source, module_name(ROOT / rel), False) for p in problems_of(i)]
        assert any(message in p for p in found), (rel, found)
    ok = imports_of(PACKAGE / "cli" / "window.py")
    assert any(i.target.startswith("game.ui") and i.in_function for i in ok)
    assert not [p for i in ok for p in problems_of(i)]


def test_no_extra_is_imported_by_the_game_or_the_commands():
    """Loading every command, the runners and the window imports neither dask nor matplotlib."""
    code = (
        "import sys, game.cli, game.cli.commands, game.cli.window, game.runners.sweep, game.runners.local,"
        " game.runners.report, game.class_report, game.ui.app;"
        "print(sorted(m for m in ('dask', 'distributed', 'matplotlib', 'pettingzoo', 'gymnasium') if m in sys.modules))"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[]"
