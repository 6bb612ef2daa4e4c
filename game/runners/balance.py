"""Balance problems that only show when a scenario is played many times.

``balance_warnings`` reads a tally (or the summary ``simulate --json`` prints) and
lists what an instructor would want to know before a class plays the scenario:
actions nobody ever takes, red lines that never or always trip, outcomes never
reached or reached almost always, games that mostly run out the clock, and
probabilities that expressions pushed outside [0, 1] at run time.

Used by ``lint FILE --games N`` and by the balance section of a sweep's report.
"""

from __future__ import annotations

from game.runners.tally import Tally, summarize

DOMINANT = 0.95  # an outcome above this share of games is flagged
TURN_LIMIT = 0.5  # more than this share of games ending at the turn limit is flagged


def _pct(x: float) -> str:
    return f"{x * 100:.1f}%" if x == 0 or x >= 0.001 else f"{x * 100:.2g}%"


def turn_limit_share(t: Tally, rules) -> float:
    """Share of games that ended because the turn limit was reached."""
    n = max(t.games, 1)
    T = rules.scenario.calendar.turns
    at_limit = int(t.turns[T]) if len(t.turns) > T else 0
    spec = rules.scenario.outcomes[rules.at_end]
    if str(spec.when).strip() in ("", "0", "false", "False"):
        # the at-end outcome can only be reached at the limit: its count is exact
        at_limit = min(at_limit, int(t.outcomes[rules.at_end]))
    return at_limit / n


def balance_warnings(summary_or_tally: dict | Tally, rules) -> list[str]:
    """One sentence per balance problem, in a stable order (empty when none).

    Accepts a ``Tally`` or a summary dict from ``summarize`` (as ``simulate --json``
    prints it; a ``turn_limit_share`` key, as a sweep's points carry, is used when present).
    """
    if isinstance(summary_or_tally, Tally):
        s = summarize(summary_or_tally, rules, 0)
        s["turn_limit_share"] = turn_limit_share(summary_or_tally, rules)
        action_counts = [int(c) for c in summary_or_tally.actions]
    else:
        s = summary_or_tally
        action_counts = [int(s.get("actions", {}).get(a.spec.id, 0)) for a in rules.actions]
    scn = rules.scenario
    games = int(s.get("games", 0))
    if games <= 0:
        return ["no games were played"]
    of = f"in {games:,} games"
    out: list[str] = []
    for a, c in zip(rules.actions, action_counts):
        if c == 0:
            out.append(f"action '{a.spec.id}' ({a.spec.name}) was never chosen {of}")
    for r in scn.red_lines:
        rate = s["red_lines"].get(r.id, {}).get("trip_rate", 0.0)
        if rate == 0:
            out.append(f"red line '{r.id}' ({r.owner}: {r.name}) never tripped {of}")
        elif rate >= 1:
            out.append(f"red line '{r.id}' ({r.owner}: {r.name}) tripped in every game")
    for o in scn.outcomes:
        share = s["outcomes"].get(o.id, 0.0)
        if share == 0:
            out.append(f"outcome '{o.id}' ({o.name}) was never reached {of}")
        elif share > DOMINANT:
            out.append(f"outcome '{o.id}' ({o.name}) ends {_pct(share)} of games (above {DOMINANT:.0%})")
    T = scn.calendar.turns
    limit = s.get("turn_limit_share")
    if limit is not None:
        if limit > TURN_LIMIT:
            out.append(f"{_pct(limit)} of games ran to the turn limit (turn {T}) without another outcome")
    elif s.get("turns", {}).get("p50") == T:
        out.append(f"more than half of the games lasted to the turn limit (turn {T})")
    clipped = float(s.get("clipped_games", 0.0))
    if clipped > 0:
        out.append(
            f"a probability expression gave a value outside [0, 1] in {_pct(clipped)} of games "
            "(clipped at run time; check the p: expressions)"
        )
    return out
