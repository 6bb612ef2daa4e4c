"""The debrief's strategy panel: "Against these doctrines, this strategy reached X in Y% of
games; yours in Z%". The search (``game.runners.explore.compare``) runs on the worker thread
when the debrief opens, under a time budget; the panel says it is searching until then. Leaving
the debrief stops the search (the worker has one thread: a new game's turns would wait behind
it), and a finished result is kept for the same game, so the debrief opens again at once."""

from __future__ import annotations

import threading
from collections import OrderedDict

import pygame

from game.runners.explore import Comparison, compare
from game.ui import charts, theme
from game.ui.debrief_data import REPLAYS, seat_script, seat_signals
from game.ui.tooltip import wrap

BUDGET = 5.0  # seconds of search: the whole panel in under 10 s on a laptop (bench/bench_explore.py)
GAMES = REPLAYS  # the bars' very games: "yours" and the AI's figures are theirs, never 13% beside 14%
ROWS = 4  # lines of text the card shows
TITLE = "Yours beside the best reply found to these doctrines (not advice)"
_KEPT: OrderedDict[tuple, Comparison | str] = OrderedDict()  # finished results of recent games


def _fit(f: pygame.font.Font, text: str, width: int) -> str:
    """``text`` cut to ``width`` pixels, with an ellipsis where it was cut."""
    if f.size(text)[0] <= width:
        return text
    while text and f.size(text + "\u2026")[0] > width:
        text = text[:-1]
    return text.rstrip() + "\u2026"


def comparison_for(
    match, seat: str, budget: float = BUDGET, games: int = GAMES, stop: threading.Event | None = None
) -> Comparison | str:
    """The panel's figures for the student's ``seat`` (a one-line reason when they cannot be
    had); ``stop`` set ends the search early (that result is not kept)."""
    sess = match.session
    script, signals = seat_script(sess, seat), seat_signals(sess, seat)
    sets = tuple(sorted(match.sets.items()))
    key = (hash(match.loaded.source), sets, sess.seed, seat, tuple(sorted(script.items())), games)
    if key in _KEPT:
        return _KEPT[key]
    halt = stop or threading.Event()
    try:
        result: Comparison | str = compare(
            match.loaded,
            seat,
            script,
            signals,
            seed=sess.seed * 7919 + 1,  # the debrief's replays' seed
            games=games,
            budget=budget,
            stop=halt.is_set,
        )
    except (ValueError, MemoryError) as exc:
        result = f"The search could not run: {exc}"
    if not halt.is_set():
        _KEPT[key] = result
        while len(_KEPT) > 8:
            _KEPT.popitem(last=False)
    return result


class ExplorePanel:
    """Started when the debrief opens; draws its card every frame."""

    def __init__(self, app, match, seat: str):
        self.app = app
        self.seat = seat
        self.seat_name = match.scenario.actor(seat).name
        self.result: Comparison | str | None = None
        self.stop = threading.Event()
        app.work.submit("", comparison_for, match, seat, BUDGET, GAMES, self.stop, on_done=self._done)

    def close(self) -> None:
        """The debrief is left: end the search (its result, shown nowhere, is dropped)."""
        self.stop.set()

    def _done(self, result: Comparison | str) -> None:
        self.result = result

    def lines(self) -> list[tuple[str, tuple]]:
        """The card's text, each with its colour."""
        r = self.result
        if r is None:
            return [("Searching for the best strategy against these doctrines\u2026", theme.TEXT_DIM)]
        if isinstance(r, str):
            return [(r, theme.TEXT_DIM)]
        pct = lambda rate: f"{100 * rate.share:.0f}%"  # noqa: E731 - three uses on one line
        return [
            (
                f"Against these doctrines, this strategy reached \u2018{r.outcome_name}\u2019 in "
                f"{pct(r.best.rate)} of games; yours in {pct(r.yours)} (the AI as {self.seat_name}: "
                f"{pct(r.doctrine)}; {r.yours.n:,} games each).",
                theme.TEXT,
            ),
            (r.best.words, theme.ACCENT),
            (f"\u2018{r.outcome_name}\u2019 is {r.why}.", theme.TEXT_FAINT),
        ]

    @staticmethod
    def height(px: int) -> int:
        """The card's height for body text of ``px`` pixels: its title and ``ROWS`` lines."""
        return theme.font(round(px * 1.0), "bold").get_linesize() + ROWS * theme.font(px).get_linesize() + 26

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, fs: float) -> None:
        inner = charts.frame(surface, rect, TITLE, fs)
        f = theme.font(round(12 * fs))
        rows: list[tuple[str, tuple]] = []
        for i, (text, colour) in enumerate(self.lines()):
            lines = wrap(f, text, inner.w)
            if i and len(lines) > 1:  # the strategy and the reason: one line each, cut with an ellipsis
                lines = [_fit(f, text, inner.w)]
            rows += [(line, colour) for line in lines]
        y = inner.top
        for line, colour in rows[:ROWS]:
            surface.blit(theme.render(f, line, colour), (inner.left, y))
            y += f.get_linesize()

    def state(self) -> dict:
        r = self.result
        if not isinstance(r, Comparison):
            return {"pending": r is None, "error": r if isinstance(r, str) else None}
        return {
            "outcome": r.outcome,
            "best": r.best.rate.share,
            "yours": r.yours.share,
            "doctrine": r.doctrine.share,
            "strategy": r.best.words,
            "text": self.lines()[0][0],
        }
