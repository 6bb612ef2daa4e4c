"""Class-play turn latency, measured (not asserted): prints figures for docs/class_play.md.

    python bench/bench_net.py [SCENARIO] [--clients 30] [--turns 8] [--seed 1]

A host on loopback and ``--clients`` headless clients shared among the scenario's seats (a
team per seat, the teacher's console among them); each turn every team proposes and one
member confirms. Latency: from sending the turn's last confirmation to the moment every
client holds the new turn's view (the turn resolved, every seat's view built, encoded and
received). The server runs on its own thread, the clients on the main one: both share
this machine's cores, so read the figures as an upper bound.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from game.loader.load import read_bytes  # noqa: E402
from game.net import protocol  # noqa: E402
from game.net.class_game import ClassGame  # noqa: E402
from game.net.client import ClassClient  # noqa: E402
from game.net.server import ClassServer, ServerThread  # noqa: E402
from game.runners.load import load_bytes  # noqa: E402


def lowest(view: dict, k: int) -> int:
    legal = sorted((o["rung"], o["instance"]) for o in view["options"] if o["legal"])[:2]
    return legal[(view["turn"] + k) % len(legal)][1]


async def bench(address: str, game: ClassGame, n_clients: int, turns: int) -> tuple[list[float], list[int]]:
    teacher = ClassClient("teacher")
    await teacher.join(address, game.teacher_code)
    seats = game.actor_ids
    clients: list[ClassClient] = [teacher]
    for i in range(n_clients - 1):
        c = ClassClient(f"student {i}")
        await c.join(address, game.codes[seats[i % len(seats)]])
        clients.append(c)
    await teacher.wait_for(lambda v: sum(len(x) for x in v["connected"].values()) == n_clients - 1)
    await teacher.send(protocol.Start())
    for c in clients:
        await c.wait_for(lambda v: v["phase"] == "playing")
    leaders = {s: next(c for c in clients[1:] if c.seat == s) for s in seats}
    latencies, sizes = [], []
    for _ in range(turns):
        turn = teacher.view["turn"]
        if teacher.view["phase"] == "over":
            break
        last = None
        for k, seat in enumerate(seats):
            decision = await leaders[seat].propose(lowest(leaders[seat].view, k))
            await leaders[seat].wait_for(lambda v, d=decision: (v["proposal"] or {}).get("decision") == d)
            if k < len(seats) - 1:
                await leaders[seat].confirm(decision)
                await teacher.wait_for(lambda v, s=seat: s in v["decided"])
            else:
                last = decision
        assert last is not None
        t0 = time.perf_counter()
        await leaders[seats[-1]].confirm(last)
        for c in clients:
            await c.wait_for(lambda v, t=turn: v["turn"] > t or v["phase"] == "over", timeout=30)
        latencies.append((time.perf_counter() - t0) * 1000)
        sizes.append(len(clients[1].frames[-1]))
    for c in clients:
        await c.close()
    return latencies, sizes


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("scenario", nargs="?", default=os.path.join(ROOT, "scenarios", "atacms_2024.yaml"))
    p.add_argument("--clients", type=int, default=30)
    p.add_argument("--turns", type=int, default=8)
    p.add_argument("--seed", type=int, default=1)
    args = p.parse_args()
    source = read_bytes(args.scenario)
    game = ClassGame(load_bytes(source, args.scenario), source, args.scenario, args.seed)
    with tempfile.TemporaryDirectory() as folder:
        thread = ServerThread(ClassServer(game, os.path.join(folder, "save"), os.path.join(folder, "log.json")))
        port = thread.start()
        try:
            latencies, sizes = asyncio.run(bench(f"127.0.0.1:{port}", game, args.clients, args.turns))
        finally:
            thread.stop()
    print(f"{game.scenario.meta.id}: {args.clients} clients on loopback ({len(game.actor_ids)} seats + the teacher)")
    print(f"turns measured: {len(latencies)}; a seat's view: {min(sizes)}-{max(sizes)} bytes")
    print(
        "latency, last confirmation -> every client has the new turn (ms): " + ", ".join(f"{x:.0f}" for x in latencies)
    )
    print(
        f"median {statistics.median(latencies):.0f} ms, max {max(latencies):.0f} ms "
        f"(target < 200 ms: {'met' if max(latencies) < 200 else 'NOT met'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
