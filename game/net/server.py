"""The class-game server: ``websockets`` on asyncio, one ``ClassGame``, many clients.

A client's first frame is ``hello`` with a join code; the server answers ``welcome`` and the
seat's ``state``, then a fresh ``state`` after every change. Each client is sent only its
seat's view (``ClassGame.view``); the teacher's console gets ``teacher_view``. Every frame is
decoded by ``protocol.decode``: a bad frame gets an ``error`` frame and a log line, never a
crash and never a change. Wrong codes are counted per address: after ``MAX_BAD_CODES`` in a
minute that address may not try again for a minute. After every change the game is saved
atomically (a temporary file, then ``os.replace``), and when it ends its log is written for
``class-report``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable

import attrs
from websockets.asyncio.server import ServerConnection, broadcast, serve
from websockets.exceptions import ConnectionClosed

from game.files import atomic_write
from game.net import protocol
from game.net.class_game import ClassError, ClassGame, team_replays
from game.net.public import public_scenario

log = logging.getLogger("redline.net")

HELLO_TIMEOUT = 10.0
MAX_BAD_CODES = 10
MAX_MESSAGES_A_MINUTE = 30
BAD_CODE_WINDOW = 60.0
TICK = 0.2


@attrs.define
class Member:
    """One connected client: its seat ("teacher" for the control cell) and the name it gave."""

    seat: str
    name: str
    address: str
    said: list[float] = attrs.field(factory=list)  # when it sent its recent messages


def write_json_atomic(path: str, data: dict) -> None:
    """Write ``data`` to ``path`` so that a crash leaves the old file or the new one, never half."""
    with atomic_write(path) as fh:
        json.dump(data, fh, separators=(",", ":"))


class ClassServer:
    """Serves one class game; ``save_path`` gets the autosave, ``log_path`` the final log."""

    def __init__(
        self,
        game: ClassGame,
        save_path: str | None = None,
        log_path: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.game = game
        self.save_path = save_path
        self.log_path = log_path
        self.clock = clock
        self.members: dict[ServerConnection, Member] = {}
        self.bad_codes: dict[str, list[float]] = {}
        self.sent_version = -1
        self.log_written = False
        self.replaying: asyncio.Task | None = None
        self.errors = 0  # error frames sent, for the console and the tests

    # ------------------------------------------------------------ connections
    async def handler(self, ws: ServerConnection) -> None:
        address = str(ws.remote_address[0]) if ws.remote_address else "?"
        member = await self._hello(ws, address)
        if member is None:
            return
        self.members[ws] = member
        log.info("%s joined %s (%s)", member.name or "a client", member.seat, address)
        try:
            teacher = member.seat == "teacher"
            scenario = public_scenario(self.game.scenario, None if teacher else member.seat)
            await ws.send(
                protocol.encode(protocol.Welcome(member.seat, "teacher" if teacher else "seat", scenario=scenario))
            )
            self.game.version += 1  # the teacher's console lists who is connected
            self.push()
            async for frame in ws:
                await self._frame(ws, member, frame)
        except ConnectionClosed:
            pass
        finally:
            self.members.pop(ws, None)
            log.info("%s left %s", member.name or "a client", member.seat)
            self.game.version += 1
            self.push()

    async def _hello(self, ws: ServerConnection, address: str) -> Member | None:
        try:
            frame = await asyncio.wait_for(ws.recv(), HELLO_TIMEOUT)
        except (TimeoutError, ConnectionClosed):
            return None
        now = self.clock()
        tries = [t for t in self.bad_codes.get(address, []) if now - t < BAD_CODE_WINDOW]
        self.bad_codes[address] = tries
        if len(tries) >= MAX_BAD_CODES:
            log.warning("%s: refused: %d wrong codes in a minute", address, len(tries))
            await self._error(ws, "too many wrong codes from this address: wait a minute")
            return None
        try:
            msg = protocol.decode(frame)
        except protocol.ProtocolError as exc:
            log.warning("%s: bad hello: %s", address, exc)
            await self._error(ws, str(exc))
            return None
        if not isinstance(msg, protocol.Hello):
            await self._error(ws, "the first frame must be hello with a join code")
            return None
        seat = self.game.seat_of_code(msg.code)
        if seat is None:
            tries.append(now)
            log.warning("%s: wrong join code (%d in a minute)", address, len(tries))
            await self._error(ws, "no seat has this code: check it with your teacher")
            return None
        return Member(seat, " ".join(msg.name.split()), address)

    async def _error(self, ws: ServerConnection, message: str) -> None:
        self.errors += 1
        with contextlib.suppress(ConnectionClosed):
            await ws.send(protocol.encode(protocol.Error(message)))

    async def _frame(self, ws: ServerConnection, member: Member, frame: str | bytes) -> None:
        try:
            msg = protocol.decode(frame)
            self.apply(member, msg)
        except (protocol.ProtocolError, ClassError) as exc:
            log.warning("%s (%s, %s): %s", member.name or "client", member.seat, member.address, exc)
            await self._error(ws, str(exc))
            return
        self.after_change()

    # ------------------------------------------------------------ commands
    def apply(self, member: Member, msg) -> None:
        """Apply one decoded message from ``member``; ``ClassError`` if it is refused."""
        g, now, seat = self.game, self.clock(), member.seat
        kind = msg.TYPE
        if kind in protocol.TEACHER_ONLY and seat != "teacher":
            raise ClassError(f"'{kind}' is the teacher's")
        if kind == "hello":
            raise ClassError("already joined")
        if seat == "teacher" and kind in ("propose", "confirm"):
            raise ClassError("the teacher does not decide for a seat (override a doctrine seat's draw instead)")
        if isinstance(msg, protocol.Propose):
            g.propose(seat, msg.decision, msg.turn, msg.instance, msg.signal, member.name)
        elif isinstance(msg, protocol.Confirm):
            g.confirm(seat, msg.decision, now)
        elif isinstance(msg, protocol.Say):
            member.said = [t for t in member.said if now - t < 60.0]
            if len(member.said) >= MAX_MESSAGES_A_MINUTE:
                raise ClassError(f"more than {MAX_MESSAGES_A_MINUTE} messages in a minute: wait a little")
            g.say("control" if seat == "teacher" else seat, msg.to, msg.text)
            member.said.append(now)
        elif isinstance(msg, protocol.Start):
            g.start(sorted({m.seat for m in self.members.values() if m.seat != "teacher"}), now)
        elif isinstance(msg, protocol.Pause):
            g.pause(now)
        elif isinstance(msg, protocol.Resume):
            g.resume(now)
        elif isinstance(msg, protocol.Clock):
            g.set_clock(msg.seconds, msg.on_timeout, now)
        elif isinstance(msg, protocol.Inject):
            g.inject(msg.event)
        elif isinstance(msg, protocol.News):
            g.news(msg.text)
        elif isinstance(msg, protocol.Override):
            g.override(msg.actor, msg.instance, msg.reason)
        elif isinstance(msg, protocol.RuleResponse):
            g.rule_response(msg.red_line, msg.response, msg.reason)
        elif isinstance(msg, protocol.Reveal):
            g.reveal()

    def after_change(self) -> None:
        """Save and send the new views if the game moved; once it is over, start the replays."""
        if self.game.version == self.sent_version:
            return
        self.save()
        self.push()
        if self.game.over and self.game.replays is None and self.replaying is None:
            self.replaying = asyncio.get_running_loop().create_task(self._replay())

    async def _replay(self) -> None:
        """Each team's decisions replayed against chance and the AI, on a worker thread (the
        game is over: nothing changes what the replays read), then sent to every window."""
        g = self.game
        assert g.session is not None
        decisions = [dict(d) for d in g.session.decisions]
        replays = await asyncio.to_thread(team_replays, g.rules, g.seed, decisions, g.teams)
        g.set_replays(replays)
        self.log_written = False  # the log carries them too
        self.after_change()

    def save(self) -> None:
        if self.save_path:
            write_json_atomic(self.save_path, self.game.to_save())
        if self.log_path and self.game.over and not self.log_written:
            write_json_atomic(self.log_path, self.game.class_log())
            self.log_written = True
            log.info("the game is over: its log is in %s", self.log_path)

    def push(self) -> None:
        """Send every client its seat's current view (one encoding per seat)."""
        self.sent_version = self.game.version
        now = self.clock()
        by_seat: dict[str, list[ServerConnection]] = {}
        for ws, m in self.members.items():
            by_seat.setdefault(m.seat, []).append(ws)
        for seat, conns in by_seat.items():
            view = self.game.teacher_view(now) if seat == "teacher" else self.game.view(seat, now)
            if seat == "teacher":
                view["connected"] = self.connected()
            broadcast(conns, protocol.encode(protocol.State(view)))

    def connected(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {a: [] for a in self.game.actor_ids}
        for m in self.members.values():
            if m.seat in out:
                out[m.seat].append(m.name or "student")
        return out

    async def ticker(self) -> None:
        """Run the turn clock: a turn whose time ran out resolves here."""
        while True:
            await asyncio.sleep(TICK)
            if self.game.tick(self.clock()):
                self.after_change()

    # ------------------------------------------------------------ running
    async def run(self, host: str, port: int, started: Callable[[int], None] | None = None, stop=None) -> None:
        """Serve until ``stop`` (an asyncio Future) is done; ``started(port)`` once listening."""
        async with serve(self.handler, host, port, max_size=4 * protocol.MAX_FRAME, max_queue=64) as server:
            bound = next(iter(server.sockets)).getsockname()[1]
            if self.game.started and not self.game.paused:
                self.game.rearm(self.clock())  # a resumed game's clock starts again from here
            self.save()
            if self.game.over:  # a game resumed after its end: its replays again
                self.sent_version = -1
                self.after_change()
            if started is not None:
                started(int(bound))
            tick = asyncio.create_task(self.ticker())
            try:
                await (stop if stop is not None else asyncio.get_running_loop().create_future())
            finally:
                tick.cancel()


class ServerThread:
    """A ``ClassServer`` on its own thread and event loop (the teacher's window, the tests)."""

    def __init__(self, server: ClassServer, host: str = "127.0.0.1", port: int = 0):
        self.server, self.host, self.want_port = server, host, port
        self.port = 0
        self.loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Future | None = None
        self._ready = threading.Event()
        self._failure: BaseException | None = None
        self.thread = threading.Thread(target=self._main, name="redline-class-server", daemon=True)

    def _main(self) -> None:
        async def main() -> None:
            self.loop = asyncio.get_running_loop()
            self._stop = self.loop.create_future()
            await self.server.run(self.host, self.want_port, self._started, self._stop)

        try:
            asyncio.run(main())
        except BaseException as exc:  # handed to start(): the caller reports it
            self._failure = exc
            self._ready.set()

    def _started(self, port: int) -> None:
        self.port = port
        self._ready.set()

    def start(self, timeout: float = 10.0) -> int:
        """Start serving; the port it listens on (``OSError`` if it cannot)."""
        self.thread.start()
        self._ready.wait(timeout)
        if self._failure is not None:
            raise self._failure
        return self.port

    def call(self, fn: Callable[[], object]) -> object:
        """Run ``fn`` on the server's loop and return its result (the game is only touched there)."""
        assert self.loop is not None

        async def run() -> object:
            return fn()

        return asyncio.run_coroutine_threadsafe(run(), self.loop).result(10)

    def stop(self) -> None:
        if self.loop is not None and self._stop is not None:
            stop = self._stop

            def finish() -> None:
                if not stop.done():
                    stop.set_result(None)

            self.loop.call_soon_threadsafe(finish)
        self.thread.join(10)
