"""Guided hints (``scenario.hints``): which hints are due, what part of the board each is
about, and which one the board shows now (no pygame here).

A hint is due from its moment on: its turn, or earlier for ``on: chance`` (the first chance
result the student's news shows: an accident, a random event, a red line's answer) and
``on: signal`` (the first signal); an ``on: debrief`` hint shows on the debrief. Due hints
queue in file order: the board shows the first one the seat's player has not dismissed
("Got it" or Esc; with more queued they read "Next"; ending the turn with a hint on view), so a
short game still shows every hint.
H hides the hints for the rest of the turn (the queue waits) and brings them back.
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
        self.hidden_turn: dict[str | None, int] = {}  # seat -> the turn H hid the hints for

    def current(self, scenario, events: list[dict], turn: int, seat: str | None, enabled: bool):
        """The hint the board shows now for ``seat``, or None."""
        hints = due(scenario, events, turn)
        forced = self.forced.get(seat)
        if forced is not None:
            return next((h for h in hints if h.title == forced), None)
        if not enabled or self.hidden_turn.get(seat) == turn:
            return None
        return next((h for h in hints if (h.title, seat) not in self.dismissed), None)

    def waiting(self, scenario, events: list[dict], turn: int, seat: str | None, enabled: bool) -> int:
        """How many due hints wait behind the one shown (Esc or "Got it" shows the next)."""
        shown = self.current(scenario, events, turn, seat, enabled)
        if shown is None or seat in self.forced or not enabled:
            return 0
        hints = due(scenario, events, turn)
        return sum(1 for h in hints if h is not shown and (h.title, seat) not in self.dismissed)

    def turn_ended(self, scenario, events: list[dict], turn: int, seat: str | None, enabled: bool) -> None:
        """The seat ended its turn with a hint on view: it counts as read, so the next turn shows the
        next one (students who never pressed "Got it" saw the first hint all game and none of the
        others). A hint hidden with H was not on view: it waits."""
        self.dismiss(self.current(scenario, events, turn, seat, enabled), seat)

    def dismiss(self, hint, seat: str | None) -> None:
        if hint is None:
            return
        self.dismissed.add((hint.title, seat))
        self.forced.pop(seat, None)

    def toggle(self, scenario, events: list[dict], turn: int, seat: str | None, enabled: bool) -> bool | None:
        """H: hide the hints for this turn if one shows (the queue waits for the next turn), else
        bring them back, or this turn's first (or the latest due one); returns whether one shows
        now (None: no hint is due yet)."""
        shown = self.current(scenario, events, turn, seat, enabled)
        if shown is not None:
            self.forced.pop(seat, None)
            self.hidden_turn[seat] = turn
            return False
        if self.hidden_turn.pop(seat, None) == turn and self.current(scenario, events, turn, seat, enabled):
            return True
        hints = due(scenario, events, turn)
        if not hints:
            return None
        this_turn = [h for h in hints if due_turn(h, events) == turn]
        self.forced[seat] = (this_turn[0] if this_turn else hints[-1]).title
        return True
