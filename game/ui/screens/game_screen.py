"""The board: map, ladder, indicators, news feed and the decision panel (or watch controls).

Layout (adapts to the window): a top bar (scenario, date and turn, seat, menu); the map
with the news feed under it; the ladder and the indicator bars beside it; the decision
panel on the right. Everything a student does here works by keyboard and by mouse.

A turn with a guided hint (``scenario.hints``) shows it as a card over the map, placed
beside the part of the board it talks about (which is outlined, with an arrow where it
is next to the map); "Got it", Esc or H hides it, H shows it again.
"""

from __future__ import annotations

import html
import json
import math

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UILabel, UIScrollingContainer, UITextBox

from game.geo import BasemapError, load_basemap
from game.model import CATEGORIES
from game.ui import charts, news_view, theme
from game.ui.debrief_data import replay_shares
from game.ui.hints import HintState, hint_for, hint_target
from game.ui.ladder_view import LadderView, _fit
from game.ui.map_view import MapView
from game.ui.match import NewVersion, TurnResult
from game.ui.screens.base import Screen, oid

CATEGORY_TITLES = {
    "status_quo": "Hold",
    "de_escalation": "De-escalation",
    "posturing": "Posturing",
    "non_violent": "Non-violent pressure",
    "violent": "Violent",
    "nuclear": "Nuclear",
}
SIGNAL_KIND_TITLES = {
    "warning": "Warning",
    "red_line": "Red line",
    "bluff": "Bluff",
    "reassurance": "Reassurance",
    "demand": "Demand",
    "offer": "Offer",
}


def load_cities(basemap_name: str) -> list[dict]:
    from game.geo import MAP_DIR

    try:
        data = json.loads((MAP_DIR / "cities.json").read_text(encoding="utf-8"))
        return [c for c in data.get("cities", []) if c.get("map") == basemap_name]
    except (OSError, ValueError):
        return []


class GameScreen(Screen):
    name = "board"

    def __init__(self, app, match, speed: float | None = None):
        super().__init__(app)
        self.match = match
        self.watch = match.watching and not match.ai_seats
        self.speed = speed or 1.0
        self.playing = self.watch
        self._clock = 0.0
        self.selected: int | None = None
        self.signal: int | None = None
        self.focus = "actions"
        self._open_action = None
        self._events_seen = -1
        self.hints = HintState()
        self.hint_btn = None
        self._hint_cache = None
        self._prepare_views()

    # ------------------------------------------------------------ data
    def _prepare_views(self) -> None:
        scn = self.match.scenario
        self.colours = theme.actor_colours(scn, self.app.settings.palette)
        basemap = None
        self.basemap_problem = ""
        if scn.map.basemap and scn.map.basemap != "none":
            try:
                basemap = load_basemap(scn.map.basemap)
            except BasemapError as exc:
                self.basemap_problem = str(exc)
        self.map = MapView(
            scn, self.colours, basemap, load_cities(scn.map.basemap), self.app.fs, rules=self.match.rules
        )
        self.ladder = LadderView(scn, self.colours, self.app.fs)

    @property
    def seat(self) -> str | None:
        return self.match.viewpoint

    def options(self):
        if self.seat is None or self.match.session.done:
            return []
        key = (self.seat, len(self.match.session.events), self.match.session.turn, id(self.match.session))
        if getattr(self, "_opts_key", None) != key:
            self._opts_key = key
            self._opts = self.match.session.options(self.seat)
        return self._opts

    def legal_options(self):
        return [o for o in self.options() if o.legal]

    def signal_options(self):
        if self.seat is None or self.match.session.done:
            return []
        return [s for s in self.match.session.signal_options(self.seat) if s.legal]

    def _default_selection(self) -> None:
        legal = self.legal_options()
        ids = [o.instance for o in legal]
        if self.selected not in ids:
            wait = next((o for o in legal if o.category == "status_quo"), legal[0] if legal else None)
            self.selected = wait.instance if wait else None
        sig_ids = [s.index for s in self.signal_options()]
        if self.signal not in sig_ids:
            self.signal = None

    def selected_option(self):
        return next((o for o in self.options() if o.instance == self.selected), None)

    # ------------------------------------------------------------ layout
    def layout(self) -> dict[str, pygame.Rect]:
        s = self.app.s
        w, h = self.app.size
        top_h = s(50)
        right_w = max(s(350), min(s(420), int(w * 0.28)))
        ladder_w = max(s(250), min(s(310), int(w * 0.205)))
        news_h = max(s(150), min(s(230), int(h * 0.27)))
        n_ind = len(self.indicators())
        cols = self.indicator_columns()
        ind_h = s(34) + ((n_ind + cols - 1) // cols) * (s(26) if cols == 1 else s(34)) + s(4)
        map_w = w - right_w - ladder_w
        return {
            "top": pygame.Rect(0, 0, w, top_h),
            "map": pygame.Rect(0, top_h, map_w, h - top_h - news_h),
            "news": pygame.Rect(0, h - news_h, map_w, news_h),
            "ladder": pygame.Rect(map_w, top_h, ladder_w, h - top_h - ind_h),
            "indicators": pygame.Rect(map_w, h - ind_h, ladder_w, ind_h),
            "side": pygame.Rect(w - right_w, top_h, right_w, h - top_h),
        }

    def indicators(self) -> list[tuple[str, float, float, float, str]]:
        """(label, value, lo, hi, says) for the variables shown as bars (stocks are in the decision panel)."""
        scn = self.match.scenario
        s = self.match.session
        out = []
        for v in scn.variables:
            if v.show:
                out.append((indicator_label(v.id, scn), s.value(v.id), v.range[0], v.range[1], v.says))
        return out

    def indicator_columns(self) -> int:
        return 1 if len(self.indicators()) <= 5 else 2

    # ------------------------------------------------------------ widgets
    def build(self) -> None:
        root = self.new_root()
        self.rects = r = self.layout()
        self.map.fs = self.ladder.fs = self.app.fs  # the window size may have changed the scale
        self.map.set_rect(r["map"])
        self.widgets_top(root, r["top"])
        self.news_box = UITextBox(
            "",
            r["news"].inflate(-self.app.s(16), -self.app.s(34)).move(0, self.app.s(12)),
            self.app.manager,
            container=root,
        )
        self._events_seen = -1
        self.refresh_news()
        if self.watch:
            self.widgets_watch(root, r["side"])
        elif self.match.session.done:
            self.widgets_done(root, r["side"])
        else:
            self._default_selection()
            self.widgets_decision(root, r["side"])
        self.instructor_box = None
        if self.app.instructor:
            self.widgets_instructor(root, r["map"])
        self.hint_btn = None
        self.build_hint()
        self.update_preview()
        self._scroll_pending = True

    def widgets_top(self, root, rect) -> None:
        m, s = self.app.manager, self.app.s
        scn = self.match.scenario
        title_w = int(rect.w * 0.36)
        UILabel(
            pygame.Rect(s(16), rect.top + s(4), title_w, s(22)), "REDLINE", m, container=root, object_id=oid("@heading")
        )
        UILabel(
            pygame.Rect(s(16), rect.top + s(22), title_w, s(24)),
            _fit(theme.font(self.app.font_px(14)), scn.meta.title, title_w),
            m,
            container=root,
        )
        sess = self.match.session
        turn = min(sess.turn, scn.calendar.turns)
        status = "Game over" if sess.done else f"Turn {turn} of {scn.calendar.turns}"
        cw = s(300)
        UILabel(
            pygame.Rect((rect.w - cw) // 2, rect.top + s(4), cw, s(24)),
            sess.date.strftime("%-d %B %Y"),
            m,
            container=root,
            object_id=oid("@clock"),
        )
        UILabel(
            pygame.Rect((rect.w - cw) // 2, rect.top + s(25), cw, s(20)),
            status,
            m,
            container=root,
            object_id=oid("@dim", "#turn_label"),
        ).text_horiz_alignment = "center"
        bx = rect.right - s(12)
        self.menu_btn = UIButton(
            pygame.Rect(bx - s(84), rect.top + s(10), s(84), s(30)),
            "Menu",
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="Save, load, settings, quit (Esc)",
        )
        self.help_btn = UIButton(
            pygame.Rect(bx - s(84) - s(40), rect.top + s(10), s(34), s(30)),
            "?",
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="Help and keys (F1)",
        )
        self.instr_btn = UIButton(
            pygame.Rect(bx - s(84) - s(40) - s(112), rect.top + s(10), s(106), s(30)),
            "Instructor" if not self.app.instructor else "Student view",
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="F2: hidden red lines, every probability, the AI's policy weights",
        )
        if self.app.instructor:
            self.instr_btn.select()

    def action_groups(self):
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

    def widgets_decision(self, root, rect) -> None:
        m, s = self.app.manager, self.app.s
        x, w = rect.left + s(12), rect.w - s(24)
        y = rect.top + s(10)
        seat = self.seat
        name = self.match.actor_name(seat) if seat else ""
        label = f"YOUR DECISION \u00b7 {name.upper()}"
        UILabel(pygame.Rect(x, y, w, s(20)), label, m, container=root, object_id=oid("@heading"))
        y += s(24)
        footer_h = s(56)
        sig_opts = self.signal_options()
        sig_h = s(62) if sig_opts else 0
        detail_h = max(s(130), min(s(210), int(rect.h * 0.31)))
        list_h = rect.bottom - y - footer_h - sig_h - detail_h - s(16)
        self.list_rect = pygame.Rect(x - s(4), y, w + s(8), list_h)
        self.decision_root = None
        self.build_option_list()
        y += list_h + s(8)
        self.detail = UITextBox(
            "", pygame.Rect(x - s(4), y, w + s(8), detail_h), m, container=root, object_id=oid("@card_text")
        )
        y += detail_h + s(8)
        self.signal_buttons: dict[int | None, UIButton] = {}
        self.signal_row = None
        if sig_opts:
            UILabel(
                pygame.Rect(x, y, w, s(20)),
                "SAY SOMETHING (OPTIONAL) \u00b7 LEFT / RIGHT",
                m,
                container=root,
                object_id=oid("@heading"),
            )
            y += s(24)
            aw = s(30)
            self.sig_prev = UIButton(
                pygame.Rect(x, y, aw, s(30)),
                "\u2039",
                m,
                container=root,
                object_id=oid("@tool"),
                tool_tip_text="Previous signal (Left)",
            )
            self.sig_next = UIButton(
                pygame.Rect(x + w - aw, y, aw, s(30)),
                "\u203a",
                m,
                container=root,
                object_id=oid("@tool"),
                tool_tip_text="Next signal (Right)",
            )
            self.signal_row = UIButton(
                pygame.Rect(x + aw + s(4), y, w - 2 * aw - s(8), s(30)), "", m, container=root, object_id=oid("@option")
            )
            y += s(36)
        self.end_btn = UIButton(
            pygame.Rect(x, rect.bottom - footer_h + s(6), w, s(42)),
            "End turn (Enter)",
            m,
            container=root,
            object_id=oid("@primary"),
            tool_tip_text="Every side acts at once; then red lines and chance are resolved",
        )
        self.refresh_selection()

    def build_option_list(self) -> None:
        """The action list: one row per action; the selected action opens to its targets and weapons."""
        m, s = self.app.manager, self.app.s
        keep = None
        if self.decision_root is not None:
            bar = getattr(self.decision_root, "vert_scroll_bar", None)
            keep = bar.start_percentage if bar is not None else None
            self.decision_root.kill()
        self.scroller = self.decision_root = UIScrollingContainer(
            self.list_rect, m, container=self.root, allow_scroll_x=False
        )
        self.option_buttons: dict[object, UIButton] = {}
        self.option_rows: dict[int, pygame.Rect] = {}
        self.key_numbers: dict[int, int] = {}
        self.stops: list[int] = []
        self.reason_tips: list[tuple[object, str]] = []  # disabled rows show no tool tips: drawn by hand
        inner_w = self.list_rect.w - s(28)
        bfont = theme.font(self.app.font_px(14))
        rfont = theme.font(self.app.font_px(12))
        cy = 0
        number = 1
        current = self.selected_option()
        self._open_action = current.action if current is not None else None
        cat_seen = None
        impossible = []
        for cat, action, legal, illegal in self.action_groups():
            if not legal:
                impossible.append((action, illegal))
                continue
            if cat != cat_seen:
                cat_seen = cat
                UILabel(
                    pygame.Rect(0, cy, inner_w, s(20)),
                    CATEGORY_TITLES.get(cat, cat).upper(),
                    m,
                    container=self.scroller,
                    object_id=oid("@dim"),
                )
                cy += s(20)
            first = legal[0]
            is_open = current is not None and current.action == action
            many = len(legal) + len(illegal) > 1
            rep = current.instance if is_open else first.instance
            self.key_numbers[number] = rep
            num = f"{number}" if number <= 9 else "  "
            number += 1
            text = f"{num}   {first.name}"
            if many:
                text += f"  ({len(legal)})"
            elif first.target:
                text += f": {first.target}"
            b = UIButton(
                pygame.Rect(0, cy, inner_w - s(62), s(32)),
                _fit(bfont, text, inner_w - s(74)),
                m,
                container=self.scroller,
                object_id=oid("@option"),
                tool_tip_text=self.option_tooltip(first),
            )
            UILabel(
                pygame.Rect(inner_w - s(58), cy, s(58), s(32)),
                f"rung {first.rung}" if first.rung else "\u2014",
                m,
                container=self.scroller,
                object_id=oid("@dim", "#rung"),
            ).text_horiz_alignment = "center"
            self.option_buttons[("action", action)] = b
            if is_open and not many:
                b.select()
            self.option_rows[rep] = pygame.Rect(0, cy, inner_w, s(32))
            cy += s(36)
            if is_open and many:
                for o in legal:
                    self.stops.append(o.instance)
                    label = self.instance_text(o)
                    sb = UIButton(
                        pygame.Rect(s(22), cy, inner_w - s(22), s(28)),
                        _fit(bfont, label, inner_w - s(44)),
                        m,
                        container=self.scroller,
                        object_id=oid("@option"),
                        tool_tip_text=self.option_tooltip(o),
                    )
                    self.option_buttons[o.instance] = sb
                    self.option_rows[o.instance] = pygame.Rect(0, cy, inner_w, s(28))
                    cy += s(31)
                for o in illegal:
                    sb = UIButton(
                        pygame.Rect(s(22), cy, inner_w - s(22), s(26)),
                        _fit(bfont, self.instance_text(o), inner_w - s(44)),
                        m,
                        container=self.scroller,
                        object_id=oid("@option"),
                    )
                    sb.disable()
                    cy += s(26)
                    lab = UILabel(
                        pygame.Rect(s(32), cy, inner_w - s(32), s(18)),
                        _fit(rfont, o.reason, inner_w - s(40)),
                        m,
                        container=self.scroller,
                        object_id=oid("@dim", "#reason"),
                    )
                    self.reason_tips += [(sb, f"{self.instance_text(o)}: {o.reason}"), (lab, o.reason)]
                    cy += s(22)
                cy += s(4)
            else:
                self.stops.append(rep)
        if impossible:
            UILabel(
                pygame.Rect(0, cy, inner_w, s(20)),
                "NOT POSSIBLE NOW",
                m,
                container=self.scroller,
                object_id=oid("@dim"),
            )
            cy += s(20)
            for _action, illegal in impossible:
                o = illegal[0]
                text = o.name + (
                    f"  \u00b7 {len(illegal)} options" if len(illegal) > 1 else (f": {o.target}" if o.target else "")
                )
                b = UIButton(
                    pygame.Rect(0, cy, inner_w - s(62), s(28)),
                    _fit(bfont, text, inner_w - s(74)),
                    m,
                    container=self.scroller,
                    object_id=oid("@option"),
                )
                b.disable()
                UILabel(
                    pygame.Rect(inner_w - s(58), cy, s(58), s(28)),
                    f"rung {o.rung}" if o.rung else "\u2014",
                    m,
                    container=self.scroller,
                    object_id=oid("@dim"),
                ).text_horiz_alignment = "center"
                cy += s(28)
                reasons = []
                for x in illegal:
                    if x.reason not in reasons:
                        reasons.append(x.reason)
                reason = reasons[0] + (
                    f" (and {len(reasons) - 1} other reason{'s' if len(reasons) > 2 else ''})"
                    if len(reasons) > 1
                    else ""
                )
                lab = UILabel(
                    pygame.Rect(s(10), cy, inner_w - s(10), s(18)),
                    _fit(rfont, reason, inner_w - s(14)),
                    m,
                    container=self.scroller,
                    object_id=oid("@dim", "#reason"),
                )
                full = "; ".join(reasons[:4]) + ("; \u2026" if len(reasons) > 4 else "")
                self.reason_tips += [(b, f"{o.name}: {full}"), (lab, full)]
                cy += s(24)
        self.scroller.set_scrollable_area_dimensions((inner_w, max(cy, self.list_rect.h - 2)))
        bar = getattr(self.scroller, "vert_scroll_bar", None)
        if keep is not None and bar is not None:
            bar.set_scroll_from_start_percentage(keep)

    def instance_text(self, o) -> str:
        bits = [o.target or o.name]
        if o.weapon:
            bits.append(o.weapon.split(" (")[0])
        if o.distance_km and o.weapon:
            bits.append(f"{o.distance_km:.0f} km")
        return " \u00b7 ".join(bits)

    def widgets_done(self, root, rect) -> None:
        m, s = self.app.manager, self.app.s
        x, w = rect.left + s(12), rect.w - s(24)
        y = rect.top + s(14)
        out = self.match.session.outcome
        UILabel(pygame.Rect(x, y, w, s(20)), "GAME OVER", m, container=root, object_id=oid("@heading"))
        y += s(26)
        px = self.app.font_px(15)
        text = (
            f"<font pixel_size={self.app.font_px(20)}><b>{html.escape(out.name if out else '')}</b></font><br><br>"
            f"<font pixel_size={px}>{html.escape(out.text if out else '')}</font>"
        )
        UITextBox(text, pygame.Rect(x - s(4), y, w + s(8), s(220)), m, container=root, object_id=oid("@card_text"))
        self.end_btn = UIButton(
            pygame.Rect(x, y + s(236), w, s(44)),
            "See the debrief (Enter)",
            m,
            container=root,
            object_id=oid("@primary"),
        )
        self.detail = None

    def widgets_watch(self, root, rect) -> None:
        m, s = self.app.manager, self.app.s
        x, w = rect.left + s(12), rect.w - s(24)
        y = rect.top + s(10)
        sess = self.match.session
        UILabel(
            pygame.Rect(x, y, w, s(20)),
            f"WATCHING \u00b7 GAME {sess.game} OF SEED {sess.seed}",
            m,
            container=root,
            object_id=oid("@heading"),
        )
        y += s(26)
        bw = (w - s(16)) // 3
        self.play_btn = UIButton(
            pygame.Rect(x, y, bw, s(36)),
            "Pause" if self.playing else "Play",
            m,
            container=root,
            object_id=oid("@primary"),
            tool_tip_text="Space",
        )
        self.step_btn = UIButton(
            pygame.Rect(x + bw + s(8), y, bw, s(36)),
            "Step",
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="Right arrow: one turn",
        )
        self.speed_btn = UIButton(
            pygame.Rect(x + 2 * (bw + s(8)), y, bw, s(36)),
            f"{self.speed:g} turn/s",
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="Click to change the speed",
        )
        y += s(46)
        if sess.done:
            self.end_btn = UIButton(
                pygame.Rect(x, y, w, s(40)), "See the debrief (Enter)", m, container=root, object_id=oid("@primary")
            )
            y += s(50)
        else:
            self.end_btn = None
        px = self.app.font_px(13)
        self.detail = UITextBox(
            f"<font pixel_size={px}>{self.watch_summary()}</font>",
            pygame.Rect(x - s(4), y, w + s(8), rect.bottom - y - s(10)),
            m,
            container=root,
            object_id=oid("@card_text"),
        )

    def watch_summary(self) -> str:
        scn = self.match.scenario
        last = {}
        for ev in self.match.session.events:
            if ev["kind"] == "decision":
                last[ev["actor"]] = ev
        lines = [
            "<b>This is a replay</b> of one game of a headless batch, identical to "
            f"<i>python main.py replay {html.escape(self.match.path)} --seed {self.match.seed} --game "
            f"{self.match.game}</i>.<br>"
        ]
        for a in scn.actors:
            col = theme.hex_of(theme.lighten(self.colours[a.id], 0.3))
            ev = last.get(a.id)
            lines.append(f"<font color='{col}'><b>{html.escape(a.name)}</b></font> (policy {html.escape(a.policy)})")
            if ev:
                lines.append(
                    f"  last: {html.escape(ev.get('action_name') or '')}"
                    + (f" ({ev['p'] * 100:.0f}%)" if "p" in ev else "")
                )
                for o in ev.get("options", [])[:4]:
                    lines.append(
                        f"  <font color='#8a96a4'>{html.escape(news_view._action_name(scn, o['action']))}"
                        f" {o['p'] * 100:.0f}%</font>"
                    )
        return "<br>".join(lines)

    def widgets_instructor(self, root, rect) -> None:
        s = self.app.s
        box = pygame.Rect(rect.left + s(10), rect.top + s(10), min(s(340), rect.w - s(20)), int(rect.h * 0.45))
        self.instructor_box = UITextBox(
            f"<font pixel_size={self.app.font_px(12)}>{self.instructor_html()}</font>",
            box,
            self.app.manager,
            container=root,
            object_id=oid("@card_text"),
        )

    def instructor_html(self) -> str:
        scn = self.match.scenario
        sess = self.match.session
        out = ["<font color='#cc79a7'><b>INSTRUCTOR VIEW</b></font> (F2 hides)<br>"]
        hidden = [r for r in scn.red_lines if not r.declared]
        out.append("<b>Red lines</b>")
        for r in scn.red_lines:
            tripped = sess.value(f"tripped:{r.id}")
            flag = " <font color='#cc79a7'>[hidden]</font>" if not r.declared else ""
            state = f" <font color='#d55e00'>tripped {tripped:g}\u00d7</font>" if tripped else ""
            owner = scn.actor(r.owner).name
            out.append(f"\u2022 {html.escape(owner)}: {html.escape(r.name)}{flag}{state}")
        if not hidden:
            out.append("<font color='#8a96a4'>(no hidden red lines in this scenario)</font>")
        last = {}
        for ev in sess.events:
            if ev["kind"] == "decision" and not ev.get("human"):
                last[ev["actor"]] = ev
        if last:
            out.append("<br><b>Latest AI policy weights</b>")
            for aid, ev in last.items():
                opts = ", ".join(
                    f"{html.escape(news_view._action_name(scn, o['action']))} {o['p'] * 100:.0f}%"
                    for o in ev.get("options", [])
                )
                out.append(f"\u2022 {html.escape(scn.actor(aid).name)} (turn {ev['turn']}): {opts}")
        if scn.params:
            out.append("<br><b>Parameters</b>")
            for p in scn.params:
                val = self.match.rules.params.get(p.id, p.value)
                out.append(f"\u2022 {html.escape(p.id)} = {val:g}")
        return "<br>".join(out)

    def option_text(self, o) -> str:
        parts = [o.name]
        if o.target:
            parts.append(f": {o.target}")
        if o.weapon:
            parts.append(f" ({o.weapon})")
        return "".join(parts)

    def option_tooltip(self, o) -> str:
        bits = [o.name]
        if o.rung_name:
            bits.append(f"rung {o.rung}: {o.rung_name}")
        if o.description:
            bits.append(o.description)
        trips = self.visible_trips(o)
        if trips:
            bits.append("Would trip: " + "; ".join(f"{t.owner}'s red line '{t.name}'" for t in trips))
        return ". ".join(bits)

    def visible_trips(self, o):
        return [t for t in o.trips if t.declared or self.app.instructor]

    def detail_html(self, o) -> str:
        scn = self.match.scenario
        px = self.app.font_px(13)
        if o is None:
            return f"<font pixel_size={px} color='#8a96a4'>Choose an action above.</font>"
        lines = [f"<font pixel_size={self.app.font_px(14)}><b>{html.escape(o.name)}</b></font>"]
        sub = CATEGORY_TITLES.get(o.category, o.category)
        if o.rung:
            rung = scn.ladder.rungs[o.rung - 1]
            kahn = f", Kahn {rung.kahn}" if rung.kahn else ""
            sub += f" \u00b7 rung {o.rung}: {html.escape(rung.name)}{kahn}"
        lines.append(f"<font color='#9aa6b4'>{sub}</font>")
        if o.target:
            t = f"Target: <b>{html.escape(o.target)}</b>"
            if o.weapon:
                w = next((x for x in scn.weapons if x.name == o.weapon), None)
                rng = f" \u00b7 {o.distance_km:.0f} km of {w.range_km:.0f} km range" if w else ""
                stock = ""
                if w is not None:
                    stock = f" \u00b7 {self.match.session.value(f'{w.id}.stock'):g} left"
                t += f" \u00b7 {html.escape(o.weapon.split(' (')[0])}{rng}{stock}"
            lines.append(t)
        trips = self.visible_trips(o)
        if trips:
            for tr in trips:
                hidden = "" if tr.declared else " <font color='#cc79a7'>[hidden]</font>"
                if self.app.instructor:
                    resp = ", ".join(f"{html.escape(n)} {p * 100:.0f}%" for n, p in tr.responses)
                    resp += f", nothing {tr.p_none * 100:.0f}%"
                else:
                    resp = ", ".join(html.escape(n) for n, _p in tr.responses if n != "nothing")
                    resp = (resp + ", or nothing") if resp else "unknown"
                lines.append(
                    f"<font color='#ff8a3d'><b>Trips {html.escape(tr.owner)}'s red line</b></font> "
                    f"\u2018{html.escape(tr.name)}\u2019{hidden}. Possible answers: {resp}"
                )
        elif o.legal:
            lines.append("<font color='#8a96a4'>Trips no declared red line.</font>")
        if o.description:
            lines.append(html.escape(o.description))
        return f"<font pixel_size={px}>" + "<br>".join(lines) + "</font>"

    # ------------------------------------------------------------ updates
    def refresh_selection(self) -> None:
        o = self.selected_option()
        if hasattr(self, "list_rect") and o is not None and self._open_action != o.action:
            self._open_action = o.action
            self.build_option_list()
        for key, b in getattr(self, "option_buttons", {}).items():
            on = key == self.selected or (
                isinstance(key, tuple)
                and o is not None
                and key[1] == o.action
                and not any(k == o.instance for k in self.option_buttons)
            )
            if on and not b.is_selected:
                b.select()
            elif not on and b.is_selected:
                b.unselect()
        if getattr(self, "signal_row", None) is not None:
            so = next((x for x in self.signal_options() if x.index == self.signal), None)
            font = theme.font(self.app.font_px(14))
            if so is None:
                text, tip = "Say nothing", "Send no signal this turn"
            else:
                kind = SIGNAL_KIND_TITLES.get(so.kind, so.kind)
                says = so.says.strip().strip('"\u201c\u201d')
                text = f"{kind}: \u201c{says}\u201d"
                tip = (
                    f"{kind} (public): \u201c{says}\u201d. A signal is words, not an action: other sides may "
                    "believe it or not."
                )
            self.signal_row.set_text(_fit(font, text, self.signal_row.rect.w - 20))
            self.signal_row.tool_tip_text = tip
            if so is not None and not self.signal_row.is_selected:
                self.signal_row.select()
            elif so is None and self.signal_row.is_selected:
                self.signal_row.unselect()
        o = self.selected_option()
        if getattr(self, "detail", None) is not None and not self.watch and not self.match.session.done:
            self.detail.set_text(self.detail_html(o))
        if getattr(self, "end_btn", None) is not None and o is not None and not self.match.session.done:
            font = theme.font(self.app.font_px(15), "bold")
            self.end_btn.set_text(_fit(font, f"End turn: {o.name}  (Enter)", self.end_btn.rect.w - 24))
        self.update_preview()

    def update_preview(self) -> None:
        o = self.selected_option() if not self.watch else None
        if o is not None and o.weapon:
            wid = next((w.id for w in self.match.scenario.weapons if w.name == o.weapon), None)
            site = next((x.id for x in self.match.scenario.map.sites if x.name == o.target), None)
            self.map.show_weapon(wid, site)
        else:
            self.map.show_weapon(None)
            self.map.target_site = None
            if o is not None and o.target:
                self.map.target_site = next((x.id for x in self.match.scenario.map.sites if x.name == o.target), None)

    def ensure_visible(self) -> None:
        row = getattr(self, "option_rows", {}).get(self.selected)
        bar = getattr(self.scroller, "vert_scroll_bar", None) if hasattr(self, "scroller") else None
        if row is None or bar is None:
            return
        total = self.scroller.scrollable_container.rect.h
        view = self.scroller.rect.h
        top = bar.start_percentage * total
        if row.top < top or row.bottom > top + view:
            target = max(0.0, row.top - view * 0.3)
            bar.set_scroll_from_start_percentage(min(1.0, target / total))

    def refresh_news(self) -> None:
        n = len(self.match.session.events)
        if n == self._events_seen:
            return
        self._events_seen = n
        sess = self.match.session
        current = None if sess.done or sess.turn > self.match.scenario.calendar.turns else sess.turn
        seats = self.match.seats or self.match.ai_seats
        text, anchors = news_view.feed_html(
            sess.events,
            self.match.scenario,
            self.colours,
            self.app.instructor,
            self.match.seats,
            self.app.font_px(13),
            rules=self.match.rules,
            current_turn=current,
            history_seats=tuple(seats) if seats else None,
            anchor=True,
            watching=self.watch,
        )
        top = None
        if anchors is not None:
            # the last resolved turn's news, not the turn being decided: scroll to where it starts,
            # or past its historical text when that is long (the heights of the laid-out prefixes)
            heights = []
            for prefix in anchors:
                if prefix:
                    self.news_box.set_text(prefix)
                heights.append(self._news_next_line_y() if prefix else 0)
            view = self.news_box.text_wrap_rect[3]
            head, own = heights
            top = head if own - head <= view * 0.4 else own
        self.news_box.set_text(text)
        bar = getattr(self.news_box, "scroll_bar", None)
        if bar is not None:
            total = self._news_height()
            if top is None or total <= 0:
                bar.set_scroll_from_start_percentage(1.0)
            else:
                bar.set_scroll_from_start_percentage(min(1.0, top / total))

    def _news_next_line_y(self) -> int:
        """Where the line after the news box's text would start (its text ends with a line break)."""
        layout = getattr(self.news_box, "text_box_layout", None)
        rows = getattr(layout, "layout_rows", None)
        return rows[-1].y if rows else 0

    def _news_height(self) -> int:
        layout = getattr(self.news_box, "text_box_layout", None)
        return layout.layout_rect.height if layout is not None else 0

    # ------------------------------------------------------------ guided hints
    def current_hint(self):
        """This turn's hint if the board shows it now (the seat's player has not hidden it)."""
        sess = self.match.session
        if sess.done or (self.seat is None and not self.watch):
            return None
        if not self.hints.visible(self.match.scenario, sess.turn, self.seat, self.app.settings.show_hints):
            return None
        return hint_for(self.match.scenario, sess.turn)

    def hint_layout(self) -> dict | None:
        """Where the card, its button, its arrow and the outlined target go (None: no card)."""
        hint = self.current_hint()
        if hint is None:
            return None
        key = (id(hint), tuple(self.app.size), self.app.fs, self.app.settings.ui_scale, self.app.instructor, self.watch)
        if self._hint_cache is not None and self._hint_cache[0] == key:
            return self._hint_cache[1]
        from game.ui.app import _wrap

        s, fp = self.app.s, self.app.font_px
        mrect = self.rects["map"]
        f_tag, f_title, f_body = theme.font(fp(11), "bold"), theme.font(fp(16), "bold"), theme.font(fp(14))
        margin, pad, stripe = s(16), s(14), s(5)
        target = hint_target(hint)
        arrow_room = s(34) if target in ("ladder", "news") else 0
        width = min(s(410), mrect.w - 2 * margin - (arrow_room if target == "ladder" else 0))
        inner = width - 2 * pad - stripe
        lines = _wrap(f_body, hint.text, inner)
        btn_w, btn_h = s(96), s(32)
        title = _fit(f_title, hint.title, inner - btn_w - s(10))
        head_h = f_tag.get_linesize() + f_title.get_linesize()
        fixed = pad + head_h + s(8) + pad
        room = mrect.h - 2 * margin - (arrow_room if target == "news" else 0) - fixed
        fit = max(1, room // f_body.get_linesize())
        if len(lines) > fit:
            lines = lines[:fit]
            lines[-1] = _fit(f_body, lines[-1] + " \u2026", inner)
        height = fixed + len(lines) * f_body.get_linesize()
        # a corner of the map beside what the hint is about, the one that hides the fewest places
        area = mrect.inflate(-2 * margin, -2 * margin)
        if target == "ladder":
            area.w -= arrow_room
            corners = ("topright", "bottomright")
        elif target == "news":
            area.h -= arrow_room
            corners = ("bottomleft", "bottomright")
        else:
            corners = ("bottomleft", "topleft", "bottomright", "topright")
        avoid = self.instructor_box.rect if getattr(self, "instructor_box", None) is not None else None
        options = []
        for i, corner in enumerate(corners):
            card = pygame.Rect(0, 0, width, height)
            setattr(card, corner, getattr(area, corner))
            blocked = avoid is not None and card.colliderect(avoid)
            options.append((blocked, self._places_under(card), i, card))
        card = min(options, key=lambda o: o[:3])[3]
        arrow = None
        if target == "ladder":
            y = card.top + s(44)
            arrow = ((card.right + s(6), y), (self.rects["ladder"].left + s(14), y))
        elif target == "news":
            x = card.centerx
            arrow = ((x, card.bottom + s(6)), (x, self.rects["news"].top + s(12)))
        button = pygame.Rect(card.right - pad - btn_w, card.top + pad + (head_h - btn_h) // 2, btn_w, btn_h)
        out = {
            "hint": hint,
            "card": card,
            "button": button,
            "arrow": arrow,
            "target": target,
            "lines": lines,
            "title": title,
            "fonts": (f_tag, f_title, f_body),
            "pad": pad,
            "stripe": stripe,
        }
        self._hint_cache = (key, out)
        return out

    def _places_under(self, card: pygame.Rect) -> int:
        """How many map sites (marker or name) a card there would hide."""
        f = theme.font(self.app.font_px(13), "bold")
        n = 0
        for site in self.match.scenario.map.sites:
            x, y = (float(v) for v in self.map.proj.to_screen(site.lon, site.lat))
            mark = pygame.Rect(x - 8, y - 8, 16, 16)
            label = pygame.Rect(x + 8, y - 9, f.size(site.name)[0], 18)
            n += bool(card.colliderect(mark) or card.colliderect(label))
        return n

    def hint_target_rect(self, target: str | None) -> pygame.Rect | None:
        """The outline of the part of the board a hint is about (panels: inside their edge;
        the action list and the signal row: around them)."""
        r, s = self.rects, self.app.s
        if target in ("ladder", "news", "indicators"):
            return r[target].inflate(-s(4), -s(4))
        if target == "decisions" and not self.watch and not self.match.session.done and hasattr(self, "list_rect"):
            return self.list_rect.inflate(s(6), s(6))
        if target == "signals" and getattr(self, "signal_row", None) is not None:
            return self.sig_prev.rect.union(self.sig_next.rect).inflate(s(10), s(34)).move(0, -s(12))
        return None

    def build_hint(self) -> None:
        """The "Got it" button of this turn's hint card (the card itself is drawn)."""
        if self.hint_btn is not None:
            self.hint_btn.kill()
            self.hint_btn = None
        lay = self.hint_layout() if self.root is not None else None
        if lay is None:
            return
        self.hint_btn = UIButton(
            lay["button"],
            "Got it",
            self.app.manager,
            container=self.root,
            object_id=oid("@primary", "#hint_ok"),
            tool_tip_text="Hide this hint (Esc or H); H shows it again",
        )

    def dismiss_hint(self) -> None:
        self.hints.dismiss(self.match.session.turn, self.seat)
        self.build_hint()

    def toggle_hint(self) -> None:
        shown = self.hints.toggle(self.match.scenario, self.match.session.turn, self.seat, self.app.settings.show_hints)
        if not shown and hint_for(self.match.scenario, self.match.session.turn) is None:
            self.app.notify("No hint for this turn", "info", 2)
        self.build_hint()

    def _draw_hint_card(self, surface) -> None:
        lay = self.hint_layout()
        if lay is None:
            return
        s = self.app.s
        card, pad, stripe = lay["card"], lay["pad"], lay["stripe"]
        f_tag, f_title, f_body = lay["fonts"]
        bg = pygame.Surface(card.size, pygame.SRCALPHA)
        pygame.draw.rect(bg, (11, 16, 23, 246), bg.get_rect(), border_radius=8)
        surface.blit(bg, card)
        pygame.draw.rect(surface, theme.ACCENT, card, 2, border_radius=8)
        pygame.draw.rect(
            surface,
            theme.ACCENT,
            pygame.Rect(card.left, card.top, stripe, card.h),
            border_top_left_radius=8,
            border_bottom_left_radius=8,
        )
        x = card.left + stripe + pad
        y = card.top + pad
        turns = self.match.scenario.calendar.turns
        tag = theme.render(f_tag, f"HINT \u00b7 TURN {lay['hint'].turn} OF {turns}", theme.ACCENT)
        surface.blit(tag, (x, y))
        room = lay["button"].left - s(10) - (x + tag.get_width() + s(10))
        keys = _fit(f_tag, "Esc or H hides it", room) if room > s(40) else ""
        if keys:
            surface.blit(theme.render(f_tag, keys, theme.TEXT_FAINT), (x + tag.get_width() + s(10), y))
        y += f_tag.get_linesize()
        surface.blit(theme.render(f_title, lay["title"], theme.TEXT), (x, y))
        y += f_title.get_linesize() + s(8)
        for line in lay["lines"]:
            surface.blit(theme.render(f_body, line, (214, 220, 228)), (x, y))
            y += f_body.get_linesize()

    def _draw_hint_pointer(self, surface) -> None:
        """Above the widgets: the outline of what the hint is about, and the arrow to it."""
        lay = self.hint_layout()
        if lay is None:
            return
        s = self.app.s
        pulse = 0.5 + 0.5 * math.sin(pygame.time.get_ticks() / 260.0)
        colour = theme.mix(theme.ACCENT, (255, 236, 190), 0.35 * pulse)
        target = self.hint_target_rect(lay["target"])
        if target is not None:
            pygame.draw.rect(surface, colour, target, s(3), border_radius=8)
        if lay["arrow"] is not None:
            (x0, y0), (x1, y1) = lay["arrow"]
            rows = self.ladder.row_rects
            if lay["target"] == "ladder" and rows:  # at a rung, not at the empty panel under them
                y0 = y1 = max(min(y0, rows[0].centery), rows[-1].centery, lay["card"].top + s(12))
            w = s(4)
            head = s(12)
            if y0 == y1:
                pygame.draw.line(surface, colour, (x0, y0), (x1 - head, y1), w)
                pygame.draw.polygon(
                    surface, colour, [(x1, y1), (x1 - head - 2, y1 - head + 2), (x1 - head - 2, y1 + head - 2)]
                )
            else:
                pygame.draw.line(surface, colour, (x0, y0), (x1, y1 - head), w)
                pygame.draw.polygon(
                    surface, colour, [(x1, y1), (x1 - head + 2, y1 - head - 2), (x1 + head - 2, y1 - head - 2)]
                )

    def _over_hint(self, pos) -> bool:
        lay = self.hint_layout()
        return lay is not None and lay["card"].collidepoint(pos)

    # ------------------------------------------------------------ actions
    @property
    def busy(self) -> bool:
        """A turn, the debrief or a reload is being computed (the board shows the state before it)."""
        return self.app.work.busy

    def end_turn(self) -> None:
        """Enter or the End turn button: this seat's choice; once every seat has chosen, the turn
        is played on the worker thread while the board keeps showing this turn."""
        sess = self.match.session
        if self.busy:
            return
        if sess.done:
            self.open_debrief()
            return
        if self.match.ai_seats or self.selected is None:
            return
        plan = self.match.take_choice(self.seat, self.selected, self.signal)
        self.selected, self.signal = None, None
        if plan is None:
            self.relayout()
            self.hand_over(note="")
            return
        turn = min(sess.turn, self.match.scenario.calendar.turns)
        self.app.work.submit(f"Resolving turn {turn}\u2026", self.match.play, plan, on_done=self._turn_played)

    def _turn_played(self, result: TurnResult) -> None:
        """On the frame loop: show the played turn (unless the game was left or reloaded meanwhile)."""
        if self not in self.app.stack.screens or not self.match.apply(result):
            return
        self.app.input_barrier()
        self.selected, self.signal = None, None
        self.relayout()
        if self.match.autosave_problem:
            self.app.notify(self.match.autosave_problem, "warn")
        if len(self.match.seats) > 1 and not self.match.session.done:
            self.hand_over()

    def hand_over(self, note: str = "") -> None:
        from game.ui.screens.handover import HandoverScreen

        seat = self.match.viewpoint
        if seat is not None:
            if self.app.instructor:  # the next player starts in the student view, not the last one's
                self.app.instructor = False
                self.relayout()
                note = note or "Pass the computer on. The instructor view is now off (F2 turns it on)."
            self.app.stack.push(HandoverScreen(self.app, self.match, seat, note))

    def advance(self) -> None:
        """Watch mode: one turn, played on the worker thread."""
        if self.busy or self.match.session.done:
            return
        turn = self.match.session.turn
        self.app.work.submit(
            f"Playing turn {turn}\u2026", self.match.play, self.match.plan_turn(), on_done=self._turn_played
        )

    def open_debrief(self) -> None:
        """The debrief, once its 1,000 replays are computed on the worker thread (the game is over:
        nothing changes the session they read)."""
        if self.busy:
            return
        seats = tuple(self.match.seats or self.match.ai_seats)
        self.app.work.submit(
            "Preparing the debrief: your decisions replayed 1,000 times\u2026",
            replay_shares,
            self.match.session,
            seats,
            on_done=self._show_debrief,
        )

    def _show_debrief(self, replays) -> None:
        from game.ui.screens.debrief import DebriefScreen

        if self.app.stack.top is self:
            self.app.stack.push(DebriefScreen(self.app, self.match, replays=replays))

    def save(self) -> None:
        if self.match.watching:
            return
        try:
            path = self.match.save_as()
        except OSError as exc:
            self.app.notify(f"Could not save: {exc}", "warn")
            return
        self.app.notify(f"Game saved: {path}", "good")

    def reload(self) -> None:
        """F5: read the scenario again and replay this game on it, on the worker thread."""
        if self.busy:
            return
        self.app.work.submit(
            "Reloading the scenario\u2026", self.match.load_version, self.match.session, on_done=self._reloaded
        )

    def _reloaded(self, version: NewVersion) -> None:
        if self not in self.app.stack.screens or version.base is not self.match.session:
            return
        if version.diagnostics:
            from game.ui.screens.errors import ReloadErrors

            self.app.stack.push(ReloadErrors(self.app, self.match.path, list(version.diagnostics)))
            return
        self.match.use_version(version)
        self.app.input_barrier()
        self._prepare_views()
        self.relayout()
        self.app.notify(f"Reloaded {self.match.path}: the game was replayed on the new version", "good")

    def toggle_instructor(self) -> None:
        self.app.instructor = not self.app.instructor
        self.relayout()

    def move_selection(self, d: int) -> None:
        stops = list(getattr(self, "stops", []))
        if not stops:
            return
        i = stops.index(self.selected) if self.selected in stops else 0
        self.selected = stops[(i + d) % len(stops)]
        self.refresh_selection()
        self.ensure_visible()

    def cycle_signal(self, d: int) -> None:
        opts = [None] + [s.index for s in self.signal_options()]
        if len(opts) == 1:
            return
        i = opts.index(self.signal) if self.signal in opts else 0
        self.signal = opts[(i + d) % len(opts)]
        self.refresh_selection()

    # ------------------------------------------------------------ events
    def handle_event(self, event):
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            return self._button(event)
        if event.type == pygame.KEYDOWN and self._key(event):
            return None
        if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEWHEEL) and self._over_hint(
            getattr(event, "pos", None) or pygame.mouse.get_pos()
        ):
            return None  # the card is not the map: no drag, no zoom under it
        if self.map.handle_event(event):
            return None
        return event

    def _button(self, event):
        el = event.ui_element
        if el is self.hint_btn and el is not None:
            self.dismiss_hint()
        elif el is self.menu_btn:
            self.open_menu()
        elif el is self.help_btn:
            self.app.toggle_help()
        elif el is self.instr_btn:
            self.toggle_instructor()
        elif el is getattr(self, "end_btn", None):
            self.end_turn()
        elif self.watch and el is getattr(self, "play_btn", None):
            self.playing = not self.playing
            self.play_btn.set_text("Pause" if self.playing else "Play")
        elif self.watch and el is getattr(self, "step_btn", None):
            self.playing = False
            self.advance()
        elif self.watch and el is getattr(self, "speed_btn", None):
            speeds = [0.5, 1.0, 2.0, 4.0]
            self.speed = speeds[(speeds.index(self.speed) + 1) % len(speeds)] if self.speed in speeds else 1.0
            self.speed_btn.set_text(f"{self.speed:g} turn/s")
        else:
            for key, b in getattr(self, "option_buttons", {}).items():
                if el is b:
                    if isinstance(key, tuple):
                        cur = self.selected_option()
                        if cur is None or cur.action != key[1]:
                            self.selected = next(o.instance for o in self.legal_options() if o.action == key[1])
                    else:
                        self.selected = key
                    self.refresh_selection()
                    self.ensure_visible()
                    return None
            if getattr(self, "signal_row", None) is not None:
                if el is self.sig_prev:
                    self.cycle_signal(-1)
                    return None
                if el is self.sig_next or el is self.signal_row:
                    self.cycle_signal(1)
                    return None
            return event
        return None

    def open_menu(self) -> None:
        from game.ui.screens.pause import PauseMenu

        self.app.stack.push(PauseMenu(self.app, self))

    def _key(self, event) -> bool:
        k, mod = event.key, event.mod
        ctrl = mod & pygame.KMOD_CTRL
        if k == pygame.K_ESCAPE:
            if self.current_hint() is not None:
                self.dismiss_hint()
            else:
                self.open_menu()
        elif k == pygame.K_h and not ctrl:
            self.toggle_hint()
        elif k == pygame.K_F2:
            self.toggle_instructor()
        elif k == pygame.K_F5:
            self.reload()
        elif k == pygame.K_s and ctrl:
            self.save()
        elif k == pygame.K_l and ctrl:
            from game.ui.screens.pause import LoadDialog

            self.app.stack.push(LoadDialog(self.app))
        elif k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            if self.watch:
                if self.match.session.done:
                    self.open_debrief()
            else:
                self.end_turn()
        elif k == pygame.K_HOME:
            self.map.reset_view()
        elif self.watch and k == pygame.K_SPACE:
            self.playing = not self.playing
            if hasattr(self, "play_btn"):
                self.play_btn.set_text("Pause" if self.playing else "Play")
        elif self.watch and k == pygame.K_RIGHT and not mod & pygame.KMOD_SHIFT:
            self.playing = False
            self.advance()
        elif k in (pygame.K_w, pygame.K_a, pygame.K_s, pygame.K_d) and not ctrl:
            step = self.app.s(70)
            dx, dy = {pygame.K_w: (0, step), pygame.K_s: (0, -step), pygame.K_a: (step, 0), pygame.K_d: (-step, 0)}[k]
            self.map.proj.pan_pixels(dx, dy)
        elif self.watch or self.match.session.done:
            return False
        elif k in (pygame.K_UP, pygame.K_DOWN) and not mod & pygame.KMOD_SHIFT:
            self.move_selection(-1 if k == pygame.K_UP else 1)
        elif k in (pygame.K_LEFT, pygame.K_RIGHT) and not mod & pygame.KMOD_SHIFT:
            self.cycle_signal(-1 if k == pygame.K_LEFT else 1)
        elif k == pygame.K_TAB:
            self.cycle_signal(-1 if mod & pygame.KMOD_SHIFT else 1)
        elif pygame.K_1 <= k <= pygame.K_9 or pygame.K_KP1 <= k <= pygame.K_KP9:
            n = (k - pygame.K_1 + 1) if k <= pygame.K_9 else (k - pygame.K_KP1 + 1)
            if n in self.key_numbers:
                self.selected = self.key_numbers[n]
                self.refresh_selection()
                self.ensure_visible()
        else:
            return False
        return True

    # ------------------------------------------------------------ frame
    def update(self, dt: float) -> None:
        if self.paused:
            return
        self._dt = dt
        if getattr(self, "_scroll_pending", False):
            self._scroll_pending = False
            self.ensure_visible()
        if self.watch and self.playing and not self.match.session.done:
            self._clock += dt
            if self._clock >= 1.0 / self.speed:
                self._clock = 0.0
                self.advance()
        if self.watch and self.playing and self.match.session.done:
            self.playing = False
            self.relayout()

    def draw(self, surface) -> None:
        r = self.rects
        w, h = self.app.size
        pygame.draw.rect(surface, (12, 16, 22), r["top"])
        pygame.draw.line(surface, theme.PANEL_EDGE, (0, r["top"].bottom - 1), (w, r["top"].bottom - 1))
        if self.seat and not self.watch:
            self._draw_seat_chip(surface, r["top"])
        if self.app.instructor:
            f = theme.font(self.app.font_px(11), "bold")
            img = theme.render(f, "INSTRUCTOR VIEW", (12, 12, 12))
            chip = img.get_rect()
            chip.inflate_ip(14, 6)
            chip.midtop = (w // 2, r["top"].bottom + 6)
            pygame.draw.rect(surface, (204, 121, 167), chip, border_radius=4)
            surface.blit(img, img.get_rect(center=chip.center))
        self.map.draw(surface, getattr(self, "_dt", 0.0))
        if self.basemap_problem:
            f = theme.font(self.app.font_px(12))
            surface.blit(
                theme.render(f, self.basemap_problem[:120], theme.DANGER), (r["map"].left + 10, r["map"].top + 8)
            )
        if self.match.session.done:
            self._draw_outcome_banner(surface, r["map"])
        self._draw_hint_card(surface)
        pygame.draw.rect(surface, theme.PANEL, r["news"])
        pygame.draw.line(surface, theme.PANEL_EDGE, r["news"].topleft, r["news"].topright)
        f = theme.font(self.app.font_px(12), "bold")
        surface.blit(
            theme.render(f, "NEWS", theme.ACCENT), (r["news"].left + self.app.s(14), r["news"].top + self.app.s(8))
        )
        pygame.draw.rect(surface, theme.PANEL, r["ladder"])
        pygame.draw.line(surface, theme.PANEL_EDGE, r["ladder"].topleft, r["ladder"].bottomleft)
        sess = self.match.session
        preview = None
        o = self.selected_option() if not self.watch else None
        if o is not None and o.rung:
            preview = o.rung
        self.ladder.draw(surface, r["ladder"], sess.rungs(), sess.crossed(), preview, self.seat)
        self._draw_indicators(surface, r["indicators"])
        pygame.draw.rect(surface, (17, 23, 31), r["side"])
        pygame.draw.line(surface, theme.PANEL_EDGE, r["side"].topleft, r["side"].bottomleft)

    def _draw_seat_chip(self, surface, rect) -> None:
        name = self.match.actor_name(self.seat)
        col = self.colours.get(self.seat, theme.ACCENT)
        f = theme.font(self.app.font_px(13), "bold")
        label = f"You: {name}"
        img = theme.render(f, label, theme.TEXT)
        right = self.instr_btn.rect.left - self.app.s(12)
        chip = pygame.Rect(0, 0, img.get_width() + self.app.s(30), self.app.s(28))
        chip.midright = (right, rect.centery)
        pygame.draw.rect(surface, (24, 31, 41), chip, border_radius=14)
        pygame.draw.rect(surface, col, chip, 2, border_radius=14)
        pygame.draw.circle(surface, col, (chip.left + self.app.s(13), chip.centery), self.app.s(5))
        surface.blit(img, img.get_rect(midleft=(chip.left + self.app.s(23), chip.centery)))

    def _draw_outcome_banner(self, surface, rect) -> None:
        out = self.match.session.outcome
        if out is None:
            return
        f = theme.font(self.app.font_px(20), "bold")
        img = theme.render(f, f"Outcome: {out.name}", theme.TEXT)
        box = img.get_rect()
        box.inflate_ip(40, 20)
        box.midtop = (rect.centerx, rect.top + self.app.s(14))
        bg = pygame.Surface(box.size, pygame.SRCALPHA)
        bg.fill((8, 11, 15, 225))
        surface.blit(bg, box)
        pygame.draw.rect(surface, theme.ACCENT, box, 2, border_radius=6)
        surface.blit(img, img.get_rect(center=box.center))

    def _draw_indicators(self, surface, rect) -> None:
        pygame.draw.rect(surface, theme.PANEL, rect)
        pygame.draw.line(surface, theme.PANEL_EDGE, rect.topleft, rect.topright)
        pygame.draw.line(surface, theme.PANEL_EDGE, rect.topleft, rect.bottomleft)
        s = self.app.s
        f = theme.font(self.app.font_px(12), "bold")
        surface.blit(theme.render(f, "INDICATORS", theme.ACCENT), (rect.left + s(12), rect.top + s(8)))
        fl = theme.font(self.app.font_px(12))
        fv = theme.font(self.app.font_px(11), "bold")
        cols = self.indicator_columns()
        mouse = pygame.mouse.get_pos()
        self._indicator_hover = ""
        inner = pygame.Rect(rect.left + s(12), rect.top + s(30), rect.w - s(24), rect.h - s(34))
        gap = s(12)
        cw = (inner.w - gap * (cols - 1)) // cols
        ch = s(26) if cols == 1 else s(34)
        for i, (label, value, lo, hi, says) in enumerate(self.indicators()):
            cx = inner.left + (i % cols) * (cw + gap)
            cy = inner.top + (i // cols) * ch
            cell = pygame.Rect(cx, cy, cw, ch)
            share = (value - lo) / (hi - lo) if hi > lo else 0.0
            vtext = f"{value:.2f}" if hi <= 1.0 else f"{value:g}"
            vimg = theme.render(fv, vtext, theme.TEXT)
            tension = "tension" in label.lower()
            colour = theme.mix((0, 158, 115), (213, 94, 0), share) if tension else (86, 180, 233)
            if cols == 1:
                label_w = int(cw * 0.5)
                surface.blit(theme.render(fl, _fit(fl, label, label_w - 4), theme.TEXT_DIM), (cx, cy + s(3)))
                bar_rect = pygame.Rect(cx + label_w, cy + s(8), cw - label_w - s(40), s(10))
                surface.blit(vimg, vimg.get_rect(midright=(cell.right, bar_rect.centery)))
            else:
                surface.blit(theme.render(fl, _fit(fl, label, cw - vimg.get_width() - 6), theme.TEXT_DIM), (cx, cy))
                surface.blit(vimg, vimg.get_rect(topright=(cell.right, cy + 1)))
                bar_rect = pygame.Rect(cx, cy + s(19), cw, s(7))
            charts.bar(surface, bar_rect, share, colour)
            if cell.collidepoint(mouse):
                self._indicator_hover = f"{label}: {says}" if says else label

    def draw_over(self, surface) -> None:
        if self.paused:
            return
        self._draw_hint_pointer(surface)
        text = self.ladder.hover_text or getattr(self, "_indicator_hover", "") or self._reason_hover()
        if self._over_hint(pygame.mouse.get_pos()):
            return
        if self.map.hover_site is not None and not self.map.dragging:
            self.map.hover_card(surface)
        elif text:
            _tooltip(surface, text, self.app.font_px(13), self.app.size)

    def _reason_hover(self) -> str:
        """The whole reason why an action is not possible now, under the mouse (the rows cut it short)."""
        pos = pygame.mouse.get_pos()
        if self.watch or not hasattr(self, "list_rect") or not self.list_rect.collidepoint(pos):
            return ""
        return next((text for el, text in getattr(self, "reason_tips", ()) if el.rect.collidepoint(pos)), "")

    def state(self) -> dict:
        s = self.match.session
        return {
            "screen": self.name,
            "turn": s.turn,
            "done": s.done,
            "seat": self.seat,
            "outcome": s.outcome.id if s.outcome else None,
            "selected": self.selected,
            "instructor": self.app.instructor,
            "hint": hint.title if (hint := self.current_hint()) else None,
            "decisions": len(s.decisions),
        }


ACRONYMS = {"us", "usa", "uk", "eu", "nato", "un", "ussr", "npp", "irbm", "icbm", "isr"}


def indicator_label(var_id: str, scenario) -> str:
    """A short label for a variable: 'Russia: resolve', 'US admin', 'Tension'."""

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


def _tooltip(surface, text: str, size: int, window) -> None:
    from game.ui.app import _wrap

    f = theme.font(size)
    lines = _wrap(f, text, 340)
    w = max(f.size(x)[0] for x in lines) + 20
    h = len(lines) * f.get_linesize() + 12
    mx, my = pygame.mouse.get_pos()
    box = pygame.Rect(mx + 14, my + 14, w, h)
    box.clamp_ip(pygame.Rect(0, 0, *window))
    pygame.draw.rect(surface, (10, 13, 18), box, border_radius=4)
    pygame.draw.rect(surface, theme.ACCENT, box, 1, border_radius=4)
    y = box.top + 6
    for line in lines:
        surface.blit(theme.render(f, line, theme.TEXT), (box.left + 10, y))
        y += f.get_linesize()
