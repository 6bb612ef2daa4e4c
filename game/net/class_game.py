"""The pure state of a class game: one ``Session``, the teams in its seats, the control cell.

A ``ClassGame`` knows no sockets and no clock of its own: the server hands it each command
with the seat that sent it and, where time matters, ``now`` (seconds, any monotonic origin).
Every command either changes the game or raises ``ClassError`` with one line for the
sender; nothing half-applies. What a seat may see is built here (``view``): its own options,
the news with other seats' hidden red lines unnamed, the public statements and only its
own private messages. The teacher's console gets everything (``teacher_view``).

A save (``to_save`` / ``from_save``) holds the scenario's id and digest, the seed, the
join codes, the teams and every turn's choices and injections: the game is replayed from
it, so a resumed class game is the very game that was saved.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence

import attrs
import numpy as np

from game.engine.batch import Batch
from game.engine.session import NO_RESPONSE, Rulings, SaveError, Session, scenario_digest
from game.engine.words import possessive
from game.policies import ScriptedPolicy, policy_for, seat_policies

CLASS_SAVE_FORMAT = "redline-class-save/1"
CODE_ALPHABET = "ACDEFHJKMNPRTWXY3479"
"""Join codes use letters and digits no one misreads (no 0/O, 1/I/L, 2/Z, 5/S, 6/G, 8/B, U/V)."""
SEAT_CODE_LENGTH = 6
TEACHER_CODE_LENGTH = 8
MAX_MESSAGES = 5_000
REPLAYS = 1_000


class ClassError(Exception):
    """A command the game refuses (the sender gets the message; the game is unchanged)."""


@attrs.frozen
class Proposal:
    """A decision proposed for a seat this turn, seen by its whole team until confirmed."""

    decision: str
    turn: int
    instance: int
    signal: int | None
    by: str
    action_name: str


@attrs.frozen
class Message:
    """A private message (``to`` a seat id) or a public statement (``to`` = ``"all"``)."""

    turn: int
    sender: str
    to: str
    text: str


@attrs.frozen
class Ruling:
    """What the control cell did (a news item, an injected event, an overridden draw, a
    seat held or played by its doctrine when the clock ran out), logged for the debrief."""

    turn: int
    kind: str
    text: str
    actor: str = ""
    reason: str = ""
    red_line: str = ""  # a ruled red-line response: whose name a seat may not know until revealed


@attrs.frozen
class Choice:
    """A seat's confirmed decision for the turn."""

    instance: int
    signal: int | None


def team_replays(rules, seed: int, decisions: Sequence[dict], teams: Sequence[str], n: int = REPLAYS) -> dict:
    """Each team's decisions replayed ``n`` times (held fixed where still legal; chance and the
    other seats drawn anew by their doctrines), and the AI in every seat: outcome shares."""
    replay_seed = seed * 7919 + 1  # as the single-player debrief's replays
    ids = [a.id for a in rules.scenario.actors]

    def shares(policies) -> list[float]:
        b = Batch(rules, replay_seed, np.arange(n, dtype=np.uint64), policies).run()
        counts = np.bincount(b.outcome, minlength=len(rules.scenario.outcomes)).astype(float)
        return (counts / max(counts.sum(), 1.0)).round(4).tolist()

    ai = [policy_for(rules, i) for i in range(len(ids))]
    by_team = {}
    for team in teams:
        i = ids.index(team)
        script = {int(d["turn"]): int(d["choices"][team]) for d in decisions if team in d["choices"]}
        signals = {int(d["turn"]): d["signals"].get(team) for d in decisions if team in d["choices"]}
        mine = list(ai)
        mine[i] = ScriptedPolicy(script, policy_for(rules, i), signals)
        by_team[team] = shares(mine)
    return {"n": n, "outcomes": [o.name for o in rules.scenario.outcomes], "ai": shares(ai), "teams": by_team}


def new_code(length: int, taken: Sequence[str] = ()) -> str:
    """A random code from ``CODE_ALPHABET`` not in ``taken``."""
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))
        if code not in taken:
            return code


def normalise_code(text: str) -> str:
    """What a student typed, as a code: case, spaces and dashes do not matter."""
    return "".join(ch for ch in text.upper() if ch not in " -")


class ClassGame:
    """A class game: the scenario's session, the seats' teams and codes, the control cell."""

    def __init__(
        self,
        loaded,
        source: bytes,
        scenario_file: str,
        seed: int,
        codes: dict[str, str] | None = None,
        teacher_code: str | None = None,
    ):
        self.loaded = loaded
        self.rules = loaded.rules
        self.scenario = loaded.scenario
        self.source = source
        self.scenario_file = scenario_file
        self.seed = int(seed)
        self.actor_ids = [a.id for a in self.scenario.actors]
        self.names = {a.id: a.name for a in self.scenario.actors}
        codes = dict(codes or {})
        for a in self.actor_ids:
            if a not in codes:
                codes[a] = new_code(SEAT_CODE_LENGTH, list(codes.values()))
        self.codes = codes
        self.teacher_code = teacher_code or new_code(TEACHER_CODE_LENGTH, list(codes.values()))
        self.teams: tuple[str, ...] = ()
        self.session: Session | None = None
        self.paused = False
        self.revealed = False
        self.clock_seconds = 0
        self.on_timeout = "hold"
        self.deadline: float | None = None
        self.left_when_paused: float | None = None
        self.proposals: dict[str, Proposal] = {}
        self.confirmed: dict[str, Choice] = {}
        self.applied: set[str] = set()  # every confirmed decision id, all turns
        self.injected: list[str] = []  # events to make happen at the start of the next turn
        self.overrides: dict[str, int] = {}  # doctrine seat -> instance ruled for this turn
        self.ruled_responses: dict[str, int] = {}  # red line id -> response ruled if it fires this turn
        self.messages: list[Message] = []
        self.rulings: list[Ruling] = []
        self.version = 0  # bumped by every change: the server sends views when it moves
        self.replays: dict | None = None  # ``team_replays`` once the game is over (computed off the loop)

    # ------------------------------------------------------------ state
    @property
    def started(self) -> bool:
        return self.session is not None

    @property
    def over(self) -> bool:
        return self.session is not None and self.session.done

    @property
    def turn(self) -> int:
        return self.session.turn if self.session is not None else 0

    @property
    def phase(self) -> str:
        if self.session is None:
            return "lobby"
        if self.session.done:
            return "over"
        return "paused" if self.paused else "playing"

    def seat_of_code(self, code: str) -> str | None:
        """The seat a code opens ("teacher" for the teacher's), or None."""
        typed = normalise_code(code).encode("utf-8")  # bytes: compare_digest refuses non-ASCII text
        if secrets.compare_digest(typed, self.teacher_code.encode()):
            return "teacher"
        return next((a for a, c in self.codes.items() if secrets.compare_digest(typed, c.encode())), None)

    def _changed(self) -> None:
        self.version += 1

    def _need_session(self) -> Session:
        if self.session is None:
            raise ClassError("the game has not started yet")
        if self.session.done:
            raise ClassError("the game is over")
        return self.session

    def _need_play(self) -> Session:
        s = self._need_session()
        if self.paused:
            raise ClassError("the game is paused by the teacher")
        return s

    # ------------------------------------------------------------ teams' commands
    def propose(self, seat: str, decision: str, turn: int, instance: int, signal: int | None, by: str) -> None:
        if decision in self.applied:
            raise ClassError(f"decision '{decision[:20]}' was already applied")
        s = self._need_play()
        if seat not in self.teams:
            raise ClassError(f"{self.names.get(seat, seat)} is played by its doctrine in this game")
        if not decision:
            raise ClassError("a proposal needs a decision id")
        if any(p.decision == decision for p in self.proposals.values()):
            raise ClassError(f"decision '{decision[:20]}' is already proposed")
        if turn != s.turn:
            raise ClassError(f"this proposal is for turn {turn}, but the game is at turn {s.turn}")
        if seat in self.confirmed:
            raise ClassError(f"{self.names[seat]} has already decided this turn")
        option = next((o for o in s.options(seat) if o.instance == instance), None)
        if option is None:
            raise ClassError(f"action #{instance} is not one of {self.names[seat]}'s")
        if not option.legal:
            raise ClassError(f"{option.name} is not possible now: {option.reason}")
        if signal is not None:
            sig = next((o for o in s.signal_options(seat) if o.index == signal), None)
            if sig is None or not sig.legal:
                raise ClassError(f"signal #{signal} cannot be sent by {self.names[seat]} now")
        label = option.name + (f" ({option.target})" if option.target else "")
        self.proposals[seat] = Proposal(decision, turn, instance, signal, by[:40], label)
        self._changed()

    def confirm(self, seat: str, decision: str, now: float) -> bool:
        """Confirm the seat's proposal; True when the turn resolved (every team decided)."""
        if decision in self.applied:
            raise ClassError(f"decision '{decision[:20]}' was already applied")
        self._need_play()
        p = self.proposals.get(seat)
        if p is None or p.decision != decision:
            raise ClassError("no proposal with this decision id for your seat this turn")
        self.confirmed[seat] = Choice(p.instance, p.signal)
        self.applied.add(decision)
        del self.proposals[seat]
        self._changed()
        if all(t in self.confirmed for t in self.teams):
            self._resolve(now)
            return True
        return False

    def say(self, seat: str, to: str, text: str) -> Message:
        text = " ".join(text.split())
        if not text:
            raise ClassError("an empty message")
        if to != "all" and to not in self.names:
            raise ClassError(f"no seat '{to[:30]}' (send to a seat id or to 'all')")
        if to == seat:
            raise ClassError("a message to your own seat: talk to your team")
        if len(self.messages) >= MAX_MESSAGES:
            raise ClassError("this game's message log is full")
        m = Message(self.turn, seat, to, text)
        self.messages.append(m)
        self._changed()
        return m

    # ------------------------------------------------------------ the control cell
    def start(self, teams: Sequence[str], now: float) -> None:
        """Begin the game with these seats held by teams (the others play their doctrine)."""
        if self.session is not None:
            raise ClassError("the game has already started")
        if not any(a in teams for a in self.actor_ids):
            raise ClassError("no team has joined a seat yet: give the students their codes")
        self.teams = tuple(a for a in self.actor_ids if a in teams)
        self.session = self._new_session()
        self._arm(now)
        self._changed()

    def _new_session(self) -> Session:
        return Session(self.rules, self.seed, self.teams, 0, seats=seat_policies(self.rules, ()))

    def pause(self, now: float) -> None:
        self._need_session()
        if self.paused:
            raise ClassError("the game is already paused")
        self.paused = True
        self.left_when_paused = None if self.deadline is None else max(0.0, self.deadline - now)
        self.deadline = None
        self._changed()

    def resume(self, now: float) -> None:
        self._need_session()
        if not self.paused:
            raise ClassError("the game is not paused")
        self.paused = False
        self.deadline = None if self.left_when_paused is None else now + self.left_when_paused
        self.left_when_paused = None
        self._changed()

    def set_clock(self, seconds: int, on_timeout: str, now: float) -> None:
        if not 0 <= seconds <= 24 * 3600:
            raise ClassError("the clock takes 0 (none) to 86400 seconds")
        if on_timeout not in ("hold", "doctrine"):
            raise ClassError("on timeout a seat holds or plays its doctrine ('hold' or 'doctrine')")
        self.clock_seconds, self.on_timeout = int(seconds), on_timeout
        if self.session is not None and not self.paused:
            self._arm(now)
        self._changed()

    def rearm(self, now: float) -> None:
        """Give the turn a full clock from ``now`` (a resumed game's server starting)."""
        self._arm(now)

    def _arm(self, now: float) -> None:
        self.deadline = now + self.clock_seconds if self.clock_seconds and not self.over else None

    def clock_left(self, now: float) -> float | None:
        if self.paused:
            return self.left_when_paused
        return None if self.deadline is None else max(0.0, self.deadline - now)

    def tick(self, now: float) -> bool:
        """Resolve the turn if its clock ran out; True if it did."""
        if self.deadline is None or self.paused or self.over or now < self.deadline:
            return False
        self._resolve(now)
        return True

    def inject(self, event_id: str) -> None:
        self._need_session()
        known = {e.id: e for e in self.scenario.events}
        if event_id not in known:
            raise ClassError(f"no event '{event_id[:30]}' in this scenario")
        if event_id in self.injected:
            raise ClassError(f"'{known[event_id].name}' is already set for the next turn")
        self.injected.append(event_id)
        self.rulings.append(Ruling(self.turn, "inject", f"made to happen this turn: {known[event_id].name}"))
        self._changed()

    def news(self, text: str) -> None:
        text = " ".join(text.split())
        if not text:
            raise ClassError("an empty news item")
        self._need_session()
        self.rulings.append(Ruling(self.turn, "news", text))
        self._changed()

    def override(self, actor: str, instance: int, reason: str) -> None:
        """Rule what a doctrine seat does this turn instead of its draw; the reason is logged."""
        s = self._need_session()
        reason = " ".join(reason.split())
        if actor not in self.names:
            raise ClassError(f"no seat '{actor[:30]}'")
        if actor in self.teams:
            raise ClassError(f"{self.names[actor]} is played by a team: its decision is not chance")
        if not reason:
            raise ClassError("a ruling needs a reason (it is shown in the debrief)")
        option = next((o for o in s.options(actor) if o.instance == instance), None)
        if option is None or not option.legal:
            raise ClassError(f"action #{instance} is not a legal choice of {self.names[actor]} now")
        self.overrides[actor] = instance
        label = option.name + (f" ({option.target})" if option.target else "")
        self.rulings.append(
            Ruling(s.turn, "override", f"{self.names[actor]} takes {label} instead of its draw", actor, reason)
        )
        self._changed()

    def rule_response(self, red_line: str, response: int, reason: str) -> None:
        """Rule which response a red line gives if it fires this turn (``NO_RESPONSE``: it does
        not fire a response) instead of its chance draw; the reason is logged for the debrief."""
        s = self._need_session()
        reason = " ".join(reason.split())
        spec = next((r for r in self.scenario.red_lines if r.id == red_line), None)
        if spec is None:
            raise ClassError(f"no red line '{red_line[:30]}'")
        if not reason:
            raise ClassError("a ruling needs a reason (it is shown in the debrief)")
        what = dict(s.rule_choices(red_line))
        if response not in what:
            raise ClassError(f"'{spec.name}' has no response #{response}")
        self.ruled_responses[red_line] = response
        said = "it gives no response" if response == NO_RESPONSE else f"its response is {what[response]}"
        self.rulings.append(
            Ruling(
                s.turn,
                "response",
                f"if {possessive(self.names[spec.owner])} red line '{spec.name}' trips this turn, {said} (no draw)",
                spec.owner,
                reason,
                spec.id,
            )
        )
        self._changed()

    def set_replays(self, replays: dict) -> None:
        self.replays = replays
        self._changed()

    def reveal(self) -> None:
        if self.session is None:
            raise ClassError("the game has not started yet")
        self.revealed = True
        self._changed()

    # ------------------------------------------------------------ a turn
    def _resolve(self, now: float) -> None:
        s = self._need_session()
        R = self.rules
        choices = {a: c.instance for a, c in self.confirmed.items()}
        signals = {a: c.signal for a, c in self.confirmed.items()}
        doctrine = []
        for team in self.teams:
            if team in choices:
                continue
            if self.on_timeout == "hold":
                choices[team] = int(R.actions[R.wait_action[R.actor_index(team)]].instances[0])
                signals[team] = None
                self.rulings.append(
                    Ruling(s.turn, "timeout", f"{self.names[team]} did not decide in time: it holds", team)
                )
            else:
                doctrine.append(team)
                self.rulings.append(
                    Ruling(s.turn, "timeout", f"{self.names[team]} did not decide in time: its doctrine plays", team)
                )
        s.step(choices, signals, Rulings(self.overrides, self.ruled_responses, self.injected, doctrine))
        self.proposals.clear()
        self.confirmed.clear()
        self.overrides.clear()
        self.ruled_responses.clear()
        self.injected.clear()
        self._arm(now)
        self._changed()

    # ------------------------------------------------------------ what each seat sees
    def _hidden_lines(self, seat: str | None) -> set[str]:
        """Ids of red lines this seat may not know of (others' undeclared ones, until revealed);
        the teacher (``seat`` None) knows every one."""
        if self.revealed or seat is None:
            return set()
        return {r.id for r in self.scenario.red_lines if not r.declared and r.owner != seat}

    def feed(self, seat: str | None) -> list[dict]:
        """The news as ``seat`` reads it (None: the teacher, who reads everything)."""
        hidden = self._hidden_lines(seat)
        out = []
        for ev in self.session.events if self.session is not None else []:
            kind = ev.get("kind")
            item = {"turn": ev["turn"], "kind": kind, "actor": ev.get("actor") or ev.get("owner") or ""}
            if kind in ("decision", "illegal") and seat is not None and ev.get("actor") != seat:
                continue
            if kind == "red_line" and ev.get("red_line") in hidden:
                if ev.get("chosen") is None:
                    continue
                owner = self.names.get(ev.get("owner", ""), "Someone")
                item["text"] = f"{owner} reacts to a line it never declared"
            else:
                item["text"] = str(ev.get("text", kind))
            out.append(item)
        for r in self.rulings:  # a ruled response shows to a seat in the red line's own news, once it fires
            if r.kind in ("news", "inject", "override") or seat is None or (r.actor == seat and r.kind == "timeout"):
                text = r.text + (f" (reason: {r.reason})" if r.reason else "")
                out.append({"turn": r.turn, "kind": f"control:{r.kind}", "actor": r.actor, "text": text})
        out.sort(key=lambda item: item["turn"])
        return out

    def messages_for(self, seat: str | None) -> list[dict]:
        return [attrs.asdict(m) for m in self.messages if seat is None or m.to == "all" or seat in (m.sender, m.to)]

    def _common(self, now: float) -> dict:
        s = self.session
        scn = self.scenario
        view: dict = {
            "scenario": {"id": scn.meta.id, "title": scn.meta.title, "turns": scn.calendar.turns},
            "actors": [{"id": a.id, "name": a.name, "team": a.id in self.teams} for a in scn.actors],
            "phase": self.phase,
            "turn": self.turn,
            "date": s.date.isoformat() if s is not None else "",
            "clock": {"seconds": self.clock_seconds, "on_timeout": self.on_timeout, "left": self.clock_left(now)},
            "decided": sorted(self.confirmed),
            "rungs": s.rungs() if s is not None else {},
            "crossed": {k: list(c) if c else None for k, c in s.crossed().items()} if s is not None else {},
            "rung_names": ["none"] + [r.name for r in scn.ladder.rungs],
            "revealed": self.revealed,
            "outcome": None,
        }
        if s is not None and s.done and s.outcome is not None:
            view["outcome"] = {"id": s.outcome.id, "name": s.outcome.name, "text": s.outcome.text}
        return view

    def _options(self, seat: str, hidden: set[str]) -> list[dict]:
        s = self.session
        if s is None or s.done or seat not in self.teams:
            return []
        out = []
        for o in s.options(seat):
            trips = [
                {"name": t.name, "owner": t.owner, "declared": t.declared, "responses": [n for n, _p in t.responses]}
                for t in o.trips
                if t.red_line not in hidden
            ]
            out.append(
                {
                    "instance": o.instance,
                    "name": o.name,
                    "category": o.category,
                    "rung": o.rung,
                    "rung_name": o.rung_name,
                    "target": o.target,
                    "weapon": o.weapon,
                    "distance_km": round(o.distance_km),
                    "legal": o.legal,
                    "reason": o.reason,
                    "description": o.description,
                    "trips": trips,
                }
            )
        return out

    def view(self, seat: str, now: float) -> dict:
        """Everything a client of ``seat`` is sent: only what its government would know."""
        hidden = self._hidden_lines(seat)
        s = self.session
        view = self._common(now)
        proposal = self.proposals.get(seat)
        view.update(
            role="seat",
            seat=seat,
            seat_name=self.names[seat],
            options=self._options(seat, hidden),
            signals=[
                {"index": o.index, "id": o.id, "says": o.says, "legal": o.legal}
                for o in (s.signal_options(seat) if s is not None and not s.done and seat in self.teams else [])
            ],
            proposal=attrs.asdict(proposal) if proposal is not None else None,
            confirmed=seat in self.confirmed,
            own_red_lines=[
                {"name": r.name, "declared": r.declared} for r in self.scenario.red_lines if r.owner == seat
            ],
            feed=self.feed(seat),
            messages=self.messages_for(seat),
            red_lines=self._revealed_lines(),
            timeline=self.timeline(seat) if self.over else [],
            replays=self.replays,
        )
        return view

    def _revealed_lines(self) -> list[dict]:
        if not self.revealed:
            return []
        tripped: dict[str, list[int]] = {}
        for ev in self.session.events if self.session is not None else []:
            if ev.get("kind") == "red_line":
                tripped.setdefault(ev["red_line"], []).append(ev["turn"])
        return [
            {"id": r.id, "name": r.name, "owner": r.owner, "declared": r.declared, "tripped": tripped.get(r.id, [])}
            for r in self.scenario.red_lines
        ]

    def teacher_view(self, now: float) -> dict:
        """The control cell's view: every seat's code, proposal and news, every message."""
        s = self.session
        view = self._common(now)
        view.update(
            role="teacher",
            seat="teacher",
            codes=dict(self.codes),
            proposals={a: attrs.asdict(p) for a, p in self.proposals.items()},
            feed=self.feed(None),
            messages=self.messages_for(None),
            rulings=[attrs.asdict(r) for r in self.rulings],
            events=[{"id": e.id, "name": e.name} for e in self.scenario.events],
            injected=list(self.injected),
            overrides=dict(self.overrides),
            doctrine_options={
                a: [{"instance": o.instance, "name": o.name, "target": o.target} for o in s.options(a) if o.legal]
                for a in self.actor_ids
                if a not in self.teams
            }
            if s is not None and not s.done
            else {},
            red_lines=[
                {
                    "id": r.id,
                    "name": r.name,
                    "owner": r.owner,
                    "declared": r.declared,
                    "responses": [{"index": j, "says": says} for j, says in s.rule_choices(r.id)]
                    if s is not None
                    else [],
                }
                for r in self.scenario.red_lines
            ],
            ruled_responses=dict(self.ruled_responses),
            timeline=self.timeline(None) if self.over else [],
            replays=self.replays,
        )
        return view

    # ------------------------------------------------------------ the debrief and the log
    def timeline(self, seat: str | None) -> list[dict]:
        """Each team's decisions, the messages ``seat`` may read and the control cell's rulings,
        in turn order: what was said against what was done."""
        hidden = self._hidden_lines(seat)
        out: list[dict] = []
        for ev in self.session.events if self.session is not None else []:
            if ev.get("kind") == "action" and ev.get("via") == "decision" and ev.get("actor") in self.teams:
                out.append({"turn": ev["turn"], "kind": "decision", "seat": ev["actor"], "text": ev["text"]})
        for m in self.messages_for(seat):
            to = "everyone" if m["to"] == "all" else self.names.get(m["to"], m["to"])
            out.append(
                {"turn": m["turn"], "kind": "message", "seat": m["sender"], "text": f"to {to}: \u201c{m['text']}\u201d"}
            )
        for r in self.rulings:
            if seat is None or r.kind != "timeout" or r.actor == seat:
                text = r.text + (f" (reason: {r.reason})" if r.reason else "")
                if r.red_line in hidden:
                    text = "the control cell ruled on a red line not declared (named once the teacher reveals)"
                out.append({"turn": r.turn, "kind": "ruling", "seat": "control", "text": text})
        out.sort(key=lambda x: x["turn"])
        return out

    def class_log(self) -> dict:
        """The game's log for ``class-report`` (``redline-log/1``: the teams are its human
        seats), with the class's messages, rulings and timeline under ``class``."""
        if self.session is None:
            raise ClassError("the game has not started yet")
        log = self.session.to_log()
        log["decisions"] = [
            {
                "turn": d["turn"],
                "choices": {a: i for a, i in d["choices"].items() if a in self.teams},
                "signals": {a: v for a, v in d["signals"].items() if a in self.teams},
                **({"rulings": d["rulings"]} if "rulings" in d else {}),
            }
            for d in self.session.decisions
        ]
        log["class"] = {
            "teams": list(self.teams),
            "messages": self.messages_for(None),
            "rulings": [attrs.asdict(r) for r in self.rulings],
            "timeline": self.timeline(None),
            "replays": self.replays,
        }
        return log

    # ------------------------------------------------------------ saves
    def to_save(self) -> dict:
        return {
            "format": CLASS_SAVE_FORMAT,
            "scenario": self.scenario.meta.id,
            "scenario_file": self.scenario_file,
            "scenario_sha": scenario_digest(self.source),
            "seed": self.seed,
            "codes": dict(self.codes),
            "teacher_code": self.teacher_code,
            "started": self.started,
            "teams": list(self.teams),
            "clock": {"seconds": self.clock_seconds, "on_timeout": self.on_timeout},
            "revealed": self.revealed,
            "decisions": list(self.session.decisions) if self.session is not None else [],
            "applied": sorted(self.applied),
            "injected": list(self.injected),
            "overrides": dict(self.overrides),
            "responses": dict(self.ruled_responses),
            "confirmed": {a: attrs.asdict(c) for a, c in self.confirmed.items()},
            "proposals": {a: attrs.asdict(p) for a, p in self.proposals.items()},
            "messages": [attrs.asdict(m) for m in self.messages],
            "rulings": [attrs.asdict(r) for r in self.rulings],
        }

    def _replay_turn(self, record: dict) -> None:
        """One saved turn played again. A save from before rulings were part of the turn's record
        kept the injected events beside the choices, a ruled doctrine seat's action among them,
        and left out a team played by its doctrine: read as the rulings they were."""
        s = self._need_session()
        choices = {str(a): int(i) for a, i in record["choices"].items()}
        signals = {str(a): (None if v is None else int(v)) for a, v in record["signals"].items()}
        if "rulings" in record:
            rulings = s.check_rulings(record)
        else:
            rulings = Rulings(
                {a: i for a, i in choices.items() if a not in self.teams},
                {},
                record.get("injected", ()),
                [t for t in self.teams if t not in choices],
            )
            choices = {a: i for a, i in choices.items() if a in self.teams}
        s.step(choices, signals, rulings)

    @classmethod
    def from_save(cls, loaded, source: bytes, data: dict, now: float) -> ClassGame:
        """The saved class game, replayed; ``SaveError`` (one line) if the save cannot be used."""
        if not isinstance(data, dict) or data.get("format") != CLASS_SAVE_FORMAT:
            raise SaveError(f"not a Redline class save (format {CLASS_SAVE_FORMAT})")
        if data.get("scenario") != loaded.scenario.meta.id:
            raise SaveError(f"this save is for scenario '{data.get('scenario')}', not '{loaded.scenario.meta.id}'")
        if data.get("scenario_sha") != scenario_digest(source):
            raise SaveError("the scenario file changed since this class game was saved")
        try:
            game = cls(loaded, source, str(data["scenario_file"]), int(data["seed"]), dict(data["codes"]))
            game.teacher_code = str(data["teacher_code"])
            game.clock_seconds = int(data["clock"]["seconds"])
            game.on_timeout = str(data["clock"]["on_timeout"])
            game.revealed = bool(data["revealed"])
            game.applied = {str(d) for d in data["applied"]}
            game.messages = [Message(**m) for m in data["messages"]]
            game.rulings = [Ruling(**r) for r in data["rulings"]]
            if data["started"]:
                game.teams = tuple(str(t) for t in data["teams"])
                game.session = game._new_session()
                for d in data["decisions"]:
                    game._replay_turn(d)
                game.injected = [str(e) for e in data["injected"]]
                game.overrides = {str(a): int(i) for a, i in data["overrides"].items()}
                game.ruled_responses = {str(r): int(j) for r, j in data.get("responses", {}).items()}
                game.confirmed = {str(a): Choice(**c) for a, c in data["confirmed"].items()}
                game.proposals = {str(a): Proposal(**p) for a, p in data["proposals"].items()}
                game._arm(now)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError):
            raise SaveError("the class save is damaged (missing or malformed fields)") from None
        return game
