"""The class-play protocol (``redline-class/1``): JSON text frames, one message each.

Every frame is a JSON object ``{"v": 1, "type": "...", ...fields}``. A frame from a client is
checked before anything reads it: its size (``MAX_FRAME``), that it is a JSON object, the
version, a known type, and each field's type and length (``decode``); anything else is a
``ProtocolError`` with one line saying why, which the server answers with an ``error`` frame.
Nothing is ever unpickled or evaluated. Messages are frozen attrs classes; ``encode`` turns
one into a frame.

Client -> server: ``hello`` (the join code), ``propose`` / ``confirm`` (a seat's decision,
each with a decision id the client makes up, so a replayed frame is applied once),
``say`` (a message to a seat or to all), and the teacher's control-cell commands
(``start``, ``pause``, ``resume``, ``clock``, ``inject``, ``news``, ``override``, ``rule``,
``reveal``).
Server -> client: ``welcome`` (the seat joined), ``state`` (the seat's view, after every
change) and ``error``.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

import attrs

PROTOCOL = "redline-class/1"
VERSION = 1
MAX_FRAME = 16_384
"""Largest frame a client may send, in bytes (the longest legal one is a message of MAX_TEXT)."""
MAX_TEXT = 1_000
MAX_ID = 64
MAX_SERVER_FRAME = 8_000_000
"""Largest frame a client accepts from the server (a whole game's view)."""


class ProtocolError(Exception):
    """A frame that breaks the protocol; the message is one line for the sender and the log."""


@attrs.frozen
class Hello:
    TYPE: ClassVar[str] = "hello"
    code: str = attrs.field(validator=attrs.validators.max_len(16))
    name: str = attrs.field(default="", validator=attrs.validators.max_len(40))


@attrs.frozen
class Propose:
    """A proposal for the seat's decision this turn: the team sees it, one member confirms it."""

    TYPE: ClassVar[str] = "propose"
    decision: str = attrs.field(validator=attrs.validators.max_len(MAX_ID))
    turn: int
    instance: int
    signal: int | None = None


@attrs.frozen
class Confirm:
    TYPE: ClassVar[str] = "confirm"
    decision: str = attrs.field(validator=attrs.validators.max_len(MAX_ID))


@attrs.frozen
class Say:
    """A message: ``to`` a seat id (private) or ``"all"`` (a public statement)."""

    TYPE: ClassVar[str] = "say"
    to: str = attrs.field(validator=attrs.validators.max_len(MAX_ID))
    text: str = attrs.field(validator=attrs.validators.max_len(MAX_TEXT))


@attrs.frozen
class Start:
    TYPE: ClassVar[str] = "start"


@attrs.frozen
class Pause:
    TYPE: ClassVar[str] = "pause"


@attrs.frozen
class Resume:
    TYPE: ClassVar[str] = "resume"


@attrs.frozen
class Clock:
    """The turn clock: seconds per turn (0 = none) and what a seat that has not decided does."""

    TYPE: ClassVar[str] = "clock"
    seconds: int = 0
    on_timeout: str = attrs.field(default="hold", validator=attrs.validators.in_(("hold", "doctrine")))


@attrs.frozen
class Inject:
    """Make one of the scenario's events happen at the start of the next turn."""

    TYPE: ClassVar[str] = "inject"
    event: str = attrs.field(validator=attrs.validators.max_len(MAX_ID))


@attrs.frozen
class News:
    """A news item of the teacher's own, shown to every seat now."""

    TYPE: ClassVar[str] = "news"
    text: str = attrs.field(validator=attrs.validators.max_len(MAX_TEXT))


@attrs.frozen
class Override:
    """A control-cell ruling: this turn, a seat played by chance (its doctrine's draw) takes
    ``instance`` instead; the reason is logged and shown in the debrief."""

    TYPE: ClassVar[str] = "override"
    actor: str = attrs.field(validator=attrs.validators.max_len(MAX_ID))
    instance: int
    reason: str = attrs.field(validator=attrs.validators.max_len(MAX_TEXT))


@attrs.frozen
class RuleResponse:
    """A control-cell ruling on chance: if red line ``red_line`` trips this turn, its owner gives
    response ``response`` (its index in the scenario; -1: no response) instead of its draw."""

    TYPE: ClassVar[str] = "rule"
    red_line: str = attrs.field(validator=attrs.validators.max_len(MAX_ID))
    response: int
    reason: str = attrs.field(validator=attrs.validators.max_len(MAX_TEXT))


@attrs.frozen
class Reveal:
    TYPE: ClassVar[str] = "reveal"


@attrs.frozen
class Welcome:
    """The join accepted: the seat, and what it may know of the scenario (``game.net.public``),
    sent once because it does not change (the map, the ladder, the actors)."""

    TYPE: ClassVar[str] = "welcome"
    seat: str
    role: str  # "seat" or "teacher"
    protocol: str = PROTOCOL
    scenario: dict = attrs.field(factory=dict)


@attrs.frozen
class State:
    TYPE: ClassVar[str] = "state"
    view: dict


@attrs.frozen
class Error:
    TYPE: ClassVar[str] = "error"
    message: str


CLIENT_MESSAGES: dict[str, type] = {
    c.TYPE: c
    for c in (Hello, Propose, Confirm, Say, Start, Pause, Resume, Clock, Inject, News, Override, RuleResponse, Reveal)
}
TEACHER_ONLY = frozenset({"start", "pause", "resume", "clock", "inject", "news", "override", "rule", "reveal"})
SERVER_MESSAGES: dict[str, type] = {c.TYPE: c for c in (Welcome, State, Error)}


def encode(message: Any) -> str:
    """One message as a frame."""
    return json.dumps({"v": VERSION, "type": message.TYPE, **attrs.asdict(message)}, separators=(",", ":"))


def _check_type(name: str, value: Any, annotation: str) -> Any:
    """``value`` if it fits a field declared ``annotation`` (bool is never an int here)."""
    allowed = {"str": (str,), "int": (int,), "dict": (dict,), "int | None": (int, type(None))}[annotation]
    if isinstance(value, bool) or not isinstance(value, allowed):
        raise ProtocolError(f"field '{name}' must be {annotation.replace(' | None', ' or null')}")
    if isinstance(value, int) and not -(2**31) <= value < 2**31:
        raise ProtocolError(f"field '{name}' is out of range")
    return value


def _parse(frame: str | bytes, limit: int) -> dict:
    if isinstance(frame, bytes):
        raise ProtocolError("binary frames are not part of the protocol; send JSON text")
    if len(frame) > limit:
        raise ProtocolError(f"frame of {len(frame)} characters is over the limit of {limit}")
    try:
        data = json.loads(frame)
    except (ValueError, RecursionError):
        raise ProtocolError("not JSON") from None
    if not isinstance(data, dict):
        raise ProtocolError("a frame must be a JSON object")
    if data.get("v") != VERSION:
        raise ProtocolError(f"protocol version {str(data.get('v'))[:20]!r} is not {VERSION} ({PROTOCOL})")
    return data


def _build(data: dict, table: dict[str, type]) -> Any:
    kind = data.get("type")
    cls = table.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise ProtocolError(f"unknown message type {str(kind)[:30]!r}")
    fields = {f.name: f for f in attrs.fields(cls)}
    extra = set(data) - set(fields) - {"v", "type"}
    if extra:
        raise ProtocolError(f"{kind}: unknown field '{sorted(extra)[0][:30]}'")
    values = {}
    for name, f in fields.items():
        if name not in data:
            if f.default is attrs.NOTHING:
                raise ProtocolError(f"{kind}: missing field '{name}'")
            continue
        values[name] = _check_type(f"{kind}.{name}", data[name], str(f.type))
    try:
        return cls(**values)
    except ValueError as exc:
        raise ProtocolError(f"{kind}: {str(exc).splitlines()[0][:120]}") from None


def decode(frame: str | bytes) -> Any:
    """A client's frame as its message; ``ProtocolError`` if it breaks the protocol."""
    return _build(_parse(frame, MAX_FRAME), CLIENT_MESSAGES)


def decode_server(frame: str | bytes) -> Any:
    """A server's frame as its message (what a client reads)."""
    return _build(_parse(frame, MAX_SERVER_FRAME), SERVER_MESSAGES)
