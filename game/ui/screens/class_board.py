"""A student's board in a class game: the board a single player gets, drawn from what the server
sends the seat and nothing else.

The map and the ladder are the single-player ``MapView`` and ``LadderView``, drawn from the
public scenario the server sends on join (``game.net.public``: map, ladder, actors, the seat's own
weapons and the red lines it may know of); the rungs, crossings, news, options and messages come
with each view (``ClassGame.view``). The layout is the game screen's: a top bar, the map with the
news under it, the ladder beside it, the decision on the right, with the class's own parts (the
team's proposal and its confirmation, the clock, the messages beside the news).

Keys: one press, one act. 1-9, 0 and the board's letters pick an action, Up/Down move the pick,
Left/Right choose what to say with it, Enter proposes the picked action to the team, or confirms
the team's proposal when it is the one picked; W A S D pan the map, Home resets it; Tab moves
over the buttons.
"""

from __future__ import annotations

import html

import pygame
import pygame_gui
from pygame_gui.elements import UIButton, UIDropDownMenu, UIScrollingContainer

from game.engine.words import possessive
from game.geo import BasemapError, load_basemap
from game.net import protocol
from game.net.public import DataFileError, read_public_scenario
from game.ui import theme
from game.ui.ladder_view import LadderView, _fit
from game.ui.map_view import MapView
from game.ui.option_keys import option_key_label, option_number
from game.ui.screens.base import oid
from game.ui.screens.game_screen import load_cities
from game.ui.screens.net_common import FollowingScreen, actor_names, esc, feed_html, items, messages_html
from game.ui.tooltip import draw_tooltip
from game.ui.widgets import Label, text_box

SAY_NOTHING = "Say nothing"
EVERYONE = "everyone (public)"


def option_text(o: dict) -> str:
    return o["name"] + (f": {o['target']}" if o["target"] else "")


def instance_text(o: dict) -> str:
    """A row under its action: the target, and the weapon (one target may be struck with two)."""
    bits = [o["target"] or o["name"]]
    if o["weapon"]:
        bits.append(o["weapon"].split(" (")[0])
    return " \u00b7 ".join(bits)


def option_tip(o: dict) -> str:
    """What the option's tooltip says: its rung, what it is, why not, which declared lines it trips."""
    bits = [option_text(o)]
    if o["rung"]:
        bits.append(f"rung {o['rung']}: {o['rung_name']}")
    if o["weapon"]:
        bits.append(f"With {o['weapon']}" + (f", {o['distance_km']:.0f} km" if o.get("distance_km") else ""))
    if not o["legal"]:
        bits.append(f"Not possible now: {o['reason']}")
    if o["trips"]:
        bits.append("Would trip: " + "; ".join(f"{possessive(t['owner'])} red line '{t['name']}'" for t in o["trips"]))
    if o["description"]:
        bits.append(o["description"])
    return ". ".join(bits)


def detail_html(o: dict | None, px: int) -> str:
    """The picked option, as the single-player board's detail box says it."""
    if o is None:
        return f"<font pixel_size={px} color='#8a96a4'>Pick an action (its key, or a click).</font>"
    lines = [f"<b>{html.escape(option_text(o))}</b>"]
    if o["rung"]:
        lines.append(f"<font color='#9aa6b4'>rung {o['rung']}: {html.escape(o['rung_name'])}</font>")
    if o["weapon"]:
        km = f", {o['distance_km']:.0f} km" if o.get("distance_km") else ""
        lines.append(f"With {html.escape(o['weapon'])}{km}")
    for t in o["trips"]:
        answers = ", ".join(html.escape(n) for n in t["responses"] if n != "nothing")
        answers = answers + ", or nothing" if answers else "unknown"
        lines.append(
            f"<font color='#ff8a3d'><b>Trips {html.escape(possessive(t['owner']))} red line</b></font> "
            f"\u2018{html.escape(t['name'])}\u2019. Possible answers: {answers}"
        )
    if not o["trips"]:
        lines.append("<font color='#8a96a4'>Trips no declared red line.</font>")
    if o["description"]:
        lines.append(html.escape(o["description"]))
    return f"<font pixel_size={px}>" + "<br>".join(lines) + "</font>"


def expand_up(menu: UIDropDownMenu) -> None:
    """Make a drop-down list open upwards (pygame_gui reads the direction from the theme only)."""
    menu.expand_direction = "up"
    for state in menu.menu_states.values():
        state.expand_direction = "up"
    menu.rebuild()


def grouped(options: list[dict]) -> list[tuple[str, list[dict]]]:
    """Options by action name, in their order: an action with several targets is one group."""
    groups: dict[str, list[dict]] = {}
    for o in options:
        groups.setdefault(o["name"], []).append(o)
    return list(groups.items())


class ClassBoardScreen(FollowingScreen):
    """A team's board: map, ladder, news and decision, with the team's proposal and the messages."""

    name = "class_board"

    def __init__(self, app, client):
        super().__init__(app, client)
        self.selected: int | None = None  # the instance picked
        self.signal: int | None = None  # the signal index to send with it
        self.to_text = EVERYONE
        self.option_buttons: dict[int, UIButton] = {}
        self.key_numbers: dict[int, int] = {}  # key number -> instance
        self.option_rows: dict[int, pygame.Rect] = {}  # instance -> its row in the list
        self.stops: list[int] = []  # the options possible now, in the list's order (Up/Down)
        self.scroll_keep: float | None = None
        self.scroller: UIScrollingContainer | None = None
        self.propose_btn: UIButton | None = None
        self.confirm_btn: UIButton | None = None
        self.send_btn: UIButton | None = None
        self.signal_menu: UIDropDownMenu | None = None
        self.to_menu: UIDropDownMenu | None = None
        self.rects: dict[str, pygame.Rect] = {}
        self._dt = 0.0
        self.problem = ""
        self.board = None
        try:
            self.board = read_public_scenario(client.scenario)
        except DataFileError as exc:
            self.problem = f"the server sent no map: {exc}"
        self.scenario = self.board.scenario() if self.board is not None else None
        self.map: MapView | None = None
        self.ladder: LadderView | None = None
        self.basemap_problem = ""
        if self.scenario is not None:
            scn = self.scenario
            self.colours = theme.actor_colours(scn, app.settings.palette)
            basemap = None
            if scn.map.basemap and scn.map.basemap != "none":
                try:
                    basemap = load_basemap(scn.map.basemap)
                except BasemapError as exc:
                    self.basemap_problem = str(exc)
            self.map = MapView(scn, self.colours, basemap, load_cities(scn.map.basemap), app.fs)
            self.ladder = LadderView(scn, self.colours, app.fs)

    # ------------------------------------------------------------ the view's parts
    def options(self) -> list[dict]:
        return list(self.view.get("options", []))

    def legal(self) -> list[dict]:
        return [o for o in self.options() if o["legal"]]

    def picked(self) -> dict | None:
        return next((o for o in self.options() if o["instance"] == self.selected), None)

    def deciding(self) -> bool:
        v = self.view
        return bool(v) and v.get("phase") == "playing" and not v.get("confirmed") and bool(self.legal())

    def enter_confirms(self) -> bool:
        """Enter confirms when the team's proposal is the action picked (or nothing is picked)."""
        p = self.view.get("proposal")
        if not p:
            return False
        return self.selected is None or (p["instance"] == self.selected and p["signal"] == self.signal)

    # ------------------------------------------------------------ layout
    def layout(self) -> dict[str, pygame.Rect]:
        """The game screen's layout (top bar, map over news, ladder, decision on the right); the
        bottom strip holds the news and, beside it, the messages."""
        s = self.app.s
        w, h = self.app.size
        top_h = s(50)
        right_w = max(s(350), min(s(420), int(w * 0.28)))
        ladder_w = max(s(230), min(s(310), int(w * 0.19)))
        news_h = max(s(190), min(s(260), int(h * 0.32)))
        map_w = w - right_w - ladder_w
        msg_w = max(s(300), int(map_w * 0.42))
        return {
            "top": pygame.Rect(0, 0, w, top_h),
            "map": pygame.Rect(0, top_h, map_w, h - top_h - news_h),
            "news": pygame.Rect(0, h - news_h, map_w - msg_w, news_h),
            "messages": pygame.Rect(map_w - msg_w, h - news_h, msg_w, news_h),
            "ladder": pygame.Rect(map_w, top_h, ladder_w, h - top_h),
            "side": pygame.Rect(w - right_w, top_h, right_w, h - top_h),
        }

    def build(self) -> None:
        root = self.new_root()
        self.rects = r = self.layout()
        self.option_buttons, self.key_numbers, self.option_rows, self.stops = {}, {}, {}, []
        self.propose_btn = self.confirm_btn = self.send_btn = None
        self.signal_menu = self.to_menu = None
        self.scroller = None
        if self.map is not None and self.ladder is not None:
            self.map.fs = self.ladder.fs = self.app.fs
            self.map.set_rect(r["map"])
        v = self.view
        if not v:
            return
        m, s = self.app.manager, self.app.s
        px = self.app.font_px(12)
        pad = s(8)

        # ---- news and messages, under the map
        nr = r["news"]
        Label(
            pygame.Rect(nr.x + s(10), nr.y + s(4), nr.w - s(20), s(22)),
            "NEWS",
            m,
            container=root,
            object_id=oid("@heading"),
        )
        text_box(
            self.app, feed_html(v, px), pygame.Rect(nr.x + pad, nr.y + s(28), nr.w - 2 * pad, nr.h - s(32)), root, px
        )
        mr = r["messages"]
        Label(
            pygame.Rect(mr.x + s(10), mr.y + s(4), mr.w - s(20), s(22)),
            "MESSAGES",
            m,
            container=root,
            object_id=oid("@heading"),
        )
        row_h = s(32)
        text_box(
            self.app,
            messages_html(v, px),
            pygame.Rect(mr.x + pad, mr.y + s(28), mr.w - 2 * pad, mr.h - s(32) - 2 * (row_h + s(4))),
            root,
            px,
        )
        targets = [EVERYONE] + [a["name"] for a in v["actors"] if a["id"] != v["seat"]]
        if self.to_text not in targets:
            self.to_text = EVERYONE
        self.target_ids = {EVERYONE: "all", **{a["name"]: a["id"] for a in v["actors"]}}
        y = mr.bottom - 2 * (row_h + s(4))
        third = (mr.w - 2 * pad) // 3
        self.to_menu = UIDropDownMenu(
            items(targets),
            self.to_text,
            pygame.Rect(mr.x + pad, y, mr.w - 2 * pad, row_h),
            m,
            container=root,
            expansion_height_limit=s(160),
        )
        expand_up(self.to_menu)  # it sits at the window's bottom edge: a list going down would be cut off
        y += row_h + s(4)
        self.entry = self.text_field(
            "say", pygame.Rect(mr.x + pad, y, mr.w - 2 * pad - third - s(4), row_h), "a message"
        )
        self.send_btn = UIButton(
            pygame.Rect(mr.right - pad - third, y, third, row_h),
            "Send" if self.to_text == EVERYONE else "Send (private)",
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="Public: every seat reads it. Private: only that seat and the teacher. Not a move.",
        )

        # ---- the decision, on the right
        self.build_decision(root, r["side"])

    def build_decision(self, root, rect: pygame.Rect) -> None:
        m, s = self.app.manager, self.app.s
        v = self.view
        x, w = rect.x + s(12), rect.w - s(24)
        y = rect.y + s(10)
        px = self.app.font_px(12)
        seat_name = v.get("seat_name", "")
        team = any(a["id"] == v["seat"] and a["team"] for a in v["actors"])
        Label(
            pygame.Rect(x, y, w, s(22)),
            f"YOUR DECISION \u2014 {seat_name.upper()}",
            m,
            container=root,
            object_id=oid("@heading"),
        )
        y += s(26)
        if v["phase"] == "lobby" or not team:
            text = (
                f"Waiting for the teacher to start the game. Your seat: <b>{esc(seat_name)}</b>. "
                "Read the map and the ladder meanwhile; talk to the other seats on the left."
                if v["phase"] == "lobby"
                else f"No team held {esc(seat_name)} when the game started: its doctrine plays it."
            )
            text_box(self.app, f"<font pixel_size={px}>{text}</font>", pygame.Rect(x, y, w, s(120)), root, px)
            return
        bottom_h = s(318)
        list_h = max(s(110), rect.bottom - y - bottom_h)
        self.build_options(root, pygame.Rect(x, y, w, list_h))
        y += list_h + s(6)
        picked = self.picked()
        text_box(self.app, detail_html(picked, px), pygame.Rect(x, y, w, s(100)), root, px)
        y += s(104)
        signals = [i for i in v.get("signals", []) if i["legal"]]
        labels = {None: SAY_NOTHING} | {i["index"]: f"Say: \u201c{i['says']}\u201d" for i in signals}
        if self.signal not in labels:
            self.signal = None
        f = theme.font(self.app.font_px(13))
        self.signal_labels = {_fit(f, text, w - s(40)): index for index, text in labels.items()}
        shown = next(t for t, i in self.signal_labels.items() if i == self.signal)
        self.signal_menu = UIDropDownMenu(
            items(list(self.signal_labels)),
            shown,
            pygame.Rect(x, y, w, s(32)),
            m,
            container=root,
            expansion_height_limit=s(180),
        )
        y += s(38)
        confirms = self.enter_confirms()
        label = "Propose to my team (Enter)" if not confirms else "Propose to my team"
        if picked is not None and not confirms:
            label = _fit(f, f"Propose (Enter): {picked['target'] or picked['name']}", w - s(20))
        self.propose_btn = UIButton(
            pygame.Rect(x, y, w, s(34)),
            label,
            m,
            container=root,
            object_id=oid("@tool"),
            tool_tip_text="Your team sees the proposal; anyone in it confirms.",
        )
        if picked is None or not self.deciding():
            self.propose_btn.disable()
        y += s(40)
        p = v.get("proposal")
        names = actor_names(v)
        if v.get("confirmed"):
            text = "<b>Your team has decided this turn.</b> Waiting for the others."
        elif p:
            by = f" by {esc(p['by'])}" if p["by"] else ""
            text = f"Proposed{by}: <b>{esc(p['action_name'])}</b>. Anyone in the team may confirm."
        else:
            text = "Nothing proposed yet: pick an action and propose it; then confirm it."
        waiting = [names[a["id"]] for a in v["actors"] if a["team"] and a["id"] not in v["decided"]]
        if v["phase"] == "playing" and waiting:
            text += f"<br><font color='#8a96a4'>Still to decide: {esc(', '.join(waiting))}</font>"
        elif v["phase"] == "paused":
            text += "<br><font color='#e69f00'>The teacher has paused the game.</font>"
        text_box(self.app, f"<font pixel_size={px}>{text}</font>", pygame.Rect(x, y, w, s(88)), root, px)
        y += s(92)
        self.confirm_btn = UIButton(
            pygame.Rect(x, y, w, s(40)),
            "Confirm the team's decision (Enter)" if confirms else "Confirm the team's decision",
            m,
            container=root,
            object_id=oid("@primary"),
        )
        if not p or v.get("confirmed") or v["phase"] != "playing":
            self.confirm_btn.disable()

    def build_options(self, root, rect: pygame.Rect) -> None:
        """One row per option, those possible now first with their keys; the others greyed with why."""
        m, s = self.app.manager, self.app.s
        self.scroller = UIScrollingContainer(rect, m, container=root, allow_scroll_x=False)
        inner_w = rect.w - s(22)
        bfont = theme.font(self.app.font_px(14))
        rfont = theme.font(self.app.font_px(12))
        cy = 0
        legal, illegal = self.legal(), [o for o in self.options() if not o["legal"]]
        if not self.options():
            Label(
                pygame.Rect(0, cy, inner_w, s(24)),
                "No options this turn.",
                m,
                container=self.scroller,
                object_id=oid("@dim"),
            )
        n = 0
        for name, group in grouped(legal):
            if len(group) > 1:  # one action, several targets: the action once, a row a target
                head = f"{name} \u00b7 {len(group)} targets"
                Label(
                    pygame.Rect(0, cy, inner_w, s(22)),
                    _fit(rfont, head, inner_w - s(8)),
                    m,
                    container=self.scroller,
                    object_id=oid("@dim"),
                ).text_horiz_alignment = "left"
                cy += s(24)
            for o in group:
                n += 1
                key = option_key_label(n)
                if key:
                    self.key_numbers[n] = o["instance"]
                indent = s(16) if len(group) > 1 else 0
                what = instance_text(o) if len(group) > 1 else option_text(o)
                mark = "  !" if o["trips"] else ""
                room = inner_w - indent - s(76) - bfont.size(mark)[0]
                b = UIButton(
                    pygame.Rect(indent, cy, inner_w - indent - s(66), s(30)),
                    _fit(bfont, f"{key or ' '}   {what}", room) + mark,
                    m,
                    container=self.scroller,
                    object_id=oid("@option"),
                    tool_tip_text=option_tip(o),
                )
                if o["instance"] == self.selected:
                    b.select()
                Label(
                    pygame.Rect(inner_w - s(62), cy, s(62), s(30)),
                    f"rung {o['rung']}" if o["rung"] else "\u2014",
                    m,
                    container=self.scroller,
                    object_id=oid("@dim"),
                ).text_horiz_alignment = "center"
                self.option_buttons[o["instance"]] = b
                self.stops.append(o["instance"])
                self.option_rows[o["instance"]] = pygame.Rect(0, cy, inner_w, s(30))
                cy += s(33)
        if illegal:
            cy += s(4)
            Label(
                pygame.Rect(0, cy, inner_w, s(20)),
                "NOT POSSIBLE NOW",
                m,
                container=self.scroller,
                object_id=oid("@dim"),
            ).text_horiz_alignment = "left"
            cy += s(22)
            for name, group in grouped(illegal):
                o = group[0]
                text = name if len(group) > 1 or not o["target"] else option_text(o)
                b = UIButton(
                    pygame.Rect(0, cy, inner_w, s(26)),
                    _fit(bfont, text, inner_w - s(10)),
                    m,
                    container=self.scroller,
                    object_id=oid("@option"),
                    tool_tip_text=option_tip(o),
                )
                b.disable()
                cy += s(26)
                Label(
                    pygame.Rect(s(10), cy, inner_w - s(10), s(18)),
                    _fit(rfont, o["reason"], inner_w - s(14)),
                    m,
                    container=self.scroller,
                    object_id=oid("@dim"),
                ).text_horiz_alignment = "left"
                cy += s(22)
        self.scroller.set_scrollable_area_dimensions((inner_w, max(cy, rect.h - 2)))
        bar = getattr(self.scroller, "vert_scroll_bar", None)
        if self.scroll_keep is not None and bar is not None:
            bar.set_scroll_from_start_percentage(self.scroll_keep)

    def relayout(self) -> None:
        bar = getattr(self.scroller, "vert_scroll_bar", None) if self.scroller is not None else None
        self.scroll_keep = bar.start_percentage if bar is not None else None
        super().relayout()
        self.update_preview()

    def on_new_view(self) -> None:
        if self.view.get("turn") != (self.shown or {}).get("turn"):
            self.selected, self.signal, self.scroll_keep = None, None, None  # a new turn: new options
            self.app.input_barrier()  # no key meant for the last turn acts on this one
        super().on_new_view()

    # ------------------------------------------------------------ acting
    def pick(self, instance: int | None) -> None:
        if instance == self.selected:
            return
        self.selected = instance
        self.relayout()
        self.ensure_visible()

    def ensure_visible(self) -> None:
        """Scroll the list so the picked row shows (the keys may pick a row below the fold)."""
        row = self.option_rows.get(self.selected) if self.selected is not None else None
        scroller = self.scroller
        bar = getattr(scroller, "vert_scroll_bar", None) if scroller is not None else None
        if row is None or bar is None or scroller is None:
            return
        total = scroller.scrollable_container.rect.h
        view = scroller.rect.h
        top = bar.start_percentage * total
        if row.top < top or row.bottom > top + view:
            bar.set_scroll_from_start_percentage(min(1.0, max(0.0, row.top - view * 0.3) / total))

    def step_pick(self, d: int) -> None:
        stops = self.stops
        if not stops:
            return
        if self.selected not in stops:
            self.pick(stops[0] if d > 0 else stops[-1])
            return
        i = stops.index(self.selected)
        self.pick(stops[max(0, min(len(stops) - 1, i + d))])

    def cycle_signal(self, d: int) -> None:
        order = [None] + [i["index"] for i in self.view.get("signals", []) if i["legal"]]
        if len(order) < 2:
            return
        self.signal = order[(order.index(self.signal) + d) % len(order)] if self.signal in order else None
        self.relayout()

    def propose(self) -> None:
        v = self.view
        if self.selected is None or not self.deciding():
            return
        self.client.send(protocol.Propose(self.client.new_decision_id(), v["turn"], self.selected, self.signal))

    def confirm(self) -> None:
        p = self.view.get("proposal")
        if p and not self.view.get("confirmed") and self.view.get("phase") == "playing":
            self.client.send(protocol.Confirm(p["decision"]))

    def enter(self) -> None:
        """Enter: confirm the team's proposal when it is the action picked; else propose the pick."""
        if self.enter_confirms():
            self.confirm()
        else:
            self.propose()

    def send_message(self) -> None:
        text = self.entry.get_text().strip()
        if not text:
            return
        self.client.send(protocol.Say(self.target_ids.get(self.to_text, "all"), text[: protocol.MAX_TEXT]))
        self.entry.set_text("")

    def update_preview(self) -> None:
        """The map shows the picked action's target (and its weapon's range), as on the single board."""
        if self.map is None or self.scenario is None:
            return
        o = self.picked()
        scn = self.scenario
        site = next((x.id for x in scn.map.sites if o is not None and x.name == o["target"]), None)
        wid = next((w.id for w in scn.weapons if o is not None and w.name == o["weapon"]), None)
        if wid is not None:
            self.map.show_weapon(wid, site)
        else:
            self.map.show_weapon(None)
            self.map.target_site = site

    # ------------------------------------------------------------ events
    def handle_event(self, event):
        if event.type == pygame_gui.UI_BUTTON_PRESSED:
            el = event.ui_element
            inst = next((i for i, b in self.option_buttons.items() if b is el), None)
            if inst is not None:
                self.pick(inst)
            elif el is self.propose_btn:
                self.propose()
            elif el is self.confirm_btn:
                self.confirm()
            elif el is self.send_btn:
                self.send_message()
            else:
                return event
            return None
        if event.type == pygame_gui.UI_DROP_DOWN_MENU_CHANGED:
            if event.ui_element is self.signal_menu:
                self.signal = self.signal_labels.get(event.text)
                self.relayout()
            elif event.ui_element is self.to_menu:
                self.to_text = event.text
                if self.send_btn is not None:
                    self.send_btn.set_text("Send" if self.to_text == EVERYONE else "Send (private)")
            return None
        if event.type == pygame_gui.UI_TEXT_ENTRY_FINISHED and event.ui_element is getattr(self, "entry", None):
            self.send_message()
            return None
        if event.type == pygame.KEYDOWN and not self.app._typing() and self._key(event):
            return None
        if self.map is not None and event.type != pygame.KEYDOWN and self.map.handle_event(event):
            return None
        return event

    def _key(self, event) -> bool:
        k, mod = event.key, event.mod
        ctrl = mod & (pygame.KMOD_CTRL | pygame.KMOD_ALT | pygame.KMOD_META)
        if k in (pygame.K_RETURN, pygame.K_KP_ENTER):
            self.enter()
        elif k == pygame.K_HOME and self.map is not None:
            self.map.reset_view()
        elif k in (pygame.K_w, pygame.K_a, pygame.K_s, pygame.K_d) and not ctrl and self.map is not None:
            step = self.app.s(70)
            dx, dy = {pygame.K_w: (0, step), pygame.K_s: (0, -step), pygame.K_a: (step, 0), pygame.K_d: (-step, 0)}[k]
            self.map.proj.pan_pixels(dx, dy)
        elif not self.deciding():
            return False
        elif k in (pygame.K_UP, pygame.K_DOWN):
            self.step_pick(-1 if k == pygame.K_UP else 1)
        elif k in (pygame.K_LEFT, pygame.K_RIGHT):
            self.cycle_signal(-1 if k == pygame.K_LEFT else 1)
        elif (n := option_number(k, mod)) is not None and n in self.key_numbers:
            self.pick(self.key_numbers[n])
        else:
            return False
        return True

    # ------------------------------------------------------------ frame
    def update(self, dt: float) -> None:
        self._dt = dt
        while self.client.errors:
            self.app.notify(self.client.errors.pop(0), "warn", 5)
        super().update(dt)

    def draw(self, surface) -> None:
        surface.fill(theme.BG)
        r = self.rects or self.layout()
        s = self.app.s
        top = r["top"]
        pygame.draw.rect(surface, theme.PANEL, top)
        pygame.draw.line(surface, theme.PANEL_EDGE, top.bottomleft, top.bottomright)
        v = self.view
        title = f"{v.get('seat_name', '')} \u2014 {v['scenario']['title']}" if v else "Connecting\u2026"
        status = self.status_line()
        fs = theme.font(self.app.font_px(13))
        fb = theme.font(self.app.font_px(16), "bold")
        sw = fs.size(status)[0]
        surface.blit(
            theme.render(fs, status, theme.TEXT_DIM), (top.right - sw - s(16), top.centery - fs.get_height() // 2)
        )
        title = _fit(fb, title, top.w - sw - s(48))
        surface.blit(theme.render(fb, title, theme.TEXT), (top.x + s(16), top.centery - fb.get_height() // 2))
        if self.map is not None:
            self.map.draw(surface, self._dt)
            if self.basemap_problem:
                f = theme.font(self.app.font_px(12))
                surface.blit(
                    theme.render(f, self.basemap_problem[:120], theme.DANGER), (r["map"].x + 10, r["map"].y + 8)
                )
        else:
            f = theme.font(self.app.font_px(14))
            surface.blit(theme.render(f, self.problem, theme.DANGER), (r["map"].x + s(16), r["map"].y + s(16)))
        for part in ("news", "messages", "side"):
            pygame.draw.rect(surface, theme.PANEL, r[part])
            pygame.draw.line(surface, theme.PANEL_EDGE, r[part].topleft, r[part].topright)
            pygame.draw.line(surface, theme.PANEL_EDGE, r[part].topleft, r[part].bottomleft)
        if self.ladder is not None and v:
            lr = r["ladder"]
            pygame.draw.rect(surface, theme.PANEL, lr)
            picked = self.picked()
            preview = picked["rung"] if picked is not None and picked["rung"] else None
            crossed = {k: (tuple(c) if c else None) for k, c in v.get("crossed", {}).items()}
            self.ladder.draw(surface, lr, v.get("rungs", {}), crossed, preview, v.get("seat"))
            pygame.draw.line(surface, theme.PANEL_EDGE, lr.topleft, lr.bottomleft)

    def draw_over(self, surface) -> None:
        if self.map is not None and self.map.hover_site is not None and not self.map.dragging:
            self.map.hover_card(surface)
        elif self.ladder is not None and self.ladder.hover_text:
            draw_tooltip(surface, self.ladder.hover_text, self.app.scale)

    def focus_rect(self) -> pygame.Rect | None:
        """The picked action's row (the keys move it, Enter proposes it)."""
        b = self.option_buttons.get(self.selected) if self.selected is not None else None
        if b is None or not b.visible or self.scroller is None:
            return super().focus_rect()
        from game.ui.focus import visible_part

        return visible_part(pygame.Rect(b.rect), pygame.Rect(self.scroller.rect))

    def state(self) -> dict:
        v = self.view
        return {
            "screen": self.name,
            "seat": v.get("seat"),
            "turn": v.get("turn"),
            "phase": v.get("phase"),
            "selected": self.selected,
            "proposal": (v.get("proposal") or {}).get("action_name"),
        }
