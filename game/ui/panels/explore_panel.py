"""The debrief's strategy panel: "Against these doctrines, this strategy reached X in Y% of
games; yours in Z%". The search (``game.runners.explore.compare``) runs on the worker thread
when the debrief opens, under a time budget; the panel says it is searching until then."""

from __future__ import annotations

import pygame

from game.runners.explore import Comparison, compare
from game.ui import charts, theme
from game.ui.debrief_data import seat_script, seat_signals
from game.ui.tooltip import wrap

BUDGET = 5.0  # seconds of search: the whole panel in under 10 s on a laptop (bench/bench_explore.py)
GAMES = 2000
LIMITS = "The best reply found to these models of the actors, not advice."


def comparison_for(match, seat: str, budget: float = BUDGET, games: int = GAMES) -> Comparison | str:
    """The panel's figures for the student's ``seat`` (a one-line reason when they cannot be had)."""
    sess = match.session
    try:
        return compare(
            match.loaded,
            seat,
            seat_script(sess, seat),
            seat_signals(sess, seat),
            seed=sess.seed * 7919 + 1,  # the debrief's replays' seed
            games=games,
            budget=budget,
        )
    except (ValueError, MemoryError) as exc:
        return f"The search could not run: {exc}"


class ExplorePanel:
    """Started when the debrief opens; draws its card every frame."""

    def __init__(self, app, match, seat: str):
        self.app = app
        self.seat = seat
        self.seat_name = match.scenario.actor(seat).name
        self.result: Comparison | str | None = None
        app.work.submit("", comparison_for, match, seat, on_done=self._done)

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
            (LIMITS, theme.TEXT_FAINT),
        ]

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, fs: float) -> None:
        inner = charts.frame(surface, rect, "Yours beside the best reply found to these doctrines (not advice)", fs)
        f = theme.font(round(12 * fs))
        y = inner.top
        for text, colour in self.lines():
            for line in wrap(f, text, inner.w):
                if y + f.get_linesize() > rect.bottom - 4:
                    return
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
