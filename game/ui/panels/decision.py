"""The decision panel (the student's options, what each does and risks, what to say, End turn; the
outcome once the game is over) and the watch controls (play, step, speed) of a replayed game."""

from __future__ import annotations

import html
from collections.abc import Iterator

import pygame
from pygame_gui.elements import UIButton, UIScrollingContainer, UITextBox

from game.engine import words
from game.ui import news_view, theme
from game.ui.ladder_view import _fit
from game.ui.option_keys import option_key_label
from game.ui.panels.base import Panel
from game.ui.screens.base import oid
from game.ui.widgets import Label

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

RED_LINE_MARK = "  \u00b7 red line"
"""Said on a target's row when taking it trips a declared red line (its card says whose and which)."""
RED_LINE_WORDS = "trips a red line"
"""Said under an action's name when taking it trips a declared red line."""
MARK_SEP = " \u00b7 "


def centred(label: Label) -> Label:
    """``label`` with its text centred: pygame_gui reads a label's alignment from the theme when it is
    made, so an alignment set afterwards shows only once the label is drawn again (rung numbers were
    drawn from the left)."""
    label.text_horiz_alignment = "center"
    label.rebuild()
    return label


WAIT_TEXT = "Wait\u2026 updating the board"
"""End turn's words while the board cannot take a press (a turn resolving, the board rebuilt)."""

SIGNAL_HEADINGS = (
    "SAY SOMETHING (OPTIONAL) \u00b7 LEFT / RIGHT",
    "SAY SOMETHING \u00b7 LEFT / RIGHT",
    "SAY SOMETHING",
)


class DecisionPanel(Panel):
    """The right-hand panel of a student's board: this turn's decision, or the outcome."""

    def __init__(self, board):
        super().__init__(board)
        self.scroller: UIScrollingContainer | None = None
        self.detail: UITextBox | None = None
        self.end_btn: UIButton | None = None
        self.signal_row: UIButton | None = None
        self.sig_prev: UIButton | None = None
        self.sig_next: UIButton | None = None
        self.list_rect = pygame.Rect(0, 0, 0, 0)
        self.option_buttons: dict[object, UIButton] = {}
        self.option_rows: dict[int, pygame.Rect] = {}
        self.key_numbers: dict[int, int] = {}
        self.stops: list[int] = []
        self.reason_tips: list[tuple[UIButton | Label, str]] = []
        self.marks: dict[str, Label] = {}  # action id -> the line under its name ("trips a red line · 2 targets")
        self._open_action: str | None = None
        self._detail_shown = ""
        self._seat: str | None = None  # whose decision the panel was built for
        self._end_text = ""  # End turn's words while it says WAIT_TEXT

    def build_steps(self, rect: pygame.Rect) -> Iterator[None]:
        """A new turn for the same seat in the same place keeps the list, the card and the buttons:
        only the rows are made again (a row a step), and the card's text changes if it must."""
        same = (
            self.container is not None
            and self.container.alive()
            and pygame.Rect(rect) == self.rect
            and self.scroller is not None
            and self.detail is not None
            and self.presenter.deciding
            and self._seat == self.presenter.seat
            and (self.signal_row is not None) == bool(self.presenter.signal_options())
        )
        if not same:
            yield from super().build_steps(rect)
            return
        self.presenter.default_selection()
        yield from self.option_list_steps()
        self.refresh()
        yield

    def widget_steps(self, root) -> Iterator[None]:
        self.scroller = self.detail = self.end_btn = self.signal_row = self.sig_prev = self.sig_next = None
        self.option_buttons, self.option_rows, self.key_numbers, self.stops, self.reason_tips = {}, {}, {}, [], []
        if self.match.session.done:
            self.build_over(root, self.rect)
            yield
        else:
            self.presenter.default_selection()
            yield from self.decision_steps(root, self.rect)

    def decision_steps(self, root, rect) -> Iterator[None]:
        """The heading, the option list a row a step, the details, the signals, End turn."""
        m, s = self.app.manager, self.app.s
        x, w = rect.left + s(12), rect.w - s(24)
        y = rect.top + s(10)
        seat = self._seat = self.presenter.seat
        name = self.match.actor_name(seat) if seat else ""
        label = f"YOUR DECISION \u00b7 {name.upper()}"
        Label(pygame.Rect(x, y, w, s(20)), label, m, container=root, object_id=oid("@heading"))
        y += s(24)
        footer_h = s(56)
        sig_opts = self.presenter.signal_options()
        sig_h = s(62) if sig_opts else 0
        detail_h = max(s(130), min(s(210), int(rect.h * 0.31)))
        list_h = rect.bottom - y - footer_h - sig_h - detail_h - s(16)
        self.list_rect = pygame.Rect(x - s(4), y, w + s(8), list_h)
        yield from self.option_list_steps()
        y += list_h + s(8)
        self.detail = UITextBox(
            self.detail_html(self.presenter.selected_option()),
            pygame.Rect(x - s(4), y, w + s(8), detail_h),
            m,
            container=root,
            object_id=oid("@card_text"),
        )
        self._detail_shown = self.detail.html_text
        yield
        y += detail_h + s(8)
        if sig_opts:
            heading_font = theme.font(self.app.font_px(12), "bold")
            heading = next(
                (t for t in SIGNAL_HEADINGS if heading_font.size(t)[0] <= w - s(4)), SIGNAL_HEADINGS[-1]
            )  # the longest that fits: Larger text cut the key hint
            Label(
                pygame.Rect(x, y, w, s(20)),
                heading,
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
            yield
        self.end_btn = UIButton(
            pygame.Rect(x, rect.bottom - footer_h + s(6), w, s(42)),
            "End turn (Enter)",
            m,
            container=root,
            object_id=oid("@primary"),
            tool_tip_text="Every side acts at once; then red lines and chance are resolved",
        )
        self.refresh()

    def build_option_list(self) -> None:
        """The action list: one row per action; the selected action opens to its targets and weapons."""
        for _step in self.option_list_steps():
            pass

    def option_list_steps(self) -> Iterator[None]:
        """``build_option_list`` a row a step."""
        m, s = self.app.manager, self.app.s
        keep = None
        if self.scroller is not None and self.scroller.alive():
            bar = getattr(self.scroller, "vert_scroll_bar", None)
            keep = bar.start_percentage if bar is not None else None
            self.scroller.get_container().clear()  # the rows go, the list stays (it costs a frame to make)
        else:
            self.scroller = UIScrollingContainer(self.list_rect, m, container=self.container, allow_scroll_x=False)
        self.option_buttons = {}
        self.option_rows = {}
        self.key_numbers = {}
        self.stops = []
        self.reason_tips = []  # disabled rows and the marks under a name show no tool tips: drawn by hand
        self.marks = {}
        inner_w = self.list_rect.w - s(28)
        bfont = theme.font(self.app.font_px(14))
        rfont = theme.font(self.app.font_px(12))
        cy = 0
        number = 1
        current = self.presenter.selected_option()
        self._open_action = current.action if current is not None else None
        cat_seen = None
        impossible = []
        for cat, action, legal, illegal in self.presenter.action_groups():
            if not legal:
                impossible.append((action, illegal))
                continue
            if cat != cat_seen:
                cat_seen = cat
                Label(
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
            num = option_key_label(number) or "  "
            number += 1
            text = f"{num}   {first.name}"
            tip = self.option_tooltip(first)
            # a row that trips a declared red line says so (every target of it, for a row of targets):
            # the tutorial's hint and the README promise the panel marks them, and only the card did
            marks = [RED_LINE_WORDS] if all(self.visible_trips(o) for o in legal) else []
            if many:  # how many targets (or variants), in words and never cut: a bare "(5)" puzzled play-testers
                kinds = words.count(len(legal), "target" if first.target else "option")
                marks.append(kinds)
                tip = f"{first.name}: {kinds} to choose from (select it: they open below it). {tip}"
            elif first.target:
                text += f": {first.target}"
            b = UIButton(
                pygame.Rect(0, cy, inner_w - s(66), s(32)),
                _fit(bfont, text, inner_w - s(74)),
                m,
                container=self.scroller,
                object_id=oid("@option"),
                tool_tip_text=tip,
            )
            centred(
                Label(
                    pygame.Rect(inner_w - s(62), cy, s(62), s(32)),  # "rung 14" fits Larger text
                    f"rung {first.rung}" if first.rung else "\u2014",
                    m,
                    container=self.scroller,
                    object_id=oid("@dim", "#rung"),
                )
            )
            self.option_buttons[("action", action)] = b
            if is_open and not many:
                b.select()
            row_h = s(32)
            if marks:  # on a line of their own under the name: beside it they left "Wide stri…" of the name
                mark_h = max(s(16), rfont.get_linesize())
                mark = Label(
                    pygame.Rect(s(12), cy + row_h, inner_w - s(78), mark_h),
                    _fit(rfont, MARK_SEP.join(marks), inner_w - s(82)),
                    m,
                    container=self.scroller,
                    object_id=oid("@dim", "#marks"),
                )
                self.marks[action] = mark
                self.reason_tips.append((mark, tip))
                row_h += mark_h
            self.option_rows[rep] = pygame.Rect(0, cy, inner_w, row_h)
            cy += row_h + s(4)
            yield
            if is_open and many:
                for o in legal:
                    self.stops.append(o.instance)
                    label = self.instance_text(o)
                    if self.visible_trips(o) and RED_LINE_WORDS not in marks:  # the action's line said it of all
                        label = _fit(bfont, label, inner_w - s(44) - bfont.size(RED_LINE_MARK)[0]) + RED_LINE_MARK
                    sb = UIButton(
                        pygame.Rect(s(22), cy, inner_w - s(22), s(28)),
                        _fit(bfont, label, inner_w - s(44)),
                        m,
                        container=self.scroller,
                        object_id=oid("@option"),
                        tool_tip_text=f"{self.instance_text(o)}: {self.option_tooltip(o)}",  # the row cuts it
                    )
                    self.option_buttons[o.instance] = sb
                    self.option_rows[o.instance] = pygame.Rect(0, cy, inner_w, s(28))
                    cy += s(31)
                    yield
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
                    lab = Label(
                        pygame.Rect(s(32), cy, inner_w - s(32), s(18)),
                        _fit(rfont, o.reason, inner_w - s(40)),
                        m,
                        container=self.scroller,
                        object_id=oid("@dim", "#reason"),
                    )
                    self.reason_tips += [(sb, f"{self.instance_text(o)}: {o.reason}"), (lab, o.reason)]
                    cy += s(22)
                    yield
                cy += s(4)
            else:
                self.stops.append(rep)
        if impossible:
            Label(
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
                    pygame.Rect(0, cy, inner_w - s(66), s(28)),
                    _fit(bfont, text, inner_w - s(74)),
                    m,
                    container=self.scroller,
                    object_id=oid("@option"),
                )
                b.disable()
                centred(
                    Label(
                        pygame.Rect(inner_w - s(62), cy, s(62), s(28)),
                        f"rung {o.rung}" if o.rung else "\u2014",
                        m,
                        container=self.scroller,
                        object_id=oid("@dim", "#rung"),
                    )
                )
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
                lab = Label(
                    pygame.Rect(s(10), cy, inner_w - s(10), s(18)),
                    _fit(rfont, reason, inner_w - s(14)),
                    m,
                    container=self.scroller,
                    object_id=oid("@dim", "#reason"),
                )
                full = "; ".join(reasons[:4]) + ("; \u2026" if len(reasons) > 4 else "")
                self.reason_tips += [(b, f"{o.name}: {full}"), (lab, full)]
                cy += s(24)
                yield
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

    def build_over(self, root, rect) -> None:
        m, s = self.app.manager, self.app.s
        x, w = rect.left + s(12), rect.w - s(24)
        y = rect.top + s(14)
        out = self.match.session.outcome
        Label(pygame.Rect(x, y, w, s(20)), "GAME OVER", m, container=root, object_id=oid("@heading"))
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

    def option_tooltip(self, o) -> str:
        bits = [o.name]
        if o.rung_name:
            rung = self.match.scenario.ladder.rungs[o.rung - 1]
            kahn = (
                f" (Herman Kahn's 44-rung escalation ladder of 1965 puts it at rung {rung.kahn})" if rung.kahn else ""
            )
            bits.append(
                f"Rung {o.rung} of {len(self.match.scenario.ladder.rungs)} up this crisis's ladder: {o.rung_name}{kahn}"
            )
        if o.description:
            bits.append(o.description)
        trips = self.visible_trips(o)
        if trips:
            bits.append("Would trip: " + "; ".join(f"{words.possessive(t.owner)} red line '{t.name}'" for t in trips))
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
            sub += f" \u00b7 rung {o.rung} of {len(scn.ladder.rungs)} up the ladder: {html.escape(rung.name)}"
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
                    f"<font color='#ff8a3d'><b>Trips {html.escape(words.possessive(tr.owner))} red line</b></font> "
                    f"\u2018{html.escape(tr.name)}\u2019{hidden}. Possible answers: {resp}"
                )
        elif o.legal:
            lines.append("<font color='#8a96a4'>Trips no declared red line.</font>")
        if o.description:
            lines.append(html.escape(o.description))
        return f"<font pixel_size={px}>" + "<br>".join(lines) + "</font>"

    # ------------------------------------------------------------ updates
    def refresh(self) -> None:
        """Show the presenter's selection: the open action, the selected row, the signal, the details."""
        o = self.presenter.selected_option()
        if self.scroller is not None and o is not None and self._open_action != o.action:
            self._open_action = o.action
            self.build_option_list()
        for key, b in self.option_buttons.items():
            on = key == self.presenter.selected or (
                isinstance(key, tuple)
                and o is not None
                and key[1] == o.action
                and not any(k == o.instance for k in self.option_buttons)
            )
            if on and not b.is_selected:
                b.select()
            elif not on and b.is_selected:
                b.unselect()
        if self.signal_row is not None:
            so = next((x for x in self.presenter.signal_options() if x.index == self.presenter.signal), None)
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
        o = self.presenter.selected_option()
        if self.detail is not None and self.presenter.deciding:
            text = self.detail_html(o)
            if text != self._detail_shown:  # each new text lays out and redraws the whole card
                self.detail.set_text(text)
                self._detail_shown = text
        if self.end_btn is not None and self.end_btn.is_enabled and o is not None and not self.match.session.done:
            font = theme.font(self.app.font_px(15), "bold")
            self.end_btn.set_text(end_turn_text(font, o.name, self.end_btn.rect.w - 24))

    def set_waiting(self, waiting: bool) -> None:
        """While a turn resolves or the board is being rebuilt, Enter and clicks are ignored (the input
        barrier): End turn says so and takes no click, where a press had no sign it went nowhere."""
        b = self.end_btn
        if b is None or not b.alive() or waiting != b.is_enabled:
            return
        if waiting:
            self._end_text = b.text
            b.disable()
            b.set_text(_fit(theme.font(self.app.font_px(15), "bold"), WAIT_TEXT, b.rect.w - 24))
        else:
            b.enable()
            b.set_text(self._end_text)
            self.refresh()

    def ensure_visible(self) -> None:
        row = self.option_rows.get(self.presenter.selected) if self.presenter.selected is not None else None
        scroller = self.scroller
        bar = getattr(scroller, "vert_scroll_bar", None) if scroller is not None else None
        if row is None or bar is None or scroller is None:
            return
        total = scroller.scrollable_container.rect.h
        view = scroller.rect.h
        top = bar.start_percentage * total
        if row.top < top or row.bottom > top + view:
            target = max(0.0, row.top - view * 0.3)
            bar.set_scroll_from_start_percentage(min(1.0, target / total))

    def hover_text(self) -> str:
        """The whole reason why an action is not possible now, under the mouse (the rows cut it short)."""
        pos = pygame.mouse.get_pos()
        if self.scroller is None or not self.list_rect.collidepoint(pos):
            return ""
        return next((text for el, text in self.reason_tips if el.rect.collidepoint(pos)), "")

    def press(self, el) -> bool:
        """A click on one of the panel's rows or signal arrows: the selection changes (True); none
        while the panel is being built."""
        if self.board.settling:
            return any(el is b for b in self.option_buttons.values())
        for key, b in self.option_buttons.items():
            if el is b:
                if isinstance(key, tuple):
                    self.presenter.select_action(key[1])
                else:
                    self.presenter.select(key)
                self.board.selection_changed()
                return True
        if self.signal_row is not None and el in (self.sig_prev, self.sig_next, self.signal_row):
            self.board.cycle_signal(-1 if el is self.sig_prev else 1)
            return True
        return False


class WatchPanel(Panel):
    """The right-hand panel when watching a replayed game: play, step, speed, and each side's last choice."""

    def __init__(self, board):
        super().__init__(board)
        self.end_btn: UIButton | None = None
        self.play_btn: UIButton | None = None
        self.step_btn: UIButton | None = None
        self.speed_btn: UIButton | None = None

    def build_widgets(self, root) -> None:
        rect = self.rect
        m, s = self.app.manager, self.app.s
        x, w = rect.left + s(12), rect.w - s(24)
        y = rect.top + s(10)
        sess = self.match.session
        Label(
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
            "Pause" if self.board.playing else "Play",
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
            f"{self.board.speed:g} turn/s",
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
        UITextBox(
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
            col = theme.hex_of(theme.lighten(self.board.colours[a.id], 0.3))
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


def end_turn_text(font, name: str, width: int) -> str:
    """End turn's label: the action's name whole before the key ('End turn: Hold and watch (En…'
    cut the key's name with the larger text); then without the key; the name cut only when even
    that does not fit."""
    full, short = f"End turn: {name}  (Enter)", f"End turn: {name}"
    if font.size(full)[0] <= width:
        return full
    return short if font.size(short)[0] <= width else _fit(font, short, width)
