"""``rungs_off`` in a signal's effects: how far the sender's action this turn is from what it said.

A signal with ``max_rung:`` (or ``min_rung:``) says where its sender will stand this turn; the
news marks it "at odds" when the action goes past. ``rungs_off`` is that distance as a number:
the rungs above ``max_rung`` plus the rungs below ``min_rung`` of the action the sender took,
0 when they kept their word. It is written out at load as an expression over the sender's
``last_rung`` (a signal's effects apply after its sender's action has moved it), so the engine
sees only a plain expression: ``credibility -= 0.1 * rungs_off``.
"""

from __future__ import annotations

import re

WORD = "rungs_off"
_USE = re.compile(rf"\b{WORD}\b")


def expand(signals: list, rungs: list, variables: list) -> tuple[list, list[tuple[tuple, str]]]:
    """``signals`` (normalized: a list of mappings) with ``rungs_off`` written out in their
    effects; and the problems, by YAML path."""
    position = {r["id"]: i + 1 for i, r in enumerate(rungs) if isinstance(r, dict) and isinstance(r.get("id"), str)}
    taken = any(isinstance(v, dict) and v.get("id") == WORD for v in variables)
    out: list = []
    problems: list[tuple[tuple, str]] = []
    for i, sig in enumerate(signals):
        effects = sig.get("effects") if isinstance(sig, dict) else None
        effects = [effects] if isinstance(effects, str) else effects
        uses = [j for j, e in enumerate(effects or []) if isinstance(e, str) and _USE.search(e)]
        if not uses:
            out.append(sig)
            continue
        where = ("signals", i, "effects", uses[0])
        actor = sig.get("actor")
        actor = actor[0] if isinstance(actor, list) and len(actor) == 1 else actor
        distance = _distance(sig, actor, position)
        if taken:
            problems.append((where, f"'{WORD}' is the signal's distance here, and a variable too: rename the variable"))
        elif not isinstance(actor, str):
            problems.append(
                (where, f"'{WORD}' needs a signal sent by one actor (write one signal per actor, or use a variable)")
            )
        elif distance is None:
            problems.append((where, f"'{WORD}' needs the signal's max_rung: or min_rung: (a rung id of the ladder)"))
        else:
            effects = [_USE.sub(f"({distance})", e) if j in uses else e for j, e in enumerate(effects or [])]
            sig = {**sig, "effects": effects}
        out.append(sig)
    return out, problems


def _distance(sig: dict, actor, position: dict) -> str | None:
    """The expression of the distance, or None when the signal gives no known bound."""
    parts = []
    top, bottom = position.get(sig.get("max_rung")), position.get(sig.get("min_rung"))
    if top is not None:
        parts.append(f"max(0, {actor}.last_rung - {top})")
    if bottom is not None:
        parts.append(f"max(0, {bottom} - {actor}.last_rung)")
    return " + ".join(parts) if parts else None
