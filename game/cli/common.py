"""Helpers shared by the subcommands: errors, --set parsing, progress bars."""

from __future__ import annotations

import os
import sys

from game.diagnostics import RedlineError


class UsageError(Exception):
    """Bad command-line usage: exit status 2."""


def fail(exc: RedlineError) -> int:
    for d in exc.diagnostics:
        print(d, file=sys.stderr)
    n = sum(1 for d in exc.diagnostics if d.severity == "error")
    if n > 1:
        print(f"{n} errors", file=sys.stderr)
    return 1


def parse_sets(items: list[str] | None, multi: bool = False) -> dict:
    """``--set PATH=VALUE`` (or ``PATH=V1,V2`` with ``multi``) into a dict."""
    out: dict = {}
    for item in items or []:
        if "=" not in item:
            raise UsageError(f"--set needs PATH=VALUE, got {item!r}")
        path, _, value = item.partition("=")
        try:
            values = [float(v) for v in value.split(",")] if multi else float(value)
        except ValueError:
            raise UsageError(f"--set {path}: {value!r} is not a number") from None
        out[path.strip()] = values
    return out


def parse_policies(items: list[str] | None) -> dict[str, str]:
    out = {}
    for item in items or []:
        if "=" not in item:
            raise UsageError(f"--policy needs ACTOR=NAME, got {item!r}")
        actor, _, name = item.partition("=")
        out[actor.strip()] = name.strip()
    return out


def progress(total: int, quiet: bool, unit: str = "game"):
    """A tqdm bar on stderr, or a no-op when quiet or stderr is not a terminal."""
    if quiet or not sys.stderr.isatty():
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit=unit, unit_scale=True, file=sys.stderr, dynamic_ncols=True, smoothing=0.1)


class _NoBar:
    def update(self, n: int) -> None: ...
    def close(self) -> None: ...
    def set_postfix_str(self, s: str) -> None: ...


ENGINE_HELP = (
    "auto (default: the compiled C kernel when there is a C compiler), compiled or numpy; "
    "the results are the same, only the time differs (sets REDLINE_ENGINE for the workers)"
)


def use_engine(name: str | None) -> None:
    """``--engine``: make this process and its worker processes play with that engine (and
    say so plainly if ``REDLINE_ENGINE`` names none)."""
    from game.engine.compiled import engine_choice

    if name:
        os.environ["REDLINE_ENGINE"] = name
    try:
        engine_choice()
    except ValueError as e:
        raise UsageError(str(e)) from None
