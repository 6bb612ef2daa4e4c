"""Replaying a game's recorded decisions with each one checked against the engine's rules.

A save and a student's exported log both carry the human seats' decisions (turn, instance
chosen, signal sent). Neither is trusted: before a decision is stepped, ``Session.options``
and ``Session.signal_options`` must list it as legal for that seat at that turn, so a crafted
file cannot make a seat take another actor's action, or one its rules forbid now.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from game.datafile import in_range
from game.engine.session import SaveError, Session
from game.policies import seat_policies

MAX_TURNS = 10_000
MAX_SEED = 2**64 - 1


@attrs.frozen
class SavedRulings:
    """A class game's control-cell rulings for the turn (``game.engine.session.Rulings``)."""

    choices: dict[str, int] = attrs.field(factory=dict)
    responses: dict[str, int] = attrs.field(factory=dict)
    injected: tuple[str, ...] = ()
    doctrine: tuple[str, ...] = ()


@attrs.frozen
class SavedDecision:
    """One turn's human choices: actor id -> instance id (and signal index or null), and in a
    class game's log the control cell's rulings, so the game replays as it was played."""

    turn: int = attrs.field(validator=in_range(1, MAX_TURNS))
    choices: dict[str, int]
    signals: dict[str, int | None] = attrs.field(factory=dict)
    rulings: SavedRulings | None = None


def replay_decisions(
    rules,
    seed: int,
    game: int,
    humans: Iterable[str],
    decisions: Iterable[SavedDecision],
    names: dict[str, str] | None = None,
) -> Session:
    """The game rebuilt by replaying ``decisions`` (the other seats play ``names``' policies or
    their own); ``SaveError`` names the first bad one's turn and why."""
    humans = tuple(humans)
    s = Session(rules, seed, humans, game, seats=seat_policies(rules, humans, names))
    strangers = [h for h in humans if h not in s.humans]
    if strangers:
        raise SaveError(f"it names seat '{strangers[0]}', which this scenario does not have")
    for n, d in enumerate(decisions, 1):
        if s.done:
            raise SaveError(f"decision {n} (turn {d.turn}) comes after the game ended")
        if d.turn != s.turn:
            raise SaveError(f"decision {n} says turn {d.turn}, but the game is at turn {s.turn}")
        check_decision(s, d)
        rulings = s.check_rulings({"rulings": attrs.asdict(d.rulings)}) if d.rulings is not None else None
        s.step(dict(d.choices), dict(d.signals), rulings)
    return s


def check_decision(s: Session, d: SavedDecision) -> None:
    """``SaveError`` unless every choice and signal in ``d`` is legal for its seat now."""
    name = {a.id: a.name for a in s.rules.scenario.actors}
    for actor, instance in d.choices.items():
        if actor not in s.humans:
            raise SaveError(f"turn {d.turn}: '{actor}' chose, but it is not a human seat of this game")
        option = next((o for o in s.options(actor) if o.instance == instance), None)
        if option is None:
            raise SaveError(f"turn {d.turn}: {name[actor]} cannot choose action #{instance} (not one of its own)")
        if not option.legal:
            raise SaveError(f"turn {d.turn}: {name[actor]} cannot take '{option.name}' then ({option.reason})")
    for actor, signal in d.signals.items():
        if signal is None:
            continue
        if actor not in s.humans:
            raise SaveError(f"turn {d.turn}: '{actor}' sent a signal, but it is not a human seat of this game")
        sig = next((o for o in s.signal_options(actor) if o.index == signal), None)
        if sig is None or not sig.legal:
            raise SaveError(f"turn {d.turn}: {name[actor]} cannot send signal #{signal} then")
