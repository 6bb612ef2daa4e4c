"""``main.py``'s subcommands (and the installed ``redline`` command's): a thin layer over the
loader, engine and runners.

Exit status: 0 ok, 1 invalid input (a scenario, a save, a log), 2 bad usage.
Headless commands never import pygame: only ``game.cli.window`` (``play``, ``watch`` and no
command) imports ``game.ui``, inside its functions.
"""

from __future__ import annotations

import argparse
import os
import sys

# The engine never calls BLAS; idle BLAS threads only compete with the worker processes. Set
# here, before anything imports numpy, so ``redline`` and ``python main.py`` run alike.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from game.cli.common import UsageError, UsageParser, fail, prog  # noqa: E402
from game.diagnostics import RedlineError  # noqa: E402

COMMANDS = {
    "validate": "check scenario files and list every error",
    "simulate": "play many games headless and summarise the outcomes",
    "replay": "replay one game of a batch with its full event log",
    "schema": "print the JSON Schema of the scenario format",
    "params": "list every tunable number of a scenario",
    "sweep": "run a parameter grid and report how outcomes depend on it",
    "explore": "search a seat's best strategies against the other seats' doctrines",
    "lint": "warnings about a scenario that are not errors (--games N: balance too)",
    "new": "write a commented template scenario to start from",
    "class-report": "summarise the game logs students exported",
    "handout": "write the printable briefing, role cards, documents and debrief sheet (HTML for print)",
    "play": "open the game window on a scenario",
    "watch": "watch one game of a headless batch in the window",
    "host": "host a class game on this machine: teams join its seats over the network",
    "join": "join a class game with the code of a seat (or the teacher's console)",
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser of every command; with ``only``, the flags of that command alone are declared
    (what running it needs: declaring all fifteen commands' costs more than a ``validate``'s
    structuring), every command still listed."""
    from game.cli import commands

    p = UsageParser(
        prog=prog(),
        description="Redline: an escalation-ladder teaching game. With no command, opens the game window.",
        epilog=f"Window options with no command: {prog()} [--size WxH] [--seed S] [--set PATH=VALUE] "
        "[--screenshot PNG [--screen title|board|briefing|debrief] [--after-turns N] [--actor ID]]",
    )
    sub = p.add_subparsers(dest="command", parser_class=UsageParser, metavar="COMMAND")
    for name, help_text in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text, description=help_text)
        if only is None or name == only:
            getattr(commands, "args_" + name.replace("-", "_"))(sp)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("--screenshot",) or (argv[0].startswith("--") and argv[0] not in ("-h", "--help")):
        from game.cli.window import title

        return title(argv)
    parser = build_parser(argv[0] if argv[0] in COMMANDS else None)
    args = parser.parse_args(argv)
    from game.cli import commands

    try:
        return getattr(commands, "cmd_" + args.command.replace("-", "_"))(args)
    except UsageError as exc:
        print(f"{prog()} {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except RedlineError as exc:
        return fail(exc)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
