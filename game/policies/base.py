"""Policies: weights over an actor's actions and signals (see the package docstring)."""

from __future__ import annotations

import numpy as np

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


def _one(value) -> float:
    """A value computed for a batch of one game (an array of one, or a constant) as a float."""
    return float(np.asarray(value).reshape(-1)[0])


class Policy:
    """Base policy: uniform over legal actions, no signals."""

    name = "random"
    human = False

    def action_weights(self, ctx, rules, actor: int, acts: np.ndarray):
        return [1.0] * len(acts)

    def signal_weights(self, ctx, rules, actor: int, sigs: list[int]):
        return 1.0, [0.0] * len(sigs)

    def scripted(self, rules, actor: int, turn: int):
        """An instance id this policy insists on this turn, or None (for scripts)."""
        return None

    def describe(self, rules, actor: int) -> str:
        return self.name

    def weight_parts(self, ctx, rules, actor: int, k: int) -> list[tuple[str, float]]:
        """Where the weight of action ``k`` comes from, for one game (``ctx`` of one game):
        (what, how much) pairs that add up to the weight before it is floored at 0."""
        return [(f"{self.name} preset", _one(self.action_weights(ctx, rules, actor, np.array([k]))[0]))]


class PresetPolicy(Policy):
    """``dove``, ``hawk``, ``random`` weigh by category; ``tit_for_tat`` mirrors the others' rung."""

    def __init__(self, name: str):
        self.name = name

    def action_weights(self, ctx, rules, actor, acts):
        if self.name == "tit_for_tat":
            others = [rules.last_rung_cols[a] for a in range(len(rules.rung_cols)) if a != actor]
            target = np.max(ctx.X[others], axis=0) if others else 0.0
            out = []
            for k in acts:
                d = rules.actions[k].rung - target
                out.append(1.0 / (1.0 + 4.0 * d * d))
            return out
        table = PRESET_CATEGORY[self.name]
        return [table[CATEGORIES[rules.actions[k].category]] for k in acts]


class DoctrinePolicy(Policy):
    """The scenario's own rules: an action's weight is the sum of its rules' weights
    (each counted while its ``when`` holds), plus ``base_weight`` times a preset's."""

    def __init__(self, spec):
        self.spec = spec
        self.name = spec.id
        self.base = PresetPolicy(spec.base) if spec.base else None

    def action_weights(self, ctx, rules, actor, acts):
        pos = {int(k): j for j, k in enumerate(acts)}
        out = [0.0] * len(acts)
        if self.base is not None:
            bw = self.spec.base_weight
            out = [
                0.0 if self._base_skips(rules.actions[k].spec) else bw * w
                for k, w in zip(acts, self.base.action_weights(ctx, rules, actor, acts))
            ]
        for rule in rules.policy_terms.get(self.name, ()):
            k, term = rule.index, rule.term
            if rule.kind != "action" or k not in pos:
                continue
            w = term.weight(ctx)
            if term.when.const is None or term.when.const == 0:
                w = np.where(term.when(ctx) != 0, w, 0.0)
            out[pos[k]] = out[pos[k]] + w
        return [np.maximum(w, 0.0) if isinstance(w, np.ndarray) else max(w, 0.0) for w in out]

    def _base_skips(self, act) -> bool:
        """Whether the preset gives this action nothing (``base_excludes`` names it or its category)."""
        return act.id in self.spec.base_excludes or act.category in self.spec.base_excludes

    def weight_parts(self, ctx, rules, actor, k):
        parts = []
        if self.base is not None and not self._base_skips(rules.actions[k].spec):
            w = _one(self.base.action_weights(ctx, rules, actor, np.array([k]))[0])
            parts.append((f"{self.base.name} preset x{self.spec.base_weight:g}", self.spec.base_weight * w))
        for rule in rules.policy_terms.get(self.name, ()):
            term = rule.term
            if rule.kind != "action" or rule.index != k or not _one(term.when(ctx)):
                continue
            if term.when.const is None:
                what = f"rule while `{term.when.source}`"
            elif term.weight.const is None:
                what = f"rule `{term.weight.source}`"
            else:
                what = "rule"
            parts.append((what, _one(term.weight(ctx))))
        return parts

    def signal_weights(self, ctx, rules, actor, sigs):
        pos = {k: j for j, k in enumerate(sigs)}
        out = [0.0] * len(sigs)
        for rule in rules.policy_terms.get(self.name, ()):
            k, term = rule.index, rule.term
            if rule.kind != "signal" or k not in pos:
                continue
            w = term.weight(ctx)
            if term.when.const is None or term.when.const == 0:
                w = np.where(term.when(ctx) != 0, w, 0.0)
            out[pos[k]] = out[pos[k]] + w
        return self.spec.signal_rate, [np.maximum(w, 0.0) if isinstance(w, np.ndarray) else max(w, 0.0) for w in out]

    def describe(self, rules, actor) -> str:
        return self.spec.description or f"doctrine '{self.name}'"


class ScriptedPolicy(Policy):
    """Plays recorded decisions (turn -> instance id) where still legal, else ``fallback``."""

    def __init__(self, script: dict[int, int], fallback: Policy, signals: dict[int, int] | None = None):
        self.script, self.fallback, self.signals = script, fallback, signals or {}
        self.name = f"scripted+{fallback.name}"

    def action_weights(self, ctx, rules, actor, acts):
        return self.fallback.action_weights(ctx, rules, actor, acts)

    def signal_weights(self, ctx, rules, actor, sigs):
        return self.fallback.signal_weights(ctx, rules, actor, sigs)

    def scripted(self, rules, actor, turn):
        return self.script.get(turn)

    def weight_parts(self, ctx, rules, actor, k):
        return self.fallback.weight_parts(ctx, rules, actor, k)


class HumanPolicy(Policy):
    """A seat played by a person: the engine takes the caller's decision for it."""

    name = "human"
    human = True


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
