"""The board's presenter: the game as the board shows it (whose options, which indicators) and the
student's selection (the action instance and the signal), without widgets or pygame."""

from __future__ import annotations

import re

import attrs

from game.model import CATEGORIES
from game.ui.match import Match, TurnPlan

ACRONYMS = {"us", "usa", "uk", "eu", "nato", "un", "ussr", "npp", "irbm", "icbm", "isr"}


def indicator_label(var_id: str, scenario) -> str:
    """A short label for a variable: its author's ``label``, else made from its id ('Russia:
    resolve', 'US admin', 'Tension')."""
    own = next((v.label for v in scenario.variables if v.id == var_id and v.label), "")
    if own:
        return own

    def words(text: str) -> str:
        out = [w.upper() if w.lower() in ACRONYMS else w for w in text.replace("_", " ").split()]
        label = " ".join(out)
        return label[:1].upper() + label[1:]

    if "." in var_id:
        aid, _, rest = var_id.partition(".")
        try:
            return f"{scenario.actor(aid).name}: {rest.replace('_', ' ')}"
        except StopIteration:
            return words(var_id)
    return words(var_id)


NOT_NOW = "not now: needs "  # the engine's reason for an action whose condition does not hold yet
_COMPARISON = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(>=|<=|==|>|<)\s*(-?\d+(?:\.\d+)?)\s*$")
_MUST = {">=": "must reach", ">": "must be above", "<=": "must be at most", "<": "must be below", "==": "must be"}
_TURN = {">=": "from turn", ">": "after turn", "<=": "until turn", "<": "before turn", "==": "on turn"}
_COUNT = re.compile(r"^\s*(?:count|taken)\('([\w.]+)'\)\s*(==|>=|>)\s*(0|1)\s*$")


def _num(x: float) -> str:
    return f"{round(x, 2):g}"


def plain_reason(reason: str, scenario, value) -> str:
    """The engine's "not now: needs <condition>" in a student's words: the author's ``requires`` text
    as it is ("Not yet: only when the quarantine is in force"), a condition made of comparisons with
    where the game stands ("Not yet: tension must reach 0.4 (now 0.2)"); anything else unchanged
    but for its first words. ``value(var_id)`` reads the game's current value."""
    if not reason.startswith(NOT_NOW):
        return reason
    condition = reason[len(NOT_NOW) :]
    action = next((a for a in scenario.actions if a.requires and a.requires == condition), None)
    if action is not None:
        lead = "only " if condition.split(" ", 1)[0] in ("after", "before", "once", "until") else "only when "
        return f"Not yet: {lead}{condition}"
    parts = []
    for term in condition.split(" and "):
        counted = _COUNT.match(term)
        if counted is not None:  # "count('defcon2') == 0": not after that action; "> 0": after it
            name = next((a.name for a in scenario.actions if a.id == counted.group(1)), counted.group(1))
            never = counted.group(2) == "==" and counted.group(3) == "0"
            parts.append(f"{'not ' if never else ''}after \u2018{name}\u2019")
            continue
        m = _COMPARISON.match(term)
        if m is None:
            return f"Not yet: needs {condition}"
        var, op, bound = m.group(1), m.group(2), float(m.group(3))
        if var == "turn":
            parts.append(f"{_TURN[op]} {_num(bound)}")
            continue
        try:
            now = float(value(var))
        except (KeyError, ValueError, IndexError):
            return f"Not yet: needs {condition}"
        label = indicator_label(var, scenario).lower()
        flag = next((v for v in scenario.variables if v.id == var and tuple(v.range) == (0.0, 1.0)), None)
        if flag is not None and op == "==" and bound in (0.0, 1.0):  # a yes/no variable
            parts.append(f"needs {label}" if bound else f"needs no {label}")
            continue
        parts.append(f"{label} {_MUST[op]} {_num(bound)} (now {_num(now)})")
    lead = "Not now" if any(part.startswith("not after") for part in parts) else "Not yet"
    return f"{lead}: " + ", and ".join(parts)


class BoardPresenter:
    """What the board shows of a match, and what the student has selected this turn."""

    def __init__(self, match: Match):
        self.match = match
        self.watch = match.watching and not match.ai_seats
        self.selected: int | None = None
        self.signal: int | None = None
        self._options_key: tuple | None = None
        self._options: list = []

    @property
    def seat(self) -> str | None:
        return self.match.viewpoint

    @property
    def deciding(self) -> bool:
        """A student seat has a decision to make now (not watching, not over)."""
        return not self.watch and not self.match.session.done and self.seat is not None

    # ------------------------------------------------------------ options
    def options(self) -> list:
        """Every option of the seat now, legal or not (cached for the turn)."""
        if self.seat is None or self.match.session.done:
            return []
        sess = self.match.session
        key = (self.seat, len(sess.events), sess.turn, id(sess))
        if self._options_key != key:
            self._options_key = key
            self._options = self._plain(sess.options(self.seat))
        return self._options

    def _plain(self, options: list) -> list:
        """The options with their reasons in a student's words (``plain_reason``)."""
        sess = self.match.session
        return [
            o if o.legal else attrs.evolve(o, reason=plain_reason(o.reason, self.match.scenario, sess.value))
            for o in options
        ]

    def know_options(self, options: dict[str, list]) -> None:
        """Options of the current session computed elsewhere (the worker thread, with the turn)."""
        seat = self.seat
        if seat in options:
            sess = self.match.session
            self._options_key = (seat, len(sess.events), sess.turn, id(sess))
            self._options = self._plain(options[seat])

    def legal_options(self) -> list:
        return [o for o in self.options() if o.legal]

    def signal_options(self) -> list:
        if self.seat is None or self.match.session.done:
            return []
        return [s for s in self.match.session.signal_options(self.seat) if s.legal]

    def selected_option(self):
        return next((o for o in self.options() if o.instance == self.selected), None)

    def action_groups(self) -> list[tuple[str, str, list, list]]:
        """[(category, action id, [legal options], [illegal options])] in display order."""
        groups: dict[str, tuple[list, list]] = {}
        order: list[str] = []
        for o in self.options():
            if o.action not in groups:
                groups[o.action] = ([], [])
                order.append(o.action)
            groups[o.action][0 if o.legal else 1].append(o)
        out = []
        for cat in CATEGORIES:
            for a in order:
                legal, illegal = groups[a]
                first = (legal or illegal)[0]
                if first.category == cat:
                    out.append((cat, a, legal, illegal))
        return out

    # ------------------------------------------------------------ selection
    def default_selection(self) -> None:
        """Keep a selection that is still legal; else "hold" (or the first legal option)."""
        legal = self.legal_options()
        if self.selected not in [o.instance for o in legal]:
            wait = next((o for o in legal if o.category == "status_quo"), legal[0] if legal else None)
            self.selected = wait.instance if wait else None
        if self.signal not in [s.index for s in self.signal_options()]:
            self.signal = None

    def select(self, instance: int) -> None:
        self.selected = instance

    def select_action(self, action: str) -> None:
        """An action's row: its first legal instance, unless one of its instances is selected; none
        when it has no legal instance now (a row of the turn before, clicked as the turn changed:
        the monkey, seed 502)."""
        current = self.selected_option()
        if current is None or current.action != action:
            first = next((o.instance for o in self.legal_options() if o.action == action), None)
            if first is not None:
                self.selected = first

    def step_selection(self, stops: list[int], d: int) -> None:
        """Up / Down: the previous or next selectable row."""
        if not stops:
            return
        i = stops.index(self.selected) if self.selected in stops else 0
        self.selected = stops[(i + d) % len(stops)]

    def cycle_signal(self, d: int) -> bool:
        """Left / Right: the previous or next signal (None: say nothing); False when there is none."""
        opts = [None] + [s.index for s in self.signal_options()]
        if len(opts) == 1:
            return False
        i = opts.index(self.signal) if self.signal in opts else 0
        self.signal = opts[(i + d) % len(opts)]
        return True

    def take_choice(self) -> TurnPlan | None:
        """The seat's choice recorded; the turn to play once every seat has chosen (None before)."""
        seat, selected = self.seat, self.selected
        if seat is None or selected is None:
            return None
        plan = self.match.take_choice(seat, selected, self.signal)
        self.selected, self.signal = None, None
        return plan

    # ------------------------------------------------------------ indicators
    def indicators(self) -> list[tuple[str, float, float, float, str]]:
        """(label, value, lo, hi, says) for the variables shown as bars (stocks are in the decision panel)."""
        scn = self.match.scenario
        s = self.match.session
        return [
            (indicator_label(v.id, scn), s.value(v.id), v.range[0], v.range[1], v.says) for v in scn.variables if v.show
        ]
