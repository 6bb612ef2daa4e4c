"""The commands that open the window (``play``, ``watch`` and no command at all): the only place
in ``game.cli`` that imports ``game.ui``, and only inside these functions, so the headless
commands never load pygame. The options are parsed and checked here and handed to the window
as a ``WindowOptions``; the window never parses arguments.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from game.cli.common import UsageError, UsageParser, parse_policies, parse_sets, parse_size, prog


def _options(args: argparse.Namespace, **extra):
    from game.ui.options import WindowOptions

    return WindowOptions(
        file=args.file,
        actor=getattr(args, "actor", None),
        seed=args.seed,
        sets=parse_sets(args.set),
        size=parse_size(args.size),
        screenshot=args.screenshot,
        after_turns=max(0, args.after_turns),
        screen=_screen(getattr(args, "screen", None)),  # watch has no --screen
        policies=parse_policies(getattr(args, "policy", None)),  # play only
        **extra,
    )


def _screen(text: str | None) -> str | None:
    from game.ui.options import SCREENS

    if text is None or text.lower() in SCREENS:
        return text and text.lower()
    raise UsageError(f"--screen must be {', '.join(SCREENS[:-1])} or {SCREENS[-1]}, got {text!r}")


def _run(entry: Callable, options) -> int:
    from game.ui.options import OptionError

    try:
        return entry(options)
    except OptionError as exc:
        raise UsageError(str(exc)) from None


def play(args: argparse.Namespace) -> int:
    """``main.py play``."""
    from game.ui.app import run_play

    return _run(run_play, _options(args))


def watch(args: argparse.Namespace) -> int:
    """``main.py watch``."""
    from game.ui.app import run_watch

    return _run(run_watch, _options(args, game=args.game, speed=args.speed))


def title_parser() -> argparse.ArgumentParser:
    """``python main.py [options]``: the title screen, or a screenshot of it or of a shipped scenario."""
    p = UsageParser(prog=prog(), description="Redline: opens the game window on the title screen.")
    p.add_argument("--screenshot", metavar="PNG", help="render once, save the PNG and exit")
    p.add_argument("--size", default=None, help="window size WxH (default: the saved setting)")
    p.add_argument("--seed", type=int, default=None, help="the title screen's seed")
    p.add_argument("--set", action="append", metavar="PATH=VALUE", help="set a parameter; repeatable")
    p.add_argument("--screen", default="title", help="what a screenshot shows (default title)")
    p.add_argument("--after-turns", type=int, default=0, help="turns to play before a screenshot")
    p.add_argument("--actor", default=None, help="the seat a screenshot shows")
    return p


def title(argv: list[str]) -> int:
    """``python main.py`` with no command."""
    from game.ui.app import run_title

    args = title_parser().parse_args(argv)
    args.file = None
    try:
        return _run(run_title, _options(args))
    except UsageError as exc:
        print(f"{prog()}: error: {exc}", file=sys.stderr)
        return 2


def host(args: argparse.Namespace, plan) -> int:
    """``main.py host``: serve the class game and open the teacher's console on it."""
    from game.ui.screens.net_host import run_host

    return run_host(plan, args.bind, args.port, parse_size(args.size))


def join(args: argparse.Namespace) -> int:
    """``main.py join ADDRESS CODE``: a seat's window (or, with the teacher's code, the console)."""
    from game.ui.screens.net_join import run_join

    return run_join(args.address, args.code, args.name, parse_size(args.size), args.screenshot)
