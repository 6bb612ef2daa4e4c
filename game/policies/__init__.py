"""How actors choose: weights over their legal actions, turned into a draw by the engine.

A policy never draws: it returns weights (numbers or arrays over the batch) and the
engine makes one counter-based categorical draw per actor and turn, so every choice
is explained in the log as "chose X (p = weight / total, drew u)".

- ``DoctrinePolicy``: the scenario's weighted rules over expressions, plus a preset.
- presets any scenario can use: ``dove``, ``hawk``, ``tit_for_tat``, ``random``.
- ``ScriptedPolicy``: a recorded list of decisions by turn, falling back to another policy.
- ``HumanPolicy``: the caller (the window) supplies the choice.
"""

from game.policies.base import (
    DoctrinePolicy,
    HumanPolicy,
    Policy,
    PresetPolicy,
    ScriptedPolicy,
    policy_for,
    seat_policies,
)

__all__ = ["DoctrinePolicy", "HumanPolicy", "Policy", "PresetPolicy", "ScriptedPolicy", "policy_for", "seat_policies"]
