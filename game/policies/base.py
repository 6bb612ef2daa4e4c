"""Policies: weights over an actor's actions and signals (see the package docstring)."""

from __future__ import annotations

from collections.abc import Sequence

from game.engine import formulas
from game.engine.formulas import Mul, Node, Num
from game.engine.observation import Observation, OptionView
from game.model import CATEGORIES

# Category weights of the static presets; read as "how much more likely than waiting".
PRESET_CATEGORY = {
    "dove": {
        "status_quo": 3.0,
        "de_escalation": 4.0,
        "posturing": 1.0,
        "non_violent": 0.5,
        "violent": 0.1,
        "nuclear": 0.005,
    },
    "hawk": {
        "status_quo": 0.5,
        "de_escalation": 0.2,
        "posturing": 1.5,
        "non_violent": 2.0,
        "violent": 3.0,
        "nuclear": 0.05,
    },
    "random": {c: 1.0 for c in CATEGORIES},
}


class Policy:
    """Base policy: uniform over the seat's options, no signals. A policy answers with
    formulas over what its seat observes (``game.engine.formulas``); the engine evaluates
    them (numpy) or compiles them (C), so every policy here runs on both engines."""

    name = "random"
    human = False
    signals: dict[int, int | None] = {}  # turn -> a signal this policy insists on (None = say nothing)

    def action_weights(self, obs: Observation, acts: Sequence[int]) -> list[Node]:
        """One weight per option in ``acts`` (unnormalised; an illegal option is left out by the engine)."""
        return [Num(1.0) for _ in acts]

    def signal_weights(self, obs: Observation, sigs: Sequence[int]) -> tuple[Node, list[Node]]:
        """The weight of saying nothing, and one per signal in ``sigs``."""
        return Num(1.0), [Num(0.0) for _ in sigs]

    def scripted(self, turn: int) -> int | None:
        """An instance id this policy insists on this turn, or None (for scripts)."""
        return None

    def describe(self, obs: Observation) -> str:
        return self.name

    def plays_by_formulas(self) -> bool:
        """Whether its weights alone decide (no script, no person): what the kernel can play."""
        return not self.human

    def weight_parts(self, obs: Observation, k: int) -> list[tuple[str, Node]]:
        """Where the weight of action ``k`` comes from: (what, how much) pairs that add up to the
        weight before it is floored at 0."""
        return [(f"{self.name} preset", self.action_weights(obs, [k])[0])]


class PresetPolicy(Policy):
    """``dove``, ``hawk``, ``random`` weigh by category; ``tit_for_tat`` mirrors the others' rung."""

    def __init__(self, name: str):
        self.name = name

    def action_weights(self, obs, acts):
        if self.name == "tit_for_tat":
            mirrored = formulas.highest(obs.other_last_rungs)
            return [formulas.tit_for_tat(Num(float(obs.action(k).rung), key=("rung", int(k))), mirrored) for k in acts]
        table = PRESET_CATEGORY[self.name]
        return [Num(table[obs.action(k).category]) for k in acts]


class DoctrinePolicy(Policy):
    """The scenario's own rules: an action's weight is the sum of its rules' weights
    (each counted while its ``when`` holds), plus ``base_weight`` times a preset's."""

    def __init__(self, spec):
        self.spec = spec
        self.name = spec.id
        self.base = PresetPolicy(spec.base) if spec.base else None

    def _terms(self, obs: Observation, kind: str, k: int) -> list[Node]:
        return [
            formulas.rule_term(r.term.when, r.term.weight)
            for r in obs.doctrine(self.name)
            if r.kind == kind and r.index == k
        ]

    def _base(self, obs: Observation, k: int) -> Node | None:
        """The preset's share of action k's weight (None where the preset gives it nothing)."""
        if self.base is None or self._base_skips(obs.action(k)):
            return None
        preset = self.base.action_weights(obs, [k])[0]
        return Mul(Num(self.spec.base_weight, key=("base_weight", obs.actor)), preset)

    def action_weights(self, obs, acts):
        return [
            formulas.doctrine_weight(self._base(obs, int(k)) or formulas.ZERO, self._terms(obs, "action", int(k)))
            for k in acts
        ]

    def _base_skips(self, act: OptionView) -> bool:
        """Whether the preset gives this action nothing (``base_excludes`` names it or its category)."""
        return act.id in self.spec.base_excludes or act.category in self.spec.base_excludes

    def weight_parts(self, obs, k):
        parts: list[tuple[str, Node]] = []
        base = self._base(obs, k)
        if base is not None and self.base is not None:
            parts.append((f"{self.base.name} preset x{self.spec.base_weight:g}", base))
        for r in obs.doctrine(self.name):
            term = r.term
            if r.kind != "action" or r.index != k:
                continue
            if term.when.const is None:
                what = f"rule while `{term.when.source}`"
            elif term.weight.const is None:
                what = f"rule `{term.weight.source}`"
            else:
                what = "rule"
            parts.append((what, formulas.rule_term(term.when, term.weight)))
        return parts

    def signal_weights(self, obs, sigs):
        weights = [formulas.doctrine_weight(formulas.ZERO, self._terms(obs, "signal", int(s))) for s in sigs]
        return Num(self.spec.signal_rate, key=("signal_rate", obs.actor)), weights

    def describe(self, obs) -> str:
        return self.spec.description or f"doctrine '{self.name}'"


class ScriptedPolicy(Policy):
    """Plays recorded decisions (turn -> instance id) where still legal, else ``fallback``."""

    def __init__(self, script: dict[int, int], fallback: Policy, signals: dict[int, int | None] | None = None):
        self.script, self.fallback, self.signals = script, fallback, signals or {}
        self.name = f"scripted+{fallback.name}"

    def action_weights(self, obs, acts):
        return self.fallback.action_weights(obs, acts)

    def signal_weights(self, obs, sigs):
        return self.fallback.signal_weights(obs, sigs)

    def scripted(self, turn):
        return self.script.get(turn)

    def plays_by_formulas(self) -> bool:
        return False

    def weight_parts(self, obs, k):
        return self.fallback.weight_parts(obs, k)


class HumanPolicy(Policy):
    """A seat played by a person: the engine takes the caller's decision for it."""

    name = "human"
    human = True


def seat_policies(rules, humans: Sequence[str] = (), names: dict[str, str] | None = None) -> list[Policy]:
    """One policy per actor: ``HumanPolicy`` for the human seats, else ``names``' choice or its own."""
    names = names or {}
    return [
        HumanPolicy() if a.id in humans else policy_for(rules, i, names.get(a.id))
        for i, a in enumerate(rules.scenario.actors)
    ]


def policy_for(rules, actor: int, name: str | None = None) -> Policy:
    """The policy named ``name`` (a scenario policy id or a preset), else the actor's own."""
    name = name or rules.scenario.actors[actor].policy
    if name == "human":
        return HumanPolicy()
    for spec in rules.scenario.policies:
        if spec.id == name:
            return DoctrinePolicy(spec)
    if name in ("dove", "hawk", "tit_for_tat", "random"):
        return PresetPolicy(name)
    known = [p.id for p in rules.scenario.policies] + ["dove", "hawk", "tit_for_tat", "random", "human"]
    raise KeyError(f"unknown policy '{name}' (known: {', '.join(known)})")
