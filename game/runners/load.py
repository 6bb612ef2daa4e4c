"""Load a scenario to play it: the loader's checks (``game.loader``), then the engine's rule
compiler (``game.engine.rules``).

The loader knows nothing of the engine, so this step lives here, above both: every caller that
wants a playable scenario (the commands, the runners, the window) loads it through this module.
"""

from __future__ import annotations

import os
from collections.abc import Callable

import attrs

from game.diagnostics import Diagnostic, ScenarioError
from game.engine.rules import Rules, compile_rules
from game.loader.load import Checked, by_place, check_bytes, check_file
from game.model import Scenario
from game.runners import launch_cache


@attrs.frozen
class Loaded:
    """A scenario that passed every check, with its compiled rules and any warnings."""

    file: str
    scenario: Scenario
    rules: Rules
    warnings: tuple[Diagnostic, ...]
    locate: Callable = attrs.field(eq=False, repr=False, default=None)
    """(model path, offset) -> (file, line, col, dotted path): where a value was written."""
    source: bytes = attrs.field(eq=False, repr=False, default=b"")
    """The scenario as one file (``extends:`` resolved): what workers load and saves hash."""


def load_bytes(
    raw: bytes, name: str, overrides: dict[str, float] | None = None, real_path: str | None = None
) -> Loaded:
    """Check and compile a scenario's bytes; raises ``ScenarioError`` with every problem."""
    return _compiled(check_bytes(raw, name, overrides, real_path), name)


def _compiled(checked: Checked, name: str) -> Loaded:
    rules, errors, more = compile_rules(checked.scenario, checked.locate, launch_cache.launch_edges(checked.scenario))
    if errors or rules is None:
        raise ScenarioError(by_place(errors, name))
    return Loaded(name, checked.scenario, rules, checked.warnings + tuple(more), checked.locate, checked.source)


def compile_checked(checked: Checked) -> Loaded:
    """Compile a scenario already checked (the title screen checks every file for its first frame
    and compiles only the one a player starts); raises ``ScenarioError``."""
    return _compiled(checked, checked.file)


def load_scenario(path: str | os.PathLike, overrides: dict[str, float] | None = None) -> Loaded:
    """Load, check and compile a scenario file; ``overrides`` set params by dotted path. Every
    command and screen that opens a file comes here, so a variant's base is found wherever."""
    checked = check_file(path, overrides)
    return _compiled(checked, checked.file)
