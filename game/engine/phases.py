"""The order of a turn's phases, written once: ``Batch.step`` walks it, codegen emits from it.

Each engine has one piece of code per phase (``Batch._phase_NAME``, ``codegen._Gen.phase_NAME``);
which phase runs when is only here, so reordering the turn is an edit of ``TURN`` and both
engines follow (``tests/test_formulas.py`` shows it). ``after`` names the phases whose results a
phase reads in the same turn (the decisions the resolution applies): ``check_order`` refuses an
order that would run a phase before them.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs


@attrs.frozen
class Phase:
    """One phase of a turn: its name (the engines' code for it), what it does, and the phases
    it needs to have run earlier in the same turn."""

    name: str
    says: str
    after: tuple[str, ...] = ()


TURN: tuple[Phase, ...] = (
    Phase("clock", "the turn number is set; the recorder hears the turn start"),
    Phase("events", "production, per-turn drifts, scheduled and random events", ("clock",)),
    Phase("breaker", "the circuit breaker spends a turn of its hold, or trips", ("clock",)),
    Phase("decide", "every actor chooses at once, from the same state: an action and a signal", ("clock",)),
    Phase("reset", "the counters of the latest turn (taken, struck) go back to 0", ("decide",)),
    Phase("resolve", "in initiative order: fog, legality now, effects, rungs, signals", ("decide", "reset")),
    Phase("thresholds", "thresholds newly reached are crossed, and by whom", ("clock",)),
    Phase("doctrine", "red lines trip and draw their responses, in bounded cascades", ("clock",)),
    Phase("tally", "the turn's highest rungs are counted (histogram, small batches' paths)", ("clock",)),
    # a game that ends leaves the batch: arrays handed from phase to phase (the decisions) must
    # be used up before, so the outcomes come after the resolution
    Phase("outcomes", "the first outcome that holds ends a game; the last turn ends them all", ("resolve",)),
)


def check_order(turn: Sequence[Phase]) -> None:
    """Raise ``ValueError`` if a phase comes before one it needs, or a name repeats."""
    seen: set[str] = set()
    for phase in turn:
        if phase.name in seen:
            raise ValueError(f"phase '{phase.name}' comes twice in a turn")
        missing = [n for n in phase.after if n not in seen]
        if missing:
            raise ValueError(f"phase '{phase.name}' needs {', '.join(missing)} to run before it in the turn")
        seen.add(phase.name)


check_order(TURN)
