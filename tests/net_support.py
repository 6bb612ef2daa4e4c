"""What the class-play tests share: a hosted game on loopback, clients that join it, a turn."""

from __future__ import annotations

import contextlib
import json
import os
import time

import attrs

from game.loader.load import read_bytes
from game.net import protocol
from game.net.class_game import ClassGame
from game.net.client import ClassClient
from game.net.server import ClassServer, ServerThread
from game.runners.load import load_bytes

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CUBA = os.path.join(ROOT, "scenarios", "cuba_1962.yaml")
ATACMS = os.path.join(ROOT, "scenarios", "atacms_2024.yaml")


def new_game(file: str = CUBA, seed: int = 7) -> ClassGame:
    source = read_bytes(file)
    return ClassGame(load_bytes(source, file), source, file, seed)


@attrs.define
class FakeClock:
    """A clock the test moves (the server reads it for the turn clock and the code lockout)."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@attrs.frozen
class Hosted:
    thread: ServerThread
    server: ClassServer
    address: str

    @property
    def game(self) -> ClassGame:
        return self.server.game

    def saved(self) -> str:
        """The game's save as JSON, read on the server's loop."""
        return str(self.thread.call(lambda: json.dumps(self.server.game.to_save(), sort_keys=True)))


@contextlib.contextmanager
def hosted(game: ClassGame, folder, clock=time.monotonic):
    server = ClassServer(game, os.path.join(folder, "game.class-save"), os.path.join(folder, "log.json"), clock)
    thread = ServerThread(server)
    port = thread.start()
    try:
        yield Hosted(thread, server, f"127.0.0.1:{port}")
    finally:
        thread.stop()


async def join(address: str, code: str, name: str = "") -> ClassClient:
    client = ClassClient(name)
    await client.join(address, code)
    return client


async def join_all(h: Hosted, seats) -> tuple[ClassClient, dict[str, ClassClient]]:
    """The teacher and one client per seat, every one with its first view."""
    teacher = await join(h.address, h.game.teacher_code, "teacher")
    clients = {s: await join(h.address, h.game.codes[s], f"team-{s}") for s in seats}
    await teacher.wait_for(lambda v: all(v["connected"][s] for s in seats))
    for c in clients.values():
        await c.wait_for(lambda v: bool(v))
    return teacher, clients


async def start(teacher: ClassClient, clients: dict[str, ClassClient]) -> None:
    await teacher.send(protocol.Start())
    for c in clients.values():
        await c.wait_for(lambda v: v["phase"] == "playing")


def pick(view: dict, k: int = 0) -> int:
    """A legal option of the seat's view among its two lowest on the ladder, varied by ``k`` and
    the turn (deterministic; low, so that a game lasts)."""
    legal = sorted((o["rung"], o["instance"]) for o in view["options"] if o["legal"])[:2]
    return legal[(view["turn"] + k) % len(legal)][1]


async def play_turn(clients: dict[str, ClassClient]) -> int:
    """Every seat decides (propose, confirm); waits until each client has the next turn.

    Each client first waits to see the turn the newest view shows: a client whose view lags
    would propose for the turn before, which the host refuses, and the turn would never end."""
    views = list(clients.values())
    turn = max(c.view["turn"] for c in views)
    for c in views:
        await c.wait_for(lambda v: v["turn"] >= turn or v["phase"] == "over")
    if any(c.view["phase"] == "over" for c in views):
        return turn
    for k, c in enumerate(views):
        await c.decide(pick(c.view, k))
    for c in views:
        await c.wait_for(lambda v: v["turn"] > turn or v["phase"] == "over")
    return turn


async def close_all(*clients: ClassClient) -> None:
    for c in clients:
        await c.close()
