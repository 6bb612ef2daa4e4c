"""What a seat sees when it chooses: the read-only view a policy gets.

As an OpenSpiel policy sees a state (its legal actions, what its player may observe) and
never the game's internals, a policy here sees an ``Observation``: the seat, the options it
may choose freely (each with its id, category and rung), the rungs the others reached last
turn, and the rules of its doctrine. It answers with formulas (``game.engine.formulas``)
over what it sees, never with numbers: the engine evaluates them for all games at once
(``Batch``) or compiles them into the kernel (``codegen``), so a policy is written once for
both engines and cannot read (or change) anything else.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import attrs

from game.engine.formulas import Column, Node
from game.engine.rules import PolicyRule, Rules
from game.model import CATEGORIES


@attrs.frozen
class OptionView:
    """One action the seat may choose: where it sits on the ladder (0 = no rung)."""

    index: int
    id: str
    category: str
    rung: int


@attrs.frozen(eq=False)
class Observation:
    """One seat's view of the game for choosing (the same for every game of a batch; what
    differs between games is read through the formulas' columns)."""

    actor: int
    options: tuple[int, ...]  # action indices the seat may choose freely (legal or not this turn)
    signals: tuple[int, ...]  # signal indices the seat may send
    actions: tuple[OptionView, ...]  # every action, by index
    other_last_rungs: tuple[Node, ...]  # the rung each other actor's last move reached
    doctrines: dict[str, tuple[PolicyRule, ...]]  # doctrine id -> its rules' terms

    def action(self, k: int) -> OptionView:
        return self.actions[k]

    def doctrine(self, policy_id: str) -> tuple[PolicyRule, ...]:
        """The rules of a doctrine, each for one action or signal."""
        return self.doctrines.get(policy_id, ())


def observe(rules: Rules, actor: int) -> Observation:
    """The view of seat ``actor`` (built once per batch and seat)."""
    return Observation(
        actor=actor,
        options=tuple(int(k) for k in rules.actor_actions[actor]),
        signals=tuple(i for i, s in enumerate(rules.signals) if actor in s.actors),
        actions=tuple(OptionView(a.index, a.spec.id, CATEGORIES[a.category], a.rung) for a in rules.actions),
        other_last_rungs=tuple(Column(c) for a, c in enumerate(rules.last_rung_cols) if a != actor),
        doctrines={pid: tuple(terms) for pid, terms in rules.policy_terms.items()},
    )


class SeatPolicy(Protocol):
    """What the engine needs of a policy (``game.policies`` implements it): formulas over an
    observation, and whether a script or a person decides instead."""

    name: str
    human: bool

    @property
    def signals(self) -> Mapping[int, int | None]:
        """Turn -> a signal it insists on (None = say nothing); read-only to the engine."""
        ...

    def action_weights(self, obs: Observation, acts: Sequence[int]) -> list[Node]: ...

    def signal_weights(self, obs: Observation, sigs: Sequence[int]) -> tuple[Node, list[Node]]: ...

    def scripted(self, turn: int) -> int | None: ...

    def weight_parts(self, obs: Observation, k: int) -> list[tuple[str, Node]]: ...

    def plays_by_formulas(self) -> bool:
        """Whether its weights alone decide (no script, no person): what the kernel can play."""
        ...
