"""The debrief: the outcome and its text, the escalation trajectory, how it happened (the
causal chain from the student's decisions to the outcome), the student's decisions replayed
1,000 times against the AI in the same seat, what happened historically, and an export of
the game log as JSON (the structure of ``main.py replay --json``).

It opens at once: the replays run on the worker thread in steps (``ReplayRun``) and the bars
show the figures so far, with a progress bar and the count, from the first hundred games on."""

from __future__ import annotations

import datetime as dt
import html
import json
import time
from collections.abc import Iterator

import pygame
import pygame_gui
from pygame_gui.elements import UIButton

from game.engine import words
from game.files import atomic_write
from game.ui import charts, news_view, saves, theme
from game.ui.debrief_data import ReplayRun, Replays, causal_chain, game_log
from game.ui.hints import debrief_hint
from game.ui.ladder_view import LadderView
from game.ui.panels.explore_panel import ROWS, TITLE, ExplorePanel
from game.ui.screens.base import SCROLL_KEYS, Screen, oid
from game.ui.text_card import TextCard
from game.ui.tooltip import draw_tooltip, wrap
from game.ui.widgets import Label

KIND_LABEL = {
    "decision": "decides",
    "action": "acts",
    "red_line": "red line",
    "threshold": "threshold",
    "fog": "accident",
    "outcome": "outcome",
    "event": "news",
    "signal": "says",
    "illegal": "blocked",
}
SCORE_MEANS = (
    "every side's actions added up by kind, as Rivera et al. 2024 weigh them: talks count below zero, "
    "posturing a little, violence and nuclear use most; higher = a more escalatory game"
)
"""What the escalation score measures, in words: beside it in the scores and on the summary line's tooltip."""
CHART_MIN_H = 130  # the least height (before scaling) the rung chart and the bars are drawn in
STEP_BUDGET = 0.006  # seconds of building a frame while the debrief opens (as the board's panels)
LEAVE_GRACE = 0.6
"""Seconds after the debrief opens in which Enter does not leave it: a double press on "See the
debrief (Enter)" showed the debrief for a frame and went on to the title (under Xvfb, 120 ms apart)."""


def logs_dir():
    return saves.saves_dir().parent / "logs"


class DebriefScreen(Screen):
    name = "debrief"

    def __init__(self, app, match, replays: Replays | None = None):
        super().__init__(app)
        self.match = match
        self._opened_at = time.monotonic()
        seats = match.seats or match.ai_seats
        self.seats = tuple(seats)
        # the replays on the worker thread, before the strategy search (one thread: first come first)
        self.replay_run: ReplayRun | None = None
        self._given = replays
        if replays is None:
            self.replay_run = ReplayRun(match.session, self.seats)
            app.work.submit("", self.replay_run.run)
        self.tips: list[charts.Tip] = []  # the texts drawn cut (last frame), for hover and keyboard focus
        self.summary_tip: charts.Tip | None = None  # what the escalation score on the summary line means
        self.colours = theme.actor_colours(match.scenario, app.settings.palette)
        self.ladder = LadderView(match.scenario, self.colours)
        # the best strategy found against these doctrines beside the student's (worker thread)
        self.explore = ExplorePanel(app, match, self.seats[0]) if self.seats else None

    def build(self) -> None:
        """The layout at once; the widgets and the texts in ``update``, a few at a time under
        ``STEP_BUDGET`` a frame (built in one frame they took 200 ms), each text card showing a
        placeholder until it is laid out."""
        self.new_root(layer=5)
        s = self.app.s
        w, h = self.app.size
        out = self.match.session.outcome
        pad = s(28)
        top = s(104)
        bottom = h - s(70)
        left_w = int((w - 2 * pad) * 0.56)
        right_x = pad + left_w + s(18)
        right_w = w - pad - right_x
        body_px = self.app.font_px(15)
        body_font = theme.font(body_px)
        n_lines = len(wrap(body_font, out.text if out else "", left_w - s(30)))
        line_h = round(body_font.get_linesize() * 1.25)
        text_h = min(int((bottom - top) * 0.3), n_lines * line_h + s(26))
        # the strategy card (when there is a seat) at the bottom: the chart and the bars share the rest.
        # They need room to be read (at 960x600 the chart was left out and the bars overlapped): where
        # they would get less, the outcome's text gives up lines (it scrolls), then the strategy card
        # moves to the right column, under the history.
        explore_h = 0 if self.explore is None else self.explore.height(self.app.font_px(12)) + s(10)
        need = 2 * s(CHART_MIN_H) + s(12)
        short = need - (bottom - top - text_h - s(12) - explore_h)
        if short > 0:
            text_h = max(min(text_h, 2 * line_h + s(26)), text_h - short)
        explore_right = explore_h > 0 and bottom - top - text_h - s(12) - explore_h < need
        left_explore_h = 0 if explore_right else explore_h
        rest = bottom - top - text_h - s(12) - left_explore_h
        self.outcome_card = TextCard(
            html.escape(out.text if out else ""), pygame.Rect(pad, top, left_w, text_h), body_px, s(12)
        )
        self.chart_rect = pygame.Rect(pad, top + text_h + s(12), left_w, int(rest * 0.5) - s(6))
        self.bars_rect = pygame.Rect(
            pad, self.chart_rect.bottom + s(12), left_w, bottom - left_explore_h - self.chart_rect.bottom - s(12)
        )
        if explore_right:
            self.explore_rect = pygame.Rect(right_x, bottom - explore_h + s(10), right_w, explore_h - s(10))
        else:
            self.explore_rect = pygame.Rect(pad, bottom - explore_h + s(10), left_w, explore_h - s(10))
        # the history comparison in its own box under the chain, so both show without scrolling
        px = self.app.font_px(13)
        history = self.history_html()
        column_bottom = bottom - (explore_h if explore_right else 0)
        story_h = column_bottom - top if not history else int((column_bottom - top) * 0.58)
        self.story = TextCard(self.story_html(), pygame.Rect(right_x, top, right_w, story_h), px, s(12))
        self.history_box = None
        if history:
            self.history_box = TextCard(
                history,
                pygame.Rect(right_x, top + story_h + s(10), right_w, column_bottom - top - story_h - s(10)),
                px,
                s(12),
            )
        self.export_btn: UIButton | None = None
        self.board_btn: UIButton | None = None
        self.again_btn: UIButton | None = None
        self.title_btn: UIButton | None = None
        self._steps = self._build_steps(pad)
        self._building = True
        self._first_frame = True  # the frame that opened the debrief draws it and builds nothing

    def _build_steps(self, pad: int) -> Iterator[None]:
        """The widgets, then the texts line by line (the story first: it is read first)."""
        m, s, root = self.app.manager, self.app.s, self.root
        w, h = self.app.size
        out = self.match.session.outcome
        Label(pygame.Rect(pad, s(14), w // 2, s(20)), "DEBRIEF", m, container=root, object_id=oid("@heading"))
        Label(
            pygame.Rect(pad, s(32), w - 2 * pad, s(48)),
            out.name if out else "The game is not over",
            m,
            container=root,
            object_id=oid("@title"),
        )
        yield
        room = w - 2 * pad - s(8)
        summary = Label(pygame.Rect(pad, s(76), w - 2 * pad, s(22)), "", m, container=root, object_id=oid("@dim"))
        line = self.summary_line(room, summary.font)
        shown = summary.set_text_cut(line, room)
        # a label takes no tool tip (pygame_gui 0.6): the line in full, when cut, and the score's
        # meaning are a tip over the line's text
        width = summary.font.size(shown)[0] if summary.font is not None else summary.rect.w
        self.summary_tip = charts.Tip(
            pygame.Rect(summary.rect.left, summary.rect.top, min(width, summary.rect.w), summary.rect.h),
            (f"{line}. " if shown != line else "") + f"Escalation score: {SCORE_MEANS}.",
        )
        yield
        export = "Export game log (JSON)"
        bw = max(s(230), theme.font(self.app.font_px(15), "bold").size(export)[0] + s(24))
        by = h - s(56)
        self.board_btn = UIButton(
            pygame.Rect(pad, by, s(190), s(42)), "Back to the map (Esc)", m, container=root, object_id=oid("@tool")
        )
        self.again_btn = UIButton(
            pygame.Rect(pad + s(200), by, s(190), s(42)),
            "Play again (new seed)",
            m,
            container=root,
            object_id=oid("@tool"),
        )
        yield
        self.title_btn = UIButton(
            pygame.Rect(pad + s(400), by, s(190), s(42)),
            "Title screen (Enter)",
            m,
            container=root,
            object_id=oid("@tool"),
        )
        self.export_btn = UIButton(
            pygame.Rect(w - pad - bw, by, bw, s(42)),
            export,
            m,
            container=root,
            object_id=oid("@primary"),
            tool_tip_text="The same structure as 'python main.py replay --json', for the "
            "instructor; written to your Redline logs folder (E)",
        )
        yield
        for card in self.cards():
            yield from card.steps()
        self._building = False

    def cards(self) -> list[TextCard]:
        """The text cards, in the order they are laid out."""
        return [c for c in (self.outcome_card, self.story, self.history_box) if c is not None]

    @property
    def settling(self) -> bool:
        return self._building

    def update(self, dt: float) -> None:
        """Build until this frame's budget is spent."""
        if self._first_frame or self.paused:  # paused: widgets made now would show over the overlay
            self._first_frame = False
            return
        deadline = time.perf_counter() + STEP_BUDGET
        while self._building and time.perf_counter() < deadline:
            next(self._steps, None)

    def summary_line(self, width: int | None = None, font=None) -> str:
        """Scenario, seed, seats, length, highest rung, score; without the scenario's title when
        the line would be wider than ``width`` in ``font`` (default the 12 px text; large text)."""
        sess = self.match.session
        scn = self.match.scenario
        log = game_log(self.match)
        rung = scn.ladder.rungs[log["max_rung"] - 1].name if log["max_rung"] else "none"
        seats = ", ".join(scn.actor(a).name for a in self.seats) or "nobody (a replay)"
        line = (
            f"seed {sess.seed} \u00b7 played by {seats} \u00b7 {log['turns']} turns \u00b7 "
            f"highest rung: {rung} \u00b7 escalation score {log['escalation_score']:g} (higher = more escalatory)"
        )
        full = f"{scn.meta.title} \u00b7 {line}"
        if width is None or (font or theme.font(self.app.font_px(12))).size(full)[0] <= width:
            return full
        return line[0].upper() + line[1:]

    def story_html(self) -> str:
        scn = self.match.scenario
        sess = self.match.session
        px = self.app.font_px(13)
        parts = []
        hint = debrief_hint(scn)
        if hint is not None:
            parts.append(
                f"<font color='#e8b44c'><b>HINT \u00b7 {html.escape(hint.title.upper())}</b></font><br>"
                f"<font color='#d6dce4'>{html.escape(hint.text)}</font><br>"
            )
        parts += [
            "<font color='#e8b44c'><b>HOW IT HAPPENED</b></font><br>"
            "<font color='#8a96a4'>From your decisions to the outcome: each step with its cause and, for "
            "chance, its odds (a result 7% likely has a band of 7 of the 100 rolls, 0-99, and happens when the "
            "roll falls in it). <font color='#e8b44c'>\u2022</font> = on the recorded path to the outcome.</font>"
        ]
        chain = causal_chain(sess.events, self.seats)
        by_id = {e["id"]: e for e in sess.events}
        turn = None
        mine_on_path = any(e["mine"] and e["on_path"] for e in chain)
        for e in chain:
            if e["kind"] == "decision" and not e["mine"] and not e["on_path"]:
                continue
            cause = by_id.get(e["causes"][0]) if e.get("kind") == "action" and len(e.get("causes", [])) == 1 else None
            if (
                cause is not None
                and cause.get("kind") == "decision"
                and cause.get("actor") in self.seats
                and cause.get("action") == e.get("action")
                and not e["on_path"]
            ):
                continue  # "You: X" already says it
            if e["turn"] != turn:
                turn = e["turn"]
                parts.append(f"<br><b>Turn {turn}</b> <font color='#7d8896'>{news_view._date(e['date'])}</font>")
            mark = "<font color='#e8b44c'>\u2022</font>" if e["on_path"] else "<font color='#3d4856'>\u2022</font>"
            text = html.escape(e.get("text", ""))
            if e["mine"]:
                text = f"<b>You: {html.escape(e.get('action_name') or e.get('text', ''))}</b>"
                if e.get("target_name"):
                    text += f" <b>on {html.escape(e['target_name'])}</b>"
            elif e["kind"] == "red_line" and e.get("owner") in self.seats:
                text = html.escape(e.get("text", "")) + " <font color='#ff8a3d'>[your own side's line]</font>"
            elif e["kind"] == "red_line" and not e.get("declared", True):
                text = html.escape(e.get("text", "")) + " <font color='#cc79a7'>[a red line never declared]</font>"
            elif e["kind"] == "outcome":
                text = f"<font color='#e8b44c'><b>Outcome: {html.escape(e.get('name', ''))}</b></font>"
            parts.append(f"{mark} {text}")
        if self.seats and not mine_on_path:
            parts.append(
                "<br><font color='#9aa6b4'><i>None of your decisions is on the recorded path to this outcome: "
                "it came from the other sides, chance, or the turn limit. Compare the replays.</i></font>"
            )
        parts.extend(self.own_red_lines_html())
        parts.extend(self.scores_html())
        return f"<font pixel_size={px}>" + "<br>".join(parts) + "</font>"

    def own_red_lines_html(self) -> list[str]:
        """Each red line of the student's own side that fired: which, whose, why, what it did (its
        answer was the side's move, not the student's decision)."""
        scn = self.match.scenario
        events = self.match.session.events
        by_id = {e["id"]: e for e in events}
        fired = [e for e in events if e["kind"] == "red_line" and e.get("owner") in self.seats]
        if not fired:
            return []
        parts = [
            "<br><font color='#e8b44c'><b>YOUR OWN SIDE'S RED LINES</b></font>",
            "<font color='#9aa6b4'>Your government's red lines, declared or private, act by its doctrine: when "
            "one fires, its answer is drawn by chance and played for your side whatever you chose.</font>",
        ]
        for e in fired:
            owner = html.escape(words.possessive(scn.actor(e["owner"]).name))
            name = html.escape(e.get("name", ""))
            line = (
                f"{owner} red line \u2018{name}\u2019 fired"
                if e.get("declared", True)
                else f"{owner} private red line \u2018{name}\u2019 fired (never declared; your role card lists it)"
            )  # it read "the Soviet Union's red line a line never declared": no verb, no name
            parts.append(f"<b>Turn {e['turn']}</b>: {line}")
            parts += [f"\u2022 {note}" for note in news_view.own_red_line_notes(e, scn, by_id)]
        return parts

    def scores_html(self) -> list[str]:
        """The escalation score and the objectives' scores, each with what it measures."""
        scn = self.match.scenario
        log = game_log(self.match)
        parts = [
            "<br><font color='#e8b44c'><b>SCORES</b></font>",
            f"Escalation score <b>{log['escalation_score']:g}</b> <font color='#9aa6b4'>({SCORE_MEANS})</font>",
        ]
        if scn.objectives:
            parts.append(
                "<font color='#9aa6b4'>Objectives: each side's goal, scored by the scenario's own formula at the "
                "end (higher = closer to the goal; in this scenario's units, often 0 to 1).</font>"
            )
            for o in scn.objectives:
                v = log["objectives"].get(o.id, 0.0)
                who = scn.actor(o.actor).name
                parts.append(f"\u2022 {html.escape(who)}: {html.escape(o.text)} \u2014 score {v:.2f}")
        return parts

    def history_html(self) -> str:
        """What happened historically beside the student's decisions ('' without history)."""
        scn = self.match.scenario
        sess = self.match.session
        if not scn.history:
            return ""
        px = self.app.font_px(13)
        parts = ["<font color='#e8b44c'><b>HISTORICALLY</b></font>"]
        hist_out = next((o for o in scn.outcomes if o.historical), None)
        if hist_out is not None:
            same = sess.outcome is not None and sess.outcome.id == hist_out.id
            parts.append(
                f"What happened: <b>{html.escape(hist_out.name)}</b>"
                + (" \u2014 the same outcome as your game." if same else " \u2014 not your outcome.")
            )
        yours: dict[int, list[str]] = {}
        for ev in sess.events:
            if ev["kind"] == "action" and ev.get("via") == "decision" and ev.get("actor") in self.seats:
                yours.setdefault(ev["turn"], []).append(ev.get("action_name") or "")
        played = max((ev["turn"] for ev in sess.events), default=0)
        for hentry in scn.history:
            if hentry.turn > played:  # the game ended before this turn: nothing of yours to set beside it
                continue
            for aid, act in hentry.actions.items():
                if aid in self.seats:
                    name = news_view._action_name(scn, act)
                    you = ", ".join(yours.get(hentry.turn, [])) or "\u2014"
                    parts.append(
                        f"<b>Turn {hentry.turn}</b> history: {html.escape(name)} "
                        f"<font color='#9aa6b4'>\u00b7 you: {html.escape(you)}</font>"
                    )
        parts.append("<br><font color='#9aa6b4'>What happened each turn, in full:</font>")
        for hentry in scn.history:
            parts.append(f"<b>Turn {hentry.turn}</b>: {html.escape(hentry.text)}")
        return f"<font pixel_size={px}>" + "<br>".join(parts) + "</font>"

    @property
    def replays(self) -> Replays:
        """The figures so far (all of them once ``replays.ready``)."""
        if self.replay_run is not None:
            return self.replay_run.latest
        assert self._given is not None
        return self._given

    def exit(self) -> None:
        # replays or a search still running would hold up the next game's turns on the worker
        if self.replay_run is not None:
            self.replay_run.stop.set()
        if self.explore is not None:
            self.explore.close()
        super().exit()

    # ------------------------------------------------------------ input
    def handle_event(self, event):
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            el = event.ui_element
            if el is self.export_btn:
                self.export()
            elif el is self.board_btn:
                self.back()
            elif el is self.again_btn:
                self.again()
            elif el is self.title_btn:
                self.app.open_title(preselect=self.match.path, seed=self.match.seed)
            return None
        if event.type == pygame.MOUSEWHEEL:
            return None if any(c.handle_wheel(event) for c in self.cards()) else event
        if event.type == pygame.KEYDOWN:
            if event.key in SCROLL_KEYS:
                self.story.scroll_by(round(SCROLL_KEYS[event.key] * self.story.view_h))
            elif event.key == pygame.K_ESCAPE:
                self.back()
            elif event.key == pygame.K_e:
                self.export()
            elif (
                event.key in (pygame.K_RETURN, pygame.K_KP_ENTER) and time.monotonic() - self._opened_at >= LEAVE_GRACE
            ):
                self.app.open_title(preselect=self.match.path, seed=self.match.seed)
            return None
        return event

    def back(self) -> None:
        if len(self.app.stack.screens) > 1:
            self.app.stack.pop()
        else:
            from game.ui.screens.game_screen import GameScreen

            self.app.stack.reset(GameScreen(self.app, self.match))

    def again(self) -> None:
        import random

        from game.ui.match import Match

        m = self.match
        new = Match(m.path, m.loaded, m.source, m.seats, random.randrange(1, 100_000), 0, m.sets)
        self.app.start_match(new, briefing=False)

    def export(self, path=None):
        log = game_log(self.match)
        if path is None:
            stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
            path = logs_dir() / f"{self.match.scenario.meta.id}-seed{self.match.seed}-{stamp}.json"
        try:
            with atomic_write(str(path)) as fh:
                json.dump(log, fh, indent=2, ensure_ascii=False)
                fh.write("\n")
        except OSError as exc:
            self.app.notify(f"Could not write the log: {exc}", "warn")
            return None
        self.app.notify(f"Game log written: {path}", "good", 6)
        return path

    # ------------------------------------------------------------ drawing
    def draw(self, surface) -> None:
        surface.fill(theme.BG)
        pygame.draw.rect(surface, theme.ACCENT, pygame.Rect(0, 0, self.app.size[0], 3))
        fs = self.app.fs
        scn = self.match.scenario
        sess = self.match.session
        for card in self.cards():
            card.draw(surface)
        self.tips = [] if self.summary_tip is None else [self.summary_tip]
        hist = sess.rung_history()
        rungs = len(scn.ladder.rungs)
        top = charts.chart_top(list(hist.values()), rungs)
        chart_title = "Escalation trajectory: rung by turn" + (f" (rungs 1-{top} of {rungs})" if top < rungs else "")
        inner = charts.frame(surface, self.chart_rect, chart_title, fs, self.tips)
        series = []
        for a in scn.actors:
            name = a.name + (" (you)" if a.id in self.seats else "")
            series.append((name, self.colours[a.id], self.ladder.marker_shape(a.id), hist.get(a.id, [])))
        turns = max([len(v) for v in hist.values()] + [1])
        players = tuple(i for i, a in enumerate(scn.actors) if a.id in self.seats)
        self.chart_labels = charts.rung_chart(
            surface, inner, series, [r.name for r in scn.ladder.rungs], turns, fs, players=players, tips=self.tips
        )
        r = self.replays
        count = f"{r.n:,}" if r.ready else f"{r.n:,} of {r.total:,}"
        title = (
            f"Your decisions, replayed {count} times (chance and the AI drawn anew)"
            if r.student is not None
            else f"This scenario with the AI in every seat, {count} games"
        )
        inner = charts.frame(surface, self.bars_rect, title, fs, self.tips)
        if not r.ready:  # the figures so far, and how far the replays are
            track = pygame.Rect(self.bars_rect.left + 1, self.bars_rect.bottom - self.app.s(5), self.bars_rect.w - 2, 4)
            charts.bar(surface, track, r.n / max(r.total, 1), theme.ACCENT)
        actual = next(
            (i for i, o in enumerate(scn.outcomes) if sess.outcome is not None and o.id == sess.outcome.id), None
        )
        seat_names = " and ".join(words.subject(scn.actor(a).name) for a in self.seats) or "the seat"
        if r.n == 0:
            f = theme.font(self.app.font_px(12), "italic")
            wait = "Replaying: the first figures in a moment\u2026"
            surface.blit(theme.render(f, wait, theme.TEXT_DIM), inner.topleft)
            self.bars_labels = [pygame.Rect(inner.topleft, f.size(wait))]
        else:
            self.bars_labels = charts.paired_bars(
                surface,
                inner,
                list(r.outcomes),
                None if r.student is None else list(r.student),
                list(r.ai),
                "your decisions held fixed",
                f"the AI playing {seat_names}",
                fs=fs,
                highlight=actual,
                tips=self.tips,
            )
        if self.explore is not None:
            self.explore.draw(surface, self.explore_rect, fs)
            self._explore_tip(fs)

    def _explore_tip(self, fs: float) -> None:
        """The strategy card's whole text as a tip where the card cut it (a line with an ellipsis,
        or more lines than it has rows)."""
        assert self.explore is not None
        f = theme.font(round(12 * fs))
        width = self.explore_rect.w - 24  # the card's inner width (charts.frame)
        texts = [text for text, _colour in self.explore.lines()]
        rows = [len(wrap(f, text, width)) for text in texts]
        title = TITLE.upper()
        title_cut = theme.font(round(12 * fs), "bold").size(title)[0] > width
        if title_cut or any(n > 1 for n in rows[1:]) or sum(rows) > ROWS:
            texts = [f"{title}:", *texts] if title_cut else texts
            self.tips.append(charts.Tip(pygame.Rect(self.explore_rect), " ".join(texts)))

    def focus_rect(self) -> pygame.Rect | None:
        """The button Enter presses (Title screen): without a ring a student who pressed Enter to
        open the debrief had no sign that the next Enter leaves it."""
        if self.title_btn is None or not self.title_btn.alive():
            return None
        return pygame.Rect(self.title_btn.rect)

    # ------------------------------------------------------------ the full text of what is cut
    def focus_order(self) -> list:
        """Tab moves over the buttons and the texts drawn cut (its tip shows the whole text)."""
        items = [*super().focus_order(), *self.tips]
        return sorted(items, key=lambda x: (x.rect.top, x.rect.left))

    def activate(self, button, key: int) -> None:
        if not isinstance(button, charts.Tip):  # Enter on a text shows it, and presses nothing
            super().activate(button, key)

    def draw_over(self, surface) -> None:
        """The full text of a cut text under the mouse or the Tab focus."""
        if self.paused:
            return
        focused = self.tab_focused()
        if isinstance(focused, charts.Tip):
            draw_tooltip(surface, focused.text, self.app.scale, at=focused.rect.bottomleft)
            return
        mouse = pygame.mouse.get_pos()
        tip = next((t for t in reversed(self.tips) if t.rect.collidepoint(mouse)), None)
        if tip is not None:
            draw_tooltip(surface, tip.text, self.app.scale)

    def state(self) -> dict:
        r = self.replays
        return {
            "screen": self.name,
            "replays": r.n,
            "replays_ready": r.ready,
            "outcome": self.match.session.outcome.id if self.match.session.outcome else None,
            "student": None if r.student is None else [float(x) for x in r.student],
            "ai": [float(x) for x in r.ai],
            "explore": None if self.explore is None else self.explore.state(),
        }
