"""A game in progress as the window sees it (no pygame here).

``Match`` holds the scenario file and its bytes, the compiled rules and a ``Session``:
it steps turns (collecting every human seat's choice, for hot-seat), autosaves,
saves and loads, and hot-reloads the scenario from disk, keeping the last good
version when the new one has errors.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from pathlib import Path

import attrs

from game import resources
from game.diagnostics import Diagnostic, ScenarioError
from game.engine.session import SaveError, Session
from game.loader.load import display_name
from game.policies import seat_policies
from game.policies.llm import model_seats
from game.runners.load import load_scenario
from game.ui import saves

SCENARIO_DIR = resources.scenarios_dir()


def resolve_scenario_path(path: str) -> str:
    """A scenario path as given, else the shipped scenario of that name (saves made from another
    folder record ``scenarios/<id>.yaml``)."""
    if os.path.exists(path):
        return path
    shipped = resources.find_shipped_scenario(path)
    return str(shipped) if shipped is not None else path


def load_file(path: str, sets: dict | None = None):
    """(Loaded, source bytes: the scenario as one file, a variant's base merged in); raises
    ScenarioError with every diagnostic."""
    loaded = load_scenario(path, sets or None)
    return loaded, loaded.source


@attrs.frozen
class TurnPlan:
    """A turn ready to be played off the frame loop: the session it follows and the choices."""

    base: Session
    choices: dict[str, int]
    signals: dict[str, int | None]


@attrs.frozen
class TurnResult:
    """A played turn: a copy of the plan's session one turn on, and its new events."""

    base: Session
    session: Session
    events: list[dict]
    options: dict[str, list] = attrs.field(factory=dict)  # each seat's options in the new turn


@attrs.frozen
class NewVersion:
    """A reloaded scenario with this game replayed on it, or why it cannot be used."""

    base: Session
    loaded: object = None
    source: bytes = b""
    session: Session | None = None
    diagnostics: tuple[Diagnostic, ...] = ()


def copy_session(session: Session) -> Session:
    """A session that can be stepped without touching ``session`` (the rules are shared: read only)."""
    return copy.deepcopy(session, {id(session.rules): session.rules})


class Match:
    """One game: scenario + session + the human seats, for the board and the debrief."""

    def __init__(
        self,
        path: str,
        loaded,
        source: bytes,
        seats: tuple[str, ...] = (),
        seed: int = 1,
        game: int = 0,
        sets: dict | None = None,
        session: Session | None = None,
        ai_seats: tuple[str, ...] = (),
        policies: dict[str, str] | None = None,
    ):
        self.path = path
        self.loaded = loaded
        self.source = source
        self.sets = dict(sets or {})
        self.seed = int(seed)
        self.game = int(game)
        ids = [a.id for a in loaded.scenario.actors]
        self.seats = tuple(s for s in seats if s in ids)
        # seats shown as the player's but played by their doctrine (screenshots, watch)
        self.ai_seats = tuple(s for s in ai_seats if s in ids)
        # seats played by a language model (--policy ACTOR=llm:MODEL@URL): asked on the worker thread
        self.models = model_seats(loaded.rules, policies or {}, self.seats)
        names = {a: n for a, n in (policies or {}).items() if a not in self.models}
        self.session = session or Session(
            loaded.rules,
            self.seed,
            self.seats + tuple(self.models),
            self.game,
            seats=[self.models.get(a) or p for a, p in zip(ids, seat_policies(loaded.rules, self.seats, names))],
        )
        self.pending: dict[str, tuple[int, int | None]] = {}  # hot-seat: actor -> (instance, signal)
        self.autosave = True
        self.autosave_problem = ""
        self.warning = getattr(self.session, "warning", "")

    # ------------------------------------------------------------ construction
    @classmethod
    def start(
        cls, path: str, seats=(), seed: int = 1, sets: dict | None = None, game: int = 0, ai_seats=(), policies=None
    ) -> Match:
        loaded, raw = load_file(path, sets)
        return cls(path, loaded, raw, tuple(seats), seed, game, sets, ai_seats=tuple(ai_seats), policies=policies)

    @classmethod
    def from_save_file(cls, file: Path) -> Match:
        """A match rebuilt from a save; raises SaveError / SaveFileError / ScenarioError."""
        data = saves.read_save(file)
        ui_block = data.get("ui")
        ui: dict = ui_block if isinstance(ui_block, dict) else {}
        path = resolve_scenario_path(str(ui.get("scenario_abs") or data["scenario_file"]))
        if not os.path.exists(path):
            path = resolve_scenario_path(data["scenario_file"])
        given = ui.get("sets")
        try:
            sets = {str(k): float(v) for k, v in (given if isinstance(given, dict) else {}).items()}
        except (TypeError, ValueError):
            raise SaveError("the save is damaged (bad parameter settings)") from None
        loaded, raw = load_file(path, sets)
        session = saves.replay_save(loaded.rules, data, raw)
        match = cls(path, loaded, raw, session.humans, session.seed, session.game, sets, session=session)
        match.pending = saves.pending_choices(session, data)
        return match

    # ------------------------------------------------------------ views
    @property
    def scenario(self):
        return self.loaded.scenario

    @property
    def rules(self):
        return self.loaded.rules

    @property
    def watching(self) -> bool:
        return not self.seats

    @property
    def viewpoint(self) -> str | None:
        """The seat whose options and knowledge the board shows now."""
        waiting = self.waiting_seats()
        if waiting:
            return waiting[0]
        if self.seats:
            return self.seats[0]
        return self.ai_seats[0] if self.ai_seats else None

    def waiting_seats(self) -> list[str]:
        """Human seats that still have to decide this turn (hot-seat order)."""
        if self.session.done:
            return []
        return [s for s in self.seats if s not in self.pending]

    def actor_name(self, actor_id: str) -> str:
        return self.scenario.actor(actor_id).name

    # ------------------------------------------------------------ play
    def choose(self, actor: str, instance: int, signal: int | None) -> list[dict] | None:
        """Record one seat's choice; when every seat has chosen, play the turn and return its events."""
        plan = self.take_choice(actor, instance, signal)
        return None if plan is None else self.end_turn_with(plan)

    def take_choice(self, actor: str, instance: int, signal: int | None) -> TurnPlan | None:
        """Record one seat's choice; once every seat has chosen, the turn to play (None before)."""
        self.pending[actor] = (int(instance), None if signal is None else int(signal))
        if self.waiting_seats():
            self.autosave_problem = self.write_autosave()  # a hot-seat choice survives a crash
            return None
        return self.plan_turn()

    def plan_turn(self) -> TurnPlan:
        """The turn with the choices made so far (seats that did not choose hold and watch)."""
        plan = TurnPlan(
            self.session,
            {a: c[0] for a, c in self.pending.items()},
            {a: c[1] for a, c in self.pending.items()},
        )
        self.pending = {}
        return plan

    def play(self, plan: TurnPlan) -> TurnResult:
        """Play a planned turn on a copy of its session; safe on a worker thread (the match and
        its current session are not touched). The autosave follows ``apply``: it never holds a
        turn the game does not show."""
        session = copy_session(plan.base)
        choices = dict(plan.choices)
        for seat, model in self.models.items():
            choices[seat] = model.choose(session, seat)
        events = session.step(choices or None, plan.signals or None)
        options = {} if session.done else {seat: session.options(seat) for seat in self.seats}
        return TurnResult(plan.base, session, events, options)

    def apply(self, result: TurnResult) -> bool:
        """Make a played turn the game's state; False when the game moved on meanwhile (loaded, reloaded)."""
        if result.base is not self.session:
            return False
        self.session = result.session
        return True

    def end_turn(self) -> list[dict]:
        return self.end_turn_with(self.plan_turn())

    def end_turn_with(self, plan: TurnPlan) -> list[dict]:
        result = self.play(plan)
        self.apply(result)
        self.autosave_problem = self.write_autosave()
        return result.events

    def step_ai(self) -> list[dict]:
        """A turn with no human input (watch mode, or screenshots with AI seats)."""
        return self.session.step()

    # ------------------------------------------------------------ saves
    def game_log(self) -> dict:
        """The game's log (``redline-log/1``), with the language-model seats' conversations."""
        if not self.models:
            return self.session.to_log()
        from game.policies.llm import game_log

        return game_log(self.session, self.models)

    def to_save(self, session: Session | None = None) -> dict:
        s = session or self.session
        data = s.to_save(display_name(self.path), self.source)
        data["ui"] = {
            "title": self.scenario.meta.title,
            "scenario_abs": os.path.abspath(self.path),
            "turn": int(min(s.turn, self.scenario.calendar.turns)),
            "date": s.date.isoformat(),
            "seat_names": [self.actor_name(a) for a in self.seats],
            "done": bool(s.done),
            "saved_at": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
            "sets": self.sets,
            "pending": {a: {"instance": i, "signal": sig} for a, (i, sig) in self.pending.items()},
        }
        return data

    def write_autosave(self, session: Session | None = None) -> str:
        """Rewrite the autosave (of ``session``, by default the game's); returns '' or a problem in
        plain words (the game goes on)."""
        if not self.autosave or self.watching:
            return ""
        try:
            saves.write_save(self.to_save(session), saves.autosave_path())
        except OSError as exc:
            return f"autosave failed: {exc}"
        return ""

    def save_as(self, path: Path | None = None) -> Path:
        path = path or saves.new_save_path(self.scenario.meta.id)
        return saves.write_save(self.to_save(), path)

    # ------------------------------------------------------------ hot reload
    def reload(self) -> list[Diagnostic]:
        """Reload the scenario from disk and replay this game's decisions on it.

        Returns [] on success. On errors returns them (file:line) and keeps the current
        version and game untouched.
        """
        version = self.load_version(self.session)
        self.use_version(version)
        return list(version.diagnostics)

    def load_version(self, base: Session) -> NewVersion:
        """The scenario as it is on disk now, with ``base``'s decisions replayed on it; safe on a
        worker thread (reads the file and ``base``'s decisions, changes nothing)."""
        try:
            loaded, raw = load_file(self.path, self.sets)
        except ScenarioError as exc:
            return NewVersion(base, diagnostics=tuple(exc.diagnostics))
        data = base.to_save(display_name(self.path), self.source)
        name = display_name(self.path)
        try:
            session = Session.from_save(
                loaded.rules, data, raw, seats=lambda humans: seat_policies(loaded.rules, humans)
            )
        except SaveError as exc:
            return NewVersion(
                base,
                diagnostics=(Diagnostic(name, 0, 0, "", f"this game cannot be replayed on the new version: {exc}"),),
            )
        ids = {a.id for a in loaded.scenario.actors}
        if not set(self.seats) <= ids:
            return NewVersion(base, diagnostics=(Diagnostic(name, 0, 0, "actors", "a seat being played was removed"),))
        return NewVersion(base, loaded, raw, session)

    def use_version(self, version: NewVersion) -> bool:
        """Switch to a reloaded version; False when it has errors or the game moved on meanwhile."""
        if version.session is None or version.base is not self.session:
            return False
        self.loaded, self.source, self.session = version.loaded, version.source, version.session
        self.pending = {}
        self.warning = ""
        return True
