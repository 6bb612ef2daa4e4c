"""Guided hints (``scenario.hints``): which hint a turn has, what part of the board it is
about, and whether the board shows it now (no pygame here).

A hint shows on its turn for the seat being played, until the player dismisses it
("Got it", Esc or H); H shows it again. The "Guided hints" setting turns them off
(H still shows the current turn's hint on demand).
"""

from __future__ import annotations

# Board parts a hint can point at, found by the words a hint uses for them: the title is
# searched first, then the text, and the earliest mention wins.
TARGET_WORDS = (
    ("ladder", "ladder"),
    ("decision panel", "decisions"),
    ("news", "news"),
    ("signal", "signals"),
    ("indicator", "indicators"),
)


def hint_for(scenario, turn: int):
    """The scenario's hint for ``turn`` (the first if several), or None."""
    return next((h for h in getattr(scenario, "hints", ()) if h.turn == turn), None)


def hint_target(hint) -> str | None:
    """The part of the board a hint talks about: ladder, decisions, news, signals, indicators or None."""
    for text in (hint.title, hint.text):
        low = text.lower()
        found = [(low.find(word), part) for word, part in TARGET_WORDS if word in low]
        if found:
            return min(found)[1]
    return None


class HintState:
    """Which hints were dismissed or asked for again, per (turn, seat)."""

    def __init__(self):
        self.dismissed: set[tuple[int, str | None]] = set()
        self.forced: set[tuple[int, str | None]] = set()

    def visible(self, scenario, turn: int, seat: str | None, enabled: bool) -> bool:
        if hint_for(scenario, turn) is None:
            return False
        key = (turn, seat)
        if key in self.forced:
            return True
        return enabled and key not in self.dismissed

    def dismiss(self, turn: int, seat: str | None) -> None:
        self.dismissed.add((turn, seat))
        self.forced.discard((turn, seat))

    def show(self, turn: int, seat: str | None) -> None:
        self.forced.add((turn, seat))
        self.dismissed.discard((turn, seat))

    def toggle(self, scenario, turn: int, seat: str | None, enabled: bool) -> bool:
        """H: hide the hint if it shows, else show it; returns whether it shows now."""
        if hint_for(scenario, turn) is None:
            return False
        if self.visible(scenario, turn, seat, enabled):
            self.dismiss(turn, seat)
            return False
        self.show(turn, seat)
        return True
