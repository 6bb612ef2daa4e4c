"""Helpers shared by the subcommands: errors, --set parsing, progress bars."""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys

from game.diagnostics import RedlineError


def prog() -> str:
    """How the user ran Redline, for usage lines and hints: ``redline`` (the installed command)
    or ``python main.py``."""
    return "redline" if os.path.splitext(os.path.basename(sys.argv[0]))[0] == "redline" else "python main.py"


class UsageError(Exception):
    """Bad command-line usage: exit status 2."""


class UsageParser(argparse.ArgumentParser):
    """An argument parser whose usage errors exit 2 with a one-line hint."""

    def error(self, message: str):  # usage errors exit 2, never a traceback
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        sys.exit(2)


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


def scenario_arg(text: str) -> str:
    """A FILE argument: the path as given, or, when no such file exists and it is a shipped
    scenario's id or its path in a checkout, that shipped scenario (``redline simulate tutorial``;
    the README's ``scenarios/tutorial.yaml`` works after ``pip install`` too).

    >>> scenario_arg("tutorial").endswith("tutorial.yaml")
    True
    >>> scenario_arg("scenarios/cuba_1962.yaml").endswith("cuba_1962.yaml")
    True
    >>> scenario_arg("no_such_scenario"), scenario_arg("elsewhere/tutorial.yaml")
    ('no_such_scenario', 'elsewhere/tutorial.yaml')
    """
    if os.path.exists(text):
        return text
    in_checkout = os.path.normpath(os.path.dirname(text)) == "scenarios"
    if not in_checkout and (os.path.splitext(text)[1] or os.path.dirname(text)):
        return text
    from game import resources
    from game.loader.load import display_name

    shipped = resources.find_shipped_scenario(text)
    return display_name(shipped) if shipped is not None else text


def require_extra(module: str, extra: str, what: str) -> None:
    """Stop with one line (exit 2) when ``what`` needs an optional extra that is not installed."""
    if importlib.util.find_spec(module) is None:
        raise UsageError(f"{what} needs the {extra} extra: pip install 'redline[{extra}]'")


def parse_size(text: str | None) -> tuple[int, int] | None:
    """``--size WxH`` in pixels, or None when not given.

    >>> parse_size("1280x720")
    (1280, 720)
    """
    if not text:
        return None
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size needs WxH, e.g. 1280x720, got {text!r}") from None
    if not (640 <= w <= 7680 and 480 <= h <= 4320):  # SDL would crash on a huge window
        raise UsageError(f"--size {w}x{h} is out of range: from 640x480 to 7680x4320")
    return w, h


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


SCENARIO_HELP = "scenario file (YAML), or the id of a shipped scenario (e.g. tutorial)"

ENGINE_HELP = (
    "auto (default: the compiled C kernel when there is a C compiler), compiled or numpy; "
    "the results are the same, only the time differs (REDLINE_ENGINE sets the default)"
)


def engine_option(name: str | None) -> str:
    """``--engine``, else ``REDLINE_ENGINE``, else ``auto``: the engine the run's spec carries to
    every worker. A name that is no engine, or ``compiled`` without a usable C compiler, is a
    usage error (one line, exit 2)."""
    from game.runners import kernel_cache

    value = (name or os.environ.get("REDLINE_ENGINE", "")).strip().lower() or "auto"
    if value not in kernel_cache.ENGINES:
        raise UsageError(f"REDLINE_ENGINE={value!r}: use one of {', '.join(kernel_cache.ENGINES)}")
    if value == "compiled" and kernel_cache.compiler() is None:
        raise UsageError(f"--engine compiled needs a C compiler: {kernel_cache.missing_compiler_message()}")
    return value
