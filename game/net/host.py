"""Setting up a hosted class game (for ``main.py host`` and the teacher's window): the game,
new or resumed from its save, where it saves, the addresses students type, the announcement."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import time

import attrs

from game.engine.session import SaveError
from game.net.class_game import ClassGame
from game.net.server import ClassServer
from game.runners.load import load_scenario

MAX_SAVE_BYTES = 50_000_000


class HostError(Exception):
    """A class game that cannot be hosted (a bad save); one line for the teacher."""


@attrs.frozen
class HostPlan:
    """A class game ready to serve: the game and the files it writes."""

    game: ClassGame
    save_path: str
    log_path: str
    resumed: bool


def prepare(
    file: str,
    seed: int,
    resume: str | None = None,
    clock: int = 0,
    on_timeout: str = "hold",
    folder: str | None = None,
    now: float | None = None,
) -> HostPlan:
    """The class game of ``file``: new, or ``resume``'s; ``ScenarioError`` / ``HostError``."""
    now = time.monotonic() if now is None else now
    loaded = load_scenario(file)  # knows the path: a variant (extends:) finds its base
    source = loaded.source
    folder = folder or f"class-{loaded.scenario.meta.id}"
    if resume:
        try:
            if os.path.getsize(resume) > MAX_SAVE_BYTES:
                raise HostError(f"{resume}: over {MAX_SAVE_BYTES // 1_000_000} MB: not a class save")
            with open(resume, encoding="utf-8") as fh:
                data = json.load(fh)
            game = ClassGame.from_save(loaded, source, data, now)
        except OSError as exc:
            raise HostError(f"{resume}: {exc.strerror or exc}") from None
        except (ValueError, RecursionError):
            raise HostError(f"{resume}: not JSON: not a class save") from None
        except SaveError as exc:
            raise HostError(f"{resume}: {exc}") from None
        save_path = resume
        folder = os.path.dirname(os.path.abspath(resume))
    else:
        game = ClassGame(loaded, source, file, seed)
        save_path = os.path.join(folder, "game.class-save")
    if clock:
        game.set_clock(clock, on_timeout, now)
    else:
        game.on_timeout = on_timeout
    return HostPlan(game, save_path, os.path.join(folder, "log.json"), bool(resume))


def lan_addresses() -> list[str]:
    """This machine's address a student on the same network can reach (no DNS lookup: a
    resolver that does not answer would hold the teacher's window for seconds)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # a documentation address: no packet is sent, the route picks our IP
        return [str(probe.getsockname()[0])]
    except OSError:
        return ["127.0.0.1"]
    finally:
        probe.close()


def announcement(plan: HostPlan, port: int, prog: str) -> list[str]:
    """What the teacher reads out: where to join and each seat's code."""
    g = plan.game
    address = f"{lan_addresses()[0]}:{port}"
    lines = [
        f"class game: {g.scenario.meta.title} (seed {g.seed}){' (resumed)' if plan.resumed else ''}",
        f"students join with: {prog} join {address} CODE",
    ]
    lines += [f"  {g.names[a]}: {g.codes[a]}" for a in g.actor_ids]
    lines += [
        f"teacher's console: {prog} join {address} {g.teacher_code}",
        f"autosave: {plan.save_path} (resume with --resume {plan.save_path})",
        f"the game's log for class-report: {plan.log_path}",
    ]
    return lines


def serve_forever(plan: HostPlan, bind: str, port: int, started) -> None:
    """Serve the class game on this thread until interrupted (Ctrl+C)."""
    server = ClassServer(plan.game, plan.save_path, plan.log_path)
    asyncio.run(server.run(bind, port, started))
