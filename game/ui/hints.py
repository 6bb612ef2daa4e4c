"""Guided hints (``scenario.hints``): which hints are due, what part of the board each is
about, and which one the board shows now (no pygame here).

A hint is due from its moment on: its turn, or earlier for ``on: chance`` (the first chance
result the student's news shows: an accident, a random event, a red line's answer) and
``on: signal`` (the first signal); an ``on: debrief`` hint shows on the debrief. Due hints
queue in file order: the board shows the first one the seat's player has not dismissed
("Got it", Esc or H), so a short game still shows every hint.
The "Guided hints" setting turns them off (H still shows this turn's hint on demand).
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


def due_turn(hint, events: list[dict]) -> int:
    """The board turn from which ``hint`` shows: its turn, or the first turn whose news (the
    events of earlier turns) holds its moment, whichever comes first."""
    if hint.on == "chance":  # what the student's news shows with its odds (AI choices show to the instructor)
        moment = [e["turn"] + 1 for e in events if "draw" in e and e.get("kind") != "decision"]
    elif hint.on == "signal":
        moment = [e["turn"] + 1 for e in events if e.get("kind") == "signal"]
    else:
        moment = []
    return min([hint.turn, *moment])


def due(scenario, events: list[dict], turn: int) -> list:
    """The board's hints whose moment has come by ``turn``, in file order."""
    return [h for h in getattr(scenario, "hints", ()) if h.on != "debrief" and due_turn(h, events) <= turn]


def debrief_hint(scenario):
    """The hint the debrief shows (``on: debrief``), or None."""
    return next((h for h in getattr(scenario, "hints", ()) if h.on == "debrief"), None)


def hint_target(hint) -> str | None:
    """The part of the board a hint talks about: ladder, decisions, news, signals, indicators or None."""
    for text in (hint.title, hint.text):
        low = text.lower()
        found = [(low.find(word), part) for word, part in TARGET_WORDS if word in low]
        if found:
            return min(found)[1]
    return None


class HintState:
    """Which hints each seat dismissed, and the one it asked to see again (H)."""

    def __init__(self):
        self.dismissed: set[tuple[str, str | None]] = set()  # (hint title, seat)
        self.forced: dict[str | None, str] = {}  # seat -> title of the hint H brought back

    def current(self, scenario, events: list[dict], turn: int, seat: str | None, enabled: bool):
        """The hint the board shows now for ``seat``, or None."""
        hints = due(scenario, events, turn)
        forced = self.forced.get(seat)
        if forced is not None:
            return next((h for h in hints if h.title == forced), None)
        if not enabled:
            return None
        return next((h for h in hints if (h.title, seat) not in self.dismissed), None)

    def dismiss(self, hint, seat: str | None) -> None:
        if hint is None:
            return
        self.dismissed.add((hint.title, seat))
        self.forced.pop(seat, None)

    def toggle(self, scenario, events: list[dict], turn: int, seat: str | None, enabled: bool) -> bool | None:
        """H: hide the hint if one shows, else bring back this turn's first (or the latest due
        one); returns whether one shows now (None: no hint is due yet)."""
        shown = self.current(scenario, events, turn, seat, enabled)
        if shown is not None:
            self.dismiss(shown, seat)
            return False
        hints = due(scenario, events, turn)
        if not hints:
            return None
        this_turn = [h for h in hints if due_turn(h, events) == turn]
        self.forced[seat] = (this_turn[0] if this_turn else hints[-1]).title
        return True
