"""Where a game left history: each turn's historical record beside what the game did."""

from __future__ import annotations


def history_comparison(rules, events: list[dict]) -> list[dict]:
    """Per turn with a historical record: what happened then, and whether each actor's
    action in this game matched it (where the scenario names the historical action)."""
    taken: dict[tuple[int, str], list[str]] = {}
    for ev in events:
        if ev["kind"] == "action":
            taken.setdefault((ev["turn"], ev["actor"]), []).append(ev["action"])
    out = []
    last_turn = max((ev["turn"] for ev in events), default=0)
    for h in rules.scenario.history:
        if h.turn > last_turn:
            break
        matches = {actor: action in taken.get((h.turn, actor), []) for actor, action in h.actions.items()}
        out.append(
            {
                "turn": h.turn,
                "date": rules.date_of(h.turn).isoformat(),
                "text": h.text,
                "historical_actions": dict(h.actions),
                "game_actions": {a: taken.get((h.turn, a), []) for a in h.actions},
                "matches": matches,
                "claims": list(h.claims),
            }
        )
    return out
