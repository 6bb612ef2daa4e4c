"""A class-game client without a window: what the tests, the bench and the window use.

``ClassClient`` is the asyncio client: it joins with a code, keeps the latest ``state`` view
and the errors the server sent, and sends proposals, confirmations, messages and (with the
teacher's code) the control cell's commands. ``BackgroundClient`` runs one on its own thread
for the window: the frame loop reads ``view`` and calls ``send``; a dropped connection is
retried with the same code until it is back, so a laptop that slept finds the game where it is.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import threading
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidURI

from game.net import protocol

DEFAULT_PORT = 8765


class JoinError(Exception):
    """The server refused the join, or could not be reached (one line for the user)."""


def address_url(address: str) -> str:
    """``host``, ``host:port`` or a ``ws://`` URL as the URL to connect to."""
    address = address.strip()
    if address.startswith(("ws://", "wss://")):
        return address
    if ":" not in address:
        address = f"{address}:{DEFAULT_PORT}"
    return f"ws://{address}"


class ClassClient:
    """One connection to a class game, on the running event loop."""

    def __init__(self, name: str = "", on_frame: Callable[[str], None] | None = None):
        self.name = name
        self.ws: ClientConnection | None = None
        self.seat = ""
        self.role = ""
        self.scenario: dict = {}  # what the seat may know of the scenario (``game.net.public``)
        self.view: dict = {}
        self.errors: list[str] = []
        self.frames: list[str] = []  # every frame received, as sent (the spy test reads them)
        self.on_frame = on_frame
        self._changed = asyncio.Event()
        self._reader: asyncio.Task | None = None
        self._ids = itertools.count(1)
        self._tag = secrets.token_hex(4)

    async def join(self, address: str, code: str, timeout: float = 10.0) -> None:
        """Connect and join with ``code``; ``JoinError`` if refused or unreachable."""
        try:
            self.ws = await asyncio.wait_for(
                connect(address_url(address), max_size=protocol.MAX_SERVER_FRAME, open_timeout=timeout), timeout
            )
            await self.ws.send(protocol.encode(protocol.Hello(code[:16], self.name[:40])))
            first = await asyncio.wait_for(self.ws.recv(), timeout)
        except (OSError, TimeoutError, ValueError, InvalidHandshake, InvalidURI, ConnectionClosed) as exc:
            raise JoinError(f"cannot reach a class game at {address}: {exc or type(exc).__name__}") from None
        self._record(first)
        msg = protocol.decode_server(first)
        if isinstance(msg, protocol.Error):
            await self.ws.close()
            raise JoinError(msg.message)
        if not isinstance(msg, protocol.Welcome) or msg.protocol != protocol.PROTOCOL:
            raise JoinError("the server does not speak this version of the class protocol")
        self.seat, self.role, self.scenario = msg.seat, msg.role, msg.scenario
        self._reader = asyncio.create_task(self._read())
        await self.wait_for(lambda v: True, timeout)  # the server sends the seat's view next

    def _record(self, frame: str | bytes) -> None:
        text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
        self.frames.append(text)
        if self.on_frame is not None:
            self.on_frame(text)

    async def _read(self) -> None:
        assert self.ws is not None
        try:
            async for frame in self.ws:
                self._record(frame)
                try:
                    msg = protocol.decode_server(frame)
                except protocol.ProtocolError as exc:
                    self.errors.append(f"the server sent a bad frame: {exc}")
                    continue
                if isinstance(msg, protocol.State):
                    self.view = msg.view
                elif isinstance(msg, protocol.Error):
                    self.errors.append(msg.message)
                self._changed.set()
        except ConnectionClosed:
            pass
        self._changed.set()

    @property
    def connected(self) -> bool:
        return self.ws is not None and self._reader is not None and not self._reader.done()

    async def wait_for(self, test: Callable[[dict], bool], timeout: float = 10.0) -> dict:
        """The first view (the current one included) for which ``test`` holds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (self.view and test(self.view)):
            if not self.connected:
                raise ConnectionError("the connection closed")
            self._changed.clear()
            left = deadline - loop.time()
            if left <= 0:
                raise TimeoutError("no view like that came")
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                continue
        return self.view

    async def wait_error(self, count: int, timeout: float = 10.0) -> str:
        """The ``count``-th error the server sent (waiting for it)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(self.errors) < count:
            self._changed.clear()
            if loop.time() > deadline:
                raise TimeoutError("no error came")
            if not self.connected:
                raise ConnectionError("the connection closed")
            try:
                await asyncio.wait_for(self._changed.wait(), 0.2)
            except TimeoutError:
                continue
        return self.errors[count - 1]

    async def send(self, message: Any) -> None:
        if self.ws is None:
            raise ConnectionError("not joined")
        await self.ws.send(protocol.encode(message))

    async def send_raw(self, frame: str | bytes) -> None:
        """Any frame at all (the fuzz test's hostile ones)."""
        assert self.ws is not None
        await self.ws.send(frame)

    def new_decision_id(self) -> str:
        return f"{self._tag}-{next(self._ids)}"

    async def propose(self, instance: int, signal: int | None = None, turn: int | None = None) -> str:
        decision = self.new_decision_id()
        t = self.view.get("turn", 0) if turn is None else turn
        await self.send(protocol.Propose(decision, t, instance, signal))
        return decision

    async def confirm(self, decision: str) -> None:
        await self.send(protocol.Confirm(decision))

    async def decide(self, instance: int, signal: int | None = None) -> str:
        """Propose and confirm at once (a team of one)."""
        decision = await self.propose(instance, signal)
        await self.confirm(decision)
        return decision

    async def say(self, to: str, text: str) -> None:
        await self.send(protocol.Say(to, text))

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)


class BackgroundClient:
    """A ``ClassClient`` on its own thread, rejoining by itself when the connection drops."""

    RETRY = 1.0

    def __init__(self, address: str, code: str, name: str = ""):
        self.address, self.code, self.name = address, code, name
        self.view: dict = {}
        self.seat = ""
        self.role = ""
        self.scenario: dict = {}
        self.status = "connecting"
        self.errors: list[str] = []
        self.joined = threading.Event()
        self.failure = ""  # why the first join failed ("" = it did not)
        self.loop: asyncio.AbstractEventLoop | None = None
        self.client: ClassClient | None = None
        self._stop = False
        self.thread = threading.Thread(target=self._main, name="redline-class-client", daemon=True)

    def start(self, timeout: float = 10.0) -> bool:
        """Join; False (and ``failure`` says why) if the first join did not succeed."""
        self.thread.start()
        self.joined.wait(timeout)
        return not self.failure and bool(self.seat)

    def _main(self) -> None:
        asyncio.run(self._run())

    async def _run(self) -> None:
        self.loop = asyncio.get_running_loop()
        first = True
        while not self._stop:
            client = ClassClient(self.name)
            try:
                await client.join(self.address, self.code)
            except JoinError as exc:
                if first:
                    self.failure = str(exc)
                    self.joined.set()
                    return
                self.status = "reconnecting"
                await asyncio.sleep(self.RETRY)
                continue
            first = False
            self.client, self.seat, self.role, self.status = client, client.seat, client.role, "connected"
            self.scenario = client.scenario
            self.joined.set()
            seen = 0
            while client.connected and not self._stop:
                if client.view is not self.view and client.view:
                    self.view = client.view
                if len(client.errors) > seen:
                    self.errors.extend(client.errors[seen:])
                    seen = len(client.errors)
                await asyncio.sleep(0.05)
            self.status = "reconnecting"
            await client.close()

    def send(self, message: Any) -> None:
        """Send from any thread (dropped if the connection is down: the status says so)."""
        client, loop = self.client, self.loop
        if client is None or loop is None or not client.connected:
            self.errors.append("not connected: the message was not sent")
            return
        asyncio.run_coroutine_threadsafe(client.send(message), loop)

    def new_decision_id(self) -> str:
        return self.client.new_decision_id() if self.client is not None else secrets.token_hex(6)

    def stop(self) -> None:
        self._stop = True
        client, loop = self.client, self.loop
        if client is not None and loop is not None and loop.is_running():
            asyncio.run_coroutine_threadsafe(client.close(), loop)
        self.thread.join(5)
